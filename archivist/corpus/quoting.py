"""Split an email body into the new text, the quoted/forwarded history and the signature.

Recognises Outlook ('-----Original Message-----', 'From: ... Sent: ...'), Lotus Notes
('----- Forwarded by X on ... -----', 'Name\\n01/02/2001 10:00 AM\\nTo: ...'), Gmail-style
'On ... wrote:' attributions and '>' quoting.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_MARKERS = [
    re.compile(r"^\s*-{2,}\s*original message\s*-{2,}", re.I),
    re.compile(r"^\s*-{2,}\s*forwarded by\b", re.I),
    re.compile(r"^\s*-{2,}\s*forwarded message\s*-{2,}", re.I),
    re.compile(r"^\s*begin forwarded message\s*:", re.I),
    re.compile(r"^\s*-{5,}\s*(?:inline attachment follows|reply separator)\s*-{5,}", re.I),
    re.compile(r"^\s*_{10,}\s*$"),  # Outlook's underscore rule above a reply header block
]
_WROTE = re.compile(r"\b(?:wrote|writes|a écrit|schrieb)\s*:\s*$", re.I)
_ON_START = re.compile(r"^\s*on\s", re.I)
_RULE_NEXT = re.compile(r"^\s*(from|sent|to|date|subject)\s*:", re.I)
_ON_WROTE = re.compile(r"^\s*on\b.{0,200}\bwrote\s*:\s*$", re.I)
_HEADER_FROM = re.compile(r"^\s*\*?from\s*:\*?\s+\S", re.I)
_HEADER_NEXT = re.compile(r"^\s*\*?(sent|date|to|cc|subject)\s*:\*?", re.I)
_LOTUS_TO = re.compile(r"^\s*to\s*:\s*\S", re.I)
_LOTUS_NEAR = re.compile(r"^\s*(cc|subject|bcc)\s*:", re.I)
_LOTUS_DATE = re.compile(r"\d{1,2}/\d{1,2}/\d{2,4}(?:\s+\d{1,2}:\d{2}(?:\s*[AP]M)?)?", re.I)
_PHONE = re.compile(r"(?:\(\d{3}\)\s*|\b\d{3}[-. ])\d{3}[-. ]\d{4}\b|\b(?:tel|phone|fax|cell|mobile)\b", re.I)
_TRIGGER = re.compile(r"^[ \t*]*(?:-{2}|_{10}|begin forwarded|on\s|from\s*:|to\s*:)", re.I | re.M)
_SIG_DELIM = re.compile(r"^(--|__)\s?$")


@dataclass
class ReplyParts:
    body: str
    quoted: str
    signature: str


def split_reply(text: str) -> ReplyParts:
    """Separate new text, history and signature; every input line ends up in one of the three."""
    lines = text.split("\n")
    cut = _history_start(lines)
    new, history = lines[:cut], lines[cut:]
    new, inline_quotes = _pull_gt_quotes(new)
    new, signature = _split_signature(new)
    quoted = "\n".join(inline_quotes + history).strip("\n")
    return ReplyParts("\n".join(new).strip(), quoted, "\n".join(signature).strip())


def _history_start(lines: list[str]) -> int:
    """Index of the first line of quoted/forwarded history, or len(lines)."""
    for i in _trigger_lines(lines):
        line = lines[i]
        if any(m.match(line) for m in _MARKERS) and _looks_like_history(lines, i):
            return i
        if _ON_WROTE.match(line) or _two_line_on_wrote(lines, i):
            return i
        if _HEADER_FROM.match(line) and _header_block(lines, i + 1, _HEADER_NEXT, need=2):
            return i
        if _LOTUS_TO.match(line) and i > 0 and _header_block(lines, i + 1, _LOTUS_NEAR, need=1):
            start = _lotus_block_start(lines, i)
            if start < i:  # a memo's own 'TO:/SUBJECT:' lines have no sender/date block above them
                return start
    return len(lines)


def _trigger_lines(lines: list[str]):
    """Only lines that could open history get the detailed checks (one C-level scan per body)."""
    text = "\n".join(lines)
    line_no, last = 0, 0
    for match in _TRIGGER.finditer(text):
        line_no += text.count("\n", last, match.start())
        last = match.start()
        yield line_no


def _looks_like_history(lines: list[str], i: int) -> bool:
    # A bare underscore rule only counts when a header block follows it.
    if lines[i].strip().startswith("_"):
        return _header_block(lines, i + 1, _RULE_NEXT, need=2)
    return True


def _two_line_on_wrote(lines: list[str], i: int) -> bool:
    line = lines[i]
    if not _ON_START.match(line) or i + 1 >= len(lines) or len(line) > 200:
        return False
    return bool(_WROTE.search(lines[i + 1]))


def _header_block(lines: list[str], start: int, pattern: re.Pattern, need: int) -> bool:
    """True when at least `need` of the next 6 lines match a header-field pattern."""
    window = lines[start:start + 6]
    return sum(1 for line in window if pattern.match(line)) >= need


def _lotus_block_start(lines: list[str], to_index: int) -> int:
    """Lotus Notes puts 'Name' and a date line (or 'Name@X on date') just above 'To:', sometimes
    with a whitespace-only line between; start the history at the top of that little block."""
    j = to_index - 1
    while j >= max(to_index - 3, 0) and not lines[j].strip():
        j -= 1
    if j < 0 or not lines[j].strip() or not (_LOTUS_DATE.search(lines[j]) or "@" in lines[j]):
        return to_index
    start = j
    while start > 0 and start > j - 3 and lines[start - 1].strip():
        start -= 1
    return start


def _pull_gt_quotes(lines: list[str]) -> tuple[list[str], list[str]]:
    """Move '>'-quoted lines (and the '... wrote:' attribution just above them) out of the new text."""
    if not any(line.startswith(">") for line in lines):
        return lines, []
    keep: list[str] = []
    quoted: list[str] = []
    for line in lines:
        if line.startswith(">"):
            _pull_attribution(keep, quoted)
            quoted.append(line)
        else:
            keep.append(line)
    return keep, quoted


def _pull_attribution(keep: list[str], quoted: list[str]) -> None:
    """'"Smith, J" wrote:' (maybe followed by a blank line) introduces the quote that follows it."""
    j = len(keep) - 1
    while j >= 0 and not keep[j].strip() and j >= len(keep) - 2:
        j -= 1
    if j >= 0 and (_ON_WROTE.match(keep[j]) or _WROTE.search(keep[j])):
        quoted.extend(keep[j:])
        del keep[j:]


def _split_signature(lines: list[str]) -> tuple[list[str], list[str]]:
    """Cut a trailing signature: after a '-- ' delimiter, or a short contact block at the end."""
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    for j in range(end - 1, max(end - 16, -1), -1):
        if _SIG_DELIM.match(lines[j]) and j > 0:
            return lines[:j], lines[j + 1:end]
    block_start = end
    while block_start > 0 and lines[block_start - 1].strip():
        block_start -= 1
    block = lines[block_start:end]
    if 0 < block_start and 1 < len(block) <= 6 and all(len(line) <= 80 for line in block):
        if _looks_like_name(block[0]) and any(_PHONE.search(line) for line in block):
            return lines[:block_start], block
    return lines, []


def _looks_like_name(line: str) -> bool:
    """A signature opens with a short name line, not a sentence ('Call me at 555-1234.')."""
    line = line.strip()
    return bool(line) and line[-1] not in ".?!:," and len(line.split()) <= 10
