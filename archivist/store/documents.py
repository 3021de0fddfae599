"""The reads of the `documents` table other packages need: documents by id (the one fetch every
layer uses: packing, citations, snippets, sentences), by thread and by subject, their own text,
attachment names, participants and content hashes, where a document is stored, and the day shown for it.
(Whole-table reads, the corpus at a glance, are in overview.py.)"""
from __future__ import annotations

import json
import re
from datetime import date
from email.utils import parsedate_to_datetime
from pathlib import Path

COLUMNS = ("id", "kind", "title", "norm_subject", "message_id", "sender", "sender_name", "date",
           "date_raw", "body", "quoted", "meta", "thread_id", "thread_pos", "n_chars")
BRIEF = ("id", "kind", "title", "message_id", "sender", "sender_name", "date", "thread_id")


EACH = "(SELECT value FROM json_each(?))"  # a list of values as one parameter, of any length


def first_column(conn, sql: str, values) -> list:
    """The first column of `sql`, whose EACH stands for `values` (sorted, for a stable plan)."""
    if not values:
        return []
    return [r[0] for r in conn.execute(sql, (json.dumps(sorted(values)),) * sql.count(EACH))]


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


# the Date header as nearly every mailer writes it ('Mon, 1 Oct 2001 09:12:33 -0700 (PDT)'): read
# without the general parser (a count reads the day of every email at a month's ends: 34k at 1M)
_RFC_DATE = re.compile(r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?(\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|"
                       r"Sep|Oct|Nov|Dec) (\d{4}) (\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)(?:\s.*)?", re.S)
_MONTHS = {m: i for i, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), 1)}


def _header_day(date_raw: str) -> str | None:
    """The day of a Date header in the common form, checked as parsedate_to_datetime checks it (a
    valid day and time, an offset under a day); None for any other form or value, and for a year
    below 100, which it reads as 19xx or 20xx."""
    m = _RFC_DATE.fullmatch(date_raw)
    if m is None:
        return None
    day, month, year, hh, mm, ss, _sign, oh, om = m.groups()
    if int(year) < 100 or int(hh) > 23 or int(mm) > 59 or int(ss) > 59 or int(oh) * 60 + int(om) >= 1440:
        return None
    try:
        return date(int(year), _MONTHS[month], int(day)).isoformat()
    except ValueError:
        return None


def local_day(date_raw: str | None, date_utc: str | None) -> str:
    """The calendar day the sender's own Date header shows; the UTC day when it cannot be read.
    Metadata counts read days this way, so every date shown to people does too."""
    if date_raw:
        day = _header_day(date_raw)
        if day is not None:
            return day
        try:
            return parsedate_to_datetime(date_raw).date().isoformat()
        except (TypeError, ValueError, IndexError):
            pass
    return (date_utc or "")[:10]


def local_minutes(date_raw: str | None) -> int | None:
    """Minutes after midnight on the sender's own clock (the Date header's time); None unreadable."""
    try:
        moment = parsedate_to_datetime(date_raw) if date_raw else None
    except (TypeError, ValueError, IndexError):
        return None
    return moment.hour * 60 + moment.minute if moment else None


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


def with_subject(store, subject: str, normalised: str) -> list[int]:
    """Documents whose normalised subject is `normalised` or whose title is `subject` (any case),
    by date."""
    rows = store.conn.execute("SELECT d.id FROM documents d WHERE lower(d.norm_subject) = ? OR "
                              "lower(d.title) = ? ORDER BY d.date, d.id", (normalised, subject.strip().lower()))
    return [r[0] for r in rows]


def own_texts(store, ids: list[int], with_title: bool = True) -> dict[int, str]:
    """id -> the document's own text (its subject line, then its body; quoted text left out)."""
    own = "coalesce(title, '') || '\n' || body" if with_title else "body"
    return dict(store.conn.execute(f"SELECT id, {own} FROM documents WHERE id IN "
                                   "(SELECT value FROM json_each(?))", (json.dumps([int(i) for i in ids]),)))


def attachment_names(store, doc: int) -> list[str]:
    """The names of a document's attachments: those stored with it, then those its text names
    (Enron's `<< File: x.xls >>`), once each."""
    row = store.conn.execute("SELECT attachments, meta FROM documents WHERE id = ?", (doc,)).fetchone()
    names = [item.get("name") if isinstance(item, dict) else str(item) for item in json.loads(row[0] or "[]")]
    names += (json.loads(row[1] or "{}") or {}).get("attachments_named", [])
    return [n for n in dict.fromkeys(names) if n]


def content_hashes(store, ids: list[int]) -> list[tuple[int, str]]:
    """(id, content hash) of the documents among ids, in id order."""
    return sorted(store.conn.execute("SELECT id, content_hash FROM documents WHERE id IN "
                                     "(SELECT value FROM json_each(?))", (json.dumps([int(i) for i in ids]),)))



def people_of(store, ids: list[int], roles: tuple[str, ...] = ()) -> list[tuple[int, str, str]]:
    """(doc id, address in lower case, name) of each document's participants in `roles` ('to', 'cc',
    'bcc'); no roles: its sender."""
    if not roles:
        sql = "SELECT id, lower(sender), coalesce(sender_name, '') FROM documents WHERE id IN (SELECT value FROM json_each(?))"
        return [tuple(r) for r in store.conn.execute(sql, (json.dumps(ids),))]
    marks = ", ".join("?" for _ in roles)
    sql = (f"SELECT doc_id, lower(address), coalesce(name, '') FROM participants WHERE role IN ({marks}) "
           "AND address IS NOT NULL AND address != '' AND doc_id IN (SELECT value FROM json_each(?))")
    return [tuple(r) for r in store.conn.execute(sql, (*roles, json.dumps(ids)))]


def mailboxes_of(store, ids: list[int]) -> list[tuple[int, str]]:
    """(doc id, mailbox) of every mailbox each document was found in."""
    sql = ("SELECT DISTINCT doc_id, mailbox FROM locations WHERE mailbox IS NOT NULL AND mailbox != '' "
           "AND doc_id IN (SELECT value FROM json_each(?))")
    return [tuple(r) for r in store.conn.execute(sql, (json.dumps([int(i) for i in ids]),))]


def recipient_counts(store, ids) -> dict[int, int]:
    """id -> how many recipients (to, cc, bcc) the message's headers name; absent: none."""
    rows = store.conn.execute(
        "SELECT doc_id, count(*) FROM participants WHERE role IN ('to', 'cc', 'bcc') AND doc_id IN "
        "(SELECT value FROM json_each(?)) GROUP BY doc_id", (json.dumps([int(i) for i in ids]),))
    return {r[0]: r[1] for r in rows}


def recipient_names(store, ids) -> list[str]:
    """Names (else addresses) of the people the messages were sent to or copied to, most often
    addressed first, then in the order the headers name them (To before Cc)."""
    rows = store.conn.execute(
        "SELECT coalesce(nullif(name, ''), address) AS who, count(*) AS n, min(rowid) AS first "
        "FROM participants WHERE role IN ('to', 'cc') AND doc_id IN (SELECT value FROM json_each(?)) "
        "GROUP BY who ORDER BY n DESC, first", (json.dumps([int(i) for i in ids]),))
    return [r[0] for r in rows if r[0]]
