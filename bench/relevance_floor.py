"""The relevance floor of search (search.DENSE_FLOOR), measured on whole Enron.

Usage: python bench/relevance_floor.py --db ENRON.db [--n 200] [--seed 5]

A hybrid search always has dense neighbours, so a query about nothing in the archive listed
unrelated messages. search.relevant drops a document that only dense search found, that holds
none of the query's words, when its cosine is below the floor. This measures both sides:
- absent: queries of words no message holds (random letter strings, and English words from the
  HotpotQA paragraphs that Enron's FTS index does not hold, alone and in pairs): the best dense
  cosine each reaches, unfiltered (every one of them should say "no hits");
- real: bench/search_enron.py's generated lookup questions and verbatim subjects: hit@5 and how
  many of the top 8 are dropped, with no floor and at each candidate floor.
Prints one JSON object and writes bench/results/relevance_floor.json.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import string
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archivist.config import load_settings  # noqa: E402
from archivist.retrieval import search as search_mod  # noqa: E402
from archivist.retrieval.fts import docs_with_words, match_expression  # noqa: E402
from archivist.store import Store  # noqa: E402
from archivist.evals.tasks.search_enron import lookup_questions, sample_docs  # noqa: E402

HOTPOT = ROOT.parent / "shared" / "data" / "hotpotqa_dev_distractor_500" / "hotpotqa_dev_subsampled_500.jsonl.gz"
FLOORS = (0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7)


def absent_in_enron(store, word: str) -> bool:
    expr = match_expression(word)
    return not store.conn.execute("SELECT 1 FROM chunks_fts WHERE chunks_fts MATCH ? LIMIT 1",
                                  (expr,)).fetchone()


def hotpot_words(store, rng: random.Random, n: int) -> list[str]:
    """English words of HotpotQA paragraphs (7+ letters) that no Enron chunk holds."""
    words: set[str] = set()
    with gzip.open(HOTPOT, "rt") as fh:
        for line in fh:
            for para in json.loads(line)["contexts"]:
                words.update(re.findall(r"\b[a-z]{7,}\b", para["paragraph_text"]))
    found: list[str] = []
    for w in rng.sample(sorted(words), len(words)):
        if absent_in_enron(store, w):
            found.append(w)
        if len(found) >= n:
            break
    return found


def absent_queries(store, rng: random.Random, n: int) -> list[str]:
    letters = ["".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(7, 15)))
               for _ in range(n // 2)]
    words = hotpot_words(store, rng, n)
    pairs = [f"{a} {b}" for a, b in zip(words[::2], words[1::2])]
    return [q for q in letters if absent_in_enron(store, q)] + words[: n // 4] + pairs[: n // 4]


def top_cosine(store, settings, query: str) -> float:
    ranked = search_mod.dense_search(store, settings, query, 1)
    return ranked[0][1] if ranked else -1.0


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return round(values[min(len(values) - 1, int(q * len(values)))], 4)


def real_queries(store, n: int, seed: int) -> list[dict]:
    subjects = [{"q": d["title"], "gold": [d["id"]], "kind": "subject"}
                for d in sample_docs(store, n, seed + 1)]
    return [{**q, "kind": "lookup"} for q in lookup_questions(store, n, seed)] + subjects


def at_stake(store, settings, items: list[dict]) -> list[float]:
    """Cosines of the top-8 documents (no floor) that only dense search found and that hold none
    of the query's words: the only ones a floor can drop."""
    saved, search_mod.DENSE_FLOOR = search_mod.DENSE_FLOOR, -2.0
    try:
        found = []
        for item in items:
            hits = [h for h in search_mod.search(store, settings, item["q"], 8, floor=True) if h.bm25_rank is None]
            worded = docs_with_words(store, item["q"], [h.doc_id for h in hits])
            dense = dict(search_mod.dense_search(store, settings, item["q"], 400))
            found += [dense.get(h.chunk_id, -1.0) for h in hits if h.doc_id not in worded]
        return found
    finally:
        search_mod.DENSE_FLOOR = saved


def run_real(store, settings, items: list[dict], floor: float | None) -> dict:
    """hit@5 (a gold document in the top 5) and the mean number of top-8 hits the floor drops."""
    saved = search_mod.DENSE_FLOOR
    search_mod.DENSE_FLOOR = -2.0 if floor is None else floor
    try:
        hits, shown = 0, 0
        for item in items:
            got = [h.doc_id for h in search_mod.search(store, settings, item["q"], 8, floor=True)]
            hits += bool(set(got[:5]) & set(item["gold"]))
            shown += len(got)
        return {"hit@5": round(hits / len(items), 4), "mean_shown_of_8": round(shown / len(items), 3)}
    finally:
        search_mod.DENSE_FLOOR = saved


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--seed", type=int, default=5)
    args = ap.parse_args()
    t0 = time.time()
    settings = load_settings(None, {"db": args.db})
    rng = random.Random(args.seed)
    with Store(args.db, readonly=True) as store:
        absent = absent_queries(store, rng, args.n)
        cos = [top_cosine(store, settings, q) for q in absent]
        items = real_queries(store, args.n // 2, args.seed)
        real = {"none": run_real(store, settings, items, None)}
        real.update({str(f): run_real(store, settings, items, f) for f in FLOORS})
        stake = at_stake(store, settings, items)
    result = {"absent_queries": len(absent), "absent_examples": absent[:6],
              "absent_top_cosine": {"max": round(max(cos), 4), "p99": pct(cos, 0.99),
                                    "p95": pct(cos, 0.95), "p50": pct(cos, 0.5)},
              "absent_above": {str(f): sum(c >= f for c in cos) for f in FLOORS},
              "absent_cosines": sorted(round(c, 4) for c in cos),
              "real_queries": len(items), "real": real,
              "real_wordless_dense_hits": len(stake),
              "real_wordless_dense_cosines": sorted(round(c, 4) for c in stake), "floor_in_use": search_mod.DENSE_FLOOR,
              "seconds": round(time.time() - t0, 1),
              "loadavg": os.getloadavg()}
    print(json.dumps(result, indent=1))
    out = ROOT / "bench" / "results" / "relevance_floor.json"
    out.write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
