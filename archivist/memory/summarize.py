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

import re
import time
from dataclasses import dataclass, field

from archivist.answering.grounding.check import check, truncate_repetition
from archivist.answering.grounding.injection import as_data, suspicious
from archivist.answering.grounding.quotes import key_sentences
from archivist.answering.grounding.sentences import Sentence, score, sentences_of
from archivist.answering.model import Generation, Model
from archivist.memory.summary_calls import batch_size, call_all
from archivist.answering.prompts import (SYSTEM_SUMMARY, SYSTEM_SUMMARY_OF_SUMMARIES, USER_SUMMARY, fence,
                                     neutralise)
from archivist.backends.base import Message
from archivist.config import Settings
from archivist.errors import ConfigError
from archivist.corpus.automated import MailKind
from archivist.memory import groups as G
from archivist.memory import summary_extract as X
from archivist.memory.extractive import noise
from archivist.memory.summary_writer import PROBE_GROUPS, Decision, Writer, choose, judge
from archivist.memory.summaries import Line, Summary, input_hash, load_many, markdown, save
from archivist.progress import Event, OnProgress, Reporter, Stage, Unit
from archivist.records import Citation, Filters, PackedContext
from archivist.retrieval.packing import pack
from archivist.store.documents import content_hashes, documents, recipient_names

PROMPT_VERSION = "summary-v3"  # v2: whole sentences, no "x..y" spans, no copied headers; v3: automated
# mail counted, not read; recipients kept
BATCH = 8  # groups prepared at once per request in flight (prepared groups wait for the model)
EXTRACT_BATCH = 64  # groups between status updates when no model is called (milliseconds each)
SHORT_GROUP = 600  # characters: a one-message group this short is quoted, not summarised
MAX_RECIPIENTS = 12  # recipient names a leaf keeps (a list mail to 900 people is not listed whole)
SUMMARY_TOKENS = 120  # what the model may write for one group
MAX_FACTS, MAX_DECISIONS, MAX_QUESTIONS = 6, 4, 3
DECISION = re.compile(r"\b(?:agreed|approved?|decided|decision|signed|confirmed|accepted|rejected|"
                      r"cancel+ed|deadline|postponed|settled)\b", re.I)
# A '.', '!' or '?' ends a sentence only before a space, a citation or the end: "$5,004.34" and
# "2001-12-21..2001-12-22" stay whole (cut there, each half failed the grounding check).
SENTENCE = re.compile(r"(?:[^.!?\n]|[.!?](?![\s\[]|$))+(?:[.!?]+(?:\s*\[\d+\])*|(?:\s*\[\d+\])+|$)")
LABEL = re.compile(r"\[(\d+)\]")


@dataclass
class Task:
    """One group to compute: what the model reads (if anything) and what each [n] stands for."""

    group: G.Group
    summary: Summary
    packed: PackedContext | None = None
    block_docs: dict[int, list[int]] = field(default_factory=dict)
    blocks: dict[int, str] = field(default_factory=dict)
    messages: list[Message] | None = None
    ranked: list[Sentence] = field(default_factory=list)
    gen: Generation | None = None
    parts: list[Summary] = field(default_factory=list)  # computed first when the group did not fit


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


def _meta(job: Job, group: G.Group, s: Summary) -> None:
    """Message count, date range and participants of a leaf group."""
    rows = documents(job.store, group.doc_ids, ("date", "sender", "sender_name"))
    dates = sorted(r["date"] for r in rows.values() if r["date"])
    people: dict[str, int] = {}
    for r in rows.values():
        who = r["sender_name"] or r["sender"]
        if who:
            people[who] = people.get(who, 0) + 1
    s.n_docs, s.participants = len(rows), sorted(people, key=lambda p: -people[p])
    s.recipients = [r for r in recipient_names(job.store, group.doc_ids) if r not in people][:MAX_RECIPIENTS]
    s.first_date, s.last_date = (dates[0], dates[-1]) if dates else ("", "")


def _sources(job: Job, s: Summary) -> None:
    rows = documents(job.store, s.cited(), ("message_id", "date", "title"))
    s.sources = {str(d): {"ref": r["message_id"] or f"row {d}", "date": r["date"] or "",
                          "title": r["title"] or ""} for d, r in rows.items()}


def _line(s: Sentence) -> Line:
    return Line(s.text, [s.doc_id], s.day or (s.date or "")[:10], s.sender or "")


def _quoted(job: Job, task: Task) -> None:
    """Key facts, decisions and open questions quoted from the documents the task packed."""
    s = task.summary
    ranked = [x for x in task.ranked if not noise(x.text)]  # header blocks, links, disclaimers
    keys = key_sentences(ranked)[:MAX_FACTS] if ranked else []
    s.facts = [_line(x) for x in keys]
    seen = {x.text for x in keys}
    s.decisions = [_line(x) for x in ranked if DECISION.search(x.text) and x.text not in seen][:MAX_DECISIONS]
    s.questions = [_line(x) for x in ranked if x.text.rstrip().endswith("?")][:MAX_QUESTIONS]


def prepare_leaf(job: Job, group: G.Group, digest: str) -> Task:
    s = Summary(group.level, group.key, group.label, input_hash=digest, model=job.model_name())
    _meta(job, group, s)
    found = X.kinds(job.store, group.doc_ids)
    s.automated = X.automated_counts(found)
    # automated mail is counted, not read: the model sees what people wrote (all of it when
    # nothing else is there, so a group of notices still says what they are)
    written = [d for d in group.doc_ids if found.get(d) == MailKind.PERSON] or group.doc_ids
    packed = pack(job.store, written, job.budget(), job.model.count_tokens)
    task = Task(group, s, packed, {c.n: [c.doc_id] for c in packed.citations})
    task.ranked = score(job.settings, group.label, sentences_of(job.store, packed), supersede=False)
    short = len(group.doc_ids) == 1 and sum(len(x.text) for x in task.ranked) <= SHORT_GROUP
    if not short and packed.citations:
        task.messages = [Message("system", SYSTEM_SUMMARY),
                         Message("user", USER_SUMMARY.format(context=fence(packed.text)))]
    s.note = "quoted (one short message)" if short else "read in one call"
    return task


def _child_block(child: Summary) -> str:
    first, last = child.first_date[:10], child.last_date[:10]
    span = "" if not first else first if first == last else f"{first} to {last}"
    said = " ".join(line.text for line in (child.overview or child.facts[:3]))
    return f"{child.label} ({child.n_docs} messages{', ' + span if span else ''}): {said}"


def prepare_parent(job: Job, group: G.Group, children: list[Summary], digest: str) -> Task:
    """A summary of summaries: the model reads the children's statements (as many as fit)."""
    s = Summary(group.level, group.key, group.label, input_hash=digest, model=job.model_name(),
                children=[c.key for c in children])
    _combine_meta(s, children)
    ordered = sorted(children, key=lambda c: -c.n_docs)
    task, lines, used = Task(group, s), [], 0
    count = _counter(job, children)
    for child in ordered:
        text = f"[{len(lines) + 1}] {_child_block(child)}"
        cost = count(text)
        if lines and used + cost > job.budget():
            break
        lines.append(text)
        used += cost
        n = len(lines)
        task.blocks[n], task.block_docs[n] = text.split("] ", 1)[1], child.cited()
    cites = [Citation(n, (docs or [0])[0], "", "", "", 0, 0) for n, docs in task.block_docs.items()]
    task.packed = PackedContext("\n".join(lines), cites, used)
    if len(children) > 1 and any(c.overview or c.facts for c in children):
        task.messages = [Message("system", SYSTEM_SUMMARY_OF_SUMMARIES),
                         Message("user", USER_SUMMARY.format(context=fence(task.packed.text)))]
    s.note = f"combined from {len(lines)} of {len(children)} summaries"
    return task


def _counter(job: Job, children: list[Summary]):
    """Tokens of a child's block: the model's own count when the parent will call it (a
    characters/4 guess ran 25 % short on Enron and overflowed the window), else the guess."""
    if len(children) > 1 and any(c.overview or c.facts for c in children):
        return job.model.count_tokens
    return lambda text: len(text) // 4


def child_parts(job: Job, group: G.Group, children: list[Summary]) -> list[G.Group]:
    """A parent whose children's statements do not fit one call, as consecutive parts that each
    do (summaries of summaries, one level more), so no child is left out of the parent."""
    count = _counter(job, children)
    parts = G.consecutive_parts([c.key for c in children],
                              [count(f"[n] {_child_block(c)}") + 2 for c in children], job.budget())
    if len(parts) == 1:
        return [group]
    return [G.Group(G.Level.PART, f"{group.key}/c{i + 1}", f"{group.label} (part {i + 1} of {len(parts)})",
                    children=keys) for i, keys in enumerate(parts)]


def _combine_meta(s: Summary, children: list[Summary]) -> None:
    """Counts, dates, participants and quoted lines of a parent from its children."""
    s.n_docs = sum(c.n_docs for c in children)
    dates = sorted(d for c in children for d in (c.first_date, c.last_date) if d)
    s.first_date, s.last_date = (dates[0], dates[-1]) if dates else ("", "")
    people: dict[str, int] = {}
    for c in children:
        for p in c.participants:
            people[p] = people.get(p, 0) + 1
    s.participants = sorted(people, key=lambda p: -people[p])
    rank = lambda line: (-bool(re.search(r"[$€£%]|\d", line.text)), line.date)  # noqa: E731
    s.facts = sorted([f for c in children for f in c.facts], key=rank)[:MAX_FACTS]
    s.decisions = [d for c in children for d in c.decisions][:MAX_DECISIONS]
    s.questions = [q for c in children for q in c.questions][:MAX_QUESTIONS]
    if len(children) == 1:  # nothing to combine: the child's overview stands
        s.overview = list(children[0].overview)
        s.checked, s.passed = 0, 0


def verify(task: Task) -> None:
    """Keep the model's sentences that their cited blocks support; count checked and passed."""
    s, gen = task.summary, task.gen
    if gen is None:
        return
    text, _ = truncate_repetition(neutralise(gen.text).strip())
    for m in SENTENCE.finditer(text):
        sentence = m.group(0).strip()
        if len(sentence) < 8:
            continue
        s.checked += 1
        # a model sentence carrying a link or an instruction obeys a document: never its voice;
        # one that only repeats the start of a block (a child's title and counts) says nothing
        if suspicious(sentence) or (s.children and copies_a_header(sentence, task.blocks)) or not check(
                sentence, task.packed, task.blocks).ok:
            continue
        s.passed += 1
        docs = [d for n in LABEL.findall(sentence) for d in task.block_docs.get(int(n), [])]
        s.overview.append(Line(LABEL.sub("", sentence).strip(), list(dict.fromkeys(docs))))
    s.llm_calls, s.tokens_in, s.tokens_out = 1, gen.tokens_in, gen.tokens_out


def copies_a_header(sentence: str, blocks: dict[int, str]) -> bool:
    """Whether the sentence is only the beginning of a child summary's block copied (e.g.
    "Board meeting (2 messages, 2001-12-21)"), up to the block's first statement."""
    core = " ".join(LABEL.sub("", sentence).split()).rstrip(".:;, ")
    if not core:
        return True
    for block in blocks.values():
        head = " ".join(block.split(": ", 1)[0].split())
        if head.startswith(core) or core == head:
            return True
    return False


def _add_parts_cost(task: Task) -> None:
    """A group made from parts costs their calls too (parts are not a level of the run, so
    without this the run's totals and the document's header left them out). Parts reused from an
    interrupted run count as well: the stored cost is what making the summary took, so a resumed
    run prints the same document as an uninterrupted one."""
    for part in task.parts:
        task.summary.llm_calls += part.llm_calls
        task.summary.tokens_in += part.tokens_in
        task.summary.tokens_out += part.tokens_out


def _blocks(task: Task) -> None:
    from archivist.answering.grounding.sentences import blocks_of
    task.blocks = blocks_of(task.packed, headers=True)


def _parts(job: Job, group: G.Group) -> list[G.Group]:
    """The group as consecutive parts that each fit one call (estimated at 4 characters a token;
    a single document larger than that is read as far as it fits)."""
    sizes = documents(job.store, group.doc_ids, ("n_chars",))
    costs = [int((sizes.get(d) or {}).get("n_chars") or 0) // 4 + 30 for d in group.doc_ids]
    parts = G.consecutive_parts(group.doc_ids, costs, job.budget())
    if len(parts) == 1:
        return [group]
    return [G.Group(G.Level.PART, f"{group.key}/p{i + 1}", f"{group.label} (part {i + 1} of {len(parts)})",
                    doc_ids=ids) for i, ids in enumerate(parts)]


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
        made = _run_batch(job, level_groups[i:i + batch], depth)
        out += made
        new += [s for s in made if not s.reused]
        job.reporter.send(Event(Stage.SUMMARISING, len(out), len(level_groups), Unit.GROUPS,
                                _status(job, level_groups[0].level, len(out), new, len(level_groups), began)))
    return out


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
        _meta(job, group, s)
        X.leaf(job.store, s, group.doc_ids, group.label)
    else:
        children = [job.done[k] for k in group.children if k in job.done]
        s.children = [c.key for c in children]
        _combine_meta(s, children)
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
        parts = _parts(job, group) if depth == 0 else [group]
        if len(parts) > 1:  # too large for one call: summarise its parts, then combine them
            part_summaries = _run_batch(job, parts, 0)
            task = prepare_parent(job, group, part_summaries, digest)
            task.summary.level, task.parts = group.level, part_summaries
        elif depth == 0:
            task = prepare_leaf(job, group, digest)
            _blocks(task)
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
        _add_parts_cost(task)
        if task.ranked:  # leaves and parts: quotes from the documents they read
            _quoted(job, task)
        _sources(job, task.summary)
        task.summary.seconds = round(task.summary.seconds + time.perf_counter() - t0, 3)
        save(job.store, task.summary)
        results[task.group.key] = task.summary

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
    _meta(job, group, s)
    X.leaf(store, s, doc_ids, label, words)
    return s
