"""Embedding Enron chunks in process vs through an embedding server on loopback (llama.cpp's
llama-server serving the bundled MiniLM as the f32 GGUF `make serve-embedder` converts), with 1, 2
and 4 requests in flight. The chunks are read from an indexed store (read-only), as indexing embeds
them (header and text, sorted by length). Per run: seconds, chunks/s, and for the server the
lowest and mean cosine to in-process fp32 and the largest difference of one coordinate. Prints one
JSON object and writes it to bench/results/. (start_infinity starts infinity-emb instead, for
bench/embed_server_search.py --server infinity.)

    python bench/embed_server.py --db /work/enron.db --n 2000
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def chunks(db: Path, n: int) -> list[str]:
    """`n` chunks spread over the store (every k-th id), as indexing embeds them."""
    conn = sqlite3.connect(f"file:{db.resolve()}?mode=ro", uri=True)
    total = conn.execute("SELECT count(*) FROM chunks").fetchone()[0]
    rows = conn.execute("SELECT header, text FROM chunks WHERE id % ? = 0 ORDER BY id LIMIT ?",
                        (max(1, total // n), n)).fetchall()
    conn.close()
    return sorted((f"{h}\n{t}" if h else t for h, t in rows), key=len)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(server: str, gguf: str, port: int, slots: int, threads: int, ubatch: int,
          log: Path) -> subprocess.Popen:
    cmd = [server, "-m", gguf, "--embedding", "--pooling", "mean", "--alias", "all-MiniLM-L6-v2",
           "--host", "127.0.0.1", "--port", str(port), "--parallel", str(slots),
           "--ctx-size", str(slots * 512), "--threads", str(threads),
           "--ubatch-size", str(ubatch), "--batch-size", str(max(ubatch, 2048))]
    proc = subprocess.Popen(cmd, stdout=log.open("w"), stderr=subprocess.STDOUT)
    return wait_up(proc, port, log, "llama-server", 300)


def wait_up(proc: subprocess.Popen, port: int, log: Path, what: str, tries: int = 600) -> subprocess.Popen:
    """`proc` once GET /health on `port` answers (0.2 s apart); killed and an exit if it never does."""
    for _ in range(tries):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1):
                return proc
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"{what} did not come up; see {log}")


def start_infinity(binary: str, model_dir: str, port: int, log: Path, batch: int = 32) -> subprocess.Popen:
    """infinity-emb (`make serve-embedder-infinity` builds its venv) serving `model_dir` with the
    torch engine, fp32 on the CPU, as `make serve-embedder-infinity` starts it: sentence-transformers'
    own arithmetic, the in-process embedder's. /v1/embeddings and /v1/models; /health at the root."""
    cmd = [binary, "v2", "--model-id", model_dir, "--served-model-name", "all-MiniLM-L6-v2",
           "--engine", "torch", "--device", "cpu", "--dtype", "float32", "--batch-size", str(batch),
           "--no-vector-disk-cache", "--url-prefix", "/v1", "--host", "127.0.0.1", "--port", str(port)]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "DO_NOT_TRACK": "1", "INFINITY_ANONYMOUS_USAGE_STATS": "0"}
    proc = subprocess.Popen(cmd, stdout=log.open("w"), stderr=subprocess.STDOUT, env=env)
    return wait_up(proc, port, log, "infinity_emb")


def timed(embedder, texts: list[str]) -> tuple[np.ndarray, float]:
    t0 = time.perf_counter()
    vecs = embedder.embed(texts)
    return vecs, time.perf_counter() - t0


def in_process(texts: list[str], precision: str, batch: int) -> tuple[dict, np.ndarray]:
    from archivist.backends.embedders import load_embedder
    from archivist.backends.settings import EmbeddingSettings
    t0 = time.perf_counter()
    emb = load_embedder(EmbeddingSettings(embed_precision=precision, embed_scope="chunks",
                                          embed_batch=batch), "cpu")
    load = time.perf_counter() - t0
    vecs, seconds = timed(emb, texts)
    return {"embedder": emb.name, "load_seconds": round(load, 2), "seconds": round(seconds, 2),
            "chunks_per_s": round(len(texts) / seconds, 1)}, vecs


def served(texts: list[str], url: str, inflight: int, batch: int, ref: np.ndarray) -> dict:
    from archivist.backends.embed_http import make_server
    from archivist.backends.settings import EmbeddingSettings
    emb = make_server(EmbeddingSettings(embedder_url=url, embed_batch=batch, embed_inflight=inflight))
    vecs, seconds = timed(emb, texts)
    cos = (vecs * ref).sum(axis=1)
    return {"embedder": emb.name, "inflight": inflight, "seconds": round(seconds, 2),
            "chunks_per_s": round(len(texts) / seconds, 1), "cosine_min": round(float(cos.min()), 8),
            "cosine_mean": round(float(cos.mean()), 8), "max_abs_diff": float(np.abs(vecs - ref).max())}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", type=Path, default=Path("/work/enron.db"), help="an indexed store (read only)")
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--server", default=str(ROOT / ".serve/build/bin/llama-server"))
    ap.add_argument("--gguf", default=str(ROOT / ".serve/all-MiniLM-L6-v2-f32.gguf"))
    ap.add_argument("--slots", type=int, default=4, help="server --parallel")
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 2, help="server threads")
    ap.add_argument("--ubatch", type=int, default=512, help="server --ubatch-size (tokens a pass)")
    ap.add_argument("--inflight", default="1,2,4")
    ap.add_argument("--skip-int8", action="store_true")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--out", default=str(ROOT / "bench/results/embed_server.json"))
    args = ap.parse_args()
    texts = chunks(args.db, args.n)
    load_before = [round(x, 2) for x in os.getloadavg()]
    fp32, ref = in_process(texts, "fp32", args.batch)
    int8 = None if args.skip_int8 else in_process(texts, "int8", args.batch)[0]
    port = free_port()
    proc = start(args.server, args.gguf, port, args.slots, args.threads, args.ubatch, Path(args.out).with_suffix(".log"))
    try:
        runs = [served(texts, f"http://127.0.0.1:{port}/v1", int(k), args.batch, ref)
                for k in args.inflight.split(",")]
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    result = {"chunks": len(texts), "db": str(args.db), "cpus": os.cpu_count(), "batch": args.batch,
              "server_slots": args.slots, "server_threads": args.threads, "server_ubatch": args.ubatch, "load_before": load_before,
              "load_after": [round(x, 2) for x in os.getloadavg()],
              "in_process": [r for r in (fp32, int8) if r], "server": runs}
    Path(args.out).write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
