"""Entry point of the corpus readers: walk paths, sniff each file, stream Documents and Rejects.

Nothing raises out of read_path: a file or record that cannot be read becomes a Reject with a reason.
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

from archivist.corpus.budget import BudgetExceeded, read_capped
from archivist.corpus.parsed import Document, Location, Reject
from archivist.corpus.mail import parse_email
from archivist.corpus.maildir import is_noise, maildir_place
from archivist.corpus.mbox import mailbox_name, read_mbox
from archivist.corpus.pdfs import read_pdf
from archivist.corpus import limits
from archivist.corpus.record_sets import read_delimited, read_jsonl
from archivist.corpus.sniff import (
    detect_kind, gzip_problem, inner_suffix, is_binary, open_binary, read_sample,
)
from archivist.corpus.texts import read_text
from archivist.corpus.walk import Visited, walk

__all__ = ["read_path", "detect_kind", "read_file", "mailbox_name"]

MAX_EML_BYTES = 64 * 1024 * 1024
_DIGITS = re.compile(r"(\d+)")


def read_path(path: Path, text_field: str | None = None, follow_links: bool = False
              ) -> Iterator[Document | Reject]:
    """Recurse into directories (each once; links to directories only when `follow_links`); pick
    a reader per file by sniffing content AND extension; stream."""
    path = Path(os.path.abspath(path))
    try:
        if path.is_dir():
            visited = Visited(follow_links)
            visited.enter(path, named=True)
            yield from _read_dir(path, text_field, visited)
        elif path.exists():
            yield from read_file(path, text_field)
        else:
            yield Reject(str(path), "", "no such file or directory")
    except Exception as exc:  # last line of defence: the ingest must go on
        yield Reject(str(path), "", f"reader failed: {type(exc).__name__}: {exc}")


def _natural_key(name: str) -> list:
    """'2' before '10', so Enron's numbered files come out in maildir order."""
    return [int(p) if p.isdigit() else p.lower() for p in _DIGITS.split(name)]


def _read_dir(root: Path, text_field: str | None, visited: Visited) -> Iterator[Document | Reject]:
    from archivist.corpus.ingest import entry_problem
    skipped: list[tuple[str, str]] = []
    for dirpath, dirnames, filenames in walk(root, visited, skipped, _skip_dir):
        dirnames.sort(key=_natural_key)
        for name in sorted(filenames, key=_natural_key):
            file = Path(dirpath) / name
            if is_noise(file):
                continue
            problem = entry_problem(file)
            if problem:
                yield Reject(str(file), "", problem)
            else:
                yield from read_file(file, text_field, walk_root=root)
        while skipped:
            where, reason = skipped.pop(0)
            yield Reject(where, "", reason)


def _skip_dir(parent: Path, name: str) -> bool:
    # Maildir tmp/ holds half-delivered messages; hidden dirs other than Maildir++ folders are skipped.
    if name == "tmp" and (parent / "cur").is_dir():
        return True
    return name.startswith(".") and not (parent / "cur").is_dir()


def read_file(path: Path, text_field: str | None = None, walk_root: Path | None = None
              ) -> Iterator[Document | Reject]:
    """Read one file with the reader its content and name call for."""
    position = ""
    try:
        problem = _unreadable(path)
        if problem:
            yield Reject(str(path), "", problem)
            return
        count = 0
        for item in _dispatch(path, detect_kind(path), text_field, walk_root):
            position = item.location.position if isinstance(item, Document) else item.position
            count += isinstance(item, Document)
            if count > limits.MAX_RECORDS_PER_FILE:
                yield Reject(str(path), position, f"more than {limits.MAX_RECORDS_PER_FILE:,} "
                             "records in one file (the cap): the rest of the file was not read")
                return
            yield item
    except BudgetExceeded as exc:  # a cap crossed while reading: the reject names it
        yield Reject(str(path), position, str(exc))
    except Exception as exc:  # keep what was read; record why the rest was not
        yield Reject(str(path), position, f"read stopped: {type(exc).__name__}: {exc}")


def _unreadable(path: Path) -> str:
    try:
        with open(path, "rb") as handle:
            first = handle.read(1)
    except PermissionError:
        return "unreadable: permission denied"
    except OSError as exc:
        return f"unreadable: {exc.strerror or exc}"
    return "" if first else "empty file"


def _dispatch(path: Path, kind: str, text_field: str | None, walk_root: Path | None
              ) -> Iterator[Document | Reject]:
    if kind == "mbox":
        return read_mbox(path)
    if kind == "eml":
        return iter([_read_eml(path, walk_root)])
    if kind in ("csv", "tsv"):
        return read_delimited(path, kind, text_field)
    if kind == "jsonl":
        return read_jsonl(path, text_field)
    if kind in ("txt", "md"):
        return read_text(path, kind)
    if kind == "pdf":
        return read_pdf(path)
    if kind == "pst":
        return _read_pst(path)
    if kind == "msg":
        from archivist.corpus.msg import read_msg
        return read_msg(path, walk_root)
    return iter([Reject(str(path), "", _unknown_reason(path))])


def _read_eml(path: Path, walk_root: Path | None) -> Document | Reject:
    """A single message file (an .eml, or one file of a maildir)."""
    with open_binary(path) as stream:
        raw = read_capped(stream, MAX_EML_BYTES)
    if len(raw) > MAX_EML_BYTES:
        return Reject(str(path), "", f"message larger than {MAX_EML_BYTES} bytes")
    place = maildir_place(path, walk_root)
    if place is None:
        location = Location(str(path), "", "", "")
    else:
        location = Location(str(path), place.position, place.mailbox, place.folder)
    doc = parse_email(raw, location)
    if isinstance(doc, Document) and place is not None:
        doc.meta["maildir_root"] = str(place.root)
    return doc


def _read_pst(path: Path) -> Iterator[Document | Reject]:
    from archivist.corpus.pst import read_pst
    from archivist.corpus.sniff import is_gzip_file
    if is_gzip_file(path):  # libpff needs to seek in the real file
        return iter([Reject(str(path), "", "compressed PST/OST: decompress it first")])
    return read_pst(path)


def _unknown_reason(path: Path) -> str:
    sample = read_sample(path, 4096)
    ext = inner_suffix(path) or "(none)"
    if not sample.strip():
        return gzip_problem(path) or ("empty file (only whitespace)" if sample else "empty file")
    if ext == ".pdf":
        return "named .pdf but has no %PDF header"
    if is_binary(sample):
        return f"binary content, not a supported format (extension {ext})"
    return f"unsupported file type (extension {ext})"
