"""A small OpenAI-compatible chat server on 127.0.0.1 for tests: deterministic replies, SSE
streaming, guided_choice, /v1/models, and injectable failures (429s, rejected guided_choice)."""
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
