"""The memory strategy: read every in-scope document in order through the rolling memory,
saving its state after each chunk (resumable), then answer from the notes.

When the scope is exactly a thread or mailbox whose documents an SSM backend has already read
(`archivist memory read`), the stored state is restored instead and the model reads only the
question; a snapshot of another model, dtype or input is refused and the documents are read."""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict

from archivist.memory import ssm_reader
from archivist.agent.context import AgentContext, Attempt, Draft
from archivist.answering.prompts import SYSTEM_FINAL_FROM_NOTES, SYSTEM_MEMORY, USER_MEMORY, fence
from archivist.agent.question.analyse import Analysis
from archivist.agent.question.scope import Scope, scope_ids
from archivist.agent.strategies.common import ECHO_STOPS, OVERVIEW_TOKENS, answer_from, continued
from archivist.answering.grounding.sentences import content_words, overlap, sentences_of
from archivist.memory.rolling import Fact, MemoryState, RollingMemory, load_state, save_state
from archivist.memory.tally import Rank, same
from archivist.memory.tracking import follow, starts
from archivist.agent.question.aggregate import Aggregate, AggregateAsk, values_in
from archivist.agent.strategies.aggregate import from_notes
from archivist.sanitise import neutralise
from archivist.progress import Stage, Unit
from archivist.records import AnsweredBy, QuestionKind, Strategy

PROMPT_OVERHEAD = 200
KEEP = 48  # distinct facts a chunk adds to the tally at most (the tally's cap bounds the whole)
FOLLOWED = 1.0  # a sentence naming a followed literal outranks any share of the question's words


def memory_key(ctx: AgentContext, question: str, scope: Scope) -> str:
    """Same question, scope, model and budget -> same saved reading."""
    s = ctx.settings
    raw = json.dumps([question, asdict(scope.filters), s.model.llm, s.model.llm_model,
                      s.memory.memory_tokens, s.memory.memory_notes],
                     sort_keys=True, default=str)
    return "agent:" + hashlib.sha256(raw.encode()).hexdigest()[:24]


def extractor(ctx: AgentContext, question: str, keep: int = KEEP, tracked: list[str] | None = None,
              values: str = ""):
    """A chunk -> its distinct sentences that share most of the question's content words, as facts
    citing their own document, each counted as often as the chunk repeats it (best first; none
    that share no word). With `tracked` (a TRACK question), a sentence naming a followed literal
    is kept first whatever its words, and its literals are followed from then on. With `values`
    (an ALL that names a kind of value: 'every dollar amount'), a sentence writing such a value
    is kept first whatever its words."""
    wanted = content_words(question)

    def extract(chunk) -> list[Fact]:
        cites = {c.n: c for c in chunk.citations}
        sents = [s for s in sentences_of(ctx.store, chunk) if s.text]
        for s in sents:  # in reading order: a chain is followed as it is read
            s.score = overlap(wanted, s) + (FOLLOWED if tracked is not None and follow(s.text, tracked) else 0) \
                + (FOLLOWED if values and values_in(values, s.text) else 0)
        facts: dict[str, Fact] = {}
        for s in (s for s in sents if s.score > 0):
            fact = facts.get(key := same(s.text))
            if fact is None:
                facts[key] = Fact(s.text, s.doc_id, cites[s.n].ref, s.date, cites[s.n].title, s.score,
                                  start=s.start, end=s.end, sender=s.sender)
            else:  # read again in this chunk: counted, and the last place moves
                fact.count += 1
                fact.last_doc_id, fact.last_ref = s.doc_id, cites[s.n].ref
        return sorted(facts.values(), key=lambda f: (-f.score, -f.count))[:keep]
    return extract


def chunk_budget(ctx: AgentContext) -> int:
    return max(128, ctx.model.budget() - ctx.settings.memory.memory_tokens - PROMPT_OVERHEAD)


def next_chunk(ctx: AgentContext, window: list[int], budget: int):
    """The next chunk: the documents at the start of window that fit the budget whole. The packer
    cuts the last document that does not fit, and its rest would never be read, since the reading
    moves past every document it packed (a needle in that rest was lost: niah with 4 needles found
    3); so a cut chunk is packed again without it, and it starts the next chunk. A first document
    longer than the whole budget is still read cut."""
    chunk = ctx.pack(window, budget)
    n = len(window)
    while chunk.truncated and n > 1 and chunk.doc_ids:
        n = min(n - 1, max(1, len(chunk.doc_ids) - 1))
        chunk = ctx.pack(window[:n], budget)
    return chunk


def read_all(ctx: AgentContext, memory: RollingMemory, ids: list[int], key: str) -> None:
    """Advance the memory over ids from its saved position, chunk by chunk."""
    max_chunks = ctx.settings.memory.max_memory_chunks
    budget = chunk_budget(ctx)
    st = memory.state
    while st.position < len(ids) and st.chunks < max_chunks:
        ctx.status(Stage.MEMORY, f"notes from chunk {st.chunks + 1}, {len(st.facts)} facts kept",
                   st.position, len(ids), Unit.DOCUMENTS)
        window = ids[st.position: st.position + 64]
        chunk = next_chunk(ctx, window, budget)
        if not chunk.doc_ids:  # a packer that does not report ids consumed the whole window
            chunk.doc_ids = window[:max(1, len(chunk.citations))]
        memory.update(chunk, fence)
        save_state(ctx.store.conn, key, st)
    ctx.status(Stage.MEMORY, f"{st.chunks} chunks read, {len(st.facts)} facts kept",
               st.position, len(ids), Unit.DOCUMENTS)


def from_state(ctx: AgentContext, question: str, analysis: Analysis, scope: Scope,
               ids: list[int]) -> tuple[Attempt | None, str]:
    """(an answer from the group's restored SSM state, '') or (None, why not) when the scope is a
    group with a snapshot (or named by --group) that cannot be used; (None, '') otherwise."""
    group = ctx.group or ssm_reader.group_of_scope(ctx.store, ids, scope.filters)
    if group is None or (ctx.group is None and not ssm_reader.has_any_state(ctx.store, group)):
        return None, ""
    summary = analysis.kind == QuestionKind.SUMMARISE
    ctx.status(Stage.MEMORY, f"restoring the stored state of {group.key}")
    try:
        got = ssm_reader.answer(ctx.store, ctx.model.llm(), group, question,
                                OVERVIEW_TOKENS if summary else ctx.settings.model.max_new_tokens,
                                ECHO_STOPS)
    except ssm_reader.NoState as exc:
        ctx.status(Stage.MEMORY, f"SSM state not used: {exc}; reading the documents")
        return None, f"SSM state not used: {exc}; read the documents instead"
    ctx.model.calls += 1
    draft = Draft(continued(neutralise(got.text)), got.packed, question, analysis.kind)
    return Attempt(Strategy.MEMORY, tokens_in=got.tokens_in, tokens_out=got.tokens_out, llm_calls=1,
                   draft=draft, restored=got.snapshot,
                   note=f"restored SSM state {got.snapshot} ({got.state_tokens} tokens read earlier); "
                        f"read only the question ({got.tokens_in} tokens)"), ""


def run_memory(ctx: AgentContext, question: str, analysis: Analysis, scope: Scope) -> Attempt:
    ids = scope_ids(ctx.store, scope.filters)
    if not ids:
        return Attempt(Strategy.MEMORY, missing=True, note="nothing in scope")
    restored, refused = from_state(ctx, question, analysis, scope, ids)
    if restored is not None:
        return restored
    attempt = _read(ctx, question, analysis, scope, ids)
    if refused:
        attempt.note = f"{refused}; {attempt.note}"
    return attempt


TICK = 8  # tokens between status updates while a chunk's notes are written


def _notes_call(ctx: AgentContext, state: MemoryState, total: int, messages):
    """One chunk's notes, its tokens counted on the status line as they are written (a chunk
    takes tens of seconds on a CPU; without this the bar sat on 0/N). The tokens go to the status
    only, never to the answer stream."""
    written = 0

    def tick(_piece: str) -> None:
        nonlocal written
        written += 1
        if written % TICK == 0:
            ctx.status(Stage.MEMORY, f"notes from chunk {state.chunks + 1}: {written} tokens written, "
                       f"{len(state.facts)} facts kept", state.position, total, Unit.DOCUMENTS)

    saved, ctx.model.on_token = ctx.model.on_token, tick
    try:
        return ctx.model.generate(messages, max_tokens=min(ctx.settings.memory.memory_tokens, 400), stream=True)
    finally:
        ctx.model.on_token = saved


def _read(ctx: AgentContext, question: str, analysis: Analysis, scope: Scope, ids: list[int]) -> Attempt:
    key = memory_key(ctx, question, scope)
    state = load_state(ctx.store.conn, key) or MemoryState(question)
    state.total = len(ids)
    resumed = state.position

    def generate(messages):
        gen = _notes_call(ctx, state, len(ids), messages)
        return gen.text, gen.tokens_in, gen.tokens_out

    ask = analysis.aggregate
    memory = _memory(ctx, question, state, generate, ask)
    calls_before = state.chunks
    read_all(ctx, memory, ids, key)
    if not state.facts:
        return Attempt(Strategy.MEMORY, missing=True, tokens_in=state.tokens_in, tokens_out=state.tokens_out,
                       llm_calls=state.chunks - calls_before,
                       note=f"read {state.position}/{len(ids)} documents; no relevant facts kept")
    if ask is not None and (got := from_notes(ask, question, state)) is not None:
        return Attempt(Strategy.MEMORY, got.text, got.citations, tokens_in=state.tokens_in,
                       tokens_out=state.tokens_out, answered_by=AnsweredBy.NOTES,
                       check=f"{ask.kind}: {got.note}, no model call",
                       note=_read_note(state, len(ids), resumed) + f"; {ask.kind} answered from the tally")
    attempt = answer_from(ctx, Strategy.MEMORY, question, memory.as_context(), SYSTEM_FINAL_FROM_NOTES,
                          analysis.kind)
    attempt.tokens_in += state.tokens_in
    attempt.tokens_out += state.tokens_out
    attempt.llm_calls += state.chunks - calls_before
    attempt.note = _read_note(state, len(ids), resumed)
    return attempt


def _read_note(state: MemoryState, total: int, resumed: int) -> str:
    return (f"read {state.position}/{total} documents in {state.chunks} chunks"
            + (f" (resumed at {resumed})" if resumed else "") + f"; {len(state.facts)} facts"
            + (f" of {len(state.notes)} tallied" if len(state.notes) > len(state.facts) else ""))


def notes_by_model(ctx: AgentContext, ask: AggregateAsk | None) -> bool:
    """Whether the model writes notes while reading: not for an aggregation, which the tally
    answers (a model's notes add no count), nor with extractive notes."""
    return ask is None and ctx.settings.memory.memory_notes != "extractive"


def _memory(ctx: AgentContext, question: str, state: MemoryState, generate,
            ask: AggregateAsk | None) -> RollingMemory:
    """The rolling memory for this question: tallied notes ranked by count for a frequency
    question, literals followed for a TRACK question."""
    notes = ctx.settings.memory.memory_notes
    extract = None
    if notes != "model" or ask is not None:
        tracked = None
        if ask is not None and ask.kind == Aggregate.TRACK:
            state.tracked = state.tracked or sorted(starts(ask.literals))
            tracked = state.tracked
        extract = extractor(ctx, question, tracked=tracked, values=ask.values if ask is not None else "")
    rank = Rank.COUNT if ask is not None and ask.kind == Aggregate.FREQUENT else Rank.SCORE
    return RollingMemory(generate, ctx.model.count_tokens, question, ctx.settings.memory.memory_tokens,
                         SYSTEM_MEMORY, USER_MEMORY, state, model_notes=notes_by_model(ctx, ask),
                         extract=extract, rank=rank)
