"""Exact counts and per-sender tallies of a list query without fetching every matching row.

A list query (metadata.py) reads the sender's local calendar day by fetching every row of a range
widened by a day at each end and reading each one's Date header: a month of a million emails is
245k rows. Here SQL counts (and groups) the rows whose every calendar day is surely inside, from
the date index (which holds each document's kind and size), and only the rows in doubt (the days
at either end, emails with no UTC date) are fetched and read as run_query reads them. The results
are run_query's, exactly (tests/test_counting.py).
"""
from __future__ import annotations

import json
from datetime import date, timedelta

from archivist.agent.strategies.metadata import (ROW_COLUMNS, MetadataQuery, Select, in_days, query_where,
                                                 refines, surely_inside, widened)
from archivist.store.readonly import execute_readonly

ORDER = " ORDER BY d.date, d.id"
PAIR = "lower(d.sender) AS address, coalesce(d.sender_name, '') AS name"


def _sure_sql(q: MetadataQuery) -> tuple[str, list]:
    """Rows whose UTC day d has low < d < high (surely_inside): the plain range lets the index
    find them, the day comparison is run_query's own."""
    low, high = surely_inside(q.filters)
    return ("(d.date > ? AND d.date < ? AND substr(d.date, 1, 10) > ? AND substr(d.date, 1, 10) < ?)",
            [low, high, low, high])


def _parts(q: MetadataQuery) -> tuple[tuple[str, list], list[tuple[str, list]]]:
    """(the rows surely in, the rows in doubt) as WHERE fragments with their parameters; those in
    doubt as disjoint parts that an index on the date finds (no UTC date, the first days, the last
    days), since read as one they made the index read every date."""
    where, params = query_where(q)
    if not refines(q):
        return (where, params), []
    sure, sure_params = _sure_sql(q)
    doubt, doubt_params = f"{where} AND NOT coalesce({sure}, 0)", [*params, *sure_params]
    return (f"{where} AND {sure}", [*params, *sure_params]), \
        [(f"{doubt} AND {part}", [*doubt_params, *values]) for part, values in _doubt_ranges(q)]


def _doubt_ranges(q: MetadataQuery) -> list[tuple[str, list]]:
    """Date ranges that together hold every row not surely in (inside the widened range): no UTC
    date; a UTC day d[:10] <= low, so before the day after low; d[:10] >= high, so from high on."""
    low, high = surely_inside(q.filters)
    wide = widened(q.filters)
    try:
        after_low = "0001" if low == "0000" else (date.fromisoformat(low) + timedelta(days=1)).isoformat()
    except ValueError:  # a bound that is not a day: no split
        return [("1", [])]
    first = [("d.date >= ?", [wide.after])] if wide.after else []
    last = [("d.date < ?", [wide.before])] if wide.before else []
    return [("d.date IS NULL", []), _range(first + [("d.date < ?", [after_low])]),
            _range([("d.date >= ?", [max(high, after_low)])] + last)]


def _range(bounds: list[tuple[str, list]]) -> tuple[str, list]:
    return " AND ".join(b for b, _ in bounds), [v for _, values in bounds for v in values]


def _doubtful(conn, q: MetadataQuery, parts: list[tuple[str, list]], columns: str) -> list[dict]:
    """The rows in doubt whose calendar day is in range."""
    rows = [r for where, params in parts
            for r in execute_readonly(conn, f"SELECT {columns} FROM documents d WHERE {where}", params)]
    return [r for r in rows if in_days(r, q.filters, q.calendar)]


def _sql_order(row: dict) -> tuple:
    """SQLite's ORDER BY d.date, d.id: no date first."""
    return (row["date"] is not None, row["date"] or "", row["id"])


def count_first(conn, q: MetadataQuery, first: int) -> tuple[int, list[dict]]:
    """(the number of rows run_query returns for list query q, its first `first` rows). The rows
    in doubt are read from the date index alone (it holds the Date header); the whole row only
    for those among the first."""
    assert q.select == Select.LIST and not q.title_words
    (sure, sure_params), doubt = _parts(q)
    n = execute_readonly(conn, f"SELECT count(*) AS n FROM documents d WHERE {sure}", sure_params)[0]["n"]
    rows = execute_readonly(conn, f"SELECT {ROW_COLUMNS} FROM documents d WHERE {sure}{ORDER} LIMIT ?",
                            [*sure_params, int(first)])
    more = _doubtful(conn, q, doubt, "d.id, d.date, d.date_raw")
    chosen = sorted(rows + more, key=_sql_order)[:first]
    whole = {r["id"]: r for r in execute_readonly(
        conn, f"SELECT {ROW_COLUMNS} FROM documents d WHERE d.id IN (SELECT value FROM json_each(?))",
        [json.dumps([r["id"] for r in chosen if r not in rows])])}
    return n + len(more), [whole.get(r["id"], r) for r in chosen]


def sender_pairs(conn, q: MetadataQuery) -> list[dict]:
    """(address in lower case, name, rows, first id) of each pair the rows of list query q have,
    first seen first: what a count over its rows by sender (people_of) gives, grouped in SQL."""
    assert q.select == Select.LIST and not q.title_words
    (sure, sure_params), doubt = _parts(q)
    pairs: dict[tuple, dict] = {}
    # grouped as the sender index (sender, name, kind, date) orders them: a whole archive is read
    # from the index alone (a million emails grouped from the table took 6 s)
    for r in execute_readonly(conn, f"SELECT {PAIR}, count(*) AS n, min(d.id) AS first, d.sender AS raw "
                                    f"FROM documents d WHERE {sure} GROUP BY d.sender, d.sender_name",
                              sure_params):
        _add(pairs, r, r["n"])
    for r in _doubtful(conn, q, doubt, f"d.id AS first, d.date, d.date_raw, {PAIR}, d.sender AS raw"):
        _add(pairs, r, 1)
    return sorted(pairs.values(), key=lambda p: p["first"])


def _add(pairs: dict, row: dict, n: int) -> None:
    pair = pairs.setdefault((row["address"], row["name"]), {
        "address": row["address"], "name": row["name"], "n": 0, "first": row["first"], "raw": set()})
    pair["n"] += n
    pair["first"] = min(pair["first"], row["first"])
    pair["raw"].add(row["raw"])


def first_ids(conn, q: MetadataQuery, pairs: list[dict], first: int) -> list[int]:
    """The smallest `first` ids among the rows of list query q sent by one of `pairs`."""
    if not pairs:
        return []
    (sure, sure_params), doubt = _parts(q)
    raws = sorted({r for p in pairs for r in p["raw"] if r is not None})
    wanted = {(p["address"], p["name"]) for p in pairs}
    by = "(d.sender IN (SELECT value FROM json_each(?))" + \
        (" OR d.sender IS NULL)" if any(None in p["raw"] for p in pairs) else ")")
    ids = [r["first"] for r in execute_readonly(
        conn, f"SELECT d.id AS first, {PAIR} FROM documents d WHERE {sure} AND {by} ORDER BY d.id",
        [*sure_params, json.dumps(raws)]) if (r["address"], r["name"]) in wanted]
    ids += [r["first"] for r in _doubtful(conn, q, [(f"{where} AND {by}", [*params, json.dumps(raws)])
                                                    for where, params in doubt],
                                          f"d.id AS first, d.date, d.date_raw, {PAIR}")
            if (r["address"], r["name"]) in wanted]
    return sorted(ids)[:first]
