"""Ingest with the reader process (parse in a second process, store here) writes exactly what a
serial read writes: the same ids, duplicates, locations, threads and rejects; a kill -9 of the
ingest takes the reader down with it and the resume equals a clean run."""
from __future__ import annotations

import os
import signal
import sqlite3
import time
from pathlib import Path

import pytest

from archivist.corpus import reader_process
from archivist.corpus.ingest import ingest_paths
from archivist.errors import InputError
from archivist.store import Store
from tests.test_crash import archivist, corpus, state

FIXTURES = Path(__file__).parent / "fixtures" / "malformed"
TIMES = {"added_at", "done_at"}


def rows(db: Path) -> dict:
    """Every row of the corpus tables in id order, timestamps left out."""
    conn = sqlite3.connect(db)
    out = {}
    for table in ("sources", "documents", "locations", "participants", "threads", "rejects",
                  "chunks"):
        cols = [r[1] for r in conn.execute(f"PRAGMA table_info({table})") if r[1] not in TIMES]
        out[table] = conn.execute(f"SELECT {', '.join(cols)} FROM {table} ORDER BY rowid").fetchall()
    conn.close()
    return out


def ingest_with(db: Path, paths: list[Path], mode: str):
    with Store(db) as store:
        return ingest_paths(store, paths, text_field="text", read_process=mode)


def test_reader_process_writes_what_a_serial_read_writes(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)  # two reader processes, taking turns
    paths = corpus(tmp_path / "in", 300) + [FIXTURES]  # threads, records, rejects
    copy = tmp_path / "copy" / "a.mbox"  # the same messages again: duplicates, new locations
    copy.parent.mkdir()
    copy.write_bytes(paths[0].read_bytes())
    paths.append(copy.parent)
    serial = ingest_with(tmp_path / "serial.db", paths, "off")
    parallel = ingest_with(tmp_path / "parallel.db", paths, "on")
    assert serial.rejected > 0 and serial.duplicate > 0
    assert parallel.to_dict() | {"seconds": 0, "msgs_per_s": 0} == \
        serial.to_dict() | {"seconds": 0, "msgs_per_s": 0}
    assert rows(tmp_path / "parallel.db") == rows(tmp_path / "serial.db")


def test_auto_uses_a_reader_process_only_for_large_inputs_on_several_cores(monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert reader_process.wanted("auto", reader_process.MIN_BYTES)
    assert not reader_process.wanted("auto", reader_process.MIN_BYTES - 1)
    assert reader_process.wanted("on", 0) and not reader_process.wanted("off", 10**12)
    assert reader_process.readers(30) == 2 and reader_process.readers(1) == 1  # taking turns
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    assert not reader_process.wanted("auto", 10**12)
    assert reader_process.readers(30) == 1
    with pytest.raises(InputError, match="read_process"):
        reader_process.wanted("sometimes", 0)


def children(pid: int) -> list[int]:
    """Live (not zombie) processes whose parent is `pid`."""
    out = []
    for entry in Path("/proc").iterdir():
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[1] == str(pid) and fields[0] != "Z":
            out.append(int(entry.name))
    return out


def alive(pid: int) -> bool:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def outlived(pids, seconds: float = 10.0) -> bool:
    """Whether any of the processes is still alive after waiting up to `seconds` for them."""
    deadline = time.monotonic() + seconds
    while any(map(alive, pids)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return any(map(alive, pids))


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_kill_9_takes_the_reader_down_and_the_resume_equals_a_clean_run(tmp_path, monkeypatch):
    paths = corpus(tmp_path / "in", 200)
    monkeypatch.setenv("ARCHIVIST_READ_PROCESS", "on")
    args = ("ingest", "--no-embed", "--text-field", "text", "-d")
    clean = archivist(*args, str(tmp_path / "clean.db"), *map(str, paths))
    assert clean.wait(timeout=600) == 0
    proc = archivist(*args, str(tmp_path / "killed.db"), *map(str, paths), crash="source_done")
    readers: list[int] = []
    while proc.poll() is None:  # the reader starts before the first source is done
        readers = readers or children(proc.pid)
        time.sleep(0.01)
    assert proc.returncode == -signal.SIGKILL
    assert readers, "no reader process was started"
    assert not outlived(readers), "the reader process outlived the killed ingest"
    resumed = archivist(*args, str(tmp_path / "killed.db"), *map(str, paths))
    assert resumed.wait(timeout=600) == 0
    assert state(tmp_path / "killed.db") == state(tmp_path / "clean.db")
