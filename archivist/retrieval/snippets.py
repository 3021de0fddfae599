"""Search-result snippets centred on the words that matched, cut at word boundaries, with the
character spans of the matches so a terminal can highlight them (plain text when piped)."""
from __future__ import annotations

import re

WIDTH = 160
STOP = frozenset("the a an and or of to in on for is are was were be by with at from as it this that "
                 "what which who how when where did does do about".split())
WORD = re.compile(r"\w[\w'-]*", re.UNICODE)


def query_terms(query: str) -> list[str]:
    """Lowercased content words of the query (stop words and one-letter words dropped)."""
    return [w for w in dict.fromkeys(w.lower() for w in WORD.findall(query))
            if len(w) > 1 and w not in STOP]


def _stem(term: str) -> str:
    """A prefix that also matches plural and -ing/-ed forms ('prices' finds 'price')."""
    return term[:max(4, len(term) - 3)] if len(term) > 5 else term


def match_spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """(start, end) of every word in text that begins with a query term's stem."""
    stems = [_stem(t) for t in terms]
    return [(m.start(), m.end()) for m in WORD.finditer(text)
            if any(m.group().lower().startswith(s) for s in stems)]


def _best_start(spans: list[tuple[int, int]], width: int) -> int:
    """Start of the window holding the most distinct matches (ties: the earliest)."""
    best, best_n = spans[0][0], 0
    for i, (start, _) in enumerate(spans):
        n = sum(1 for s, e in spans[i:] if e <= start + width)
        if n > best_n:
            best, best_n = start, n
    return best


def snippet(text: str, query: str, width: int = WIDTH) -> tuple[str, list[tuple[int, int]]]:
    """(one-line snippet of about width characters around the densest matches, match spans
    inside it). Without a match: the beginning of the text, cut at a word boundary."""
    flat = " ".join(text.split())
    spans = match_spans(flat, query_terms(query))
    if len(flat) <= width:
        return flat, spans
    centre = _best_start(spans, width // 2) if spans else 0
    start = max(0, centre - width // 3)
    if start:
        space = flat.find(" ", start)
        start = space + 1 if 0 <= space < centre else start
    end = min(len(flat), start + width)
    if end < len(flat):
        space = flat.rfind(" ", start, end)
        end = space if space > start else end
    body = flat[start:end]
    prefix, suffix = ("… " if start else ""), (" …" if end < len(flat) else "")
    shift = len(prefix) - start
    inside = [(s + shift, e + shift) for s, e in spans if s >= start and e <= end]
    return prefix + body + suffix, inside
