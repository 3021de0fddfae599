"""Rule-based question analysis: what kind of question it is and which constraints it names
(participants in their roles, mailboxes, subject, topic, dates); deterministic, so the default
planner needs no model call. With the store's lexicon (question/entities.py) names are linked
to the archive's own participants, and every constraint found is recorded as an Entity so the
answer can say which ones it could not use.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from archivist.agent.question.aggregate import AggregateAsk, aggregation
from archivist.agent.question.entities import (Entity, EntityKind, Role, find_mailboxes, find_people,
                                               match_subject, subject_contains)
from archivist.agent.question.lexicon import Lexicon, name_words
from archivist.dates import MONTHS, DateSpan, find_dates
from archivist.store.filters import address_of
from archivist.records import Intent, QuestionKind

MAX_QUESTION_CHARS = 2000
ADDRESS = re.compile(r"[\w.+'#-]+@[\w-]+(?:\.[\w-]+)+", re.I)  # '#': '#26.training@enron.com'
QUOTED = re.compile(r"\"(.+?)\"|“(.+?)”|(?<![\w'])'(.+?)'(?=[\s?.,;:!]|$)|‘(.+?)’|(?<![\w'])’(.+?)’")
SUBJECT = re.compile(r"\b(?:subject(?: line)?|titled|entitled|called)(?: of)?\s*:?\s*(.+?)(?:\s+(?:on|in|from|sent|dated|to|by|between|during|before|after)\s+\S.*)?\s*\??$", re.I)
# the question asks FOR the subject ("what was the subject line?", "which subject did it have?")
ASKS_SUBJECT = re.compile(r"\b(?:what|which)(?:'s|\s+(?:is|was|were|are))?\s+(?:the\s+|its\s+|their\s+)?"
                          r"(?:(?:e-?mail|message)(?:'s)?\s+)?subject(?:s|\s+line|\s+matter)?\b(?!\s*[:\"'“])", re.I)
# "the subject of the email": the words after 'subject' are the message itself, not a subject
GENERIC_MESSAGE = re.compile(r"(?:the|this|that|these|those|an?|his|her|their|its|my|your)\s+"
                             r"(?:e-?mails?|messages?|notes?|memos?|letters?|threads?|one)$", re.I)
TOPIC = re.compile(r"\b(?:about|regarding|concerning|on the topic of)\s+[\"“']?(.+?)[\"”']?\s*(?:\bfrom\b.*|\bin\b\s+\d.*|\bbefore\b.*|\bafter\b.*)?\??$", re.I)
NAME = r"([A-Z][\w'.-]+(?:\s+[A-Z][\w'.-]+){0,3})"
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u2028\u2029]")
BEFORE_WORD = re.compile(r"\b(?:before|until|till|prior to|up to|earlier than|predates?|predating|older than)\s+(?:the\s+)?$", re.I)
THROUGH_WORD = re.compile(r"\b(?:through|thru|up\s+to\s+and\s+including|on\s+or\s+before|by|no\s+later\s+than|not\s+later\s+than)"
                          r"\s+(?:the\s+)?$", re.I)
AFTER_WORD = re.compile(r"\b(?:after|later than|following)\s+(?:the\s+)?$", re.I)
ONWARD = re.compile(r"\s*,?\s*(?:onwards?|forwards?|and\s+(?:later|after|beyond|since)|or\s+later|on\s+or\s+after|"
                    r"on(?=\s*(?:[?.!,;:)]|$)))", re.I)  # 'from 12/1/01 on'

EVENT_NOUN_AFTER = re.compile(r"\s+(?:[a-z][\w-]*\s+){0,2}?(?:layoffs?|meeting|merger|filing|announcement|vote|hearing|"
                              r"deal|closing|attacks?|conference|call|offsite|retreat|party|trip|visit|move|resignation|"
                              r"departure|decision|ruling|order|earnings|release|restatement|downgrade)\b", re.I)
SINCE_WORD = re.compile(r"\b(?:since|starting|from|beginning|as of|on or after)\s+(?:the\s+)?$", re.I)
# the words between two dates of a range ('Mon Oct 29 – Sun Nov 4': a weekday may stand before the second)
DASH_ONLY = re.compile(r"^\s*[-–—/]", re.I)
BETWEEN = re.compile(r"^\.?\s*\)?\s*(?:and|to|through|thru|till|until|up\s+(?:un)?til|up\s+to|-|–|—|/)(?:\s+and\s+including|\s+incl(?:uding|\.)?)?\s*(?:the\s+)?(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|"
                     r"sun)[a-z]*\.?,?\s*)?$", re.I)

COUNT = re.compile(r"\bhow many\b|\bcount\b|\bnumber of\b|\bhow often\b|\btally\b|\btotal\b|\bquantity\b|"
                   r"\bhow much (?:mail|e-?mail|correspondence|communication)|\bvolume of\b|\bcounts?\b", re.I)
COUNT_ALONE = re.compile(r"\bhow many\b|\bhow often\b|\bhow much (?:mail|e-?mail|correspondence|communication)", re.I)
# "total", "number of", "count"... ask for a count of messages only when messages are named: "What is
# the total of the budget?" and "What is the incident report number of ..." are content questions
MESSAGES = re.compile(r"\b(?:e-?mails?|mails?|messages?|memos?|notes?|threads?|documents?|records?|rows?|"
                      r"replies|attachments?|senders?|recipients?|correspondence)\b", re.I)
LIST = re.compile(r"^\s*(?:please\s+|can you\s+|could you\s+)?(?:list|show|enumerate|display|give me|find|"
                  r"which (?:e-?mails|messages|mails)|what (?:e-?mails|messages|mails))\b", re.I)
WHO_SENT = re.compile(r"\bwho (?:sent|wrote|authored|e-?mailed|originated)\b|\bfrom whom\b|\bwho (?:was|is) "
                      r"(?:the )?(?:sender|author)\b|\b(?:sender|author) of\b|\bwhich (?:person|address|sender) "
                      r"(?:sent|wrote)\b|\bwho (?:was|is) .{0,80}\bfrom\b\s*\??$|\bwhose (?:e-?mail|message)\b", re.I)
WHEN_SENT = re.compile(r"^\s*when\b|\bwhat (?:date|day|time)\b|\bon (?:which|what) (?:date|day)\b|"
                       r"\bdate (?:of|on)\b|\bwhen (?:was|did|were)\b|\bdated when\b", re.I)
TOP_SENDERS = re.compile(r"\bwho (?:emailed|e-mailed|wrote to|sent (?:the )?most)\b.*\bmost\b|\bwho (?:sent|wrote) (?:the )?most\b|\btop senders?\b", re.I)
TOP_RECIPIENTS = re.compile(r"\bwho did .+ (?:email|e-mail|write to|send to)\b.*\bmost\b|\btop recipients?\b", re.I)
SUMMARISE = re.compile(r"\bsummar|\boverview\b|\bmain (?:topics|themes|points|issues)\b|\boverall\b|\bgist\b|\bwhat (?:was|were) .* discuss|\bwhat happened\b|\btimeline\b", re.I)
MULTI_HOP = re.compile(r"\bboth\b|\bcompare\b|\band then\b|\bafter (?:that|which)\b|\bwho .+ whose\b|\brelationship between\b|\bin common\b", re.I)
ATTACHMENT = re.compile(r"\b(?:with|having|has|had|contain(?:s|ing)?)\s+(?:an?\s+|the\s+|any\s+)?(?:(pdf|docx?|word|csv|excel|spreadsheet|xlsx?)\s+)?(?:files?\s+|documents?\s+)?attach(?:ed|ments?)\b|\b(pdf|docx?|word|csv|excel|spreadsheet|xlsx?)s?\s+(?:files?\s+)?attach(?:ed|ments?)\b|\battachments?\b", re.I)
ATTACHMENT_TYPE = {"word": "doc", "doc": "doc", "docx": "doc", "excel": "xls", "spreadsheet": "xls", "xls": "xls", "xlsx": "xls"}
FOLLOW_UP = re.compile(r"^\s*(?:and|also|what about|how about|then|so)\b|\b(?:he|she|they|them|him|her|his|hers|their|it|its|that email|this email|that thread|those|these)\b", re.I)


@dataclass
class Analysis:
    kind: QuestionKind = QuestionKind.LOOKUP
    intent: Intent | None = None  # a metadata question the query strategy answers exactly
    addresses: list[str] = field(default_factory=list)
    senders: list[str] = field(default_factory=list)  # names or addresses after from/by
    recipients: list[str] = field(default_factory=list)  # after to
    subject: str | None = None
    topic: str | None = None
    after: str | None = None  # ISO date, inclusive
    before: str | None = None  # ISO date, exclusive
    day: str | None = None  # a single calendar day the question names
    follow_up: bool = False
    has_attachment: str | None = None  # counts/lists of messages with an attachment: "any" or a type
    entities: list[Entity] = field(default_factory=list)  # every constraint found, used or not
    question: str = ""  # the question as analysed (control characters removed, cut to budget)
    masked: str = ""  # the question with the quoted subject blanked out (its words are no cues)
    warnings: list[str] = field(default_factory=list)
    plan: object = None  # the typed QueryPlan (question/plan.py) when it is a metadata question
    reading: object = None  # the QueryPlan read from the question, used or not (ask --explain)
    aggregate: AggregateAsk | None = None  # what it asks of the whole text (how often, all the ...)


def metadata_question(analysis: Analysis) -> bool:
    """Whether the query strategy can answer exactly (a 'who sent' needs the subject)."""
    if analysis.aggregate is not None and analysis.aggregate.values:
        return False  # 'every dollar amount in the thread X': values the text writes, no metadata
    if analysis.plan is not None:
        return True  # the typed plan answers it exactly, or says what it could not use
    lookup = (Intent.WHO_SENT, Intent.WHEN_SENT)
    if analysis.intent == Intent.LIST and not _lists_mail(analysis):
        return False  # 'find all variables assigned 12345': things in the text, not a list of emails
    if analysis.aggregate is not None and analysis.intent == Intent.COUNT and not _lists_mail(analysis):
        return False  # 'how many times does the text name X': reads in the text, not a count of emails
    return analysis.intent is not None and (analysis.intent not in lookup or bool(analysis.subject))


def _lists_mail(analysis: Analysis) -> bool:
    """A 'list/show/find ...' asks for documents when it names them ('find the emails ...') or
    gives a constraint on their metadata ('show me what jeff sent in october'), as a count must."""
    a = analysis
    return bool(MESSAGES.search(a.question) or a.senders or a.recipients or a.addresses or a.subject
                or a.after or a.before or a.day or a.has_attachment)


def clean_question(question: str, limit: int = MAX_QUESTION_CHARS) -> tuple[str, list[str]]:
    """Control characters out, whitespace squeezed, cut to `limit` characters (with a warning)."""
    text = " ".join(CONTROL.sub(" ", question).split())
    if len(text) <= limit:
        return text, []
    return text[:limit], [f"the question was cut to its first {limit} characters (it had {len(text)})"]


def _days(span: DateSpan) -> int:
    return (datetime.fromisoformat(span.high) - datetime.fromisoformat(span.low)).days


RANGES = frozenset("drange mrange num_to_end to_end to_end_m to_end_dm".split())  # a start and an end


def combine_dates(text: str, spans: list[DateSpan]) -> tuple[str | None, str | None, str | None, list[DateSpan]]:
    """(after, before, day, spans used) from the date expressions: 'between A and B', 'from A to
    B', 'before A', 'after A', 'since A', or the narrowest expression alone ('Sept 19th in 2001')."""
    good = [s for s in spans if s.low]
    if not good:
        return None, None, None, []
    pairs = list(zip(good, good[1:]))  # a range said in words before one joined by a dash: 'Thanksgiving
    pairs.sort(key=lambda p: bool(DASH_ONLY.match(text[p[0].end:p[1].start])))  # week 2001 - Nov 19 through Nov 25'
    for a, b in pairs:
        gap = text[a.end:b.start]
        if BETWEEN.match(gap) and a.low >= b.high and (not re.search(r"\d{4}", b.text) or _year_of_both(a, b)):
            b = _next_year(b)  # 'christmas eve thru new year's day': into the next year
        if BETWEEN.match(gap) and a.low < b.high or re.fullmatch(r"\s*or\s*", gap, re.I) and a.high >= b.low:
            return a.low, b.high, None, [a, b]
        if re.fullmatch(r"\s*,\s*", gap) and a.low == b.low and _days(a) == 1 < _days(b):
            return b.low, b.high, None, [a, b]  # 'Thanksgiving Day, November 22, 2001, through the end of that year'
    first = good[0]
    if (open_ended := _open_ended(text, first)) is not None:
        return _within(open_ended, first, good)
    # of two as narrow, one said again in parentheses says the days exactly: 'the week after
    # Thanksgiving 2001 (the week of 11/26/01)'
    narrow = min(good, key=lambda s: (_days(s), not re.search(r"\(\s*$", text[:s.start])))
    inside = [s for s in good if s.low <= narrow.low and narrow.high <= s.high]
    return narrow.low, narrow.high, narrow.low if _days(narrow) == 1 else None, inside


def _year_of_both(a: DateSpan, b: DateSpan) -> bool:
    """'between Christmas and New Year 2001': the year said once, after the second day, is the
    year of the holidays (Christmas 2001 to the New Year after it), when the first has none."""
    gap = date.fromisoformat(_next_year(b).low) - date.fromisoformat(a.low)
    return not re.search(r"\d{2,4}", a.text) and timedelta(0) < gap <= timedelta(days=60)


def _open_ended(text: str, first: DateSpan) -> tuple[str | None, str | None] | None:
    """(after, before) when a word before the first date makes it one end of an open interval:
    'through 11/15/01', 'before the end of October', 'after 9/11', 'since 3/19'; else None."""
    before_text = text[:first.start]
    if ONWARD.match(text[first.end:]) and first.unit not in RANGES:  # 'from jan 1 2002 onward', '10/1/01 and later'
        return first.low, None
    if THROUGH_WORD.search(before_text):  # 'through 11/15/01': the day itself included
        return None, first.high
    if BEFORE_WORD.search(before_text):  # 'before the end of October': before November
        return None, first.high if first.unit in ("edge", "year_edge") and "end" in first.text.lower() else first.low
    if AFTER_WORD.search(before_text) and first.unit in RANGES:  # 'after 9/11 through the end of September'
        return _day_after(first.low), first.high
    if AFTER_WORD.search(before_text):  # 'after the early-December layoffs': from when the event may have been
        event = EVENT_NOUN_AFTER.match(text, first.end) and not MESSAGES.match(text[first.end:].strip())
        return (first.low if first.unit in ("iso", "mdy", "dmy", "mdy_name") or event else first.high), None
    if SINCE_WORD.search(before_text) and not _from_within(before_text, first) \
            and first.unit not in RANGES:  # 'starting 3/19 through the end of the month': that range
        return first.low, None
    return None


def _from_within(before_text: str, first: DateSpan) -> bool:
    """'from' before a period says the mail is of that period ('from the first half of 2001',
    'from May 2001'); only 'from the start of 2002' opens an interval."""
    if not re.search(r"\bfrom\s+(?:the\s+)?$", before_text, re.I):
        return False
    return not (first.unit in ("edge", "year_edge") and re.match(r"(?:the\s+)?(?:start|beginning)", first.text, re.I))


def _within(bounds: tuple[str | None, str | None], first: DateSpan, good: list[DateSpan]):
    """An open interval closed by a longer period said beside it that holds its day ('before
    the filing (12/2/01) in 2001': from the start of 2001)."""
    after, before = bounds
    day = first.low
    for other in good[1:]:
        if other.low <= day < other.high and _days(other) > _days(first):
            return after or other.low, before or other.high, None, [first, other]
    return after, before, None, [first]


def _day_after(iso: str) -> str:
    return (date.fromisoformat(iso) + timedelta(days=1)).isoformat()


def _next_year(span: DateSpan) -> DateSpan:
    shift = lambda iso: f"{int(iso[:4]) + 1}{iso[4:]}"  # noqa: E731
    return DateSpan(span.text, span.start, span.end, shift(span.low), shift(span.high), span.unit)


def find_span(text: str) -> tuple[str | None, str | None, str | None]:
    """(after, before, day) from a day, 'in May 2001', 'in 2001', 'before/after/since D'..."""
    after, before, day, _ = combine_dates(text, find_dates(text))
    return after, before, day


def find_subject(question: str) -> tuple[str, int, int] | None:
    """A quoted subject, or the words after 'subject'/'titled' up to 'on DATE': (text, start, end)."""
    if m := QUOTED.search(question):
        text = next(g for g in m.groups() if g is not None)
        return text.strip(), m.start(), m.end()
    if not re.search(r"\bsubject\b|\btitled\b|\bentitled\b|\bcalled\b", question, re.I):
        return None
    if ASKS_SUBJECT.search(question):  # "What is the subject of the email?" names no subject
        return None
    if m := SUBJECT.search(question):
        text = m.group(1).strip().strip("\"'“”")
        named = re.search(r"\w", text) and not GENERIC_MESSAGE.match(text)
        return (text, m.start(1), m.end(1)) if named else None
    return None


def _people(question: str, after_word: str) -> list[str]:
    """Addresses or capitalised names right after a word such as 'from' or 'to' (no lexicon)."""
    pat = re.compile(rf"\b{after_word}\s+(?:the\s+)?({ADDRESS.pattern}|{NAME})")  # case-sensitive: names are capitalised
    return [m.group(1) for m in pat.finditer(question)]


def find_attachment(question: str, kind: QuestionKind) -> str | None:
    """'emails with a PDF attached' -> 'pdf'; 'with attachments' -> 'any' (counts and lists only:
    a lookup that names an attachment wants the attachment's own text, not its message)."""
    if kind not in (QuestionKind.COUNT, QuestionKind.LIST):
        return None
    m = ATTACHMENT.search(question)
    if not m:
        return None
    named = (m.group(1) or m.group(2) or "").lower()
    return ATTACHMENT_TYPE.get(named, named) or "any"


def classify(question: str, has_history: bool = False) -> tuple[QuestionKind, Intent | None]:
    """(kind, intent) from keyword rules, most specific first."""
    K, I = QuestionKind, Intent
    if WHO_SENT.search(question) and not TOP_SENDERS.search(question):
        return K.LOOKUP, I.WHO_SENT
    if TOP_RECIPIENTS.search(question):
        return K.COUNT, I.TOP_RECIPIENTS
    if TOP_SENDERS.search(question):
        return K.COUNT, I.TOP_SENDERS
    if COUNT_ALONE.search(question) or COUNT.search(question) and MESSAGES.search(question):
        return K.COUNT, I.COUNT
    if WHEN_SENT.search(question):
        return K.LOOKUP, I.WHEN_SENT
    if LIST.search(question):
        return K.LIST, I.LIST
    if SUMMARISE.search(question):
        return K.SUMMARISE, None
    if has_history and FOLLOW_UP.search(question):
        return K.FOLLOW_UP, None
    if MULTI_HOP.search(question):
        return K.MULTI_HOP, None
    return K.LOOKUP, None


SUBJECT_CUT = re.compile(r"\s+(?:on|in|from|sent|dated|to|by|between|during|before|after)\s+", re.I)


def _longest_exact(lex: Lexicon, rest: str, cut: str) -> tuple[str, str] | None:
    """(text, subject) for the longest stretch of rest, ending at a cue word or at its end, that is
    exactly an archive subject and longer than the cut ('titled FW: Meeting in Houston': 'FW:
    Meeting' is another email's subject, the one meant is longer)."""
    rest = rest.rstrip(" ?.!")
    ends = sorted({m.start() for m in SUBJECT_CUT.finditer(rest)} | {len(rest)}, reverse=True)
    for end in ends:
        if end > len(cut) and (matched := match_subject(lex, rest[:end], fuzzy=False)) is not None:
            return rest[:end], matched
    return None


def _subject_entity(lex: Lexicon | None, found: tuple[str, int, int] | None,
                    intent: Intent | None, longer: tuple[str, ...] = ()) -> Entity | None:
    """The subject the question names, linked to the archive's subjects when there is a lexicon.
    A quoted text that is no subject stays a topic for non-lookups (not an entity)."""
    if found is None:
        return None
    text, start, end = found
    if lex is None:
        return Entity(text, EntityKind.SUBJECT, start, end, text)
    matched = None
    if longer and longer[0].startswith(text):  # unquoted: the cut may have been inside the subject
        if (exact := _longest_exact(lex, longer[0], text)) is not None:
            (text, matched), end = exact, start + len(exact[0])
    matched = matched or match_subject(lex, text)
    if matched is None and longer:  # 'titled NOTES ON KMA': the cut at 'on' was inside the subject
        whole = longer[0].rstrip(" ?.!")
        if (matched := match_subject(lex, whole)) is not None:
            text, end = whole, start + len(whole)
    if matched is None:
        ent = Entity(text, EntityKind.SUBJECT, start, end, text, known=False)
        ent.partial = subject_contains(lex, text)
        return ent
    return Entity(text, EntityKind.SUBJECT, start, end, matched)


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    for s, e in spans:
        text = text[:s] + " " * (e - s) + text[e:]
    return text


def _date_entities(spans: list[DateSpan], used: list[DateSpan]) -> list[Entity]:
    out = []
    for s in spans:
        ent = Entity(s.text, EntityKind.DATE, s.start, s.end, f"{s.low}..{s.high}" if s.low else None,
                     known=s.low is not None, used=s in used)
        if s.low is None:
            ent.why_unused = f"I could not tell which year '{s.text}' means"
        elif s not in used:
            ent.why_unused = f"only one date range per question is supported; '{s.text}' was not used"
        out.append(ent)
    return out


def _names_with_months(lex: Lexicon | None, text: str) -> list[tuple[int, int]]:
    """Spans of participants' full names that hold a month's name ('Tom May', 'April Hodge'):
    names, not dates (read as a month, 'May' became a date without a year and 'Tom' alone
    matched 33 senders)."""
    if lex is None:
        return []
    return [(e.start, e.end) for e in find_people(lex, text, [])
            if e.kind == EntityKind.PERSON and e.known and not address_of(e.text)
            and len(words := name_words(e.text)) > 1 and any(w in MONTHS for w in words)]


def analyse_question(question: str, has_history: bool = False, lex: Lexicon | None = None) -> Analysis:
    """Kind, intent and constraints of a question, by rules; names are linked to the archive's
    participants when the store's lexicon is given."""
    q, warnings = clean_question(question)
    found = find_subject(q)
    # classified without the subject's own words ("Trade counts - Nov 6" is no count question)
    kind, intent = classify(_blank(q, [found[1:]]) if found else q, has_history)
    subj = _subject_entity(lex, found, intent, (q[found[1]:],) if found else ())
    masked = _blank(q, [(subj.start, subj.end)] if subj else [])
    spans = find_dates(_blank(masked, [m.span() for m in ADDRESS.finditer(masked)]
                              + _names_with_months(lex, masked)))
    after, before, day, used = combine_dates(masked, spans)
    rest = _blank(masked, [(s.start, s.end) for s in spans])
    topic_m = TOPIC.search(q.replace(subj.text, " ") if subj else q) \
        if kind in (QuestionKind.LIST, QuestionKind.COUNT) else None
    a = Analysis(kind=kind, intent=intent, subject=subj.value if subj and subj.known else None,
                 topic=topic_m.group(1).strip() if topic_m else None, after=after, before=before,
                 day=day, follow_up=has_history and bool(FOLLOW_UP.search(q)), question=q, masked=masked,
                 warnings=warnings, entities=_date_entities(spans, used) + ([subj] if subj else []),
                 has_attachment=find_attachment(q, kind),
                 aggregate=None if kind == QuestionKind.SUMMARISE else aggregation(q))  # a digest, not a tally
    if subj and not subj.known and intent in (Intent.WHO_SENT, Intent.WHEN_SENT) and subj.partial:
        a.subject = subj.text  # looked up as 'subject contains' by the query strategy
    if subj and not subj.known and a.topic is None and kind in (QuestionKind.LIST, QuestionKind.COUNT):
        a.topic = subj.text  # a quoted phrase that is no subject: subject words
    if lex is None:
        a.addresses = [x.lower() for x in ADDRESS.findall(rest)]
        a.senders = _people(rest, r"(?:from|by|sent by)") + _people(rest, r"did")
        a.recipients = _people(rest, r"(?:to|emailed|e-mailed|cc)")
        return a
    people = find_people(lex, rest, [])
    a.entities += people + find_mailboxes(lex, rest)
    a.addresses = [e.value for e in people if e.value and address_of(e.value)]
    for e in people:  # no role word: the sender, unless the sender is what is asked for
        e.role = e.role or (Role.RECIPIENT if intent == Intent.WHO_SENT else Role.SENDER)
    a.senders = [e.value for e in people if e.role != Role.RECIPIENT]
    a.recipients = [e.value for e in people if e.role == Role.RECIPIENT]
    return a
