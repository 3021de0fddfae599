"""The default model as an onnxruntime-genai folder: SmolLM2's GGUF, dequantised once by transformers
(hf_load's safetensors cache), re-quantised to int4 by the onnxruntime-genai model builder, entirely
offline, and cached under the user's cache dir. Built lazily on first use (about a minute) or by
`archivist models prepare`."""
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

PRECISIONS = ("int4", "int8", "fp32")
# int4 RTN, block 32, int8 activations (accuracy_level 4, the CPU default): 22 ms/token CPU time
# against int8's 37 on this machine; the tied embedding stays fp32 for the input lookup
DEFAULT_PRECISION = "int4"
CONFIG = "genai_config.json"


def export_dir(gguf: Path, precision: str = DEFAULT_PRECISION) -> Path:
    """Where the export of a GGUF lives (keyed by name, size, mtime and precision, as the
    dequantised cache is)."""
    src = hf_load.Source(str(gguf.parent), gguf.name)
    return hf_load.cache_root() / "onnx-llm" / f"{hf_load.gguf_cache_dir(src).name}-{precision}"


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
    options = {"hf_token": "false", **(extra or {})}
    cmd = [sys.executable, "-m", "onnxruntime_genai.models.builder", "-i", str(checkpoint),
           "-o", str(tmp), "-p", precision, "-e", "cpu", "-c", str(tmp / "_cache"),
           "--extra_options", *[f"{k}={v}" for k, v in options.items()]]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
           "TQDM_DISABLE": "1", "TOKENIZERS_PARALLELISM": "false"}
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    shutil.rmtree(tmp / "_cache", ignore_errors=True)
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
