"""Three tasks in the style of RULER (Hsieh et al. 2024, arXiv 2404.06654) whose answer is spread
over the whole text, so the top-k passages of a search cannot hold it: frequent words
(`ruler-fwe`), one key with several values (`ruler-multivalue`) and variable tracking
(`ruler-vt`).

What follows RULER: the statements each task plants (RULER's needle "One of the special magic
numbers for KEY is: VALUE.", its chains "VAR X = 12345", "VAR Y = VAR X" of 5-letter names and
5-digit values, 4 values a key, 4 hops a chain, the top 3 of a Zipf distribution with exponent 2 for
fwe), the multivalue and vt questions, the essays as haystack, and lengths in the model's tokens.
What differs: the haystack is built as niah builds it (the essays cut to the length, stored as
consecutive ~150-word passages, copies past the essays' length made distinct: haystack.py); fwe
plants code words as sentences "The code word is W." into the essays where RULER's text is all code
words, at a fixed share of the text (about a sixth of its words; 30% at 1k tokens, where the top
word's floor of 21 mentions applies) so the task keeps its nature at every length;
fwe's question is ours (code words in prose); vt's statements end in a period, as sentences, and
vt plants a second chain with another value as a distractor (RULER's default has one chain); the
statements of a key or chain are spread over the text, the j-th of k in the j-th k-th of it;
fwe and vt score F1 over the planted items the answer names (RULER: recall), so naming every
candidate seen is not a full score; multivalue scores recall as RULER does.
Each example is a sample at a length, its corpus of its own, drawn from the seed. The first half
of the samples of every length is the tuning half, the second the held-back half (meta['split']);
the variants `tune` and `held` run one half only, so a held-back figure is reproducible and
nothing tuned on it.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from archivist.evals.metrics import is_refusal, named_in, numbers_in, set_scores
from archivist.evals.tasks.base import Example, Task, TaskOptions
from archivist.evals.tasks.haystack import (SENTENCE, HaystackCells, cut, distinct, essays, passages, rough_count,
                                             target_tokens)
from archivist.evals.vocab import EvalStrategy, TaskName

CONSONANTS, VOWELS = "bdfgklmnprstvz", "aeiou"
ADJECTIVES = ("amber", "brisk", "calm", "dusty", "eager", "faint", "gentle", "hollow", "ivory", "jolly",
              "keen", "lunar", "mellow", "nimble", "olive", "plain", "quiet", "rustic", "silent", "tidy")
NOUNS = ("anchor", "barrel", "candle", "dune", "ember", "falcon", "garden", "harbor", "island", "jacket",
         "kettle", "lantern", "meadow", "needle", "orchard", "pebble", "quarry", "river", "saddle", "tunnel")


@dataclass
class Plan:
    """What one example plants and asks: statements in groups (a group keeps its order and is
    spread over the text), the question, the gold items and the items an answer may name."""

    question: str
    answers: list[str]
    groups: list[list[str]]
    candidates: list[str] = field(default_factory=list)  # [] : the numbers the answer gives
    meta: dict = field(default_factory=dict)


def plant(sentences: list[str], groups: list[list[str]], rng: random.Random) -> list[str]:
    """sentences with every group's statements inserted in order: the j-th of a group of k at a
    random point of the j-th k-th of the text (a group of one: anywhere)."""
    n, at = len(sentences), []
    for g, group in enumerate(groups):
        k = len(group)
        at += [(int((j + rng.random()) * (n + 1) / k), g, j, s) for j, s in enumerate(group)]
    out, i = [], 0
    for pos, _, _, statement in sorted(at):
        out += sentences[i:max(i, pos)]
        i = max(i, pos)
        out.append(statement)
    return out + sentences[i:]


def nonce(rng: random.Random, known: set[str], taken: set[str], syllables: int = 3) -> str:
    """A pronounceable made-up word (e.g. 'zoravik') that is neither in the essays nor taken."""
    while True:
        word = "".join(rng.choice(CONSONANTS) + rng.choice(VOWELS) for _ in range(syllables)) + rng.choice(CONSONANTS)
        if word not in known and word not in taken:
            taken.add(word)
            return word


class RulerTask(HaystackCells, Task):
    """A RULER-style task: plan() says what an example plants and asks; the rest is shared."""

    headline = "F1 of the planted items the answer names against the gold items"
    headline_key = "set_f1"
    default_data = "niah_paul_graham_haystack"
    strategies = (EvalStrategy.RAG, EvalStrategy.STUFF, EvalStrategy.MEMORY, EvalStrategy.AUTO)
    sized = True
    lengths = (1000, 4000, 8000)
    samples = 4  # examples per length; listed sample by sample, so --limit keeps every length

    def __init__(self, options: TaskOptions, half: str = ""):
        super().__init__(options)
        self.half = half  # "tune" or "held": only that half of the samples; "": both
        self.text = essays(self.path, self.name)
        self.known = {w.lower() for w in re.findall(r"[A-Za-z]+", self.text)}
        self._cells: dict[str, tuple[list[str], set[str]]] = {}

    def plan(self, key: str, target: int) -> Plan:
        raise NotImplementedError

    def rng(self, key: str, purpose: str) -> random.Random:
        return random.Random(f"{self.options.seed}:{self.name}:{key}:{purpose}")

    def target(self, length: int) -> int:
        return target_tokens(length, self.options.budget)

    def examples(self) -> list[Example]:
        lengths = self.options.lengths or list(self.lengths)
        out = []
        for i in range(self.samples):
            if self.half and self.split(i) != self.half:
                continue
            for length in lengths:
                key = f"L{length}-s{i}"
                plan = self.plan(key, self.target(length))
                meta = {"length": length, "sample": i, "group": f"{length} tokens",
                        "split": self.split(i), "candidates": plan.candidates, **plan.meta}
                out.append(Example(key, plan.question, plan.answers, corpus=key, meta=meta))
        return self.limited(out)

    def split(self, sample: int) -> str:
        """'tune' for the first half of the samples, 'held' for the second."""
        return "tune" if sample < self.samples // 2 else "held"

    def cell(self, key: str) -> tuple[list[str], set[str]]:
        """(passages, keys of the passages holding a planted statement) of one example."""
        if key not in self._cells:
            target = self.target(int(re.match(r"L(\d+)-s\d+", key).group(1)))
            plan = self.plan(key, target)
            planted = {s for g in plan.groups for s in g}
            room = target - (self.options.count_tokens or rough_count)(" ".join(s for g in plan.groups for s in g))
            hay = cut(self.text, max(50, room), self.options.count_tokens)
            parts = distinct(passages(" ".join(plant(SENTENCE.split(hay), plan.groups, self.rng(key, "where")))))
            holders = {f"p{i:04d}" for i, p in enumerate(parts) if planted & set(SENTENCE.split(p))}
            self._cells[key] = (parts, holders)
        return self._cells[key]

    def named(self, answer: str, example: Example) -> set[str]:
        candidates = example.meta.get("candidates")
        return named_in(answer, candidates) if candidates else numbers_in(answer)

    def score(self, example: Example, answer: str) -> tuple[float, dict[str, float]]:
        scores = set_scores(self.named(answer, example), set(example.answers))
        scores["refused"] = float(is_refusal(answer))
        return scores[self.headline_key], scores


class FrequentWordsTask(RulerTask):
    """RULER fwe: code words planted with Zipf frequencies; the answer names the TOP most frequent."""

    name = TaskName.RULER_FWE
    headline = "F1 of the code words the answer names against the three most frequent ones"
    words, top, exponent = 10, 3, 2.0
    tokens_per_mention = 60  # the most frequent word: one mention per this many haystack tokens
    question = ("Which three code words does the text mention most often? (Each mention reads "
                "'The code word is ...'.)")

    def counts(self, target: int) -> list[int]:
        """Mentions of the words by rank: round(c / rank^2), every word at least once; c >= 21
        keeps the third (c/9) above the fourth (c/16), so the top three are one set."""
        c = max(21, target // self.tokens_per_mention)
        return [max(1, round(c / rank ** self.exponent)) for rank in range(1, self.words + 1)]

    def plan(self, key: str, target: int) -> Plan:
        rng, taken = self.rng(key, "what"), set()
        words = [nonce(rng, self.known, taken) for _ in range(self.words)]
        mentions = [f"The code word is {w}." for w, n in zip(words, self.counts(target)) for _ in range(n)]
        rng.shuffle(mentions)
        return Plan(self.question, words[:self.top], [[m] for m in mentions], words,
                    {"counts": dict(zip(words, self.counts(target)))})


class MultiValueTask(RulerTask):
    """RULER niah_multivalue: one key, VALUES 7-digit values planted at different depths."""

    name = TaskName.RULER_MULTIVALUE
    headline = "share of the key's planted values the answer gives (recall, as RULER scores it)"
    headline_key = "set_recall"
    values = 4

    def plan(self, key: str, target: int) -> Plan:
        rng = self.rng(key, "what")
        name = f"{rng.choice(ADJECTIVES)}-{rng.choice(NOUNS)}"
        values = [str(v) for v in rng.sample(range(1_000_000, 10_000_000), self.values)]
        needles = [f"One of the special magic numbers for {name} is: {v}." for v in values]
        rng.shuffle(needles)
        question = f"What are all the special magic numbers for {name} mentioned in the provided text?"
        return Plan(question, values, [needles], meta={"key": name})


class VariableTrackingTask(RulerTask):
    """RULER vt: chains VAR A = 12345, VAR B = VAR A, ...; the answer names every variable of the
    queried chain (HOPS + 1 of them), a second chain with another value is a distractor."""

    name = TaskName.RULER_VT
    headline = "F1 of the variables the answer names against those that hold the queried value"
    chains, hops = 2, 4

    def variable(self, rng: random.Random, taken: set[str]) -> str:
        while True:
            name = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(5))
            if name.lower() not in self.known and name not in taken:
                taken.add(name)
                return name

    def plan(self, key: str, target: int) -> Plan:
        rng, taken = self.rng(key, "what"), set()
        chains = [[self.variable(rng, taken) for _ in range(self.hops + 1)] for _ in range(self.chains)]
        values = [str(v) for v in rng.sample(range(10_000, 100_000), self.chains)]
        groups = [[f"VAR {names[0]} = {value}."] + [f"VAR {b} = VAR {a}." for a, b in zip(names, names[1:])]
                  for names, value in zip(chains, values)]
        question = f"Find all variables that are assigned the value {values[0]} in the text."
        return Plan(question, chains[0], groups, [v for names in chains for v in names],
                    {"value": values[0], "distractor": values[1]})
