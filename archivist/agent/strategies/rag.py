"""The rag strategy: hybrid retrieval inside the scope, order-preserving packing, cited answer."""
from __future__ import annotations

from archivist.agent.context import AgentContext, Attempt
from archivist.agent.question.analyse import Analysis
from archivist.agent.question.scope import Scope
from archivist.agent.strategies.common import answer_from
from archivist.records import QuestionKind, Strategy


def run_rag(ctx: AgentContext, question: str, analysis: Analysis, scope: Scope) -> Attempt:
    k = ctx.settings.retrieval.top_k * (2 if analysis.kind == QuestionKind.MULTI_HOP else 1)
    hits = ctx.search_hits(question, scope.filters, k)
    if not hits:
        return Attempt(Strategy.RAG, missing=True, handover=Strategy.STUFF,
                       note="retrieval found nothing in scope")
    packed = ctx.pack(hits)
    attempt = answer_from(ctx, Strategy.RAG, question, packed, kind=analysis.kind)
    attempt.note = f"{len(hits)} passages, {packed.tokens} tokens packed"
    return attempt
