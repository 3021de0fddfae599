"""Kill the ingest (with indexing) at every crash point and at random times, resume, and compare with
a clean run: documents, locations, chunks, vectors, thread units and FTS rows, and `verify` ok."""
from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archivist.crash import POINTS
from tests.test_ingest import message

ROOT = Path(__file__).resolve().parents[1]


def corpus(root: Path, n: int = 700) -> list[Path]:
    """Two overlapping mailboxes with replies (threads) and a CSV: > one write batch."""
    root.mkdir(exist_ok=True)
    a, b = root / "a.mbox", root / "b.mbox"
    if not a.exists():
        a.write_text("".join(message(i, subject=f"Topic {i // 3}" if i % 3 == 0 else
                                     f"RE: Topic {i // 3}") for i in range(0, n)))
        b.write_text("".join(message(i, sender="bob.ray@x.org") for i in range(n - 100, n + n // 2)))
        (root / "r.csv").write_text("id,text\n" + "".join(f"{i},Record number {i} says {i * 7}\n"
                                                          for i in range(50)))
    return [a, b, root / "r.csv"]


def archivist(*args: str, crash: str | None = None) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ARCHIVIST_CONFIG": ""}
    env.pop("ARCHIVIST_CRASH_AT", None)
    if crash:
        env["ARCHIVIST_CRASH_AT"] = crash
    return subprocess.Popen([sys.executable, "-m", "archivist", "--preset", "test", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def ingest(db: Path, paths: list[Path], crash: str | None = None) -> subprocess.Popen:
    return archivist("ingest", "--text-field", "text", "-d", str(db), *map(str, paths), crash=crash)


def state(db: Path) -> dict:
    """Everything that must match a clean run, as comparable sets and counts (ids may differ)."""
    conn = sqlite3.connect(db)
    q = lambda sql: sorted(conn.execute(sql).fetchall())  # noqa: E731
    out = {
        "documents": q("SELECT content_hash FROM documents"),
        "locations": q("SELECT d.content_hash, s.path, l.position FROM locations l "
                       "JOIN documents d ON d.id = l.doc_id JOIN sources s ON s.id = l.source_id"),
        "chunks": q("SELECT unit, ord, content_hash FROM chunks"),
        "vectors": q("SELECT c.content_hash, v.model FROM vectors v JOIN chunks c ON c.id = v.chunk_id"),
        "thread_units": q("SELECT content_hash FROM chunks WHERE unit = 'thread'"),
        "fts_rows": conn.execute("SELECT count(*) FROM chunks_fts").fetchone()[0],
        "rejects": q("SELECT path, position FROM rejects"),
        # every index there, none left dropped by a bulk load (store/bulk.py)
        "indexes": q("SELECT name, sql FROM sqlite_master WHERE type = 'index'"),
    }
    conn.close()
    return out


def verify(db: Path) -> dict:
    proc = archivist("verify", "--json", "-d", str(db))
    stdout, stderr = proc.communicate(timeout=300)
    return {"rc": proc.returncode, **(json.loads(stdout) if stdout.strip() else {"err": stderr})}


def clean_run(root: Path, n: int) -> tuple[Path, list[Path], dict]:
    paths = corpus(root / "in", n)
    db = root / "clean.db"
    assert ingest(db, paths).wait(timeout=600) == 0
    return root, paths, state(db)


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    return clean_run(tmp_path_factory.mktemp("crash"), 700)


@pytest.fixture(scope="module")
def clean_small(tmp_path_factory):
    return clean_run(tmp_path_factory.mktemp("crash_small"), 200)


def kill_and_resume(root: Path, paths: list[Path], name: str, crash: str | None = None,
                    after: float | None = None) -> tuple[int, dict, dict]:
    """(exit code of the killed run, state after resume, verify report)."""
    db = root / f"{name}.db"
    proc = ingest(db, paths, crash)
    if after is not None:
        time.sleep(after)
        proc.send_signal(signal.SIGKILL)
    rc = proc.wait(timeout=600)
    resumed = ingest(db, paths)
    out, err = resumed.communicate(timeout=600)
    assert resumed.returncode == 0, err
    return rc, state(db), verify(db)


def test_kill_between_chunking_and_thread_units_loses_no_thread_unit(clean_small):
    """Finding 6: a kill after chunking, before the thread-unit refresh, lost the units for good."""
    root, paths, expected = clean_small
    rc, got, report = kill_and_resume(root, paths, "at_chunked", crash="chunked")
    assert rc == -signal.SIGKILL
    assert report["ok"], report
    assert got["thread_units"] == expected["thread_units"] and got == expected


@pytest.mark.slow
@pytest.mark.parametrize("point", POINTS)
def test_kill_at_every_crash_point_then_resume_equals_a_clean_run(clean, point):
    root, paths, expected = clean
    rc, got, report = kill_and_resume(root, paths, f"at_{point}", crash=point)
    assert rc == -signal.SIGKILL, f"crash point {point} was never reached"
    assert report["rc"] == 0 and report["ok"], report
    assert got == expected


@pytest.mark.slow
def test_random_kills_then_resume_equal_a_clean_run(clean_small):
    """31 kills at random times (plus the crash points above: >= 40); prints the figures."""
    root, paths, expected = clean_small
    rng = random.Random(int(os.environ.get("ARCHIVIST_CRASH_SEED", "7")))
    figures = {"kills": 0, "verify_ok": 0, "lost": 0, "duplicated": 0}
    for i in range(int(os.environ.get("ARCHIVIST_RANDOM_KILLS", "31"))):
        rc, got, report = kill_and_resume(root, paths, f"random{i}", after=rng.uniform(0.5, float(os.environ.get("ARCHIVIST_KILL_WITHIN", "8"))))
        figures["kills"] += rc == -signal.SIGKILL
        figures["verify_ok"] += bool(report.get("ok"))
        for key in ("documents", "locations", "chunks", "vectors", "thread_units"):
            figures["lost"] += len(set(expected[key]) - set(got[key]))
            figures["duplicated"] += max(0, len(got[key]) - len(set(got[key])))
        assert report["ok"], report
        assert got == expected, i
    print(json.dumps({"random_kills": figures}))
