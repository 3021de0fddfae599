"""Issue 14: CPU embedder candidates side by side, tuned on one half and reported on the other.

Each candidate embeds every chunk of two prepared databases into an in-memory matrix; `search()` runs
unchanged except that its dense list comes from that matrix (and its BM25/subject lists, which no
candidate changes, are computed once per query and reused). Quality:
- HotpotQA (500 questions over the pooled ~4.9k paragraphs): both supporting paragraphs in the top 10;
- Enron annotated (572 questions over whole Enron + the 48 annotated e-mails): the e-mail in the top 5.
Halves: A = even question index (HotpotQA) / even e-mail index (Enron), used to choose settings;
B = odd, held out, reported only. Speed: CPU-seconds (user+sys, all threads) per 1,000 chunks on
the same Enron chunks, which does not depend on the machine's load, and chunks/s as measured.

Usage: python bench/embed_candidates.py --hotpot DB --enron DB [--candidates a,b] [--fusion ...]
(DBs: copies of databases already ingested and chunked, e.g. the HotpotQA one of bench/retrieval.py
and whole Enron with the annotated e-mails ingested --no-embed). Prints JSON; --out writes it.
The `wordfreq` re-weighting needs the `bench` extra (pip install wordfreq).
"""
from __future__ import annotations

import argparse
import functools
import json
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CACHE = Path(os.environ.get("EMBED_CANDIDATES_CACHE", "/tmp/archivist-embed-candidates"))


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def chunk_rows(store) -> tuple[np.ndarray, list[str], list[int]]:
    """(chunk ids, texts as indexed: header + text, doc ids)."""
    rows = store.conn.execute("SELECT id, header, text, doc_id FROM chunks ORDER BY id").fetchall()
    return (np.array([r[0] for r in rows], dtype=np.int64),
            [f"{h}\n{t}" if h else t for _, h, t, _ in rows], [r[3] for r in rows])


class Matrix:
    """A candidate's vectors of one database: dense search is a matrix product."""

    def __init__(self, embedder, ids: np.ndarray, mat: np.ndarray):
        self.embedder, self.ids, self.mat = embedder, ids, mat

    def top(self, q: np.ndarray, n: int) -> list[tuple[int, float]]:
        scores = self.mat @ q
        idx = np.argpartition(-scores, min(n, len(scores) - 1))[:n]
        idx = idx[np.argsort(-scores[idx])]
        return [(int(self.ids[i]), float(scores[i])) for i in idx]


def embed_all(embedder, store, tag: str) -> tuple[Matrix, dict]:
    """Every chunk embedded (length-sorted, as the indexer does), cached per candidate and database;
    speed measured on the first run."""
    ids, texts, _ = chunk_rows(store)
    path = CACHE / f"{tag}-{embedder.name.replace('/', '_')}.npy"
    if path.exists():
        return Matrix(embedder, ids, np.load(path)), {"cached": True}
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    before, c0, t0 = load(), time.process_time(), time.perf_counter()
    vecs = embedder.embed([texts[i] for i in order])
    cpu, wall = time.process_time() - c0, time.perf_counter() - t0
    mat = np.empty_like(vecs)
    mat[order] = vecs
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, mat)
    return Matrix(embedder, ids, mat), {
        "chunks": len(texts), "cpu_s_per_1000_chunks": round(1000 * cpu / len(texts), 2),
        "chunks_per_s_wall": round(len(texts) / wall, 1), "load_before": before, "load_after": load()}


@contextmanager
def candidate_search(matrix: Matrix | None, rerank: bool = False):
    """search() with the dense list from `matrix` and the candidate-independent lists memoised;
    `rerank`: dense only re-orders the documents BM25 (or the subject ranking) found."""
    from archivist.retrieval import search as s
    saved = {k: getattr(s, k) for k in ("embed_query", "dense_search", "has_vectors", "bm25_search",
                                        "subject_phrase_search", "exact_subject_search", "fuse",
                                        "query_embed")}

    def fuse(dense, bm25, mode, rrf_k, weights=(1.0, 1.0), subject=None):
        if mode == "hybrid":
            kept = sorted((v[0], d, v) for d, v in dense.items() if d in bm25 or d in (subject or {}))
            dense = {d: (i, v[1], v[2]) for i, (_, d, v) in enumerate(kept, 1)}
        return saved["fuse"](dense, bm25, mode, rrf_k, weights, subject)
    if rerank:
        s.fuse = fuse

    def dense(store, settings, query, n, filters=None, embedded=None):
        return matrix.top(matrix.embedder.embed([query])[0], n)
    if matrix is not None:  # the configured embedder is not loaded for the query: the candidate is
        s.query_embed = SimpleNamespace(submit=lambda settings, query: None)
        s.embed_query = lambda settings, query: (matrix.embedder.name, matrix.embedder.embed([query]))
        s.dense_search = dense
        s.has_vectors = lambda store, settings: True
    for name in ("bm25_search", "subject_phrase_search", "exact_subject_search"):
        setattr(s, name, _memo(saved[name]))
    try:
        yield s.search
    finally:
        for k, v in saved.items():
            setattr(s, k, v)


_MEMO: dict = {}


def _memo(fn):
    @functools.wraps(fn)
    def wrapper(store, query, n, filters=None):
        key = (fn.__name__, str(store.path), query, n)
        if key not in _MEMO:
            _MEMO[key] = fn(store, query, n, filters)
        return list(_MEMO[key])
    return wrapper


HALF = {"A": (0,), "B": (1,), "AB": (0, 1)}  # which halves are evaluated (--half)
SELECTED = [HALF["AB"]]


def halves(flags: list[tuple[int, bool]]) -> dict:
    out = {}
    for name, parity in (("A", 0), ("B", 1)):
        got = [ok for g, ok in flags if g % 2 == parity]
        if got:
            out[name], out[f"n_{name}"] = round(float(np.mean(got)), 4), len(got)
    if len(out) == 4:
        out["all"] = round(float(np.mean([ok for _, ok in flags])), 4)
    return out


def hotpot_quality(store, settings, matrix: Matrix | None, modes=("dense", "hybrid"),
                   rerank: bool = False) -> dict:
    from archivist.evals.datasets import pool_hotpot
    from bench.retrieval import hotpot_rows
    rows = hotpot_rows()
    _, gold_pos = pool_hotpot(rows)
    pos_doc = {p: d for d, p in store.conn.execute("SELECT doc_id, position FROM locations")}
    out = {}
    with candidate_search(matrix, rerank) as search:
        for mode in modes:
            flags = []
            for i, (r, positions) in enumerate(zip(rows, gold_pos)):
                if i % 2 not in SELECTED[0]:
                    continue
                gold = {pos_doc[p] for p in positions}
                got = {h.doc_id for h in search(store, settings, r["question_text"], k=10, mode=mode)}
                flags.append((i, gold <= got))
            out[mode] = halves(flags)
    return out


def enron_quality(store, settings, matrix: Matrix | None, annotated: Path,
                  modes=("dense", "hybrid"), rerank: bool = False) -> dict:
    from bench.retrieval import write_annotated
    questions = write_annotated(annotated)
    ids = {r["message_id"]: r["id"] for r in store.query(
        "SELECT id, message_id FROM documents WHERE message_id IN (SELECT value FROM json_each(?))",
        (json.dumps(list(questions)),))}
    out = {}
    with candidate_search(matrix, rerank) as search:
        for mode in modes:
            flags = []
            for g, (mid, qs) in enumerate(questions.items()):
                for q in qs if g % 2 in SELECTED[0] else ():
                    got = [h.doc_id for h in search(store, settings, q, k=5, mode=mode)]
                    flags.append((g, ids.get(mid) in got))
            out[mode] = halves(flags)
    return out


class TableEmbedder:
    """A static embedder whose token table is re-derived from the raw distilled one (no PCA, no
    weighting) in numpy: PCA dims and SIF weighting varied without distilling again."""

    def __init__(self, raw_dir: Path, pca: int | None, sif: float | None, weights: str = "zipf",
                 counts: np.ndarray | None = None):
        from archivist.backends.static_embedder import StaticEmbedder
        base = StaticEmbedder(raw_dir, "raw")
        table = base.table.astype(np.float64)
        if pca:
            from model2vec.distill.inference import apply_pca
            table = apply_pca(table, pca)
        if sif is not None:
            if weights == "zipf":  # model2vec's: rank = token id
                p = 1 / np.arange(2, len(table) + 2)
            elif weights == "wordfreq":  # a generic English word-frequency list, per token
                p = wordfreq_counts(raw_dir) + 1e-9
            else:  # the corpus's own token frequencies (add-one smoothed)
                p = counts + 1.0
            p = p / p.sum()
            table = table * (sif / (sif + p))[:, None]
        base.table = np.ascontiguousarray(table, dtype=np.float32)
        base.dim = base.table.shape[1]
        base.name = f"m2v-raw-pca{pca}-sif{sif}-{weights}"
        self.inner = base
        self.name = base.name

    def embed(self, texts):
        return self.inner.embed(texts)


def token_counts(raw_dir: Path, texts: list[str]) -> np.ndarray:
    from tokenizers import Tokenizer
    tok = Tokenizer.from_file(str(raw_dir / "tokenizer.json"))
    counts = np.zeros(tok.get_vocab_size(), dtype=np.float64)
    for enc in tok.encode_batch_fast(texts, add_special_tokens=False):
        np.add.at(counts, enc.ids, 1)
    return counts


def wordfreq_counts(raw_dir: Path) -> np.ndarray:
    """Token frequencies estimated from wordfreq's English list: each word's frequency added to
    every token it splits into."""
    from tokenizers import Tokenizer
    from wordfreq import get_frequency_dict
    tok = Tokenizer.from_file(str(raw_dir / "tokenizer.json"))
    freq = get_frequency_dict("en", "large")
    words = list(freq)
    counts = np.zeros(tok.get_vocab_size(), dtype=np.float64)
    for w, enc in zip(words, tok.encode_batch_fast(words, add_special_tokens=False)):
        np.add.at(counts, enc.ids, freq[w])
    return counts


class FirstTokens:
    """MiniLM int8 ONNX on a text's first `n` tokens (one vector per message: its first chunk)."""

    def __init__(self, n: int):
        from archivist.backends.embedders import minilm_path
        from archivist.backends.onnx_embedder import OnnxEmbedder
        from archivist.backends.embedders import _cache_dir
        self.inner = OnnxEmbedder(minilm_path(), "all-MiniLM-L6-v2", _cache_dir(), 64)
        self.inner.fast[0].enable_truncation(max_length=n)
        self.name, self.first_only = f"minilm-int8-first{n}", True

    def embed(self, texts):
        return self.inner.embed(texts)


def build(spec: str, raw_dir: Path, counts: np.ndarray | None):
    """`static` (the registered minilm-static), `raw:PCA:SIF:WEIGHTS`, `first:N`, `dir:PATH` or
    `minilm`."""
    if spec == "static":
        from archivist.backends.embedders import load_embedder
        from archivist.backends.settings import EmbeddingSettings
        return load_embedder(EmbeddingSettings(embedder="minilm-static"))
    kind, *args = spec.split(":")
    if kind == "raw":
        pca = int(args[0]) if args[0] != "none" else None
        sif = float(args[1]) if args[1] != "none" else None
        return TableEmbedder(raw_dir, pca, sif, args[2] if len(args) > 2 else "zipf", counts)
    if kind == "first":
        return FirstTokens(int(args[0]))
    if kind == "lead":  # the first chunk as `subject\ntext` (no From/To/Date), first N tokens
        emb = FirstTokens(int(args[0]))
        emb.name, emb.titled = f"minilm-int8-lead{args[0]}-subject", True
        return emb
    if kind == "dir":  # a model2vec directory distilled elsewhere (e.g. with an extra vocabulary)
        from archivist.backends.static_embedder import StaticEmbedder
        return StaticEmbedder(Path(args[0]), f"m2v-{Path(args[0]).name}")
    if kind == "minilm":  # today's MiniLM int8 (256 tokens), every chunk
        emb = FirstTokens(256)
        emb.name, emb.first_only = "minilm-int8", False
        return emb
    raise SystemExit(f"unknown candidate {spec!r}")


def first_chunks(store) -> set[int]:
    return {r[0] for r in store.conn.execute("SELECT min(id) FROM chunks WHERE unit = 'doc' "
                                             "GROUP BY doc_id")}


def restrict(matrix: Matrix, keep: set[int]) -> Matrix:
    mask = np.array([int(i) in keep for i in matrix.ids])
    return Matrix(matrix.embedder, matrix.ids[mask], matrix.mat[mask])


def run_candidate(spec: str, args, stores: dict, counts) -> dict:
    from archivist.config import Settings
    emb = build(spec, Path(args.raw), counts)
    out = {"candidate": spec, "name": emb.name}
    for tag, store in stores.items():
        if getattr(emb, "first_only", False):
            matrix, speed = embed_first(emb, store, tag)
        else:
            matrix, speed = embed_all(emb, store, tag)
        out[f"{tag}_embed"] = speed
        for fusion in args.fusion.split(","):
            dw, k, *rr = fusion.split("/")
            dw, k, rerank = float(dw), float(k), bool(rr and rr[0] == "r")
            settings = Settings().replace(db=str(store.path), dense_weight=dw, rrf_k=k)
            modes = ("hybrid",) if fusion != args.fusion.split(",")[0] else ("dense", "hybrid")
            fn = hotpot_quality if tag == "hotpot" else enron_quality
            extra = () if tag == "hotpot" else (Path(args.workdir) / "annotated",)
            out[f"{tag}_{fusion}"] = fn(store, settings, matrix, *extra, modes=modes,
                                          rerank=rerank)
            print(spec, tag, fusion, json.dumps(out[f"{tag}_{fusion}"]), file=sys.stderr, flush=True)
    return out


def embed_first(emb, store, tag: str) -> tuple[Matrix, dict]:
    """One vector per message: the first chunk of each document, truncated to the first N tokens."""
    keep = first_chunks(store)
    ids, texts, _ = chunk_rows(store)
    sel = [i for i, c in enumerate(ids) if int(c) in keep]
    path = CACHE / f"{tag}-{emb.name}.npy"
    sub_ids = ids[sel]
    if path.exists():
        return Matrix(emb, sub_ids, np.load(path)), {"cached": True, "vectors": len(sel)}
    sub = [texts[i] for i in sel]
    if getattr(emb, "titled", False):
        titles = dict(store.conn.execute("SELECT c.id, d.title FROM chunks c JOIN documents d "
                                         "ON d.id = c.doc_id WHERE c.unit = 'doc' AND c.ord = 0"))
        bodies = dict(store.conn.execute("SELECT id, text FROM chunks WHERE unit = 'doc' AND ord = 0"))
        sub = [f"{titles[int(ids[i])] or ''}\n{bodies[int(ids[i])]}" for i in sel]
    before, c0, t0 = load(), time.process_time(), time.perf_counter()
    mat = emb.embed(sub)
    cpu, wall = time.process_time() - c0, time.perf_counter() - t0
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, mat)
    return Matrix(emb, sub_ids, mat), {
        "vectors": len(sel), "cpu_s_per_1000_vectors": round(1000 * cpu / len(sel), 2),
        "vectors_per_s_wall": round(len(sel) / wall, 1), "load_before": before, "load_after": load()}


def speed(store, specs: list[str], raw_dir: Path, n: int = 1000) -> dict:
    """CPU-seconds (all threads) per 1,000 texts on the same Enron texts: messages' first chunks
    (what a one-vector-per-message embedder sees) and n chunks of any kind (what per-chunk ones do)."""
    rows = store.conn.execute("SELECT header, text, ord FROM chunks WHERE unit = 'doc' ORDER BY id "
                              "LIMIT ? OFFSET 5000", (4 * n,)).fetchall()
    chunks = [f"{h}\n{t}" if h else t for h, t, _ in rows][:n]
    firsts = [f"{h}\n{t}" if h else t for h, t, o in rows if o == 0][:n]
    out = {"chunks": len(chunks), "first_chunks": len(firsts)}
    for spec in specs:
        emb = build(spec, raw_dir, None)
        texts = firsts if getattr(emb, "first_only", False) else chunks
        texts = sorted(texts, key=len)
        emb.embed(texts[:16])
        before, c0, t0 = load(), time.process_time(), time.perf_counter()
        emb.embed(texts)
        cpu, wall = time.process_time() - c0, time.perf_counter() - t0
        out[spec] = {"name": emb.name, "texts": len(texts),
                     "cpu_s_per_1000": round(1000 * cpu / len(texts), 2),
                     "per_s_wall": round(len(texts) / wall, 1), "load_before": before,
                     "load_after": load()}
        print("speed", spec, out[spec], file=sys.stderr, flush=True)
    return out


def main() -> None:
    from archivist.store import Store
    ap = argparse.ArgumentParser()
    ap.add_argument("--hotpot", default="")
    ap.add_argument("--enron", default="")
    ap.add_argument("--workdir", default="/tmp/i14s")
    ap.add_argument("--raw", default="/tmp/i14s/raw")
    ap.add_argument("--candidates", default="static")
    ap.add_argument("--fusion", default="1/5", help="dense_weight/rrf_k pairs, comma-separated")
    ap.add_argument("--baseline", action="store_true", help="also BM25 alone (no candidate)")
    ap.add_argument("--speed", default="", help="candidates to time on Enron texts (needs --enron)")
    ap.add_argument("--speed-n", type=int, default=1000)
    ap.add_argument("--half", default="AB", choices=sorted(HALF),
                    help="A: tuning half only; B: held-out half only")
    ap.add_argument("--out", default="")
    args = ap.parse_args()
    SELECTED[0] = HALF[args.half]
    stores = {tag: Store(Path(db), create=False) for tag, db in (("hotpot", args.hotpot),
                                                                  ("enron", args.enron)) if db}
    counts = None
    if any(":corpus" in c for c in args.candidates.split(",")):
        texts = [t for s in stores.values() for t in chunk_rows(s)[1]]
        counts = token_counts(Path(args.raw), texts)
    result = {"machine": f"{os.cpu_count()} cpu", "load_start": load(), "half": args.half,
              "argv": sys.argv[1:], "candidates": []}
    if args.baseline:
        from archivist.config import Settings
        for tag, store in stores.items():
            fn = hotpot_quality if tag == "hotpot" else enron_quality
            extra = () if tag == "hotpot" else (Path(args.workdir) / "annotated",)
            result[f"bm25_{tag}"] = fn(store, Settings().replace(db=str(store.path)), None, *extra,
                                       modes=("bm25",))
            print("bm25", tag, result[f"bm25_{tag}"], file=sys.stderr, flush=True)
    if args.speed:
        result["speed"] = speed(stores["enron"], args.speed.split(","), Path(args.raw),
                                args.speed_n)
    for spec in filter(None, args.candidates.split(",")):
        result["candidates"].append(run_candidate(spec, args, stores, counts))
    result["load_end"] = load()
    text = json.dumps(result, indent=1)
    if args.out:
        Path(args.out).write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
