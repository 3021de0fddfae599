"""Rolling memory: read documents chunk by chunk, keep question-aware notes (cited facts plus a
short running summary) under a token budget, and persist the state so a reading can resume.

Notes come from two places. Extractive (RECOMP's extractive compressor, question-aware as in
LongLLMLingua): each chunk's sentences scored against the question, the best kept as facts that
carry their document by construction, so no fact depends on a model copying a label. Model notes:
the model reads the chunk with the notes so far and writes cited lines (a small model often writes
none, or drops the labels). With an extractor every distinct fact is tallied (memory/tally.py: how
often it was read, where first and last, a bounded table) and the notes shown are the best of the
tally under the budget; without one, the budget drops the oldest.
"""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Callable

from archivist.backends.base import Message
from archivist.memory import tally
from archivist.memory.tally import Rank
from archivist.records import Citation, PackedContext

# (messages) -> (text, tokens in, tokens out)
Generate = Callable[[list[Message]], tuple[str, int, int]]
# a chunk -> its best sentences as scored facts, best first
Extract = Callable[[PackedContext], list["Fact"]]
_NOTE = re.compile(r"^\s*(?:[-*•]|\d+[.)])?\s*(.+?)\s*((?:\[\d+\][\s,;.]*)+)\s*$")
_LABEL = re.compile(r"\[(\d+)\]")


@dataclass
class Fact:
    text: str
    doc_id: int
    ref: str = ""
    date: str = ""
    title: str = ""
    score: float = 0.0  # how well it matches the question (extractive notes rank by it)
    count: int = 1  # times it was read (the tally; a chunk's own repeats included)
    first_read: int = 0  # the chunk it was first read in (doc_id, ref: where)
    last_read: int = 0  # the chunk it was last read in, and where
    last_doc_id: int = 0
    last_ref: str = ""
    start: int = 0  # its span in the first document it was read in (0, 0: unknown)
    end: int = 0
    sender: str = ""  # who wrote the document it was first read in (an email's sender), for the answer's lines


@dataclass
class MemoryState:
    question: str
    facts: list[Fact] = field(default_factory=list)  # the notes shown: the best of the tally
    notes: list[Fact] = field(default_factory=list)  # the tally: every distinct fact kept (bounded)
    evicted_notes: int = 0  # distinct facts the tally's bound evicted, and their reads
    evicted_reads: int = 0
    tracked: list[str] = field(default_factory=list)  # literals followed while reading (a TRACK question)
    summary: str = ""  # uncited lines the model kept: a running summary
    position: int = 0  # documents read so far
    total: int = 0
    chunks: int = 0
    tokens_in: int = 0
    tokens_out: int = 0

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> "MemoryState":
        data = json.loads(text)
        data["facts"] = [Fact(**f) for f in data.get("facts", [])]
        data["notes"] = [Fact(**f) for f in data.get("notes", [])] or list(data["facts"])
        return cls(**data)


class RollingMemory:
    """Notes for one question, updated from each chunk of documents: extracted sentences (`extract`),
    the model's cited lines (`model_notes`), or both."""

    def __init__(self, generate: Generate, count_tokens: Callable[[str], int], question: str,
                 budget_tokens: int, system: str, user: str, state: MemoryState | None = None,
                 max_facts: int = 12, extract: Extract | None = None, model_notes: bool = True,
                 rank: Rank = Rank.SCORE, cap: int = tally.CAP):
        self.generate, self.count_tokens = generate, count_tokens
        self.budget, self.max_facts = budget_tokens, max_facts
        self.rank, self.cap = rank, cap
        self.system, self.user = system, user
        self.extract, self.model_notes = extract, model_notes or extract is None
        self.state = state or MemoryState(question)

    def render(self, first: int = 1) -> str:
        """The notes, fact i labelled [first + i], then the running summary."""
        lines = [f"[{first + i}] {f.text}" for i, f in enumerate(self.state.facts)]
        return "\n".join(lines + ([self.state.summary] if self.state.summary else []))

    def _labels(self, chunk: PackedContext) -> dict[int, Fact]:
        """One label space: the chunk's [1..k], then the current facts as [k+1..]."""
        out = {c.n: Fact("", c.doc_id, c.ref, c.date, c.title) for c in chunk.citations}
        first = max(out, default=0) + 1
        out.update({first + i: f for i, f in enumerate(self.state.facts)})
        return out

    def parse(self, text: str, labels: dict[int, Fact]) -> tuple[list[Fact], list[str]]:
        """Cited lines become facts (source = first known label); the rest is summary."""
        facts, summary = [], []
        for line in text.splitlines():
            m = _NOTE.match(line)
            known = [int(n) for n in _LABEL.findall(m.group(2))] if m else []
            known = [n for n in known if n in labels]
            if m and known:
                src = labels[known[0]]
                facts.append(Fact(m.group(1).strip(" -"), src.doc_id, src.ref, src.date, src.title))
            elif line.strip():
                summary.append(line.strip())
        return facts, summary

    def merge(self, new: list[Fact], summary: list[str]) -> None:
        """New facts first-class; earlier facts the model did not repeat stay until the budget
        forces the oldest out (a weak model forgets to copy its notes). With an extractor every
        fact is tallied (a repeat counts, it is never kept twice) and the notes shown are the
        tally's best under the rank (ties: the earliest read first)."""
        ranked = self.extract is not None
        if ranked:
            self._tally(new)
        else:
            seen = {f.text.lower() for f in new}
            kept = [f for f in self.state.facts if f.text.lower() not in seen]
            self.state.facts = (kept + new)[-self.max_facts:]
        self.state.summary = " ".join(summary)[:600]
        if ranked:  # cited facts are what the answer needs: the uncited summary gives way first
            self._shrink_summary()
        while self.state.facts and self.count_tokens(self.render()) > self.budget:
            self.state.facts.pop(-1 if ranked else 0)
        self._shrink_summary()

    def _tally(self, new: list[Fact]) -> None:
        """new counted into the bounded tally; the shown facts are its best max_facts."""
        st = self.state
        if not st.notes and st.facts:  # a state saved before notes were tallied
            st.notes = list(st.facts)
        st.notes, gone = tally.bounded(tally.add(st.notes, new, st.chunks), self.cap, self.rank)
        st.evicted_notes += len(gone)
        st.evicted_reads += sum(f.count for f in gone)
        st.facts = st.notes[:self.max_facts]

    def _shrink_summary(self) -> None:
        while self.state.summary and self.count_tokens(self.render()) > self.budget:
            self.state.summary = self.state.summary[: len(self.state.summary) // 2]

    def update(self, chunk: PackedContext, fence: Callable[[str], str] = lambda t: t) -> None:
        """Read one chunk: its extracted sentences and/or one model call, then merge and trim."""
        facts, summary, t_in, t_out = [], [self.state.summary] if self.state.summary else [], 0, 0
        if self.model_notes:
            facts, summary, t_in, t_out = self._model_notes(chunk, fence)
        if self.extract is not None:
            facts = self.extract(chunk) + facts
        self.merge(facts, summary)
        self.state.chunks += 1
        self.state.position += max(1, len(chunk.doc_ids))
        self.state.tokens_in += t_in
        self.state.tokens_out += t_out

    def _model_notes(self, chunk: PackedContext, fence: Callable[[str], str]):
        """(facts, summary lines, tokens in, tokens out) of one model call over the chunk."""
        labels = self._labels(chunk)
        first = max((c.n for c in chunk.citations), default=0) + 1
        messages = [Message("system", self.system.format(max_facts=self.max_facts)),
                    Message("user", self.user.format(question=self.state.question,
                                                     notes=fence(self.render(first)) or "(none yet)",
                                                     context=fence(chunk.text)))]
        text, t_in, t_out = self.generate(messages)
        facts, summary = self.parse(text, labels)
        return facts, summary, t_in, t_out

    def as_context(self) -> PackedContext:
        """The notes as a packed context whose [n] labels cite the facts' documents."""
        cites = [Citation(n=i + 1, doc_id=f.doc_id, ref=f.ref, title=f.title, date=f.date,
                          start=0, end=0, quote=f.text) for i, f in enumerate(self.state.facts)]
        return PackedContext(self.render(), cites, self.count_tokens(self.render()),
                             doc_ids=[f.doc_id for f in self.state.facts])


def load_state(conn, key: str) -> MemoryState | None:
    row = conn.execute("SELECT state FROM memory_states WHERE key = ?", (key,)).fetchone()
    return MemoryState.from_json(row[0]) if row and row[0] else None


def save_state(conn, key: str, state: MemoryState) -> None:
    """Upsert the state so an interrupted reading resumes at state.position (not on a read-only
    archive: the reading just starts over next time)."""
    if conn.execute("PRAGMA query_only").fetchone()[0]:
        return
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    conn.execute(
        "INSERT INTO memory_states (key, question, state, position, total, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET state = excluded.state, "
        "position = excluded.position, total = excluded.total, updated_at = excluded.updated_at",
        (key, state.question, state.to_json(), state.position, state.total, now))
    conn.commit()
