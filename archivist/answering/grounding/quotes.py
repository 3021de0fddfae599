"""Answers built from the documents' own sentences: the extractive fallback for ungrounded model
answers, the per-message digest for summaries, and quote spans for the citations of any answer."""
from __future__ import annotations

from dataclasses import replace

from archivist.answering.grounding.sentences import Sentence, content_words, later_in_thread
from archivist.sanitise import neutralise
from archivist.records import Citation, PackedContext

KEEP_SECOND = 0.8  # a second sentence joins the answer when it scores this share of the best
EVERY = 20  # sentences quoted at most for an "all the ..." question
MAX_DIGEST_LINES = 12
FACT_BONUS = 0.1  # per kind of fact: a number, an amount
SHORT_MESSAGE = 150  # characters: a message this short is quoted whole in a digest
CONFIDENT_LEXICAL = 0.5  # question words a sentence must hold to overrule "not found"
CONFIDENT_SIM = 0.55
RELEVANT_LEXICAL = 0.25  # below both of these no sentence is about the question
RELEVANT_SIM = 0.4


def quote_text(raw: str) -> str:
    """A document's sentence as a quote; one that tries to instruct the reader or carries a link
    is marked as quoted material and its links defanged (document text is data, never the
    answer's voice)."""
    from archivist.answering.grounding.injection import MARK, suspicious
    text = neutralise(raw)
    return f"({MARK}) \"{text}\"" if suspicious(raw) else f"\"{text}\""


def _quoted(s: Sentence) -> str:
    return quote_text(s.text)


def _who(s: Sentence) -> str:
    from archivist.answering.grounding.injection import suspicious
    date = s.day or (s.date or "")[:10]  # the day its citation shows
    sender = s.sender
    if sender and suspicious(sender):  # a display name written as an instruction is not shown
        sender = "a sender whose name reads as an instruction"
    return ", ".join(x for x in (date, sender) if x)


def quote_citation(cite: Citation, s: Sentence) -> Citation:
    """The citation narrowed to the quoted sentence's span."""
    if s.end > s.start:
        return replace(cite, start=s.start, end=s.end, quote=s.text)
    return replace(cite, quote=s.text)


def confident(ranked: list[Sentence]) -> bool:
    """The best sentence holds enough of the question to answer even when the model said no."""
    if not ranked:
        return False
    best = ranked[0].parts
    return best.get("lexical", 0) >= CONFIDENT_LEXICAL and best.get("sim", 0) >= CONFIDENT_SIM \
        or best.get("lexical", 0) >= 0.99


def relevant(ranked: list[Sentence]) -> bool:
    """Some sentence is about the question at all (else quoting the closest one misleads)."""
    return bool(ranked) and (ranked[0].parts.get("lexical", 0) >= RELEVANT_LEXICAL
                             or ranked[0].parts.get("sim", 0) >= RELEVANT_SIM)


def pick(ranked: list[Sentence], k: int = 2, every: bool = False) -> list[Sentence]:
    """The best sentence, and up to k-1 close seconds from other messages that it does not
    supersede and that say something new. every (an "all the ..." question): up to EVERY close
    seconds, a message's own included, since each value may sit beside another."""
    if not ranked:
        return []
    chosen, k = [ranked[0]], EVERY if every else k
    for s in ranked[1:]:
        if len(chosen) >= k or s.score < KEEP_SECOND * ranked[0].score:
            break
        if any((c.doc_id == s.doc_id and not every) or later_in_thread(c, [s]) for c in chosen):
            continue
        if content_words(s.text) <= set().union(*(content_words(c.text) for c in chosen)):
            continue
        chosen.append(s)
    return chosen


def extractive_answer(ranked: list[Sentence], packed: PackedContext,
                      k: int = 2, every: bool = False) -> tuple[str, list[Citation]]:
    """The top sentences quoted with their [n] labels and citations spanning the quotes (every
    close second for an "all the ..." question)."""
    by_n = {c.n: c for c in packed.citations}
    parts, cites = [], []
    for s in pick(ranked, k, every):
        who = _who(s)
        parts.append((f"{who}: " if who else "") + f"{_quoted(s)} [{s.n}]")
        if s.n in by_n and all(c.n != s.n for c in cites):
            cites.append(quote_citation(by_n[s.n], s))
    return "\n".join(parts), cites


def attach_quotes(answer: str, cites: list[Citation], sents: list[Sentence]) -> list[Citation]:
    """Each citation narrowed to the sentence of its block that shares most words with answer."""
    words = content_words(answer)
    out = []
    for c in cites:
        own = [s for s in sents if s.n == c.n]
        best = max(own, key=lambda s: len(words & content_words(s.text)), default=None)
        out.append(quote_citation(c, best) if best else c)
    return out


def _whole(parts: list[Sentence]) -> Sentence:
    """A short message's sentences as one line (its best score), spanning all of them."""
    parts = sorted(parts, key=lambda s: s.order)
    top = max(parts, key=lambda s: s.score)
    end = parts[-1].end if parts[-1].end > parts[0].start else 0
    return replace(top, text=" ".join(s.text for s in parts), start=parts[0].start if end else 0,
                   end=end)


def _informative(s: Sentence) -> float:
    """A digest line should carry the facts: amounts, dates and counts weigh in."""
    money = any(m in s.text for m in ("$", "€", "£", "%"))
    return s.score + FACT_BONUS * (2 if money else 1 if any(ch.isdigit() for ch in s.text) else 0)


def key_sentences(ranked: list[Sentence]) -> list[Sentence]:
    """Per block its best sentence (a short message whole), at most MAX_DIGEST_LINES blocks
    (the best ones), in date order."""
    by_n: dict[int, list[Sentence]] = {}
    for s in ranked:
        by_n.setdefault(s.n, []).append(s)
    best = {n: _whole(parts) if sum(len(s.text) + 1 for s in parts) <= SHORT_MESSAGE else
            max(parts, key=_informative) for n, parts in by_n.items()}
    keep = sorted(best.values(), key=lambda s: -s.score)[:MAX_DIGEST_LINES]
    return sorted(keep, key=lambda s: (s.date or "9999", s.thread_pos, s.n))


def digest(ranked: list[Sentence], packed: PackedContext) -> tuple[str, list[Citation]]:
    """One line per message in date order: '- DATE, SENDER: key sentence [n]'."""
    by_n = {c.n: c for c in packed.citations}
    keys = key_sentences(ranked)
    total = len({s.n for s in ranked})
    head = f"Digest of {total} messages" if len(keys) == total else \
        f"Digest of the {len(keys)} most relevant of {total} messages"
    lines = [head + ", in date order:"]
    cites = []
    for s in keys:
        who = _who(s)
        lines.append(f"- {who}: {_quoted(s)} [{s.n}]" if who else f"- {_quoted(s)} [{s.n}]")
        if s.n in by_n:
            cites.append(quote_citation(by_n[s.n], s))
    return "\n".join(lines), cites
