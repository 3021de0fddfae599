"""What the dense caches hold, checked, not only their fingerprint: a CRC-32 of the chunk ids and
vectors is recorded when the FAISS file (index_meta and its sidecar) or the exact-search matrix (its
`.npy.json`) is written. On open the cache's bytes are summed again and a few rows compared with
SQLite's vectors; `verify` and `index verify` compare every vector with SQLite (the source of
truth). The fingerprint (model, dim, rows, id checksum) cannot tell flipped bytes, a file rewritten
with the same ids or a replaced matrix from the real cache; these checks can, and a search rebuilds
what fails them."""
from __future__ import annotations

import logging
import zlib

import numpy as np

from archivist.retrieval.vectors import fingerprint, load_vectors

KEY = "vectors_crc32"  # in the FAISS metadata and the matrix's record
SAMPLE_ROWS = 16  # rows compared with SQLite on open: one indexed read of 16 rows, ~0.1 ms
UNRECORDED = "written before content checksums"
log = logging.getLogger("archivist")


def content_sum(ids: np.ndarray, mat: np.ndarray, crc: int = 0) -> int:
    """CRC-32 of each (chunk id int64, vector float32) row in the order given: chunk-id order, as
    the caches are written. `crc`: the sum of the rows before these, so an index extended with
    higher chunk ids extends its sum without reading the rest. An error-detecting code, not a guard
    against tampering: 5 ms over whole Enron's 20 MB of vectors, where SHA-1 took 11 and BLAKE2b 22."""
    mat = np.ascontiguousarray(mat, dtype=np.float32)
    rows = np.empty(len(ids), dtype=[("id", "<i8"), ("v", "<f4", (mat.shape[-1],))])
    rows["id"], rows["v"] = ids, mat
    return zlib.crc32(rows, crc)


def mismatch(ids: np.ndarray, got: np.ndarray, want_ids: np.ndarray, want: np.ndarray,
             what: str = "") -> str:
    """How a cache's (ids, vectors) differ from SQLite's, bit for bit ('' when they do not); any
    order, both sorted here by chunk id. `what` qualifies the count ('sampled ')."""
    order = np.argsort(ids, kind="stable")
    ids, got = np.asarray(ids)[order], np.ascontiguousarray(np.asarray(got)[order], dtype=np.float32)
    if not np.array_equal(ids, want_ids):
        return "its chunk ids differ from the SQLite vectors"
    if got.shape != want.shape:
        return f"its vectors have dimension {got.shape[-1]}, SQLite's {want.shape[-1]}"
    # bits, not values: a NaN from flipped bytes never equals anything, and -0.0 == 0.0 would hide one
    bad = int((got.view(np.uint32) != want.view(np.uint32)).any(axis=1).sum())
    return f"{bad} of {len(ids)} {what}vectors differ from the SQLite vectors" if bad else ""


def sampled_damage(store, model: str, ids: np.ndarray, rows) -> str:
    """The cheap check on open: SAMPLE_ROWS of the cache's rows, evenly spread from the first to
    the last, against SQLite's vectors of their chunk ids; `rows(positions)` reads them."""
    if not len(ids):
        return ""
    pos = np.unique(np.linspace(0, len(ids) - 1, min(len(ids), SAMPLE_ROWS)).astype(np.int64))
    picked = np.asarray(ids)[pos]
    want_ids, want = load_vectors(store, model, picked.tolist())
    return mismatch(picked, rows(pos), want_ids, want, "sampled ")


def matrix_problem(store, model: str, index_path) -> str:
    """What is wrong with the exact-search matrix a search would use: its content against the
    checksum recorded with it and against every SQLite vector. '' when it is right, and when a
    search would not use it (missing, stale, beside another FAISS file)."""
    from archivist.retrieval import matrix
    got = matrix.read(index_path, fingerprint(store, model))
    if got is None:
        return ""
    ids, mat, why = got
    if why and why != UNRECORDED:
        return why
    return mismatch(ids, mat, *load_vectors(store, model))


def faiss_problem(store, model: str, meta: dict, path) -> str:
    """What is wrong with the FAISS file, in full: it reads, matches `meta` (counts, ids, the
    checksum of its vectors) and holds SQLite's vectors bit for bit ('' when all hold)."""
    from archivist.retrieval.faiss_index import read_checked, stored_vectors, vectors_of
    index, why = read_checked(path, meta)
    if index is None:
        return f"damaged: {why}"
    want_ids, want = load_vectors(store, model)
    held = stored_vectors(index)
    if held is None:  # IVF keeps its vectors per list: read them back by chunk id
        from archivist.retrieval.faiss_index import index_ids
        ids = index_ids(index)
        if ids is None or not np.array_equal(np.sort(ids), want_ids):
            return "its chunk ids differ from the SQLite vectors"
        held = want_ids, vectors_of(index, want_ids)
    return mismatch(*held, want_ids, want)


def cache_problems(store, model: str, check_faiss: bool = True) -> dict[str, str]:
    """{'faiss': why, 'matrix': why} of the full check ('' where nothing is wrong); the FAISS file
    is checked against its SQLite metadata merged with the current fingerprint, so a stale file
    shows its counts."""
    from archivist.retrieval.faiss_meta import index_path, read_meta
    path = index_path(store)
    meta = {**read_meta(store), **fingerprint(store, model)}
    faiss_why = faiss_problem(store, model, meta, path) if check_faiss and path.exists() else ""
    return {"faiss": faiss_why, "matrix": matrix_problem(store, model, path) if path.exists() else ""}


def heal_matrix(store, model: str, index_path, why: str) -> tuple[np.ndarray, np.ndarray]:
    """The SQLite vectors, written anew as the exact-search matrix that failed a check (`why`;
    none for one written before checksums, or missing). A read-only directory keeps the bad
    files, and this process searches the vectors it read."""
    from archivist.retrieval import matrix
    if why and why != UNRECORDED:
        log.warning("the exact-search matrix beside %s is damaged (%s); rebuilding it from the "
                    "SQLite vectors", index_path, why)
    ids, mat = load_vectors(store, model)
    try:
        matrix.write(index_path, ids, mat, fingerprint(store, model))
    except OSError as exc:
        log.warning("note: could not write the exact-search matrix beside %s (%s)", index_path, exc)
    return ids, mat
