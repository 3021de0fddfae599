"""Questions written blind: 350 questions about whole Enron written by three writers who were given
only the data, its SQLite store and the README (never the question-reading code), each with its exact
answer computed by the writer in SQL (bench/questions/enron_blind_brief.md is their brief). Split
into halves by a hash of the id: 'tune' (looked at while developing) and 'held' (run once, at the
end; its questions and answers are not printed).

    .venv/bin/python bench/blind_questions.py tune|held|v2_tune|v2_held|v3_tune|v3_held|v4_tune|v4_held [--db /tmp/enron.db] [--only ID,ID]

Scores ask()'s structured `result` (count, people, date, month, files) against the writer's answer or
one of its `alt` readings, per kind (count, who, when, described); a wrong answer given as an
exact metadata answer (strategy query, not refused) is counted as confidently wrong. Content
questions are answered with the echo backend (they score as misses: no structured result). Prints
JSON with the load average and writes bench/results/blind_questions_<half>.json.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
QUESTIONS = ROOT / "bench" / "questions"


def _person_in(gold: set[str], got: dict) -> bool:
    return bool(gold & {a.lower() for a in got.get("addresses", [])})


def _people_right(answer: dict, got: list[dict]) -> bool:
    gold = [{a.lower() for a in person} for person in answer["people"]]
    if len(gold) == 1:  # one person: the first one named
        return bool(got) and _person_in(gold[0], got[0])
    if answer.get("ordered", True):
        return len(got) >= len(gold) and all(_person_in(g, p) for g, p in zip(gold, got))
    return len(got) == len(gold) and all(any(_person_in(g, p) for p in got) for g in gold)


def right(answer: dict, result: dict) -> bool:
    """Whether a structured result gives the writer's answer."""
    if not result or result.get("refused"):
        return False
    if "people" in answer:
        return _people_right(answer, result.get("people") or [])
    if "count" in answer:
        return "people" not in result and result.get("count") == answer["count"]
    if "date" in answer:
        return result.get("date") == answer["date"]
    if "month" in answer:
        return (result.get("month") or result.get("date") or "")[:7] == answer["month"]
    if "files" in answer:
        return sorted(f.lower() for f in answer["files"]) == sorted(f.lower() for f in result.get("files", []))
    return False


def run(db: str, rows: list[dict], show: bool) -> list[dict]:
    from archivist.agent.ask import ask
    from archivist.config import load_settings
    from archivist.store import Store
    settings = load_settings(cli={"db": db, "llm": "echo"})
    out = []
    with Store(db) as store:
        for i, q in enumerate(rows, 1):
            print(f"\r{i}/{len(rows)} questions", end="", file=sys.stderr, flush=True)  # never silent for long
            start = time.perf_counter()
            try:
                res = ask(store, settings, q["question"], log=False)
                result, text, strategy = res.result, res.answer, res.strategy
            except Exception as exc:  # a crash is a wrong answer, and is shown
                result, text, strategy = {}, f"ERROR {type(exc).__name__}: {exc}", ""
            ok = any(right(a, result) for a in [q["answer"], *(q.get("alt") or [])])
            row = {"id": q["id"], "kind": q["kind"], "correct": ok, "refused": bool(result.get("refused")),
                   "confidently_wrong": not ok and strategy == "query" and bool(result) and not result.get("refused"),
                   "strategy": strategy, "seconds": round(time.perf_counter() - start, 3)}
            if show:  # the tune half only: its questions, answers and ours
                row.update(question=q["question"], gold=q["answer"], result=result, answer=text[:400])
            out.append(row)
    print(file=sys.stderr)
    return out


def summarise(rows: list[dict]) -> dict:
    per = defaultdict(list)
    for r in rows:
        per[r["kind"]].append(r["correct"])
    secs = [r["seconds"] for r in rows if r["strategy"] == "query"]
    return {"n": len(rows), "accuracy": {k: round(sum(v) / len(v), 3) for k, v in sorted(per.items())},
            "correct": {k: f"{sum(v)}/{len(v)}" for k, v in sorted(per.items())},
            "confidently_wrong": sum(r["confidently_wrong"] for r in rows),
            "refused": sum(r["refused"] for r in rows),
            "median_seconds_metadata": statistics.median(secs) if secs else None,
            "max_seconds_metadata": max(secs, default=None)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("half", choices=("tune", "held", "v2_tune", "v2_held", "v3_tune", "v3_held", "v4_tune", "v4_held"))
    ap.add_argument("--db", default="/tmp/enron.db")
    ap.add_argument("--only", default="")
    ap.add_argument("--show", action="store_true", help="print each question and answer (a half already run once)")
    args = ap.parse_args()
    rows = [json.loads(line) for line in (QUESTIONS / f"enron_blind_{args.half}.jsonl").open()]
    if args.only:
        rows = [q for q in rows if q["id"] in args.only.split(",")]
    results = run(args.db, rows, show=args.half.endswith("tune") or args.show)
    report = {"half": args.half, "db": args.db, **summarise(results), "load_average": os.getloadavg()[0]}
    out = ROOT / "bench" / "results" / f"blind_questions_{args.half}.json"
    out.write_text(json.dumps({**report, "rows": results}, indent=1, default=str))
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
