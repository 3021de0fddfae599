"""--embedder-url against a real embedding server on loopback: llama.cpp's llama-server (`make
serve-llm` builds it) serving the bundled all-MiniLM-L6-v2 as the f32 GGUF `make serve-embedder`
converts (skipped, with the reason, where either is absent). Its vectors must match in-process fp32
MiniLM's (cosine >= 0.999 per text; measured >= 0.99999), so a store embedded through it under the
in-process name searches the same in process."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from archivist.backends.embed_http import ServerEmbedder, local_tokenizer
from archivist.backends.embedders import load_embedder
from archivist.backends.settings import EmbeddingSettings
from archivist.cli import app
from tests.loopback import SERVER, llama_server

ROOT = Path(__file__).resolve().parents[1]
GGUF = Path(os.environ.get("ARCHIVIST_EMBED_GGUF", ROOT / ".serve/all-MiniLM-L6-v2-f32.gguf"))

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not SERVER.exists(), reason=f"no llama-server at {SERVER} (`make serve-llm` builds it)"),
              pytest.mark.skipif(not GGUF.exists(), reason=f"no MiniLM GGUF at {GGUF} (`make serve-embedder` converts it)")]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The server as `make serve-embedder` starts it, on a free port; yields its /v1 URL."""
    log = tmp_path_factory.mktemp("srv") / "server.log"
    with llama_server(["-m", str(GGUF), "--embedding", "--pooling", "mean", "--alias",
                       "all-MiniLM-L6-v2", "--parallel", "2", "--ctx-size", "1024"], log) as port:
        yield f"http://127.0.0.1:{port}/v1"


def _texts(demo_store) -> list[str]:
    """What indexing embeds (header and chunk text), a query, and a text past max_seq_length."""
    rows = demo_store.query("SELECT header, text FROM chunks ORDER BY id LIMIT 200")
    return [f"{r['header']}\n{r['text']}" if r["header"] else r["text"] for r in rows] + [
        "What does the crane rental cost per day?", "budget review " * 300, ""]


def test_vectors_match_in_process_minilm(server, demo_store):
    texts = _texts(demo_store)
    tok, max_tokens = local_tokenizer(EmbeddingSettings())
    remote = ServerEmbedder(server, tok, max_tokens, batch=16, inflight=2)
    local = load_embedder(EmbeddingSettings(embed_precision="fp32", embed_scope="chunks"), "cpu")
    a, b = remote.embed(texts), local.embed(texts)
    assert remote.name == "all-MiniLM-L6-v2@server" and a.dtype == np.float32 and a.shape == b.shape
    cosines = (a * b).sum(axis=1)
    assert cosines.min() >= 0.999, f"lowest cosine {cosines.min():.6f} at {texts[cosines.argmin()][:80]!r}"


runner = CliRunner()


def _dense(db, query: str) -> list[int]:
    out = runner.invoke(app, ["--llm", "echo", "-d", str(db), "search", query, "--mode", "dense", "--json"])
    assert out.exit_code == 0, out.stderr
    return [json.loads(line)["doc_id"] for line in out.stdout.splitlines() if line.startswith("{")]


def test_store_embedded_by_the_server_searches_in_process(server, demo_db, tmp_path, monkeypatch):
    """Embedded through the server under the in-process fp32 name, then searched with no server:
    the same documents as a store embedded in process."""
    served, local = tmp_path / "served.db", tmp_path / "local.db"
    for db in (served, local):
        shutil.copy(demo_db, db)
    monkeypatch.setenv("ARCHIVIST_EMBED_SCOPE", "chunks")
    monkeypatch.setenv("ARCHIVIST_EMBED_PRECISION", "fp32")
    monkeypatch.setenv("ARCHIVIST_EMBEDDER_MODEL", "all-MiniLM-L6-v2@fp32")
    done = runner.invoke(app, ["-d", str(served), "--embedder-url", server, "index", "embed", "--json"])
    assert done.exit_code == 0 and '"embedder": "all-MiniLM-L6-v2@fp32"' in done.stdout, done.stderr
    assert runner.invoke(app, ["-d", str(local), "index", "embed"]).exit_code == 0
    for query in ("crane rental cost", "quarterly budget review", "who moved the offsite"):
        ranked = _dense(local, query)[:5]
        assert ranked and _dense(served, query)[:5] == ranked
