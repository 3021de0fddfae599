"""Crash points for tests: `ARCHIVIST_CRASH_AT=name[:n]` kills the process (SIGKILL, no cleanup)
the n-th time (default 1st) it reaches crash_point(name). Unset, a crash point costs one dict
lookup. Test-only: lets the crash test stop an ingest at every step and check the resume."""
from __future__ import annotations

import os
import signal

_SEEN: dict[str, int] = {}
POINTS = ("source_opened", "batch_committed", "source_done", "threads_rebuilt", "chunked",
          "thread_units", "thread_units_done", "embed_batch", "embedded", "indexed")


def crash_point(name: str) -> None:
    spec = os.environ.get("ARCHIVIST_CRASH_AT")
    if not spec:
        return
    want, _, nth = spec.partition(":")
    if want != name:
        return
    _SEEN[name] = _SEEN.get(name, 0) + 1
    if _SEEN[name] >= int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)
