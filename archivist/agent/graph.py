"""The agent as a LangGraph StateGraph:

    analyse -> scope -> plan -> act -> verify -> check -> answer
                                 ^                  |
                                 +--- wider --------+

act runs one strategy; verify checks every model answer against what it cites (and replaces an
ungrounded one); check escalates to a wider strategy when the evidence is missing. All
dependencies (store, model, settings, search) arrive through the runtime context.
"""
from __future__ import annotations

import time
from functools import cache
from typing import TypedDict

from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime

from archivist.agent.context import AgentContext, Attempt
from archivist.agent.verify import verify as verify_attempt
from archivist.agent.planner import Plan, make_plan, next_strategy
from archivist.answering.prompts import NOT_FOUND
from archivist.agent.question.analyse import MAX_QUESTION_CHARS, Analysis, analyse_question, metadata_question
from archivist.agent.question.lexicon import lexicon
from archivist.agent.question.followup import carry_intent, prior_year
from archivist.agent.question.reader import read_plan
from archivist.agent.question.scope import Scope, build_scope, constraint_notes, measure
from archivist.agent.question.topic import thread_scope
from archivist.agent.strategies import RUNNERS
from archivist.errors import ArchivistError
from archivist.progress import Stage
from archivist.agent.question.plan import Ask, Target
from archivist.records import AUTO, Filters, Intent, QuestionKind, Strategy
from archivist.store.overview import has_emails
from archivist.timing import Span

# a question the older keyword rules read as metadata is never left to the model: its plan says
# exactly which words it could not use
OLD_INTENTS = {Intent.COUNT: (Ask.COUNT, Target.DOCUMENTS), Intent.LIST: (Ask.LIST, Target.DOCUMENTS),
               Intent.TOP_SENDERS: (Ask.TOP, Target.SENDER), Intent.TOP_RECIPIENTS: (Ask.TOP, Target.RECIPIENT),
               Intent.WHO_SENT: (Ask.FIELD, Target.SENDER), Intent.WHEN_SENT: (Ask.FIELD, Target.DATE)}
NODES = ("analyse", "scope", "plan", "act", "verify", "check", "answer")


class AgentState(TypedDict, total=False):
    question: str
    resolved: str  # the question with a follow-up's context attached
    analysis: Analysis
    scope: Scope
    plan: Plan
    strategy: str  # the Strategy the next act runs ("" when done)
    attempts: list[Attempt]
    escalations: list[str]  # "rag -> stuff: reason"
    result: Attempt  # the attempt the final answer comes from


def resolve_follow_up(question: str, history: list[dict]) -> str:
    """A follow-up question with the previous question attached, so retrieval sees its subject."""
    previous = next((h["content"] for h in reversed(history) if h.get("role") == "user"), "")
    return f"{question} (follow-up to: {previous})" if previous else question


class Declined(ArchivistError):
    """The user said no to a run estimated to take long."""

    exit_code = 1


def analyse(state: AgentState, runtime: Runtime[AgentContext]) -> dict:
    ctx = runtime.context
    ctx.status(Stage.ANALYSING, "reading the question")
    analysis = analyse_question(state["question"], has_history=bool(ctx.history),
                                lex=lexicon(ctx.store))
    if ctx.prior_analysis is not None:  # "and in June?" after a count: the same count in June
        analysis = carry_intent(analysis, ctx.prior_analysis, state["question"],
                                prior_year(ctx.store, ctx.prior))
    # an over-long question is answered as analysed (cut to the budget): the whole of it in the
    # prompt made a 126,000-character question a 52k-token prompt
    long = len(state["question"]) > MAX_QUESTION_CHARS and analysis.question
    resolved = analysis.question if long else state["question"]
    if analysis.follow_up or analysis.kind == QuestionKind.FOLLOW_UP:
        resolved = resolve_follow_up(resolved, ctx.history)
    elif ctx.group is None:  # a question of its own: its typed plan, when it asks for metadata
        old = OLD_INTENTS.get(analysis.intent) if metadata_question(analysis) else None
        plan = read_plan(state["question"], lexicon(ctx.store), old)
        analysis.reading = plan
        valued = analysis.aggregate is not None and analysis.aggregate.values  # 'every dollar amount in X'
        # a plan selects emails: over an archive with none (a long report, passages of text) it
        # would leave nothing in scope ("... growth over last year?" read as "the last email")
        if plan.metadata and not valued and has_emails(ctx.store):  # values the text writes are no metadata
            analysis.plan, analysis.entities = plan, []
    return {"analysis": analysis, "resolved": resolved}


def scope(state: AgentState, runtime: Runtime[AgentContext]) -> dict:
    ctx = runtime.context
    if ctx.group is not None:  # --group: exactly that thread or mailbox, whatever the question names
        filters = Filters(doc_ids=list(ctx.group.doc_ids))
        n_docs, tokens = measure(ctx.store, filters)
        return {"scope": Scope(filters, n_docs, tokens, note=f"group {ctx.group.key}")}
    found = build_scope(ctx.store, state["question"], state["analysis"],
                        prior=ctx.prior, override=ctx.override)
    if state["analysis"].kind == QuestionKind.SUMMARISE:  # "summarise the X negotiation": X's thread(s)
        found = thread_scope(ctx, state["question"], found) or found
    return {"scope": found}


def plan(state: AgentState, runtime: Runtime[AgentContext]) -> dict:
    ctx, sc = runtime.context, state["scope"]
    ctx.status(Stage.PLANNING, f"{sc.n_docs:,} documents, ~{sc.tokens:,} tokens in scope")
    p = make_plan(ctx, state["question"], state["analysis"], sc)
    confirm_long(ctx, p.strategy, p.estimates[p.strategy].seconds)
    return {"plan": p, "strategy": p.strategy, "attempts": [], "escalations": []}


def confirm_long(ctx: AgentContext, strategy: str, seconds: float) -> None:
    """Ask before a run estimated above confirm_seconds (when someone can be asked)."""
    if ctx.confirm is None or seconds <= ctx.settings.answer.confirm_seconds:
        return
    if not ctx.confirm(f"{strategy} is estimated to take about {seconds / 60:.0f} min. Go on?"):
        raise Declined(f"stopped before {strategy} (estimated {seconds:.0f} s); "
                       "narrow the question, pick --strategy rag, or pass --yes")


def act(state: AgentState, runtime: Runtime[AgentContext]) -> dict:
    start = time.perf_counter()
    attempt = RUNNERS[state["strategy"]](runtime.context, state.get("resolved") or state["question"],
                                         state["analysis"], state["scope"])
    attempt.seconds = round(time.perf_counter() - start, 3)
    return {"attempts": state.get("attempts", []) + [attempt]}


def verify(state: AgentState, runtime: Runtime[AgentContext]) -> dict:
    """Check the last attempt's model answer; replace it when it is not grounded."""
    start = time.perf_counter()
    if state["attempts"][-1].draft is not None:
        runtime.context.status(Stage.VERIFYING, "checking the answer against its sources")
    with Span(runtime.context.timings, "grounding"):
        last = verify_attempt(runtime.context, state["attempts"][-1])
    last.seconds = round(last.seconds + time.perf_counter() - start, 3)
    return {"attempts": state["attempts"][:-1] + [last]}


def check(state: AgentState, runtime: Runtime[AgentContext]) -> dict:
    """Escalate to a wider strategy when the last attempt says the evidence is missing."""
    last: Attempt = state["attempts"][-1]
    done = state.get("escalations", [])
    ctx = runtime.context
    if not last.missing or len(done) >= ctx.settings.answer.max_escalations \
            or ctx.strategy != AUTO and last.handover is None:
        return {"strategy": ""}
    tried = [a.strategy for a in state["attempts"]]
    nxt = next_strategy(last.strategy, last.handover, tried, state["plan"].estimates)
    if nxt is None:
        return {"strategy": ""}
    why = last.note or "the answer says the evidence is missing"
    ctx.status(Stage.ESCALATING, f"{last.strategy} -> {nxt}: {why}")
    if nxt == Strategy.MEMORY:
        confirm_long(ctx, nxt, state["plan"].estimates[nxt].seconds)
    return {"strategy": nxt, "escalations": done + [f"{last.strategy} -> {nxt}: {why}"]}


def route(state: AgentState) -> str:
    return "act" if state.get("strategy") else "answer"


def answer(state: AgentState, runtime: Runtime[AgentContext]) -> dict:
    """The best attempt: the last one with evidence, else the last one; never uncited when
    any attempt found a source."""
    attempts = state["attempts"]
    good = [a for a in attempts if not a.missing and a.answer]
    backup = [a for a in attempts if a.fallback is not None]
    result = good[-1] if good else attempts[-1]
    if not good and backup:  # every model answer said missing, but a passage answers it
        result = _with_fallback(backup[-1])
    if not result.answer:
        result.answer = NOT_FOUND + (f" ({result.note})" if result.note else "")
    if not result.citations:
        result.citations = next((a.citations for a in reversed(attempts) if a.citations), [])
    result.answer += notes_text(*constraint_notes(state["analysis"]))
    return {"result": result}


def notes_text(unmatched: list[str], ambiguous: dict[str, list[str]]) -> str:
    """What the answer could not use or pin down, said after it (never silently dropped)."""
    lines = [f"Note: {u}." for u in unmatched]
    lines += [f"Note: '{name}' matches several participants ({'; '.join(c)}); the answer counts "
              f"all of them. Which one do you mean?" for name, c in ambiguous.items()]
    return ("\n\n" + "\n".join(lines)) if lines else ""


def _with_fallback(attempt: Attempt) -> Attempt:
    """The attempt with its extractive fallback as the answer (costs kept)."""
    fb = attempt.fallback
    attempt.answer, attempt.citations, attempt.missing = fb.answer, fb.citations, False
    attempt.answered_by, attempt.check = fb.answered_by, fb.check
    return attempt


@cache
def build_graph():
    """The compiled agent graph (compiled once; it holds no run state); invoke with
    context=AgentContext(...)."""
    g = StateGraph(AgentState, context_schema=AgentContext)
    for name in NODES:
        g.add_node(name, globals()[name])
    for a, b in zip(NODES[:-2], NODES[1:-1]):  # analyse -> scope -> plan -> act -> verify -> check
        g.add_edge(a, b)
    g.add_edge(START, "analyse")
    g.add_conditional_edges("check", route, {"act": "act", "answer": "answer"})
    g.add_edge("answer", END)
    return g.compile()
