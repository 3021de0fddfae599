"""Make a store searchable: chunk new documents, embed new/changed chunks, fill FTS5, refresh FAISS.

Incremental: documents that already have chunks are skipped, and only chunks whose content hash has
no vector from the current embedder are embedded, so re-running after a re-ingest embeds nothing.
Progress (chunking, thread chunks, embedding in chunks, indexing) goes to an `on_progress` callback
as archivist.progress events; nothing here prints or draws.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Iterator

from archivist.backends.base import Capability, supports
from archivist.crash import crash_point
from archivist.progress import Event, Level, OnProgress, Reporter, Stage, Unit
from archivist.retrieval import chunk_process, fts
from archivist.retrieval.chunk_rows import delete_chunks as _delete_chunks
from archivist.retrieval.chunk_rows import delete_ids as _delete_ids
from archivist.retrieval.chunk_rows import insert_chunks as _insert_chunks
from archivist.retrieval.chunking import (Chunk, chunk_document, email_header, normalise_quote,
                                         quoted_chunks, quoted_text, thread_chunk)
from archivist.retrieval.faiss_index import ensure_index
from archivist.retrieval.vectors import (check_dim, end_pass, known_vectors, pending_chunks,
                                        pending_count, save_vectors, start_pass)
from archivist.store.bulk import first_load
from archivist.store.derived import (ORPHANS, PENDING_KEY, checked, mark_threads_pending, pending_threads,
                                     unchunked)

DOC_BATCH = 500
EMBED_BATCH = 512


def _recipients(store, doc_ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    marks = ",".join("?" * len(doc_ids))
    for did, name, addr in store.conn.execute(
            f"SELECT doc_id, name, address FROM participants WHERE role = 'to' AND doc_id IN ({marks})",
            doc_ids):
        out.setdefault(did, []).append(name or addr or "")
    return out


QUOTED_META = "quoted_chunks"  # index_meta key: set once every chunked email had its quotes chunked
MAX_ORIGINALS = 200  # messages compared per email (a subject like "hi" is shared by thousands)


def _originals(store, doc: dict, seen: dict[int, str] | None = None) -> str:
    """The normalised bodies of the other messages of the email's thread or subject: where the
    original of a quoted paragraph would be. `seen`: doc id -> normalised body, shared by the
    emails of one batch (a thread's messages are each other's originals)."""
    seen = {} if seen is None else seen
    rows = store.conn.execute(
        "SELECT id, body, signature FROM documents WHERE id != ? AND (thread_id = ? OR "
        "(norm_subject = ? AND norm_subject != '')) LIMIT ?",
        (doc["id"], doc.get("thread_id"), doc.get("norm_subject") or "", MAX_ORIGINALS))
    out = []
    for did, b, s in rows:
        if did not in seen:
            seen[did] = normalise_quote(f"{b or ''}\n\n{s or ''}")
        out.append(seen[did])
    return "\n".join(out)


def _has_quoted(doc: dict) -> bool:
    return doc.get("kind") == "email" and bool((doc.get("body") or "").strip()) and \
        bool(doc.get("quoted"))


def _quoted(store, doc: dict, recipients: list[str], tokenizer, settings,
            text: str | None = None) -> list[Chunk]:
    """Quoted-text chunks of an email; `text`: its quoted_text when already computed."""
    if not _has_quoted(doc):
        return []
    r = settings.retrieval
    return quoted_chunks(doc, email_header(doc, recipients), "", tokenizer, r.chunk_tokens, r.chunk_overlap,
                         text=quoted_text(doc, _originals(store, doc)) if text is None else text)


def backfill_quoted(store, embedder, settings) -> int:
    """Once per database: quoted-text chunks for emails chunked before they existed."""
    if store.scalar("SELECT value FROM index_meta WHERE key = ?", (QUOTED_META,)):
        return 0
    tokenizer = getattr(embedder, "tokenizer", None)
    ids = [r[0] for r in store.conn.execute(
        "SELECT id FROM documents d WHERE kind = 'email' AND body != '' AND quoted != '' AND "
        "EXISTS (SELECT 1 FROM chunks c WHERE c.doc_id = d.id AND c.unit = 'doc') AND NOT EXISTS "
        "(SELECT 1 FROM chunks c WHERE c.doc_id = d.id AND c.ord >= 1000) ORDER BY id")]
    made = 0
    for i in range(0, len(ids), DOC_BATCH):
        part = ids[i:i + DOC_BATCH]
        docs = store.query(f"SELECT * FROM documents WHERE id IN ({','.join('?' * len(part))})", part)
        recips = _recipients(store, part)
        chunks = [c for d in docs for c in _quoted(store, d, recips.get(d["id"], []), tokenizer,
                                                    settings)]
        with store.conn:
            if chunks:
                _insert_chunks(store, chunks)
        made += len(chunks)
    with store.conn:
        store.conn.execute("INSERT OR REPLACE INTO index_meta (key, value) VALUES (?, '1')",
                           (QUOTED_META,))
    return made


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


@dataclass
class ChunkBatch:
    """The chunks of one batch of documents, made here or by a chunk process, ready to insert."""

    doc_ids: list[int]
    chunks: list[Chunk]
    touched: set  # thread ids of the batch's documents
    meta: dict  # fts.fts_meta of the chunks' documents


def chunk_batch(store, part: list[int], tokenizer, settings) -> ChunkBatch:
    """Chunk documents `part` (ids): their body chunks then their quoted-text chunks, in id order."""
    docs = store.query(f"SELECT * FROM documents WHERE id IN ({','.join('?' * len(part))})", part)
    recips = _recipients(store, part)
    seen: dict[int, str] = {}
    quoted = {d["id"]: quoted_text(d, _originals(store, d, seen)) for d in docs if _has_quoted(d)}
    if supports(tokenizer, Capability.TOKEN_SPANS):  # the batch's texts tokenized at once on every core
        tokenizer.prime([d.get("body") or d.get("quoted") or "" for d in docs] + list(quoted.values()))
    chunks = [c for d in docs for c in chunk_document(
        d, recips.get(d["id"], []), tokenizer, settings.retrieval.chunk_tokens,
        settings.retrieval.chunk_overlap)
        + _quoted(store, d, recips.get(d["id"], []), tokenizer, settings, quoted.get(d["id"], ""))]
    touched = {d["thread_id"] for d in docs if d.get("thread_id") is not None}
    meta = fts.fts_meta(store, sorted({c.doc_id for c in chunks}))
    return ChunkBatch(part, chunks, touched, meta)


def _batches(store, embedder, settings, ids: list[int], reporter: Reporter) -> Iterator[ChunkBatch]:
    """The ChunkBatch of each DOC_BATCH of `ids`, in order: from a chunk process when wanted (the
    rest made here if it fails), else made here."""
    parts = [ids[i:i + DOC_BATCH] for i in range(0, len(ids), DOC_BATCH)]
    done = 0
    tokenizer = getattr(embedder, "tokenizer", None)
    if len(parts) > 1 and chunk_process.wanted(settings.ingest.chunk_process, len(ids),
                                               embedder):
        try:
            with chunk_process.ChunkProcess(store.path, embedder, settings, parts[1:]) as worker:
                # the first batch is made here while the processes start (~1 s of imports)
                yield chunk_batch(store, parts[0], tokenizer, settings)
                done = 1
                for batch in worker.batches():
                    yield batch
                    done += 1
            return
        except chunk_process.ChunkProcessError as exc:
            reporter.send(Event(Stage.CHUNKING, message=f"{exc}; chunking the remaining "
                                f"{len(ids) - done * DOC_BATCH:,} documents here",
                                level=Level.WARNING))
    for part in parts[done:]:
        yield chunk_batch(store, part, tokenizer, settings)


def chunk_new_documents(store, embedder, settings, reporter: Reporter) -> tuple[int, int, set]:
    """Chunk every document with no chunks yet; returns (docs, chunks, touched thread ids).
    Each batch commits its chunks with the threads they touch, so a killed run resumes."""
    ids = unchunked(store.conn)  # among those listed to check: not every document is read
    n_docs, n_chunks, threads = 0, 0, set()
    reporter.send(Event(Stage.CHUNKING, 0, len(ids), Unit.DOCUMENTS))
    for batch in _batches(store, embedder, settings, ids, reporter):
        with store.conn:  # chunks and the threads whose units they change commit together
            _insert_chunks(store, batch.chunks, batch.meta)
            mark_threads_pending(store, batch.touched)
            checked(store.conn, batch.doc_ids)
        crash_point("chunk_batch")
        n_docs, n_chunks = n_docs + len(batch.doc_ids), n_chunks + len(batch.chunks)
        threads |= batch.touched
        reporter.send(Event(Stage.CHUNKING, n_docs, len(ids), Unit.DOCUMENTS,
                            f"{n_chunks:,} chunks"))
    return len(ids), n_chunks, threads


THREAD_BATCH = 500


def _thread_rows(store, tids: list[int]) -> tuple[dict[int, list[dict]], dict[int, list[int]]]:
    """The documents of threads `tids` that have several (only those make a unit) in thread
    order, and the ids of their thread units: three queries for a batch instead of two a thread."""
    marks = ",".join("?" * len(tids))
    many = [r[0] for r in store.conn.execute(  # the index alone: most threads are one message
        f"SELECT thread_id FROM documents WHERE thread_id IN ({marks}) GROUP BY thread_id "
        "HAVING count(*) > 1", tids)]
    docs: dict[int, list[dict]] = {}
    for d in store.query("SELECT thread_id, id, title, sender, sender_name, date, body FROM "
                         f"documents WHERE thread_id IN ({','.join('?' * len(many))}) "
                         "ORDER BY thread_id, thread_pos, date, id", many):
        docs.setdefault(d.pop("thread_id"), []).append(d)
    units: dict[int, list[int]] = {}
    for tid, cid in store.conn.execute("SELECT thread_id, id FROM chunks WHERE unit = 'thread' AND "
                                       f"thread_id IN ({marks}) ORDER BY id", tids):
        units.setdefault(tid, []).append(cid)
    return docs, units


def refresh_threads(store, embedder, settings, thread_ids: set, reporter: Reporter) -> int:
    """(Re)build the whole-thread unit of each touched or pending thread that fits the budget."""
    thread_ids = set(thread_ids) | pending_threads(store)
    made, total, order = 0, len(thread_ids), sorted(thread_ids)
    size, count = settings.retrieval.chunk_tokens, embedder.count_tokens
    tokenizer = getattr(embedder, "tokenizer", None)
    if supports(tokenizer, Capability.TOKEN_SPANS):  # exact up to the budget, all thread_chunk needs
        count = lambda text: tokenizer.count_upto(text, size)  # noqa: E731
    for start in range(0, total, THREAD_BATCH):  # one commit per batch: a commit each cost 1.5 ms
        part = order[start:start + THREAD_BATCH]
        docs, units = _thread_rows(store, part)
        chunks = [c for c in (thread_chunk(tid, docs.get(tid, []), count, size) for tid in part) if c]
        with store.conn:  # the batch's old units go, its new ones come in one insert
            _delete_ids(store, [cid for tid in part for cid in units.get(tid, [])])
            if chunks:
                _insert_chunks(store, chunks)
        made += len(chunks)
        reporter.send(Event(Stage.THREAD_CHUNKS, start + len(part), total, Unit.THREADS,
                            f"{made:,} threads fit one chunk"))
    crash_point("thread_units_done")
    with store.conn:
        store.conn.execute("DELETE FROM index_meta WHERE key = ?", (PENDING_KEY,))
    return made


class EmbedCounter:
    """Chunks done of the total while embedding, reported as a count (for a UI's rate and ETA)."""

    def __init__(self, reporter: Reporter, total: int, model: str):
        self.reporter, self.total, self.model = reporter, total, model
        self.done = self.embedded = self.reused = 0
        self.seconds = 0.0
        reporter.send(Event(Stage.EMBEDDING, 0, total, Unit.CHUNKS, model))

    def add(self, n: int, embedded: bool, seconds: float = 0.0) -> None:
        self.done, self.seconds = self.done + n, self.seconds + seconds
        if embedded:
            self.embedded += n
        else:
            self.reused += n
        if self.reporter.due() or self.done == self.total:
            rate = f", {self.embedded / self.seconds:,.0f} chunks/s" if self.seconds else ""
            self.reporter.send(Event(Stage.EMBEDDING, self.done, self.total, Unit.CHUNKS,
                                     f"{self.model}: {self.reused:,} reused{rate}"))


def _embed(embedder, texts: list[str], counter: EmbedCounter) -> list:
    """Vectors of `texts`, one embedder batch per call so that progress moves every ~second on a
    CPU (the texts are length-sorted already, so the batches pad no more than one big call)."""
    step = max(1, int(getattr(embedder, "batch", EMBED_BATCH)))
    vecs: list = []
    for j in range(0, len(texts), step):
        part = texts[j:j + step]
        t0 = time.perf_counter()
        vecs.extend(embedder.embed(part))
        counter.add(len(part), embedded=True, seconds=time.perf_counter() - t0)
    return vecs


def embed_pending(store, embedder, reporter: Reporter) -> tuple[int, int, float]:
    """Embed chunks lacking a current vector; returns (embedded, reused, seconds embedding)."""
    start_pass(store, embedder.name)
    todo = pending_chunks(store, embedder.name)
    todo.sort(key=lambda r: len(r[2]))  # similar lengths per batch: little padding
    counter = EmbedCounter(reporter, len(todo), embedder.name)
    for i in range(0, len(todo), EMBED_BATCH):
        part = todo[i:i + EMBED_BATCH]
        known = known_vectors(store, embedder.name, [h for _, h, _ in part])
        fresh = [r for r in part if r[1] not in known]
        old = [r for r in part if r[1] in known]
        if old:
            save_vectors(store, [r[0] for r in old], [r[1] for r in old], embedder.name,
                         [known[r[1]] for r in old])
            counter.add(len(old), embedded=False)
        if fresh:
            vecs = _embed(embedder, [r[2] for r in fresh], counter)
            check_dim(store, embedder.name, vecs)
            save_vectors(store, [r[0] for r in fresh], [r[1] for r in fresh], embedder.name, vecs)
        crash_point("embed_batch")  # each batch is committed: a kill here loses nothing done
    end_pass(store, embedder.name)
    return counter.embedded, counter.reused, counter.seconds


def index_store(store, settings, on_progress: OnProgress | None = None, embedder=None,
                embed: bool = True) -> dict:
    """Chunk + FTS (BM25-searchable, committed batch by batch), then unless `embed` is False embed
    new/changed chunks and refresh FAISS; returns counts and embedding chunks/s.

    Reports the chunking, thread chunks, embedding (chunks done of total) and indexing stages."""
    with store.writing():
        result = prepare_store(store, settings, Reporter(on_progress), embedder)
        if embed:
            result.update(_embed_store(store, settings, Reporter(on_progress), embedder))
        else:
            from archivist.retrieval.vectors import configured_embedder_name
            result.update({"embedded": 0, "reused": 0, "embedder": embedder.name if embedder
                           else configured_embedder_name(settings)})
            result["not_embedded"] = pending_count(store, result["embedder"])
        result["chunks_total"] = store.scalar("SELECT count(*) FROM chunks")
        result["seconds"] = round(result["seconds"] + result.get("embed_total_seconds", 0.0), 2)
        return result


def embed_store(store, settings, on_progress: OnProgress | None = None, embedder=None) -> dict:
    """The resumable second pass (`archivist index embed`): chunk what is not chunked yet, embed
    every chunk lacking a current vector (committed every EMBED_BATCH chunks, so a killed run
    loses at most one batch), refresh FAISS."""
    return index_store(store, settings, on_progress, embedder, embed=True)


def prepare_store(store, settings, reporter: Reporter, embedder=None) -> dict:
    """Chunks, thread units and FTS rows for new documents; only a tokenizer is loaded (MiniLM's
    tokenizer.json for the MiniLM family, ~0.1 s), so BM25 search works before any embedding."""
    from archivist.backends.embedders import chunk_tokenizer, tokenizer_id
    from archivist.retrieval.vectors import embed_where
    t0 = time.perf_counter()
    tok = embedder if embedder is not None else \
        chunk_tokenizer(settings.embedding, **embed_where(settings))
    signature = {"size": settings.retrieval.chunk_tokens, "overlap": settings.retrieval.chunk_overlap,
                 "tokenizer": tokenizer_id(tok), "version": 1}
    rechunked = _check_chunker(store, signature)
    with store.conn:
        _delete_chunks(store, ORPHANS)  # of documents that left (they are listed to check)
    quoted = backfill_quoted(store, tok, settings)
    with first_load(store.conn, ("chunks",)):  # a first index: chunks without their indexes
        docs, chunks, threads = chunk_new_documents(store, tok, settings, reporter)
    with store.conn:
        checked(store.conn)
    crash_point("chunked")
    thread_units = refresh_threads(store, tok, settings, threads, reporter)
    crash_point("thread_units")
    return {"documents_chunked": docs, "chunks_added": chunks + quoted, "thread_units": thread_units,
            "rechunked": rechunked, "bm25_seconds": round(time.perf_counter() - t0, 2),
            "seconds": time.perf_counter() - t0}


def _embed_store(store, settings, reporter: Reporter, embedder) -> dict:
    from archivist.retrieval.vectors import configured_embedder, configured_embedder_name
    t0 = time.perf_counter()
    if embedder is None:  # the first int8 run exports to ONNX (~1 min), the first static distils
        todo = pending_count(store, configured_embedder_name(settings))
        reporter.send(Event(Stage.EMBEDDING, 0, todo, Unit.CHUNKS, "loading the embedder"))
        embedder = configured_embedder(settings)
    try:
        embedded, reused, seconds = embed_pending(store, embedder, reporter)
    except KeyboardInterrupt:  # Ctrl-C: what is embedded (committed) becomes searchable now
        ensure_index(store, settings, embedder.name)
        raise
    crash_point("embedded")
    reporter.send(Event(Stage.INDEXING, message="refreshing the FAISS index"))
    vi = ensure_index(store, settings, embedder.name)
    crash_point("indexed")
    reporter.send(Event(Stage.INDEXING, vi.ntotal, vi.ntotal, Unit.CHUNKS, f"{vi.kind} index"))
    return {"embedded": embedded, "reused": reused, "embed_seconds": round(seconds, 2),
            "chunks_per_s": round(embedded / seconds, 1) if seconds else None,
            "vectors_total": vi.ntotal, "index_kind": vi.kind, "embedder": embedder.name,
            "index_refresh": vi.meta.get("refresh", ""),
            "not_embedded": pending_count(store, embedder.name),
            "embed_total_seconds": round(time.perf_counter() - t0, 2)}
