"""Thread rows written: every thread (a rebuild) or the threads an update replaces."""
from __future__ import annotations

import json
from collections import Counter
from datetime import datetime

from archivist.corpus.thread_keys import write_keys
from archivist.corpus.threads import Mail, QuotedHeader, link_all, load_mails, utc


def write_threads(store, groups, mails: dict[int, Mail], quotes: dict[int, QuotedHeader],
                  replace: list[int] | None = None) -> None:
    """Replace the threads table (or only the threads `replace`), the thread_id / thread_pos of
    the emails in `groups` and the lookup keys of `mails`, in one transaction."""
    far = datetime.max
    thread_rows, doc_rows = [], []
    roots = json.dumps([min(g, key=lambda m: (m.date or far, m.id)).id for g in groups])
    subjects = dict(store.conn.execute(
        "SELECT id, title FROM documents WHERE id IN (SELECT value FROM json_each(?))", (roots,)))
    for group in groups:
        group.sort(key=lambda m: (m.date or far, m.id))
        root = group[0]
        dates = [m.date for m in group if m.date is not None]
        # sorted: ties among the 50 most common keep one order in every run (sets do not)
        people = Counter(p for m in group for p in sorted(m.people))
        thread_rows.append((root.id, subjects.get(root.id), root.id, len(group),
                            utc(min(dates)) if dates else None, utc(max(dates)) if dates else None,
                            json.dumps([p for p, _ in people.most_common(50)])))
        doc_rows.extend((root.id, pos, m.id) for pos, m in enumerate(group))
    with store.conn:
        if replace is None:
            store.conn.execute("DELETE FROM threads")
        else:
            store.conn.execute("DELETE FROM threads WHERE id IN (SELECT value FROM json_each(?))",
                               (json.dumps(replace),))
        write_keys(store, mails, quotes, everything=replace is None)
        store.conn.executemany("INSERT INTO threads (id, subject, root_doc_id, n_docs, first_date, "
                               "last_date, participants) VALUES (?, ?, ?, ?, ?, ?, ?)", thread_rows)
        store.conn.executemany("UPDATE documents SET thread_id = ?, thread_pos = ? WHERE id = ?",
                               doc_rows)


def rebuild_threads(store) -> int:
    """Recompute every email's thread and thread position; returns the number of threads."""
    mails, quotes, by_msgid = load_mails(store)
    groups = link_all(mails, quotes, by_msgid)
    write_threads(store, groups, mails=mails, quotes=quotes)
    return len(groups)
