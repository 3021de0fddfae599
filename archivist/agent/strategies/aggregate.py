"""Answers to aggregation questions (agent/question/aggregate.py) from the memory's tallied notes,
without a model: every line quotes a fact as it was read and cites where (first and, when it
differs, last), so no fact in the answer depends on a small model copying it.

- FREQUENT: the facts read most often, as many as the question asks (one when it does not say),
  each with its count.
- HOW_OFTEN: the reads of the facts that name the question's most specific word, summed.
- ALL: every fact that scores within KEEP_SECOND of the best, not only the first two, each with
  who wrote it when its document has a sender ('who wrote about X in May': the senders); for an ALL
  that names a kind of value ('every dollar amount'), every such value in the order read, each
  with the sentence that first wrote it.
- TRACK: the chain followed from the question's literals, in its order, and the names it reaches.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from archivist.agent.question.aggregate import Aggregate, AggregateAsk, values_in
from archivist.answering.grounding.quotes import KEEP_SECOND, quote_text
from archivist.answering.grounding.sentences import content_words, words
from archivist.memory import tally, tracking
from archivist.memory.rolling import Fact, MemoryState
from archivist.records import Citation

MAX_LINES = 20  # an "all the ..." answer quotes at most this many facts


@dataclass
class NotesAnswer:
    text: str
    citations: list[Citation] = field(default_factory=list)
    note: str = ""  # how it was found, for the run's record


class Cites:
    """[n] labels for facts as they are quoted: the first place, and the last when it differs."""

    def __init__(self) -> None:
        self.citations: list[Citation] = []

    def label(self, doc_id: int, ref: str, text: str, title: str = "", date: str = "",
              start: int = 0, end: int = 0) -> int:
        for c in self.citations:
            if c.doc_id == doc_id and c.quote == text:
                return c.n
        n = len(self.citations) + 1
        self.citations.append(Citation(n, doc_id, ref, title, date, start, end, text))
        return n

    def of(self, f: Fact) -> str:
        first = self.label(f.doc_id, f.ref, f.text, f.title, f.date, f.start, f.end)
        if not f.last_doc_id or f.last_doc_id == f.doc_id:
            return f"[{first}]"
        return f"(first [{first}], last [{self.label(f.last_doc_id, f.last_ref, f.text)}])"


def _by(f: Fact) -> str:
    """'Lee, Ann: ' before a quoted fact when its document has a sender (who wrote each piece)."""
    return f"{f.sender}: " if f.sender else ""


def _times(n: int) -> str:
    return "once" if n == 1 else f"{n} times"


def _bounds(state: MemoryState) -> str:
    """What the tally's bound cost, when anything (counts are then lower bounds)."""
    if not state.evicted_notes:
        return ""
    return (f" Counts are lower bounds: the memory's bound evicted {state.evicted_notes} less "
            f"relevant notes ({state.evicted_reads} reads).")


def frequent(ask: AggregateAsk, state: MemoryState) -> NotesAnswer:
    top = tally.order(state.notes, tally.Rank.COUNT)[:ask.top or 1]
    cites = Cites()
    lines = [f"- {quote_text(f.text)} read {_times(f.count)} {cites.of(f)}" for f in top]
    head = f"Read most often in {state.position} documents:"
    return NotesAnswer("\n".join([head, *lines]) + _bounds(state), cites.citations,
                       f"the {len(top)} facts read most often of {len(state.notes)} tallied")


def specific_word(question: str, notes: list[Fact]) -> str:
    """The question's content word found in the fewest notes (but in one): the thing it names."""
    found = {w: sum(1 for f in notes if w in content_words(f.text)) for w in content_words(question)}
    found = {w: n for w, n in found.items() if n}
    return min(found, key=lambda w: (found[w], w)) if found else ""


def surface(question: str, word: str) -> str:
    """The question's own spelling of a content word (words() drops a plural s)."""
    return next((w for w in question.split() if words(w) == [word]), word).strip("?.,;:!\"'")


def how_often(question: str, state: MemoryState) -> NotesAnswer | None:
    word = specific_word(question, state.notes)
    if not word:
        return None
    facts = tally.order([f for f in state.notes if word in content_words(f.text)], tally.Rank.COUNT)
    total, cites = sum(f.count for f in facts), Cites()
    lines = [f"- {quote_text(f.text)} read {_times(f.count)} {cites.of(f)}" for f in facts[:MAX_LINES]]
    sentences = "1 sentence" if len(facts) == 1 else f"{len(facts)} distinct sentences"
    head = f"'{surface(question, word)}' was read {_times(total)} in {sentences} of {state.position} documents:"
    return NotesAnswer("\n".join([head, *lines]) + _bounds(state), cites.citations,
                       f"reads of the facts naming '{word}' summed")


def every(state: MemoryState) -> NotesAnswer | None:
    ranked = tally.order(state.notes, tally.Rank.SCORE)
    if not ranked:
        return None
    best = [f for f in ranked if f.score >= KEEP_SECOND * ranked[0].score][:MAX_LINES]
    cites = Cites()
    lines = [f"- {_by(f)}{quote_text(f.text)} {cites.of(f)}" for f in sorted(best, key=lambda f: (f.first_read, f.doc_id))]
    head = f"Every matching statement in {state.position} documents ({len(best)}):"
    return NotesAnswer("\n".join([head, *lines]), cites.citations,
                       f"all {len(best)} top-scoring facts quoted")


def valued(ask: AggregateAsk, state: MemoryState) -> NotesAnswer | None:
    """Every value of the kind asked ('every dollar amount'), in the order read, each once with
    the sentence that first wrote it; None when no note writes one."""
    facts = sorted((f for f in state.notes if values_in(ask.values, f.text)),
                   key=lambda f: (f.first_read, f.date, f.doc_id, f.start))
    if not facts:
        return None
    cites, seen, lines = Cites(), set(), []
    for f in facts:
        new = [v for v in values_in(ask.values, f.text) if " ".join(v.split()) not in seen]
        if not new:
            continue
        seen.update(" ".join(v.split()) for v in new)
        if len(lines) < MAX_LINES:
            lines.append(f"- {', '.join(new)} ({_by(f)}{quote_text(f.text)}) {cites.of(f)}")
    names = {"money": "dollar amount", "percent": "percentage"}.get(ask.values, "value")
    head = (f"Every {names} read in {state.position} documents, in the order read ({len(seen)}): "
            + ", ".join(dict.fromkeys(" ".join(v.split()) for f in facts for v in values_in(ask.values, f.text))) + ".")
    return NotesAnswer("\n".join([head, *lines]) + _bounds(state), cites.citations,
                       f"{len(seen)} values quoted in the order read")


def followed(ask: AggregateAsk, state: MemoryState) -> NotesAnswer | None:
    facts, names = tracking.chain(ask.literals, state.notes)
    if not facts:
        return None
    cites = Cites()
    lines = [f"- {quote_text(f.text)} {cites.of(f)}" for f in facts[:MAX_LINES]]
    head = f"Following {', '.join(ask.literals)} through {state.position} documents:"
    tail = f"Reached: {', '.join(names)}." if names else ""
    return NotesAnswer("\n".join([head, *lines, tail]).strip(), cites.citations,
                       f"a chain of {len(facts)} statements followed from {', '.join(ask.literals)}")


def from_notes(ask: AggregateAsk, question: str, state: MemoryState) -> NotesAnswer | None:
    """The answer the tallied notes give, or None when they hold nothing for it."""
    if not state.notes:
        return None
    if ask.kind == Aggregate.FREQUENT:
        return frequent(ask, state)
    if ask.kind == Aggregate.HOW_OFTEN:
        return how_often(question, state) or every(state)
    if ask.kind == Aggregate.TRACK:
        return followed(ask, state) or every(state)
    if ask.values:
        return valued(ask, state) or every(state)
    return every(state)
