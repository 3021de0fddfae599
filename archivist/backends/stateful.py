"""The stateful capability (Capability.STATEFUL): a recurrent model reads tokens into a state of
fixed size, generates from it, and dumps it to bytes that restore it later, in another process.

A snapshot is tagged with the model, the dtype and a hash of the exact token ids read; restoring
it under any other tag is refused (SnapshotMismatch). What to read, and where snapshots are kept,
is the caller's (memory/ssm_reader.py, memory/ssm_state.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any, Protocol

from archivist.backends.base import Message
from archivist.errors import ArchivistError


class SnapshotMismatch(ArchivistError):
    """The snapshot was made by another model, dtype or input than the one restoring it."""


@dataclass(frozen=True)
class StateTag:
    """What a snapshot's state was made by and from: restored only under an equal tag."""

    model: str
    dtype: str
    input_hash: str
    n_tokens: int


@dataclass(frozen=True)
class StateSpec:
    """The model side of a tag, and what an attention model of the same width and depth would
    keep per token read (its KV cache), the size a fixed-size state is compared with."""

    model: str
    dtype: str
    kv_bytes_per_token: int

    def tag(self, input_hash: str, n_tokens: int) -> StateTag:
        return StateTag(self.model, self.dtype, input_hash, n_tokens)


class TextPart(Enum):
    """How a piece of a prompt becomes tokens."""

    START = "start"  # the prompt's opening: the tokenizer's own specials unless a chat template wrote them
    TEMPLATE = "template"  # prompt text: special-token strings in it are special tokens
    DATA = "data"  # documents and questions: special-token strings in them stay plain text


@dataclass
class StateOutput:
    """Tokens generated from a state (the stop token excluded) and their text, cut at a stop string."""

    ids: list[int]
    text: str


class StatefulLLM(Protocol):
    """The methods of a backend declaring Capability.STATEFUL. A state is opaque to the caller;
    reading into it or generating from it advances it in place."""

    def state_spec(self) -> StateSpec: ...

    def prefill_text(self, messages: list[Message]) -> str: ...  # chat template, continuing the last message

    def encode(self, text: str, part: TextPart) -> list[int]: ...

    def decode(self, ids: list[int]) -> str: ...

    def read_state(self, ids: list[int], state: Any = None) -> Any: ...

    def generate_from_state(self, state: Any, max_tokens: int, stop: list[str]) -> StateOutput: ...

    def dump_state(self, state: Any, tag: StateTag) -> bytes: ...

    def restore_state(self, blob: bytes, expect: StateTag) -> Any: ...
