"""Structured metadata queries: a dataclass the planner fills in, compiled to parameterised,
read-only SQL and run under a SQLite authorizer. Neither the user nor the model writes SQL.
"""
from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

from archivist.errors import QueryError

OPS = ("=", "!=", "<", ">", "<=", ">=", "between", "like", "in")
SELECTS = ("count", "list", "group_by")
# Field name -> SQL expression over documents d; the only identifiers that ever reach SQL.
COLUMNS = {
    "sender": "lower(d.sender)",
    "sender_name": "lower(d.sender_name)",
    "sender_any": "lower(d.sender || ' ' || coalesce(d.sender_name, ''))",  # address or name
    "date": "d.date",
    "subject": "lower(d.norm_subject)",
    "title": "lower(d.title)",
    "thread": "d.thread_id",
    "kind": "d.kind",
    "id": "d.id",
    "body": "lower(d.body)",
}
EXISTS = {  # fields that live in side tables, matched through EXISTS sub-queries
    "recipient": ("participants", "p", "p.doc_id = d.id AND p.role IN ('to','cc','bcc')",
                  "lower(p.address)"),
    "recipient_name": ("participants", "p", "p.doc_id = d.id AND p.role IN ('to','cc','bcc')",
                       "lower(p.name)"),
    "recipient_any": ("participants", "p", "p.doc_id = d.id AND p.role IN ('to','cc','bcc')",
                      "lower(coalesce(p.address, '') || ' ' || coalesce(p.name, ''))"),
    "mailbox": ("locations", "l", "l.doc_id = d.id", "l.mailbox"),
    "folder": ("locations", "l", "l.doc_id = d.id", "l.folder"),
}
GROUPABLE = {"sender": "lower(d.sender)", "kind": "d.kind", "thread": "d.thread_id",
             "month": "substr(d.date, 1, 7)", "year": "substr(d.date, 1, 4)",
             "recipient": "lower(p.address)", "mailbox": "l.mailbox"}
READ_TABLES = {"documents", "participants", "locations", "threads", "chunks", "sources"}
FUNCTIONS = {"count", "lower", "substr", "json_extract", "min", "max", "sum", "coalesce", "like",
             "length", "upper", "trim", "ifnull"}
_META_KEY = re.compile(r"^[A-Za-z0-9_ .-]{1,64}$")
LOCAL_SLACK = timedelta(days=1)  # wider than any UTC offset (14 h); bounds stay whole days


@dataclass
class Condition:
    field: str  # a COLUMNS/EXISTS key or 'meta.<key>'
    op: str
    value: Any  # a scalar, or (low, high) for between (low inclusive, high exclusive)


@dataclass
class StructuredQuery:
    select: str = "count"  # count | list | group_by
    where: list[Condition] = field(default_factory=list)
    group_by: str | None = None
    limit: int = 20
    calendar: str = "utc"  # how date conditions read a day: utc | local | either


@dataclass
class QueryResult:
    select: str
    count: int
    rows: list[dict]  # list: documents (id, message_id, date, title, sender...); group_by: key, n
    sql: str
    params: list


def _clause(cond: Condition, params: list) -> str:
    """SQL for one condition; values always go into params, never into the text."""
    if cond.op not in OPS:
        raise QueryError(f"unknown operator {cond.op!r}; use one of {', '.join(OPS)}")
    if cond.field.startswith("meta."):
        key = cond.field[5:]
        if not _META_KEY.match(key):
            raise QueryError(f"bad record field name {key!r}")
        params.append(f'$."{key}"')
        return _compare("json_extract(d.meta, ?)", cond, params)
    if cond.field in COLUMNS:
        return _compare(COLUMNS[cond.field], cond, params)
    if cond.field in EXISTS:
        table, alias, join, expr = EXISTS[cond.field]
        inner = _compare(expr, cond, params)
        return f"EXISTS (SELECT 1 FROM {table} {alias} WHERE {join} AND {inner})"
    raise QueryError(f"unknown field {cond.field!r}")


def _compare(expr: str, cond: Condition, params: list) -> str:
    value = cond.value
    lowered = expr.startswith("lower(")
    norm = (lambda v: v.lower() if lowered and isinstance(v, str) else v)  # noqa: E731
    if cond.op == "between":
        low, high = value
        params.extend([norm(low), norm(high)])
        return f"({expr} >= ? AND {expr} < ?)"
    if cond.op == "in":
        values = [norm(v) for v in value] or [None]
        params.extend(values)
        return f"{expr} IN ({', '.join('?' * len(values))})"
    params.append(norm(value))
    return f"{expr} {'LIKE' if cond.op == 'like' else cond.op} ?"


def _widen(cond: Condition) -> Condition:
    """A date condition widened so every local calendar day inside it is caught in UTC."""
    if cond.field != "date" or cond.op != "between":
        return cond
    low, high = (datetime.fromisoformat(v[:10]) for v in cond.value)
    return Condition("date", "between", ((low - LOCAL_SLACK).date().isoformat(),
                                         (high + LOCAL_SLACK).date().isoformat()))


def where_sql(conds: list[Condition], params: list) -> str:
    """The WHERE text (over documents d) for conditions; values appended to params."""
    return " AND ".join(_clause(c, params) for c in conds) or "1"


def compile_query(q: StructuredQuery) -> tuple[str, list]:
    """(sql, params) selecting candidate documents, or groups for group_by."""
    if q.select not in SELECTS:
        raise QueryError(f"unknown select {q.select!r}; use one of {', '.join(SELECTS)}")
    params: list = []
    cond = where_sql([_widen(c) if q.calendar != "utc" else c for c in q.where], params)
    if q.select == "group_by":
        if q.group_by not in GROUPABLE:
            raise QueryError(f"cannot group by {q.group_by!r}; use one of {', '.join(GROUPABLE)}")
        key = GROUPABLE[q.group_by]
        joins = {"recipient": " JOIN participants p ON p.doc_id = d.id AND p.role IN ('to','cc','bcc')",
                 "mailbox": " JOIN locations l ON l.doc_id = d.id"}.get(q.group_by, "")
        sql = (f"SELECT {key} AS key, count(DISTINCT d.id) AS n FROM documents d{joins} "
               f"WHERE {cond} GROUP BY key ORDER BY n DESC, key LIMIT ?")
        return sql, params + [int(q.limit)]
    sql = ("SELECT d.id, d.message_id, d.date, d.date_raw, d.title, d.sender, d.sender_name, "
           f"d.kind FROM documents d WHERE {cond} ORDER BY d.date, d.id")
    return sql, params


def _authorize(action: int, arg1: Any, arg2: Any, _db: Any, _trigger: Any) -> int:
    """Allow reading known tables and a few pure functions; deny everything else."""
    if action == sqlite3.SQLITE_SELECT:
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_READ and arg1 in READ_TABLES:
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_FUNCTION and str(arg2).lower() in FUNCTIONS:
        return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


def execute_readonly(conn: sqlite3.Connection, sql: str, params: list | tuple = ()) -> list[dict]:
    """Run one statement with the authorizer installed; removed again whatever happens."""
    conn.set_authorizer(_authorize)
    try:
        cur = conn.execute(sql, params)
        names = [c[0] for c in cur.description or []]
        return [dict(zip(names, row)) for row in cur.fetchall()]
    except sqlite3.DatabaseError as exc:
        raise QueryError(f"query refused or failed: {exc}") from exc
    finally:
        conn.set_authorizer(None)


def local_day(date_raw: str | None, date_utc: str | None) -> str:
    """The calendar day the sender's own Date header shows; the UTC day when it cannot be read."""
    if date_raw:
        try:
            return parsedate_to_datetime(date_raw).date().isoformat()
        except (TypeError, ValueError, IndexError):
            pass
    return (date_utc or "")[:10]


def _in_days(row: dict, conds: list[Condition], calendar: str) -> bool:
    days = {"local": [local_day(row.get("date_raw"), row.get("date"))],
            "either": [local_day(row.get("date_raw"), row.get("date")), (row.get("date") or "")[:10]]}
    for c in conds:
        low, high = c.value[0][:10], c.value[1][:10]
        if not any(low <= d < high for d in days[calendar] if d):
            return False
    return True


def run_query(conn: sqlite3.Connection, q: StructuredQuery) -> QueryResult:
    """Compile, execute read-only, and refine date conditions to calendar days when asked."""
    sql, params = compile_query(q)
    rows = execute_readonly(conn, sql, params)
    if q.select == "group_by":
        return QueryResult("group_by", len(rows), rows, sql, params)
    date_conds = [c for c in q.where if c.field == "date" and c.op == "between"]
    if q.calendar != "utc" and date_conds:
        rows = [r for r in rows if _in_days(r, date_conds, q.calendar)]
    return QueryResult(q.select, len(rows), rows, sql, params)


def month_range(year: int, month: int) -> tuple[str, str]:
    """[first day, first day of next month) as ISO dates; whole-day bounds compare correctly
    with any stored timestamp format ('T' or ' ' separator, with or without offset)."""
    end = datetime(year + (month == 12), month % 12 + 1, 1)
    return f"{year:04d}-{month:02d}-01", end.date().isoformat()


def day_range(day: str) -> tuple[str, str]:
    start = datetime.fromisoformat(day[:10])
    return start.date().isoformat(), (start + timedelta(days=1)).date().isoformat()
