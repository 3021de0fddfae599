"""L-Eval long-document QA (open-ended subsets): each long document stored as passages, one corpus
per document; stuff reads the whole document (when it fits the window), rag the best passages, memory
reads it all in order.

Passages are the document's paragraphs grouped to about PASSAGE_WORDS words; a paragraph much longer
than that (a call transcript is a few paragraphs of thousands of words) is cut at sentence ends, so
rag's top passages are ~150 words each, as in the haystack tasks (whole paragraphs made rag read
3,000+ tokens, 70-100 s a question on this CPU).

Halves: the suite has always asked each document's first question, and the planner's rule for
questions about a text's own passages was written after reading those scores, so they are the
tuning half (variant `tune`); each document's second question, never run before that rule, is
the held-back half (`held`), over the same documents (meta['split'])."""
from __future__ import annotations

import gzip
import json

from archivist.evals.tasks import haystack
from archivist.evals.tasks.base import Example, Task, passages, text_doc
from archivist.evals.vocab import EvalStrategy, TaskName

SUBSETS = ("financial_qa", "multidoc_qa", "natural_question", "legal_contract_qa")
PASSAGE_WORDS = 150
HALVES = {0: "tune", 1: "held"}  # a document's question index -> its half


def document_passages(text: str) -> list[str]:
    """Paragraphs grouped to ~PASSAGE_WORDS words, any group over twice that cut at sentence ends."""
    out = []
    for part in passages(text, PASSAGE_WORDS):
        out += haystack.passages(part) if len(part.split()) > 2 * PASSAGE_WORDS else [part]
    return out


class LevalTask(Task):
    name = TaskName.LEVAL
    default_data = "leval_longdoc_qa"
    strategies = (EvalStrategy.RAG, EvalStrategy.STUFF, EvalStrategy.AUTO, EvalStrategy.SELF_ROUTE)

    def __init__(self, options, half: str = ""):
        super().__init__(options)
        self.half = half  # "tune": each document's first question, "held": its second, "": all
        files = [self.path] if self.path.is_file() else \
            [self.path / f"{s}.jsonl.gz" for s in SUBSETS if (self.path / f"{s}.jsonl.gz").exists()]
        self.docs: dict[str, list[str]] = {}
        self.rows: list[tuple[str, dict]] = []
        for f in files:
            with gzip.open(f, "rt", encoding="utf-8") as fh:
                for n, line in enumerate(fh):
                    key = f"{f.name.split('.')[0]}-{n:02d}"
                    row = json.loads(line)
                    self.docs[key] = document_passages(row["input"])
                    self.rows.append((key, row))

    def examples(self) -> list[Example]:
        out = []
        for key, row in self.rows:
            for i, (q, a) in enumerate(zip(row["instructions"], row["outputs"])):
                split = HALVES.get(i, "")
                if self.half and split != self.half:
                    continue
                meta = {"source": row.get("source", ""), **({"split": split} if split else {})}
                out.append(Example(f"{key}-q{i:02d}", q, [a], corpus=key, meta=meta))
        # interleave documents so a --limit sample spans several of them
        out.sort(key=lambda e: (int(e.id.rsplit("-q", 1)[1]), e.id))
        return self.limited(out)

    def documents(self, corpus: str):
        return [text_doc(f"p{i:04d}", p, title=f"{corpus} passage {i + 1}", corpus=corpus)
                for i, p in enumerate(self.docs[corpus])]
