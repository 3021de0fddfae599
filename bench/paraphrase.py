"""Paraphrase robustness on an archive: metadata questions generated from its SQLite data in many
phrasings (archivist.evals.probes), exact answers computed there, answered by archivist's ask()
with default settings (rule planner). Reports accuracy per template half ('tune' and 'held') and
per intent, and the answers that dropped a constraint silently.

    .venv/bin/python bench/paraphrase.py [--db /tmp/enron.db] [--per-template 5] [--seed 11]

Prints the JSON report and writes bench/results/paraphrase_<name>.json.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def evaluate(db: str, probes: list) -> list[dict]:
    from archivist.agent.ask import ask
    from archivist.config import load_settings
    from archivist.evals.probes import correct, dropped
    from archivist.store import Store
    settings = load_settings(cli={"db": db})
    rows = []
    with Store(db) as store:
        for p in probes:
            start = time.perf_counter()
            try:
                res = ask(store, settings, p.question, log=False)
            except Exception as exc:  # a crash is a wrong answer, and is shown
                rows.append({**vars(p), "answer": f"ERROR {type(exc).__name__}: {exc}", "correct": False,
                             "dropped": [], "strategy": "", "seconds": 0.0})
                continue
            rows.append({**vars(p), "answer": res.answer[:400], "strategy": res.strategy,
                         "correct": correct(p, res.answer), "dropped": dropped(p, res),
                         "unmatched": res.unmatched, "ambiguous": list(res.ambiguous),
                         "filters": {k: v for k, v in res.filters.items() if v and k != "doc_ids"},
                         "seconds": round(time.perf_counter() - start, 3)})
    return rows


def summarise(rows: list[dict]) -> dict:
    from archivist.evals.probes import COUNT_INTENTS
    out = {}
    for half in ("tune", "held"):
        rs = [r for r in rows if r["half"] == half]
        per = defaultdict(list)
        for r in rs:
            per[r["intent"]].append(r["correct"])
        counts = [r["correct"] for r in rs if r["intent"] in COUNT_INTENTS]
        lookups = [r["correct"] for r in rs if r["intent"] not in COUNT_INTENTS]
        out[half] = {"n": len(rs), "counts": round(sum(counts) / max(len(counts), 1), 3),
                     "lookups": round(sum(lookups) / max(len(lookups), 1), 3),
                     "dropped_constraints": sum(bool(r["dropped"]) for r in rs),
                     "by_intent": {k: {"n": len(v), "accuracy": round(sum(v) / len(v), 3)}
                                   for k, v in sorted(per.items())}}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--db", default="/tmp/enron.db")
    ap.add_argument("--per-template", type=int, default=5)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--name", default="enron")
    args = ap.parse_args()
    from archivist.evals.probes import generate
    from archivist.store import Store
    t0 = time.perf_counter()
    with Store(args.db) as store:
        probes = generate(store.conn, args.per_template, args.seed)
    t1 = time.perf_counter()
    rows = evaluate(args.db, probes)
    seconds = [r["seconds"] for r in rows]
    report = {"db": args.db, "questions": len(rows), "templates_per_half": "even-numbered: tune, odd: held",
              "halves": summarise(rows), "planner": "rules",
              "seconds": {"generate": round(t1 - t0, 1), "answer_all": round(time.perf_counter() - t1, 1),
                          "max_per_question": max(seconds, default=0),
                          "median_per_question": sorted(seconds)[len(seconds) // 2] if seconds else 0},
              "load_average": os.getloadavg()[0]}
    failures = [r for r in rows if not r["correct"] or r["dropped"]]
    out = ROOT / "bench" / "results" / f"paraphrase_{args.name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({**report, "failures": failures, "rows": rows}, indent=1, default=str))
    print(json.dumps(report, indent=1, default=str))
    print(f"{len(failures)} failures listed in {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
