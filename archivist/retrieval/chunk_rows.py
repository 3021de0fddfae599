"""Writing chunk rows: insert chunks with their FTS rows, delete chunks with their vectors and FTS.

Inserts go in one executemany (a statement a chunk was ~10 us of Python each, 50k on Enron); the
ids SQLite gave them are read back by (doc_id, unit, ord), which the chunks table keeps unique, so
the ids and FTS rows are those that inserting one at a time gives.
"""
from __future__ import annotations

from archivist.retrieval import fts
from archivist.retrieval.chunking import Chunk
from archivist.store.derived import delete_chunk_ids

INSERT = ("INSERT OR REPLACE INTO chunks (doc_id, thread_id, unit, ord, header, text, start, end, "
          "n_tokens, content_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
VARS = 900  # bound parameters a statement


def chunk_row(c: Chunk) -> tuple:
    """The chunks-table values of a chunk (also what a chunk process sends)."""
    return (c.doc_id, c.thread_id, c.unit, c.ord, c.header, c.text, c.start, c.end, c.n_tokens,
            c.content_hash)


def insert_chunks(store, chunks: list[Chunk], meta: dict | None = None) -> None:
    """Insert chunks and their FTS rows (`meta`: fts.fts_meta of their documents, when read)."""
    keys = [(c.doc_id, c.unit, c.ord) for c in chunks]
    if len(set(keys)) < len(keys) or any(c.doc_id is None for c in chunks):
        return _insert_each(store, chunks, meta)  # a repeated key replaces a row of this batch
    store.conn.executemany(INSERT, map(chunk_row, chunks))
    ids = _ids_by_key(store, sorted({c.doc_id for c in chunks}))
    rows = [(ids[k], c.doc_id, c.text) for k, c in zip(keys, chunks)]
    fts.add_chunks(store, fts.fts_rows(store, rows, meta))


def _ids_by_key(store, doc_ids: list[int]) -> dict[tuple, int]:
    out: dict[tuple, int] = {}
    for i in range(0, len(doc_ids), VARS):
        part = doc_ids[i:i + VARS]
        out.update(((d, u, o), cid) for cid, d, u, o in store.conn.execute(
            f"SELECT id, doc_id, unit, ord FROM chunks WHERE doc_id IN ({','.join('?' * len(part))})",
            part))
    return out


def _insert_each(store, chunks: list[Chunk], meta: dict | None = None) -> None:
    rows = []
    for c in chunks:
        cur = store.conn.execute(INSERT, chunk_row(c))
        rows.append((cur.lastrowid, c.doc_id, c.text))
    fts.add_chunks(store, fts.fts_rows(store, rows, meta))


def delete_chunks(store, where: str, params: tuple = ()) -> int:
    ids = [r[0] for r in store.conn.execute(f"SELECT id FROM chunks WHERE {where}", params)]
    return delete_ids(store, ids)


def delete_ids(store, ids: list[int]) -> int:
    """Delete chunks `ids` with their vectors and FTS rows."""
    return delete_chunk_ids(store.conn, ids)
