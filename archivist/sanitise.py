"""The one sanitiser for everything archivist shows: document text is data and must not drive the
terminal or the renderer.

`terminal` removes escape sequences (CSI, OSC such as window retitles, DCS/APC/PM strings), lone
ESC, other C0 controls except newline and tab, DEL, C1 controls (0x80-0x9f, e.g. the 8-bit CSI)
and bidi overrides that reorder what is shown. `neutralise` does that and also defuses markdown
links, images, autolinks, bare URLs (http[:]//host) and bare domains (paypa1[.]com/login; a domain
written with look-alike letters also shows its punycode), the visible words staying, for answers.
`json_line` writes one JSON line that stays faithful but escapes the characters a terminal would act
on that JSON does not escape; `deep` applies `terminal` to every string inside dicts and lists.
"""
from __future__ import annotations

import json
import re
from typing import Any

_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"              # CSI ... final byte
    r"|\x1b[\]PX^_][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # OSC / DCS / SOS / PM / APC strings
    r"|\x9b[0-?]*[ -/]*[@-~]"               # 8-bit CSI
    r"|[\x9d\x90\x98\x9e\x9f][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # 8-bit string introducers
    r"|\x1b[ -/]*[0-~]?")                   # any other ESC sequence, or a lone ESC
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_UNSAFE_IN_JSON = re.compile(r"[\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")

_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\((?:[^)]*)\)")
_FENCE_LINE = re.compile(r"^\s*(?:</?\s*(?:documents|notes)\s*>|<<<|>>>)\s*$\n?", re.M | re.I)
_REF_LINK = re.compile(r"^\s*\[[^\]]+\]:\s*\S+.*$", re.M)
_AUTOLINK = re.compile(r"<((?:https?|ftp|file)://[^>\s]+)>", re.I)
_BARE_LINK = re.compile(r"\b(?:https?|ftp|file)://[^\s<>\"')\]]*|\bwww\.[^\s<>\"')\]]+"
                        r"|\b(?:javascript|data|mailto):[^\s<>\"')\]]+", re.I)
_HTML_IMG = re.compile(r"<\s*img\b[^>]*>", re.I)
# A bare domain (evil-corp.example/login, paypa1.com, xn--pypal-4ve.com, one with a Cyrillic 'а'):
# not part of an e-mail address, a path, a URL already defanged or a longer dotted name.
BARE_DOMAIN = re.compile(r"(?<![\w@/\\.\-\]\[:])((?:[^\W_][\w-]*\.)+)([^\W\d_]{2,24}|xn--[\w-]+)"
                         r"(?![\w@-]|\.[^\W_])(/[^\s<>\"')\]]*)?")
# A name ending in these is a file (report.pdf, notes.md), unless a path follows (evil.zip/login).
FILE_TYPES = frozenset("""pdf txt text doc docx xls xlsx xlsm ppt pptx odt ods odp rtf csv tsv json jsonl
ndjson xml htm html msg eml mbox pst nsf zip gz tgz tar rar png jpg jpeg gif bmp tif tiff svg mp3 mp4
wav avi mov exe dll bat sh py js java log md markdown dat bak tmp ini cfg conf yaml yml toml sql db
sqlite vcf ics key pem cer""".split())


def terminal(text: Any) -> str:
    """`text` safe to write to a terminal: no escape sequences or control characters but \\n, \\t."""
    text = "" if text is None else str(text)
    if text.isprintable():
        return text  # the common case, cheap
    text = text.replace("\r\n", "\n")
    return _CONTROLS.sub("", _ESCAPES.sub("", text))


def neutralise(text: str) -> str:
    """Terminal-safe text with no markdown image or link a renderer would fetch or make clickable
    (the visible words stay) and none of our own prompt delimiters."""
    text = terminal(text)
    text = _IMAGE.sub(lambda m: f"(image: {m.group(1) or 'untitled'})", text)
    text = _HTML_IMG.sub("(image)", text)
    text = _LINK.sub(lambda m: m.group(1), text)
    text = _REF_LINK.sub("", text)
    text = _FENCE_LINE.sub("", text)  # a weak model echoes our delimiters
    text = _AUTOLINK.sub(lambda m: m.group(1).replace("://", "[:]//"), text)
    return BARE_DOMAIN.sub(_defang_domain, _BARE_LINK.sub(_defang_one, text))


def is_domain(m: re.Match) -> bool:
    """A BARE_DOMAIN match that names a host, not a file (report.pdf) or a word run together
    (St.Louis: a mixed-case last label)."""
    tld = m.group(2)
    if tld.lower() in FILE_TYPES and not m.group(3):
        return False
    return tld.islower() or tld.isupper() or tld.lower().startswith("xn--")


def bare_domains(text: str) -> list[str]:
    """The bare domains (with their paths) in text."""
    return [m.group(0) for m in BARE_DOMAIN.finditer(text or "") if is_domain(m)]


def _defang_domain(m: re.Match) -> str:
    """'paypa1.com/x' -> 'paypa1[.]com/x'; letters outside ASCII (a Cyrillic 'а' in 'pаypal.com')
    also show the punycode a browser would go to, so the look-alike is visible."""
    if not is_domain(m):
        return m.group(0)
    host = m.group(1) + m.group(2)
    shown = m.group(1)[:-1] + "[.]" + m.group(2) + (m.group(3) or "")
    if host.isascii():
        return shown
    try:
        puny = host.encode("idna").decode("ascii")
    except UnicodeError:  # not a valid international name: still not a link
        return shown
    return f"{shown} (look-alike: {'[.]'.join(puny.rsplit('.', 1))})"


def _defang_one(m: re.Match) -> str:
    s = m.group(0)
    if "://" in s:
        return s.replace("://", "[:]//", 1)
    if s.lower().startswith("www."):
        return s[:3] + "[.]" + s[4:]
    return s.replace(":", "[:]", 1)  # mailto:, javascript:, data:


def json_line(obj: Any) -> str:
    """One JSON line whose strings cannot act on a terminal (C1 and bidi controls escaped)."""
    text = json.dumps(obj, default=str, ensure_ascii=False)
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


def deep(value: Any) -> Any:
    """Every string inside dicts and lists made terminal-safe."""
    if isinstance(value, str):
        return terminal(value)
    if isinstance(value, dict):
        return {terminal(k): deep(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [deep(v) for v in value]
    return value
