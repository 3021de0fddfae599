"""Acceptance on the real corpora in ../shared/data: the Enron mailboxes and the MTSamples records."""
from __future__ import annotations

import json

import pytest

from archivist.corpus.ingest import ingest_paths
from archivist.store import Store
from tests.conftest import shared_path

MBOX_MESSAGES, MAILDIR_MESSAGES = 14_672, 376
# 13,416 distinct by (From, Subject, whitespace-collapsed body) per the README; the normalised
# subject also merges one message stored as both "EnronOnLine Demonstration & Meeting" and
# "FW: EnronOnLine Demonstration & Meeting" by the same sender with the same body.
DISTINCT = 13_415

pytestmark = pytest.mark.data


@pytest.fixture(scope="module")
def enron(tmp_path_factory):
    mbox, maildir = shared_path("enron", "mbox"), shared_path("enron", "maildir")
    with Store(tmp_path_factory.mktemp("enron") / "enron.db") as store:
        runs = [ingest_paths(store, [mbox]),
                ingest_paths(store, [maildir]),
                ingest_paths(store, [mbox, maildir])]
        yield store, runs


def test_every_message_is_read_without_rejects(enron):
    store, (first, second, _) = enron
    by_kind = dict(store.conn.execute("SELECT kind, sum(n_read) FROM sources GROUP BY kind"))
    assert by_kind == {"mbox": MBOX_MESSAGES, "maildir": MAILDIR_MESSAGES}
    assert (first.read, second.read) == (MBOX_MESSAGES, MAILDIR_MESSAGES)
    assert first.read_by_kind == {"mbox": MBOX_MESSAGES} and second.read_by_kind == {"maildir": MAILDIR_MESSAGES}
    assert first.rejected == second.rejected == store.scalar("SELECT count(*) FROM rejects") == 0
    assert store.scalar("SELECT count(*) FROM sources WHERE status != 'done'") == 0


def test_duplicates_across_mailboxes_are_one_document(enron):
    store, (first, _, _) = enron
    assert first.new == DISTINCT == store.scalar("SELECT count(*) FROM documents")
    assert store.scalar("SELECT count(*) FROM locations") == MBOX_MESSAGES + MAILDIR_MESSAGES
    assert store.scalar("SELECT count(DISTINCT mailbox) FROM locations") == 28


def test_maildir_copies_become_extra_locations_only(enron):
    store, (_, second, third) = enron
    assert (second.new, second.duplicate, second.locations) == (0, MAILDIR_MESSAGES, MAILDIR_MESSAGES)
    orphans = store.scalar(
        "SELECT count(*) FROM locations l JOIN sources s ON s.id = l.source_id "
        "WHERE s.kind = 'maildir' AND NOT EXISTS (SELECT 1 FROM locations m JOIN sources t "
        "ON t.id = m.source_id WHERE m.doc_id = l.doc_id AND t.kind = 'mbox')")
    assert orphans == 0
    assert (third.read, third.new, third.skipped, third.documents) == (0, 0, 29, DISTINCT)


def test_threads_cover_every_email(enron):
    store, (_, _, third) = enron
    n_threads = store.scalar("SELECT count(*) FROM threads")
    assert third.threads == n_threads and 10_000 < n_threads < DISTINCT
    assert store.scalar("SELECT sum(n_docs) FROM threads") == DISTINCT
    assert store.scalar("SELECT count(*) FROM documents WHERE thread_id IS NULL") == 0
    assert store.scalar("SELECT max(n_docs) FROM threads") >= 8
    # a reply sits after its thread's root in date order
    assert store.scalar("SELECT count(*) FROM documents d JOIN threads t ON t.id = d.thread_id "
                        "WHERE d.thread_pos > 0 AND d.date < t.first_date") == 0


def test_mtsamples_rows_dedup_to_distinct_transcriptions(tmp_path):
    csv_gz = shared_path("mtsamples_clinical_notes", "mtsamples.csv.gz")
    with Store(tmp_path / "m.db") as store:
        summary = ingest_paths(store, [csv_gz], text_field="transcription")
        assert (summary.read, summary.rejected) == (4_999, 0)
        # 2,357 distinct non-empty transcriptions, plus the 33 rows without one, which the reader
        # renders from their other fields, so each stays its own document
        assert summary.new == 2_390
        metas = [json.loads(m) for (m,) in store.conn.execute("SELECT meta FROM documents")]
        assert all(m.get("medical_specialty") and m.get("sample_name") for m in metas)
