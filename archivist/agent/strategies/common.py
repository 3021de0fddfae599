"""What the model-backed strategies share: packing documents and answering from a packed context."""
from __future__ import annotations

from archivist.agent.citing import used
from archivist.agent.prompts import SYSTEM_ANSWER, USER_ANSWER, fence, neutralise, says_missing
from archivist.agent.state import AgentContext, Attempt, call_llm
from archivist.backends.base import Message
from archivist.retrieval.types import PackedContext


def pack_items(ctx: AgentContext, items: list, budget: int) -> PackedContext:
    """Documents or hits packed in document/thread order under a token budget."""
    from archivist.retrieval.packing import pack
    return pack(ctx.store, items, budget, ctx.get_llm().count_tokens)


def answer_messages(question: str, context: str, system: str = SYSTEM_ANSWER) -> list[Message]:
    return [Message("system", system),
            Message("user", USER_ANSWER.format(context=fence(context), question=question))]


def answer_from(ctx: AgentContext, strategy: str, question: str, packed: PackedContext,
                system: str = SYSTEM_ANSWER) -> Attempt:
    """One streamed model call over a packed context; the answer keeps only cited sources."""
    text, t_in, t_out = call_llm(ctx, answer_messages(question, packed.text, system), stream=True)
    text = neutralise(text).strip()
    return Attempt(strategy, answer=text, citations=used(text, packed.citations),
                   tokens_in=t_in, tokens_out=t_out, llm_calls=1, missing=says_missing(text))
