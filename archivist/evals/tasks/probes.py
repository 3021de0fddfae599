"""Probes: questions generated from the user's own ingested archive with exact answers from SQLite
(counts, lists, lookups in many phrasings; archivist.evals.probes), plus, when the raw Enron mbox
files are at hand, the Enron agent benchmark's questions answered from the raw files (variant
'raw'). Variant 'paraphrase': every generated question, both template halves, answered with no
model (rule planner, exact SQL) and scored as well on constraints dropped silently. Anyone can
evaluate archivist on their own data: `archivist eval run probes --data my.db`."""
from __future__ import annotations

import random
import sqlite3
from pathlib import Path

from archivist.errors import InputError
from archivist.evals import probes
from archivist.evals.metrics import text_scores
from archivist.evals.probe_templates import COUNT_INTENTS
from archivist.evals.tasks.base import Example, Task, measured, shared_data
from archivist.evals.vocab import EvalStrategy, TaskName

RAW_SHARE = 0.3  # of the examples, when raw mbox files are given: answers computed from the raw files
PARAPHRASE_PER_TEMPLATE = 8  # the published paraphrase runs: 576 questions over 72 templates


class ProbesTask(Task):
    name = TaskName.PROBES
    headline = "1 when the answer states the value the SQL ground truth gives (the exact column), else 0"
    default_data = ""
    strategies = (EvalStrategy.AUTO, EvalStrategy.QUERY, EvalStrategy.RAG)

    def __init__(self, options, raw_mbox: Path | None = None, paraphrase: bool = False):
        if options.data is None:
            raise InputError("probes: pass --data PATH of an archivist database (e.g. built with "
                             "`archivist ingest -d /tmp/enron.db /work/shared/data/enron/mbox --no-embed`)")
        super().__init__(options)
        if not self.path.is_file():
            raise InputError(f"probes: {self.path} is not an archivist database file")
        self.raw_mbox = raw_mbox
        self.paraphrase = self.model_free = paraphrase

    def database(self) -> Path:
        return self.path

    def generated(self, per_template: int) -> list[probes.Probe]:
        conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        try:
            return probes.generate(conn, per_template=per_template, seed=self.options.seed)
        finally:
            conn.close()

    def examples(self) -> list[Example]:
        if self.paraphrase:
            chosen = self.generated(PARAPHRASE_PER_TEMPLATE)
            return self.limited([self._example(i, p) for i, p in enumerate(chosen)])
        n = self.options.limit or 100
        n_raw = int(n * RAW_SHARE) if self.raw_mbox and self.raw_mbox.is_dir() else 0
        generated = self.generated(2)
        rng = random.Random(self.options.seed)
        chosen = rng.sample(generated, min(n - n_raw, len(generated)))
        if n_raw:
            chosen += probes.raw_probes(self.raw_mbox, max(1, n_raw // 3), self.options.seed)
        return [self._example(i, p) for i, p in enumerate(chosen)][:n]

    @staticmethod
    def _example(i: int, p: probes.Probe) -> Example:
        answers = [str(p.expected)] + [a for a in p.accept if a != str(p.expected)]
        kind = "counts" if p.intent in COUNT_INTENTS else "lookups"  # as the paraphrase bench split them
        return Example(f"{p.half}-{p.intent}-{i:03d}", p.question, answers, corpus="db",
                       meta={"intent": p.intent, "half": p.half, "template": p.template,
                             "expected": p.expected, "accept": p.accept, "constraints": p.constraints,
                             "group": f"{p.half} {kind}"})

    @staticmethod
    def probe(example: Example) -> probes.Probe:
        m = example.meta
        return probes.Probe(example.question, m["intent"], m["template"], m["half"], m["expected"],
                            accept=list(m["accept"]), constraints=dict(m.get("constraints") or {}))

    def score(self, example: Example, answer: str) -> tuple[float, dict[str, float]]:
        scores = text_scores(answer, example.answers)
        scores["correct"] = float(probes.correct(self.probe(example), answer))
        return scores["correct"], scores

    def measure(self, corpus, settings, example: Example, strategy: str) -> dict | None:
        """paraphrase: the answer's correctness and whether a constraint was dropped silently
        (which needs the run's filters, not only its text)."""
        if not self.paraphrase:
            return None
        from archivist.agent.ask import ask
        res = ask(corpus.store, settings, example.question, strategy=strategy, log=False)
        probe = self.probe(example)
        ok, lost = probes.correct(probe, res.answer), probes.dropped(probe, res)
        scores = {"correct": float(ok), "dropped_constraint": float(bool(lost))}
        return measured(res.answer[:400], float(ok), scores, chosen=res.strategy)


def enron_mbox() -> Path:
    return shared_data() / "enron" / "mbox"
