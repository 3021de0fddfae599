"""What the FAISS cache next to a database must match, read without importing FAISS: its path,
the exact-search matrix's files beside it, the fingerprint recorded in SQLite (index_meta) and
beside the file (a read-only process cannot write SQLite), and whether they are current. Light to
import (no FAISS, no numpy): `archivist search` reads these paths before anything else loads. A one-shot search checks these before it decides it
needs no FAISS at all (search.exact_matrix)."""
from __future__ import annotations

import json
from pathlib import Path

META_KEY = "faiss"


def faiss_file(db: Path | str) -> Path:
    """The FAISS file beside a database file."""
    return Path(str(db) + ".faiss")


def index_path(store) -> Path:
    return faiss_file(store.path)


def matrix_files(index: Path) -> tuple[Path, Path, Path]:
    """(matrix, chunk ids, fingerprint) of the exact-search matrix beside a FAISS file
    (retrieval/matrix.py)."""
    base = str(index)
    return Path(base + ".npy"), Path(base + ".ids.npy"), Path(base + ".npy.json")


def sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def read_sidecar(path: Path) -> dict:
    """The fingerprint written beside the FAISS file ({} when none or unreadable)."""
    try:
        return json.loads(sidecar(path).read_text())
    except (OSError, ValueError):
        return {}


def read_meta(store) -> dict:
    raw = store.scalar("SELECT value FROM index_meta WHERE key = ?", (META_KEY,))
    return json.loads(raw) if raw else {}


def write_meta(store, meta: dict) -> None:
    with store.conn:
        store.conn.execute("INSERT OR REPLACE INTO index_meta (key, value) VALUES (?, ?)",
                           (META_KEY, json.dumps(meta)))


def is_current(store, model: str, meta: dict | None = None) -> bool:
    from archivist.retrieval.vectors import fingerprint  # numpy: not for the light callers
    meta = read_meta(store) if meta is None else meta
    fp = fingerprint(store, model)
    return index_path(store).exists() and all(meta.get(k) == v for k, v in fp.items())
