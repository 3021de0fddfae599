"""Exact metadata queries: a MetadataQuery (select, Filters, optional subject words, group-by)
compiled through the store's one filter compiler into parameterised SQL and run read-only.
Neither the user nor the model writes SQL.

Days are read in one of three calendars: UTC, the sender's own Date header day (local), or
either; local and either widen the SQL range by a day and then keep the rows whose day matches.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum

from archivist.corpus.headers import normalise_subject
from archivist.errors import QueryError
from archivist.records import Filters
from archivist.store.filters import RECIPIENT_ROLES, address_of, filter_sql, like
from archivist.store.documents import local_day
from archivist.store.readonly import execute_readonly

LOCAL_SLACK = timedelta(days=1)  # wider than any UTC offset (14 h); bounds stay whole days


class Select(StrEnum):
    COUNT = "count"
    LIST = "list"
    GROUP_BY = "group_by"


class Calendar(StrEnum):
    UTC = "utc"
    LOCAL = "local"  # the day on the sender's own clock (the Date header)
    EITHER = "either"  # local or UTC day: lookups where the asker may mean either


# group-by key -> (SQL expression, join it needs); the only identifiers that reach the SQL text
GROUPS = {
    "sender": ("lower(d.sender)", ""),
    "recipient": ("lower(p.address)",
                  f" JOIN participants p ON p.doc_id = d.id AND p.role IN {RECIPIENT_ROLES}"),
    "mailbox": ("l.mailbox", " JOIN locations l ON l.doc_id = d.id"),
    "kind": ("d.kind", ""), "thread": ("d.thread_id", ""),
    "month": ("substr(d.date, 1, 7)", ""), "year": ("substr(d.date, 1, 4)", ""),
}
ROW_COLUMNS = "d.id, d.message_id, d.date, d.date_raw, d.title, d.sender, d.sender_name, d.kind"


@dataclass
class MetadataQuery:
    select: Select = Select.COUNT
    filters: Filters = field(default_factory=Filters)
    title_words: str | None = None  # the subject contains these words ("emails about X")
    group_by: str | None = None
    limit: int = 20
    calendar: Calendar = Calendar.UTC
    subject: str | None = None  # the subject filters.doc_ids stands for, for describe()


@dataclass
class QueryResult:
    select: Select
    count: int
    rows: list[dict]  # list: documents (id, message_id, date, title, sender...); group_by: key, n
    sql: str
    params: list


def widened(f: Filters) -> Filters:
    """filters with the date range widened so every local calendar day inside it is caught."""
    if not (f.after or f.before):
        return f
    shift = lambda v, d: (datetime.fromisoformat(v[:10]) + d).date().isoformat() if v else None  # noqa: E731
    return replace(f, after=shift(f.after, -LOCAL_SLACK), before=shift(f.before, LOCAL_SLACK))


def query_where(q: MetadataQuery) -> tuple[str, list]:
    local = q.calendar != Calendar.UTC and (q.filters.after or q.filters.before)
    where, params = _local_dates(q.filters) if local else filter_sql(q.filters)
    if q.title_words:
        where += " AND lower(d.title) LIKE ? ESCAPE '\\'"
        params = [*params, like(q.title_words.lower())]
    return where, params


def _local_dates(f: Filters) -> tuple[str, list]:
    """The filters with widened date bounds, also passing emails that have a Date header but no UTC
    date (a header year such as '0001' that the UTC date refused): their day is read from the
    header, as for every other email, and kept or dropped by it afterwards (in_days)."""
    wide = widened(f)
    where, params = filter_sql(replace(wide, after=None, before=None))
    bounds = [(op, v) for op, v in ((">=", wide.after), ("<", wide.before)) if v]
    dated = " AND ".join(f"d.date {op} ?" for op, _ in bounds)
    return f"{where} AND (({dated}) OR (d.date IS NULL AND d.date_raw IS NOT NULL))", \
        [*params, *(v for _, v in bounds)]


def compile_query(q: MetadataQuery) -> tuple[str, list]:
    """(sql, params): matching documents, or for group_by one row per document and key when
    days are refined in Python, else the groups themselves."""
    if q.select not in tuple(Select):
        raise QueryError(f"unknown select {q.select!r}; use one of {', '.join(Select)}")
    where, params = query_where(q)
    if q.select != Select.GROUP_BY:
        return f"SELECT {ROW_COLUMNS} FROM documents d WHERE {where} ORDER BY d.date, d.id", params
    if q.group_by not in GROUPS:
        raise QueryError(f"cannot group by {q.group_by!r}; use one of {', '.join(GROUPS)}")
    key, join = GROUPS[q.group_by]
    if refines(q):
        return (f"SELECT DISTINCT d.id, d.date, d.date_raw, {key} AS key FROM documents d{join} "
                f"WHERE {where}", params)
    return (f"SELECT {key} AS key, count(DISTINCT d.id) AS n FROM documents d{join} "
            f"WHERE {where} GROUP BY key ORDER BY n DESC, key LIMIT ?", params + [int(q.limit)])


def refines(q: MetadataQuery) -> bool:
    return q.calendar != Calendar.UTC and bool(q.filters.after or q.filters.before)


def in_days(row: dict, f: Filters, calendar: Calendar) -> bool:
    utc = (row.get("date") or "")[:10]
    days = [local_day(row.get("date_raw"), row.get("date"))]
    if calendar == Calendar.EITHER:
        days.append(utc)
    low, high = (f.after or "0000")[:10], (f.before or "9999")[:10]
    return any(low <= d < high for d in days if d)


def _groups(rows: list[dict], limit: int) -> list[dict]:
    counts = Counter(r["key"] for r in {(r["id"], r["key"]): r for r in rows}.values())
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], "" if kv[0] is None else str(kv[0])))
    return [{"key": k, "n": n} for k, n in ranked[:limit]]


def surely_inside(f: Filters) -> tuple[str, str]:
    """(low, high): a row whose UTC day d has low < d < high has every calendar day inside the
    interval (a sender's offset moves the day by at most one), so it needs no local-day check;
    a million-email month is 245k rows, 2 s of parsing dates without this."""
    from datetime import date, timedelta
    low, high = (f.after or "0000")[:10], (f.before or "9999")[:10]
    try:
        high = (date.fromisoformat(high) - timedelta(days=1)).isoformat()
    except ValueError:  # no upper bound
        pass
    return low, high


def run_query(conn, q: MetadataQuery) -> QueryResult:
    """Compile, execute read-only, and keep only the rows whose calendar day is in range."""
    sql, params = compile_query(q)
    rows = execute_readonly(conn, sql, params)
    if refines(q):
        low, high = surely_inside(q.filters)
        rows = [r for r in rows if low < (r.get("date") or "")[:10] < high
                or in_days(r, q.filters, q.calendar)]
    if q.select == Select.GROUP_BY:
        rows = _groups(rows, q.limit) if refines(q) else rows
    return QueryResult(q.select, len(rows), rows, sql, params)


def describe(q: MetadataQuery) -> str:
    """The conditions in words, for the answer and the log."""
    f, parts = q.filters, []
    for role, value in (("sender", f.sender), ("recipient", f.recipient)):
        if isinstance(value, list):  # one person's addresses (the typed query plan)
            parts.append(f"{role} in {', '.join(value[:4])}{' ...' if len(value) > 4 else ''}")
        elif value:
            exact = address_of(value) or (value if value.startswith("@") else None)  # or a domain
            parts.append(f"{role} = {exact!r}" if exact else f"{role} matches {value!r}")
    parts += [f"{name} = {str(getattr(f, name))!r}" for name in ("mailbox", "thread_id", "kind", "has_attachment")
              if getattr(f, name) not in (None, "")]
    parts += [f"{k} = {v!r}" for k, v in f.fields.items()]
    if f.after or f.before:
        parts.append(f"date between {f.after or '0000'} .. {f.before or '9999'} (exclusive)")
    if q.subject:
        parts.append(f"subject = {q.subject!r}")
    elif f.doc_ids is not None:
        parts.append(f"{len(f.doc_ids)} ids")
    if q.title_words:
        parts.append(f"subject contains {q.title_words!r}")
    if f.subject:
        parts.append(f"subject contains {f.subject!r}")
    day = {"local": "sender's local calendar day", "either": "local or UTC day"}.get(q.calendar, "UTC")
    return (" AND ".join(parts) or "all documents") + (f"; dates by {day}" if f.after or f.before else "")


def subject_variants(store, subject: str) -> list[list[int]]:
    """Documents a subject can mean, most exact first: the literal title, the normalised subject,
    and the normalised subject without mailing-list tags such as '[smu-betas]'."""
    norm = normalise_subject(subject)
    untagged = normalise_subject(re.sub(r"\[[^\]]*\]\s*", "", norm))
    sql = "SELECT id FROM documents WHERE {} = ? ORDER BY date, id"
    lookups = [("lower(title)", " ".join(subject.split()).lower()), ("lower(norm_subject)", norm)]
    lookups += [("lower(norm_subject)", untagged)] if untagged != norm else []
    found = [[r[0] for r in store.conn.execute(sql.format(col), (value,))] for col, value in lookups]
    where, params = filter_sql(Filters(subject=norm))  # last: subjects containing it
    return found + [[r[0] for r in store.conn.execute(
        f"SELECT d.id FROM documents d WHERE {where} ORDER BY d.date, d.id", params)]]
