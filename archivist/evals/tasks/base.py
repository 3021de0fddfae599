"""What every eval task provides: examples (question, gold answers, evidence, scopes) over corpora
it builds from a data path (or over an existing archivist database), and its headline score."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from archivist.corpus.parsed import Document, Location
from archivist.errors import InputError
from archivist.evals.metrics import text_scores
from archivist.evals.vocab import EvalStrategy

ALL = "*"  # Example.scopes key: the scope of every strategy without one of its own


def shared_data() -> Path:
    """The shared data folder (ARCHIVIST_SHARED_DATA, else ../shared/data beside the checkout)."""
    env = os.environ.get("ARCHIVIST_SHARED_DATA")
    return Path(env) if env else Path(__file__).resolve().parents[3].parent / "shared" / "data"


@dataclass
class Example:
    id: str
    question: str
    answers: list[str]  # gold answers; empty: unanswerable, a refusal is correct
    corpus: str  # key of the corpus the question is asked over (Task.documents)
    evidence: list[str] = field(default_factory=list)  # document keys that hold the answer
    scopes: dict[str, list[str]] = field(default_factory=dict)  # strategy (or ALL) -> document keys
    meta: dict = field(default_factory=dict)

    @property
    def answerable(self) -> bool:
        return bool(self.answers)

    def scope(self, strategy: str) -> list[str]:
        return self.scopes.get(strategy, self.scopes.get(ALL, []))


@dataclass
class TaskOptions:
    data: Path | None = None  # the data file or folder; None: the task's shared default
    limit: int | None = None
    lengths: list[int] = field(default_factory=list)  # niah and ruler-* context lengths in tokens
    depths: list[float] = field(default_factory=list)  # niah needle depths in percent
    seed: int = 13
    count_tokens: object = None  # the model's token counter (a sized task's haystacks are measured in it)
    budget: int = 0  # the model's prompt budget in tokens (a sized task fits short haystacks inside it)


class Task:
    """Subclasses set name, default_data and strategies; implement examples() and documents()
    (or database() for a task over an existing archivist database)."""

    name = ""
    # what the report's "score" column is for this task (the headline of score() below)
    headline = ("token F1 of the answer against the best gold answer; for an unanswerable "
                "question, 1 when the answer refuses and 0 when it does not")
    default_data = ""  # relative to the shared data folder
    strategies: tuple[str, ...] = (EvalStrategy.RAG, EvalStrategy.STUFF, EvalStrategy.AUTO)
    # the strategies a run may name; () means the runner's (answering strategies). A retrieval
    # task names search modes instead (records.SearchMode): no model answers it
    allowed: tuple[str, ...] = ()
    model_free = False  # True: no model is loaded and rows record NO_MODEL
    indexed = True  # False: the corpus is ingested but not embedded (a task that never searches)
    tallies: tuple[str, ...] = ()  # 0/1 scores the group tables count besides the headline
    sized = False  # True: corpora are sized in the model's tokens (options.count_tokens, budget)

    def __init__(self, options: TaskOptions):
        self.options = options
        self.path = Path(options.data) if options.data else shared_data() / self.default_data
        if not self.path.exists():
            raise InputError(f"{self.name}: data not found at {self.path}; pass --data PATH")

    def examples(self) -> list[Example]:
        raise NotImplementedError

    def documents(self, corpus: str) -> list[Document]:
        """The documents of one corpus; each one's Location.position is its document key."""
        raise NotImplementedError

    def evidence_of(self, example: Example) -> list[str]:
        """Keys of the documents that hold the answer (tasks that place it compute them)."""
        return example.evidence

    def database(self) -> Path | None:
        """An existing archivist database the questions are asked over (None: build corpora)."""
        return None

    def measure(self, corpus, settings, example: Example, strategy: str) -> dict | None:
        """The row of a task that measures by itself (a search, a structured answer), as
        measured() builds it; None (the default): the runner asks the agent and scores the text.
        corpus is the runner's Corpus (its store and document keys -> ids)."""
        return None

    def score(self, example: Example, answer: str) -> tuple[float, dict[str, float]]:
        """(headline score, every text metric); the default headline is token F1, or the
        correct refusal of an unanswerable question."""
        scores = text_scores(answer, example.answers)
        return (scores["f1"] if example.answerable else scores["correct_refusal"]), scores

    def limited(self, examples: list[Example]) -> list[Example]:
        return examples[:self.options.limit] if self.options.limit else examples


NO_MODEL = "none"  # the model column of a model-free task's rows


def measured(answer: str, score: float, scores: dict[str, float], chosen: str = "") -> dict:
    """A measured row's answer part (Task.measure): no model call, so no tokens."""
    return {"answer": answer, "chosen": chosen, "score": round(float(score), 4), "scores": scores,
            "tokens_in": 0, "tokens_out": 0, "llm_calls": 0, "error": None}


def text_doc(key: str, body: str, title: str = "", corpus: str = "eval") -> Document:
    return Document(kind="text", body=body, title=title, location=Location(path=corpus, position=key))


def passages(text: str, words: int) -> list[str]:
    """Consecutive passages of about `words` words, cut at paragraph or sentence ends."""
    out, cur, n = [], [], 0
    for para in [p for p in text.split("\n") if p.strip()]:
        cur.append(para)
        n += len(para.split())
        if n >= words:
            out.append("\n".join(cur))
            cur, n = [], 0
    if cur:
        out.append("\n".join(cur))
    return out
