"""Search over a store embedded through an embedding server on loopback against the same store
embedded in process: issue 28's check that a server changes no search result.

The store (whole Enron, say) is copied twice without its vectors; one copy is embedded by
`archivist index embed` in process (MiniLM fp32), the other with `--embedder-url` through a server
on loopback serving the same model, its vectors named as in-process fp32's (`embedder_model`, the
user's claim that it is the same model). `--server llama` (the default): llama.cpp's llama-server on
the f32 GGUF of `make serve-embedder`; `--server infinity`: infinity-emb's torch engine on the
package's own files (`make serve-embedder-infinity`), sentence-transformers as in process. Then the same queries are
searched in process over each copy (hybrid and dense, top 10): the share of queries whose ten
results are the same chunks in the same order, and the embedding pass's seconds for each. Then
the server's throughput with 1, 4 and 8 requests in flight (bench/embed_server.py's measure).
Prints one JSON object and writes bench/results/embed_server_search.json (llama) or
embed_server_search_infinity.json (infinity).

    python bench/embed_server_search.py --db /work/enron.db --queries 100 --work /tmp/ess
    python bench/embed_server_search.py --db /work/enron.db --queries 100 --server infinity
"""
from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from embed_server import chunks, free_port, in_process, served, start, start_infinity  # noqa: E402

MODEL = "all-MiniLM-L6-v2@fp32"  # what the server's vectors are named: the model it serves


def say(what: str) -> None:
    """A stage on stderr: each embedding pass takes minutes to an hour on a loaded 2-core machine."""
    print(f"{time.strftime('%H:%M:%S')} {what}", file=sys.stderr, flush=True)


def bare_copy(src: Path, dest: Path) -> Path:
    """`src` copied to `dest` (SQLite's backup: consistent while others read it) without vectors."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    for p in dest.parent.glob(dest.name + "*"):
        p.unlink()
    with sqlite3.connect(f"file:{src.resolve()}?mode=ro", uri=True) as a, sqlite3.connect(dest) as b:
        a.backup(b)
    with sqlite3.connect(dest) as b:
        b.execute("DELETE FROM vectors")
        b.execute("DELETE FROM index_meta WHERE key = 'embed_checks_model'")
    return dest


def embed(db: Path, env: dict, *flags: str) -> dict:
    """`archivist index embed` on `db` in a fresh process (its progress goes to this stderr): its
    JSON summary and wall seconds."""
    cmd = [sys.executable, "-m", "archivist", "-y", *flags, "-d", str(db), "index", "embed", "--json"]
    say(f"index embed {db} {' '.join(flags)}")
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT), "ARCHIVIST_CONFIG": "", **env})
    if proc.returncode:
        raise SystemExit(f"index embed failed on {db} (exit {proc.returncode}; its stderr is above)")
    return {**json.loads(proc.stdout.strip().splitlines()[-1]), "wall_s": round(time.perf_counter() - t0, 1)}


def queries(db: Path, n: int) -> list[str]:
    """`n` subjects spread over the store (every k-th email with a subject of 3+ words): what
    people search for, in the archive's own words."""
    conn = sqlite3.connect(f"file:{db.resolve()}?mode=ro", uri=True)
    rows = [r[0] for r in conn.execute("SELECT DISTINCT title FROM documents WHERE length(title) > 12 "
                                       "AND title NOT LIKE 'RE:%' AND title NOT LIKE 'FW%' ORDER BY id")]
    conn.close()
    rows = [t for t in rows if len(t.split()) >= 3]
    step = max(1, len(rows) // n)
    return rows[::step][:n]


def top10(db: Path, qs: list[str], mode: str) -> list[list[int]]:
    from archivist.config import load_settings
    from archivist.retrieval.search import search
    from archivist.store import Store
    settings = load_settings(cli={"db": str(db), "llm": "echo", "embed_precision": "fp32",
                                  "embed_scope": "lead"})
    with Store(db, readonly=True) as store:
        return [[h.chunk_id for h in search(store, settings, q, k=10, mode=mode)] for q in qs]


def server_info(args) -> dict:
    """What served the vectors: llama-server's slots, or infinity-emb's version and batch size."""
    if args.server == "llama":
        return {"server_slots": args.slots}
    py = Path(args.infinity).with_name("python")
    versions = subprocess.run([str(py), "-c", "from importlib.metadata import version as v; import json; print(json.dumps("
                               "{p: v(p) for p in ('infinity-emb', 'torch', 'sentence-transformers', 'transformers')}))"],
                              capture_output=True, text=True)
    return {"server_batch": args.infinity_batch,
            "server_versions": json.loads(versions.stdout) if versions.returncode == 0 else None}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", type=Path, default=Path("/work/enron.db"), help="an indexed store (copied)")
    ap.add_argument("--work", type=Path, default=Path("/tmp/embed-server-search"))
    ap.add_argument("--queries", type=int, default=100)
    ap.add_argument("--server", choices=("llama", "infinity"), default="llama")
    ap.add_argument("--llama-server", default=str(ROOT / ".serve/build/bin/llama-server"))
    ap.add_argument("--gguf", default=str(ROOT / ".serve/all-MiniLM-L6-v2-f32.gguf"))
    ap.add_argument("--slots", type=int, default=8, help="llama-server --parallel")
    ap.add_argument("--infinity", default=str(ROOT / ".serve/infinity/bin/infinity_emb"))
    ap.add_argument("--infinity-batch", type=int, default=32, help="infinity_emb --batch-size")
    ap.add_argument("--inflight", default="1,4,8")
    ap.add_argument("--n", type=int, default=200, help="chunks for the throughput runs")
    ap.add_argument("--out", help="default bench/results/embed_server_search[_infinity].json")
    args = ap.parse_args()
    args.out = args.out or str(ROOT / "bench/results" / ("embed_server_search.json" if args.server == "llama"
                                                          else f"embed_server_search_{args.server}.json"))
    load_before = [round(x, 2) for x in os.getloadavg()]
    say(f"copying {args.db} twice without vectors")
    local, remote = (bare_copy(args.db, args.work / name / "a.db") for name in ("local", "server"))
    common = {"ARCHIVIST_EMBED_SCOPE": "lead", "ARCHIVIST_EMBED_PRECISION": "fp32"}
    port = free_port()
    log = Path(args.out).with_suffix(".log")
    if args.server == "llama":
        proc = start(args.llama_server, args.gguf, port, args.slots, os.cpu_count() or 2, 512, log)
    else:
        from archivist.backends.embedders import minilm_path
        proc = start_infinity(args.infinity, str(minilm_path()), port, log, args.infinity_batch)
    try:
        url = f"http://127.0.0.1:{port}/v1"
        by_server = embed(remote, {**common, "ARCHIVIST_EMBEDDER_MODEL": MODEL}, "--embedder-url", url)
        in_proc = embed(local, common)
        texts = chunks(local, args.n)
        say(f"throughput: {len(texts)} chunks at {args.inflight} requests in flight")
        local_run, ref = in_process(texts, "fp32", 64)
        throughput = [served(texts, url, int(k), 64, ref) for k in args.inflight.split(",")]
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    qs = queries(local, args.queries)
    say(f"searching {len(qs)} queries over each copy")
    same = {}
    for mode in ("hybrid", "dense"):
        a, b = top10(local, qs, mode), top10(remote, qs, mode)
        same[mode] = {"queries": len(qs), "top10_equal": sum(x == y for x, y in zip(a, b)),
                      "top10_same_set": sum(set(x) == set(y) for x, y in zip(a, b)),
                      "top1_equal": sum(x[:1] == y[:1] for x, y in zip(a, b))}
    result = {"db": args.db.name, "cpus": os.cpu_count(), "load_before": load_before,
              "load_after": [round(x, 2) for x in os.getloadavg()],
              "embed_in_process": {k: in_proc.get(k) for k in ("embedder", "embedded", "wall_s", "chunks_per_s")},
              "embed_by_server": {k: by_server.get(k) for k in ("embedder", "embedded", "wall_s", "chunks_per_s")},
              "search": same, "server": args.server, **server_info(args),
              "throughput_chunks": len(texts),
              "throughput_in_process": local_run, "throughput": throughput}
    Path(args.out).write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
