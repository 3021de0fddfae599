"""Participants whose display names hold a word the question analysis also reads as a cue
('Zimin Lu (E-mail)', 'Ann Sent', 'Oskar Brandt (To)') and addresses without '@' ('corp.example'):
questions generated from the store's own lexicon in every count phrasing and every name form must
select exactly that participant's documents (enron has 'E-mail, Zimin' and 'enron.com')."""
from __future__ import annotations

import mailbox
from email.message import EmailMessage

import pytest

from archivist.agent.question.analyse import analyse_question
from archivist.agent.question.entities import EntityKind, Role
from archivist.agent.question.lexicon import STOP, lexicon, name_words
from archivist.agent.question.scope import build_scope
from archivist.evals.probes import TEMPLATES, name_forms, read_facts
from archivist.store.filters import select_ids

CUES = ["E-mail", "Email", "To", "Sent", "From", "Message"]
GIVEN = ["Zimin", "Jaesoo", "Priyanka", "Oskar", "Halvard", "Ingrid"]
FAMILY = ["Lu", "Lew", "Ramesh", "Brandt", "Nygaard", "Solberg"]
HUB = ("Hub Desk", "hub@corp.example")
BARE = "corp.example"  # an address with no '@', as Enron has 'enron.com'


def _people() -> list[tuple[str, str]]:
    """Each person twice: once with a cue word in the display name at an address of its own, once
    without (the same name words, another address), so only the cue word tells them apart."""
    out = []
    for i, (given, family, cue) in enumerate(zip(GIVEN, FAMILY, CUES)):
        shown = f"{given} {family} ({cue})" if i % 2 == 0 else f"{cue}, {given}"
        out += [(shown, f".{given.lower()}@corp.example"), (f"{family}, {given}", f"{given}.{family}@corp.example".lower())]
    return out


def _message(n: int, sender: tuple[str, str], to: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"], msg["To"] = f'"{sender[0]}" <{sender[1]}>', to
    msg["Subject"], msg["Message-ID"] = f"note {n}", f"<n{n}@corp.example>"
    msg["Date"] = f"Mon, {1 + n % 28:02d} Jan 2001 10:{n % 60:02d}:00 -0600"
    msg.set_content(f"Body of note {n}.")
    return msg


@pytest.fixture(scope="module")
def cue_store(tmp_path_factory):
    from archivist.corpus.ingest import ingest_paths
    from archivist.store import Store
    folder = tmp_path_factory.mktemp("cue")
    box, n = mailbox.mbox(folder / "cue.mbox"), 0
    for i, person in enumerate(_people()):
        for _ in range(2 + i % 5):  # sent
            box.add(_message(n := n + 1, person, f'"{HUB[0]}" <{HUB[1]}>'))
        for _ in range(3 + i % 4):  # received
            box.add(_message(n := n + 1, HUB, f'"{person[0]}" <{person[1]}>'))
    for _ in range(2):
        box.add(_message(n := n + 1, HUB, BARE))
    box.flush()
    with Store(folder / "cue.db") as store:
        ingest_paths(store, [folder / "cue.mbox"])
        yield store


def _cases(store) -> list[tuple[str, str, set[int]]]:
    """(question, role, the documents it must select) for every participant of the lexicon whose
    display name holds a cue word, in every name form the generator writes and every template."""
    lex, facts, out = lexicon(store), read_facts(store.conn), []
    for address, names in lex.names.items():
        shown = names.most_common(1)[0][0]
        if not set(name_words(shown)) & STOP:
            continue
        for role, intent, docs in (("sender", "count_sender", facts.by_sender),
                                   ("recipient", "count_recipient", facts.by_recipient)):
            # a form that is the cue word alone ('From') names nobody a reader could tell apart
            forms = [f for f in {shown, *name_forms(facts, address, role)} if set(name_words(f)) - STOP]
            for who in sorted(forms):
                out += [(tpl.format(who=who), role, set(docs[address])) for tpl in TEMPLATES[intent]]
    return out


def test_the_store_has_cue_word_names(cue_store):
    lex = lexicon(cue_store)
    cued = [a for a, names in lex.names.items() if set(name_words(names.most_common(1)[0][0])) & STOP]
    assert len(cued) == len(CUES)
    assert BARE in lex.names


def test_every_phrasing_of_a_cue_word_name_selects_exactly_its_documents(cue_store):
    lex, wrong = lexicon(cue_store), []
    cases = _cases(cue_store)
    assert len(cases) >= 200
    for question, role, want in cases:
        a = analyse_question(question, lex=lex)
        scope = build_scope(cue_store, a.question, a)
        got = set(select_ids(cue_store, scope.filters))
        if got != want or not (a.senders if role == "sender" else a.recipients):
            wrong.append((question, a.senders, a.recipients, len(got), len(want)))
    assert wrong == [], f"{len(wrong)} of {len(cases)}: {wrong}"


def test_an_address_without_at_links_exactly(cue_store):
    lex = lexicon(cue_store)
    for question in (f"How many emails went to {BARE}?", f"What is the count of e-mails sent to {BARE}?",
                     f"Number of messages {BARE.upper()} received"):
        a = analyse_question(question, lex=lex)
        people = [e for e in a.entities if e.kind == EntityKind.PERSON]
        assert [(e.text.lower(), e.role) for e in people] == [(BARE, Role.RECIPIENT)], question
        assert len(select_ids(cue_store, build_scope(cue_store, a.question, a).filters)) == 2


@pytest.mark.parametrize("question, senders, recipients", [
    # the cue word stays a cue where taking it into the name would leave the name without a role
    ("How many emails did zimin lu e-mail?", ["zimin lu"], []),
    # ... and where a name follows it ('Priyanka Ramesh (To)' exists)
    ("How many emails from Priyanka Ramesh to Zimin Lu?", ["priyanka ramesh"], ["zimin lu"]),
    ("How many emails did Zimin Lu send to Priyanka Ramesh?", ["zimin lu"], ["priyanka ramesh"]),
    # the whole display name, parentheses and all
    ("How many emails went to Zimin Lu (E-mail)?", [], [".zimin@corp.example"]),
    ("Number of emails Halvard Nygaard (From) received", [], [".halvard@corp.example"]),
    # a middle initial does not end the name
    ("How many emails went to Zimin Q. Lu (E-mail)?", [], [".zimin@corp.example"]),
    ("How many emails did Halvard J Nygaard send?", ["halvard nygaard"], []),
])
def test_cue_words_beside_names(cue_store, question, senders, recipients):
    a = analyse_question(question, lex=lexicon(cue_store))
    assert (a.senders, a.recipients) == (senders, recipients)


def test_an_exact_address_value_compiles_and_reads_back(cue_store):
    from archivist.agent.ask import ask
    from archivist.records import Filters
    from tests.conftest import agent_settings
    assert len(select_ids(cue_store, Filters(recipient=f"<{BARE.upper()}>"))) == 2
    assert len(select_ids(cue_store, Filters(recipient=BARE))) > 2  # name words: every corp address
    res = ask(cue_store, agent_settings(cue_store.path), f"How many emails went to {BARE}?", log=False)
    assert res.answer.startswith("2 ") and f"recipient = '{BARE}'" in res.answer, res.answer
