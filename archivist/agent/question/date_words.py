"""Date words a date constraint did not read: 'the last 10 days of' before 'October 2001' when no
reader took the whole phrase, 'to the end of the year' after it, or words between two dates that
were joined into one interval ('10/3 to the end of the month in 2001'). Such words are frame words
elsewhere ('last', 'end', 'days'), so without this they would be dropped silently and the figure
given for a wider period than the one asked about; marked not used, they stop the figure instead.
"""
from __future__ import annotations

import re
from datetime import date

from archivist.agent.question.plan import Ask, Role
from archivist.agent.question.reading import Reading
from archivist.agent.question.words import TOKEN, unuse

I = re.I
POSITION = r"(?:end|ending|close|start|beginning|middle|mid|early|late|first|last|final|half|quarter|qtr|rest|remainder)"
UNIT = r"(?:days?|weeks?|weekends?|fortnights?|months?|years?)"
COUNT = r"(?:\d+|two|three|four|five|six|seven|eight|nine|ten|few|couple|several)"
GLUE = r"(?:the|of|in|a|an|that|this|to|through|thru|until|till)"
WORD = rf"\b(?:{POSITION}|{UNIT}|{COUNT}|{GLUE})\b"
RUN_BEFORE = re.compile(rf"(?:{WORD}[\s,-]*)+$", I)
RUN_AFTER = re.compile(rf"^(?:[\s,-]*{WORD})+", I)
# words that may join two dates read as one interval ('May 1 to June 3', 'Sept 19th in 2001')
JOINING = frozenset("and or to up through thru till until between from in of the on during since before after by "
                    "year a an inclusive including both either meaning namely that is i.e ie".split())  # ', meaning ...': said again


def gap_words(text: str, spans: list) -> list[tuple[int, int]]:
    """Character spans of the words between dates joined into one interval that say something
    else ('to the end of the month' between '10/3' and '2001')."""
    out = []
    ordered = sorted(spans, key=lambda s: s.start)
    for a, b in zip(ordered, ordered[1:]):
        for m in TOKEN.finditer(text, a.end, max(a.end, b.start)):
            if m.group(0).lower() not in JOINING and not _its_weekday(m.group(0), text[m.end():b.start], b):
                out.append((m.start(), m.end()))
    return out


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _its_weekday(word: str, between: str, day) -> bool:
    """'Fri' right before '11/30/01' that is a Friday: the same day said twice."""
    name = word.lower().rstrip(".")[:3]
    if name not in WEEKDAYS or not re.fullmatch(r"[\s,.]*", between) or not day.low:
        return False
    return date.fromisoformat(day.low).weekday() == WEEKDAYS.index(name)


def unread_around_dates(r: Reading) -> None:
    """Frame words beside a date constraint that describe a part of its period: not used."""
    for c in r.plan.of(Role.DATE):
        cue = re.match(r"(?:of|in|during)\s+", c.text, I)  # 'the week [of December 2001]': its cue word
        before = RUN_BEFORE.search(r.text[:c.start] + (cue.group(0) if cue else ""))
        after = RUN_AFTER.match(r.text[c.end:])
        if before and (_says_part(before.group(0), r.plan.ask, _days(str(c.value)), r.plan.per is not None)
                       or VAGUE_SPAN.search(before.group(0)) and RELATIVE_CUE.match(c.text)
                       and not _restates(before.group(0), _days(str(c.value)))):
            unuse(r, before.start(), min(before.end(), c.start))
        if after and _says_part(after.group(0), r.plan.ask, 0, r.plan.per is not None):
            unuse(r, c.end + after.start(), c.end + after.end())
    for start, end in r.unread:
        unuse(r, start, end, inside=True)


# 'in the days after 9/11', 'the weeks before Christmas': a span of no length said, not the whole
# time after or before the date
VAGUE_SPAN = re.compile(r"\b(?:days|weeks|weekends|months|fortnights)[\s,-]*$", I)
RELATIVE_CUE = re.compile(r"(?:after|before|following|preceding|prior\s+to|leading\s+up\s+to|ahead\s+of|since|until|till)\b", I)
UNIT_DAYS = {"day": 1, "weekend": 2, "week": 7, "fortnight": 14, "month": 31, "year": 366}


def _says_part(run: str, ask: Ask, period_days: int, per: bool = False) -> bool:
    """Whether a run of date words names a part of a period: a position ('end', 'early', 'half'),
    a number of units ('10 days'), or 'the week of' a longer period (period_days: the length of
    the period it stands before, 0 after it); 'first'/'last' alone are the question's own words in
    a first/last question ('the last day in 2001 that...')."""
    positions = {w.lower() for w in re.findall(rf"\b{POSITION}\b", run, I)}
    if ask in (Ask.FIRST, Ask.LAST):
        positions -= {"first", "last", "final"}
    if ask == Ask.PEAK or per:
        positions -= {"quarter", "qtr"}  # 'in which quarter of 2001 ... the most', 'per quarter': the unit asked
    counted = re.search(rf"\b({COUNT})\s+(?:of\s+)?({UNIT})", run, I)
    if counted and not positions and _as_long(counted.group(1), counted.group(2), period_days):
        return False  # 'the two weeks after Enron filed (Dec 2 through Dec 15, 2001)': the period said twice
    unit_of = re.search(rf"\b(?:the|a)\s+({UNIT})\s+of\s+(?:the\s+)?$", run, I)
    shorter = bool(unit_of) and ask != Ask.PEAK and \
        UNIT_DAYS[unit_of.group(1).lower().rstrip("s")] * 1.5 < period_days
    return bool(positions or counted or shorter)


NUMBER_WORDS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten".split())}


def _restates(run: str, period_days: int) -> bool:
    """'the two weeks' before 'after X (Dec 2 through Dec 15)': as long as the period read."""
    counted = re.search(rf"\b({COUNT})\s+(?:of\s+)?({UNIT})[\s,-]*$", run, I)
    return bool(counted) and _as_long(counted.group(1), counted.group(2), period_days)


def _as_long(count: str, unit: str, period_days: int) -> bool:
    """Whether 'two weeks' is as long as the period it stands before (a day's slack, a month's 3)."""
    n = int(count) if count.isdigit() else NUMBER_WORDS.get(count.lower())
    if not n or not period_days:
        return False
    length = n * UNIT_DAYS[unit.lower().rstrip("s")]
    return abs(length - period_days) <= (3 if unit.lower().startswith(("month", "year")) else 1)


def _days(value: str) -> int:
    """The length in days of a date constraint's value 'low..high' (0 when open-ended)."""
    from datetime import date
    low, _, high = value.partition("..")
    return (date.fromisoformat(high[:10]) - date.fromisoformat(low[:10])).days if low and high else 0
