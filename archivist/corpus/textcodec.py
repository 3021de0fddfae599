"""Bytes to text without ever failing: declared charset, UTF-8, charset-normalizer, then cp1252/latin-1."""
from __future__ import annotations

import codecs
import re

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# Charsets mail clients declare that Python does not know under that name.
_LATIN_CODEPAGES = {"cp1250", "cp1252", "cp1254", "cp1257", "latin-1", "iso8859-1", "iso8859-2", "iso8859-3",
                    "iso8859-4", "iso8859-9", "iso8859-10", "iso8859-13", "iso8859-14", "iso8859-15",
                    "iso8859-16", "mac-roman", "mac-latin2", "mac-iceland", "mac-turkish", "cp850", "cp437",
                    "ascii"}
_ALIASES = {"ansi_x3.4-1968": "ascii", "x-unknown": "", "unknown-8bit": "", "default": "", "x-user-defined": ""}


def clean_text(text: str) -> str:
    """Normalise newlines and drop NULs and other control characters (keep tab, newline, form feed)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text)


def _known_codec(name: str | None) -> str:
    if not name:
        return ""
    name = name.strip().strip("\"'").lower()
    name = _ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name if name else ""
    except LookupError:
        return ""


def decode_bytes(data: bytes, declared: str | None = None, detect: bool = False) -> str:
    """Decode with the declared charset when it works, else UTF-8, else a detected one or cp1252."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return clean_text(data.decode("utf-16", "replace"))
    for name in (_known_codec(declared), "utf-8"):
        if name:
            try:
                return clean_text(data.decode(name))
            except (UnicodeDecodeError, LookupError):
                pass
    fallback = detect_encoding(data) if detect else "cp1252"
    return clean_text(data.decode(fallback, "replace"))


def detect_encoding(sample: bytes) -> str:
    """Best guess for a byte sample: UTF-8 if it decodes, else charset-normalizer, else cp1252.

    Latin-script code pages are all read as cp1252: on short samples the detector often picks
    cp1250 or mac_roman for plain Western text, and cp1252 is what such files almost always are.
    """
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if _is_utf8(sample):
        return "utf-8-sig" if sample.startswith(codecs.BOM_UTF8) else "utf-8"
    try:
        from charset_normalizer import from_bytes
        best = from_bytes(sample[:200_000]).best()
        name = _known_codec(best.encoding) if best is not None and best.encoding else ""
    except Exception:  # the detector is a heuristic; any failure means use the fallback
        name = ""
    return name if name and name not in _LATIN_CODEPAGES else "cp1252"


def _is_utf8(sample: bytes) -> bool:
    try:
        sample.decode("utf-8")
        return True
    except UnicodeDecodeError as exc:
        # A sample cut inside a multi-byte character is still UTF-8.
        return exc.start >= len(sample) - 3 and exc.reason == "unexpected end of data"
