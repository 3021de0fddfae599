"""The agent's run records: the run-scoped context (dependencies handed to every graph node
through LangGraph's runtime), a model draft awaiting verification, and one strategy attempt.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from archivist.answering.model import Model
from archivist.config import Settings
from archivist.errors import ArchivistError
from archivist.progress import Event, OnProgress, Stage, Unit
from archivist.records import AUTO, Citation, Filters, Hit, PackedContext, SearchMode, Strategy
from archivist.store import Store
from archivist.timing import Span, Timings

if TYPE_CHECKING:
    from archivist.agent.question.analyse import Analysis
    from archivist.memory.ssm_reader import StateGroup


@dataclass
class AgentContext:
    """Dependencies of one run; nodes read them from `runtime.context`, never from globals."""

    store: Store
    settings: Settings
    model: Model  # loaded on first use: exact queries never load one
    search: Callable[..., list[Hit]] | None = None  # retrieval.search.search by default
    strategy: str = AUTO  # a Strategy forced by the user, or auto
    prior: Filters | None = None  # the previous turn's filters (chat follow-ups)
    override: Filters | None = None  # filters set with /filter in chat
    prior_analysis: "Analysis | None" = None  # the previous turn's analysis (chat follow-ups)
    history: list[dict] = field(default_factory=list)  # earlier turns: role, content
    on_progress: OnProgress | None = None  # status of each step (the CLI draws a status line)
    confirm: Callable[[str], bool] | None = None  # asked before a run estimated to take long
    group: "StateGroup | None" = None  # `ask --group KEY`: the scope is exactly this thread or mailbox
    timings: Timings | None = None  # where this answer's time goes (ask --json: timings)

    def status(self, stage: Stage, message: str = "", done: int = 0, total: int | None = None,
               unit: Unit | None = None) -> None:
        """Report a step to whoever listens (nothing when nobody does)."""
        if self.on_progress is not None:
            self.on_progress(Event(stage, done, total, unit, message))

    def search_hits(self, question: str, filters: Filters, k: int) -> list[Hit]:
        """Hybrid search inside filters; keyword-only when there is no vector index (--no-embed)."""
        search = self.search
        if search is None:
            from archivist.retrieval.search import search
        scoped = None if filters.is_empty() else filters
        self.status(Stage.SEARCHING, f"best {k} passages" + ("" if scoped is None else " in scope"))
        with Span(self.timings, "retrieval"):
            try:
                return search(self.store, self.settings, question, k=k, filters=scoped,
                              mode=SearchMode.HYBRID)
            except ArchivistError:
                return search(self.store, self.settings, question, k=k, filters=scoped,
                              mode=SearchMode.BM25)

    def pack(self, items: list, budget: int | None = None) -> PackedContext:
        """Documents or hits packed in document/thread order under a token budget."""
        from archivist.retrieval.packing import pack
        return pack(self.store, items, budget or self.model.budget(), self.model.count_tokens)


@dataclass
class Draft:
    """A model answer waiting for the verify node, with what it was written from."""

    text: str
    packed: PackedContext
    question: str
    kind: str  # a QuestionKind: summaries are checked as digests


@dataclass
class Attempt:
    """What one strategy produced."""

    strategy: Strategy
    answer: str = ""
    citations: list[Citation] = field(default_factory=list)
    tokens_in: int = 0
    tokens_out: int = 0
    llm_calls: int = 0
    missing: bool = False  # the answer says the evidence is not there
    handover: Strategy | None = None  # strategy this one asks to hand over to
    note: str = ""
    seconds: float = 0.0
    answered_by: str = ""  # an AnsweredBy value
    check: str = ""  # the grounding verdict on the model's answer
    rejected: str = ""  # the model's draft when it did not become the answer (check says why)
    fallback: "Attempt | None" = None  # an extractive answer kept for when every strategy says missing
    draft: Draft | None = None  # set by act for model answers, consumed by verify
    restored: str = ""  # key of the SSM snapshot the model answered from (memory strategy)
    not_run: str = ""  # why the strategy could not run at all (stuff: the scope exceeds the window)
    result: dict = field(default_factory=dict)  # a metadata answer as data: count, people, date, files
