"""Outlook items (from a PST/OST or a .msg) -> email Documents.

Both readers fill an OutlookMessage from MAPI properties; this module turns it into the same
Document an RFC 822 message gives: transport headers win when present (Message-ID, In-Reply-To,
References, Date, From/To/Cc), the message properties fill what they do not say, the plain body is
preferred and HTML is converted as for email.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from email import policy
from email.parser import HeaderParser

from archivist.corpus.parsed import Address, Attachment, Document, Location
from archivist.corpus.headers import (
    decode_value, normalise_subject, parse_addresses, parse_date, parse_msgid, parse_references,
)
from archivist.corpus.mime import MimeContent, body_text
from archivist.corpus.quoting import split_reply
from archivist.corpus.textcodec import clean_text

# MAPI property tags used by both readers
PR_SUBJECT = 0x0037
PR_SENT_REPRESENTING_NAME = 0x0042
PR_SENT_REPRESENTING_EMAIL = 0x0065
PR_SENDER_NAME = 0x0C1A
PR_SENDER_EMAIL = 0x0C1F
PR_RECIPIENT_TYPE = 0x0C15
PR_INTERNET_MESSAGE_ID = 0x1035
PR_INTERNET_REFERENCES = 0x1039
PR_IN_REPLY_TO = 0x1042
PR_MESSAGE_CLASS = 0x001A
PR_DISPLAY_NAME = 0x3001
PR_EMAIL_ADDRESS = 0x3003
PR_SMTP_ADDRESS = 0x39FE
PR_SENDER_SMTP = 0x5D01
PR_SENT_REPRESENTING_SMTP = 0x5D02
PR_ATTACH_LONG_FILENAME = 0x3707
PR_ATTACH_FILENAME = 0x3704
PR_ATTACH_MIME_TAG = 0x370E
PR_ATTACH_METHOD = 0x3705
ATTACH_EMBEDDED_MSG = 5
ROLES = {1: "to", 2: "cc", 3: "bcc"}


@dataclass
class OutlookMessage:
    subject: str = ""
    headers: str = ""  # the transport headers, when the item came through SMTP
    sender_name: str = ""
    sender_address: str = ""
    recipients: list[tuple[str, str, str]] = field(default_factory=list)  # (role, name, address)
    plain: str = ""
    html: str = ""
    sent: datetime | None = None  # client submit time
    received: datetime | None = None  # delivery time
    message_id: str = ""
    in_reply_to: str = ""
    references: str = ""
    message_class: str = ""
    attachments: list[Attachment] = field(default_factory=list)


def smtp_address(*candidates: str) -> str:
    """The first candidate that is an SMTP address (Exchange DNs like '/O=ORG/...' are not)."""
    for value in candidates:
        value = (value or "").strip().strip("<>'\"")
        if "@" in value and not value.startswith("/"):
            return value.lower()
    return ""


def utc(value: datetime | None) -> datetime | None:
    if value is None or value.year < 1980:  # 1601 and 0 are MAPI's "not set"
        return None
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def to_document(om: OutlookMessage, location: Location) -> Document:
    """A normalised email Document from an Outlook item."""
    h = HeaderParser(policy=policy.compat32).parsestr(om.headers) if om.headers.strip() else None
    get = (lambda name: decode_value(h.get(name) or "")) if h is not None else (lambda name: "")
    date, date_raw, date_ok = _date(get("Date"), om)
    subject = get("Subject") or om.subject
    text = body_text(MimeContent(text=clean_text(om.plain), html=om.html))
    parts = split_reply(text.strip("\n"))
    meta: dict = {"content_type": "application/vnd.ms-outlook"}
    for key, value in (("message_class", om.message_class), ("sent", om.sent), ("received", om.received)):
        if value:
            meta[key] = value.isoformat() if isinstance(value, datetime) else value
    senders = parse_addresses(get("From")) or _sender(om)
    return Document(
        kind="email", body=parts.body, location=location, title=subject, quoted=parts.quoted,
        signature=parts.signature,
        message_id=parse_msgid(get("Message-ID")) or parse_msgid(om.message_id),
        sender=senders[0] if senders else None,
        to=_people(get("To"), om, "to"), cc=_people(get("Cc"), om, "cc"), bcc=_people(get("Bcc"), om, "bcc"),
        date=date, date_raw=date_raw, date_ok=date_ok, norm_subject=normalise_subject(subject),
        in_reply_to=parse_msgid(get("In-Reply-To")) or parse_msgid(om.in_reply_to),
        references=parse_references(get("References") or om.references),
        attachments=om.attachments, meta=meta)


def _date(raw: str, om: OutlookMessage) -> tuple[datetime | None, str, bool]:
    if raw:
        date, ok = parse_date(raw)
        if date is not None:
            return date, raw, ok
    when = utc(om.sent) or utc(om.received)
    return when, when.isoformat() if when else raw, True


def _sender(om: OutlookMessage) -> list[Address]:
    if not (om.sender_name or om.sender_address):
        return []
    return [Address(om.sender_name.strip(), smtp_address(om.sender_address))]


def _people(header: str, om: OutlookMessage, role: str) -> list[Address]:
    """From the header when it names anyone, else from the item's recipient table."""
    found = parse_addresses(header) if header else []
    return found or [Address(name.strip(), smtp_address(addr)) for r, name, addr in om.recipients
                     if r == role and (name or addr)]


def as_rfc822(om: OutlookMessage) -> bytes:
    """An Outlook item as RFC 822 bytes (its transport headers, else headers made from its
    properties; the plain or HTML body), so an embedded item is read like an attached email."""
    from email.message import EmailMessage
    from email.utils import format_datetime, formataddr
    msg = EmailMessage()
    if om.headers.strip():
        parsed = HeaderParser(policy=policy.compat32).parsestr(om.headers)
        for name in ("From", "To", "Cc", "Subject", "Date", "Message-ID", "In-Reply-To", "References"):
            if parsed.get(name):
                msg[name] = decode_value(parsed.get(name)).replace("\n", " ").replace("\r", " ")
    people = {"to": [], "cc": []}
    for role, name, address in om.recipients:
        if role in people:
            people[role].append(formataddr((name, smtp_address(address))))
    fill = {"From": formataddr((om.sender_name, smtp_address(om.sender_address))),
            "To": ", ".join(people["to"]), "Cc": ", ".join(people["cc"]), "Subject": om.subject,
            "Message-ID": om.message_id,
            "Date": format_datetime(utc(om.sent) or utc(om.received)) if (utc(om.sent) or utc(om.received)) else ""}
    for name, value in fill.items():
        if value and name not in msg:
            msg[name] = value
    if om.plain.strip():
        msg.set_content(om.plain)
    else:
        msg.set_content(om.html or "", subtype="html")
    return msg.as_bytes()
