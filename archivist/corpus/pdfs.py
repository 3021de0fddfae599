"""PDF files through pypdf's text layer; the body marks each page with '[page N]' so spans map back."""
from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

from archivist.corpus.parsed import Document, Location, Reject
from archivist.corpus.textcodec import clean_text


def read_pdf(path: Path) -> Iterator[Document | Reject]:
    """One Document per PDF; meta['pages'] is the page count, meta['page_offsets'] each page's start."""
    from pypdf import PdfReader

    # pypdf logs each repair it makes ("EOF marker not found") straight to stderr; a damaged
    # file's outcome is already reported as a reject or a document, so only errors pass
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            yield Reject(str(path), "", "encrypted PDF (needs a password)")
            return
        pages = list(reader.pages)
    except Exception as exc:  # pypdf raises many error types on damaged files
        yield Reject(str(path), "", f"unreadable PDF: {type(exc).__name__}: {exc}")
        return
    body, offsets, failed = join_pages(pages)
    if not body.replace("[page", "").strip(" \n]0123456789"):
        yield Reject(str(path), "", f"PDF has no text layer ({len(pages)} pages; scanned images?)")
        return
    meta = {"pages": len(pages), "page_offsets": offsets}
    if failed:
        meta["failed_pages"] = failed
    yield Document(kind="pdf", body=body, location=Location(str(path), f"1-{len(pages)}"),
                   title=_title(reader, path), meta=meta)


def join_pages(pages: list) -> tuple[str, list[int], list[int]]:
    parts: list[str] = []
    offsets: list[int] = []
    failed: list[int] = []
    pos = 0
    for number, page in enumerate(pages, start=1):
        try:
            text = clean_text(page.extract_text() or "").replace("\f", "\n").strip()
        except Exception:  # one bad page must not lose the rest
            text = ""
            failed.append(number)
        chunk = f"[page {number}]\n{text}\n\n"
        offsets.append(pos)
        parts.append(chunk)
        pos += len(chunk)
    return "".join(parts).rstrip() + "\n", offsets, failed


def page_of(offset: int, page_offsets: list[int]) -> int:
    """1-based page number holding a character offset of the body."""
    import bisect
    return max(1, bisect.bisect_right(page_offsets, offset))


def _title(reader, path: Path) -> str:
    try:
        title = (reader.metadata or {}).get("/Title") if reader.metadata else None
    except Exception:  # broken info dictionaries are common
        title = None
    return str(title).strip()[:200] if title and str(title).strip() else path.name
