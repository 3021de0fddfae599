"""The corpus at a glance: senders and mailboxes with their counts and date ranges, selected
through the one Filters compiler (so `senders --mailbox X` sees what a question scoped to X sees).
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
