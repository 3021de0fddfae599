"""The stuff strategy: everything in scope, in order, in one context; hands over when it won't fit."""
from __future__ import annotations

from archivist.agent.context import AgentContext, Attempt
from archivist.agent.question.analyse import Analysis
from archivist.agent.question.scope import Scope, scope_ids
from archivist.agent.strategies.common import answer_from
from archivist.records import QuestionKind, Strategy

GLOBAL_KINDS = (QuestionKind.SUMMARISE, QuestionKind.MULTI_HOP, QuestionKind.COUNT, QuestionKind.LIST)


def handover_for(analysis: Analysis) -> Strategy:
    """Global questions need every document (memory); lookups can do with retrieval."""
    return Strategy.MEMORY if analysis.kind in GLOBAL_KINDS else Strategy.RAG


def run_stuff(ctx: AgentContext, question: str, analysis: Analysis, scope: Scope) -> Attempt:
    budget = ctx.model.budget()
    if scope.tokens > budget * 1.5:  # the estimate is rough; pack decides near the edge
        why = f"scope of ~{scope.tokens} tokens does not fit the {budget}-token budget"
        return Attempt(Strategy.STUFF, missing=True, handover=handover_for(analysis), note=why, not_run=why)
    ids = scope_ids(ctx.store, scope.filters)
    if not ids:
        return Attempt(Strategy.STUFF, missing=True, handover=Strategy.RAG, note="nothing in scope")
    packed = ctx.pack(ids, budget)
    if packed.truncated:
        why = f"scope ({len(ids)} documents) does not fit the {budget}-token budget"
        return Attempt(Strategy.STUFF, missing=True, handover=handover_for(analysis), note=why, not_run=why)
    attempt = answer_from(ctx, Strategy.STUFF, question, packed, kind=analysis.kind)
    attempt.note = f"{len(packed.doc_ids) or len(ids)} documents, {packed.tokens} tokens"
    return attempt
