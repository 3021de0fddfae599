"""Read-only execution for the agent's metadata queries: one statement under a SQLite authorizer
that allows reading the corpus tables and a few pure functions, and denies everything else."""
from __future__ import annotations

import sqlite3
from typing import Any

from archivist.errors import QueryError

READ_TABLES = {"documents", "participants", "locations", "threads", "chunks", "sources", "chunks_fts",
               "chunks_fts_data", "chunks_fts_idx", "chunks_fts_docsize", "chunks_fts_config",
               "chunks_fts_source", "fts_docs", "sqlite_master"}
FUNCTIONS = {"count", "lower", "substr", "json_extract", "json_each", "min", "max", "sum",
             "coalesce", "like", "length", "upper", "trim", "ifnull", "match", "json_array_length"}


def _authorize(action: int, arg1: Any, arg2: Any, _db: Any, _trigger: Any) -> int:
    """Allow reading known tables and a few pure functions; deny everything else."""
    if action == sqlite3.SQLITE_SELECT:
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_READ and (arg1 in READ_TABLES or arg1 == "json_each"):
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_FUNCTION and str(arg2).lower() in FUNCTIONS:
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_PRAGMA and arg1 == "data_version":  # FTS5 asks it to check its cache
        return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


def execute_readonly(conn: sqlite3.Connection, sql: str, params: list | tuple = ()) -> list[dict]:
    """Run one statement with the authorizer installed; removed again whatever happens."""
    # json_each (doc id filters) declares its virtual table on first use in a connection, which
    # the authorizer would see as a schema write: connect it before the authorizer is on
    conn.execute("SELECT 1 FROM json_each('[]')").fetchall()
    if "chunks_fts" in sql:  # likewise the full-text table (body-word filters)
        conn.execute("SELECT 1 FROM chunks_fts LIMIT 0").fetchall()
    conn.set_authorizer(_authorize)
    try:
        cur = conn.execute(sql, params)
        names = [c[0] for c in cur.description or []]
        return [dict(zip(names, row)) for row in cur.fetchall()]
    except sqlite3.DatabaseError as exc:
        raise QueryError(f"query refused or failed: {exc}") from exc
    finally:
        conn.set_authorizer(None)
