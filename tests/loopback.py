"""A llama.cpp server on a free loopback port for the tests that talk to a real engine
(tests/test_server_loopback.py: the LLM; tests/test_embed_loopback.py: the embedder)."""
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def llama_server(args: list[str], log: Path) -> Iterator[int]:
    """SERVER started with `args` on a free port, its output in `log`; yields the port once
    /health answers, terminates it after."""
    port = free_port()
    proc = subprocess.Popen([str(SERVER), *args, "--host", "127.0.0.1", "--port", str(port)],
                            stdout=log.open("w"), stderr=subprocess.STDOUT)
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=30)
