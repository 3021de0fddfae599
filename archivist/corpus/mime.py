"""MIME walking: pick the readable body (text/plain preferred, HTML converted) and list attachments."""
from __future__ import annotations

import binascii
import io
import re
from dataclasses import dataclass, field
from email.message import Message

from archivist.corpus.parsed import Attachment
from archivist.corpus.headers import decode_value
from archivist.corpus.textcodec import clean_text, decode_bytes

_HTML_IN_PLAIN = re.compile(r"^\s*(?:<!doctype html|<html\b|<head\b|<body\b|<table\b|<div\b)", re.I | re.M)
_MAX_ATTACHMENT_TEXT = 200_000  # chars of extracted text kept per attachment


@dataclass
class MimeContent:
    text: str = ""
    html: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def extract_content(msg: Message) -> MimeContent:
    """Walk every part once; the first inline text/plain wins over the first inline text/html."""
    content = MimeContent()
    for part in _leaf_parts(msg):
        try:
            _take_part(part, content)
        except Exception as exc:  # one broken part must not lose the message
            content.problems.append(f"part {part.get_content_type()}: {type(exc).__name__}: {exc}")
    return content


def body_text(content: MimeContent) -> str:
    """The best body: plain text, else HTML rendered to readable text."""
    if content.text.strip():
        if _HTML_IN_PLAIN.search(content.text[:3000]):
            return html_to_text(content.text)  # mislabelled HTML (common in newsletters)
        return content.text
    if content.html.strip():
        return html_to_text(content.html)
    return content.text


def _leaf_parts(msg: Message):
    """Leaves of the MIME tree; message/rfc822 parts are yielded whole (listed as attachments)."""
    if not msg.is_multipart() or msg.get_content_maintype() == "message":
        yield msg
        return
    payload = msg.get_payload()
    for sub in payload if isinstance(payload, list) else []:
        if isinstance(sub, Message):
            yield from _leaf_parts(sub)


def _take_part(part: Message, content: MimeContent) -> None:
    ctype = part.get_content_type()
    maintype = ctype.split("/", 1)[0]
    # get_filename parses every parameter; most parts (all of Enron's) have no name at all.
    named = part.get("Content-Disposition") or "name" in (part.get("Content-Type") or "").lower()
    filename = decode_value(part.get_filename() or "") if named else ""
    disposition = (part.get("Content-Disposition") or "").split(";")[0].strip().lower()
    is_attachment = bool(filename) or disposition == "attachment" or maintype == "message"
    if not is_attachment and ctype == "text/plain" and not content.text:
        content.text = _decode_text_part(part, content)
    elif not is_attachment and ctype == "text/html" and not content.html:
        content.html = _decode_text_part(part, content)
    elif is_attachment or maintype not in ("text", "multipart"):
        content.attachments.append(_attachment(part, ctype, filename, content))


def _payload_bytes(part: Message, content: MimeContent) -> bytes:
    payload = part.get_payload(decode=True)
    if payload is None:
        raw = part.get_payload()
        payload = raw.encode("ascii", "surrogateescape") if isinstance(raw, str) else b""
    cte = (part.get("Content-Transfer-Encoding") or "").strip().lower()
    if cte == "base64" and isinstance(part.get_payload(), str):
        try:
            binascii.a2b_base64(part.get_payload().encode("ascii", "surrogateescape"))
        except (binascii.Error, ValueError):
            content.problems.append("bad base64 in a part; decoded leniently")
    return payload


def _decode_text_part(part: Message, content: MimeContent) -> str:
    return decode_bytes(_payload_bytes(part, content), part.get_content_charset())


def _attachment(part: Message, ctype: str, filename: str, content: MimeContent) -> Attachment:
    if part.get_content_maintype() == "message":
        inner = part.get_payload()
        inner_msg = inner[0] if isinstance(inner, list) and inner else None
        text = _inner_message_text(inner_msg) if isinstance(inner_msg, Message) else ""
        data = inner_msg.as_bytes() if isinstance(inner_msg, Message) else b""
        return Attachment(name=filename or "message.eml", content_type=ctype, size=len(data), text=text,
                          data=data)
    data = _payload_bytes(part, content)
    text = ""
    if part.get_content_maintype() == "text":
        text = decode_bytes(data, part.get_content_charset())
        if ctype == "text/html":
            text = html_to_text(text)
    elif ctype == "application/pdf" or filename.lower().endswith(".pdf"):
        text = pdf_bytes_text(data, content)
    return Attachment(name=filename, content_type=ctype, size=len(data), text=text[:_MAX_ATTACHMENT_TEXT],
                      data=data)


def _inner_message_text(inner: Message) -> str:
    head = "\n".join(f"{k}: {decode_value(inner.get(k))}" for k in ("From", "Date", "Subject") if inner.get(k))
    return f"{head}\n\n{body_text(extract_content(inner))}".strip()


def pdf_bytes_text(data: bytes, content: MimeContent | None = None) -> str:
    """Text layer of a PDF held in memory ('' when it cannot be read)."""
    try:
        from pypdf import PdfReader
        reader = PdfReader(io.BytesIO(data))
        return clean_text("\n\f".join(page.extract_text() or "" for page in reader.pages))
    except Exception as exc:  # pypdf raises many types on broken files
        if content is not None:
            content.problems.append(f"pdf attachment unreadable: {type(exc).__name__}")
        return ""


def html_to_text(html: str) -> str:
    """Readable text from HTML (links inline, no line wrapping)."""
    import html2text
    conv = html2text.HTML2Text()
    conv.body_width = 0
    conv.ignore_images = True
    try:
        return clean_text(conv.handle(html))
    except Exception:  # html2text can choke on pathological markup; fall back to stripping tags
        return clean_text(re.sub(r"<[^>]+>", " ", html))
