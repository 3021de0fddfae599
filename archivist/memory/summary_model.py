"""The model's side of `summarize`: what it reads for a group (a leaf's messages packed with [n]
labels, a parent's children's statements), and the check of every sentence it writes against the
blocks it cites; also each leaf's metadata (who, when, how many) and the key facts, decisions and
open questions quoted from the documents it packed. memory/summarize.py runs the levels and calls
these when the model writes (memory/summary_writer.py decides whether it does).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from archivist.answering.grounding.check import check, truncate_repetition
from archivist.answering.grounding.injection import suspicious
from archivist.answering.grounding.payload import Taint
from archivist.answering.grounding.quotes import key_sentences
from archivist.answering.grounding.sentences import Sentence, score, sentences_of
from archivist.answering.model import Generation
from archivist.answering.prompts import (SYSTEM_SUMMARY, SYSTEM_SUMMARY_OF_SUMMARIES, USER_SUMMARY, fence,
                                         neutralise)
from archivist.backends.base import Message
from archivist.corpus.automated import MailKind
from archivist.memory import groups as G
from archivist.memory import summary_extract as X
from archivist.memory.extractive import noise
from archivist.memory.summaries import Line, Summary
from archivist.records import Citation, PackedContext
from archivist.retrieval.packing import pack
from archivist.store.documents import documents, recipient_names

if TYPE_CHECKING:
    from archivist.memory.summarize import Job

SHORT_GROUP = 600  # characters: a one-message group this short is quoted, not summarised
MAX_RECIPIENTS = 12  # recipient names a leaf keeps (a list mail to 900 people is not listed whole)
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


def meta(job: Job, group: G.Group, s: Summary) -> None:
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


def _line(s: Sentence) -> Line:
    return Line(s.text, [s.doc_id], s.day or (s.date or "")[:10], s.sender or "")


def quoted(job: Job, task: Task) -> None:
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
    meta(job, group, s)
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
    combine_meta(s, children)
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


def verify(task: Task) -> None:
    """Keep the model's sentences that their cited blocks support; count checked and passed."""
    s, gen = task.summary, task.gen
    if gen is None:
        return
    text, _ = truncate_repetition(neutralise(gen.text).strip())
    taint = None
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
        taint = taint or Taint.of(task.blocks)  # judged once per group, when a sentence gets this far
        if taint.carried(sentence):  # a figure or word the blocks hold only in an attacker's passage
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


def add_parts_cost(task: Task) -> None:
    """A group made from parts costs their calls too (parts are not a level of the run, so
    without this the run's totals and the document's header left them out). Parts reused from an
    interrupted run count as well: the stored cost is what making the summary took, so a resumed
    run prints the same document as an uninterrupted one."""
    for part in task.parts:
        task.summary.llm_calls += part.llm_calls
        task.summary.tokens_in += part.tokens_in
        task.summary.tokens_out += part.tokens_out


def blocks(task: Task) -> None:
    from archivist.answering.grounding.sentences import blocks_of
    task.blocks = blocks_of(task.packed, headers=True)


def parts_of(job: Job, group: G.Group) -> list[G.Group]:
    """The group as consecutive parts that each fit one call (estimated at 4 characters a token;
    a single document larger than that is read as far as it fits)."""
    sizes = documents(job.store, group.doc_ids, ("n_chars",))
    costs = [int((sizes.get(d) or {}).get("n_chars") or 0) // 4 + 30 for d in group.doc_ids]
    parts = G.consecutive_parts(group.doc_ids, costs, job.budget())
    if len(parts) == 1:
        return [group]
    return [G.Group(G.Level.PART, f"{group.key}/p{i + 1}", f"{group.label} (part {i + 1} of {len(parts)})",
                    doc_ids=ids) for i, ids in enumerate(parts)]


def combine_meta(s: Summary, children: list[Summary]) -> None:
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
