"""A llama.cpp server on a free loopback port for the tests that talk to a real engine
(tests/test_server_loopback.py: the LLM; tests/test_embed_loopback.py: the embedder), and
infinity-emb's (`make serve-embedder-infinity`) for the embedder."""
from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parents[1]
SERVER = Path(os.environ.get("ARCHIVIST_LLAMA_SERVER", ROOT / ".serve/build/bin/llama-server"))
INFINITY = Path(os.environ.get("ARCHIVIST_INFINITY", ROOT / ".serve/infinity/bin/infinity_emb"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def _serving(cmd: list[str], port: int, log: Path, tries: int = 300, env: dict | None = None) -> Iterator[int]:
    """`cmd` started, its output in `log`; yields `port` once /health answers there (or the tries
    run out, or it exits: the test's request then fails and names the server), terminated after."""
    proc = subprocess.Popen(cmd, stdout=log.open("w"), stderr=subprocess.STDOUT, env=env)
    try:
        for _ in range(tries):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1):
                    break
            except OSError:
                if proc.poll() is not None:
                    break
                time.sleep(0.2)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@contextmanager
def llama_server(args: list[str], log: Path) -> Iterator[int]:
    """SERVER started with `args` on a free port, its output in `log`; yields the port once
    /health answers, terminates it after."""
    port = free_port()
    with _serving([str(SERVER), *args, "--host", "127.0.0.1", "--port", str(port)], port, log):
        yield port


@contextmanager
def infinity_server(model_dir: Path, log: Path) -> Iterator[int]:
    """INFINITY serving `model_dir` as `make serve-embedder-infinity` does (torch engine, fp32 on
    the CPU, served as all-MiniLM-L6-v2 under /v1) on a free port, no hub and no warm-up; yields
    the port once /health answers (at the root), terminates it after."""
    port = free_port()
    cmd = [str(INFINITY), "v2", "--model-id", str(model_dir), "--served-model-name", "all-MiniLM-L6-v2",
           "--engine", "torch", "--device", "cpu", "--dtype", "float32", "--no-model-warmup",
           "--no-vector-disk-cache", "--url-prefix", "/v1", "--host", "127.0.0.1", "--port", str(port)]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "DO_NOT_TRACK": "1", "INFINITY_ANONYMOUS_USAGE_STATS": "0"}
    with _serving(cmd, port, log, tries=600, env=env):
        yield port
