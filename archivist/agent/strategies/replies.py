"""The replies to one email, for 'who replied first' about an email a question describes: the
later emails of its thread (corpus/threads.py links a reply by its quoted header) and, where the
thread missed one (a reply quoting a forward of it), the later emails whose subject is the same
after a 'RE:' or 'FW:', within REPLY_WINDOW. Only someone else's answer counts: its own sender
writing again on it is no reply to it.
"""
from __future__ import annotations

from datetime import datetime, timedelta

REPLY_WINDOW = timedelta(days=30)  # a reply found by its subject alone comes within a month
FIELDS = ("id", "title", "sender", "sender_name", "date", "date_raw")
COLUMNS = ", ".join(FIELDS)


def first_replies(store, row: dict, limit: int = 5) -> list[dict]:
    """The replies to the email of row by others than its sender, earliest first."""
    got = store.conn.execute(f"SELECT {COLUMNS}, thread_id, norm_subject FROM documents WHERE id = ?",
                             (row["id"],)).fetchone()
    if got is None or not got[4]:
        return []
    original = dict(zip(FIELDS + ("thread_id", "norm_subject"), got))
    sender, when = (original["sender"] or "").lower(), original["date"]
    until = (_parse(when) + REPLY_WINDOW).isoformat()
    found: dict[int, dict] = {}
    if original["thread_id"] is not None:
        for r in store.conn.execute(f"SELECT {COLUMNS} FROM documents WHERE thread_id = ? AND date > ? "
                                    "ORDER BY date LIMIT 50", (original["thread_id"], when)):
            found[r[0]] = dict(zip(FIELDS, r))
    if original["norm_subject"]:
        for r in store.conn.execute(f"SELECT {COLUMNS} FROM documents WHERE norm_subject = ? AND date > ? "
                                    "AND date <= ? AND title != coalesce(?, '') ORDER BY date LIMIT 50",
                                    (original["norm_subject"], when, until, original["title"])):
            found.setdefault(r[0], dict(zip(FIELDS, r)))
    others = [r for r in found.values() if (r["sender"] or "").lower() != sender]
    return sorted(others, key=lambda r: (r["date"], r["id"]))[:limit]


def _parse(iso: str) -> datetime:
    return datetime.fromisoformat(iso.replace("Z", "+00:00"))
