"""Rows derived from documents, kept right when documents change: chunks with their vectors and
FTS rows, and the threads whose whole-thread unit must be rebuilt.

The pending threads live in index_meta, written in the transaction that changed the thread (new
chunks, a document that left its source), so a run killed before the indexer's refresh still
refreshes them next time. The documents whose chunks may not match them (new ones, those whose
chunks went, departed ones that may have left chunks) are listed in chunk_checks by triggers, so
the indexer looks at those instead of at every document and chunk.
"""
from __future__ import annotations

import json

from archivist.store.fts_rows import forget_docs

PENDING_KEY = "thread_units_pending"
VARS = 900  # bound parameters a statement


def pending_threads(store) -> set[int]:
    """Threads whose whole-thread unit must be rebuilt."""
    raw = store.scalar("SELECT value FROM index_meta WHERE key = ?", (PENDING_KEY,))
    return set(json.loads(raw)) if raw else set()


def mark_threads_pending(store, thread_ids: set) -> None:
    """Add to the pending set; call inside the transaction that changed the threads."""
    if thread_ids:
        store.conn.execute("INSERT OR REPLACE INTO index_meta (key, value) VALUES (?, ?)",
                           (PENDING_KEY, json.dumps(sorted(pending_threads(store) | thread_ids))))


def delete_chunk_ids(conn, ids: list[int]) -> int:
    """Delete chunks `ids` with their vectors and FTS rows (the FTS rows by trigger: fts_rows.py)."""
    for i in range(0, len(ids), VARS):
        part = ids[i:i + VARS]
        marks = ",".join("?" * len(part))
        docs = [r[0] for r in conn.execute(
            f"SELECT DISTINCT doc_id FROM chunks WHERE id IN ({marks}) AND doc_id IS NOT NULL", part)]
        conn.execute(f"DELETE FROM vectors WHERE chunk_id IN ({marks})", part)
        conn.execute(f"DELETE FROM chunks WHERE id IN ({marks})", part)
        forget_docs(conn, docs)
    return len(ids)


# a document inserted, a document deleted, a document's own chunk deleted: its chunks to check
CHECKS_SQL = """
CREATE TABLE chunk_checks (doc_id INTEGER PRIMARY KEY);
INSERT OR IGNORE INTO chunk_checks (doc_id) SELECT id FROM documents d WHERE NOT EXISTS
    (SELECT 1 FROM chunks c WHERE c.doc_id = d.id AND c.unit = 'doc');
INSERT OR IGNORE INTO chunk_checks (doc_id) SELECT DISTINCT doc_id FROM chunks
    WHERE doc_id IS NOT NULL AND doc_id NOT IN (SELECT id FROM documents);
CREATE TRIGGER chunk_checks_new AFTER INSERT ON documents
BEGIN INSERT OR IGNORE INTO chunk_checks (doc_id) VALUES (NEW.id); END;
CREATE TRIGGER chunk_checks_gone AFTER DELETE ON documents
BEGIN INSERT OR IGNORE INTO chunk_checks (doc_id) VALUES (OLD.id); END;
CREATE TRIGGER chunk_checks_unchunked AFTER DELETE ON chunks
WHEN OLD.unit = 'doc' AND OLD.doc_id IS NOT NULL
BEGIN INSERT OR IGNORE INTO chunk_checks (doc_id) VALUES (OLD.doc_id); END;
"""
# chunks that may lack a current vector: inserted (a REPLACE too) or given other text; taken off
# the list by the embedding pass (retrieval/vectors.py), dropped with their chunk. Vectors are only
# deleted with their chunk, so a chunk off the list keeps the vector it was embedded with.
EMBED_CHECKS_SQL = """
CREATE TABLE embed_checks (chunk_id INTEGER PRIMARY KEY);
CREATE TRIGGER embed_checks_new AFTER INSERT ON chunks
BEGIN INSERT OR IGNORE INTO embed_checks (chunk_id) VALUES (NEW.id); END;
CREATE TRIGGER embed_checks_changed AFTER UPDATE OF content_hash ON chunks
BEGIN INSERT OR IGNORE INTO embed_checks (chunk_id) VALUES (NEW.id); END;
CREATE TRIGGER embed_checks_gone AFTER DELETE ON chunks
BEGIN DELETE FROM embed_checks WHERE chunk_id = OLD.id; END;
"""
_HAS_CHUNK = "EXISTS (SELECT 1 FROM chunks c WHERE c.doc_id = {} AND c.unit = 'doc')"
# chunks whose document is gone (only a document listed in chunk_checks can have any)
ORPHANS = "doc_id IN (SELECT doc_id FROM chunk_checks) AND doc_id NOT IN (SELECT id FROM documents)"


def unchunked(conn) -> list[int]:
    """The documents with no chunk of their own, in id order."""
    return [r[0] for r in conn.execute(
        "SELECT q.doc_id FROM chunk_checks q JOIN documents d ON d.id = q.doc_id "
        f"WHERE NOT {_HAS_CHUNK.format('q.doc_id')} ORDER BY q.doc_id")]


def checked(conn, ids: list[int] | None = None) -> None:
    """Take off the list the documents (among ids) whose chunks now match them: a stored one with
    chunks of its own, a departed one with no chunk left."""
    among = "" if ids is None else " AND doc_id IN (SELECT value FROM json_each(?))"
    conn.execute(f"DELETE FROM chunk_checks WHERE (CASE WHEN doc_id IN (SELECT id FROM documents) "
                 f"THEN {_HAS_CHUNK.format('chunk_checks.doc_id')} ELSE NOT EXISTS (SELECT 1 FROM "
                 f"chunks c WHERE c.doc_id = chunk_checks.doc_id) END){among}",
                 () if ids is None else (json.dumps(ids),))
