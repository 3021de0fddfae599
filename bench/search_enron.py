"""Search finds what people type, on whole Enron: verbatim subjects and generated lookup questions.

Usage: python bench/search_enron.py --db /tmp/enron_copy.db [--tune] [--n-subjects 200] [--n-lookups 100]
The database (a copy: it is migrated and its quoted-text chunks are added and embedded in place)
must be indexed with embeddings. Measures:
- subjects: 200 random e-mail subjects (seeded) searched verbatim -> rank-1 rate (the e-mail, a copy
  of it, or another message of its thread with the same subject), per mode;
- lookups: 100 questions generated from random e-mails (sender name/address, recipient, date in
  several forms, subject, content words) -> hit@5 of hybrid/bm25/dense vs a plain FTS5 index of
  whole e-mails (one column: headers + body + quoted text) built in the same run;
- --tune: column weights and the subject-ranking weight chosen on half A, reported on half B;
- --tune-subjects: the order among messages whose subject is the query (search.SUBJECT_ORDER,
  search.EXACT_FIRST) chosen on half A of the verbatim subjects, reported on half B; --subject-seed
  draws a fresh sample to report on;
- misses of the verbatim subjects that no ranking can avoid: the subject is shared by more than one
  thread and the ranked-first message carries exactly that subject (the query says nothing more).
Prints one JSON object and writes bench/results/search_enron.json (with the load average).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import sqlite3
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archivist.config import Settings  # noqa: E402
from archivist.retrieval import fts, search as search_mod  # noqa: E402
from archivist.retrieval.fts import match_expression, STOP  # noqa: E402
from archivist.store import Store  # noqa: E402

MODES = ("hybrid", "bm25", "dense")
MONTHS = ("January February March April May June July August September October November "
          "December").split()
CONTENT = re.compile(r"[A-Za-z][a-z]{5,}")


def sample_docs(store, n: int, seed: int, extra: str = "") -> list[dict]:
    rows = store.query("SELECT id, title, norm_subject, thread_id, sender, sender_name, date, body "
                       "FROM documents WHERE kind = 'email' AND norm_subject != '' AND date != '' "
                       f"{extra} ORDER BY id")
    return random.Random(seed).sample(rows, n)


def equivalent(store, doc: dict) -> set[int]:
    """The doc, its copies (same subject and body) and its thread's messages with its subject."""
    return {r[0] for r in store.conn.execute(
        "SELECT id FROM documents WHERE id = ? OR (norm_subject = ? AND (thread_id = ? OR body = ?))",
        (doc["id"], doc["norm_subject"], doc["thread_id"], doc["body"]))}


def same_subject(store, doc: dict) -> list[int]:
    """Every message whose subject is the typed one (a subject alone cannot tell them apart)."""
    return [r[0] for r in store.conn.execute("SELECT id FROM documents WHERE norm_subject = ?",
                                             (doc["norm_subject"],))]


def date_forms(iso: str, i: int) -> str:
    y, m, d = int(iso[:4]), int(iso[5:7]), int(iso[8:10])
    return [f"{MONTHS[m - 1]} {d}, {y}", iso[:10], f"{d} {MONTHS[m - 1]} {y}", f"{m}/{d}/{y}"][i % 4]


def content_words(body: str, rng: random.Random, k: int = 3) -> str:
    words = [w for w in dict.fromkeys(CONTENT.findall(body)) if w.lower() not in STOP]
    return " ".join(rng.sample(words, min(k, len(words))))


def recipient(store, doc_id: int) -> str:
    row = store.conn.execute("SELECT name, address FROM participants WHERE doc_id = ? AND role = 'to' "
                             "LIMIT 1", (doc_id,)).fetchone()
    return (row[0] or row[1]) if row else ""


def lookup_questions(store, n: int, seed: int) -> list[dict]:
    """n questions in several forms, each about one random e-mail; gold: that e-mail or one with
    the same sender, day and subject (the question cannot tell them apart)."""
    rng = random.Random(seed)
    docs = sample_docs(store, n, seed, "AND sender_name != '' AND length(body) > 200")
    out = []
    for i, d in enumerate(docs):
        name, addr, subj = d["sender_name"], d["sender"], d["title"]
        when, words, to = date_forms(d["date"], i), content_words(d["body"], rng), recipient(store, d["id"])
        forms = [f"email from {name} on {when}",
                 f"{addr} {subj}",
                 f"message to {to or name} about {subj}",
                 f"what did {name} write about {words}",
                 f"{subj} {when}",
                 f"{name.split()[0]} {words} {when}",
                 f"the email {name} sent to {to or 'the team'} on {when}",
                 f"{words} {addr}"]
        gold = {r[0] for r in store.conn.execute(
            "SELECT id FROM documents WHERE id = ? OR (sender = ? AND substr(date, 1, 10) = ? AND "
            "norm_subject = ?)", (d["id"], addr, d["date"][:10], d["norm_subject"]))}
        out.append({"q": forms[i % len(forms)], "form": i % len(forms), "gold": sorted(gold)})
    return out


def baseline_fts(store, path: Path) -> sqlite3.Connection:
    """A plain FTS5 table of whole e-mails, one column: headers + body + signature + quoted."""
    path.unlink(missing_ok=True)
    conn = sqlite3.connect(path)
    conn.execute("CREATE VIRTUAL TABLE whole USING fts5(text)")
    people: dict[int, list[str]] = {}
    for did, role, name, addr in store.conn.execute("SELECT doc_id, role, name, address FROM participants"):
        people.setdefault(did, []).append(f"{role}: {name or ''} <{addr or ''}>")
    rows = ((r[0], f"Date: {r[3]}\nSubject: {r[1]}\n" + "\n".join(people.get(r[0], [])) +
             f"\n\n{r[2]}\n{r[4] or ''}\n{r[5] or ''}") for r in store.conn.execute(
        "SELECT id, title, body, date, signature, quoted FROM documents"))
    conn.executemany("INSERT INTO whole (rowid, text) VALUES (?, ?)", rows)
    conn.commit()
    return conn


def baseline_search(conn, query: str, k: int) -> list[int]:
    expr = match_expression(query)
    return [r[0] for r in conn.execute("SELECT rowid FROM whole WHERE whole MATCH ? ORDER BY rank "
                                       "LIMIT ?", (expr, k))] if expr else []


class CachedDense:
    """dense_search memoised by query: weights tuning re-runs only the FTS side."""

    def __init__(self):
        self.real, self.cache = search_mod.dense_search, {}

    def __call__(self, store, settings, query, n, filters=None, embedded=None):
        key = (query, n)
        if key not in self.cache:
            self.cache[key] = self.real(store, settings, query, n, filters, embedded)
        return self.cache[key]


def threads_with_subject(store, doc: dict) -> int:
    return store.scalar("SELECT count(DISTINCT thread_id) FROM documents WHERE norm_subject = ?",
                        (doc["norm_subject"],))


def subject_bound(store, subjects: list[dict]) -> dict:
    """The best rank-1 rate ANY ranking can reach when the query is only the typed subject.

    A ranking is a function of the query: for one typed subject it puts one message first, and
    that message is right for the sampled e-mails whose equivalent set holds it. For each typed
    subject the best possible first message is the one in the most equivalent sets; summed over
    all e-mails the sampler can draw, that is the expected rate of a perfect ranker ("population"),
    and on this sample the same choices reach "sample"."""
    rows = store.query("SELECT id, title, norm_subject, thread_id, body FROM documents WHERE "
                       "kind = 'email' AND norm_subject != '' AND date != ''")
    members: dict[str, list[dict]] = {}
    for r in store.query("SELECT id, norm_subject, thread_id, body FROM documents "
                         "WHERE kind = 'email' AND norm_subject != ''"):
        members.setdefault(r["norm_subject"], []).append(r)
    sets = {r["id"]: {m["id"] for m in members[r["norm_subject"]] if m["id"] == r["id"]
                      or m["thread_id"] == r["thread_id"] or m["body"] == r["body"]} for r in rows}
    by_title: dict[str, list[int]] = {}
    for r in rows:
        by_title.setdefault(r["title"], []).append(r["id"])
    best, reach = {}, 0
    for title, ids in by_title.items():
        counts: dict[int, int] = {}
        for i in ids:
            for m in sets[i]:
                counts[m] = counts.get(m, 0) + 1
        best[title] = max(counts, key=lambda m: (counts[m], -m))
        reach += counts[best[title]]
    sample = [best[s["q"]] in sets[s["id"]] for s in subjects]
    return {"population": round(reach / len(rows), 4), "population_emails": len(rows),
            "sample": halves(sample)}


def undecidable(subjects: list[dict], hit: list[bool], exact: list[bool]) -> dict:
    """Misses whose subject is shared by several threads while the first hit carries it."""
    missed = [(s, e) for s, ok, e in zip(subjects, hit, exact) if not ok]
    shared = [s["q"] for s, e in missed if e and s["threads"] > 1]
    return {"misses": len(missed), "shared_subject_and_rank1_exact": len(shared), "examples": shared[:20],
            "other_misses": [s["q"] for s, e in missed if not (e and s["threads"] > 1)]}


def tune_subjects(store, settings, subjects: list[dict], mode: str) -> dict:
    """Grid on half A of the verbatim subjects: order among exact-subject matches, exact first."""
    half_a, grid = subjects[0::2], []
    for order in ("search", "group", "latest"):
        for first in (False, True):
            search_mod.SUBJECT_ORDER, search_mod.EXACT_FIRST = order, first
            grid.append((rate(run_set(store, settings, half_a, 1, (mode,))[mode]), order, first))
            print("subject order", grid[-1], file=sys.stderr, flush=True)
    best = max(grid, key=lambda x: x[0])  # first of equals: the simpler setting
    search_mod.SUBJECT_ORDER, search_mod.EXACT_FIRST = best[1], best[2]
    return {"grid_A": [list(g) for g in grid], "best": {"order": best[1], "exact_first": best[2]}}


def run_set(store, settings, items: list[dict], k: int, modes=MODES) -> dict[str, list[bool]]:
    out = {m: [] for m in modes}
    for it in items:
        for m in modes:  # k: the item's own cut-off (1 for subjects, 5 for lookups)
            ids = [h.doc_id for h in search_mod.search(store, settings, it["q"], k=max(k, it["k"]), mode=m)]
            out[m].append(bool(set(ids[:it["k"]]) & set(it["gold"])))
    return out


def rate(flags: list[bool]) -> float:
    return round(sum(flags) / len(flags), 4) if flags else None


def halves(flags: list[bool]) -> dict:
    return {"all": rate(flags), "A": rate(flags[0::2]), "B": rate(flags[1::2])}


def index_without_vectors(store, settings) -> dict:
    """Chunks (with quoted-text chunks) and FTS rows, no embedding."""
    from archivist.backends.embedders import load_embedder
    from archivist.progress import Reporter
    from archivist.retrieval.indexer import backfill_quoted, chunk_new_documents
    embedder = load_embedder(settings.embedding, **settings.embed_where())
    quoted = backfill_quoted(store, embedder, settings)
    docs, chunks, _ = chunk_new_documents(store, embedder, settings, Reporter(None))
    return {"documents_chunked": docs, "chunks_added": chunks + quoted,
            "quoted_chunks": store.scalar("SELECT count(*) FROM chunks WHERE ord >= 1000"),
            "chunks_total": store.scalar("SELECT count(*) FROM chunks")}


def tune(store, settings, items: list[dict], mode: str = "hybrid") -> dict:
    """Grid on half A (even items): FTS column weights, then the subject-ranking weight."""
    half_a = items[0::2]
    score = lambda: rate(run_set(store, settings, half_a, 5, (mode,))[mode])  # noqa: E731
    grid = [(1.0, s, nm, dt) for s in (0.6, 2.0, 5.0) for nm in (0.4, 2.0, 5.0) for dt in (0.4, 2.0)]
    results = []
    for w in grid:
        fts.WEIGHTS = w
        results.append((score(), w))
        print("weights", w, results[-1][0], file=sys.stderr, flush=True)
    best_w = max(results, key=lambda x: x[0])[1]
    fts.WEIGHTS = best_w
    subject = []
    for sw in (0.0, 1.0, 2.0, 3.0, 5.0):
        settings.retrieval.subject_weight = sw
        subject.append((score(), sw))
        print("subject_weight", sw, subject[-1][0], file=sys.stderr, flush=True)
    settings.retrieval.subject_weight = max(subject, key=lambda x: x[0])[1]
    return {"column_weights_grid_A": [[list(w), s] for s, w in results], "best_weights": list(best_w),
            "subject_weight_grid_A": [[w, s] for s, w in subject],
            "best_subject_weight": settings.retrieval.subject_weight}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--n-subjects", type=int, default=200)
    ap.add_argument("--n-lookups", type=int, default=100)
    ap.add_argument("--tune", action="store_true")
    ap.add_argument("--tune-subjects", action="store_true")
    ap.add_argument("--subject-seed", type=int, default=0)
    ap.add_argument("--no-lookups", action="store_true", help="verbatim subjects only")
    ap.add_argument("--readonly", action="store_true",
                    help="open the database read-only and index nothing (it is indexed already)")
    ap.add_argument("--modes", default="hybrid,bm25,dense",
                    help="bm25 alone on a database indexed without vectors (--no-vectors)")
    ap.add_argument("--no-vectors", action="store_true",
                    help="chunk and fill FTS only (no embedding): for --modes bm25")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "search_enron.json"))
    args = ap.parse_args()
    settings = Settings().replace(db=args.db)
    t0 = time.perf_counter()
    result: dict = {"load_avg_start": os.getloadavg(), "db": args.db}
    with Store(args.db, readonly=args.readonly) as store:
        from archivist.retrieval.indexer import index_store
        result["index"] = ({"chunks_total": store.scalar("SELECT count(*) FROM chunks"),
                            "vectors_total": store.scalar("SELECT count(*) FROM vectors")}
                           if args.readonly else index_without_vectors(store, settings)
                           if args.no_vectors else index_store(store, settings))
        print(result["index"], file=sys.stderr, flush=True)
        subjects = [{"id": d["id"], "q": d["title"], "gold": sorted(equivalent(store, d)), "k": 1,
                     "same_subject": same_subject(store, d), "threads": threads_with_subject(store, d)}
                    for d in sample_docs(store, args.n_subjects, seed=args.subject_seed)]
        result["subject_seed"] = args.subject_seed
        lookups = [{**q, "k": 5} for q in lookup_questions(store, args.n_lookups, seed=1)]
        search_mod.dense_search = CachedDense()
        modes = tuple(args.modes.split(","))
        result["modes"] = modes
        if args.tune:
            result["tuning"] = tune(store, settings, subjects + lookups, modes[0])
        if args.tune_subjects:
            result["subject_tuning"] = tune_subjects(store, settings, subjects, modes[0])
        result["settings"] = {"fts_weights": list(fts.WEIGHTS), "subject_weight": settings.retrieval.subject_weight,
                              "rrf_k": settings.retrieval.rrf_k, "dense_weight": settings.retrieval.dense_weight,
                              "bm25_weight": settings.retrieval.bm25_weight,
                              "subject_order": search_mod.SUBJECT_ORDER, "exact_first": search_mod.EXACT_FIRST}
        subj = run_set(store, settings, subjects, 1, modes)
        result["subjects_rank1"] = {m: halves(v) for m, v in subj.items()}
        carries = run_set(store, settings, [{**s, "gold": s["same_subject"]} for s in subjects], 1, modes)
        result["subjects_rank1_carries_the_subject"] = {m: halves(v) for m, v in carries.items()}
        result["subjects_missed"] = {m: undecidable(subjects, subj[m], carries[m]) for m in modes}
        result["subjects_rank1_best_possible"] = subject_bound(store, subjects)
        if args.no_lookups:
            return finish(result, t0, args.out)
        look = run_set(store, settings, lookups, 5, modes)
        conn = baseline_fts(store, Path(args.db).with_suffix(".whole.db"))
        base = [bool(set(baseline_search(conn, q["q"], 5)) & set(q["gold"])) for q in lookups]
        result["lookups_hit5"] = {**{m: halves(v) for m, v in look.items()}, "plain_fts5_whole_email": halves(base)}
        result["lookups_by_form_first_mode_vs_plain"] = {
            f: [rate([ok for q, ok in zip(lookups, look[modes[0]]) if q["form"] == f]),
                rate([ok for q, ok in zip(lookups, base) if q["form"] == f])] for f in range(8)}
        result["lookup_examples"] = [q["q"] for q in lookups[:8]]
    finish(result, t0, args.out)


def finish(result: dict, t0: float, out: str) -> None:
    result["seconds"] = round(time.perf_counter() - t0, 1)
    result["load_avg_end"] = os.getloadavg()
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_text(json.dumps(result, indent=1))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
