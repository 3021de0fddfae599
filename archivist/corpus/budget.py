"""Budgets enforced while reading: streams and line iterators that count what passes through
them and stop with BudgetExceeded the moment a cap in corpus/limits.py is crossed.

Counting on the way in (not measuring the result after) is what keeps a bomb, a 3 MB docx whose
XML expands to 1 GB or a gzip'd CSV with one 1 GB cell, from ever being held in memory."""
from __future__ import annotations

import io
from collections.abc import Iterator
from typing import BinaryIO, TextIO


class BudgetExceeded(Exception):
    """An input went over one of its budgets; the reader turns it into a reject naming both."""

    def __init__(self, budget: str, limit: int, where: str = ""):
        self.budget, self.limit, self.where = budget, limit, where
        at = f" at {where}" if where else ""
        super().__init__(f"over budget: more than {limit:,} {budget}{at}; "
                         "the rest of this input was not read")


class CountingStream(io.RawIOBase):
    """A raw stream over `inner` that raises BudgetExceeded once more than `limit` bytes came out.

    Wrap it in io.BufferedReader to get read1/peek/readline back."""

    def __init__(self, inner: BinaryIO, limit: int, budget: str):
        super().__init__()
        self.inner, self.limit, self.budget, self.count = inner, limit, budget, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.inner.read1(len(buffer)) if hasattr(self.inner, "read1") \
            else self.inner.read(len(buffer))
        self.count += len(data)
        if self.count > self.limit:
            raise BudgetExceeded(self.budget, self.limit)
        buffer[:len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self.inner.close()
        super().close()


def bounded(inner: BinaryIO, limit: int, budget: str) -> io.BufferedReader:
    """`inner` read through a byte budget, buffered."""
    return io.BufferedReader(CountingStream(inner, limit, budget))


def read_capped(stream: BinaryIO, limit: int, chunk: int = 1 << 20) -> bytes:
    """At most `limit` + 1 bytes of `stream` (one more than the cap tells the caller it was
    crossed), read a chunk at a time: a single read(limit + 1) allocates the whole cap up front,
    256 MB for every 1 KB text file, which strict overcommit refuses and tracemalloc counts."""
    chunks, size = [], 0
    while size <= limit:
        piece = stream.read(min(chunk, limit + 1 - size))
        if not piece:
            break
        chunks.append(piece)
        size += len(piece)
    return b"".join(chunks)


def bounded_lines(stream: TextIO, limit: int, budget: str = "characters in one line"
                  ) -> Iterator[str]:
    """The lines of a text stream, each read with readline(limit + 1): a longer line raises
    BudgetExceeded (naming its 1-based number) without ever being held whole."""
    number = 0
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) > limit:
            raise BudgetExceeded(budget, limit, f"line {number}")
        yield line
