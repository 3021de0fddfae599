"""Text helpers shared by backends: stop sequences, choice matching, stream pieces, rough token counts."""
from __future__ import annotations

import re
from typing import Iterable, Iterator

_PIECE = re.compile(r"\s*\S+")


def split_pieces(text: str) -> list[str]:
    """Word pieces (each with its leading whitespace) that join back to exactly text."""
    pieces = _PIECE.findall(text)
    tail = text[sum(len(p) for p in pieces):]
    if tail:
        pieces.append(tail)
    return pieces


def apply_stop(text: str, stop: list[str] | None) -> str:
    """text cut before the earliest stop sequence."""
    cut = len(text)
    for s in stop or []:
        at = text.find(s) if s else -1
        if at != -1:
            cut = min(cut, at)
    return text[:cut]


def stream_with_stop(pieces: Iterable[str], stop: list[str] | None) -> Iterator[str]:
    """Re-chunk a stream so no stop sequence (even one split across pieces) is emitted."""
    if not stop:
        yield from pieces
        return
    hold = max(len(s) for s in stop) - 1
    buf = ""
    for piece in pieces:
        buf += piece
        cut = apply_stop(buf, stop)
        if len(cut) < len(buf):
            if cut:
                yield cut
            return
        if len(buf) > hold:
            yield buf[:len(buf) - hold]
            buf = buf[len(buf) - hold:]
    if buf:
        yield buf


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s-]", " ", text.lower()).split())


def pick_choice(text: str, choices: list[str], strict: bool = False) -> str:
    """The choice text names: exact, then normalised, then (unless strict) first mentioned or
    best word overlap; falls back to choices[0]."""
    if text in choices:
        return text
    norm = _norm(text)
    for c in choices:
        if _norm(c) == norm:
            return c
    if strict:
        return choices[0]
    hits = [(norm.find(_norm(c)), -len(c), i) for i, c in enumerate(choices) if _norm(c) and _norm(c) in norm]
    if hits:
        return choices[min(hits)[2]]
    words = set(norm.split())
    overlap = [(len(words & set(_norm(c).split())), -i) for i, c in enumerate(choices)]
    best = max(overlap)
    return choices[-best[1]] if best[0] > 0 else choices[0]


def approx_tokens(text: str) -> int:
    """A tokenizer-free estimate (~1.3 tokens per word, at least 1 for non-empty text)."""
    n = round(len(text.split()) * 1.3)
    return max(n, 1) if text.strip() else 0
