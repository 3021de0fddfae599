"""Answer metrics of `archivist eval`: exact match, token F1 and recall, contains-answer, refusal,
set precision/recall/F1 of the items an answer names (words, numbers), evidence recall, citation
correctness, and planner regret over stored rows.

Text metrics normalise as SQuAD does (lower case, no punctuation or articles); a numeric gold
answer ("42", "1,234") is matched against the first number the answer gives, so "42 emails
match" is exact and "I count 41" is not.
"""
from __future__ import annotations

import re
import string
from collections import Counter
from dataclasses import dataclass

from archivist.evals.vocab import FIXED, EvalStrategy

ARTICLES = re.compile(r"\b(a|an|the)\b")
NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")
# how the agent and small models say that the documents do not hold the answer
REFUSAL = re.compile(
    r"cannot find|can't find|could not find|couldn't find|not (?:be )?found|no (?:relevant )?information|"
    r"not (?:mentioned|stated|provided|given|specified|available|in the (?:provided )?(?:documents|context|email))|"
    r"does not (?:say|mention|contain|specify|state|provide)|doesn't (?:say|mention|contain|specify)|"
    r"unable to (?:answer|find|determine)|cannot (?:answer|determine|be determined)|"
    r"i don't know|i do not know|no matching documents|unanswerable|not enough information",
    re.IGNORECASE)


def normalise(text: str) -> str:
    text = text.lower().replace("\u2039", "<").replace("\u203a", ">")
    text = "".join(" " if ch in string.punctuation else ch for ch in text)
    return " ".join(ARTICLES.sub(" ", text).split())


def tokens(text: str) -> list[str]:
    return normalise(text).split()


def first_number(text: str) -> float | None:
    m = NUMBER.search(text or "")
    return float(m.group().replace(",", "")) if m else None


def is_number(text: str) -> bool:
    return bool(re.fullmatch(r"\s*-?\d[\d,]*(?:\.\d+)?\s*", text or ""))


def exact_match(answer: str, gold: str) -> float:
    if is_number(gold):
        return float(first_number(answer) == first_number(gold))
    return float(normalise(answer) == normalise(gold))


def token_f1(answer: str, gold: str) -> float:
    if is_number(gold):
        return exact_match(answer, gold)
    a, g = tokens(answer), tokens(gold)
    common = sum((Counter(a) & Counter(g)).values())
    if not a or not g or common == 0:
        return 0.0
    p, r = common / len(a), common / len(g)
    return 2 * p * r / (p + r)


def token_recall(answer: str, gold: str) -> float:
    """Share of the gold answer's words the answer contains (a paraphrase keeps most of them)."""
    if is_number(gold):
        return exact_match(answer, gold)
    a, g = Counter(tokens(answer)), Counter(tokens(gold))
    return sum((a & g).values()) / max(1, sum(g.values()))


def contains_answer(answer: str, gold: str) -> float:
    if is_number(gold):
        return float(first_number(gold) in {float(n.replace(",", "")) for n in NUMBER.findall(answer or "")})
    g = normalise(gold)
    return float(bool(g) and f" {g} " in f" {normalise(answer)} ")


def is_refusal(answer: str) -> bool:
    return bool(REFUSAL.search(answer or "")) or not (answer or "").strip()


def best(fn, answer: str, golds: list[str]) -> float:
    return max((fn(answer, g) for g in golds), default=0.0)


def text_scores(answer: str, golds: list[str]) -> dict[str, float]:
    """em, f1, recall, contains and refused for an answerable question (gold answers given), or
    refused and correct_refusal for an unanswerable one (golds empty)."""
    refused = is_refusal(answer)
    if not golds:
        return {"refused": float(refused), "correct_refusal": float(refused)}
    return {"em": best(exact_match, answer, golds), "f1": round(best(token_f1, answer, golds), 4),
            "recall": round(best(token_recall, answer, golds), 4),
            "contains": best(contains_answer, answer, golds), "refused": float(refused)}


def named_in(answer: str, candidates) -> set[str]:
    """The candidates the answer names, each as whole words (case and punctuation aside)."""
    text = f" {normalise(answer)} "
    return {c for c in candidates if normalise(c) and f" {normalise(c)} " in text}


def numbers_in(answer: str) -> set[str]:
    """The numbers an answer gives, thousands separators dropped ("1,234,567" -> "1234567")."""
    return {n.replace(",", "") for n in NUMBER.findall(answer or "")}


def set_scores(named: set[str], gold: set[str]) -> dict[str, float]:
    """Precision, recall and F1 of the items an answer names against the gold items (set_* keys:
    not the token F1 and recall of text_scores). RULER scores
    recall alone (string_match_all); precision keeps an answer that names every candidate it saw
    from a full score. An answer that names nothing scores 0 on all three."""
    hits = len(named & gold)
    p = hits / len(named) if named else 0.0
    r = hits / len(gold) if gold else 0.0
    f1 = 2 * p * r / (p + r) if hits else 0.0
    return {"set_precision": round(p, 4), "set_recall": round(r, 4), "set_f1": round(f1, 4)}


def evidence_recall(cited: set[str], evidence: set[str]) -> float | None:
    """Share of the gold evidence documents among the cited ones (None: no gold evidence)."""
    return round(len(cited & evidence) / len(evidence), 4) if evidence else None


def citation_correct(cited_texts: list[str], golds: list[str]) -> float | None:
    """1 when a cited document holds a gold answer, 0 when none does, None when nothing was cited
    or the question has no answer."""
    if not golds or not cited_texts:
        return None
    return float(any(contains_answer(t, g) for t in cited_texts for g in golds))


@dataclass
class Regret:
    """How often `auto` scored below the best fixed strategy on the same example, and the cost."""

    examples: int = 0  # examples with auto and at least one fixed strategy
    regret: int = 0  # auto scored below the best fixed strategy
    score_gap: float = 0.0  # mean (best fixed - auto) score over all examples
    extra_tokens: float = 0.0  # mean tokens auto read beyond the cheapest best fixed strategy
    extra_seconds: float = 0.0
    picks: dict[str, int] | None = None  # strategy auto ended with -> count

    @property
    def rate(self) -> float:
        return self.regret / self.examples if self.examples else 0.0


def planner_regret(rows: list[dict]) -> Regret:
    """rows: example_id, strategy, score, tokens_in, seconds, chosen (the strategy auto ran)."""
    by_ex: dict[str, dict[str, dict]] = {}
    for r in rows:
        by_ex.setdefault(r["example_id"], {})[r["strategy"]] = r
    out, gaps, toks, secs, picks = Regret(), [], [], [], Counter()
    for strategies in by_ex.values():
        auto = strategies.get(EvalStrategy.AUTO)
        fixed = [r for s, r in strategies.items() if s in FIXED]
        if auto is None or not fixed or auto["score"] is None:
            continue
        top = max(r["score"] or 0.0 for r in fixed)
        cheapest = min((r for r in fixed if (r["score"] or 0.0) == top), key=lambda r: r["tokens_in"] or 0)
        out.examples += 1
        out.regret += (auto["score"] or 0.0) < top
        gaps.append(top - (auto["score"] or 0.0))
        toks.append((auto["tokens_in"] or 0) - (cheapest["tokens_in"] or 0))
        secs.append((auto["seconds"] or 0.0) - (cheapest["seconds"] or 0.0))
        picks[auto.get("chosen") or "?"] += 1
    if out.examples:
        out.score_gap = round(sum(gaps) / len(gaps), 4)
        out.extra_tokens = round(sum(toks) / len(toks), 1)
        out.extra_seconds = round(sum(secs) / len(secs), 2)
    out.picks = dict(picks)
    return out
