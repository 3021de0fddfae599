"""Following a value through the text, for questions such as "which variables are assigned
12345" or "what is 4471 passed on to": a chain of statements each naming the one before
("X = 12345", "Y = X", "Z = Y") shares no word with the question after its first link, so scoring
sentences by the question's words finds the first link only.

While reading, the memory keeps every sentence that names a literal it follows (a number, a code
in capitals, a token mixing letters and digits), starting from the question's literals and adding
the literals of each sentence kept, so a chain written in reading order is followed as it is read.
At the end the chain is the closure from the question's literals over the statements of the kept
sentences (a sentence cut at each full stop: short statements are joined into one sentence), linked
only through literals that are not hubs: a literal in more than a third of the kept sentences
(a keyword every statement repeats, such as VAR) would join unrelated chains. Both the followed
literals and the kept sentences are bounded (TRACKED, and the tally's cap).
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from archivist.memory.rolling import Fact

IDENTIFIER = re.compile(r"\b\d[\d,]*\d\b|\b[A-Z][A-Z0-9_]{2,}\b|\b(?=[A-Za-z_]*\d)(?=\d*[A-Za-z])[A-Za-z0-9_]{3,}\b")
TRACKED = 256  # literals followed at most (the first ones found are kept: the chain starts there)
HUB_SHARE = 1 / 3
# a statement ends at a full stop, also one inside a closing quote or bracket ('he said "no." VAR A = 1.')
END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"')\]]))\s+")


def identifiers(text: str) -> set[str]:
    """The literals of a text: numbers (commas dropped), capitalised codes, letter-digit tokens."""
    return {m.group(0).replace(",", "") for m in IDENTIFIER.finditer(text)}


def follow(text: str, tracked: list[str]) -> bool:
    """Whether text names a followed literal; if so the literals of the statement naming it are
    followed too (bounded). Only that statement's: a sentence that joined a short statement to
    the next would otherwise spread the following to the other one's literals."""
    found = False
    for piece in END.split(text):
        own = identifiers(piece)
        if own & set(tracked):
            found = True
            tracked.extend(sorted(x for x in own if x not in tracked)[:max(0, TRACKED - len(tracked))])
    return found


def hubs(facts: list[Fact]) -> set[str]:
    """Literals in more than HUB_SHARE of the statements (and in more than two): they link
    nothing. A statement is a fact's set of literals: the same statement read inside two
    different sentences counts once."""
    statements = {frozenset(identifiers(f.text)) for f in facts}
    seen: dict[str, int] = {}
    for lits in statements:
        for x in lits:
            seen[x] = seen.get(x, 0) + 1
    limit = max(2, len(statements) * HUB_SHARE)
    return {x for x, n in seen.items() if n > limit}


def starts(literals: tuple[str, ...]) -> set[str]:
    """The literals a question names, as identifiers() writes them (a quoted text as it is)."""
    return set().union(*(identifiers(x) or {x} for x in literals)) if literals else set()


def statements(facts: list[Fact]) -> list[Fact]:
    """Each fact cut into its statements, the ones naming a literal: the sentence splitter joins a
    short statement to the next ("X = 1. Y = 2." is one sentence), which would link two chains."""
    out = []
    for f in facts:
        out += [replace(f, text=piece) for piece in END.split(f.text) if identifiers(piece)]
    return out


def chain(start: tuple[str, ...], facts: list[Fact]) -> tuple[list[Fact], list[str]]:
    """(the statements reached from the start literals link by link, in the order they are
    reached, which is a chain's own order; the literals they name besides the start and the hubs)."""
    facts = statements(facts)
    skip = hubs(facts)
    frontier = starts(start) - skip
    known, out, names = set(frontier), [], []
    pending = sorted(facts, key=lambda f: (f.first_read, f.doc_id))
    while frontier:
        step = [f for f in pending if (identifiers(f.text) - skip) & frontier]
        pending = [f for f in pending if f not in step]
        out += step
        frontier = set().union(*((identifiers(f.text) - skip) for f in step)) - known
        known |= frontier
        names += [x for f in step for x in _in_order(f.text) if x in frontier and x not in names]
    return out, names


def _in_order(text: str) -> list[str]:
    return [m.group(0).replace(",", "") for m in IDENTIFIER.finditer(text)]
