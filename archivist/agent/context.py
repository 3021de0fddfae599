"""The agent's records: the run-scoped context (dependencies handed to every graph node through
LangGraph's runtime), the graph state, and one strategy attempt.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, TypedDict

from archivist.backends.base import LLM, GenerateOptions, Message
from archivist.config import Settings
from archivist.records import Citation, Filters
from archivist.store import Store

STRATEGIES = ("rag", "stuff", "memory", "query")
DEFAULT_WINDOW = 8192  # assumed before the model is loaded (SmolLM2's window)


_LOADED: dict[tuple, LLM] = {}  # models loaded in this process, reused across runs and turns


def cached_llm(settings: Settings) -> LLM:
    """The LLM the settings name, loaded once per process (echo is cheap and stateful: fresh)."""
    from archivist.backends.registry import load_llm
    if settings.llm == "echo":
        return load_llm(settings)
    key = (settings.llm, settings.llm_model, settings.llm_base_url, settings.device)
    if key not in _LOADED:
        _LOADED[key] = load_llm(settings)
    return _LOADED[key]


@dataclass
class AgentContext:
    """Dependencies of one run; nodes read them from `runtime.context`, never from globals."""

    store: Store
    settings: Settings
    llm: LLM | None = None  # loaded lazily: exact queries never load a model
    search: Callable[..., list] | None = None  # retrieval.search.search by default
    on_token: Callable[[str], None] | None = None  # streaming sink (chat)
    strategy: str = "auto"  # forced strategy or auto
    prior: Filters | None = None  # the previous turn's filters (chat follow-ups)
    override: Filters | None = None  # filters set with /filter in chat
    history: list[dict] = field(default_factory=list)  # earlier turns: role, content
    llm_calls: int = 0

    def get_llm(self) -> LLM:
        if self.llm is None:
            self.llm = cached_llm(self.settings)
        return self.llm

    def model_info(self) -> tuple[int, str, bool]:
        """(context window, kind, known): assumed values until the model is loaded."""
        window = self.settings.context_tokens
        if self.llm is not None:
            return window or self.llm.context_window, self.llm.kind, True
        kind = "remote" if self.settings.llm == "openai" else \
            "echo" if self.settings.llm == "echo" else "attention"
        return window or int(self.settings.extra.get("context_window", DEFAULT_WINDOW)), kind, False

    def budget(self) -> int:
        """Tokens of document context one call may carry: window minus answer and prompt."""
        window, _, _ = self.model_info()
        return max(256, window - self.settings.max_new_tokens - 200)


@dataclass
class Attempt:
    """What one strategy produced."""

    strategy: str
    answer: str = ""
    citations: list[Citation] = field(default_factory=list)
    tokens_in: int = 0
    tokens_out: int = 0
    llm_calls: int = 0
    missing: bool = False  # the answer says the evidence is not there
    handover: str | None = None  # strategy this one asks to hand over to
    note: str = ""
    seconds: float = 0.0
    answered_by: str = ""  # llm | extractive | digest | digest+llm | query
    check: str = ""  # the grounding verdict on the model's answer
    fallback: "Attempt | None" = None  # an extractive answer kept for when every strategy says missing


class AgentState(TypedDict, total=False):
    question: str
    resolved: str  # the question with a follow-up's context attached
    analysis: Any  # analyse.Analysis
    scope: Any  # scope.Scope
    plan: Any  # planner.Plan
    strategy: str  # the strategy the next act runs
    attempts: list[Attempt]
    escalations: list[str]  # "rag -> stuff: reason"
    result: Attempt  # the attempt the final answer comes from


def count(llm: LLM, messages: list[Message]) -> int:
    return sum(llm.count_tokens(m.content) for m in messages)


def call_llm(ctx: AgentContext, messages: list[Message], max_tokens: int | None = None,
             stream: bool = False, choices: list[str] | None = None,
             stop: list[str] | None = None) -> tuple[str, int, int]:
    """(text, tokens in, tokens out) of one generation; streamed pieces go to ctx.on_token."""
    llm = ctx.get_llm()
    s = ctx.settings
    options = GenerateOptions(max_tokens=max_tokens or s.max_new_tokens, temperature=s.temperature,
                              seed=s.seed, choices=choices, stop=list(stop or []))
    ctx.llm_calls += 1
    if stream and ctx.on_token is not None:
        parts = []
        for piece in llm.generate(messages, stream=True, options=options):
            parts.append(piece)
            ctx.on_token(piece)
        text = "".join(parts)
    else:
        text = llm.generate(messages, stream=False, options=options)
    return text, count(llm, messages), llm.count_tokens(text)
