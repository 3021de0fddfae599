"""The one email a question describes by its content ('Rick Shapiro's message to the staff stranded
after the attacks'): the emails that fit the exact constraints, ranked by how well their own text
matches the description.

Search ranks the candidates first (its word statistics are the whole archive's); then the best of
them are ranked again by BM25 with the statistics of those candidates alone, so a word most of them
share (a sender's department, 'Government Affairs', on every one of his emails) does not outweigh
the words that tell them apart ('stranded', 'attacks'). The two orders are fused by their ranks;
a tie goes to the second.
"""
from __future__ import annotations

import math
import re

from archivist import word_forms
from archivist.agent.question.words import is_frame
from archivist.records import Filters
from archivist.store.documents import own_texts

CANDIDATES = 20  # the search's best emails that the description's words are weighed among
FUSION_K = 60  # reciprocal rank fusion: 1 / (k + rank), the usual k
K1, B = 1.2, 0.75  # BM25's usual term saturation and length normalisation


def by_content(store, rows: list[dict], words: str, search) -> list[dict]:
    """rows ordered by how well their text matches the content words: search inside the rows,
    fused with the rare words of the description each email holds."""
    by_id = {r["id"]: r for r in rows}
    hits = search(words, Filters(doc_ids=list(by_id)), CANDIDATES) if search is not None else []
    order = list(dict.fromkeys(h.doc_id for h in hits if h.doc_id in by_id))
    fused = _fuse(order, _by_rare_words(store, order, words))
    return [by_id[i] for i in fused] + [r for r in rows if r["id"] not in fused]


def _by_rare_words(store, ids: list[int], words: str) -> list[int]:
    """ids ordered by BM25 over these candidates alone: a word's weight is its rarity among them,
    and a long email (a news digest) holding every word is weighed down by its length."""
    terms = {w.lower() for w in re.findall(r"[A-Za-z][\w'-]+", words) if len(w) > 2 and not is_frame(w)}
    if len(ids) < 2 or not terms:
        return ids
    texts = own_texts(store, ids)
    patterns = {t: re.compile(rf"\b{word_forms.pattern(t)}\b", re.I) for t in terms}
    tf = {i: {t: len(p.findall(texts.get(i) or "")) for t, p in patterns.items()} for i in ids}
    length = {i: max(1, len((texts.get(i) or "").split())) for i in ids}
    mean = sum(length.values()) / len(ids)
    df = {t: sum(1 for i in ids if tf[i][t]) for t in terms}
    idf = {t: math.log(1 + (len(ids) - df[t] + 0.5) / (df[t] + 0.5)) for t in terms}
    score = {i: sum(idf[t] * tf[i][t] * (K1 + 1) / (tf[i][t] + K1 * (1 - B + B * length[i] / mean)) for t in terms)
             for i in ids}
    return sorted(ids, key=lambda i: (-score[i], ids.index(i)))


def _fuse(search: list[int], rare: list[int]) -> list[int]:
    """Reciprocal rank fusion of the two orders; a tie goes to the email with the rarer words."""
    score = {i: 1 / (FUSION_K + search.index(i) + 1) + 1 / (FUSION_K + rare.index(i) + 1) for i in search}
    return sorted(search, key=lambda i: (-score[i], rare.index(i)))
