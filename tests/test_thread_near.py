"""New mail threaded with only the stored threads it can change (corpus/thread_near.py) gives what a
rebuild of every thread gives, where the rules reach furthest: dense subject groups over a year
(the 14- and 90-day windows), replies quoting an original months older, many replies to one
absent original, replies naming no one (a shared participant links them), renamed subjects,
header ids, batches out of date order, and stores whose quoted headers are not stored yet (a
store migrated from before they were)."""
from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest

from archivist.corpus.ingest import ingest_paths
from archivist.corpus.thread_write import rebuild_threads
from archivist.store import Store

PEOPLE = [("Ann Lee", "ann@x.org"), ("Bob Ray", "bob@x.org"), ("Cy Dee", "cy@y.org"), ("Di Fox", "di@y.org"),
          ("Ed Gray", "ed@z.org")]
SUBJECTS = ["budget", "pipeline", "Q3 plan", "lunch"]
BASE = datetime(2001, 1, 1)


def quoted(name: str, sent: datetime, subject: str) -> str:
    when = sent.strftime('%A, %B %d, %Y %I:%M %p')
    return (f"\n\n -----Original Message-----\nFrom: {name}\nSent: {when}\nTo: someone\n"
            f"Subject: {subject}\n\nEarlier text.")


def message(i: int, who: tuple[str, str], to: str, date: datetime, subject: str, body: str = "",
            extra: str = "") -> str:
    name, addr = who
    return (f"From {addr} {date.strftime('%a %b %d %H:%M:%S %Y')}\nFrom: {name} <{addr}>\nTo: {to}\n"
            f"Subject: {subject}\nDate: {date.strftime('%a, %d %b %Y %H:%M:%S')} +0000\n"
            f"Message-ID: <m{i}@x.org>\n{extra}\nMessage {i} text.{body}\n\n")


def mail(i: int, rng: random.Random, absent: list[datetime]) -> str:
    """An original, a header reply, a reply quoting an original (recent, months older, or one
    absent original many reply to), or a reply naming no one."""
    who, (_, to) = rng.sample(PEOPLE, 2)
    date = BASE + timedelta(hours=rng.randrange(24 * 400))
    subject, extra, body, kind = rng.choice(SUBJECTS), "", "", rng.random()
    if kind < 0.08:
        extra = f"In-Reply-To: <m{rng.randrange(i + 10)}@x.org>\n"
    elif kind < 0.35:
        sent = rng.choice([date - timedelta(hours=rng.choice([2, 20, 30])),
                           date - timedelta(days=rng.randrange(100, 300)), rng.choice(absent)])
        body = quoted(rng.choice(PEOPLE)[0], sent, rng.choice(SUBJECTS) if rng.random() < 0.25 else subject)
        subject = "RE: " + subject
    elif kind < 0.6:  # a reply naming no one: a shared participant within 14 days links it
        subject = "Re: " + subject
    return message(i, who, to, date, subject, body, extra)


def late_reply(i: int, rng: random.Random, original: str) -> str:
    """A reply written months after the original it quotes (by its sender and date), sometimes
    under another subject."""
    head = dict(line.split(": ", 1) for line in original.split("\n")[1:5])
    sent = datetime.strptime(head["Date"][:-6], "%a, %d %b %Y %H:%M:%S")
    name = head["From"].split(" <")[0]
    subject = head["Subject"].removeprefix("RE: ").removeprefix("Re: ")
    own = rng.choice(SUBJECTS) if rng.random() < 0.3 else subject
    return message(i, rng.choice(PEOPLE), "bob@x.org", sent + timedelta(days=rng.randrange(100, 250)),
                   "RE: " + own, quoted(name, sent, subject))


def archive(rng: random.Random) -> list[str]:
    absent = [BASE + timedelta(days=d, hours=9) for d in (30, 150, 300)]
    texts = [mail(i, rng, absent) for i in range(260)]
    texts += [late_reply(260 + j, rng, texts[rng.randrange(260)]) for j in range(40)]
    star = ("Ed Gray", BASE + timedelta(days=5, hours=11))  # one absent original, replied to all year
    texts += [message(300 + j, rng.choice(PEOPLE), "cy@y.org", BASE + timedelta(days=40 + 110 * j),
                      "RE: lunch", quoted(*star, "lunch")) for j in range(4)]
    return texts


def snapshot(store) -> tuple:
    return (store.conn.execute("SELECT id, thread_id, thread_pos FROM documents ORDER BY id").fetchall(),
            store.conn.execute("SELECT * FROM threads ORDER BY id").fetchall())


@pytest.mark.parametrize("seed", [11, 12, 13, 14, 15, 16])
def test_new_mail_threads_as_a_rebuild_does(tmp_path, seed, monkeypatch):
    from archivist.corpus import thread_update
    monkeypatch.setattr(thread_update, "WHOLE_SHARE", 2.0)  # never the whole archive instead
    rng = random.Random(seed)
    texts = archive(rng)
    rng.shuffle(texts)  # arrivals in no order: later batches hold earlier originals
    with Store(tmp_path / "a.db") as store:
        for b, start in enumerate(range(0, len(texts), 38)):
            box = tmp_path / f"batch{b}.mbox"
            box.write_text("".join(texts[start:start + 38]))
            if b % 3 == 2:  # headers not stored yet, as in a store from before they were
                with store.conn:
                    store.conn.execute("UPDATE mail_keys SET quote = NULL")
            ingest_paths(store, [box])
            incremental = snapshot(store)
            with store.writing():
                rebuild_threads(store)
            assert snapshot(store) == incremental, f"batch {b}"
        threads, documents = (store.scalar(f"SELECT count(*) FROM {t}") for t in ("threads", "documents"))
        assert threads < documents * 0.8


def test_a_new_email_reads_the_emails_near_it_not_its_whole_subject(tmp_path, monkeypatch):
    """A subject written about for five years: a new reply reads the emails within its windows,
    not the 200 of its subject group, and is threaded as a rebuild threads it."""
    from archivist.corpus import thread_near, thread_update
    people = PEOPLE[:2]
    texts = [message(i, people[i % 2], people[(i + 1) % 2][1], BASE + timedelta(days=9 * i), "budget")
             for i in range(200)]
    box = tmp_path / "a.mbox"
    box.write_text("".join(texts))
    read: list[int] = []
    for module in (thread_near, thread_update):
        real = module.load_mails
        monkeypatch.setattr(module, "load_mails",
                            lambda store, ids=None, real=real: read.extend(ids or []) or real(store, ids))
    with Store(tmp_path / "a.db") as store:
        ingest_paths(store, [box])
        read.clear()
        reply = tmp_path / "b.mbox"
        reply.write_text(message(999, people[0], people[1][1], BASE + timedelta(days=905), "RE: budget",
                                 quoted(people[1][0], BASE + timedelta(days=900), "budget")))
        ingest_paths(store, [reply])
        incremental = snapshot(store)
        with store.writing():
            rebuild_threads(store)
        assert snapshot(store) == incremental
        assert store.scalar("SELECT n_docs FROM threads WHERE id = 101") == 2  # joined day 900's email
    assert 0 < len(set(read)) < 40
