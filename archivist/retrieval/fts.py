"""BM25 over chunk text, subject, participants and date words with SQLite FTS5 (rowid = chunk id),
plus the subject-phrase signal: documents whose subject is the query, contains it or is contained
in it (a subject typed verbatim must win over long emails that share its common words)."""
from __future__ import annotations

import json
import re

from archivist.corpus.headers import normalise_subject
from archivist.store.filters import chunk_unit_sql, filter_sql
from archivist.store.fts_rows import indexed
from archivist.store.schema import fts_date_words as date_words
from archivist.records import Filters

TERM = re.compile(r"[\w][\w'@.-]*[\w]|\w", re.UNICODE)
WORD = re.compile(r"\w+", re.UNICODE)  # FTS5 unicode61 tokens (what a phrase is made of)
# Words that match most rows: dropping them keeps OR queries fast and rankings unchanged.
STOP = frozenset("""a an and are as at be by did do does for from had has have he her his how i in
is it its me my of on or our she so that the their them they this to was we were what when where
which who whom whose why will with you your about into than then there these those can could
would should s t""".split())
COLUMNS = ("text", "subject", "names", "dates")
# Column weights of bm25(): text, subject, participants (names and addresses), date words.
# Tuned on half A of the lookup questions (now `archivist eval run search-enron`), reported on half B
# (by the former bench/search_enron.py); the old 1.0/0.6/0.4 let long bodies outrank the header.
WEIGHTS = (1.0, 5.0, 2.0, 2.0)
MIN_SUBJECT_WORDS = 2  # a one-word subject ("hi", "update") inside a query says nothing


def fts_meta(store, doc_ids: list[int]) -> dict[int, tuple[str, str, str]]:
    """doc id -> (subject, names, dates): the FTS columns a document gives each of its chunks."""
    subjects, names, dates = {}, {}, {}
    for i in range(0, len(doc_ids), 900):
        part = doc_ids[i:i + 900]
        marks = ",".join("?" * len(part))
        for did, title, when in store.conn.execute(
                f"SELECT id, title, date FROM documents WHERE id IN ({marks})", part):
            subjects[did], dates[did] = title or "", date_words(when)
        for did, name, addr in store.conn.execute(
                f"SELECT doc_id, name, address FROM participants WHERE doc_id IN ({marks})", part):
            names.setdefault(did, []).append(f"{name or ''} {addr or ''}".strip())
    return {did: (subjects.get(did, ""), " ; ".join(names.get(did, [])), dates.get(did, ""))
            for did in doc_ids}


def match_expression(query: str) -> str:
    """An FTS5 OR-query of the query's words (quoted, so user text never becomes FTS syntax)."""
    words = [w.lower() for w in TERM.findall(query)]
    keep = [w for w in words if w not in STOP] or words
    seen = dict.fromkeys(w.replace('"', '') for w in keep)
    return " OR ".join(f'"{w}"' for w in seen if w)


def _weights_sql(weights) -> str:
    return ", ".join(f"{float(w):g}" for w in weights)


def _run(store, expr: str, n: int, filters: Filters | None, weights) -> list[tuple[int, float]]:
    """(chunk id, -bm25) of the best n chunks for an FTS5 expression, filters applied inside."""
    score = f"bm25(chunks_fts, {_weights_sql(weights)})"
    if filters is None or filters.is_empty():
        sql = f"SELECT rowid, {score} AS s FROM chunks_fts WHERE chunks_fts MATCH ? ORDER BY s LIMIT ?"
        params: list = [expr, n]
    else:
        where, fparams = filter_sql(filters, "d")
        unit = chunk_unit_sql(filters)
        sql = (f"SELECT f.rowid, {score} AS s FROM chunks_fts f "
               "JOIN chunks c ON c.id = f.rowid JOIN documents d ON d.id = c.doc_id "
               f"WHERE chunks_fts MATCH ? AND {where}{unit} ORDER BY s LIMIT ?")
        params = [expr, *fparams, n]
    return [(int(cid), -float(s)) for cid, s in store.conn.execute(sql, params)]


def bm25_search(store, query: str, n: int, filters: Filters | None = None,
                weights=None) -> list[tuple[int, float]]:
    """(chunk id, bm25 score; higher is better) of the best `n` chunks passing `filters`."""
    expr = match_expression(query)
    return _run(store, expr, n, filters, weights or WEIGHTS) if expr else []


def docs_with_words(store, query: str, doc_ids: list[int]) -> set[int]:
    """The documents among doc_ids that hold at least one of the query's words in any FTS column
    (text, subject, participants, date words), however far down BM25's list they are."""
    expr = match_expression(query)
    if not expr or not doc_ids:
        return set()
    rows = store.conn.execute(
        "SELECT DISTINCT c.doc_id FROM chunks c WHERE c.doc_id IN (SELECT value FROM json_each(?)) "
        "AND c.id IN (SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH ?)",
        (json.dumps(sorted(doc_ids)), expr))
    return {int(r[0]) for r in rows}


def query_words(text: str) -> list[str]:
    return WORD.findall(normalise_subject(text))


def _contains(words: list[str], part: list[str]) -> bool:
    k = len(part)
    return any(words[i:i + k] == part for i in range(len(words) - k + 1)) if k else False


def subject_match(query_w: list[str], subject: str, query: str = "") -> int:
    """4: the subject is the query as typed (prefixes such as 'RE:' included); 3: the subject is
    the query; 2: the subject contains the query; 1: the query contains the
    subject (of MIN_SUBJECT_WORDS words or more); 0: none."""
    subj = query_words(subject)
    if not subj or not query_w:
        return 0
    if subj == query_w:
        return 4 if " ".join(subject.lower().split()) == " ".join(query.lower().split()) else 3
    if len(query_w) >= MIN_SUBJECT_WORDS and _contains(subj, query_w):
        return 2
    return 1 if len(subj) >= MIN_SUBJECT_WORDS and _contains(query_w, subj) else 0


def subject_phrase_search(store, query: str, n: int, filters: Filters | None = None,
                          weights=None) -> list[tuple[int, float]]:
    """(chunk id, bm25) of chunks whose subject column holds the whole query as a phrase."""
    words = query_words(query)
    if len(words) < MIN_SUBJECT_WORDS:
        return []
    return _run(store, 'subject : "' + " ".join(words) + '"', n, filters, weights or WEIGHTS)


def exact_subject_search(store, query: str, n: int,
                         filters: Filters | None = None) -> list[tuple[int, float]]:
    """(first chunk id, 0.0) of documents whose normalised subject is the query's: found in the
    documents table, not only among BM25's best chunks (a one-word subject such as "ISDA" is
    outranked there by the many bodies that mention it)."""
    subject = normalise_subject(query)
    if not subject:
        return []
    where, params = filter_sql(filters, "d")
    unit = chunk_unit_sql(filters)
    sql = ("SELECT min(c.id) FROM documents d JOIN chunks c ON c.doc_id = d.id "
           f"WHERE d.norm_subject = ? AND {where}{unit} GROUP BY d.id ORDER BY d.id LIMIT ?")
    return [(int(r[0]), 0.0) for r in store.conn.execute(sql, [subject, *params, n])]


def count(store) -> int:
    return indexed(store.conn)


def shared_subject(store, query: str, filters: Filters | None = None) -> tuple[str, int] | None:
    """(subject, threads) when the query is a subject that several threads share ("favor", a
    weekly report): the query alone cannot say which of them is meant, and the user should hear
    so rather than take the first hit for the only one. None otherwise."""
    subject = normalise_subject(query)
    if not subject:
        return None
    where, params = filter_sql(filters, "d")
    row = store.conn.execute(f"SELECT count(DISTINCT d.thread_id), min(d.title) FROM documents d "
                             f"WHERE d.norm_subject = ? AND {where}", [subject, *params]).fetchone()
    return (row[1], int(row[0])) if row and row[0] and row[0] > 1 else None

