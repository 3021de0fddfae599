"""Outlook .msg files (and .msg attachments) through extract-msg, into email Documents.

The same fields as a PST item (see outlook.py): transport headers when present, else the message
properties; plain body preferred, HTML converted; attachments with their bytes, an attached
Outlook item re-read as an attached .msg.
"""
from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from archivist.corpus.attachments import MAX_ATTACHMENT_BYTES
from archivist.corpus.parsed import Attachment, Document, Location, Reject
from archivist.corpus.headers import parse_addresses
from archivist.corpus.outlook import OutlookMessage, to_document
from archivist.corpus.textcodec import decode_bytes


def read_msg(path: Path, walk_root: Path | None = None) -> Iterator[Document | Reject]:
    """One .msg file -> one Document (or a Reject)."""
    if path.stat().st_size > MAX_ATTACHMENT_BYTES:
        yield Reject(str(path), "", f"message larger than {MAX_ATTACHMENT_BYTES} bytes")
        return
    yield read_msg_bytes(path.read_bytes(), Location(str(path), "", "", ""))


def read_msg_bytes(data: bytes, location: Location) -> Document | Reject:
    """A .msg held in memory (a file's bytes or an attachment's); never raises."""
    import extract_msg
    try:
        # a stream, never the bytes: olefile takes bytes under 1,536 as a file NAME, so an
        # attachment 'x.msg' holding b'/home/u/other.msg' read that local file as its content
        msg = extract_msg.openMsg(io.BytesIO(data), delayAttachments=False)
    except Exception as exc:  # extract-msg raises many types on damaged or non-mail files
        return Reject(location.path, location.position, f"unreadable .msg: {type(exc).__name__}: {exc}")
    try:
        return to_document(outlook_message(msg), location)
    except Exception as exc:
        return Reject(location.path, location.position, f"unreadable .msg: {type(exc).__name__}: {exc}")
    finally:
        msg.close()


def _str(value) -> str:
    if value is None:
        return ""
    return decode_bytes(value, None) if isinstance(value, bytes) else str(value)


def outlook_message(msg) -> OutlookMessage:
    senders = parse_addresses(_str(getattr(msg, "sender", "")))
    recipients = [(role, a.name, a.address) for role in ("to", "cc", "bcc")
                  for a in parse_addresses(_str(getattr(msg, role, "")))]
    sent, received = _safe(lambda: msg.date), _safe(lambda: msg.receivedTime)
    return OutlookMessage(
        subject=_str(msg.subject), headers=_str(getattr(msg, "headerText", "")),
        sender_name=senders[0].name if senders else "", sender_address=senders[0].address if senders else "",
        recipients=recipients, plain=_str(msg.body), html=_str(_safe(lambda: msg.htmlBody)),
        sent=sent if isinstance(sent, datetime) else None,
        received=received if isinstance(received, datetime) else None,
        message_id=_str(getattr(msg, "messageId", "")), in_reply_to=_str(getattr(msg, "inReplyTo", "")),
        message_class=_str(getattr(msg, "classType", "")),
        attachments=[_attachment(a) for a in msg.attachments])


def _safe(get):
    try:
        return get()
    except Exception:  # a broken optional property (HTML body, times) must not lose the message
        return None


def _attachment(att) -> Attachment:
    name = _str(getattr(att, "longFilename", None) or getattr(att, "shortFilename", None)
                or getattr(att, "displayName", None))
    ctype = _str(getattr(att, "mimetype", None)) or "application/octet-stream"
    data = _safe(lambda: att.data)
    if data is not None and not isinstance(data, bytes):  # an embedded Outlook item
        raw = _safe(lambda: data.exportBytes())
        if isinstance(raw, bytes):
            return Attachment(name=name or "message.msg", content_type="application/vnd.ms-outlook",
                              size=len(raw), data=raw)
        return Attachment(name=name or "embedded message", content_type="application/vnd.ms-outlook-item",
                          size=0)
    data = data or b""
    return Attachment(name=name, content_type=ctype, size=len(data), data=data)
