"""Notes that tally: the extractive memory keeps each distinct fact once, with how many times it
was read and where it was read first and last, so "which is mentioned most often" and "how many
times" are answered by counting what was read, never by a model.

A fact is the same fact when its words are the same (case and spacing aside). Counts are summed
as chunks are read (a chunk's own repeats included), so a count is exact for every fact that was
never evicted.

Bounded: at most `cap` distinct notes. When new facts overflow the table, the notes ranked last
go, by the rule of the question asked (Rank): for a lookup the least relevant (lowest score, then
fewest reads, then the most recently first read, so the earliest of equals stays); for a frequency
question the least read (fewest reads, then lowest score, then the most recently first read), as a
frequent-items counter evicts its smallest count. A fact evicted and read again starts its count
over, so after any eviction counts are lower bounds: the memory records how many notes and reads
were evicted, and the answer says so.
"""
from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from archivist.memory.rolling import Fact

CAP = 256  # distinct notes kept while reading (a 135M model's answer reads at most a dozen)


class Rank(StrEnum):
    SCORE = "score"  # lookups: the facts that match the question best first
    COUNT = "count"  # frequency questions: the facts read most often first


def same(text: str) -> str:
    """The identity of a fact: its words, case and spacing aside."""
    return " ".join(text.lower().split())


def order(facts: list[Fact], rank: Rank) -> list[Fact]:
    """facts best first under the rank (ties: the earliest read first)."""
    if rank == Rank.COUNT:
        return sorted(facts, key=lambda f: (-f.count, -f.score, f.first_read))
    return sorted(facts, key=lambda f: (-f.score, -f.count, f.first_read))


def add(notes: list[Fact], new: list[Fact], read: int) -> list[Fact]:
    """notes with new counted in: a known fact's count grows and its last place moves; an unknown
    one joins, first and last read here. `read` numbers the chunk being read."""
    by_text = {same(f.text): f for f in notes}
    out = list(notes)
    for f in new:
        key = same(f.text)
        known = by_text.get(key)
        if known is None:
            f.first_read = f.last_read = read
            f.last_doc_id, f.last_ref = f.last_doc_id or f.doc_id, f.last_ref or f.ref
            by_text[key] = f
            out.append(f)
            continue
        known.count += f.count
        known.score = max(known.score, f.score)
        known.last_read = read
        known.last_doc_id, known.last_ref = f.last_doc_id or f.doc_id, f.last_ref or f.ref
    return out


def bounded(notes: list[Fact], cap: int, rank: Rank) -> tuple[list[Fact], list[Fact]]:
    """(notes in rank order cut to cap, the notes evicted)."""
    ranked = order(notes, rank)
    return ranked[:cap], ranked[cap:]
