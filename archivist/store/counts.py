"""Counts kept in step with the tables on every write, so `stats`, a question's coverage note and
an ingest's summary read a few rows instead of every document or chunk (seconds on a million
emails): the documents and those of each kind, the attachments messages carry, those their text
names, the chunks that lead vectors embed (each document's first), and the threads. SQLite
triggers keep them whatever writes (ingest, a document leaving its source, a repair; an INSERT OR
REPLACE counts as the delete it is, since every writer's connection has recursive triggers on).
The migration that made them counted once; `verify` counts again and compares, `verify --repair`
sets them to the recount.
"""
from __future__ import annotations

TABLE = "kept_counts"
# name -> (table, its share of one row X: an SQL expression; invalid JSON counts nothing)
_ATTACHED = "CASE WHEN json_valid(X.attachments) THEN json_array_length(X.attachments) ELSE 0 END"
_NAMING = "coalesce(X.meta LIKE '%attachments_named%', 0)"
SHARES = {
    "documents": ("documents", "1"),  # the lexicon's stamp reads it at every question
    "attachments": ("documents", _ATTACHED),
    "messages_with_attachments": ("documents", f"({_ATTACHED}) > 0"),
    # stripped from the archive but named in the text ('<< File: memo.doc >>')
    "attachments_named_in_text": ("documents", f"CASE WHEN {_NAMING} AND json_valid(X.meta) THEN "
                                  "coalesce(json_array_length(X.meta, '$.attachments_named'), 0) ELSE 0 END"),
    "messages_naming_attachments": ("documents", _NAMING),
    "lead_chunks": ("chunks", "(X.unit = 'doc' AND X.ord = 0)"),  # what a lead-vector model embeds
    "threads": ("threads", "1"),
}
# the columns the shares read (an update of them moves a row between counts)
WATCHED = {"documents": "kind, attachments, meta", "chunks": "unit, ord", "threads": ""}


def _share(name: str, row: str) -> str:
    return SHARES[name][1].replace("X.", f"{row}.")


def _names(table: str) -> list[str]:
    return [name for name, (of, _) in SHARES.items() if of == table]


def _change(table: str, sign: str, row: str) -> str:
    """An UPDATE adding (or taking) a row's share to each count of its table."""
    names = _names(table)
    cases = " ".join(f"WHEN '{name}' THEN {_share(name, row)}" for name in names)
    listed = ", ".join(f"'{name}'" for name in names)
    return f"UPDATE {TABLE} SET n = n {sign} (CASE name {cases} ELSE 0 END) WHERE name IN ({listed});"


def _kind(sign: str, row: str) -> str:
    """The count of the row's kind ('kind:email'), made when its first document comes."""
    if sign == "-":
        return f"UPDATE {TABLE} SET n = n - 1 WHERE name = 'kind:' || {row}.kind;"
    return (f"INSERT INTO {TABLE} (name, n) VALUES ('kind:' || {row}.kind, 1) "
            "ON CONFLICT (name) DO UPDATE SET n = n + 1;")


def _triggers(table: str) -> str:
    """Insert, delete and update triggers of one table (insert and delete only when the row counts)."""
    counts = " OR ".join(f"({_share(name, '{row}')})" for name in _names(table))
    kinds = table == "documents"
    change = lambda sign, row: _change(table, sign, row) + (_kind(sign, row) if kinds else "")  # noqa: E731
    update = f"""
    CREATE TRIGGER {table}_counts_update AFTER UPDATE OF {WATCHED[table]} ON {table}
    BEGIN {change('-', 'OLD')} {change('+', 'NEW')} END;""" if WATCHED[table] else ""
    return f"""
    CREATE TRIGGER {table}_counts_insert AFTER INSERT ON {table} WHEN {counts.format(row='NEW')}
    BEGIN {change('+', 'NEW')} END;
    CREATE TRIGGER {table}_counts_delete AFTER DELETE ON {table} WHEN {counts.format(row='OLD')}
    BEGIN {change('-', 'OLD')} END;{update}
    """


def _fill(table: str) -> str:
    """The counts of one table, read in one pass over it."""
    sums = ", ".join(f"'{name}', coalesce(sum({_share(name, 'x')}), 0)" for name in _names(table))
    return (f"INSERT INTO {TABLE} (name, n) SELECT key, value FROM "
            f"json_each((SELECT json_object({sums}) FROM {table} x));\n")


def create_sql() -> str:
    """The table, filled by counting, and the triggers that keep it."""
    return (f"CREATE TABLE {TABLE} (name TEXT PRIMARY KEY, n INTEGER NOT NULL DEFAULT 0);\n"
            + "".join(map(_fill, WATCHED))
            + f"INSERT INTO {TABLE} (name, n) SELECT 'kind:' || kind, count(*) FROM documents "
            "GROUP BY kind;\n"
            + "".join(map(_triggers, WATCHED)))


def kept(conn) -> dict[str, int]:
    """The counts as kept (a kind no document has any more: absent)."""
    return {name: int(n) for name, n in conn.execute(f"SELECT name, n FROM {TABLE} ORDER BY name")
            if n or not name.startswith("kind:")}


def kept_count(conn, name: str) -> int:
    """One count as kept ('threads', 'kind:email', ...; 0 when none was kept)."""
    row = conn.execute(f"SELECT n FROM {TABLE} WHERE name = ?", (name,)).fetchone()
    return int(row[0]) if row else 0


def by_kind(counts: dict[str, int]) -> dict[str, int]:
    """kind -> documents, in the order of the kinds' names."""
    return {name[5:]: n for name, n in counts.items() if name.startswith("kind:")}


def recount(conn) -> dict[str, int]:
    """The counts read from every row (what `verify` compares the kept ones with)."""
    counts = {name: int(conn.execute(f"SELECT coalesce(sum({_share(name, 'x')}), 0) FROM {table} x")
                        .fetchone()[0]) for name, (table, _) in SHARES.items()}
    counts.update((f"kind:{kind}", n) for kind, n in conn.execute(
        "SELECT kind, count(*) FROM documents GROUP BY kind ORDER BY kind"))
    return dict(sorted(counts.items()))
