"""HotpotQA retrieval (no model): every paragraph of the 500 distractor-dev questions pooled as one
corpus, indexed as `archivist index` does (embeddings included); a question scores 1 when both of
its supporting paragraphs are in the search mode's top 10. Was bench/retrieval.py's hotpot step."""
from __future__ import annotations

from archivist.evals.datasets import pool_hotpot, read_hotpot
from archivist.evals.tasks.base import Example, text_doc
from archivist.evals.tasks.hotpotqa import FILE
from archivist.evals.tasks.search_quality import SearchTask, halves
from archivist.evals.vocab import TaskName

TOP_K = 10


class HotpotRetrievalTask(SearchTask):
    name = TaskName.HOTPOT_RETRIEVAL
    headline = "1 when both supporting paragraphs are among the search mode's first 10 hits, else 0"
    default_data = "hotpotqa_dev_distractor_500"

    def __init__(self, options):
        super().__init__(options)
        path = self.path / FILE if self.path.is_dir() else self.path
        # the whole pool always: fewer questions would make an easier corpus, not a sample of it
        self.rows = read_hotpot(path)
        self.docs, self.gold_keys = pool_hotpot(self.rows)

    def examples(self) -> list[Example]:
        out = [Example(row["question_id"], row["question_text"], sorted(gold), corpus="pool", evidence=sorted(gold),
                       meta={"k": TOP_K, "need": "all", "group": f"both supporting in top {TOP_K}",
                             "half": halves(i)})
               for i, (row, gold) in enumerate(zip(self.rows, self.gold_keys))]
        return self.limited(out)

    def documents(self, corpus: str):
        return [text_doc(d.location.position, d.body, d.title, corpus="hotpot") for d in self.docs]
