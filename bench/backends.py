"""Attention vs SSM speed: prefill tok/s, decode ms/token (HF `generate` defaults next to our
static-cache path) and peak memory against context length, random-init weights at real model shapes.

  python bench/backends.py sweep --device cpu --shapes smollm2-135m,mamba2-130m --lengths 512,1024,2048
  python bench/backends.py sweep --device cuda            # 1k..128k, all shapes
  python bench/backends.py default --engine transformers  # the smollm2 GGUF default model
  /tmp/llcpp-venv/bin/python bench/backends.py default --engine llamacpp
  python bench/backends.py default --engine onnx          # onnxruntime-genai, the int4 export

Each (shape, length) point runs in a fresh subprocess so peak memory is per point and an OOM at
long context is recorded instead of ending the sweep."""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
SHAPES = {  # name: (kind, config class, kwargs); vocab and sizes follow the published configs
    "smollm2-135m": ("attention", "LlamaConfig", dict(
        vocab_size=49152, hidden_size=576, intermediate_size=1536, num_hidden_layers=30,
        num_attention_heads=9, num_key_value_heads=3, tie_word_embeddings=True)),
    "mamba2-130m": ("ssm", "Mamba2Config", dict(
        vocab_size=50288, hidden_size=768, num_hidden_layers=24, state_size=128, expand=2,
        head_dim=64, num_heads=24, n_groups=1, chunk_size=256, tie_word_embeddings=True)),
    "llama3.2-1b": ("attention", "LlamaConfig", dict(
        vocab_size=128256, hidden_size=2048, intermediate_size=8192, num_hidden_layers=16,
        num_attention_heads=32, num_key_value_heads=8, tie_word_embeddings=True)),
    "mamba2-1.3b": ("ssm", "Mamba2Config", dict(
        vocab_size=50288, hidden_size=2048, num_hidden_layers=48, state_size=128, expand=2,
        head_dim=64, num_heads=64, n_groups=1, chunk_size=256, tie_word_embeddings=True)),
}
GPU_ONLY = {"llama3.2-1b", "mamba2-1.3b"}
DEFAULTS = {"cpu": ([512, 1024, 2048], 8), "cuda": ([1024, 4096, 16384, 32768, 65536, 131072], 64)}


def build_model(shape: str, length: int, device: str):
    import torch
    import transformers
    kind, cls, kw = SHAPES[shape]
    cfg = getattr(transformers, cls)(**kw)
    if kind == "attention":
        cfg.max_position_embeddings = max(length * 2, 8192)
        cfg._attn_implementation = "sdpa"
    dtype = torch.bfloat16 if device == "cuda" else torch.float32
    torch.manual_seed(0)
    model = transformers.AutoModelForCausalLM.from_config(cfg, dtype=dtype).to(device).eval()
    return kind, model


def _sync(device: str) -> None:
    import torch
    if device == "cuda":
        torch.cuda.synchronize()


def time_prefill(model, ids, device: str) -> float:
    import torch
    with torch.no_grad():
        model(ids[:, :64], logits_to_keep=1)  # warm-up (kernel selection, allocator)
        _sync(device)
        start = time.perf_counter()
        # logits for the last position only, as generate does (full logits are L x vocab floats)
        model(ids, use_cache=True, logits_to_keep=1)
        _sync(device)
    return time.perf_counter() - start


def time_generate_decode(model, ids, new_tokens: int, device: str) -> float:
    """ms per decoded token of plain `generate` (timestamps taken at every step, prefill excluded)."""
    import torch
    from transformers import StoppingCriteria, StoppingCriteriaList
    stamps: list[float] = []

    class Stamp(StoppingCriteria):
        def __call__(self, input_ids, scores, **kw):
            _sync(device)
            stamps.append(time.perf_counter())
            return torch.zeros(input_ids.shape[0], dtype=torch.bool, device=input_ids.device)

    with torch.no_grad():
        model.generate(ids, attention_mask=torch.ones_like(ids), max_new_tokens=new_tokens,
                       min_new_tokens=new_tokens, do_sample=False, pad_token_id=0,
                       stopping_criteria=StoppingCriteriaList([Stamp()]))
    return 1000 * (stamps[-1] - stamps[0]) / max(len(stamps) - 1, 1)


def time_fast_decode(model, ids, new_tokens: int) -> float:
    """ms per token of archivist's static-cache decoder (CUDA graphs on GPU, eager on CPU)."""
    sys.path.insert(0, str(ROOT))
    from archivist.backends.hf_decode import StaticDecoder
    decoder = StaticDecoder(model)
    for _ in decoder.tokens(ids, 8, set()):  # warm-up at the same cache bucket: compile + capture
        pass
    stamps = [time.perf_counter() for _ in decoder.tokens(ids, new_tokens, set())]
    return 1000 * (stamps[-1] - stamps[0]) / max(len(stamps) - 1, 1)


def peak_memory_mb(device: str) -> float:
    import resource
    import torch
    if device == "cuda":
        return torch.cuda.max_memory_allocated() / 2**20
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def measure_point(shape: str, length: int, device: str, new_tokens: int) -> dict:
    import torch
    kind, model = build_model(shape, length, device)
    ids = torch.randint(100, 20000, (1, length), device=device)
    row = {"shape": shape, "kind": kind, "length": length, "device": device,
           "params_m": round(sum(p.numel() for p in model.parameters()) / 1e6, 1)}
    if device == "cuda":
        torch.cuda.reset_peak_memory_stats()
    seconds = time_prefill(model, ids, device)
    row.update(prefill_s=round(seconds, 4), prefill_tok_s=round(length / seconds, 1),
               peak_prefill_mb=round(peak_memory_mb(device), 1))
    row["decode_ms_generate"] = round(time_generate_decode(model, ids, new_tokens, device), 3)
    if kind == "attention":
        row["decode_ms_fast"] = round(time_fast_decode(model, ids, new_tokens), 3)
    row["peak_mb"] = round(peak_memory_mb(device), 1)
    row["load_avg_1m"] = round(os.getloadavg()[0], 2)  # other work on a shared machine skews timings
    return row


def run_point(shape: str, length: int, device: str, new_tokens: int, timeout: int,
              threads: int = 0) -> dict:
    cmd = [sys.executable, __file__, "point", shape, str(length), device, str(new_tokens), str(threads)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"shape": shape, "length": length, "device": device, "error": f"timeout {timeout}s"}
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["?"])[-1][:300]
        return {"shape": shape, "length": length, "device": device, "error": tail}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def environment(device: str) -> dict:
    import torch
    import transformers
    env = {"torch": torch.__version__, "transformers": transformers.__version__,
           "python": platform.python_version(), "cpu_count": os.cpu_count(),
           "load_avg": os.getloadavg()}
    if device == "cuda":
        env["gpu"] = torch.cuda.get_device_name()
    return env


def sweep(args) -> dict:
    lengths, new_tokens = DEFAULTS[args.device]
    lengths = [int(x) for x in args.lengths.split(",")] if args.lengths else lengths
    new_tokens = args.new_tokens or new_tokens
    shapes = args.shapes.split(",") if args.shapes else [
        s for s in SHAPES if args.device == "cuda" or s not in GPU_ONLY]
    rows = []
    for shape in shapes:
        for length in lengths:
            row = run_point(shape, length, args.device, new_tokens, args.timeout, args.threads)
            print(json.dumps(row), file=sys.stderr, flush=True)
            rows.append(row)
    env = {**environment(args.device), "threads": args.threads or os.cpu_count()}
    return {"bench": "backends", "env": env, "new_tokens": new_tokens,
            "results": rows}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    sw = sub.add_parser("sweep", help="attention vs SSM against context length")
    sw.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    sw.add_argument("--shapes", default="", help=f"comma list of {', '.join(SHAPES)}")
    sw.add_argument("--lengths", default="", help="comma list of context lengths")
    sw.add_argument("--new-tokens", type=int, default=0, help="decode steps to time")
    sw.add_argument("--timeout", type=int, default=900, help="seconds per point")
    sw.add_argument("--threads", type=int, default=0, help="CPU threads per point (default: all)")
    sw.add_argument("--out", default="", help="JSON path (default bench/results/backends_<dev>.json)")
    pt = sub.add_parser("point", help="(internal) one measurement, JSON on stdout")
    pt.add_argument("shape"), pt.add_argument("length", type=int)
    pt.add_argument("device"), pt.add_argument("new_tokens", type=int)
    pt.add_argument("threads", type=int, nargs="?", default=0)
    df = sub.add_parser("default", help="prefill/decode speed of the smollm2 GGUF default")
    df.add_argument("--engine", default="transformers", choices=["transformers", "onnx", "llamacpp"])
    df.add_argument("--prompt-tokens", type=int, default=512)
    df.add_argument("--new-tokens", type=int, default=64)
    df.add_argument("--threads", type=int, default=0, help="CPU threads (default: all cores)")
    args = parser.parse_args(argv)
    if args.cmd == "point":
        if args.threads:
            import torch
            torch.set_num_threads(args.threads)
        print(json.dumps(measure_point(args.shape, args.length, args.device, args.new_tokens)))
    elif args.cmd == "default":
        sys.path.insert(0, str(ROOT / "bench"))
        from backends_default import measure_default
        print(json.dumps(measure_default(args.engine, args.prompt_tokens, args.new_tokens, args.threads)))
    else:
        report = sweep(args)
        out = Path(args.out or RESULTS / f"backends_{args.device}.json")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(report, indent=1) + "\n")
        from backends_plot import plot
        plot(report, out.with_suffix(".png"))
        print(json.dumps(report))


if __name__ == "__main__":
    main()
