"""A small OpenAI-compatible server on 127.0.0.1 for tests: deterministic chat replies, SSE
streaming, guided_choice, /v1/models, /v1/embeddings (stub_vector), and injectable failures (429s,
rejected guided_choice, dropped connections, wrong vector counts and dimensions)."""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def reply_for(body: dict) -> str:
    """The stub's deterministic answer: it repeats the start of the first user message."""
    last = next((m["content"] for m in body["messages"] if m["role"] == "user"), "")
    words = last.split()[:8]
    return f"You asked: {' '.join(words)}. The answer is room 42, on Thursday."


def stub_vector(text: str, dim: int = 8) -> list[float]:
    """The stub's deterministic, unnormalised embedding of a text (distinct for t0, t1, ...)."""
    code = sum((i + 1) * ord(c) for i, c in enumerate(text))
    return [float(len(text) + 1), float(code % 997 + 1)] + [float((code >> k) % 7) for k in range(dim - 2)]


@dataclass
class StubState:
    fail_next: int = 0  # answer this many chat requests with 429 first
    reject_guided: bool = False  # answer guided_choice / response_format with HTTP 400
    context_window: int = 4096
    requests: list[dict] = field(default_factory=list)
    delay: float = 0.0  # seconds each chat answer takes, to see concurrent requests overlap
    in_flight: int = 0
    max_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    embed_dim: int = 8
    embed_requests: int = 0  # answered /v1/embeddings requests
    reset_next: int = 0  # drop this many embedding requests' connections without an answer
    fail_embed: int = 0  # answer this many embedding requests with 503 first
    wide_after: int = -1  # from this answered embedding request on, vectors have embed_dim + 1
    drop_vector: bool = False  # one vector short
    shuffle: bool = False  # answer data in reverse order (each item keeps its index)


class Handler(BaseHTTPRequestHandler):
    state: StubState

    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def _json(self, status: int, obj: dict) -> None:
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        if self.path.rstrip("/") == "/v1/models":
            self._json(200, {"data": [{"id": "stub", "max_model_len": self.state.context_window}]})
        else:
            self._json(404, {"error": "not found"})

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        self.state.requests.append(body)
        if self.path.rstrip("/") == "/v1/embeddings":
            return self._embeddings(body)
        if self.path.rstrip("/") != "/v1/chat/completions":
            return self._json(404, {"error": "not found"})
        if self.state.fail_next > 0:
            self.state.fail_next -= 1
            return self._json(429, {"error": "slow down"})
        structured = "guided_choice" in body or "response_format" in body
        if structured and self.state.reject_guided:
            return self._json(400, {"error": "unknown field"})
        text = body["guided_choice"][-1] if body.get("guided_choice") else reply_for(body)
        if self.state.delay:
            self._wait()
        for stop in body.get("stop") or []:
            text = text.split(stop)[0]
        if body.get("stream"):
            return self._sse(text)
        self._json(200, {"choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                                      "finish_reason": "stop"}]})

    def _embeddings(self, body: dict) -> None:
        state = self.state
        if state.reset_next > 0:
            state.reset_next -= 1
            self.close_connection = True  # no answer at all: the client sees the connection drop
            return
        if state.fail_embed > 0:
            state.fail_embed -= 1
            return self._json(503, {"error": "loading"})
        if state.delay:
            self._wait()
        with state.lock:
            n = state.embed_requests
            state.embed_requests += 1
        dim = state.embed_dim + (1 if 0 <= state.wide_after <= n else 0)
        texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
        data = [{"object": "embedding", "index": i, "embedding": stub_vector(t, dim)}
                for i, t in enumerate(texts)]
        data = data[:-1] if state.drop_vector else data
        self._json(200, {"object": "list", "model": "stub", "data": data[::-1] if state.shuffle else data})

    def _wait(self) -> None:
        import time
        with self.state.lock:
            self.state.in_flight += 1
            self.state.max_in_flight = max(self.state.max_in_flight, self.state.in_flight)
        time.sleep(self.state.delay)
        with self.state.lock:
            self.state.in_flight -= 1

    def _sse(self, text: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        words = text.split(" ")
        for i, word in enumerate(words):
            piece = word if i == 0 else " " + word
            event = {"choices": [{"index": 0, "delta": {"content": piece}}]}
            self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
            self.wfile.flush()
        self.wfile.write(b"data: [DONE]\n\n")


class StubServer:
    """Context manager: a ThreadingHTTPServer on a free port; .url ends in /v1."""

    def __init__(self):
        self.state = StubState()
        handler = type("BoundHandler", (Handler,), {"state": self.state})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> "StubServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
