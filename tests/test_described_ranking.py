"""The one email a question describes (issue 24): among the emails that fit its exact constraints,
the words a description shares with all of them (a sender's department on every one of his
emails) weigh less than the words that tell them apart, and a long digest that holds every word
is weighed down by its length. Written in our own words."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from archivist.agent.strategies import described
from tests.test_question_typed import _mbox_store

FILLER = " ".join(f"word{i}" for i in range(400))
MAIL = [("Ann Lee <ann.lee@acme.com>", "Bo Fry <bo.fry@acme.com>", f"Mon, {8 + i:02d} Apr 2024 10:00:00 -0700", s, b)
        for i, (s, b) in enumerate([
            ("Public Affairs budget", "The Public Affairs budget for the Public Affairs group."),
            ("Public Affairs retainers", "Public Affairs retainer agreements, Public Affairs."),
            ("Public Affairs offsite", "The Public Affairs offsite agenda."),
            ("Travel", "Everyone stranded by the blizzard will be reimbursed for hotels."),
            ("Digest", f"Public Affairs news: stranded travellers, blizzard. {FILLER}")])]
DESCRIPTION = "public affairs staff stranded by the blizzard"


@pytest.fixture
def store(tmp_path):
    with _mbox_store(tmp_path, MAIL) as s:
        yield s


def _ids(store) -> dict[str, int]:
    return {t: i for i, t in store.conn.execute("SELECT id, title FROM documents")}


def test_words_that_tell_the_candidates_apart_weigh_most(store):
    ids = _ids(store)
    order = [ids[t] for t in ("Public Affairs budget", "Public Affairs retainers", "Digest", "Travel",
                              "Public Affairs offsite")]
    assert described._by_rare_words(store, order, DESCRIPTION)[0] == ids["Travel"]


def test_the_search_order_and_the_rare_words_are_fused(store):
    ids = _ids(store)
    order = [ids[t] for t in ("Public Affairs budget", "Travel", "Public Affairs retainers", "Public Affairs offsite",
                              "Digest")]
    search = lambda words, f, k: [SimpleNamespace(doc_id=i) for i in order]  # noqa: E731
    rows = [{"id": i} for i in order]
    assert described.by_content(store, rows, DESCRIPTION, search)[0]["id"] == ids["Travel"]


@pytest.mark.parametrize("question", [
    "Maria Chen in Procurement sent a note about the crane rental - who was cc'd?",
    "Maria Chen of Northwind wrote about the offsite venue; who got it?",
])
def test_a_name_with_its_department_or_company_before_the_verb_is_the_sender(demo_store, question):
    """'X in PR sent', 'X of KPMG wrote': X is the described email's sender, an exact constraint."""
    from archivist.agent.question.lexicon import lexicon
    from archivist.agent.question.plan import Role
    from archivist.agent.question.reader import read_plan
    p = read_plan(question, lexicon(demo_store))
    assert [c.text for c in p.of(Role.SENDER)] == ["Maria Chen"]


@pytest.mark.parametrize("question, sender, recipient", [
    ("what was the subject of the email Maria Chen sent Tom Okafor about the offsite?", "Maria Chen", "Tom Okafor"),
    ("who forwarded Tom Okafor the crane rental quote?", None, "Tom Okafor"),
    ("when did Maria Chen tell Priya Raman about the budget?", "Maria Chen", "Priya Raman"),
])
def test_the_people_of_a_described_email_keep_their_roles(demo_store, question, sender, recipient):
    """A question asking for the subject names none ('the subject of the email X sent'); 'forwarded
    Y the quote' makes Y a recipient, 'X tell Y' X the sender."""
    from archivist.agent.question.lexicon import lexicon
    from archivist.agent.question.plan import Role
    from archivist.agent.question.reader import read_plan
    p = read_plan(question, lexicon(demo_store))
    assert not p.of(Role.SUBJECT)
    assert [c.text for c in p.of(Role.SENDER)] == ([sender] if sender else [])
    assert [c.text for c in p.of(Role.RECIPIENT)] == [recipient]
