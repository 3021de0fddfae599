"""Whole-archive summarisation throughput by thread, estimated from a seeded random sample of its
threads (a whole-Enron run on a 2-core CPU takes many hours; a one-day slice is not a fair
sample: its threads are shorter and newer than the archive's).

    python bench/summarize_sample.py --db COPY.db --n 120 --seed 5 [--batch-size 4] [--name NAME]

Summarises the sampled threads (`summarize --by thread` on exactly those groups, into COPY.db: use
a copy, summaries are stored), then reports the sample's messages/s and tokens/s and projects the
whole archive's time as (sample seconds / sample messages) x archive messages, with a bootstrap
interval over threads. JSON (with the load average before and after) on stdout and in
bench/results/summarize_sample_<name>.json.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def sampled_plan(store, n: int, seed: int):
    from archivist.memory import groups as G
    leaves = G.thread_groups(store, None)
    return leaves, G.Plan("thread", [random.Random(seed).sample(leaves, min(n, len(leaves)))])


def bootstrap(rows: list[dict], total_msgs: int, wall: float, seed: int,
              rounds: int = 2000) -> list[float]:
    """5th-95th percentile of the projected whole-archive hours, resampling threads. A group's own
    seconds run from its batch's start to its finish (they overlap), so they are scaled to share
    the run's wall time in proportion."""
    scale = wall / (sum(r["seconds"] for r in rows) or 1)
    rng, out = random.Random(seed), []
    for _ in range(rounds):
        pick = [rng.choice(rows) for _ in rows]
        msgs = sum(r["messages"] for r in pick) or 1
        out.append(sum(r["seconds"] for r in pick) * scale / msgs * total_msgs / 3600)
    out.sort()
    return [round(out[int(0.05 * rounds)], 2), round(out[int(0.95 * rounds)], 2)]


def progress(event) -> None:
    """Status on stderr (the run takes many minutes): each event's stage and line."""
    print(f"{time.strftime('%H:%M:%S')} {event.stage} {event.message}", file=sys.stderr, flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--n", type=int, default=120)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--batch-size", type=int, default=None)
    ap.add_argument("--llm", default=None, help="a backend name (default: the configured one)")
    ap.add_argument("--name", default="cpu")
    args = ap.parse_args()
    from archivist.memory import summarize as S
    from archivist.config import load_settings
    from archivist.memory import groups as G
    from archivist.store import Store
    cli = {"db": args.db, **({"llm": args.llm} if args.llm else {}),
           **({"batch_size": args.batch_size} if args.batch_size is not None else {})}
    settings = load_settings(cli=cli)
    result: dict = {"load_avg_start": os.getloadavg(), "db": args.db, "n": args.n, "seed": args.seed,
                    "llm": settings.model.llm, "batch_size": settings.memory.batch_size}
    with Store(args.db) as store:
        leaves, plan = sampled_plan(store, args.n, args.seed)
        total_msgs = sum(len(g.doc_ids) for g in leaves)
        G.plan = lambda *a, **k: plan  # exactly the sampled threads
        t0 = time.perf_counter()
        run = S.summarize(store, settings, "thread", on_progress=progress)
        wall = time.perf_counter() - t0
    rows = [{"messages": s.n_docs, "seconds": s.seconds, "calls": s.llm_calls,
             "tokens": s.tokens_in + s.tokens_out, "reused": s.reused} for s in run.levels[0]]
    msgs = sum(r["messages"] for r in rows)
    tokens = sum(r["tokens"] for r in rows)
    result.update({
        "archive_threads": len(leaves), "archive_messages": total_msgs,
        "sample_threads": len(rows), "sample_messages": msgs, "reused": sum(r["reused"] for r in rows),
        "llm_calls": sum(r["calls"] for r in rows), "tokens": tokens, "wall_s": round(wall, 1),
        "messages_per_s": round(msgs / wall, 3), "tokens_per_s": round(tokens / wall, 1),
        "threads_without_a_model_call": sum(1 for r in rows if not r["calls"]),
        "projected_archive_hours": round(wall / msgs * total_msgs / 3600, 2),
        "projected_archive_hours_90pct": bootstrap(rows, total_msgs, wall, args.seed),
        "groups": rows,
        "load_avg_end": os.getloadavg()})
    out = ROOT / "bench" / "results" / f"summarize_sample_{args.name}.json"
    out.write_text(json.dumps(result, indent=1))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
