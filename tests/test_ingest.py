"""Ingest: idempotence, resume after kill -9 / Ctrl-C, dedup across mailboxes, rejects, the CLI."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from typer.testing import CliRunner

from archivist.cli import app
from archivist.corpus.ingest import ingest_paths
from archivist.progress import only_warnings
from archivist.store import Store

ROOT = Path(__file__).resolve().parents[1]


def message(i: int, sender: str = "ann.lee@x.org", subject: str = "", body: str = "") -> str:
    subject = subject or f"Report {i}"
    return (f"From {sender} Tue May  1 09:00:00 2001\nFrom: {sender}\nTo: bob.ray@x.org\n"
            f"Subject: {subject}\nDate: Tue, 1 May 2001 {9 + i % 12:02d}:{i % 60:02d}:00 -0700\n"
            f"Message-ID: <{i}.{sender}>\n\n{body or f'Body of message {i}.'}\n\n")


def write_mbox(path: Path, numbers, **kw) -> Path:
    path.write_text("".join(message(i, **kw) for i in numbers))
    return path


def snapshot(db: Path) -> tuple[list, list]:
    """Documents and locations as comparable sets (ids may differ between runs)."""
    conn = sqlite3.connect(db)
    docs = sorted(r[0] for r in conn.execute("SELECT content_hash FROM documents"))
    locs = sorted(conn.execute("SELECT d.content_hash, l.position FROM locations l "
                               "JOIN documents d ON d.id = l.doc_id"))
    conn.close()
    return docs, locs


def test_second_run_adds_nothing_and_skips_done_sources(tmp_path):
    box = write_mbox(tmp_path / "a.mbox", range(30))
    with Store(tmp_path / "t.db") as store:
        first = ingest_paths(store, [box])
        assert (first.read, first.new, first.files, first.rejected) == (30, 30, 1, 0)
        again = ingest_paths(store, [box])
        assert (again.read, again.new, again.skipped, again.documents) == (0, 0, 1, 30)
        assert store.scalar("SELECT status FROM sources") == "done"
        assert store.scalar("SELECT n_read FROM sources") == 30


def test_same_email_in_several_mailboxes_is_one_document(tmp_path):
    (tmp_path / "boxes").mkdir()
    write_mbox(tmp_path / "boxes" / "ann.mbox", range(0, 20))
    write_mbox(tmp_path / "boxes" / "bob.mbox", range(10, 30))
    with Store(tmp_path / "t.db") as store:
        summary = ingest_paths(store, [tmp_path / "boxes"])
        assert (summary.read, summary.new, summary.duplicate) == (40, 30, 10)
        assert store.scalar("SELECT count(*) FROM locations") == 40
        shared = store.query("SELECT doc_id, count(*) AS n, group_concat(mailbox) AS boxes "
                             "FROM locations GROUP BY doc_id HAVING n > 1")
        assert len(shared) == 10 and all(sorted(r["boxes"].split(",")) == ["ann", "bob"]
                                         for r in shared)


def test_whitespace_and_mboxo_escapes_do_not_split_duplicates(tmp_path):
    (tmp_path / "a.mbox").write_text(message(1, body="Hello  there\n>From here on"))
    (tmp_path / "b.mbox").write_text(message(1, body="Hello there\n\n>>From here on").replace(
        "Subject: Report 1", "Subject: RE: report  1"))
    with Store(tmp_path / "t.db") as store:
        summary = ingest_paths(store, [tmp_path / "a.mbox", tmp_path / "b.mbox"])
        assert summary.read == 2 and summary.new == 1


def test_rejects_are_recorded_and_ingest_goes_on(tmp_path):
    write_mbox(tmp_path / "good.mbox", range(5))
    (tmp_path / "junk.bin").write_bytes(bytes(range(256)) * 40)
    (tmp_path / "empty.eml").write_bytes(b"")
    warnings: list[str] = []
    with Store(tmp_path / "t.db") as store:
        summary = ingest_paths(store, [tmp_path], on_progress=only_warnings(warnings.append))
        assert summary.new == 5 and summary.rejected == 2 == len(warnings)
        rejects = store.query("SELECT path, reason FROM rejects ORDER BY path")
        assert [Path(r["path"]).name for r in rejects] == ["empty.eml", "junk.bin"]
        assert all(r["reason"] for r in rejects)
        ingest_paths(store, [tmp_path / "junk.bin"], on_progress=only_warnings(warnings.append))
        assert store.scalar("SELECT count(*) FROM rejects") == 2  # a re-read adds no second row


def run_cli(*args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    # SIGINT back to its default in the child: a test run started in the background (`cmd &`,
    # nohup) inherits SIGINT ignored, and then Python installs no KeyboardInterrupt handler
    return subprocess.Popen([sys.executable, "-m", "archivist", "ingest", "--no-embed", *args],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def interrupt_midway(db: Path, box: Path, sig: int) -> None:
    """Start an ingest and send `sig` once some batch was committed but before it finished."""
    proc = run_cli("-d", str(db), str(box))
    deadline = time.time() + 60
    while time.time() < deadline and proc.poll() is None:
        try:
            conn = sqlite3.connect(db, timeout=1)
            n = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
            conn.close()
        except sqlite3.Error:
            n = 0
        if n > 0:
            proc.send_signal(sig)
            break
        time.sleep(0.01)
    proc.wait(timeout=60)


def test_resume_after_kill_and_ctrl_c_matches_a_clean_run(tmp_path):
    box = write_mbox(tmp_path / "big.mbox", range(4000))
    interrupt_midway(tmp_path / "r.db", box, signal.SIGINT)
    interrupt_midway(tmp_path / "r.db", box, signal.SIGKILL)
    partial_docs, _ = snapshot(tmp_path / "r.db")
    assert 0 < len(partial_docs) < 4000, "the ingest was not stopped mid-way"
    assert run_cli("-d", str(tmp_path / "r.db"), str(box)).wait(timeout=120) == 0
    assert run_cli("-d", str(tmp_path / "clean.db"), str(box)).wait(timeout=120) == 0
    resumed, clean = snapshot(tmp_path / "r.db"), snapshot(tmp_path / "clean.db")
    assert len(resumed[0]) == 4000 and len(resumed[1]) == 4000
    assert resumed == clean


def test_cli_ingest_show_threads(tmp_path):
    box = tmp_path / "box.mbox"
    box.write_text(message(1, subject="Budget") + message(2, "bob.ray@x.org", "RE: Budget")
                   + message(3, subject="Other"))
    db = str(tmp_path / "c.db")
    runner = CliRunner()
    result = runner.invoke(app, ["ingest", "--no-embed", "--json", "-d", db, str(box)])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert (summary["read"], summary["new"], summary["threads"]) == (3, 3, 2)
    result = runner.invoke(app, ["threads", "--json", "-d", db])
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["n_docs"] for r in rows] == [2, 1] and rows[0]["subject"] == "Budget"
    result = runner.invoke(app, ["show", str(rows[0]["root_doc_id"]), "--json", "-d", db])
    doc = json.loads(result.stdout)
    assert doc["title"] == "Budget" and len(doc["thread"]["members"]) == 2
    assert doc["locations"][0]["position"] == "0"
    result = runner.invoke(app, ["show", str(rows[0]["root_doc_id"]), "-d", db])
    assert result.exit_code == 0 and "thread" in result.stdout
    again = runner.invoke(app, ["ingest", "--no-embed", "--json", "-d", db, str(box)])
    assert again.exit_code == 0 and json.loads(again.stdout.splitlines()[-1])["new"] == 0


def test_cli_fails_clearly_when_nothing_can_be_read(tmp_path):
    (tmp_path / "junk.bin").write_bytes(b"\x00\x01\x02\xff" * 1000)
    result = CliRunner().invoke(app, ["ingest", "--no-embed", "-d", str(tmp_path / "c.db"),
                                      str(tmp_path / "junk.bin")])
    assert result.exit_code != 0
    assert "nothing could be read" in result.output
    assert CliRunner().invoke(app, ["show", "99", "-d", str(tmp_path / "c.db")]).exit_code == 2


def test_a_document_that_cannot_be_stored_becomes_a_reject(store):
    from archivist.corpus.parsed import Document, Location
    from archivist.corpus.ingest import ingest_documents
    docs = [Document("text", "fine", Location("/a.txt", "1")),
            Document("text", "bad \udc80 surrogate", Location("/b.txt", "1")),
            Document("text", "also fine", Location("/c.txt", "1"))]
    summary = ingest_documents(store, docs)
    assert (summary.new, summary.rejected) == (2, 1)
    assert store.scalar("SELECT reason FROM rejects").startswith("could not store")
    assert store.scalar("SELECT count(*) FROM participants WHERE doc_id NOT IN "
                        "(SELECT id FROM documents)") == 0
