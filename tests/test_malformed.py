"""Hand-made malformed inputs (tests/fixtures/malformed/): each gives Documents or Rejects, never an exception."""
from __future__ import annotations

import gzip
import os
from pathlib import Path

import pytest

from archivist.corpus.parsed import Document, Reject
from archivist.corpus.readers import detect_kind, read_path

FIXTURES = Path(__file__).parent / "fixtures" / "malformed"
ALL_FIXTURES = sorted(p.name for p in FIXTURES.iterdir() if p.suffix != ".py")


def read(name: str) -> list[Document | Reject]:
    return list(read_path(FIXTURES / name))


def docs(items) -> list[Document]:
    return [i for i in items if isinstance(i, Document)]


def rejects(items) -> list[Reject]:
    return [i for i in items if isinstance(i, Reject)]


def test_there_are_at_least_twenty_fixtures():
    assert len(ALL_FIXTURES) >= 20


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_every_fixture_reads_without_raising(name):
    items = read(name)
    assert items, "every input yields at least a Document or a Reject"
    for item in items:
        assert isinstance(item, (Document, Reject))
        if isinstance(item, Reject):
            assert item.reason and item.path == str(FIXTURES / name)
    assert detect_kind(FIXTURES / name) in {"mbox", "maildir", "eml", "csv", "tsv", "jsonl", "txt", "md",
                                            "pdf", "unknown"}


def test_whole_folder_in_one_walk_continues_past_bad_files():
    items = list(read_path(FIXTURES))
    names = {Path(i.location.path if isinstance(i, Document) else i.path).name for i in items}
    assert {"crlf.eml", "binary.bin", "empty.eml", "ragged.csv"} <= names
    assert len(docs(items)) > 20


def test_bad_charset_falls_back():
    (doc,) = read("bad_charset.eml")
    assert doc.body == "Café au lait at 10."


def test_header_without_colon_keeps_what_came_before():
    (doc,) = read("header_no_colon.eml")
    assert doc.sender.address == "ann@example.org"
    assert "Body text after a broken header block." in doc.body
    assert "MissingHeaderBodySeparatorDefect" in doc.meta["defects"]


def test_unterminated_multipart_keeps_first_part():
    (doc,) = read("unterminated_multipart.eml")
    assert doc.body == "First part text that never ends"
    assert "CloseBoundaryNotFoundDefect" in doc.meta["defects"]


def test_nul_bytes_are_dropped():
    (doc,) = read("nul_bytes.eml")
    assert doc.body == "Hello world\nsecond line" and "\x00" not in doc.title


def test_truncated_mbox_keeps_partial_last_message():
    items = read("truncated.mbox")
    assert [d.location.position for d in docs(items)] == ["0", "1"]
    assert docs(items)[1].sender.address == "bob@example.org"


def test_body_lines_starting_with_from_do_not_split():
    items = read("from_lines.mbox")
    assert len(docs(items)) == 2
    body = docs(items)[0].body
    assert body.startswith("From the desk of Ann")  # mboxo >From unescaped
    assert "From here on we plan ahead." in body and "From what I hear" in body


def test_empty_and_binary_files_are_rejected_with_reason():
    assert "empty" in read("empty.eml")[0].reason
    assert "binary" in read("binary.bin")[0].reason
    assert "empty" in read("only_whitespace.txt")[0].reason


def test_bad_date_kept_raw_and_flagged():
    (doc,) = read("bad_date.eml")
    assert (doc.date, doc.date_ok, doc.date_raw) == (None, False, "next tuesday-ish")
    (doc,) = read("year_0001.eml")
    assert doc.date is None and not doc.date_ok and "0001" in doc.date_raw


def test_bad_base64_decoded_leniently():
    (doc,) = read("bad_base64.eml")
    assert doc.meta.get("problems") or doc.meta.get("defects")


def test_mixed_encodings_in_headers_and_body():
    (doc,) = read("mixed_encodings.eml")
    assert doc.title == "Résumé and café"
    assert doc.sender.name == "Jürgen Müller"
    assert doc.body == "Latin-1 in a UTF-8 part: naïve"


def test_huge_header_line(tmp_path):
    path = tmp_path / "huge.eml"
    path.write_bytes(b"From: a@example.org\nSubject: big\nX-Huge: " + b"a" * 2_000_000 + b"\n\nsmall body\n")
    (doc,) = list(read_path(path))
    assert doc.body == "small body" and doc.title == "big"


def test_truncated_gzip_mbox_reads_what_it_can():
    items = read("truncated.mbox.gz")
    assert len(docs(items)) > 50
    assert "stream ended early" in rejects(items)[-1].reason


def test_corrupt_gzip_rejected():
    (rej,) = read("corrupt.mbox.gz")
    assert "gzip" in rej.reason


def test_bad_encoded_words_do_not_fail():
    (doc,) = read("bad_encoded_word.eml")
    assert doc.sender.address == "s@example.org" and "odd" in doc.title


def test_html_only_is_converted():
    (doc,) = read("html_only.eml")
    assert "Hello" in doc.body and "Bob" in doc.body and "<p>" not in doc.body


def test_crlf_normalised():
    (doc,) = read("crlf.eml")
    assert doc.body == "Line one\nLine two"


def test_mbox_message_without_headers_is_a_reject_and_rest_continues():
    items = read("no_headers.mbox")
    assert isinstance(items[0], Reject) and "no email headers" in items[0].reason
    assert docs(items)[0].title == "ok"


def test_ragged_latin1_csv():
    items = read("ragged.csv")
    assert [d.title for d in docs(items)] == ["alpha", "beta", "gamma", "délta"]
    assert docs(items)[1].meta["_extra"] == ["3", "4"]
    assert "café crème" in docs(items)[3].body


def test_bad_jsonl_lines_become_rejects():
    items = read("bad_lines.jsonl")
    assert [d.title for d in docs(items)] == ["ok", "row 3", "also ok"]
    assert [r.position for r in rejects(items)] == ["2", "6"]


def test_pdf_impostors_rejected():
    assert "no %PDF header" in read("fake.pdf")[0].reason
    assert "PDF" in read("broken.pdf")[0].reason


def test_text_encodings():
    (latin,) = read("latin1.txt")
    assert latin.title == "Résumé of the café meeting"
    (utf16,) = read("utf16.txt")
    assert "中" in utf16.body and utf16.title == "Title line"


def test_missing_boundary_and_bad_qp():
    (doc,) = read("missing_boundary.eml")
    assert "Text where parts were expected." in doc.body
    (doc,) = read("bad_qp.eml")
    assert "soft breakhere" in doc.body


def test_rfc822_and_rfc2231_attachments():
    (doc,) = read("rfc822_attachment.eml")
    names = [a.name for a in doc.attachments]
    assert names == ["message.eml", "résumé.bin"]
    assert "Inner body text." in doc.attachments[0].text
    assert doc.attachments[1].size == 4


def test_garbage_header_bytes():
    (doc,) = read("garbage_headers.eml")
    assert doc.kind == "email" and "body" in doc.body


def test_missing_path_and_unreadable_file(tmp_path):
    (rej,) = list(read_path(tmp_path / "nope.mbox"))
    assert "no such file" in rej.reason
    locked = tmp_path / "locked.eml"
    locked.write_bytes((FIXTURES / "crlf.eml").read_bytes())
    locked.chmod(0)
    try:
        items = list(read_path(locked))
        if os.access(locked, os.R_OK):  # root reads anything
            assert isinstance(items[0], Document)
        else:
            assert "permission" in items[0].reason
    finally:
        locked.chmod(0o644)


def test_gzip_named_file_that_is_plain(tmp_path):
    path = tmp_path / "plain.mbox.gz"
    path.write_bytes((FIXTURES / "from_lines.mbox").read_bytes())
    assert len(docs(read_path(path))) == 2
    real = tmp_path / "real.eml.gz"
    real.write_bytes(gzip.compress((FIXTURES / "crlf.eml").read_bytes()))
    assert docs(read_path(real))[0].title == "crlf"
