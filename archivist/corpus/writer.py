"""Writing documents into the store: one Writer per ingest decides, inside the writing
transaction, whether a document is new (by content hash), inserts it with its participants and
location, turns attachments into documents of their own, records rejects, and commits every BATCH
documents. The IngestSummary counts what it did.
"""
from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from archivist.corpus import limits
from archivist.corpus.follow import Departures, Revision
from archivist.corpus.dedup import HashIndex, content_hash, full_text
from archivist.corpus.headers import normalise_subject
from archivist.corpus.parsed import Document, Reject
from archivist.crash import crash_point

BATCH = 500
Warn = Callable[[str], None]


@dataclass
class IngestSummary:
    files: int = 0  # sources read this run
    skipped: int = 0  # sources already done and unchanged
    read: int = 0  # documents the readers yielded
    new: int = 0  # documents added
    duplicate: int = 0  # documents already stored (another mailbox, or a resumed source)
    locations: int = 0  # new locations (a duplicate found in a new place adds one)
    rejected: int = 0
    threads: int = 0
    documents: int = 0  # documents in the store after the ingest
    seconds: float = 0.0
    msgs_per_s: float = 0.0
    read_by_kind: dict = field(default_factory=dict)  # e.g. {'mbox': 14672, 'maildir': 376}
    attachments: int = 0  # attachments read as documents (not counted in read/new)
    attachments_new: int = 0  # of which not stored before (the same bytes are stored once)
    left: int = 0  # documents edited or deleted at their source, out of the store (corpus/follow.py)
    sources_gone: int = 0  # source files gone from a directory ingested again
    kept_in_history: int = 0  # of the documents that left, those whose last version is kept

    def to_dict(self) -> dict:
        return asdict(self)


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def iso_date(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc)
    return value.replace(tzinfo=timezone.utc).isoformat(timespec="seconds")


class Writer:
    """Writes one source's documents, locations and rejects; commits every BATCH messages."""

    def __init__(self, store, hashes: HashIndex, summary: IngestSummary, warn: Warn):
        self.conn, self.hashes, self.summary, self.warn = store.conn, hashes, summary, warn
        self.pending = 0
        # documents of the open source offered for storing, its attachments' included: each
        # ends as a location or a 'could not store' reject, which is what verify checks
        self.offered = 0
        self.departures = Departures()
        self.revision: Revision | None = None  # set while a source read before is read again

    def open_source(self, unit: Path, kind: str, size: int, mtime: float) -> int:
        self.conn.execute(
            "INSERT INTO sources (path, kind, size, mtime, status, added_at) "
            "VALUES (?, ?, ?, ?, 'partial', ?) ON CONFLICT(path) DO UPDATE SET "
            "kind = excluded.kind, size = excluded.size, mtime = excluded.mtime, status = 'partial'",
            (str(unit), kind, size, mtime, now()))
        self.conn.commit()
        crash_point("source_opened")
        self.offered = 0
        source_id = self.conn.execute("SELECT id FROM sources WHERE path = ?", (str(unit),)).fetchone()[0]
        self.revision = Revision.open(self.conn, source_id, str(unit), self.departures)
        return source_id

    def close_source(self, source_id: int) -> None:
        """Mark the source done; its n_read is every document read from it, attachments included.
        A source read again drops the places it no longer yields, in the same transaction."""
        if self.revision is not None:
            self.revision.close()
            self.revision = None
        self.conn.execute("UPDATE sources SET status = 'done', n_read = ?, done_at = ? WHERE id = ?",
                          (self.offered, now(), source_id))
        self.conn.commit()
        self.pending = 0
        crash_point("source_done")

    def reject(self, source_id: int, item: Reject) -> None:
        self.summary.rejected += 1
        self.conn.execute("INSERT OR IGNORE INTO rejects (source_id, path, position, reason, added_at) "
                          "VALUES (?, ?, ?, ?, ?)", (source_id, item.path, item.position, item.reason, now()))
        self.warn(f"rejected {item.path}" + (f" @ {item.position}" if item.position else "")
                  + f": {item.reason}")
        self.tick()

    def add(self, source_id: int, unit: Path, doc: Document) -> None:
        self.summary.read += 1
        self.offered += 1
        size = len(full_text(doc)) + sum(len(a.text or "") for a in doc.attachments)
        if size > limits.MAX_DOCUMENT_CHARS:
            loc = doc.location
            self.reject(source_id, Reject(loc.path, loc.position, f"could not store: document of {size:,} characters "
                                          f"exceeds the cap of {limits.MAX_DOCUMENT_CHARS:,}"))
            return
        doc_id = self.store_document(source_id, unit, doc)
        if doc_id is not None:
            self.tick()
            if doc.attachments:
                self.add_attachments(source_id, unit, doc, doc_id, depth=0)

    def store_document(self, source_id: int, unit: Path, doc: Document, attachment: bool = False
                       ) -> int | None:
        """The id of doc, inserted unless its content hash is known; its location recorded."""
        digest = content_hash(doc)
        # decided inside the writing transaction: the cache only ever holds ids committed or
        # written by this writer, and a miss is checked against the database itself
        doc_id = self.hashes.get(digest) or self.stored_id(digest)
        if doc_id is None:
            doc_id = self.try_insert(source_id, digest, doc)
            if doc_id is None:
                return None
            self.hashes.add(digest, doc_id)
            if attachment:
                self.summary.attachments_new += 1
            else:
                self.summary.new += 1
        elif not attachment:
            self.summary.duplicate += 1
        self.insert_location(doc_id, source_id, unit, doc)
        return doc_id

    def add_attachments(self, source_id: int, unit: Path, parent: Document, parent_id: int,
                        depth: int) -> None:
        """Readable attachments become documents linked to the parent (attached emails, recursively)."""
        from archivist.corpus.attachments import MAX_DEPTH, attachment_children
        for child in attachment_children(parent):
            if isinstance(child.item, Reject):
                self.reject(source_id, child.item)
                continue
            self.summary.attachments += 1
            self.offered += 1
            child_id = self.store_document(source_id, unit, child.item, attachment=True)
            if child_id is None or child_id == parent_id:
                continue
            att = child.attachment
            self.conn.execute(
                "INSERT OR IGNORE INTO attachment_links (parent_id, ord, child_id, name, content_type, "
                "size) VALUES (?, ?, ?, ?, ?, ?)",
                (parent_id, child.ord, child_id, att.name, att.content_type, len(att.data) or att.size))
            self.conn.execute("UPDATE documents SET parent_id = ? WHERE id = ? AND parent_id IS NULL",
                              (parent_id, child_id))
            if child.item.attachments and depth + 1 < MAX_DEPTH:
                self.add_attachments(source_id, unit, child.item, child_id, depth + 1)

    def stored_id(self, digest: str) -> int | None:
        row = self.conn.execute("SELECT id FROM documents WHERE content_hash = ?",
                                (digest,)).fetchone()
        if row:
            self.hashes.add(digest, row[0])
        return row[0] if row else None

    def tick(self) -> None:
        self.pending += 1
        if self.pending >= BATCH:
            self.conn.commit()
            self.pending = 0
            crash_point("batch_committed")

    def try_insert(self, source_id: int, digest: str, doc: Document) -> int | None:
        """Insert a document whole or not at all; one that cannot be stored becomes a reject."""
        if not self.conn.in_transaction:
            self.conn.execute("BEGIN")  # so that RELEASE below does not commit
        self.conn.execute("SAVEPOINT doc")
        try:
            doc_id = self.insert_document(digest, doc)
        except (UnicodeError, ValueError, sqlite3.Error) as exc:
            if isinstance(exc, sqlite3.OperationalError) and not _document_fault(exc):
                raise  # disk full, I/O error, locked: the store's problem, not this document's
            self.conn.execute("ROLLBACK TO doc")
            self.conn.execute("RELEASE doc")
            loc = doc.location
            self.reject(source_id, Reject(loc.path, loc.position, f"could not store: {exc}"))
            return None
        self.conn.execute("RELEASE doc")
        return doc_id

    def insert_location(self, doc_id: int, source_id: int, unit: Path, doc: Document) -> None:
        loc = doc.location
        position = loc.position
        if loc.path and Path(loc.path) != unit:  # a file inside a directory source
            inner = os.path.relpath(loc.path, unit) if unit.is_dir() else loc.path
            position = f"{inner}#{position}"
        if self.revision is not None:
            self.summary.locations += self.revision.place(doc_id, position, loc.mailbox, loc.folder)
            return
        cur = self.conn.execute(
            "INSERT OR IGNORE INTO locations (doc_id, source_id, position, mailbox, folder) "
            "VALUES (?, ?, ?, ?, ?)", (doc_id, source_id, position, loc.mailbox, loc.folder))
        self.summary.locations += cur.rowcount

    def insert_document(self, digest: str, doc: Document) -> int:
        sender = doc.sender
        attachments = [a.record() for a in doc.attachments]
        cur = self.conn.execute(
            "INSERT INTO documents (content_hash, kind, title, norm_subject, message_id, sender_name, "
            "sender, date, date_raw, date_ok, body, quoted, signature, attachments, meta, n_chars, "
            "added_at, in_reply_to, refs) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (digest, doc.kind, doc.title, doc.norm_subject or normalise_subject(doc.title),
             doc.message_id or None, sender.name if sender else None,
             sender.address if sender else None, iso_date(doc.date), doc.date_raw,
             int(doc.date_ok), doc.body, doc.quoted, doc.signature,
             json.dumps(attachments, ensure_ascii=False) if attachments else None,
             json.dumps(doc.meta, ensure_ascii=False, default=str) if doc.meta else None,
             len(full_text(doc)), now(), doc.in_reply_to or None,
             " ".join(doc.references) or None))
        doc_id = cur.lastrowid
        people = [("from", sender)] if sender else []
        people += [(role, a) for role, group in (("to", doc.to), ("cc", doc.cc), ("bcc", doc.bcc))
                   for a in group]
        self.conn.executemany(
            "INSERT INTO participants (doc_id, role, name, address) VALUES (?, ?, ?, ?)",
            [(doc_id, role, a.name, a.address) for role, a in people])
        return doc_id


def _document_fault(exc: sqlite3.OperationalError) -> bool:
    text = str(exc)
    return not any(word in text for word in ("full", "disk I/O", "locked", "readonly", "no such"))
