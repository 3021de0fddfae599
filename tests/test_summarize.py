"""`archivist summarize`: cited, stored, incremental summaries of threads and the groups above
them, on the demo corpus with the echo backend (and a stub server for concurrent calls)."""
from __future__ import annotations

import shutil

import pytest

from archivist.answering.model import Model
from archivist.memory.summary_writer import PROBE_GROUPS
from archivist.memory.summarize import summarize
from archivist.backends.echo import EchoLLM
from archivist.store import Store
from tests.conftest import agent_settings


@pytest.fixture
def db(demo_db, tmp_path):
    """A private copy of the indexed demo corpus (summaries are written into it)."""
    path = tmp_path / "s.db"
    shutil.copy(demo_db, path)
    return path


def run(db, by="thread", model=None, **kw):
    settings = agent_settings(db, **kw)
    with Store(db) as store:
        return summarize(store, settings, by, model=model or Model(settings))


def test_every_statement_cites_stored_documents(db):
    result = run(db, "mailbox")
    with Store(db) as store:
        ids = {r[0] for r in store.conn.execute("SELECT id FROM documents")}
    lines = [line for level in result.levels for s in level
             for part in (s.overview, s.facts, s.decisions, s.questions) for line in part]
    assert lines and all(line.doc_ids and set(line.doc_ids) <= ids for line in lines)
    text = result.markdown()
    assert "## Sources" in text and "Crane rental quote" in text and "<1005.demo@northwind-energy.com>" in text


def test_rerun_makes_no_model_call(db):
    first = run(db, "corpus")
    assert first.totals()["llm_calls"] > 0
    again = run(db, "corpus")
    assert again.totals()["llm_calls"] == 0 and again.totals()["computed"] == 0
    assert again.markdown() == first.markdown()


def test_new_document_recomputes_only_its_group_and_ancestors(db):
    from datetime import datetime, timezone
    from archivist.corpus.parsed import Address, Document, Location
    from archivist.corpus.ingest import ingest_documents
    first = run(db, "corpus")
    with Store(db) as store:
        ingest_documents(store, [Document(kind="email", title="Crane insurance", body="The crane insurance "
                                          "certificate for Pier 7 is attached and valid until 2025.",
                                          sender=Address("Sam Ortiz", "sam.ortiz@baycrane.com"),
                                          date=datetime(2024, 6, 2, 10, tzinfo=timezone.utc),
                                          location=Location(path="extra.eml", position="0"))], source="extra")
    second = run(db, "corpus")
    totals = second.totals()
    assert totals["computed"] == 2  # the new one-message thread and the corpus summary
    assert totals["reused"] == len(first.levels[0])


def test_interrupted_run_resumes_and_ends_as_an_uninterrupted_one(db, tmp_path):
    clean = tmp_path / "clean.db"
    shutil.copy(db, clean)
    expected = run(clean, "corpus").markdown()

    class Dies(EchoLLM):
        def generate(self, messages, stream=False, options=None):
            self.made = getattr(self, "made", 0) + 1
            if self.made > 3:
                raise KeyboardInterrupt  # as a kill would, mid-run
            return super().generate(messages, stream=stream, options=options)

    settings = agent_settings(db)
    with pytest.raises(KeyboardInterrupt):
        with Store(db) as store:
            summarize(store, settings, "corpus", model=Model(settings, Dies()))
    with Store(db) as store:
        kept = store.scalar("SELECT count(*) FROM summaries")
    resumed = run(db, "corpus")
    assert kept > 0 and resumed.totals()["reused"] >= kept
    assert resumed.markdown() == expected


def test_unsupported_model_sentences_are_dropped(db):
    settings = agent_settings(db, summary_writer="model")  # the model writes however it does
    liar = Model(settings, EchoLLM(script=["The cranes cost 99 million dollars and arrive in 2031 [1]."]))
    with Store(db) as store:
        result = summarize(store, settings, "thread", model=liar)
    totals = result.totals()
    assert totals["sentences_checked"] > 0 and totals["sentences_passed"] == 0
    assert "99 million" not in result.markdown()
    assert all(s.facts for s in result.top)  # quoted key facts still stand


def test_auto_writer_probes_a_model_and_stops_calling_it_when_its_sentences_fail(db):
    settings = agent_settings(db)  # summary_writer=auto
    liar = EchoLLM(script=["The cranes cost 99 million dollars and arrive in 2031 [1]."])
    with Store(db) as store:
        result = summarize(store, settings, "mailbox", model=Model(settings, liar))
        assert len(liar.calls) <= PROBE_GROUPS  # the probe, then no model call
        assert "under the 50% needed" in result.writer and "probe" in result.writer
        md = result.markdown()
        assert "99 million" not in md and "no model" in md
        assert all(line.doc_ids for s in result.top for line in s.overview)
        # the probe's summaries are stored: the next run decides alike with no call, and prints the same
        again = summarize(store, settings, "mailbox", model=Model(settings, liar))
        assert len(liar.calls) <= PROBE_GROUPS and again.writer == result.writer  # stored probe reused
        assert again.totals()["computed"] == 0 and again.markdown() == md


def test_records_group_by_field(db):
    result = run(db, "field:category")
    labels = {s.label for s in result.top}
    assert "category: Equipment rental" in labels
    assert all(s.n_docs >= 1 for s in result.top)


def test_limit_and_bad_by(db):
    from archivist.errors import InputError
    assert len(run(db, "thread", None).top) > 3
    with Store(db) as store:
        settings = agent_settings(db)
        assert len(summarize(store, settings, "thread", limit=3, model=Model(settings)).top) == 3
        with pytest.raises(InputError):
            summarize(store, settings, "weekday", model=Model(settings))


def test_concurrent_requests_to_a_server_match_a_serial_run(db, tmp_path):
    from tests.openai_stub import StubServer
    serial_db = tmp_path / "serial.db"
    shutil.copy(db, serial_db)
    with StubServer() as stub:
        stub.state.delay = 0.3
        base = {"llm": "openai", "llm_base_url": stub.url, "llm_model": "stub"}
        serial = run(serial_db, "thread", None, concurrency=1, **base).markdown()
        assert stub.state.max_in_flight == 1
        parallel = run(db, "thread", None, concurrency=4, **base).markdown()
        assert stub.state.max_in_flight == 4
    assert parallel == serial


def test_cli_writes_markdown_and_json(db, tmp_path):
    import json
    from typer.testing import CliRunner
    from archivist.cli import app
    out = tmp_path / "s.md"
    r = CliRunner().invoke(app, ["--llm", "echo", "summarize", "-d", str(db), "--by", "mailbox",
                                 "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert out.read_text().startswith("# Summary by mailbox")
    j = CliRunner().invoke(app, ["--llm", "echo", "summarize", "-d", str(db), "--by", "mailbox", "--json"])
    rows = [json.loads(line) for line in j.stdout.splitlines() if line.startswith("{")]
    assert rows[-1]["totals"]["llm_calls"] == 0 and all(r.get("reused") for r in rows[:-1])
    with Store(db) as store:
        assert store.scalar("SELECT count(*) FROM runs WHERE kind = 'summarize'") == 2


def test_a_parent_too_large_for_one_call_is_combined_in_parts_leaving_no_child_out(db):
    """Enron by corpus: 117 thread summaries did not fit SmolLM2's window; the parent must be built
    from parts that each fit, every child under one of them, no prompt over the budget."""
    settings = agent_settings(db, summary_tokens=300)
    model = Model(settings)
    with Store(db) as store:
        result = summarize(store, settings, "corpus", model=model)
    threads, corpus = result.levels[0], result.top[0]
    assert len(threads) > 3 and corpus.note.startswith("combined from")
    parts = [p for p in corpus.children if "/c" in p]
    assert len(parts) > 1 and corpus.children == parts
    n, of = corpus.note.split("combined from ")[1].split(" summaries")[0].split(" of ")
    assert n == of  # every part read
    assert result.totals()["llm_calls"] == model.calls  # the parts' calls counted too
    with Store(db) as store:
        again = summarize(store, settings, "corpus", model=Model(settings))
    assert again.totals()["llm_calls"] == 0 and again.markdown() == result.markdown()


def test_sentences_keep_amounts_and_date_spans_whole():
    """A period inside "$5,004.34" or "2001-12-21..2001-12-22" does not end a sentence (cut there,
    both halves failed the grounding check, and a half reached the output)."""
    from archivist.memory.summary_model import SENTENCE
    text = ("The report total was $5,004.34 [1]. Board dates 2001-12-21..2001-12-22 [2]. "
            "Why was it late? It was approved [3]")
    assert [m.group(0).strip() for m in SENTENCE.finditer(text)] == [
        "The report total was $5,004.34 [1].", "Board dates 2001-12-21..2001-12-22 [2].",
        "Why was it late?", "It was approved [3]"]


def test_a_copied_child_header_is_not_a_summary_sentence():
    from archivist.memory.summary_model import copies_a_header
    blocks = {1: "Board Meeting (2 messages, 2001-12-21): The agenda for Friday is attached.",
              2: "Expense report (1 messages, 2001-12-10 to 2001-12-12): Total $336.43 is due."}
    assert copies_a_header("Board Meeting (2 messages, 2001-12-21) [1].", blocks)
    assert copies_a_header("Expense report [2]", blocks)
    assert not copies_a_header("The board meets on Friday and the agenda is attached [1].", blocks)
    assert not copies_a_header("An expense report of $336.43 is due [2].", blocks)
