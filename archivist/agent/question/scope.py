"""Scope: the metadata filters a question names (people, dates, mailboxes, threads, subject,
record fields) and the size of what they select, which the planner's estimates start from.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace

from archivist.agent.question.analyse import Analysis
from archivist.agent.strategies.metadata import Condition, execute_readonly, where_sql
from archivist.corpus.headers import normalise_subject
from archivist.retrieval.filters import person_terms
from archivist.records import Filters
from archivist.store import Store

THREAD = re.compile(r"\bthread\s*#?\s*(\d+)\b", re.I)
FIELD_EQ = re.compile(r"\b([A-Za-z_][\w ]{0,30}?)\s*(?:=|:|\bis\b)\s*[\"']?([^\"',?;]+?)[\"']?(?=[,?;]|\s+and\b|$)")
EMAIL_WORD = re.compile(r"\b(?:e-?mails?|messages?|sent|wrote|mailbox|inbox)\b", re.I)
RECORD_WORD = re.compile(r"\b(?:records?|rows?|entries)\b", re.I)
CHARS_PER_TOKEN = 4


@dataclass
class Scope:
    filters: Filters
    conditions: list[Condition] = field(default_factory=list)
    n_docs: int = 0
    tokens: int = 0  # estimated tokens of every in-scope document's text
    subject: str | None = None
    note: str = ""  # how the scope was narrowed, shown in the plan's reason

    @property
    def is_whole_corpus(self) -> bool:
        return not self.conditions


def person_conditions(value: str, role: str) -> list[Condition]:
    """An address matches exactly; a name matches word by word in any order against the name or
    address ("Vince Kaminski" finds "Kaminski, Vince J"), as retrieval's filters do."""
    if "@" in value:
        return [Condition(role, "=", value.lower())]
    return [Condition(f"{role}_any", "like", f"%{w.lower()}%") for w in person_terms(value)]


def filter_conditions(filters: Filters) -> list[Condition]:
    """The structured conditions equivalent to a Filters record."""
    conds = []
    if filters.sender:
        conds += person_conditions(filters.sender, "sender")
    if filters.recipient:
        conds += person_conditions(filters.recipient, "recipient")
    if filters.after or filters.before:
        conds.append(Condition("date", "between", (filters.after or "0000", filters.before or "9999")))
    if filters.mailbox:
        conds.append(Condition("mailbox", "=", filters.mailbox))
    if filters.thread_id is not None:
        conds.append(Condition("thread", "=", filters.thread_id))
    if filters.kind:
        conds.append(Condition("kind", "=", filters.kind))
    conds += [Condition(f"meta.{k}", "=", v) for k, v in filters.fields.items()]
    return conds


def known_mailboxes(store: Store) -> set[str]:
    return {r["mailbox"] for r in execute_readonly(
        store.conn, "SELECT DISTINCT mailbox FROM locations WHERE mailbox IS NOT NULL AND mailbox != ''")}


def known_fields(store: Store) -> set[str]:
    """Record metadata keys seen in a sample of records."""
    keys: set[str] = set()
    for row in execute_readonly(store.conn, "SELECT meta FROM documents WHERE kind = 'record' "
                                "AND meta IS NOT NULL LIMIT 50"):
        try:
            keys |= set(json.loads(row["meta"] or "{}"))
        except (ValueError, TypeError):
            continue
    return keys


def extract_filters(store: Store, question: str, analysis: Analysis) -> Filters:
    """Filters named in the question itself."""
    f = Filters(after=analysis.after, before=analysis.before)
    if analysis.intent not in ("top_senders",) and analysis.senders:
        f.sender = analysis.senders[0]
    if analysis.recipients and analysis.intent != "top_recipients":
        f.recipient = analysis.recipients[0]
    elif analysis.intent == "top_senders" and analysis.recipients:
        f.recipient = analysis.recipients[0]
    lowered = question.lower()
    f.mailbox = next((m for m in sorted(known_mailboxes(store)) if re.search(
        rf"(?<![\w.@-]){re.escape(m.lower())}(?![\w@-])", lowered)), None)
    if EMAIL_WORD.search(question):
        f.kind = "email"
    elif RECORD_WORD.search(question):
        f.kind = "record"
    if m := THREAD.search(question):
        f.thread_id = int(m.group(1))
    fields = {k.lower(): k for k in known_fields(store)}
    for m in FIELD_EQ.finditer(question):
        key = m.group(1).strip().lower()
        if key in fields:
            f.fields[fields[key]] = m.group(2).strip()
    return f


def merge_prior(filters: Filters, prior: Filters | None, follow_up: bool) -> Filters:
    """A follow-up keeps whatever part of the previous scope it does not restate
    ('and how many did he send in June?' keeps the sender, takes the new dates)."""
    if prior is None or not follow_up:
        return filters
    merged = replace(filters, fields={**prior.fields, **filters.fields})
    for name in ("sender", "recipient", "mailbox", "thread_id", "kind", "doc_ids"):
        if getattr(merged, name) in (None, "", []):
            setattr(merged, name, getattr(prior, name))
    if not (filters.after or filters.before):
        merged.after, merged.before = prior.after, prior.before
    return merged


def measure(store: Store, conditions: list[Condition]) -> tuple[int, int]:
    """(documents, estimated tokens) selected by conditions."""
    params: list = []
    sql = ("SELECT count(*) AS n, sum(coalesce(d.n_chars, length(d.body))) AS chars "
           f"FROM documents d WHERE {where_sql(conditions, params)}")
    row = execute_readonly(store.conn, sql, params)[0]
    return int(row["n"] or 0), int((row["chars"] or 0) / CHARS_PER_TOKEN)


def scope_ids(store: Store, conditions: list[Condition], limit: int | None = None) -> list[int]:
    """In-scope document ids in reading order: thread by thread, then by date."""
    params: list = []
    sql = (f"SELECT d.id FROM documents d WHERE {where_sql(conditions, params)} "
           "ORDER BY coalesce(d.thread_id, 1e18), d.thread_pos, d.date, d.id")
    if limit:
        sql += " LIMIT ?"
        params.append(int(limit))
    return [r["id"] for r in execute_readonly(store.conn, sql, params)]


def subject_ids(store: Store, subject: str) -> list[int]:
    params = [normalise_subject(subject), subject.strip().lower()]
    rows = execute_readonly(store.conn, "SELECT d.id FROM documents d WHERE lower(d.norm_subject) = ? "
                            "OR lower(d.title) = ? ORDER BY d.date, d.id", params)
    return [r["id"] for r in rows]


def build_scope(store: Store, question: str, analysis: Analysis,
                prior: Filters | None = None, override: Filters | None = None) -> Scope:
    """Filters from the question (or the chat's /filter override and prior turn), measured."""
    filters = extract_filters(store, question, analysis)
    if override is not None and not override.is_empty():
        filters = replace(override, fields=dict(override.fields))
    filters = merge_prior(filters, prior, analysis.follow_up or analysis.kind == "follow_up")
    conditions = filter_conditions(filters)
    if analysis.subject and analysis.intent != "who_sent":
        ids = subject_ids(store, analysis.subject)
        if ids:
            filters.doc_ids = ids
            conditions.append(Condition("id", "in", ids))
    n_docs, tokens = measure(store, conditions)
    return Scope(filters, conditions, n_docs, tokens, analysis.subject)
