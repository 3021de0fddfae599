"""Findings of the hostile-user probe, each with a test that failed before its fix: databases opened
read-only and foreign/newer files refused unchanged, escape sequences never reach the terminal, a
damaged FAISS cache detected and rebuilt, bad directory entries become rejects."""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from archivist.cli import app
from tests.test_ingest import message, write_mbox

ESC_SUBJECT = "Budget \x1b]0;pwned\x07 \x1b[2J now \x9b31m red"


def cli(*args: str):
    return CliRunner().invoke(app, list(args))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def small_db(tmp_path):
    box = tmp_path / "box.mbox"
    box.write_text(message(1, subject=ESC_SUBJECT, body="The budget \x1b[2J is final.")
                   + message(2, subject="RE: " + ESC_SUBJECT) + message(3, subject="Other"))
    db = tmp_path / "a.db"
    result = cli("--preset", "test", "ingest", "-d", str(db), str(box))
    assert result.exit_code == 0, result.output
    return db


def test_stats_refuses_a_foreign_sqlite_file_and_leaves_it_unchanged(tmp_path):
    other = tmp_path / "other_apps.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT)")
    conn.commit()
    conn.close()
    before = digest(other)
    for args in (["stats"], ["threads"], ["ingest", "--no-embed", str(tmp_path / "none.mbox")]):
        result = cli(*args, "-d", str(other))
        assert result.exit_code != 0
    assert "not an archivist database" in cli("stats", "-d", str(other)).output
    assert digest(other) == before
    assert not Path(str(other) + "-wal").exists()


def test_read_only_commands_open_the_database_read_only(small_db, monkeypatch):
    from archivist import store as store_pkg
    opened: list[bool] = []
    real = store_pkg.Store

    class Spy(real):
        def __init__(self, *a, **kw):
            opened.append(kw.get("readonly", False))
            super().__init__(*a, **kw)
    monkeypatch.setattr(store_pkg, "Store", Spy)
    for args in (["stats"], ["threads"], ["show", "1"], ["search", "budget", "--mode", "bm25"],
                 ["index", "verify"]):
        assert cli("--preset", "test", *args, "-d", str(small_db)).exit_code == 0
    assert opened == [True] * 5
    with real(small_db, readonly=True) as store:
        assert store.stats()["documents"] == 3
        with pytest.raises(sqlite3.OperationalError):
            store.conn.execute("DELETE FROM documents")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes read-only files anyway")
def test_a_read_only_archive_can_be_queried(small_db, tmp_path):
    os.chmod(small_db, stat.S_IRUSR | stat.S_IRGRP)
    for extra in ("-wal", "-shm"):
        side = Path(str(small_db) + extra)
        if side.exists():
            os.chmod(side, stat.S_IRUSR)
    try:
        for args in (["stats", "--json"], ["threads"], ["show", "1"],
                     ["search", "budget", "--mode", "bm25"], ["index", "verify"]):
            result = cli("--preset", "test", *args, "-d", str(small_db))
            assert result.exit_code == 0, (args, result.output)
        assert json.loads(cli("stats", "--json", "-d", str(small_db)).stdout)["documents"] == 3
    finally:
        os.chmod(small_db, stat.S_IRUSR | stat.S_IWUSR)


def test_read_only_commands_do_not_change_the_database(small_db):
    conn = sqlite3.connect(small_db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    before = digest(small_db)
    for args in (["stats"], ["threads"], ["show", "1"], ["search", "budget", "--mode", "bm25"]):
        assert cli("--preset", "test", *args, "-d", str(small_db)).exit_code == 0
    assert digest(small_db) == before


def test_a_database_from_a_newer_schema_is_refused_clearly(small_db):
    conn = sqlite3.connect(small_db)
    conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                 "VALUES ('archivist', 'm999_future', '2030-01-01')")
    conn.execute("PRAGMA user_version = 999")
    conn.commit()
    conn.close()
    result = cli("stats", "-d", str(small_db))
    assert result.exit_code == 1 and "newer archivist" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("args", [["search", "budget", "--mode", "bm25"], ["show", "1"],
                                  ["threads"], ["search", "budget", "--mode", "bm25", "--json"],
                                  ["show", "1", "--json"], ["threads", "--json"]])
def test_escape_sequences_from_a_subject_never_reach_the_terminal(small_db, args):
    result = cli("--preset", "test", *args, "-d", str(small_db))
    assert result.exit_code == 0, result.output
    assert "Budget" in result.stdout
    for bad in ("\x1b", "\x07", "\x9b"):
        assert bad not in result.stdout


def test_the_sanitiser_removes_controls_and_keeps_text():
    from archivist.sanitise import json_line, neutralise, terminal
    assert terminal("a\x1b]0;t\x07b\x1b[2Jc\x9b31md\u202ee\x00f\r\ng\th") == "abcdef\ng\th"
    assert terminal("plain – ünïcode ✓") == "plain – ünïcode ✓"
    assert "\x9b" not in json_line({"s": "x\x9by"}) and json.loads(json_line({"s": "x\x9by"})) == {
        "s": "x\x9by"}
    assert "evil" not in neutralise("see ![x](http://evil/i.png)") or "](" not in neutralise(
        "see ![x](http://evil/i.png)")


@pytest.mark.parametrize("damage", ["truncate", "empty", "random"])
def test_a_damaged_faiss_file_is_detected_and_rebuilt(small_db, damage):
    faiss_file = Path(str(small_db) + ".faiss")
    assert faiss_file.exists()
    data = faiss_file.read_bytes()
    faiss_file.write_bytes({"truncate": data[: len(data) // 2], "empty": b"",
                            "random": os.urandom(len(data))}[damage])
    verify = cli("--preset", "test", "index", "verify", "--json", "-d", str(small_db))
    assert verify.exit_code == 1 and json.loads(verify.stdout)["ok"] is False
    result = cli("--preset", "test", "search", "budget", "-d", str(small_db))
    assert result.exit_code == 0, result.output
    assert "doc" in result.stdout
    assert cli("--preset", "test", "index", "verify", "-d", str(small_db)).exit_code == 0
    faiss_file.write_bytes(b"junk")
    assert cli("--preset", "test", "index", "rebuild", "-d", str(small_db)).exit_code == 0


def test_verify_names_each_discrepancy_and_repair_rebuilds_what_is_derived(small_db):
    ok = cli("--preset", "test", "verify", "--json", "-d", str(small_db))
    assert ok.exit_code == 0, ok.output
    report = json.loads(ok.stdout)
    assert report["ok"] and report["counts"]["documents"] == 3 and report["counts"]["vectors"] > 0
    conn = sqlite3.connect(small_db)
    conn.execute("DELETE FROM chunks_fts WHERE rowid IN (SELECT min(id) FROM chunks)")
    conn.execute("DELETE FROM chunks WHERE unit = 'thread'")
    conn.execute("INSERT INTO index_meta (key, value) VALUES ('thread_units_pending', '[1]')")
    conn.commit()
    conn.close()
    Path(str(small_db) + ".faiss").write_bytes(b"garbage")
    bad = cli("--preset", "test", "verify", "-d", str(small_db))
    assert bad.exit_code == 1
    assert "FTS" in bad.stdout and "thread units" in bad.stdout and "FAISS" in bad.stdout
    fixed = cli("--preset", "test", "verify", "--repair", "--json", "-d", str(small_db))
    assert fixed.exit_code == 0, fixed.output
    assert json.loads(fixed.stdout.splitlines()[-1])["ok"]
    assert cli("--preset", "test", "verify", "-d", str(small_db)).exit_code == 0


def test_bad_directory_entries_become_rejects_and_the_rest_is_read(tmp_path):
    tree = tmp_path / "tree"
    (tree / "sub").mkdir(parents=True)
    write_mbox(tree / "a.mbox", range(5))
    write_mbox(tree / "sub" / "b.mbox", range(5, 9))
    (tree / "dangling.mbox").symlink_to(tmp_path / "gone.mbox")
    (tree / "loop").symlink_to(tree / "loop")
    os.mkfifo(tree / "pipe.mbox")
    result = cli("ingest", "--no-embed", "--json", "-d", str(tmp_path / "t.db"), str(tree))
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.splitlines()[-1])
    assert (summary["new"], summary["rejected"]) == (9, 3)
    conn = sqlite3.connect(tmp_path / "t.db")
    reasons = dict(conn.execute("SELECT path, reason FROM rejects"))
    conn.close()
    assert {Path(p).name for p in reasons} == {"dangling.mbox", "loop", "pipe.mbox"}
    assert all(reasons.values())


def test_records_per_file_and_document_size_caps_are_rejects(tmp_path, monkeypatch):
    import gzip
    from archivist.corpus import limits
    from archivist.corpus.ingest import ingest_paths
    from archivist.store import Store
    monkeypatch.setattr(limits, "MAX_RECORDS_PER_FILE", 1000)
    monkeypatch.setattr(limits, "MAX_DOCUMENT_CHARS", 5000)
    with gzip.open(tmp_path / "nums.json.gz", "wt") as f:
        f.write("[" + ",".join(str(i % 10) for i in range(200_000)) + "]")
    (tmp_path / "big.txt").write_text("word " * 2000)
    write_mbox(tmp_path / "ok.mbox", range(3))
    with Store(tmp_path / "t.db") as store:
        summary = ingest_paths(store, [tmp_path])
        assert store.scalar("SELECT count(*) FROM locations") <= 1000 + 3
        reasons = [r["reason"] for r in store.query("SELECT reason FROM rejects")]
    assert any("cap" in r and "records" in r for r in reasons)
    assert any("exceeds the cap" in r for r in reasons)
    assert summary.new >= 3


def test_thread_units_survive_a_stop_between_chunking_and_their_refresh(tmp_path, monkeypatch):
    from archivist.config import load_settings
    from archivist.corpus.ingest import ingest_paths
    from archivist.retrieval import indexer
    from archivist.store import Store
    box = tmp_path / "t.mbox"
    box.write_text("".join(message(i, subject="Plan" if i % 2 == 0 else "RE: Plan") for i in range(6)))
    units = []
    for name, stop in (("clean.db", False), ("stopped.db", True)):
        cfg = load_settings("test", {"db": str(tmp_path / name)})
        with Store(tmp_path / name) as store:
            ingest_paths(store, [box])
            if stop:
                real = indexer.refresh_threads

                def killed(*a, **kw):
                    raise KeyboardInterrupt  # stands in for kill -9 right after chunking
                monkeypatch.setattr(indexer, "refresh_threads", killed)
                with pytest.raises(KeyboardInterrupt):
                    indexer.index_store(store, cfg)
                monkeypatch.setattr(indexer, "refresh_threads", real)
            indexer.index_store(store, cfg)
            units.append(store.scalar("SELECT count(*) FROM chunks WHERE unit = 'thread'"))
    assert units[0] > 0 and units[1] == units[0]


def test_disk_full_is_a_clear_error_naming_the_database_and_the_store_still_verifies(tmp_path):
    from archivist.corpus.ingest import ingest_paths
    from archivist.errors import StoreError
    from archivist.store import Store
    box = write_mbox(tmp_path / "big.mbox", range(1500), body="x " * 400)
    with Store(tmp_path / "full.db") as store:
        pages = store.scalar("PRAGMA page_count")
        store.conn.execute(f"PRAGMA max_page_count = {pages + 60}")  # the disk fills mid-ingest
        with pytest.raises(StoreError) as info:
            ingest_paths(store, [box])
        assert str(tmp_path / "full.db") in str(info.value) and "full" in str(info.value)
        assert store.scalar("PRAGMA integrity_check") == "ok"
    result = cli("ingest", "--no-embed", "-d", str(tmp_path / "full.db"), str(box))
    assert result.exit_code == 0, result.output  # space back: the ingest resumes
    assert cli("--preset", "test", "verify", "-d", str(tmp_path / "full.db")).exit_code == 0
