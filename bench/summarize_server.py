"""`summarize` fanned out to a real OpenAI-compatible server on loopback (llama.cpp's llama-server,
built by `make serve-llm`, serving the bundled SmolLM2 GGUF with continuous batching): the same
archive summarised with the model writing (--writer model) at each --concurrency, from a fresh copy
of the database and a fresh server each time (a warm server answers a repeated prompt from its KV
cache, which made every level after the first look 3x faster). Prints one JSON object (and writes it and a PNG to bench/results/):
per concurrency the wall seconds, messages/s, model calls, sentences checked and passed, and the
most requests the server itself reported processing at once (its /slots endpoint, polled).

    python bench/summarize_server.py --db three.db --server .serve/build/bin/llama-server
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SLOT_CTX = 4096  # tokens of context per server slot; archivist is told the same window


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gguf() -> str:
    sys.path.insert(0, str(ROOT))
    from archivist.backends.registry import find_smollm2_gguf
    return str(find_smollm2_gguf())


def start(server: str, port: int, slots: int, threads: int, log: Path) -> subprocess.Popen:
    cmd = [server, "-m", gguf(), "--host", "127.0.0.1", "--port", str(port), "--parallel", str(slots),
           "--ctx-size", str(slots * SLOT_CTX), "--threads", str(threads), "--metrics", "--slots"]
    proc = subprocess.Popen(cmd, stdout=log.open("w"), stderr=subprocess.STDOUT)
    for _ in range(600):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"llama-server did not come up; see {log}")


class SlotWatch(threading.Thread):
    """Polls the server's /slots: the most slots processing at once, from the server's side."""

    def __init__(self, port: int):
        super().__init__(daemon=True)
        self.port, self.most, self.stop = port, 0, threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/slots", timeout=2) as r:
                    busy = sum(1 for s in json.load(r) if s.get("is_processing"))
                self.most = max(self.most, busy)
            except OSError:
                pass
            time.sleep(0.1)


def summarise(db: Path, port: int, concurrency: int, by: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "s.db"
        shutil.copy(db, copy)
        watch = SlotWatch(port)
        watch.start()
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, "-m", "archivist", "-d", str(copy), "--llm", "openai",
                              "--base-url", f"http://127.0.0.1:{port}/v1", "--model", "smollm2", "summarize", "--by", by, "--writer", "model",
                              "--concurrency", str(concurrency), "--json"],
                             capture_output=True, text=True, cwd=ROOT,
                             env={**os.environ, "ARCHIVIST_CONTEXT_WINDOW": str(SLOT_CTX)})
        seconds = time.perf_counter() - t0
        watch.stop.set()
    if out.returncode != 0:
        raise SystemExit(out.stderr[-2000:])
    rows = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    totals = rows[-1]["totals"]
    messages = sum(r.get("n_docs", 0) for r in rows[:-1])
    return {"concurrency": concurrency, "seconds": round(seconds, 1), "messages": messages,
            "messages_per_s": round(messages / seconds, 3), "llm_calls": totals["llm_calls"],
            "tokens_in": totals["tokens_in"], "tokens_out": totals["tokens_out"],
            "sentences_checked": totals["sentences_checked"], "sentences_passed": totals["sentences_passed"],
            "server_most_in_flight": watch.most}


def plot(result: dict, path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    xs = [r["concurrency"] for r in result["runs"]]
    fig, ax = plt.subplots(figsize=(5, 3.2))
    ax.plot(xs, [r["messages_per_s"] for r in result["runs"]], marker="o")
    ax.set_xscale("log", base=2)
    ax.set_xticks(xs, [str(x) for x in xs])
    ax.set_xlabel("--concurrency (requests in flight)")
    ax.set_ylabel("messages / s")
    ax.set_ylim(bottom=0)
    ax.set_title(f"summarize via llama-server, {result['cpus']} CPUs", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", required=True, type=Path, help="an archivist database to summarise (copied)")
    ap.add_argument("--server", default=str(ROOT / ".serve/build/bin/llama-server"))
    ap.add_argument("--concurrency", default="1,2,4,8")
    ap.add_argument("--by", default="mailbox")
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 2, help="server threads")
    ap.add_argument("--out", default=str(ROOT / "bench/results/summarize_server"))
    ap.add_argument("--replot", action="store_true", help="redraw the PNG from the JSON only")
    args = ap.parse_args()
    if args.replot:
        return plot(json.loads(Path(args.out + ".json").read_text()), Path(args.out + ".png"))
    levels = [int(x) for x in args.concurrency.split(",")]
    load_before = os.getloadavg()
    runs = []
    for c in levels:  # a fresh server per level: a warm one answers repeated prompts from its cache
        port = free_port()
        proc = start(args.server, port, max(levels), args.threads, Path(f"{args.out}.server-c{c}.log"))
        try:
            runs.append(summarise(args.db, port, c, args.by))
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    base = runs[0]["messages_per_s"] or 1e-9
    result = {"bench": "summarize_server", "engine": "llama.cpp llama-server (continuous batching, "
              f"--parallel {max(levels)}, {SLOT_CTX} tokens per slot)", "model": Path(gguf()).name,
              "by": args.by, "cpus": os.cpu_count(), "server_threads": args.threads,
              "load_before": [round(x, 2) for x in load_before],
              "load_after": [round(x, 2) for x in os.getloadavg()], "runs": runs,
              "speedup_best": round(max(r["messages_per_s"] for r in runs) / base, 2),
              "same_grounding": len({(r["sentences_checked"], r["sentences_passed"]) for r in runs}) == 1}
    Path(args.out + ".json").write_text(json.dumps(result, indent=1) + "\n")
    plot(result, Path(args.out + ".png"))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
