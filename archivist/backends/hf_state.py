"""The stateful capability of the transformers backend: a Mamba/Mamba2 model's recurrent state
(conv and SSM state per layer, a transformers cache) read, generated from, dumped and restored.

`read` runs the model's own forward (fused kernels where installed, the chunked scan otherwise):
the fast path. backends/hf_state_reference.py is the plain token-by-token recurrence beside it,
which tests hold it to. A snapshot holds only tensors and strings, so it loads with
`torch.load(weights_only=True)`: nothing in a database can run code.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, Callable

from archivist.backends.base import Message
from archivist.backends.stateful import SnapshotMismatch, StateOutput, StateSpec, StateTag, TextPart
from archivist.backends.text import apply_stop


def read(model, input_ids, cache=None):
    """Advance the model's recurrent state over input_ids; returns (logits of the last token, cache).
    The cache must be passed as `cache=` (the deprecated past_key_values path does not continue a
    recurrent state)."""
    import torch
    with torch.no_grad():
        out = model(input_ids, cache=cache, use_cache=True)
    return out.logits[:, -1], out.past_key_values


def greedy(model, logits, cache, max_new: int, stop_ids: set[int], should_stop=None,
           step: Callable = read) -> list[int]:
    """Greedy decoding from a state: `logits` are the last read token's; each chosen token is read
    into `cache` by `step` (this module's read, or the reference's) before the next is chosen.
    Stops at a stop id (not returned), after max_new tokens, or when should_stop(ids so far) says so."""
    import torch
    out: list[int] = []
    for _ in range(max_new):
        tid = int(logits.argmax(dim=-1).reshape(-1)[0].item())
        if tid in stop_ids:
            break
        out.append(tid)
        if len(out) == max_new or (should_stop is not None and should_stop(out)):
            break
        logits, cache = step(model, torch.tensor([[tid]], device=model.device), cache)
    return out


def _layers(cache):
    return [layer for layer in cache.layers if hasattr(layer, "recurrent_states")]


def plain_states(cache) -> list[dict[str, dict[str, Any]]]:
    """Each recurrent layer's conv and SSM state tensors, detached: a snapshot's layout."""
    return [{"conv": {str(k): v.detach() for k, v in layer.conv_states.items()},
             "recurrent": {str(k): v.detach() for k, v in layer.recurrent_states.items()}}
            for layer in _layers(cache)]


def dump_plain(states: list[dict], tag: StateTag) -> bytes:
    """States in plain_states' layout and their tag as bytes (torch.save of tensors and strings)."""
    import torch
    cpu = [{part: {k: v.cpu() for k, v in saved[part].items()} for part in ("conv", "recurrent")}
           for saved in states]
    buf = io.BytesIO()
    torch.save({"tag": [tag.model, tag.dtype, tag.input_hash, tag.n_tokens], "states": cpu}, buf)
    return buf.getvalue()


def dump(cache, tag: StateTag) -> bytes:
    """The cache's state tensors and their tag as bytes."""
    return dump_plain(plain_states(cache), tag)


def load_plain(blob: bytes, expect: StateTag) -> list[dict]:
    """A snapshot's states (on the CPU), refused unless its tag equals `expect`."""
    import torch
    data = torch.load(io.BytesIO(blob), weights_only=True)
    found = StateTag(*data["tag"])
    if found != expect:
        raise SnapshotMismatch(f"snapshot of {found} cannot be restored as {expect}")
    return data["states"]


def restore(model, blob: bytes, expect: StateTag):
    """A cache holding the snapshot's state, ready for `read(model, more_ids, cache)`; refused
    unless model, dtype and the hash of the tokens read all match `expect`."""
    import torch
    from transformers import DynamicCache
    states = load_plain(blob, expect)
    cache = DynamicCache(config=model.config)
    seed = torch.zeros((1, 1), dtype=torch.long, device=model.device)
    with torch.no_grad():  # one step builds every layer's state buffers; they are overwritten below
        model(seed, cache=cache, use_cache=True)
    for layer, saved in zip(_layers(cache), states):
        for k, v in saved["conv"].items():
            layer.conv_states[int(k)].copy_(v.to(layer.conv_states[int(k)].device))
        for k, v in saved["recurrent"].items():
            layer.recurrent_states[int(k)].copy_(v.to(layer.recurrent_states[int(k)].device))
    return cache


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


def attention_twin(config) -> SimpleNamespace:
    """An attention model of the SSM's width and depth (64-dim heads, each keeping K and V): what
    its KV cache for the same tokens would weigh."""
    heads = max(1, config.hidden_size // 64)
    return SimpleNamespace(num_hidden_layers=config.num_hidden_layers, num_attention_heads=heads,
                           num_key_value_heads=heads, head_dim=config.hidden_size // heads,
                           hidden_size=config.hidden_size)


@dataclass
class HFState:
    """A transformers cache and the logits of the last token read into it (None right after a
    restore: read something before generating)."""

    cache: Any
    logits: Any = None


class HFStateful:
    """Capability.STATEFUL for TransformersLLM (which supplies model, tok, name, eos_ids, _lock)."""

    def state_spec(self) -> StateSpec:
        per_token = kv_cache_bytes(attention_twin(self.model.config), 1, dtype_bytes(self.model.dtype))
        return StateSpec(self.name, str(self.model.dtype).removeprefix("torch."), per_token)

    def prefill_text(self, messages: list[Message]) -> str:
        """The prompt as text, the model continuing its last message (the answer's opening)."""
        if getattr(self.tok, "chat_template", None):
            chat = [{"role": m.role, "content": m.content} for m in messages]
            return self.tok.apply_chat_template(chat, tokenize=False, continue_final_message=True)
        return "".join(f"{m.role}: {m.content}\n" for m in messages[:-1]) + \
            f"{messages[-1].role}: {messages[-1].content}"

    def encode(self, text: str, part: TextPart) -> list[int]:
        if part is TextPart.START:
            return self.tok(text, add_special_tokens=not getattr(self.tok, "chat_template", None)).input_ids
        return self.tok(text, add_special_tokens=False,
                        split_special_tokens=part is TextPart.DATA).input_ids

    def decode(self, ids: list[int]) -> str:
        return self.tok.decode(ids, skip_special_tokens=True)

    def read_state(self, ids: list[int], state: HFState | None = None) -> HFState:
        import torch
        with self._lock, torch.no_grad():
            tensor = torch.tensor([ids], dtype=torch.long, device=self.model.device)
            logits, cache = read(self.model, tensor, state.cache if state is not None else None)
        return HFState(cache, logits)

    def generate_from_state(self, state: HFState, max_tokens: int, stop: list[str]) -> StateOutput:
        """Greedy tokens until an end-of-text token, max_tokens or a stop string; the state moves on."""
        import torch
        stop_ids = set(self.eos_ids) or {self.tok.eos_token_id}

        def stopped(ids: list[int]) -> bool:  # a stop string in the text so far
            text = self.decode(ids)
            return bool(stop) and apply_stop(text, stop) != text

        with self._lock, torch.no_grad():
            ids = greedy(self.model, state.logits, state.cache, max_tokens, stop_ids, stopped)
        return StateOutput(ids, apply_stop(self.decode(ids), stop))

    def dump_state(self, state: HFState, tag: StateTag) -> bytes:
        return dump(state.cache, tag)

    def restore_state(self, blob: bytes, expect: StateTag) -> HFState:
        with self._lock:
            return HFState(restore(self.model, blob, expect))
