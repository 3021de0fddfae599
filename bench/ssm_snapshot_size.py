"""SSM state as memory: snapshot size vs the KV cache an attention model keeps for the same text,
and what a question about a group costs when its stored state is restored instead of re-read.

Measured: a tiny random-init Mamba2 (tests/tiny_models.py, fp32, CPU) reading the demo corpus by
thread and by mailbox (`memory read`), then one question per mailbox answered from the restored
state vs by reading the mailbox's documents and the question in one pass. Computed from config:
Mamba2-130m (state-spaces/mamba2-130m: d_model 768, 24 layers, d_state 128, expand 2, head dim 64,
1 group, conv 4) against SmolLM2-135M (Llama family: hidden 576, 30 layers, 9 heads, 3 KV heads).
--measure-130m also builds a random-init Mamba2 of the 130m shape and measures one snapshot.

    .venv/bin/python bench/ssm_snapshot_size.py [--measure-130m]

Prints JSON and writes bench/results/ssm_snapshot_size.json.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MAMBA2_130M = dict(hidden_size=768, num_hidden_layers=24, state_size=128, expand=2, head_dim=64,
                   num_heads=24, n_groups=1, conv_kernel=4, vocab_size=50288)
SMOLLM2_135M = dict(hidden_size=576, num_hidden_layers=30, num_attention_heads=9, num_key_value_heads=3,
                    intermediate_size=1536, vocab_size=49152)
TOKENS = (100, 1_000, 10_000, 100_000)


def computed() -> dict:
    from transformers import LlamaConfig, Mamba2Config
    from archivist.backends import hf_state as S
    mamba, llama = Mamba2Config(**MAMBA2_130M), LlamaConfig(**SMOLLM2_135M)
    out = {}
    for dtype, b in (("float32", 4), ("bfloat16", 2)):
        state = S.state_bytes(mamba, b)
        per_token = S.kv_cache_bytes(llama, 1, b)
        out[dtype] = {"mamba2_130m_state_bytes": state, "smollm2_135m_kv_bytes_per_token": per_token,
                      "break_even_tokens": -(-state // per_token),
                      "smollm2_135m_kv_bytes": {str(n): S.kv_cache_bytes(llama, n, b) for n in TOKENS}}
    return out


def measure_130m() -> dict:
    import torch
    from transformers import AutoModelForCausalLM, Mamba2Config
    from archivist.backends import hf_state as S
    from archivist.backends.stateful import StateTag
    torch.manual_seed(0)
    model = AutoModelForCausalLM.from_config(Mamba2Config(**MAMBA2_130M)).eval()
    _, cache = S.read(model, torch.randint(5, 1000, (1, 64)))
    blob = S.dump(cache, StateTag("mamba2-130m-shape", "float32", "h", 64))
    return {"snapshot_bytes_float32": len(blob), "state_bytes_float32": S.state_bytes(model.config, 4)}


def tiny_demo() -> dict:
    from archivist.memory import ssm_reader as M
    from archivist.backends.registry import load_llm
    from archivist.backends.settings import ModelSettings
    from archivist.corpus.ingest import ingest_paths
    from archivist.backends import hf_state as S
    from archivist.store import Store
    from tests.tiny_models import save_tiny
    tmp = Path(tempfile.mkdtemp(prefix="ssm_bench_"))
    llm = load_llm(ModelSettings(llm="transformers", llm_model=str(save_tiny("ssm", tmp / "m")), device="cpu"))
    out = {}
    with Store(tmp / "demo.db") as store:
        ingest_paths(store, [ROOT / "archivist" / "demo_data"])
        for by in ("thread", "mailbox"):
            t0 = time.perf_counter()
            done = M.read_groups(store, llm, by)
            big = max(done, key=lambda g: g.tokens)
            out[by] = {"groups": len(done), "documents": sum(g.docs for g in done),
                       "tokens_read": sum(g.tokens_read for g in done), "seconds": round(time.perf_counter() - t0, 2),
                       "largest": {"group": big.group, "docs": big.docs, "tokens": big.tokens,
                                   "snapshot_bytes": big.snapshot_bytes, "kv_cache_bytes": big.kv_cache_bytes}}
            again = M.read_groups(store, llm, by)
            out[by]["rerun_documents_read"] = sum(g.read for g in again)
        question = "Which room is the meeting in?"
        asks = []
        for group in M.groups(store, "mailbox"):
            t0 = time.perf_counter()
            got = M.answer(store, llm, group, question, 16, [])
            restored_s = time.perf_counter() - t0
            layout = M.Layout(llm)
            _, pieces = layout.documents(store, group.doc_ids)
            t0 = time.perf_counter()
            ids = layout.ids([layout.head, *pieces, layout.tail(question)])
            llm.generate_from_state(llm.read_state(ids), 16, [])
            asks.append({"group": group.key, "docs": len(group.doc_ids), "restored_tokens_read": got.tokens_in,
                         "restored_seconds": round(restored_s, 3), "one_pass_tokens_read": len(ids),
                         "one_pass_seconds": round(time.perf_counter() - t0, 3)})
        out["ask_mailbox"] = asks
        out["tiny_state_bytes_float32"] = S.state_bytes(llm.model.config, 4)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--measure-130m", action="store_true")
    args = parser.parse_args()
    load_before = os.getloadavg()
    result = {"computed": computed(), "tiny_demo": tiny_demo()}
    if args.measure_130m:
        result["mamba2_130m_random_init"] = measure_130m()
    result["load_average"] = {"before": [round(x, 2) for x in load_before],
                              "after": [round(x, 2) for x in os.getloadavg()]}
    text = json.dumps(result, indent=2)
    print(text)
    (ROOT / "bench" / "results" / "ssm_snapshot_size.json").write_text(text + "\n")


if __name__ == "__main__":
    main()
