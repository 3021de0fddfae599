"""Bulk loading: a first ingest fills its tables without their secondary indexes, then makes
each index once; a first index does the same for the chunks table.

Kept up row by row, the indexes on documents, participants and locations (sender, date, subject,
address, ...: random keys) were a third of the reading stage of a first ingest (whole Enron:
13 s -> 8.4 s without them; making them afterwards takes ~0.5 s). Only indexes that nothing in
the load reads are dropped: the UNIQUE ones (content hash, locations, chunk keys) stay. Their
definitions are saved in index_meta in the transaction that drops them, so a load killed in
between leaves them recorded, and the next writer to open the store makes them
(restore_if_unlocked); until then a reader's queries are slower, never wrong.
"""
from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager
from typing import Iterator

KEY = "bulk_dropped_indexes"
TABLES = ("documents", "participants", "locations")


def dropped(conn: sqlite3.Connection) -> dict[str, str]:
    """name -> CREATE statement of the indexes dropped for a bulk load and not made again yet."""
    row = conn.execute("SELECT value FROM index_meta WHERE key = ?", (KEY,)).fetchone()
    return json.loads(row[0]) if row else {}


def drop_indexes(conn: sqlite3.Connection, tables: tuple[str, ...] = TABLES) -> list[str]:
    """Drop the non-unique indexes of `tables`, recording them first; returns their names."""
    marks = ",".join("?" * len(tables))
    rows = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND "
        f"tbl_name IN ({marks}) AND upper(sql) NOT LIKE 'CREATE UNIQUE%'", tables).fetchall()
    if not rows:
        return []
    with conn:
        conn.execute("INSERT OR REPLACE INTO index_meta (key, value) VALUES (?, ?)",
                     (KEY, json.dumps({**dropped(conn), **dict(rows)})))
        for name, _ in rows:
            conn.execute(f'DROP INDEX "{name}"')
    return [name for name, _ in rows]


def restore_indexes(conn: sqlite3.Connection) -> list[str]:
    """Make every index a bulk load dropped (call holding the writer lock); returns their names."""
    saved = dropped(conn)
    if not saved:
        return []
    with conn:
        for sql in saved.values():
            conn.execute(sql.replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS", 1))
        conn.execute("DELETE FROM index_meta WHERE key = ?", (KEY,))
    return list(saved)


def restore_or_leave(conn: sqlite3.Connection) -> None:
    """restore_indexes at the end of a bulk load, also one that failed: an index that cannot be
    made now (disk full) stays recorded, and the next writer to open the store makes it."""
    try:
        restore_indexes(conn)
    except sqlite3.Error:
        conn.rollback()


@contextmanager
def first_load(conn: sqlite3.Connection, tables: tuple[str, ...] = TABLES,
               when: bool = True) -> Iterator[bool]:
    """Run the block with `tables`' secondary indexes dropped when `when` and the first of them
    is empty (a first load), making them again after it, also after an error; yields whether
    they were dropped."""
    bulk = when and conn.execute(f'SELECT 1 FROM "{tables[0]}" LIMIT 1').fetchone() is None
    if bulk:
        drop_indexes(conn, tables)
    try:
        yield bulk
    finally:
        if bulk:
            restore_or_leave(conn)


def restore_if_unlocked(store) -> list[str]:
    """At a writer's open: make the indexes a killed bulk load left dropped, unless a writer
    holds the store now (that ingest makes them itself when it finishes)."""
    if not dropped(store.conn):
        return []
    from archivist.errors import StoreError
    try:
        store.lock.acquire(0)
    except StoreError:
        return []
    try:
        return restore_indexes(store.conn)
    finally:
        store.lock.release()
