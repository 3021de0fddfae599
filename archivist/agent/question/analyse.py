"""Rule-based question analysis: what kind of question it is and which slots it names
(people, subject, topic, dates); deterministic so the default planner needs no model call.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from archivist.records import Intent, QuestionKind
MONTHS = {m: i + 1 for i, m in enumerate(
    "january february march april may june july august september october november december".split())}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9
_MON = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"

ADDRESS = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.I)
QUOTED = re.compile(r"[\"“”'‘’]{1}(.+?)[\"“”’]{1}(?=[\s?.,;:!]|$)")
SUBJECT = re.compile(r"\bsubject(?: line)?(?: of)?\s*:?\s*(.+?)(?:\s+(?:on|in|from|sent|dated)\s+\S.*)?\s*\??$", re.I)
TOPIC = re.compile(r"\b(?:about|regarding|concerning|on the topic of)\s+[\"“']?(.+?)[\"”']?\s*(?:\bfrom\b.*|\bin\b\s+\d.*|\bbefore\b.*|\bafter\b.*)?\??$", re.I)
ISO_DAY = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
MDY = re.compile(rf"\b{_MON}\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I)
DMY = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MON}\.?,?\s+(\d{{4}})\b", re.I)
MONTH_YEAR = re.compile(rf"\b{_MON}\.?,?\s+(\d{{4}})\b", re.I)
YEAR = re.compile(r"\b(?:in|during)\s+((?:19|20)\d{2})\b", re.I)
NAME = r"([A-Z][\w'.-]+(?:\s+[A-Z][\w'.-]+){0,3})"

COUNT = re.compile(r"\bhow many\b|\bcount\b|\bnumber of\b|\bhow often\b", re.I)
LIST = re.compile(r"^\s*(?:please\s+)?(?:list|show|enumerate|which emails|what emails|find all)\b", re.I)
WHO_SENT = re.compile(r"\bwho (?:sent|wrote|authored)\b|\bfrom whom\b|\bwho was the sender\b", re.I)
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


def month_range(year: int, month: int) -> tuple[str, str]:
    """[first day, first day of next month) as ISO dates; whole-day bounds compare correctly
    with any stored timestamp format ('T' or ' ' separator, with or without offset)."""
    end = datetime(year + (month == 12), month % 12 + 1, 1)
    return f"{year:04d}-{month:02d}-01", end.date().isoformat()


def day_range(day: str) -> tuple[str, str]:
    start = datetime.fromisoformat(day[:10])
    return start.date().isoformat(), (start + timedelta(days=1)).date().isoformat()


def metadata_question(analysis: Analysis) -> bool:
    """Whether the query strategy can answer exactly (a 'who sent' needs the subject)."""
    return analysis.intent is not None and (analysis.intent != Intent.WHO_SENT or bool(analysis.subject))


def _ymd(y: str, m: str, d: str) -> str | None:
    try:
        return datetime(int(y), int(m), int(d)).date().isoformat()
    except ValueError:
        return None


def _month(name: str) -> int:
    return MONTHS[name.lower()[:3]]


def find_day(text: str) -> str | None:
    """The first single calendar day named in text (2001-05-14, May 14, 2001, 14 May 2001)."""
    if m := ISO_DAY.search(text):
        return _ymd(*m.groups())
    if m := MDY.search(text):
        return _ymd(m.group(3), str(_month(m.group(1))), m.group(2))
    if m := DMY.search(text):
        return _ymd(m.group(3), str(_month(m.group(2))), m.group(1))
    return None


def find_span(text: str) -> tuple[str | None, str | None, str | None]:
    """(after, before, day) from a day, 'in May 2001', 'in 2001', 'before/after/since D'."""
    day = find_day(text)
    if day and not re.search(r"\b(?:before|after|since|until|between)\b", text, re.I):
        low, high = day_range(day)
        return low, high, day
    if day:
        low, _ = day_range(day)
        if re.search(r"\b(?:before|until)\b", text, re.I):
            return None, low, None
        return low, None, None
    if m := MONTH_YEAR.search(text):
        low, high = month_range(int(m.group(2)), _month(m.group(1)))
        return low, high, None
    if m := YEAR.search(text):
        y = int(m.group(1))
        return f"{y}-01-01", f"{y + 1}-01-01", None
    return None, None, None


def find_subject(question: str) -> str | None:
    """A quoted subject, or the words after 'subject' up to 'on DATE'."""
    if not re.search(r"\bsubject\b|\btitled\b|\bentitled\b", question, re.I):
        return None
    if m := QUOTED.search(question):
        return m.group(1).strip()
    if m := SUBJECT.search(question):
        return m.group(1).strip().strip("\"'“”")
    return None


def _people(question: str, after_word: str) -> list[str]:
    """Addresses or capitalised names right after a word such as 'from' or 'to'."""
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
    if COUNT.search(question):
        return K.COUNT, I.COUNT
    if LIST.search(question):
        return K.LIST, I.LIST
    if SUMMARISE.search(question):
        return K.SUMMARISE, None
    if has_history and FOLLOW_UP.search(question):
        return K.FOLLOW_UP, None
    if MULTI_HOP.search(question):
        return K.MULTI_HOP, None
    return K.LOOKUP, None


def analyse_question(question: str, has_history: bool = False) -> Analysis:
    """Kind, intent and slots of a question, by rules only."""
    kind, intent = classify(question, has_history)
    after, before, day = find_span(question)
    subject = find_subject(question)
    rest = question.replace(subject, " ") if subject else question
    topic_m = TOPIC.search(rest) if kind in (QuestionKind.LIST, QuestionKind.COUNT) else None
    return Analysis(
        kind=kind, intent=intent, addresses=[a.lower() for a in ADDRESS.findall(rest)],
        senders=_people(rest, r"(?:from|by|sent by)") + _people(rest, r"did"),
        recipients=_people(rest, r"(?:to|emailed|e-mailed|cc)"),
        subject=subject, topic=topic_m.group(1).strip() if topic_m else None,
        after=after, before=before, day=day,
        follow_up=has_history and bool(FOLLOW_UP.search(question)),
        has_attachment=find_attachment(question, kind))
