"""Chunking in second processes while this one stores the chunks.

Chunking new documents is reading them, tokenizing and cutting chunks (CPU, no writes) and then
inserting chunks and FTS rows (the single writer, about a quarter of the work). On 2+ cores spawned
chunk processes open the database read-only and compute indexer.chunk_batch for the batches of
document ids, taking turns (batch i by process i % n), while this process inserts them in order; the
chunks are the same objects in the same order as an in-process run makes, so the same ids and rows
(tests/test_chunk_process.py).

Only the MiniLM-family tokenizer (embedders.TokenizerOnly, a tokenizer.json) is loaded there: any
other embedder would load a whole model again, so it chunks in-process. The queues are bounded, so
a chunk process runs at most QUEUE_BATCHES ahead. When the ingest dies (kill -9) the chunk processes
notice within a second (their parent changed) and exit; every batch inserted was committed, so the
next run resumes after it. A failed chunk process raises ChunkProcessError: the caller chunks the
rest itself.
"""
from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Iterator

from archivist.corpus.reader_process import TakingTurns, _put, linger
from archivist.errors import InputError

QUEUE_BATCHES = 4  # batches the chunk process may run ahead (a batch is ~1 MB pickled)
MIN_DOCS = 2000  # auto: below this a spawned process (~0.5 s to start) is not worth it
WORKERS = 0  # chunk processes; 0: workers()
THREADS = 1  # tokenizer threads in the chunk process (0: one a core): this one needs a core for SQLite


class ChunkProcessError(RuntimeError):
    """The chunk process failed or exited early; what it sent before is valid."""


def wanted(mode: str, n_docs: int, tokenizer) -> bool:
    """Whether to chunk in a second process: 'on', 'off', or 'auto' (2+ cores, MIN_DOCS+ to chunk,
    a main module that survives being spawned); never for a tokenizer other than a tokenizer.json
    (TokenizerOnly)."""
    if mode not in ("auto", "on", "off"):
        raise InputError(f"chunk_process must be auto, on or off, not {mode!r}")
    if getattr(tokenizer, "path", None) is None or not n_docs:
        return False
    if mode == "auto":
        return (os.cpu_count() or 1) > 1 and n_docs >= MIN_DOCS and main_is_guarded()
    return mode == "on"


_GUARD = re.compile(r"""if\s+__name__\s*==\s*['"]__main__['"]""")


def main_is_guarded() -> bool:
    """Whether a spawned process may start: it re-imports the main module, which re-runs a
    script's top level unless the script guards it with `if __name__ == "__main__":`. True for a
    package's __main__ (`python -m archivist`, `python -m pytest`: multiprocessing does not re-run
    those) and for a script that holds the guard (the `archivist` and `pytest` console scripts, the
    benchmarks); False for an unguarded script or an interactive session, where `auto` then chunks
    in this process ('on' still spawns)."""
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    if spec is not None and spec.name.endswith("__main__"):
        return True
    path = getattr(main, "__file__", None)
    try:
        return bool(path) and bool(_GUARD.search(Path(path).read_text(errors="replace")))
    except OSError:
        return False


def _chunk_all(db: str, tok_path: str, tok_id: str, settings, parts: list[list[int]],
               threads: int | None, out, received, parent: int) -> None:
    """The chunk process: each part's ('batch', index, payload) in order, then ('end', n, None)."""
    if threads:  # before tokenizers starts its thread pool
        os.environ["RAYON_NUM_THREADS"] = str(threads)
    try:
        _send_all(db, tok_path, tok_id, settings, parts, out, parent)
    except BaseException as exc:
        _put(out, ("error", -1, f"{type(exc).__name__}: {exc}"), parent)
    linger(received, parent)  # exit only once the ingest took everything (or is gone)


def _send_all(db: str, tok_path: str, tok_id: str, settings, parts: list[list[int]], out,
              parent: int) -> None:
    from archivist.backends.embedders import TokenizerOnly
    from archivist.crash import crash_point
    from archivist.retrieval.chunk_rows import chunk_row
    from archivist.retrieval.indexer import chunk_batch
    from archivist.store import Store
    try:
        tok = TokenizerOnly(Path(tok_path), tok_id)
    except Exception as exc:  # the tokenizers error does not name the file
        raise RuntimeError(f"cannot load {tok_path}: {exc}") from exc
    with Store(db, readonly=True) as store:
        for index, part in enumerate(parts):
            b = chunk_batch(store, part, tok.tokenizer, settings)
            rows = [chunk_row(c) for c in b.chunks]
            _put(out, ("batch", index, (b.doc_ids, rows, b.touched, b.meta)), parent)
            crash_point("chunk_process")  # tests: the chunk process dies after a batch
    _put(out, ("end", len(parts), None), parent)


def workers() -> int:
    """Chunk processes to start: WORKERS, else one a core (at most 4; this one only inserts)."""
    return WORKERS or max(1, min(4, os.cpu_count() or 1))


class ChunkProcess(TakingTurns):
    """indexer.ChunkBatch of each part, in order, made ahead by spawned processes (`with` closes
    them): part i by process i % n, each with its own bounded queue, so they take turns."""

    what, failure = "chunk process", ChunkProcessError

    def __init__(self, db: Path, tokenizer, settings, parts: list[list[int]]):
        n = min(workers(), len(parts)) or 1
        self._start(n, _chunk_all, "archivist-chunker",
                    lambda w: (str(db), str(tokenizer.path), tokenizer.tokenizer_id, settings,
                               parts[w::n], THREADS), QUEUE_BATCHES)
        self.n = len(parts)

    def batches(self) -> Iterator:
        from archivist.retrieval.chunking import Chunk
        from archivist.retrieval.indexer import ChunkBatch
        for index in range(self.n):
            w = index % len(self.processes)
            kind, at, payload = self._get(w)
            if kind == "error":
                raise ChunkProcessError(f"the chunk process failed: {payload}")
            if kind != "batch" or at != index // len(self.processes):
                raise ChunkProcessError(f"the chunk process sent {kind} {at}, expected batch {index}")
            doc_ids, rows, touched, meta = payload
            yield ChunkBatch(doc_ids, [Chunk(*r) for r in rows], touched, meta)

