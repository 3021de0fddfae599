"""One raw RFC 822 message (bytes) -> a normalised email Document, or a Reject when nothing is usable.

Parses with the compat32 policy (about 10x faster than email.policy.default on the Enron set)
and decodes headers itself (see headers.py).
"""
from __future__ import annotations

import email
import re
from email import policy
from email.message import Message

from archivist.corpus.attachments import named_in_text
from archivist.corpus.parsed import Address, Document, Location, Reject
from archivist.corpus.headers import (
    decode_value, merge_names, normalise_subject, parse_addresses, parse_date, parse_msgid,
    parse_references,
)
from archivist.corpus.mime import MimeContent, body_text, extract_content
from archivist.corpus.quoting import split_reply
from archivist.corpus.textcodec import decode_bytes

_HEADER_LINE = re.compile(rb"^[\x21-\x39\x3b-\x7e]+[ \t]*:")
_FOLDER_SPLIT = re.compile(r"[\\/]")
_KNOWN = ("from", "to", "subject", "date", "message-id", "cc", "received", "mime-version",
          "return-path", "delivered-to", "x-from", "reply-to", "sender", "in-reply-to")


def parse_email(raw: bytes, location: Location) -> Document | Reject:
    """Normalise one message; never raises."""
    try:
        return _parse(raw, location)
    except Exception as exc:  # a reader must turn any surprise into a reject row
        return Reject(location.path, location.position, f"unparseable message: {type(exc).__name__}: {exc}")


def looks_like_headers(raw: bytes) -> bool:
    """True when the first lines read like an RFC 822 header block with a known field."""
    lines = raw.lstrip(b"\r\n")[:4096].splitlines()[:20]
    fields = [ln.split(b":", 1)[0].strip().lower().decode("ascii", "replace")
              for ln in lines if _HEADER_LINE.match(ln)]
    return bool(lines) and bool(_HEADER_LINE.match(lines[0])) and any(f in _KNOWN for f in fields)


def _parse(raw: bytes, location: Location) -> Document | Reject:
    if not raw.strip():
        return Reject(location.path, location.position, "empty message")
    if b"\x00" in raw:
        raw = raw.replace(b"\x00", b"")
    msg = email.message_from_bytes(raw, policy=policy.compat32)
    if not msg.keys() and looks_like_headers(raw):
        msg = email.message_from_bytes(raw.lstrip(b"\r\n"), policy=policy.compat32)
    if not msg.keys():
        return Reject(location.path, location.position, "no email headers found")
    content = extract_content(msg)
    text = body_text(content)
    if not text and not msg.is_multipart() and not content.attachments:
        text = decode_bytes(_raw_body(raw), msg.get_content_charset())
    return _document(msg, content, text, location)


def _raw_body(raw: bytes) -> bytes:
    """Bytes after the header block (used when MIME decoding yields nothing)."""
    for sep in (b"\n\n", b"\r\n\r\n"):
        idx = raw.find(sep)
        if idx >= 0:
            return raw[idx + len(sep):]
    return b""


class _Headers:
    """Case-insensitive header lookup built once (Message.get scans every header on each call)."""

    def __init__(self, msg: Message) -> None:
        self.values: dict[str, list[str]] = {}
        self.decoded: dict[str, str] = {}
        for name, value in msg.raw_items():
            self.values.setdefault(name.lower(), []).append(value)

    def get(self, name: str) -> str:
        key = name.lower()
        if key not in self.decoded:
            found = self.values.get(key)
            self.decoded[key] = decode_value(found[0]) if found else ""
        return self.decoded[key]


    def get_all(self, name: str) -> list[str]:
        return [decode_value(v) for v in self.values.get(name.lower(), [])]


def _document(msg: Message, content: MimeContent, text: str, location: Location) -> Document:
    h = _Headers(msg)
    subject = h.get("Subject")
    date_raw = h.get("Date")
    date, date_ok = parse_date(date_raw)
    parts = split_reply(text.strip("\n"))
    senders = _addresses(h, "From", "X-From")
    doc = Document(
        kind="email", body=parts.body, location=_with_folder(location, h),
        title=subject, quoted=parts.quoted, signature=parts.signature,
        message_id=parse_msgid(h.get("Message-ID")),
        sender=senders[0] if senders else None,
        to=_addresses(h, "To", "X-To"), cc=_addresses(h, "Cc", "X-cc"),
        bcc=_addresses(h, "Bcc", "X-bcc"),
        date=date, date_raw=date_raw, date_ok=date_ok, norm_subject=normalise_subject(subject),
        in_reply_to=parse_msgid(h.get("In-Reply-To")),
        references=parse_references(h.get("References")),
        attachments=content.attachments, meta=_meta(msg, h, content),
    )
    named = named_in_text(text)
    if named:  # attachments stripped from the archive, still named in the text
        doc.meta["attachments_named"] = named
    return doc


def _addresses(h: _Headers, field: str, x_field: str) -> list[Address]:
    found = parse_addresses(", ".join(h.get_all(field)))
    return merge_names(found, h.get(x_field), recipients=field != "From")


def _with_folder(location: Location, h: _Headers) -> Location:
    """Fill mailbox/folder from Enron's X-Origin / X-Folder when the container did not say."""
    if location.folder and location.mailbox:
        return location
    folder = location.folder or folder_from_x_folder(h.get("X-Folder"))
    mailbox = location.mailbox or h.get("X-Origin").lower()
    return Location(location.path, location.position, mailbox, folder)


def folder_from_x_folder(value: str) -> str:
    r"""'\Beck, Sally\Beck, Sally\Inbox\Social Stuff' -> 'inbox/social_stuff'."""
    parts = [p.strip() for p in _FOLDER_SPLIT.split(value) if p.strip()]
    if not parts:
        return ""
    lowered = [p.lower() for p in parts]
    start = lowered.index("inbox") if "inbox" in lowered else len(parts) - 1
    return "/".join(p.lower().replace(" ", "_") for p in parts[start:])


def _meta(msg: Message, h: _Headers, content: MimeContent) -> dict:
    meta: dict = {"content_type": msg.get_content_type()}
    for field, key in (("X-Folder", "x_folder"), ("X-Origin", "x_origin"), ("X-FileName", "x_filename")):
        if h.get(field):
            meta[key] = h.get(field)
    defects = [type(d).__name__ for d in msg.defects]
    for part in msg.walk() if msg.is_multipart() else []:
        defects.extend(type(d).__name__ for d in getattr(part, "defects", []))
    if defects:
        meta["defects"] = sorted(set(defects))
    if content.problems:
        meta["problems"] = content.problems
    return meta
