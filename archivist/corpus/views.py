"""Read-only views of stored documents and threads for `archivist show` and `archivist threads`."""
from __future__ import annotations

import json

from archivist.errors import InputError

_JSON_COLUMNS = ("attachments", "meta")


def _decode(row: dict) -> dict:
    for key in _JSON_COLUMNS:
        if row.get(key):
            row[key] = json.loads(row[key])
    return row


def show_document(store, doc_id: int) -> dict:
    """One document with its metadata, participants, thread members and every location."""
    rows = store.query("SELECT * FROM documents WHERE id = ?", (doc_id,))
    if not rows:
        raise InputError(f"no document with id {doc_id}")
    doc = _decode(rows[0])
    doc["participants"] = store.query(
        "SELECT role, name, address FROM participants WHERE doc_id = ? ORDER BY rowid", (doc_id,))
    doc["locations"] = store.query(
        "SELECT s.path, l.position, l.mailbox, l.folder FROM locations l "
        "JOIN sources s ON s.id = l.source_id WHERE l.doc_id = ? ORDER BY l.id", (doc_id,))
    doc["thread"] = thread_of(store, doc["thread_id"]) if doc.get("thread_id") else None
    doc["attachment_docs"] = store.query(
        "SELECT a.ord, a.name, a.content_type, a.size, a.child_id AS id, d.n_chars FROM "
        "attachment_links a JOIN documents d ON d.id = a.child_id WHERE a.parent_id = ? "
        "ORDER BY a.ord", (doc_id,))
    doc["attached_to"] = store.query(
        "SELECT a.parent_id AS id, a.name, d.message_id, d.date, d.sender, d.title FROM "
        "attachment_links a JOIN documents d ON d.id = a.parent_id WHERE a.child_id = ? "
        "ORDER BY d.date, a.parent_id", (doc_id,))
    return doc


def _not_read(att: dict) -> str:
    """Why an attachment has no document: a type archivist reads that held no text (an empty
    HTML placeholder), or a type it does not read."""
    from archivist.corpus.attachments import attachment_format
    from archivist.corpus.parsed import Attachment
    known = attachment_format(Attachment(att.get("name") or "", att.get("content_type") or "", 0))
    return "  (read: no text in it)" if known else "  (name only: type not read)"


def _attachment_lines(doc: dict) -> list[str]:
    """The message's attachments (with the document id of each one read) and, for an
    attachment, every message it is attached to."""
    read = {a["ord"]: a for a in doc.get("attachment_docs") or []}
    lines = []
    listed = doc.get("attachments") or []
    if listed:
        lines += ["", f"attachments ({len(listed)}):"]
        for ord_, att in enumerate(listed):
            as_doc = f"  -> #{read[ord_]['id']}" if ord_ in read else _not_read(att)
            lines.append(f"  {att.get('name') or '(unnamed)'}  {att.get('content_type') or ''}  "
                         f"{att.get('size') or 0:,} bytes{as_doc}")
    parents = doc.get("attached_to") or []
    if parents:
        lines += ["", f"attached to {len(parents)} message(s):"]
        lines += [f"  #{p['id']} {(p['date'] or '')[:16]} {p['sender'] or ''}: {p['title'] or ''} "
                  f"{p['message_id'] or ''}" for p in parents]
    return lines


def thread_of(store, thread_id: int) -> dict | None:
    """A thread row with its members in date order (id, position, date, sender, title)."""
    rows = store.query("SELECT * FROM threads WHERE id = ?", (thread_id,))
    if not rows:
        return None
    thread = rows[0]
    thread["participants"] = json.loads(thread["participants"] or "[]")
    thread["members"] = store.query(
        "SELECT id, thread_pos, date, sender, title FROM documents WHERE thread_id = ? "
        "ORDER BY thread_pos", (thread_id,))
    return thread


def list_threads(store, limit: int = 20, filters=None) -> list[dict]:
    """The largest threads first (then the most recent), without their members; with filters,
    the threads holding a message that matches them (the one filter compiler's SQL)."""
    from archivist.store.filters import filter_sql
    where, params = ("1", []) if filters is None or filters.is_empty() else filter_sql(filters)
    inside = "" if where == "1" else f"WHERE id IN (SELECT d.thread_id FROM documents d WHERE {where}) "
    rows = store.query("SELECT id, subject, root_doc_id, n_docs, first_date, last_date, participants "
                       f"FROM threads {inside}ORDER BY n_docs DESC, last_date DESC, id LIMIT ?",
                       [*params, int(limit)])
    for row in rows:
        people = json.loads(row["participants"] or "[]")
        row["participants"] = people[:10]
        row["n_participants"] = len(people)
    return rows


def thread_sizes(store) -> dict[str, int]:
    """Distribution of thread sizes in buckets: 1, 2, 3-5, 6-10, 11-50, >50."""
    buckets = {"1": 0, "2": 0, "3-5": 0, "6-10": 0, "11-50": 0, ">50": 0}
    for (n,) in store.conn.execute("SELECT n_docs FROM threads"):
        key = ("1" if n == 1 else "2" if n == 2 else "3-5" if n <= 5 else "6-10" if n <= 10
               else "11-50" if n <= 50 else ">50")
        buckets[key] += 1
    return buckets


def render_document(doc: dict) -> str:
    """A readable rendering of show_document's result for the terminal."""
    people = ", ".join(f"{p['role']}: {p['name'] or ''} <{p['address']}>".replace(" <>", "")
                       for p in doc["participants"][:12])
    lines = [f"#{doc['id']} {doc['kind']}  {doc.get('title') or ''}",
             f"date: {doc.get('date') or doc.get('date_raw') or '-'}"]
    if people:
        lines.append(people + (" ..." if len(doc["participants"]) > 12 else ""))
    lines += [f"{key}: {value}" for key, value in (doc.get("meta") or {}).items()]
    lines += ["", doc.get("body") or ""]
    if doc.get("quoted"):
        lines += ["", "[quoted]", doc["quoted"][:2000]]
    thread = doc.get("thread")
    if thread:
        lines += ["", f"thread {thread['id']} ({thread['n_docs']} messages):"]
        lines += [f"  {'*' if m['id'] == doc['id'] else ' '} {m['thread_pos']:>3} #{m['id']} "
                  f"{(m['date'] or '')[:16]} {m['sender'] or ''}: {m['title'] or ''}"
                  for m in thread["members"]]
    lines += _attachment_lines(doc)
    lines += ["", "locations:"] + [f"  {loc['path']} @ {loc['position']}" for loc in doc["locations"]]
    return "\n".join(lines)
