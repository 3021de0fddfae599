"""Records every reader yields: a Document (email, record, text, pdf page set) or a Reject."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Address:
    name: str
    address: str  # lower-cased; may be '' when only a name is known


@dataclass
class Attachment:
    name: str
    content_type: str
    size: int
    text: str = ""  # extracted text when the attachment is text or PDF
    # the raw content, kept only until the ingest has made the attachment a document of its own
    data: bytes = field(default=b"", repr=False, compare=False)

    def record(self) -> dict:
        """What the parent's `attachments` column keeps: the name, type and size (text lives in
        the attachment's own document)."""
        return {"name": self.name, "content_type": self.content_type, "size": self.size}


@dataclass
class Location:
    """Where a document was found: a source file plus a position inside it."""

    path: str  # source file (or maildir root) as given, absolute
    position: str  # mbox message index, maildir-relative file, CSV row, PDF file, ...
    mailbox: str = ""  # e.g. 'beck-s' for Enron; '' for non-email
    folder: str = ""  # e.g. 'inbox/sub'


@dataclass
class Document:
    kind: str  # email | record | text | pdf | attachment
    body: str  # for email: the new text of the message; otherwise the whole text
    location: Location
    title: str = ""  # subject, sample name, file name
    quoted: str = ""  # quoted / forwarded history of an email reply
    signature: str = ""
    message_id: str = ""
    sender: Address | None = None
    to: list[Address] = field(default_factory=list)
    cc: list[Address] = field(default_factory=list)
    bcc: list[Address] = field(default_factory=list)
    date: datetime | None = None  # UTC
    date_raw: str = ""
    date_ok: bool = True  # False when a date header was present but could not be parsed
    norm_subject: str = ""
    in_reply_to: str = ""
    references: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class Reject:
    path: str
    position: str
    reason: str
