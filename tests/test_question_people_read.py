"""People as questions name them (issue 24): a surname alone is the one person who holds nearly
all of its mail (not also a namesake who wrote a few times); the last word of a list's name
('EOL Gas Traders', 'Bo Fry - Home') is no one's surname; senders joined by 'and' are either
of them, and two senders left after that are one misread. Written in our own words."""
from __future__ import annotations

import pytest

from archivist.agent.question.plan import Role
from archivist.agent.question.reader import read_plan
from tests.test_question_typed import _mbox_store


def _mail(frm: str, to: str, day: int, subject: str = "s") -> tuple:
    return (frm, to, f"Mon, {day:02d} Apr 2024 10:00:00 -0700", subject, "text")


MAIL = [_mail("Ann Lee <ann.lee@acme.com>", "Bo Fry <bo.fry@acme.com>", d, f"note {d}") for d in range(1, 20)] + [
    _mail("Tom Lee <tlee@paper.com>", "Bo Fry <bo.fry@acme.com>", 21),
    _mail("Bo Fry <bo.fry@acme.com>", "EOL Gas Traders <gas.traders@acme.com>", 22, "gas"),
    _mail("Bo Fry <bo.fry@acme.com>", "EOL Gas Traders <gas.traders@acme.com>", 25, "more gas"),
    _mail("Bo Fry <bo.fry@acme.com>", "Cy Dunn - Home <cy@home.net>", 23, "home"),
    _mail("Bo Fry <bo.fry@acme.com>", "Cy Dunn - Home <cy@home.net>", 26, "home again"),
    _mail("Cy Dunn <cy.dunn@acme.com>", "Bo Fry <bo.fry@acme.com>", 24)]


@pytest.fixture
def lex(tmp_path):
    from archivist.agent.question.lexicon import lexicon
    with _mbox_store(tmp_path, MAIL, box="fry-b") as store:
        yield lexicon(store)


def test_a_surname_alone_is_the_person_who_holds_nearly_all_its_mail(lex):
    from archivist.agent.question.people import resolve
    person = resolve(lex, "Lee")
    assert "ann.lee@acme.com" in person.identities and "tlee@paper.com" not in person.identities


@pytest.mark.parametrize("word", ["traders", "home"])
def test_the_last_word_of_a_lists_name_is_no_surname(lex, word):
    from archivist.agent.question.people import is_surname
    assert not is_surname(lex, word)


def test_senders_joined_by_and_are_either_of_them(lex):
    p = read_plan("how many emails did Ann Lee and Cy Dunn send?", lex)
    (c,) = p.of(Role.SENDER)
    assert {"ann.lee@acme.com", "cy.dunn@acme.com"} <= set(c.value) and not p.unused


def test_two_senders_left_are_one_misread(lex):
    p = read_plan("how many emails did Ann Lee send from Cy Dunn's desk?", lex)
    assert len([c for c in p.of(Role.SENDER) if isinstance(c.value, list)]) == 2
    assert "Cy" in p.unused


def test_and_joins_two_people_even_beside_a_shared_display_name(tmp_path):
    """'to Ann Lee and cc'd to Bo Fry' with a display name 'Ann Lee and Bo Fry' in the archive:
    'and' joins two people, it is no part of a name."""
    from archivist.agent.question.lexicon import lexicon
    mail = MAIL + [_mail("Ann Lee and Bo Fry <office@acme.com>", "Cy Dunn <cy.dunn@acme.com>", 27, "joint")]
    with _mbox_store(tmp_path, mail, box="fry-b") as store:
        p = read_plan("how many emails were sent to ann lee and cc'd to bo fry?", lexicon(store))
    assert [c.text for c in p.of(Role.TO)] == ["ann lee"] and [c.text for c in p.of(Role.CC)] == ["bo fry"]


def test_people_named_before_as_recipients_are_recipients(lex):
    p = read_plan("how many emails had both Ann Lee and Bo Fry as recipients?", lex)
    assert [c.text for c in p.of(Role.RECIPIENT)] == ["Ann Lee", "Bo Fry"] and not p.of(Role.SENDER)


def test_a_word_of_a_lists_name_is_no_surname_when_its_only_person_is_rare(tmp_path):
    """'Market Call' is no Josie Call when 'Call' is mostly a word of 'EOL Call Center'."""
    from archivist.agent.question.lexicon import lexicon
    from archivist.agent.question.people import is_surname
    mail = MAIL + [_mail("EOL Call Center <center@acme.com>", "Bo Fry <bo.fry@acme.com>", d, f"call {d}") for d in (1, 2, 3)] \
        + [_mail("Call, Jo <jo.call@acme.com>", "Bo Fry <bo.fry@acme.com>", 28, "jo")]
    with _mbox_store(tmp_path, mail, box="fry-b") as store:
        assert not is_surname(lexicon(store), "Call")
