"""Long fuzz run of the readers:
`python tools/fuzz_readers.py [EXECUTIONS_PER_TARGET [SECONDS]] [--engine plain|hypothesis]
[--seed N] [--targets a,b]`
prints one JSON line per target as it finishes and a total line: executions, crashes, hangs and
runaway-memory counts, executions per second, the largest traced Python peak of one execution, the
worker's peak RSS and the load average before and after. A target stops at its executions or its
seconds. The default engine draws the same mutations as the test's hypothesis strategy from a
seeded PRNG (about 5x faster: hypothesis's example generation costs more than a small reader call);
`--engine hypothesis` runs the test's strategy in this process.

The plain engine runs each target in a forked worker watched from here, because libpff (PST) and
the other C code a reader calls can kill or wedge the process where no `except` sees it: a worker
that dies of a signal is a crash, one that makes no progress for WALL_HANG_S is a hang (killed).
Either way the input is re-drawn from the seeded PRNG and saved under tools/results/fuzz_crashes/,
and a new worker goes on with the next input. Inputs of Python-level crashes are saved there too."""
from __future__ import annotations

import argparse
import json
import logging
import multiprocessing as mp
import os
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, given, settings  # noqa: E402

from tests.fuzz_targets import (  # noqa: E402
    TARGETS, Outcome, available, mutate_plain, mutated, run_one, warm_up,
)

CRASHES = Path(__file__).resolve().parent / "results" / "fuzz_crashes"
WALL_HANG_S = 120.0  # wall time, generous: the machine is shared; run_one counts CPU hangs itself
MEASURE_EVERY = 50  # tracemalloc slows an execution several times: measure one in 50


def fuzz_hypothesis(target: str, n: int, seconds: float, outcome: Outcome) -> None:
    @settings(max_examples=min(n, 500), deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(mutated(target))
    def some(data: bytes) -> None:
        run_one(target, data, outcome, measure_memory=outcome.executions % MEASURE_EVERY == 0)

    t0 = time.perf_counter()
    while outcome.executions < n and time.perf_counter() - t0 < seconds:
        some()  # rounds of 500 fresh examples each


def draws(target: str, seed: int, start: int) -> tuple[random.Random, bytes | None]:
    """The PRNG positioned after `start` inputs, and input number `start - 1` (None when 0)."""
    rng, data = random.Random(f"{seed}:{target}"), None
    for _ in range(start):
        data = mutate_plain(rng, target)
    return rng, data


def save(target: str, index: int, data: bytes, why: str) -> str:
    CRASHES.mkdir(parents=True, exist_ok=True)
    path = CRASHES / f"{target}-{index}-{why}.bin"
    path.write_bytes(data)
    return os.path.relpath(path, ROOT)


def _worker(target: str, start: int, n: int, deadline: float, seed: int, done, out) -> None:
    """Inputs start..n-1 (until the deadline); `done` is the number of the one being read."""
    rng, _ = draws(target, seed, start)
    warm_up(target)
    outcome, index = Outcome(), start
    while index < n and time.time() < deadline:
        done.value = index
        data = mutate_plain(rng, target)
        findings = (outcome.crashes, outcome.hangs, outcome.memory)
        run_one(target, data, outcome, measure_memory=index % MEASURE_EVERY == 0)
        if outcome.crashes > findings[0]:
            outcome.examples.append(save(target, index, data, "exception"))
        if (outcome.crashes, outcome.hangs, outcome.memory) != findings:
            out.send(_report(outcome, final=False))  # kept should this worker die later
        index += 1
    done.value = index
    out.send(_report(outcome, final=True))


def _report(outcome: Outcome, final: bool) -> dict:
    return {**outcome.as_dict(), "examples": outcome.examples, "final": final,
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def fuzz_plain(target: str, n: int, seconds: float, outcome: Outcome, seed: int) -> float:
    """Run the target's inputs in supervised workers; the largest worker peak RSS (MB)."""
    ctx, deadline, start, rss = mp.get_context("fork"), time.time() + seconds, 0, 0.0
    while start < n and time.time() < deadline:
        done, (receive, send) = ctx.Value("q", start), ctx.Pipe(duplex=False)
        worker = ctx.Process(target=_worker, args=(target, start, n, deadline, seed, done, send))
        worker.start()
        result = _watch(worker, done, receive)
        if result is not None:  # its last word: final, or the findings before it died
            _merge(outcome, result)
            rss = max(rss, result["peak_rss_mb"])
            if result["final"]:
                break
        index = done.value  # the worker died or wedged reading this input
        if result is not None:
            outcome.executions -= result["executions"]  # counted below, up to this input
        code = worker.exitcode or 0
        why = "hang" if code == -9 else f"signal{-code}" if code < 0 else f"exit{code}"
        outcome.executions += index - start + 1
        outcome.crashes += why != "hang"
        outcome.hangs += why == "hang"
        outcome.examples.append(save(target, index, draws(target, seed, index + 1)[1], why))
        start = index + 1
    return rss


def _watch(worker, done, receive) -> dict | None:
    """The worker's final result; when it died or made no progress for WALL_HANG_S (killed), its
    last partial report (None when it sent none)."""
    seen, since, last = done.value, time.monotonic(), None
    while True:
        while receive.poll(1.0):
            last = receive.recv()
            if last["final"]:
                worker.join()
                return last
        if not worker.is_alive():
            worker.join()
            return last
        if done.value != seen:
            seen, since = done.value, time.monotonic()
        elif time.monotonic() - since > WALL_HANG_S:
            worker.kill()
            worker.join()
            return last


def _merge(outcome: Outcome, result: dict) -> None:
    outcome.executions += result["executions"]
    outcome.crashes += result["crashes"]
    outcome.hangs += result["hangs"]
    outcome.memory += result["runaway_memory"]
    outcome.peak = max(outcome.peak, result["peak_traced_bytes"])
    outcome.documents += result["documents"]
    outcome.rejects += result["rejects"]
    outcome.examples += result["examples"]


def fuzz(target: str, n: int, seconds: float, engine: str = "plain", seed: int = 0) -> dict:
    outcome, load0, t0, rss = Outcome(), os.getloadavg(), time.perf_counter(), None
    if engine == "hypothesis":
        warm_up(target)
        fuzz_hypothesis(target, n, seconds, outcome)
    else:
        rss = fuzz_plain(target, n, seconds, outcome, seed)
    took = time.perf_counter() - t0
    result = {"target": target, **outcome.as_dict(), "peak_rss_mb": rss, "seconds": round(took, 1),
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
    ap.add_argument("--targets", default=",".join(TARGETS), help="comma-separated target names")
    args = ap.parse_args()
    logging.disable(logging.WARNING)  # pypdf logs each repair it makes to stderr: noise here
    names = [t for t in args.targets.split(",") if t]
    missing = [t for t in names if t not in TARGETS or not available(t)]
    results = {t: fuzz(t, args.per_target, args.seconds, args.engine, args.seed)
               for t in names if t not in missing}
    total = {k: sum(r[k] for r in results.values())
             for k in ("executions", "crashes", "hangs", "runaway_memory")}
    total["peak_traced_bytes"] = max((r["peak_traced_bytes"] for r in results.values()), default=0)
    total["peak_rss_mb"] = max((r["peak_rss_mb"] or 0 for r in results.values()), default=0)
    print(json.dumps({"bench": "fuzz_readers", "engine": args.engine, "seed": args.seed,
                      "total": total, "skipped": missing, "targets": results,
                      "loadavg": os.getloadavg()}))


if __name__ == "__main__":
    main()
