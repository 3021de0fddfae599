"""Thread rows written: every thread (a rebuild), the threads an update replaces, or only those
whose emails or row differ from what is stored (an update that found little changed)."""
from __future__ import annotations

import json
from collections import Counter
from datetime import datetime

from archivist.corpus.thread_keys import write_keys
from archivist.corpus.threads import Mail, QuotedHeader, link_all, load_mails, utc


INSERT_THREAD = ("INSERT INTO threads (id, subject, root_doc_id, n_docs, first_date, last_date, "
                 "participants) VALUES (?, ?, ?, ?, ?, ?, ?)")
SET_THREAD = "UPDATE documents SET thread_id = ?, thread_pos = ? WHERE id = ?"


def thread_rows(store, groups) -> tuple[list[tuple], list[tuple]]:
    """The threads rows of `groups` and each email's (thread id, position, id); sorts each group,
    its root first (a thread's id is its root's)."""
    far = datetime.max
    rows, doc_rows = [], []
    roots = json.dumps([min(g, key=lambda m: (m.date or far, m.id)).id for g in groups])
    subjects = dict(store.conn.execute(
        "SELECT id, title FROM documents WHERE id IN (SELECT value FROM json_each(?))", (roots,)))
    for group in groups:
        group.sort(key=lambda m: (m.date or far, m.id))
        root = group[0]
        dates = [m.date for m in group if m.date is not None]
        # sorted: ties among the 50 most common keep one order in every run (sets do not)
        people = Counter(p for m in group for p in sorted(m.people))
        rows.append((root.id, subjects.get(root.id), root.id, len(group),
                     utc(min(dates)) if dates else None, utc(max(dates)) if dates else None,
                     json.dumps([p for p, _ in people.most_common(50)])))
        doc_rows.extend((root.id, pos, m.id) for pos, m in enumerate(group))
    return rows, doc_rows


def write_threads(store, groups, mails: dict[int, Mail], quotes: dict[int, QuotedHeader],
                  replace: list[int] | None = None) -> None:
    """Replace the threads table (or only the threads `replace`), the thread_id / thread_pos of
    the emails in `groups` and the lookup keys of `mails`, in one transaction."""
    rows, doc_rows = thread_rows(store, groups)
    with store.conn:
        if replace is None:
            store.conn.execute("DELETE FROM threads")
        else:
            store.conn.execute("DELETE FROM threads WHERE id IN (SELECT value FROM json_each(?))",
                               (json.dumps(replace),))
        write_keys(store, mails, quotes, everything=replace is None)
        store.conn.executemany(INSERT_THREAD, rows)
        store.conn.executemany(SET_THREAD, doc_rows)


def write_changed(store, groups, stored: set[int]) -> set[int]:
    """Write the threads of `groups` (which hold every email of the stored threads `stored`) where
    they differ from what is stored: rows, emails' thread and position, threads gone. Returns the
    ids of the threads whose emails changed or that came or went (their units are made again)."""
    rows, doc_rows = thread_rows(store, groups)
    before = {i: (t, p) for i, t, p in store.conn.execute(
        "SELECT id, thread_id, thread_pos FROM documents WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps([i for _, _, i in doc_rows]),))}
    moved = [(t, p, i) for t, p, i in doc_rows if before.get(i) != (t, p)]
    old_rows = {r[0]: tuple(r) for r in store.conn.execute(
        "SELECT id, subject, root_doc_id, n_docs, first_date, last_date, participants FROM threads "
        "WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(sorted(stored | {r[0] for r in rows})),))}
    gone = stored - {r[0] for r in rows}
    with store.conn:
        store.conn.execute("DELETE FROM threads WHERE id IN (SELECT value FROM json_each(?))",
                           (json.dumps(sorted(gone)),))
        store.conn.executemany(INSERT_THREAD.replace("INSERT", "INSERT OR REPLACE", 1),
                               [r for r in rows if old_rows.get(r[0]) != r])
        store.conn.executemany(SET_THREAD, moved)
    left = {before[i][0] for _, _, i in moved if before[i][0] is not None}
    return gone | left | {t for t, _, _ in moved}


def rebuild_threads(store) -> int:
    """Recompute every email's thread and thread position; returns the number of threads."""
    mails, quotes, by_msgid = load_mails(store)
    groups = link_all(mails, quotes, by_msgid)
    write_threads(store, groups, mails=mails, quotes=quotes)
    return len(groups)
