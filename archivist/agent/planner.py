"""Planners: estimate the cost of every strategy for a question's scope and pick one, by rules
(default, deterministic) or by the model's constrained choice (falling back to the rules).

Cost model: a call over t context tokens costs t/prefill seconds, times (1 + t/window) for
attention models (the quadratic term) and plain linear for SSMs, plus out/decode seconds. After a
miss, `next_strategy` picks the next wider feasible strategy on the ladder query -> rag -> stuff ->
memory.
"""
from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field

from archivist.agent.context import AgentContext
from archivist.answering.model import ModelInfo
from archivist.answering.prompts import SYSTEM_PLANNER, USER_PLANNER
from archivist.agent.question.analyse import Analysis, metadata_question
from archivist.agent.question.scope import Scope
from archivist.memory.ssm_reader import has_state
from archivist.backends.base import Message
from archivist.config import Settings
from archivist.records import AUTO, STRATEGIES, ModelKind, PlannerKind, QuestionKind, Strategy

SPEEDS = {  # (prefill tokens/s, decode tokens/s) per model kind on this class of machine
    ModelKind.ATTENTION: (600.0, 25.0), ModelKind.HYBRID: (600.0, 25.0), ModelKind.SSM: (500.0, 25.0),
    ModelKind.REMOTE: (5000.0, 60.0), ModelKind.ECHO: (1e6, 1e5)}
PROMPT = 250  # tokens of instructions and question per call
# extractive memory notes: tokens read per second while scoring sentences, the answer call aside.
# Calibrated 2026-12-07 (was 20,000, "half of a 128k haystack in ~3 s"): `eval run niah --lengths
# 1000,32000,128000,512000,1000000 --depths 50 --strategies rag,memory --memory-notes extractive
# --threads 1`, nice 19, load 1.5-2.2: memory 1.1 s a row at 1k, 1.7 s at 128k, 3.7 s at 512k,
# 6.0 s at 1M, so ~200k tokens/s read (1M: (6.0 - 1.1) s); rag 3.1-3.5 s a row beside an estimate
# of 2.8 s. In the 2026-12-07 suite at load 5-10 both were slower alike: memory 12.5 s at 1M vs
# ~4.2 s at 1k (~120k tokens/s), rag 6-17 s a row.
EXTRACT_TPS = 200_000
# a lookup goes to memory when memory's estimate is at most this times rag's (lookup_plan): no
# more than rag's cost; with the estimates above that is up to ~180k tokens in scope at the eval's
# top_k 3 (memory measured 1.7 s vs rag 3.2 s at 128k, 3.7 vs 3.5 at 512k, 6.0 vs 3.1 at 1M)
LOOKUP_FACTOR = 1.0
# questions that ask for the text's own passages (asks_for_passages)
_PART = r"(?:parts?|passages?|sections?|clauses?|provisions?|paragraphs?|excerpts?|wording)"
_TEXT = r"(?:text|document|contract|agreement|report|transcript|e-?mail|message|letter|article|call|book|story)"
PASSAGES = re.compile(rf"\b(?:highlight|quote|excerpt|cite|point\s+out|identify|show|find)\b(?:\W+\w+){{0,4}}?\W+{_PART}\b"
                      rf"|\b(?:which|what)\W+(?:\w+\W+){{0,2}}?{_PART}\W+(?:of|in)\W+(?:the|this|that|these|those)\W+"
                      rf"(?:\w+\W+)?{_TEXT}s?\b", re.I)
LADDER = (Strategy.QUERY, Strategy.RAG, Strategy.STUFF, Strategy.MEMORY)  # narrow to wide view
WHOLE_SCOPE = (QuestionKind.SUMMARISE, QuestionKind.COUNT, QuestionKind.LIST)


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
    strategy: Strategy
    reason: str
    planner: PlannerKind
    estimates: dict[str, Estimate] = field(default_factory=dict)

    def estimates_dict(self) -> dict:
        return {k: asdict(v) for k, v in self.estimates.items()}


def call_seconds(tokens: int, out: int, window: int, kind: str, settings: Settings) -> float:
    """Seconds of one call: prefill (quadratic for attention, linear for SSMs) plus decode."""
    prefill, decode = SPEEDS.get(kind, SPEEDS[ModelKind.ATTENTION])
    prefill = settings.answer.prefill_tps or prefill
    decode = settings.answer.decode_tps or decode
    quadratic = 1.0 if kind in (ModelKind.SSM, ModelKind.ECHO) else 1.0 + tokens / max(window, 1)
    return tokens / prefill * quadratic + out / decode


def estimate_all(s: Settings, info: ModelInfo, budget: int, analysis: Analysis,
                 scope: Scope) -> dict[str, Estimate]:
    """Tokens, calls and seconds of every strategy for this scope and model."""
    out, max_s, state = s.model.max_new_tokens, s.memory.max_seconds, s.memory.memory_tokens
    secs = lambda t, o: call_seconds(t, o, info.window, info.kind, s)  # noqa: E731
    q_ok = metadata_question(analysis)
    rag_in = min(s.retrieval.top_k * s.retrieval.chunk_tokens, budget) + PROMPT
    stuff_in = min(scope.tokens, budget) + PROMPT
    chunk = max(128, budget - state - PROMPT)
    n_chunks = max(1, math.ceil(scope.tokens / chunk))
    # no model call while reading (extractive notes, or an aggregation the tally answers): one, to answer
    if s.memory.memory_notes == "extractive" or analysis.aggregate is not None:
        n_chunks, mem_call, mem_out = 0, 0, 0
        mem_secs = scope.tokens / EXTRACT_TPS + secs(state + PROMPT, out)
    else:
        mem_call = min(scope.tokens, chunk) + state + PROMPT
        mem_out = state // 2
        mem_secs = n_chunks * secs(mem_call, mem_out) + secs(state + PROMPT, out)
    return {
        Strategy.QUERY: Estimate(0, 0, 0, 0.05, q_ok, "" if q_ok else "not a metadata question"),
        Strategy.RAG: Estimate(rag_in, out, 1, round(secs(rag_in, out), 2)),
        Strategy.STUFF: Estimate(stuff_in, out, 1, round(secs(stuff_in, out), 2), scope.tokens <= budget,
                          "" if scope.tokens <= budget else f"scope {scope.tokens} > budget {budget} tokens"),
        Strategy.MEMORY: Estimate(n_chunks * mem_call + state + PROMPT, n_chunks * mem_out + out,
                           n_chunks + 1, round(mem_secs, 1), mem_secs <= max_s and scope.n_docs > 0,
                           "" if mem_secs <= max_s else f"~{mem_secs:.0f}s > max {max_s:.0f}s"),
    }


def rule_plan(analysis: Analysis, scope: Scope, est: dict[str, Estimate]) -> tuple[Strategy, str]:
    """(strategy, reason) from the question kind and what fits."""
    S = Strategy
    size = f"{scope.n_docs} documents, ~{scope.tokens} tokens in scope" + \
        (f"; {scope.note}" if scope.note else "")
    if est[S.QUERY].feasible:
        return S.QUERY, f"{analysis.kind} question on metadata: exact SQL answer, no model call"
    if (spread := aggregate_plan(analysis, scope, est, size)) is not None:
        return spread
    if analysis.kind in WHOLE_SCOPE:
        if est[S.STUFF].feasible:
            return S.STUFF, f"{analysis.kind} needs the whole scope and it fits ({size})"
        if est[S.MEMORY].feasible:
            return S.MEMORY, f"{analysis.kind} needs the whole scope; too big to stuff, " \
                             f"read in {est[S.MEMORY].calls - 1} chunks ({size})"
        return S.RAG, f"{analysis.kind} scope too large to read ({est[S.MEMORY].why}); best passages"
    if not scope.is_whole_corpus and est[S.STUFF].feasible and scope.n_docs > 0:
        return S.STUFF, f"the question names a small scope that fits the context ({size})"
    if (whole := lookup_plan(analysis, scope, est, size)) is not None:
        return whole
    return S.RAG, f"{analysis.kind} question: retrieve the best passages ({size}){not_memory(analysis, scope, est)}"


def not_memory(analysis: Analysis, scope: Scope, est: dict[str, Estimate]) -> str:
    """Why a lookup left to rag was not read whole by memory ('' when memory was never a candidate)."""
    mem, rag = est[Strategy.MEMORY], est[Strategy.RAG]
    if analysis.kind != QuestionKind.LOOKUP or scope.n_docs <= 0:
        return ""
    if asks_for_passages(analysis):
        return "; it asks for the text's own passages, which rag retrieves whole (memory keeps single sentences)"
    if not mem.feasible:
        return f"; memory cannot read it all ({mem.why})"
    if mem.calls != 1:
        return f"; memory's notes take a model call per chunk ({mem.calls - 1} calls, ~{mem.seconds:.0f}s)"
    return f"; memory would read all of it in ~{mem.seconds:.1f}s, more than rag's ~{rag.seconds:.1f}s"


def asks_for_passages(analysis: Analysis) -> bool:
    """Whether the question asks for the text's own parts ('highlight the parts of this contract
    related to ...', 'quote the clause on ...', 'which sections of the report cover ...')."""
    return bool(PASSAGES.search(analysis.question))


def lookup_plan(analysis: Analysis, scope: Scope, est: dict[str, Estimate],
                size: str) -> tuple[Strategy, str] | None:
    """Memory for a lookup whose whole scope it reads for no more than rag's estimated seconds:
    it reads every token and keeps the sentences that best match the question wherever they are,
    where rag's answer rests on a top-k sample of passages (a fact outside them is lost: niah
    at 32k and 128k, README "Beyond the window"). Only with extractive notes (no model call while
    reading: one call in all, to answer; model-written notes, the settings' default `both`, are a
    call per chunk and lose facts with the small model) and when memory's estimate says so: whole
    Enron's ~7M tokens cost ~40 s to read against rag's ~10 s (not the whole corpus is no
    condition: a small archive, or an eval's haystack, is the whole corpus and cheap to read).
    Not a question that asks for the text's own passages: memory's notes are single sentences cut
    to its bound, rag's passages are whole (L-Eval's "highlight the parts of this contract related
    to ...": rag 0.23 vs memory 0.16 token F1 on 16 contracts; on its 8 call transcripts' plain
    questions memory 0.28 vs rag 0.27). None: rag (the caller)."""
    mem, rag = est[Strategy.MEMORY], est[Strategy.RAG]
    if analysis.kind != QuestionKind.LOOKUP or not mem.feasible or scope.n_docs <= 0 or mem.calls != 1:
        return None  # calls != 1: the model writes notes on every chunk (memory_notes model or both)
    if asks_for_passages(analysis) or mem.seconds > LOOKUP_FACTOR * rag.seconds:
        return None
    return Strategy.MEMORY, (f"lookup question: memory reads all ~{scope.tokens} tokens in scope for no more "
                             f"than rag's top passages (~{mem.seconds:.1f}s vs ~{rag.seconds:.1f}s) and keeps the "
                             f"sentences that best match the question wherever they are, where rag reads a "
                             f"sample of {rag.tokens_in - PROMPT} tokens ({size})")


def aggregate_plan(analysis: Analysis, scope: Scope, est: dict[str, Estimate],
                   size: str) -> tuple[Strategy, str] | None:
    """Memory for an aggregation question (how often, most frequent, all the values, track a
    value) whose scope is more than rag's top-k passages cover: a sample of passages cannot count
    or hold every value, the memory's tallied notes can; or whose scope rag covers but memory
    reads for no more than rag's estimate (it answers from its tally without a model call, so
    every value it read is quoted, none left to a small model to copy). None: the other rules decide."""
    ask = analysis.aggregate
    covered = est[Strategy.RAG].tokens_in - PROMPT
    if ask is None or not est[Strategy.MEMORY].feasible:
        return None
    if scope.tokens > covered:
        return Strategy.MEMORY, (f"{ask.kind} question ('{ask.cue}'): the answer is spread over the whole "
                                 f"scope, more than rag's top passages cover (~{covered} tokens); memory reads "
                                 f"every document and answers from its tallied notes ({size})")
    if scope.n_docs > 0 and est[Strategy.MEMORY].seconds <= est[Strategy.RAG].seconds:
        return Strategy.MEMORY, (f"{ask.kind} question ('{ask.cue}'): rag's passages would cover the scope, "
                                 f"but memory reads all of it for less (~{est[Strategy.MEMORY].seconds:.1f}s vs "
                                 f"~{est[Strategy.RAG].seconds:.1f}s) and answers from its tallied notes, "
                                 f"quoting every piece ({size})")
    return None


def llm_plan(ctx: AgentContext, question: str, scope: Scope,
             est: dict[str, Estimate]) -> tuple[Strategy | None, str]:
    """The model's constrained choice, or None when it is invalid or infeasible."""
    messages = [Message("system", SYSTEM_PLANNER),
                Message("user", USER_PLANNER.format(question=question, n_docs=scope.n_docs,
                                                    tokens=scope.tokens, window=ctx.model.info().window))]
    try:
        raw = ctx.model.generate(messages, max_tokens=4, choices=list(STRATEGIES)).text
    except Exception as exc:  # any backend failure means: use the rules
        return None, f"planner model failed ({type(exc).__name__})"
    choice = (raw or "").strip().lower()
    if choice not in STRATEGIES:
        return None, f"planner output {raw!r} is not one of {', '.join(STRATEGIES)}"
    if not est[choice].feasible:
        return None, f"planner chose {choice}, which is not feasible here ({est[choice].why})"
    return Strategy(choice), f"model chose {choice}"


def needs_model(ctx: AgentContext, analysis: Analysis, est: dict[str, Estimate]) -> bool:
    """Whether this run will call the model (then its real window and kind should be known)."""
    if ctx.strategy != AUTO:
        return ctx.strategy != Strategy.QUERY
    return ctx.settings.answer.planner == PlannerKind.LLM or not est[Strategy.QUERY].feasible


def make_plan(ctx: AgentContext, question: str, analysis: Analysis, scope: Scope) -> Plan:
    """The strategy for this question: forced by the user, else the rules, else the model's
    choice (planner llm) checked against the estimates."""
    m = ctx.model
    est = estimate_all(ctx.settings, m.info(), m.budget(), analysis, scope)
    if needs_model(ctx, analysis, est) and not m.loaded:  # estimate with the real window and kind
        m.llm()
        est = estimate_all(ctx.settings, m.info(), m.budget(), analysis, scope)
    if ctx.strategy in STRATEGIES:
        return Plan(Strategy(ctx.strategy), f"strategy {ctx.strategy} forced by the user",
                    PlannerKind.FORCED, est)
    strategy, reason = rule_plan(analysis, scope, est)
    if strategy != Strategy.QUERY and ctx.group is not None and m.info().kind == ModelKind.SSM \
            and has_state(ctx.store, ctx.group):
        return Plan(Strategy.MEMORY, f"{ctx.group.key} has a stored SSM state: restore it and read "
                    f"only the question (rules alone would pick {strategy})", PlannerKind.RULES, est)
    if ctx.settings.answer.planner != PlannerKind.LLM:
        return Plan(strategy, reason, PlannerKind.RULES, est)
    choice, why = llm_plan(ctx, question, scope, est)
    if choice is None:
        return Plan(strategy, f"{why}; rules: {reason}", PlannerKind.LLM_FALLBACK, est)
    return Plan(choice, f"{why} (rules would pick {strategy}: {reason})", PlannerKind.LLM, est)


def next_strategy(current: str, handover: str | None, tried: list[str],
                  est: dict[str, Estimate]) -> Strategy | None:
    """A wider strategy not tried yet: the one asked for, else the next feasible rung."""
    ok = lambda s: s not in tried and est[s].feasible  # noqa: E731
    if handover and handover in est and ok(handover):
        return handover
    start = LADDER.index(current) + 1 if current in LADDER else 0
    return next((s for s in LADDER[start:] if ok(s)), None)
