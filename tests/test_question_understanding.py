"""Question understanding: date forms, names and roles linked to the archive's participants,
no silently dropped constraint over a generated question set, field syntax, CLI validation."""
from __future__ import annotations

import pytest
from typer.testing import CliRunner

from archivist.agent.question.analyse import analyse_question, clean_question, combine_dates, find_span
from archivist.agent.question.entities import EntityKind, Role
from archivist.agent.question.lexicon import lexicon
from archivist.agent.question.scope import build_scope, constraint_notes
from archivist.dates import find_dates, parse_date
from archivist.errors import InputError
from archivist.query_syntax import parse_fields
from tests.conftest import agent_settings


@pytest.mark.parametrize("text, after, before", [
    ("emails on 9/19/2001", "2001-09-19", "2001-09-20"),
    ("emails on Sept 19th, 2001", "2001-09-19", "2001-09-20"),
    ("sent Sept 19th in 2001", "2001-09-19", "2001-09-20"),
    ("on 19 September 2001", "2001-09-19", "2001-09-20"),
    ("on the 3rd of March 2000", "2000-03-03", "2000-03-04"),
    ("in Q3 2001", "2001-07-01", "2001-10-01"),
    ("in the third quarter of 2001", "2001-07-01", "2001-10-01"),
    ("in the last week of October 2001", "2001-10-25", "2001-11-01"),
    ("in the first half of 2001", "2001-01-01", "2001-07-01"),
    ("in May 2001", "2001-05-01", "2001-06-01"),
    ("in sept. 2001", "2001-09-01", "2001-10-01"),
    ("in 2001-05", "2001-05-01", "2001-06-01"),
    ("in 2001", "2001-01-01", "2002-01-01"),
    ("between 2001-05-01 and 2001-05-31", "2001-05-01", "2001-06-01"),
    ("from May 1, 2001 to June 3, 2001", "2001-05-01", "2001-06-04"),
    ("between 5/1/2001 and 6/3/2001", "2001-05-01", "2001-06-04"),
    ("from May to July 2001", "2001-05-01", "2001-08-01"),
    ("before June 2001", None, "2001-06-01"),
    ("after May 2001", "2001-06-01", None),
    ("since 2001-05-03", "2001-05-03", None),
])
def test_date_forms(text, after, before):
    got_after, got_before, _ = find_span(text)
    assert (got_after, got_before) == (after, before)


def test_dates_not_found_in_words():
    assert find_dates("May I ask what Mark said?") == []
    assert find_span("How many emails did ann send?") == (None, None, None)


def test_day_without_year_is_reported_not_guessed():
    spans = find_dates("emails on Sept 19th")
    assert spans and spans[0].low is None
    a = analyse_question("How many emails on Sept 19th?")
    date = [e for e in a.entities if e.kind == EntityKind.DATE][0]
    assert not date.used and "year" in date.why_unused
    assert a.after is None


@pytest.mark.parametrize("value, iso", [("2001-09-19", "2001-09-19"), ("03/05/2024", "2024-03-05"),
                                        ("Sep 19, 2001", "2001-09-19"), ("19 September 2001", "2001-09-19")])
def test_parse_date_forms(value, iso):
    assert parse_date(value) == iso


@pytest.mark.parametrize("value", ["2024-13-45", "yesterday", "2001-02-30", "", "19/19/2001"])
def test_parse_date_rejects_with_the_value(value):
    with pytest.raises(InputError, match="is not a date"):
        parse_date(value, "--after")


def test_clean_question_removes_control_characters_and_cuts():
    text, warnings = clean_question("How\x07 many\x00 emails?")
    assert text == "How many emails?" and warnings == []
    text, warnings = clean_question("x" * 50, limit=10)
    assert len(text) == 10 and "cut" in warnings[0]


@pytest.mark.parametrize("question, role, value", [
    ("How many emails did Maria Chen send?", Role.SENDER, "maria.chen@northwind-energy.com"),
    ("How many messages has Chen, Maria written?", Role.SENDER, "maria.chen@northwind-energy.com"),
    ("how many emails did maria chen send", Role.SENDER, "maria.chen@northwind-energy.com"),
    ("How many emails were sent to Dave Lindqvist?", Role.RECIPIENT, "dave.lindqvist@northwind-energy.com"),
    ("How many emails did Lindqvist receive?", Role.RECIPIENT, "dave.lindqvist@northwind-energy.com"),
    ("Tally of emails sent by sam.ortiz@baycrane.com in 2024", Role.SENDER, "sam.ortiz@baycrane.com"),
    ("How many emails did SAM.ORTIZ@BAYCRANE.COM' OR 1=1 -- send?", Role.SENDER, "sam.ortiz@baycrane.com"),
])
def test_names_and_roles_link_to_participants(demo_store, question, role, value):
    a = analyse_question(question, lex=lexicon(demo_store))
    people = [e for e in a.entities if e.kind == EntityKind.PERSON]
    assert len(people) == 1, people
    assert people[0].role == role and people[0].value == value and people[0].known
    assert (a.senders if role == Role.SENDER else a.recipients) == [value]


def test_emails_from_one_person_to_another(demo_store):
    a = analyse_question("How many emails did Maria Chen send to Tom Okafor in March 2024?",
                         lex=lexicon(demo_store))
    assert a.senders == ["maria.chen@northwind-energy.com"]
    assert a.recipients == ["tom.okafor@northwind-energy.com"]
    assert (a.after, a.before) == ("2024-03-01", "2024-04-01")


def test_unknown_person_is_named_in_the_answer(demo_db):
    from archivist.agent.ask import ask
    from archivist.store import Store
    with Store(demo_db) as store:
        res = ask(store, agent_settings(demo_db), "How many emails did Jon Smith send?", log=False)
    assert res.result.get("refused") and "count" not in res.result  # no figure without the sender
    assert any("Jon Smith" in u for u in res.unmatched)
    assert "could not match 'Jon Smith'" in res.answer


def test_subject_misquoted_and_lower_cased(demo_store):
    lex = lexicon(demo_store)
    for text in ("crane rental quote for harbor pipeline", "Crane rentl quote for Harbor Pipeline"):
        a = analyse_question(f'Who sent "{text}"?', lex=lex)
        assert a.subject == "crane rental quote for harbor pipeline"


def test_unquoted_subject_with_a_cue_word_inside(demo_store):
    a = analyse_question("Who was the sender of the message titled Crane rental quote for Harbor Pipeline?",
                         lex=lexicon(demo_store))
    assert a.subject == "crane rental quote for harbor pipeline"


@pytest.mark.parametrize("question", [
    "What is the subject of the email?", "What was the subject line?", "What is the email subject?",
    "Which subject did the message have?", "What is the subject of the email from Jeff on May 3?",
    "What was the subject of this message",
])
def test_asking_for_the_subject_names_no_subject(demo_store, question):
    a = analyse_question(question, lex=lexicon(demo_store))
    assert a.subject is None and a.topic is None
    assert not [e for e in a.entities if e.kind == EntityKind.SUBJECT]


def test_a_subject_named_after_a_what_question_is_still_found(demo_store):
    a = analyse_question("What did Priya say in the email with subject crane rental quote for harbor pipeline?",
                         lex=lexicon(demo_store))
    assert a.subject == "crane rental quote for harbor pipeline"


def test_dates_in_an_undated_archive_are_words_not_filters(store, tmp_path):
    from archivist.corpus.ingest import ingest_paths
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "band.txt").write_text("The band was formed in 1990 in Leeds.\n")
    ingest_paths(store, [tmp_path / "notes"])
    a = analyse_question("Which band was formed in 1990?", lex=lexicon(store))
    assert a.after == "1990-01-01"
    scope = build_scope(store, "Which band was formed in 1990?", a)
    assert scope.filters.after is None and scope.filters.before is None and scope.n_docs == 1
    unmatched, _ = constraint_notes(a)
    assert any("no document in this archive carries a date" in u and "1990" in u for u in unmatched)


def test_generated_questions_drop_no_constraint(demo_db):
    """Every constraint of every generated question is a filter of the run or named in the answer;
    every entity the analysis found is used or reported."""
    from archivist.agent.ask import ask
    from archivist.evals.probes import dropped, generate
    from archivist.store import Store
    settings = agent_settings(demo_db)
    with Store(demo_db) as store:
        probes = generate(store.conn, per_template=1, seed=3)
        assert len({p.intent for p in probes}) >= 6
        lex = lexicon(store)
        for p in probes:
            a = analyse_question(p.question, lex=lex)
            scope = build_scope(store, a.question, a)
            unmatched, _ = constraint_notes(a)
            f = scope.filters
            for e in a.entities:
                if e.used and e.kind == EntityKind.PERSON:
                    assert e.value in (f.sender, f.recipient), (p.question, e)
                if not e.used:
                    assert any(e.why_unused == u for u in unmatched), (p.question, e)
            if p.intent.startswith("count") or p.intent.startswith("list"):
                res = ask(store, settings, p.question, log=False)
                assert dropped(p, res) == [], (p.question, res.filters, res.unmatched)


def test_field_syntax():
    rest, f = parse_fields('from:kaminski subject:"credit watch" after:2001-09-01 to:lavorato risk')
    assert rest == "risk"
    assert (f.sender, f.subject, f.after, f.recipient) == ("kaminski", "credit watch", "2001-09-01", "lavorato")
    with pytest.raises(InputError, match="after:"):
        parse_fields("after:yesterday x")


def test_subject_filter_compiles(demo_store):
    from archivist.records import Filters
    from archivist.store.filters import select_ids
    ids = select_ids(demo_store, Filters(subject="CRANE rental"))
    titles = {r[0] for r in demo_store.conn.execute(
        f"SELECT title FROM documents WHERE id IN ({','.join(map(str, ids))})")}
    assert ids and all("crane rental" in t.lower() for t in titles)


@pytest.fixture
def cli(demo_db, monkeypatch):
    from archivist.cli import app
    monkeypatch.setenv("ARCHIVIST_DB", str(demo_db))
    runner = CliRunner()
    return lambda *args: runner.invoke(app, ["--preset", "test", *args])


@pytest.mark.parametrize("args, message", [
    (["search", "crane", "--after", "2024-13-45"], "2024-13-45"),
    (["search", "crane", "--after", "yesterday"], "yesterday"),
    (["search", "crane", "--mode", "magic"], "--mode"),
    (["search", "crane", "-k", "0"], ""),
    (["search", "crane", "-k", "-1"], ""),
    (["search", "   "], "empty"),
    (["ask", "from:maria.chen@northwind-energy.com"], "empty"),  # search lists it (issue 29)
    (["ask", "   "], "empty"),
    (["ask", "How many emails?", "--strategy", "magic"], "--strategy"),
    (["ask", "How many emails?", "--before", "13/45/2001"], "13/45/2001"),
])
def test_cli_rejects_bad_input(cli, args, message):
    result = cli(*args)
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_cli_reads_us_dates_and_field_syntax(cli):
    result = cli("ask", "How many emails?", "--after", "03/06/2024", "--json")
    assert result.exit_code == 0, result.output
    import json
    res = json.loads(result.stdout.strip().splitlines()[-1])
    assert res["filters"]["after"] == "2024-03-06"
    result = cli("search", "crane from:sam.ortiz@baycrane.com", "--json")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("question", [
    "What is the total of Harbor Pipeline budget v2 after the contingency change?",
    "What is the incident report number of the safety incident at Pier 7?",
    "What quantity of steel was delivered in the first lot?"])
def test_count_words_about_content_are_not_a_message_count(question):
    from archivist.agent.question.analyse import classify
    assert classify(question)[1] is None  # a content question, not "N emails match"


@pytest.mark.parametrize("question", [
    "Total e-mails authored by bob in 2001?", "Tally of messages received by bob",
    "What is the number of emails bob sent?", "Count the emails from bob.", "How many did bob send?"])
def test_message_counts_in_other_words_stay_counts(question):
    from archivist.agent.question.analyse import classify
    from archivist.records import Intent
    assert classify(question)[1] == Intent.COUNT


@pytest.mark.parametrize("words", [
    ["meeting", "in", "houston"], ["greetings", "from", "portland"], ["project", "bruin", "on", "hold"],
    ["notes", "on", "kma"], ["report", "to", "the", "board", "by", "friday"],
])
def test_unquoted_subject_cut_inside_itself_links_to_the_longest_subject(words):
    """'titled X' without quotes is cut at its first in/from/on; when that cut is itself another
    email's subject, the longest stretch that is exactly a subject still wins (generated: every
    prefix ending before a cue word is also a subject of the archive)."""
    from archivist.agent.question.lexicon import Lexicon
    cues = {"in", "from", "on", "to", "by"}
    lex = Lexicon()
    for i, w in enumerate(words):
        if w in cues and i:
            lex.subjects[" ".join(words[:i])] = " ".join(words[:i])
    full = " ".join(words)
    lex.subjects[full] = full
    for form in (full, full.upper(), "FW: " + full.title()):
        a = analyse_question(f"Who was the sender of the message titled {form}?", lex=lex)
        assert a.subject == full, (form, a.subject)
        a = analyse_question(f"Who was the sender of the message titled {form} on May 3, 2001?", lex=lex)
        assert a.subject == full and a.after == "2001-05-03", (form, a.subject, a.after)


def _mail(i: int, sender: str, to: str, month: int) -> str:
    return (f"From x Tue May  1 09:00:00 2001\nFrom: {sender}\nTo: {to}\nSubject: Note {i}\n"
            f"Date: Tue, 1 {['Jan', 'Mar', 'May', 'Nov'][month]} 2001 09:{i:02d}:00 -0700\n"
            f"Message-ID: <{i}.q@x.org>\n\nBody {i}.\n\n")


def test_a_name_holding_a_month_is_a_name_and_addresses_keep_a_hash(store, tmp_path):
    """Found on generated Enron questions: 'Tom May' read as Tom + the month May (33 emails of
    every Tom instead of 1, with a note about May's year), '#26.training@...' read without '#'."""
    from archivist.corpus.ingest import ingest_paths
    box = tmp_path / "a.mbox"
    box.write_text(_mail(1, "Tom May <tom.may@x.org>", "#26.training@x.org", 3)
                   + _mail(2, "Tom Okafor <tom.okafor@x.org>", "ann.lee@x.org", 3)
                   + _mail(3, "Jan Hodge <jan.hodge@x.org>", "#26.training@x.org", 0)
                   + _mail(4, "Tom Okafor <tom.okafor@x.org>", "ann.lee@x.org", 2))
    ingest_paths(store, [box])
    lex = lexicon(store)
    a = analyse_question("How many emails were sent by Tom May in 2001-11?", lex=lex)
    assert a.senders == ["tom.may@x.org"] and (a.after, a.before) == ("2001-11-01", "2001-12-01")
    assert not [e for e in a.entities if e.kind == EntityKind.DATE and not e.used]
    a = analyse_question("How many emails did Jan Hodge send?", lex=lex)
    assert a.senders == ["jan.hodge@x.org"] and a.after is None
    a = analyse_question("How many emails did Tom send in May 2001?", lex=lex)  # still a month
    assert (a.after, a.before) == ("2001-05-01", "2001-06-01")
    a = analyse_question("How many emails has #26.training@x.org gotten?", lex=lex)
    assert a.recipients == ["#26.training@x.org"]
