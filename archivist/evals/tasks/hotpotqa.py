"""HotpotQA (distractor dev): multi-hop questions over the pooled paragraphs of every selected
question. rag retrieves from the whole pool; stuff and memory read the question's own ~10
paragraphs (the distractor setting's long context)."""
from __future__ import annotations

from archivist.evals.datasets import pool_hotpot, read_hotpot
from archivist.evals.tasks.base import Example, Task, text_doc
from archivist.evals.vocab import EvalStrategy, TaskName

FILE = "hotpotqa_dev_subsampled_500.jsonl.gz"


class HotpotTask(Task):
    name = TaskName.HOTPOTQA
    default_data = "hotpotqa_dev_distractor_500"
    strategies = (EvalStrategy.RAG, EvalStrategy.STUFF, EvalStrategy.AUTO, EvalStrategy.SELF_ROUTE)

    def __init__(self, options):
        super().__init__(options)
        path = self.path / FILE if self.path.is_dir() else self.path
        self.rows = read_hotpot(path, options.limit)  # the first N questions, in file order
        self.docs, self.gold = pool_hotpot(self.rows)

    def examples(self) -> list[Example]:
        out = []
        for row, gold in zip(self.rows, self.gold):
            own = sorted({doc.location.position for doc in self.docs
                          if (doc.title, doc.body) in {(c["title"], c["paragraph_text"]) for c in row["contexts"]}})
            answers = [s for a in row["answers_objects"] for s in a.get("spans", []) if s]
            out.append(Example(row["question_id"], row["question_text"], answers, corpus="pool",
                               evidence=sorted(gold), scopes={EvalStrategy.STUFF: own, EvalStrategy.MEMORY: own}))
        return out

    def documents(self, corpus: str):
        return [text_doc(d.location.position, d.body, d.title, corpus="hotpot") for d in self.docs]
