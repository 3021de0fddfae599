"""Reading sources in a second process while this one stores what it read.

Parsing (MIME, headers, quoting, normalisation) is most of an ingest's CPU time and needs no
database; storing needs the single writer. On 2+ cores spawned reader processes (READERS, taking
turns: source i is read by process i % n) run the readers over the sources and send their Documents
and Rejects back in small pickled batches; the ingest takes each source's items in order and stores
them exactly as it stores a serial read: the same items in the same order, so the same document
ids, duplicates, locations and rejects (tests/test_reader_process.py). Two readers, because one
could not keep up with the writer (whole Enron: the writer waited ~3 s for it).

The queue is bounded, so the reader runs at most QUEUE_BATCHES ahead. When the ingest dies (kill -9)
the reader notices within a second (its parent changed) and exits; nothing it read was stored.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import queue
from pathlib import Path
from typing import Iterator

from archivist.corpus.parsed import Document, Reject
from archivist.errors import InputError

ITEMS_PER_BATCH = 64  # items per message: pickling cost amortised, progress still moves often
QUEUE_BATCHES = 16  # how far the reader may run ahead of the writer
MIN_BYTES = 4 * 1024 * 1024  # auto: below this (on disk, gzip counts compressed) a spawned
# process (~0.5 s to start) is not worth it
POLL_S = 1.0
READERS = 2  # reader processes at most (never more than the cores or the sources)


def wanted(mode: str, total_bytes: int) -> bool:
    """Whether to read in a second process: 'on', 'off', or 'auto' (2+ cores, MIN_BYTES+ to read)."""
    if mode not in ("auto", "on", "off"):
        raise InputError(f"read_process must be auto, on or off, not {mode!r}")
    if mode == "auto":
        return (os.cpu_count() or 1) > 1 and total_bytes >= MIN_BYTES
    return mode == "on"


def _put(out, message, parent: int) -> None:
    """Send, waiting while the queue is full; exit quietly once the ingest that wants it is gone."""
    while True:
        try:
            out.put(message, timeout=POLL_S)
            return
        except queue.Full:
            if os.getppid() != parent:
                os._exit(0)


def _read_all(units: list[tuple[int, str]], text_field: str | None, follow_links: bool, out,
              received, parent: int) -> None:
    """A reader process: its units' items in batches, each unit closed by ('end', index)."""
    _send_all(units, text_field, follow_links, out, parent)
    linger(received, parent)


def linger(received, parent: int) -> None:
    """A worker's last step. Exiting flushes its queue into the pipe first: wait until the parent
    has taken everything (or is gone: a kill -9 leaves a full pipe nobody reads, and the flush
    would wait for ever)."""
    while not received.wait(POLL_S):
        if os.getppid() != parent:
            os._exit(0)


def _send_all(units: list[tuple[int, str]], text_field: str | None, follow_links: bool, out,
              parent: int) -> None:
    from archivist.corpus.readers import read_path
    index = -1
    try:
        for index, unit in units:
            batch: list = []
            for item in read_path(Path(unit), text_field, follow_links):
                batch.append(item)
                if len(batch) >= ITEMS_PER_BATCH:
                    _put(out, ("items", index, batch), parent)
                    batch = []
            if batch:
                _put(out, ("items", index, batch), parent)
            _put(out, ("end", index, None), parent)
    except BaseException as exc:  # read_path turns bad input into Rejects: this is a real failure
        _put(out, ("error", index, f"{type(exc).__name__}: {exc}"), parent)


def readers(n_units: int) -> int:
    return max(1, min(READERS, os.cpu_count() or 1, n_units))


class TakingTurns:
    """Spawned processes with a bounded queue each, taking turns (item i from process i % n), that
    exit once `received` is set; `with` closes them. Subclasses set processes, queues, received,
    and name what they are and what they raise when one fails."""

    processes: list
    queues: list
    received: object
    what = "reader process"
    failure: type[Exception] = RuntimeError

    def _start(self, n: int, target, name: str, args_of, queue_size: int) -> None:
        """Spawn n processes running target(*args_of(w), queue, received, parent pid)."""
        ctx = mp.get_context("spawn")  # no fork: the parent holds SQLite handles and threads
        self.received = ctx.Event()
        self.queues = [ctx.Queue(maxsize=queue_size) for _ in range(n)]
        self.processes = [ctx.Process(target=target, name=f"{name}-{w}", daemon=True,
                                      args=(*args_of(w), self.queues[w], self.received, os.getpid()))
                          for w in range(n)]
        for process in self.processes:
            process.start()

    def _get(self, w: int):
        while True:
            try:
                return self.queues[w].get(timeout=POLL_S)
            except queue.Empty:
                if not self.processes[w].is_alive():
                    break
        try:  # what it sent just before it exited is still in the pipe
            return self.queues[w].get(timeout=POLL_S)
        except queue.Empty:
            raise self.failure(f"the {self.what} exited (code {self.processes[w].exitcode})") \
                from None

    def close(self) -> None:
        self.received.set()
        for process in self.processes:
            process.join(timeout=POLL_S)
            if process.is_alive():  # stopped early (an error, Ctrl-C): it may still be working
                process.terminate()
            process.join(timeout=5)
        for q in self.queues:
            q.close()
            q.cancel_join_thread()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class ReaderProcess(TakingTurns):
    """The items of each unit, in order, read ahead by spawned processes (`with` closes them):
    unit i by process i % n, each with its own bounded queue, so they take turns."""

    def __init__(self, units: list[Path], text_field: str | None, follow_links: bool = False):
        n = readers(len(units))
        pairs = [(i, str(u)) for i, u in enumerate(units)]
        self._start(n, _read_all, "archivist-reader",
                    lambda w: (pairs[w::n], text_field, follow_links), QUEUE_BATCHES)

    def items(self, index: int) -> Iterator[Document | Reject]:
        """Unit `index`'s items (units are asked for in the order they were given)."""
        w = index % len(self.processes)
        while True:
            kind, at, payload = self._get(w)
            if kind == "error":
                raise RuntimeError(f"the reader process failed: {payload}")
            if at != index:
                raise RuntimeError(f"the reader process sent unit {at}, expected {index}")
            if kind == "end":
                return
            yield from payload

