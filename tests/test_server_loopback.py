"""`summarize` and `ask` through a real OpenAI-compatible engine on loopback: llama.cpp's
llama-server built by `make serve-llm` (skipped, with the reason, where it is not built), serving
the bundled SmolLM2 GGUF with continuous batching. The server's own /slots must show requests in
flight together, and every line of the summaries must cite stored documents."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from tests.loopback import SERVER, llama_server

ROOT = Path(__file__).resolve().parents[1]

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not SERVER.exists(), reason=f"no llama-server at {SERVER} (`make serve-llm` builds it)")]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from archivist.backends.registry import find_smollm2_gguf
    log = tmp_path_factory.mktemp("srv") / "server.log"
    with llama_server(["-m", str(find_smollm2_gguf()), "--parallel", "4", "--ctx-size", str(4 * 4096),
                       "--slots"], log) as port:
        yield port


def _busy(port: int, seen: list[int], stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/slots", timeout=2) as r:
                seen.append(sum(1 for s in json.load(r) if s.get("is_processing")))
        except OSError:
            pass
        time.sleep(0.05)


def _cli(db, port, *args):
    return subprocess.run([sys.executable, "-m", "archivist", "-d", str(db), "--llm", "openai", "--base-url",
                           f"http://127.0.0.1:{port}/v1", "--model", "smollm2", *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=600,
                          env={**os.environ, "ARCHIVIST_CONTEXT_WINDOW": "4096"})


def test_summaries_fan_out_to_the_server_with_requests_in_flight(server, demo_db, tmp_path):
    db = tmp_path / "s.db"
    shutil.copy(demo_db, db)
    seen: list[int] = []
    stop = threading.Event()
    watcher = threading.Thread(target=_busy, args=(server, seen, stop), daemon=True)
    watcher.start()
    out = _cli(db, server, "summarize", "--by", "mailbox", "--writer", "model", "--concurrency", "4", "--json")
    stop.set()
    assert out.returncode == 0, out.stderr[-2000:]
    rows = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    totals = rows[-1]["totals"]
    assert totals["llm_calls"] > 4 and totals["model"] == "smollm2"
    assert max(seen) >= 2, f"the server never had two requests at once: {sorted(set(seen))}"
    assert all(line["doc_ids"] for row in rows[:-1] for line in row["overview"] + row["facts"])


def test_ask_through_the_server(server, demo_db):
    out = _cli(demo_db, server, "ask", "What does the crane rental cost per day?", "--strategy", "rag", "--json")
    assert out.returncode in (0, 1), out.stderr[-2000:]
    answer = json.loads(next(line for line in out.stdout.splitlines() if line.startswith("{")))
    assert answer["strategy"] == "rag" and answer["answer"]
