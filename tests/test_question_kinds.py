"""The kind and the form of email a figure's question names (question/kinds.py, strategies/kinds.py):
'ERV notices', 'market commentary emails', 'forwards', 'replies'. Our own small mailbox: Ann Lee
sends four market commentaries (three say 'commentary'), two Quill expense notifications and a
forward; Cy Dunn replies once."""
from __future__ import annotations

import pytest

from archivist.agent.question.plan import Role
from tests.test_question_typed import _mbox_store, ask_over

MAILS = [
    ("Ann Lee <ann.lee@acme.com>", "Bo Fry <bo.fry@acme.com>", "Mon, 08 Apr 2024 10:00:00 -0700", "Morning note",
     "market commentary: gas up"),
    ("Ann Lee <ann.lee@acme.com>", "Bo Fry <bo.fry@acme.com>", "Tue, 09 Apr 2024 10:00:00 -0700", "Morning note",
     "market commentary: gas down"),
    ("Ann Lee <ann.lee@acme.com>", "Bo Fry <bo.fry@acme.com>", "Wed, 10 Apr 2024 10:00:00 -0700", "Morning note",
     "market commentary: flat"),
    ("Ann Lee <ann.lee@acme.com>", "Bo Fry <bo.fry@acme.com>", "Thu, 11 Apr 2024 10:00:00 -0700", "Morning note",
     "gas flat again"),
    ("Quill Expenses <quill@acme.com>", "Bo Fry <bo.fry@acme.com>", "Thu, 11 Apr 2024 11:00:00 -0700",
     "Expense report approved", "Your Quill expense report was approved"),
    ("Quill Expenses <quill@acme.com>", "Bo Fry <bo.fry@acme.com>", "Fri, 12 Apr 2024 11:00:00 -0700",
     "Expense report due", "Your Quill expense report is due"),
    ("Ann Lee <ann.lee@acme.com>", "Bo Fry <bo.fry@acme.com>", "Fri, 12 Apr 2024 12:00:00 -0700", "FW: budget",
     "see below"),
    ("Cy Dunn <cy.dunn@acme.com>", "Bo Fry <bo.fry@acme.com>", "Fri, 12 Apr 2024 13:00:00 -0700", "RE: budget",
     "agreed on the budget"),
    ("Cy Dunn <cy.dunn@acme.com>", "Bo Fry <bo.fry@acme.com>", "Fri, 12 Apr 2024 14:00:00 -0700", "budget",
     "new budget numbers"),
]


def _ask(tmp_path, question):
    return ask_over(tmp_path, MAILS, question)


@pytest.mark.parametrize("question, count, said", [
    # a name is searched: only the Quill emails in Bo's mail
    ("How many Quill expense notifications did Bo Fry get in April 2024?", 2, "read as a name"),
    # common words most of Ann's mail holds say what her emails are: all five counted, the other figure said
    ("how many market commentary emails did Ann Lee send?", 5, "saying what these emails are"),
    # common words few of the selected emails hold are words they must hold
    ("How many budget emails did Bo Fry get?", 3, "words the emails hold"),
])
def test_the_kind_of_email_is_settled_against_the_emails(tmp_path, question, count, said):
    r = _ask(tmp_path, question)
    assert r.result.get("count") == count and said in r.answer, r.answer


def test_a_kind_no_email_holds_gives_no_figure(tmp_path):
    r = _ask(tmp_path, "how many weekly digest emails did Ann Lee send?")
    assert r.result.get("refused") and "could not tell" in r.answer, r.answer


@pytest.mark.parametrize("question, count", [
    ("How many forwards did Ann Lee send?", 1),
    ("how many replies did Cy Dunn send in April 2024?", 1),
    ("How many emails did Cy Dunn send?", 2),
])
def test_forwards_and_replies_are_read(tmp_path, question, count):
    r = _ask(tmp_path, question)
    assert r.result.get("count") == count, r.answer


def test_the_kind_words_are_a_constraint_and_the_noun_the_frame(tmp_path):
    from archivist.agent.question.lexicon import lexicon
    from archivist.agent.question.reader import read_plan
    with _mbox_store(tmp_path, MAILS) as store:
        plan = read_plan("how many access request reminders did Bo Fry get?", lexicon(store))
    assert [c.value for c in plan.of(Role.KIND)] == ["access request"] and not plan.unused


def test_subject_words_or_their_other_spelling(tmp_path):
    """'X (or Y) in the subject': either, in SQL and in the word check alike."""
    r = _ask(tmp_path, "how many emails had Morning note (or budget) in the subject line?")
    assert r.result.get("count") == 7, r.answer
