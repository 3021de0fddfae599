"""Questions about one email described by its content, as people type them (issue 24; classes
found with our own questions, tests/own_q3): any verb of telling makes 'who <verb>' ask for the
sender ('who explained', 'who complained'); words of what the email says stay its description even
when they look like a ranking ('pays the lowest bonuses'); 'was copied when X raised ...' is no
passive mention of words; 'how to read' is a verb, not the person Ian Read; 'which people got' asks
for the recipients; 'X in the title' is a subject word."""
from __future__ import annotations

import pytest

from archivist.agent.question.plan import Ask, Role, Target
from archivist.agent.question.reader import read_plan
from tests.test_question_typed import _mbox_store

MAILS = [
    ("Ann Lee <ann.lee@acme.com>", "Bo Fry <bo.fry@acme.com>", "Mon, 08 Apr 2024 10:00:00 -0700", "Ratio",
     "Here is how to read the exchange ratio and the merger probability."),
    ("Cy Dunn <cy.dunn@acme.com>", "Bo Fry <bo.fry@acme.com>", "Tue, 09 Apr 2024 10:00:00 -0700", "Bonuses",
     "Our rival pays the lowest bonuses in the industry.", "Di Ross <di.ross@acme.com>"),
    ("Ian Read <ian.read@acme.com>", "Bo Fry <bo.fry@acme.com>", "Wed, 10 Apr 2024 10:00:00 -0700", "budget 2024",
     "numbers", "Di Ross <di.ross@acme.com>"),
    ("Di Ross <di.ross@acme.com>", "Ann Lee <ann.lee@acme.com>, Cy Dunn <cy.dunn@acme.com>",
     "Thu, 11 Apr 2024 10:00:00 -0700", "Pipeline notice", "The deal pipeline is posted."),
]


@pytest.fixture
def lex(tmp_path):
    from archivist.agent.question.lexicon import lexicon
    with _mbox_store(tmp_path, MAILS) as store:
        yield lexicon(store)


@pytest.mark.parametrize("question", [
    "Who explained to Bo Fry how to read the exchange ratio?",
    "Who complained to Bo Fry that the rival pays the lowest bonuses?",
    "who pointed out to Bo Fry that the rival pays the lowest bonuses",
])
def test_a_verb_of_telling_asks_for_the_sender_of_the_email_described(lex, question):
    p = read_plan(question, lex)
    assert (p.ask, p.target) == (Ask.FIELD, Target.SENDER) and not p.unused
    assert [c.role for c in p.constraints if c.role != Role.TOPIC] == [Role.RECIPIENT]


def test_how_to_read_is_a_verb_not_a_person(lex):
    p = read_plan("Who explained to Bo Fry how to read the exchange ratio?", lex)
    assert all("ian.read@acme.com" not in (c.value or []) for c in p.constraints)


def test_copied_when_someone_raised_is_no_passive_mention(lex):
    p = read_plan("Who was copied when Cy Dunn raised the lowest bonuses?", lex)
    assert (p.ask, p.target) == (Ask.FIELD, Target.CC) and not p.of(Role.TEXT)
    assert [c.role for c in p.constraints if c.role != Role.TOPIC] == [Role.SENDER]


def test_which_people_got_asks_for_the_recipients(lex):
    p = read_plan("which people got Di Ross's pipeline notice?", lex)
    assert (p.ask, p.target) == (Ask.FIELD, Target.TO)


def test_words_in_the_title_are_subject_words(lex):
    p = read_plan("how many of Ian Read's emails had budget in the title?", lex)
    assert p.ask == Ask.COUNT and [c.value for c in p.of(Role.SUBJECT)] == ["budget"] and not p.unused


def test_the_described_emails_are_answered(tmp_path):
    from archivist.agent.ask import ask
    from archivist.retrieval.indexer import index_store
    from tests.conftest import agent_settings
    with _mbox_store(tmp_path, MAILS) as store:
        index_store(store, agent_settings(tmp_path / "m.db"), embed=False)
        r = ask(store, agent_settings(tmp_path / "m.db"), "Who complained to Bo Fry that the rival pays the lowest bonuses?",
                log=False)
        assert [p["addresses"] for p in r.result["people"]] == [["cy.dunn@acme.com"]], r.answer
        r = ask(store, agent_settings(tmp_path / "m.db"), "Who was copied when Cy Dunn raised the lowest bonuses?", log=False)
        assert [p["addresses"] for p in r.result["people"]] == [["di.ross@acme.com"]], r.answer
