"""One writer at a time: concurrent ingests into one database give exactly a serial run's counts."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.test_ingest import run_cli, snapshot, write_mbox


def counts(db: Path) -> tuple[int, int, int]:
    conn = sqlite3.connect(db)
    row = tuple(conn.execute("SELECT (SELECT count(*) FROM documents), "
                             "(SELECT count(*) FROM locations), (SELECT count(*) FROM rejects)"
                             ).fetchone())
    conn.close()
    return row


def test_two_concurrent_ingests_of_overlapping_mailboxes_equal_a_serial_run(tmp_path):
    a = write_mbox(tmp_path / "a.mbox", range(0, 3000))
    b = write_mbox(tmp_path / "b.mbox", range(1500, 4500))
    both = [run_cli("-d", str(tmp_path / "c.db"), str(box)) for box in (a, b)]
    assert [p.wait(timeout=300) for p in both] == [0, 0], [p.stderr.read() for p in both]
    assert run_cli("-d", str(tmp_path / "s.db"), str(a), str(b)).wait(timeout=300) == 0
    assert counts(tmp_path / "s.db") == (4500, 6000, 0)
    assert counts(tmp_path / "c.db") == (4500, 6000, 0)
    assert snapshot(tmp_path / "c.db") == snapshot(tmp_path / "s.db")


def test_two_concurrent_ingests_of_one_file_add_it_once(tmp_path):
    a = write_mbox(tmp_path / "a.mbox", range(0, 3000))
    both = [run_cli("-d", str(tmp_path / "c.db"), str(a)) for _ in range(2)]
    assert [p.wait(timeout=300) for p in both] == [0, 0], [p.stderr.read() for p in both]
    assert counts(tmp_path / "c.db") == (3000, 3000, 0)


def test_the_lock_is_the_databases_not_the_paths(tmp_path):
    """A writer through a symbolic link to the database, or to a directory above it, waits for
    the writer through the real path (before, each took its own `<path as typed>.lock`)."""
    import os

    import pytest

    from archivist.errors import StoreError
    from archivist.store import Store
    from archivist.store.lock import WriteLock
    real = tmp_path / "real"
    real.mkdir()
    db = real / "a.db"
    Store(db).close()
    os.symlink(db, tmp_path / "link.db")
    os.symlink(real, tmp_path / "linkdir")
    holder = WriteLock(tmp_path / "link.db")
    holder.acquire(0)
    try:
        for other in (db, tmp_path / "linkdir" / "a.db"):
            with Store(other, lock_wait=0) as store, pytest.raises(StoreError, match="being written"):
                with store.writing():
                    pass
    finally:
        holder.release()
    with Store(tmp_path / "linkdir" / "a.db", lock_wait=0) as store, store.writing():
        assert not (tmp_path / "link.db.lock").exists()
