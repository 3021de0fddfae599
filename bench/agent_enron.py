"""Agent accuracy on the whole Enron set: metadata questions generated from the RAW mbox files,
exact answers computed here with the email module (independently of our store), answered by
archivist's ask() with default settings (rule planner).

    .venv/bin/python bench/agent_enron.py [--db /tmp/agent_enron.db] [--per-kind 25] [--seed 7]

Prints the accuracy JSON and writes bench/results/agent_enron.json.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data" / "enron"
# the question generation and raw-mbox answers live in archivist.evals.probes (`archivist eval run probes`)
from archivist.evals.probes import distinct, raw_questions as gen_questions, read_raw  # noqa: E402


def score(q: dict, res) -> bool:
    if q["kind"] in ("count_from", "count_month"):
        m = re.search(r"\d+", res.answer)
        return bool(m) and int(m.group()) == q["expected"]
    cited = {c["message_id"] for c in res.citations}
    return q["expected"] in res.answer.lower() and bool(cited & set(q["message_ids"]))


def ensure_db(db: Path) -> dict:
    from archivist.corpus.ingest import ingest_paths
    from archivist.store import Store
    with Store(db) as store:
        summary = ingest_paths(store, [DATA])  # resumable: a no-op when done
        return {k: v for k, v in vars(summary).items() if not k.startswith("_")}


def evaluate(db: Path, questions: list[dict]) -> tuple[dict, list[dict]]:
    from archivist.agent.ask import ask
    from archivist.config import load_settings
    from archivist.store import Store
    settings = load_settings(cli={"db": str(db)})
    rows = []
    with Store(db) as store:
        for q in questions:
            try:
                res = ask(store, settings, q["question"])
            except Exception as exc:  # a crash counts as a wrong answer, and is shown
                rows.append({**q, "answer": f"ERROR {type(exc).__name__}: {exc}", "strategy": "",
                             "llm_calls": 0, "seconds": 0.0, "correct": False, "cited": []})
                continue
            rows.append({**q, "answer": res.answer, "strategy": res.strategy, "llm_calls": res.llm_calls,
                         "seconds": res.seconds, "correct": score(q, res),
                         "cited": [c["message_id"] for c in res.citations][:3]})
    by_kind = {}
    for kind in ("count_from", "count_month", "who_sent"):
        rs = [r for r in rows if r["kind"] == kind]
        by_kind[kind] = {"n": len(rs), "correct": sum(r["correct"] for r in rs),
                         "accuracy": round(sum(r["correct"] for r in rs) / max(len(rs), 1), 3),
                         "via_query": sum(r["strategy"] == "query" for r in rs),
                         "llm_calls": sum(r["llm_calls"] for r in rs),
                         "mean_seconds": round(sum(r["seconds"] for r in rs) / max(len(rs), 1), 4)}
    month = [r for r in rows if r["kind"] == "count_month"]
    by_kind["count_month"]["questions_where_utc_day_differs"] = sum(
        r["expected"] != r["expected_utc"] for r in month)
    return by_kind, rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--db", default="/tmp/agent_enron.db")
    ap.add_argument("--per-kind", type=int, default=25)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    t0 = time.perf_counter()
    groups = distinct(read_raw(DATA / "mbox"))
    questions = gen_questions(groups, args.per_kind, args.seed)
    t1 = time.perf_counter()
    ingest = ensure_db(Path(args.db))
    t2 = time.perf_counter()
    by_kind, rows = evaluate(Path(args.db), questions)
    total = sum(k["correct"] for k in by_kind.values())
    report = {"corpus": str(DATA), "distinct_messages_raw": len(groups), "questions": len(rows),
              "accuracy": round(total / max(len(rows), 1), 3), "by_kind": by_kind,
              "planner": "rules", "calendar": "sender's local Date header day (who_sent: local or UTC)",
              "seconds": {"parse_raw": round(t1 - t0, 1), "ingest": round(t2 - t1, 1),
                          "answer_all": round(time.perf_counter() - t2, 2)},
              "ingest": ingest, "failures": [r for r in rows if not r["correct"]][:15]}
    out = ROOT / "bench" / "results" / "agent_enron.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({**report, "rows": rows}, indent=1, default=str))
    print(json.dumps({k: v for k, v in report.items() if k != "failures"}, indent=1, default=str))
    print(f"{len(report['failures'])} failures listed in {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
