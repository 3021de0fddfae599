"""Decide what a path holds by looking at its first bytes as well as its name (gzip is see-through)."""
from __future__ import annotations

import gzip
import io
import json
import re
import zlib
from pathlib import Path
from typing import BinaryIO

from archivist.corpus import limits
from archivist.corpus.budget import BudgetExceeded, bounded

GZIP_MAGIC = b"\x1f\x8b"
SAMPLE_BYTES = 16_384
_MBOX_FROM = re.compile(rb"^From \S*\s.*\b\d{1,2}:\d{2}\b.*\b\d{4}\b")
_HEADER_LINE = re.compile(rb"^[\x21-\x39\x3b-\x7e]+[ \t]*:")
_MAIL_FIELDS = {b"from", b"to", b"subject", b"date", b"message-id", b"cc", b"received", b"mime-version",
                b"return-path", b"delivered-to", b"x-from", b"reply-to", b"sender", b"in-reply-to"}
_EXT_KIND = {".mbox": "mbox", ".mbx": "mbox", ".eml": "eml", ".csv": "csv", ".tsv": "tsv", ".tab": "tsv",
             ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".txt": "txt", ".text": "txt", ".log": "txt",
             ".md": "md", ".markdown": "md", ".pdf": "pdf"}
PST_MAGIC = b"!BDN"  # Outlook PST and OST
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound file: Outlook .msg (and old Office)
_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")


def open_binary(path: Path) -> BinaryIO:
    """Open a file for binary reading, transparently gunzipping when it starts with the gzip magic;
    the bytes decompressed count against limits.MAX_DECOMPRESSED_BYTES as they are read."""
    raw = open(path, "rb")
    if raw.read(2) == GZIP_MAGIC:
        raw.seek(0)
        return bounded(gzip.GzipFile(fileobj=raw, mode="rb"),  # type: ignore[return-value]
                       limits.MAX_DECOMPRESSED_BYTES, "bytes decompressed")
    raw.seek(0)
    return io.BufferedReader(raw)  # type: ignore[arg-type]


def is_gzip_file(path: Path) -> bool:
    with open(path, "rb") as raw:
        return raw.read(2) == GZIP_MAGIC


def read_sample(path: Path, size: int = SAMPLE_BYTES) -> bytes:
    """The first `size` bytes of the (decompressed) content; as much as could be read when the file
    is truncated or corrupt (b'' when nothing could)."""
    data = b""
    try:
        with open_binary(path) as stream:
            while len(data) < size:
                piece = stream.read1(size - len(data))
                if not piece:
                    break
                data += piece
    except (OSError, EOFError, zlib.error, BudgetExceeded):
        pass
    return data


def gzip_problem(path: Path) -> str:
    """Why a gzip file cannot be read to the end ('' when it can, or is not gzip)."""
    try:
        if not is_gzip_file(path):
            return ""
        with open_binary(path) as stream:
            while stream.read1(1 << 20):
                pass
    except (OSError, EOFError, zlib.error, BudgetExceeded) as exc:
        return f"corrupt or truncated gzip: {type(exc).__name__}: {exc}"
    return ""


def inner_suffix(path: Path) -> str:
    """The meaningful extension: 'x.csv.gz' -> '.csv', 'x.EML' -> '.eml'."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return suffixes[-1] if suffixes else ""


def is_binary(sample: bytes) -> bool:
    """Mostly control bytes, or NULs in bulk: not a text format we read (PDF is checked first)."""
    if not sample:
        return False
    if sample.count(b"\x00") > max(8, len(sample) // 20):
        return not (sample.startswith((b"\xff\xfe", b"\xfe\xff")))  # UTF-16 text has NULs
    return len(_CONTROL.findall(sample)) > len(sample) // 10


def looks_like_email(sample: bytes) -> bool:
    """An RFC 822 header block: first line is a field, and a mail field appears among the first lines."""
    lines = sample.lstrip(b"\r\n").splitlines()[:30]
    if not lines or not _HEADER_LINE.match(lines[0]):
        return False
    fields = {ln.split(b":", 1)[0].strip().lower() for ln in lines if _HEADER_LINE.match(ln)}
    return len(fields & _MAIL_FIELDS) >= 2 or (b"from" in fields and len(fields) >= 2)


def looks_like_jsonl(sample: bytes) -> bool:
    first = sample.lstrip().split(b"\n", 1)[0].strip()
    if not first.startswith(b"{"):
        return False
    try:
        return isinstance(json.loads(first), dict)
    except ValueError:
        return b"\n" not in sample.lstrip() and len(sample) >= SAMPLE_BYTES  # one line longer than the sample


def is_maildir(path: Path) -> bool:
    """A standard maildir (cur/ and new/) or an Enron-style user folder under a 'maildir' directory."""
    if not path.is_dir():
        return False
    if (path / "cur").is_dir() and (path / "new").is_dir():
        return True
    return any(p.name.lower() == "maildir" for p in [path, *path.parents])


def detect_kind(path: Path) -> str:
    """'mbox'|'maildir'|'eml'|'csv'|'tsv'|'jsonl'|'txt'|'md'|'pdf'|'pst'|'msg'|'unknown' from content
    and name."""
    path = Path(path)
    if path.is_dir():
        return "maildir" if is_maildir(path) else "unknown"
    sample = read_sample(path)
    ext = inner_suffix(path)
    by_ext = _EXT_KIND.get(ext, "")
    if b"%PDF-" in sample[:1024]:
        return "pdf"
    if sample[:4] == PST_MAGIC:
        return "pst"
    if sample[:8] == OLE_MAGIC and (ext == ".msg" or b"_\x00_\x00s\x00u\x00b\x00s\x00t\x00g\x00" in sample):
        return "msg"
    if by_ext == "pdf" or not sample.strip() or is_binary(sample):
        return "unknown"
    return _text_kind(sample, by_ext)


def _text_kind(sample: bytes, by_ext: str) -> str:
    body = sample.lstrip(b"\r\n")
    if body.startswith(b"From ") and _MBOX_FROM.match(body.split(b"\n", 1)[0]):
        return "mbox"
    if by_ext in ("csv", "tsv", "jsonl", "md"):
        return by_ext
    if looks_like_email(sample):
        return "eml"
    if by_ext in ("mbox", "eml"):
        return by_ext  # named as mail but odd inside: the mail reader will explain what is wrong
    if looks_like_jsonl(sample):
        return "jsonl"
    return by_ext or "txt"
