"""SSM state as memory: a recurrent model (Mamba/Mamba2 in transformers) reads a group's documents
once; its state after each document is a snapshot that replaces re-reading them.

A snapshot holds only tensors (conv and recurrent state per layer), so it loads with
`torch.load(weights_only=True)`: nothing in a database can run code. It is tagged with the model,
the dtype and a hash of the exact token ids read; restoring it under any other model, dtype or
input is refused. Its size is fixed by the model (layers x heads x state), unlike an attention
model's KV cache, which grows with every token read.
"""
from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import datetime, timezone

from archivist.errors import ArchivistError


class SnapshotMismatch(ArchivistError):
    """The snapshot was made by another model, dtype or input than the one restoring it."""


@dataclass(frozen=True)
class Tag:
    model: str
    dtype: str
    input_hash: str
    n_tokens: int


def tokens_hash(ids) -> str:
    """Hash of the exact token ids a state has read (a flat list or a [1, n] tensor)."""
    flat = ids.reshape(-1).tolist() if hasattr(ids, "reshape") else list(ids)
    return hashlib.sha256(",".join(map(str, flat)).encode()).hexdigest()[:32]


def read(model, input_ids, cache=None):
    """Advance the model's recurrent state over input_ids; returns (logits of the last token, cache).
    The cache must be passed as `cache=` (the deprecated past_key_values path does not continue a
    recurrent state)."""
    import torch
    with torch.no_grad():
        out = model(input_ids, cache=cache, use_cache=True)
    return out.logits[:, -1], out.past_key_values


def _layers(cache):
    return [layer for layer in cache.layers if hasattr(layer, "recurrent_states")]


def dump(cache, tag: Tag) -> bytes:
    """The state tensors and their tag as bytes (torch.save of plain tensors and strings)."""
    import torch
    states = [{"conv": {str(k): v.detach().cpu() for k, v in layer.conv_states.items()},
               "recurrent": {str(k): v.detach().cpu() for k, v in layer.recurrent_states.items()}}
              for layer in _layers(cache)]
    buf = io.BytesIO()
    torch.save({"tag": [tag.model, tag.dtype, tag.input_hash, tag.n_tokens], "states": states}, buf)
    return buf.getvalue()


def restore(model, blob: bytes, expect: Tag):
    """A cache holding the snapshot's state, ready for `read(model, more_ids, cache)`; refused
    unless model, dtype and the hash of the tokens read all match `expect`."""
    import torch
    data = torch.load(io.BytesIO(blob), weights_only=True)
    found = Tag(*data["tag"])
    if found != expect:
        raise SnapshotMismatch(f"snapshot of {found} cannot be restored as {expect}")
    from transformers import DynamicCache
    cache = DynamicCache(config=model.config)
    seed = torch.zeros((1, 1), dtype=torch.long, device=model.device)
    with torch.no_grad():  # one step builds every layer's state buffers; they are overwritten below
        model(seed, cache=cache, use_cache=True)
    for layer, saved in zip(_layers(cache), data["states"]):
        for k, v in saved["conv"].items():
            layer.conv_states[int(k)].copy_(v.to(layer.conv_states[int(k)].device))
        for k, v in saved["recurrent"].items():
            layer.recurrent_states[int(k)].copy_(v.to(layer.recurrent_states[int(k)].device))
    return cache


def save(store, key: str, blob: bytes, tag: Tag) -> None:
    store.conn.execute(
        "INSERT OR REPLACE INTO ssm_snapshots (key, model, dtype, input_hash, n_tokens, n_bytes, "
        "state, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (key, tag.model, tag.dtype, tag.input_hash, tag.n_tokens, len(blob), blob,
         datetime.now(timezone.utc).isoformat(timespec="seconds")))
    store.conn.commit()


def load(store, key: str) -> tuple[bytes, Tag] | None:
    row = store.conn.execute("SELECT state, model, dtype, input_hash, n_tokens FROM ssm_snapshots "
                             "WHERE key = ?", (key,)).fetchone()
    return (row[0], Tag(row[1], row[2], row[3], row[4])) if row else None


def kv_cache_bytes(config, n_tokens: int, bytes_per_value: int = 2) -> int:
    """What an attention model with this config keeps for n_tokens: K and V per layer and head."""
    heads = getattr(config, "num_key_value_heads", None) or config.num_attention_heads
    head_dim = getattr(config, "head_dim", None) or config.hidden_size // config.num_attention_heads
    return 2 * config.num_hidden_layers * heads * head_dim * n_tokens * bytes_per_value
