"""Exact dense search over a memory-mapped matrix of the vectors: what a one-shot search process
(`archivist search` from the shell) uses instead of FAISS when the archive is not huge.

Importing FAISS (~0.25 s of Python, holding the GIL the query embedder's load also wants) and
reading an HNSW file (~0.1 s) cost more than the search itself up to a few hundred thousand
chunks, where one matrix product over a memory-mapped float32 matrix takes milliseconds and is
exact. The matrix (`<db>.faiss.npy`, chunk ids in `<db>.faiss.ids.npy`, their fingerprint in
`<db>.faiss.npy.json`) is written whenever the FAISS file is rebuilt, and is used only when it
holds exactly the vectors SQLite has (the FAISS fingerprint: model, dim, rows, id checksum) and
the FAISS file beside it is current and the very file it was written with; otherwise the search
goes through FAISS as before (which rebuilds a stale or damaged file, and then the matrix). Like the FAISS file it is a cache: SQLite
is the source of truth.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from archivist.retrieval.faiss_meta import matrix_files as paths

MAX_ROWS = 300_000  # 460 MB of float32 at dim 384: beyond it FAISS alone (HNSW/IVF)
_LOADED: dict[str, tuple[float, dict, np.ndarray, np.ndarray]] = {}


def _record(index_path: Path, fp: dict) -> dict:
    """The fingerprint plus the FAISS file's size and mtime: the matrix serves only beside the
    FAISS file it was written with, so a damaged or replaced FAISS file is still found (and
    rebuilt) by the FAISS path."""
    st = index_path.stat()
    return {**fp, "faiss_size": st.st_size, "faiss_mtime_ns": st.st_mtime_ns}


def write(index_path: Path, ids: np.ndarray, mat: np.ndarray, fp: dict) -> None:
    """Write the matrix files (atomically each; the fingerprint last, so a half-written set is
    never taken for current); remove them when the archive is too large for an exact search."""
    mat_path, ids_path, fp_path = paths(index_path)
    if not 0 < len(ids) <= MAX_ROWS:
        for p in (fp_path, mat_path, ids_path):
            p.unlink(missing_ok=True)
        return
    fp_path.unlink(missing_ok=True)
    for path, array in ((ids_path, np.asarray(ids, dtype=np.int64)),
                        (mat_path, np.ascontiguousarray(mat, dtype=np.float32))):
        tmp = path.with_name(path.name + f".tmp{os.getpid()}.npy")
        np.save(tmp, array)
        os.replace(tmp, path)
    tmp = fp_path.with_name(fp_path.name + f".tmp{os.getpid()}")
    tmp.write_text(json.dumps(_record(index_path, fp)))
    os.replace(tmp, fp_path)


def load(index_path: Path, fp: dict) -> tuple[np.ndarray, np.ndarray] | None:
    """(chunk ids, memory-mapped matrix) when the files hold exactly the vectors of `fp`."""
    mat_path, ids_path, fp_path = paths(index_path)
    try:
        mtime, want = fp_path.stat().st_mtime, _record(index_path, fp)
        cached = _LOADED.get(str(fp_path))
        if cached and cached[0] == mtime and cached[1] == want:
            return cached[2], cached[3]
        if json.loads(fp_path.read_text()) != want:
            return None
        ids = np.load(ids_path)
        mat = np.load(mat_path, mmap_mode="r")
    except (OSError, ValueError):
        return None
    if (len(ids) != fp["rows"] or not len(ids) or int(ids.sum()) != fp["id_sum"]
            or int(ids.max()) != fp["max_id"] or mat.shape != (fp["rows"], fp["dim"])):
        return None
    _LOADED[str(fp_path)] = (mtime, want, ids, mat)
    return ids, mat


def search(ids: np.ndarray, mat: np.ndarray, query: np.ndarray, n: int,
           allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
    """(chunk id, cosine) of the best n rows, restricted to `allowed` chunk ids when given."""
    scores = np.asarray(mat @ np.asarray(query, dtype=np.float32).reshape(-1))
    if allowed is not None:
        scores = np.where(np.isin(ids, allowed), scores, -np.inf)
    n = min(n, len(scores))
    top = np.argpartition(-scores, n - 1)[:n] if n < len(scores) else np.arange(len(scores))
    top = top[np.argsort(-scores[top], kind="stable")]
    return [(int(ids[i]), float(scores[i])) for i in top if np.isfinite(scores[i])]
