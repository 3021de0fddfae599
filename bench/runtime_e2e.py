"""The default model's two runtimes end to end on whole-Enron content questions: `archivist ask`
as a user runs it (a new process per question, rag), transformers and onnxruntime-genai taking turns
question by question so load drift hits both. Questions: "what did SENDER write about SUBJECT?"
for random e-mails with a body (the search-enron sample, seeded); per answer: wall seconds, whether
the model's answer was kept (not replaced by quotes), whether it cites the e-mail asked about.
Prints one JSON object and writes it to bench/results/runtime_e2e.json.

    python bench/runtime_e2e.py --db ENRON.db --n 8
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def questions(db: str, n: int, seed: int) -> list[dict]:
    from archivist.evals.tasks.search_enron import sample_docs
    from archivist.store import Store
    with Store(db, readonly=True) as store:
        docs = sample_docs(store, n, seed, "AND sender_name != '' AND length(body) > 200 AND title != ''")
    return [{"q": f"What did {d['sender_name']} write about {d['title']}?", "gold": d["id"]} for d in docs]


def ask(db: str, runtime: str, q: dict) -> dict:
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "archivist", "-d", db, "--runtime", runtime, "ask", q["q"],
                          "--strategy", "rag", "--json", "-y"], capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - t0
    row = next((json.loads(x) for x in out.stdout.splitlines() if x.startswith("{")), {})
    cited = {c.get("doc_id") for c in row.get("citations", [])}
    return {"runtime": runtime, "q": q["q"], "seconds": round(seconds, 1), "exit": out.returncode,
            "model_answer_kept": row.get("answered_by") in ("llm", "llm+state", "digest+llm"), "answered_by": row.get("answered_by"),
            "cites_the_email": q["gold"] in cited, "tokens_out": row.get("tokens_out")}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--n", type=int, default=8)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--runtimes", default="transformers,onnx")
    ap.add_argument("--out", default=str(ROOT / "bench/results/runtime_e2e.json"))
    args = ap.parse_args()
    runtimes = args.runtimes.split(",")
    load_before = os.getloadavg()
    rows = []
    for i, q in enumerate(questions(args.db, args.n, args.seed)):
        for runtime in (runtimes if i % 2 == 0 else runtimes[::-1]):  # A B, B A, ...
            rows.append(ask(args.db, runtime, q))
            print(json.dumps(rows[-1]), file=sys.stderr)
    summary = {}
    for runtime in runtimes:
        mine = [r for r in rows if r["runtime"] == runtime]
        secs = sorted(r["seconds"] for r in mine)
        summary[runtime] = {"questions": len(mine), "median_seconds": secs[len(secs) // 2],
                            "total_seconds": round(sum(secs), 1),
                            "model_answer_kept": sum(r["model_answer_kept"] for r in mine),
                            "cites_the_email": sum(r["cites_the_email"] for r in mine)}
    result = {"bench": "runtime_e2e", "db": Path(args.db).name, "seed": args.seed, "cpus": os.cpu_count(),
              "load_before": [round(x, 2) for x in load_before],
              "load_after": [round(x, 2) for x in os.getloadavg()], "summary": summary, "rows": rows}
    Path(args.out).write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps({k: v for k, v in result.items() if k != "rows"}))


if __name__ == "__main__":
    main()
