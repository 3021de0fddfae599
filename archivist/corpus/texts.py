"""Plain text and Markdown files: one Document each, titled by the first heading or line."""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from archivist.corpus.budget import read_capped
from archivist.corpus.parsed import Document, Location, Reject
from archivist.corpus.sniff import open_binary
from archivist.corpus.textcodec import clean_text, detect_encoding

MAX_TEXT_BYTES = 256 * 1024 * 1024
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", re.M)


def read_text(path: Path, kind: str) -> Iterator[Document | Reject]:
    """The whole file as one Document (kind 'text'); meta['format'] is 'txt' or 'md'."""
    with open_binary(path) as stream:
        data = read_capped(stream, MAX_TEXT_BYTES)
    if len(data) > MAX_TEXT_BYTES:
        yield Reject(str(path), "", f"text file larger than {MAX_TEXT_BYTES} bytes")
        return
    text = clean_text(data.decode(detect_encoding(data[:262_144]), "replace")).lstrip("\ufeff")
    if not text.strip():
        yield Reject(str(path), "", "empty text file")
        return
    yield Document(kind="text", body=text, location=Location(str(path), ""),
                   title=text_title(text, path, kind), meta={"format": kind, "chars": len(text)})


def text_title(text: str, path: Path, kind: str) -> str:
    """First Markdown heading, else the first non-empty line (trimmed), else the file name."""
    if kind == "md":
        match = _MD_HEADING.search(text[:20_000])
        if match:
            return match.group(1).strip()[:200]
    for line in text.split("\n", 50)[:50]:
        line = line.strip().lstrip("#").strip()
        if line:
            return line[:120]
    return path.name
