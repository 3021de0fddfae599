"""Kill-and-resume run: `python tools/crash_kills.py RANDOM_KILLS [--points] [--n MESSAGES]` kills an
ingest (with indexing) at every crash point (--points) and at random times, resumes, runs
`archivist verify`, and compares with a clean run; one JSON line per kill, then a total."""
from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archivist.crash import POINTS  # noqa: E402
from tests.test_crash import clean_run, kill_and_resume  # noqa: E402

KEYS = ("documents", "locations", "chunks", "vectors", "thread_units")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("kills", type=int)
    ap.add_argument("--points", action="store_true")
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--within", type=float, default=6.0)
    args = ap.parse_args()
    root = Path(tempfile.mkdtemp(prefix="crash_kills"))
    root, paths, expected = clean_run(root, args.n)
    rng = random.Random(7)
    plan = [(p, None) for p in (POINTS if args.points else ())]
    plan += [(None, rng.uniform(0.5, args.within)) for _ in range(args.kills)]
    total = {"kills": 0, "verify_ok": 0, "equal_to_clean": 0, "lost": 0, "duplicated": 0}
    for i, (point, after) in enumerate(plan):
        rc, got, report = kill_and_resume(root, paths, f"k{i}", crash=point, after=after)
        lost = sum(len(set(expected[k]) - set(got[k])) for k in KEYS)
        dup = sum(len(got[k]) - len(set(got[k])) for k in KEYS)
        row = {"i": i, "point": point, "after_s": after and round(after, 2),
               "killed": rc == -signal.SIGKILL, "verify_ok": bool(report.get("ok")),
               "equal_to_clean": got == expected, "lost": lost, "duplicated": dup}
        print(json.dumps(row), flush=True)
        total["kills"] += row["killed"]
        for key in ("verify_ok", "equal_to_clean"):
            total[key] += row[key]
        total["lost"] += lost
        total["duplicated"] += dup
    print(json.dumps({"bench": "crash_kills", "runs": len(plan), **total,
                      "loadavg": os.getloadavg()}), flush=True)


if __name__ == "__main__":
    main()
