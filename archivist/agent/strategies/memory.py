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
from archivist.sanitise import neutralise
from archivist.progress import Stage, Unit
from archivist.records import QuestionKind, Strategy

PROMPT_OVERHEAD = 200


def memory_key(ctx: AgentContext, question: str, scope: Scope) -> str:
    """Same question, scope, model and budget -> same saved reading."""
    s = ctx.settings
    raw = json.dumps([question, asdict(scope.filters), s.model.llm, s.model.llm_model,
                      s.memory.memory_tokens, s.memory.memory_notes],
                     sort_keys=True, default=str)
    return "agent:" + hashlib.sha256(raw.encode()).hexdigest()[:24]


def extractor(ctx: AgentContext, question: str, keep: int = 12):
    """A chunk -> its sentences that share most of the question's content words, as facts citing
    their own document (best first; none that share no word)."""
    wanted = content_words(question)

    def extract(chunk) -> list[Fact]:
        cites = {c.n: c for c in chunk.citations}
        sents = [s for s in sentences_of(ctx.store, chunk) if s.text]
        for s in sents:
            s.score = overlap(wanted, s)
        best = sorted((s for s in sents if s.score > 0), key=lambda s: -s.score)[:keep]
        return [Fact(s.text, s.doc_id, cites[s.n].ref, s.date, cites[s.n].title, s.score) for s in best]
    return extract


def chunk_budget(ctx: AgentContext) -> int:
    return max(128, ctx.model.budget() - ctx.settings.memory.memory_tokens - PROMPT_OVERHEAD)


def read_all(ctx: AgentContext, memory: RollingMemory, ids: list[int], key: str) -> None:
    """Advance the memory over ids from its saved position, chunk by chunk."""
    max_chunks = ctx.settings.memory.max_memory_chunks
    budget = chunk_budget(ctx)
    st = memory.state
    while st.position < len(ids) and st.chunks < max_chunks:
        ctx.status(Stage.MEMORY, f"notes from chunk {st.chunks + 1}, {len(st.facts)} facts kept",
                   st.position, len(ids), Unit.DOCUMENTS)
        window = ids[st.position: st.position + 64]
        chunk = ctx.pack(window, budget)
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

    notes = ctx.settings.memory.memory_notes
    memory = RollingMemory(generate, ctx.model.count_tokens, question, ctx.settings.memory.memory_tokens,
                           SYSTEM_MEMORY, USER_MEMORY, state, model_notes=notes != "extractive",
                           extract=None if notes == "model" else extractor(ctx, question))
    calls_before = state.chunks
    read_all(ctx, memory, ids, key)
    if not state.facts:
        return Attempt(Strategy.MEMORY, missing=True, tokens_in=state.tokens_in, tokens_out=state.tokens_out,
                       llm_calls=state.chunks - calls_before,
                       note=f"read {state.position}/{len(ids)} documents; no relevant facts kept")
    attempt = answer_from(ctx, Strategy.MEMORY, question, memory.as_context(), SYSTEM_FINAL_FROM_NOTES,
                          analysis.kind)
    attempt.tokens_in += state.tokens_in
    attempt.tokens_out += state.tokens_out
    attempt.llm_calls += state.chunks - calls_before
    attempt.note = (f"read {state.position}/{len(ids)} documents in {state.chunks} chunks"
                    + (f" (resumed at {resumed})" if resumed else "") + f"; {len(state.facts)} facts")
    return attempt
