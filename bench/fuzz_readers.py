"""Long fuzz run of the readers: `python bench/fuzz_readers.py [EXECUTIONS_PER_TARGET]` prints one
JSON line with executions, crashes, hangs and runaway-memory counts per target (and the load)."""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hypothesis import HealthCheck, given, settings  # noqa: E402

from tests.fuzz_targets import TARGETS, Outcome, mutated, run_one  # noqa: E402


def fuzz(target: str, n: int) -> dict:
    outcome = Outcome()

    @settings(max_examples=n, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(mutated(target))
    def one(data: bytes) -> None:
        run_one(target, data, outcome, measure_memory=outcome.executions % 50 == 0)

    t0 = time.perf_counter()
    one()
    return {**outcome.as_dict(), "seconds": round(time.perf_counter() - t0, 1)}


if __name__ == "__main__":
    per_target = int(sys.argv[1]) if len(sys.argv) > 1 else 25_000
    results = {t: fuzz(t, per_target) for t in sorted(TARGETS)}
    total = {k: sum(r[k] for r in results.values())
             for k in ("executions", "crashes", "hangs", "runaway_memory")}
    print(json.dumps({"bench": "fuzz_readers", "total": total, "targets": results,
                      "loadavg": os.getloadavg()}))
