"""The external-content FTS index (store/fts_rows.py): the migration from the index that kept its
own copy of every value finds the same chunks for the same words, and the index stays exact
(FTS5's integrity check) through an ingest that retires documents and a repair."""
from __future__ import annotations

import sqlite3

from archivist.store import Store

from test_chunk_checks import index, indexed

WORDS = ("walrus", "note", "ann", "a@x.org", "may", "2001")


def _hits(store) -> dict[str, list[int]]:
    return {w: [r[0] for r in store.conn.execute(
        "SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH ? ORDER BY rank, rowid", (f'"{w}"',))]
        for w in WORDS}


def _exact(store) -> None:
    store.conn.execute("INSERT INTO chunks_fts (chunks_fts, rank) VALUES ('integrity-check', 1)")
    assert store.scalar("SELECT count(*) FROM chunks_fts_docsize") == store.scalar("SELECT count(*) FROM chunks")


def _as_before_m017(path) -> None:
    """The schema of m016: chunks_fts with its own content, made and filled by m006."""
    import sqlite_utils
    from archivist.store.schema import m006_fts_header_columns
    conn = sqlite3.connect(path, isolation_level=None)
    for trigger in ("chunks_fts_add", "chunks_fts_drop", "chunks_fts_change"):
        conn.execute(f"DROP TRIGGER {trigger}")
    conn.executescript("DROP TABLE chunks_fts; DROP VIEW chunks_fts_source; DROP TABLE fts_docs; "
                       "DELETE FROM _sqlite_migrations WHERE name = 'm017_fts_external';")
    m006_fts_header_columns(sqlite_utils.Database(conn))
    conn.close()


def test_the_migration_finds_the_same_chunks(tmp_path):
    store = indexed(tmp_path)
    before = _hits(store)
    assert all(before.values())
    store.close()
    _as_before_m017(tmp_path / "a.db")
    told: list[str] = []
    with Store(tmp_path / "a.db", on_wait=told.append) as store:
        assert len(told) == 1 and "m017_fts_external" in told[0]  # said before the index is made
        assert _hits(store) == before
        _exact(store)
        assert store.scalar("SELECT count(*) FROM fts_docs") == store.scalar(
            "SELECT count(DISTINCT doc_id) FROM chunks WHERE doc_id IS NOT NULL")


def test_retired_documents_and_a_repair_keep_the_index_exact(tmp_path):
    from archivist.config import load_settings
    from archivist.retrieval.integrity import repair_store
    store = indexed(tmp_path)
    box = tmp_path / "a.mbox"
    box.write_text(box.read_text().split("\n\nFrom a@x.org")[0] + "\n\n")  # one email left
    from archivist.corpus.ingest import ingest_paths
    ingest_paths(store, [box])
    assert store.scalar("SELECT count(*) FROM documents") == 1
    index(store)
    _exact(store)
    assert store.scalar("SELECT count(*) FROM fts_docs") == store.scalar(
        "SELECT count(DISTINCT doc_id) FROM chunks WHERE doc_id IS NOT NULL")
    repair_store(store, load_settings(preset="test", cli={"db": str(tmp_path / "a.db")}))
    _exact(store)
    assert _hits(store)["walrus"]
    store.close()
