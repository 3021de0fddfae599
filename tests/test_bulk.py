"""store/bulk.py: a first ingest loads without the secondary indexes and makes them at the end;
the indexes an ingest killed in between left dropped are made by the next writer's open, not while
another writer holds the store."""
from __future__ import annotations

import sqlite3

from archivist.corpus import ingest as ingest_mod
from archivist.corpus.ingest import ingest_paths
from archivist.store import Store
from archivist.store.bulk import KEY, drop_indexes, dropped, restore_indexes
from archivist.store.lock import WriteLock
from tests.test_ingest import write_mbox


def indexes(conn: sqlite3.Connection) -> dict[str, str]:
    return dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND "
                             "sql IS NOT NULL"))


def test_drop_then_restore_gives_the_same_indexes(tmp_path):
    with Store(tmp_path / "a.db") as store:
        before = indexes(store.conn)
        names = drop_indexes(store.conn)
        assert {"documents_date", "participants_address", "locations_doc"} <= set(names)
        assert not set(names) & set(indexes(store.conn)) and set(dropped(store.conn)) == set(names)
        # the UNIQUE indexes an ingest reads (content hash, locations) stay
        assert store.scalar("SELECT count(*) FROM sqlite_master WHERE name LIKE "
                            "'sqlite_autoindex_documents%'") == 1
        assert sorted(restore_indexes(store.conn)) == sorted(names)
        assert indexes(store.conn) == before and dropped(store.conn) == {}
        assert restore_indexes(store.conn) == []


def test_first_ingest_loads_without_indexes_and_makes_them(tmp_path, monkeypatch):
    box = write_mbox(tmp_path / "a.mbox", range(30))
    seen = {}
    read_units = ingest_mod.read_units

    def spy(writer, *args):
        seen["during"] = set(indexes(writer.conn))
        return read_units(writer, *args)

    monkeypatch.setattr(ingest_mod, "read_units", spy)
    with Store(tmp_path / "a.db") as store:
        before = indexes(store.conn)
        ingest_paths(store, [box])
        assert "participants_address" not in seen["during"] and "documents_date" not in seen["during"]
        assert indexes(store.conn) == before and dropped(store.conn) == {}
        # a second ingest into a store that holds documents keeps its indexes all along
        ingest_paths(store, [write_mbox(tmp_path / "b.mbox", range(30, 40))])
        assert seen["during"] == set(before) and indexes(store.conn) == before


def test_a_killed_bulk_load_is_mended_by_the_next_writer_not_while_one_writes(tmp_path):
    db = tmp_path / "a.db"
    with Store(db) as store:
        before = indexes(store.conn)
        names = drop_indexes(store.conn)  # what an ingest killed mid-load leaves behind
    holder = WriteLock(db)  # another process's ingest, writing now
    holder.acquire(0)
    try:
        with Store(db, readonly=True) as reader:
            assert set(dropped(reader.conn)) == set(names)
        with Store(db, lock_wait=0) as other:  # leaves the indexes to the writer
            assert not set(names) & set(indexes(other.conn))
    finally:
        holder.release()
    with Store(db) as store:
        assert indexes(store.conn) == before
        assert store.scalar("SELECT count(*) FROM index_meta WHERE key = ?", (KEY,)) == 0
