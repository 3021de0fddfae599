"""Hybrid search end to end on a real SQLite store, FAISS file and the default embedder."""
from __future__ import annotations

import pytest

from archivist.config import Settings
from archivist.retrieval.faiss_index import index_path
from archivist.retrieval.indexer import index_store
from archivist.retrieval.search import search
from archivist.store import Store
from tests.retrieval_fixtures import build, email


@pytest.fixture(scope="module")
def indexed(tmp_path_factory):
    path = tmp_path_factory.mktemp("search") / "s.db"
    settings = Settings().replace(db=str(path))
    with Store(path) as store:
        build(store)
        stats = index_store(store, settings)
        yield store, settings, stats


def test_index_counts(indexed):
    store, _, stats = indexed
    assert stats["embedded"] == stats["chunks_total"] == stats["vectors_total"] > 0
    assert store.scalar("SELECT count(*) FROM chunks_fts") == stats["chunks_total"]


@pytest.mark.parametrize("mode", ["dense", "bm25", "hybrid"])
def test_modes_find_topic(indexed, mode):
    store, settings, _ = indexed
    hits = search(store, settings, "California electricity prices", k=5, mode=mode)
    assert len(hits) == 5
    titles = [store.scalar("SELECT title FROM documents WHERE id = ?", (h.doc_id,)) for h in hits]
    assert all("California" in t for t in titles[:3])
    assert len({h.doc_id for h in hits}) == len(hits)  # one hit per document


def test_reindex_embeds_nothing(indexed):
    store, settings, _ = indexed
    build(store)  # the same documents again: deduplicated by ingest
    stats = index_store(store, settings)
    assert stats["embedded"] == 0 and stats["chunks_added"] == 0


def test_new_document_embeds_only_its_chunks(tmp_path):
    settings = Settings().replace(db=str(tmp_path / "n.db"))
    with Store(settings.store.db) as store:
        build(store, [email(1, "Gas", "Gas prices rose."), email(2, "Power", "Power is cheap.")])
        first = index_store(store, settings)
        build(store, [email(3, "Budget", "The budget is final.", sender="erin")])
        second = index_store(store, settings)
    assert first["embedded"] >= 2 and second["embedded"] == second["chunks_added"] >= 1


def test_deleted_faiss_is_rebuilt_with_same_results(indexed):
    store, settings, _ = indexed
    before = [(h.doc_id, round(h.score, 5)) for h in search(store, settings, "office move", k=6)]
    index_path(store).unlink()
    after = [(h.doc_id, round(h.score, 5)) for h in search(store, settings, "office move", k=6)]
    assert index_path(store).exists() and before == after


def test_stale_faiss_is_rebuilt(indexed):
    store, settings, _ = indexed
    with store.conn:
        store.conn.execute("UPDATE index_meta SET value = '{}' WHERE key = 'faiss'")
    hits = search(store, settings, "risk management policy", k=3, mode="dense")
    assert hits and store.scalar("SELECT value FROM index_meta WHERE key = 'faiss'") != "{}"


def test_bad_mode_and_empty_query(indexed):
    from archivist.errors import QueryError
    store, settings, _ = indexed
    assert search(store, settings, "   ") == []
    with pytest.raises(QueryError):
        search(store, settings, "gas", mode="magic")


def test_hnsw_and_ivf_kinds(tmp_path, indexed):
    from archivist.retrieval.faiss_index import ensure_index, rebuild
    store, settings, _ = indexed
    model = store.scalar("SELECT model FROM vectors LIMIT 1")
    want = {h.doc_id for h in search(store, settings, "power trading desk", k=3, mode="dense")}
    for kind in ("hnsw",):
        approx = settings.replace(index_kind=kind)
        got = {h.doc_id for h in search(store, approx, "power trading desk", k=3, mode="dense")}
        assert ensure_index(store, approx, model).kind == kind and got == want
    # a changed kind makes the cached file stale: searching with the default rebuilds it flat
    search(store, settings, "power trading desk", k=3, mode="dense")
    assert ensure_index(store, settings, model).kind == "flat"
    assert rebuild(store, settings, model).kind == "flat"


def test_auto_kind_thresholds():
    from archivist.retrieval.faiss_index import HNSW_BELOW, choose_kind
    settings = Settings().replace(index_exact_below=10_000)
    assert choose_kind(9_999, settings) == "flat"
    assert choose_kind(10_000, settings) == "hnsw"
    assert choose_kind(HNSW_BELOW, settings) == "ivf"


def test_new_vectors_reach_search(tmp_path):
    """The memoised vector fingerprint moves on when chunks are added through the same store."""
    settings = Settings().replace(db=str(tmp_path / "f.db"))
    with Store(settings.store.db) as store:
        build(store, [email(1, "Gas", "Gas prices rose."), email(2, "Power", "Power is cheap.")])
        index_store(store, settings)
        assert len(search(store, settings, "budget", k=5, mode="dense")) == 2
        build(store, [email(3, "Budget", "The budget is final.", sender="erin")])
        index_store(store, settings)
        hits = search(store, settings, "budget final", k=5, mode="dense")
    assert len(hits) == 3 and "budget" in hits[0].text.lower()


def test_fusion_weights_bm25_and_rewards_agreement():
    from archivist.retrieval.search import BM25_WEIGHT, DENSE_WEIGHT, RRF_K, fuse
    dense = {1: (1, 0, 0.9), 3: (2, 0, 0.8)}
    bm25 = {2: (1, 0, 12.0), 3: (2, 0, 11.0)}
    order = [d for d, _ in fuse(dense, bm25, "hybrid", RRF_K, (DENSE_WEIGHT, BM25_WEIGHT))]
    assert order == [3, 2, 1]  # agreement first, then BM25's top over dense's top
    assert [d for d, _ in fuse(dense, bm25, "dense", RRF_K)] == [1, 3]


def test_read_only_archive_rebuilds_its_faiss_index_once_per_process(tmp_path, monkeypatch):
    from archivist.retrieval import faiss_index
    settings = Settings().replace(db=str(tmp_path / "ro.db"))
    with Store(settings.store.db) as store:
        build(store, [email(1, "Gas", "Gas prices rose."), email(2, "Power", "Power is cheap.")])
        index_store(store, settings)
        # vectors added since the index was recorded (an interrupted `index rebuild`): stale
        store.conn.execute("UPDATE index_meta SET value = '{}' WHERE key = ?", (faiss_index.META_KEY,))
        store.conn.commit()
        faiss_index.sidecar(faiss_index.index_path(store)).unlink()  # nor recorded beside the file
    faiss_index._LOADED.clear()  # a fresh process
    calls = []
    real = faiss_index.rebuild
    monkeypatch.setattr(faiss_index, "rebuild", lambda *a: calls.append(1) or real(*a))
    with Store(settings.store.db, readonly=True) as store:
        first = [h.doc_id for h in search(store, settings, "gas prices", k=2, mode="dense")]
        again = [h.doc_id for h in search(store, settings, "gas prices", k=2, mode="dense")]
    assert first == again and len(calls) == 1
    faiss_index._LOADED.clear()  # the next process reads the rebuilt file (described beside it)
    with Store(settings.store.db, readonly=True) as store:
        third = [h.doc_id for h in search(store, settings, "gas prices", k=2, mode="dense")]
    assert third == first and len(calls) == 1
