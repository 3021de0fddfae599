"""The schema: numbered sqlite-utils Migrations, applied in order when a database is opened."""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    import sqlite_utils


class Steps:
    """The migrations in order. sqlite-utils' Migrations is built from them only when a database
    is migrated: importing sqlite-utils (and the numpy it pulls in) cost a read-only `search`
    ~0.15 s of its ~1 s, and reading needs no more than the names."""

    name = "archivist"  # the migration set, as recorded in _sqlite_migrations

    def __init__(self) -> None:
        self._fns: list[Callable] = []

    def __call__(self) -> Callable[[Callable], Callable]:
        def register(fn: Callable) -> Callable:
            self._fns.append(fn)
            return fn
        return register

    @property
    def names(self) -> list[str]:
        return [fn.__name__ for fn in self._fns]

    def runner(self):
        from sqlite_utils import Migrations
        runner = Migrations(self.name)
        for fn in self._fns:
            runner()(fn)
        return runner

    def apply(self, db: "sqlite_utils.Database") -> None:
        self.runner().apply(db)

    def applied(self, db: "sqlite_utils.Database") -> list:
        return self.runner().applied(db)


migrations = Steps()
_MONTHS = ("January February March April May June July August September October November "
           "December").split()


def fts_date_words(value: str | None) -> str:
    """An ISO date as the words people type, for chunks_fts.dates: '2001-05-14 May 14 2001 Monday'
    ('' when unparsable)."""
    try:
        d = date.fromisoformat((value or "")[:10])
    except ValueError:
        return ""
    return f"{d.isoformat()} {_MONTHS[d.month - 1]} {d.day} {d.year} {d.strftime('%A')}"


@migrations()
def m001_corpus(db: sqlite_utils.Database) -> None:
    db.executescript("""
    CREATE TABLE sources (
        id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,
        size INTEGER, mtime REAL, status TEXT NOT NULL DEFAULT 'partial',
        n_read INTEGER NOT NULL DEFAULT 0, added_at TEXT, done_at TEXT);
    CREATE TABLE documents (
        id INTEGER PRIMARY KEY, content_hash TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,
        title TEXT, norm_subject TEXT, message_id TEXT,
        sender_name TEXT, sender TEXT, date TEXT, date_raw TEXT, date_ok INTEGER,
        body TEXT NOT NULL DEFAULT '', quoted TEXT NOT NULL DEFAULT '', signature TEXT,
        attachments TEXT, meta TEXT, thread_id INTEGER, thread_pos INTEGER,
        n_chars INTEGER, added_at TEXT);
    CREATE INDEX documents_sender ON documents(sender);
    CREATE INDEX documents_date ON documents(date);
    CREATE INDEX documents_message_id ON documents(message_id);
    CREATE INDEX documents_norm_subject ON documents(norm_subject);
    CREATE INDEX documents_thread ON documents(thread_id, thread_pos);
    CREATE TABLE participants (
        doc_id INTEGER NOT NULL REFERENCES documents(id), role TEXT NOT NULL,
        name TEXT, address TEXT);
    CREATE INDEX participants_doc ON participants(doc_id);
    CREATE INDEX participants_address ON participants(address, role);
    CREATE TABLE locations (
        id INTEGER PRIMARY KEY, doc_id INTEGER NOT NULL REFERENCES documents(id),
        source_id INTEGER NOT NULL REFERENCES sources(id), position TEXT NOT NULL,
        mailbox TEXT, folder TEXT, UNIQUE(source_id, position));
    CREATE INDEX locations_doc ON locations(doc_id);
    CREATE INDEX locations_mailbox ON locations(mailbox);
    CREATE TABLE threads (
        id INTEGER PRIMARY KEY, subject TEXT, root_doc_id INTEGER, n_docs INTEGER,
        first_date TEXT, last_date TEXT, participants TEXT);
    CREATE TABLE rejects (
        id INTEGER PRIMARY KEY, source_id INTEGER, path TEXT NOT NULL,
        position TEXT NOT NULL DEFAULT '', reason TEXT NOT NULL, added_at TEXT,
        UNIQUE(path, position));
    """)


@migrations()
def m002_retrieval(db: sqlite_utils.Database) -> None:
    db.executescript("""
    CREATE TABLE chunks (
        id INTEGER PRIMARY KEY, doc_id INTEGER REFERENCES documents(id),
        thread_id INTEGER, unit TEXT NOT NULL DEFAULT 'doc', ord INTEGER NOT NULL,
        header TEXT NOT NULL DEFAULT '', text TEXT NOT NULL, start INTEGER, end INTEGER,
        n_tokens INTEGER, content_hash TEXT NOT NULL, UNIQUE(doc_id, unit, ord));
    CREATE INDEX chunks_thread ON chunks(thread_id);
    CREATE INDEX chunks_hash ON chunks(content_hash);
    CREATE TABLE vectors (
        chunk_id INTEGER PRIMARY KEY REFERENCES chunks(id), model TEXT NOT NULL,
        dim INTEGER NOT NULL, vec BLOB NOT NULL, content_hash TEXT NOT NULL);
    CREATE INDEX vectors_model ON vectors(model);
    CREATE TABLE index_meta (key TEXT PRIMARY KEY, value TEXT);
    CREATE VIRTUAL TABLE chunks_fts USING fts5(
        text, subject, names, tokenize = 'porter unicode61 remove_diacritics 2');
    """)


@migrations()
def m003_runs(db: sqlite_utils.Database) -> None:
    db.executescript("""
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY, kind TEXT NOT NULL, session_id INTEGER, question TEXT,
        strategy TEXT, planner TEXT, reason TEXT, estimates TEXT, answer TEXT,
        citations TEXT, tokens_in INTEGER, tokens_out INTEGER, seconds REAL,
        model TEXT, settings TEXT, error TEXT, created_at TEXT);
    CREATE TABLE chat_sessions (
        id INTEGER PRIMARY KEY, title TEXT, filters TEXT, memory TEXT,
        created_at TEXT, updated_at TEXT);
    CREATE TABLE chat_messages (
        id INTEGER PRIMARY KEY, session_id INTEGER NOT NULL REFERENCES chat_sessions(id),
        role TEXT NOT NULL, content TEXT NOT NULL, run_id INTEGER, created_at TEXT);
    CREATE TABLE memory_states (
        id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, question TEXT, state TEXT,
        position INTEGER NOT NULL DEFAULT 0, total INTEGER, updated_at TEXT);
    """)


@migrations()
def m004_reply_headers(db: sqlite_utils.Database) -> None:
    """In-Reply-To and References of emails, for header-based threading."""
    db.executescript("""
    ALTER TABLE documents ADD COLUMN in_reply_to TEXT;
    ALTER TABLE documents ADD COLUMN refs TEXT;
    CREATE INDEX sources_status ON sources(status);
    """)


@migrations()
def m005_attachments(db: sqlite_utils.Database) -> None:
    """Attachments as documents: each attachment document keeps its first parent in parent_id;
    attachment_links holds every (message, attachment) pair, so one contract attached to 40
    emails is one document with 40 links."""
    db.executescript("""
    ALTER TABLE documents ADD COLUMN parent_id INTEGER;
    CREATE INDEX documents_parent ON documents(parent_id);
    CREATE TABLE attachment_links (
        parent_id INTEGER NOT NULL REFERENCES documents(id),
        ord INTEGER NOT NULL, child_id INTEGER NOT NULL REFERENCES documents(id),
        name TEXT NOT NULL DEFAULT '', content_type TEXT, size INTEGER,
        PRIMARY KEY (parent_id, ord));
    CREATE INDEX attachment_links_child ON attachment_links(child_id);
    """)


@migrations()
def m006_fts_header_columns(db: sqlite_utils.Database) -> None:
    """chunks_fts gains a date-words column (rebuilt from chunks; bm25 weights live in fts.py)."""
    db.conn.create_function("archivist_date_words", 1, fts_date_words, deterministic=True)
    db.executescript("""
    DROP TABLE IF EXISTS chunks_fts;
    CREATE VIRTUAL TABLE chunks_fts USING fts5(
        text, subject, names, dates, tokenize = 'porter unicode61 remove_diacritics 2');
    INSERT INTO chunks_fts (rowid, text, subject, names, dates)
        SELECT c.id, c.text, coalesce(d.title, ''),
               coalesce((SELECT group_concat(trim(coalesce(p.name, '') || ' ' || coalesce(p.address, '')), ' ; ')
                         FROM participants p WHERE p.doc_id = c.doc_id), ''),
               archivist_date_words(d.date)
        FROM chunks c JOIN documents d ON d.id = c.doc_id;
    """)


@migrations()
def m008_chat_state(db: sqlite_utils.Database) -> None:
    """What `chat --continue` restores besides the messages: the strategy and the last scope and
    question analysis (JSON), so follow-ups keep working in a resumed session."""
    db.executescript("""
    ALTER TABLE chat_sessions ADD COLUMN strategy TEXT;
    ALTER TABLE chat_sessions ADD COLUMN state TEXT;
    """)


@migrations()
def m010_summaries(db: sqlite_utils.Database) -> None:
    """Stored summaries of document groups, keyed by the hash of everything they were made from,
    so a rerun with nothing new reuses them (0 model calls)."""
    db.executescript("""
    CREATE TABLE summaries (
        id INTEGER PRIMARY KEY, level TEXT NOT NULL, group_key TEXT NOT NULL,
        input_hash TEXT NOT NULL, label TEXT, n_docs INTEGER, first_date TEXT, last_date TEXT,
        body TEXT NOT NULL, llm_calls INTEGER, tokens_in INTEGER, tokens_out INTEGER,
        seconds REAL, model TEXT, created_at TEXT, UNIQUE(level, input_hash));
    CREATE INDEX summaries_key ON summaries(level, group_key);
    CREATE TABLE ssm_snapshots (
        key TEXT PRIMARY KEY, model TEXT NOT NULL, dtype TEXT NOT NULL, input_hash TEXT NOT NULL,
        n_tokens INTEGER NOT NULL, n_bytes INTEGER NOT NULL, state BLOB NOT NULL, created_at TEXT);
    """)


@migrations()
def m011_eval_results(db: sqlite_utils.Database) -> None:
    """`archivist eval`: one row per run (task, settings, model, machine, load) and one per
    example x strategy x model, so a run resumes where it stopped and reports read SQLite."""
    db.executescript("""
    CREATE TABLE eval_runs (
        id INTEGER PRIMARY KEY, run_key TEXT NOT NULL, task TEXT NOT NULL, config TEXT NOT NULL,
        model TEXT, backend_kind TEXT, hardware TEXT, started_at TEXT, finished_at TEXT,
        status TEXT NOT NULL DEFAULT 'running', load_before TEXT, load_after TEXT,
        seconds REAL NOT NULL DEFAULT 0, planned INTEGER);
    CREATE INDEX eval_runs_key ON eval_runs(run_key);
    CREATE TABLE eval_results (
        id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES eval_runs(id),
        task TEXT NOT NULL, example_id TEXT NOT NULL, strategy TEXT NOT NULL, model TEXT NOT NULL,
        backend_kind TEXT, hardware TEXT, created_at TEXT, question TEXT, gold TEXT,
        answerable INTEGER, answer TEXT, chosen TEXT, score REAL, scores TEXT,
        tokens_in INTEGER, tokens_out INTEGER, llm_calls INTEGER, seconds REAL, peak_mb REAL,
        meta TEXT, error TEXT, UNIQUE(run_id, example_id, strategy, model));
    CREATE INDEX eval_results_run ON eval_results(run_id, strategy);
    """)


@migrations()
def m012_history(db: sqlite_utils.Database) -> None:
    """Documents that left their sources (edited or deleted there, seen on a re-ingest): their
    last version, where it was, and when it left; out of every table search reads."""
    db.executescript("""
    CREATE TABLE history (
        id INTEGER PRIMARY KEY, doc_id INTEGER NOT NULL, content_hash TEXT NOT NULL,
        kind TEXT, title TEXT, sender TEXT, date TEXT, places TEXT, record TEXT NOT NULL,
        removed_at TEXT);
    CREATE INDEX history_hash ON history(content_hash);
    """)


@migrations()
def m013_mail_keys(db: sqlite_utils.Database) -> None:
    """What incremental threading looks up instead of reading every email: the subject a reply's
    quoted header names, and each email's In-Reply-To / References ids (corpus/thread_update.py).
    Written by every thread rebuild; an email without a row makes the next update a full one."""
    db.executescript("""
    CREATE TABLE mail_keys (doc_id INTEGER PRIMARY KEY, quote_subject TEXT NOT NULL DEFAULT '');
    CREATE INDEX mail_keys_quote ON mail_keys(quote_subject);
    CREATE TABLE mail_refs (ref TEXT NOT NULL, doc_id INTEGER NOT NULL);
    CREATE INDEX mail_refs_ref ON mail_refs(ref);
    CREATE INDEX mail_refs_doc ON mail_refs(doc_id);
    """)


@migrations()
def m014_counts(db: sqlite_utils.Database) -> None:
    """What counts read without reading every document: the date index holds each document's kind,
    size and Date header too (a month's count, its calendar days and a scope's size from the index
    alone), the sender index the sender's name, kind and date (top senders, `senders`, from the
    index alone), and counts are kept by triggers (store/counts.py). The two indexes replace the
    narrower ones of their names."""
    from archivist.store.counts import create_sql
    db.executescript("""
    DROP INDEX documents_date;
    CREATE INDEX documents_date ON documents(date, kind, n_chars, date_raw);
    DROP INDEX documents_sender;
    CREATE INDEX documents_sender ON documents(sender, sender_name, kind, date);
    """ + create_sql())


@migrations()
def m015_chunk_checks(db: sqlite_utils.Database) -> None:
    """The documents whose chunks may not match them (store/derived.py), kept by triggers, so an
    ingest chunks new documents and drops the chunks of departed ones without reading every
    document and chunk (2 s on a million emails). Filled once with what those reads find now."""
    from archivist.store.derived import CHECKS_SQL
    db.executescript(CHECKS_SQL)


@migrations()
def m016_mail_quotes(db: sqlite_utils.Database) -> None:
    """Each email's quoted header ([surname, sent] or '' for none) beside its quoted subject in
    mail_keys, so threading new mail reads the headers it needs from there instead of parsing the
    text of every email it looks at. Filled as emails are threaded; NULL: not read yet."""
    db.executescript("ALTER TABLE mail_keys ADD COLUMN quote TEXT;")


@migrations()
def m017_fts_external(db: sqlite_utils.Database) -> None:
    """chunks_fts keeps the index only and reads its values from the chunks and one row of header
    words a document (store/fts_rows.py): it held a copy of every chunk's text and its document's
    words, a quarter of the database. The words a document was indexed with are kept as they were;
    the index is made again once (11 s on whole Enron); the space freed is reused by later writes
    (SQLite's VACUUM gives it back to the disk: whole Enron 228 -> 168 MB)."""
    from archivist.store.fts_rows import CREATE_SQL
    db.executescript("""
    CREATE TABLE fts_docs (
        doc_id INTEGER PRIMARY KEY, subject TEXT NOT NULL DEFAULT '', names TEXT NOT NULL DEFAULT '',
        dates TEXT NOT NULL DEFAULT '');
    INSERT INTO fts_docs (doc_id, subject, names, dates)
        SELECT k.doc_id, f.subject, f.names, f.dates FROM chunks_fts f JOIN
            (SELECT doc_id, min(id) AS id FROM chunks WHERE doc_id IS NOT NULL GROUP BY doc_id) k
            ON f.rowid = k.id;
    DROP TABLE chunks_fts;
    """ + CREATE_SQL + """
    INSERT INTO chunks_fts (chunks_fts) VALUES ('rebuild');
    """)


@migrations()
def m018_no_chunk_hash_index(db: sqlite_utils.Database) -> None:
    """No index on chunks.content_hash: no query looks a chunk up by it (vectors are matched to
    chunks by id, and reused by the hash kept in vectors), and at a million emails it was 196 MB
    written in random order by every chunk insert."""
    db.executescript("DROP INDEX IF EXISTS chunks_hash;")


@migrations()
def m019_embed_checks(db: sqlite_utils.Database) -> None:
    """The chunks that may lack a current vector, kept by triggers (store/derived.py), so adding
    mail embeds its chunks without a query over every chunk and vector to find them (two such
    queries took a third of adding 100 emails to 150k). Empty at first: the next embedding pass
    looks at every chunk once, as before, and from then on at the list."""
    from archivist.store.derived import EMBED_CHECKS_SQL
    db.executescript(EMBED_CHECKS_SQL)


@migrations()
def m020_vectors_by_hash(db: sqlite_utils.Database) -> None:
    """Vectors indexed by model and content hash (the index by model alone is replaced: this one
    serves its lookups too): reusing a vector for identical text looked the hashes up by reading
    every vector of the model, 0.3 s a batch of 512 chunks at 150k emails."""
    db.executescript("""
    CREATE INDEX vectors_hash ON vectors(model, content_hash);
    DROP INDEX IF EXISTS vectors_model;
    """)
