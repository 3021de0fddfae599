"""Valid seed inputs, and the way each is laid out on disk, for the fuzz targets beyond plain files
(tests/fuzz_targets.py): whole-file JSON, gzip'd inputs, text and Markdown, Outlook .msg and .pst,
a maildir, and emails carrying each attachment format.

Valid seeds let a few edits reach deep into a parser; a seed of garbage only tests the first check.
Where an input is a container (gzip, a zip, a MIME email), the mutation is applied inside it and
the container built around the result, so the inner parser sees the damage, not only the wrapper."""
from __future__ import annotations

import base64
import functools
import gzip
import io
import json
import zipfile
from pathlib import Path

from tests.attachment_fixtures import docx_bytes, email_with_attachments
from tests.msg_fixture import build_msg
from tests.pdf_fixture import minimal_pdf

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
PST_SAMPLES = ("32-bit.pst", "support.pst")
ROWS = [{"title": "Pipeline memo", "text": "Compressor station 4 is down until Friday.", "score": 3,
         "tags": ["ops", "gas"], "meta": {"site": "Calgary", "ok": True, "ratio": 0.25, "none": None}},
        {"subject": "Lease \u00e9t\u00e9", "body": "Storage lease renewal \u2014 signed.",
         "n": [1, [2, [3]]]}]
CSV = ("name,notes,score\nalpha,\"multi\nline, quoted \"\"note\"\"\",1\nbeta,plain,2\n"
       "d\u00e9lta,caf\u00e9 cr\u00e8me,5\n").encode()
MBOX = (b"From ann@example.org Tue Jan  2 10:00:00 2001\nFrom: ann@example.org\nTo: bob@example.org\n"
        b"Subject: first\nDate: Tue, 2 Jan 2001 10:00:00 -0600\nMessage-ID: <m1@example.org>\n\n"
        b"Body one.\n>From the archive.\n\nFrom bob@example.org Tue Jan  2 11:00:00 2001\n"
        b"From: bob@example.org\nTo: ann@example.org\nSubject: Re: first\nIn-Reply-To: <m1@example.org>\n"
        b"Date: Tue, 2 Jan 2001 11:00:00 -0600\n\n> Body one.\nReply.\n")
TEXT = "Quarterly notes\n\nThe caf\u00e9 meeting moved to Thursday.\n\tIndented line.\n".encode()
MARKDOWN = (b"# Storage lease\n\nSome *emphasis*, a [link](http://x.org) and a list:\n\n- one\n- two\n\n"
            b"## Terms\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```\ncode block\n```\n")
HTML = (b"<html><head><style>p{}</style></head><body><p>Hello <b>Bob</b>,</p><table><tr><td>1</td>"
        b"<td>2</td></tr></table><script>x()</script><p>see the <a href='http://x.org'>report</a>."
        b"</p></body></html>")


def json_seeds() -> tuple[bytes, ...]:
    return (json.dumps(ROWS).encode(), json.dumps(ROWS, indent=2, ensure_ascii=False).encode(),
            json.dumps(ROWS[0], indent=1).encode())


def jsonl_seeds() -> tuple[bytes, ...]:
    return ("\n".join(json.dumps(row) for row in ROWS).encode() + b"\n",)


def text_seeds() -> tuple[bytes, ...]:
    return TEXT, "Title line\n\u00e9 and \u4e2d.\n".encode("utf-16"), "R\u00e9sum\u00e9\n".encode("latin-1")


def markdown_seeds() -> tuple[bytes, ...]:
    return MARKDOWN, TEXT


@functools.cache
def msg_seeds() -> tuple[bytes, ...]:
    sender, to = ("Alice Ng", "alice@example.com"), [("Bob Li", "bob@example.com")]
    headers = ("From: Alice Ng <alice@example.com>\r\nTo: bob@example.com\r\nSubject: Lease\r\n"
               "Message-ID: <msg-1@example.com>\r\nDate: Mon, 3 Feb 2003 09:00:00 +0000\r\n")
    return (build_msg("Lease", "The lease is signed.", sender, to, headers=headers),
            build_msg("Costs", "", sender, to, html="<p>See <b>costs</b>.</p>",
                      attachments=[("costs.csv", "text/csv", b"item,amount\npump,1200\n"),
                                   ("memo.txt", "text/plain", b"A memo.\n")]))


@functools.cache
def pst_seeds() -> tuple[bytes, ...]:
    """The real PST samples in ../shared/data (64 KB and 1 MB), when present."""
    found = [SHARED / "pst_samples" / name for name in PST_SAMPLES]
    return tuple(p.read_bytes() for p in found if p.exists())


def gzip_seeds() -> tuple[bytes, ...]:
    """Compressed inputs whose compressed bytes are mutated (the gzip layer itself)."""
    return gzip.compress(CSV, mtime=0), gzip.compress(MBOX, mtime=0), \
        gzip.compress(json.dumps(ROWS).encode(), mtime=0)


def gzipped(data: bytes) -> bytes:
    """The mutated plain input, compressed: the inner parser reads the damage through gzip."""
    return gzip.compress(data, compresslevel=1, mtime=0)


# Attachments. A seed is b'<file name>\n<bytes>': the name picks the format the reader uses (and
# is fuzzed too); `attached` builds the email around whatever the mutation left.

def named(name: str, data: bytes) -> bytes:
    return name.encode() + b"\n" + data


def attached(data: bytes) -> bytes:
    """A valid email carrying the (mutated) attachment named in the data's first line, written out
    directly (email.generator takes ~70 ms on a 40 KB base64 part: most of an execution)."""
    name, _, payload = data.partition(b"\n")
    name = bytes(c for c in name if c >= 0x20 and c not in b'"\\\x7f') or b"unnamed"
    return (b"From: Alice Ng <alice@example.com>\nTo: bob@example.com\nSubject: Attachment\n"
            b"Date: Mon, 3 Feb 2003 09:00:00 +0000\nMessage-ID: <fuzz-parent@example.com>\n"
            b"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"=-=fuzz-boundary=-=\"\n\n"
            b"--=-=fuzz-boundary=-=\nContent-Type: text/plain; charset=utf-8\n\nSee the attachment.\n"
            b"--=-=fuzz-boundary=-=\nContent-Type: application/octet-stream\n"
            b"Content-Transfer-Encoding: base64\nContent-Disposition: attachment; filename=\""
            + name + b"\"\n\n" + base64.encodebytes(payload) + b"--=-=fuzz-boundary=-=--\n")


def rfc822_attached(data: bytes) -> bytes:
    """A (mutated) message inlined as a message/rfc822 part: the parent's MIME parser reads it."""
    return (b"From: alice@example.com\nTo: bob@example.com\nSubject: Fwd\nMessage-ID: <fwd@x.org>\n"
            b"Date: Mon, 3 Feb 2003 09:00:00 +0000\nMIME-Version: 1.0\n"
            b"Content-Type: multipart/mixed; boundary=\"=-=fuzz-boundary=-=\"\n\n"
            b"--=-=fuzz-boundary=-=\nContent-Type: text/plain\n\nForwarded.\n"
            b"--=-=fuzz-boundary=-=\nContent-Type: message/rfc822\n\n" + data
            + b"\n--=-=fuzz-boundary=-=--\n")


DOCX_PARTS = ("[Content_Types].xml", "_rels/.rels", "word/document.xml")


@functools.cache
def small_docx(document_xml: bytes | None = None) -> bytes:
    """The test docx cut to the parts a reader needs (python-docx's template adds 30 KB of styles
    that mutations would mostly hit without reaching the text), document.xml replaced if given."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx_bytes())) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for part in DOCX_PARTS:
            body = src.read(part)
            dst.writestr(part, document_xml if document_xml is not None and part.startswith("word/")
                         else body)
    return out.getvalue()


def docx_from_xml(data: bytes) -> bytes:
    """A docx whose word/document.xml is the (mutated) data: expat sees the damage, not zipfile."""
    return attached(named("settlement.docx", small_docx.__wrapped__(data)))


@functools.cache
def docx_xml_seeds() -> tuple[bytes, ...]:
    with zipfile.ZipFile(io.BytesIO(docx_bytes())) as archive:
        return (archive.read("word/document.xml"),)


def attachment_seeds(kind: str) -> tuple[bytes, ...]:
    return _ATTACHMENTS[kind]()


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return out.getvalue()


def _unread_formats() -> tuple[bytes, ...]:
    """Formats kept as names only (xlsx, pptx, odt, zip, png): reading must still not fail."""
    sheet = b"<worksheet><sheetData><row><c t='inlineStr'><is><t>1</t></is></c></row></sheetData></worksheet>"
    return (named("costs.xlsx", _zip({"[Content_Types].xml": b"<Types/>",
                                      "xl/worksheets/sheet1.xml": sheet})),
            named("deck.pptx", _zip({"ppt/slides/slide1.xml": b"<p:sld><a:t>Slide</a:t></p:sld>"})),
            named("memo.odt", _zip({"mimetype": b"application/vnd.oasis.opendocument.text",
                                    "content.xml": b"<office:text>Memo</office:text>"})),
            named("bundle.zip", _zip({"a.txt": b"A\n", "b/c.csv": CSV})),
            named("logo.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(17)))


_ATTACHMENTS = {
    "pdf": lambda: (named("invoice.pdf", minimal_pdf(["Invoice 4471", "Total due 18450"])),),
    "docx": lambda: (named("settlement.docx", small_docx()), named("full.docx", docx_bytes())),
    "text": lambda: (named("memo.txt", TEXT), named("notes.md", MARKDOWN), named("run.log", TEXT)),
    "csv": lambda: (named("costs.csv", CSV), named("costs.tsv", CSV.replace(b",", b"\t"))),
    "html": lambda: (named("page.html", HTML), named("ATT00001.htm", b"<html></html>")),
    "eml": lambda: (named("fwd.eml", email_with_attachments()),),
    "msg": lambda: tuple(named("fwd.msg", m) for m in msg_seeds()),
    "other": _unread_formats,
}


def mail_seeds() -> tuple[bytes, ...]:
    """Valid messages: a plain one, one with every readable attachment format."""
    return MBOX.split(b"\n\nFrom bob")[0].split(b"\n", 1)[1], email_with_attachments()


def mbox_seeds() -> tuple[bytes, ...]:
    return (MBOX,)


def csv_seeds() -> tuple[bytes, ...]:
    return (CSV,)
