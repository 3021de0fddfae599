"""The documents whose chunks may not match them (store/derived.py: chunk_checks, kept by
triggers) are what the indexer chunks and clears: new documents, documents whose chunks went,
documents deleted without their chunks; the list empties once they match, and the migration that
made it lists what a read of every document and chunk finds."""
from __future__ import annotations

import sqlite3

from archivist.config import load_settings
from archivist.corpus.ingest import ingest_paths
from archivist.progress import Reporter
from archivist.retrieval.indexer import prepare_store
from archivist.store import Store


def message(n: int) -> str:
    return (f"From a@x.org Tue May  1 09:00:00 2001\nFrom: Ann <a@x.org>\nTo: b@x.org\n"
            f"Subject: note {n}\nDate: Tue, 1 May 2001 09:{n:02d}:00 -0700\n"
            f"Message-ID: <m{n}@x.org>\n\nThe walrus count is {n}.\n\n")


def indexed(tmp_path, n: int = 6) -> Store:
    box = tmp_path / "a.mbox"
    box.write_text("".join(message(i) for i in range(n)))
    store = Store(tmp_path / "a.db")
    ingest_paths(store, [box])
    index(store)
    return store


def index(store) -> None:
    with store.writing():
        prepare_store(store, load_settings(preset="test"), Reporter(None))


def unchunked(store) -> int:
    return store.scalar("SELECT count(*) FROM documents d WHERE NOT EXISTS (SELECT 1 FROM chunks c "
                        "WHERE c.doc_id = d.id AND c.unit = 'doc')")


def orphans(store) -> int:
    return store.scalar("SELECT count(*) FROM chunks WHERE doc_id IS NOT NULL AND doc_id NOT IN "
                        "(SELECT id FROM documents)")


def test_new_documents_are_listed_until_chunked(tmp_path):
    store = indexed(tmp_path)
    assert unchunked(store) == 0 and store.scalar("SELECT count(*) FROM chunk_checks") == 0
    more = tmp_path / "b.mbox"
    more.write_text(message(20) + message(21))
    ingest_paths(store, [more])
    assert store.scalar("SELECT count(*) FROM chunk_checks") == 2 and unchunked(store) == 2
    index(store)
    assert unchunked(store) == 0 and store.scalar("SELECT count(*) FROM chunk_checks") == 0
    store.close()


def test_chunks_that_went_and_documents_deleted_alone_are_put_right(tmp_path):
    store = indexed(tmp_path)
    store.conn.execute("PRAGMA foreign_keys = OFF")  # as another program's connection may
    with store.conn:  # one document loses its chunks, another is deleted and leaves them behind
        store.conn.execute("DELETE FROM chunks_fts WHERE rowid IN (SELECT id FROM chunks WHERE doc_id = 2)")
        store.conn.execute("DELETE FROM chunks WHERE doc_id = 2")
        store.conn.execute("DELETE FROM participants WHERE doc_id = 3")
        store.conn.execute("DELETE FROM documents WHERE id = 3")
    assert unchunked(store) == 1 and orphans(store) > 0
    assert store.scalar("SELECT group_concat(doc_id) FROM chunk_checks") == "2,3"
    index(store)
    assert unchunked(store) == 0 and orphans(store) == 0
    assert store.scalar("SELECT count(*) FROM chunk_checks") == 0
    store.close()


def test_the_migration_lists_what_a_full_read_finds(tmp_path):
    store = indexed(tmp_path)
    store.conn.execute("PRAGMA foreign_keys = OFF")
    with store.conn:
        store.conn.execute("DELETE FROM chunks WHERE doc_id = 4")
        store.conn.execute("DELETE FROM participants WHERE doc_id = 5")
        store.conn.execute("DELETE FROM documents WHERE id = 5")
    store.close()
    conn = sqlite3.connect(tmp_path / "a.db", isolation_level=None)  # as before the list existed
    for name in ("chunk_checks_new", "chunk_checks_gone", "chunk_checks_unchunked"):
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("DROP TABLE chunk_checks")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm015_chunk_checks'")
    conn.close()
    with Store(tmp_path / "a.db") as store:
        assert store.scalar("SELECT group_concat(doc_id) FROM chunk_checks") == "4,5"
        index(store)
        assert unchunked(store) == 0 and orphans(store) == 0
