"""The server embedder (backends/embed_http.py) against the local stub's /v1/embeddings: batches in
flight and in order, retries, a server down, wrong counts and dimensions, names, tokens, and the
CLI's --embedder-url end to end on the demo store."""
from __future__ import annotations

import shutil
import socket

import numpy as np
import pytest
from typer.testing import CliRunner

from archivist.backends.base import Capability, supports
from archivist.backends.embed_http import ServerEmbedder, local_tokenizer, served_name
from archivist.backends.embedders import load_embedder
from archivist.backends.settings import EmbeddingSettings
from archivist.cli import app
from archivist.errors import BackendError, ConfigError

from openai_stub import StubServer, stub_vector

TEXTS = [f"t{i} " + "word " * (i % 5) for i in range(20)]


@pytest.fixture
def stub():
    with StubServer() as server:
        yield server


def expected(texts, dim=8):
    vecs = np.asarray([stub_vector(t, dim) for t in texts], dtype=np.float32)
    return vecs / np.linalg.norm(vecs, axis=1, keepdims=True)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_batches_in_flight_keep_order(stub):
    stub.state.delay = 0.05
    emb = ServerEmbedder(stub.url, batch=3, inflight=4, backoff=0.01)
    vecs = emb.embed(TEXTS)
    assert vecs.dtype == np.float32 and vecs.shape == (20, 8)
    np.testing.assert_allclose(vecs, expected(TEXTS), rtol=1e-6)
    assert stub.state.max_in_flight > 1
    sizes = [len(r["input"]) for r in stub.state.requests if "input" in r][1:]  # after the probe
    assert sorted(sizes) == [2] + [3] * 6  # arrival order varies: they run together
    assert emb.embed([]).shape == (0, 8)


def test_answer_order_is_read_from_the_index(stub):
    emb = ServerEmbedder(stub.url, batch=8)
    stub.state.shuffle = True
    np.testing.assert_allclose(emb.embed(TEXTS[:8]), expected(TEXTS[:8]), rtol=1e-6)


def test_retries_dropped_connections_and_503(stub):
    emb = ServerEmbedder(stub.url, batch=5, inflight=2, backoff=0.01)
    stub.state.reset_next, stub.state.fail_embed = 2, 2
    np.testing.assert_allclose(emb.embed(TEXTS), expected(TEXTS), rtol=1e-6)


def test_gives_up_after_retries_naming_the_url(stub):
    emb = ServerEmbedder(stub.url, retries=1, backoff=0.01)
    stub.state.fail_embed = 10
    with pytest.raises(BackendError, match=r"embedding server http://127.0.0.1:\d+/v1: HTTP 503"):
        emb.embed(["a"])


def test_server_down_is_a_clear_error():
    url = f"http://127.0.0.1:{closed_port()}/v1"
    with pytest.raises(BackendError, match=f"embedding server {url}: ConnectError.*is it running"):
        ServerEmbedder(url, retries=1, backoff=0.01)


def test_dimension_change_and_wrong_count_are_errors(stub):
    emb = ServerEmbedder(stub.url, backoff=0.01)
    stub.state.wide_after = stub.state.embed_requests
    with pytest.raises(BackendError, match="9-dimension vectors, its first answer had 8"):
        emb.embed(["a", "b"])
    stub.state.wide_after, stub.state.drop_vector = -1, True
    with pytest.raises(BackendError, match="1 vectors for 2 texts"):
        emb.embed(["a", "b"])


def test_names_say_the_served_model_unless_given(stub):
    assert ServerEmbedder(stub.url).name == "stub@server"
    assert ServerEmbedder(stub.url, name="all-MiniLM-L6-v2@fp32").name == "all-MiniLM-L6-v2@fp32"
    assert served_name("/models/all-MiniLM-L6-v2-f32.gguf") == "all-MiniLM-L6-v2-f32"
    with pytest.raises(ConfigError, match="http"):
        ServerEmbedder("127.0.0.1:8090")


def test_registered_and_lead_vectors_cut_with_minilm_tokens(stub):
    settings = EmbeddingSettings(embedder_url=stub.url, embed_scope="lead", embed_lead_tokens=10)
    emb = load_embedder(settings, "cpu")
    assert emb.name == "stub-lead10@server" and emb.tokenizer_id == "all-MiniLM-L6-v2"
    tok, max_tokens = local_tokenizer(settings)
    assert max_tokens == 256 and emb.count_tokens("hello embedding world") == tok.count_tokens(
        "hello embedding world")
    emb.embed(["one two three four five six seven eight nine ten eleven twelve"])
    assert stub.state.requests[-1]["input"] == ["one two three four five six seven eight"]


def test_without_a_local_tokenizer_tokens_are_estimated(stub):
    emb = load_embedder(EmbeddingSettings(embedder_url=stub.url, embedder="org/some-model",
                                          embed_scope="chunks"), "cpu")
    assert emb.count_tokens("three little words") == 4 and not supports(emb, Capability.TOKEN_LIMIT)
    with pytest.raises(ConfigError, match="cannot make lead vectors"):
        load_embedder(EmbeddingSettings(embedder_url=stub.url, embedder="org/some-model",
                                        embed_scope="lead"), "cpu")


runner = CliRunner()


def test_cli_embeds_and_searches_through_the_server(stub, demo_db, tmp_path, monkeypatch):
    db = tmp_path / "s.db"
    shutil.copy(demo_db, db)
    monkeypatch.setenv("ARCHIVIST_EMBED_SCOPE", "chunks")
    base = ["--llm", "echo", "-d", str(db), "--embedder-url", stub.url]
    done = runner.invoke(app, [*base, "index", "embed", "--json"])
    assert done.exit_code == 0, done.stderr
    assert '"embedder": "stub@server"' in done.stdout
    hits = runner.invoke(app, ["search", "crane", *base, "--json"])  # a global option after the command
    assert hits.exit_code == 0 and hits.stdout


def test_cli_server_down_exits_1_naming_the_url(demo_db):
    url = f"http://127.0.0.1:{closed_port()}/v1"
    out = runner.invoke(app, ["--llm", "echo", "-d", str(demo_db), "--embedder-url", url,
                              "search", "crane", "--mode", "dense"])
    assert out.exit_code == 1 and f"embedding server {url}" in out.stderr


def test_store_vectors_of_another_dimension_are_refused(stub, demo_store):
    from archivist.retrieval.vectors import check_dim, fingerprint
    model = next(iter(demo_store.conn.execute("SELECT model FROM vectors LIMIT 1")))[0]
    held = fingerprint(demo_store, model)["dim"]
    check_dim(demo_store, model, np.zeros((1, held), dtype=np.float32))
    with pytest.raises(BackendError, match=f"{held + 1}-dimension vectors, but the store's"):
        check_dim(demo_store, model, np.zeros((1, held + 1), dtype=np.float32))
