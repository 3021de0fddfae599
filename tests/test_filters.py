"""Filters as SQL, and filtered search that finds what a global top-k would have missed."""
from __future__ import annotations

import pytest

from archivist.config import Settings
from archivist.store.filters import filter_sql, select_ids
from archivist.retrieval.indexer import index_store
from archivist.retrieval.search import search
from archivist.records import Filters
from archivist.store import Store
from tests.retrieval_fixtures import build

QUERY = "quarterly budget report"


@pytest.fixture(scope="module")
def indexed(tmp_path_factory):
    path = tmp_path_factory.mktemp("filters") / "f.db"
    settings = Settings().replace(db=str(path))
    with Store(path) as store:
        build(store)
        index_store(store, settings)
        bob = store.scalar("SELECT id FROM documents WHERE sender = 'bob@enron.com'")
        yield store, settings, bob


def test_empty_filters():
    assert filter_sql(Filters()) == ("1=1", [])
    assert filter_sql(None) == ("1=1", [])


def test_filter_sql_parts(indexed):
    store, _, bob = indexed
    cases = [Filters(sender="BOB"), Filters(recipient="dave"), Filters(before="2000-01-01"),
             Filters(mailbox="KEAN-S"), Filters(doc_ids=[bob]), Filters(sender="bob", after="1999-01-01")]
    for f in cases:
        where, params = filter_sql(f, "d")
        ids = [r[0] for r in store.conn.execute(f"SELECT d.id FROM documents d WHERE {where}", params)]
        assert ids == [bob], f
    assert select_ids(store, Filters(sender="alice"))[:1] != [bob]
    assert len(select_ids(store, Filters(after="2001-01-01"))) == 36


def test_like_wildcards_are_literal(indexed):
    store, _, _ = indexed
    where, params = filter_sql(Filters(sender="%"))
    assert store.conn.execute(f"SELECT count(*) FROM documents d WHERE {where}", params).fetchone()[0] == 0


def test_record_field_filter(store):
    import json
    store.conn.execute("INSERT INTO documents (content_hash, kind, meta) VALUES ('h1', 'record', ?)",
                       (json.dumps({"vendor": "Acme", "amount": 5}),))
    store.conn.execute("INSERT INTO documents (content_hash, kind, meta) VALUES ('h2', 'record', ?)",
                       (json.dumps({"vendor": "Bay"}),))
    assert select_ids(store, Filters(fields={"vendor": "Acme"})) == [1]
    assert select_ids(store, Filters(fields={"amount": "5"}, kind="record")) == [1]


@pytest.mark.parametrize("mode", ["dense", "bm25", "hybrid"])
@pytest.mark.parametrize("filters", [Filters(before="2000-01-01"), Filters(sender="bob"),
                                     Filters(mailbox="kean-s"), Filters(recipient="dave")])
def test_filter_finds_what_global_top_k_misses(indexed, mode, filters):
    store, settings, bob = indexed
    assert bob not in [h.doc_id for h in search(store, settings, QUERY, k=3, mode=mode)]
    hits = search(store, settings, QUERY, k=3, mode=mode, filters=filters)
    assert [h.doc_id for h in hits] == [bob]


def test_filter_with_no_match(indexed):
    store, settings, _ = indexed
    assert search(store, settings, QUERY, filters=Filters(sender="nobody")) == []


def test_person_names_match_word_by_word_in_any_order(tmp_path):
    from archivist.corpus.parsed import Address, Document, Location
    from archivist.corpus.ingest import ingest_documents
    people = [("Kaminski, Vince J", "j.kaminski@enron.com"), ("", "vince.kaminski@enron.com"),
              ("Vince Smith", "vsmith@enron.com")]
    docs = [Document(kind="email", body=f"note {i}", title=f"s{i}", sender=Address(name, addr),
                     to=[Address(name, addr)], location=Location(path="t", position=str(i)))
            for i, (name, addr) in enumerate(people)]
    with Store(tmp_path / "p.db") as store:
        ingest_documents(store, docs, source="t")
        for f in (Filters(sender="Vince Kaminski"), Filters(recipient="kaminski vince")):
            where, params = filter_sql(f, "d")
            found = {r[0] for r in store.conn.execute(
                f"SELECT d.sender FROM documents d WHERE {where}", params)}
            assert found == {"j.kaminski@enron.com", "vince.kaminski@enron.com"}, f
