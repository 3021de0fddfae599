"""Where an answer's time goes, from Enter to the last token: process start, imports, model load,
retrieval, prefill, decode, grounding (the rest is "other": analysis, planning, packing), plus when
the first answer token came. `ask --json` shows it as `timings`; the run log keeps it.

For `archivist ask` Enter is the process's creation (read from /proc on Linux): process_start is the
interpreter's own start-up until archivist's first import, imports the rest until the agent runs.
In chat, and for library calls, Enter is the moment the question is handed over (both are 0).
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

PHASES = ("process_start", "imports", "model_load", "retrieval", "prefill", "decode", "grounding")


def process_age() -> float | None:
    """Seconds since this process was created, or None where /proc cannot tell."""
    try:
        with open("/proc/self/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
        started = int(fields[19]) / os.sysconf("SC_CLK_TCK")  # field 22: start time after boot
        with open("/proc/uptime", "rb") as f:
            uptime = float(f.read().split()[0])
        return max(0.0, uptime - started)
    except (OSError, ValueError, IndexError, KeyError):
        return None


_AGE_AT_IMPORT = process_age()  # archivist/__init__ imports this module first


@dataclass
class Timings:
    """Seconds per phase of one answer (a phase may be entered many times: they add up)."""

    started: float = field(default_factory=time.perf_counter)  # perf_counter at Enter
    spans: dict[str, float] = field(default_factory=dict)
    first_token: float | None = None  # perf_counter of the first answer token
    last_token: float | None = None

    @classmethod
    def since_process_start(cls) -> "Timings":
        """Enter = this process's creation (a one-shot command such as `archivist ask`)."""
        now = time.perf_counter()
        age = process_age()
        if age is None or _AGE_AT_IMPORT is None:
            return cls(started=now)
        boot = min(_AGE_AT_IMPORT, age)
        return cls(started=now - age, spans={"process_start": boot,
                                             "imports": max(0.0, age - boot)})

    def add(self, phase: str, seconds: float) -> None:
        self.spans[phase] = self.spans.get(phase, 0.0) + max(0.0, seconds)

    def token(self, at: float | None = None) -> None:
        """An answer token arrived (the first one is remembered)."""
        at = time.perf_counter() if at is None else at
        if self.first_token is None:
            self.first_token = at
        self.last_token = at

    def to_dict(self, end: float | None = None) -> dict[str, float | None]:
        """{phase}_s for every phase, other_s, first_token_s and total_s (both from Enter)."""
        end = time.perf_counter() if end is None else end
        total = end - self.started
        out: dict[str, float | None] = {f"{p}_s": round(self.spans.get(p, 0.0), 3) for p in PHASES}
        out["other_s"] = round(max(0.0, total - sum(self.spans.get(p, 0.0) for p in PHASES)), 3)
        out["first_token_s"] = None if self.first_token is None \
            else round(self.first_token - self.started, 3)
        out["total_s"] = round(total, 3)
        return out


class Span:
    """`with Span(timings, "retrieval"):` adds the block's wall time (nothing when timings is None)."""

    def __init__(self, timings: Timings | None, phase: str):
        self.timings, self.phase, self.start = timings, phase, 0.0

    def __enter__(self) -> "Span":
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.timings is not None:
            self.timings.add(self.phase, time.perf_counter() - self.start)
