"""`ask`: one question through the agent graph, returned as an AskResult and logged as a run."""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any, Callable

from archivist.agent.context import AgentContext
from archivist.agent.graph import build_graph
from archivist.answering.grounding.citing import as_dict
from archivist.answering.model import Model
from archivist.agent.question.scope import constraint_notes
from archivist.backends.base import LLM
from archivist.config import Settings
from archivist.errors import InputError
from archivist.progress import OnProgress
from archivist.query_syntax import EMPTY_QUERY, merge_filters, parse_fields
from archivist.records import AUTO, STRATEGIES, AnsweredBy, Filters
from archivist.store import Store
from archivist.store.documents import documents, first_locations, local_day, where
from archivist.store.runs import log_run
from archivist.timing import Timings

ASK_JSON_SCHEMA = """\
`archivist ask QUESTION --json` prints one JSON object:

| key          | type            | meaning                                                        |
|--------------|-----------------|----------------------------------------------------------------|
| question     | string          | the question as asked                                          |
| answer       | string          | the answer, with [n] labels that refer to `citations`          |
| strategy     | string          | strategy that produced the answer: rag, stuff, memory, query   |
| answered_by  | string          | llm (model answer passed the grounding check), llm+state (the same, written from a restored SSM state: the model read only the question), extractive (quoted sentences replaced an ungrounded answer), digest or digest+llm (per-message summary, with the model's overview when grounded), query |
| check        | string          | the grounding verdict, or why the model's answer was replaced  |
| rejected_draft | string        | the model's draft when it was replaced ("" otherwise); `check` says why |
| planner      | string          | rules, llm, llm->rules (invalid model choice), forced          |
| reason       | string          | why the planner chose the first strategy                       |
| estimates    | object          | per strategy: tokens_in, tokens_out, calls, seconds, feasible, why |
| escalations  | array of string | "from -> to: why" for each wider strategy tried                |
| attempts     | array of object | strategy, missing, note (e.g. why a stored SSM state was refused), answered_by, check, tokens_in, tokens_out, seconds, restored, not_run (why the strategy could not run at all) |
| citations    | array of object | n, doc_id, ref (Message-ID or "row ID"), message_id, title (subject), date (ISO UTC), day (the sender's local calendar day, as counts read days), where (file and row of a record, mailbox/folder of an email), start, end, quote |
| filters      | object          | the scope: sender, recipient, after, before, mailbox, thread_id, kind, fields, doc_ids, subject |
| unmatched    | array of string | constraints found in the question that the answer could not use or match (also said in the answer) |
| ambiguous    | object          | name in the question -> the participants it could mean (all were counted) |
| warnings     | array of string | e.g. the question was cut to the length budget                 |
| tokens_in    | integer         | tokens read by the model over all calls (0 for query)          |
| tokens_out   | integer         | tokens the model wrote                                         |
| llm_calls    | integer         | model calls made                                               |
| seconds      | number          | wall time of the whole run                                     |
| timings      | object          | seconds from Enter: process_start_s, imports_s (the `ask` command's own start-up; 0 in chat), model_load_s, retrieval_s, prefill_s, decode_s, grounding_s, other_s; first_token_s (first generated answer token, null when no model wrote) and total_s |
| model        | string          | LLM backend name ("" when no model was loaded)                 |
| run_id       | integer         | id of the row in the runs table                                |
| group        | string          | `--group` key (thread:docN, mailbox:NAME), "" without it       |
| restored     | string          | key of the SSM snapshot restored instead of reading the documents ("" when none) |
| plan         | object          | the typed query plan read from the question (used: true when the answer came from it, false for a content question): ask (count, list, top, first, last, peak, field), target, k, constraints (role, text, value, label), words (constraint / frame / not used), unused, notes; {} for a content question |
| result       | object          | the metadata answer as data: count, people (addresses, name, n), date, month, files, doc; refused and why when a constraint could not be used |
"""


@dataclass
class AskResult:
    question: str
    answer: str
    strategy: str
    planner: str
    reason: str
    answered_by: str = ""
    check: str = ""
    rejected_draft: str = ""
    citations: list[dict] = field(default_factory=list)
    estimates: dict[str, Any] = field(default_factory=dict)
    escalations: list[str] = field(default_factory=list)
    attempts: list[dict] = field(default_factory=list)
    filters: dict[str, Any] = field(default_factory=dict)
    unmatched: list[str] = field(default_factory=list)
    ambiguous: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    tokens_in: int = 0
    tokens_out: int = 0
    llm_calls: int = 0
    seconds: float = 0.0
    timings: dict[str, float | None] = field(default_factory=dict)
    model: str = ""
    run_id: int | None = None
    group: str = ""  # `ask --group`: the thread or mailbox the scope was
    restored: str = ""  # the SSM snapshot the answer was generated from ("" when none)
    plan: dict = field(default_factory=dict)  # the typed query plan of a metadata question ({} otherwise)
    result: dict = field(default_factory=dict)  # a metadata answer as data (count, people, date, month, files)
    analysis: Any = field(default=None, repr=False, compare=False)  # for chat follow-ups; not in JSON

    def to_dict(self) -> dict:
        data = asdict(self)
        data.pop("analysis", None)
        return data


def _with_days(store: Store, citations: list[dict]) -> list[dict]:
    """Citations with `day` (the sender's own calendar day, the day metadata counts use) and
    `where` (a record's file and row, an email's mailbox/folder, a text's file name)."""
    ids = [c["doc_id"] for c in citations]
    rows, places = documents(store, ids, ("kind", "date", "date_raw")), first_locations(store, ids)
    for c in citations:
        row = rows.get(c["doc_id"], {})
        c["day"] = local_day(row.get("date_raw"), row.get("date") or c.get("date"))
        c["where"] = where(row.get("kind") or "", places.get(c["doc_id"]))
    return citations


def _plan_dict(analysis) -> dict:
    """The question's typed plan, and whether the answer came from it (a metadata question) or from
    the documents (a content question: its words are what retrieval looks for)."""
    if analysis.reading is None:
        return {}
    return {**analysis.reading.to_dict(), "used": analysis.plan is not None}


def _result(question: str, state: dict, ctx: AgentContext, seconds: float) -> AskResult:
    res, plan = state["result"], state["plan"]
    attempts = state["attempts"]
    unmatched, ambiguous = constraint_notes(state["analysis"])
    plan_of = state["analysis"].plan
    if plan_of is not None:
        from archivist.agent.strategies.planned import what_blocks
        unmatched = what_blocks(plan_of)
    return AskResult(
        question=question, answer=res.answer, strategy=res.strategy, planner=plan.planner,
        reason=plan.reason, answered_by=res.answered_by, check=res.check,
        rejected_draft=res.rejected if res.answered_by != AnsweredBy.LLM else "",
        citations=_with_days(ctx.store, [as_dict(c) for c in res.citations]),
        estimates=plan.estimates_dict(), escalations=state.get("escalations", []),
        attempts=[{"strategy": a.strategy, "missing": a.missing, "note": a.note,
                   "answered_by": a.answered_by, "check": a.check,
                   "tokens_in": a.tokens_in, "tokens_out": a.tokens_out, "seconds": a.seconds,
                   "restored": a.restored, "not_run": a.not_run}
                  for a in attempts],
        filters=asdict(state["scope"].filters), unmatched=unmatched, ambiguous=ambiguous,
        warnings=list(state["analysis"].warnings),
        tokens_in=sum(a.tokens_in for a in attempts), tokens_out=sum(a.tokens_out for a in attempts),
        llm_calls=ctx.model.calls, seconds=round(seconds, 3), model=ctx.model.name,
        group=ctx.group.key if ctx.group is not None else "", restored=res.restored,
        plan=_plan_dict(state["analysis"]), result=dict(res.result),
        analysis=state["analysis"])


def ask(store: Store, settings: Settings, question: str, strategy: str = AUTO,
        llm: LLM | Model | None = None, search: Callable | None = None,
        on_token: Callable[[str], None] | None = None, history: list[dict] | None = None,
        prior: Filters | None = None, override: Filters | None = None, prior_analysis: Any = None,
        session_id: int | None = None, log: bool = True, on_progress: OnProgress | None = None,
        confirm: Callable[[str], bool] | None = None, group: str | None = None,
        timings: Timings | None = None) -> AskResult:
    """Answer one question; every run is logged in the runs table (with its error, if any).

    llm: a Model shared across runs (chat), a loaded backend, or None to load the one the
    settings name when a strategy first needs it. on_progress hears each step (planning,
    loading the model, searching, reading, escalating, verifying); confirm is asked before a
    strategy estimated above settings.answer.confirm_seconds (None: never ask). group (thread:docN or
    mailbox:NAME) makes the scope exactly that group: answered from its stored SSM state when the
    backend is the SSM that read it, else by reading its documents. timings: the clock of this answer (`archivist ask` starts
    it at process creation); None: started here."""
    if strategy not in (AUTO, *STRATEGIES):
        raise InputError(f"unknown strategy {strategy!r}; use auto, {', '.join(STRATEGIES)}")
    question, found = parse_fields(question or "")
    if not question.strip():
        raise InputError(EMPTY_QUERY)
    if not found.is_empty():  # from:x after:2001-09-01 ... in the question itself
        override = merge_filters(found, override) if override is not None else found
    the_group = None
    if group:
        if override is not None and not override.is_empty():
            raise InputError("--group names the whole scope: leave out the other filters")
        from archivist.memory.ssm_reader import resolve
        the_group = resolve(store, group)
    timings = timings if timings is not None else Timings()
    model = llm if isinstance(llm, Model) else Model(settings, llm)
    model.on_token, model.on_progress, calls_before = on_token, on_progress, model.calls
    model.timings = timings
    ctx = AgentContext(store=store, settings=settings, model=model, search=search,
                       strategy=strategy, prior=prior, override=override, history=history or [],
                       on_progress=on_progress, confirm=confirm, prior_analysis=prior_analysis,
                       group=the_group, timings=timings)
    start = time.perf_counter()
    try:
        state = build_graph().invoke({"question": question}, context=ctx)
    except Exception as exc:
        if log:
            log_run(store, "ask", {"question": question, "strategy": strategy}, settings,
                    session_id, error=f"{type(exc).__name__}: {exc}")
        raise
    finally:
        model.timings = None
    result = _result(question, state, ctx, time.perf_counter() - start)
    result.llm_calls = model.calls - calls_before
    result.timings = timings.to_dict()
    if log:
        result.run_id = log_run(store, "ask" if session_id is None else "chat", result.to_dict(),
                                settings, session_id)
    return result
