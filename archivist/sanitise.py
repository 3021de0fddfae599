"""The one sanitiser for everything archivist shows: document text is data and must not drive the
terminal or the renderer.

`terminal` removes escape sequences (CSI, OSC such as window retitles, DCS/APC/PM strings), lone
ESC, other C0 controls except newline and tab, DEL, C1 controls (0x80-0x9f, e.g. the 8-bit CSI)
and bidi overrides that reorder what is shown. `neutralise` does that and also defuses markdown
links, images, autolinks and bare URLs (http[:]//host, the visible words stay), for answers.
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
    return _BARE_LINK.sub(_defang_one, text)


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
