"""An open archivist database: one SQLite file in WAL mode, schema applied through migrations.

SQLite is the source of truth; the FAISS index and any other cache is rebuilt from it.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import sqlite_utils

from archivist.errors import StoreError
from archivist.store.schema import migrations


class Store:
    """An open archivist database: `store.db` is the sqlite-utils Database."""

    def __init__(self, path: str | Path, create: bool = True):
        self.path = Path(path)
        if not create and not self.path.exists():
            raise StoreError(f"no archivist database at {self.path} (run `archivist ingest` first)")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = sqlite3.connect(str(self.path), timeout=30, check_same_thread=False)
            self.db = sqlite_utils.Database(conn)
            self.db.enable_wal()
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            migrations.apply(self.db)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a usable archivist database ({exc})") from exc

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.conn

    def query(self, sql: str, params: Any = ()) -> list[dict]:
        return [dict(r) for r in self.db.query(sql, params)]

    def scalar(self, sql: str, params: Any = ()) -> Any:
        row = self.conn.execute(sql, params).fetchone()
        return row[0] if row else None

    def stats(self) -> dict[str, Any]:
        """Counts of every kind of record, for `archivist stats`."""
        count = lambda table: self.scalar(f"SELECT count(*) FROM {table}")  # noqa: E731
        by_kind = {r["kind"]: r["n"] for r in self.query(
            "SELECT kind, count(*) AS n FROM documents GROUP BY kind ORDER BY kind")}
        return {
            "db": str(self.path),
            "sources": count("sources"),
            "documents": count("documents"),
            "documents_by_kind": by_kind,
            "locations": count("locations"),
            "threads": count("threads"),
            **self.attachment_stats(),
            "rejects": count("rejects"),
            "chunks": count("chunks"),
            "vectors": count("vectors"),
            "runs": count("runs"),
            "first_date": self.scalar("SELECT min(date) FROM documents WHERE date_ok = 1"),
            "last_date": self.scalar("SELECT max(date) FROM documents WHERE date_ok = 1"),
        }

    def attachment_stats(self) -> dict[str, int]:
        """Attachments of messages (read or not), messages with one, attachments stored as documents
        (each distinct content once), links between messages and them, and attachments that were
        removed from the archive but are still named in the text."""
        row = self.conn.execute(
            "SELECT coalesce(sum(json_array_length(attachments)), 0), count(*) FROM documents "
            "WHERE attachments IS NOT NULL AND json_array_length(attachments) > 0").fetchone()
        named = self.conn.execute(
            "SELECT count(*), coalesce(sum(json_array_length(meta, '$.attachments_named')), 0) "
            "FROM documents WHERE meta LIKE '%attachments_named%'").fetchone()
        return {"attachments": int(row[0]), "messages_with_attachments": int(row[1]),
                # stripped from the archive but named in the text ('<< File: memo.doc >>')
                "attachments_named_in_text": int(named[1]), "messages_naming_attachments": int(named[0]),
                "attachment_documents": self.scalar(
                    "SELECT count(*) FROM documents WHERE kind = 'attachment'"),
                "attachment_links": self.scalar("SELECT count(*) FROM attachment_links")}

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
