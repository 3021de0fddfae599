"""Chat follow-ups without an intent of their own take the previous turn's intent and scope:
"and in June?" after a count is the same count in June. Phrasings are generated, not picked."""
from __future__ import annotations

import itertools

import pytest

from archivist.agent.question.analyse import analyse_question
from archivist.agent.question.followup import bare_month_span, carry_intent, prior_year
from archivist.records import Filters, Intent, QuestionKind
from archivist.store import Store

MONTHS = ["January", "june", "Sept", "December", "may"]
OPENERS = ["and in {m}?", "what about {m}?", "And for {m}", "how about during {m}?", "so in {m}?"]
FIRST = ["How many emails did ann@x.com send in May 2001?",
         "how many messages did ann@x.com send in 2001?",
         "Count the emails from ann@x.com in March 2001"]


@pytest.mark.parametrize("first,opener,month", list(itertools.product(FIRST, OPENERS, MONTHS)))
def test_bare_month_follow_up_repeats_the_count_in_that_month(first, opener, month):
    previous = analyse_question(first)
    question = opener.format(m=month)
    carried = carry_intent(analyse_question(question, has_history=True), previous, question, 2001)
    assert carried.intent == Intent.COUNT and carried.kind == QuestionKind.COUNT
    assert carried.senders == ["ann@x.com"]
    n = {"january": 1, "june": 6, "sept": 9, "december": 12, "may": 5}[month.lower()]
    assert carried.after == f"2001-{n:02d}-01"


def test_follow_up_with_its_own_intent_or_no_history_is_left_alone():
    previous = analyse_question("How many emails did ann@x.com send in May 2001?")
    own = analyse_question("and who sent the most in June 2001?", has_history=True)
    assert carry_intent(own, previous, "and who sent the most in June 2001?", 2001) is own
    fresh = analyse_question("Which room is the offsite in?", has_history=True)
    assert carry_intent(fresh, None, "Which room is the offsite in?", 2001) is fresh


def test_new_address_takes_the_previous_person_role():
    previous = analyse_question("How many emails did ann@x.com send in May 2001?")
    q = "and bob@x.com?"
    carried = carry_intent(analyse_question(q, has_history=True), previous, q, 2001)
    assert carried.senders == ["bob@x.com"] and carried.after is None  # scope.merge_prior keeps May


def test_month_with_a_year_is_not_bare():
    assert bare_month_span("and in June 2002?", 2001) == (None, None)
    assert bare_month_span("and in June?", None) == (None, None)
    assert bare_month_span("and in June?", 2001) == ("2001-06-01", "2001-07-01")


def test_prior_year_from_the_bounds_else_the_latest_document(tmp_path):
    with Store(tmp_path / "y.db") as store:
        store.conn.execute("INSERT INTO documents (id, content_hash, kind, sender, date, body) "
                           "VALUES (1, 'h', 'email', 'ann@x.com', '2000-11-02T10:00:00+00:00', '')")
        assert prior_year(store, Filters(after="2001-05-01", before="2001-06-01")) == 2001
        assert prior_year(store, Filters(before="2002-01-01")) == 2001
        assert prior_year(store, Filters(sender="ann@x.com")) == 2000
        assert prior_year(store, Filters(sender="nobody@x.com")) is None
