"""Answer latency and decode speed of the default model (SmolLM2-135M-Instruct) on each CPU runtime,
side by side on the same prompts, with the load average before and after each run.

  python bench/latency.py runtimes [--threads 1]     # prefill/decode/first token/RSS/load per engine
  python bench/latency.py demo --db .demo/demo.db    # make demo's questions, one warm process each
  python bench/latency.py plot                       # the PNG from the JSON
  python bench/latency.py all --db .demo/demo.db

runtimes: bench/backends.py default (a 512-token prompt, 32 forced decode steps) for transformers and
onnxruntime-genai, each in a fresh process (peak RSS per engine); llama.cpp's row is copied from
bench/results/backends_default_cpu.json (llama-cpp-python compiles for ~8 min; not rebuilt here).
demo: archivist.demo's three questions through `ask` in one process per runtime, after the model is
warm (loaded, one question answered), with ask's timings breakdown; with --cold, each question once
more as a whole `archivist ask --json` command (Enter to answer, a fresh process).
Wall times on a shared 2-core machine stretch with its load: CPU-time figures are given beside them.
Writes bench/results/latency_cpu.json and latency_cpu.png.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
OUT = RESULTS / "latency_cpu.json"
RUNTIMES = ("onnx", "transformers")


def _python_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "ARCHIVIST_CONFIG": ""}


def _last_json(stdout: str) -> dict:
    return json.loads(stdout.strip().splitlines()[-1])


def runtimes(threads: int, prompt_tokens: int, new_tokens: int) -> list[dict]:
    rows = []
    for engine in ("transformers", "onnx"):
        before = os.getloadavg()
        cmd = [sys.executable, str(ROOT / "bench" / "backends.py"), "default", "--engine", engine,
               "--prompt-tokens", str(prompt_tokens), "--new-tokens", str(new_tokens),
               "--threads", str(threads)]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=_python_env())
        row = _last_json(proc.stdout) if proc.returncode == 0 else {
            "engine": engine, "error": (proc.stderr.strip().splitlines() or ["?"])[-1][:300]}
        row.update(load_avg_before=before, load_avg_after=os.getloadavg())
        print(json.dumps(row), file=sys.stderr, flush=True)
        rows.append(row)
    earlier = json.loads((RESULTS / "backends_default_cpu.json").read_text())
    for row in earlier["results"]:
        if row["engine"] == "llama-cpp-python" and row["threads"] == threads:
            rows.append({**row, "source": "bench/results/backends_default_cpu.json (earlier run)"})
    return rows


def _first_output(t: dict) -> float:
    """When the answer's first word could show: the first model token, or the whole answer when no
    model wrote (an exact count is printed at once)."""
    return t["first_token_s"] if t.get("first_token_s") is not None else t["total_s"]


def demo_one(runtime: str, db: str, threads: int) -> dict:
    """The demo questions in this process, after a warm-up question (model and embedder loaded)."""
    import resource
    sys.path.insert(0, str(ROOT))
    from archivist.agent.ask import ask
    from archivist.answering.model import Model
    from archivist.config import Settings
    from archivist.demo import QUESTIONS
    from archivist.store import Store
    settings = Settings().replace(db=db, runtime=runtime, threads=threads)
    rows = []
    with Store(db) as store:
        model = Model(settings)
        start = time.perf_counter()
        warm = ask(store, settings, QUESTIONS[0], llm=model, log=False)
        warm_s = time.perf_counter() - start
        for question in QUESTIONS:
            cpu = time.process_time()
            r = ask(store, settings, question, llm=model, log=False)
            rows.append({"question": question, "answered_by": str(r.answered_by), "check": r.check,
                         "strategy": str(r.strategy), "tokens_in": r.tokens_in,
                         "tokens_out": r.tokens_out, "citations": len(r.citations),
                         "answer": r.answer[:400], "timings": r.timings,
                         "cpu_s": round(time.process_time() - cpu, 2),
                         "decode_ms_per_token": round(1000 * r.timings["decode_s"] / r.tokens_out, 1)
                         if r.tokens_out > 1 else None})
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    firsts = [_first_output(r["timings"]) for r in rows]
    model_firsts = [r["timings"]["first_token_s"] for r in rows if r["timings"]["first_token_s"]]
    return {"runtime": runtime, "model": model.name, "threads": threads,
            "warm_up_s": round(warm_s, 2), "warm_up_timings": warm.timings,
            "median_first_output_s": round(statistics.median(firsts), 3),
            "median_first_model_token_s": round(statistics.median(model_firsts), 3)
            if model_firsts else None,
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "questions": rows}


def cold_ask(runtime: str, db: str, threads: int, question: str) -> dict:
    """One whole `archivist ask --json` process: Enter to answer, as a user at a shell sees it."""
    env = {**_python_env(), "ARCHIVIST_RUNTIME": runtime, "ARCHIVIST_THREADS": str(threads)}
    before, start = os.getloadavg(), time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "archivist", "ask", "-d", db, question, "--json"],
                          capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        return {"question": question, "error": (proc.stderr.strip().splitlines() or ["?"])[-1][:300]}
    out = _last_json(proc.stdout)
    return {"question": question, "wall_s": round(wall, 2), "timings": out["timings"],
            "answered_by": out["answered_by"], "load_avg_before": before,
            "load_avg_after": os.getloadavg()}


def demo(db: str, threads: int, cold: bool = False) -> list[dict]:
    from archivist.demo import QUESTIONS
    rows = []
    for runtime in RUNTIMES:
        before = os.getloadavg()
        cmd = [sys.executable, __file__, "demo-one", "--runtime", runtime, "--db", db,
               "--threads", str(threads)]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=_python_env())
        row = _last_json(proc.stdout) if proc.returncode == 0 else {
            "runtime": runtime, "error": (proc.stderr.strip().splitlines() or ["?"])[-1][:300]}
        row.update(load_avg_before=before, load_avg_after=os.getloadavg())
        if cold:
            row["cold"] = [cold_ask(runtime, db, threads, q) for q in QUESTIONS]
        print(json.dumps({k: v for k, v in row.items() if k != "questions"}), file=sys.stderr,
              flush=True)
        rows.append(row)
    return rows


def _save(key: str, value) -> dict:
    report = json.loads(OUT.read_text()) if OUT.exists() else {"bench": "latency"}
    report[key] = value
    report["env"] = {"cpu_count": os.cpu_count(), "python": sys.version.split()[0]}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(report, indent=1) + "\n")
    return report


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("cmd", choices=["runtimes", "demo", "demo-one", "plot", "all"])
    ap.add_argument("--db", default=str(ROOT / ".demo" / "demo.db"))
    ap.add_argument("--runtime", default="onnx", choices=RUNTIMES)
    ap.add_argument("--threads", type=int, default=1, help="CPU threads of the model (both runtimes)")
    ap.add_argument("--prompt-tokens", type=int, default=512)
    ap.add_argument("--new-tokens", type=int, default=32)
    ap.add_argument("--cold", action="store_true", help="demo: each question also as a whole "
                    "`archivist ask --json` process")
    args = ap.parse_args(argv)
    if args.cmd == "demo-one":
        print(json.dumps(demo_one(args.runtime, args.db, args.threads)))
        return
    if args.cmd in ("runtimes", "all"):
        _save("runtimes", runtimes(args.threads, args.prompt_tokens, args.new_tokens))
    if args.cmd in ("demo", "all"):
        _save("demo", demo(args.db, args.threads, args.cold))
    from latency_plot import plot
    plot(json.loads(OUT.read_text()), OUT.with_suffix(".png"))
    print(OUT.read_text())


if __name__ == "__main__":
    main()
