"""HotpotQA turned into Documents: one pooled corpus of every question's paragraphs, plus each
question's gold ids."""
from __future__ import annotations

import gzip
import json
from pathlib import Path

from archivist.corpus.parsed import Document, Location


def read_hotpot(path: Path, limit: int | None = None) -> list[dict]:
    """HotpotQA rows (question_text, contexts with is_supporting, answers_objects)."""
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    return rows[:limit] if limit else rows


def pool_hotpot(rows: list[dict]) -> tuple[list[Document], list[set[str]]]:
    """Every distinct (title, paragraph) as one text Document, positioned by its pool index, and
    for each question the positions of its supporting paragraphs."""
    positions: dict[tuple[str, str], str] = {}
    docs: list[Document] = []
    gold: list[set[str]] = []
    for row in rows:
        for ctx in row["contexts"]:
            key = (ctx["title"], ctx["paragraph_text"])
            if key not in positions:
                positions[key] = str(len(positions))
                docs.append(Document(kind="text", body=ctx["paragraph_text"], title=ctx["title"],
                                     location=Location(path="hotpot", position=positions[key])))
        gold.append({positions[(c["title"], c["paragraph_text"])]
                     for c in row["contexts"] if c["is_supporting"]})
    return docs, gold
