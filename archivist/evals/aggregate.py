"""Stored eval rows summarised: per strategy means of every metric, the Self-Route table (the
paper's layout) and the NIAH grid."""
from __future__ import annotations

from dataclasses import dataclass, field

from archivist.evals.vocab import EvalStrategy

METRICS = ("em", "f1", "recall", "contains", "correct", "needles_found", "set_f1", "set_recall", "set_precision",
           "evidence_recall", "citation_correct")


def mean(values: list) -> float | None:
    values = [v for v in values if v is not None]
    return round(sum(values) / len(values), 4) if values else None


@dataclass
class StrategyStats:
    strategy: str
    n: int = 0
    score: float | None = None
    metrics: dict[str, float | None] = field(default_factory=dict)
    correct_refusal: float | None = None  # over unanswerable questions
    false_refusal: float | None = None  # answerable questions refused
    unanswerable: int = 0
    tokens_in: float = 0.0
    tokens_out: float = 0.0
    seconds: float = 0.0
    peak_mb: float = 0.0
    errors: int = 0
    chosen: dict[str, int] = field(default_factory=dict)


def by_strategy(rows: list[dict], order: list[str]) -> list[StrategyStats]:
    out = []
    for s in order:
        rs = [r for r in rows if r["strategy"] == s]
        if not rs:
            continue
        ans = [r for r in rs if r["answerable"]]
        una = [r for r in rs if not r["answerable"]]
        st = StrategyStats(s, len(rs), mean([r["score"] for r in rs]))
        st.metrics = {m: mean([(r["scores"] or {}).get(m) for r in ans]) for m in METRICS}
        st.metrics = {k: v for k, v in st.metrics.items() if v is not None}
        st.unanswerable = len(una)
        st.correct_refusal = mean([(r["scores"] or {}).get("correct_refusal") for r in una])
        st.false_refusal = mean([(r["scores"] or {}).get("refused") for r in ans])
        st.tokens_in = mean([r["tokens_in"] for r in rs]) or 0.0
        st.tokens_out = mean([r["tokens_out"] for r in rs]) or 0.0
        st.seconds = mean([r["seconds"] for r in rs]) or 0.0
        st.peak_mb = max((r["peak_mb"] or 0.0) for r in rs)
        st.errors = sum(bool(r["error"]) for r in rs)
        for r in rs:
            st.chosen[r["chosen"] or "-"] = st.chosen.get(r["chosen"] or "-", 0) + 1
        out.append(st)
    return out


@dataclass
class SelfRouteRow:
    task: str
    n: int  # examples with all three strategies
    stuff: float | None  # LC accuracy (None: stuff not run on every example)
    rag: float | None
    self_route: float | None
    rag_share: float | None  # of examples self-route answered with rag alone
    rag_tokens_pct: float | None  # tokens read vs always-stuff, percent
    self_route_tokens_pct: float | None
    self_route_tokens: float = 0.0  # mean tokens per example


def self_route_row(task: str, rows: list[dict]) -> SelfRouteRow | None:
    """The task's column of the Self-Route table, over the examples self-route ran on."""
    RAG, STUFF, SELF_ROUTE = EvalStrategy.RAG, EvalStrategy.STUFF, EvalStrategy.SELF_ROUTE
    by = {}
    for r in rows:
        by.setdefault(r["example_id"], {})[r["strategy"]] = r
    exs = [v for v in by.values() if SELF_ROUTE in v and RAG in v]
    if not exs:
        return None
    full = [v for v in exs if STUFF in v]
    stuff_tokens = sum(v[STUFF]["tokens_in"] or 0 for v in full)
    pct = lambda k: round(100 * sum(v[k]["tokens_in"] or 0 for v in full) / stuff_tokens, 1) \
        if full and len(full) == len(exs) and stuff_tokens else None  # noqa: E731
    return SelfRouteRow(
        task, len(exs), mean([v[STUFF]["score"] for v in full]) if len(full) == len(exs) else None,
        mean([v[RAG]["score"] for v in exs]), mean([v[SELF_ROUTE]["score"] for v in exs]),
        mean([float(v[SELF_ROUTE]["chosen"] == RAG) for v in exs]), pct(RAG), pct(SELF_ROUTE),
        mean([v[SELF_ROUTE]["tokens_in"] for v in exs]) or 0.0)


def niah_grid(rows: list[dict], strategy: str) -> tuple[list[int], list[float], list[list[float | None]]]:
    """(lengths, depths, score[depth][length]) of one strategy's NIAH rows."""
    rs = [r for r in rows if r["strategy"] == strategy and r["meta"]]
    lengths = sorted({int(r["meta"]["length"]) for r in rs})
    depths = sorted({float(r["meta"]["depth"]) for r in rs})
    cell = {(float(r["meta"]["depth"]), int(r["meta"]["length"])): r["score"] for r in rs}
    return lengths, depths, [[cell.get((d, n)) for n in lengths] for d in depths]
