"""Counts and sender tallies counted in SQL (agent/strategies/counting.py) are run_query's own: the
same number, the same first rows and the same per-sender tallies, with the calendar day read at
the ends of the range, emails with no UTC date, offsets that move the day, and no bounds."""
from __future__ import annotations

import random
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest

from archivist.agent.strategies.counting import count_first, first_ids, sender_pairs
from archivist.agent.strategies.metadata import Calendar, MetadataQuery, Select, run_query
from archivist.records import Filters
from archivist.store.documents import people_of

SENDERS = [("ann@x.com", "Ann"), ("Ann@X.com", "Ann Lee"), ("bob@x.com", ""), ("cy@y.org", "Cy"),
           (None, None)]


def fill(store, n: int = 400, seed: int = 7) -> None:
    """Emails around the turn of May 2001 with offsets from -12 h to +14 h, some with only a
    Date header (no UTC date) or an unreadable one."""
    rng = random.Random(seed)
    rows = []
    for i in range(1, n + 1):
        utc = datetime(2001, 4, 27, tzinfo=timezone.utc) + timedelta(minutes=rng.randrange(60 * 24 * 40))
        offset = timedelta(hours=rng.choice([-12, -7, -5, 0, 2, 9, 14]))
        raw = (utc + offset).strftime("%a, %d %b %Y %H:%M:%S ") + ("-" if offset < timedelta(0) else "+") + \
            f"{abs(int(offset.total_seconds())) // 3600:02d}00"
        date = utc.isoformat()
        if i % 37 == 0:
            date = None  # a header year the UTC date refused
        if i % 53 == 0:
            raw = "sometime in May"
        sender, name = rng.choice(SENDERS)
        rows.append((i, f"h{i}", sender, name, date, raw))
    store.conn.executemany(
        "INSERT INTO documents (id, content_hash, kind, title, sender, sender_name, date, date_raw, body) "
        "VALUES (?, ?, 'email', 'x', ?, ?, ?, ?, 'body')", rows)
    store.conn.commit()


FILTERS = [Filters(kind="email", after="2001-05-01", before="2001-06-01"),
           Filters(kind="email", after="2001-05-01", before="2001-05-02"),
           Filters(kind="email", after="2001-04-30", before="2001-05-03", sender="ann@x.com"),
           Filters(kind="email", before="2001-05-10"), Filters(kind="email", after="2001-05-20"),
           Filters(kind="email"), Filters(kind="email", after="2001-07-01", before="2001-08-01")]


@pytest.mark.parametrize("f", FILTERS)
@pytest.mark.parametrize("calendar", [Calendar.LOCAL, Calendar.EITHER, Calendar.UTC])
def test_counts_and_first_rows_are_run_querys(store, f, calendar):
    fill(store)
    q = MetadataQuery(Select.LIST, f, calendar=calendar)
    rows = run_query(store.conn, q).rows
    n, first = count_first(store.conn, q, 5)
    assert n == len(rows)
    assert first == rows[:5]


@pytest.mark.parametrize("f", FILTERS)
def test_sender_tallies_are_a_count_over_every_row(store, f):
    fill(store)
    q = MetadataQuery(Select.LIST, f, calendar=Calendar.LOCAL)
    ids = [r["id"] for r in run_query(store.conn, q).rows]
    people = people_of(store, ids)  # what the ranking read: one (id, address, name) a row, id order
    pairs = sender_pairs(store.conn, q)
    assert [(p["address"], p["name"]) for p in pairs] == list(dict.fromkeys((a, n) for _, a, n in people))
    assert {(p["address"], p["name"]): p["n"] for p in pairs} == Counter((a, n) for _, a, n in people)
    for p in pairs:
        mine = sorted(d for d, a, n in people if (a, n) == (p["address"], p["name"]))
        assert p["first"] == mine[0]
        assert first_ids(store.conn, q, [p], 3) == mine[:3]
    assert first_ids(store.conn, q, pairs, 4) == sorted(ids)[:4]
