"""Failure classes of the eighth blind round's tune half, in our own wordings: a first name alone
(the custodian who goes by it, or the person named in full), dates ('after D through the end of
the month', 'may and june', 'Jan. and Feb.', a holiday with no year beside the numbers that say
it)."""
from __future__ import annotations

import pytest

from archivist.agent.question.analyse import find_span
from archivist.agent.question.plan import Role
from archivist.agent.question.reader import read_plan
from tests.test_question_q3 import _two_boxes

MAILS = [  # two mailboxes: Ann Lee's (ann.lee on the To line) and Bo Fry's
    ("Cy Dunn <cy.dunn@acme.com>", "Ann Lee <ann.lee@acme.com>", "Mon, 08 Apr 2024 10:00:00 -0700", "a", "one"),
    ("Cy Dunn <cy.dunn@acme.com>", "Ann Lee <ann.lee@acme.com>", "Tue, 09 Apr 2024 10:00:00 -0700", "b", "two"),
    ("Di Ross <di.ross@acme.com>", "Bo Fry <bo.fry@acme.com>", "Wed, 10 Apr 2024 10:00:00 -0700", "c", "three"),
    ("Ann Lee <ann.lee@acme.com>", "Bo Fry <bo.fry@acme.com>", "Thu, 11 Apr 2024 10:00:00 -0700", "d", "four"),
    ("Ann Bell <ann.bell@acme.com>", "Bo Fry <bo.fry@acme.com>", "Thu, 11 Apr 2024 11:00:00 -0700", "e", "five"),
    ("News Desk <desk@news.com>", "Readers <all@news.com>", "Fri, 12 Apr 2024 11:00:00 -0700", "Daily Digest",
     "list mail"),
]
BOXES = ["lee-a", "lee-a", "fry-b", "fry-b", "fry-b", "lee-a"]


def _store(tmp_path):
    """The mails ingested from one mbox per mailbox (the mailbox is the file's name)."""
    boxes: dict[str, list] = {}
    for mail, box in zip(MAILS, BOXES):
        boxes.setdefault(box, []).append(mail)
    return _two_boxes(tmp_path, boxes)


def _plan(tmp_path, question):
    from archivist.agent.question.lexicon import lexicon
    with _store(tmp_path) as store:
        return read_plan(question, lexicon(store))


@pytest.mark.parametrize("question, role, value", [
    ("how many emails are in Ann's inbox?", Role.MAILBOX, "lee-a"),
    ("who wrote to Bo most?", Role.RECIPIENT, ["bo.fry@acme.com"]),
])
def test_a_first_name_alone_is_the_custodian_who_goes_by_it(tmp_path, question, role, value):
    plan = _plan(tmp_path, question)
    assert [c.value for c in plan.of(role)] == [value] and not plan.unused


def test_a_first_name_of_someone_named_in_full_is_that_person(tmp_path):
    """'Bo' is Bo Fry: his addresses, or, as here where his own mailbox is named, that mailbox (what
    reached him there: question/received.py)."""
    plan = _plan(tmp_path, "In Bo Fry's mailbox, how many emails did Ann Lee send to Bo?")
    bo = next(c for c in plan.constraints if c.text == "Bo")
    assert (bo.role, bo.value) == (Role.MAILBOX, "fry-b") and not plan.unused
    plan = _plan(tmp_path, "In Ann Lee's mailbox, how many emails did Cy Dunn send to Bo?")
    assert [c.value for c in plan.of(Role.RECIPIENT)] == [["bo.fry@acme.com"]]


def test_a_first_name_no_custodian_goes_by_is_not_used(tmp_path):
    assert "Cy" in _plan(tmp_path, "how many emails did Cy send?").unused


@pytest.mark.parametrize("text, expected", [
    ("emails that came in after 9/11/01 through the end of September", ("2001-09-12", "2001-10-01")),
    ("how many did he send in may and june 2001", ("2001-05-01", "2001-07-01")),
    ("for Jan. and Feb. 2002, who sent most", ("2002-01-01", "2002-03-01")),
])
def test_dates_as_typed(text, expected):
    assert find_span(text)[:2] == expected


def test_a_holiday_with_no_year_beside_numbers_that_say_it(tmp_path):
    plan = _plan(tmp_path, "Over New Year's Eve and New Year's Day (12/31/01-1/1/02), how many emails did Ann Lee send?")
    assert plan.of(Role.DATE)[0].value == "2001-12-31..2002-01-02" and not plan.unused


@pytest.mark.parametrize("text, expected", [
    ("From the Monday after Thanksgiving 2001 through that Friday, how many", ("2001-11-26", "2001-12-01")),
    ("the week of Monday Dec 3, 2001 - how many emails", ("2001-12-03", "2001-12-10")),
    ("By the end of September 2001, how many emails had he sent", (None, "2001-10-01")),
    ("the Friday before Christmas 2001", ("2001-12-21", "2001-12-22")),
])
def test_weekdays_around_a_holiday_and_by_the_end_of(text, expected):
    assert find_span(text)[:2] == expected


def test_not_counting_forwards_keeps_every_other_email(tmp_path):
    plan = _plan(tmp_path, "how many emails did Ann Lee send in April 2024, not counting forwards?")
    assert [c.value for c in plan.of(Role.FORM)] == ["not forward"] and not plan.unused


@pytest.mark.parametrize("question", [
    "whose emails show up most in Bo Fry's mailbox?",
    "Which colleague did Ann Lee email most often?",
])
def test_whose_and_colleague_ask_for_a_ranking(tmp_path, question):
    from archivist.agent.question.plan import Ask
    plan = _plan(tmp_path, question)
    assert plan.ask == Ask.TOP and not plan.unused


def test_in_a_described_email_only_the_doer_is_read_by_first_name(tmp_path):
    plan = _plan(tmp_path, "When did Ann let Bo know about the numbers?")
    assert plan.of(Role.SENDER)[0].value == ["ann.lee@acme.com"] and not plan.of(Role.RECIPIENT)


def test_list_mail_to_a_custodian_is_counted_in_their_mailbox(tmp_path):
    """No email from news.com names Ann: what reached her mailbox is counted, and said."""
    from archivist.agent.ask import ask
    from archivist.retrieval.indexer import index_store
    from tests.conftest import agent_settings
    with _store(tmp_path) as store:
        index_store(store, agent_settings(tmp_path / "m.db"), embed=False)
        r = ask(store, agent_settings(tmp_path / "m.db"), "how many mailings from news.com addresses went to Ann?", log=False)
    assert r.result == {"count": 1} and "own mailbox" in r.answer, r.answer


def test_a_first_name_before_another_capitalised_word_is_part_of_a_longer_name(tmp_path):
    plan = _plan(tmp_path, "how many emails did Ann Walker send?")
    assert not [c for c in plan.constraints if c.text == "Ann"]


def test_a_kind_left_out_is_not_counted(tmp_path):
    """'leaving aside the Digest bulletins': the emails whose headers hold the name are left out."""
    from archivist.agent.ask import ask
    from archivist.retrieval.indexer import index_store
    from tests.conftest import agent_settings
    with _store(tmp_path) as store:
        index_store(store, agent_settings(tmp_path / "m.db"), embed=False)
        settings = agent_settings(tmp_path / "m.db")
        r = ask(store, settings, "Leaving aside the automated Digest bulletins, how many emails are in Ann's inbox?", log=False)
        gone = ask(store, settings, "Ignoring the Quill bulletins, how many emails are in Ann's inbox?", log=False)
    assert r.result == {"count": 2} and "left out" in r.answer, r.answer
    assert gone.result.get("refused"), gone.answer  # no email holds 'Quill': nothing to leave out, no figure


def test_a_company_s_colleagues_are_its_senders(tmp_path):
    plan = _plan(tmp_path, "which Acme colleague's emails show up most in Bo Fry's mailbox?")
    assert [c.value for c in plan.of(Role.DOMAIN)] == ["@acme.com"] and not plan.unused


def _ask(tmp_path, question):
    from archivist.agent.ask import ask
    from archivist.retrieval.indexer import index_store
    from tests.conftest import agent_settings
    with _store(tmp_path) as store:
        index_store(store, agent_settings(tmp_path / "m.db"), embed=False)
        return ask(store, agent_settings(tmp_path / "m.db"), question, log=False)


def test_mail_from_a_list_that_sends_nothing_is_the_mail_sent_to_it(tmp_path):
    r = _ask(tmp_path, "how many emails from all@news.com are in Ann's inbox?")
    assert r.result == {"count": 1} and "mailing list" in r.answer, r.answer


@pytest.mark.parametrize("question, role", [
    ("when was the earliest email carrying 'budget plan.xls'?", Role.ATTACHMENT),
    ("Not counting Bo Fry himself, who sent the most emails in his mailbox?", Role.EXCLUDED),
])
def test_a_quoted_file_name_and_not_counting_someone(tmp_path, question, role):
    plan = _plan(tmp_path, question)
    assert plan.of(role) and not plan.unused


def test_which_people_at_a_company_asks_for_everyone(tmp_path):
    from archivist.agent.question.plan import Ask
    assert _plan(tmp_path, "Which people at Acme (acme.com) sent email to Bo Fry?").ask == Ask.TOP


def test_body_words_stop_where_a_date_begins(tmp_path):
    plan = _plan(tmp_path, "how many emails mention master netting 4/8-4/10/24?")
    assert [c.value for c in plan.of(Role.TEXT)] == ["master netting"] and plan.of(Role.DATE)


def test_the_day_after_a_holiday_through_the_end_of_that_month():
    assert find_span("from the day after Thanksgiving 2001 through the end of that month")[:2] == ("2001-11-23", "2001-12-01")


def test_a_firm_of_surnames_is_an_organisation_not_its_partners(tmp_path):
    """'the Fry & Lee firm (acme.com)': the domain, restated by the firm; 'Park & Moss' (no one's
    surnames here) with no domain of this archive: a constraint no email meets, no figure."""
    plan = _plan(tmp_path, "how many emails came from the Fry & Lee firm (acme.com)?")
    assert [c.value for c in plan.of(Role.DOMAIN)] == ["@acme.com"] and not plan.of(Role.SENDER) and not plan.unused
    other = _plan(tmp_path, "how many emails came from Park & Moss?")
    assert not other.of(Role.SENDER) and [c.known for c in other.of(Role.DOMAIN)] == [False]


def test_a_company_said_of_a_person_restates_their_address(tmp_path):
    plan = _plan(tmp_path, "when did Di Ross of Acme last write to Bo Fry?")
    assert plan.of(Role.SENDER)[0].value == ["di.ross@acme.com"] and not plan.of(Role.TEXT) and not plan.unused


def test_copied_to_a_titled_person_is_cc_and_a_title_is_no_surname(tmp_path):
    from archivist.agent.question.lexicon import lexicon
    from archivist.agent.question.people import is_surname
    with _store(tmp_path) as store:
        lex = lexicon(store)
        plan = read_plan("how many emails in Bo Fry's mailbox were copied to in-house lawyer Ann Lee?", lex)
        assert plan.of(Role.CC) and not plan.unused and not is_surname(lex, "lawyer")


def test_an_unknown_firm_in_a_described_email_is_its_description(tmp_path):
    plan = _plan(tmp_path, "Park & Moss lawyer explained the invoice terms to Bo Fry. Who was that email sent to?")
    assert not plan.of(Role.DOMAIN) and "Park" in str([c.value for c in plan.of(Role.TOPIC)])


def test_a_question_word_before_a_firm_is_not_the_firm_s(tmp_path):
    from archivist.agent.question.plan import Ask
    plan = _plan(tmp_path, "Which Fry & Lee (acme.com) people sent emails?")
    assert plan.ask == Ask.TOP and [c.value for c in plan.of(Role.DOMAIN)] == ["@acme.com"]


def test_a_thread_named_by_a_subject_ending_in_a_file_name_stays_its_subject(tmp_path):
    plan = _plan(tmp_path, "On which days were emails sent in the thread 'Daily Digest'?")
    assert not plan.of(Role.ATTACHMENT)
    plan = _plan(tmp_path, "On which days were emails sent in the thread titled 'Transmission list: NETCO.XLS'?")
    assert not plan.of(Role.ATTACHMENT) and plan.of(Role.SUBJECT)
