"""One filter compiler: for random filter combinations, `search` (dense and BM25), the agent's
scope and the metadata query's count select the same documents."""
from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from archivist.agent.question.analyse import analyse_question
from archivist.agent.question.scope import build_scope, scope_ids
from archivist.agent.strategies.metadata import Calendar, MetadataQuery, Select, run_query
from archivist.config import load_settings
from archivist.records import Filters
from archivist.retrieval.search import search

ALL = 100_000  # k larger than the corpus: dense search then returns every allowed document


def _values(store, sql: str) -> list:
    return sorted({r[0] for r in store.conn.execute(sql) if r[0]})


@pytest.fixture(scope="module")
def corpus(demo_db):
    from archivist.store import Store
    with Store(demo_db) as store:
        vocab = {
            "sender": _values(store, "SELECT sender FROM documents") + ["Maria Chen", "chen", "@northwind-energy.com", "NOBODY@x.com"],
            "recipient": _values(store, "SELECT address FROM participants WHERE role = 'to'") + ["lena", "Fischer, Lena"],
            "mailbox": _values(store, "SELECT mailbox FROM locations") + ["DEMO_DATA", "nope"],
            "date": _values(store, "SELECT substr(date, 1, 10) FROM documents"),
            "kind": ["email", "record", "text", "attachment"],
            "attachment": ["any", "pdf"],
            "vendor": _values(store, "SELECT json_extract(meta, '$.vendor') FROM documents"),
        }
        with_chunks = {r[0] for r in store.conn.execute("SELECT DISTINCT doc_id FROM chunks WHERE unit = 'doc'")}
        yield store, load_settings("test", {"db": str(demo_db)}), vocab, with_chunks


@st.composite
def random_filters(draw, vocab) -> Filters:
    """Filters over values that exist (and a few that do not, or in another case)."""
    pick = lambda key: draw(st.one_of(st.none(), st.sampled_from(vocab[key])))  # noqa: E731
    after, before = pick("date"), pick("date")
    vendor = pick("vendor")
    return Filters(sender=pick("sender"), recipient=pick("recipient"), mailbox=pick("mailbox"),
                   after=after, before=before, kind=pick("kind"), has_attachment=pick("attachment"),
                   fields={"vendor": vendor} if vendor else {})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_search_scope_and_counts_select_the_same_documents(corpus, data):
    store, cfg, vocab, with_chunks = corpus
    f = data.draw(random_filters(vocab))
    analysis = analyse_question("What happened?")
    scope = build_scope(store, "What happened?", analysis, override=f)
    in_scope = set(scope_ids(store, scope.filters))
    assert scope.n_docs == len(in_scope)
    counted = run_query(store.conn, MetadataQuery(Select.LIST, replace(f, fields=dict(f.fields)),
                                                  calendar=Calendar.UTC))
    assert {r["id"] for r in counted.rows} == in_scope, f
    dense = {h.doc_id for h in search(store, cfg, "meeting", k=ALL, filters=f, mode="dense")}
    assert dense == in_scope & with_chunks, f
    bm25 = {h.doc_id for h in search(store, cfg, "the", k=ALL, filters=f, mode="bm25")}
    assert bm25 <= in_scope, f
