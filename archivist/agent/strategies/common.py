"""What the model-backed strategies share: one model call over a packed context, returned as a
draft for the graph's verify node (agent/verify.py) to check or replace."""
from __future__ import annotations

from archivist.agent.context import AgentContext, Attempt, Draft
from archivist.answering.prompts import (ANSWER_PREFIX, SYSTEM_ANSWER, SYSTEM_OVERVIEW, USER_ANSWER, fence,
                                     neutralise)
from archivist.backends.base import Message
from archivist.progress import Stage
from archivist.records import PackedContext, QuestionKind

# a weak model that starts copying the prompt is stopped there, not after max_new_tokens
ECHO_STOPS = ["<<<", ">>>", "| Date:", "\nQuestion:"]
OVERVIEW_TOKENS = 64  # a summary is a cited digest; the model adds at most a one-sentence overview


def answer_messages(question: str, context: str, system: str = SYSTEM_ANSWER) -> list[Message]:
    """System, user (question, documents, question) and the opening words of the answer, which
    a local model continues (backends without prefill support start a fresh turn after them)."""
    return [Message("system", system),
            Message("user", USER_ANSWER.format(context=fence(context), question=question)),
            Message("assistant", ANSWER_PREFIX)]


def continued(text: str) -> str:
    """The model's continuation of ANSWER_PREFIX as a standalone answer ('the room is 42.' ->
    'The room is 42.'); a reply that repeated the prefix loses it too."""
    text = text.strip()
    if text.lower().startswith(ANSWER_PREFIX.lower()):
        text = text[len(ANSWER_PREFIX):].strip()
    return text[:1].upper() + text[1:]


def answer_from(ctx: AgentContext, strategy: str, question: str, packed: PackedContext,
                system: str = SYSTEM_ANSWER, kind: str = QuestionKind.LOOKUP) -> Attempt:
    """One streamed model call over a packed context; the answer is a draft until verified."""
    summary = kind == QuestionKind.SUMMARISE
    if summary and system == SYSTEM_ANSWER:
        system = SYSTEM_OVERVIEW
    n_docs = len(packed.doc_ids) or len({c.doc_id for c in packed.citations})
    ctx.status(Stage.ANSWERING, f"{strategy}: the model reads {n_docs:,} documents "
                                f"({packed.tokens:,} tokens)")
    gen = ctx.model.generate(answer_messages(question, packed.text, system), stream=True,
                             stop=ECHO_STOPS, max_tokens=OVERVIEW_TOKENS if summary else None)
    return Attempt(strategy, tokens_in=gen.tokens_in, tokens_out=gen.tokens_out, llm_calls=1,
                   draft=Draft(continued(neutralise(gen.text)), packed, question, kind))
