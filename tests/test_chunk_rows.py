"""chunk_rows and the FTS triggers (store/fts_rows.py): whatever inserts, replaces and deletes do,
the full-text index holds exactly the stored chunks with their documents' words, and FTS5's own
integrity check (index against the values it reads) passes."""
from __future__ import annotations

from archivist.retrieval import chunk_rows
from archivist.retrieval.chunking import Chunk
from archivist.store import fts_rows


def _chunks(doc_ids: list[int], ords: list[int], unit: str = "doc", word: str = "gas") -> list[Chunk]:
    return [Chunk(d, 7, unit, o, f"h{d}", f"text of {d} part {o} about {word}", 0, 4, 5)
            for d in doc_ids for o in ords]


def _check(store) -> None:
    store.conn.execute("INSERT INTO chunks_fts (chunks_fts, rank) VALUES ('integrity-check', 1)")
    assert fts_rows.not_indexed(store.conn) == (0, 0)
    assert fts_rows.indexed(store.conn) == store.scalar("SELECT count(*) FROM chunks")


def _hits(store, word: str) -> list[int]:
    return [r[0] for r in store.conn.execute(
        "SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH ? ORDER BY rowid", (word,))]


def test_inserts_replaces_and_deletes_keep_the_index_exact(tmp_path):
    from archivist.store import Store
    with Store(tmp_path / "a.db") as store, store.conn:
        store.conn.executemany("INSERT INTO documents (id, content_hash, kind, title) VALUES "
                               "(?, ?, 'email', ?)", [(i, f"h{i}", f"Subject{i}") for i in (1, 2, 3)])
        chunk_rows.insert_chunks(store, _chunks([1, 2], [0, 1, 1000]))
        chunk_rows.delete_chunks(store, "doc_id = 1 AND ord = 1")
        chunk_rows.insert_chunks(store, _chunks([2], [1], word="oil"))  # replaces a row
        chunk_rows.insert_chunks(store, _chunks([3], [0, 0], word="coal"))  # a key twice
        chunk_rows.insert_chunks(store, _chunks([2], [0], unit="thread"))
        _check(store)
        assert len(_hits(store, "oil")) == 1 and len(_hits(store, "coal")) == 1
        assert len(_hits(store, "subject3")) == 1  # the document's words reach its chunks
        chunk_rows.delete_chunks(store, "doc_id = 3")
        _check(store)
        assert _hits(store, "coal") == [] and _hits(store, "subject3") == []
        assert store.scalar("SELECT count(*) FROM fts_docs WHERE doc_id = 3") == 0
        assert store.scalar("SELECT count(*) FROM fts_docs") == 2


def test_a_document_id_given_again_is_indexed_with_its_own_words(tmp_path):
    from archivist.store import Store
    with Store(tmp_path / "a.db") as store, store.conn:
        store.conn.execute("INSERT INTO documents (id, content_hash, kind, title) VALUES (5, 'a', 'email', 'Alpha')")
        chunk_rows.insert_chunks(store, _chunks([5], [0]))
        chunk_rows.delete_chunks(store, "doc_id = 5")
        store.conn.execute("DELETE FROM documents WHERE id = 5")
        store.conn.execute("INSERT INTO documents (id, content_hash, kind, title) VALUES (5, 'b', 'email', 'Beta')")
        chunk_rows.insert_chunks(store, _chunks([5], [0]))
        _check(store)
        assert _hits(store, "alpha") == [] and len(_hits(store, "beta")) == 1
