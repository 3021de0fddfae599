"""The project's record types and vocabularies, shared by every layer.

Records: Filters (what a search, a scope or a metadata query may see), Hit, Citation and
PackedContext. Vocabularies are StrEnums: members compare, hash, format and serialise as their
plain string values, so stored runs and JSON output keep the same strings.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Strategy(StrEnum):
    """How the agent answers: exact metadata SQL, retrieval, everything in context, rolling memory."""

    QUERY = "query"
    RAG = "rag"
    STUFF = "stuff"
    MEMORY = "memory"


STRATEGIES: tuple[Strategy, ...] = (Strategy.RAG, Strategy.STUFF, Strategy.MEMORY, Strategy.QUERY)
AUTO = "auto"  # the planner chooses


class QuestionKind(StrEnum):
    LOOKUP = "lookup"
    MULTI_HOP = "multi_hop"
    COUNT = "count"
    LIST = "list"
    SUMMARISE = "summarise"
    FOLLOW_UP = "follow_up"


class Intent(StrEnum):
    """Metadata questions the query strategy answers exactly."""

    WHO_SENT = "who_sent"
    WHEN_SENT = "when_sent"
    COUNT = "count"
    LIST = "list"
    TOP_SENDERS = "top_senders"
    TOP_RECIPIENTS = "top_recipients"


class AnsweredBy(StrEnum):
    """Which path wrote the final answer."""

    LLM = "llm"  # the model's answer passed the grounding check
    LLM_STATE = "llm+state"  # the same, written from a restored SSM state (it read only the question)
    EXTRACTIVE = "extractive"  # quoted sentences replaced an ungrounded answer
    DIGEST = "digest"  # a cited per-message digest (summaries)
    DIGEST_LLM = "digest+llm"  # the digest with the model's grounded one-sentence overview
    QUERY = "query"  # exact metadata answer, no model
    NOTES = "notes"  # an aggregation answered from the memory's tallied notes, quoted and cited, no model


class PlannerKind(StrEnum):
    RULES = "rules"
    LLM = "llm"
    LLM_FALLBACK = "llm->rules"  # the model's choice was invalid or infeasible
    FORCED = "forced"  # the user named the strategy


class ModelKind(StrEnum):
    """What the cost model needs to know about an LLM backend."""

    ATTENTION = "attention"  # quadratic prefill
    SSM = "ssm"  # linear prefill, constant state
    HYBRID = "hybrid"
    REMOTE = "remote"  # an OpenAI-compatible server
    ECHO = "echo"  # scripted test backend


class DocKind(StrEnum):
    EMAIL = "email"
    RECORD = "record"
    TEXT = "text"
    PDF = "pdf"
    ATTACHMENT = "attachment"  # a file or email attached to a message (see documents.parent_id)


ANY_ATTACHMENT = "any"  # Filters.has_attachment: any attachment at all


class SearchMode(StrEnum):
    HYBRID = "hybrid"
    DENSE = "dense"
    BM25 = "bm25"


@dataclass
class Filters:
    """Metadata filters; compiled to SQL in one place (archivist.store.filters) and applied inside
    dense and BM25 search, agent scopes, metadata queries and counts alike."""

    # a person: an address (exact, any case), "@domain", name words in any order, or a list of
    # addresses (one person's addresses, grouped by the question reader)
    sender: str | list[str] | None = None
    recipient: str | list[str] | None = None  # the same, over To/Cc/Bcc
    to: str | list[str] | None = None  # the same, over To only
    cc: str | list[str] | None = None  # the same, over Cc only
    bcc: str | list[str] | None = None  # the same, over Bcc only
    participant: str | list[str] | None = None  # the sender or any recipient
    sender_not: str | None = None  # "@domain": senders outside it
    text: str | None = None  # words the document's text or subject mentions (FTS5, all of them)
    also: list[tuple[str, str | list[str]]] = field(default_factory=list)  # more (role, person)
    after: str | None = None  # ISO date, inclusive
    before: str | None = None  # ISO date, exclusive
    mailbox: str | None = None  # any case
    # with mailbox: also emails naming one of these addresses as a recipient ('what X received':
    # in X's mailbox, or X named in a header though the mailbox no longer holds it)
    mailbox_or_recipient: list[str] | None = None
    thread_id: int | None = None
    doc_ids: list[int] | None = None
    kind: str | None = None  # a DocKind value
    fields: dict[str, str] = field(default_factory=dict)  # record metadata equality (as text)
    subject: str | None = None  # the subject contains this text (any case)
    # messages with an attachment: ANY_ATTACHMENT, or a type ("pdf", "docx", "csv", "email", ...)
    has_attachment: str | None = None

    def is_empty(self) -> bool:
        return not any([self.sender, self.recipient, self.after, self.before, self.mailbox, self.subject,
                        self.thread_id is not None, self.doc_ids is not None, self.kind, self.fields,
                        self.has_attachment, self.to, self.cc, self.bcc, self.participant, self.sender_not,
                        self.text, self.also])


@dataclass
class Hit:
    doc_id: int
    chunk_id: int
    score: float
    text: str
    start: int = 0  # character span of the chunk inside the document body
    end: int = 0
    dense_rank: int | None = None
    bm25_rank: int | None = None
    chunk_ids: list[int] = field(default_factory=list)  # all merged chunks of this document


@dataclass
class Citation:
    n: int  # the [n] label in the packed context
    doc_id: int
    ref: str  # Message-ID, row id or file#page
    title: str
    date: str
    start: int
    end: int
    quote: str = ""


@dataclass
class PackedContext:
    text: str
    citations: list[Citation]
    tokens: int
    truncated: bool = False  # True when the budget cut documents out
    doc_ids: list[int] = field(default_factory=list)
