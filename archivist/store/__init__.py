"""The store layer: one SQLite file per corpus, the source of truth.

database  Store: open (WAL, migrations), query helpers, stats
schema    numbered migrations
filters   the one compiler from Filters to a WHERE clause, and the reads built on it
readonly  read-only execution under an authorizer (agent queries)
documents document fetches by id
bulk      a first ingest's secondary indexes dropped while it loads, made once at the end
runs      every ask/chat/summarize/eval run logged
"""
from archivist.store.database import Store
from archivist.store.schema import migrations

__all__ = ["Store", "migrations"]
