"""The default model as an onnxruntime-genai folder: SmolLM2's GGUF, dequantised once by transformers
(hf_load's safetensors cache), re-quantised to int8 by the onnxruntime-genai model builder, entirely
offline, and cached under the user's cache dir. Built lazily on first use (about a minute of CPU
after the dequantised copy exists; the model's status line says so)."""
from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

from archivist.backends import hf_load
from archivist.errors import BackendError

log = logging.getLogger(__name__)

PRECISIONS = ("int8", "int4", "fp32")
# int8 weights (block 32, as the GGUF's Q8_0 embedding) with int8 activations: on the demo's answer
# prompts it agrees with the fp32 model on 95 % of next tokens and writes the same answers, at a
# third of transformers' decode CPU time. int4 decodes faster but changes the answers (77-85 %
# agreement, rambling to the token limit): bench/results/latency_cpu.json, "export_variants".
DEFAULT_PRECISION = "int8"
# int4 as the GGUF holds its layers (Q4_1: asymmetric, block 32) with an int8 head, untied first
# (the builder cannot share a quantized head with the embedding lookup)
EXTRA = {"int4": {"is_symmetric": "false", "matmul_mixed_precision": "last_matmul:int8"}}
TAGS = {"int4": "int4a-h8"}  # cache names say what the export holds: a new recipe, a new folder
CONFIG = "genai_config.json"


def export_dir(gguf: Path, precision: str = DEFAULT_PRECISION) -> Path:
    """Where the export of a GGUF lives (keyed by name, size, mtime and precision, as the
    dequantised cache is)."""
    src = hf_load.Source(str(gguf.parent), gguf.name)
    tag = TAGS.get(precision, precision)
    return hf_load.cache_root() / "onnx-llm" / f"{hf_load.gguf_cache_dir(src).name}-{tag}"


def is_exported(folder: Path) -> bool:
    return (folder / CONFIG).is_file() and (folder / "tokenizer.json").is_file()


def dequantised(gguf: Path) -> Path:
    """The transformers checkpoint folder of a GGUF (converted once; the fp32 cache hf_load keeps)."""
    src = hf_load.Source(str(gguf.parent), gguf.name)
    folder = hf_load.gguf_cache_dir(src)
    if not (folder / "config.json").exists():
        hf_load.load_model(src, "cpu", offline=True)  # writes the cache as a side effect
    if not (folder / "config.json").exists():
        raise BackendError(f"could not write the dequantised copy of {gguf} to {folder}")
    return folder


def untied(checkpoint: Path, out: Path) -> Path:
    """A copy of a tied-embedding checkpoint with its own lm_head weight (else the checkpoint)."""
    import json
    import shutil as sh
    config = json.loads((checkpoint / "config.json").read_text())
    weights = checkpoint / "model.safetensors"
    if not config.get("tie_word_embeddings") or not weights.is_file():
        return checkpoint
    from safetensors.torch import load_file, save_file
    out.mkdir(parents=True, exist_ok=True)
    for f in checkpoint.iterdir():
        if f.is_file() and f.name not in ("model.safetensors", "config.json"):
            sh.copy(f, out / f.name)
    (out / "config.json").write_text(json.dumps({**config, "tie_word_embeddings": False}, indent=1))
    tensors = load_file(weights)
    embed = next((k for k in tensors if k.endswith("embed_tokens.weight")), None)
    if embed is None or "lm_head.weight" in tensors:
        return checkpoint
    tensors["lm_head.weight"] = tensors[embed].clone()
    save_file(tensors, out / "model.safetensors", metadata={"format": "pt"})
    return out


def build(checkpoint: Path, out: Path, precision: str = DEFAULT_PRECISION,
          extra: dict[str, str] | None = None) -> Path:
    """Run the onnxruntime-genai model builder on a transformers checkpoint folder (no network:
    the hub is switched off for the child). The builder is a child process: its imports (torch,
    onnx) and its chatter stay out of this process; a failed run leaves no half folder at out."""
    if precision not in PRECISIONS:
        raise BackendError(f"unknown ONNX precision {precision!r}; use {', '.join(PRECISIONS)}")
    tmp = out.with_name(f"{out.name}.tmp{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    options = {"hf_token": "false", **EXTRA.get(precision, {}), **(extra or {})}
    if "matmul_mixed_precision" in options:
        checkpoint = untied(checkpoint, tmp / "_untied")
    cmd = [sys.executable, "-m", "onnxruntime_genai.models.builder", "-i", str(checkpoint),
           "-o", str(tmp), "-p", precision, "-e", "cpu", "-c", str(tmp / "_cache"),
           "--extra_options", *[f"{k}={v}" for k, v in options.items()]]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
           "TQDM_DISABLE": "1", "TOKENIZERS_PARALLELISM": "false"}
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    for scratch in ("_cache", "_untied"):
        shutil.rmtree(tmp / scratch, ignore_errors=True)
    if proc.returncode != 0 or not is_exported(tmp):
        shutil.rmtree(tmp, ignore_errors=True)
        tail = "\n".join((proc.stderr or proc.stdout or "").strip().splitlines()[-5:])
        raise BackendError(f"ONNX export of {checkpoint} failed (exit {proc.returncode}): {tail}")
    try:
        tmp.rename(out)
    except OSError:  # another process finished the same export first: keep theirs
        shutil.rmtree(tmp, ignore_errors=True)
        if not is_exported(out):
            raise
    return out


def ensure_export(gguf: Path, precision: str = DEFAULT_PRECISION) -> Path:
    """The export folder of gguf, built first when missing (minutes of CPU, once)."""
    out = export_dir(gguf, precision)
    if is_exported(out):
        return out
    log.info("exporting %s to ONNX %s (once; cached in %s)", gguf.name, precision, out)
    out.parent.mkdir(parents=True, exist_ok=True)
    return build(dequantised(gguf), out, precision)
