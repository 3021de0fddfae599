"""`python -m archivist.demo` (what `make demo` runs): ingest the built-in corpus, then query it.

Each step runs the real `archivist` command a user would type, so the demo doubles as a tour.
"""
from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

DATA = Path(__file__).parent / "demo_data"
QUESTIONS = [
    "Which room is the Q2 planning offsite in, and on which day?",
    "How many emails did maria.chen@northwind-energy.com send in April 2024?",
    "Summarise the crane rental negotiation with Bay Crane.",
]


def steps(db: str) -> list[list[str]]:
    return [
        ["ingest", "-d", db, str(DATA)],
        ["stats", "-d", db],
        ["threads", "-d", db, "--limit", "5"],
        ["search", "-d", db, "crane price ten weeks", "-k", "3"],
        *[["ask", "-d", db, q] for q in QUESTIONS],
    ]


def main() -> int:
    workdir = Path(os.environ.get("ARCHIVIST_DEMO_DIR", ".demo"))
    workdir.mkdir(exist_ok=True)
    db = workdir / "demo.db"
    for suffix in ("", "-wal", "-shm", ".faiss"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    for args in steps(str(db)):
        print(f"\n$ archivist {shlex.join(args)}", flush=True)
        result = subprocess.run([sys.executable, "-m", "archivist", *args])
        if result.returncode != 0:
            print(f"demo step failed with exit code {result.returncode}", file=sys.stderr)
            return result.returncode
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
