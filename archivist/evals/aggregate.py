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


@dataclass
class LengthPoint:
    """One strategy's rows at one context length: mean score, tokens read and seconds, and the
    highest peak memory (MiB) of any of them."""

    length: int
    n: int
    score: float | None  # over the rows that ran (None: every row was refused, e.g. stuff past the window)
    tokens_in: float
    seconds: float
    peak_mb: float
    not_run: int = 0  # rows refused without an answer (scores not_run), left out of the score


def by_length(rows: list[dict], strategy: str) -> list[LengthPoint]:
    """A strategy's rows of a sized task (meta length) by length, shortest first."""
    at: dict[int, list[dict]] = {}
    for r in rows:
        if r["strategy"] == strategy and (r["meta"] or {}).get("length"):
            at.setdefault(int(r["meta"]["length"]), []).append(r)
    out = []
    for n, rs in sorted(at.items()):
        ran = [r for r in rs if not (r.get("scores") or {}).get("not_run")]
        out.append(LengthPoint(n, len(rs), mean([r["score"] for r in ran]), mean([r["tokens_in"] for r in rs]) or 0.0,
                               mean([r["seconds"] for r in rs]) or 0.0, max((r["peak_mb"] or 0.0) for r in rs),
                               len(rs) - len(ran)))
    return out


@dataclass
class FixedRegret:
    """auto against the best fixed strategy by mean score over the same examples: the task-level
    regret (planner_regret in metrics.py is the per-example oracle's)."""

    examples: int
    best: str  # the fixed strategy with the highest mean score (ties: the fewest tokens read)
    best_score: float
    auto_score: float
    gap: float  # best_score - auto_score (negative: auto beat every fixed strategy)
    relative: float  # gap / best_score (0 when best_score is 0)
    split: str = ""  # the half of the examples it is over ("held"), "" for all

    @property
    def within_5pct(self) -> bool:
        return self.relative <= 0.05 + 1e-9


def fixed_regret(rows: list[dict], split: str = "") -> FixedRegret | None:
    """auto vs the best fixed strategy over the examples every one of them answered (only those
    of meta split `split` when given); None without auto or a fixed strategy."""
    from archivist.evals.vocab import FIXED
    by_ex: dict[str, dict[str, dict]] = {}
    for r in rows:
        if split and (r["meta"] or {}).get("split") != split:
            continue
        by_ex.setdefault(r["example_id"], {})[r["strategy"]] = r
    fixed = sorted({s for v in by_ex.values() for s in v if s in FIXED})
    exs = [v for v in by_ex.values() if EvalStrategy.AUTO in v and all(s in v for s in fixed)]
    if not exs or not fixed:
        return None
    score = {s: sum(v[s]["score"] or 0.0 for v in exs) / len(exs) for s in fixed + [EvalStrategy.AUTO]}
    tokens = {s: sum(v[s]["tokens_in"] or 0 for v in exs) for s in fixed}
    best = min(fixed, key=lambda s: (-round(score[s], 9), tokens[s]))
    gap = score[best] - score[EvalStrategy.AUTO]
    return FixedRegret(len(exs), best, round(score[best], 4), round(score[EvalStrategy.AUTO], 4), round(gap, 4),
                       round(gap / score[best], 4) if score[best] else 0.0, split)


# the kind of question each task asks, for the table of which strategy wins which kind
QUESTION_KINDS = {
    "niah": "lookup of one fact in a long text", "niah multi": "lookup of k = 4 facts spread over a long text",
    "ruler-fwe": "aggregation: the most frequent items", "ruler-multivalue": "aggregation: every value of a key",
    "ruler-vt": "aggregation: tracking a value through a chain", "leval": "question over one long document",
    "hotpotqa": "multi-hop question over pooled paragraphs", "enron-qa": "reading one given email",
    "probes": "metadata of an archive (counts, lists, lookups)",
}


@dataclass
class Win:
    label: str  # task, with its variant
    kind: str
    best: StrategyStats
    others: list[StrategyStats]


def wins(label: str, stats: list[StrategyStats]) -> Win | None:
    """The strategy with the highest mean score on a task (ties: the fewest tokens read, then the
    fewest seconds), with the others; auto and self-route count as strategies here too."""
    if not stats:
        return None
    best = min(stats, key=lambda s: (-(s.score or 0.0), s.tokens_in, s.seconds))
    kind = QUESTION_KINDS.get(label, QUESTION_KINDS.get(label.split()[0], ""))
    return Win(label, kind, best, [s for s in stats if s is not best])
