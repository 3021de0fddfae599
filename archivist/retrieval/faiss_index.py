"""The FAISS cache over the SQLite vectors: exact below a threshold, IVF or HNSW above it.

Written atomically next to the database (`<db>.faiss`); rebuilt whenever missing or stale (model,
dimension, row count or id checksum differ from the vectors table, recorded in index_meta), and
when the file cannot be read or does not hold those vectors (damaged: a warning, then rebuilt):
on open its vectors must give the CRC-32 recorded when it was written and a few of them must be
SQLite's (retrieval/cache_content.py). On a read-only archive a rebuilt index lives in memory only.
"""
from __future__ import annotations

import json
import logging
import math
import os
import time
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

from archivist.retrieval import matrix
from archivist.retrieval.cache_content import KEY, content_sum, heal_matrix, sampled_damage
from archivist.retrieval.faiss_meta import (META_KEY, index_path, is_current, read_meta,  # noqa: F401
                                          read_sidecar, sidecar, write_meta)
from archivist.retrieval.vectors import fingerprint, load_vectors

faiss.cvar.distance_compute_blas_threshold = 4  # batched queries use BLAS sooner (much faster)
log = logging.getLogger("archivist")


@dataclass
class VectorIndex:
    index: object
    kind: str
    meta: dict

    @property
    def ntotal(self) -> int:
        return int(self.index.ntotal)


# Above index_exact_below, HNSW up to this many vectors (sub-ms queries, recall ~0.99, build ~1 min
# per 100k on 2 cores); IVF beyond it, where HNSW's build time and memory grow too large.
HNSW_BELOW = 500_000
# efSearch 256 on the 37k Enron vectors: recall@10 0.989 / @50 0.979 vs exact at 0.5 ms a query
# (64: 0.915 / 0.866 at 0.16 ms; 512: 0.994 / 0.992 at 1.0 ms). Never below the k asked for.
HNSW_EF_SEARCH = 256


def choose_kind(n: int, settings) -> str:
    """flat (exact) below `settings.retrieval.index_exact_below`, then HNSW, then IVF; or the
    configured kind."""
    kind = settings.retrieval.index_kind
    if kind == "auto":
        if n < settings.retrieval.index_exact_below:
            kind = "flat"
        else:
            kind = "hnsw" if n < HNSW_BELOW else "ivf"
    return "flat" if kind == "ivf" and n < 1000 else kind  # too few vectors to train lists


def build_index(ids: np.ndarray, mat: np.ndarray, kind: str, dim: int) -> object:
    """A FAISS inner-product index over `mat` whose ids are chunk ids."""
    if kind == "ivf" and len(ids) >= 1000:
        nlist = int(min(4096, max(16, math.sqrt(len(ids)))))
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, nlist, faiss.METRIC_INNER_PRODUCT)
        rng = np.random.default_rng(0)
        sample = mat[rng.choice(len(mat), min(len(mat), 48 * nlist), replace=False)]
        index.train(sample)
        index.nprobe = 16
        index.add_with_ids(mat, ids)
        return index
    if kind == "hnsw":
        inner = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        inner.hnsw.efConstruction = 80
        inner.hnsw.efSearch = HNSW_EF_SEARCH
    else:
        inner = faiss.IndexFlatIP(dim)
    index = faiss.IndexIDMap2(inner)
    if len(ids):
        index.add_with_ids(mat, ids)
    return index


def write_atomic(index: object, path: Path) -> None:
    tmp = path.with_name(path.name + f".tmp{os.getpid()}")
    faiss.write_index(index, str(tmp))
    os.replace(tmp, path)


def rebuild(store, settings, model: str) -> VectorIndex:
    """Build the index from SQLite, write it atomically, record its fingerprint."""
    t0 = time.perf_counter()
    ids, mat = load_vectors(store, model)
    fp = fingerprint(store, model)
    dim = mat.shape[1] if len(ids) else fp["dim"] or 1
    kind = choose_kind(len(ids), settings)
    index = build_index(ids, np.ascontiguousarray(mat, dtype=np.float32), kind, dim)
    meta = {**fp, KEY: content_sum(ids, mat), "kind": kind, "built_rows": len(ids),
            "built_seconds": round(time.perf_counter() - t0, 3)}
    _write(store, index, meta)
    try:
        matrix.write(index_path(store), ids, mat, fp)  # the one-shot search's exact path
    except OSError:  # a read-only directory: said once, by _write
        pass
    return VectorIndex(index, kind, meta)


# An IVF index's lists were trained on the vectors of its last build: once as many again have been
# added, they may no longer spread the data well, so it is rebuilt (HNSW and flat are the same
# added to as built: HNSW builds by inserting one vector at a time).
IVF_GROWTH = 1.0
NO_INDEX = "no index to extend"  # a first build (or one from before checksums): not worth a note


def extendable(store, settings, model: str, meta: dict, fp: dict) -> str:
    """Why the index on file cannot be extended to the vectors now stored ('' when it can): only
    vectors with chunk ids above every id it holds may have been added, nothing removed, and the
    same kind must fit the new count."""
    if not index_path(store).exists() or KEY not in meta or not meta.get("rows"):
        return NO_INDEX
    if meta.get("model") != fp["model"] or meta.get("dim") != fp["dim"]:
        return "another embedder"
    if fp["rows"] <= meta["rows"]:
        return "vectors were removed"
    if choose_kind(fp["rows"], settings) != meta.get("kind"):
        return f"{fp['rows']:,} vectors need a {choose_kind(fp['rows'], settings)} index"
    added = store.scalar("SELECT count(*) FROM vectors WHERE model = ? AND chunk_id > ?",
                         (model, meta["max_id"]))
    if added != fp["rows"] - meta["rows"]:
        return "vectors were removed or replaced below its highest chunk id"
    grown = meta.get("added_since_build", 0) + added
    if meta.get("kind") == "ivf" and grown > IVF_GROWTH * meta.get("built_rows", meta["rows"]):
        return "its IVF lists were trained on less than half of the vectors"
    return ""


def refresh(store, settings, model: str, meta: dict) -> VectorIndex:
    """A stale index made current: extended when it can be, else rebuilt; `meta['refresh']` says
    which and why (the ingest summary shows it)."""
    why = "a read-only archive" if getattr(store, "readonly", False) else \
        extendable(store, settings, model, meta, fingerprint(store, model))
    vi = None if why else extend(store, model, meta)
    if vi is None:
        vi = rebuild(store, settings, model)
        if why != NO_INDEX:
            vi.meta["refresh"] = f"rebuilt: {why or 'the file did not hold what it was written with'}"
    return vi


def extend(store, model: str, meta: dict) -> VectorIndex | None:
    """The index on file with the vectors stored since it was written added to it, rather than
    rebuilt; None when the file does not hold what its metadata says."""
    t0, fp = time.perf_counter(), fingerprint(store, model)
    index, _why = read_checked(index_path(store), meta, store)
    if index is None:
        return None
    new = [r[0] for r in store.conn.execute(
        "SELECT chunk_id FROM vectors WHERE model = ? AND chunk_id > ? ORDER BY chunk_id",
        (model, meta["max_id"]))]
    ids, mat = load_vectors(store, model, new)
    mat = np.ascontiguousarray(mat, dtype=np.float32)
    index.add_with_ids(mat, ids)
    now = {**fp, KEY: content_sum(ids, mat, meta[KEY]), "kind": meta["kind"],
           "built_rows": meta.get("built_rows", meta["rows"]),
           "added_since_build": meta.get("added_since_build", 0) + len(ids),
           "built_seconds": meta.get("built_seconds"),
           "extended_seconds": round(time.perf_counter() - t0, 3)}
    _write(store, index, now)
    try:  # the exact-search matrix grows with it (else ensure_index writes it whole)
        matrix.append(index_path(store), meta, ids, mat, fp)
    except OSError:  # a read-only directory: said once, by _write
        pass
    return VectorIndex(index, now["kind"], {**now, "refresh": f"{len(ids):,} added to it"})


def _write(store, index: object, meta: dict) -> None:
    """The index file, its sidecar and (for a writer) its metadata in SQLite."""
    try:
        write_atomic(index, index_path(store))
        # beside the file too: a process that opened the archive read-only (every search does)
        # cannot record it in SQLite, and without this every later search rebuilt it (12 s on Enron)
        sidecar(index_path(store)).write_text(json.dumps(meta))
    except OSError as exc:  # a read-only directory: the cache lives in memory for this run
        log.warning("note: could not write the FAISS cache %s (%s)", index_path(store), exc)
    if not getattr(store, "readonly", False):  # a read-only archive keeps its metadata as it is
        write_meta(store, meta)


def index_ids(index: object) -> np.ndarray | None:
    """The chunk ids an index holds (None for a kind that does not list them cheaply)."""
    if isinstance(index, faiss.IndexIDMap2) or isinstance(index, faiss.IndexIDMap):
        return faiss.vector_to_array(index.id_map).astype(np.int64)
    if isinstance(index, faiss.IndexIVF):
        invlists = index.invlists
        parts = [faiss.rev_swig_ptr(invlists.get_ids(i), invlists.list_size(i)).copy()
                 for i in range(index.nlist) if invlists.list_size(i)]
        return np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, np.int64)
    return None


def damage(index: object, meta: dict) -> str:
    """Why a loaded index does not hold the vectors its metadata promises ('' when it does)."""
    if index.ntotal != meta.get("rows"):
        return f"holds {index.ntotal} vectors, SQLite has {meta.get('rows')}"
    if meta.get("dim") and index.d != meta["dim"]:
        return f"dimension {index.d}, SQLite vectors have {meta['dim']}"
    ids = index_ids(index)
    if ids is not None and len(ids) and (int(ids.sum()) != meta.get("id_sum")
                                         or int(ids.max()) != meta.get("max_id")):
        return "its chunk ids differ from the SQLite vectors"
    return ""


def stored_vectors(index: object) -> tuple[np.ndarray, np.ndarray] | None:
    """(chunk ids, vectors) as a flat or HNSW index behind an IDMap2 stores them (chunk-id order
    when written), the vectors a view of the index's memory, not a copy; None for another kind
    (IVF keeps its vectors per list)."""
    if not isinstance(index, faiss.IndexIDMap2):
        return None
    inner = faiss.downcast_index(index.index)
    if isinstance(inner, faiss.IndexHNSW):
        inner = faiss.downcast_index(inner.storage)
    if not isinstance(inner, faiss.IndexFlat):
        return None
    n, d = int(inner.ntotal), int(inner.d)
    mat = faiss.rev_swig_ptr(inner.get_xb(), n * d).reshape(n, d) if n else np.zeros((0, d), np.float32)
    return faiss.vector_to_array(index.id_map).astype(np.int64), mat


def vectors_of(index: object, ids: np.ndarray) -> np.ndarray:
    """The vectors of chunk ids read back from an index of any kind (IVF through a hash map of
    its ids, made on first use)."""
    if isinstance(index, faiss.IndexIVF) and index.direct_map.type == faiss.DirectMap.NoMap:
        index.set_direct_map_type(faiss.DirectMap.Hashtable)
    return index.reconstruct_batch(np.ascontiguousarray(ids, dtype=np.int64))


def content_damage(index: object, meta: dict, store=None) -> str:
    """How a loaded index's vectors are not those it was written with: their CRC-32 against the
    one in `meta` (flat and HNSW), and given the store a few rows against SQLite's (every kind)."""
    held = stored_vectors(index)
    if held is not None and meta.get(KEY) is not None and content_sum(*held) != meta[KEY]:
        return "its vectors differ from the checksum recorded when it was written"
    if store is None or not index.ntotal:
        return ""
    ids = held[0] if held is not None else index_ids(index)
    rows = (lambda pos: held[1][pos]) if held is not None else (lambda pos: vectors_of(index, ids[pos]))
    return sampled_damage(store, meta["model"], ids, rows) if ids is not None else ""


def read_flags(reader: bool) -> int:
    """How a process reads the file: a reader memory-maps it, so an IVF index's lists stay on disk
    and only those a query probes are paged in (a 200k-vector IVF file: +2 MB RSS instead of
    +296 MB; flat and HNSW files are read whole either way); a writer reads it into memory to add
    to it."""
    return faiss.IO_FLAG_MMAP if reader else 0


def read_checked(path: Path, meta: dict, store=None) -> tuple[object | None, str]:
    """(index, '') when the file reads and matches `meta` (counts, ids, the checksum of its
    vectors and, given the store, sampled rows of SQLite's); (None, why) when it is damaged."""
    from archivist.retrieval.query_embed import take_index
    reader = store is None or getattr(store, "readonly", False)
    try:
        index = take_index(path) if reader else None
        index = index if index is not None else faiss.read_index(str(path), read_flags(reader))
    except Exception as exc:  # faiss raises RuntimeError with a C++ message for any bad file
        first = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        return None, f"unreadable ({first[:160]})"
    why = damage(index, meta) or content_damage(index, meta, store)
    return (None, why) if why else (index, "")


_LOADED: dict[str, tuple[float, VectorIndex]] = {}


def forget(db: str) -> None:
    """Drop this process's loaded FAISS indexes of the database at path db (a closed corpus)."""
    for key in [k for k in _LOADED if k.startswith(db)]:
        del _LOADED[key]


def read_partial(path: Path, fp: dict, meta: dict) -> VectorIndex | None:
    """A FAISS file written before more vectors were added (embedding in progress, or a killed
    `index embed`): a read-only search uses it as it is, rather than rebuilding an index per
    process; the chunks it lacks are reported as not embedded. None when unusable."""
    if not path.exists() or not fp["rows"] or meta.get("model") != fp["model"]:
        return None
    cached = _LOADED.get(str(path))
    if cached and cached[0] == path.stat().st_mtime and cached[1].meta.get("partial"):
        return cached[1]
    try:
        index = faiss.read_index(str(path))
    except Exception:  # damaged: the normal path rebuilds it with a warning
        return None
    if index.d != fp["dim"] or not 0 < index.ntotal <= fp["rows"]:
        return None
    inner = faiss.downcast_index(index.index) if isinstance(index, faiss.IndexIDMap2) else index
    kind = ("hnsw" if isinstance(inner, faiss.IndexHNSW) else
            "ivf" if isinstance(inner, faiss.IndexIVF) else "flat")
    vi = VectorIndex(index, kind, {**fp, "rows": int(index.ntotal), "kind": kind, "partial": True})
    _LOADED[str(path)] = (path.stat().st_mtime, vi)
    return vi


def ensure_index(store, settings, model: str) -> VectorIndex:
    """The current index for `model`: from this process's cache, the file, or rebuilt; a writer
    also (re)writes the exact-search matrix beside it when that is missing or stale."""
    vi = _ensure_index(store, settings, model)
    if not getattr(store, "readonly", False) and not vi.meta.get("partial"):
        ensure_matrix(store, model)
    return vi


def _ensure_index(store, settings, model: str) -> VectorIndex:
    path, key = index_path(store), str(index_path(store))
    cached = _LOADED.get(key)
    if getattr(store, "readonly", False) and cached and path.exists() and \
            cached[0] == path.stat().st_mtime and is_current(store, model, cached[1].meta):
        return cached[1]  # a read-only archive cannot record the index it rebuilt: keep it in memory
    meta = read_meta(store)
    if getattr(store, "readonly", False) and not is_current(store, model, meta):
        side = read_sidecar(path)  # rebuilt by an earlier read-only process: checked on reading
        if side and is_current(store, model, side):
            meta = side
    wanted = choose_kind(int(meta.get("rows", -1)), settings)
    partial = None
    if not is_current(store, model, meta) and getattr(store, "readonly", False):
        partial = read_partial(path, fingerprint(store, model), meta)
    if partial is not None:  # a reader while `index embed` runs or after it was killed
        vi = partial
    elif not is_current(store, model, meta) or meta.get("kind", "flat") != wanted:
        _LOADED.pop(key, None)
        vi = refresh(store, settings, model, meta)
    else:
        mtime, meta = path.stat().st_mtime, checksummed(store, model, meta, path)
        cached = _LOADED.get(key)
        if cached and cached[0] == mtime and cached[1].meta == meta:
            return cached[1]
        index, why = read_checked(path, meta, store)
        if index is None:
            log.warning("the FAISS cache %s is damaged (%s); rebuilding it from the SQLite "
                        "vectors", path, why)
            vi = rebuild(store, settings, model)
        else:
            vi = VectorIndex(index, meta.get("kind", "flat"), meta)
    _LOADED[key] = (path.stat().st_mtime if path.exists() else 0.0, vi)
    return vi


def checksummed(store, model: str, meta: dict, path: Path) -> dict:
    """`meta` with the checksum of the vectors it describes: as recorded, from the sidecar of a
    reader's rebuild, or, for a file written before checksums, computed from the SQLite vectors
    (what it must hold; once: recorded in SQLite by a writer, beside the file by anyone)."""
    if KEY in meta:
        return meta
    side = read_sidecar(path)
    if side.get(KEY) is not None and all(side.get(k) == v for k, v in fingerprint(store, model).items()):
        return {**meta, KEY: side[KEY]}
    meta = {**meta, KEY: content_sum(*load_vectors(store, model))}
    if not getattr(store, "readonly", False):
        write_meta(store, meta)
    try:
        sidecar(path).write_text(json.dumps(meta))
    except OSError:  # a read-only directory: computed again by the next process
        pass
    return meta


def ensure_matrix(store, model: str) -> None:
    """Write the exact-search matrix when it is missing, stale or not what was written (an archive
    indexed before it existed, a writer's first look after a crash); readers never write a
    missing one."""
    fp = fingerprint(store, model)
    if fp["rows"] and fp["rows"] <= matrix.MAX_ROWS and index_path(store).exists():
        got = matrix.read(index_path(store), fp)
        if got is None or got[2]:
            heal_matrix(store, model, index_path(store), got[2] if got else "")


def search_index(vi: VectorIndex, queries: np.ndarray, k: int,
                 allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(scores, chunk ids) of the top k per query; `allowed` restricts the ids searched."""
    k = max(1, min(k, vi.ntotal))
    queries = np.ascontiguousarray(queries, dtype=np.float32)
    # One query is too small to split: OpenMP threads only add wake-up latency (56 ms vs 1.4 ms
    # p50 measured on a busy 2-core machine for 20k vectors).
    faiss.omp_set_num_threads(1 if len(queries) == 1 else os.cpu_count() or 1)
    ef = max(HNSW_EF_SEARCH, k)
    if allowed is None:
        if vi.kind == "hnsw":
            return vi.index.search(queries, k, params=faiss.SearchParametersHNSW(efSearch=ef))
        return vi.index.search(queries, k)
    sel = faiss.IDSelectorBatch(np.ascontiguousarray(allowed, dtype=np.int64))
    if vi.kind == "ivf":
        params = faiss.SearchParametersIVF(sel=sel, nprobe=vi.index.nprobe)
    elif vi.kind == "hnsw":
        params = faiss.SearchParametersHNSW(sel=sel, efSearch=ef)
    else:
        params = faiss.SearchParameters(sel=sel)
    return vi.index.search(queries, k, params=params)
