"""An embedder on a server: OpenAI-compatible POST /v1/embeddings (llama-server --embedding, vLLM,
infinity, TEI), selected by the embedder_url setting (--embedder-url).

Batches go out with embed_inflight requests at once and come back in order; connection errors,
429 and 5xx are retried with backoff; a wrong vector count or a dimension other than the first
answer's is a BackendError naming the URL. Vectors come back L2-normalised float32, as the
in-process embedders give them.

The vectors' name is '<served model id>@server' (GET /models): another runtime, like another
precision, so they never mix with in-process vectors by accident. The embedder_model setting names
them instead, e.g. all-MiniLM-L6-v2@fp32 when the server serves that same model (`make
serve-embedder` does: cosine >= 0.99999 to in-process fp32), and then either side embeds for a store.

The `embedder` setting still names the model the server serves, for its tokenizer (a tokenizer.json
here): chunks are cut and token counts taken with it, and texts are cut to the model's
max_seq_length before they are sent, as sentence-transformers cuts them in process. Without one,
token counts are estimated (text.approx_tokens) and lead vectors are not possible.
"""
from __future__ import annotations

import json
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import numpy as np

from archivist.backends.base import Capability, register_embedder
from archivist.backends.openai_http import RETRY_STATUS, Retryable, retry_after
from archivist.backends.settings import EmbeddingSettings
from archivist.backends.text import approx_tokens
from archivist.errors import BackendError, ConfigError

log = logging.getLogger(__name__)

TIMEOUT = 120.0  # seconds a batch may take: 64 chunks of 256 tokens took over 60 s with 4 in flight on 2 cores at load 9
SPECIALS = 2  # [CLS] and [SEP]: counted in max_seq_length, added by the server


def _normalise(vecs: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    return vecs / np.maximum(norms, 1e-12)


def _max_seq_length(model_dir: Path) -> int:
    """The sentence-transformers truncation of a model directory (0: none known)."""
    try:
        return int(json.loads((model_dir / "sentence_bert_config.json").read_text())["max_seq_length"])
    except (OSError, ValueError, KeyError, TypeError):
        return 0


def local_tokenizer(settings: EmbeddingSettings):
    """(TokenizerOnly, max_seq_length) of the model the `embedder` setting names, when its
    tokenizer.json is here; (None, 0) else."""
    from archivist.backends.embedders import MINILM_ID, MINILM_TOKENIZED, TokenizerOnly, minilm_path
    name = settings.embedder or "minilm"
    if name in MINILM_TOKENIZED:
        model_dir, tok_id = minilm_path(), MINILM_ID
    else:
        model_dir = Path(name).expanduser()
        tok_id = name.rstrip("/").split("/")[-1]
    if not (model_dir / "tokenizer.json").is_file():
        return None, 0
    return TokenizerOnly(model_dir / "tokenizer.json", tok_id), _max_seq_length(model_dir)


def served_name(model_id: str) -> str:
    """A served model id as a vectors' name: a file path (llama-server without --alias) is
    reduced to its file name, so moving the file does not orphan the vectors."""
    name = model_id.rstrip("/").split("/")[-1]
    return name[:-5] if name.endswith(".gguf") else name


class ServerEmbedder:
    """Texts embedded by an OpenAI-compatible server at `url` (which ends in /v1)."""

    def __init__(self, url: str, tokenizer=None, max_tokens: int = 0, name: str = "",
                 api_key: str = "", batch: int = 64, inflight: int = 2, timeout: float = TIMEOUT,
                 retries: int = 3, backoff: float = 0.5):
        if not url.startswith(("http://", "https://")):
            raise ConfigError(f"embedder_url must be an http(s) URL, not {url!r}")
        if inflight < 1 or batch < 1:
            raise ConfigError(f"embed_inflight and embed_batch must be at least 1 ({inflight}, {batch})")
        self.url = url.rstrip("/")
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.client = httpx.Client(base_url=self.url, headers=headers,
                                   timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
                                   limits=httpx.Limits(max_connections=inflight + 1))
        self.batch, self.inflight, self.retries, self.backoff = batch, inflight, retries, backoff
        self.local, self.max_tokens = tokenizer, max_tokens
        self.capabilities = frozenset({Capability.TOKEN_LIMIT}) if tokenizer else frozenset()
        if tokenizer is not None:  # chunking reads these: the same chunks as in process
            self.tokenizer, self.tokenizer_id = tokenizer.tokenizer, tokenizer.tokenizer_id
        else:
            self.tokenizer_id = "approx_tokens"
        self.model = self._served_model()
        self.name = name or f"{served_name(self.model or self.url)}@server"
        self.dim = 0
        self.dim = self._post(["probe"]).shape[1]  # the first answer: later ones must match it
        self._pool: ThreadPoolExecutor | None = None

    def _served_model(self) -> str:
        """The id of the server's first model (GET /models); the server being down is an error."""
        try:
            resp = self._attempt(lambda: self._checked(self.client.get("/models")))
            return str((resp.json().get("data") or [{}])[0].get("id") or "")
        except BackendError as exc:
            if "HTTP 404" in str(exc):  # no /models: requests go without a model name
                return ""
            raise
        except (ValueError, AttributeError, IndexError, TypeError):
            return ""

    def _attempt(self, fn):
        """fn() with retries on connection errors, timeouts, 429 and 5xx (exponential backoff)."""
        for attempt in range(self.retries + 1):
            try:
                return fn()
            except (httpx.TransportError, Retryable) as exc:
                reason = f"{type(exc).__name__}: {exc}" if isinstance(exc, httpx.TransportError) else exc
                if attempt == self.retries:
                    raise BackendError(f"embedding server {self.url}: {reason} (after {attempt + 1} "
                                       "tries; is it running? `make serve-embedder` starts one)") from exc
                wait = getattr(exc, "wait", None) or self.backoff * (2 ** attempt)
                log.warning("embedding server %s: %s; retrying in %.1fs", self.url, reason, wait)
                time.sleep(wait)

    def _checked(self, resp: httpx.Response) -> httpx.Response:
        if resp.status_code in RETRY_STATUS:
            raise Retryable(f"HTTP {resp.status_code}", retry_after(resp))
        if resp.status_code >= 400:
            raise BackendError(f"embedding server {self.url}: HTTP {resp.status_code}: {resp.text[:300]}")
        return resp

    def _post(self, texts: list[str]) -> np.ndarray:
        """One batch's vectors, in the order of `texts`, checked for count and dimension."""
        body: dict = {"input": texts, "encoding_format": "float"}
        if self.model:
            body["model"] = self.model
        resp = self._attempt(lambda: self._checked(self.client.post("/embeddings", json=body)))
        try:
            data = resp.json()["data"]
            data = sorted(data, key=lambda d: d.get("index", 0))  # the API may answer out of order
            vecs = np.asarray([d["embedding"] for d in data], dtype=np.float32)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise BackendError(f"embedding server {self.url}: malformed answer: {resp.text[:200]}") from exc
        if vecs.ndim != 2 or len(vecs) != len(texts):
            raise BackendError(f"embedding server {self.url}: {len(data)} vectors for {len(texts)} texts")
        if self.dim and vecs.shape[1] != self.dim:
            raise BackendError(f"embedding server {self.url}: {vecs.shape[1]}-dimension vectors, "
                               f"its first answer had {self.dim}")
        return vecs

    def _cut(self, texts: list[str]) -> list[str]:
        """Texts cut to max_tokens (specials included) with the local tokenizer, as in process."""
        keep = self.max_tokens - SPECIALS
        if self.local is None or keep <= 0:
            return texts
        encs = self.local.tok.encode_batch(texts, add_special_tokens=False)
        return [t[:e.offsets[keep - 1][1]] if len(e.ids) > keep else t for t, e in zip(texts, encs)]

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        texts = self._cut(list(texts))
        parts = [texts[i:i + self.batch] for i in range(0, len(texts), self.batch)]
        if len(parts) == 1 or self.inflight == 1:
            vecs = [self._post(p) for p in parts]
        else:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.inflight, thread_name_prefix="embed-http")
            vecs = list(self._pool.map(self._post, parts))  # map keeps the order of the parts
        return _normalise(np.concatenate(vecs))

    def count_tokens(self, text: str) -> int:
        return self.local.count_tokens(text) if self.local is not None else approx_tokens(text)

    def limit_tokens(self, n: int) -> None:
        self.max_tokens = min(n, self.max_tokens) if self.max_tokens else n


@register_embedder("server")
def make_server(settings: EmbeddingSettings, device: str = "cpu") -> ServerEmbedder:
    """The embedder at settings.embedder_url (the device is the server's business)."""
    if not settings.embedder_url:
        raise ConfigError("the server embedder needs --embedder-url / ARCHIVIST_EMBEDDER_URL")
    tokenizer, max_tokens = local_tokenizer(settings)
    return ServerEmbedder(settings.embedder_url, tokenizer, max_tokens, settings.embedder_model,
                          settings.embedder_api_key, settings.embed_batch, settings.embed_inflight)
