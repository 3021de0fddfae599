"""The full-text rows of chunks (chunks_fts, FTS5), kept by triggers on the chunks table.

chunks_fts is an external-content FTS5 table: it holds the index only, and reads a row's values
from the view chunks_fts_source (a chunk's text from chunks; its document's subject, names and
date words from fts_docs, one row a document). It used to keep its own copy of every value:
the chunk text a second time and the document's header words once for each of its chunks, a
quarter of the database (51 of 230 MB at 15k emails).

An external-content index is only right while the values a row is deleted with are those it was
indexed with, so every write goes through triggers: inserting a chunk indexes it, deleting one
(a REPLACE's delete included: the store turns recursive triggers on) removes it with its old
values, and a document's fts_docs row is written before its first chunk (`keep_doc_words`,
INSERT OR IGNORE: never changed while a chunk of it is indexed) and goes when its last chunk is
deleted (`forget_docs`, called by the one place that deletes chunks: a REPLACE of a document's only
chunk must keep it, so no trigger does this).
"""
from __future__ import annotations

import json

TOKENIZE = "porter unicode61 remove_diacritics 2"
_DOC_WORDS = ("coalesce(m.subject, ''), coalesce(m.names, ''), coalesce(m.dates, '') "
              "FROM (SELECT 1) LEFT JOIN fts_docs m ON m.doc_id = {}.doc_id")
CREATE_SQL = f"""
CREATE TABLE IF NOT EXISTS fts_docs (
    doc_id INTEGER PRIMARY KEY, subject TEXT NOT NULL DEFAULT '', names TEXT NOT NULL DEFAULT '',
    dates TEXT NOT NULL DEFAULT '');
CREATE VIEW chunks_fts_source AS
    SELECT c.id AS id, c.text AS text, coalesce(m.subject, '') AS subject,
           coalesce(m.names, '') AS names, coalesce(m.dates, '') AS dates
    FROM chunks c LEFT JOIN fts_docs m ON m.doc_id = c.doc_id;
CREATE VIRTUAL TABLE chunks_fts USING fts5(
    text, subject, names, dates, content = 'chunks_fts_source', content_rowid = 'id',
    tokenize = '{TOKENIZE}');
CREATE TRIGGER chunks_fts_add AFTER INSERT ON chunks BEGIN
    INSERT INTO chunks_fts (rowid, text, subject, names, dates)
    SELECT NEW.id, NEW.text, {_DOC_WORDS.format('NEW')};
END;
CREATE TRIGGER chunks_fts_drop AFTER DELETE ON chunks
WHEN EXISTS (SELECT 1 FROM chunks_fts_docsize WHERE id = OLD.id) BEGIN
    INSERT INTO chunks_fts (chunks_fts, rowid, text, subject, names, dates)
    SELECT 'delete', OLD.id, OLD.text, {_DOC_WORDS.format('OLD')};
END;
CREATE TRIGGER chunks_fts_change AFTER UPDATE OF text, doc_id ON chunks BEGIN
    INSERT INTO chunks_fts (chunks_fts, rowid, text, subject, names, dates)
    SELECT 'delete', OLD.id, OLD.text, {_DOC_WORDS.format('OLD')}
    WHERE EXISTS (SELECT 1 FROM chunks_fts_docsize WHERE id = OLD.id);
    INSERT INTO chunks_fts (rowid, text, subject, names, dates)
    SELECT NEW.id, NEW.text, {_DOC_WORDS.format('NEW')};
END;
"""


def keep_doc_words(conn, meta: dict[int, tuple[str, str, str]]) -> None:
    """Store (subject, names, dates) of documents about to get chunks; a document that already
    has a row keeps it (its indexed chunks were written with it)."""
    conn.executemany("INSERT OR IGNORE INTO fts_docs (doc_id, subject, names, dates) "
                     "VALUES (?, ?, ?, ?)", [(d, *words) for d, words in meta.items()])


def forget_docs(conn, doc_ids: list[int]) -> None:
    """Drop the fts_docs rows of documents (among doc_ids) left with no chunk, so a document id
    SQLite gives again is never indexed with the words of the one it had before."""
    conn.execute("DELETE FROM fts_docs WHERE doc_id IN (SELECT value FROM json_each(?)) AND NOT EXISTS "
                 "(SELECT 1 FROM chunks c WHERE c.doc_id = fts_docs.doc_id)", (json.dumps(doc_ids),))


def indexed(conn) -> int:
    """Chunks in the full-text index (a count of chunks_fts itself reads the chunks table)."""
    return int(conn.execute("SELECT count(*) FROM chunks_fts_docsize").fetchone()[0])


def not_indexed(conn) -> tuple[int, int]:
    """(chunks without an index row, index rows without a chunk)."""
    return (int(conn.execute("SELECT count(*) FROM chunks WHERE id NOT IN "
                             "(SELECT id FROM chunks_fts_docsize)").fetchone()[0]),
            int(conn.execute("SELECT count(*) FROM chunks_fts_docsize WHERE id NOT IN "
                             "(SELECT id FROM chunks)").fetchone()[0]))


def rebuild(conn, meta: dict[int, tuple[str, str, str]]) -> None:
    """The index made again from the chunks, with `meta` the words of every chunked document."""
    conn.execute("DELETE FROM fts_docs")
    keep_doc_words(conn, meta)
    conn.execute("INSERT INTO chunks_fts (chunks_fts) VALUES ('rebuild')")  # empties the index first
