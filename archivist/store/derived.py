"""Rows derived from documents, kept right when documents change: chunks with their vectors and
FTS rows, and the threads whose whole-thread unit must be rebuilt.

The pending threads live in index_meta, written in the transaction that changed the thread (new
chunks, a document that left its source), so a run killed before the indexer's refresh still
refreshes them next time.
"""
from __future__ import annotations

import json

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
    """Delete chunks `ids` with their vectors and FTS rows."""
    for i in range(0, len(ids), VARS):
        part = ids[i:i + VARS]
        marks = ",".join("?" * len(part))
        conn.execute(f"DELETE FROM vectors WHERE chunk_id IN ({marks})", part)
        conn.executemany("DELETE FROM chunks_fts WHERE rowid = ?", [(c,) for c in part])
        conn.execute(f"DELETE FROM chunks WHERE id IN ({marks})", part)
    return len(ids)
