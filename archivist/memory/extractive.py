"""Extractive summaries: the sentences of a group (a thread, a mailbox's summaries, one record)
that say the most about it, chosen without a model and cited by construction.

A sentence's score adds what the extractive summarisation literature found to carry a document:
centrality (its TF-IDF cosine to the group's centroid, the cheap form of LexRank's eigenvector
centrality), position (news and mail put the point first: lead), the subject's words. A record's inline capital headings ("PREOPERATIVE DIAGNOSIS:") are structure: they
split sections and are never part of a summary's words (a bonus for summary-like sections such as
IMPRESSION or DIAGNOSIS lowered ROUGE-L on the records eval's tuning half, so there is none). Lines that are structure, not content (forwarded header
blocks, "-----Original Message-----", links, phone lists, disclaimers) never count. Selection is
greedy with a redundancy cut (maximal marginal relevance) inside a word budget.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from archivist.answering.grounding.sentences import STOP, words

# an inline all-capitals heading ("PREOPERATIVE DIAGNOSIS: , ...", "IMPRESSION:") starts a section
HEADING = re.compile(r"(?:(?<=^)|(?<=[\s.,;]))([A-Z][A-Z0-9 /&()'-]{2,60}[A-Z)])\s*:[\s,]*")
SPLIT = re.compile(r"(?<=[.!?])[\s,]+(?=[\"'(A-Z0-9$])|\n\s*\n|\n(?=\s*(?:[-*•]|\d+\.)\s)")
NOISE = re.compile(r"-{2,}\s*(?:original message|forwarded by)|^\s*(?:from|sent|to|cc|subject|date)\s*:|"
                   r"\b(?:sent|from|to|cc|subject):.{0,120}\b(?:sent|to|cc|subject):|https?:|www\.|"
                   r"\bconfidential(?:ity)? (?:notice|information)|intended (?:only )?for the (?:use|named)|"
                   r"if you (?:are not the intended|have received this)|all rights reserved|"
                   r"(?:\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4}.*){2}", re.I)
ABBREVIATION = re.compile(r"(?:\b(?i:jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec|mrs?|ms|dr|st|no|vs|etc|inc|"
                          r"corp|co|ltd|jr|sr|approx|dept|e\.g|i\.e|u\.s|p\.m|a\.m)|\b[A-Z])\.$")
PHONE = re.compile(r"\(?\s*\d{3}\s*\)?\s*[ .-]?\s*\d{3}\s*[ .-]\s*\d{4}")
MIN_WORDS, MAX_WORDS, MIN_CONTENT = 4, 80, 3
LEAD, CENTRAL, TITLE = 0.6, 0.45, 0.2
REDUNDANT = 0.5  # content-word Jaccard above which a candidate repeats a chosen sentence


@dataclass
class Unit:
    """One candidate sentence: its text, the document it is from and where."""

    text: str
    doc_id: int = 0
    order: int = 0  # its position among the document's sentences
    section: str = ""  # the heading it sits under, if any
    ref: object = None  # the caller's own record of it (a grounding Sentence)
    score: float = 0.0


def sections(text: str) -> list[tuple[str, str]]:
    """(heading, text) pieces of a text with inline capital headings; ("", text) without."""
    cuts = list(HEADING.finditer(text))
    if not cuts:
        return [("", text)]
    out = [("", text[:cuts[0].start()])] if text[:cuts[0].start()].strip() else []
    for m, nxt in zip(cuts, cuts[1:] + [None]):
        out.append((m.group(1).strip(), text[m.end(): nxt.start() if nxt else len(text)]))
    return out


def units_of_text(text: str, doc_id: int = 0) -> list[Unit]:
    """The candidate sentences of one document's text, in order, headings kept as sections."""
    out: list[Unit] = []
    for heading, body in sections(text):
        carry = ""
        for piece in SPLIT.split(body):
            piece = " ".join((carry + " " + piece).strip(" ,;").split())
            carry = piece if ABBREVIATION.search(piece) else ""  # "Jan. 27", "Mr. Lay": not an end
            if piece and not carry:
                out.append(Unit(piece, doc_id, len(out), heading))
        if carry:
            out.append(Unit(carry, doc_id, len(out), heading))
    return out


def noise(text: str) -> bool:
    """Structure, not content: too short or long, a header block, a link, a disclaimer, a
    contact line (a phone number and little else), or fewer than MIN_CONTENT content words
    ("Please see the attached.")."""
    n = len(text.split())
    if n < MIN_WORDS or n > MAX_WORDS or NOISE.search(text):
        return True
    if PHONE.search(text) and len(PHONE.sub(" ", text).split()) <= 6:
        return True
    return len({w for w in words(text) if w not in STOP and len(w) > 1}) < MIN_CONTENT


def _vectors(units: list[Unit]) -> list[Counter]:
    tfs = [Counter(w for w in words(u.text) if w not in STOP and len(w) > 1) for u in units]
    df = Counter(w for tf in tfs for w in tf)
    n = len(units)
    return [Counter({w: c * math.log(1 + n / df[w]) for w, c in tf.items()}) for tf in tfs]


def _cosine(a: Counter, b: Counter) -> float:
    dot = sum(v * b.get(w, 0.0) for w, v in a.items())
    na, nb = math.sqrt(sum(v * v for v in a.values())), math.sqrt(sum(v * v for v in b.values()))
    return dot / (na * nb) if na and nb else 0.0


def rank(units: list[Unit], title: str = "") -> list[Unit]:
    """The units that are content, best first (each one's score set)."""
    keep = [u for u in units if not noise(u.text)]
    if not keep:
        return []
    vecs = _vectors(keep)
    centroid: Counter = Counter()
    for v in vecs:
        centroid.update(v)
    topic = {w for w in words(title) if w not in STOP and len(w) > 1}
    for u, v in zip(keep, vecs):
        overlap = len(topic & set(v)) / len(topic) if topic else 0.0
        u.score = CENTRAL * _cosine(v, centroid) + LEAD / (1 + u.order) ** 0.5 + TITLE * overlap
    return sorted(keep, key=lambda u: (-u.score, u.doc_id, u.order))


def _jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def select(ranked: list[Unit], budget_words: int, most: int = 0) -> list[Unit]:
    """Greedy choice inside the word budget, skipping near-repeats; at least one unit whenever
    there is one (cut to the budget by the caller if it is longer)."""
    chosen: list[Unit] = []
    used = 0
    for u in ranked:
        bag = set(words(u.text))
        if any(_jaccard(bag, set(words(c.text))) > REDUNDANT for c in chosen):
            continue
        n = len(u.text.split())
        if chosen and used + n > budget_words:
            continue
        chosen.append(u)
        used += n
        if used >= budget_words or (most and len(chosen) >= most):
            break
    return chosen


def text_summary(text: str, budget_words: int, title: str = "") -> str:
    """A summary of one text in at most budget_words words (the record eval's one-liner)."""
    chosen = select(rank(units_of_text(text), title), budget_words)
    chosen.sort(key=lambda u: u.order)
    return " ".join(" ".join(u.text for u in chosen).split()[:budget_words])
