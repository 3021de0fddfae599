"""Benchmark: searchable fast, complete soon, on whole Enron (mbox + maildir), as a user runs it.

Steps (each records the load average before and after; whole processes, like a user's shell):
- bm25:    `archivist ingest --no-embed` into a fresh database, --bm25-runs times: the median wall
           time to BM25-searchable;
- embed:   `archivist index embed` with the --embedder (default minilm) and --scope (default auto:
           lead vectors on a CPU): wall time to fully hybrid-searchable, vectors/s, and messages/s
           end to end (ingest + embed);
- speed:   texts/s of each embedder and scope on the same 1,024 Enron chunks (length-sorted);
- search:  `archivist search` hybrid and bm25, --runs whole processes each: median wall, peak RSS.
Search quality is an eval task: `archivist eval run hotpot-retrieval` (and `search-enron`).
Usage: python bench/embed_pass.py [--steps bm25,embed,speed,search] [--workdir DIR]
Prints one JSON object; writes bench/results/embed_pass.json and embed_pass.png.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = Path(os.environ.get("ARCHIVIST_SHARED_DATA", ROOT.parent / "shared" / "data"))
SOURCES = [DATA / "enron" / "mbox", DATA / "enron" / "maildir"]
QUERIES = ["gas prices in california", "meeting about the pipeline contract",
           "power trading losses", "who approved the budget", "natural gas storage report"]


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


CPU = [0.0]  # CPU seconds of the last `cli` process
ENV = [{}]  # the embedder and scope every step runs with (--embedder, --scope)


def cli(args: list[str], env: dict | None = None) -> tuple[float, int, str, str, int]:
    """(wall s, exit code, stdout, stderr, peak RSS KB) of one `archivist` process."""
    import tempfile
    full = {**os.environ, "PYTHONPATH": str(ROOT), "ARCHIVIST_CONFIG": "", **(env or {})}
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "archivist", *args], env=full,
                                stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        CPU[0] = usage.ru_utime + usage.ru_stime  # the child's own CPU seconds (load-independent)
        return wall, proc.returncode, out.read(), err.read(), usage.ru_maxrss


def timed(args: list[str], env: dict | None = None) -> dict:
    before = load()
    wall, rc, out, err, _ = cli(args, env)
    if rc != 0:
        raise SystemExit(f"archivist {' '.join(args)} failed ({rc}): {err[-2000:]}")
    return {"wall_s": round(wall, 1), "cpu_s": round(CPU[0], 1), "load_before": before, "load_after": load(), "stdout": out,
            "stderr": err}


def step_bm25(db: Path, runs: int = 1) -> dict:
    """`ingest --no-embed` into a fresh database `runs` times (the last one is kept for the
    embed step); the median run is the time to BM25-searchable."""
    done = []
    for _ in range(runs):
        for p in db.parent.glob(db.name + "*"):
            p.unlink()
        r = timed(["ingest", "--no-embed", "--json", "-d", str(db), *map(str, SOURCES)])
        summary = json.loads(r.pop("stdout").splitlines()[-1])
        bm25_s = re.search(r"BM25-searchable \(([\d.]+) s\)", r.pop("stderr"))
        done.append({**r, "store_seconds": summary["seconds"],
                     "chunk_fts_seconds": float(bm25_s.group(1)) if bm25_s else None})
        print("bm25 run", done[-1], file=sys.stderr, flush=True)
    mid = sorted(done, key=lambda d: d["wall_s"])[len(done) // 2]
    return {**mid, "read": summary["read"], "documents": summary["documents"],
            "time_to_bm25_searchable_s": mid["wall_s"], "runs": done,
            "walls": [d["wall_s"] for d in done]}


def step_embed(db: Path, embedder: str, bm25: dict | None) -> dict:
    r = timed(["index", "embed", "--json", "-d", str(db)], ENV[0])
    result = json.loads(r.pop("stdout"))
    r.pop("stderr")
    out = {**r, "embedder": result.get("embedder", embedder), "index": result}
    if bm25:
        total = bm25["wall_s"] + r["wall_s"]
        out.update({"time_to_fully_hybrid_s": round(total, 1),
                    "messages_per_s_end_to_end": round(bm25["read"] / total, 1)})
    return out


def step_speed(db: Path, n: int = 1024) -> dict:
    """chunks/s of each embedder on the same chunks (header + text, as indexed)."""
    import sqlite3
    from archivist.backends.embedders import load_embedder
    from archivist.backends.settings import EmbeddingSettings
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    texts = [f"{h}\n{t}" if h else t for h, t in conn.execute(
        "SELECT header, text FROM chunks ORDER BY id LIMIT ? OFFSET 5000", (n,))]
    conn.close()
    texts.sort(key=len)
    out = {"chunks": len(texts), "mean_chars": round(sum(map(len, texts)) / len(texts))}
    for name, scope in (("minilm-static", "chunks"), ("minilm", "chunks"), ("minilm", "lead")):
        emb = load_embedder(EmbeddingSettings(embedder=name, embed_scope=scope))
        name = f"{name} ({scope})"
        emb.embed(texts[:32])
        before, t0 = load(), time.perf_counter()
        emb.embed(texts)
        secs = time.perf_counter() - t0
        out[name] = {"name": emb.name, "chunks_per_s": round(len(texts) / secs, 1),
                     "load_before": before, "load_after": load()}
        print(name, out[name], file=sys.stderr, flush=True)
    return out


def step_search(db: Path, embedder: str, runs: int) -> dict:
    out = {}
    for mode in ("hybrid", "bm25"):
        walls, cpus = [], []
        before = load()
        cli(["search", QUERIES[0], "--mode", mode, "-d", str(db)], ENV[0])
        for i in range(runs):
            wall, rc, _, err, _ = cli(["search", QUERIES[i % len(QUERIES)], "--mode", mode,
                                          "-d", str(db)], ENV[0])
            if rc not in (0, 1):  # 1: no hits, like grep
                raise SystemExit(f"search failed ({rc}): {err[-2000:]}")
            walls.append(wall)
            cpus.append(CPU[0])
        out[mode] = {"median_wall_s": round(statistics.median(walls), 3),
                     "walls": [round(w, 3) for w in walls],
                     "median_cpu_s": round(statistics.median(cpus), 3),
                     "load_before": before, "load_after": load()}
        print(mode, out[mode], file=sys.stderr, flush=True)
    return out


def plot(result: dict, path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    if "bm25" in result and "embed" in result:
        b, e = result["bm25"], result["embed"]
        axes[0].barh(["BM25-searchable", "fully hybrid"], [b["wall_s"], e["time_to_fully_hybrid_s"]],
                     color=["#4c72b0", "#55a868"])
        axes[0].set_xlabel("seconds, whole Enron (%s)" % e["embedder"])
        axes[0].set_title("time to searchable (load %s)" % b["load_before"][0])
    if "speed" in result:
        names = [k for k in result["speed"] if isinstance(result["speed"][k], dict)]
        axes[1].bar([n.replace(" (", "\n(") for n in names],
                    [result["speed"][k]["chunks_per_s"] for k in names], color="#c44e52")
        axes[1].set_yscale("log")
        axes[1].set_ylabel("texts/s, 2 cores (log)")
        axes[1].set_title("embedding speed")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", default="bm25,embed,speed,search")
    ap.add_argument("--embedder", default="minilm")
    ap.add_argument("--scope", default="auto", choices=["auto", "chunks", "lead"])
    ap.add_argument("--workdir", default="/tmp/archivist-embed-pass")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--bm25-runs", type=int, default=5, help="ingest runs; the median is reported")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "embed_pass.json"))
    args = ap.parse_args()
    ENV[0] = {"ARCHIVIST_EMBEDDER": args.embedder, "ARCHIVIST_EMBED_SCOPE": args.scope}
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    db = workdir / "enron.db"
    out_path = Path(args.out)
    result = json.loads(out_path.read_text()) if out_path.exists() else {}
    result.update({"machine": f"{os.cpu_count()} cpu", "load_start": load()})
    for step in args.steps.split(","):
        t0 = time.perf_counter()
        if step == "bm25":
            result[step] = step_bm25(db, args.bm25_runs)
        elif step == "embed":
            result[step] = step_embed(db, args.embedder, result.get("bm25"))
        elif step == "speed":
            result[step] = step_speed(db)
        elif step == "search":
            result[step] = step_search(db, args.embedder, args.runs)
        result[step]["step_seconds"] = round(time.perf_counter() - t0, 1)
        print(step, json.dumps(result[step])[:600], file=sys.stderr, flush=True)
        out_path.parent.mkdir(parents=True, exist_ok=True)
        out_path.write_text(json.dumps(result, indent=1) + "\n")
    result["load_end"] = load()
    out_path.write_text(json.dumps(result, indent=1) + "\n")
    plot(result, out_path.with_suffix(".png"))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
