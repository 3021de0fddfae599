"""Benchmark: parse + store (no embeddings) of the Enron set; prints one JSON object on stdout.

    .venv/bin/python bench/ingest.py [--db X] [PATH ...]

Without --db it ingests into a fresh temporary database; with an existing --db it measures a re-run.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
ENRON = ROOT.parent / "shared" / "data" / "enron"


def bench(db: Path, paths: list[Path]) -> dict:
    from archivist.corpus.ingest import ingest_paths
    from archivist.corpus.thread_write import rebuild_threads
    from archivist.corpus.views import thread_sizes
    from archivist.cli.render import ProgressRenderer
    from archivist.store import Store
    with Store(db) as store:
        # drawn only on a terminal; without a listener the ingest skips its per-file estimates
        with ProgressRenderer() as show:
            summary = ingest_paths(store, paths, on_progress=show if sys.stderr.isatty() else None)
        start = time.perf_counter()
        rebuild_threads(store)
        threads_seconds = time.perf_counter() - start
        read_by_kind = dict(store.conn.execute("SELECT kind, sum(n_read) FROM sources GROUP BY kind"))
        return {
            "benchmark": "ingest", "paths": [str(p) for p in paths], "db": str(db),
            "messages_per_s": summary.msgs_per_s, "seconds": summary.seconds,
            "thread_rebuild_seconds": round(threads_seconds, 3),
            **{k: v for k, v in summary.to_dict().items() if k not in ("seconds", "msgs_per_s")},
            "read_by_kind": read_by_kind, "thread_sizes": thread_sizes(store),
            "cpus": os.cpu_count(), "python": platform.python_version(),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path,
                        default=[ENRON / "mbox", ENRON / "maildir"])
    parser.add_argument("--db", type=Path, default=None)
    args = parser.parse_args()
    missing = [p for p in args.paths if not p.exists()]
    if missing:
        sys.exit(f"bench/ingest.py: missing {', '.join(map(str, missing))}")
    if args.db is not None:
        print(json.dumps(bench(args.db, args.paths)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        print(json.dumps(bench(Path(tmp) / "bench.db", args.paths)))


if __name__ == "__main__":
    main()
