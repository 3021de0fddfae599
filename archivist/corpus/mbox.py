"""Streaming mbox splitter over a binary (optionally gzip) stream: one message in memory at a time.

mailbox.mbox needs a seekable plain file and indexes it whole; this reads line by line, splits on
'From ' separator lines (blank line before, a time and a year on the line) and undoes >From quoting.
"""
from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from archivist.corpus.parsed import Document, Location, Reject
from archivist.corpus.mail import parse_email
from archivist.corpus.sniff import open_binary

MAX_MESSAGE_BYTES = 64 * 1024 * 1024
_SEPARATOR = re.compile(rb"From \S*\s.*\b\d{1,2}:\d{2}\b.*\b\d{4}\b")
_ESCAPED_FROM = re.compile(rb"^>(>*From )", re.M)
CHUNK_BYTES = 1 << 20


@dataclass
class RawMessage:
    index: int
    offset: int  # byte offset of the message (its separator line) in the uncompressed stream
    data: bytes
    problem: str = ""  # set when the message could not be read whole


def mailbox_name(path: Path) -> str:
    """'beck-s.mbox.gz' -> 'beck-s'; 'All mail.mbox' -> 'All mail'."""
    name = path.name
    for suffix in (".gz", ".mbox", ".mbx", ".mbs"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    return name or path.name


def read_mbox(path: Path) -> Iterator[Document | Reject]:
    """Every message of an mbox (.mbox or .mbox.gz) as a Document or a Reject."""
    source, mailbox = str(path), mailbox_name(path)
    for raw in split_mbox(path):
        if raw.problem:
            yield Reject(source, str(raw.index), raw.problem)
            continue
        doc = parse_email(raw.data, Location(source, str(raw.index), mailbox, ""))
        if isinstance(doc, Document):
            doc.meta["mbox_offset"] = raw.offset
        yield doc


def split_mbox(path: Path) -> Iterator[RawMessage]:
    """Raw messages in file order; a broken stream ends with a RawMessage carrying a problem."""
    splitter = _Splitter()
    try:
        with open_binary(path) as stream:
            while chunk := stream.read1(CHUNK_BYTES):  # read1: a truncated gzip still gives its data
                yield from splitter.feed(chunk)
    except (EOFError, OSError, zlib.error) as exc:  # truncated/corrupt gzip or a read error
        yield from splitter.finish(truncated=True)
        yield RawMessage(splitter.index, splitter.offset, b"", f"stream ended early ({type(exc).__name__}: "
                         f"{exc}); the messages before this point were read")
        return
    yield from splitter.finish(truncated=False)


class _Splitter:
    """Chunk-fed splitter; holds only the unfinished tail (the current message)."""

    def __init__(self) -> None:
        self.buf = b""
        self.index = 0
        self.offset = 0  # stream offset of buf[0]
        self.skipping = False  # inside an oversized message: drop bytes until the next separator

    def feed(self, chunk: bytes) -> Iterator[RawMessage]:
        self.buf += chunk
        pos = 0
        for start in self._candidates():
            line_end = self.buf.find(b"\n", start)
            if line_end < 0:
                break  # separator line not complete yet
            if not _SEPARATOR.match(self.buf, start, line_end):
                continue
            yield from self._emit(self.buf[pos:start], self.offset + pos)
            pos = start
        self._keep_from(pos)

    def _candidates(self) -> Iterator[int]:
        """Starts of 'From ' lines that follow a blank line (or open the stream); bytes.find is fast."""
        buf = self.buf
        if self.offset == 0 and buf.startswith(b"From "):
            yield 0
        i = buf.find(b"\nFrom ", 1)
        while i >= 0:
            if buf[i - 1:i] == b"\n" or buf[i - 2:i] == b"\n\r":
                yield i + 1
            i = buf.find(b"\nFrom ", i + 6)

    def _keep_from(self, pos: int) -> None:
        self.buf, self.offset = self.buf[pos:], self.offset + pos
        if len(self.buf) > MAX_MESSAGE_BYTES:
            self.skipping = True
            keep = self.buf[-8:]  # enough to see a '\n\nFrom ' that straddles chunks
            self.offset += len(self.buf) - len(keep)
            self.buf = keep

    def finish(self, truncated: bool) -> Iterator[RawMessage]:
        data = self.buf + (b"\n" if truncated else b"")
        yield from self._emit(data, self.offset)
        self.buf = b""

    def _emit(self, block: bytes, offset: int) -> Iterator[RawMessage]:
        if self.skipping:
            self.skipping = False
            yield RawMessage(self.index, offset, b"", f"message larger than {MAX_MESSAGE_BYTES} bytes; skipped")
            self.index += 1
            return
        if block.startswith(b"From "):
            block = block[block.find(b"\n") + 1:] if b"\n" in block else b""
        if not block.strip():
            return
        if b">From " in block:
            block = _ESCAPED_FROM.sub(rb"\1", block)
        yield RawMessage(self.index, offset, block)
        self.index += 1
