"""Chunk vectors in SQLite (float32 blobs): the record the FAISS cache is rebuilt from; which chunks a
model embeds (every chunk, or one lead chunk a document); what a store's vectors hold and what an
embedder is told about them (embed_where), so backends never read the database."""
from __future__ import annotations

import json
import sqlite3
import weakref
from pathlib import Path
from typing import TYPE_CHECKING

from archivist.backends.embedders import embedder_name, lead_of, load_embedder

if TYPE_CHECKING:  # imported where vectors are read or written: counting them needs no numpy
    import numpy as np


def scope_sql(model: str, alias: str = "c") -> str:
    """The chunks `model` embeds, as an SQL condition: every chunk, or for lead vectors (a name
    'm-leadN@p', backends/embedders.scoped) each document's first chunk, which every document has."""
    return f"{alias}.unit = 'doc' AND {alias}.ord = 0" if lead_of(model) else "1=1"


def embed_where(settings) -> dict[str, str | None]:
    """What an embedder is told besides its own section: the device, and what the store's vectors
    hold (a backend never opens the database; the store is read only when embed_scope=auto asks)."""
    held = held_scope(settings.store.db) if settings.embedding.embed_scope == "auto" else None
    return {"device": settings.model.device, "held": held}


def configured_embedder(settings):
    """The embedder the settings name, loaded (cached per process) and told what embed_where tells."""
    return load_embedder(settings.embedding, **embed_where(settings))


def configured_embedder_name(settings) -> str:
    """The vectors' model name of the configured embedder, without loading a registered one."""
    return embedder_name(settings.embedding, **embed_where(settings))


def held_scope(db: str | None) -> str | None:
    """'chunks' when the store at `db` holds per-chunk vectors and no lead ones: a store embedded
    before lead vectors existed keeps its dense search under embed_scope=auto instead of losing
    it until re-embedded; 'lead', or None (no store, no vectors). A read-only look, ~1 ms, before
    any Store is opened (the embedder's name depends on it)."""
    if not db or not Path(db).is_file():
        return None
    try:
        conn = sqlite3.connect(f"file:{Path(db).resolve()}?mode=ro", uri=True)
        try:
            models = _models(conn)
        finally:
            conn.close()
    except sqlite3.Error:  # not a store yet, or no vectors table: nothing to keep
        return None
    if any(lead_of(m) for m in models):
        return "lead"
    return "chunks" if models else None


def _models(conn) -> list[str]:
    """The distinct vector models, one index seek each (DISTINCT reads every row: 20 ms on 50k)."""
    models: list[str] = []
    while len(models) < 100:
        row = conn.execute("SELECT model FROM vectors WHERE model > ? ORDER BY model LIMIT 1",
                           (models[-1] if models else "",)).fetchone()
        if row is None:
            break
        models.append(row[0])
    return models


def scoped_chunks(store, model: str) -> int:
    """How many chunks `model` embeds (all of them, or one a document: a count kept on write)."""
    if lead_of(model):
        from archivist.store.counts import kept
        return kept(store.conn)["lead_chunks"]
    return int(store.scalar("SELECT count(*) FROM chunks") or 0)


LISTED_KEY = "embed_checks_model"  # index_meta: the model the embed_checks list is kept for
_STALE = "(v.chunk_id IS NULL OR v.model != ? OR v.content_hash != c.content_hash)"


def listed_model(store) -> str | None:
    """The model every chunk off the embed_checks list (store/derived.py) has a current vector of,
    where it embeds that chunk at all; None until a pass by some model has finished."""
    return store.scalar("SELECT value FROM index_meta WHERE key = ?", (LISTED_KEY,))


def _candidates(listed: bool) -> str:
    """Where the chunks a model has no current vector for are: on the list when it is kept for
    that model (a few rows after adding mail), else anywhere (every chunk read once)."""
    # CROSS JOIN: the list first (SQLite has no statistics telling it the list is short)
    return "embed_checks q CROSS JOIN chunks c ON c.id = q.chunk_id" if listed else "chunks c"


def pending_count(store, model: str, every: bool = False) -> int:
    """Chunks `model` embeds with no current vector from it (dense search does not see them yet):
    counted on the list when it is kept for `model` (unless `every`: `verify` does not trust the
    list); else those it embeds less those holding one (a chunk has at most one vector), so a
    store with few vectors is not read chunk by chunk."""
    if not every and listed_model(store) == model:
        return int(store.scalar(
            f"SELECT count(*) FROM {_candidates(True)} LEFT JOIN vectors v ON v.chunk_id = c.id "
            f"WHERE {_STALE} AND {scope_sql(model)}", (model,)) or 0)
    current = store.scalar("SELECT count(*) FROM vectors v JOIN chunks c ON c.id = v.chunk_id WHERE "
                           f"v.model = ? AND v.content_hash = c.content_hash AND {scope_sql(model)}",
                           (model,))
    return scoped_chunks(store, model) - int(current or 0)


def pending_chunks(store, model: str) -> list[tuple[int, str, str]]:
    """(chunk id, content hash, text to embed) of the chunks `model` embeds that have no vector
    from it for their text: the chunk's header and text, or for a lead vector the document's
    subject (title) and the text, since From/To/Date would take half of its few tokens."""
    head_column = "d.title" if lead_of(model) else "c.header"
    rows = store.conn.execute(
        f"SELECT c.id, c.content_hash, {head_column}, c.text FROM {_candidates(listed_model(store) == model)} "
        f"JOIN documents d ON d.id = c.doc_id LEFT JOIN vectors v ON v.chunk_id = c.id "
        f"WHERE {_STALE} AND {scope_sql(model)}", (model,))
    return [(cid, h, f"{head}\n{text}" if head else text) for cid, h, head, text in rows]


def start_pass(store, model: str) -> None:
    """Before a pass writes a vector: a chunk holds one vector, so a pass by another model than
    the list is kept for replaces that model's vectors, and the list no longer tells its chunks."""
    listed = listed_model(store)
    if listed is not None and listed != model:
        with store.conn:
            store.conn.execute("DELETE FROM index_meta WHERE key = ?", (LISTED_KEY,))


def end_pass(store, model: str) -> None:
    """After a pass that embedded every chunk it found: the list is kept for `model` from now on,
    and the chunks on it that hold a current vector of it, or that it does not embed, come off."""
    with store.conn:
        store.conn.execute("INSERT OR REPLACE INTO index_meta (key, value) VALUES (?, ?)",
                           (LISTED_KEY, model))
        store.conn.execute(
            f"DELETE FROM embed_checks WHERE chunk_id IN (SELECT c.id FROM {_candidates(True)} "
            f"LEFT JOIN vectors v ON v.chunk_id = c.id WHERE NOT ({scope_sql(model)}) OR NOT {_STALE})",
            (model,))


def known_vectors(store, model: str, hashes: list[str]) -> dict[str, bytes]:
    """Existing vectors for identical chunk text (duplicates, re-chunking) keyed by content hash."""
    if not hashes:
        return {}
    rows = store.conn.execute(
        "SELECT content_hash, vec FROM vectors WHERE model = ? AND content_hash IN "
        "(SELECT value FROM json_each(?))", (model, json.dumps(hashes)))
    return {h: v for h, v in rows}


def save_vectors(store, ids: list[int], hashes: list[str], model: str,
                 vecs: np.ndarray | list[bytes]) -> None:
    import numpy as np
    blobs = [v if isinstance(v, bytes) else np.asarray(v, dtype=np.float32).tobytes() for v in vecs]
    dim = len(blobs[0]) // 4 if blobs else 0
    with store.conn:
        store.conn.executemany(
            "INSERT OR REPLACE INTO vectors (chunk_id, model, dim, vec, content_hash) "
            "VALUES (?, ?, ?, ?, ?)",
            [(i, model, dim, b, h) for i, h, b in zip(ids, hashes, blobs)])


def check_dim(store, model: str, vecs) -> None:
    """A BackendError when `vecs` (rows of `model`) have another dimension than the store's vectors
    of that model: an embedding server swapped for another model under the same name would
    otherwise corrupt the FAISS index (memoised fingerprint: no vector row is read)."""
    import numpy as np
    dim = np.shape(vecs)[-1] if len(vecs) else 0
    held = fingerprint(store, model)["dim"]
    if dim and held and dim != held:
        from archivist.errors import BackendError
        raise BackendError(f"embedder {model} gives {dim}-dimension vectors, but the store's "
                           f"vectors of {model} have {held}: another model under the same name?")


def load_vectors(store, model: str, ids: list[int] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(chunk ids int64, vectors float32 (n, dim)) of `model`, all or only `ids`."""
    import numpy as np
    if ids is None:
        rows = store.conn.execute(
            "SELECT chunk_id, vec FROM vectors WHERE model = ? ORDER BY chunk_id", (model,))
    else:
        rows = store.conn.execute(
            "SELECT chunk_id, vec FROM vectors WHERE model = ? AND chunk_id IN "
            "(SELECT value FROM json_each(?)) ORDER BY chunk_id", (model, json.dumps(list(ids))))
    rows = rows.fetchall()
    if not rows:
        return np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.float32)
    out_ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    mat = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32).reshape(len(rows), -1)
    return out_ids, mat


_FINGERPRINTS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()  # store -> memo


def fingerprint(store, model: str) -> dict:
    """What a FAISS file must match to be current: model, dim, row count and an id checksum.

    An index-only scan (the vector rows are not read), memoised until the database changes:
    PRAGMA data_version moves on commits by other connections, total_changes on this one's.
    """
    version = store.conn.execute("PRAGMA data_version").fetchone()[0]
    key = (version, store.conn.total_changes, model)
    memo = _FINGERPRINTS.setdefault(store, {})
    if key not in memo:
        # the index on (model, content_hash) holds chunk_id (the rowid): no 1 KB vector row is read
        n, total, top = store.conn.execute(
            "SELECT count(*), total(chunk_id), max(chunk_id) FROM vectors WHERE model = ?",
            (model,)).fetchone()
        dim = store.scalar("SELECT dim FROM vectors WHERE model = ? LIMIT 1", (model,))
        memo.clear()
        memo[key] = {"model": model, "dim": int(dim or 0), "rows": int(n),
                     "id_sum": int(total or 0), "max_id": int(top or 0)}
    return dict(memo[key])
