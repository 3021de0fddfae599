"""The one-shot search's fast path: the exact-search matrix beside the FAISS file (same results as
FAISS, used only when current), and the early start of `archivist search`'s slow loads."""
from __future__ import annotations

import numpy as np
import pytest

from archivist.config import Settings
from archivist.retrieval import matrix, query_embed
from archivist.retrieval.faiss_index import index_path
from archivist.retrieval.indexer import index_store
from archivist.retrieval.search import dense_search, exact_matrix, search
from archivist.store import Store
from tests.retrieval_fixtures import build, email


@pytest.fixture()
def indexed(tmp_path):
    settings = Settings().replace(db=str(tmp_path / "m.db"))
    with Store(settings.store.db) as store:
        build(store)
        index_store(store, settings)
        yield store, settings


def _model(store) -> str:
    return store.scalar("SELECT model FROM vectors LIMIT 1")


def test_matrix_search_is_the_exact_top_n_with_and_without_allowed_ids():
    rng = np.random.default_rng(3)
    mat = rng.normal(size=(500, 16)).astype(np.float32)
    ids = np.arange(1000, 1500, dtype=np.int64)
    q = rng.normal(size=(1, 16)).astype(np.float32)
    scores = mat @ q[0]
    want = [int(ids[i]) for i in np.argsort(-scores)[:10]]
    assert [c for c, _ in matrix.search(ids, mat, q, 10)] == want
    allowed = ids[::7]
    sub = [int(i) for i in sorted(allowed, key=lambda c: -scores[c - 1000])[:5]]
    assert [c for c, _ in matrix.search(ids, mat, q, 5, allowed)] == sub
    assert len(matrix.search(ids, mat, q, 50, ids[:3])) == 3  # never a row outside `allowed`


def test_index_writes_the_matrix_and_dense_search_equals_faiss(indexed):
    store, settings = indexed
    assert exact_matrix(store, _model(store)) is not None
    for query in ("California electricity prices", "office move", "budget"):
        fast = dense_search(store, settings, query, 10)
        matrix.paths(index_path(store))[2].unlink()  # no matrix: the FAISS path
        matrix._LOADED.clear()
        assert exact_matrix(store, _model(store)) is None
        slow = dense_search(store, settings, query, 10)
        assert [c for c, _ in fast] == [c for c, _ in slow]
        assert np.allclose([s for _, s in fast], [s for _, s in slow], atol=1e-5)
        # a writer's next look at the index writes the missing matrix again
        from archivist.retrieval.faiss_index import ensure_index
        ensure_index(store, settings, _model(store))
        assert exact_matrix(store, _model(store)) is not None


def test_a_stale_matrix_is_not_used_and_new_vectors_rewrite_it(indexed):
    store, settings = indexed
    build(store, [email(200, "Crane hire", "The crane hire contract is signed.", sender="erin")])
    from archivist.retrieval.indexer import chunk_new_documents
    from archivist.progress import Reporter
    from archivist.backends.embedders import chunk_tokenizer
    from archivist.retrieval.vectors import embed_where
    chunk_new_documents(store, chunk_tokenizer(settings.embedding, **embed_where(settings)), settings, Reporter(None))
    from archivist.retrieval.indexer import embed_pending
    from archivist.retrieval.vectors import configured_embedder
    embed_pending(store, configured_embedder(settings), Reporter(None))  # vectors added, no rebuild yet
    assert exact_matrix(store, _model(store)) is None  # its rows no longer match SQLite
    hits = search(store, settings, "crane hire contract", k=3, mode="dense")
    assert "crane" in hits[0].text.lower()  # FAISS path: rebuilt, and the matrix with it
    assert exact_matrix(store, _model(store)) is not None


def _faiss_file(path):
    path.write_bytes(b"faiss stand-in")  # the record names the FAISS file's size and mtime


def test_matrix_append_grows_the_files_in_place(tmp_path):
    rng = np.random.default_rng(5)
    ids, mat = np.arange(1, 41, dtype=np.int64), rng.normal(size=(40, 8)).astype(np.float32)
    fp = lambda rows_ids: {"model": "m", "dim": 8, "rows": len(rows_ids), "id_sum": int(rows_ids.sum()),  # noqa: E731
                           "max_id": int(rows_ids.max())}
    path = tmp_path / "a.db.faiss"
    _faiss_file(path)
    matrix.write(path, ids[:30], mat[:30], fp(ids[:30]))
    _faiss_file(path)  # FAISS written again after the vectors were added
    assert matrix.append(path, fp(ids[:30]), ids[30:], mat[30:], fp(ids))
    matrix._LOADED.clear()  # as another process: every row summed against the record
    got_ids, got = matrix.load(path, fp(ids))
    assert np.array_equal(got_ids, ids) and np.array_equal(got, mat)
    # a record for other vectors: nothing written, the caller writes the files whole
    assert not matrix.append(path, fp(ids[:30]), ids[30:], mat[30:], fp(ids))
    assert matrix.load(path, fp(ids)) is not None


def test_matrix_rows_damaged_before_an_append_still_fail_the_check(tmp_path):
    rng = np.random.default_rng(6)
    ids, mat = np.arange(1, 21, dtype=np.int64), rng.normal(size=(20, 4)).astype(np.float32)
    fp = lambda k: {"model": "m", "dim": 4, "rows": k, "id_sum": int(ids[:k].sum()), "max_id": k}  # noqa: E731
    path = tmp_path / "a.db.faiss"
    _faiss_file(path)
    matrix.write(path, ids[:10], mat[:10], fp(10))
    mat_path = matrix.paths(path)[0]
    data = bytearray(mat_path.read_bytes())
    data[-3] ^= 0xFF  # a flipped byte in the last row held
    mat_path.write_bytes(bytes(data))
    assert matrix.append(path, fp(10), ids[10:], mat[10:], fp(20))
    matrix._LOADED.clear()
    assert matrix.load(path, fp(20)) is None and "differ" in matrix.read(path, fp(20))[2]


def test_new_vectors_extend_the_index_and_the_matrix_as_a_rebuild_writes_them(indexed):
    store, settings = indexed
    model = _model(store)
    mat_path = matrix.paths(index_path(store))[0]
    inode = mat_path.stat().st_ino
    build(store, [email(300 + i, f"Barge {i}", f"Barge schedule {i} for the river terminal.",
                        sender="erin") for i in range(3)])
    result = index_store(store, settings)
    assert "added to it" in result["index_refresh"]
    assert mat_path.stat().st_ino == inode  # grown in place, not written anew
    matrix._LOADED.clear()
    ids, mat = exact_matrix(store, model)
    from archivist.retrieval.vectors import load_vectors
    want_ids, want = load_vectors(store, model)
    assert np.array_equal(ids, want_ids) and np.array_equal(mat, want)


def test_a_replaced_faiss_file_turns_the_matrix_off(indexed):
    store, settings = indexed
    path = index_path(store)
    data = path.read_bytes()
    path.write_bytes(data[:-8] + b"\0" * 8)  # same size, new content and mtime
    matrix._LOADED.clear()
    assert exact_matrix(store, _model(store)) is None


@pytest.mark.parametrize("argv,loads", [
    (["search", "gas prices"], True),
    (["-d", "{db}", "search", "gas prices"], True),
    (["--db={db}", "search", "gas prices"], True),
    (["search", "gas prices", "--mode", "bm25"], False),
    (["search", "--help"], False),
    (["--preset", "test", "search", "gas"], False),  # other options may change the embedder
    (["ask", "what did the search find?"], False),
    (["ask", "search"], False),
])
def test_search_starts_its_loads_before_the_cli_imports(tmp_path, monkeypatch, argv, loads):
    from archivist.cli import entry
    db = tmp_path / "e.db"
    (tmp_path / "e.db.faiss").write_bytes(b"x")
    monkeypatch.setenv("ARCHIVIST_DB", str(db))
    calls = []
    monkeypatch.setattr(query_embed, "preload", lambda s: calls.append(("embedder", s.store.db)))
    monkeypatch.setattr(query_embed, "prefetch_index", lambda p: calls.append(("faiss", str(p))))
    entry.start_search_loads([a.replace("{db}", str(db)) for a in argv])
    assert bool(calls) == loads
    if loads:
        assert calls == [("embedder", str(db)), ("faiss", str(db) + ".faiss")]


def test_no_early_loads_without_vectors(tmp_path, monkeypatch):
    from archivist.cli import entry
    monkeypatch.setenv("ARCHIVIST_DB", str(tmp_path / "none.db"))
    calls = []
    monkeypatch.setattr(query_embed, "preload", lambda s: calls.append(1))
    entry.start_search_loads(["search", "gas"])
    assert not calls  # no FAISS file: nothing embedded, the search is BM25 only
