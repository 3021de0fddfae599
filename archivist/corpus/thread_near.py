"""Which stored threads new mail can change, found from the new mail outward (corpus/threads.py's
rules read backwards), so that threading a few new emails reads a few threads, not their whole
subject groups and every thread those reach (a million emails: 185k emails read for 100 new).

A stored email's links change only towards new mail: its subject parent becomes a new email that
its quoted header or a shared participant names and that comes later than its old parent; its
renamed-subject parent likewise; a quoted header's first sender (the star of replies to one absent
original) becomes a new email, whose thread is joined anyway; a header reference is answered by
a new Message-ID. So the threads to thread again are those of: each new email's own links (its
subject parent, the replies with its quoted header, its renamed parent, what its header ids name
or are named by), and the later emails of its subject whose parent it can be. Threading those
threads with the new mail gives what a rebuild gives (tests/test_thread_update.py).
"""
from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime
from typing import NamedTuple

from archivist.corpus.thread_keys import store_quotes
from archivist.corpus.threads import (OVERLAP_WINDOW, QUOTE_WINDOW, SENT_SLACK, Mail, QuotedHeader,
                                      find_parent, find_quoted, load_mails, mail_of, parse_date, stored_quote)
from archivist.store.documents import EACH, first_column

Quotes = dict[int, QuotedHeader]


class Row(NamedTuple):
    """A stored email of a subject group as read without its text."""
    id: int
    date: datetime
    known: bool  # its quoted header is stored (read from the text once)
    quote: QuotedHeader | None
    title: str | None
    sender: str | None
    name: str | None


def in_group(mail: Mail) -> bool:
    """Whether link_by_subject puts the mail in its subject group."""
    return bool(mail.subject) and mail.date is not None and not mail.ids


def affected_threads(store, fresh: dict[int, Mail], quotes: Quotes) -> set[int]:
    """The stored threads the new emails `fresh` (with their quoted headers) can change."""
    threads = _header_threads(store, fresh.values())
    by_subject: dict[str, list[Mail]] = defaultdict(list)
    for mail in fresh.values():
        if in_group(mail):
            by_subject[mail.subject].append(mail)
    near = {subject: [row for row in _group(store, subject) if _near(row, news, quotes)]
            for subject, news in by_subject.items()}
    mails, quotes = _group_mails(store, near, by_subject, quotes)
    touched = [i for subject, news in by_subject.items()
               for i in _subject_links(news, [mails[row.id] for row in near[subject]], quotes)]
    return threads | _thread_of(store, touched) | _renamed_threads(store, by_subject, quotes)


def _thread_of(store, ids) -> set[int]:
    return set(first_column(store.conn, f"SELECT DISTINCT thread_id FROM documents WHERE id IN {EACH} "
                                        "AND thread_id IS NOT NULL", set(ids)))


def _header_threads(store, fresh) -> set[int]:
    """Threads of the emails a new email's ids name, of those citing the same ids, and of those
    with or citing its own Message-ID."""
    refs = {r for mail in fresh for r in mail.ids}
    refs |= set(first_column(store.conn, f"SELECT message_id FROM documents WHERE id IN {EACH} "
                                         "AND message_id IS NOT NULL", {m.id for m in fresh}))
    named = first_column(store.conn, "SELECT id FROM documents WHERE kind = 'email' AND message_id IN "
                                     f"{EACH}", refs)
    citing = first_column(store.conn, f"SELECT doc_id FROM mail_refs WHERE ref IN {EACH}", refs)
    return _thread_of(store, [*named, *citing])


def _group(store, subject: str) -> list[Row]:
    """The stored emails in a subject's group (a date, no header ids)."""
    rows = store.conn.execute(
        "SELECT d.id, d.date, d.in_reply_to, d.refs, k.quote, k.quote_subject, d.title, d.sender, "
        "d.sender_name FROM documents d LEFT JOIN mail_keys k ON k.doc_id = d.id WHERE d.kind = 'email' "
        "AND d.norm_subject = ? AND d.thread_id IS NOT NULL", (subject,))
    out = []
    for i, date, reply_to, refs, quote, quoted, title, sender, name in rows:
        when = parse_date(date)
        if when is not None and not f"{reply_to or ''}{refs or ''}".split():
            out.append(Row(i, when, quote is not None, stored_quote(quote, quoted) if quote else None,
                           title, sender, name))
    return out


def _near(row: Row, news: list[Mail], quotes: Quotes) -> bool:
    """Whether a stored group member can be a new email's parent, partner or child, judged by its
    date and stored quoted header (one not read yet: always)."""
    if not row.known:
        return True
    quote = row.quote
    for mail in news:
        own = quotes.get(mail.id)
        if abs(row.date - mail.date) <= QUOTE_WINDOW or (own and own.sent
                                                          and abs(row.date - own.sent) <= SENT_SLACK):
            return True
        same_original = own is not None and (quote and (quote.surname, quote.sent) == (own.surname, own.sent))
        if quote and quote.sent and (abs(quote.sent - mail.date) <= SENT_SLACK or same_original):
            return True
    return False


def _group_mails(store, near: dict[str, list[Row]], by_subject: dict[str, list[Mail]],
                 quotes: Quotes) -> tuple[dict[int, Mail], Quotes]:
    """The near stored emails as threading reads them: read whole when their quoted header is not
    stored yet (then stored), else made from the row; their participants only where a shared-
    participant link can reach (within OVERLAP_WINDOW of a new email of the subject), and only
    the new emails' senders among them, the one thing such a link asks of a stored email's."""
    mails, found, _ = _loaded(store, [row.id for rows in near.values() for row in rows if not row.known])
    quotes = {**quotes, **found}
    sharing = []
    for subject, rows in near.items():
        for row in (row for row in rows if row.known):
            mails[row.id] = mail = mail_of(row.id, row.title, subject, row.sender, row.name, row.date, [])
            if row.quote:
                quotes[row.id], mail.is_reply = row.quote, True
            if any(abs(row.date - new.date) <= OVERLAP_WINDOW for new in by_subject[subject]):
                sharing.append(row.id)
    senders = sorted({new.sender for news in by_subject.values() for new in news if new.sender})
    people = store.conn.execute(f"SELECT doc_id, address FROM participants WHERE doc_id IN {EACH} "
                                f"AND address IN {EACH}", (json.dumps(sorted(sharing)), json.dumps(senders)))
    for doc_id, address in people:
        mails[doc_id].people.add(address)
    return mails, quotes


def _subject_links(news: list[Mail], near: list[Mail], quotes: Quotes) -> list[int]:
    """The stored emails of a subject group (those `near` the new ones) that new emails join or
    change: each one's parent, the replies to the same absent original, and the later emails
    whose parent a new one can become."""
    stored = sorted(near, key=lambda m: (m.date, m.id))
    touched = []
    for mail in news:
        own = quotes.get(mail.id)
        earlier = [m for m in stored if (m.date, m.id) < (mail.date, mail.id)]
        parent = find_parent(mail, own, earlier) if mail.is_reply else None
        touched += [parent.id] if parent is not None else []
        touched += [m.id for m in stored if own and own.surname and own.sent and m.id in quotes
                    and (quotes[m.id].surname, quotes[m.id].sent) == (own.surname, own.sent)]
        touched += [m.id for m in stored if (m.date, m.id) > (mail.date, mail.id) and m.is_reply
                    and find_parent(m, quotes.get(m.id), [mail]) is not None]
    return touched


def _renamed_threads(store, by_subject: dict[str, list[Mail]], quotes: Quotes) -> set[int]:
    """Threads of a new email's renamed parent (the stored email its quoted header names under
    another subject), and of the stored emails whose quoted header names a new one that way."""
    touched = []
    for news in by_subject.values():
        for mail in news:
            quote = quotes.get(mail.id)
            if quote and quote.sent and quote.subject and quote.subject != mail.subject:
                touched += _renamed_parent(store, mail, quote)
    naming = first_column(store.conn, "SELECT k.doc_id FROM mail_keys k JOIN documents d ON d.id = k.doc_id "
                                      f"WHERE k.quote_subject IN {EACH} AND d.thread_id IS NOT NULL "
                                      "AND coalesce(d.norm_subject, '') != k.quote_subject", set(by_subject))
    mails, found, _ = _loaded(store, naming)
    for other in mails.values():
        quote = found.get(other.id)
        if in_group(other) and quote and quote.sent and quote.subject != other.subject and any(
                mail.date <= other.date and find_quoted(other, quote, [mail])
                for mail in by_subject.get(quote.subject, [])):
            touched.append(other.id)
    return _thread_of(store, touched)


def _loaded(store, ids: list[int]) -> tuple[dict[int, Mail], Quotes, dict]:
    """load_mails, keeping the quoted headers it had to read from the text."""
    mails, found, by_msgid = load_mails(store, sorted(ids))
    store_quotes(store, mails, found)
    return mails, found, by_msgid


def _renamed_parent(store, mail: Mail, quote: QuotedHeader) -> list[int]:
    """The stored email of the quoted subject's group that find_quoted names for `mail`."""
    rows = [r for r in _group(store, quote.subject)
            if r.date <= mail.date and abs(r.date - quote.sent) <= SENT_SLACK]
    if not rows:
        return []
    mails, _, _ = _loaded(store, [r.id for r in rows])
    earlier = sorted(mails.values(), key=lambda m: (m.date, m.id))
    parent = find_quoted(mail, quote, earlier)
    return [parent.id] if parent is not None else []
