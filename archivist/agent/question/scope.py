"""Scope: the metadata filters a question names (people, dates, mailboxes, threads, subject,
record fields) and the size of what they select, which the planner's estimates start from.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace

from archivist.agent.question.analyse import Analysis
from archivist.agent.question.entities import Entity, EntityKind, Role
from archivist.corpus.headers import normalise_subject
from archivist.query_syntax import merge_filters
from archivist.records import DocKind, Filters, Intent, QuestionKind
from archivist.store import Store, overview
from archivist.store.documents import with_subject
from archivist.store.filters import measure as measure_filters
from archivist.store.filters import select_ids

THREAD = re.compile(r"\bthread\s*#?\s*(\d+)\b", re.I)
FIELD_EQ = re.compile(r"\b([A-Za-z_][\w ]{0,30}?)\s*(?:=|:|\bis\b)\s*[\"']?([^\"',?;]+?)[\"']?(?=[,?;]|\s+and\b|$)")
EMAIL_WORD = re.compile(r"\b(?:e-?mails?|messages?|sent|wrote|mailbox|inbox)\b", re.I)
RECORD_WORD = re.compile(r"\b(?:records?|rows?|entries)\b", re.I)
CHARS_PER_TOKEN = 4


@dataclass
class Scope:
    filters: Filters
    n_docs: int = 0
    tokens: int = 0  # estimated tokens of every in-scope document's text
    subject: str | None = None
    note: str = ""  # how the scope was narrowed, shown in the plan's reason

    @property
    def is_whole_corpus(self) -> bool:
        return self.filters.is_empty()


def known_fields(store: Store) -> set[str]:
    """Record metadata keys seen in a sample of records."""
    keys: set[str] = set()
    for meta in overview.record_meta_sample(store):
        try:
            keys |= set(json.loads(meta or "{}"))
        except (ValueError, TypeError):
            continue
    return keys


def extract_filters(store: Store, question: str, analysis: Analysis) -> Filters:
    """Filters named in the question itself (a quoted subject's words are not read as cues)."""
    question = analysis.masked or question
    f = Filters(after=analysis.after, before=analysis.before)
    if analysis.intent not in (Intent.TOP_SENDERS, Intent.WHO_SENT) and analysis.senders:
        f.sender = analysis.senders[0]
    if analysis.recipients and analysis.intent != Intent.TOP_RECIPIENTS:
        f.recipient = analysis.recipients[0]
    elif analysis.intent == Intent.TOP_SENDERS and analysis.recipients:
        f.recipient = analysis.recipients[0]
    boxes = [e.value for e in analysis.entities if e.kind == EntityKind.MAILBOX]
    lowered = question.lower()
    f.mailbox = boxes[0] if boxes else next((m for m in sorted(overview.mailbox_names(store)) if re.search(
        rf"(?<![\w.@-]){re.escape(m.lower())}(?![\w@-])", lowered)), None)
    if EMAIL_WORD.search(question):
        f.kind = DocKind.EMAIL
    elif RECORD_WORD.search(question):
        f.kind = DocKind.RECORD
    if m := THREAD.search(question):
        f.thread_id = int(m.group(1))
    f.has_attachment = analysis.has_attachment
    fields = {k.lower(): k for k in known_fields(store)}
    for m in FIELD_EQ.finditer(question):
        key = m.group(1).strip().lower()
        if key in fields:
            f.fields[fields[key]] = m.group(2).strip()
    return f


def _person_use(e: Entity, f: Filters, intent: Intent | None) -> str:
    """'' when the person is a filter of f, else why not."""
    if e.value in (f.sender, f.recipient):
        return ""
    if intent == Intent.WHO_SENT and e.role != Role.RECIPIENT:
        return f"the question asks who the sender is, so '{e.text}' was not used as the sender"
    if intent == Intent.TOP_SENDERS and e.role != Role.RECIPIENT:
        return f"senders are ranked, so '{e.text}' was not used as a sender filter"
    return f"only one sender and one recipient per question are supported; '{e.text}' was not used"


def mark_used(analysis: Analysis, f: Filters, subject_used: bool) -> None:
    """Record on each entity of the analysis whether it became a filter of f, and if not, why."""
    for e in analysis.entities:
        if e.kind == EntityKind.DATE:
            continue
        if e.kind == EntityKind.PERSON:
            e.why_unused = _person_use(e, f, analysis.intent)
        elif e.kind == EntityKind.MAILBOX:
            e.why_unused = "" if f.mailbox == e.value else f"only one mailbox per question; '{e.text}' was not used"
        elif e.kind == EntityKind.SUBJECT:
            used = (subject_used and (e.known or e.partial)) or analysis.topic == e.text or f.subject == e.value
            e.why_unused = "" if used else f"no email in this archive has the subject '{e.text}'"
        e.used = not e.why_unused


def constraint_notes(analysis: Analysis) -> tuple[list[str], dict[str, list[str]]]:
    """(unmatched, ambiguous): sentences about the constraints the answer could not use or could
    not pin down, and the candidates of each ambiguous name."""
    unmatched, ambiguous = [], {}
    for e in analysis.entities:
        if not e.used:
            unmatched.append(e.why_unused or f"I could not use '{e.text}'")
        elif e.kind == EntityKind.PERSON and not e.known:
            unmatched.append(f"I could not match '{e.text}' to anyone in this archive "
                             "(it was still applied as a filter)")
        elif e.kind == EntityKind.SUBJECT and not e.known:
            unmatched.append(f"no subject is exactly '{e.text}'; I matched the subjects containing it")
        if e.candidates:
            ambiguous[e.text] = list(e.candidates)
    return unmatched, ambiguous


def merge_prior(filters: Filters, prior: Filters | None, follow_up: bool) -> Filters:
    """A follow-up keeps whatever part of the previous scope it does not restate
    ('and how many did he send in June?' keeps the sender, takes the new dates)."""
    if prior is None or not follow_up:
        return filters
    merged = replace(filters, fields={**prior.fields, **filters.fields})
    for name in ("sender", "recipient", "mailbox", "thread_id", "kind", "doc_ids", "has_attachment"):
        if getattr(merged, name) in (None, "", []):
            setattr(merged, name, getattr(prior, name))
    if not (filters.after or filters.before):
        merged.after, merged.before = prior.after, prior.before
    return merged


def measure(store: Store, filters: Filters) -> tuple[int, int]:
    """(documents, estimated tokens) selected by filters."""
    n_docs, chars = measure_filters(store, filters)
    return n_docs, chars // CHARS_PER_TOKEN


def scope_ids(store: Store, filters: Filters, limit: int | None = None) -> list[int]:
    """In-scope document ids in reading order: thread by thread, then by date."""
    return select_ids(store, filters, limit)


def subject_ids(store: Store, subject: str) -> list[int]:
    """Documents whose subject is subject, read loosely (RE:/FW:, list tags and case ignored)."""
    return with_subject(store, subject, normalise_subject(subject))


def _dates_unused(analysis: Analysis, why: str) -> None:
    for e in analysis.entities:
        if e.kind == EntityKind.DATE and e.used:
            e.used, e.why_unused = False, why.format(e.text)


PEOPLE = ("sender", "recipient", "to", "cc", "bcc", "participant", "sender_not")


def build_scope(store: Store, question: str, analysis: Analysis,
                prior: Filters | None = None, override: Filters | None = None) -> Scope:
    """Filters from the question (or the chat's /filter override and prior turn), measured."""
    filters = analysis.plan.filters() if analysis.plan is not None else extract_filters(store, question, analysis)
    if (filters.after or filters.before) and not overview.has_dates(store):
        filters.after = filters.before = None
        _dates_unused(analysis, "no document in this archive carries a date, so '{}' was read as "
                                "words of the question, not as a date filter")
    if filters.kind and not overview.has_kind(store, filters.kind):  # "record revenue" in a report
        filters.kind = None
    people = any(getattr(filters, name) for name in PEOPLE) and not overview.has_people(store)
    if people:  # a name in a question over plain text (a report's CEO) would empty the scope
        for name in PEOPLE:
            setattr(filters, name, None)
    if override is not None and not override.is_empty():  # /filter, --from..., from:x on top
        filters = merge_filters(filters, override)
    filters = merge_prior(filters, prior, analysis.follow_up or analysis.kind == QuestionKind.FOLLOW_UP)
    subject_used = False
    if analysis.plan is not None:
        pass  # the typed plan reads subjects itself (subject words, or one exact subject)
    elif analysis.subject and analysis.intent not in (Intent.WHO_SENT, Intent.WHEN_SENT):
        ids = subject_ids(store, analysis.subject)
        if ids:
            filters.doc_ids, subject_used = ids, True
    elif analysis.subject:
        subject_used = True  # the query strategy looks the subject up
    mark_used(analysis, filters, subject_used)
    if people:
        for e in analysis.entities:
            if e.kind == EntityKind.PERSON:
                e.used, e.why_unused = False, (f"no document in this archive has a sender or recipient, so "
                                               f"'{e.text}' was read as words of the question, not as a person filter")
    n_docs, tokens = measure(store, filters)
    return Scope(filters, n_docs, tokens, analysis.subject)
