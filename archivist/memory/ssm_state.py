"""SSM state as memory: a recurrent model (Mamba/Mamba2 in transformers) reads a group's documents
once; its state after each document is a snapshot that replaces re-reading them. This module keeps
the snapshots in SQLite (table ssm_snapshots) and hashes the tokens they read; the state itself
is the backend's (Capability.STATEFUL, backends/stateful.py).

A snapshot is tagged with the model, the dtype and a hash of the exact token ids read; restoring
it under any other model, dtype or input is refused. Its size is fixed by the model (layers x
heads x state), unlike an attention model's KV cache, which grows with every token read.
"""
from __future__ import annotations

import hashlib
from datetime import datetime, timezone

from archivist.backends.stateful import SnapshotMismatch, StateTag as Tag

__all__ = ["SnapshotMismatch", "Tag", "tokens_hash", "RunningHash", "save", "load_tag", "delete", "load"]


def tokens_hash(ids) -> str:
    """Hash of the exact token ids a state has read (a flat list or a [1, n] tensor)."""
    flat = ids.reshape(-1).tolist() if hasattr(ids, "reshape") else list(ids)
    return hashlib.sha256(",".join(map(str, flat)).encode()).hexdigest()[:32]


class RunningHash:
    """tokens_hash of everything fed so far, updated piece by piece (a group read document by
    document is hashed in one pass, not once per prefix)."""

    def __init__(self) -> None:
        self._h, self.n_tokens = hashlib.sha256(), 0

    def feed(self, ids: list[int]) -> str:
        if ids:
            self._h.update(((',' if self.n_tokens else '') + ",".join(map(str, ids))).encode())
            self.n_tokens += len(ids)
        return self._h.copy().hexdigest()[:32]


def save(store, key: str, blob: bytes, tag: Tag) -> None:
    store.conn.execute(
        "INSERT OR REPLACE INTO ssm_snapshots (key, model, dtype, input_hash, n_tokens, n_bytes, "
        "state, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (key, tag.model, tag.dtype, tag.input_hash, tag.n_tokens, len(blob), blob,
         datetime.now(timezone.utc).isoformat(timespec="seconds")))
    store.conn.commit()


def load_tag(store, key: str) -> Tag | None:
    """The tag of a stored snapshot, without reading its state."""
    row = store.conn.execute("SELECT model, dtype, input_hash, n_tokens FROM ssm_snapshots WHERE key = ?",
                             (key,)).fetchone()
    return Tag(*row) if row else None


def delete(store, key: str) -> None:
    store.conn.execute("DELETE FROM ssm_snapshots WHERE key = ?", (key,))
    store.conn.commit()


def load(store, key: str) -> tuple[bytes, Tag] | None:
    row = store.conn.execute("SELECT state, model, dtype, input_hash, n_tokens FROM ssm_snapshots "
                             "WHERE key = ?", (key,)).fetchone()
    return (row[0], Tag(row[1], row[2], row[3], row[4])) if row else None
