"""The query embedding, on a thread of its own, so that loading the embedder (ONNX Runtime, the
tokenizer: most of a hybrid search's CPU time) overlaps the rest of the process on the other core.

Light to import on purpose: `archivist search` starts the load here before it imports the store,
FTS and FAISS modules, and the load (native code, mostly outside the GIL) runs while they import.
"""
from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor

_POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="embed-query")


def _load(settings):
    from archivist.backends.embedders import load_embedder
    return load_embedder(settings)


def preload(settings) -> Future:
    """Start loading the configured embedder (cached per process); a failure surfaces, if the
    search needs the embedder at all, when embed_query loads it again."""
    return _POOL.submit(_load, settings)


def embed_query(settings, query: str):
    """(embedder name, (1, dim) query vector)."""
    embedder = _load(settings)
    return embedder.name, embedder.embed([query])


def submit(settings, query: str) -> Future:
    """embed_query on the pool's thread (after any preload, which it then finds cached)."""
    return _POOL.submit(embed_query, settings, query)
