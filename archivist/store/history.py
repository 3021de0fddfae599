"""Documents that left their sources: out of every table search, counts and threads read, and
(when history is kept) their last version in the `history` table with where it was.

A document leaves when no source holds it any more: the message was edited (its place now holds
another version) or deleted, or its file is gone. What it derived goes with it (chunks, vectors,
FTS rows, participants, attachment links); the threads it was in are marked for a new
whole-thread unit.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone

from archivist.store.derived import delete_chunk_ids, mark_threads_pending
from archivist.store.documents import EACH, first_column


def orphans(conn) -> list[int]:
    """Documents no source holds (no location left)."""
    return [r[0] for r in conn.execute(
        "SELECT id FROM documents d WHERE NOT EXISTS (SELECT 1 FROM locations l WHERE l.doc_id = d.id) "
        "ORDER BY id")]


def _record(conn, doc_id: int) -> dict:
    """Everything stored of a document, as one JSON-able dict."""
    cur = conn.execute("SELECT * FROM documents WHERE id = ?", (doc_id,))
    row = dict(zip([c[0] for c in cur.description], cur.fetchone()))
    row["participants"] = [list(r) for r in conn.execute(
        "SELECT role, name, address FROM participants WHERE doc_id = ? ORDER BY rowid", (doc_id,))]
    row["attachment_links"] = [list(r) for r in conn.execute(
        "SELECT ord, child_id, name, content_type, size FROM attachment_links WHERE parent_id = ? "
        "ORDER BY ord", (doc_id,))]
    return row


def keep(conn, ids: list[int], places: dict[int, list[str]]) -> None:
    """Copy documents `ids` into history, with the places (`source#position`) they left."""
    when = datetime.now(timezone.utc).isoformat(timespec="seconds")
    rows = []
    for doc_id in ids:
        rec = _record(conn, doc_id)
        rows.append((doc_id, rec["content_hash"], rec["kind"], rec["title"], rec["sender"],
                     rec["date"], json.dumps(places.get(doc_id, []), ensure_ascii=False),
                     json.dumps(rec, ensure_ascii=False, default=str), when))
    conn.executemany("INSERT INTO history (doc_id, content_hash, kind, title, sender, date, places, "
                     "record, removed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


def retire(store, ids: list[int], places: dict[int, list[str]], keep_history: bool = True
           ) -> tuple[list[int], set[int]]:
    """Remove documents `ids` (kept in history when asked); returns the ids of the documents that
    shared a thread with them and those threads, which the caller threads again."""
    conn = store.conn
    if not ids:
        return [], set()
    if keep_history:
        keep(conn, ids, places)
    threads = set(first_column(conn, f"SELECT DISTINCT thread_id FROM documents WHERE id IN {EACH} "
                                     "AND thread_id IS NOT NULL", ids))
    gone = set(ids)
    mates = [d for d in first_column(conn, f"SELECT id FROM documents WHERE thread_id IN {EACH}", threads)
             if d not in gone]
    delete_chunk_ids(conn, first_column(conn, f"SELECT id FROM chunks WHERE doc_id IN {EACH}", ids))
    mark_threads_pending(store, threads)  # their old units go when the indexer refreshes them
    listed = json.dumps(ids)
    for sql in (f"DELETE FROM participants WHERE doc_id IN {EACH}",
                f"DELETE FROM mail_keys WHERE doc_id IN {EACH}",
                f"DELETE FROM mail_refs WHERE doc_id IN {EACH}",
                f"DELETE FROM attachment_links WHERE parent_id IN {EACH} OR child_id IN {EACH}",
                # an attachment still held elsewhere keeps a parent that is still stored
                "UPDATE documents SET parent_id = (SELECT min(a.parent_id) FROM attachment_links a "
                f"WHERE a.child_id = documents.id) WHERE parent_id IN {EACH}",
                f"DELETE FROM documents WHERE id IN {EACH}"):
        conn.execute(sql, (listed,) * sql.count(EACH))
    return mates, threads


def listing(store, limit: int = 0) -> list[dict]:
    """The versions kept, newest removal first."""
    sql = ("SELECT id, doc_id, kind, title, sender, date, places, removed_at FROM history "
           "ORDER BY removed_at DESC, id DESC" + (" LIMIT ?" if limit else ""))
    rows = store.query(sql, (limit,) if limit else ())
    for row in rows:
        row["places"] = json.loads(row["places"] or "[]")
    return rows


def version(store, history_id: int) -> dict | None:
    """One kept version whole (its stored document row, participants and attachment links)."""
    row = store.conn.execute("SELECT record, places, removed_at FROM history WHERE id = ?",
                             (history_id,)).fetchone()
    if row is None:
        return None
    return {**json.loads(row[0]), "places": json.loads(row[1] or "[]"), "removed_at": row[2]}
