"""Outlook PST/OST (the two real samples in ../shared/data/pst_samples) and kind detection for
PST and .msg; damaged PSTs become rejects."""
from __future__ import annotations

import shutil
from datetime import datetime, timezone

import pytest

from archivist.corpus.ingest import ingest_paths
from archivist.corpus.readers import read_path
from archivist.corpus.sniff import detect_kind
from archivist.store import Store
from tests.conftest import shared_path
from tests.msg_fixture import build_msg

pytestmark = pytest.mark.data


def _ingest(tmp_path, *paths):
    with Store(tmp_path / "p.db") as store:
        first = ingest_paths(store, list(paths))
        again = ingest_paths(store, list(paths))
        rows = store.query("SELECT d.*, l.folder, l.mailbox, l.position FROM documents d "
                           "JOIN locations l ON l.doc_id = d.id ORDER BY l.id")
        return first, again, rows


def test_32bit_ansi_pst(tmp_path):
    pst = shared_path("pst_samples", "32-bit.pst")
    assert detect_kind(pst) == "pst"
    first, again, rows = _ingest(tmp_path, pst)
    assert (first.read, first.rejected, first.read_by_kind) == (1, 0, {"pst": 1})
    assert (again.read, again.new, again.skipped) == (0, 0, 1)
    (doc,) = rows
    assert doc["title"] == "Updated: Olympus training for new hires"
    assert doc["sender_name"] == "Cyndy Foulkrod" and doc["folder"] == "Top of Personal Folders/Calendar"
    assert doc["mailbox"] == "32-bit" and doc["position"] == "Top of Personal Folders/Calendar#0"
    assert doc["message_id"] == "<68D707482AFCAC478675833B9A2023AEAFB006@chimail.intranetsolutions.com>"
    assert doc["date"].startswith("2004-08-17T14:00:46") and "Olympus training" in doc["body"]


def test_64bit_unicode_pst(tmp_path):
    pst = shared_path("pst_samples", "support.pst")
    first, again, rows = _ingest(tmp_path, pst)
    assert (first.read, first.rejected) == (17, 0)
    assert (again.read, again.new, again.skipped) == (0, 0, 1)
    assert len(rows) == 17  # every item has its location, also the copies in Drafts and Sent
    assert {r["folder"] for r in rows} == {"Top of Personal Folders/Drafts", "Top of Personal Folders/Sent Messages"}
    assert all(r["kind"] == "email" and r["sender"].startswith("support@hackingteam") for r in rows)
    assert all(r["message_id"] and r["date"] for r in rows)
    assert all(r["body"].strip() for r in rows)  # HTML-only bodies converted
    assert not any("<html" in r["body"].lower() for r in rows)
    test = next(r for r in rows if r["title"] == "test")
    assert test["message_id"] == "<A2E2D8FE-61EC-49CA-855D-925EFDA4A28F@hackingteam.com>"
    notice = next(r for r in rows if r["title"].startswith("IMPORTANT: Support portal"))
    assert notice["attachments"] and "support@hackingteam.it.asc" in notice["attachments"]


def test_truncated_and_fake_pst_are_rejects(tmp_path):
    pst = shared_path("pst_samples", "support.pst")
    cut = tmp_path / "cut.pst"
    cut.write_bytes(pst.read_bytes()[:200_000])
    (tmp_path / "fake.pst").write_bytes(b"!BDN" + b"\x00" * 5000)
    items = list(read_path(cut)) + list(read_path(tmp_path / "fake.pst"))
    rejects = [i for i in items if not hasattr(i, "kind")]
    assert rejects and all(r.reason for r in rejects)
    assert any(r.path.endswith("fake.pst") and "unreadable PST" in r.reason for r in rejects)


def test_damaged_items_are_rejects_naming_folder_and_index(tmp_path):
    import random
    data = bytearray(shared_path("pst_samples", "support.pst").read_bytes())
    rng = random.Random(1)
    for _ in range(300):  # flip bytes past the header, as a damaged disk or transfer would
        data[rng.randrange(20_000, len(data))] = rng.randrange(256)
    (tmp_path / "noisy.pst").write_bytes(bytes(data))
    items = list(read_path(tmp_path / "noisy.pst"))
    docs = [i for i in items if hasattr(i, "kind")]
    rejects = [i for i in items if not hasattr(i, "kind")]
    assert docs and rejects  # what can be read is read
    for r in rejects:
        assert r.position.startswith("Top of Personal Folders"), r
        if r.reason.startswith("corrupt item"):
            index = r.position.rsplit("#", 1)[1]
            assert f"corrupt item {index} in folder '{r.position.rsplit('#', 1)[0]}'" in r.reason


def test_resumed_pst_adds_nothing_twice(tmp_path):
    pst = tmp_path / "copy.pst"
    shutil.copy(shared_path("pst_samples", "support.pst"), pst)
    with Store(tmp_path / "p.db") as store:
        ingest_paths(store, [pst])
        store.conn.execute("UPDATE sources SET status = 'partial'")  # as if killed mid-way
        store.conn.commit()
        again = ingest_paths(store, [pst])
        assert (again.read, again.new, again.duplicate, again.rejected) == (17, 0, 17, 0)
        assert store.scalar("SELECT count(*) FROM locations") == 17


def test_msg_kind_detection(tmp_path):
    data = build_msg("Hi", "Body text here.\n", ("A", "a@example.com"), [("B", "b@example.com")],
                     sent=datetime(2003, 1, 1, tzinfo=timezone.utc))
    (tmp_path / "x.msg").write_bytes(data)
    (tmp_path / "noext").write_bytes(data)
    assert detect_kind(tmp_path / "x.msg") == "msg"
    assert detect_kind(tmp_path / "noext") == "msg"
    (doc,) = list(read_path(tmp_path / "x.msg"))
    assert doc.kind == "email" and doc.title == "Hi" and doc.body == "Body text here."
    (tmp_path / "bad.msg").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 3000)
    (bad,) = list(read_path(tmp_path / "bad.msg"))
    assert not hasattr(bad, "kind") and "unreadable .msg" in bad.reason
