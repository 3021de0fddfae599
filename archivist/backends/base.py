"""The two protocols every backend implements, the optional capabilities a backend declares, and
the name -> factory tables backends register into (registry.py builds LLMs from them)."""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any, Callable, Iterator, Literal, Protocol, runtime_checkable

from archivist.errors import ConfigError

if TYPE_CHECKING:  # numpy costs every command ~0.1 s of imports; only embedders need it
    import numpy as np

Kind = Literal["attention", "ssm", "hybrid", "echo", "remote"]


@dataclass
class Message:
    role: str  # system | user | assistant
    content: str


@dataclass
class GenerateOptions:
    max_tokens: int = 160
    temperature: float = 0.0
    seed: int = 0
    stop: list[str] = field(default_factory=list)
    choices: list[str] | None = None  # constrained choice: output is exactly one of these
    json_schema: dict[str, Any] | None = None


class Capability(Enum):
    """What a backend can do beyond its protocol, declared in its class's `capabilities`."""

    BATCH = "batch"  # generate_batch(prompts, options): several prompts in one call
    STATEFUL = "stateful"  # backends/stateful.StatefulLLM: a recurrent state read, dumped, restored
    TOKEN_LIMIT = "token_limit"  # an embedder's limit_tokens(n): embed only a text's first n tokens
    # a chunking tokenizer's prime(texts), spans(text), span_counts(text, parts), count_upto(text, n):
    # token offsets and counts without a Python tuple per token
    TOKEN_SPANS = "token_spans"


def supports(backend: Any, capability: Capability) -> bool:
    """Whether a backend declares the capability (a backend declaring none has none)."""
    return capability in getattr(backend, "capabilities", frozenset())


@runtime_checkable
class LLM(Protocol):
    name: str
    kind: Kind

    def generate(self, messages: list[Message], stream: bool = False,
                 options: GenerateOptions | None = None) -> Iterator[str] | str: ...

    def count_tokens(self, text: str) -> int: ...

    @property
    def context_window(self) -> int: ...


@runtime_checkable
class Embedder(Protocol):
    name: str  # identifies model + precision; vectors of different names never mix
    dim: int

    def embed(self, texts: list[str]) -> np.ndarray: ...  # float32 (n, dim), L2-normalised

    def count_tokens(self, text: str) -> int: ...


LLM_REGISTRY: dict[str, Callable[..., LLM]] = {}
EMBEDDER_REGISTRY: dict[str, Callable[..., Embedder]] = {}


def register_llm(name: str) -> Callable:
    def deco(factory: Callable[..., LLM]) -> Callable[..., LLM]:
        LLM_REGISTRY[name] = factory
        return factory
    return deco


def register_embedder(name: str) -> Callable:
    def deco(factory: Callable[..., Embedder]) -> Callable[..., Embedder]:
        EMBEDDER_REGISTRY[name] = factory
        return factory
    return deco


def lookup(registry: dict[str, Callable], name: str, what: str) -> Callable:
    if name not in registry:
        raise ConfigError(f"unknown {what} {name!r}; known: {', '.join(sorted(registry))}")
    return registry[name]
