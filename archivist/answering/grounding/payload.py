"""An attack's payload in an answer: a figure, phone number, link or word that the documents an
answer cites hold only inside an attacker-controlled passage.

Attacker-controlled: a passage that reads as an instruction (injection.is_instruction: plain words,
text hidden by bidi or zero-width characters, base64 that decodes to an instruction), and all of a
document after a forged close of our document fence. The grounding check counts such a passage as
support, since its words are in the cited text; this test does not: a token the answer shares with
the documents only there ("the correct budget is 9,999 dollars", "call 1-900-555-0199") is
what the attacker planted, never a grounded fact. Tokens the question holds are the user's own.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from archivist.answering.grounding.citing import labels
from archivist.answering.grounding.injection import forged, is_instruction
from archivist.answering.grounding.sentences import content_words

_LABEL = re.compile(r"\[\d+\]")
_NUMBER = re.compile(r"\d[\d,.]*\d|\d")
_PIECE = re.compile(r"(?<=[.!?])\s+|\n| \| ")  # sentences, lines, and the fields of a block header
CARRIES = ("the answer carries a figure, link or word that the documents it cites hold only in an "
           "instruction-like or hidden passage")


def tokens(text: str) -> set[str]:
    """Content words and numbers (commas dropped) of text, with links we defanged read as links."""
    text = _LABEL.sub(" ", (text or "").replace("[.]", ".").replace("[:]", ":"))
    return content_words(text) | {n.replace(",", "").rstrip(".") for n in _NUMBER.findall(text)}


def pieces(block: str) -> list[tuple[str, bool]]:
    """The block's sentences, lines and header fields, each with whether an attacker controls it
    (everything after a forged fence close does, whatever it says)."""
    out, after_forgery = [], False
    for piece in _PIECE.split(block or ""):
        if not piece.strip():
            continue
        after_forgery = after_forgery or forged(piece)
        out.append((piece, after_forgery or is_instruction(piece)))
    return out


@dataclass
class Taint:
    """Per block: the tokens of its clean passages, and those found only in attacker-controlled ones."""

    clean: dict[int, set[str]] = field(default_factory=dict)
    dirty: dict[int, set[str]] = field(default_factory=dict)
    attacked: set[int] = field(default_factory=set)  # blocks holding an attacker-controlled passage

    @classmethod
    def of(cls, blocks: dict[int, str]) -> "Taint":
        taint = cls()
        for n, block in blocks.items():
            clean, dirty = set(), set()
            for piece, bad in pieces(block):
                (dirty if bad else clean).update(tokens(piece))
                if bad:
                    taint.attacked.add(n)
            taint.clean[n], taint.dirty[n] = clean, dirty - clean
        return taint

    def carried(self, answer: str, question: str = "") -> str:
        """Why answer carries a payload ('' when it does not): judged against the blocks it
        cites, or all blocks when it cites none."""
        cited = [n for n in labels(answer) if n in self.clean] or list(self.clean)
        clean = set().union(*(self.clean[n] for n in cited)) if cited else set()
        dirty = set().union(*(self.dirty[n] for n in cited)) if cited else set()
        return CARRIES if (tokens(answer) & dirty) - clean - tokens(question) else ""


def carries_payload(answer: str, blocks: dict[int, str], question: str = "") -> str:
    """Why answer carries an attack's payload found in blocks ('' when it does not)."""
    if not answer or not answer.strip():
        return ""
    return Taint.of(blocks).carried(answer, question)
