"""The query strategy: exact counts, lists and group-bys over metadata, no model call.

A question read into a typed QueryPlan is answered from it (planned.py); otherwise (follow-ups, the
older slots) its slots become a MetadataQuery over the scope's Filters (metadata.py), never SQL
text. The answer cites matching documents.
"""
from __future__ import annotations

from dataclasses import replace

from archivist.agent.context import AgentContext, Attempt
from archivist.answering.grounding.citing import cite_docs
from archivist.agent.question.analyse import Analysis, metadata_question
from archivist.agent.question.scope import Scope
from archivist.agent.strategies.metadata import (Calendar, MetadataQuery, Select, describe, run_query,
                                                  subject_variants)
from archivist.agent.strategies.planned import answer_plan
from archivist.agent.strategies.planned import describe as describe_plan
from archivist.progress import Stage
from archivist.records import AnsweredBy, Intent, Strategy
from archivist.store import Store
from archivist.store.documents import local_day

MAX_CITED = 5


def build_query(analysis: Analysis, scope: Scope, calendar: str = Calendar.LOCAL) -> MetadataQuery | None:
    """The metadata query a question asks for, or None when it is not a metadata question
    (who_sent: its subject is matched by the caller, see run_query_strategy)."""
    if not metadata_question(analysis):
        return None
    f = replace(scope.filters, fields=dict(scope.filters.fields))
    intent, cal = analysis.intent, Calendar(calendar)
    if intent in (Intent.WHO_SENT, Intent.WHEN_SENT):
        if intent == Intent.WHO_SENT:
            f.sender = None  # the question asks for the sender
        return MetadataQuery(Select.LIST, f, calendar=Calendar.EITHER if analysis.day else cal,
                             subject=analysis.subject)
    if intent == Intent.TOP_SENDERS:
        return MetadataQuery(Select.GROUP_BY, f, analysis.topic, "sender", 5, cal)
    if intent == Intent.TOP_RECIPIENTS:
        f.recipient = None
        f.sender = f.sender or (analysis.senders[0] if analysis.senders else None)
        return MetadataQuery(Select.GROUP_BY, f, analysis.topic, "recipient", 5, cal)
    select = Select.COUNT if intent == Intent.COUNT else Select.LIST
    return MetadataQuery(select, f, analysis.topic, calendar=cal)


def _day(row: dict) -> str:
    """The day shown for a document: the sender's own calendar day, as counts read days."""
    return local_day(row.get("date_raw"), row.get("date"))


def _who_sent(rows: list[dict]) -> tuple[str, list[int]]:
    senders: dict[str, list[dict]] = {}
    for r in rows:
        senders.setdefault(f"{r['sender_name'] or ''} <{r['sender'] or '?'}>".strip(), []).append(r)
    ids = [r["id"] for r in rows][:MAX_CITED]
    if len(senders) == 1:
        who, docs = next(iter(senders.items()))
        return f"{who} sent \"{docs[0]['title']}\" on {_day(docs[0])} [1].", ids
    listed = "; ".join(f"{who} [{ids.index(d[0]['id']) + 1}]" for who, d in senders.items()
                       if d[0]["id"] in ids)
    return f"{len(rows)} emails match; senders: {listed}.", ids


def _group_answer(store: Store, q: MetadataQuery, rows: list[dict]) -> tuple[str, list[int]]:
    """Ranking text, citing documents of the top group."""
    what = "senders" if q.group_by == "sender" else "recipients"
    ranking = ", ".join(f"{r['key']} ({r['n']})" for r in rows)
    top = rows[0]["key"]
    if not top:  # documents without a sender or recipient: nothing to cite by name
        return f"Top {what}: {ranking}.", []
    f = replace(q.filters, **{q.group_by: top})
    sample = run_query(store.conn, replace(q, select=Select.LIST, filters=f, group_by=None))
    return f"Top {what}: {ranking} [1].", [r["id"] for r in sample.rows][:MAX_CITED]


def answer_query(store: Store, q: MetadataQuery, intent: str) -> tuple[str, list[int], int]:
    """(answer text, cited ids, matches) for a metadata query."""
    res = run_query(store.conn, q)
    if res.count == 0:
        return "No matching documents (" + describe(q) + ").", [], 0
    if q.select == Select.GROUP_BY:
        text, ids = _group_answer(store, q, res.rows)
        return text, ids, res.count
    ids = [r["id"] for r in res.rows][:MAX_CITED if q.select == Select.COUNT else q.limit]
    if intent in (Intent.WHO_SENT, Intent.WHEN_SENT):
        text, ids = _who_sent(res.rows)
        return text, ids, res.count
    if q.select == Select.COUNT:
        refs = " ".join(f"[{i + 1}]" for i in range(len(ids)))
        return f"{res.count} distinct emails match ({describe(q)}). First matches: {refs}", ids, res.count
    lines = [f"[{i + 1}] {_day(r) or '?'} {r['sender'] or '?'}: {r['title'] or ''}"
             for i, r in enumerate(res.rows[:len(ids)])]
    more = f" (showing {len(ids)})" if res.count > len(ids) else ""
    return f"{res.count} matching documents{more}:\n" + "\n".join(lines), ids, res.count


def _answer_who_sent(store: Store, q: MetadataQuery) -> tuple[str, list[int], int]:
    """Try the subject's readings in order, most exact first; the first that matches answers."""
    text, ids, n = "", [], 0
    for candidates in subject_variants(store, q.subject or ""):
        q.filters = replace(q.filters, doc_ids=candidates)
        text, ids, n = answer_query(store, q, Intent.WHO_SENT)
        if n:
            break
    return text, ids, n


def run_query_strategy(ctx: AgentContext, question: str, analysis: Analysis, scope: Scope) -> Attempt:
    """Answer exactly from metadata; missing when the question is not a metadata question or
    nothing matches a lookup."""
    if analysis.plan is not None:
        return _run_plan(ctx, analysis, scope)
    q = build_query(analysis, scope, ctx.settings.store.calendar)
    if q is None:
        return Attempt(Strategy.QUERY, missing=True, handover=Strategy.RAG,
                       note="not a metadata question: no structured query can express it")
    ctx.status(Stage.QUERYING, f"{analysis.intent}: exact SQL over the metadata")
    if analysis.intent in (Intent.WHO_SENT, Intent.WHEN_SENT):
        text, ids, n = _answer_who_sent(ctx.store, q)
    else:
        text, ids, n = answer_query(ctx.store, q, analysis.intent or "")
    empty_lookup = n == 0 and analysis.intent in (Intent.WHO_SENT, Intent.WHEN_SENT, Intent.LIST)
    return Attempt(Strategy.QUERY, answer=text, citations=cite_docs(ctx.store, ids),
                   missing=empty_lookup, handover=Strategy.RAG if empty_lookup else None,
                   note=describe(q), answered_by=AnsweredBy.QUERY)


def _run_plan(ctx: AgentContext, analysis: Analysis, scope: Scope) -> Attempt:
    """The typed plan's exact answer (options such as --from on top of the question's own)."""
    plan = analysis.plan
    ctx.status(Stage.QUERYING, f"{plan.ask}: exact SQL over the metadata")
    search = lambda words, f, k: ctx.search_hits(words, f, k)  # noqa: E731
    got = answer_plan(ctx.store, plan, search, scope.filters)
    return Attempt(Strategy.QUERY, answer=got.text, citations=cite_docs(ctx.store, got.ids),
                   note=describe_plan(plan), answered_by=AnsweredBy.QUERY, result=got.result)
