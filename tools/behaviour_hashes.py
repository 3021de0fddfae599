"""Hashes of what archivist answers, to show a restructure changed no behaviour.

    python tools/behaviour_hashes.py [--enron /work/enron.db] [--only demo,summarize,smoke,paraphrase]

Runs the real command line (`python -m archivist`) from the checkout it sits in, so the same script
hashes the code before and after a move of modules: the three `make demo` answers, `summarize` of the
demo mailbox, the eval smoke suite's rows, and, given a whole-Enron database, both halves of the
generated question sets (seeds 101 and 131, 8 per template). Timings, dates of the run and paths are
left out of every hash. Prints one JSON object.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "archivist" / "demo_data"
QUESTIONS = [
    "Which room is the Q2 planning offsite in, and on which day?",
    "How many emails did maria.chen@northwind-energy.com send in April 2024?",
    "Summarise the crane rental negotiation with Bay Crane.",
]
TIMING = {"seconds", "elapsed", "took", "timing", "timings", "run_id", "created_at", "started_at",
          "finished_at", "load_before", "load_after", "peak_mb", "hardware", "db", "path", "tokens_per_s"}


def cli(*args: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    res = subprocess.run([sys.executable, "-m", "archivist", *args], capture_output=True, text=True,
                         env=env, cwd=ROOT)
    if res.returncode not in (0, 1):
        raise SystemExit(f"archivist {' '.join(args)} exited {res.returncode}: {res.stderr[-2000:]}")
    return res.stdout


def strip(value):
    """The value without timing or run-specific keys, at any depth."""
    if isinstance(value, dict):
        return {k: strip(v) for k, v in sorted(value.items()) if k not in TIMING}
    if isinstance(value, list):
        return [strip(v) for v in value]
    return value


def digest(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()[:16]


def json_lines(text: str) -> list:
    return [strip(json.loads(line)) for line in text.splitlines() if line.strip().startswith("{")]


def demo_db(work: Path) -> str:
    db = str(work / "demo.db")
    cli("ingest", "-d", db, str(DEMO))
    return db


def demo_answers(db: str) -> dict:
    answers = [json_lines(cli("ask", "-d", db, "--json", q)) for q in QUESTIONS]
    return {"hash": digest(answers), "answers": [a[-1].get("answer", "")[:200] if a else "" for a in answers]}


def summarize(db: str) -> dict:
    lines = json_lines(cli("summarize", "-d", db, "--by", "thread", "--json"))
    return {"hash": digest(lines), "lines": len(lines)}


def smoke(work: Path) -> dict:
    results = work / "smoke.db"
    cli("eval", "run", "smoke", "--results", str(results))
    con = sqlite3.connect(results)
    cols = "example_id, strategy, model, question, gold, answer, chosen, score, scores, tokens_in, tokens_out"
    rows = con.execute(f"SELECT task, {cols} FROM eval_results ORDER BY 1, 2, 3, 4").fetchall()
    return {"hash": digest(rows), "rows": len(rows)}


def paraphrase(enron: str, seed: int, work: Path) -> dict:
    """The paraphrase eval task (`archivist eval run probes --variant paraphrase`) per half."""
    results = work / f"paraphrase_{seed}.db"
    subprocess.run([sys.executable, "-m", "archivist", "eval", "run", "probes", "--variant", "paraphrase",
                    "--strategies", "auto", "--data", enron, "--seed", str(seed), "--results", str(results)],
                   check=True, capture_output=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=ROOT)
    con = sqlite3.connect(results)
    rows = con.execute("SELECT question, answer, chosen, score, json_extract(meta, '$.half') FROM eval_results "
                       "ORDER BY id").fetchall()
    con.close()
    halves = {}
    for half in ("tune", "held"):
        kept = [[q, a, c, bool(s)] for q, a, c, s, h in rows if h == half]
        halves[half] = {"hash": digest(kept), "n": len(kept), "correct": sum(r[3] for r in kept)}
    return halves


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--enron", default="")
    ap.add_argument("--only", default="demo,summarize,smoke,paraphrase")
    args = ap.parse_args()
    only = set(args.only.split(","))
    out: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if only & {"demo", "summarize"}:
            db = demo_db(work)
            if "demo" in only:
                out["demo_answers"] = demo_answers(db)
            if "summarize" in only:
                out["summarize_demo"] = summarize(db)
        if "smoke" in only:
            out["eval_smoke"] = smoke(work)
        if "paraphrase" in only and args.enron:
            for seed in (101, 131):
                out[f"paraphrase_seed{seed}"] = paraphrase(args.enron, seed, work)
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
