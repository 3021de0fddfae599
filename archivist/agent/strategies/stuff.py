"""The stuff strategy: everything in scope, in order, in one context; hands over when it won't fit."""
from __future__ import annotations

from archivist.agent.question.analyse import Analysis
from archivist.agent.question.scope import Scope, scope_ids
from archivist.agent.context import AgentContext, Attempt
from archivist.agent.strategies.common import answer_from, pack_items


def handover_for(analysis: Analysis) -> str:
    """Global questions need every document (memory); lookups can do with retrieval."""
    return "memory" if analysis.kind in ("summarise", "multi_hop", "count", "list") else "rag"


def run_stuff(ctx: AgentContext, question: str, analysis: Analysis, scope: Scope) -> Attempt:
    budget = ctx.budget()
    if scope.tokens > budget * 1.5:  # the estimate is rough; pack decides near the edge
        return Attempt("stuff", missing=True, handover=handover_for(analysis),
                       note=f"scope of ~{scope.tokens} tokens does not fit the {budget}-token budget")
    ids = scope_ids(ctx.store, scope.conditions)
    if not ids:
        return Attempt("stuff", missing=True, handover="rag", note="nothing in scope")
    packed = pack_items(ctx, ids, budget)
    if packed.truncated:
        return Attempt("stuff", missing=True, handover=handover_for(analysis),
                       note=f"scope ({len(ids)} documents) does not fit the {budget}-token budget")
    attempt = answer_from(ctx, "stuff", question, packed, kind=analysis.kind)
    attempt.note = f"{len(packed.doc_ids) or len(ids)} documents, {packed.tokens} tokens"
    return attempt
