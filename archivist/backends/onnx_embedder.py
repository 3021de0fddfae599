"""int8 ONNX Runtime embedder: the transformer exported once with torch.onnx, dynamically quantised.

The export is cached (~/.cache/archivist/onnx, or $ARCHIVIST_CACHE/onnx) keyed by the model files' size
and mtime, so it costs ~20 s once per model; pooling (mean) and normalisation are done in numpy.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

import numpy as np

from archivist.backends.base import Capability
from archivist.errors import BackendError


def _model_key(model_dir: Path) -> str:
    h = hashlib.sha1()
    for f in sorted(model_dir.rglob("*")):
        if f.is_file():
            h.update(f"{f.relative_to(model_dir)}:{f.stat().st_size}:{int(f.stat().st_mtime)}".encode())
    return h.hexdigest()[:12]


def _max_seq_length(model_dir: Path) -> int:
    cfg = model_dir / "sentence_bert_config.json"
    if cfg.exists():
        return int(json.loads(cfg.read_text()).get("max_seq_length", 256))
    return 256


def export_int8(model_dir: Path, target: Path) -> None:
    """Export the HF transformer to ONNX (fp32), quantise weights to int8, write atomically."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModel

    class Wrapper(torch.nn.Module):  # keyword call: forward()'s positional order varies by version
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    from archivist.backends.quiet import quiet
    with quiet():
        model = Wrapper(AutoModel.from_pretrained(str(model_dir), attn_implementation="eager").eval())
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp, quiet():
        fp32 = Path(tmp) / "model.onnx"
        ids = torch.ones((2, 16), dtype=torch.long)
        axes = {0: "batch", 1: "seq"}
        with torch.no_grad():
            torch.onnx.export(model, (ids, ids, torch.zeros_like(ids)), str(fp32), dynamo=False,
                              input_names=["input_ids", "attention_mask", "token_type_ids"],
                              output_names=["last_hidden_state"], opset_version=17,
                              dynamic_axes={"input_ids": axes, "attention_mask": axes,
                                            "token_type_ids": axes, "last_hidden_state": axes})
        int8 = Path(tmp) / "model.int8.onnx"
        # per-channel scales keep cosine vs fp32 >= 0.99 (per-tensor gave 0.92-0.95 on HotpotQA text)
        quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8, per_channel=True)
        os.replace(int8, target)


class OnnxEmbedder:
    """Mean-pooled, L2-normalised sentence embeddings from an int8 ONNX transformer."""

    capabilities = frozenset({Capability.TOKEN_LIMIT})  # limit_tokens: lead vectors

    def __init__(self, model_dir: Path, model_id: str, cache_dir: Path, batch: int = 64):
        import onnxruntime as ort

        model_dir = Path(model_dir)
        target = Path(cache_dir) / f"{model_id}-{_model_key(model_dir)}.int8pc.onnx"
        try:
            if not target.exists():
                export_int8(model_dir, target)
            self.session = _session(ort, target)
        except Exception as exc:
            raise BackendError(f"int8 ONNX embedder for {model_dir} failed: {exc}") from exc
        self.model_dir = model_dir
        self.fast = _fast_tokenizer(model_dir, _max_seq_length(model_dir))
        self._tokenizer = None
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.max_tokens = _max_seq_length(model_dir)
        self.batch, self.name, self.precision = batch, f"{model_id}@int8", "int8"
        self.dim = int(self.embed(["dimension probe"]).shape[1])

    @property
    def tokenizer(self):
        """The untruncated tokenizer chunking and token counts use; loaded on first use (a search
        process embeds one query with the batch tokenizer and never needs it: ~50 ms saved)."""
        if self._tokenizer is None:
            if self.fast is not None:  # no transformers import: a search process starts ~1 s sooner
                from archivist.backends.static_embedder import HFTokenizerView
                self._tokenizer = HFTokenizerView(_plain_tokenizer(self.model_dir))
            else:
                from transformers import AutoTokenizer
                self._tokenizer = AutoTokenizer.from_pretrained(str(self.model_dir))
        return self._tokenizer

    def _encode(self, texts: list[str]) -> dict:
        if self.fast is None:
            return self.tokenizer(texts, padding=True, truncation=True, max_length=self.max_tokens,
                                  return_tensors="np")
        encs = self.fast[0].encode_batch(texts)  # [CLS] .. [SEP], truncated, padded to the longest
        return {"input_ids": np.array([e.ids for e in encs], dtype=np.int64),
                "attention_mask": np.array([e.attention_mask for e in encs], dtype=np.int64),
                "token_type_ids": np.array([e.type_ids for e in encs], dtype=np.int64)}

    def _run(self, texts: list[str]) -> np.ndarray:
        enc = self._encode(texts)
        feed = {k: enc[k].astype(np.int64) for k in ("input_ids", "attention_mask", "token_type_ids")
                if k in self.inputs and k in enc}
        if "token_type_ids" in self.inputs and "token_type_ids" not in feed:
            feed["token_type_ids"] = np.zeros_like(feed["input_ids"])
        hidden = self.session.run(None, feed)[0]
        mask = enc["attention_mask"][..., None].astype(np.float32)
        return (hidden * mask).sum(1) / np.maximum(mask.sum(1), 1e-9)

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, getattr(self, "dim", 0)), dtype=np.float32)
        # Batches of similar length waste little on padding; results go back in input order.
        order = np.argsort([-len(t) for t in texts], kind="stable")
        parts = []
        for i in range(0, len(texts), self.batch):
            idx = order[i:i + self.batch]
            parts.append((idx, self._run([texts[j] for j in idx])))
        out = np.zeros((len(texts), parts[0][1].shape[1]), dtype=np.float32)
        for idx, vecs in parts:
            out[idx] = vecs
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer(text, add_special_tokens=False, verbose=False)["input_ids"])

    def limit_tokens(self, n: int) -> None:
        """Embed only a text's first n tokens, [CLS] and [SEP] included."""
        self.max_tokens = min(n, self.max_tokens)
        if self.fast is not None:
            self.fast[0].enable_truncation(max_length=self.max_tokens)


def _session(ort, target: Path):
    """An InferenceSession over the int8 model. The graph optimisations (fusions: ~0.1 s CPU per
    process, most of a search's session start) are applied once and the optimised graph is cached
    beside the model, keyed by the ONNX Runtime version; later processes load it with optimisation
    off. Its outputs are bit-identical to optimising at load (tests/test_onnx_session.py).
    EXTENDED, not ALL: ALL adds layout changes tied to the CPU, none of which a BERT graph uses."""
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = os.cpu_count() or 1
    # Spinning workers starve the FTS query that hybrid search overlaps with the query
    # embedding (7.4 vs 4.7 ms p50 on 2 cores); batch throughput is the same without it.
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    optimised = optimised_path(target, ort.__version__)
    if optimised.exists():
        try:
            opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
            return ort.InferenceSession(str(optimised), opts, providers=["CPUExecutionProvider"])
        except Exception:  # a damaged cache file: optimise from the model again and rewrite it
            pass
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
    tmp = optimised.with_name(optimised.name + f".tmp{os.getpid()}")
    if os.access(target.parent, os.W_OK):  # a read-only cache directory: optimise in memory only
        opts.optimized_model_filepath = str(tmp)
    session = ort.InferenceSession(str(target), opts, providers=["CPUExecutionProvider"])
    if tmp.exists():
        os.replace(tmp, optimised)  # atomic: a concurrent process reads the old or the whole new
    return session


def optimised_path(target: Path, ort_version: str) -> Path:
    return target.with_name(f"{target.stem}.ort{ort_version}.opt.onnx")


def _fast_tokenizer(model_dir: Path, max_tokens: int):
    """(batch tokenizer: truncating and padding, None) from tokenizer.json, or None; the plain
    tokenizer is loaded on first use (_plain_tokenizer)."""
    path = model_dir / "tokenizer.json"
    if not path.exists():
        return None
    from tokenizers import Tokenizer
    batch = Tokenizer.from_file(str(path))
    pad = batch.token_to_id("[PAD]")
    batch.enable_truncation(max_length=max_tokens)
    batch.enable_padding(pad_id=pad if pad is not None else 0, pad_token="[PAD]")
    return batch, None


def _plain_tokenizer(model_dir: Path):
    """tokenizer.json without truncation or padding (chunking counts every token)."""
    from tokenizers import Tokenizer
    plain = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    plain.no_truncation()
    plain.no_padding()
    return plain
