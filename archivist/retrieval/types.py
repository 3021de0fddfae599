"""Plain records shared by retrieval, packing and the agent."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Filters:
    """Metadata filters applied inside both dense and BM25 search."""

    sender: str | None = None  # address or name substring
    recipient: str | None = None
    after: str | None = None  # ISO date, inclusive
    before: str | None = None  # ISO date, exclusive
    mailbox: str | None = None
    thread_id: int | None = None
    doc_ids: list[int] | None = None
    kind: str | None = None  # email | record | text | pdf
    fields: dict[str, str] = field(default_factory=dict)  # record metadata equality

    def is_empty(self) -> bool:
        return not any([self.sender, self.recipient, self.after, self.before, self.mailbox,
                        self.thread_id, self.doc_ids, self.kind, self.fields])


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
