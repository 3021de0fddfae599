"""The rag strategy: hybrid retrieval inside the scope, order-preserving packing, cited answer."""
from __future__ import annotations

from archivist.agent.question.analyse import Analysis
from archivist.agent.question.scope import Scope
from archivist.agent.context import AgentContext, Attempt
from archivist.agent.strategies.common import answer_from, pack_items
from archivist.errors import ArchivistError


def search_scope(ctx: AgentContext, question: str, scope: Scope, k: int) -> list:
    """Hybrid search; keyword-only when the vector index is not there (e.g. --no-embed)."""
    search = ctx.search
    if search is None:
        from archivist.retrieval.search import search
    filters = None if scope.filters.is_empty() else scope.filters
    try:
        return search(ctx.store, ctx.settings, question, k=k, filters=filters, mode="hybrid")
    except ArchivistError:
        return search(ctx.store, ctx.settings, question, k=k, filters=filters, mode="bm25")


def run_rag(ctx: AgentContext, question: str, analysis: Analysis, scope: Scope) -> Attempt:
    k = ctx.settings.top_k * (2 if analysis.kind == "multi_hop" else 1)
    hits = search_scope(ctx, question, scope, k)
    if not hits:
        return Attempt("rag", missing=True, handover="stuff", note="retrieval found nothing in scope")
    packed = pack_items(ctx, hits, ctx.budget())
    attempt = answer_from(ctx, "rag", question, packed, kind=analysis.kind)
    attempt.note = f"{len(hits)} passages, {packed.tokens} tokens packed"
    return attempt
