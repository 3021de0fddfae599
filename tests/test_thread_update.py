"""Incremental threading gives the threads a rebuild of every thread gives: mail added in batches
(replies by header, by subject and quoted header, renamed subjects, forwards, out-of-order
arrivals) and mail removed at its source, compared after each step with rebuild_threads."""
from __future__ import annotations

import os
import random
import sqlite3
from datetime import datetime, timedelta

import pytest

from archivist.corpus.ingest import ingest_paths
from archivist.corpus.thread_write import rebuild_threads
from archivist.store import Store
from tests.conftest import shared_path

PEOPLE = [("Ann Lee", "ann@x.org"), ("Bob Ray", "bob@x.org"), ("Cy Dee", "cy@y.org"),
          ("Di Fox", "di@y.org")]
SUBJECTS = [f"{word} {n}" for word in ("budget", "pipeline", "Q3 plan", "lunch", "contract")
            for n in range(12)]


def mail(i: int, rng: random.Random, base: datetime) -> str:
    """Message i: an original, a header reply, a subject reply quoting an earlier one, or a rename."""
    (name, addr), (_, to) = rng.sample(PEOPLE, 2)
    date = base + timedelta(hours=i * 7 + rng.randint(0, 5))
    subject, extra, body = rng.choice(SUBJECTS), "", f"Message {i} text."
    kind = rng.random()
    if kind < 0.25 and i > 3:
        extra = f"In-Reply-To: <m{rng.randrange(i + 5)}@x.org>\n"  # maybe one not ingested yet
        subject = "Re: " + subject
    elif kind < 0.7 and i > 0:
        q_name = rng.choice(PEOPLE)[0]
        sent = date - timedelta(hours=rng.choice([3, 7, 30]))
        quoted_subject = rng.choice(SUBJECTS) if rng.random() < 0.2 else subject
        subject = rng.choice(["RE: ", "FW: "]) + subject
        body += (f"\n\n -----Original Message-----\nFrom: {q_name}\n"
                 f"Sent: {sent.strftime('%A, %B %d, %Y %I:%M %p')}\nTo: {to}\n"
                 f"Subject: {quoted_subject}\n\nEarlier text.")
    return (f"From {addr} {date.strftime('%a %b %d %H:%M:%S %Y')}\nFrom: {name} <{addr}>\n"
            f"To: {to}\nSubject: {subject}\nDate: {date.strftime('%a, %d %b %Y %H:%M:%S')} +0000\n"
            f"Message-ID: <m{i}@x.org>\n{extra}\n{body}\n\n")


def snapshot(conn: sqlite3.Connection) -> tuple:
    return (conn.execute("SELECT id, thread_id, thread_pos FROM documents ORDER BY id").fetchall(),
            conn.execute("SELECT * FROM threads ORDER BY id").fetchall())


def assert_same_as_rebuild(store: Store) -> None:
    incremental = snapshot(store.conn)
    with store.writing():
        rebuild_threads(store)
    assert snapshot(store.conn) == incremental


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_batches_thread_as_a_rebuild_does(tmp_path, seed, monkeypatch):
    from archivist.corpus import thread_update
    # a small archive: a batch reaches over half of it, which is threaded whole unless told not to
    monkeypatch.setattr(thread_update, "WHOLE_SHARE", 2.0)
    rng = random.Random(seed)
    base = datetime(2001, 5, 1)
    texts = [mail(i, rng, base) for i in range(240)]
    order = list(range(240))
    rng.shuffle(order)  # arrivals out of date order: a later batch holds earlier parents
    with Store(tmp_path / "a.db") as store:
        for b, start in enumerate(range(0, 240, 20)):
            box = tmp_path / f"batch{b}.mbox"
            box.write_text("".join(texts[i] for i in sorted(order[start:start + 20])))
            ingest_paths(store, [box])
            assert_same_as_rebuild(store)
        assert store.scalar("SELECT count(*) FROM threads") < 200  # threads were made
        box = tmp_path / "batch0.mbox"  # removal: the first batch loses half its messages
        kept = [t for t in box.read_text().split("\n\nFrom ") if t]
        box.write_text("\n\nFrom ".join(kept[::2]))
        os.utime(box, (1e9, 1e9))
        summary = ingest_paths(store, [tmp_path])
        assert summary.left > 0
        assert_same_as_rebuild(store)


def test_a_store_without_lookup_keys_is_threaded_whole(tmp_path):
    rng = random.Random(5)
    box = tmp_path / "a.mbox"
    box.write_text("".join(mail(i, rng, datetime(2001, 5, 1)) for i in range(30)))
    with Store(tmp_path / "a.db") as store:
        ingest_paths(store, [box])
        with store.conn:  # a store threaded before the keys existed
            store.conn.execute("DELETE FROM mail_keys")
            store.conn.execute("DELETE FROM index_meta WHERE key = 'mail_keys'")
        more = tmp_path / "b.mbox"
        more.write_text(mail(30, rng, datetime(2001, 5, 1)))
        ingest_paths(store, [more])
        assert store.scalar("SELECT count(*) FROM mail_keys") == 31
        assert_same_as_rebuild(store)


def test_whole_enron_one_mailbox_more_threads_as_a_rebuild(tmp_path):
    folder = shared_path("enron", "mbox")
    if not folder.exists():
        pytest.skip("needs ../shared/data/enron (not in the repo)")
    boxes = sorted(folder.glob("*.mbox.gz"))
    with Store(tmp_path / "e.db") as store:
        ingest_paths(store, boxes[:-1])
        ingest_paths(store, boxes[-1:])
        assert_same_as_rebuild(store)
