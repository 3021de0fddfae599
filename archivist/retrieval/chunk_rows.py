"""Writing chunk rows: insert chunks (triggers index them for FTS), delete chunks with their
vectors and FTS rows.

Inserts go in one executemany (a statement a chunk was ~10 us of Python each, 50k on Enron).
"""
from __future__ import annotations

from archivist.retrieval import fts
from archivist.retrieval.chunking import Chunk
from archivist.store.derived import delete_chunk_ids
from archivist.store.fts_rows import keep_doc_words

INSERT = ("INSERT OR REPLACE INTO chunks (doc_id, thread_id, unit, ord, header, text, start, end, "
          "n_tokens, content_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")


def chunk_row(c: Chunk) -> tuple:
    """The chunks-table values of a chunk (also what a chunk process sends)."""
    return (c.doc_id, c.thread_id, c.unit, c.ord, c.header, c.text, c.start, c.end, c.n_tokens,
            c.content_hash)


def insert_chunks(store, chunks: list[Chunk], meta: dict | None = None) -> None:
    """Insert chunks, which a trigger indexes for FTS with their documents' header words (`meta`:
    fts.fts_meta of their documents, when read)."""
    doc_ids = sorted({c.doc_id for c in chunks if c.doc_id is not None})
    if meta is None:
        meta = fts.fts_meta(store, doc_ids)
    keep_doc_words(store.conn, {d: meta[d] for d in doc_ids if d in meta})
    store.conn.executemany(INSERT, map(chunk_row, chunks))


def delete_chunks(store, where: str, params: tuple = ()) -> int:
    ids = [r[0] for r in store.conn.execute(f"SELECT id FROM chunks WHERE {where}", params)]
    return delete_ids(store, ids)


def delete_ids(store, ids: list[int]) -> int:
    """Delete chunks `ids` with their vectors and FTS rows."""
    return delete_chunk_ids(store.conn, ids)
