"""Grounding check for model answers: a weak model echoes the prompt, loops, cites nothing or
cites a message a later one in its thread superseded; such an answer must not reach the user."""
from __future__ import annotations

import re
from dataclasses import dataclass

from archivist.agent.citing import labels
from archivist.agent.sentences import Sentence, content_words, later_in_thread
from archivist.retrieval.types import PackedContext

_ECHO = re.compile(r"<<<|>>>|</?\s*documents\s*>|</?\s*notes\s*>|^\s*\[\d+\]\s*(?:From|Record|Text|Pdf):.*\|"
                   r"|\bAnswer with \[n\]|^\s*Question:|\bUpdated notes:", re.I | re.M)
_UNIT = re.compile(r"[^\n.!?]+[.!?]?")
_NUMBER = re.compile(r"\$?\d[\d,.]*\d|\$?\d")
_LABEL_TEXT = re.compile(r"\[\d+\]")
MIN_SHARE = 0.5  # of the answer's content words found in the documents it cites
MIN_PREFIX = 12  # characters: a cut-off repeat of an earlier line still counts as a repeat


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
        repeat = unit in seen or len(unit) >= MIN_PREFIX and any(s.startswith(unit) for s in seen)
        if repeat:
            return text[:m.start()].rstrip(" \n-*•0123456789.)"), True
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


def check(text: str, packed: PackedContext, blocks: dict[int, str],
          ranked: list[Sentence] | None = None) -> Verdict:
    """Whether a (repetition-free) answer is grounded in the packed context it was given."""
    if not text.strip():
        return Verdict(False, "empty answer")
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
    if ranked and later_in_thread(ranked[0], [s for s in ranked if s.n in used]):
        return Verdict(False, f"the answer cites a message superseded by a later one in its thread "
                              f"[{ranked[0].n}]")
    return Verdict(True)
