"""What someone got from a sender (issue 24): when the archive holds that person's own mailbox,
'X got/received ... from Y' is what reached X's mailbox from Y, list mail and blind copies
included; the count with X named as a recipient is said beside it. 'Sent to X' keeps X as a
named recipient, and so does 'X received' with no sender (X's mailbox also holds X's own mail).
Written in our own words."""
from __future__ import annotations

import pytest

from archivist.agent.question.plan import Role
from archivist.agent.question.reader import read_plan
from tests.test_question_typed import _mbox_store

MAIL = [("Cy Dunn <cy.dunn@vendor.net>", "Ann Lee <ann.lee@acme.com>", "Thu, 11 Apr 2024 10:00:00 -0700", "bid", "ok"),
        ("Cy Dunn <cy.dunn@vendor.net>", "Bid list <bids@acme.com>", "Fri, 12 Apr 2024 10:00:00 -0700", "bid 2", "again"),
        ("Ann Lee <ann.lee@acme.com>", "Bo Fry <bo.fry@acme.com>", "Mon, 15 Apr 2024 10:00:00 -0700", "fwd", "see")]


def _ask(tmp_path, question: str):
    from archivist.agent.ask import ask
    from tests.conftest import agent_settings
    with _mbox_store(tmp_path, MAIL, box="lee-a") as store:
        return ask(store, agent_settings(tmp_path / "m.db"), question, log=False)


@pytest.mark.parametrize("question, count", [
    ("how many emails did Ann Lee get from Cy Dunn?", 2),  # the list mail reached her mailbox too
    ("how many messages has Ann Lee received from vendor.net addresses", 2),
    ("how many emails were sent to Ann Lee by Cy Dunn?", 1),  # 'sent to': she is named
    ("how many emails did Ann Lee receive?", 1),  # no sender: her mailbox also holds her own mail
])
def test_what_someone_got_from_a_sender_is_what_reached_their_mailbox(tmp_path, question, count):
    r = _ask(tmp_path, question)
    assert r.result == {"count": count}, r.answer


def test_the_named_recipient_reading_is_said_beside_the_figure(tmp_path):
    r = _ask(tmp_path, "how many emails did Ann Lee get from Cy Dunn?")
    assert "named as a recipient (To, Cc or Bcc): 1" in r.answer


def test_the_last_email_someone_got_from_a_sender(tmp_path):
    r = _ask(tmp_path, "when did Ann Lee last get an email from Cy Dunn?")
    assert r.result.get("date") == "2024-04-12", r.answer


def test_getting_copied_keeps_its_header_role(tmp_path):
    from archivist.agent.question.lexicon import lexicon
    with _mbox_store(tmp_path, MAIL, box="lee-a") as store:
        p = read_plan("how many emails did Ann Lee get cc'd on from Cy Dunn?", lexicon(store))
    assert [c.role for c in p.of(Role.CC)] == [Role.CC] and not p.of(Role.MAILBOX)


TWO_ADDRESSES = MAIL + [("Ann Lee <annlee@home.net>", "Bo Fry <bo.fry@acme.com>", "Tue, 16 Apr 2024 10:00:00 -0700",
                         "from home", "later")]


def test_a_count_of_one_persons_mail_from_several_addresses_says_how_it_splits(tmp_path):
    """All of a person's addresses count (the figure); the split by address is said beside it, for
    a reader who counts only some of them as that person."""
    from archivist.agent.ask import ask
    from tests.conftest import agent_settings
    with _mbox_store(tmp_path, TWO_ADDRESSES, box="lee-a") as store:
        r = ask(store, agent_settings(tmp_path / "m.db"), "how many emails did Ann Lee send in April 2024?", log=False)
    assert r.result == {"count": 2}, r.answer
    assert "by sender address: ann.lee@acme.com 1, annlee@home.net 1" in r.answer
