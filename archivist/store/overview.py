"""The corpus at a glance, the reads of the whole `documents` table other packages need: senders and
mailboxes with their counts and date ranges, selected through the one Filters compiler (so `senders
--mailbox X` sees what a question scoped to X sees), and the subjects, days, domains and record fields
the question reader looks words up in.
"""
from __future__ import annotations

from archivist.records import Filters
from archivist.store.filters import filter_sql


def senders(store, filters: Filters | None = None, limit: int = 20) -> list[dict]:
    """Senders by number of documents: address, most used name, count, first and last date."""
    where, params = filter_sql(filters)
    return store.query(
        "SELECT lower(d.sender) AS address, max(d.sender_name) AS name, count(*) AS documents, "
        "min(d.date) AS first_date, max(d.date) AS last_date FROM documents d "
        f"WHERE d.sender IS NOT NULL AND d.sender != '' AND {where} "
        "GROUP BY lower(d.sender) ORDER BY documents DESC, address LIMIT ?", [*params, int(limit)])


def mailboxes(store, filters: Filters | None = None, limit: int = 200) -> list[dict]:
    """Mailboxes by number of documents: name, documents, folders, senders, first and last date."""
    where, params = filter_sql(filters)
    return store.query(
        "SELECT l.mailbox AS mailbox, count(DISTINCT d.id) AS documents, "
        "count(DISTINCT l.folder) AS folders, count(DISTINCT lower(d.sender)) AS senders, "
        "min(d.date) AS first_date, max(d.date) AS last_date "
        "FROM locations l JOIN documents d ON d.id = l.doc_id "
        f"WHERE l.mailbox IS NOT NULL AND l.mailbox != '' AND {where} "
        "GROUP BY l.mailbox ORDER BY documents DESC, mailbox LIMIT ?", [*params, int(limit)])


def stamp(store) -> tuple:
    """(documents, highest id): changes whenever documents are added or removed (the number as
    kept on write: counting a million documents took 60 ms, twice a question)."""
    from archivist.store.counts import kept_count
    return kept_count(store.conn, "documents"), store.scalar("SELECT max(id) FROM documents")


def mailbox_names(store) -> set[str]:
    """Every mailbox the archive holds, as stored."""
    return {r[0] for r in store.conn.execute(
        "SELECT DISTINCT mailbox FROM locations WHERE mailbox IS NOT NULL AND mailbox != ''")}


def mailbox_owners(store) -> dict[str, str]:
    """Mailbox -> the address most often on the To line of the mail it holds (its custodian's)."""
    return {r[0]: r[1] for r in store.conn.execute(
        "SELECT mailbox, address FROM (SELECT l.mailbox, lower(p.address) AS address, row_number() OVER "
        "(PARTITION BY l.mailbox ORDER BY count(*) DESC, lower(p.address)) AS rk FROM locations l JOIN participants p "
        "ON p.doc_id = l.doc_id AND p.role = 'to' WHERE l.mailbox IS NOT NULL AND l.mailbox != '' AND p.address "
        "IS NOT NULL AND p.address != '' GROUP BY 1, 2) WHERE rk = 1")}


def subject_titles(store) -> dict[str, str]:
    """Normalised subject (lower case) -> the first of its titles, for every subject stored."""
    return {r[0]: r[1] for r in store.conn.execute(
        "SELECT lower(norm_subject), min(title) FROM documents WHERE norm_subject IS NOT NULL "
        "AND norm_subject != '' GROUP BY 1")}


def day_counts(store) -> dict[str, int]:
    """UTC day (YYYY-MM-DD) -> documents dated that day."""
    return dict(store.conn.execute("SELECT substr(date, 1, 10), count(*) FROM documents "
                                   "WHERE date IS NOT NULL GROUP BY 1"))


def sender_domains(store) -> dict[str, int]:
    """Sender domain (lower case) -> documents sent from it."""
    return dict(store.conn.execute("SELECT lower(substr(sender, instr(sender, '@') + 1)), count(*) "
                                   "FROM documents WHERE sender LIKE '%@%' GROUP BY 1"))


def record_meta_sample(store, limit: int = 50) -> list[str]:
    """The metadata JSON of the first `limit` records (their field names)."""
    return [r[0] for r in store.conn.execute("SELECT meta FROM documents WHERE kind = 'record' "
                                             "AND meta IS NOT NULL LIMIT ?", (limit,))]


def has_dates(store) -> bool:
    """Whether any document carries a date (paragraph and note collections often do not)."""
    return store.conn.execute("SELECT 1 FROM documents WHERE date IS NOT NULL LIMIT 1").fetchone() is not None


def has_kind(store, kind: str) -> bool:
    """Whether any document is of this kind (email, record, text, ...)."""
    return store.conn.execute("SELECT 1 FROM documents WHERE kind = ? LIMIT 1", (str(kind),)).fetchone() is not None


def has_emails(store) -> bool:
    """Whether any document is an email (a typed plan asks about emails' metadata)."""
    return has_kind(store, "email")


def has_people(store) -> bool:
    """Whether any document has a sender or a recipient (a collection of text passages has none)."""
    return store.conn.execute("SELECT 1 FROM documents WHERE coalesce(sender, '') != '' LIMIT 1").fetchone() \
        is not None or store.conn.execute("SELECT 1 FROM participants LIMIT 1").fetchone() is not None


def latest_date(store, filters: Filters | None) -> str | None:
    """The date of the newest document the filters select."""
    where, params = filter_sql(filters)
    return store.scalar(f"SELECT max(d.date) FROM documents d WHERE {where}", params)
