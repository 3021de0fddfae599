"""Long fuzz run of the readers:
`python tools/fuzz_readers.py [EXECUTIONS_PER_TARGET [SECONDS]] [--engine plain|hypothesis] [--seed N]`
prints one JSON line per target as it finishes and a total line: executions, crashes, hangs and
runaway-memory counts, executions per second and the load average before and after. A target stops
at its executions or its seconds. The default engine draws the same mutations as the test's
hypothesis strategy from a seeded PRNG (about 5x faster: hypothesis's example generation costs more
than a small reader call); `--engine hypothesis` runs the test's strategy."""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hypothesis import HealthCheck, given, settings  # noqa: E402

from tests.fuzz_targets import TARGETS, Outcome, mutate_plain, mutated, run_one  # noqa: E402


def fuzz_hypothesis(target: str, n: int, seconds: float, outcome: Outcome) -> None:
    @settings(max_examples=min(n, 500), deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(mutated(target))
    def some(data: bytes) -> None:
        run_one(target, data, outcome, measure_memory=outcome.executions % 50 == 0)

    t0 = time.perf_counter()
    while outcome.executions < n and time.perf_counter() - t0 < seconds:
        some()  # rounds of 500 fresh examples each


def fuzz_plain(target: str, n: int, seconds: float, outcome: Outcome, seed: int) -> None:
    rng = random.Random(f"{seed}:{target}")
    t0 = time.perf_counter()
    while outcome.executions < n and time.perf_counter() - t0 < seconds:
        run_one(target, mutate_plain(rng, target), outcome,
                measure_memory=outcome.executions % 50 == 0)


def fuzz(target: str, n: int, seconds: float, engine: str = "plain", seed: int = 0) -> dict:
    outcome, load0, t0 = Outcome(), os.getloadavg(), time.perf_counter()
    if engine == "hypothesis":
        fuzz_hypothesis(target, n, seconds, outcome)
    else:
        fuzz_plain(target, n, seconds, outcome, seed)
    took = time.perf_counter() - t0
    result = {"target": target, **outcome.as_dict(), "seconds": round(took, 1),
              "per_second": round(outcome.executions / max(took, 1e-9), 1),
              "loadavg_before": load0, "loadavg_after": os.getloadavg()}
    print(json.dumps(result), flush=True)
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("per_target", nargs="?", type=int, default=25_000)
    ap.add_argument("seconds", nargs="?", type=float, default=float("inf"))
    ap.add_argument("--engine", choices=("plain", "hypothesis"), default="plain")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    results = {t: fuzz(t, args.per_target, args.seconds, args.engine, args.seed)
               for t in sorted(TARGETS)}
    total = {k: sum(r[k] for r in results.values())
             for k in ("executions", "crashes", "hangs", "runaway_memory")}
    print(json.dumps({"bench": "fuzz_readers", "engine": args.engine, "seed": args.seed,
                      "total": total, "targets": results, "loadavg": os.getloadavg()}))


if __name__ == "__main__":
    main()
