"""BM25 over chunk text, subject and participant names with SQLite FTS5 (rowid = chunk id)."""
from __future__ import annotations

import re

from archivist.store.filters import chunk_unit_sql, filter_sql
from archivist.records import Filters

TERM = re.compile(r"[\w][\w'@.-]*[\w]|\w", re.UNICODE)
# Words that match most rows: dropping them keeps OR queries fast and rankings unchanged.
STOP = frozenset("""a an and are as at be by did do does for from had has have he her his how i in
is it its me my of on or our she so that the their them they this to was we were what when where
which who whom whose why will with you your about into than then there these those can could
would should s t""".split())


def fts_rows(store, chunk_rows: list[tuple[int, int, str]]) -> list[tuple[int, str, str, str]]:
    """(chunk id, text, subject, names) for FTS from (chunk id, doc id, text) rows."""
    doc_ids = sorted({d for _, d, _ in chunk_rows})
    subjects, names = {}, {}
    for i in range(0, len(doc_ids), 900):
        part = doc_ids[i:i + 900]
        marks = ",".join("?" * len(part))
        for did, title in store.conn.execute(
                f"SELECT id, title FROM documents WHERE id IN ({marks})", part):
            subjects[did] = title or ""
        for did, name, addr in store.conn.execute(
                f"SELECT doc_id, name, address FROM participants WHERE doc_id IN ({marks})", part):
            names.setdefault(did, []).append(f"{name or ''} {addr or ''}".strip())
    return [(cid, text, subjects.get(did, ""), " ; ".join(names.get(did, [])))
            for cid, did, text in chunk_rows]


def add_chunks(store, rows: list[tuple[int, str, str, str]]) -> None:
    store.conn.executemany(
        "INSERT OR REPLACE INTO chunks_fts (rowid, text, subject, names) VALUES (?, ?, ?, ?)", rows)


def delete_chunks(store, chunk_ids: list[int]) -> None:
    store.conn.executemany("DELETE FROM chunks_fts WHERE rowid = ?", [(i,) for i in chunk_ids])


def match_expression(query: str) -> str:
    """An FTS5 OR-query of the query's words (quoted, so user text never becomes FTS syntax)."""
    words = [w.lower() for w in TERM.findall(query)]
    keep = [w for w in words if w not in STOP] or words
    seen = dict.fromkeys(w.replace('"', '') for w in keep)
    return " OR ".join(f'"{w}"' for w in seen if w)


def bm25_search(store, query: str, n: int, filters: Filters | None = None) -> list[tuple[int, float]]:
    """(chunk id, bm25 score; higher is better) of the best `n` chunks passing `filters`."""
    expr = match_expression(query)
    if not expr:
        return []
    if filters is None or filters.is_empty():
        sql = ("SELECT rowid, bm25(chunks_fts, 1.0, 0.6, 0.4) AS s FROM chunks_fts "
               "WHERE chunks_fts MATCH ? ORDER BY s LIMIT ?")
        params: list = [expr, n]
    else:
        where, fparams = filter_sql(filters, "d")
        unit = chunk_unit_sql(filters)
        sql = ("SELECT f.rowid, bm25(chunks_fts, 1.0, 0.6, 0.4) AS s FROM chunks_fts f "
               "JOIN chunks c ON c.id = f.rowid JOIN documents d ON d.id = c.doc_id "
               f"WHERE chunks_fts MATCH ? AND {where}{unit} ORDER BY s LIMIT ?")
        params = [expr, *fparams, n]
    return [(int(cid), -float(s)) for cid, s in store.conn.execute(sql, params)]


def count(store) -> int:
    return int(store.scalar("SELECT count(*) FROM chunks_fts") or 0)
