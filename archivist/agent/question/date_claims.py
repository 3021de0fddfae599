"""The dates a question says, claimed in its plan: the date expressions (archivist/dates.py) read
into one interval (analyse.combine_dates), with the words around them that belong to them: the cue
before ('between', 'from calendar'), an event that restates a day ('since Enron filed for
bankruptcy on 12/2/01', ', the day the merger fell apart,', ', as the crisis deepened?'), a period
said again in parentheses, a year the archive makes likely when none is said. A day said of a thing
the email speaks of ('her 10/9 changes') is no date of the email.
"""
from __future__ import annotations

import re
from datetime import date, timedelta

from archivist.agent.question.analyse import ONWARD, _names_with_months, combine_dates
from archivist.agent.question.date_words import gap_words
from archivist.agent.question.phrases import LEAVE_OUT
from archivist.agent.question.plan import Constraint, Role
from archivist.agent.question.reading import Reading
from archivist.date_phrases import NUMBERS
from archivist.dates import find_dates

EVENT_DAY = re.compile(r"\b(?:start|starts|begin|begins|expire|expires|close|closes|due|effective|deadline|"
                       r"take\s+effect|takes\s+effect|(?:is|was|been|be|being)\s+(?:moved|postponed|rescheduled|"
                       r"pushed(?:\s+back)?|brought\s+forward|scheduled|planned|set|held)|moved|postponed|rescheduled)"
                       r"\s+(?:on\s+|by\s+|to\s+|for\s+|until\s+)?(?:the\s+)?$", re.I)
# a day said of a thing the email speaks of ('her 10/9 changes', 'the 11/15 draft'), beside the date it was sent
OWNED_DAY = (re.compile(r"\b(?:his|her|their|its|our|my|your)\s+$", re.I),
             re.compile(r"\s+(?!attacks?\b)[a-z][a-z-]+\b"))
EVENT_AFTER = re.compile(r"\s+(?:terrorist\s+)?attacks?\b", re.I)
HOLIDAYS_SAID = re.compile(r"\b(?:over|during|in|for)\s+the\s+(?:holidays?|holiday\s+season|break|vacation|shutdown|"
                           r"long\s+weekend)\s*\(\s*$", re.I)
DATE_CUES = re.compile(r"\b(?:between|from|since|before|after|following|until|till|through|thru|in|on|during|of|by|predates?|predating|"
                       r"no\s+later\s+than|not\s+later\s+than|"
                       r"starting|beginning|as\s+of|prior\s+to|up\s+to|around|over|within)\s+(?:the\s+)?(?:calendar\s+(?:year\s+)?)?$|"
                       r"\bcalendar\s+(?:year\s+)?$", re.I)  # 'from calendar 2002': the year, January to December


def _not_used(r: Reading, spans: list) -> None:
    for span in spans:
        r.plan.notes.append(f"'{span.text}' was not used as a date" if span.low else
                            f"I could not tell which year '{span.text}' means")


SEASON = r"(?:spring|summer|fall|autumn|winter|christmas|holiday|holidays|easter|thanksgiving|academic|school)"
TERM = r"(?:semester|term|break|vacation|recess|holidays|session)"
# the organisation's own name for a period, then the days it means: 'fiscal Q3 2001 (July 1 - September
# 30, 2001)', 'spring semester 2001 (Jan-May)', 'over the winter break - Dec 15, 2001 to Jan 13, 2002'
NAMED_BEFORE = re.compile(rf"\b(?:(?:fiscal|financial|calendar)\s+(?:year\s+)?|(?:{SEASON}\s+)?{TERM}\s+(?:of\s+)?)$", re.I)
NAMED_SAID_AGAIN = re.compile(rf"\b(?:the\s+)?(?:(?:{SEASON}|fiscal)\s+)*{TERM}(?:\s+(?:of\s+)?(?:19|20)\d\d)?\s*\??\s*"
                              r"(?:\(\s*(?:i\s+mean\s+|that\s+is,?\s+|i\.e\.,?\s*)?|[-–—]{1,2}\s*|,\s*)$", re.I)


def _named_period(text: str, start: int) -> int:
    """Where a date constraint starts when the words before it name the period it means, in a
    name no date reader knows ('semester', 'fiscal'): those words are said again by the days."""
    while m := NAMED_BEFORE.search(text[:start]) or NAMED_SAID_AGAIN.search(text[:start]):
        start = m.start()
    return start


def _fiscal_note(r: Reading, start: int, end: int) -> None:
    if re.search(r"\bfiscal\b", r.text[start:end], re.I) and not re.search(r"\(|[-–—]\s", r.text[start:end]):
        r.plan.notes.append("'fiscal' was read as the calendar year (no other fiscal year is known for this archive)")


# a weekday's name before the day of the month it falls on: said twice, the number read
DAY_NAME = re.compile(r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day,?(?=\s+(?:the\s+)?\d{1,2}(?:st|nd|rd|th)\b)", re.I)


def claim_dates(r: Reading) -> None:
    """Claim the question's one date interval, its cue and the words that restate it."""
    text = r.blanked()
    for c in r.plan.constraints:  # 'thru kay mann's mailbox dec 01': a cue never reaches over a constraint
        text = text[:c.start] + "_" * (c.end - c.start) + text[c.end:]  # to a date (event words stay blank)
    for s, e in _names_with_months(r.lex, text):
        text = text[:s] + " " * (e - s) + text[e:]
    text = DAY_NAME.sub(lambda m: " " * len(m.group(0)), text)  # 'Monday 24th to Sunday 30th of December'
    spans = find_dates(text)  # the events beside their dates were claimed first (read_plan): blank here
    if any(s.low is None for s in spans) and r.lex is not None:  # 'christmas eve': which year?
        spans = _with_likely_year(r, text, spans)
    spans = [s for s in spans if not EVENT_DAY.search(text[:s.start])]  # 'might not start Jan 1': a day the
    # email speaks of, not one it was sent in (its words are left to the description)
    said_of = [s for s in spans if OWNED_DAY[0].search(text[:s.start]) and OWNED_DAY[1].match(text, s.end)]
    if said_of and len(said_of) < len(spans):  # 'in late October 2001, incorporating her 10/9 changes': the
        spans = [s for s in spans if s not in said_of]  # changes' day, words of the description
    excluded = [x for x in spans if x.low and EXCLUDE.search(text[:x.start])]
    kept = [x for x in spans if x not in excluded]
    after, before, _day, used = combine_dates(text, kept)
    if excluded:
        after, before, used = _leave_out(r, text, excluded, kept, after, before, used)
    near = [s for s in spans if used and all((s.start, s.end) != (u.start, u.end) for u in used)
            and (min(abs(s.end - min(u.start for u in used)), abs(s.start - max(u.end for u in used))) <= 3
                 or re.fullmatch(r"\s*(?:of|,)\s*", text[max(u.end for u in used):s.start]))]  # 'May and June of 2002'
    used = list(used) + near + _restated(text, spans, after, before)  # 'the winter (dec 01 - feb 02)': the
    # parenthesis says which winter; "New Year's Eve (12/31/01)": which year the numbers say
    used += _beside_in_parentheses(text, spans, used)
    unused = [span for span in spans if all((span.start, span.end) != (u.start, u.end) for u in used)]
    if not used:
        _not_used(r, unused)
        return
    cues = [(EXCLUDE.search(text[:x.start]).start(), x.start) for x in excluded if x in used]
    r.unread += [(a, b) for a, b in gap_words(text, used) if not any(s <= a < e for s, e in cues)]  # '10/3 ... the end of the month ... 2001': words no date reader took
    start, end = min(s.start for s in used), max(s.end for s in used)
    start = _named_period(r.text, start)
    _fiscal_note(r, start, end)
    _not_used(r, [span for span in unused if not start <= span.start < end])
    again = None
    if after and len(used) == 1 and (period := PERIOD_FROM.search(text[:start])) and _days_in(period):
        before = (date.fromisoformat(after) + timedelta(days=_days_in(period))).isoformat()  # 'the two-week
        start = period.start()  # period beginning November 26, 2001': that many days from the day said
    elif before and not after and (ytd := YEAR_TO_DATE.search(text[:start])):  # 'YTD through June 2001': from
        after, start = f"{(date.fromisoformat(before) - timedelta(days=1)).year}-01-01", ytd.start()  # January 1
        r.plan.notes.append(f"'{ytd['y']}' was read as from January 1 of that year")
    elif left_out := EXCLUDE.search(text[:start]):
        start = left_out.start()
    elif said := HOLIDAYS_SAID.search(text[:start]):
        start = said.start()  # 'over the holidays (Christmas thru New Year's 2001)': the parenthesis says when
    elif again := SAID_AGAIN.search(r.text[:start]):  # (again: see the person below)
        start = again.start()  # 'in the month before Skilling left, that is July 2001': the date says when
    elif cue := DATE_CUES.search(text[:start]):
        start = cue.start()
    start = next((a for a, b in r.claimed if b == start and a < start and (WINDOW_AFTER.fullmatch(r.text, a, b)
                                                                          or RUN_UP_WINDOW.fullmatch(r.text, a, b))), start)
    if days := _days_of_a_part(r.text, text, start, end, after, before):  # 'the first few days of June 2001
        start, end, after, before = days  # (the 1st to the 5th)': the days the parenthesis names
    elif event := EVENT_AFTER.match(text, end) or ONWARD.match(text, end) or _day_of_event(r.text, end) \
            or _days_said_again(text, end, after, before):  # '... November 2001 (the 1st through the 15th)
        end = event.end()  # 'the September 11 attacks': the day the event names; '1/1/02 onward
    earlier = list(r.claimed)
    r.claim(Constraint(Role.DATE, r.text[start:end].strip(), f"{after or ''}..{before or ''}", start, end,
                       label=_date_label(after, before)))
    if again:  # the person the restated event names stays to be read ('before Skilling left, that is ...')
        for name in EVENT_PERSON.finditer(r.text, start, end):
            if not any(a <= name.start() < b for a, b in earlier) and PRONOUN_AFTER.search(r.text, end):
                r.claimed.remove((start, end))
                r.claimed += [(start, name.start()), (name.end(), end)]
                break


WEEKDAY = r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"  # ', that is Monday December 3 ...'
EVENT_CLAUSE = re.compile(r"\b(?P<rel>(?:in\s+|during\s+)?the\s+(?:run|lead)-?\s?up\s+to|since|after|before|prior\s+to|following|until|till|from|up\s+to|between|and|to|"
                          r"through|thru)\s+(?P<event>(?:[\w'’.-]+,?\s+){1,7}?)(?:on\s+|\(\s*|(?<=,\s)(?:that\s+is|i\.e\.|ie|"
                          r"namely|meaning|so)\s*,?\s*(?:in\s+|from\s+)?" + WEEKDAY + r"|(?<=,\s)(?:in|during)\s+)$", re.I)
# ('After his departure, in September and October 2001': the months say when; 'Between the rate freeze
# ending and the bankruptcy, so from June 1 to December 2, 2001': the days say when)
# an event, then the date it means said again: the date is the constraint, the event's words restate it
SAID_AGAIN = re.compile(r"\b(?:(?:in|during|on|over|for)\s+)?(?:(?P<period>the\s+(?:day|days|week|weeks|month|months|year|quarter|"
                        r"period|weekend|fortnight)\s+(?:that|when|in\s+which|on\s+which))|(?:the\s+(?:day|days|week|weeks|month|"
                        r"months|year|quarter|period|weekend)\s+)?(?:before|after|since|following|prior\s+to|until|till))"
                        r"\s+[^.?!;]{1,60}?,\s*"
                        r"(?:that\s+is|i\.e\.|ie|namely|meaning)\s*,?\s*(?:in\s+|from\s+)?" + WEEKDAY + "$", re.I)
# a person the event names, whom the question then calls he or she ('the month before Skilling left, that
# is July 2001, how many emails did he send'): read as a person, not as the event's words
EVENT_PERSON = re.compile(r"\b(?!(?:In|On|During|Over|For|The|A|An|After|Before|Since|Following|Until|That|This|"
                          r"When|How|What|Which|Who|Of|(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day)\b)(?-i:[A-Z][a-z'’-]+)(?:\s+(?-i:[A-Z][a-z'’-]+))?")
PRONOUN_AFTER = re.compile(r"\b(?:he|she|him|his|her|hers)\b", re.I)
RANGE_END = frozenset("and to through thru".split())  # the second end of a range: only after a first date
EVENT_WORD = re.compile(r"\b(?:\w{3,}(?:ed|tion|ment|ing)|bankrupt(?:cy)?|merger|vote|attacks?|layoffs?|collapse|deal|departure|"
                        r"went|fell|broke|began|quit|left|won|lost|hit|came\s+out)\b", re.I)
MAIL_WORD = re.compile(r"\b(?:e-?mail\w*|wrote|writes?|sent|sends?|forward\w*|cop(?:y|ied)|cc\w*|bcc\w*|message\w*|replied)\b", re.I)


WINDOW_AFTER = re.compile(r"(?:after|following)\b[^,]{1,60},\s*(?:in|during)\s+", re.I)  # the event before its window


RUN_UP = re.compile(r"(?:in\s+|during\s+)?the\s+(?:run|lead)", re.I)
RUN_UP_WINDOW = re.compile(r"(?:in\s+|during\s+)?the\s+(?:run|lead)-?\s?up\s+to\s+[^()]{1,80}\(\s*", re.I)  # its days in parentheses


def _period(span) -> bool:
    """Whether a date names more than one day (a run-up said with its month or its days is that window)."""
    return bool(span.low and span.high) and date.fromisoformat(span.high) - date.fromisoformat(span.low) > timedelta(days=1)


def event_clauses(text: str) -> list[tuple[int, int]]:
    """The words naming an event between 'since/before/after' and the date it happened on ('since
    Enron filed for bankruptcy on December 2, 2001', 'prior to the bankruptcy filing (12/2/01)'):
    the date is what the relation is to; the event words restate it. A clause about mail ('after
    Ken wrote on 10/3') is not an event: its sender is a constraint."""
    out, spans = [], find_dates(text)
    for i, span in enumerate(spans):
        if span.low and (p := SAID_AGAIN.search(text[:span.start])) and p["period"] and not MAIL_WORD.search(p.group(0)):
            out += _around_the_person(text, p.start(), span.start, span.end)  # 'in the week that Skilling's
            continue  # resignation was announced, that is Monday August 13 ...': the dates say when
        m = EVENT_CLAUSE.search(text[:span.start])
        if not (span.low and m) or m["rel"].lower() in RANGE_END and not any(s.end <= m.start() for s in spans[:i]):
            continue
        window = re.search(r",\s*(?:in|during)\s+$", m.group(0)) or (RUN_UP.match(m["rel"]) and _period(span))  # 'After his
        # departure, in September ...', 'in the run-up to the Q2 earnings call (April 2001)': the
        if window and not RUN_UP.match(m["rel"]) and m["rel"].lower() not in ("after", "following"):  # months are the window, the event its context
            continue  # ('since the merger collapsed, in November 2001': whether the month is the event's, unsaid)
        said_end = m.start("event") + len(m["event"].rstrip(" ,"))
        if any(m.start("event") < s.end >= said_end for s in spans[:i]):
            continue  # 'the week after Thanksgiving 2001 (the week of 11/26/01)': a date said again, no event
            # (not 'from the Q3 earnings announcement (10/16/2001)': an event that names a quarter)
        if (EVENT_WORD.search(m["event"]) or re.match(r"(?:the|its|their|his|her)\s", m["event"], re.I)) \
                and not MAIL_WORD.search(m["event"]):  # a verb of an event or a noun phrase ('the office move')
            again = SAID_AGAIN.search(text[:span.start])  # ', that is July 2001': the relation is the event's too
            out += _around_the_person(text, again.start(), span.start, span.end) if again \
                else [(m.start() if window else m.start("event"), span.start)]
            if text[span.end:span.end + 1] == ")":
                out.append((span.end, span.end + 1))  # '(11/9/2001) to month end': the range goes on
        if span.low and (a := _day_of_event(text, span.end)):
            out.append((span.end, a.end()))  # 'On 11/28/01, the day the merger fell apart,': that day
    return out


def _around_the_person(text: str, start: int, end: int, after: int) -> list[tuple[int, int]]:
    """The event's span, less the one person it names when the question after the date calls
    someone he or she (that person, left to the people reader)."""
    names = list(EVENT_PERSON.finditer(text, start, end))
    if len(names) != 1 or not PRONOUN_AFTER.search(text, after):
        return [(start, end)]
    return [(a, b) for a, b in ((start, names[0].start()), (names[0].end(), end)) if text[a:b].strip(" ,")]


def _day_of_event(text: str, at: int) -> re.Match | None:
    """', the day the Dynegy merger fell apart,' right after a date; not ', the day Ken emailed her'."""
    a = DAY_OF_EVENT.match(text, at) or AS_EVENT.match(text, at) or DURING_EVENT.match(text, at)
    return a if a and EVENT_WORD.search(a["event"]) and not MAIL_WORD.search(a["event"]) else None


# a date restated by what happened in it: ', the day the Dynegy merger fell apart,', '(the week the PUC voted)'
DAY_OF_EVENT = re.compile(r"\s*[,(]\s*(?:the|that)\s+(?:day|week|month|date|morning|afternoon|evening|night|weekend|"
                          r"season|quarter|year|period|summer|autumn|fall|winter|spring)\s+"
                          r"(?:that\s+|when\s+|on\s+which\s+|of\s+)?(?P<event>[^,()?]{3,70}?)\s*(?:[,)]|(?=\?))", re.I)
# ', the season of Jeffrey Skilling's resignation,': 'of' and an event's noun
# ', as Enron's liquidity crisis deepened?': what was happening then, closing the question
# ', during the Dynegy merger negotiations,': what was happening in the period said
DURING_EVENT = re.compile(r"\s*,\s*(?:during|amid|amidst|in\s+the\s+(?:midst|middle)\s+of|at\s+the\s+height\s+of)\s+(?:the\s+)?"
                          r"(?P<event>[^,()?]{0,50}?\b(?:negotiations|talks|crisis|turmoil|meltdown|collapse|investigations?|"
                          r"proceedings|fallout|aftermath|scandal|run-up|campaign|downturn|unraveling|unravelling))\s*(?=,)", re.I)
# (a long time that holds the period, never a narrower one: not 'during the board meeting')
AS_EVENT = re.compile(r"\s*,\s*(?:just\s+)?as\s+(?P<event>[^,()?]{3,70}?)\s*(?=[?.!]*\s*$)", re.I)


OPEN_PAREN = re.compile(r"\s*(?:\(|,\s*(?:that\s+is|i\.\s*e\.|ie|meaning|namely)\s*,?|\s[-–—]{1,2}|,(?=\s+\w+day\b))\s*"  # '(...)', ', meaning ...', ' - ', ', Monday ...'
                        r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s*)?", re.I)


def _beside_in_parentheses(text: str, spans: list, used: list) -> list:
    """A dated phrase right before (or inside) a parenthesis whose dates were used and overlap it:
    'the week after Thanksgiving 2001 (Mon 11/26 - Fri 11/30)' says the days twice, the
    parenthesis exactly."""
    out = []
    dated = [u for u in used if u.low]
    if not dated:
        return out
    low, high = min(u.low for u in dated), max(u.high or "9" for u in dated)  # the interval read
    for s in [s for s in spans if s.low and all((s.start, s.end) != (u.start, u.end) for u in used)]:
        if not (s.low < high and low < (s.high or "9")):
            continue
        after = [u for u in dated if u.start >= s.end]  # '(Sunday 11/18 through Saturday 11/24)': its first day
        if after and OPEN_PAREN.fullmatch(text[s.end:min(u.start for u in after)]) \
                or any(OPEN_PAREN.fullmatch(text[u.end:s.start]) for u in dated if u.end <= s.start):
            out.append(s)
    return out


DAYS_AGAIN = re.compile(r"\s*\(\s*(?:i\.e\.,?\s+|that\s+is,?\s+)?(?:the\s+)?(?P<a>\d{1,2})(?:st|nd|rd|th)?\s*(?:through|thru|to|until|till|"
                        r"-|–|and)\s*(?:the\s+)?(?P<b>\d{1,2})(?:st|nd|rd|th)?(?:\s+inclusive)?\s*\)", re.I)


VAGUE_PART = re.compile(r"\b(?:(?:the\s+)?(?:first|last|final|opening|closing|early|late)\s+(?:few\s+|couple\s+(?:of\s+)?|several\s+)?"
                        r"days(?:\s+(?:of|in))?|(?:the\s+)?(?:beginning|start|end|middle|close)(?:\s+of)?|early|late|mid-?)\s+"
                        r"(?:(?:of|in)\s+)?$", re.I)


def _days_of_a_part(said: str, text: str, start: int, end: int, after: str | None, before: str | None):
    """'the first few days of June 2001 (the 1st to the 5th)', 'early June 2001 (the 1st through the 8th)':
    a vague part of one month, then the days it means: (start, end, after, before) of those days."""
    m = DAYS_AGAIN.match(text, end)
    before_it = VAGUE_PART.search(said[:start])  # 'the first few days of [June 2001]'
    inside = re.match(r"(?:(?:in|during|of)\s+)?(?:early|late|mid)\b", said[start:end], re.I)  # '[early June 2001]'
    if not (m and (before_it or inside) and after and before):
        return None
    month, last = date.fromisoformat(after), date.fromisoformat(before) - timedelta(days=1)
    a, b = int(m["a"]), int(m["b"])
    if not ((last.year, last.month) == (month.year, month.month) and month.day <= a <= b <= last.day):
        return None  # days inside the part read ('early June 2001' is the 1st to the 10th)
    return before_it.start() if before_it else start, m.end(), month.replace(day=a).isoformat(), \
        (month.replace(day=b) + timedelta(days=1)).isoformat()


def _days_said_again(text: str, at: int, after: str | None, before: str | None) -> re.Match | None:
    """'the first half of November 2001 (the 1st through the 15th)': the days of the month the
    period holds, said again; a parenthesis naming other days is not this (its words stay unread)."""
    m = DAYS_AGAIN.match(text, at)
    if not (m and after and before):
        return None
    last = date.fromisoformat(before) - timedelta(days=1)
    same = int(m["a"]) == date.fromisoformat(after).day and int(m["b"]) == last.day and after[:7] == last.isoformat()[:7]
    return m if same else None


PERIOD_FROM = re.compile(r"\b(?:(?:in|during|over|for)\s+)?(?:the|a)\s+(?P<n>\d{1,2}|one|two|three|four|five|six|seven|eight|"
                         r"nine|ten|fourteen|thirty)[- ](?P<u>day|week)s?\s+(?:period|span|window|stretch|stint)\s+"
                         r"(?:beginning|starting|commencing|from)(?:\s+on|\s+with)?\s+$", re.I)
COUNTS = {**NUMBERS, "fourteen": 14, "thirty": 30}  # the number words of the date reader, and these two


def _days_in(period: re.Match) -> int:
    n = int(period["n"]) if period["n"].isdigit() else COUNTS[period["n"].lower()]
    return n * (7 if period["u"].lower() == "week" else 1)


YEAR_TO_DATE = re.compile(r"\b(?P<y>ytd|year[- ]to[- ]date)\s*,?\s*(?:(?:through|thru|until|till|to|up\s+to|as\s+of|by)\s+)?"
                          r"(?:the\s+(?:end\s+of\s+)?)?$", re.I)
# 'excluding anything before December 2001', '(exclude Dec)', 'not counting the ones sent after 11/15'
EXCLUDE = re.compile(r"\b" + LEAVE_OUT + r"\s+"
                     r"(?:(?:anything|everything|all|any|those|the\s+ones|ones|e-?mails?|mails?|messages?)\s+)?"
                     r"(?:(?:sent|dated|written)\s+)?(?:(?P<rel>before|prior\s+to|earlier\s+than|after|later\s+than|"
                     r"since|from|in|during|on)\s+)?(?:the\s+(?:month\s+of\s+)?)?$", re.I)


def _leave_out(r: Reading, text: str, excluded: list, kept: list, after, before, used) -> tuple:
    """The dates a question leaves out: 'excluding anything before December 2001' alone is the
    rest of time (on or after December 2001); an excluded period beside the dates kept trims their
    interval at one end or, outside it, leaves nothing more out. A hole inside cannot be one
    interval: those words stay unused and the figure is not given."""
    for x in excluded:
        rel = (EXCLUDE.search(text[:x.start])["rel"] or "").lower()
        if not used and len(excluded) == 1 and rel and rel not in ("in", "during", "on"):
            a, b, _, _ = combine_dates(text, [x])  # the side of time the cue names, then its other side
            if bool(a) != bool(b):
                after, before, used = (b, None, [x]) if b else (None, a, [x])
                r.plan.notes.append(f"'{x.text}' was left out: the dates are the rest of time")
            continue
        if not used:
            continue
        lo, hi = x.low, x.high
        if hi <= (after or "0") or (before or "9") <= lo:
            r.plan.notes.append(f"leaving out '{x.text}' leaves out nothing more: the dates asked about do not hold it")
        elif lo <= (after or "0") and hi < (before or "9"):
            after = hi
        elif (after or "0") < lo and (before or "9") <= hi:
            before = lo
        else:
            continue
        used = list(used) + [x]
    return after, before, used


def _restated(text: str, spans: list, after: str | None, before: str | None) -> list:
    """The date phrases with no year that fall inside the interval the dated ones give, read in one
    of its years ("over New Year's Eve and New Year's Day (12/31/01-1/1/02)")."""
    if not (after and before):
        return []
    out = []
    for span in [s for s in spans if s.low is None]:
        for year in sorted({int(after[:4]), int(before[:4])}):
            again = [x for x in find_dates(span.text, default_year=year) if (x.start, x.end) == (0, len(span.text))]
            if again and again[0].low and after <= again[0].low and again[0].high <= before:
                out.append(span)
                break
    return out


def _with_likely_year(r: Reading, text: str, spans: list) -> list:
    """The date phrases read in the year the archive has by far the most email for them (noted
    in the plan); unchanged when no year stands out (then the answer says it could not tell)."""
    years = sorted({int(d[:4]) for d in r.lex.days if d[:2] in ("19", "20")})
    scored = []
    for year in years:
        found = find_dates(text, default_year=year)
        after, before, _, used = combine_dates(text, found)
        bounds = [(after, before)] if after and before else [(s.low, s.high) for s in used if s.low]
        n = sum(v for d, v in r.lex.days.items() if any(lo <= d < hi for lo, hi in bounds))
        scored.append((n, year, found))
    scored.sort(key=lambda t: -t[0])
    if not scored or scored[0][0] == 0 or len(scored) > 1 and scored[1][0] * 3 > scored[0][0]:
        return spans
    n, year, found = scored[0]
    r.plan.notes.append(f"no year was given for the dates: read as {year}, the year this archive has "
                        f"nearly all of its email for them")
    return found


def _date_label(after: str | None, before: str | None) -> str:
    if after and before:
        return f"{after} .. {before} (exclusive)"
    return f"on or after {after}" if after else f"before {before}"
