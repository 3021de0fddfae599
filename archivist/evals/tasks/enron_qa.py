"""Enron annotated QA (SQuAD 2.0 style): questions that presuppose one given email ("Who sent the
email?"), so a READER test: stuff reads the whole raw email, rag reads the best passages cut from
it, and the unanswerable questions (is_impossible) must be refused.

Each email is stored as the email it is (parsed like any ingested message, so questions about "the
email" keep their kind filter) and again as passages: the same headers over ~40-word parts of the
body, which is what rag retrieves from (the header travels with every passage, as in archivist)."""
from __future__ import annotations

import json
import random
from dataclasses import replace

from archivist.corpus.mail import parse_email
from archivist.corpus.parsed import Location
from archivist.evals.tasks.base import ALL, Example, Task, passages
from archivist.evals.vocab import EvalStrategy, TaskName

FILE = "enron_annotated.json"
PASSAGE_WORDS = 40  # the header block and body paragraphs become passages of about this size


class EnronQaTask(Task):
    name = TaskName.ENRON_QA
    default_data = "enron_annotated_qa"
    strategies = (EvalStrategy.RAG, EvalStrategy.STUFF, EvalStrategy.AUTO, EvalStrategy.SELF_ROUTE)

    def __init__(self, options):
        super().__init__(options)
        path = self.path / FILE if self.path.is_dir() else self.path
        data = json.loads(path.read_text(encoding="utf-8"))
        self.emails = [entry["paragraphs"][0] for entry in data["data"]]
        self.parts = {f"e{i:02d}": self._split(p["context"]) for i, p in enumerate(self.emails)}

    @staticmethod
    def _split(raw: str) -> list[str]:
        return passages(raw.partition("\n\n")[2], PASSAGE_WORDS) or [""]

    def examples(self) -> list[Example]:
        out = []
        for i, para in enumerate(self.emails):
            key = f"e{i:02d}"
            parts = [f"{key}-p{j:02d}" for j in range(len(self.parts[key]))]
            for n, qa in enumerate(para["qas"]):
                answers = [] if qa.get("is_impossible") else sorted({a["text"] for a in qa["answers"] if a["text"]})
                evidence = [f"{key}-p{j:02d}" for j, p in enumerate(self.parts[key])
                            if any(a in p for a in answers)] if answers else []
                out.append(Example(f"{key}-q{n:02d}", qa["question"], answers, corpus="emails",
                                   evidence=evidence, scopes={ALL: [key], EvalStrategy.RAG: parts},
                                   meta={"email": key, "unanswerable": not answers}))
        # a seeded sample keeps the unanswerable share of the whole set
        random.Random(self.options.seed).shuffle(out)
        return self.limited(out)

    def documents(self, corpus: str):
        docs = []
        for i, para in enumerate(self.emails):
            key = f"e{i:02d}"
            email = parse_email(para["context"].encode("utf-8"), Location("enron-qa", key))
            docs.append(email)
            docs += [replace(email, body=p, quoted="", signature="", attachments=[], in_reply_to="", references=[],
                             message_id=f"<{key}-p{j:02d}@eval.archivist>",
                             location=Location("enron-qa", f"{key}-p{j:02d}"))
                     for j, p in enumerate(self.parts[key])]
        return docs
