"""Token-aware chunking: emails by paragraph with a header line, records by field, long text with overlap.

Every chunk stands alone (its header names sender, recipients, date and subject) and carries the
character span of its text inside the document body, so citations can point back to the source.
"""
from __future__ import annotations

import hashlib
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from itertools import accumulate
from typing import Any, Callable

from archivist.backends.base import Capability, supports

PARAGRAPH = re.compile(r"\n[ \t]*\n+")
WORD = re.compile(r"\S+")
from archivist.store.filters import QUOTED_ORD  # ords of quoted-text chunks start here (after any body chunks)
MIN_QUOTED_WORDS = 3  # shorter quoted paragraphs ("Thanks,") are not worth a chunk
_QUOTE_PREFIX = re.compile(r"^[ \t]*(?:>[ \t]?)+", re.M)
_HEADER_LINE = re.compile(r"^\W*(?:-{2,}.*|_{5,}|(?:from|sent|to|cc|bcc|date|subject)\s*:.*|.*\bwrote:)\s*$",
                          re.I)


@dataclass
class Chunk:
    doc_id: int
    thread_id: int | None
    unit: str  # doc | thread
    ord: int
    header: str
    text: str
    start: int
    end: int
    n_tokens: int
    content_hash: str = ""

    def embed_text(self) -> str:
        return f"{self.header}\n{self.text}" if self.header else self.text

    def __post_init__(self) -> None:
        if not self.content_hash:
            key = f"{self.unit}\x00{self.header}\x00{self.text}"
            self.content_hash = hashlib.sha1(key.encode("utf-8", "replace")).hexdigest()


class Tokens:
    """Token spans of one text, from the embedder's tokenizer (or words when it has none).

    Given the text's segments (paragraphs), a tokenizer with `span_counts` gives each segment's
    token count without a list entry per token: a count from a segment's start to a segment's end
    is then a difference of sums, and windows inside an oversize segment read that segment's
    spans only (whitespace bounds a segment, so no token crosses it)."""

    def __init__(self, text: str, tokenizer: Any = None, segs: list[tuple[int, int]] | None = None):
        self.text, self.tokenizer = text, tokenizer
        self.starts: list[int] | None = None
        counts = tokenizer.span_counts(text, segs) if segs and text and supports(
            tokenizer, Capability.TOKEN_SPANS) else None
        if counts is None:
            self._read()
            return
        self.segs, self.inner = segs, {}
        self.seg_starts = [s for s, _ in segs]
        self.first = {s: i for i, (s, _) in enumerate(segs)}
        self.last = {e: i for i, (_, e) in enumerate(segs)}
        self.before = list(accumulate(counts, initial=0))  # tokens before segment i

    def _read(self) -> None:
        text, tokenizer = self.text, self.tokenizer
        if tokenizer is not None and text and supports(tokenizer, Capability.TOKEN_SPANS):
            self.starts, self.ends = tokenizer.spans(text)  # HFTokenizerView: no tuple per token
            return
        if tokenizer is not None and text:
            enc = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True,
                            verbose=False)
            spans = [(s, e) for s, e in enc["offset_mapping"] if e > s]
        else:
            spans = [m.span() for m in WORD.finditer(text)]
        self.starts = [s for s, _ in spans]
        self.ends = [e for _, e in spans]

    def _spans(self, start: int, end: int) -> tuple[list[int], list[int]]:
        """(starts, ends) covering [start, end): one segment's when it lies inside one."""
        if self.starts is None:
            k = bisect_right(self.seg_starts, start) - 1
            if k >= 0 and end <= self.segs[k][1]:
                if k not in self.inner:
                    s, e = self.segs[k]
                    starts, ends = self.tokenizer.spans(self.text[s:e])
                    self.inner[k] = [s + x for x in starts], [s + x for x in ends]
                return self.inner[k]
            self._read()
        return self.starts, self.ends

    def count(self, start: int, end: int) -> int:
        """Tokens that lie inside [start, end)."""
        if self.starts is None:
            i, j = self.first.get(start), self.last.get(end)
            if i is not None and j is not None and i <= j:
                return self.before[j + 1] - self.before[i]
        starts, ends = self._spans(start, end)
        return max(0, bisect_right(ends, end) - bisect_left(starts, start))

    def windows(self, start: int, end: int, size: int, overlap: int) -> list[tuple[int, int]]:
        """Character spans of windows of `size` tokens (stride size - overlap) inside [start, end)."""
        starts, ends = self._spans(start, end)
        lo, hi = bisect_left(starts, start), bisect_right(ends, end)
        step = max(1, size - overlap)
        out = []
        for i in range(lo, hi, step):
            j = min(i + size, hi)
            out.append((starts[i], ends[j - 1]))
            if j == hi:
                break
        return out or [(start, end)]


def segments(text: str, by_line: bool = False) -> list[tuple[int, int]]:
    """Non-empty paragraph (or line) spans of a text."""
    sep = re.compile(r"\n+") if by_line else PARAGRAPH
    spans, pos = [], 0
    for m in sep.finditer(text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def pack_spans(segs: list[tuple[int, int]], toks: Tokens, size: int,
               overlap: int) -> list[tuple[int, int]]:
    """Greedy windows of whole segments up to `size` tokens; oversize segments split by tokens.

    The tail segments of a window (up to `overlap` tokens) start the next one, so a sentence on a
    boundary is seen with its neighbours.
    """
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(segs):
        s0, e0 = segs[i]
        if toks.count(s0, e0) > size:
            out.extend(toks.windows(s0, e0, size, overlap))
            i += 1
            continue
        j, end = i + 1, e0
        while j < len(segs) and toks.count(s0, segs[j][1]) <= size:
            end, j = segs[j][1], j + 1
        out.append((s0, end))
        if j >= len(segs):
            break
        back = j  # walk back over tail segments that fit in the overlap
        while back - 1 > i and toks.count(segs[back - 1][0], end) <= overlap:
            back -= 1
        # overlap only when the next window still reaches a new segment
        i = back if back < j and toks.count(segs[back][0], segs[j][1]) <= size else j
    return out


def email_header(doc: dict, recipients: list[str]) -> str:
    sender = doc.get("sender_name") or doc.get("sender") or ""
    to = ", ".join(recipients[:3]) + (" ..." if len(recipients) > 3 else "")
    date = (doc.get("date") or "")[:10]
    return f"From: {sender} | To: {to} | Date: {date} | Subject: {doc.get('title') or ''}"


def other_header(doc: dict) -> str:
    parts = [f"{doc.get('kind', 'text').capitalize()}: {doc.get('title') or ''}"]
    if doc.get("date"):
        parts.append(f"Date: {doc['date'][:10]}")
    return " | ".join(parts)


def chunk_document(doc: dict, recipients: list[str], tokenizer: Any, size: int = 200,
                   overlap: int = 32) -> list[Chunk]:
    """The 'doc' chunks of one documents row: the new text of an email (quoted text when it has
    none), a record field by field, any other text by paragraph."""
    kind = doc.get("kind") or "text"
    text = doc.get("body") or ""
    if kind == "email" and not text.strip():
        text = doc.get("quoted") or ""  # a bare forward: its quoted text is its content
    header = email_header(doc, recipients) if kind == "email" else other_header(doc)
    segs = segments(text, by_line=kind == "record")
    toks = Tokens(text, tokenizer, segs)
    spans = pack_spans(segs, toks, size, overlap) or [(0, 0)]
    return [Chunk(doc["id"], doc.get("thread_id"), "doc", n, header, text[s:e], s, e,
                  toks.count(s, e)) for n, (s, e) in enumerate(spans)]


def normalise_quote(text: str) -> str:
    """Text compared for 'is this quote's original in the archive': no '>' prefixes, one space,
    lower case (a reply re-wraps and re-quotes the lines it quotes)."""
    return " ".join(_QUOTE_PREFIX.sub("", text or "").lower().split())


def _is_header(paragraph: str) -> bool:
    return all(_HEADER_LINE.match(line) for line in _QUOTE_PREFIX.sub("", paragraph).splitlines()
               if line.strip())


def quoted_text(doc: dict, originals: str) -> str:
    """The quoted paragraphs of an email whose original is not in `originals`, '' when none."""
    body, quoted = doc.get("body") or "", doc.get("quoted") or ""
    if doc.get("kind") != "email" or not body.strip() or not quoted.strip():
        return ""
    keep = [quoted[s:e] for s, e in segments(quoted)
            if len(WORD.findall(quoted[s:e])) >= MIN_QUOTED_WORDS
            and normalise_quote(quoted[s:e]) not in originals]
    if all(_is_header(p) for p in keep):  # only attribution lines left: the content is archived
        return ""
    return "\n\n".join(_QUOTE_PREFIX.sub("", p).strip() for p in keep)


def quoted_chunks(doc: dict, header: str, originals: str, tokenizer: Any, size: int = 200,
                  overlap: int = 32, text: str | None = None) -> list[Chunk]:
    """Chunks of an email's quoted history whose original is not in the archive: the quoted
    paragraphs that do not occur in `originals` (normalise_quote of the bodies of the messages
    it could quote), or `text` when the caller computed quoted_text already. Their spans are
    (0, 0): the text is not in the body that citations point into. An email without new text
    already has its quoted text as its content."""
    text = quoted_text(doc, originals) if text is None else text
    if not text:
        return []
    segs = segments(text)
    toks = Tokens(text, tokenizer, segs)
    spans = pack_spans(segs, toks, size, overlap)
    return [Chunk(doc["id"], doc.get("thread_id"), "doc", QUOTED_ORD + n, header, text[s:e], 0, 0,
                  toks.count(s, e)) for n, (s, e) in enumerate(spans)]


def thread_chunk(thread_id: int, docs: list[dict], count_tokens: Callable[[str], int],
                 size: int) -> Chunk | None:
    """The whole thread as one retrievable unit, when it has several messages and fits `size`."""
    if len(docs) < 2:
        return None
    lines = [f"{d.get('sender_name') or d.get('sender') or ''} ({(d.get('date') or '')[:10]}): "
             f"{(d.get('body') or '').strip()}" for d in docs]
    text = "\n\n".join(lines)
    n = count_tokens(text)
    if n > size:
        return None
    header = f"Thread: {docs[0].get('title') or ''} | {len(docs)} messages"
    return Chunk(docs[0]["id"], thread_id, "thread", 0, header, text, 0, 0, n)
