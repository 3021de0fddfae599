"""The verify step of the graph, run on every model answer: cut repetition, check grounding, and
fall back to an extractive answer (or, for summaries, a cited per-message digest) when the model's
answer cannot be trusted. Records which path answered."""
from __future__ import annotations

import re

from archivist.answering.grounding.citing import used
from archivist.answering.grounding.quotes import attach_quotes, confident, digest, extractive_answer, pick, relevant
from archivist.answering.grounding.check import SENTENCE, Verdict, check, cite_sentences, truncate_repetition
from archivist.answering.grounding.injection import obeys_documents, suspicious
from archivist.answering.grounding.payload import Taint, carries_payload
from archivist.sanitise import neutralise
from archivist.answering.prompts import NOT_FOUND, says_missing
from archivist.answering.grounding.sentences import blocks_of, content_words, score, sentences_of
from archivist.agent.context import AgentContext, Attempt
from archivist.agent.question.aggregate import Aggregate, aggregation
from archivist.records import AnsweredBy, PackedContext, QuestionKind, Strategy


def _first_sentence(text: str) -> str:
    """The model's first sentence, its [n] labels kept."""
    for end in (". ", ".\n", "\n"):
        at = text.find(end)
        if at > 0:
            return text[:at + 1].strip()
    return text.strip()


def _summary(ctx: AgentContext, attempt: Attempt, question: str, packed: PackedContext,
             source: PackedContext, text: str) -> Attempt:
    """A cited digest of source, with the model's first sentence as an overview when it is
    grounded in packed (what the model read)."""
    ranked = score(ctx.settings, question, sentences_of(ctx.store, source), supersede=False)
    if not ranked:
        return _model(attempt, text, packed, [])
    body, cites = digest(ranked, source)
    overview, _, unsupported = cite_sentences(_first_sentence(text), blocks_of(packed), ranked)
    heads = blocks_of(packed, True)
    obeys = obeys_documents(overview, ranked) or carries_payload(overview, heads, question) \
        if overview else ""
    verdict = Verdict(False, "the model's overview says the evidence is missing") \
        if overview and says_missing(overview) else Verdict(False, obeys) if obeys else \
        check(overview, packed, heads)
    if verdict.ok:
        body += f"\nOverview: {overview}"
    else:
        verdict.reason += f"; {unsupported}" if unsupported and not obeys else ""
    attempt.answer, attempt.citations = body, cites
    attempt.answered_by = AnsweredBy.DIGEST_LLM if verdict.ok else AnsweredBy.DIGEST
    attempt.check = verdict.reason
    if not verdict.ok:
        _reject(attempt, text, ranked, heads)
    return attempt


def _model(attempt: Attempt, text: str, packed: PackedContext, sents: list) -> Attempt:
    attempt.answer = text
    attempt.citations = attach_quotes(text, used(text, packed.citations), sents)
    attempt.missing = says_missing(text)
    attempt.answered_by = AnsweredBy.LLM
    return attempt


def _extractive(attempt: Attempt, ranked: list, packed: PackedContext, why: str,
                draft: str = "", question: str = "") -> Attempt:
    plain = [s for s in ranked if not suspicious(s.text)]  # quote instructions only when nothing else
    attempt.answer, attempt.citations = extractive_answer(plain if relevant(plain) else ranked, packed,
                                                          every=asks_every(question))
    attempt.answered_by, attempt.check, attempt.missing = AnsweredBy.EXTRACTIVE, why, False
    return _reject(attempt, draft, ranked, blocks_of(packed, True))


WITHHELD = "(withheld: it repeats an instruction, a link or a figure found in the documents)"
_QUOTED_FIGURES = re.compile(r"\bnumbers? (?:\([^)]*\)|\S+)")


def _reject(attempt: Attempt, draft: str, ranked: list, blocks: dict[int, str]) -> Attempt:
    """attempt with the model's rejected draft kept as it may be shown: withheld when it may carry
    out an instruction found in a document (an obeyed injection is never repeated, not even
    labelled as rejected), and then the reason no longer quotes its sentences or figures. A draft
    written over a passage that hides or encodes its instruction cannot be told from one that
    obeys it: any attacker-controlled passage among its documents withholds it."""
    draft = draft.strip()
    withheld = draft and (suspicious(draft) or obeys_documents(draft, ranked)
                          or bool(Taint.of(blocks).attacked))
    attempt.rejected = WITHHELD if withheld else draft
    if withheld:
        attempt.check = _scrubbed(attempt.check, draft)
    return attempt


def _scrubbed(reason: str, draft: str) -> str:
    """reason without the withheld draft's words: the sentence and the figures it names."""
    for m in SENTENCE.finditer(draft):
        reason = reason.replace(repr(" ".join(m.group(0).split())), "(a sentence of the withheld draft)")
    return _QUOTED_FIGURES.sub("a number", reason)


def asks_every(question: str) -> bool:
    """An "all the ..." question (or one tracking a value): every close second is quoted."""
    ask = aggregation(question)
    return ask is not None and ask.kind in (Aggregate.ALL, Aggregate.TRACK)


def left_out(answer: str, ranked: list, question: str) -> int:
    """For an "all the ..." question: how many of the matching sentences the answer says nothing
    of (none of the words a sentence adds to the question's); 0 for any other question."""
    if not asks_every(question):
        return 0
    asked, said = content_words(question), content_words(answer)
    new = [content_words(s.text) - asked for s in pick(ranked, every=True)]
    return sum(1 for words in new if words and not words & said)


def _cite(text: str, packed: PackedContext, own: list) -> tuple[str, str]:
    """(text, how it was labelled): a model answer that cites nothing gets, sentence by sentence,
    the label of the passage that supports it (post-hoc citing by support); a sentence no passage
    supports leaves it uncited, so the check rejects it and says which sentence."""
    text, each, why = cite_sentences(text, blocks_of(packed), own)  # body text: not a header echo
    if each:
        return text, f" (uncited answer labelled {''.join(f'[{n}]' for n in each)} by support)"
    return text, f"; {why}" if why else ""


def _documents_of(ctx: AgentContext, notes: PackedContext) -> PackedContext:
    """The documents the memory's notes cite, packed: quotes come from the documents themselves,
    not from notes a weak model may have garbled."""
    return ctx.pack(list(dict.fromkeys(c.doc_id for c in notes.citations)))


def _lookup(ctx: AgentContext, attempt: Attempt, question: str, packed: PackedContext,
            source: PackedContext, text: str, looped: bool) -> Attempt:
    """Keep a grounded model answer; else quote the best sentences of source."""
    ranked = score(ctx.settings, question, sentences_of(ctx.store, source))
    own = ranked if source is packed else []  # sentences labelled like the model's answer
    heads = blocks_of(source, headers=True)
    if not ranked:
        return _model(attempt, text, packed, [])
    if text and says_missing(text):  # escalation gets its chance first; the graph uses the fallback last
        if confident(ranked):
            attempt.fallback = _extractive(Attempt(attempt.strategy), ranked, source,
                                           "the model said the evidence is missing, but a passage "
                                           "matches the question", question=question)
            # shown if the fallback answers instead
            attempt.rejected = _reject(Attempt(attempt.strategy), text, ranked, heads).rejected
        return _model(attempt, text, packed, own)
    draft = text
    text, how = _cite(text, packed, own)
    verdict = check(text, packed, blocks_of(packed, headers=True), own)
    verdict.reason += how
    if not verdict.ok and not relevant(ranked):  # say so, and let a wider strategy try
        attempt.answer, attempt.missing, attempt.answered_by = NOT_FOUND, True, AnsweredBy.EXTRACTIVE
        attempt.citations, attempt.check = used("", packed.citations), verdict.reason + \
            "; no passage matches the question"
        return _reject(attempt, draft, ranked, heads)
    if not verdict.ok:
        return _extractive(attempt, ranked, source, verdict.reason, draft, question)
    obeys = obeys_documents(text, ranked) or carries_payload(text, heads, question)
    if obeys:
        return _extractive(attempt, ranked, source, obeys, draft, question)
    if left := left_out(text, ranked, question):
        return _extractive(attempt, ranked, source, f"an 'all the ...' question: the answer leaves out "
                           f"{left} of the matching sentences", draft, question)
    attempt.check = verdict.reason + (" (repetition cut)" if looped else "")
    return _model(attempt, text, packed, own)


def finish(ctx: AgentContext, attempt: Attempt, question: str, packed: PackedContext,
           text: str, kind: str = QuestionKind.LOOKUP) -> Attempt:
    """attempt completed with a checked answer for question over packed (for the memory
    strategy: over its notes, with fallbacks quoting the documents the notes cite)."""
    text, looped = truncate_repetition(text)
    # the rolling memory's notes are checked against the documents they cite; a restored SSM state
    # read the documents themselves, and packed is exactly those
    memory = attempt.strategy == Strategy.MEMORY and packed.citations and not attempt.restored
    source = _documents_of(ctx, packed) if memory else packed
    if kind == QuestionKind.SUMMARISE:
        done = _summary(ctx, attempt, question, packed, source, text)
    else:
        done = _lookup(ctx, attempt, question, packed, source, text, looped)
    done.answer = neutralise(done.answer)  # no live link or image in any answer
    if done.restored and done.answered_by == AnsweredBy.LLM:
        done.answered_by = AnsweredBy.LLM_STATE
    if done.fallback is not None:
        done.fallback.answer = neutralise(done.fallback.answer)
    return done


def verify(ctx: AgentContext, attempt: Attempt) -> Attempt:
    """The attempt with its model draft checked and finished; attempts without a draft (exact
    queries, strategies that handed over) pass unchanged."""
    draft, attempt.draft = attempt.draft, None
    if draft is None:
        return attempt
    return finish(ctx, attempt, draft.question, draft.packed, draft.text, draft.kind)
