"""Make a store searchable: chunk new documents, embed new/changed chunks, fill FTS5, refresh FAISS.

Incremental: documents that already have chunks are skipped, and only chunks whose content hash has
no vector from the current embedder are embedded, so re-running after a re-ingest embeds nothing.
"""
from __future__ import annotations

import json
import time
from contextlib import nullcontext

from archivist.retrieval import fts
from archivist.retrieval.chunking import Chunk, chunk_document, thread_chunk
from archivist.retrieval.faiss_index import ensure_index
from archivist.retrieval.vectors import known_vectors, pending_chunks, save_vectors

DOC_BATCH = 500
EMBED_BATCH = 512


def _progress(enabled: bool):
    if not enabled:
        return nullcontext(None)
    from rich.console import Console
    from rich.progress import Progress
    return Progress(console=Console(stderr=True), transient=True)


def _delete_chunks(store, where: str, params: tuple = ()) -> int:
    ids = [r[0] for r in store.conn.execute(f"SELECT id FROM chunks WHERE {where}", params)]
    for i in range(0, len(ids), 900):
        part = ids[i:i + 900]
        marks = ",".join("?" * len(part))
        store.conn.execute(f"DELETE FROM vectors WHERE chunk_id IN ({marks})", part)
        fts.delete_chunks(store, part)
        store.conn.execute(f"DELETE FROM chunks WHERE id IN ({marks})", part)
    return len(ids)


def _insert_chunks(store, chunks: list[Chunk]) -> None:
    rows = []
    for c in chunks:
        cur = store.conn.execute(
            "INSERT OR REPLACE INTO chunks (doc_id, thread_id, unit, ord, header, text, start, end, "
            "n_tokens, content_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (c.doc_id, c.thread_id, c.unit, c.ord, c.header, c.text, c.start, c.end, c.n_tokens,
             c.content_hash))
        rows.append((cur.lastrowid, c.doc_id, c.text))
    fts.add_chunks(store, fts.fts_rows(store, rows))


def _recipients(store, doc_ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    marks = ",".join("?" * len(doc_ids))
    for did, name, addr in store.conn.execute(
            f"SELECT doc_id, name, address FROM participants WHERE role = 'to' AND doc_id IN ({marks})",
            doc_ids):
        out.setdefault(did, []).append(name or addr or "")
    return out


def _check_chunker(store, signature: dict) -> bool:
    """Drop all chunks when the chunker settings changed; True when it did."""
    raw = store.scalar("SELECT value FROM index_meta WHERE key = 'chunker'")
    with store.conn:
        store.conn.execute("INSERT OR REPLACE INTO index_meta (key, value) VALUES ('chunker', ?)",
                           (json.dumps(signature),))
        if raw is not None and json.loads(raw) != signature:
            _delete_chunks(store, "1=1")
            return True
    return False


def chunk_new_documents(store, embedder, settings, bar=None) -> tuple[int, int, set]:
    """Chunk every document with no chunks yet; returns (docs, chunks, touched thread ids)."""
    tokenizer = getattr(embedder, "tokenizer", None)
    ids = [r[0] for r in store.conn.execute(
        "SELECT id FROM documents d WHERE NOT EXISTS "
        "(SELECT 1 FROM chunks c WHERE c.doc_id = d.id AND c.unit = 'doc') ORDER BY id")]
    task = bar.add_task("chunk", total=len(ids)) if bar else None
    n_chunks, threads = 0, set()
    for i in range(0, len(ids), DOC_BATCH):
        part = ids[i:i + DOC_BATCH]
        docs = store.query(f"SELECT * FROM documents WHERE id IN ({','.join('?' * len(part))})", part)
        recips = _recipients(store, part)
        chunks = [c for d in docs for c in chunk_document(
            d, recips.get(d["id"], []), tokenizer, settings.chunk_tokens, settings.chunk_overlap)]
        with store.conn:
            _insert_chunks(store, chunks)
        n_chunks += len(chunks)
        threads |= {d["thread_id"] for d in docs if d.get("thread_id") is not None}
        if bar:
            bar.advance(task, len(part))
    return len(ids), n_chunks, threads


def refresh_threads(store, embedder, settings, thread_ids: set) -> int:
    """(Re)build the whole-thread unit of each touched thread that fits the chunk budget."""
    made = 0
    for tid in sorted(thread_ids):
        docs = store.query("SELECT id, title, sender, sender_name, date, body FROM documents "
                           "WHERE thread_id = ? ORDER BY thread_pos, date, id", (tid,))
        chunk = thread_chunk(tid, docs, embedder.count_tokens, settings.chunk_tokens)
        with store.conn:
            _delete_chunks(store, "unit = 'thread' AND thread_id = ?", (tid,))
            if chunk:
                _insert_chunks(store, [chunk])
                made += 1
    return made


def embed_pending(store, embedder, bar=None) -> tuple[int, int, float]:
    """Embed chunks lacking a current vector; returns (embedded, reused, seconds embedding)."""
    todo = pending_chunks(store, embedder.name)
    todo.sort(key=lambda r: len(r[2]))  # similar lengths per batch: little padding
    task = bar.add_task("embed", total=len(todo)) if bar else None
    embedded = reused = 0
    seconds = 0.0
    for i in range(0, len(todo), EMBED_BATCH):
        part = todo[i:i + EMBED_BATCH]
        known = known_vectors(store, embedder.name, [h for _, h, _ in part])
        fresh = [r for r in part if r[1] not in known]
        old = [r for r in part if r[1] in known]
        if old:
            save_vectors(store, [r[0] for r in old], [r[1] for r in old], embedder.name,
                         [known[r[1]] for r in old])
        if fresh:
            t0 = time.perf_counter()
            vecs = embedder.embed([r[2] for r in fresh])
            seconds += time.perf_counter() - t0
            save_vectors(store, [r[0] for r in fresh], [r[1] for r in fresh], embedder.name, vecs)
        embedded, reused = embedded + len(fresh), reused + len(old)
        if bar:
            bar.advance(task, len(part))
    return embedded, reused, seconds


def index_store(store, settings, progress: bool = True, embedder=None) -> dict:
    """Chunk + embed new/changed + FTS + FAISS; returns counts and embedding chunks/s."""
    from archivist.backends.embedders import load_embedder
    t0 = time.perf_counter()
    embedder = embedder or load_embedder(settings)
    signature = {"size": settings.chunk_tokens, "overlap": settings.chunk_overlap,
                 "tokenizer": embedder.name.split("@")[0], "version": 1}
    rechunked = _check_chunker(store, signature)
    with store.conn:
        _delete_chunks(store, "doc_id NOT IN (SELECT id FROM documents)")
    with _progress(progress) as bar:
        docs, chunks, threads = chunk_new_documents(store, embedder, settings, bar)
        thread_units = refresh_threads(store, embedder, settings, threads)
        embedded, reused, seconds = embed_pending(store, embedder, bar)
    vi = ensure_index(store, settings, embedder.name)
    return {"documents_chunked": docs, "chunks_added": chunks, "thread_units": thread_units,
            "rechunked": rechunked, "embedded": embedded, "reused": reused,
            "embed_seconds": round(seconds, 2),
            "chunks_per_s": round(embedded / seconds, 1) if seconds else None,
            "chunks_total": store.scalar("SELECT count(*) FROM chunks"),
            "vectors_total": vi.ntotal, "index_kind": vi.kind, "embedder": embedder.name,
            "seconds": round(time.perf_counter() - t0, 2)}
