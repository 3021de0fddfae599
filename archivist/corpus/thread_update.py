"""Incremental threading: after an ingest, only the emails its new or departed messages can reach
are threaded again, with the same result as rebuilding every thread (tests/test_thread_update.py
and tests/test_thread_near.py compare the two).

New mail alone is threaded with the stored threads it can change (thread_near.py), and only the
threads that come out different are written. When mail left, a message's thread depends on its
subject group (replies join earlier same-subject messages), the group its quoted header names (a
reply that changed the subject), and the messages its In-Reply-To / References name or that name
the same ids. So the set read again starts at the new emails (those without a thread) and the
thread mates of departed ones, and grows until closed under: the whole subject group of each
member, the group its quoted header names, the replies whose quoted header names a member's
group, every message of a member's old thread, and every message sharing a header id with a
member. Links never leave a closed set, so threading it alone gives the rebuild's threads for it,
and every thread outside it is unchanged.
The lookups need mail_keys / mail_refs (written by every thread write); a store without them, or a
set over half the emails, is threaded whole.
"""
from __future__ import annotations

import json

from archivist.corpus.thread_keys import store_quotes, write_keys
from archivist.corpus.thread_near import affected_threads
from archivist.corpus.thread_write import rebuild_threads, write_changed, write_threads
from archivist.corpus.threads import KEYS_KEY, link_all, load_mails
from archivist.store.counts import kept_count
from archivist.store.documents import EACH, first_column

WHOLE_SHARE = 0.5  # a closed set over this share of the emails: rebuild every thread instead


def keys_complete(store) -> bool:
    """Every threaded email has its lookup keys (else an incremental update could miss a link):
    a whole rebuild writes them all and records so; every later thread write keeps them."""
    return store.scalar("SELECT value FROM index_meta WHERE key = ?", (KEYS_KEY,)) == "complete"


def _ids(store, sql: str, values: set) -> set[int]:
    """The ids `sql` finds for `values` (store/documents.first_column), as a set."""
    return set(first_column(store.conn, sql, values))


def _reach(store, frontier: set[int]) -> set[int]:
    """The emails one step from `frontier`: its subject groups, named groups, old threads, ids."""
    subjects, threads, refs = set(), set(), set()
    for subject, quoted, thread, msgid, reply_to, more in store.conn.execute(
            "SELECT d.norm_subject, coalesce(k.quote_subject, ''), d.thread_id, d.message_id, "
            "d.in_reply_to, d.refs FROM documents d LEFT JOIN mail_keys k ON k.doc_id = d.id "
            f"WHERE d.id IN {EACH} AND d.kind = 'email'", (json.dumps(sorted(frontier)),)):
        subjects |= {s for s in (subject, quoted) if s}
        threads |= {thread} if thread is not None else set()
        refs |= {x for x in [msgid or "", *(reply_to or "").split(), *(more or "").split()] if x}
    found = _ids(store, f"SELECT id FROM documents WHERE kind = 'email' AND norm_subject IN {EACH}",
                 subjects)
    found |= _ids(store, f"SELECT doc_id FROM mail_keys WHERE quote_subject IN {EACH}", subjects)
    found |= _ids(store, f"SELECT id FROM documents WHERE thread_id IN {EACH}", threads)
    found |= _ids(store, f"SELECT id FROM documents WHERE kind = 'email' AND message_id IN {EACH}",
                  refs)
    found |= _ids(store, f"SELECT doc_id FROM mail_refs WHERE ref IN {EACH}", refs)
    return found


def closed_set(store, seeds: set[int], limit: int) -> set[int] | None:
    """The emails reachable from `seeds` (None once more than `limit`)."""
    reached, frontier = set(seeds), set(seeds)
    while frontier:
        frontier = _reach(store, frontier) - reached
        reached |= frontier
        if len(reached) > limit:
            return None
    return reached


def update_threads(store, seeds: set[int], departed_threads: set[int] = frozenset()) -> tuple[int, set[int]]:
    """Thread again what `seeds` (new emails, thread mates of departed ones) reach; returns the
    number of threads and the ids of the threads written or removed (for their units). New mail
    alone is threaded with the threads it can change (thread_near.py); mail that left, with the
    closed set of what its thread mates reach."""
    emails = kept_count(store.conn, "kind:email")
    if not keys_complete(store):
        return _whole(store)
    fresh = [r[0] for r in store.conn.execute(  # new emails: their keys first, so lookups find them
        "SELECT id FROM documents WHERE kind = 'email' AND thread_id IS NULL")]
    new_mails, new_quotes, _ = load_mails(store, fresh)
    with store.conn:
        write_keys(store, new_mails, new_quotes)
    limit = int(emails * WHOLE_SHARE)
    if not (seeds or departed_threads):
        return _near(store, new_mails, new_quotes, limit)
    seeds = set(seeds) | set(fresh)
    members = closed_set(store, seeds, limit) if len(seeds) <= limit else None
    if members is None:  # a first ingest, or new mail reaching most of the archive
        return _whole(store)
    mails, quotes, by_msgid = load_mails(store, sorted(members))
    old = _ids(store, f"SELECT DISTINCT thread_id FROM documents WHERE id IN {EACH} "
               "AND thread_id IS NOT NULL", members) | set(departed_threads)
    groups = link_all(mails, quotes, by_msgid)
    write_threads(store, groups, mails, quotes, replace=sorted(old))
    new = {g[0].id for g in groups}  # write_threads sorted each group: its root first
    return kept_count(store.conn, "threads"), old | new


def _near(store, fresh: dict, quotes: dict, limit: int) -> tuple[int, set[int]]:
    """New mail threaded with the stored threads it can change; only what differs is written."""
    stored = affected_threads(store, fresh, quotes)
    members = set(fresh) | _ids(store, f"SELECT id FROM documents WHERE thread_id IN {EACH}", stored)
    if len(members) > limit:  # a first ingest, or new mail reaching most of the archive
        return _whole(store)
    mails, quotes, by_msgid = load_mails(store, sorted(members))
    store_quotes(store, mails, quotes)
    changed = write_changed(store, link_all(mails, quotes, by_msgid), stored)
    return kept_count(store.conn, "threads"), changed


def _whole(store) -> tuple[int, set[int]]:
    n = rebuild_threads(store)
    return n, set()
