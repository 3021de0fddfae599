"""Terminal rendering for the CLI: progress events as a rich bar on stderr, readable summaries,
and answers with their footer (strategy, reason, cost) and sources.

The drawing half of archivist.progress: library code sends Events, `ProgressRenderer` turns them into
one transient line per stage (counts, rate, elapsed time, ETA, status text) and prints warnings above
it. Only the command line (archivist/cli/) imports rich.
"""
from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Callable

from rich import filesize
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn, Progress, ProgressColumn, SpinnerColumn, Task, TextColumn, TimeElapsedColumn, TimeRemainingColumn
)
from rich.text import Text

from archivist.progress import Event, Level, Unit
from archivist.records import AnsweredBy
from archivist.sanitise import neutralise, terminal

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
    When stderr is a file or a pipe (`2> log`, nohup, CI) nothing is drawn; instead a plain line is
    written when a stage starts or its figures change, at most one a second, so a log shows
    progress too; while a stage sends nothing (a model reading a long prompt), the line is
    repeated every HEARTBEAT seconds with the time the stage has taken, so a log is never
    silent for longer. An in-memory stream (a test runner) gets warnings only."""

    HEARTBEAT = 2.0

    def __init__(self, console: Console | None = None):
        self.console = console or Console(stderr=True, highlight=False)
        self.progress = Progress(
            SpinnerColumn(), TextColumn("{task.description:<13}"), BarColumn(bar_width=30),
            CountColumn(), RateColumn(), TimeElapsedColumn(), EtaColumn(),
            TextColumn("{task.fields[message]}"),
            console=self.console, transient=True)
        self.task, self.stage, self.drawing, self.live = None, None, False, False
        self.lines, self.last_line, self.last_text, self.pending = False, 0.0, "", ""
        self.stage_start, self.write_lock, self.stopped = 0.0, threading.Lock(), threading.Event()

    def __enter__(self) -> "ProgressRenderer":
        # off a terminal (a log file, a test runner) rich would draw nothing but a stray newline
        self.drawing = self.console.is_terminal and not self.console.is_dumb_terminal
        self.lines = not self.drawing and _is_log(self.console.file)
        self.task, self.stage = None, None
        if self.lines:
            self.stopped.clear()
            threading.Thread(target=self._heartbeat, name="progress-heartbeat", daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopped.set()
        self.pause()

    def _heartbeat(self) -> None:
        """In a log: the current stage again, with its time so far, after HEARTBEAT silent seconds."""
        while not self.stopped.wait(self.HEARTBEAT / 4):
            with self.write_lock:
                now = time.monotonic()
                if self.pending != self.last_text and now - self.last_line >= 1.0:
                    self._write(self.pending, now)  # a change the one-a-second limit held back
                    self.last_text = self.pending
                elif self.last_text and now - self.last_line >= self.HEARTBEAT:
                    self._write(f"{self.last_text} (still working, {now - self.stage_start:.0f}s)", now)

    def pause(self) -> None:
        """Erase the line (e.g. before streamed text or a question); the next event redraws it."""
        if self.live:
            self.progress.stop()
            self.live = False

    def __call__(self, event: Event) -> None:
        if event.level is Level.WARNING:
            self.warn(event.message)
            return
        if self.drawing and not self.live:
            self.progress.start()
            self.live = True
        new_stage = event.stage != self.stage
        if self.lines:
            self._log_line(event, new_stage)
        if new_stage:
            self._start_stage(event)
        self.progress.update(self.task, completed=event.done, total=event.total,
                             unit=event.unit, message=escape(terminal(event.message)))
        if new_stage and self.live:  # every step shows at once, however short it is
            self.progress.refresh()

    def _start_stage(self, event: Event) -> None:
        if self.task is not None:
            self.progress.remove_task(self.task)
        self.stage = event.stage
        self.task = self.progress.add_task(str(event.stage), total=event.total, unit=event.unit,
                                           message="")

    def _log_line(self, event: Event, new_stage: bool) -> None:
        """One plain line for a log: the stage, its count and status, throttled to one a second."""
        counted = event.unit is not None or event.done or event.total  # else a plain status
        count = (f" {_amount(event.done, event.unit)}" + (f"/{_amount(event.total, event.unit)}"
                                                          if event.total else "")) if counted else ""
        unit = "" if event.unit in (None, Unit.BYTES) else f" {event.unit}"
        text = f"{event.stage}{count}{unit} {terminal(event.message)}".rstrip()
        with self.write_lock:
            now = time.monotonic()
            if new_stage:
                self.stage_start = now
            self.pending = text  # written by the heartbeat if held back here
            if text != self.last_text and (new_stage or now - self.last_line >= 1.0):
                self._write(text, now)
                self.last_text = text

    def _write(self, text: str, now: float) -> None:
        try:
            self.console.file.write(f"{time.strftime('%H:%M:%S')} {text}\n")
            self.console.file.flush()
        except (OSError, ValueError):  # stderr closed under us: progress is not worth failing for
            pass
        self.last_line = now

    def warn(self, message: str) -> None:
        # file names and reasons may hold [brackets]: escaped so rich does not read them as markup
        self.console.print(f"[yellow]warning:[/yellow] {escape(terminal(message))}", soft_wrap=True)


def _is_log(stream) -> bool:
    """A real file or pipe (it has a descriptor) that is not a terminal."""
    try:
        return stream.fileno() >= 0 and not stream.isatty()
    except (AttributeError, OSError, ValueError):  # io.StringIO and test runners' captures
        return False


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def ingest_summary(s: dict) -> str:
    """An IngestSummary (as a dict) for people: what was read, what was added, what the store holds."""
    kinds = ", ".join(f"{n:,} {kind}" for kind, n in sorted(s["read_by_kind"].items()))
    return "\n".join([
        f"read {_count(s['read'], 'document')} from {_count(s['files'], 'source')}"
        + (f" ({kinds})" if kinds else "")
        + f"; {_count(s['skipped'], 'source')} unchanged since the last ingest",
        _added(s) + f", {_count(s['duplicate'], 'duplicate')} "
        f"({_count(s['locations'], 'new location')}), {s['rejected']:,} rejected",
        *_left(s),
        f"store: {_count(s['documents'], 'document')} in {_count(s['threads'], 'thread')} "
        f"({s['seconds']:.1f} s, {s['msgs_per_s']:,.0f} msg/s)"])


def _left(s: dict) -> list[str]:
    """The line for documents edited or deleted at their source since the last ingest (if any)."""
    if not (s.get("left") or s.get("sources_gone")):
        return []
    gone = f" ({_count(s['sources_gone'], 'source file')} gone)" if s.get("sources_gone") else ""
    kept = ("; their last versions are kept: `archivist history`" if s.get("kept_in_history")
            else "")
    return [f"{_count(s['left'], 'document')} edited or deleted at the source left the store"
            f"{gone}{kept}"]


def _added(s: dict) -> str:
    """'added 20,001 new documents (20,000 of them attachments)': every document stored counts."""
    attached = s.get("attachments_new", 0)
    return (f"added {_count(s['new'] + attached, 'new document')}"
            + (f" ({attached:,} of them attachments)" if attached else ""))


def index_summary(r: dict) -> str:
    """index_store's result for people: chunks made, vectors embedded or reused, the index."""
    rate = f" ({r['chunks_per_s']:,.0f}/s)" if r.get("chunks_per_s") else ""
    made = (f"indexed: {_count(r['documents_chunked'], 'document')} into "
            f"{_count(r['chunks_added'], 'chunk')} (+{r['thread_units']:,} whole-thread)")
    if "vectors_total" not in r:  # --no-embed: chunks and BM25 only
        return (f"{made}; BM25-searchable ({r['seconds']:.1f} s); "
                f"{_count(r['not_embedded'], 'chunk')} not embedded yet "
                f"(run `archivist index embed`)")
    left = f", {r['not_embedded']:,} not embedded" if r.get("not_embedded") else ""
    return (f"{made}; embedded {_count(r['embedded'], 'chunk')}{rate}, reused {r['reused']:,}; "
            f"{_count(r['vectors_total'], 'vector')} in {_article(r['index_kind'])} {r['index_kind']} index"
            + (f" ({r['index_refresh']})" if r.get("index_refresh") else "") + f"{left}, "
            f"{r['embedder']} ({r['seconds']:.1f} s)")


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def coverage_note(c: dict) -> str:
    """The stderr status of a search or ask whose store is not fully embedded."""
    return (f"note: {c['not_embedded']:,} of {c['chunks']:,} chunks are not embedded yet: "
            f"dense results cover the other {c['dense_indexed']:,}, BM25 covers all "
            f"(run `archivist index embed`)")


def format_sources(result: AskResult | None) -> str:
    if result is None or not result.citations:
        return "(no sources)"
    return format_citations(result.citations)


def format_citations(citations: list[dict]) -> str:
    """One line per source; the day is the sender's local day (as counts read days)."""
    from archivist.answering.grounding.injection import MARK, suspicious  # not for ingest's progress

    def line(c: dict) -> str:
        ref = c["ref"] if not c["ref"].startswith(("doc:", "row ")) else ""  # ids say nothing more
        title = c["title"] if not (c.get("where") or "").endswith(c["title"]) else ""
        head = " ".join(p for p in (f"[{c['n']}] doc {c['doc_id']}", ref,
                                    c.get("day") or (c.get("date") or "")[:10], c.get("where") or "",
                                    f"\"{title}\"" if title else "") if p)
        quote = c.get("quote") or ""
        # a source is document data: one whose subject or quote reads as an instruction says so
        mark = f"({MARK}) " if suspicious(title) or suspicious(quote) else ""
        return neutralise(f"{head} — {mark}{quote[:100]}")
    return "\n".join(line(c) for c in citations)


def render_answer(console: Console, answer: str) -> None:
    """An answer on stdout: Markdown on a terminal, the plain (neutralised) text when piped."""
    text = neutralise(answer)
    if console.is_terminal and not console.is_dumb_terminal:
        from rich.markdown import Markdown

        # hard line breaks kept: list answers and digests are one item per line
        console.print(Markdown(text.replace("\n", "  \n"), hyperlinks=False))
    else:
        console.print(text, markup=False)


def render_hit(row: dict) -> Text:
    """A search hit: rank, doc, score, local day, where it is stored, sender | subject, then the
    snippet with the query's words highlighted (styles are dropped when stdout is not a terminal)."""
    title = row["title"] if not (row.get("where") or "").endswith(row["title"]) else ""
    who = " | ".join(p for p in (row["sender"], title) if p)
    parts = [row.get("day") or row["date"][:10], row.get("where") or "", who]
    score = f"{row['score']:.4f}  " if row.get("score") is not None else ""  # None: a listing
    # a hit is the document's own text, shown as found (escape sequences and control characters
    # removed); links stay readable, as in grep, since no model wrote them
    head = terminal(f"{row['rank']:>2}. doc {row['doc_id']}  {score}" + "  ".join(p for p in parts if p))
    text = Text(head + "\n    ", style="")
    text.stylize("bold", 0, len(head))
    offset = len(text)
    where = row.get("matched_in")
    if where and where not in ("text", "filters"):  # the snippet does not show the words: say where
        text.append(f"(matched in the {where}) " if where != "meaning" else "(matched by meaning) ", style="dim")
        offset = len(text)
    text.append(terminal(row["snippet"]))
    if len(terminal(row["snippet"])) == len(row["snippet"]):  # spans still line up
        for start, end in row.get("matches", []):
            text.stylize("bold yellow", offset + start, offset + end)
    return text


def render_footer(result: AskResult, draft: bool = False) -> str:
    """Strategy, reason, escalations, cost and sources under an answer; with `draft` (asked for:
    `ask --show-draft`) the model's draft when the check replaced it, never otherwise."""
    esc = "".join(f"\n  escalated {e}" for e in result.escalations)
    check = f" ({result.check})" if result.check and result.answered_by != AnsweredBy.QUERY else ""
    return (f"— strategy: {result.strategy} ({result.planner}: {result.reason}){esc}\n"
            f"— answered by: {result.answered_by or AnsweredBy.LLM}{check}\n"
            f"{_rejected(result.rejected_draft) if draft else ''}"
            f"— {result.tokens_in} tokens read, {result.tokens_out} written, {result.llm_calls} model "
            f"calls, {result.seconds:.2f}s\nsources:\n{format_sources(result)}\n")


def _rejected(draft: str, width: int = 300) -> str:
    """The model's replaced draft, shown so its rejection can be judged (never as the answer)."""
    if not draft:
        return ""
    text = " ".join(draft.split())
    text = text if len(text) <= width else text[:width - 1] + "…"
    return f"— the model's draft, not used: \"{neutralise(text)}\"\n"


def print_answer(result: AskResult, streamed: bool, write: Callable[[str], None]) -> None:
    """The checked answer (again, when the streamed draft was replaced) and its footer."""
    replaced = result.answered_by not in (AnsweredBy.LLM, "") or "repetition cut" in result.check
    if streamed and replaced:
        why = "replaced by a cited digest of the messages" \
            if result.answered_by.startswith(AnsweredBy.DIGEST) else \
            f"the model's answer was replaced: {result.check}"
        write(terminal(f"\n\n!! draft above discarded: {why}. The checked answer:\n"))
    if not streamed or replaced:
        write(neutralise(result.answer))
    write(terminal("\n" + render_footer(result)))  # a draft asked for was streamed above


def _first_line(text: str | None, width: int) -> str:
    line = " ".join((text or "").split())
    return line if len(line) <= width else line[:width - 1].rsplit(" ", 1)[0] + "…"


def render_run_line(r: dict) -> str:
    """One `runs` row: id, local time, kind, strategy, seconds, tokens, question -> answer."""
    when = (r["created_at"] or "")[:16].replace("T", " ")
    cost = f"{r['seconds'] or 0:>6.1f}s {(r['tokens_in'] or 0) + (r['tokens_out'] or 0):>6,} tok"
    result = f"error: {r['error']}" if r.get("error") else _first_line(r.get("answer"), 50)
    return neutralise(f"{r['id']:>5}  {when}  {r['kind']:<4} {r['strategy'] or '-':<6} {cost}  "
                      f"{_first_line(r['question'], 60)}  -> {result}")


def render_run(r: dict) -> str:
    """`runs show`: the question, the answer, how it was reached, what it cost, its sources."""
    esc = "".join(f"\n  escalated {e}" for e in r.get("escalations") or [])
    lines = [f"run {r['id']} ({r['kind']}{', session ' + str(r['session_id']) if r['session_id'] else ''}"
             f", {r['created_at']})", f"question: {r['question']}", "",
             r["answer"] or f"(no answer: {r['error']})", "",
             f"— strategy: {r['strategy']} ({r['planner']}: {r['reason']}){esc}",
             f"— {r['tokens_in'] or 0} tokens read, {r['tokens_out'] or 0} written, "
             f"{r['seconds'] or 0:.2f}s, model {r['model'] or '-'}"]
    if r.get("citations"):
        lines += ["sources:", format_citations(r["citations"])]
    return neutralise("\n".join(lines))


def render_plan(plan: dict) -> str:
    """How the question was read (ask --explain): what it asks, each constraint with its role, and
    the words that were frame or not used."""
    if not plan:
        return "plan: (a follow-up: read with the previous question's plan)"
    how = "exact metadata answer" if plan.get("used") else "a content question: retrieval and a model"
    lines = [f"plan: {plan['ask']} -> {plan['target']}" + (f" (top {plan['k']})" if plan["ask"] == "top" and plan["k"]
                                                         else "") + f"; {how}"]
    for c in plan.get("constraints", []):
        value = c.get("label") or c.get("value")
        value = ", ".join(value) if isinstance(value, list) else value
        lines.append(f"  {c['role']:<18} {c.get('text', '')!r} -> {value}")
    words = plan.get("words", {})
    lines.append("  frame words: " + (" ".join(words.get("frame", [])) or "-"))
    if words.get("aside"):  # small talk, hedges, context: said, never a constraint (agent/question/asides.py)
        lines.append("  aside: " + " ".join(words["aside"]))
    lines.append("  not used: " + (" ".join(words.get("not used", [])) or "-"))
    lines += [f"  note: {n}" for n in plan.get("notes", [])]
    return "\n".join(lines)
