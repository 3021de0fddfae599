"""Email header normalisation: RFC 2047 decoding, addresses, dates to UTC, subjects, message ids.

Works on compat32 header strings (undecoded bytes arrive as surrogate escapes), which is
several times faster than email.policy.default on large archives.
"""
from __future__ import annotations

import base64
import binascii
import re
from datetime import datetime, timedelta, timezone
from email.utils import getaddresses, parsedate_tz

from archivist.corpus.parsed import Address
from archivist.corpus.textcodec import decode_bytes

_ENCODED_WORD = re.compile(r"=\?[^?\s]+\?[bBqQ]\?")
_ENCODED_WORD_FULL = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=")
_ANGLE = re.compile(r"<[^>]*>?")
_LOTUS_DOMAIN = re.compile(r"\s*@[A-Za-z_\-]+\s*$")  # '@ENRON', '@ECT': Notes domains, not mail domains
_X_SPLIT = re.compile(r">\s*,\s*")
_YEAR = re.compile(r"\b(\d{4})\b")
_ADJACENT_WORDS = re.compile(r"\?=\s+=\?")
_SUBJECT_PREFIX = re.compile(
    r"^\s*(?:(?:re|fw|fwd|aw|wg|sv|vs|tr|antw|rif|r)\s*(?:\[\d+\]|\(\d+\))?\s*[:：]\s*|\[[^\]]{0,40}\]\s*)",
    re.IGNORECASE,
)
_SPACES = re.compile(r"\s+")
_SURROGATE = re.compile("[\udc80-\udcff]")
# A bare 'local@domain' token needs no full RFC 5322 parse (the slow part of reading big To: lists).
_SIMPLE_ADDR = re.compile(r"[^\s,\"<>()@;:\[\]]+@[^\s,\"<>()@;:\[\]]+")
_MSGID = re.compile(r"<[^<>\s]+>")
# Years outside this window are placeholders in real archives (Enron has year 0001 and 0002).
# Enron's Notes-to-SMTP conversion wrote 'e-mail <.name@enron.com>' for external recipients.
_PLACEHOLDER_NAMES = {"e-mail", "email", "mail"}
_MIN_YEAR, _MAX_YEAR = 1980, 2100


def unsurrogate(value: str) -> str:
    """Turn compat32's surrogate-escaped raw bytes back into text (UTF-8, else cp1252)."""
    if value.isascii() or not _SURROGATE.search(value):
        return value
    raw = value.encode("ascii", "surrogateescape")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", "replace")


def decode_value(value: object) -> str:
    """A header value as clean one-line text, with RFC 2047 encoded words decoded."""
    if value is None:
        return ""
    text = unsurrogate(str(value))
    if "=?" in text and _ENCODED_WORD.search(text):
        text = _ADJACENT_WORDS.sub("?==?", text)  # whitespace between encoded words is not content
        text = _ENCODED_WORD_FULL.sub(_decode_word, text)
    if "\x00" in text:
        text = text.replace("\x00", "")
    if "\n" in text or "\t" in text or "  " in text or "\r" in text:
        text = _SPACES.sub(" ", text)
    return text.strip()


def _decode_word(match: re.Match) -> str:
    """One =?charset?B|Q?data?= word; unknown charsets and bad data degrade, never raise."""
    charset, mode, data = match.group(1).split("*")[0], match.group(2).upper(), match.group(3)
    try:
        if mode == "B":
            raw = base64.b64decode(data + "=" * (-len(data) % 4))
        else:
            raw = binascii.a2b_qp(data.encode("ascii", "replace"), header=True)
    except (binascii.Error, ValueError):
        return match.group(0)
    return decode_bytes(raw, charset)


def parse_addresses(value: str) -> list[Address]:
    """Parse an address-list header into Address(name, lower-cased address) pairs."""
    if not value:
        return []
    if '"' in value:
        pairs = getaddresses([value])  # quoted names may hold commas: needs the real parser
    else:
        pairs = []
        for token in value.split(","):
            token = token.strip()
            if _SIMPLE_ADDR.fullmatch(token):
                pairs.append(("", token))
            elif token:
                pairs.extend(getaddresses([token]))
    return [a for a in (_address(name, addr) for name, addr in pairs) if a]


def _address(name: str, addr: str) -> Address | None:
    name, addr = name.strip().strip("'\""), addr.strip().strip("'\"").lower()
    if name.lower() in _PLACEHOLDER_NAMES:
        name = ""
    if not addr and not name:
        return None
    if addr and "@" not in addr and not name and " " in addr:
        return Address(name=addr, address="")
    return Address(name=name, address=addr)


def split_x_names(value: str) -> list[str]:
    """Names from an Enron X-From/X-To header ('Last, First <\u002fO=ENRON/...>, ...'), one per entry
    ('' for an entry that is only an address)."""
    if not value:
        return []
    parts = _X_SPLIT.split(value) if "<" in value else value.split(",")
    return [_clean_x_name(_ANGLE.sub("", p)) for p in parts if p.strip()]


def merge_names(addresses: list[Address], x_value: str, recipients: bool = False) -> list[Address]:
    """Give nameless addresses the display names of the matching X- header, when they line up.
    For recipients, an X- header naming more people than the address header (Lotus Notes exports
    drop addresses: "X-To: Joseph P Hirl, Jan-Erland Bekeng@ECT" over "To: joseph.hirl@enron.com",
    or an X-cc with no Cc at all) also gives the people the addresses lost, by name only."""
    names = split_x_names(x_value)
    if recipients and len([n for n in names if n]) > len(addresses):
        return _with_lost_names(addresses, [n for n in names if n])
    if not addresses or len(names) != len(addresses):
        return addresses
    return [a if a.name and not _fragment_of(a.name, n) else Address(name=n or a.name, address=a.address)
            for a, n in zip(addresses, names)]


def _fragment_of(name: str, x_name: str) -> bool:
    """A display name that is one word of the X- header's longer name: 'From: legal <.taylor@enron.com>'
    beside 'X-From: Taylor, Mark E (Legal)' (an export that kept the department, not the person)."""
    words = re.findall(r"[a-z]+", x_name.lower())
    return bool(re.fullmatch(r"[A-Za-z]+", name)) and len(words) > 1 and name.lower() in words


def _surname_in(name: str, address: str) -> bool:
    words = re.findall(r"[a-z]+", name.lower().split(",")[0] if "," in name else name.lower())
    surname = words[0] if "," in name and words else (words[-1] if words else "")
    return len(surname) > 1 and surname in address.split("@")[0]


def _with_lost_names(addresses: list[Address], names: list[str]) -> list[Address]:
    """The people in the X- header's order: each name with the nameless address holding its
    surname, or without an address when none does; addresses no name matched follow."""
    left, out = list(addresses), []
    for name in names:
        at = next((i for i, a in enumerate(left) if _surname_in(name, a.address)), None)
        if at is None:
            out.append(Address(name=name, address=""))
        else:
            a = left.pop(at)
            out.append(a if a.name else Address(name=name, address=a.address))
    return out + left


def _clean_x_name(name: str) -> str:
    """'"Varga, Sue" @ENRON' -> 'Varga, Sue'; an entry that is only an address adds no name."""
    name = _LOTUS_DOMAIN.sub("", name).strip().strip("'\"").strip()
    return "" if "@" in name and " " not in name else name


def parse_date(value: str) -> tuple[datetime | None, bool]:
    """(UTC datetime, ok). ok is False when a date was given but cannot be trusted."""
    if not value:
        return None, True
    try:
        parts = parsedate_tz(value)
    except (TypeError, ValueError, IndexError):
        parts = None
    if not parts or not _MIN_YEAR <= _raw_year(value, parts[0]) <= _MAX_YEAR:
        return None, False
    try:
        offset = parts[9] or 0
        local = datetime(*parts[:6])
        return (local - timedelta(seconds=offset)).replace(tzinfo=timezone.utc), True
    except (ValueError, OverflowError, TypeError):
        return None, False


def _raw_year(value: str, parsed_year: int) -> int:
    # parsedate_tz maps '0001' to 2001; look at the literal year so placeholders are caught.
    match = _YEAR.search(value)
    return int(match.group(1)) if match else parsed_year


def normalise_subject(subject: str) -> str:
    """Strip any number of reply/forward prefixes and list tags; lower-case; squeeze spaces."""
    text = subject or ""
    while True:
        stripped = _SUBJECT_PREFIX.sub("", text, count=1)
        if stripped == text:
            break
        text = stripped
    return _SPACES.sub(" ", text).strip().lower()


def parse_msgid(value: str) -> str:
    """The first <id> in a header, or the stripped value when it has no angle brackets."""
    if not value:
        return ""
    match = _MSGID.search(value)
    return match.group(0) if match else value.strip()


def parse_references(value: str) -> list[str]:
    """Every <id> in a References header, in order."""
    return _MSGID.findall(value or "")
