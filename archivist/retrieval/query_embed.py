"""A search's slow loads, each on a thread of its own, so they overlap the rest of the process on
the other core: the query embedder (ONNX Runtime, the tokenizer: most of a hybrid search's CPU
time) and the FAISS file.

Light to import on purpose: `archivist search` starts both before it imports the CLI, store, FTS
and FAISS modules (archivist/cli/entry.py), and the loads (native code, mostly outside the GIL) run
while those import.
"""
from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

_POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="embed-query")
_INDEX_POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="faiss-read")
_INDEXES: dict[str, Future] = {}


def _load(settings):
    from archivist.retrieval.vectors import configured_embedder
    return configured_embedder(settings)


def preload(settings) -> Future:
    """Start loading the configured embedder (cached per process); a failure surfaces, if the
    search needs the embedder at all, when embed_query loads it again."""
    return _POOL.submit(_load, settings)


def start(settings) -> None:
    """A hybrid search's two loads, started now: the embedder and the store's FAISS file."""
    from archivist.config import db_path
    from archivist.retrieval.faiss_meta import faiss_file
    preload(settings)
    prefetch_index(faiss_file(db_path(settings)))


def embed_query(settings, query: str):
    """(embedder name, (1, dim) query vector)."""
    embedder = _load(settings)
    return embedder.name, embedder.embed([query])


def submit(settings, query: str) -> Future:
    """embed_query on the pool's thread (after any preload, which it then finds cached)."""
    return _POOL.submit(embed_query, settings, query)


def _read_index(path: Path) -> tuple[float, object]:
    import faiss
    mtime = path.stat().st_mtime
    return mtime, faiss.read_index(str(path), faiss.IO_FLAG_MMAP)  # a search only reads it


def prefetch_index(path: Path) -> None:
    """Start reading a FAISS file (the cache next to a database) before it is asked for; not when
    the exact-search matrix beside it will serve the search (retrieval/matrix.py)."""
    from archivist.retrieval.faiss_meta import matrix_files
    path = Path(path).resolve()
    if matrix_files(path)[2].exists():
        return
    if str(path) not in _INDEXES and path.exists():
        _INDEXES[str(path)] = _INDEX_POOL.submit(_read_index, path)


def take_index(path: Path) -> object | None:
    """The prefetched index of this file when it is still the file on disk, else None (the caller
    reads it itself); checked against the SQLite metadata by the caller either way."""
    path = Path(path).resolve()
    future = _INDEXES.pop(str(path), None)
    if future is None:
        return None
    try:
        mtime, index = future.result()
        return index if path.stat().st_mtime == mtime else None
    except Exception:  # unreadable: the caller's own read reports why
        return None
