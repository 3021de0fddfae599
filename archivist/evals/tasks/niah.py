"""Needle in a haystack: a needle sentence placed at a depth of a haystack of a given length (in the
model's tokens), the haystack stored as consecutive passages, one corpus per (length, depth).

Placement follows the upstream harness (gkamradt/LLMTest_NeedleInAHaystack): essays concatenated
(here in sorted file order, so runs are reproducible), cut to the length, the needle inserted at
depth percent moved back to the previous sentence end; multi-needle (k = 4: upstream's three pizza needles and a fourth
of ours): the first at the depth, the others spread evenly over the rest. Any folder of .txt/.md files can be the haystack.

The `held` variant is the held-back half of the single-needle task: the planner's lookup rule was
written after reading scores on upstream's needle, so its figure there is not held out. Here each
cell plants RULER's needle form (Hsieh et al. 2024: "One of the special magic numbers for KEY is:
VALUE.", its question "What is the special magic number for KEY mentioned in the provided
text?"), with a key (two words, RULER's word-key kind) and a 7-digit value drawn from the seed and
the cell, so no two cells share a needle and nothing was tuned on any of them; scored 1 when the
answer holds the value.
"""
from __future__ import annotations

import json
import random
import re

from archivist.evals.metrics import contains_answer, text_scores
from archivist.evals.tasks.base import Example, Task
from archivist.evals.tasks.haystack import HaystackCells, cut, distinct, essays, passages, target_tokens
from archivist.evals.tasks.ruler import ADJECTIVES, NOUNS
from archivist.evals.vocab import EvalStrategy, TaskName

MULTI_QUESTION = "What are the secret ingredients needed to build the perfect pizza?"  # our wording
# the issue asks for k = 4 needles; upstream's pizza set has 3, so a fourth of the same form is ours
FOURTH_NEEDLE = "Truffle oil is one of the secret ingredients needed to build the perfect pizza."
MULTI_K = 4
HELD_NEEDLE = "One of the special magic numbers for {key} is: {value}."  # RULER's niah_single form
HELD_QUESTION = "What is the special magic number for {key} mentioned in the provided text?"
__all__ = ["NiahTask", "distinct"]


class NiahTask(HaystackCells, Task):
    name = TaskName.NIAH
    headline = ("share of the needle's words found in the answer (recall); with several needles, "
                "the share of the needles the answer names")
    default_data = "niah_paul_graham_haystack"
    sized = True
    strategies = (EvalStrategy.RAG, EvalStrategy.STUFF, EvalStrategy.MEMORY, EvalStrategy.QUERY, EvalStrategy.AUTO, EvalStrategy.SELF_ROUTE)
    lengths = (1000, 2000, 4000, 8000)
    depths = (0.0, 25.0, 50.0, 75.0, 100.0)

    def __init__(self, options, multi: bool = False, held: bool = False):
        super().__init__(options)
        self.multi, self.held = multi, held
        self.text = essays(self.path, "niah")
        self.needles, self.question, self.answer = self._needles()
        self._cells: dict[str, tuple[list[str], set[str]]] = {}

    def _needles(self) -> tuple[list[str], str, list[str]]:
        spec = self.path / "needles.json"
        data = json.loads(spec.read_text()) if spec.is_file() else {}
        if self.multi:
            needles = [n.strip() for n in data.get("multi_needle_default", {}).get("needles", [])] or [
                f"{what} one of the secret ingredients needed to build the perfect pizza." for what in
                ("Figs are", "Prosciutto is", "Goat cheese is")]  # upstream's pizza set
            needles = (needles + [FOURTH_NEEDLE] * (FOURTH_NEEDLE not in needles))[:MULTI_K]
            return needles, MULTI_QUESTION, [n.split(" are one of")[0].split(" is one of")[0] for n in needles]
        single = data.get("single_needle_default", {})
        needle = single.get("needle", "The best thing to do in San Francisco is eat a sandwich and sit "
                                      "in Dolores Park on a sunny day.").strip()
        return [needle], single.get("retrieval_question", "What is the best thing to do in San Francisco?"), \
            [single.get("expected_answer", needle)]

    def examples(self) -> list[Example]:
        lengths = self.options.lengths or list(self.lengths)
        depths = self.options.depths or list(self.depths)
        tag = "-multi" if self.multi else "-held" if self.held else ""
        out = []
        for length in lengths:
            for depth in depths:
                key = f"L{length}-D{depth:g}{tag}"
                needles, question, answer = self._cell_needles(key)
                meta = {"length": length, "depth": depth, "needles": len(needles)}
                out.append(Example(key, question, answer, corpus=key,
                                   meta={**meta, "split": "held"} if self.held else meta))
        return self.limited(out)

    def _cell_needles(self, key: str) -> tuple[list[str], str, list[str]]:
        """(needles, question, answers) of one cell: the task's own, or in the held variant a RULER
        needle whose key and value are drawn from the seed and the cell."""
        if not self.held:
            return self.needles, self.question, self.answer
        rng = random.Random(f"{self.options.seed}:niah-held:{key}")
        name, value = f"{rng.choice(ADJECTIVES)}-{rng.choice(NOUNS)}", str(rng.randint(1_000_000, 9_999_999))
        return [HELD_NEEDLE.format(key=name, value=value)], HELD_QUESTION.format(key=name), [value]

    def cell(self, example_corpus: str) -> tuple[list[str], set[str]]:
        """(passages, keys of the passages holding a needle) of one (length, depth) cell."""
        if example_corpus not in self._cells:
            m = re.match(r"L(\d+)-D([\d.]+)", example_corpus)
            length, depth = int(m.group(1)), float(m.group(2))
            hay = self._haystack(length)
            planted = self._cell_needles(example_corpus)[0]
            text = self._insert(hay, depth, planted)
            parts = distinct(passages(text))
            needles = {f"p{i:04d}" for i, p in enumerate(parts) if any(n in p for n in planted)}
            self._cells[example_corpus] = (parts, needles)
        return self._cells[example_corpus]

    def _haystack(self, length: int) -> str:
        """The essays (repeated when short) cut to the target length in the model's tokens."""
        return cut(self.text, target_tokens(length, self.options.budget), self.options.count_tokens)

    def _insert(self, hay: str, depth: float, needles: list[str]) -> str:
        """The needles placed at sentence ends: the first at depth, the rest spread after it."""
        text = hay
        step = (100.0 - depth) / len(needles)
        for i, needle in enumerate(needles):
            at = int(len(text) * min(100.0, depth + i * step) / 100)
            if at < len(text):
                dot = text.rfind(".", 0, at)
                at = dot + 1 if dot >= 0 else 0
            text = text[:at] + " " + needle + " " + text[at:]
        return text

    def score(self, example: Example, answer: str) -> tuple[float, dict[str, float]]:
        """Single needle: share of the needle's words in the answer (paraphrases keep most);
        multi: share of the needles named."""
        scores = text_scores(answer, example.answers)
        if self.multi:
            scores["needles_found"] = sum(contains_answer(answer, a) for a in example.answers) / len(example.answers)
            return scores["needles_found"], scores
        return scores["recall"], scores
