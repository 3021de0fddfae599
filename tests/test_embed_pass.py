"""Searchable first, embedded second: the static embedder (a tiny table in a temporary cache),
`ingest --no-embed` BM25-searchable, the resumable `index embed` (killed mid-way), partial-embedding
search reporting what is not embedded, and a search process that never imports torch."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from archivist.backends.settings import EmbeddingSettings
from tests.test_ingest import message

ROOT = Path(__file__).resolve().parents[1]
DIM = 16
HEAVY = ("torch", "transformers", "sentence_transformers", "model2vec")


def write_tiny_static(cache: Path) -> Path:
    """A model2vec-format directory where `minilm-static` looks for its distillate: MiniLM's real
    tokenizer and a random 16-dimensional table (no distillation, no model run)."""
    from safetensors.numpy import save_file
    from tokenizers import Tokenizer
    from archivist.backends.embedders import MINILM_ID, minilm_path
    from archivist.backends.static_embedder import target_dir
    os.environ["ARCHIVIST_CACHE"] = str(cache)
    try:
        target = target_dir(minilm_path(), MINILM_ID)
    finally:
        del os.environ["ARCHIVIST_CACHE"]
    target.mkdir(parents=True, exist_ok=True)
    tok = Tokenizer.from_file(str(minilm_path() / "tokenizer.json"))
    table = np.random.default_rng(0).standard_normal((tok.get_vocab_size(), DIM)).astype(np.float32)
    save_file({"embeddings": table}, str(target / "model.safetensors"))
    (target / "tokenizer.json").write_text((minilm_path() / "tokenizer.json").read_text())
    return target


@pytest.fixture(scope="module")
def static_env(tmp_path_factory):
    cache = tmp_path_factory.mktemp("cache")
    write_tiny_static(cache)
    # the per-chunk pass (lead vectors, one a document: tests/test_embed_scope.py)
    return {"ARCHIVIST_CACHE": str(cache), "ARCHIVIST_EMBEDDER": "minilm-static",
            "ARCHIVIST_EMBED_SCOPE": "chunks"}


def test_static_embedder_on_a_tiny_table(static_env, monkeypatch):
    from archivist.backends.embedders import embedder_name, load_embedder
    for k, v in static_env.items():
        monkeypatch.setenv(k, v)
    emb = load_embedder(EmbeddingSettings(embedder="minilm-static"))
    texts = ["Gas pipeline capacity report.", "Lunch on Friday?", "pipeline gas " * 900, "x" * 500]
    vecs = emb.embed(texts)
    assert vecs.shape == (4, DIM) and vecs.dtype == np.float32 and emb.dim == DIM
    assert np.allclose(np.linalg.norm(vecs[:3], axis=1), 1.0, atol=1e-5)
    assert not vecs[3].any()  # only an unknown token (one 500-letter word): zero, never NaN
    # a static model is exact: batch-mates and batch size change nothing
    assert np.array_equal(emb.embed([texts[1]])[0], vecs[1])
    emb.batch = 1
    assert np.array_equal(emb.embed(texts), vecs)
    assert emb.count_tokens("Lunch on Friday?") == 4  # MiniLM's tokenizer, as chunking counts
    assert emb.name == embedder_name(EmbeddingSettings(embedder="minilm-static")) and emb.tokenizer_id == \
        "all-MiniLM-L6-v2"
    assert emb.embed([]).shape == (0, DIM)


def corpus(path: Path, n: int = 300) -> Path:
    path.write_text("".join(message(i, subject=f"Topic {i // 3}" if i % 3 == 0 else
                                    f"RE: Topic {i // 3}",
                                    body=f"Pipeline note {i}: " + " ".join(
                                        f"word{(i * 7 + j) % 97}" for j in range(60)) +
                                    "\n\nSecond paragraph " + " ".join(
                                        f"term{(i + j) % 53}" for j in range(140)))
                            for i in range(n)))
    return path


def cli(env: dict, *args: str, extra: str = "") -> subprocess.CompletedProcess:
    """`python -m archivist ARGS` in a fresh process; `extra` code runs after it in the same
    process (to inspect sys.modules)."""
    code = ("import sys\nfrom archivist.cli import app\ntry:\n    app(sys.argv[1:])\n"
            f"except SystemExit as e:\n    rc = e.code\n{extra}\nsys.exit(rc)")
    full = {k: v for k, v in os.environ.items() if k != "ARCHIVIST_CRASH_AT"}
    full.update({"PYTHONPATH": str(ROOT), "ARCHIVIST_CONFIG": "", **env})
    return subprocess.run([sys.executable, "-c", code, *args], env=full, capture_output=True,
                          text=True, timeout=300)


def counts(db: Path) -> tuple[int, int]:
    conn = sqlite3.connect(db)
    try:
        return (conn.execute("SELECT count(*) FROM chunks").fetchone()[0],
                conn.execute("SELECT count(*) FROM vectors").fetchone()[0])
    finally:
        conn.close()


@pytest.fixture(scope="module")
def unembedded(tmp_path_factory, static_env):
    """A corpus ingested with --no-embed: chunked and BM25-searchable, no vectors."""
    root = tmp_path_factory.mktemp("pass")
    box = corpus(root / "box.mbox")
    db = root / "a.db"
    done = cli(static_env, "ingest", "--no-embed", "--json", "-d", str(db), str(box))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1])["read"] == 300  # the ingest summary stays last
    assert "BM25-searchable" in done.stderr and "not embedded" in done.stderr
    return root, box, db


def test_no_embed_ingest_is_bm25_searchable_and_says_what_is_not_embedded(unembedded, static_env):
    root, _, db = unembedded
    chunks, vectors = counts(db)
    assert chunks > 600 and vectors == 0
    got = cli(static_env, "search", "word5 word12", "--json", "-d", str(db))
    assert got.returncode == 0, got.stderr
    rows = [json.loads(line) for line in got.stdout.splitlines()]
    assert rows and all(r["not_embedded"] == chunks for r in rows)
    assert f"{chunks:,} of {chunks:,} chunks are not embedded yet" in got.stderr
    quiet = cli(static_env, "search", "word5", "--mode", "bm25", "--json", "-d", str(db))
    assert quiet.returncode == 0 and "not embedded" not in quiet.stderr
    assert all("not_embedded" not in json.loads(line) for line in quiet.stdout.splitlines())


def test_index_embed_killed_mid_way_resumes_and_search_covers_what_is_embedded(
        unembedded, static_env, tmp_path):
    _, box, source = unembedded
    db = tmp_path / "k.db"
    with sqlite3.connect(source) as src, sqlite3.connect(db) as dst:
        src.backup(dst)
    chunks, _ = counts(db)
    killed = cli({**static_env, "ARCHIVIST_CRASH_AT": "embed_batch"}, "index", "embed", "-d", str(db))
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    _, vectors = counts(db)
    assert 0 < vectors < chunks  # the first batch was committed before the kill
    got = cli(static_env, "search", "word5 word12", "--json", "-d", str(db))
    assert got.returncode == 0, got.stderr
    rows = [json.loads(line) for line in got.stdout.splitlines()]
    assert rows[0]["not_embedded"] == chunks - vectors
    assert any(r["dense_rank"] is not None for r in rows)  # dense results from what is embedded
    done = cli(static_env, "index", "embed", "--json", "-d", str(db))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["embedded"] == chunks - vectors and result["not_embedded"] == 0
    assert result["reused"] == 0 and counts(db) == (chunks, chunks)
    after = cli(static_env, "search", "word5 word12", "--json", "-d", str(db))
    assert "not embedded" not in after.stderr
    assert all("not_embedded" not in json.loads(line) for line in after.stdout.splitlines())
    report = cli(static_env, "verify", "--json", "-d", str(db))
    assert report.returncode == 0 and json.loads(report.stdout)["ok"], report.stdout


def test_plain_ingest_embeds_inline_and_hybrid_search_imports_no_torch(static_env, tmp_path):
    box = corpus(tmp_path / "box.mbox", 60)
    db = tmp_path / "full.db"
    done = cli(static_env, "ingest", "-d", str(db), str(box))
    assert done.returncode == 0, done.stderr
    chunks, vectors = counts(db)
    assert chunks == vectors > 0
    show = ("import json\nprint(json.dumps([m for m in %r if m in sys.modules]), file=sys.stderr)"
            % (HEAVY,))
    got = cli(static_env, "search", "word5 pipeline", "--json", "-d", str(db), extra=show)
    assert got.returncode == 0, got.stderr
    assert any(json.loads(line)["dense_rank"] for line in got.stdout.splitlines())
    assert json.loads(got.stderr.strip().splitlines()[-1]) == []


def test_minilm_hybrid_search_imports_no_torch_or_transformers(tmp_path):
    """The default embedder's query path: int8 ONNX + tokenizers, no torch or transformers."""
    box = corpus(tmp_path / "box.mbox", 20)
    db = tmp_path / "m.db"
    env = {"ARCHIVIST_EMBEDDER": "minilm"}
    done = cli(env, "ingest", "-d", str(db), str(box))
    assert done.returncode == 0, done.stderr
    show = ("import json\nprint(json.dumps([m for m in %r if m in sys.modules]), file=sys.stderr)"
            % (HEAVY,))
    got = cli(env, "search", "word5 pipeline", "--json", "-d", str(db), extra=show)
    assert got.returncode == 0, got.stderr
    assert any(json.loads(line)["dense_rank"] for line in got.stdout.splitlines())
    assert json.loads(got.stderr.strip().splitlines()[-1]) == []
