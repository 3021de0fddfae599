"""Document reads by id: the one fetch every layer uses (packing, citations, snippets, sentences),
where a document is stored, and the day shown for it."""
from __future__ import annotations

import json
from pathlib import Path
from email.utils import parsedate_to_datetime

COLUMNS = ("id", "kind", "title", "norm_subject", "message_id", "sender", "sender_name", "date",
           "date_raw", "body", "quoted", "meta", "thread_id", "thread_pos", "n_chars")
BRIEF = ("id", "kind", "title", "message_id", "sender", "sender_name", "date", "thread_id")


def documents(store, ids, columns: tuple[str, ...] = COLUMNS,
              thread_dates: bool = False) -> dict[int, dict]:
    """id -> row for the stored documents among ids (missing ids are absent); thread_dates adds
    the thread's first_date, which orders packed contexts."""
    unknown = set(columns) - set(COLUMNS)
    if unknown:  # column names reach the SQL text, so only known ones
        raise ValueError(f"unknown document columns {sorted(unknown)}")
    cols = ", ".join(f"d.{c}" for c in dict.fromkeys(("id", *columns)))
    join = ""
    if thread_dates:
        cols += ", t.first_date"
        join = " LEFT JOIN threads t ON t.id = d.thread_id"
    sql = (f"SELECT {cols} FROM documents d{join} "
           "WHERE d.id IN (SELECT value FROM json_each(?))")
    return {r["id"]: r for r in store.query(sql, (json.dumps([int(i) for i in ids]),))}


def thread_ids(store, threads: list[int]) -> list[int]:
    """Every document of the given threads, by date."""
    rows = store.conn.execute("SELECT id FROM documents WHERE thread_id IN (SELECT value FROM "
                              "json_each(?)) ORDER BY date, id", (json.dumps(threads),))
    return [r[0] for r in rows]


def local_day(date_raw: str | None, date_utc: str | None) -> str:
    """The calendar day the sender's own Date header shows; the UTC day when it cannot be read.
    Metadata counts read days this way, so every date shown to people does too."""
    if date_raw:
        try:
            return parsedate_to_datetime(date_raw).date().isoformat()
        except (TypeError, ValueError, IndexError):
            pass
    return (date_utc or "")[:10]


def first_locations(store, ids: list[int], mailbox: str | None = None) -> dict[int, dict]:
    """doc id -> its first location: source file, position (a record's row), mailbox, folder;
    with `mailbox`, a location in that mailbox first (the one a mailbox filter matched)."""
    rows = store.query("SELECT l.doc_id, s.path, l.position, l.mailbox, l.folder FROM locations l "
                       "JOIN sources s ON s.id = l.source_id WHERE l.doc_id IN "
                       "(SELECT value FROM json_each(?)) "
                       "ORDER BY coalesce(l.mailbox = ? COLLATE NOCASE, 0) DESC, l.id",
                       (json.dumps(ids), (mailbox or "").strip()))
    found: dict[int, dict] = {}
    for row in rows:
        found.setdefault(row.pop("doc_id"), row)
    return found


def where(kind: str, location: dict | None) -> str:
    """'vendors.csv row 3' for a record, 'notes.md' for a file, 'beck-s/inbox' for a mailbox."""
    if not location:
        return ""
    if location.get("mailbox"):
        return "/".join(p for p in (location["mailbox"], location.get("folder")) if p)
    name = Path(location["path"]).name
    return f"{name} row {location['position']}" if kind == "record" else name
