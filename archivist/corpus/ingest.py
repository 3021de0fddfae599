"""Ingest: stream documents from the readers into the store, deduplicated, resumable and idempotent.

Each source file (or maildir root) is a `sources` row: 'partial' while being read, 'done' with its
size and mtime once finished, so an unchanged done source is skipped and a killed ingest re-reads
only what was not finished. Writes go in transactions of BATCH messages.

Progress (scanning, reading in bytes of sources, threading) and warnings for rejects go to an
`on_progress` callback as archivist.progress events; nothing here prints or draws.
"""
from __future__ import annotations

import json
import os
import sqlite3
import stat
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable

from archivist.corpus import limits
from archivist.corpus.dedup import HashIndex, content_hash, full_text
from archivist.corpus.headers import normalise_subject
from archivist.corpus.document import Document, Reject
from archivist.corpus.sniff import GZIP_MAGIC
from archivist.crash import crash_point
from archivist.errors import InputError
from archivist.progress import Event, OnProgress, Reporter, Stage, Unit

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


def fingerprint(path: Path) -> tuple[int, float]:
    """(size, mtime) of a file, or (total size, newest mtime) of every file under a directory
    (entries that cannot be stat'ed are left out: reading them makes the reject)."""
    if not path.is_dir():
        st = path.stat()
        return st.st_size, st.st_mtime
    size, mtime = 0, path.stat().st_mtime
    for root, _dirs, files in os.walk(path):
        for name in files:
            try:
                st = os.stat(os.path.join(root, name))
            except OSError:
                continue
            size, mtime = size + st.st_size, max(mtime, st.st_mtime)
    return size, mtime


def entry_problem(path: Path) -> str:
    """Why a directory entry cannot be a source ('' when it can)."""
    try:
        st = path.stat()  # follows symlinks: a dangling one or a loop raises here
    except OSError as exc:
        if path.is_symlink():
            return f"broken symbolic link ({exc.strerror or exc})"
        return f"cannot be read ({exc.strerror or exc})"
    if stat.S_ISDIR(st.st_mode):
        return "" if os.access(path, os.R_OK | os.X_OK) else "unreadable directory (permission denied)"
    if not stat.S_ISREG(st.st_mode):
        return "not a regular file (a pipe, socket or device)"
    return "" if os.access(path, os.R_OK) else "unreadable file (permission denied)"


def source_units(path: Path, rejects: list[Reject] | None = None, top: bool = True) -> list[Path]:
    """The sources under a path: a file, a maildir root, or the units inside a plain directory.

    A path given on the command line that does not exist is an InputError; a bad entry inside a
    directory (broken link, loop, pipe, unreadable) is added to `rejects` and the rest is read."""
    from archivist.corpus.readers import detect_kind
    from archivist.corpus.maildir import is_noise
    rejects = [] if rejects is None else rejects
    if top and not path.exists() and not path.is_symlink():
        raise InputError("no such file or directory", str(path))
    problem = entry_problem(path)
    if problem:
        if top and not path.is_symlink() and not path.is_dir():
            raise InputError(problem, str(path))
        rejects.append(Reject(str(path), "", problem))
        return []
    if not path.is_dir() or detect_kind(path) == "maildir":
        return [path]
    units: list[Path] = []
    try:
        children = sorted(path.iterdir())
    except OSError as exc:
        rejects.append(Reject(str(path), "", f"unreadable directory ({exc.strerror or exc})"))
        return []
    for child in children:
        if not is_noise(child):
            units.extend(source_units(child, rejects, top=False))
    return units


class Writer:
    """Writes one source's documents, locations and rejects; commits every BATCH messages."""

    def __init__(self, store, hashes: HashIndex, summary: IngestSummary, warn: Warn):
        self.conn, self.hashes, self.summary, self.warn = store.conn, hashes, summary, warn
        self.pending = 0

    def open_source(self, unit: Path, kind: str, size: int, mtime: float) -> int:
        self.conn.execute(
            "INSERT INTO sources (path, kind, size, mtime, status, added_at) "
            "VALUES (?, ?, ?, ?, 'partial', ?) ON CONFLICT(path) DO UPDATE SET "
            "kind = excluded.kind, size = excluded.size, mtime = excluded.mtime, status = 'partial'",
            (str(unit), kind, size, mtime, now()))
        self.conn.commit()
        crash_point("source_opened")
        return self.conn.execute("SELECT id FROM sources WHERE path = ?", (str(unit),)).fetchone()[0]

    def close_source(self, source_id: int, n_read: int) -> None:
        self.conn.execute("UPDATE sources SET status = 'done', n_read = ?, done_at = ? WHERE id = ?",
                          (n_read, now(), source_id))
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


def is_done(store, unit: Path, size: int, mtime: float) -> bool:
    row = store.conn.execute("SELECT status, size, mtime FROM sources WHERE path = ?",
                             (str(unit),)).fetchone()
    return bool(row) and row[0] == "done" and row[1] == size and abs((row[2] or 0) - mtime) < 1e-3


def pending_sources(store, paths: Iterable[Path], reporter: Reporter,
                    rejects: list[Reject] | None = None) -> tuple[list, int]:
    """The (unit, size, mtime) of every source not already ingested unchanged; and how many were.
    Bad directory entries are appended to `rejects`."""
    own = os.path.abspath(store.path)  # never ingest the database itself (or its -wal/-shm/.lock)
    units = [u for p in paths for u in source_units(Path(os.path.abspath(p)), rejects)
             if not str(u).startswith(own)]
    reporter.send(Event(Stage.SCANNING, 0, len(units), Unit.FILES))
    todo = []
    for i, unit in enumerate(units, 1):
        size, mtime = fingerprint(unit)  # walks a whole maildir: seconds on a big one
        if not is_done(store, unit, size, mtime):
            todo.append((unit, size, mtime))
        if reporter.due() or i == len(units):
            reporter.send(Event(Stage.SCANNING, i, len(units), Unit.FILES,
                                f"{i - len(todo):,} already ingested"))
    return todo, len(units) - len(todo)


def is_gzip(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(2) == GZIP_MAGIC
    except OSError:
        return False


class SourcePosition:
    """Bytes read so far inside one source, estimated per item, so that one big source moves too.

    An mbox gives each message's offset; a directory counts each file's size at its first item.
    Other sources (csv, pdf, a gzip whose offsets count uncompressed bytes) only count when done."""

    def __init__(self, unit: Path, size: int):
        self.size, self.done, self.last_path = size, 0, ""
        self.is_dir = unit.is_dir()
        self.by_offset = not self.is_dir and not is_gzip(unit)

    def see(self, item: Document | Reject) -> None:
        if isinstance(item, Document) and self.by_offset:
            self.done = max(self.done, int(item.meta.get("mbox_offset", 0)))
        elif self.is_dir:
            path = item.location.path if isinstance(item, Document) else item.path
            if path and path != self.last_path:
                self.last_path = path
                try:
                    self.done += os.path.getsize(path)
                except OSError:  # vanished or unreadable: already a reject
                    pass

    def bytes(self) -> int:
        return min(self.done, self.size)


class IngestMeter:
    """Reports the reading stage: bytes of sources done (for an ETA), files, messages and rate."""

    def __init__(self, reporter: Reporter, todo: list, summary: IngestSummary):
        self.reporter, self.summary, self.n_files = reporter, summary, len(todo)
        self.total, self.base = sum(size for _, size, _ in todo), 0
        self.position: SourcePosition | None = None
        self.start = time.perf_counter()

    def open(self, unit: Path, size: int) -> None:
        # estimating costs a stat per file of a directory: only when someone is listening
        self.position = SourcePosition(unit, size) if self.reporter.listening else None

    def item(self, item: Document | Reject) -> None:
        if self.position:
            self.position.see(item)
        if self.reporter.due():
            self.send()

    def close(self, size: int) -> None:
        self.base, self.position = self.base + size, None
        self.send()

    def send(self) -> None:
        if not self.reporter.listening:
            return
        s, elapsed = self.summary, max(time.perf_counter() - self.start, 1e-6)
        inner = self.position.bytes() if self.position else 0
        self.reporter.send(Event(Stage.READING, self.base + inner, self.total, Unit.BYTES,
                                 f"{s.files}/{self.n_files} files, {s.read:,} msgs ({s.new:,} new), "
                                 f"{s.read / elapsed:,.0f} msg/s"))


def ingest_unit(writer: Writer, unit: Path, size: int, mtime: float,
                text_field: str | None, on_item: Callable[[Document | Reject], None]) -> None:
    """Read one source to the end and mark it done; a crash leaves it 'partial' for the next run."""
    from archivist.corpus.readers import detect_kind, read_path
    kind = detect_kind(unit)
    source_id = writer.open_source(unit, kind, size, mtime)
    n_read = 0
    for item in read_path(unit, text_field=text_field):
        if isinstance(item, Reject):
            writer.reject(source_id, item)
        else:
            writer.add(source_id, unit, item)
            n_read += 1
        on_item(item)
    writer.close_source(source_id, n_read)
    by_kind = writer.summary.read_by_kind
    by_kind[kind] = by_kind.get(kind, 0) + n_read


def update_threads(store, read_any: bool, reporter: Reporter) -> int:
    """Rebuild threads when sources were read or emails lack one; returns the number of threads."""
    from archivist.corpus.threads import rebuild_threads
    # emails without a thread: new ones, or a run stopped before its rebuild finished
    unthreaded = store.scalar("SELECT 1 FROM documents WHERE kind = 'email' AND thread_id IS NULL")
    if not (read_any or unthreaded):
        return store.scalar("SELECT count(*) FROM threads")
    reporter.send(Event(Stage.THREADING, message="rebuilding threads over the whole store"))
    n = rebuild_threads(store)
    reporter.send(Event(Stage.THREADING, n, n, Unit.THREADS, f"{n:,} threads"))
    return n


def ingest_paths(store, paths: Iterable[Path], *, text_field: str | None = None,
                 on_progress: OnProgress | None = None) -> IngestSummary:
    """Ingest every source under `paths`, then rebuild threads over the whole store.

    Reports the scanning, reading (bytes of sources) and threading stages to `on_progress`;
    rejected files and messages arrive there as warnings."""
    with store.writing():
        return _ingest_paths(store, paths, text_field, on_progress)


def _ingest_paths(store, paths: Iterable[Path], text_field: str | None,
                  on_progress: OnProgress | None) -> IngestSummary:
    start = time.perf_counter()
    summary, reporter = IngestSummary(), Reporter(on_progress)
    bad_entries: list[Reject] = []
    todo, summary.skipped = pending_sources(store, paths, reporter, bad_entries)
    meter = IngestMeter(reporter, todo, summary)
    writer = Writer(store, HashIndex(store.conn), summary,
                    lambda message: reporter.warn(Stage.READING, message))
    for item in bad_entries:
        writer.reject(None, item)
    store.conn.commit()
    if todo:
        meter.send()
    try:
        for unit, size, mtime in todo:
            meter.open(unit, size)
            ingest_unit(writer, unit, size, mtime, text_field, meter.item)
            summary.files += 1
            meter.close(size)
    except BaseException:
        store.conn.rollback()
        raise
    summary.threads = update_threads(store, bool(todo), reporter)
    crash_point("threads_rebuilt")
    summary.documents = store.scalar("SELECT count(*) FROM documents")
    summary.seconds = round(time.perf_counter() - start, 3)
    summary.msgs_per_s = round(summary.read / summary.seconds, 1) if summary.seconds else 0.0
    return summary


def ingest_documents(store, items: Iterable[Document | Reject], source: str = "<memory>",
                     on_progress: OnProgress | None = None) -> IngestSummary:
    """Store documents built in memory (tests, the demo) as one source, then rebuild threads.

    Rejects arrive at `on_progress` as warnings."""
    with store.writing():
        return _ingest_documents(store, items, source, on_progress)


def _ingest_documents(store, items: Iterable[Document | Reject], source: str,
                      on_progress: OnProgress | None) -> IngestSummary:
    from archivist.corpus.threads import rebuild_threads
    summary, reporter = IngestSummary(), Reporter(on_progress)
    writer = Writer(store, HashIndex(store.conn), summary,
                    lambda message: reporter.warn(Stage.READING, message))
    unit = Path(source)
    source_id = writer.open_source(unit, "memory", 0, 0.0)
    for item in items:
        if isinstance(item, Reject):
            writer.reject(source_id, item)
        else:
            writer.add(source_id, unit, item)
    writer.close_source(source_id, summary.read)
    summary.files, summary.threads = 1, rebuild_threads(store)
    summary.documents = store.scalar("SELECT count(*) FROM documents")
    return summary
