"""--embedder-url against a real embedding server on loopback serving the bundled all-MiniLM-L6-v2:
llama.cpp's llama-server (`make serve-llm` builds it) on the f32 GGUF `make serve-embedder`
converts, and infinity-emb's torch engine on the package's own files (`make
serve-embedder-infinity` builds its venv; or one already up at $ARCHIVIST_INFINITY_URL). Each is
skipped, with the reason, where it is absent. Their vectors must match in-process fp32 MiniLM's:
cosine >= 0.999 per text for llama-server (measured >= 0.99999), >= 0.99999 for infinity, which
runs torch as in process (measured 0.99999994, float32 rounding), so a store embedded through
either under the in-process name searches the same in process."""
from __future__ import annotations

import json
import os
import shutil
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from archivist.backends.embed_http import ServerEmbedder, local_tokenizer
from archivist.backends.embedders import load_embedder, minilm_path
from archivist.backends.settings import EmbeddingSettings
from archivist.cli import app
from tests.loopback import INFINITY, SERVER, infinity_server, llama_server

ROOT = Path(__file__).resolve().parents[1]
GGUF = Path(os.environ.get("ARCHIVIST_EMBED_GGUF", ROOT / ".serve/all-MiniLM-L6-v2-f32.gguf"))
INFINITY_URL = os.environ.get("ARCHIVIST_INFINITY_URL", "")  # an infinity server already up (…/v1)
LOWEST = {"llama": 0.999, "infinity": 0.99999}  # the lowest cosine to in-process fp32 allowed

pytestmark = pytest.mark.slow


def _up(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url.rstrip('/')}/models", timeout=5):
            return True
    except OSError:
        return False


@pytest.fixture(scope="module", params=["llama", "infinity"])
def server(request, tmp_path_factory):
    """Each server as its make target starts it (infinity without its warm-up) on a free port, or
    the infinity server at $ARCHIVIST_INFINITY_URL; yields its /v1 URL."""
    log = tmp_path_factory.mktemp("srv") / f"{request.param}.log"
    if request.param == "llama":
        if not SERVER.exists():
            pytest.skip(f"no llama-server at {SERVER} (`make serve-llm` builds it)")
        if not GGUF.exists():
            pytest.skip(f"no MiniLM GGUF at {GGUF} (`make serve-embedder` converts it)")
        with llama_server(["-m", str(GGUF), "--embedding", "--pooling", "mean", "--alias",
                           "all-MiniLM-L6-v2", "--parallel", "2", "--ctx-size", "1024"], log) as port:
            yield f"http://127.0.0.1:{port}/v1"
    elif INFINITY_URL:
        if not _up(INFINITY_URL):
            pytest.skip(f"no infinity server answers at $ARCHIVIST_INFINITY_URL={INFINITY_URL}")
        yield INFINITY_URL
    else:
        if not INFINITY.exists():
            pytest.skip(f"no infinity_emb at {INFINITY} (`make serve-embedder-infinity` builds its venv)")
        with infinity_server(minilm_path(), log) as port:
            yield f"http://127.0.0.1:{port}/v1"


def _texts(demo_store) -> list[str]:
    """What indexing embeds (header and chunk text), a query, and a text past max_seq_length."""
    rows = demo_store.query("SELECT header, text FROM chunks ORDER BY id LIMIT 200")
    return [f"{r['header']}\n{r['text']}" if r["header"] else r["text"] for r in rows] + [
        "What does the crane rental cost per day?", "budget review " * 300, ""]


def test_vectors_match_in_process_minilm(server, demo_store, request):
    texts = _texts(demo_store)
    tok, max_tokens = local_tokenizer(EmbeddingSettings())
    remote = ServerEmbedder(server, tok, max_tokens, batch=16, inflight=2)
    local = load_embedder(EmbeddingSettings(embed_precision="fp32", embed_scope="chunks"), "cpu")
    a, b = remote.embed(texts), local.embed(texts)
    assert remote.name == "all-MiniLM-L6-v2@server" and a.dtype == np.float32 and a.shape == b.shape
    cosines = (a * b).sum(axis=1)
    lowest = LOWEST[request.node.callspec.params["server"]]
    assert cosines.min() >= lowest, f"lowest cosine {cosines.min():.6f} at {texts[cosines.argmin()][:80]!r}"


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
