"""The query strategy: exact counts, lists and group-bys over metadata, no model call.

The question's slots become a StructuredQuery (never SQL text); the answer cites matching documents.
"""
from __future__ import annotations

import re

from archivist.agent.question.analyse import Analysis
from archivist.agent.grounding.citing import cite_docs
from archivist.agent.strategies.metadata import Condition, StructuredQuery, day_range, run_query
from archivist.agent.question.scope import Scope, person_conditions
from archivist.corpus.headers import normalise_subject
from archivist.agent.context import AgentContext, Attempt
from archivist.store import Store

MAX_CITED = 5
QUERY_INTENTS = ("who_sent", "count", "list", "top_senders", "top_recipients")


def _base(scope: Scope) -> list[Condition]:
    """Scope conditions without date ranges (dates are re-added with calendar semantics)."""
    return [c for c in scope.conditions if c.field != "date"]


def subject_variants(subject: str) -> list[Condition]:
    """Ways a subject can match, most exact first: the literal title, the normalised subject,
    and the normalised subject without mailing-list tags such as '[smu-betas]'."""
    norm = normalise_subject(subject)
    untagged = normalise_subject(re.sub(r"\[[^\]]*\]\s*", "", norm))
    out = [Condition("title", "=", " ".join(subject.split()).lower()), Condition("subject", "=", norm)]
    return out + ([Condition("subject", "=", untagged)] if untagged != norm else [])


def build_query(analysis: Analysis, scope: Scope, calendar: str = "local") -> StructuredQuery | None:
    """The structured query a question asks for, or None when it is not a metadata question."""
    intent = analysis.intent
    if intent not in QUERY_INTENTS or (intent == "who_sent" and not analysis.subject):
        return None
    where = _base(scope)
    if analysis.after or analysis.before:
        where.append(Condition("date", "between", (analysis.after or "0000", analysis.before or "9999")))
    if intent == "who_sent":
        where = [c for c in where if c.field not in ("sender", "sender_name")]
        where.append(subject_variants(analysis.subject)[0])
        return StructuredQuery("list", where, calendar="either" if analysis.day else calendar)
    if analysis.topic:
        where.append(Condition("title", "like", f"%{analysis.topic.lower()}%"))
    if intent == "top_senders":
        return StructuredQuery("group_by", where, group_by="sender", limit=5, calendar=calendar)
    if intent == "top_recipients":
        where = [c for c in where if c.field not in ("recipient", "recipient_name")]
        if analysis.senders and not scope.filters.sender:
            where += person_conditions(analysis.senders[0], "sender")
        return StructuredQuery("group_by", where, group_by="recipient", limit=5, calendar=calendar)
    return StructuredQuery("count" if intent == "count" else "list", where, calendar=calendar)


def describe(q: StructuredQuery) -> str:
    """Readable rendering of the conditions, for the answer and the log."""
    parts = []
    for c in q.where:
        value = f"{c.value[0]} .. {c.value[1]} (exclusive)" if c.op == "between" else \
            f"{len(c.value)} ids" if c.op == "in" else repr(c.value)
        parts.append(f"{c.field} {c.op} {value}")
    day = {"local": "sender's local calendar day", "either": "local or UTC day"}.get(q.calendar, "UTC")
    dates = f"; dates by {day}" if any(c.field == "date" for c in q.where) else ""
    return (" AND ".join(parts) or "all documents") + dates


def _who_sent(store: Store, rows: list[dict]) -> tuple[str, list[int]]:
    senders: dict[str, list[dict]] = {}
    for r in rows:
        senders.setdefault(f"{r['sender_name'] or ''} <{r['sender'] or '?'}>".strip(), []).append(r)
    ids = [r["id"] for r in rows][:MAX_CITED]
    if len(senders) == 1:
        who, docs = next(iter(senders.items()))
        return f"{who} sent \"{docs[0]['title']}\" on {docs[0]['date']} [1].", ids
    listed = "; ".join(f"{who} [{ids.index(d[0]['id']) + 1}]" for who, d in senders.items()
                       if d[0]["id"] in ids)
    return f"{len(rows)} emails match; senders: {listed}.", ids


def _group_answer(store: Store, q: StructuredQuery, rows: list[dict]) -> tuple[str, list[int]]:
    """Ranking text, citing documents of the top group."""
    what = "senders" if q.group_by == "sender" else "recipients"
    ranking = ", ".join(f"{r['key']} ({r['n']})" for r in rows)
    top = rows[0]["key"]
    field_name = "sender" if q.group_by == "sender" else "recipient"
    sample = run_query(store.conn, StructuredQuery(
        "list", q.where + [Condition(field_name, "=", top)], calendar=q.calendar))
    ids = [r["id"] for r in sample.rows][:MAX_CITED]
    return f"Top {what}: {ranking} [1].", ids


def answer_query(store: Store, q: StructuredQuery, intent: str) -> tuple[str, list[int], int]:
    """(answer text, cited ids, matches) for a structured query."""
    res = run_query(store.conn, q)
    if res.count == 0:
        return "No matching documents (" + describe(q) + ").", [], 0
    if q.select == "group_by":
        text, ids = _group_answer(store, q, res.rows)
        return text, ids, res.count
    ids = [r["id"] for r in res.rows][:MAX_CITED if q.select == "count" else q.limit]
    if intent == "who_sent":
        text, ids = _who_sent(store, res.rows)
        return text, ids, res.count
    if q.select == "count":
        refs = " ".join(f"[{i + 1}]" for i in range(len(ids)))
        return f"{res.count} distinct emails match ({describe(q)}). First matches: {refs}", ids, res.count
    lines = [f"[{i + 1}] {r['date'] or '?'} {r['sender'] or '?'}: {r['title'] or ''}"
             for i, r in enumerate(res.rows[:len(ids)])]
    more = f" (showing {len(ids)})" if res.count > len(ids) else ""
    return f"{res.count} matching documents{more}:\n" + "\n".join(lines), ids, res.count


def run_query_strategy(ctx: AgentContext, question: str, analysis: Analysis, scope: Scope) -> Attempt:
    """Answer exactly from metadata; missing when the question is not a metadata question or
    nothing matches a lookup."""
    q = build_query(analysis, scope, ctx.settings.extra.get("calendar", "local"))
    if q is None:
        return Attempt("query", missing=True, handover="rag",
                       note="not a metadata question: no structured query can express it")
    text, ids, n = answer_query(ctx.store, q, analysis.intent or "")
    if n == 0 and analysis.intent == "who_sent":  # looser subject matches, in order
        for alt in subject_variants(analysis.subject)[1:]:
            q.where[-1] = alt
            text, ids, n = answer_query(ctx.store, q, "who_sent")
            if n:
                break
    empty_lookup = n == 0 and analysis.intent in ("who_sent", "list")
    return Attempt("query", answer=text, citations=cite_docs(ctx.store, ids),
                   missing=empty_lookup, handover="rag" if empty_lookup else None,
                   note=describe(q), answered_by="query")
