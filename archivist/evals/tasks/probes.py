"""Probes: questions generated from the user's own ingested archive with exact answers from SQLite
(counts, lists, lookups in many phrasings; archivist.evals.probes), plus, when the raw Enron mbox
files are at hand, the Enron agent benchmark's questions answered from the raw files. Anyone can
evaluate archivist on their own data: `archivist eval run probes --data my.db`."""
from __future__ import annotations

import random
import sqlite3
from pathlib import Path

from archivist.errors import InputError
from archivist.evals import probes
from archivist.evals.metrics import text_scores
from archivist.evals.tasks.base import Example, Task, shared_data

RAW_SHARE = 0.3  # of the examples, when raw mbox files are given: answers computed from the raw files


class ProbesTask(Task):
    name = "probes"
    headline = "1 when the answer states the value the SQL ground truth gives (the exact column), else 0"
    default_data = ""
    strategies = ("auto", "query", "rag")

    def __init__(self, options, raw_mbox: Path | None = None):
        if options.data is None:
            raise InputError("probes: pass --data PATH of an archivist database (e.g. built with "
                             "`archivist ingest -d /tmp/enron.db /work/shared/data/enron/mbox --no-embed`)")
        super().__init__(options)
        if not self.path.is_file():
            raise InputError(f"probes: {self.path} is not an archivist database file")
        self.raw_mbox = raw_mbox

    def database(self) -> Path:
        return self.path

    def examples(self) -> list[Example]:
        n = self.options.limit or 100
        n_raw = int(n * RAW_SHARE) if self.raw_mbox and self.raw_mbox.is_dir() else 0
        conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        try:
            generated = probes.generate(conn, per_template=2, seed=self.options.seed)
        finally:
            conn.close()
        rng = random.Random(self.options.seed)
        chosen = rng.sample(generated, min(n - n_raw, len(generated)))
        if n_raw:
            chosen += probes.raw_probes(self.raw_mbox, max(1, n_raw // 3), self.options.seed)
        return [self._example(i, p) for i, p in enumerate(chosen)][:n]

    @staticmethod
    def _example(i: int, p: probes.Probe) -> Example:
        answers = [str(p.expected)] + [a for a in p.accept if a != str(p.expected)]
        return Example(f"{p.half}-{p.intent}-{i:03d}", p.question, answers, corpus="db",
                       meta={"intent": p.intent, "half": p.half, "template": p.template,
                             "expected": p.expected, "accept": p.accept})

    def score(self, example: Example, answer: str) -> tuple[float, dict[str, float]]:
        m = example.meta
        probe = probes.Probe(example.question, m["intent"], m["template"], m["half"], m["expected"],
                             accept=list(m["accept"]))
        scores = text_scores(answer, example.answers)
        scores["correct"] = float(probes.correct(probe, answer))
        return scores["correct"], scores


def enron_mbox() -> Path:
    return shared_data() / "enron" / "mbox"
