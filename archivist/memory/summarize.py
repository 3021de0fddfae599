"""`archivist summarize`: hierarchical, stored, incremental and cited summaries of groups of
documents (threads, record-field values) and of the groups above them (mailbox, sender, month,
corpus).

Who writes the overviews is decided first (memory/summary_writer.py): the model when its sentences
pass the grounding check often enough, else the documents' own sentences, chosen without a model
(memory/summary_extract.py), which is how the 135M default summarises whole Enron in two minutes.

Each group is summarised once per input: its summary is stored under the hash of its documents (or
of its children's summaries), the writer and the prompt version, so a rerun with nothing new makes
no model call and new documents recompute only the groups they touch and their ancestors. A group
that fits `summary_tokens` is read in one call; a larger one is split into parts whose summaries
are combined. Every sentence the model writes is checked against the messages it cites (as `ask`
does) and dropped when they do not support it; key facts, decisions and open questions are quoted
from the documents themselves. Model calls of one level run `concurrency` at a time (a server),
or `batch_size` prompts per call (local transformers; on CUDA by default).
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from archivist.answering.grounding.injection import as_data
from archivist.answering.model import Model
from archivist.memory.summary_calls import batch_size, call_all
from archivist.config import Settings
from archivist.errors import ConfigError
from archivist.memory import groups as G
from archivist.memory import summary_extract as X
from archivist.memory.summary_model import (Task, add_parts_cost, blocks, child_parts, combine_meta, meta,
                                             parts_of, prepare_leaf, prepare_parent, quoted, verify)
from archivist.memory.summary_writer import PROBE_GROUPS, Decision, Writer, choose, judge
from archivist.memory.summaries import Summary, input_hash, load_many, markdown, save
from archivist.progress import Event, OnProgress, Reporter, Stage, Unit
from archivist.records import Filters
from archivist.store.documents import content_hashes, documents

PROMPT_VERSION = "summary-v3"  # v2: whole sentences, no "x..y" spans, no copied headers; v3: automated
# mail counted, not read; recipients kept
BATCH = 8  # groups prepared at once per request in flight (prepared groups wait for the model)
EXTRACT_BATCH = 64  # groups between status updates when no model is called (milliseconds each)
SUMMARY_TOKENS = 120  # what the model may write for one group


@dataclass
class Job:
    store: object
    settings: Settings
    model: Model
    reporter: Reporter
    fingerprint: str = ""
    done: dict[str, Summary] = field(default_factory=dict)  # key -> summary, all levels so far
    status: Event | None = None  # the last summarising status sent
    decision: Decision | None = None  # who writes the overviews (summary_writer)
    model_fingerprint: str = ""
    probed: dict[str, Summary] = field(default_factory=dict)  # input hash -> summary the probe wrote
    on_written: Callable[[Summary], None] | None = None  # each summary as the model's call returns

    @property
    def extractive(self) -> bool:
        return self.decision is not None and self.decision.writer == Writer.EXTRACTIVE

    def budget(self) -> int:
        return self.settings.memory.summary_tokens or self.model.budget()

    def model_name(self) -> str:
        if self.extractive:
            return X.WRITER
        return self.settings.model.llm_model or self.settings.model.llm


@dataclass
class SummaryRun:
    by: str
    levels: list[list[Summary]]
    seconds: float = 0.0
    writer: str = ""  # who wrote the overviews and why (summary_writer)

    @property
    def top(self) -> list[Summary]:
        return self.levels[-1]

    def totals(self) -> dict:
        every = [s for level in self.levels for s in level]
        new = [s for s in every if not s.reused]
        return {"groups": len(self.top), "summaries": len(every), "computed": len(new),
                "reused": len(every) - len(new), "llm_calls": sum(s.llm_calls for s in new),
                "tokens_in": sum(s.tokens_in for s in new), "tokens_out": sum(s.tokens_out for s in new),
                "sentences_checked": sum(s.checked for s in new),
                "sentences_passed": sum(s.passed for s in new), "seconds": round(self.seconds, 2),
                "model": next((s.model for s in every if s.model), ""), "writer": self.writer}

    def markdown(self) -> str:
        """The document; its header counts what making all of it cost (reused or not), so a rerun
        prints the same document."""
        every = [s for level in self.levels for s in level]
        below = {s.key: s for level in self.levels[:-1] for s in level}
        cost = {"groups": len(self.top), "llm_calls": sum(s.llm_calls for s in every),
                "tokens_in": sum(s.tokens_in for s in every),
                "model": next((s.model for s in every if s.model), ""), "writer": self.writer}
        return markdown(f"Summary by {self.by}", self.top, below, cost, quote=as_data)




def _sources(job: Job, s: Summary) -> None:
    rows = documents(job.store, s.cited(), ("message_id", "date", "title"))
    s.sources = {str(d): {"ref": r["message_id"] or f"row {d}", "date": r["date"] or "",
                          "title": r["title"] or ""} for d, r in rows.items()}


























def summarize(store, settings: Settings, by: str, filters: Filters | None = None,
              limit: int | None = None, model: Model | None = None,
              on_progress: OnProgress | None = None) -> SummaryRun:
    """Summaries of every level of --by, computing only what is not stored yet."""
    if settings.memory.batch_size < 0:
        raise ConfigError(f"batch_size={settings.memory.batch_size} must be 0 (auto) or a number of "
                          "groups")
    start = time.perf_counter()
    job = Job(store, settings, model or Model(settings), Reporter(on_progress))
    if job.model.on_progress is None and on_progress is not None:  # loading takes seconds: say so
        job.model.on_progress = _then_resume(on_progress, job)
    plan = G.plan(store, by, filters, limit)
    job.decision = choose(store, settings.memory.summary_writer, job.model_name(), settings.memory.summary_min_pass)
    if job.decision.writer is None:
        _probe(job, plan.levels[0] if plan.levels else [])
    _fingerprint(job)
    job.reporter.send(Event(Stage.SUMMARISING, 0, 0, Unit.GROUPS, job.decision.reason))
    levels = []
    for depth, level_groups in enumerate(plan.levels):
        levels.append(_level(job, level_groups, depth))
    return SummaryRun(by, levels, time.perf_counter() - start, job.decision.reason)


def _fingerprint(job: Job) -> None:
    """What every input hash of this run includes: the writer and what shapes its output."""
    if job.extractive:
        job.fingerprint = input_hash(X.WRITER, X.VERSION, X.OVERVIEW_WORDS)
    else:  # once: the budget read after a probe loaded the model may differ from the one before
        job.model_fingerprint = job.model_fingerprint or input_hash(
            job.settings.model.llm, job.settings.model.llm_model, PROMPT_VERSION, SUMMARY_TOKENS, job.budget())
        job.fingerprint = job.model_fingerprint


def _probe(job: Job, leaves: list[G.Group]) -> None:
    """summary_writer=auto with too short a record: the model writes the first groups that need
    it (their summaries are stored and reused if it is kept), then its pass rate decides."""
    job.decision = Decision(Writer.MODEL, "probe")
    _fingerprint(job)
    wanted = [g for g in leaves if len(g.doc_ids) > 1][:PROBE_GROUPS] or leaves[:PROBE_GROUPS]
    job.status = Event(Stage.SUMMARISING, 0, len(wanted), Unit.GROUPS,
                       f"measuring {job.model_name()}: writing {len(wanted)} groups to check its sentences")
    job.reporter.send(job.status)
    probed = _run_batch(job, wanted, 0) if wanted else []
    job.done.clear()
    job.probed = {s.input_hash: s for s in probed}
    checked, passed = sum(s.checked for s in probed), sum(s.passed for s in probed)
    job.decision = judge(job.model_name(), checked, passed, job.settings.memory.summary_min_pass, probed=True)


def _then_resume(on_progress: OnProgress, job: Job) -> OnProgress:
    """The model's load events, then the summarising status again once it is loaded: the model
    loads inside the first batch, whose groups take minutes, and the status line must say they
    are being written, not stay on "loaded"."""
    def forward(event: Event) -> None:
        on_progress(event)
        if event.total and event.done == event.total and job.status is not None:
            on_progress(job.status)
    return forward


def _level(job: Job, level_groups: list[G.Group], depth: int) -> list[Summary]:
    out: list[Summary] = []
    new: list[Summary] = []
    began = time.perf_counter()
    while len(out) < len(level_groups):
        i, batch = len(out), _chunk(job)  # per chunk: the model's batch size is known once loaded
        # before the batch too: its groups may take minutes, and the status must not wait for them
        job.status = Event(Stage.SUMMARISING, len(out), len(level_groups), Unit.GROUPS,
                           f"{level_groups[0].level}: {len(out)}/{len(level_groups)} groups, "
                           f"summarising the next {len(level_groups[i:i + batch])}")
        job.reporter.send(job.status)
        job.on_written = _ticker(job, level_groups, i, batch, new, began)
        made = _run_batch(job, level_groups[i:i + batch], depth)
        job.on_written = None
        out += made
        new += [s for s in made if not s.reused]
        job.reporter.send(Event(Stage.SUMMARISING, len(out), len(level_groups), Unit.GROUPS,
                                _status(job, level_groups[0].level, len(out), new, len(level_groups), began)))
    return out


def _ticker(job: Job, level_groups: list[G.Group], i: int, batch: int, new: list[Summary],
            began: float) -> Callable[[Summary], None]:
    """The status after each group of the chunk at i the model writes: a chunk is BATCH model
    rounds of up to minutes each, and the rate and the time left must not wait for all of them."""
    keys, written = {g.key for g in level_groups[i:i + batch]}, []

    def tick(s: Summary) -> None:
        if s.key in keys:  # not the parts of a group too large for one call
            written.append(s)
            done, total = i + len(written), len(level_groups)
            job.reporter.send(Event(Stage.SUMMARISING, done, total, Unit.GROUPS,
                                    _status(job, level_groups[0].level, done, new + written, total, began)))
    return tick


def _chunk(job: Job) -> int:
    """Groups prepared at once: BATCH per request in flight or per row of a model batch (several
    model batches per chunk, so sorting by prompt length has something to sort). The model's
    batch size is known once it is loaded; the setting stands in until then (no load for a rerun
    that computes nothing)."""
    if job.extractive:
        return EXTRACT_BATCH
    rows = batch_size(job) if job.model.loaded else job.settings.memory.batch_size
    return BATCH * max(1, job.settings.memory.concurrency, rows)


def fmt_eta(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m" if seconds >= 3600 else f"{seconds // 60}m{seconds % 60:02d}s"


def _status(job: Job, level: str, done: int, new: list[Summary], total: int, began: float) -> str:
    """Groups done, the rate of those computed and the time left; model calls and how many run
    at once (new: the summaries this run computed so far, not those it reused)."""
    secs = max(time.perf_counter() - began, 1e-9)
    rate = len(new) / secs
    left = f", {fmt_eta((total - done) / rate)} left" if new and done < total else ""
    head = f"{level}: {done}/{total} groups, {rate:.1f} groups/s{left}"
    if job.extractive:
        return head + ", no model calls"
    calls = sum(s.llm_calls for s in new)
    toks = sum(s.tokens_in + s.tokens_out for s in new)
    flight = max(1, job.settings.memory.concurrency)
    return f"{head}, {calls} model calls ({flight} in flight), {toks / secs:,.0f} tokens/s"


def _digests(job: Job, batch: list[G.Group], depth: int) -> list[str]:
    """Each group's input hash; a leaf's covers its documents' content hashes (read for the
    whole batch in one query: a rerun of whole Enron by thread reads 11,600 groups)."""
    if depth == 0:
        hashes = dict(content_hashes(job.store, [d for g in batch for d in g.doc_ids]))
        return [input_hash("leaf", job.fingerprint, sorted((d, hashes[d]) for d in set(g.doc_ids) if d in hashes))
                for g in batch]
    return [input_hash("parent", g.level, job.fingerprint,
                       sorted(job.done[k].input_hash for k in g.children if k in job.done)) for g in batch]


def _extract(job: Job, group: G.Group, depth: int, digest: str, t0: float) -> Summary:
    """One group's summary without a model (memory/summary_extract.py), saved."""
    s = Summary(group.level, group.key, group.label, input_hash=digest, model=X.WRITER)
    if depth == 0:
        meta(job, group, s)
        X.leaf(job.store, s, group.doc_ids, group.label)
    else:
        children = [job.done[k] for k in group.children if k in job.done]
        s.children = [c.key for c in children]
        combine_meta(s, children)
        X.parent(s, children)
    _sources(job, s)
    s.seconds = round(time.perf_counter() - t0, 3)
    save(job.store, s)
    return s


def _run_batch(job: Job, batch: list[G.Group], depth: int) -> list[Summary]:
    """Reuse what is stored; prepare, call (concurrently), verify and save the rest."""
    results: dict[str, Summary] = {}
    tasks = []
    digests = _digests(job, batch, depth)
    found = load_many(job.store, batch[0].level, digests) if batch else {}
    for group, digest in zip(batch, digests):
        if digest in job.probed:  # written by this run's probe: computed here, not reused
            results[group.key] = job.probed[digest]
            continue
        stored = found.get(digest)
        if stored is not None:
            stored.key, stored.label = group.key, group.label
            results[group.key] = stored
            continue
        t0 = time.perf_counter()
        if job.extractive:
            results[group.key] = _extract(job, group, depth, digest, t0)
            continue
        parts = parts_of(job, group) if depth == 0 else [group]
        if len(parts) > 1:  # too large for one call: summarise its parts, then combine them
            part_summaries = _run_batch(job, parts, 0)
            task = prepare_parent(job, group, part_summaries, digest)
            task.summary.level, task.parts = group.level, part_summaries
        elif depth == 0:
            task = prepare_leaf(job, group, digest)
            blocks(task)
        else:
            children = [job.done[k] for k in group.children if k in job.done]
            chunks = child_parts(job, group, children)
            parts = _run_batch(job, chunks, depth) if len(chunks) > 1 else []
            # too many children for one call: they were combined in parts first
            task = prepare_parent(job, group, parts or children, digest)
            task.summary.level, task.parts = group.level, parts
        task.summary.seconds = time.perf_counter() - t0
        tasks.append(task)
    t0 = time.perf_counter()

    def finish(task: Task) -> None:
        verify(task)
        add_parts_cost(task)
        if task.ranked:  # leaves and parts: quotes from the documents they read
            quoted(job, task)
        _sources(job, task.summary)
        task.summary.seconds = round(task.summary.seconds + time.perf_counter() - t0, 3)
        save(job.store, task.summary)
        results[task.group.key] = task.summary
        if job.on_written is not None:
            job.on_written(task.summary)

    call_all(job, tasks, finish, SUMMARY_TOKENS)
    for key, s in results.items():
        job.done[key] = s
    return [results[g.key] for g in batch]


def extractive_leaf(store, settings: Settings, doc_ids: list[int], label: str, words: int) -> Summary:
    """One group's summary as `summarize` writes it without a model, with `words` of overview
    (the summaries eval measures it at its peers' word budget)."""
    job = Job(store, settings, Model(settings), Reporter(None), decision=Decision(Writer.EXTRACTIVE, ""))
    group = G.Group(G.Level.THREAD, "eval", label, doc_ids=doc_ids)
    s = Summary(group.level, group.key, label, model=X.WRITER)
    meta(job, group, s)
    X.leaf(store, s, doc_ids, label, words)
    return s
