"""Chunking with a chunk process (tokenize and cut in a second process, insert here) writes exactly
what in-process chunking writes: the same chunks, ids, FTS rows and index_meta; a failed chunk
process leaves the rest to this process; a kill -9 of the ingest takes it down and the resume
equals a clean run."""
from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import time
from pathlib import Path

import pytest

from archivist.config import Settings
from archivist.corpus.ingest import ingest_paths
from archivist.errors import InputError
from archivist.progress import Level
from archivist.retrieval import chunk_process, indexer
from archivist.store import Store
from tests.test_crash import archivist, corpus, state
from tests.test_ingest import message
from tests.test_reader_process import children, outlived

FIXTURES = Path(__file__).parent / "fixtures" / "malformed"
LONG = "\n\n".join(f"Paragraph {p} of the long memo about pipeline capacity number {p * 13}. " * 6
                   for p in range(12))


def replies(path: Path, n: int = 60) -> Path:
    """Replies quoting their original (archived) and quoting text the archive lacks, long bodies."""
    out = []
    for i in range(n):
        quote = f"> Body of message {i}.\n>\n> A lost original paragraph {i} about gas trades here."
        body = f"Agreed on point {i}.\n\n{quote}" if i % 2 else f"{LONG}\n\n{quote}"
        out.append(message(i, sender="cy.dee@x.org", subject=f"RE: Report {i}", body=body))
    path.write_text("".join(out))
    return path


@pytest.fixture(scope="module")
def stored(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("chunkproc")
    paths = corpus(root / "in", 300) + [FIXTURES, replies(root / "replies.mbox")]
    with Store(root / "stored.db") as store:
        ingest_paths(store, paths, text_field="text", read_process="off")
    return root / "stored.db"


def indexed(stored: Path, db: Path, mode: str, events: list | None = None) -> dict:
    shutil.copy(stored, db)
    with Store(db) as store:
        return indexer.index_store(store, Settings().replace(db=str(db), chunk_process=mode),
                                   on_progress=events.append if events is not None else None,
                                   embed=False)


def tables(db: Path) -> dict:
    conn = sqlite3.connect(db)
    out = {name: conn.execute(sql).fetchall() for name, sql in (
        ("chunks", "SELECT * FROM chunks ORDER BY id"),
        ("fts", "SELECT rowid, text, subject, names, dates FROM chunks_fts ORDER BY rowid"),
        ("index_meta", "SELECT * FROM index_meta ORDER BY key"))}
    conn.close()
    return out


def test_chunk_process_writes_what_in_process_chunking_writes(stored, tmp_path, monkeypatch):
    monkeypatch.setattr(indexer, "DOC_BATCH", 100)  # several batches in flight
    here = indexed(stored, tmp_path / "here.db", "off")
    there = indexed(stored, tmp_path / "there.db", "on")
    assert here["documents_chunked"] > 300 and here["chunks_added"] > here["documents_chunked"]
    assert {k: v for k, v in there.items() if "seconds" not in k} == \
        {k: v for k, v in here.items() if "seconds" not in k}
    expected = tables(tmp_path / "here.db")
    assert any(row[4] >= 1000 for row in expected["chunks"]), "no quoted-text chunks made"
    assert tables(tmp_path / "there.db") == expected


def test_a_failed_chunk_process_leaves_the_rest_to_this_process(stored, tmp_path, monkeypatch):
    monkeypatch.setattr(indexer, "DOC_BATCH", 100)
    here = indexed(stored, tmp_path / "here.db", "off")
    monkeypatch.setenv("ARCHIVIST_CRASH_AT", "chunk_process:2")  # it dies after two batches
    events: list = []
    there = indexed(stored, tmp_path / "there.db", "on", events)
    warnings = [e.message for e in events if e.level == Level.WARNING]
    assert len(warnings) == 1 and "chunk process exited" in warnings[0]
    assert there["chunks_added"] == here["chunks_added"]
    assert tables(tmp_path / "there.db") == tables(tmp_path / "here.db")


class Missing:
    path, tokenizer_id = Path("/nonexistent/tokenizer.json"), "missing"


def test_a_chunk_process_error_is_reported(stored):
    with chunk_process.ChunkProcess(stored, Missing(), Settings(), [[1, 2]]) as worker:
        with pytest.raises(chunk_process.ChunkProcessError, match="chunk process failed.*nonexistent"):
            list(worker.batches())
    assert not any(p.is_alive() for p in worker.processes)


def test_auto_uses_a_chunk_process_only_for_many_documents_on_several_cores(monkeypatch):
    tok = Missing()
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert chunk_process.wanted("auto", chunk_process.MIN_DOCS, tok)
    assert not chunk_process.wanted("auto", chunk_process.MIN_DOCS - 1, tok)
    assert chunk_process.wanted("on", 1, tok) and not chunk_process.wanted("off", 10**6, tok)
    assert not chunk_process.wanted("on", 0, tok)
    assert not chunk_process.wanted("on", 10**6, object()), "a whole embedder chunks here"
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    assert not chunk_process.wanted("auto", 10**6, tok)
    with pytest.raises(InputError, match="chunk_process"):
        chunk_process.wanted("sometimes", 0, tok)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_kill_9_takes_the_chunk_process_down_and_the_resume_equals_a_clean_run(tmp_path,
                                                                                monkeypatch):
    paths = corpus(tmp_path / "in", 700)  # > 1,000 documents: three chunk batches
    monkeypatch.setenv("ARCHIVIST_CHUNK_PROCESS", "on")
    monkeypatch.setenv("ARCHIVIST_READ_PROCESS", "off")
    args = ("ingest", "--no-embed", "--text-field", "text", "-d")
    clean = archivist(*args, str(tmp_path / "clean.db"), *map(str, paths))
    assert clean.wait(timeout=600) == 0
    proc = archivist(*args, str(tmp_path / "killed.db"), *map(str, paths), crash="chunk_batch")
    workers: set[int] = set()
    while proc.poll() is None:  # the first batch is committed while the process chunks the next
        workers |= set(children(proc.pid))
        time.sleep(0.01)
    assert proc.returncode == -signal.SIGKILL
    assert workers, "no chunk process was started"
    assert not outlived(workers), "the chunk process outlived the killed ingest"
    conn = sqlite3.connect(tmp_path / "killed.db")
    assert 0 < conn.execute("SELECT count(DISTINCT doc_id) FROM chunks").fetchone()[0] < \
        conn.execute("SELECT count(*) FROM documents").fetchone()[0], "not killed mid-chunking"
    conn.close()
    resumed = archivist(*args, str(tmp_path / "killed.db"), *map(str, paths))
    assert resumed.wait(timeout=600) == 0
    assert state(tmp_path / "killed.db") == state(tmp_path / "clean.db")


def test_auto_spawns_only_when_the_main_module_survives_being_spawned(tmp_path, monkeypatch):
    """A spawned process re-runs an unguarded script's top level: auto then chunks in-process."""
    import sys
    import types
    tok = type("Tok", (), {"path": "tokenizer.json"})()
    monkeypatch.setattr(chunk_process.os, "cpu_count", lambda: 2)
    for text, ok in (("from archivist import x\nx.run()\n", False),
                     ("def main():\n    pass\n\nif __name__ == '__main__':\n    main()\n", True)):
        script = tmp_path / "script.py"
        script.write_text(text)
        fake = types.ModuleType("__main__")
        fake.__file__, fake.__spec__ = str(script), None
        monkeypatch.setitem(sys.modules, "__main__", fake)
        assert chunk_process.wanted("auto", chunk_process.MIN_DOCS, tok) is ok
        assert chunk_process.wanted("on", chunk_process.MIN_DOCS, tok)  # on: the caller's choice
    fake = types.ModuleType("__main__")  # python -m archivist: a package's __main__ is not re-run
    fake.__spec__ = types.SimpleNamespace(name="archivist.__main__")
    monkeypatch.setitem(sys.modules, "__main__", fake)
    assert chunk_process.wanted("auto", chunk_process.MIN_DOCS, tok)
