"""Fuzz targets for the readers (email, mbox, CSV/JSONL, PDF), shared by tests/test_fuzz.py (a
short run) and tools/fuzz_readers.py (the long run). Seeds are the malformed fixtures; inputs are
seeds mutated by hypothesis (byte flips, splices, truncations, repeats) or raw bytes.

Contract: reading any input yields only Documents and Rejects (no exception escapes), in under
HANG_SECONDS of CPU time per item (CPU, not wall time: the test machine is shared), without runaway memory (PEAK_BYTES of Python allocations)."""
from __future__ import annotations

import functools
import random
import tempfile
import time
import tracemalloc
from pathlib import Path

from hypothesis import strategies as st

from archivist.corpus.parsed import Document, Reject
from archivist.corpus.readers import read_path

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "malformed"
TARGETS = {  # name: (file suffix, fixture suffixes used as seeds)
    "email": (".eml", (".eml",)),
    "mbox": (".mbox", (".mbox", ".eml")),
    "records": (".csv", (".csv", ".jsonl")),
    "jsonl": (".jsonl", (".jsonl", ".csv")),
    "pdf": (".pdf", (".pdf",)),
}
HANG_SECONDS = 2.0
PEAK_BYTES = 512 * 1024 * 1024


@functools.cache
def seeds(target: str) -> tuple[bytes, ...]:
    suffixes = TARGETS[target][1]
    found = [p.read_bytes() for p in sorted(FIXTURES.iterdir()) if p.suffix in suffixes]
    return tuple(found) or (b"",)


@st.composite
def mutated(draw, target: str) -> bytes:
    """A seed with a few random edits, or random bytes."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=4096))
    data = bytearray(draw(st.sampled_from(seeds(target))))
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "repeat"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
        elif op == "delete" and data:
            del data[at:at + draw(st.integers(1, 64))]
        elif op == "truncate":
            del data[at:]
        elif op == "repeat" and data:
            chunk = bytes(data[at:at + draw(st.integers(1, 256))])
            data[at:at] = chunk * draw(st.integers(1, 50))
    return bytes(data)


OPS = ("flip", "insert", "delete", "truncate", "repeat")


def mutate_plain(rng: random.Random, target: str) -> bytes:
    """The same edits as `mutated`, drawn from a plain PRNG: the long run's engine, about 5x the
    executions per second of hypothesis (whose example generation dominates a small reader call)."""
    if rng.randrange(10) == 0:
        return rng.randbytes(rng.randrange(4097))
    data = bytearray(rng.choice(seeds(target)))
    for _ in range(rng.randint(1, 6)):
        op, at = rng.choice(OPS), rng.randrange(max(len(data), 1))
        if op == "flip" and data:
            data[at] = rng.randrange(256)
        elif op == "insert":
            data[at:at] = rng.randbytes(rng.randint(1, 64))
        elif op == "delete" and data:
            del data[at:at + rng.randint(1, 64)]
        elif op == "truncate":
            del data[at:]
        elif op == "repeat" and data:
            data[at:at] = bytes(data[at:at + rng.randint(1, 256)]) * rng.randint(1, 50)
    return bytes(data)


class Outcome:
    def __init__(self) -> None:
        self.executions = self.crashes = self.hangs = self.memory = 0
        self.examples: list[str] = []

    def as_dict(self) -> dict:
        return {"executions": self.executions, "crashes": self.crashes, "hangs": self.hangs,
                "runaway_memory": self.memory, "examples": self.examples[:5]}


def run_one(target: str, data: bytes, outcome: Outcome, measure_memory: bool = True) -> None:
    """Read `data` as a `target` file; record a crash, hang or runaway memory in `outcome`."""
    outcome.executions += 1
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"input{TARGETS[target][0]}"
        path.write_bytes(data)
        if measure_memory:
            tracemalloc.start()
        try:
            last = time.process_time()
            for item in read_path(path):
                now = time.process_time()
                if not isinstance(item, (Document, Reject)):
                    raise TypeError(f"reader yielded {type(item).__name__}")
                if now - last > HANG_SECONDS:
                    outcome.hangs += 1
                    outcome.examples.append(f"hang {target}: {data[:80]!r}")
                last = now
            if time.process_time() - last > HANG_SECONDS:
                outcome.hangs += 1
        except Exception as exc:  # noqa: BLE001 - any exception escaping a reader is the finding
            outcome.crashes += 1
            outcome.examples.append(f"crash {target}: {type(exc).__name__}: {exc}: {data[:80]!r}")
        finally:
            if measure_memory:
                peak = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
                if peak > PEAK_BYTES:
                    outcome.memory += 1
                    outcome.examples.append(f"memory {target}: {peak} bytes")
