"""Lead vectors (embed_scope=lead, the CPU default): one dense vector a document, from its first
chunk's first embed_lead_tokens tokens, under a model name of its own; BM25 still indexes every
chunk, and coverage, the resumable pass and `index verify` count only what the scope embeds."""
from __future__ import annotations

import json
import sqlite3
from dataclasses import replace

import numpy as np
import pytest

from archivist.backends.settings import EmbeddingSettings
from archivist.backends.embedders import embedder_name, lead_tokens, load_embedder, scoped
from archivist.retrieval.vectors import held_scope
from archivist.errors import ConfigError
from tests.test_embed_pass import cli, corpus, static_env  # noqa: F401 (a fixture)


@pytest.fixture(scope="module")
def lead_env(static_env):  # noqa: F811
    return {**static_env, "ARCHIVIST_EMBED_SCOPE": "lead"}


def test_scope_names_and_auto(tmp_path):
    fresh, none = EmbeddingSettings(), held_scope(str(tmp_path / "none.db"))
    assert lead_tokens(fresh, held=none) == fresh.embed_lead_tokens > 0  # auto on a CPU: lead vectors
    assert lead_tokens(EmbeddingSettings(), device="cuda") == 0  # auto on CUDA: every chunk
    assert lead_tokens(EmbeddingSettings(embed_scope="chunks")) == 0
    assert lead_tokens(EmbeddingSettings(embed_scope="lead", embed_lead_tokens=32)) == 32
    with pytest.raises(ConfigError, match="embed_lead_tokens"):
        lead_tokens(EmbeddingSettings(embed_scope="lead", embed_lead_tokens=4))
    assert scoped("all-MiniLM-L6-v2@int8", 64) == "all-MiniLM-L6-v2-lead64@int8"
    assert scoped("all-MiniLM-L6-v2@int8", 0) == "all-MiniLM-L6-v2@int8"
    lead, every = (embedder_name(replace(fresh, embed_scope=s), held=none) for s in ("lead", "chunks"))
    assert lead == scoped(every, lead_tokens(EmbeddingSettings())) and lead != every  # never share vectors


def test_lead_embedder_embeds_the_first_tokens_only(lead_env, monkeypatch):
    for k, v in lead_env.items():
        monkeypatch.setenv(k, v)
    settings = EmbeddingSettings(embedder="minilm-static", embed_scope="lead", embed_lead_tokens=8)
    emb = load_embedder(settings)
    assert emb.name == embedder_name(settings) and emb.name.endswith("-lead8@static")
    assert emb.tokenizer_id == "all-MiniLM-L6-v2"  # chunks are cut as before: no re-chunking
    long = "gas pipeline capacity report for the west desk and the east desk, then lunch"
    head = " ".join(long.split()[:8])  # eight one-token words
    assert np.allclose(emb.embed([long])[0], emb.embed([head])[0], atol=1e-6)
    every = load_embedder(EmbeddingSettings(embedder="minilm-static", embed_scope="chunks"))
    assert not np.allclose(every.embed([long])[0], emb.embed([long])[0], atol=1e-3)


def test_onnx_lead_embedder_truncates(monkeypatch):
    emb = load_embedder(EmbeddingSettings(embed_scope="lead", embed_lead_tokens=16))
    if not emb.name.endswith("-lead16@int8"):
        pytest.skip(f"the int8 ONNX embedder is not the CPU default here ({emb.name})")
    words = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi"
    long = words + " rho sigma tau upsilon phi chi psi omega" * 8
    got = emb.embed([long, words])  # 16 tokens = [CLS] + 14 words + [SEP]
    head = " ".join(words.split()[:14])
    assert float(got[0] @ emb.embed([head])[0]) > 0.99
    full = load_embedder(EmbeddingSettings(embed_scope="chunks"))
    assert full.name + "" != emb.name and float(full.embed([long])[0] @ got[0]) < 0.99


def _db(db) -> sqlite3.Connection:
    return sqlite3.connect(db)


def test_lead_pass_counts_one_vector_a_document(tmp_path, lead_env):
    box = corpus(tmp_path / "box.mbox", n=60)
    db = tmp_path / "a.db"
    done = cli(lead_env, "ingest", "--no-embed", "--json", "-d", str(db), str(box))
    assert done.returncode == 0, done.stderr
    conn = _db(db)
    docs = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    chunks = conn.execute("SELECT count(*) FROM chunks").fetchone()[0]
    assert chunks > docs  # long bodies: several chunks a document
    got = cli(lead_env, "search", "word5 word12", "--json", "-d", str(db))
    rows = [json.loads(line) for line in got.stdout.splitlines()]
    assert rows and all(r["not_embedded"] == docs for r in rows)  # what the scope embeds
    from archivist.retrieval.vectors import pending_chunks
    from archivist.store import Store
    with Store(db, readonly=True) as store:  # a lead text: the subject, then the first chunk
        titles = dict(store.conn.execute("SELECT c.id, d.title FROM chunks c JOIN documents d ON "
                                         "d.id = c.doc_id WHERE c.unit = 'doc' AND c.ord = 0"))
        todo = pending_chunks(store, "m-lead40@int8")
        every = pending_chunks(store, "m@int8")
    assert sorted(c for c, _, _ in todo) == sorted(titles) and len(every) == chunks
    assert all(text.startswith(f"{titles[c]}\nPipeline note") for c, _, text in todo)
    assert sum(text.startswith("From: ") for _, _, text in every) >= docs  # per chunk: its header
    done = cli(lead_env, "index", "embed", "--json", "-d", str(db))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["embedded"] == docs and result["not_embedded"] == 0
    firsts = conn.execute("SELECT count(*) FROM vectors v JOIN chunks c ON c.id = v.chunk_id "
                          "WHERE c.unit = 'doc' AND c.ord = 0 AND v.model LIKE '%-lead__@%'")
    assert firsts.fetchone()[0] == docs == conn.execute("SELECT count(*) FROM vectors").fetchone()[0]
    after = cli(lead_env, "search", "word5 word12", "--json", "-d", str(db))
    hits = [json.loads(line) for line in after.stdout.splitlines()]
    assert hits and all("not_embedded" not in h for h in hits)
    assert any(h["dense_rank"] for h in hits)  # the lead vectors take part in the fusion
    verify = cli(lead_env, "index", "verify", "--json", "-d", str(db))
    report = json.loads(verify.stdout)
    assert verify.returncode == 0 and report["ok"], report
    assert report["chunks_embedded_by_scope"] == docs and report["chunks_without_vector"] == 0
    # every chunk instead: another model, so each chunk is embedded (none reused by mistake)
    every = {**lead_env, "ARCHIVIST_EMBED_SCOPE": "chunks"}
    again = json.loads(cli(every, "index", "embed", "--json", "-d", str(db)).stdout)
    assert again["embedded"] == chunks and again["not_embedded"] == 0
    conn.close()


def test_auto_keeps_the_per_chunk_vectors_a_store_holds(tmp_path, lead_env):
    """A store embedded with a vector for every chunk (before lead vectors existed) keeps its
    dense search under auto; a store with lead vectors, or none, gets lead vectors."""
    box = corpus(tmp_path / "box.mbox", n=30)
    every, auto = {**lead_env, "ARCHIVIST_EMBED_SCOPE": "chunks"}, {**lead_env,
                                                                    "ARCHIVIST_EMBED_SCOPE": "auto"}
    old, new = tmp_path / "old.db", tmp_path / "new.db"
    assert cli(every, "ingest", "-d", str(old), str(box)).returncode == 0
    assert cli(auto, "ingest", "--no-embed", "-d", str(new), str(box)).returncode == 0
    assert held_scope(str(old)) == "chunks" and held_scope(str(new)) is None
    assert held_scope(str(tmp_path / "missing.db")) is None
    assert lead_tokens(EmbeddingSettings(), held=held_scope(str(old))) == 0
    assert lead_tokens(EmbeddingSettings(), held=held_scope(str(new))) > 0
    got = cli(auto, "search", "word5 word12", "--json", "-d", str(old))
    hits = [json.loads(line) for line in got.stdout.splitlines()]
    assert hits and all("not_embedded" not in h for h in hits) and any(h["dense_rank"] for h in hits)
    assert json.loads(cli(auto, "index", "embed", "--json", "-d", str(old)).stdout)["embedded"] == 0
    done = json.loads(cli(auto, "index", "embed", "--json", "-d", str(new)).stdout)
    assert "-lead" in done["embedder"] and held_scope(str(new)) == "lead"
