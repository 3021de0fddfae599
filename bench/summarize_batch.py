"""Batched vs serial summary generation with the default model (SmolLM2-135M-Instruct, transformers
runtime) on CPU: 8 summary prompts of ~600-900 tokens built from Enron messages (the summarize
prompts), 120 new tokens each (summarize's SUMMARY_TOKENS), greedy.

  python bench/summarize_batch.py [--threads 1 2] [--rounds 2] [--prompts 8] [--out FILE]

For each thread count: the serial reference (one `generate` per prompt, summarize's batch_size=1
path) and `generate_batch` in batches of 2, 4 and 8 (prompts sorted by length, as summarize
sends them). Rounds run the configurations forwards then backwards, so load drift on a shared
machine falls on both sides. Reports wall and process CPU seconds (user+sys, all threads),
generated tokens/s, whether each batch size produced the serial texts, and the load average
before and after. Writes bench/results/summarize_batch_cpu.json (or --out).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "results" / "summarize_batch_cpu.json"
MAILDIR = ROOT.parent / "shared" / "data" / "enron" / "maildir"
SIZES = (1, 2, 4, 8)  # 1: the serial reference path
NEW_TOKENS = 120


def messages_text(limit: int = 400) -> list[str]:
    """Bodies of Enron messages (headers dropped), or the demo corpus when the data is absent."""
    files = sorted(p for p in MAILDIR.rglob("*") if p.is_file())[:limit] if MAILDIR.is_dir() else []
    if not files:
        files = sorted((ROOT / "archivist" / "demo_data").rglob("*.eml"))
    bodies = []
    for path in files:
        text = path.read_text(errors="replace")
        body = text.split("\n\n", 1)[-1]
        body = re.sub(r"\s+", " ", body).strip()
        if 200 < len(body) < 3000:
            bodies.append(body)
    return bodies


def build_prompts(llm, n: int) -> list[list]:
    """n summarize prompts whose rendered length runs from ~600 to ~900 tokens."""
    from archivist.answering.prompts import SYSTEM_SUMMARY, USER_SUMMARY, fence
    from archivist.backends.base import Message
    bodies, k, out = messages_text(), 0, []
    for i in range(n):
        target = 600 + (300 * i) // max(1, n - 1)
        blocks: list[str] = []
        while True:
            blocks.append(f"[{len(blocks) + 1}] {bodies[k % len(bodies)]}")
            k += 1
            msgs = [Message("system", SYSTEM_SUMMARY),
                    Message("user", USER_SUMMARY.format(context=fence("\n\n".join(blocks))))]
            size = llm.prompt_ids(msgs).shape[1]
            if size > target + 60:  # a long message overshoots: try the next one instead
                blocks.pop()
            elif size >= target:
                break
        out.append(msgs)
    return out


def measure(llm, prompts, size: int) -> dict:
    from archivist.backends.base import GenerateOptions
    options = GenerateOptions(max_tokens=NEW_TOKENS)
    ordered = sorted(prompts, key=lambda m: sum(len(x.content) for x in m))
    load_before = os.getloadavg()
    wall, cpu = time.perf_counter(), time.process_time()
    if size == 1:
        texts = [llm.generate(m, options=options) for m in ordered]
    else:
        texts = []
        for i in range(0, len(ordered), size):
            texts += llm.generate_batch(ordered[i:i + size], options)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    tokens = sum(llm.count_tokens(t) for t in texts)
    return {"batch": size, "wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "tokens_out": tokens,
            "tokens_per_s_wall": round(tokens / wall, 2), "tokens_per_s_cpu": round(tokens / cpu, 2),
            "load_avg_before": load_before, "load_avg_after": os.getloadavg(), "texts": texts}


def run(threads: list[int], rounds: int, n: int) -> dict:
    import torch
    from archivist.backends.registry import load_llm
    from archivist.backends.settings import ModelSettings
    llm = load_llm(ModelSettings(device="cpu", runtime="transformers"), name="smollm2")
    prompts = build_prompts(llm, n)
    lengths = [int(llm.prompt_ids(m).shape[1]) for m in prompts]
    rows = []
    for t in threads:
        torch.set_num_threads(t)
        measure(llm, prompts[:2], 2)  # warm-up: first-call allocations and kernels
        for r in range(rounds):
            order = SIZES if r % 2 == 0 else SIZES[::-1]
            for size in order:
                row = {"threads": t, "round": r, **measure(llm, prompts, size)}
                print(json.dumps({k: v for k, v in row.items() if k != "texts"}), file=sys.stderr, flush=True)
                rows.append(row)
    return {"model": llm.name, "prompts": n, "prompt_tokens": lengths, "new_tokens": NEW_TOKENS,
            "rows": rows}


def summarise(result: dict) -> dict:
    """Per thread count and batch size: median figures, speed-up vs serial, texts == serial."""
    import statistics
    rows, table = result["rows"], []
    for t in sorted({r["threads"] for r in rows}):
        serial = [r for r in rows if r["threads"] == t and r["batch"] == 1]
        ref_texts = serial[0]["texts"]
        base_wall = statistics.median(r["wall_s"] for r in serial)
        base_cpu = statistics.median(r["cpu_s"] for r in serial)
        for size in SIZES:
            mine = [r for r in rows if r["threads"] == t and r["batch"] == size]
            wall = statistics.median(r["wall_s"] for r in mine)
            cpu = statistics.median(r["cpu_s"] for r in mine)
            table.append({"threads": t, "batch": size, "wall_s": wall, "cpu_s": cpu,
                          "tokens_per_s_wall": round(mine[0]["tokens_out"] / wall, 2),
                          "speedup_wall": round(base_wall / wall, 2), "speedup_cpu": round(base_cpu / cpu, 2),
                          "same_texts_as_serial": all(r["texts"] == ref_texts for r in mine)})
    return {"summary": table}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, nargs="+", default=[1])
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--prompts", type=int, default=8)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    before = os.getloadavg()
    start = time.perf_counter()
    result = run(args.threads, args.rounds, args.prompts)
    result.update(summarise(result))
    for row in result["rows"]:
        row.pop("texts")
    result.update(load_avg_before=before, load_avg_after=os.getloadavg(), cpus=os.cpu_count(),
                  seconds=round(time.perf_counter() - start, 1),
                  note="shared 2-core machine: CPU seconds (process user+sys) beside wall; "
                       "medians over rounds run forwards then backwards")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
