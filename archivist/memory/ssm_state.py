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


def read(model, input_ids, cache=None):
    """Advance the model's recurrent state over input_ids; returns (logits of the last token, cache).
    The cache must be passed as `cache=` (the deprecated past_key_values path does not continue a
    recurrent state)."""
    import torch
    with torch.no_grad():
        out = model(input_ids, cache=cache, use_cache=True)
    return out.logits[:, -1], out.past_key_values


def greedy(model, logits, cache, max_new: int, stop_ids: set[int], should_stop=None) -> list[int]:
    """Greedy decoding from a state: `logits` are the last read token's; each chosen token is read
    into `cache` (one step) before the next is chosen. Stops at a stop id (not returned), after
    max_new tokens, or when should_stop(ids so far) says so."""
    import torch
    out: list[int] = []
    for _ in range(max_new):
        tid = int(logits.argmax(dim=-1).reshape(-1)[0].item())
        if tid in stop_ids:
            break
        out.append(tid)
        if len(out) == max_new or (should_stop is not None and should_stop(out)):
            break
        logits, cache = read(model, torch.tensor([[tid]], device=model.device), cache)
    return out


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


def state_bytes(config, bytes_per_value: int = 4) -> int:
    """Bytes of a Mamba2 state from its config (conv + SSM state per layer), what a snapshot holds
    before serialisation overhead; the same for 10 tokens read or 10 million."""
    inner = int(config.expand * config.hidden_size)
    conv = (inner + 2 * config.n_groups * config.state_size) * config.conv_kernel
    ssm = config.num_heads * config.head_dim * config.state_size
    return config.num_hidden_layers * (conv + ssm) * bytes_per_value


def dtype_bytes(dtype) -> int:
    """Bytes per value of a torch dtype (or its name)."""
    import torch
    dt = getattr(torch, str(dtype).removeprefix("torch.")) if not isinstance(dtype, torch.dtype) else dtype
    return torch.empty((), dtype=dt).element_size()


def kv_cache_bytes(config, n_tokens: int, bytes_per_value: int = 2) -> int:
    """What an attention model with this config keeps for n_tokens: K and V per layer and head."""
    heads = getattr(config, "num_key_value_heads", None) or config.num_attention_heads
    head_dim = getattr(config, "head_dim", None) or config.hidden_size // config.num_attention_heads
    return 2 * config.num_hidden_layers * heads * head_dim * n_tokens * bytes_per_value
