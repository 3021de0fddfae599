"""The store layer: one SQLite file per corpus, the source of truth.

database  Store: open (WAL, migrations), query helpers, stats
schema    numbered migrations
filters   the one compiler from Filters to a WHERE clause, and the reads built on it
documents the reads of the documents table other packages need (by id, thread, subject, text)
overview  the corpus at a glance (senders, mailboxes, subjects, days, domains)
readonly  read-only execution under an authorizer (agent queries)
lock      the single writer: a second writer waits, then fails with a clear message
bulk      a first ingest's secondary indexes dropped while it loads, made once at the end
runs      every ask/chat/summarize run logged
"""
from archivist.store.database import Store
from archivist.store.schema import migrations

__all__ = ["Store", "migrations"]
