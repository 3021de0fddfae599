"""chunk_rows.insert_chunks: one executemany gives the ids and FTS rows of inserting one by one."""
from __future__ import annotations

from archivist.retrieval import chunk_rows
from archivist.retrieval.chunking import Chunk


def _chunks(doc_ids: list[int], ords: list[int], unit: str = "doc") -> list[Chunk]:
    return [Chunk(d, 7, unit, o, f"h{d}", f"text of {d} part {o} about gas", 0, 4, 5)
            for d in doc_ids for o in ords]


def _rows(store) -> tuple:
    return (store.conn.execute("SELECT * FROM chunks ORDER BY id").fetchall(),
            store.conn.execute("SELECT rowid, text, subject, names, dates FROM chunks_fts "
                               "ORDER BY rowid").fetchall())


def _write(store, insert) -> tuple:
    with store.conn:
        store.conn.executemany("INSERT INTO documents (id, content_hash, kind, title) VALUES "
                               "(?, ?, 'email', 'Gas')", [(i, f"h{i}") for i in (1, 2, 3)])
        insert(store, _chunks([1, 2], [0, 1, 1000]))
        chunk_rows.delete_chunks(store, "doc_id = 1 AND ord = 1")
        insert(store, _chunks([2], [1]))  # replaces a row: its new id is above the others
        insert(store, _chunks([3], [0, 0]))  # a key twice: the second replaces the first
        insert(store, _chunks([2], [0], unit="thread"))
    return _rows(store)


def test_executemany_ids_and_fts_rows_equal_one_by_one(tmp_path):
    from archivist.store import Store
    with Store(tmp_path / "a.db") as a, Store(tmp_path / "b.db") as b:
        fast, each = _write(a, chunk_rows.insert_chunks), _write(b, chunk_rows._insert_each)
    assert fast == each
    assert len(fast[0]) == 7 and len(fast[1]) == 9  # a replaced row leaves its FTS row, as before
