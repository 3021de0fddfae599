"""The haystack that niah and the RULER-style tasks share: a folder of essays concatenated in sorted
file order, cut to a length in the model's tokens (repeated when short), stored as consecutive
passages of about PASSAGE_WORDS words cut at sentence ends, the k-th copy of a repeated passage
marked so that ingest keeps every copy.
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Callable

from archivist.evals.tasks.base import text_doc

PASSAGE_WORDS = 150  # one stored document per ~150 words: rag reads a few, stuff reads them all
PROMPT_TOKENS = 200  # instructions and question around the haystack (passage headers: the 7%)
SENTENCE = re.compile(r"(?<=[.!?])\s+")
Count = Callable[[str], int]


def essays(path: Path, task: str) -> str:
    """Every .txt/.md file under path (or its PaulGrahamEssays folder), sorted, joined."""
    folder = path / "PaulGrahamEssays" if (path / "PaulGrahamEssays").is_dir() else path
    files = sorted(p for p in folder.rglob("*") if p.suffix in (".txt", ".md") and p.is_file())
    text = "\n\n".join(p.read_text(encoding="utf-8", errors="replace") for p in files)
    if not text.strip():
        raise ValueError(f"{task}: no .txt or .md text under {folder}")
    return text


def rough_count(text: str) -> int:
    """Tokens guessed from words when no model's tokenizer is given."""
    return len(text.split()) * 4 // 3


def target_tokens(length: int, budget: int) -> int:
    """Haystack tokens of a length. A length at or under the model's window is sized to fit it with
    the prompt (stuff can read it whole: the comparison the short lengths exist for); a length
    well past the window (over 1.25x the budget) is the haystack the length names, which stuff
    refuses with its reason and rag and memory read."""
    budget = budget or length
    if length > budget * 1.25:
        return length
    return max(100, int(min(length, budget) * 0.93) - PROMPT_TOKENS)


def cut(source: str, target: int, count: Count | None) -> str:
    """source (repeated when short) cut to the longest prefix of at most target tokens."""
    count = count or rough_count
    text = source
    while count(text) < target:
        text += "\n\n" + source
    lo, hi = 0, min(len(text), target * 8)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        lo, hi = (mid, hi) if count(text[:mid]) <= target else (lo, mid - 1)
    return text[:lo]


def passages(text: str) -> list[str]:
    """Consecutive passages of about PASSAGE_WORDS words, cut at sentence ends."""
    out, cur, n = [], [], 0
    for sentence in SENTENCE.split(text):
        cur.append(sentence)
        n += len(sentence.split())
        if n >= PASSAGE_WORDS:
            out.append(" ".join(cur).strip())
            cur, n = [], 0
    if cur:
        out.append(" ".join(cur).strip())
    return [p for p in out if p]


def distinct(parts: list[str]) -> list[str]:
    """Passages made distinct: past the essays' length (~150k tokens) the text repeats, and ingest
    stores an exact duplicate once, which would shrink a 1M-token haystack to the essays' size; the
    k-th copy of a passage is marked '(copy k)'."""
    seen: Counter = Counter()
    out = []
    for p in parts:
        seen[p] += 1
        out.append(p if seen[p] == 1 else f"{p} (copy {seen[p]})")
    return out


class HaystackCells:
    """What a haystack task stores and counts as evidence, from its cell(corpus): (the passages,
    the ids of those holding what was planted)."""

    def documents(self, corpus: str):
        parts, _ = self.cell(corpus)
        return [text_doc(f"p{i:04d}", p, title=f"haystack passage {i + 1}", corpus=corpus)
                for i, p in enumerate(parts)]

    def evidence_of(self, example) -> list[str]:
        return sorted(self.cell(example.corpus)[1])
