"""Which dense index at a million vectors: recall@10 against exact search, build time, memory, file
size and query time of HNSW and IVF variants, on a million vectors made from whole Enron's.

  python bench/ann_scale.py --db ENRON.db --n 1000000 [--queries 200]

The vectors are whole Enron's stored vectors, each copied with Gaussian noise whose size makes a
copy as close to its original as bench/scale.py's copies are (the same email with a few words
swapped: cosine ~0.98-0.99, measured here on --calibrate pairs), so the million has the
near-duplicate structure of a copied archive, the hard case for an ANN index (many true neighbours
close together). Queries: real question embeddings would need the embedder; stored vectors of
random chunks with a little noise stand in (their exact neighbours are known by brute force).
One JSON object per index kind, then a summary; written to bench/results/ann_scale.json.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "results" / "ann_scale.json"


def enron_vectors(db: str) -> np.ndarray:
    from archivist.retrieval.vectors import load_vectors
    from archivist.store import Store
    with Store(db, readonly=True) as store:
        model = store.scalar("SELECT model FROM vectors GROUP BY model ORDER BY count(*) DESC LIMIT 1")
        _, mat = load_vectors(store, model)
    return np.ascontiguousarray(mat, dtype=np.float32)


def noisy_copies(base: np.ndarray, n: int, sigma: float, seed: int = 0, mix: bool = False
                 ) -> np.ndarray:
    """n vectors: base repeated, every copy after the first with noise, normalised; with `mix`,
    every vector after the base is a blend of two random base vectors (x_i + w x_j, w in 0..0.7)
    plus the noise: a diverse cloud over the same space rather than clusters of near-copies, the
    harder case for an IVF index whose lists each hold one region."""
    rng = np.random.default_rng(seed)
    out = np.empty((n, base.shape[1]), dtype=np.float32)
    out[:len(base)] = base[:n]
    for start in range(len(base), n, len(base)):
        size = min(len(base), n - start)
        block = base[:size].copy() if not mix else (
            base[rng.integers(0, len(base), size)]
            + rng.uniform(0, 0.7, (size, 1)).astype(np.float32) * base[rng.integers(0, len(base), size)])
        block += rng.normal(0, sigma, block.shape).astype(np.float32)
        out[start:start + size] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


def sigma_for(base: np.ndarray, target_cos: float) -> float:
    """The noise that leaves a copy at `target_cos` to its original (by bisection on a sample)."""
    sample, lo, hi = base[:500], 0.0, 0.2
    rng = np.random.default_rng(1)
    for _ in range(20):
        mid = (lo + hi) / 2
        noisy = sample + rng.normal(0, mid, sample.shape).astype(np.float32)
        cos = float(np.mean(np.sum(sample * noisy, 1) / np.linalg.norm(noisy, axis=1)))
        lo, hi = (mid, hi) if cos > target_cos else (lo, mid)
    return (lo + hi) / 2


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(name: str, make, mat: np.ndarray, queries: np.ndarray, truth: np.ndarray,
            search_params) -> dict:
    import faiss
    t0 = time.perf_counter()
    index = make()
    build = time.perf_counter() - t0
    path = Path(tempfile.mkdtemp()) / "i.faiss"
    faiss.write_index(index, str(path))
    faiss.omp_set_num_threads(1)  # one query at a time, as a search from the shell
    rows = []
    for label, params in search_params:
        t0 = time.perf_counter()
        _, got = index.search(queries, 10, params=params) if params else index.search(queries, 10)
        per_query = (time.perf_counter() - t0) / len(queries)
        recall = float(np.mean([len(set(g) & set(t)) / 10 for g, t in zip(got, truth)]))
        rows.append({"search": label, "recall_at_10": round(recall, 4),
                     "ms_per_query": round(per_query * 1000, 3)})
    faiss.omp_set_num_threads(os.cpu_count() or 1)
    row = {"index": name, "vectors": len(mat), "build_s": round(build, 1),
           "file_mb": round(path.stat().st_size / 2**20, 1), "peak_rss_mb": round(rss_mb(), 1),
           "searches": rows, "loadavg": os.getloadavg()}
    path.unlink()
    del index
    return row


def kinds(mat: np.ndarray, dim: int):
    import faiss
    n = len(mat)

    def hnsw():
        inner = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        inner.hnsw.efConstruction = 80
        index = faiss.IndexIDMap2(inner)
        index.add_with_ids(mat, np.arange(n, dtype=np.int64))
        return index

    def ivf(nlist: int, sq8: bool = False):
        def make():
            quant = faiss.IndexFlatIP(dim)
            index = (faiss.IndexIVFScalarQuantizer(quant, dim, nlist, faiss.ScalarQuantizer.QT_8bit,
                                                   faiss.METRIC_INNER_PRODUCT) if sq8 else
                     faiss.IndexIVFFlat(quant, dim, nlist, faiss.METRIC_INNER_PRODUCT))
            rng = np.random.default_rng(0)
            index.train(mat[rng.choice(n, min(n, 48 * nlist), replace=False)])
            index.add_with_ids(mat, np.arange(n, dtype=np.int64))
            return index
        return make

    probes = lambda nlist: [(f"nprobe {p}", faiss.SearchParametersIVF(nprobe=p))  # noqa: E731
                            for p in (16, 32, 64, 128, 256) if p <= nlist]
    nlist = int(min(4096, max(16, np.sqrt(n))))
    yield "hnsw M32 ef80", hnsw, [(f"efSearch {e}", faiss.SearchParametersHNSW(efSearch=e))
                                  for e in (64, 128, 256, 512)]
    yield f"ivf flat nlist {nlist}", ivf(nlist), probes(nlist)
    yield f"ivf flat nlist {4 * nlist}", ivf(4 * nlist), probes(4 * nlist)
    yield f"ivf sq8 nlist {4 * nlist}", ivf(4 * nlist, sq8=True), probes(4 * nlist)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--copy-cos", type=float, default=0.985)
    ap.add_argument("--mix", action="store_true", help="blends of two base vectors, not copies")
    ap.add_argument("--only", default="", help="comma-separated index name prefixes")
    ap.add_argument("--out", default=str(OUT))
    args = ap.parse_args()
    import faiss
    base = enron_vectors(args.db)
    sigma = sigma_for(base, args.copy_cos)
    mat = noisy_copies(base, args.n, sigma, mix=args.mix)
    rng = np.random.default_rng(7)
    queries = mat[rng.choice(len(mat), args.queries, replace=False)]
    queries = queries + rng.normal(0, sigma * 3, queries.shape).astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    exact = faiss.IndexFlatIP(mat.shape[1])
    exact.add(mat)
    t0 = time.perf_counter()
    _, truth = exact.search(queries, 10)
    exact_ms = (time.perf_counter() - t0) / len(queries) * 1000
    del exact
    rows = [{"index": "exact (brute force)", "vectors": len(mat), "ms_per_query_batched": round(exact_ms, 2),
             "sigma": round(sigma, 4), "copy_cos": args.copy_cos, "base_vectors": len(base),
             "vectors_made_as": "blends of two base vectors" if args.mix else "noisy copies"}]
    print(json.dumps(rows[0]), flush=True)
    wanted = [w for w in args.only.split(",") if w]
    for name, make, params in kinds(mat, mat.shape[1]):
        if wanted and not any(name.startswith(w) for w in wanted):
            continue
        rows.append(measure(name, make, mat, queries, truth, params))
        print(json.dumps(rows[-1]), flush=True)
    Path(args.out).write_text(json.dumps({"cpus": os.cpu_count(), "results": rows}, indent=1))


if __name__ == "__main__":
    main()
