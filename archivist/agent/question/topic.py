"""Topic scoping for summaries: "summarise the crane rental negotiation" means the thread(s) the
best search hits belong to, not the whole archive."""
from __future__ import annotations

from dataclasses import replace

from archivist.agent.context import AgentContext
from archivist.answering.grounding.sentences import content_words
from archivist.agent.question.scope import Scope, measure
from archivist.store.documents import documents, thread_ids

GENERIC = frozenset("""summarise summarize summary summaries overview gist overall main topic theme
point issue discussed discuss happened timeline email e-mail mail message thread conversation
archive document corpus mailbox inbox everything all whole entire""".split())
TOP_HITS = 5
KEEP_SHARE = 0.5  # threads whose hit weight reaches this share of the best thread's are kept


def topic_words(question: str) -> set[str]:
    """Content words naming what to summarise, without the words that ask for a summary."""
    return {w for w in content_words(question) if w not in GENERIC and w.rstrip("s") not in GENERIC}


def _hit_threads(ctx: AgentContext, question: str, scope: Scope) -> dict[int, float]:
    """Thread id -> weight of the top search hits in it (1/rank)."""
    hits = ctx.search_hits(question, scope.filters, TOP_HITS)
    ids = [h.doc_id for h in hits]
    thread = {i: r["thread_id"] for i, r in documents(ctx.store, ids, ("thread_id",)).items()}
    weights: dict[int, float] = {}
    for rank, doc in enumerate(ids, 1):
        if thread.get(doc) is not None:
            weights[thread[doc]] = weights.get(thread[doc], 0.0) + 1.0 / rank
    return weights


def thread_scope(ctx: AgentContext, question: str, scope: Scope) -> Scope | None:
    """The scope narrowed to the best-matching thread(s), or None when the question names no
    topic, already has a scope, or no thread matches."""
    if not scope.is_whole_corpus or not topic_words(question):
        return None
    weights = _hit_threads(ctx, question, scope)
    if not weights:
        return None
    best = max(weights.values())
    threads = sorted(t for t, w in weights.items() if w >= KEEP_SHARE * best)
    ids = thread_ids(ctx.store, threads)
    filters = replace(scope.filters, doc_ids=ids, fields=dict(scope.filters.fields),
                      thread_id=threads[0] if len(threads) == 1 else None)
    n_docs, tokens = measure(ctx.store, filters)
    return Scope(filters, n_docs, tokens, scope.subject,
                 note=f"summary scoped to thread{'s' if len(threads) > 1 else ''} "
                      f"{', '.join(map(str, threads))} of the best search hits")
