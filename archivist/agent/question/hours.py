"""Times of day a question says ('between 10pm and 5am', 'after 8 p.m.', 'before 07:00', 'after
midnight'): an HOURS constraint, read against the sender's own clock (the time in the Date
header), as days are. A vague time ('late at night', 'after hours') is a span of no stated hours:
on its own it is left unused, so no figure is given for it; said beside stated hours ('late at
night, say between 10pm and 5am') it is those hours said in words.
"""
from __future__ import annotations

import re

from archivist.agent.question.plan import Constraint, Role
from archivist.agent.question.reading import Reading

I = re.I
CLOCK = (r"(?:(?P<{n}h>\d{{1,2}})(?::(?P<{n}m>\d{{2}}))?\s*(?P<{n}p>a\.?m\.?|p\.?m\.?|h\b|uhr\b|o'?clock\b)|"
         r"(?P<{n}hh>\d{{1,2}}):(?P<{n}mm>\d{{2}})|(?P<{n}w>midnight|noon|midday))")
A, B = CLOCK.format(n="a"), CLOCK.format(n="b")
SPAN = re.compile(rf"(?:\b(?:between|from)\s+)?{A}\s*(?:and|to|until|till|-|–)\s*{B}", I)
OPEN = re.compile(rf"\b(?P<rel>after|past|later\s+than|before|earlier\s+than|prior\s+to|until)\s+{A}", I)
VAGUE = re.compile(r"\b(?:late\s+at\s+night|at\s+night|late[\s-]+night|overnight|after\s+(?:business\s+|office\s+|work(?:ing)?\s+)?hours|"
                   r"in\s+the\s+(?:early\s+)?(?:morning|evening|night)|early\s+morning|in\s+the\s+wee\s+hours)\b", I)
SAY = re.compile(r"\s*[,(]?\s*(?:say|i\.e\.|ie|e\.g\.|that\s+is|meaning|defined\s+as|roughly)?[\s,:]*$", I)


def _minutes(m: re.Match, n: str) -> int | None:
    """Minutes after midnight of the clock time named n in m; None for a number with no clock mark."""
    if word := m.group(f"{n}w"):
        return 0 if word.lower() == "midnight" else 12 * 60
    if m.group(f"{n}hh"):
        h, mins = int(m.group(f"{n}hh")), int(m.group(f"{n}mm"))
    else:
        h, mins, mark = int(m.group(f"{n}h")), int(m.group(f"{n}m") or 0), m.group(f"{n}p").lower().replace(".", "")
        if mark in ("am", "pm") and not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if mark == "pm" else 0) if mark in ("am", "pm") else h
    return h * 60 + mins if 0 <= h <= 24 and 0 <= mins < 60 else None


def _label(low: int, high: int) -> str:
    return f"{low // 60:02d}:{low % 60:02d}-{high // 60:02d}:{high % 60:02d}"


def read_hours(r: Reading) -> None:
    """Claim the hours of the day the question gives, with the vague words that they restate."""
    found = None
    if (m := SPAN.search(r.text)) and (a := _minutes(m, "a")) is not None and (b := _minutes(m, "b")) is not None:
        found = (m.start(), m.end(), a, b)
    elif (m := OPEN.search(r.text)) and (a := _minutes(m, "a")) is not None:
        after = m.group("rel").lower() in ("after", "past", "later than")
        found = (m.start(), m.end(), a, 24 * 60) if after else (m.start(), m.end(), 0, a)
    if found is None or not r.free(found[0], found[1]):
        return
    start, end, low, high = found
    vague = next((v for v in VAGUE.finditer(r.text) if v.end() <= start and SAY.fullmatch(r.text[v.end():start])), None)
    if vague:
        start = vague.start()
    label = f"{_label(low, high)} by the sender's clock" + (" (through midnight)" if high < low else "")
    r.claim(Constraint(Role.HOURS, r.text[start:end], _label(low, high), start, end, label=label))


def in_hours(value: str, minutes: int) -> bool:
    """Whether a time (minutes after midnight) falls in 'HH:MM-HH:MM' (across midnight when the end
    is earlier than the start: '22:00-05:00'), the end excluded."""
    low, high = (int(t[:2]) * 60 + int(t[3:]) for t in value.split("-"))
    return low <= minutes < high if low <= high else minutes >= low or minutes < high
