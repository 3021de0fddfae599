"""OpenAI-compatible HTTP backend (vLLM, llama-server, Ollama): chat completions with SSE streaming,
timeouts, retries with backoff, and constrained choice via guided_choice with client-side validation."""
from __future__ import annotations

import json
import logging
import time
from typing import Any, Iterator

import httpx

from archivist.backends.base import GenerateOptions, Message, register_llm
from archivist.backends.json_mode import fill_schema
from archivist.backends.text import apply_stop, approx_tokens, pick_choice, stream_with_stop
from archivist.backends.settings import ModelSettings
from archivist.errors import BackendError, ConfigError

log = logging.getLogger(__name__)

DEFAULT_WINDOW = 8192
RETRY_STATUS = {408, 409, 429, 500, 502, 503, 504}
_WINDOW_KEYS = ("max_model_len", "context_length", "context_window", "n_ctx", "n_ctx_train")


class Retryable(Exception):
    def __init__(self, message: str, wait: float | None = None):
        super().__init__(message)
        self.wait = wait


def retry_after(resp: httpx.Response) -> float | None:
    try:
        return min(float(resp.headers.get("retry-after", "")), 30.0)
    except ValueError:
        return None


class OpenAILLM:
    """Chat completions against base_url (which ends in /v1)."""

    kind = "remote"

    def __init__(self, base_url: str, model: str = "", api_key: str = "", timeout: float = 120.0,
                 retries: int = 3, backoff: float = 0.5, context_window: int | None = None,
                 guided: bool = True):
        if not base_url:
            raise ConfigError("the openai backend needs --base-url / ARCHIVIST_LLM_BASE_URL")
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.client = httpx.Client(base_url=base_url.rstrip("/"), headers=headers,
                                   timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)))
        self.model, self.retries, self.backoff = model, retries, backoff
        self.name = f"openai:{model or base_url}"
        self.guided = guided  # turned off after the server rejects guided_choice once
        self._window = context_window

    @property
    def context_window(self) -> int:
        if self._window is None:
            self._window = self._server_window() or DEFAULT_WINDOW
        return self._window

    def _server_window(self) -> int | None:
        """The served model's context length from GET /models, when the server reports one."""
        try:
            data = self.client.get("/models", timeout=5.0).json().get("data", [])
        except (httpx.HTTPError, ValueError, AttributeError):
            return None
        for entry in data:
            if self.model and entry.get("id") != self.model:
                continue
            for source in (entry, entry.get("meta") or {}):
                for key in _WINDOW_KEYS:
                    if isinstance(source.get(key), int) and source[key] > 0:
                        return source[key]
        return None

    def count_tokens(self, text: str) -> int:
        return approx_tokens(text)

    def _payload(self, messages: list[Message], options: GenerateOptions, stream: bool) -> dict:
        body: dict[str, Any] = {
            "messages": [{"role": m.role, "content": m.content} for m in messages],
            "max_tokens": options.max_tokens, "temperature": options.temperature,
            "seed": options.seed, "stream": stream}
        if self.model:
            body["model"] = self.model
        if options.stop:
            body["stop"] = list(options.stop)[:4]  # the OpenAI API accepts at most 4
        return body

    def _attempt(self, fn):
        """fn() with retries on connection errors, timeouts, 429 and 5xx (exponential backoff)."""
        for attempt in range(self.retries + 1):
            try:
                return fn()
            except (httpx.TransportError, Retryable) as exc:
                if attempt == self.retries:
                    raise BackendError(f"{self.name}: {exc} (after {attempt + 1} tries)") from exc
                wait = getattr(exc, "wait", None) or self.backoff * (2 ** attempt)
                log.warning("%s: %s; retrying in %.1fs", self.name, exc, wait)
                time.sleep(wait)

    def _check(self, resp: httpx.Response) -> None:
        if resp.status_code in RETRY_STATUS:
            resp.read()
            raise Retryable(f"HTTP {resp.status_code}", retry_after(resp))
        if resp.status_code >= 400:
            resp.read()
            raise BackendError(f"{self.name}: HTTP {resp.status_code}: {resp.text[:300]}")

    def _complete(self, body: dict) -> str:
        def call() -> str:
            resp = self.client.post("/chat/completions", json=body)
            self._check(resp)
            try:
                return resp.json()["choices"][0]["message"]["content"] or ""
            except (ValueError, KeyError, IndexError, TypeError) as exc:
                raise BackendError(f"{self.name}: malformed response: {resp.text[:200]}") from exc
        return self._attempt(call)

    def _stream(self, body: dict) -> Iterator[str]:
        """SSE pieces; retried only until the first byte arrives (a half-read answer is not re-sent)."""
        def open_stream():
            req = self.client.build_request("POST", "/chat/completions", json=body)
            resp = self.client.send(req, stream=True)
            try:
                self._check(resp)
            except BaseException:
                resp.close()
                raise
            return resp
        resp = self._attempt(open_stream)
        try:
            for line in resp.iter_lines():
                if not line.startswith("data:"):
                    continue
                data = line[5:].strip()
                if data == "[DONE]":
                    return
                piece = self._delta(data)
                if piece:
                    yield piece
        except httpx.HTTPError as exc:
            raise BackendError(f"{self.name}: stream broke: {exc}") from exc
        finally:
            resp.close()

    def _delta(self, data: str) -> str:
        try:
            event = json.loads(data)
            choice = event["choices"][0] if event.get("choices") else {}
        except (ValueError, KeyError, TypeError) as exc:
            raise BackendError(f"{self.name}: malformed stream event: {data[:200]}") from exc
        return (choice.get("delta") or {}).get("content") or ""

    def generate(self, messages: list[Message], stream: bool = False,
                 options: GenerateOptions | None = None) -> Iterator[str] | str:
        options = options or GenerateOptions()
        if options.choices:
            text = self.choose(messages, options)
        elif options.json_schema:
            text = self.json_object(messages, options)
        elif stream:
            return stream_with_stop(self._stream(self._payload(messages, options, True)), options.stop)
        else:
            text = apply_stop(self._complete(self._payload(messages, options, False)), options.stop)
        return iter([text]) if stream else text

    def choose(self, messages: list[Message], options: GenerateOptions) -> str:
        """guided_choice when the server supports it (vLLM); the reply is validated either way."""
        body = self._payload(messages, options, False)
        body["max_tokens"] = max(len(c) for c in options.choices) + 8
        if self.guided:
            try:
                return pick_choice(self._complete({**body, "guided_choice": options.choices}),
                                   options.choices)
            except BackendError as exc:
                if "HTTP 400" not in str(exc) and "HTTP 422" not in str(exc):
                    raise
                log.info("%s rejects guided_choice; validating free text instead", self.name)
                self.guided = False
        hint = Message("user", "Answer with exactly one of: " + ", ".join(options.choices))
        body["messages"].append({"role": hint.role, "content": hint.content})
        return pick_choice(self._complete(body), options.choices)

    def json_object(self, messages: list[Message], options: GenerateOptions) -> str:
        """response_format json_schema when supported and valid JSON comes back, else field by field."""
        body = self._payload(messages, options, False)
        body["response_format"] = {"type": "json_schema",
                                   "json_schema": {"name": "answer", "schema": options.json_schema}}
        try:
            text = self._complete(body)
            if isinstance(json.loads(text), dict):
                return text
        except (BackendError, ValueError) as exc:
            log.info("%s: no native JSON schema output (%s); filling fields", self.name, exc)
        return fill_schema(lambda m, o: self.generate(m, options=o), messages,
                           options.json_schema, options)


@register_llm("openai")
def make_openai(settings: ModelSettings | None = None, **kw: Any) -> OpenAILLM:
    cfg = settings if settings is not None else ModelSettings()
    args = dict(base_url=cfg.llm_base_url, model=cfg.llm_model, api_key=cfg.llm_api_key,
                timeout=cfg.llm_timeout,
                context_window=cfg.context_window or None)  # None: ask the server
    args.update(kw)
    return OpenAILLM(**args)
