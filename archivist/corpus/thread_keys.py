"""What incremental threading looks emails up by, kept in mail_keys and mail_refs beside the
threads (corpus/thread_update.py): each email's quoted subject and quoted header (its sender's
surname and date: '' when it quotes none, NULL when not read yet) and its In-Reply-To and
References ids. Written with every thread write; a header read later is kept by store_quotes.
"""
from __future__ import annotations

import json

from archivist.corpus.threads import KEYS_KEY, Mail, QuotedHeader, quote_value


def key_rows(mails: dict[int, Mail], quotes: dict[int, QuotedHeader]) -> tuple[list, list]:
    """mail_keys and mail_refs rows of `mails` (what thread_update.py looks up)."""
    keys = [(m.id, quotes[m.id].subject if m.id in quotes else "", quote_value(quotes.get(m.id)))
            for m in mails.values()]
    refs = [(ref, m.id) for m in mails.values() for ref in dict.fromkeys(m.ids)]
    return keys, refs


def write_keys(store, mails: dict[int, Mail], quotes: dict[int, QuotedHeader],
               everything: bool = False) -> None:
    """Replace the mail_keys and mail_refs rows of `mails` (of every email with `everything`)."""
    keys, refs = key_rows(mails, quotes)
    conn = store.conn
    if everything:
        conn.execute("DELETE FROM mail_keys")
        conn.execute("DELETE FROM mail_refs")
        conn.execute("INSERT OR REPLACE INTO index_meta (key, value) VALUES (?, 'complete')",
                      (KEYS_KEY,))
    else:
        ids = json.dumps(list(mails))
        conn.execute("DELETE FROM mail_keys WHERE doc_id IN (SELECT value FROM json_each(?))", (ids,))
        conn.execute("DELETE FROM mail_refs WHERE doc_id IN (SELECT value FROM json_each(?))", (ids,))
    conn.executemany("INSERT INTO mail_keys (doc_id, quote_subject, quote) VALUES (?, ?, ?)", keys)
    conn.executemany("INSERT INTO mail_refs (ref, doc_id) VALUES (?, ?)", refs)


def store_quotes(store, mails: dict[int, Mail], quotes: dict[int, QuotedHeader]) -> None:
    """Keep the quoted headers of `mails` in their mail_keys rows where none is kept yet."""
    store.conn.executemany("UPDATE mail_keys SET quote = ? WHERE doc_id = ? AND quote IS NULL",
                           [(quote_value(quotes.get(i)), i) for i in mails])


