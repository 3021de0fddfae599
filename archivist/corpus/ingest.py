"""Ingest: stream documents from the readers into the store, deduplicated, resumable and idempotent.

Each source file (or maildir root) is a `sources` row: 'partial' while being read, 'done' with its
size and mtime once finished, so an unchanged done source is skipped and a killed ingest re-reads
only what was not finished. Writes go in transactions of BATCH messages.

Progress (scanning, reading in bytes of sources, threading) and warnings for rejects go to an
`on_progress` callback as archivist.progress events; nothing here prints or draws.
"""
from __future__ import annotations

import errno
import os
import stat
import time
from pathlib import Path
from typing import Callable, Iterable

from archivist.corpus.dedup import HashIndex
from archivist.corpus.follow import Departures, forget_gone_sources, settle
from archivist.corpus.parsed import Document, Reject
from archivist.corpus.sniff import GZIP_MAGIC
from archivist.corpus.walk import Visited, walk
from archivist.corpus.writer import IngestSummary, Writer
from archivist.crash import crash_point
from archivist.errors import InputError
from archivist.progress import Event, OnProgress, Reporter, Stage, Unit
from archivist.store.bulk import first_load
from archivist.store.counts import kept_count



def fingerprint(path: Path, follow_links: bool = False) -> tuple[int, float]:
    """(size, mtime) of a file, or (total size, newest mtime) of every file under a directory, as
    its reader walks it (entries that cannot be stat'ed are left out: reading them makes the
    reject)."""
    if not path.is_dir():
        st = path.stat()
        return st.st_size, st.st_mtime
    size, mtime = 0, path.stat().st_mtime
    visited = Visited(follow_links)
    visited.enter(path, named=True)
    for root, _dirs, files in walk(path, visited, []):
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
        if exc.errno == errno.ELOOP:
            return f"symbolic link loop ({exc.strerror})"
        if path.is_symlink():
            return f"broken symbolic link ({exc.strerror or exc})"
        return f"cannot be read ({exc.strerror or exc})"
    if stat.S_ISDIR(st.st_mode):
        return "" if os.access(path, os.R_OK | os.X_OK) else "unreadable directory (permission denied)"
    if not stat.S_ISREG(st.st_mode):
        return "not a regular file (a pipe, socket or device)"
    return "" if os.access(path, os.R_OK) else "unreadable file (permission denied)"


def source_units(path: Path, rejects: list[Reject] | None = None, top: bool = True,
                 visited: Visited | None = None) -> list[Path]:
    """The sources under a path: a file, a maildir root, or the units inside a plain directory.

    A path given on the command line that does not exist is an InputError; a bad entry inside a
    directory (broken link, loop, pipe, unreadable, a link to a directory when `visited` does not
    follow links, a directory already entered) is added to `rejects` and the rest is read."""
    from archivist.corpus.readers import detect_kind
    from archivist.corpus.maildir import is_noise
    rejects = [] if rejects is None else rejects
    visited = visited or Visited()
    if top and not path.exists() and not path.is_symlink():
        raise InputError("no such file or directory", str(path))
    problem = entry_problem(path)
    if problem:
        if top and not path.is_symlink() and not path.is_dir():
            raise InputError(problem, str(path))
        rejects.append(Reject(str(path), "", problem))
        return []
    if not path.is_dir():
        return [path]
    skip = visited.enter(path, named=top)
    if skip:
        rejects.append(Reject(str(path), "", skip))
        return []
    if detect_kind(path) == "maildir":
        return [path]
    units: list[Path] = []
    try:
        children = sorted(path.iterdir())
    except OSError as exc:
        rejects.append(Reject(str(path), "", f"unreadable directory ({exc.strerror or exc})"))
        return []
    for child in children:
        if not is_noise(child):
            units.extend(source_units(child, rejects, top=False, visited=visited))
    return units


def is_done(store, unit: Path, size: int, mtime: float) -> bool:
    row = store.conn.execute("SELECT status, size, mtime FROM sources WHERE path = ?",
                             (str(unit),)).fetchone()
    return bool(row) and row[0] == "done" and row[1] == size and abs((row[2] or 0) - mtime) < 1e-3


def pending_sources(store, paths: Iterable[Path], reporter: Reporter,
                    rejects: list[Reject] | None = None, follow_links: bool = False,
                    departures: Departures | None = None) -> tuple[list, int]:
    """The (unit, size, mtime) of every source not already ingested unchanged; and how many were.
    Bad directory entries are appended to `rejects`; with `departures`, sources stored under a
    directory given that are gone from disk are forgotten (their places recorded there)."""
    # never ingest the database itself (or its -wal/-shm/.lock), by the path given or the real one
    own = (os.path.abspath(store.path), os.path.realpath(store.path))
    visited = Visited(follow_links)  # one for all paths: a directory given twice is read once
    roots = [Path(os.path.abspath(p)) for p in paths]
    units = [u for root in roots for u in source_units(root, rejects, visited=visited)
             if not str(u).startswith(own) and not os.path.realpath(u).startswith(own)]
    if departures is not None:
        forget_gone_sources(store.conn, roots, units, departures)
    reporter.send(Event(Stage.SCANNING, 0, len(units), Unit.FILES))
    todo = []
    for i, unit in enumerate(units, 1):
        size, mtime = fingerprint(unit, follow_links)  # walks a whole maildir: seconds on a big one
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
                text_field: str | None, on_item: Callable[[Document | Reject], None],
                items: Iterable[Document | Reject] | None = None, follow_links: bool = False
                ) -> None:
    """Read one source to the end and mark it done; a crash leaves it 'partial' for the next run.
    `items`: the source's items read by a reader process (else read here)."""
    from archivist.corpus.readers import detect_kind, read_path
    kind = detect_kind(unit)
    source_id = writer.open_source(unit, kind, size, mtime)
    n_read = 0
    for item in items if items is not None else read_path(unit, text_field, follow_links):
        if isinstance(item, Reject):
            writer.reject(source_id, item)
        else:
            writer.add(source_id, unit, item)
            n_read += 1
        on_item(item)
    writer.close_source(source_id)
    by_kind = writer.summary.read_by_kind
    by_kind[kind] = by_kind.get(kind, 0) + n_read


def update_threads(store, read_any: bool, reporter: Reporter, mates: list[int] = (),
                   departed: set[int] = frozenset()) -> int:
    """Thread what sources read (or documents that left) touched, or emails lacking a thread;
    returns the number of threads. Only the emails the new or departed ones reach are threaded
    again (corpus/thread_update.py), and their threads' whole-thread units marked for the indexer."""
    from archivist.corpus.thread_update import update_threads as update
    from archivist.store.derived import mark_threads_pending
    # emails without a thread: new ones, or a run stopped before its rebuild finished
    unthreaded = store.scalar("SELECT 1 FROM documents WHERE kind = 'email' AND thread_id IS NULL")
    if not (read_any or unthreaded or departed):
        return kept_count(store.conn, "threads")
    reporter.send(Event(Stage.THREADING, message="threading the new messages"))
    n, changed = update(store, set(mates), set(departed))
    with store.conn:
        mark_threads_pending(store, changed)
    reporter.send(Event(Stage.THREADING, n, n, Unit.THREADS, f"{n:,} threads"))
    return n


def ingest_paths(store, paths: Iterable[Path], *, text_field: str | None = None,
                 on_progress: OnProgress | None = None, read_process: str = "off",
                 follow_links: bool = False, keep_history: bool = True) -> IngestSummary:
    """Ingest every source under `paths`, then rebuild threads over the whole store.

    Reports the scanning, reading (bytes of sources) and threading stages to `on_progress`;
    rejected files and messages arrive there as warnings. `read_process` (auto | on | off): parse
    in a second process while this one stores (corpus/reader_process.py; the same result). Off by
    default here: a spawned process re-runs the caller's main script, which a script without an
    `if __name__ == "__main__":` guard does not survive; the CLI passes the read_process setting.
    `follow_links`: follow symbolic links to directories (each directory is still read once).
    A source read again ends up holding what it holds now; documents edited or deleted there
    leave the store, kept in history when `keep_history` (corpus/follow.py)."""
    with store.writing():
        return _ingest_paths(store, paths, text_field, on_progress, read_process, follow_links,
                             keep_history)


def read_units(writer: Writer, meter: IngestMeter, todo: list, text_field: str | None,
               read_process: str, follow_links: bool = False) -> None:
    """Every pending source, read here or by a reader process, stored in order."""
    from archivist.corpus import reader_process
    reader = None
    if reader_process.wanted(read_process, sum(size for _, size, _ in todo)) and todo:
        reader = reader_process.ReaderProcess([unit for unit, _, _ in todo], text_field,
                                              follow_links)
    try:
        for index, (unit, size, mtime) in enumerate(todo):
            meter.open(unit, size)
            ingest_unit(writer, unit, size, mtime, text_field, meter.item,
                        reader.items(index) if reader else None, follow_links)
            writer.summary.files += 1
            meter.close(size)
    finally:
        if reader:
            reader.close()


def _ingest_paths(store, paths: Iterable[Path], text_field: str | None,
                  on_progress: OnProgress | None, read_process: str = "off",
                  follow_links: bool = False, keep_history: bool = True) -> IngestSummary:
    start = time.perf_counter()
    summary, reporter = IngestSummary(), Reporter(on_progress)
    bad_entries: list[Reject] = []
    writer = Writer(store, HashIndex(), summary,
                    lambda message: reporter.warn(Stage.READING, message))
    todo, summary.skipped = pending_sources(store, paths, reporter, bad_entries, follow_links,
                                            writer.departures)
    meter = IngestMeter(reporter, todo, summary)
    for item in bad_entries:
        writer.reject(None, item)
    store.conn.commit()
    if todo:
        meter.send()
    # a first ingest fills the tables without their secondary indexes and makes them at the end
    with first_load(store.conn, when=bool(todo)):
        try:
            read_units(writer, meter, todo, text_field, read_process, follow_links)
            summary.left, mates, departed = settle(store, writer.departures, keep_history)
            summary.sources_gone = writer.departures.sources_gone
            summary.kept_in_history = summary.left if keep_history else 0
            summary.threads = update_threads(store, bool(todo), reporter, mates, departed)
        except BaseException:
            store.conn.rollback()
            raise
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
    from archivist.corpus.thread_write import rebuild_threads
    summary, reporter = IngestSummary(), Reporter(on_progress)
    writer = Writer(store, HashIndex(), summary,
                    lambda message: reporter.warn(Stage.READING, message))
    unit = Path(source)
    source_id = writer.open_source(unit, "memory", 0, 0.0)
    for item in items:
        if isinstance(item, Reject):
            writer.reject(source_id, item)
        else:
            writer.add(source_id, unit, item)
    writer.close_source(source_id)
    summary.files, summary.threads = 1, rebuild_threads(store)
    summary.documents = store.scalar("SELECT count(*) FROM documents")
    return summary
