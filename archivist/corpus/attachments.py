"""Attachments as documents of their own.

PDF, DOCX, plain text, CSV, HTML and attached emails (.eml, message/rfc822, Outlook .msg) become
'attachment' documents linked to their parent message; other types (images, archives, keys) stay
names in the parent's `attachments` list. An attachment is identified by the hash of its bytes, so
the same contract attached to 40 emails is stored once and linked 40 times (see writer.Writer).
"""
from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from archivist.corpus.budget import BudgetExceeded
from archivist.corpus.parsed import Attachment, Document, Location, Reject
from archivist.corpus.office import docx_text
from archivist.corpus.textcodec import clean_text, decode_bytes

MAX_ATTACHMENT_BYTES = 64 * 1024 * 1024  # as for a single message file
MAX_DEPTH = 3  # attached emails inside attached emails are followed this deep
# '<< File: memo.doc >>', '<<SUMMARY.xls>>': Lotus Notes / Outlook markers left in the text where
# an attachment was (the Enron set keeps these, not the files)
_NAMED = re.compile(r"<<\s*(?:File:\s*)?([^<>\n:]{1,120}?\.[A-Za-z][A-Za-z0-9]{1,4})\s*>>")
_DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class Format(StrEnum):
    """What an attachment is read as (meta['format'] of its document)."""

    PDF = "pdf"
    DOCX = "docx"
    TEXT = "text"
    CSV = "csv"
    HTML = "html"
    EMAIL = "email"  # .eml or message/rfc822
    MSG = "msg"  # an Outlook .msg


_BY_EXT = {".pdf": Format.PDF, ".docx": Format.DOCX, ".txt": Format.TEXT, ".text": Format.TEXT,
           ".md": Format.TEXT, ".log": Format.TEXT, ".csv": Format.CSV, ".tsv": Format.CSV,
           ".htm": Format.HTML, ".html": Format.HTML, ".eml": Format.EMAIL, ".msg": Format.MSG}
_BY_TYPE = {"application/pdf": Format.PDF, _DOCX_TYPE: Format.DOCX, "text/plain": Format.TEXT,
            "text/csv": Format.CSV, "text/tab-separated-values": Format.CSV, "text/html": Format.HTML,
            "message/rfc822": Format.EMAIL, "application/vnd.ms-outlook": Format.MSG}


@dataclass
class Child:
    """One attachment of a parent message and what it became."""

    ord: int  # position among the parent's attachments
    attachment: Attachment
    item: Document | Reject


def attachment_format(att: Attachment) -> Format | None:
    """The format an attachment is read as, from its name first, then its content type."""
    name = att.name.lower()
    ext = name[name.rfind("."):] if "." in name else ""
    if ext in _BY_EXT:
        return _BY_EXT[ext]
    if att.data[:5] == b"%PDF-":
        return Format.PDF
    return _BY_TYPE.get(att.content_type.lower().split(";")[0].strip())


def named_in_text(text: str) -> list[str]:
    """File names of attachments the text marks where they were removed, each once, in order."""
    if "<<" not in text:
        return []
    return list(dict.fromkeys(m.group(1).strip() for m in _NAMED.finditer(text)))


def data_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def attachment_children(parent: Document) -> Iterator[Child]:
    """Every readable attachment of `parent` as a Document; over-cap or unreadable ones as Rejects."""
    for ord_, att in enumerate(parent.attachments):
        fmt = attachment_format(att)
        if fmt is None or not (att.data or att.size):
            continue
        loc = Location(parent.location.path, f"{parent.location.position}#att{ord_}",
                       parent.location.mailbox, parent.location.folder)
        if max(att.size, len(att.data)) > MAX_ATTACHMENT_BYTES:
            yield Child(ord_, att, Reject(loc.path, loc.position, f"attachment {att.name!r} larger "
                                          f"than {MAX_ATTACHMENT_BYTES} bytes"))
            continue
        try:
            item = _read(fmt, att, loc)
        except BudgetExceeded as exc:
            item = Reject(loc.path, loc.position, f"attachment {att.name!r}: {exc}")
        except Exception as exc:  # a broken attachment must not lose its message
            item = Reject(loc.path, loc.position, f"attachment {att.name!r}: unreadable {fmt}: "
                                                  f"{type(exc).__name__}: {exc}")
        if item is None:
            continue
        if isinstance(item, Document):
            _describe(item, fmt, att, parent)
        yield Child(ord_, att, item)


def _describe(doc: Document, fmt: Format, att: Attachment, parent: Document) -> None:
    """Make a read attachment an 'attachment' document that says what it is attached to."""
    if fmt in (Format.EMAIL, Format.MSG) and doc.title:
        doc.meta["subject"] = doc.title
    doc.kind, doc.title = "attachment", att.name or doc.title
    doc.norm_subject = ""
    doc.meta.update({"format": str(fmt), "attachment_name": att.name, "content_type": att.content_type,
                     "size": len(att.data) or att.size, "data_sha256": data_hash(att.data),
                     "attached_to": parent.message_id, "parent_title": parent.title})
    if doc.date is None:
        doc.date, doc.date_raw = parent.date, parent.date_raw
    if fmt not in (Format.EMAIL, Format.MSG):
        # an attached file speaks for its sender: filters by person and mailbox find it
        doc.sender, doc.to, doc.cc = parent.sender, list(parent.to), list(parent.cc)


def _read(fmt: Format, att: Attachment, loc: Location) -> Document | Reject | None:
    if fmt == Format.PDF:
        return _pdf(att, loc)
    if fmt == Format.DOCX:
        return _text_doc(docx_text(att.data), att, loc)
    if fmt == Format.EMAIL:
        from archivist.corpus.mail import parse_email
        return parse_email(att.data, loc)
    if fmt == Format.MSG:
        from archivist.corpus.msg import read_msg_bytes
        return read_msg_bytes(att.data, loc)
    text = att.text or decode_bytes(att.data, None)
    if fmt == Format.HTML and not att.text:
        from archivist.corpus.mime import html_to_text
        text = html_to_text(text)
    return _text_doc(clean_text(text), att, loc)


def _text_doc(text: str, att: Attachment, loc: Location) -> Document | None:
    if not text.strip():
        return None  # an empty text or a placeholder (Apple Mail's ATT00001.htm): a name only
    return Document(kind="attachment", body=text, location=loc, title=att.name)


def _pdf(att: Attachment, loc: Location) -> Document | Reject:
    from pypdf import PdfReader

    from archivist.corpus.pdfs import join_pages
    reader = PdfReader(io.BytesIO(att.data))
    if reader.is_encrypted and not reader.decrypt(""):
        return Reject(loc.path, loc.position, f"attachment {att.name!r}: encrypted PDF")
    pages = list(reader.pages)
    body, offsets, failed = join_pages(pages)
    if not body.replace("[page", "").strip(" \n]0123456789"):
        return Reject(loc.path, loc.position, f"attachment {att.name!r}: PDF has no text layer "
                                              f"({len(pages)} pages)")
    meta: dict = {"pages": len(pages), "page_offsets": offsets}
    if failed:
        meta["failed_pages"] = failed
    return Document(kind="attachment", body=body, location=loc, title=att.name, meta=meta)
