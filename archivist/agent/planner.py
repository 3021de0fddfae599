"""Planners: estimate the cost of every strategy for a question's scope and pick one, by rules
(default, deterministic) or by the model's constrained choice (falling back to the rules).

Cost model: a call over t context tokens costs t/prefill seconds, times (1 + t/window) for
attention models (the quadratic term) and plain linear for SSMs, plus out/decode seconds.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

from archivist.agent.question.analyse import Analysis
from archivist.agent.prompts import SYSTEM_PLANNER, USER_PLANNER
from archivist.agent.question.scope import Scope
from archivist.agent.context import STRATEGIES, AgentContext, call_llm
from archivist.agent.strategies.query import QUERY_INTENTS, build_query
from archivist.backends.base import Message

SPEEDS = {  # (prefill tokens/s, decode tokens/s) per model kind on this class of machine
    "attention": (600.0, 25.0), "hybrid": (600.0, 25.0), "ssm": (500.0, 25.0),
    "remote": (5000.0, 60.0), "echo": (1e6, 1e5)}
PROMPT = 250  # tokens of instructions and question per call
LADDER = ("query", "rag", "stuff", "memory")  # narrow to wide view


@dataclass
class Estimate:
    tokens_in: int
    tokens_out: int
    calls: int
    seconds: float
    feasible: bool = True
    why: str = ""


@dataclass
class Plan:
    strategy: str
    reason: str
    planner: str  # rules | llm | llm->rules | forced
    estimates: dict[str, Estimate] = field(default_factory=dict)

    def estimates_dict(self) -> dict:
        return {k: asdict(v) for k, v in self.estimates.items()}


def call_seconds(tokens: int, out: int, window: int, kind: str, settings) -> float:
    prefill, decode = SPEEDS.get(kind, SPEEDS["attention"])
    prefill = float(settings.extra.get("prefill_tps", prefill))
    decode = float(settings.extra.get("decode_tps", decode))
    quadratic = 1.0 if kind in ("ssm", "echo") else 1.0 + tokens / max(window, 1)
    return tokens / prefill * quadratic + out / decode


def estimate_all(ctx: AgentContext, analysis: Analysis, scope: Scope) -> dict[str, Estimate]:
    """Tokens, calls and seconds of every strategy for this scope and model."""
    s = ctx.settings
    window, kind, _ = ctx.model_info()
    budget, out = ctx.budget(), s.max_new_tokens
    max_s = float(s.extra.get("max_seconds", 900))
    secs = lambda t, o: call_seconds(t, o, window, kind, s)  # noqa: E731
    q_ok = build_query(analysis, scope) is not None
    rag_in = min(s.top_k * s.chunk_tokens, budget) + PROMPT
    stuff_in = min(scope.tokens, budget) + PROMPT
    chunk = max(128, budget - s.memory_tokens - PROMPT)
    n_chunks = max(1, math.ceil(scope.tokens / chunk))
    mem_call = min(scope.tokens, chunk) + s.memory_tokens + PROMPT
    mem_out = s.memory_tokens // 2
    mem_secs = n_chunks * secs(mem_call, mem_out) + secs(s.memory_tokens + PROMPT, out)
    return {
        "query": Estimate(0, 0, 0, 0.05, q_ok, "" if q_ok else "not a metadata question"),
        "rag": Estimate(rag_in, out, 1, round(secs(rag_in, out), 2)),
        "stuff": Estimate(stuff_in, out, 1, round(secs(stuff_in, out), 2), scope.tokens <= budget,
                          "" if scope.tokens <= budget else f"scope {scope.tokens} > budget {budget} tokens"),
        "memory": Estimate(n_chunks * mem_call + s.memory_tokens + PROMPT, n_chunks * mem_out + out,
                           n_chunks + 1, round(mem_secs, 1), mem_secs <= max_s and scope.n_docs > 0,
                           "" if mem_secs <= max_s else f"~{mem_secs:.0f}s > max {max_s:.0f}s"),
    }


def rule_plan(analysis: Analysis, scope: Scope, est: dict[str, Estimate]) -> tuple[str, str]:
    """(strategy, reason) from the question kind and what fits."""
    size = f"{scope.n_docs} documents, ~{scope.tokens} tokens in scope" + \
        (f"; {scope.note}" if scope.note else "")
    if analysis.intent in QUERY_INTENTS and est["query"].feasible:
        return "query", f"{analysis.kind} question on metadata: exact SQL answer, no model call"
    if analysis.kind in ("summarise", "count", "list"):
        if est["stuff"].feasible:
            return "stuff", f"{analysis.kind} needs the whole scope and it fits ({size})"
        if est["memory"].feasible:
            return "memory", f"{analysis.kind} needs the whole scope; too big to stuff, " \
                             f"read in {est['memory'].calls - 1} chunks ({size})"
        return "rag", f"{analysis.kind} scope too large to read ({est['memory'].why}); best passages"
    if not scope.is_whole_corpus and est["stuff"].feasible and scope.n_docs > 0:
        return "stuff", f"the question names a small scope that fits the context ({size})"
    return "rag", f"{analysis.kind} question: retrieve the best passages ({size})"


def llm_plan(ctx: AgentContext, question: str, scope: Scope,
             est: dict[str, Estimate]) -> tuple[str | None, str]:
    """The model's constrained choice, or None when it is invalid or infeasible."""
    window, _, _ = ctx.model_info()
    messages = [Message("system", SYSTEM_PLANNER),
                Message("user", USER_PLANNER.format(question=question, n_docs=scope.n_docs,
                                                    tokens=scope.tokens, window=window))]
    try:
        raw, _, _ = call_llm(ctx, messages, max_tokens=4, choices=list(STRATEGIES))
    except Exception as exc:  # any backend failure means: use the rules
        return None, f"planner model failed ({type(exc).__name__})"
    choice = (raw or "").strip().lower()
    if choice not in STRATEGIES:
        return None, f"planner output {raw!r} is not one of {', '.join(STRATEGIES)}"
    if not est[choice].feasible:
        return None, f"planner chose {choice}, which is not feasible here ({est[choice].why})"
    return choice, f"model chose {choice}"


def make_plan(ctx: AgentContext, question: str, analysis: Analysis, scope: Scope) -> Plan:
    est = estimate_all(ctx, analysis, scope)
    needs_model = ctx.strategy not in ("auto", "query") or ctx.settings.planner == "llm" or \
        (ctx.strategy == "auto" and rule_plan(analysis, scope, est)[0] != "query")
    if needs_model and ctx.llm is None:  # estimate with the real window and kind, not assumed ones
        ctx.get_llm()
        est = estimate_all(ctx, analysis, scope)
    if ctx.strategy in STRATEGIES:
        return Plan(ctx.strategy, f"strategy {ctx.strategy} forced by the user", "forced", est)
    strategy, reason = rule_plan(analysis, scope, est)
    if ctx.settings.planner != "llm":
        return Plan(strategy, reason, "rules", est)
    choice, why = llm_plan(ctx, question, scope, est)
    if choice is None:
        return Plan(strategy, f"{why}; rules: {reason}", "llm->rules", est)
    return Plan(choice, f"{why} (rules would pick {strategy}: {reason})", "llm", est)


def next_strategy(current: str, handover: str | None, tried: list[str],
                  est: dict[str, Estimate]) -> str | None:
    """A wider strategy not tried yet: the one asked for, else the next feasible rung."""
    ok = lambda s: s not in tried and est[s].feasible  # noqa: E731
    if handover and handover in est and ok(handover):
        return handover
    start = LADDER.index(current) + 1 if current in LADDER else 0
    return next((s for s in LADDER[start:] if ok(s)), None)
