"""Outlook PST/OST files through libpff (PyPI libpff-python, import pypff), streamed.

Folders are walked depth first and items read one at a time (libpff reads the file on demand, so
memory stays bounded on a multi-GB file). Each item's folder path is its location: position
'<folder path>#<item index>', folder '<folder path>', mailbox the file's stem. A corrupt folder or
item becomes a Reject naming both, and the walk goes on. Attachment bytes are read only for the
types read as documents (see attachments.py), and never past the size cap; an embedded item is
re-written as RFC 822 and read as an attached email.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from archivist.corpus.attachments import MAX_ATTACHMENT_BYTES, attachment_format
from archivist.corpus.parsed import Attachment, Document, Location, Reject
from archivist.corpus.outlook import (
    ATTACH_EMBEDDED_MSG, PR_ATTACH_FILENAME, PR_ATTACH_LONG_FILENAME, PR_ATTACH_METHOD,
    PR_ATTACH_MIME_TAG, PR_DISPLAY_NAME, PR_EMAIL_ADDRESS, PR_IN_REPLY_TO, PR_INTERNET_MESSAGE_ID,
    PR_INTERNET_REFERENCES, PR_MESSAGE_CLASS, PR_RECIPIENT_TYPE, PR_SENDER_EMAIL, PR_SENDER_SMTP,
    PR_SENT_REPRESENTING_EMAIL, PR_SENT_REPRESENTING_SMTP, PR_SMTP_ADDRESS, ROLES, OutlookMessage,
    as_rfc822, to_document,
)
from archivist.corpus.textcodec import decode_bytes

_STRING_TYPES = (0x001E, 0x001F)


def read_pst(path: Path) -> Iterator[Document | Reject]:
    """Every item of every folder of a PST/OST as a Document, or a Reject."""
    import pypff

    pst = pypff.file()
    try:
        pst.open(str(path))
    except Exception as exc:  # libpff raises IOError with its own message on damaged files
        yield Reject(str(path), "", f"unreadable PST/OST: {type(exc).__name__}: {exc}")
        return
    try:
        yield from _walk(pst.get_root_folder(), "", path, path.stem)
    finally:
        pst.close()


def _walk(folder, folder_path: str, path: Path, mailbox: str) -> Iterator[Document | Reject]:
    n_items = _count(folder, "number_of_sub_messages")
    if isinstance(n_items, Reject):
        yield Reject(str(path), f"{folder_path}#", f"corrupt folder {folder_path!r}: {n_items.reason}")
        n_items = 0
    for index in range(n_items):
        position = f"{folder_path}#{index}"
        try:
            om = outlook_message(folder.get_sub_message(index))
            yield to_document(om, Location(str(path), position, mailbox, folder_path))
        except Exception as exc:  # one corrupt item must not end the walk
            yield Reject(str(path), position, f"corrupt item {index} in folder {folder_path!r}: "
                                              f"{type(exc).__name__}: {exc}")
    n_folders = _count(folder, "number_of_sub_folders")
    if isinstance(n_folders, Reject):
        yield Reject(str(path), f"{folder_path}/", f"sub-folders of {folder_path!r} unreadable: "
                                                   f"{n_folders.reason}")
        n_folders = 0
    for index in range(n_folders):
        try:
            sub = folder.get_sub_folder(index)
            name = (sub.name or f"folder {index}").replace("/", "_")
        except Exception as exc:
            yield Reject(str(path), f"{folder_path}/#{index}", f"corrupt sub-folder {index} of "
                                                               f"{folder_path!r}: {exc}")
            continue
        yield from _walk(sub, f"{folder_path}/{name}" if folder_path else name, path, mailbox)


def _count(folder, attribute: str) -> int | Reject:
    try:
        return int(getattr(folder, attribute))
    except Exception as exc:  # libpff raises OSError on damaged index nodes
        return Reject("", "", f"{type(exc).__name__}: {exc}")


def properties(item) -> dict[int, object]:
    """entry type -> value (strings decoded, others raw bytes) of an item's first record set."""
    props: dict[int, object] = {}
    if not item.number_of_record_sets:
        return props
    record = item.get_record_set(0)
    for i in range(record.number_of_entries):
        entry = record.get_entry(i)
        try:
            if entry.value_type in _STRING_TYPES:
                props[entry.entry_type] = entry.get_data_as_string() or ""
            else:
                props[entry.entry_type] = entry.data
        except Exception:  # one unreadable property is not worth the item
            continue
    return props


def _text(value) -> str:
    if value is None:
        return ""
    return decode_bytes(value, None) if isinstance(value, bytes) else str(value)


def outlook_message(item) -> OutlookMessage:
    props = properties(item)
    s = lambda tag: str(props.get(tag) or "")  # noqa: E731
    return OutlookMessage(
        subject=_text(item.subject), headers=_text(item.transport_headers),
        sender_name=_text(item.sender_name),
        sender_address=next((s(t) for t in (PR_SENDER_SMTP, PR_SENT_REPRESENTING_SMTP, PR_SENDER_EMAIL,
                                             PR_SENT_REPRESENTING_EMAIL) if "@" in s(t)), ""),
        recipients=_recipients(item), plain=_text(item.plain_text_body), html=_text(item.html_body),
        sent=item.client_submit_time, received=item.delivery_time,
        message_id=s(PR_INTERNET_MESSAGE_ID), in_reply_to=s(PR_IN_REPLY_TO),
        references=s(PR_INTERNET_REFERENCES), message_class=s(PR_MESSAGE_CLASS),
        attachments=[_attachment(item.get_attachment(i)) for i in range(item.number_of_attachments)])


def _recipients(item) -> list[tuple[str, str, str]]:
    table = item.recipients
    out = []
    for i in range(table.number_of_record_sets if table is not None else 0):
        record = table.get_record_set(i)
        props = {}
        for j in range(record.number_of_entries):
            entry = record.get_entry(j)
            if entry.entry_type in (PR_DISPLAY_NAME, PR_SMTP_ADDRESS, PR_EMAIL_ADDRESS):
                props[entry.entry_type] = entry.get_data_as_string() or ""
            elif entry.entry_type == PR_RECIPIENT_TYPE and entry.data:
                props[entry.entry_type] = int.from_bytes(entry.data[:4], "little")
        role = ROLES.get(int(props.get(PR_RECIPIENT_TYPE, 1)), "to")
        address = props.get(PR_SMTP_ADDRESS) or props.get(PR_EMAIL_ADDRESS) or ""
        out.append((role, str(props.get(PR_DISPLAY_NAME) or ""), str(address)))
    return out


def _attachment(att) -> Attachment:
    props = properties(att)
    name = str(props.get(PR_ATTACH_LONG_FILENAME) or props.get(PR_ATTACH_FILENAME)
               or props.get(PR_DISPLAY_NAME) or "")
    ctype = str(props.get(PR_ATTACH_MIME_TAG) or "application/octet-stream")
    method = props.get(PR_ATTACH_METHOD)
    if isinstance(method, bytes) and int.from_bytes(method[:4], "little") == ATTACH_EMBEDDED_MSG:
        return _embedded(att, name)
    size = int(att.size or 0)
    result = Attachment(name=name, content_type=ctype, size=size)
    if size and size <= MAX_ATTACHMENT_BYTES and attachment_format(result) is not None:
        att.seek_offset(0, 0)
        result.data = att.read_buffer(size)
    return result


def _embedded(att, name: str) -> Attachment:
    """An embedded Outlook item (a message forwarded as an attachment), re-written as RFC 822 so it
    is read like any attached email; a name only when libpff cannot give the item."""
    try:
        item = att.get_sub_item(0) if att.number_of_sub_items else None
        raw = as_rfc822(outlook_message(item)) if item is not None else b""
    except Exception:  # not every libpff build exposes the embedded item
        raw = b""
    if not raw:
        return Attachment(name=name or "embedded message", content_type="application/vnd.ms-outlook-item",
                          size=0)
    return Attachment(name=name or "message.eml", content_type="message/rfc822", size=len(raw), data=raw)
