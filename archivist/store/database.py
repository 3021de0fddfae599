"""An open archivist database: one SQLite file in WAL mode, schema applied through migrations.

SQLite is the source of truth; the FAISS index and any other cache is rebuilt from it. Opening
never changes a file that is not an archivist database, nor one from a newer archivist; a
read-only open (`readonly=True`) works on archives the user cannot write. Writers take the
database's single-writer lock (`Store.writing()`), migrations included.
"""
from __future__ import annotations

import errno
import os
import re
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import quote

from archivist.errors import StoreError
from archivist.store import bulk
from archivist.store.lock import WriteLock
from archivist.store.schema import migrations

DEFAULT_LOCK_WAIT = 600.0  # seconds a writer waits for the current one
# SQLite's page cache for a writer (default 2 MB): a first ingest of 150k emails to BM25 took
# 292 s instead of 332 s with 256 MB (FTS5 segment merges and the unique indexes' random inserts
# read fewer pages again), +268 MB peak; the cache grows only as pages are read.
WRITE_CACHE_MB = 256
# A new database's page size (SQLite's default 4096): emails and chunks of a few kB fill 8 kB
# pages with less left over (the 15k-email store 5% smaller; the 1M store 3.09x -> 2.97x the raw mail).
PAGE_SIZE = 8192


def migration_number(name: str) -> int:
    match = re.match(r"m(\d+)_", name)
    return int(match.group(1)) if match else 0


SCHEMA_VERSION = max(migration_number(name) for name in migrations.names)
KNOWN = set(migrations.names)


def _connect(path: Path, readonly: bool) -> sqlite3.Connection:
    if not readonly:
        return sqlite3.connect(str(path), timeout=30, check_same_thread=False)
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=30, check_same_thread=False)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError:
        # a WAL database in a directory we cannot write (no -shm can be made): read it as
        # immutable, which is what a read-only archive is
        return sqlite3.connect(uri + "&immutable=1", uri=True, timeout=30, check_same_thread=False)


def schema_state(conn: sqlite3.Connection) -> tuple[bool, list[str], int]:
    """(has any table, archivist migrations applied, user_version) read without writing."""
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    applied: list[str] = []
    if "_sqlite_migrations" in tables:
        applied = [r[0] for r in conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", (migrations.name,))]
    return bool(tables), applied, conn.execute("PRAGMA user_version").fetchone()[0]


def check_schema(path: Path, conn: sqlite3.Connection) -> list[str]:
    """Refuse a foreign or newer database (unchanged); the archivist migrations it has applied."""
    has_tables, applied, version = schema_state(conn)
    if has_tables and not applied:
        raise StoreError(f"{path} is not an archivist database (it has other tables); "
                         "refusing to change it: use another file with -d/--db")
    newer = sorted(set(applied) - KNOWN)
    if version > SCHEMA_VERSION or newer:
        raise StoreError(f"{path} was written by a newer archivist (schema {max(version, 0)}"
                         f"{', migrations ' + ', '.join(newer) if newer else ''}; this archivist "
                         f"knows up to {SCHEMA_VERSION}): upgrade archivist to read it")
    return applied


class Store:
    """An open archivist database: `store.conn` the sqlite3 connection, `store.db` the
    sqlite-utils Database over it (made when first used: readers never need it)."""

    def __init__(self, path: str | Path, create: bool = True, readonly: bool = False,
                 lock_wait: float = DEFAULT_LOCK_WAIT,
                 on_wait: Callable[[str], None] | None = None):
        # on_wait: told what a writer waits for (another writer's lock, an older archive's upgrade)
        self.path, self.readonly = Path(path), readonly
        self.lock = WriteLock(self.path)
        self.lock_wait, self.on_wait = lock_wait, on_wait
        if (readonly or not create) and not self.path.exists():
            raise StoreError(f"no archivist database at {self.path} (run `archivist ingest` first)")
        if not readonly:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._open()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a usable archivist database ({exc})") from exc

    def _open(self) -> None:
        conn = _connect(self.path, self.readonly)
        try:
            applied = self._checked_schema(conn)
        except BaseException:
            conn.close()
            raise
        self._conn, self._db = conn, None
        if self.readonly:
            conn.execute("PRAGMA query_only = 1")  # belt and braces, and visible to callers
            if len(applied) < len(KNOWN):
                conn.close()
                self._upgrade()
                self._open()
            return
        # as sqlite-utils sets up a connection (made only to migrate: importing it costs 75 ms):
        # recursive triggers on, so that a REPLACE's delete reaches the counts kept on write
        conn.execute("PRAGMA recursive_triggers=on")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute(f"PRAGMA cache_size = -{WRITE_CACHE_MB * 1024}")  # pages, as needed
        conn.execute("PRAGMA foreign_keys=ON")
        if len(applied) < len(KNOWN) or conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            with self.writing():
                self._migrate()
        bulk.restore_if_unlocked(self)  # indexes an ingest killed mid-way left dropped

    def _migrate(self) -> None:
        applied = check_schema(self.path, self.conn)  # again, now that we hold the lock
        pending = [name for name in migrations.names if name not in applied]
        if applied and pending and self.on_wait:  # an archive made by an older archivist
            self.on_wait(f"upgrading {self.path} ({', '.join(pending)}); on a large archive this can "
                         "take minutes (the full-text index may be made again)")
        if self.conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            if not self.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                self.conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")  # only before the first write
            self.db.enable_wal()
        migrations.apply(self.db)
        self.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _upgrade(self) -> None:
        """An older archive opened read-only: bring its schema up to date first when we may."""
        if not os.access(self.path, os.W_OK):
            raise StoreError(f"{self.path} has an older archivist schema and is read-only: open it "
                             "once writable (e.g. `archivist verify`) to upgrade it")
        Store(self.path, create=False, lock_wait=self.lock_wait, on_wait=self.on_wait).close()

    def _checked_schema(self, conn: sqlite3.Connection) -> list[str]:
        """The applied migrations; a writer that finds a half-made database judges it again under
        the writer lock, since another writer may be creating it right now."""
        try:
            return check_schema(self.path, conn)
        except StoreError:
            if self.readonly:
                raise
            with self.writing():
                return check_schema(self.path, conn)

    @contextmanager
    def writing(self) -> Iterator["Store"]:
        """Hold the single-writer lock (re-entrant); a second writer waits, then is refused."""
        if self.readonly:
            raise StoreError(f"{self.path} is open read-only")
        self.lock.acquire(self.lock_wait, self.on_wait)
        try:
            yield self
        except sqlite3.OperationalError as exc:
            if "full" not in str(exc) and "disk I/O" not in str(exc):
                raise
            self._rollback()
            raise StoreError(f"{self.path}: {exc}; the last batch was not written and the store is "
                             "consistent: free disk space and run the command again to resume") from exc
        except OSError as exc:
            if exc.errno != errno.ENOSPC:
                raise
            self._rollback()
            raise StoreError(f"{self.path}: no space left on the device ({exc.filename or 'a file'}): "
                             "free disk space and run the command again to resume") from exc
        finally:
            self.lock.release()

    def _rollback(self) -> None:
        try:
            self.conn.rollback()
        except sqlite3.Error:
            pass

    @property
    def conn(self) -> sqlite3.Connection:
        return self._conn

    @property
    def db(self):
        if self._db is None:
            import sqlite_utils
            self._db = sqlite_utils.Database(self._conn)
        return self._db

    def query(self, sql: str, params: Any = ()) -> list[dict]:
        cursor = self._conn.execute(sql, params)
        keys = [d[0] for d in cursor.description or ()]
        return [dict(zip(keys, row)) for row in cursor]

    def scalar(self, sql: str, params: Any = ()) -> Any:
        row = self.conn.execute(sql, params).fetchone()
        return row[0] if row else None

    def stats(self) -> dict[str, Any]:
        """Counts of every kind of record, for `archivist stats`."""
        from archivist.store.counts import by_kind, kept
        count = lambda table: self.scalar(f"SELECT count(*) FROM {table}")  # noqa: E731
        counts = kept(self.conn)  # kept on write: grouping a million documents by kind took 0.8 s
        return {
            "db": str(self.path),
            "sources": count("sources"),
            "documents": counts["documents"],
            "documents_by_kind": by_kind(counts),
            "locations": count("locations"),
            "threads": counts["threads"],
            **self.attachment_stats(counts),
            "rejects": count("rejects"),
            "chunks": count("chunks"),
            "vectors": count("vectors"),
            "runs": count("runs"),
            "history": count("history"),  # versions of documents edited or deleted at the source
            "first_date": self.scalar("SELECT min(date) FROM documents WHERE date_ok = 1"),
            "last_date": self.scalar("SELECT max(date) FROM documents WHERE date_ok = 1"),
        }

    def attachment_stats(self, counts: dict[str, int]) -> dict[str, int]:
        """Attachments of messages (read or not), messages with one, attachments stored as documents
        (each distinct content once), links between messages and them, and attachments that were
        removed from the archive but are still named in the text, from the counts kept on write
        (store/counts.py)."""
        return {"attachments": counts["attachments"],
                "messages_with_attachments": counts["messages_with_attachments"],
                # stripped from the archive but named in the text ('<< File: memo.doc >>')
                "attachments_named_in_text": counts["attachments_named_in_text"],
                "messages_naming_attachments": counts["messages_naming_attachments"],
                "attachment_documents": counts.get("kind:attachment", 0),
                "attachment_links": self.scalar("SELECT count(*) FROM attachment_links")}

    def close(self) -> None:
        self.lock.release()
        self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
