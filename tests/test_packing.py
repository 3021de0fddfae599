"""Packing: thread/date order whatever the score order, numbered blocks, citations, budget."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from archivist.retrieval.packing import pack
from archivist.records import Hit
from tests.retrieval_fixtures import build, email

WORDS = lambda text: len(text.split())  # noqa: E731 - a tokenizer stand-in: one token per word


def at(day: int) -> datetime:
    return datetime(2001, 5, day, 9, tzinfo=timezone.utc)


@pytest.fixture
def docs(store):
    build(store, [email(1, "Gas deal", "First: the gas deal is ready.", date=at(1)),
                  email(2, "RE: Gas deal", "Second: signed by Bob.", sender="bob", date=at(3),
                        in_reply_to="<1.test@enron.com>"),
                  email(3, "Office move", "Third: we move to floor 30.", date=at(2)),
                  email(4, "Budget", " ".join(["long"] * 400), date=at(4))])
    return {r["title"]: r["id"] for r in store.query("SELECT id, title FROM documents")}


def test_order_is_thread_then_date_not_score(store, docs):
    items = [docs["RE: Gas deal"], docs["Office move"], docs["Gas deal"]]
    packed = pack(store, items, 1000, WORDS)
    assert packed.doc_ids == [docs["Gas deal"], docs["RE: Gas deal"], docs["Office move"]]
    assert packed.text.index("First:") < packed.text.index("Second:") < packed.text.index("Third:")
    assert not packed.truncated


def test_blocks_numbered_with_header_and_citations(store, docs):
    packed = pack(store, [docs["Gas deal"], docs["Office move"]], 1000, WORDS)
    assert "[1] From: Alice <alice@enron.com> | Date: 2001-05-01 09:00:00 | Subject: Gas deal" in packed.text
    assert "[2] From: Alice" in packed.text and packed.text.count("<<<") == 2
    c1, c2 = packed.citations
    assert (c1.n, c1.doc_id, c1.ref, c1.title) == (1, docs["Gas deal"], "<1.test@enron.com>", "Gas deal")
    assert c1.date.startswith("2001-05-01") and (c1.start, c1.end) == (0, len("First: the gas deal is ready."))
    assert c2.n == 2 and c2.doc_id == docs["Office move"]


def test_budget_drops_lowest_ranked_and_flags_truncation(store, docs):
    items = [docs["Gas deal"], docs["Budget"], docs["Office move"]]
    packed = pack(store, items, 60, WORDS)
    assert packed.truncated and packed.tokens <= 60
    assert docs["Gas deal"] in packed.doc_ids and docs["Office move"] in packed.doc_ids


def test_long_document_uses_hit_span(store, docs):
    budget = store.scalar("SELECT body FROM documents WHERE id = ?", (docs["Budget"],))
    hit = Hit(doc_id=docs["Budget"], chunk_id=0, score=1.0, text=budget[100:300], start=100, end=300)
    packed = pack(store, [hit], 100, WORDS)
    cite = packed.citations[0]
    assert packed.truncated and (cite.start, cite.end) == (100, 300) and packed.tokens <= 100


def test_empty_and_duplicates(store, docs):
    assert pack(store, [], 100, WORDS).text == ""
    packed = pack(store, [docs["Gas deal"], docs["Gas deal"]], 100, WORDS)
    assert packed.doc_ids == [docs["Gas deal"]]
