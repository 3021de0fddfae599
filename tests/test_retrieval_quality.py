"""Retrieval quality on real data (slow): HotpotQA supporting-paragraph recall on a pooled subset."""
from __future__ import annotations

import pytest

from archivist.config import Settings
from archivist.corpus.ingest import ingest_documents
from archivist.evals.datasets import pool_hotpot, read_hotpot
from archivist.retrieval.indexer import index_store
from archivist.retrieval.search import search
from archivist.store import Store
from tests.conftest import shared_path

pytestmark = [pytest.mark.slow, pytest.mark.data]


@pytest.fixture(scope="module")
def hotpot(tmp_path_factory):
    path = shared_path("hotpotqa_dev_distractor_500", "hotpotqa_dev_subsampled_500.jsonl.gz")
    rows = read_hotpot(path, limit=40)
    docs, gold_pos = pool_hotpot(rows)
    db = tmp_path_factory.mktemp("hotpot") / "h.db"
    settings = Settings().replace(db=str(db))
    with Store(db) as store:
        ingest_documents(store, docs, source="hotpot")
        index_store(store, settings)
        pos = {p: d for d, p in store.conn.execute("SELECT doc_id, position FROM locations")}
        gold = [{pos[p] for p in positions} for positions in gold_pos]
        yield store, settings, rows, gold


def recall(hotpot, mode: str) -> float:
    store, settings, rows, gold = hotpot
    found = sum(g <= {h.doc_id for h in search(store, settings, r["question_text"], k=10, mode=mode)}
                for r, g in zip(rows, gold))
    return found / len(rows)


def test_hotpot_recall_at_10(hotpot):
    scores = {mode: recall(hotpot, mode) for mode in ("dense", "bm25", "hybrid")}
    assert scores["dense"] >= 0.6 and scores["bm25"] >= 0.6, scores
    assert scores["hybrid"] >= max(scores["dense"], scores["bm25"]), scores
