"""Peak resident memory of this process per eval row: Linux resets the high-water mark when "5"
is written to /proc/self/clear_refs; elsewhere the peak since start (ru_maxrss) is reported.

Before the reset, freed memory goes back to the system (a garbage collection, then glibc's
malloc_trim): building a 1M-token corpus in the same process left ~300 MB freed but still resident,
which the next row's peak counted (niah memory at 1M: 1,085 MiB in the suite, 589 MiB with the
corpus built beforehand)."""
from __future__ import annotations

import resource
import sys
from pathlib import Path

CLEAR_REFS = Path("/proc/self/clear_refs")
STATUS = Path("/proc/self/status")


def release() -> None:
    """Freed memory handed back to the system, so a new peak window starts from what is in use."""
    import ctypes
    import gc
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


def reset_peak() -> bool:
    """Start a new peak window; False when the platform cannot (the peak is then since start)."""
    release()
    try:
        CLEAR_REFS.write_text("5")
        return True
    except OSError:
        return False


def peak_mb() -> float:
    """Peak resident set size in MiB since the last reset_peak (or since the process started)."""
    try:
        for line in STATUS.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except (OSError, ValueError, IndexError):
        pass
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(rss / (2**20 if sys.platform == "darwin" else 1024), 1)
