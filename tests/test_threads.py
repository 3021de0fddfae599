"""Thread reconstruction: headers, RE:/FW: joining, quoted-header parents, generic subjects apart."""
from __future__ import annotations

from datetime import datetime, timedelta

from archivist.corpus.dedup import normalise_subject
from archivist.corpus.parsed import Address, Document, Location
from archivist.corpus.ingest import ingest_documents
from archivist.corpus.threads import parse_sent, quoted_header, surname_of
from archivist.corpus.views import list_threads, show_document

T0 = datetime(2001, 5, 1, 9, 0)
_n = iter(range(10_000))


def mail(subject, sender, to, hours=0.0, body=None, quoted="", msgid="", reply_to="", refs=()):
    """An email as a reader would yield it, `hours` after T0."""
    user = sender.split("@")[0]
    first, _, last = user.partition(".")
    return Document(
        kind="email", body=body or f"{subject} text {next(_n)}", quoted=quoted, title=subject,
        norm_subject=normalise_subject(subject),
        location=Location("/box.mbox", str(next(_n)), mailbox="box"),
        sender=Address(f"{last.title()}, {first.title()}", sender),
        to=[Address("", a) for a in to], date=T0 + timedelta(hours=hours),
        message_id=msgid, in_reply_to=reply_to, references=list(refs))


def thread_of(store, title_body):
    return store.scalar("SELECT thread_id FROM documents WHERE body = ?", (title_body,))


def test_reply_and_forward_join_the_original(store):
    docs = [
        mail("Gas prices", "ann.lee@enron.com", ["bob.ray@enron.com"], 0, body="orig"),
        mail("RE: Gas prices", "bob.ray@enron.com", ["ann.lee@enron.com"], 3, body="reply"),
        mail("FW: Gas prices", "bob.ray@enron.com", ["cy.dow@enron.com"], 30, body="fwd"),
        mail("Re: RE: gas  prices", "cy.dow@enron.com", ["bob.ray@enron.com"], 40, body="re2"),
    ]
    summary = ingest_documents(store, docs)
    assert summary.new == 4 and summary.threads == 1
    root = thread_of(store, "orig")
    assert {thread_of(store, b) for b in ("reply", "fwd", "re2")} == {root}
    positions = [r["thread_pos"] for r in store.query(
        "SELECT thread_pos FROM documents ORDER BY date")]
    assert positions == [0, 1, 2, 3]
    thread = show_document(store, root)["thread"]
    assert thread["n_docs"] == 4 and thread["root_doc_id"] == root
    assert [m["thread_pos"] for m in thread["members"]] == [0, 1, 2, 3]


def test_generic_subject_without_overlap_or_far_apart_stays_apart(store):
    docs = [
        mail("Meeting", "ann.lee@enron.com", ["bob.ray@enron.com"], 0, body="m1"),
        mail("RE: Meeting", "zed.kim@enron.com", ["yan.fox@enron.com"], 2, body="m2"),  # strangers
        mail("Meeting", "ann.lee@enron.com", ["bob.ray@enron.com"], 24 * 60, body="m3"),  # 2 months
        mail("RE: Meeting", "bob.ray@enron.com", ["ann.lee@enron.com"], 24 * 200, body="m4"),
        mail("", "ann.lee@enron.com", ["bob.ray@enron.com"], 1, body="e1"),
        mail("RE:", "bob.ray@enron.com", ["ann.lee@enron.com"], 2, body="e2"),
    ]
    ingest_documents(store, docs)
    threads = {thread_of(store, b) for b in ("m1", "m2", "m3", "m4", "e1", "e2")}
    assert len(threads) == 6


def test_quoted_header_identifies_the_parent_among_same_subject_messages(store):
    quoted = ("-----Original Message-----\nFrom: \tLee, Ann  \nSent:\tTuesday, May 01, 2001 11:00 AM\n"
              "To:\tRay, Bob\nSubject:\tUpdate\n\nold text")
    docs = [
        mail("Update", "ann.lee@enron.com", ["bob.ray@enron.com", "team@enron.com"], 2, body="a"),
        mail("Update", "cy.dow@enron.com", ["team@enron.com"], 3, body="b"),
        mail("RE: Update", "dee.sun@enron.com", ["team@enron.com"], 5, body="c", quoted=quoted),
    ]
    ingest_documents(store, docs)
    assert thread_of(store, "c") == thread_of(store, "a") != thread_of(store, "b")


def test_message_id_headers_link_whatever_the_subject(store):
    docs = [
        mail("Plan", "ann.lee@x.org", ["bob.ray@x.org"], 0, body="p1", msgid="<1@x>"),
        mail("Changed subject", "bob.ray@x.org", ["ann.lee@x.org"], 1, body="p2",
             msgid="<2@x>", reply_to="<1@x>"),
        mail("Again", "ann.lee@x.org", ["bob.ray@x.org"], 2, body="p3", msgid="<3@x>",
             refs=["<1@x>", "<2@x>"]),
        mail("Re: Lost", "cy.dow@x.org", ["ann.lee@x.org"], 3, body="s1", reply_to="<absent@x>"),
        mail("Re: Lost", "dee.sun@x.org", ["ann.lee@x.org"], 4, body="s2", refs=["<absent@x>"]),
    ]
    ingest_documents(store, docs)
    assert thread_of(store, "p1") == thread_of(store, "p2") == thread_of(store, "p3")
    assert thread_of(store, "s1") == thread_of(store, "s2") != thread_of(store, "p1")
    assert list_threads(store, 5)[0]["n_docs"] == 3


def test_rebuild_is_stable_and_thread_id_is_root_id(store):
    ingest_documents(store, [mail("Gas", "ann.lee@x.org", ["bob.ray@x.org"], 0, body="g1")])
    first = thread_of(store, "g1")
    ingest_documents(store, [mail("RE: Gas", "bob.ray@x.org", ["ann.lee@x.org"], 1, body="g2")],
                     source="<second>")
    assert thread_of(store, "g1") == thread_of(store, "g2") == first
    assert store.scalar("SELECT root_doc_id FROM threads WHERE id = ?", (first,)) == first


def test_quote_parsing_helpers():
    header = quoted_header("hi\n -----Original Message-----\nFrom: =09Dernehl, Ginger =20\n"
                           "Sent:=09Tuesday, October 16, 2001 1:25 PM\nTo: x\nSubject: RE: Call\n")
    assert header.surname == "dernehl" and header.subject == "call"
    assert header.sent == datetime(2001, 10, 16, 13, 25)
    assert surname_of("Enron Announcements/Corp/Enron@ENRON on behalf of Ken Lay") == "announcements"
    assert surname_of("jeff.dasovich@enron.com") == "dasovich"
    assert parse_sent("Mon 10/15/2001 9:15 PM") == datetime(2001, 10, 15, 21, 15)


def test_reply_with_a_new_subject_joins_the_message_it_quotes(store):
    quoted = ("-----Original Message-----\nFrom: Lee, Ann\nTo: Ray, Bob\n"
              "Sent: Tuesday, May 01, 2001 09:00 AM\nSubject: Q2 numbers\n\nold text")
    docs = [
        mail("Q2 numbers", "ann.lee@enron.com", ["bob.ray@enron.com"], 0, body="q1"),
        mail("Q2 numbers", "cy.dow@enron.com", ["dee.sun@enron.com"], 1, body="q2"),
        mail("Numbers look wrong", "bob.ray@enron.com", ["cy.dow@enron.com"], 6, body="q3",
             quoted=quoted),
    ]
    ingest_documents(store, docs)
    assert thread_of(store, "q3") == thread_of(store, "q1") != thread_of(store, "q2")
