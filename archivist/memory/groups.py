"""Groups of documents to summarise or read as SSM state, and the levels above them.

Leaves are email threads (a record or file without a thread is its own group) or, for record sets,
the values of one field (`field:medical_specialty`). Upper levels (mailbox, sender, month) hold the
threads that contain at least one of their documents; the corpus holds all of the level below it.
Group keys are stable across re-ingests (a thread is keyed by its first document, not its row id).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum

from archivist.errors import InputError
from archivist.records import Filters
from archivist.store.filters import filter_sql


class Level(StrEnum):
    THREAD = "thread"
    FIELD = "field"
    PART = "part"  # a slice of a group too large for one model call
    MAILBOX = "mailbox"
    SENDER = "sender"
    MONTH = "month"
    CORPUS = "corpus"


UPPER = (Level.MAILBOX, Level.SENDER, Level.MONTH)
# (document id, upper-level key) for a list of documents; the only SQL texts used here
UPPER_SQL = {
    Level.MAILBOX: "SELECT DISTINCT l.doc_id, l.mailbox FROM locations l WHERE l.doc_id IN "
                   "(SELECT value FROM json_each(?))",
    Level.SENDER: "SELECT d.id, lower(d.sender) FROM documents d WHERE d.id IN (SELECT value FROM json_each(?))",
    Level.MONTH: "SELECT d.id, substr(d.date, 1, 7) FROM documents d WHERE d.id IN "
                 "(SELECT value FROM json_each(?))",
}


@dataclass
class Group:
    level: Level
    key: str
    label: str
    doc_ids: list[int] = field(default_factory=list)  # leaves: the documents, reading order
    children: list[str] = field(default_factory=list)  # upper levels: keys of the level below


@dataclass
class Plan:
    """Every group to summarise, bottom level first."""

    by: str
    levels: list[list[Group]]

    @property
    def top(self) -> list[Group]:
        return self.levels[-1]


def parse_by(by: str) -> tuple[Level, str | None]:
    """'thread', 'mailbox', ... or 'field:NAME' -> (level, field name)."""
    if by.startswith("field:") and by[6:].strip():
        return Level.FIELD, by[6:].strip()
    try:
        level = Level(by)
    except ValueError:
        raise InputError(f"--by {by!r}: use thread, mailbox, sender, month, corpus or field:NAME") from None
    if level == Level.FIELD:
        raise InputError("--by field needs a field name: field:NAME")
    return level, None


def _rows(store, filters: Filters | None, extra: str = "") -> list[tuple]:
    where, params = filter_sql(filters, "d")
    sql = (f"SELECT d.id, d.thread_id, d.title, d.date{extra} FROM documents d WHERE {where} "
           "ORDER BY coalesce(d.thread_id, 1e18), d.thread_pos, d.date, d.id")
    return store.conn.execute(sql, params).fetchall()


def thread_groups(store, filters: Filters | None) -> list[Group]:
    """One group per thread (or per lone document), in order of first date."""
    groups: dict[str, Group] = {}
    for doc_id, thread_id, title, _date in _rows(store, filters):
        key = f"t{thread_id}" if thread_id is not None else f"d{doc_id}"
        g = groups.setdefault(key, Group(Level.THREAD, key, title or "(no subject)"))
        g.doc_ids.append(doc_id)
    out = list(groups.values())
    for g in out:  # stable key: the thread's first document
        g.key = f"doc{min(g.doc_ids)}"
    return out


def field_groups(store, filters: Filters | None, name: str) -> list[Group]:
    """One group per value of a record field (documents without it: '(none)')."""
    groups: dict[str, Group] = {}
    for doc_id, _t, _title, _d, meta in _rows(store, filters, ", d.meta"):
        try:
            value = str((json.loads(meta or "{}") or {}).get(name) or "(none)")
        except ValueError:
            value = "(none)"
        groups.setdefault(value, Group(Level.FIELD, f"{name}={value}", f"{name}: {value}")).doc_ids.append(doc_id)
    if set(groups) == {"(none)"}:
        raise InputError(f"no document in scope has the field {name!r}")
    return sorted(groups.values(), key=lambda g: g.key)


def upper_groups(store, level: Level, leaves: list[Group]) -> list[Group]:
    """Groups of the upper level, each holding the leaves that contain one of its documents."""
    owner = {d: g.key for g in leaves for d in g.doc_ids}
    groups: dict[str, Group] = {}
    for doc_id, key in _upper_rows(store, level, list(owner)):
        g = groups.setdefault(key or "(unknown)", Group(level, key or "(unknown)", key or "(unknown)"))
        if owner[doc_id] not in g.children:
            g.children.append(owner[doc_id])
    return sorted(groups.values(), key=lambda g: g.key)


def _upper_rows(store, level: Level, doc_ids: list[int]) -> list[tuple]:
    return store.conn.execute(UPPER_SQL[level], (json.dumps(doc_ids),)).fetchall()


def plan(store, by: str, filters: Filters | None = None, limit: int | None = None) -> Plan:
    """The levels to summarise for --by, bottom first; limit keeps the largest top groups."""
    level, name = parse_by(by)
    leaves = field_groups(store, filters, name) if level == Level.FIELD else thread_groups(store, filters)
    if not leaves:
        raise InputError("nothing to summarise: no document matches the filters")
    levels = [leaves]
    if level in UPPER:
        levels.append(upper_groups(store, level, leaves))
    if level == Level.CORPUS:
        levels.append([Group(Level.CORPUS, "corpus", "the whole corpus", children=[g.key for g in leaves])])
    if limit:
        levels = _limit(levels, limit)
    return Plan(by, levels)


def _limit(levels: list[list[Group]], limit: int) -> list[list[Group]]:
    """The `limit` largest top groups and only the groups below them."""
    size = lambda g: len(g.doc_ids) or len(g.children)  # noqa: E731
    top = sorted(levels[-1], key=lambda g: (-size(g), g.key))[:limit]
    if len(levels) == 1:
        return [top]
    keep = {k for g in top for k in g.children}
    return [[g for g in levels[0] if g.key in keep], top]


def mailbox_documents(store, filters: Filters | None) -> list[Group]:
    """One group per mailbox holding its own documents in date order (what a recurrent model
    streams), unlike the summary level MAILBOX, which holds threads."""
    where, params = filter_sql(filters, "d")
    rows = store.conn.execute(
        "SELECT DISTINCT l.mailbox, d.id, d.date FROM documents d JOIN locations l ON l.doc_id = d.id "
        f"WHERE {where} AND coalesce(l.mailbox, '') != '' ORDER BY l.mailbox, d.date, d.id", params)
    groups: dict[str, Group] = {}
    for mailbox, doc_id, _date in rows:
        groups.setdefault(mailbox, Group(Level.MAILBOX, mailbox, mailbox)).doc_ids.append(doc_id)
    return list(groups.values())


def consecutive_parts(items: list, costs: list[int], budget: int) -> list[list]:
    """Items in order, cut into consecutive parts whose costs each fit the budget (an item larger
    than the budget is a part of its own)."""
    parts, current, used = [], [], 0
    for item, cost in zip(items, costs):
        if current and used + cost > budget:
            parts.append(current)
            current, used = [], 0
        current.append(item)
        used += cost
    return parts + [current]
