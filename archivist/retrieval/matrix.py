"""Exact dense search over a memory-mapped matrix of the vectors: what a one-shot search process
(`archivist search` from the shell) uses instead of FAISS when the archive is not huge.

Importing FAISS (~0.25 s of Python, holding the GIL the query embedder's load also wants) and
reading an HNSW file (~0.1 s) cost more than the search itself up to a few hundred thousand
chunks, where one matrix product over a memory-mapped float32 matrix takes milliseconds and is
exact. The matrix (`<db>.faiss.npy`, chunk ids in `<db>.faiss.ids.npy`, their fingerprint in
`<db>.faiss.npy.json`) is written whenever the FAISS file is rebuilt, and is used only when it
holds exactly the vectors SQLite has (the FAISS fingerprint: model, dim, rows, id checksum) and
the FAISS file beside it is current and the very file it was written with; otherwise the search
goes through FAISS as before (which rebuilds a stale or damaged file, and then the matrix). Its
content is checked too, against the CRC-32 recorded with it (retrieval/cache_content.py): a matrix
that still reads but holds other vectors is rebuilt from SQLite, the source of truth.
"""
from __future__ import annotations

import io
import json
import os
from pathlib import Path

import numpy as np

from archivist.retrieval.cache_content import KEY, UNRECORDED, content_sum
from archivist.retrieval.faiss_meta import matrix_files as paths

MAX_ROWS = 300_000  # 460 MB of float32 at dim 384: beyond it FAISS alone (HNSW/IVF)
_LOADED: dict[str, tuple[tuple, dict, np.ndarray, np.ndarray]] = {}


def forget(db: str) -> None:
    """Drop this process's loaded matrices of the database at path db (a closed corpus)."""
    for key in [k for k in _LOADED if k.startswith(db)]:
        del _LOADED[key]


def _record(index_path: Path, fp: dict) -> dict:
    """The fingerprint plus the FAISS file's size and mtime: the matrix serves only beside the
    FAISS file it was written with, so a damaged or replaced FAISS file is still found (and
    rebuilt) by the FAISS path."""
    st = index_path.stat()
    return {**fp, "faiss_size": st.st_size, "faiss_mtime_ns": st.st_mtime_ns}


def write(index_path: Path, ids: np.ndarray, mat: np.ndarray, fp: dict) -> None:
    """Write the matrix files (atomically each; the fingerprint and content checksum last, so a
    half-written set is never taken for current); remove them when the archive is too large for
    an exact search."""
    mat_path, ids_path, fp_path = paths(index_path)
    if not 0 < len(ids) <= MAX_ROWS:
        for p in (fp_path, mat_path, ids_path):
            p.unlink(missing_ok=True)
        return
    fp_path.unlink(missing_ok=True)
    ids, mat = np.asarray(ids, dtype=np.int64), np.ascontiguousarray(mat, dtype=np.float32)
    for path, array in ((ids_path, ids), (mat_path, mat)):
        tmp = path.with_name(path.name + f".tmp{os.getpid()}.npy")
        np.save(tmp, array)
        os.replace(tmp, path)
    _write_record(fp_path, {**_record(index_path, fp), KEY: content_sum(ids, mat)})


def _write_record(fp_path: Path, record: dict) -> None:
    """The fingerprint and checksum beside the matrix, atomically (written last: a set without it
    is never taken for current)."""
    tmp = fp_path.with_name(fp_path.name + f".tmp{os.getpid()}")
    tmp.write_text(json.dumps(record))
    os.replace(tmp, fp_path)


def _files(*files: Path) -> tuple:
    """What tells the files apart from a rewrite: inode, size and mtime of each."""
    return tuple((s.st_ino, s.st_size, s.st_mtime_ns) for s in (p.stat() for p in files))


FP_KEYS = ("model", "dim", "rows", "id_sum", "max_id")


def append(index_path: Path, before: dict, ids: np.ndarray, mat: np.ndarray, fp: dict) -> bool:
    """Add rows (chunk ids above every id held, so the files stay in chunk-id order) to matrix
    files recorded as holding the vectors of `before`, in place, and record `fp` beside the FAISS
    file now on disk: adding 100 emails to 150k wrote 210 MB here each time. The checksum is
    extended from the recorded one, not from the rows read back, so rows damaged before still fail
    the next reader's check. False (nothing written) when the record is not `before`'s or the
    archive outgrew the exact path; then the caller writes the files whole, or removes them."""
    mat_path, ids_path, fp_path = paths(index_path)
    try:
        record = json.loads(fp_path.read_text())
    except (OSError, ValueError):
        return False
    if KEY not in record or any(record.get(k) != before.get(k) for k in FP_KEYS) or \
            not 0 < fp["rows"] <= MAX_ROWS or fp["rows"] != before["rows"] + len(ids):
        return False
    ids, mat = np.asarray(ids, dtype=np.int64), np.ascontiguousarray(mat, dtype=np.float32)
    fp_path.unlink()  # a set cut short below has no record: never taken for current, written anew
    try:
        _append_rows(ids_path, ids, before["rows"])
        _append_rows(mat_path, mat, before["rows"])
    except ValueError:
        return False
    record = {**_record(index_path, fp), KEY: content_sum(ids, mat, record[KEY])}
    _write_record(fp_path, record)
    # this process wrote them: it need not sum every row again to use them (a reader will)
    _LOADED[str(fp_path)] = (_files(fp_path, ids_path, mat_path), record, np.load(ids_path),
                             np.load(mat_path, mmap_mode="r"))
    return True


def _append_rows(path: Path, rows: np.ndarray, held: int) -> None:
    """Write `rows` after the `held` rows of the .npy file at `path` and its header's new shape
    (numpy leaves room in the header for the first axis to grow). ValueError when the file is not
    `held` rows of that kind or its header has no room."""
    with open(path, "r+b") as f:
        version = np.lib.format.read_magic(f)
        read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                       else np.lib.format.read_array_header_2_0)
        shape, fortran, dtype = read_header(f)
        start, row_bytes = f.tell(), rows[:1].nbytes if len(rows) else 0
        if fortran or dtype != rows.dtype or shape[1:] != rows.shape[1:] or shape[0] != held or \
                os.fstat(f.fileno()).st_size != start + held * row_bytes:
            raise ValueError(f"{path.name} does not hold the {held} rows recorded")
        header = io.BytesIO()
        write_header = (np.lib.format.write_array_header_1_0 if version == (1, 0)
                        else np.lib.format.write_array_header_2_0)
        write_header(header, {"descr": np.lib.format.dtype_to_descr(dtype), "fortran_order": False,
                              "shape": (held + len(rows), *shape[1:])})
        if header.tell() != start:  # the magic string and version included
            raise ValueError(f"{path.name}: no room in its header for {held + len(rows)} rows")
        f.seek(start + held * row_bytes)
        f.write(rows.tobytes())
        f.seek(0)
        f.write(header.getvalue())


def read(index_path: Path, fp: dict) -> tuple[np.ndarray, np.ndarray, str] | None:
    """(chunk ids, memory-mapped matrix, why) when the record says the files hold the vectors of
    `fp` beside this FAISS file; `why` says how their content is not what was written ('' when it
    is: the CRC-32 of every byte matches). None when missing or stale (a search goes through
    FAISS). Summed once per process for the same files (inode, size and mtime)."""
    mat_path, ids_path, fp_path = paths(index_path)
    want = _record(index_path, fp) if index_path.exists() else None
    try:
        record = json.loads(fp_path.read_text())
        if want is None or {k: record.get(k) for k in want} != want:
            return None
        files = _files(fp_path, ids_path, mat_path)
    except (OSError, ValueError):
        return None
    cached = _LOADED.get(str(fp_path))
    if cached and cached[0] == files and cached[1] == record:
        return cached[2], cached[3], ""
    try:
        ids = np.load(ids_path)
        mat = np.load(mat_path, mmap_mode="r")
    except (OSError, ValueError) as exc:
        return np.zeros(0, np.int64), np.zeros((0, fp["dim"]), np.float32), f"unreadable ({exc})"
    if len(ids) != fp["rows"] or mat.shape != (fp["rows"], fp["dim"]) or ids.dtype != np.int64:
        return ids, mat, f"holds {mat.shape} vectors for {len(ids)} ids, SQLite has {fp['rows']}"
    if record.get(KEY) != content_sum(ids, mat):
        return ids, mat, (UNRECORDED if KEY not in record else
                          "its vectors differ from the checksum recorded when it was written")
    _LOADED[str(fp_path)] = (files, record, ids, mat)
    return ids, mat, ""


def load(index_path: Path, fp: dict) -> tuple[np.ndarray, np.ndarray] | None:
    """(chunk ids, memory-mapped matrix) when the files hold exactly the vectors of `fp`, as
    written (read() found nothing wrong)."""
    got = read(index_path, fp)
    return got[:2] if got is not None and not got[2] else None


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
