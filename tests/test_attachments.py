"""Attachments as documents: an .eml and a .msg (both built here) with PDF, DOCX, CSV and attached
emails ingest into linked 'attachment' documents that filters, show, stats, search and ask see."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from archivist.corpus import attachments as attachments_mod
from archivist.corpus.ingest import ingest_paths
from archivist.corpus.views import render_document, show_document
from archivist.records import DocKind, Filters
from archivist.store import Store
from archivist.store.filters import select_ids
from tests.attachment_fixtures import (
    DOCX_TEXT, NESTED_TEXT, docx_bytes, email_with_attachments, nested_email,
)
from tests.msg_fixture import build_msg

from tests.pdf_fixture import minimal_pdf


def _rows(store, sql, params=()):
    return store.query(sql, params)


@pytest.fixture
def eml_store(tmp_path):
    folder = tmp_path / "mail"
    folder.mkdir()
    (folder / "a.eml").write_bytes(email_with_attachments())
    with Store(tmp_path / "t.db") as store:
        summary = ingest_paths(store, [folder])
        yield store, summary, folder


def test_eml_attachments_become_linked_documents(eml_store):
    store, summary, _ = eml_store
    assert (summary.read, summary.new, summary.rejected) == (1, 1, 0)
    assert (summary.attachments, summary.attachments_new) == (4, 4)  # pdf, docx, csv, email; not the png
    parent = _rows(store, "SELECT * FROM documents WHERE kind = 'email'")[0]
    kids = {r["title"]: r for r in _rows(store, "SELECT * FROM documents WHERE kind = 'attachment'")}
    assert set(kids) == {"invoice.pdf", "settlement.docx", "costs.csv", "message.eml"}
    assert all(k["parent_id"] == parent["id"] for k in kids.values())
    assert "[page 3]" in kids["invoice.pdf"]["body"] and "18450" in kids["invoice.pdf"]["body"]
    assert DOCX_TEXT in kids["settlement.docx"]["body"] and "Party | Northwind" in kids["settlement.docx"]["body"]
    assert "compressor,1200" in kids["costs.csv"]["body"]
    assert NESTED_TEXT in kids["message.eml"]["body"] and kids["message.eml"]["sender"] == "dana.lee@example.com"
    # a file attachment speaks for its message's sender and date; the attached email for its own
    assert kids["invoice.pdf"]["sender"] == "alice@example.com" and kids["invoice.pdf"]["date"] == parent["date"]
    links = _rows(store, "SELECT ord, name, child_id FROM attachment_links WHERE parent_id = ? ORDER BY ord",
                  (parent["id"],))
    assert [(r["ord"], r["name"]) for r in links] == [(0, "invoice.pdf"), (1, "settlement.docx"),
                                                      (2, "costs.csv"), (4, "message.eml")]


def test_same_attachment_in_many_messages_is_stored_once(tmp_path):
    folder = tmp_path / "mail"
    folder.mkdir()
    for i in range(5):
        (folder / f"m{i}.eml").write_bytes(email_with_attachments(f"<p{i}@example.com>", f"user{i}@example.com", i + 1))
    with Store(tmp_path / "t.db") as store:
        first = ingest_paths(store, [folder])
        assert (first.read, first.new, first.attachments, first.attachments_new) == (5, 5, 20, 4)
        pdf_id = store.scalar("SELECT id FROM documents WHERE title = 'invoice.pdf'")
        assert store.scalar("SELECT count(*) FROM attachment_links WHERE child_id = ?", (pdf_id,)) == 5
        assert len(show_document(store, pdf_id)["attached_to"]) == 5
        again = ingest_paths(store, [folder])
        assert (again.read, again.new, again.attachments_new, again.skipped) == (0, 0, 0, 5)
        assert store.scalar("SELECT count(*) FROM documents") == 9


def test_attachment_filters(eml_store, tmp_path):
    store, _, _ = eml_store
    parent = store.scalar("SELECT id FROM documents WHERE kind = 'email'")
    assert select_ids(store, Filters(has_attachment="any")) == [parent]
    for kind in ("pdf", "docx", "doc", "csv", "email", "image", "PDF"):
        assert select_ids(store, Filters(has_attachment=kind)) == [parent], kind
    assert select_ids(store, Filters(has_attachment="xls")) == []
    assert select_ids(store, Filters(has_attachment="pdf", sender="alice@example.com")) == [parent]
    assert select_ids(store, Filters(has_attachment="pdf", sender="nobody@example.com")) == []
    kids = select_ids(store, Filters(kind=DocKind.ATTACHMENT))
    assert len(kids) == 4 and parent not in kids
    assert set(select_ids(store, Filters(kind="attachment", sender="Alice Ng"))) == set(kids) - {
        store.scalar("SELECT id FROM documents WHERE title = 'message.eml'")}


def test_show_lists_attachments_and_parents(eml_store):
    store, _, _ = eml_store
    parent = store.scalar("SELECT id FROM documents WHERE kind = 'email'")
    text = render_document(show_document(store, parent))
    assert "attachments (5):" in text and "invoice.pdf" in text and "logo.png" in text
    assert "name only" in text  # the png is listed but not read
    pdf = store.scalar("SELECT id FROM documents WHERE title = 'invoice.pdf'")
    shown = render_document(show_document(store, pdf))
    assert "attached to 1 message(s):" in shown and "<parent-1@example.com>" in shown


def test_stats_count_attachments(eml_store):
    store, _, _ = eml_store
    stats = store.stats()
    assert stats["attachments"] == 5 and stats["messages_with_attachments"] == 1
    assert stats["attachment_documents"] == 4 and stats["attachment_links"] == 4
    assert stats["documents_by_kind"] == {"attachment": 4, "email": 1}


def test_over_cap_and_unreadable_attachments_are_rejects(tmp_path, monkeypatch):
    monkeypatch.setattr(attachments_mod, "MAX_ATTACHMENT_BYTES", 2000)  # the docx is ~37 kB
    folder = tmp_path / "mail"
    folder.mkdir()
    (folder / "a.eml").write_bytes(email_with_attachments(pdf=b"%PDF-1.4 broken"))
    with Store(tmp_path / "t.db") as store:
        summary = ingest_paths(store, [folder])
        reasons = [r["reason"] for r in _rows(store, "SELECT position, reason FROM rejects ORDER BY position")]
        assert summary.read == 1 and summary.rejected == 2
        assert any("invoice.pdf" in r and "unreadable pdf" in r for r in reasons)
        assert any("settlement.docx" in r and "larger than 2000 bytes" in r for r in reasons)
        assert store.scalar("SELECT count(*) FROM documents WHERE kind = 'attachment'") == 2


def test_msg_with_attachments_and_an_attached_msg(tmp_path):
    inner = build_msg("Lease memo", "The Calgary lease renews on 1 June.\n", ("Dana Lee", "dana.lee@example.com"),
                      [("Ops", "ops@example.com")], sent=datetime(2003, 1, 2, tzinfo=timezone.utc))
    outer = build_msg(
        "Quarterly storage invoice", "Hello Bob,\n\nThe invoice is attached.\n", ("Alice Ng", "alice@example.com"),
        [("Bob Stone", "bob@example.com")], sent=datetime(2003, 3, 1, 12, 0, tzinfo=timezone.utc),
        headers="Message-ID: <msg-outer@example.com>\r\nIn-Reply-To: <earlier@example.com>\r\n"
                "Subject: Quarterly storage invoice\r\nFrom: Alice Ng <alice@example.com>\r\n",
        attachments=[("storage.pdf", "application/pdf", minimal_pdf(["Storage invoice 77 total 9100 dollars"])),
                     ("terms.docx", "application/octet-stream", docx_bytes("Terms: payment within 45 days.")),
                     ("memo.msg", "application/vnd.ms-outlook", inner),
                     ("fwd.eml", "message/rfc822", nested_email().as_bytes())])
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "invoice.msg").write_bytes(outer)
    with Store(tmp_path / "t.db") as store:
        summary = ingest_paths(store, [tmp_path / "in"])
        assert (summary.read, summary.rejected, summary.read_by_kind) == (1, 0, {"msg": 1})
        doc = _rows(store, "SELECT * FROM documents WHERE kind = 'email'")[0]
        assert doc["message_id"] == "<msg-outer@example.com>" and doc["in_reply_to"] == "<earlier@example.com>"
        assert doc["sender"] == "alice@example.com" and doc["date"].startswith("2003-03-01T12:00")
        assert "The invoice is attached." in doc["body"]
        assert store.scalar("SELECT address FROM participants WHERE doc_id = ? AND role = 'to'", (doc["id"],)) \
            == "bob@example.com"
        kids = {r["title"]: r for r in _rows(store, "SELECT * FROM documents WHERE parent_id = ?", (doc["id"],))}
        assert set(kids) == {"storage.pdf", "terms.docx", "memo.msg", "fwd.eml"}
        assert "9100" in kids["storage.pdf"]["body"] and "45 days" in kids["terms.docx"]["body"]
        assert "renews on 1 June" in kids["memo.msg"]["body"] and kids["memo.msg"]["sender"] == "dana.lee@example.com"
        assert NESTED_TEXT in kids["fwd.eml"]["body"]


@pytest.fixture(scope="module")
def indexed(tmp_path_factory):
    from archivist.retrieval.indexer import index_store
    from tests.conftest import agent_settings
    root = tmp_path_factory.mktemp("att")
    (root / "mail").mkdir()
    (root / "mail" / "a.eml").write_bytes(email_with_attachments())
    (root / "mail" / "b.eml").write_bytes(email_with_attachments("<parent-2@example.com>", "carol@example.com", 9,
                                                                  pdf=minimal_pdf(["Unrelated brochure"])))
    db = root / "t.db"
    with Store(db) as store:
        ingest_paths(store, [root / "mail"])
        index_store(store, agent_settings(db))
    return db


def test_search_finds_attachment_text(indexed):
    from archivist.retrieval.search import search
    from tests.conftest import agent_settings
    with Store(indexed) as store:
        for mode in ("bm25", "hybrid"):
            hits = search(store, agent_settings(indexed), "total due 18450 dollars pipeline maintenance", 3,
                          mode=mode)
            top = store.scalar("SELECT title FROM documents WHERE id = ?", (hits[0].doc_id,))
            assert top == "invoice.pdf", mode
        hits = search(store, agent_settings(indexed), "turbine warranty", 3, Filters(kind="attachment"),
                      mode="bm25")
        assert store.scalar("SELECT title FROM documents WHERE id = ?", (hits[0].doc_id,)) == "message.eml"


def test_ask_cites_an_attachment_by_name_message_and_page(indexed):
    from archivist.agent.ask import ask
    from tests.conftest import agent_settings
    with Store(indexed) as store:
        r = ask(store, agent_settings(indexed), "What is the total due for pipeline maintenance on invoice 4471?",
                strategy="rag")
        refs = [c["ref"] for c in r.citations]
        # the hit chunk spans the three short pages of the invoice
        assert "invoice.pdf, attached to <parent-1@example.com>, pages 1-3" in refs, refs


def test_query_counts_emails_with_a_pdf_attached_from_a_sender(indexed):
    from archivist.agent.ask import ask
    from tests.conftest import agent_settings
    with Store(indexed) as store:
        for question, expected in (
                ("How many emails with a PDF attached did alice@example.com send?", 1),
                ("How many emails with a PDF attached were sent?", 2),
                ("How many emails with attachments did carol@example.com send?", 1),  # any type
                ("How many emails with a spreadsheet attached did carol@example.com send?", 0)):
            r = ask(store, agent_settings(indexed), question)
            assert r.strategy == "query", (question, r.reason)
            if expected:
                assert r.answer.split()[0] == str(expected), (question, r.answer)
            else:
                assert r.answer.startswith("No matching documents"), (question, r.answer)
            assert r.filters.get("has_attachment") in ("pdf", "xls", "any")


@pytest.mark.parametrize("question, expected", [
    ("How many emails with a PDF attached did alice@example.com send?", "pdf"),
    ("How many emails from Alice Ng had a PDF attached?", "pdf"),
    ("count messages containing pdf attachments", "pdf"),
    ("List emails with attachments from bob@example.com", "any"),
    ("How many emails with Word attachments in 2003?", "doc"),
    ("How many messages having a docx file attached?", "doc"),
    ("Count the messages with a spreadsheet attached", "xls"),
    ("List the emails with CSV attachments", "csv"),
    ("What does the invoice attachment say?", None),  # a lookup reads the attachment itself
    ("How many emails did alice@example.com send?", None),
])
def test_question_names_an_attachment(question, expected):
    from archivist.agent.question.analyse import analyse_question
    assert analyse_question(question).has_attachment == expected


def test_attachments_named_in_text_where_they_were_removed():
    from archivist.corpus.attachments import named_in_text
    text = ("see << File: JPY WTI Swap LD1.doc >> and <<SUMMARY.xls>>, again <<SUMMARY.xls>>\n"
            "<<mailto:a@example.com>> << OLE Object: Picture (Metafile) >> <<Concur Expense Document>>")
    assert named_in_text(text) == ["JPY WTI Swap LD1.doc", "SUMMARY.xls"]
    assert named_in_text("no markers here") == []


@pytest.mark.data
def test_enron_mailbox_attachments_are_counted(tmp_path):
    """Enron's messages are single-part text: no attachment survives, but the text names the removed
    ones ('<< File: x.doc >>'); stats counts both."""
    from tests.conftest import shared_path
    box = shared_path("enron", "mbox", "farmer-d.mbox.gz")
    with Store(tmp_path / "e.db") as store:
        ingest_paths(store, [box])
        stats = store.stats()
        assert stats["attachments"] == 0 and stats["attachment_documents"] == 0
        assert stats["attachments_named_in_text"] >= 1 and stats["messages_naming_attachments"] >= 1


class _Entry:
    def __init__(self, tag: int, value):
        self.entry_type = tag
        self.value_type = 0x001F if isinstance(value, str) else 0x0003
        self.data = value if isinstance(value, bytes) else int(value).to_bytes(4, "little") \
            if isinstance(value, int) else b""
        self._text = value if isinstance(value, str) else None

    def get_data_as_string(self):
        return self._text


class _Records:
    def __init__(self, props: dict):
        self.entries = [_Entry(t, v) for t, v in props.items()]
        self.number_of_entries = len(self.entries)

    def get_entry(self, i):
        return self.entries[i]


class _Item:
    """Just enough of a pypff message / attachment for the PST reader's item functions."""

    def __init__(self, props=None, attachments=(), sub_items=(), **fields):
        self._records = [_Records(props or {})]
        self.number_of_record_sets = 1
        self._attachments, self._subs = list(attachments), list(sub_items)
        self.number_of_attachments, self.number_of_sub_items = len(self._attachments), len(self._subs)
        self.recipients = None
        defaults = dict(subject="", transport_headers=None, sender_name="", plain_text_body=b"",
                        html_body=None, client_submit_time=None, delivery_time=None, size=0)
        for key, value in {**defaults, **fields}.items():
            setattr(self, key, value)

    def get_record_set(self, i):
        return self._records[i]

    def get_attachment(self, i):
        return self._attachments[i]

    def get_sub_item(self, i):
        return self._subs[i]


def test_pst_embedded_item_is_read_as_an_attached_email():
    from archivist.corpus.parsed import Location
    from archivist.corpus.outlook import to_document
    from archivist.corpus.pst import outlook_message
    inner = _Item({0x0C1F: "dana.lee@example.com", 0x1035: "<embedded@example.com>"},
                  subject="Turbine warranty memo", sender_name="Dana Lee",
                  plain_text_body=NESTED_TEXT.encode(), client_submit_time=datetime(2003, 2, 3, 9, 0))
    attachment = _Item({0x3707: "memo", 0x3705: 5}, sub_items=[inner])
    outer = _Item({0x5D01: "alice@example.com"}, attachments=[attachment], subject="Fwd: memo",
                  sender_name="Alice Ng", plain_text_body=b"See the memo.",
                  client_submit_time=datetime(2003, 2, 4, 9, 0))
    doc = to_document(outlook_message(outer), Location("/x.pst", "Inbox#0", "x", "Inbox"))
    assert doc.sender.address == "alice@example.com" and doc.date.year == 2003
    (att,) = doc.attachments
    assert att.content_type == "message/rfc822" and att.name == "memo"
    (child,) = list(attachments_mod.attachment_children(doc))
    assert child.item.kind == "attachment" and NESTED_TEXT in child.item.body
    assert child.item.sender.address == "dana.lee@example.com"
    assert child.item.message_id == "<embedded@example.com>"


def test_cli_search_attachment_filters_and_show(indexed):
    import json

    from typer.testing import CliRunner

    from archivist.cli import app
    runner = CliRunner()
    base = ["--preset", "test", "search", "-d", str(indexed), "--mode", "bm25", "--json"]
    result = runner.invoke(app, [*base, "Calgary lease", "--has-attachment", "--attachment-type", "docx",
                                 "--from", "carol@example.com"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len({r["doc_id"] for r in rows}) == 1
    result = runner.invoke(app, [*base, "pipeline maintenance", "--kind", "attachment"])
    assert result.exit_code == 0 and json.loads(result.stdout.splitlines()[0])["doc_id"] > 0
    assert runner.invoke(app, [*base, "x", "--kind", "bogus"]).exit_code == 2
    with Store(indexed) as store:
        parent = store.scalar("SELECT id FROM documents WHERE message_id = '<parent-1@example.com>'")
    shown = runner.invoke(app, ["show", str(parent), "-d", str(indexed)])
    assert shown.exit_code == 0 and "attachments (5):" in shown.stdout and "invoice.pdf" in shown.stdout


def test_an_attached_msg_naming_a_local_file_is_not_read_as_that_file(tmp_path):
    """olefile takes bytes under 1,536 as a file name: an attachment 'x.msg' whose bytes were a
    path read that local file as its content (found while reviewing the fuzz run's rejects)."""
    from archivist.corpus.readers import read_path
    from tests.fuzz_seeds import attached, named
    secret = tmp_path / "secret.msg"
    secret.write_bytes(build_msg("Local secret", "not for the archive", ("A", "a@example.com"),
                                 [("B", "b@example.com")]))
    path = tmp_path / "in.eml"
    path.write_bytes(attached(named("x.msg", str(secret).encode())))
    [parent] = read_path(path)
    [child] = attachments_mod.attachment_children(parent)
    assert "unreadable .msg" in child.item.reason and "not an OLE2" in child.item.reason
