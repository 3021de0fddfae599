"""What the model-backed strategies share: packing documents and answering from a packed context."""
from __future__ import annotations

from archivist.agent.grounding.finish import finish
from archivist.agent.prompts import SYSTEM_ANSWER, SYSTEM_OVERVIEW, USER_ANSWER, fence, neutralise
from archivist.agent.context import AgentContext, Attempt, call_llm
from archivist.backends.base import Message
from archivist.records import PackedContext


# a weak model that starts copying the prompt is stopped there, not after max_new_tokens
ECHO_STOPS = ["<<<", ">>>", "| Date:", "\nQuestion:"]
OVERVIEW_TOKENS = 64  # a summary is a cited digest; the model adds at most a one-sentence overview


def pack_items(ctx: AgentContext, items: list, budget: int) -> PackedContext:
    """Documents or hits packed in document/thread order under a token budget."""
    from archivist.retrieval.packing import pack
    return pack(ctx.store, items, budget, ctx.get_llm().count_tokens)


def answer_messages(question: str, context: str, system: str = SYSTEM_ANSWER) -> list[Message]:
    return [Message("system", system),
            Message("user", USER_ANSWER.format(context=fence(context), question=question))]


def answer_from(ctx: AgentContext, strategy: str, question: str, packed: PackedContext,
                system: str = SYSTEM_ANSWER, kind: str = "lookup") -> Attempt:
    """One streamed model call over a packed context, then checked: an ungrounded answer is
    replaced by an extractive one, a summary by a cited digest (see finishing)."""
    summary = kind == "summarise"
    if summary and system == SYSTEM_ANSWER:
        system = SYSTEM_OVERVIEW
    text, t_in, t_out = call_llm(ctx, answer_messages(question, packed.text, system), stream=True,
                                 stop=ECHO_STOPS, max_tokens=OVERVIEW_TOKENS if summary else None)
    text = neutralise(text).strip()
    attempt = Attempt(strategy, tokens_in=t_in, tokens_out=t_out, llm_calls=1)
    return finish(ctx, attempt, question, packed, text, kind)
