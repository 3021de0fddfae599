"""Search's relevance floor (search.DENSE_FLOOR), no model, hybrid mode, over an archivist
database of e-mails indexed with embeddings (`--data`, e.g. whole Enron). Dense search always has
neighbours, so `search` drops a document only dense search found, holding none of the query's
words, when its cosine is below the floor. Both sides of it:
- absent words (random letters; English words of the HotpotQA paragraphs that no chunk holds,
  alone and in pairs): 1 when the search says no hits;
- real queries (search-enron's generated lookups and random subjects typed verbatim): 1 when the
  e-mail is in the top 5.
The headline is `search` as `archivist search` runs it; a column per candidate floor applies that
floor to the same unfloored ranking (search.relevant). Replaces the former relevance-floor bench
script (in git history), with the same draws for a seed."""
from __future__ import annotations

import gzip
import json
import random
import re
import string
from enum import StrEnum
from pathlib import Path

from archivist.errors import InputError
from archivist.evals.tasks.base import Example, Task, measured, shared_data
from archivist.evals.tasks.hotpotqa import FILE
from archivist.evals.tasks.search_enron import lookup_questions, sample_docs
from archivist.evals.vocab import TaskName
from archivist.records import SearchMode
from archivist.retrieval.fts import match_expression
from archivist.store import Store

FLOORS = (0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7)  # the candidates the floor was chosen among
PER_SIDE = 200  # absent and real queries each, unless --limit (half each)
TOP, HIT_AT = 8, 5  # hits `archivist search` shows; a real query's gold must be in the first 5
# the unfloored ranking the candidate floors filter: deep enough that 5 survive a real query's
# drops, and k <= 10 keeps search's candidate lists (max(50, 5k)) those of the k=8 search
DEPTH = 10
HOTPOT = shared_data() / "hotpotqa_dev_distractor_500" / FILE


class Kind(StrEnum):
    """What a query is (the stored rows' meta['kind'])."""
    ABSENT = "absent"  # words no message holds: right when nothing is shown
    LOOKUPS = "lookups"
    SUBJECTS = "subjects"


GROUPS = {Kind.ABSENT: "absent words: no hits", Kind.LOOKUPS: f"generated lookups: hit@{HIT_AT}",
          Kind.SUBJECTS: f"subjects typed verbatim: hit@{HIT_AT}"}


def floor_key(floor: float) -> str:
    return f"floor {floor}"


def absent(store, text: str) -> bool:
    """Whether no chunk holds any of text's words (FTS over text, subject, participants, date)."""
    return not store.conn.execute("SELECT 1 FROM chunks_fts WHERE chunks_fts MATCH ? LIMIT 1",
                                  (match_expression(text),)).fetchone()


def hotpot_words(store, rng: random.Random, n: int, path: Path) -> list[str]:
    """n English words of HotpotQA paragraphs (7+ letters) that no chunk holds."""
    words: set[str] = set()
    with gzip.open(path, "rt") as fh:
        for line in fh:
            for para in json.loads(line)["contexts"]:
                words.update(re.findall(r"\b[a-z]{7,}\b", para["paragraph_text"]))
    found = []
    for word in rng.sample(sorted(words), len(words)):
        if len(found) >= n:
            break
        if absent(store, word):
            found.append(word)
    return found


def absent_queries(store, rng: random.Random, n: int, path: Path) -> list[str]:
    """Half random letter strings, a quarter absent words, a quarter pairs of them (the bench's
    draws, in its order, so a seed gives its queries)."""
    letters = ["".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(7, 15)))
               for _ in range(n // 2)]
    words = hotpot_words(store, rng, n, path)
    pairs = [f"{a} {b}" for a, b in zip(words[::2], words[1::2])]
    return [q for q in letters if absent(store, q)] + words[: n // 4] + pairs[: n // 4]


def real_queries(store, n: int, seed: int) -> list[tuple[str, str, list[int]]]:
    """(kind, query, gold ids): n // 2 generated lookups and n // 2 subjects (gold: that e-mail)."""
    lookups = [(Kind.LOOKUPS, q["q"], q["gold"]) for q in lookup_questions(store, n // 2, seed)]
    return lookups + [(Kind.SUBJECTS, d["title"], [d["id"]]) for d in sample_docs(store, n // 2, seed + 1)]


def doc_cosines(store, settings, query: str, hits) -> dict[int, float]:
    """The best dense cosine of each hit's chunks (hits with no dense chunk are left out)."""
    from archivist.retrieval.search import dense_search
    doc_of = {c: h.doc_id for h in hits for c in h.chunk_ids}
    out: dict[int, float] = {}
    for chunk, cosine in dense_search(store, settings, query, max(50, 5 * DEPTH)):
        if chunk in doc_of:
            out[doc_of[chunk]] = max(cosine, out.get(doc_of[chunk], -1.0))
    return out


def floored(store, query: str, hits, cosines: dict[int, float], floor: float) -> list[int]:
    """The shown documents of an unfloored ranking had `floor` been the relevance floor."""
    from archivist.retrieval.search import relevant
    fused = [(h.doc_id, h.score) for h in hits]
    dense = {h.doc_id: (h.dense_rank, h.chunk_id, cosines[h.doc_id]) for h in hits if h.doc_id in cosines}
    matched = {h.doc_id for h in hits if h.bm25_rank is not None}  # a subject match holds the words
    return [d for d, _ in relevant(store, query, fused, dense, matched, floor=floor)][:TOP]


class RelevanceFloorTask(Task):
    name = TaskName.RELEVANCE_FLOOR
    headline = (f"absent words: 1 when hybrid search shows no hits; real queries: 1 when the e-mail "
                f"is in the first {HIT_AT}; each `floor F` column: the same had F been the floor")
    default_data = ""
    strategies = (SearchMode.HYBRID,)  # the floor applies to hybrid search only
    allowed = strategies
    model_free = True
    tallies = tuple(map(floor_key, FLOORS))

    def __init__(self, options, words: Path = HOTPOT):
        if options.data is None:
            raise InputError("relevance-floor: pass --data PATH of an archivist database of e-mails "
                             "indexed with embeddings (e.g. whole Enron)")
        if not Path(words).exists():
            raise InputError(f"relevance-floor: no HotpotQA paragraphs at {words} (its absent English words)")
        super().__init__(options)
        self.words = Path(words)

    def database(self) -> Path:
        return self.path

    def examples(self) -> list[Example]:
        n, seed = (self.options.limit or 2 * PER_SIDE) // 2, self.options.seed
        with Store(self.path, readonly=True) as store:
            queries = [(Kind.ABSENT, q, []) for q in absent_queries(store, random.Random(seed), n, self.words)]
            queries += real_queries(store, n, seed)
        return [Example(f"{kind}-{i:03d}", q, [str(g) for g in gold], corpus="db",
                        meta={"kind": kind, "group": GROUPS[kind], "gold_ids": gold})
                for i, (kind, q, gold) in enumerate(queries)]

    def measure(self, corpus, settings, example: Example, strategy: str) -> dict:
        from archivist.retrieval.search import dense_search, search
        store, query = corpus.store, example.question
        shown = [h.doc_id for h in search(store, settings, query, TOP, mode=strategy, floor=True)]
        ranking = search(store, settings, query, DEPTH, mode=strategy)
        cosines = doc_cosines(store, settings, query, ranking)
        scores = {floor_key(f): float(self.right(example, floored(store, query, ranking, cosines, f)))
                  for f in FLOORS}
        nearest = dense_search(store, settings, query, 1)
        scores.update(top_cosine=round(nearest[0][1], 4) if nearest else -1.0, shown=float(len(shown)))
        return measured(" ".join(map(str, shown)), float(self.right(example, shown)), scores, chosen=strategy)

    @staticmethod
    def right(example: Example, shown: list[int]) -> bool:
        if example.meta["kind"] == Kind.ABSENT:
            return not shown
        return bool(set(shown[:HIT_AT]) & set(example.meta["gold_ids"]))
