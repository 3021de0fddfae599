"""The CLI conventions and the corpus at a glance: --version, global options before or after the
command, an example in every command's help, senders, mailboxes, runs / runs show (with --json),
search without hits; and the agent's status events and its question before long runs."""
from __future__ import annotations

import json

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from archivist import __version__
from archivist.agent.ask import ask
from archivist.cli import app
from archivist.errors import ArchivistError
from archivist.progress import Stage
from tests.conftest import agent_settings

runner = CliRunner()


def cli(*args: str):
    return runner.invoke(app, ["--llm", "echo", *args])


def lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def test_version():
    r = runner.invoke(app, ["--version"])
    assert r.exit_code == 0 and r.output.strip() == f"archivist {__version__}"


def _commands(group, prefix=()):
    for name, cmd in group.commands.items():
        if getattr(cmd, "commands", None):  # a group (typer may bring its own click)
            yield from _commands(cmd, (*prefix, name))
        yield (*prefix, name)


def test_every_command_has_an_example_and_no_internals():
    names = list(_commands(get_command(app)))
    assert ("senders",) in names and ("runs", "show") in names and ("mailboxes",) in names
    for name in names:
        r = runner.invoke(app, [*name, "--help"], terminal_width=120)
        assert r.exit_code == 0, name
        assert "Examples:" in r.output and "$ archivist" in r.output, name
        assert "archivist." not in r.output and "typer" not in r.output, name


def test_senders_mailboxes_with_db_before_or_after_the_command(demo_db):
    before = cli("-d", str(demo_db), "senders", "-n", "3")
    after = cli("senders", "-n", "3", "-d", str(demo_db))
    assert before.exit_code == 0 and before.output == after.output
    assert before.output.splitlines()[0].split()[:2] == ["7", "2024-03-04..2024-05-28"]
    rows = lines(cli("-d", str(demo_db), "--json", "senders").output)
    assert rows[0] == {"address": "maria.chen@northwind-energy.com", "name": "Maria Chen",
                       "documents": 7, "first_date": rows[0]["first_date"],
                       "last_date": rows[0]["last_date"]}
    assert sum(r["documents"] for r in rows) == 29  # every email has a sender
    boxes = lines(cli("mailboxes", "--json", "-d", str(demo_db)).output)
    assert [(b["mailbox"], b["documents"]) for b in boxes] == [("northwind", 29)]
    scoped = lines(cli("senders", "--json", "--after", "2024-05-01", "-d", str(demo_db)).output)
    assert sum(r["documents"] for r in scoped) < 29


def test_runs_list_and_show(demo_db):
    q = "How many emails did maria.chen@northwind-energy.com send in April 2024?"
    answer = lines(cli("ask", q, "--json", "-d", str(demo_db)).output)[0]
    listed = lines(cli("runs", "--json", "-n", "1", "-d", str(demo_db)).output)
    assert listed[0]["id"] == answer["run_id"] and listed[0]["question"] == q
    shown = cli("runs", "show", str(answer["run_id"]), "-d", str(demo_db))
    assert shown.exit_code == 0
    assert q in shown.output and "strategy: query" in shown.output and "sources:" in shown.output
    detail = lines(cli("--json", "-d", str(demo_db), "runs", "show", str(answer["run_id"])).output)[0]
    assert detail["citations"] == answer["citations"]
    assert detail["estimates"]["query"]["feasible"] is True
    missing = cli("runs", "show", "999999", "-d", str(demo_db))
    assert missing.exit_code == 2 and "no run 999999" in missing.output


def test_search_shows_file_and_row_of_records_and_says_when_nothing_matches(demo_db):
    r = cli("search", "Alder Conference Center vendor", "-k", "3", "--mode", "bm25", "-d", str(demo_db))
    assert r.exit_code == 0 and "vendors.csv row" in r.output
    hits = lines(cli("search", "crane price", "--json", "--mode", "bm25", "-d", str(demo_db)).output)
    assert any(word in hits[0]["snippet"].lower() for word in ("crane", "price"))
    for hit in hits:  # spans point at the query's words
        assert all(hit["snippet"][s:e].lower().startswith(("crane", "price")) for s, e in hit["matches"])
    none = cli("search", "xylophonequartz", "--mode", "bm25", "-d", str(demo_db))
    assert none.exit_code == 1 and "no hits" in none.output


def test_ask_reports_every_step(demo_store, demo_db):
    events = []
    ask(demo_store, agent_settings(demo_db), "Which room is the Q2 planning offsite in?",
        on_progress=events.append)
    stages = list(dict.fromkeys(e.stage for e in events))
    for stage in (Stage.ANALYSING, Stage.PLANNING, Stage.LOADING_MODEL, Stage.SEARCHING,
                  Stage.ANSWERING, Stage.VERIFYING):
        assert stage in stages, stages
    reading = next(e for e in events if e.stage is Stage.ANSWERING)
    assert "documents" in reading.message and "tokens" in reading.message


def test_memory_reports_progress_with_counts(demo_store, demo_db):
    events = []
    ask(demo_store, agent_settings(demo_db), "Summarise the crane rental negotiation",
        strategy="memory", on_progress=events.append)
    memory = [e for e in events if e.stage is Stage.MEMORY]
    assert memory and memory[-1].total == memory[-1].done and memory[-1].total > 0
    assert [e.done for e in memory] == sorted(e.done for e in memory)


def test_memory_status_moves_while_a_chunk_is_read(demo_store, demo_db):
    """Tokens written for a chunk's notes reach the status line (the bar sat on 0/N for the
    tens of seconds one chunk takes on a CPU), and never the answer stream."""
    timeline = []  # status events and answer-stream pieces, in the order they came
    r = ask(demo_store, agent_settings(demo_db, memory_notes="model"), "Summarise the crane rental negotiation",
            strategy="memory", on_progress=lambda e: timeline.append(("status", e)),
            on_token=lambda piece: timeline.append(("token", piece)))
    ticks = [i for i, (kind, e) in enumerate(timeline) if kind == "status" and e.stage is Stage.MEMORY
             and "tokens written" in (e.message or "")]
    assert ticks and timeline[ticks[0]][1].message.startswith("notes from chunk 1:")
    assert not [kind for kind, _ in timeline[:ticks[-1]] if kind == "token"]  # notes never streamed as the answer
    assert r.strategy == "memory"


def test_long_runs_ask_first(demo_store, demo_db):
    asked = []
    settings = agent_settings(demo_db, confirm_seconds=1.0, prefill_tps=10.0)  # a slow model
    with pytest.raises(ArchivistError, match="stopped before memory"):
        ask(demo_store, settings, "Summarise everything", strategy="memory",
            confirm=lambda message: asked.append(message) or False)
    assert "estimated" in asked[0]
    r = ask(demo_store, settings, "Summarise everything", strategy="memory",
            confirm=lambda message: True)
    assert r.strategy == "memory"
    quick = ask(demo_store, settings, "How many emails did maria.chen@northwind-energy.com send?",
                confirm=lambda message: pytest.fail("an exact query is never asked about"))
    assert quick.strategy == "query"
