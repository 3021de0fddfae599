"""Grounding check for model answers: a weak model echoes the prompt, loops, cites nothing or
cites a message a later one in its thread superseded; such an answer must not reach the user."""
from __future__ import annotations

import re
from dataclasses import dataclass

from archivist.answering.grounding.citing import labels
from archivist.answering.grounding.sentences import Sentence, content_words, later_in_thread
from archivist.records import PackedContext

_ECHO = re.compile(r"<<<|>>>|</?\s*documents\s*>|</?\s*notes\s*>|\[\d+\]\s*From:\s|^\s*\[\d+\]\s*(?:Record|Text|Pdf):.*\|"
                   r"|\bAnswer with \[n\]|^\s*Question:|\bUpdated notes:", re.I | re.M)
_UNIT = re.compile(r"[^\n.!?]+[.!?]?")
_NUMBER = re.compile(r"\$?\d[\d,.]*\d|\$?\d")
_LABEL_TEXT = re.compile(r"\[\d+\]")
_TRAILING_MARK = re.compile(r"(?:(?<=[.!?\n])|^)\s*(?:[-*•]|\d+[.)])?\s*$")  # a dangling "2." or "-"
MIN_SHARE = 0.5  # of the answer's content words found in the documents it cites
MIN_UNIT = 8
MIN_PREFIX = 12  # characters: a cut-off repeat of an earlier line still counts as a repeat
# A sentence of an answer: up to a stop followed by a space (not the one inside "$4.82") or a line end.
SENTENCE = re.compile(r"[^\n]+?(?:[.!?](?=\s|$)|$)", re.M)
_END_MARK = re.compile(r"\s*([.!?]?)\s*$")


@dataclass
class Verdict:
    ok: bool
    reason: str = "grounded"


def _norm(unit: str) -> str:
    text = re.sub(r"^\s*(?:[-*•]|\d+[.)])\s*", "", unit.lower())
    return " ".join(_LABEL_TEXT.sub("", text).split()).strip(" .")


def truncate_repetition(text: str) -> tuple[str, bool]:
    """text cut before its first repeated line or sentence (or a cut-off copy of one);
    (text, True) when something was cut."""
    seen: list[str] = []
    for m in _UNIT.finditer(text):
        unit = _norm(m.group(0))
        if not unit:
            continue
        if len(unit) < MIN_UNIT:  # "yes." twice is not a loop
            continue
        repeat = unit in seen or len(unit) >= MIN_PREFIX and any(s.startswith(unit) for s in seen)
        if repeat:
            return _TRAILING_MARK.sub("", text[:m.start()]).rstrip(), True
        seen.append(unit)
    return text, False


def is_echo(text: str) -> bool:
    """The answer copies our delimiters, block headers or prompt lines."""
    return bool(_ECHO.search(text or ""))


def _numbers(text: str) -> set[str]:
    return {n.lstrip("$").replace(",", "") for n in _NUMBER.findall(_LABEL_TEXT.sub("", text))}


def _grounded_words(text: str, cited: str) -> str | None:
    """Why text is not supported by the cited block text, or None when it is."""
    answer = content_words(_LABEL_TEXT.sub("", text))
    source = content_words(cited)
    if answer and len(answer & source) / len(answer) < MIN_SHARE:
        return f"shares only {len(answer & source)}/{len(answer)} content words with the cited documents"
    missing = _numbers(text) - _numbers(cited)
    if missing:
        return f"number {sorted(missing)[0]} is not in the cited documents"
    return None


def add_citation(text: str, blocks: dict[int, str]) -> tuple[str, int | None]:
    """(text, None) when it cites already; else the text labelled with the block that holds every
    number and the largest share (at least MIN_SHARE) of its content words, the later block on a
    tie. A small model often answers from one block without writing its [n]."""
    if labels(text) or not text.strip():
        return text, None
    words, numbers = content_words(_LABEL_TEXT.sub("", text)), _numbers(text)
    best: tuple[float, int] | None = None
    for n, block in blocks.items():
        if numbers - _numbers(block) or not words:
            continue
        share = len(words & content_words(block)) / len(words)
        if share >= MIN_SHARE and (best is None or (share, n) > best):
            best = (share, n)
    if best is None:
        return text, None
    return f"{text.rstrip()} [{best[1]}]", best[1]


def _labelled(unit: str, n: int) -> str:
    """'Room 42.' -> 'Room 42 [n].'"""
    return _END_MARK.sub(lambda m: f" [{n}]{m.group(1)}", unit, count=1)


def _superseded_support(unit: str, n: int, ranked: list[Sentence]) -> bool:
    """The sentence of block n that unit draws on is restated by a later message of its thread."""
    words = content_words(unit)
    own = [s for s in ranked if s.n == n]
    best = max(own, key=lambda s: len(words & content_words(s.text)), default=None)
    return bool(best and best.parts.get("superseded"))


def _unsupported(unit: str, blocks: dict[int, str]) -> str:
    """Why no passage supports unit: its numbers are in no single passage, or too few of its words."""
    numbers = _numbers(unit)
    if numbers and not any(numbers <= _numbers(b) for b in blocks.values()):
        return f"has numbers ({', '.join(sorted(numbers))}) that no single passage it read holds"
    words = content_words(_LABEL_TEXT.sub("", unit))
    best = max((len(words & content_words(b)) for b in blocks.values()), default=0)
    return f"shares at most {best}/{len(words)} content words with any passage it read"


def cite_sentences(text: str, blocks: dict[int, str],
                   ranked: list[Sentence] | None = None) -> tuple[str, list[int], str]:
    """Post-hoc citing by support for an answer that cites nothing: each sentence labelled with the
    block that supports it (add_citation's test on the sentence: every number, at least MIN_SHARE
    of its content words), unless that passage is superseded later in its thread. (labelled text,
    labels, "") or (text, [], why) naming the first sentence that no passage supports."""
    if labels(text) or not text.strip():
        return text, [], ""
    out, added, pos = [], [], 0
    for m in SENTENCE.finditer(text):
        unit = m.group(0)
        out.append(text[pos:m.start()])
        pos = m.end()
        if not content_words(unit) and not _numbers(unit):
            out.append(unit)
            continue
        n = add_citation(unit, blocks)[1]
        if n is None or _superseded_support(unit, n, ranked or []):
            why = _unsupported(unit, blocks) if n is None else \
                f"rests on [{n}], superseded later in its thread"
            return text, [], f"the sentence {' '.join(unit.split())!r} {why}"
        out.append(_labelled(unit, n))
        added.append(n)
    out.append(text[pos:])
    return "".join(out), list(dict.fromkeys(added)), ""


def check(text: str, packed: PackedContext, blocks: dict[int, str],
          ranked: list[Sentence] | None = None) -> Verdict:
    """Whether a (repetition-free) answer is grounded in the packed context it was given."""
    if not text.strip():
        return Verdict(False, "empty answer (nothing before end of text or a prompt delimiter)")
    if is_echo(text):
        return Verdict(False, "the answer echoes the prompt")
    used = labels(text)
    known = {c.n for c in packed.citations}
    if not used:
        return Verdict(False, "the answer cites no [n] source")
    if any(n not in known for n in used):
        return Verdict(False, f"the answer cites unknown sources {[n for n in used if n not in known]}")
    why = _grounded_words(text, "\n".join(blocks.get(n, "") for n in used))
    if why:
        return Verdict(False, "the answer " + why)
    stale = _stale(text, used, ranked or [])
    if stale:
        return Verdict(False, f"the answer relies on [{stale[0]}], superseded by the later message "
                              f"[{stale[1]}] in its thread")
    return Verdict(True)


def _stale(text: str, used: list[int], ranked: list[Sentence]) -> tuple[int, int] | None:
    """(cited label, newer label) when the sentence the answer draws on from a cited block is
    restated by a later, uncited message of the same thread."""
    words = content_words(text)
    for n in used:
        own = [s for s in ranked if s.n == n]
        best = max(own, key=lambda s: len(words & content_words(s.text)), default=None)
        if best is None or not best.parts.get("superseded"):
            continue
        newer = [s for s in ranked if s.n not in used and later_in_thread(s, [best])
                 and len(content_words(s.text) & content_words(best.text)) >= 2]
        if newer:
            return n, newer[0].n
    return None
