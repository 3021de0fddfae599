"""Metadata filters as SQL over the documents table, shared by BM25, dense search and scoping."""
from __future__ import annotations

import json
import re

from archivist.errors import QueryError
from archivist.records import Filters

FIELD_NAME = re.compile(r"^[A-Za-z0-9_ .-]{1,64}$")


def _like(value: str) -> str:
    return "%" + value.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def person_terms(value: str) -> list[str]:
    """What must all match for a person: an address as given, or a name's words in any order,
    so "Vince Kaminski" finds "Kaminski, Vince J" and vince.kaminski@enron.com."""
    words = [w for w in re.findall(r"[\w'-]+", value) if len(w) > 1] if "@" not in value else []
    return words or [value.strip()]


def person_sql(address_col: str, name_col: str, value: str) -> tuple[str, list]:
    """Match a person by address or name (see person_terms)."""
    terms = person_terms(value)
    clause = f"({address_col} LIKE ? ESCAPE '\\' OR {name_col} LIKE ? ESCAPE '\\')"
    return " AND ".join([clause] * len(terms)), [p for t in terms for p in (_like(t),) * 2]


def filter_sql(filters: Filters | None, alias: str = "d") -> tuple[str, list]:
    """A WHERE fragment (and its parameters) selecting the documents that pass `filters`."""
    if filters is None or filters.is_empty():
        return "1=1", []
    a, parts, params = alias, [], []
    if filters.sender:
        clause, values = person_sql(f"{a}.sender", f"{a}.sender_name", filters.sender)
        parts.append(f"({clause})")
        params += values
    if filters.recipient:
        clause, values = person_sql("p.address", "p.name", filters.recipient)
        parts.append(f"EXISTS (SELECT 1 FROM participants p WHERE p.doc_id = {a}.id AND "
                     f"p.role IN ('to', 'cc', 'bcc') AND {clause})")
        params += values
    if filters.after:
        parts.append(f"{a}.date >= ?")
        params.append(filters.after)
    if filters.before:
        parts.append(f"{a}.date < ?")
        params.append(filters.before)
    if filters.mailbox:
        parts.append(f"EXISTS (SELECT 1 FROM locations l WHERE l.doc_id = {a}.id AND "
                     "l.mailbox = ? COLLATE NOCASE)")
        params.append(filters.mailbox)
    if filters.thread_id is not None:
        parts.append(f"{a}.thread_id = ?")
        params.append(filters.thread_id)
    if filters.doc_ids is not None:
        parts.append(f"{a}.id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps([int(i) for i in filters.doc_ids]))
    if filters.kind:
        parts.append(f"{a}.kind = ?")
        params.append(filters.kind)
    for key, value in (filters.fields or {}).items():
        if not FIELD_NAME.match(key):
            raise QueryError(f"bad record field name {key!r}")
        parts.append(f"CAST(json_extract({a}.meta, ?) AS TEXT) = ?")
        params += [f'$."{key}"', str(value)]
    return " AND ".join(parts) or "1=1", params


def scope_doc_ids(store, filters: Filters | None) -> list[int]:
    """Every matching document id, threads in order of their first message, then thread position."""
    where, params = filter_sql(filters, "d")
    sql = (f"SELECT d.id FROM documents d LEFT JOIN threads t ON t.id = d.thread_id WHERE {where} "
           "ORDER BY COALESCE(t.first_date, d.date), d.thread_id, d.thread_pos, d.date, d.id")
    return [r[0] for r in store.conn.execute(sql, params)]


def allowed_chunk_ids(store, filters: Filters | None) -> list[int]:
    """Chunk ids of the documents that pass `filters` (thread units only with a thread filter)."""
    where, params = filter_sql(filters, "d")
    unit = "" if filters is not None and filters.thread_id is not None else " AND c.unit = 'doc'"
    sql = f"SELECT c.id FROM chunks c JOIN documents d ON d.id = c.doc_id WHERE {where}{unit}"
    return [r[0] for r in store.conn.execute(sql, params)]
