"""Long fuzz run of the readers: `python bench/fuzz_readers.py [EXECUTIONS_PER_TARGET [SECONDS]]`
prints one JSON line per target as it finishes and a total line: executions, crashes, hangs and
runaway-memory counts (and the load). A target stops at its executions or its seconds."""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hypothesis import HealthCheck, given, settings  # noqa: E402

from tests.fuzz_targets import TARGETS, Outcome, mutated, run_one  # noqa: E402


def fuzz(target: str, n: int, seconds: float) -> dict:
    outcome = Outcome()

    @settings(max_examples=min(n, 500), deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(mutated(target))
    def some(data: bytes) -> None:
        run_one(target, data, outcome, measure_memory=outcome.executions % 50 == 0)

    t0 = time.perf_counter()
    while outcome.executions < n and time.perf_counter() - t0 < seconds:
        some()  # rounds of 500 fresh examples each
    result = {"target": target, **outcome.as_dict(), "seconds": round(time.perf_counter() - t0, 1)}
    print(json.dumps(result), flush=True)
    return result


if __name__ == "__main__":
    per_target = int(sys.argv[1]) if len(sys.argv) > 1 else 25_000
    budget = float(sys.argv[2]) if len(sys.argv) > 2 else float("inf")
    results = {t: fuzz(t, per_target, budget) for t in sorted(TARGETS)}
    total = {k: sum(r[k] for r in results.values())
             for k in ("executions", "crashes", "hangs", "runaway_memory")}
    print(json.dumps({"bench": "fuzz_readers", "total": total, "targets": results,
                      "loadavg": os.getloadavg()}))
