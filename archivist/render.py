"""Terminal rendering for the CLI: progress events as a rich bar on stderr, readable summaries,
and answers with their footer (strategy, reason, cost) and sources.

The drawing half of archivist.progress: library code sends Events, `ProgressRenderer` turns them into
one transient line per stage (counts, rate, elapsed time, ETA, status text) and prints warnings above
it. Only this module and archivist/cli.py import rich.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from rich import filesize
from rich.console import Console
from rich.markup import escape
from rich.progress import (BarColumn, Progress, ProgressColumn, SpinnerColumn, Task, TextColumn,
                           TimeElapsedColumn, TimeRemainingColumn)
from rich.text import Text

from archivist.sanitise import neutralise, terminal
from archivist.progress import Event, Level, Unit
from archivist.records import AnsweredBy

if TYPE_CHECKING:  # annotations only: drawing ingest progress must not load the agent
    from archivist.agent.ask import AskResult


def _amount(value: float, unit: str | None) -> str:
    if unit == Unit.BYTES:
        return filesize.decimal(int(value))
    return f"{int(value):,}"


class CountColumn(ProgressColumn):
    """'1.2 MB/3.4 MB' for bytes, '1,234/5,678 chunks' for counts; the count alone without a total."""

    def render(self, task: Task) -> Text:
        unit = task.fields.get("unit")
        if unit is None:
            return Text("")
        done = _amount(task.completed, unit)
        total = f"/{_amount(task.total, unit)}" if task.total is not None else ""
        return Text(f"{done}{total}" + ("" if unit == Unit.BYTES else f" {unit}"))


class RateColumn(ProgressColumn):
    """Units per second over rich's recent samples: '2.1 MB/s' or '120 chunks/s'."""

    def render(self, task: Task) -> Text:
        unit, speed = task.fields.get("unit"), task.finished_speed or task.speed
        if unit is None or not speed:
            return Text("")
        if unit == Unit.BYTES:
            return Text(f"{filesize.decimal(int(speed))}/s")
        return Text(f"{speed:,.0f} {unit}/s")


class EtaColumn(TimeRemainingColumn):
    """'eta 0:01:04' while a stage with a known total runs; nothing for an open-ended stage."""

    def render(self, task: Task) -> Text:
        if task.total is None or task.finished:
            return Text("")
        return Text.assemble("eta ", super().render(task))


class ProgressRenderer:
    """Draws progress events on stderr; pass the instance as `on_progress` inside its `with` block.

    One transient task at a time, the current stage: when a new stage starts, the old line goes.
    Nothing is drawn when stderr is not a terminal; warnings always print."""

    def __init__(self, console: Console | None = None):
        self.console = console or Console(stderr=True, highlight=False)
        self.progress = Progress(
            SpinnerColumn(), TextColumn("{task.description:<13}"), BarColumn(bar_width=30),
            CountColumn(), RateColumn(), TimeElapsedColumn(), EtaColumn(),
            TextColumn("{task.fields[message]}"),
            console=self.console, transient=True)
        self.task, self.stage, self.drawing = None, None, False

    def __enter__(self) -> "ProgressRenderer":
        # off a terminal (a log file, a test runner) rich would draw nothing but a stray newline
        self.drawing = self.console.is_terminal and not self.console.is_dumb_terminal
        if self.drawing:
            self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.drawing:
            self.progress.stop()

    def __call__(self, event: Event) -> None:
        if event.level is Level.WARNING:
            self.warn(event.message)
            return
        if event.stage != self.stage:
            self._start_stage(event)
        self.progress.update(self.task, completed=event.done, total=event.total,
                             unit=event.unit, message=escape(terminal(event.message)))

    def _start_stage(self, event: Event) -> None:
        if self.task is not None:
            self.progress.remove_task(self.task)
        self.stage = event.stage
        self.task = self.progress.add_task(str(event.stage), total=event.total, unit=event.unit,
                                           message="")

    def warn(self, message: str) -> None:
        # file names and reasons may hold [brackets]: escaped so rich does not read them as markup
        self.console.print(f"[yellow]warning:[/yellow] {escape(terminal(message))}", soft_wrap=True)


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def ingest_summary(s: dict) -> str:
    """An IngestSummary (as a dict) for people: what was read, what was added, what the store holds."""
    kinds = ", ".join(f"{n:,} {kind}" for kind, n in sorted(s["read_by_kind"].items()))
    return "\n".join([
        f"read {_count(s['read'], 'document')} from {_count(s['files'], 'source')}"
        + (f" ({kinds})" if kinds else "")
        + f"; {_count(s['skipped'], 'source')} unchanged since the last ingest",
        f"added {s['new']:,} new, {_count(s['duplicate'], 'duplicate')} "
        f"({_count(s['locations'], 'new location')}), {s['rejected']:,} rejected",
        f"store: {_count(s['documents'], 'document')} in {_count(s['threads'], 'thread')} "
        f"({s['seconds']:.1f} s, {s['msgs_per_s']:,.0f} msg/s)"])


def index_summary(r: dict) -> str:
    """index_store's result for people: chunks made, vectors embedded or reused, the index."""
    rate = f" ({r['chunks_per_s']:,.0f}/s)" if r.get("chunks_per_s") else ""
    return (f"indexed: {_count(r['documents_chunked'], 'document')} into "
            f"{_count(r['chunks_added'], 'chunk')} (+{r['thread_units']:,} whole-thread); "
            f"embedded {_count(r['embedded'], 'chunk')}{rate}, reused {r['reused']:,}; "
            f"{_count(r['vectors_total'], 'vector')} in a {r['index_kind']} index, "
            f"{r['embedder']} ({r['seconds']:.1f} s)")


def format_sources(result: AskResult | None) -> str:
    if result is None or not result.citations:
        return "(no sources)"
    return "\n".join(neutralise(f"[{c['n']}] doc {c['doc_id']} {c['ref']} {c['date'][:10]} "
                                f"\"{c['title']}\" — {c['quote'][:100]}") for c in result.citations)


def render_footer(result: AskResult) -> str:
    """Strategy, reason, escalations, cost and sources under an answer."""
    esc = "".join(f"\n  escalated {e}" for e in result.escalations)
    check = f" ({result.check})" if result.check and result.answered_by != AnsweredBy.QUERY else ""
    return (f"— strategy: {result.strategy} ({result.planner}: {result.reason}){esc}\n"
            f"— answered by: {result.answered_by or AnsweredBy.LLM}{check}\n"
            f"— {result.tokens_in} tokens read, {result.tokens_out} written, {result.llm_calls} model "
            f"calls, {result.seconds:.2f}s\nsources:\n{format_sources(result)}\n")


def print_answer(result: AskResult, streamed: bool, write: Callable[[str], None]) -> None:
    """The checked answer (again, when the streamed draft was replaced) and its footer."""
    replaced = result.answered_by not in (AnsweredBy.LLM, "") or "repetition cut" in result.check
    if streamed and replaced:
        why = "cited digest of the messages" if result.answered_by.startswith(AnsweredBy.DIGEST) else \
            f"the model's answer was replaced: {result.check}"
        write(terminal(f"\n[{why}]\n"))
    if not streamed or replaced:
        write(neutralise(result.answer))
    write(terminal("\n" + render_footer(result)))
