"""What the retrieval-quality tasks share: no model, one row per question x search mode (the
run's strategies are records.SearchMode values), scored 1 when the gold documents are in the top k."""
from __future__ import annotations

from archivist.evals.tasks.base import Example, Task, measured
from archivist.records import SearchMode

MODES = tuple(SearchMode)


def halves(i: int) -> str:
    """Half A (even index: what tuning looked at) or B (odd: held out), as the benches split them."""
    return "A" if i % 2 == 0 else "B"


class SearchTask(Task):
    """Subclasses build examples whose meta holds k (the cut-off), need ('all' gold documents or
    'any' of them) and group (the report's row label); gold() gives the gold document ids."""

    headline = "1 when the gold documents are among the first k hits of the search mode, else 0"
    strategies = MODES
    allowed = MODES
    model_free = True

    def gold(self, corpus, example: Example) -> set[int]:
        return set(corpus.doc_ids(example.evidence))

    def measure(self, corpus, settings, example: Example, strategy: str) -> dict:
        from archivist.retrieval.search import search
        k = example.meta["k"]
        hits = [h.doc_id for h in search(corpus.store, settings, example.question, k=k, mode=strategy)]
        gold = self.gold(corpus, example)
        found = gold & set(hits)
        hit = found == gold if example.meta.get("need") == "all" else bool(found)
        scores = {"hit": float(hit), "gold_share": len(found) / len(gold) if gold else 0.0,
                  "rank": float(min((hits.index(d) + 1 for d in found), default=0))}
        return measured(" ".join(map(str, hits)), float(hit), scores, chosen=strategy)
