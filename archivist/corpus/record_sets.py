"""Record files: CSV/TSV and JSONL (optionally gzip), one Document per row, streamed.

`text_field` names the column holding the text; without it every field is rendered as
'field: value' lines. Other fields are kept in meta; a title comes from a name-like column.
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from archivist.corpus import limits
from archivist.corpus.budget import BudgetExceeded, bounded_lines
from archivist.corpus.parsed import Document, Location, Reject
from archivist.corpus.sniff import open_binary, read_sample
from archivist.corpus.textcodec import clean_text, detect_encoding

TITLE_FIELDS = ("sample_name", "title", "subject", "name", "headline")
_SAMPLE = 256 * 1024
_DECODER = json.JSONDecoder()


def open_text(path: Path) -> io.TextIOWrapper:
    """A text stream over the (decompressed) file with a detected encoding; bad bytes replaced."""
    encoding = detect_encoding(read_sample(path, _SAMPLE))
    return io.TextIOWrapper(open_binary(path), encoding=encoding, errors="replace", newline="")


def read_delimited(path: Path, kind: str, text_field: str | None = None) -> Iterator[Document | Reject]:
    """One Document per CSV/TSV data row; position is the 1-based data row number.

    Lines and cells are capped at limits.MAX_FIELD_CHARS while they are read (clinical notes and
    legal documents exceed csv's 128 KiB default, a gzip'd 1 GB cell must not be held whole)."""
    csv.field_size_limit(limits.MAX_FIELD_CHARS)
    with open_text(path) as stream:
        delimiter = "\t" if kind == "tsv" else _guess_delimiter(stream)
        lines = bounded_lines(stream, limits.MAX_FIELD_CHARS, "characters in one CSV line")
        reader = csv.DictReader(lines, delimiter=delimiter)
        fields = reader.fieldnames or []
        if not fields:
            yield Reject(str(path), "", "no header row")
            return
        if text_field and text_field not in fields:
            yield Reject(str(path), "", f"text field {text_field!r} not among the columns {fields}")
            return
        yield from _rows(path, reader, text_field)


def _rows(path: Path, reader: csv.DictReader, text_field: str | None) -> Iterator[Document | Reject]:
    """Rows until the end; a malformed row becomes a Reject and reading goes on."""
    number, errors = 0, 0
    while errors < 100:
        number += 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "field limit" in str(exc):  # the rest of a cut cell would be read as rows
                raise BudgetExceeded("characters in one CSV cell", limits.MAX_FIELD_CHARS,
                                     f"row {number}") from None
            errors += 1
            yield Reject(str(path), str(number), f"malformed CSV row: {exc}")
            continue
        yield make_record(path, str(number), _clean_row(row), text_field)
    yield Reject(str(path), str(number), "too many malformed rows; stopped reading this file")


def _guess_delimiter(stream: io.TextIOWrapper) -> str:
    """Comma unless the header line has more tabs (or semicolons) than commas."""
    header = stream.buffer.peek(4096)[:4096].split(b"\n", 1)[0] if hasattr(stream.buffer, "peek") else b""
    counts = {d: header.count(d.encode()) for d in (",", "\t", ";")}
    return max(counts, key=lambda d: (counts[d], d == ","))


def _clean_row(row: dict) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in row.items():
        if key is None:  # more cells than header names
            out["_extra"] = [clean_text(v) for v in value]
        else:
            out[clean_text(key).strip()] = clean_text(value) if isinstance(value, str) else ""
    return out


def read_jsonl(path: Path, text_field: str | None = None) -> Iterator[Document | Reject]:
    """One Document per JSON line; position is the 1-based line number; bad lines become Rejects.
    A whole-file JSON array (or one pretty-printed object) is read as records too."""
    if _is_whole_json(path):
        yield from _read_whole_json(path, text_field)
        return
    with open_text(path) as stream:
        lines = bounded_lines(stream, limits.MAX_JSON_RECORD_CHARS, "characters in one JSON line")
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except (ValueError, RecursionError) as exc:
                yield Reject(str(path), str(number), f"invalid JSON: {exc}")
                continue
            problem = nesting_problem(value)
            yield Reject(str(path), str(number), problem) if problem else \
                _json_record(path, str(number), value, text_field)


def _json_record(path: Path, position: str, value: Any, text_field: str | None) -> Document | Reject:
    row = value if isinstance(value, dict) else {"value": value}
    if text_field and text_field not in row:
        return Reject(str(path), position, f"text field {text_field!r} missing in this record")
    return make_record(path, position, row, text_field)


def _is_whole_json(path: Path) -> bool:
    """An array, or an object spread over several lines (the first line alone is not valid JSON)."""
    head = read_sample(path, 65_536).lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"["):
        return True
    first = head.split(b"\n", 1)[0]
    if not first.startswith(b"{"):
        return False
    try:
        json.loads(first)
        return False
    except ValueError:
        return b"\n" in head


def _read_whole_json(path: Path, text_field: str | None) -> Iterator[Document | Reject]:
    """The elements of a top-level array (or the one object) parsed one at a time, so memory is
    bounded by the largest element, not by the file."""
    with open_text(path) as stream:
        values = JsonValues(stream)
        for number, value in enumerate(values, start=1):
            yield _json_record(path, str(number), value, text_field)
        if values.problem:
            yield Reject(str(path), str(values.count + 1), values.problem)


class JsonValues:
    """Iterates the values of a whole-file JSON document read in chunks: each element of a
    top-level array, or the document itself. An element longer than limits.MAX_JSON_RECORD_CHARS
    raises BudgetExceeded; invalid JSON ends the iteration with `problem` set."""

    CHUNK = 1 << 20

    def __init__(self, stream: io.TextIOWrapper):
        self.stream, self.buf, self.pos, self.eof = stream, "", 0, False
        self.count, self.problem = 0, ""

    def __iter__(self) -> Iterator[Any]:
        self._skip(" \t\r\n\ufeff")
        if not self._at("["):
            value = self._value()
            if not self.problem:
                yield value
            return
        self.pos += 1
        while not self.problem:
            self._skip(" \t\r\n")
            if self._at("]") or (self.count and not self._comma()):
                return
            value = self._value()
            if self.problem:
                return
            yield value

    def _comma(self) -> bool:
        """Past the ',' between two elements; a missing one is a problem."""
        if self._at(","):
            self.pos += 1
            self._skip(" \t\r\n")
            return True
        self.problem = f"invalid JSON: ',' or ']' expected after element {self.count}"
        return False

    def _value(self) -> Any:
        """The next value whole; more is read only while it is cut off at the buffer's end."""
        while True:
            try:
                value, end = _DECODER.raw_decode(self.buf, self.pos)
                if end < len(self.buf) or self.eof:  # '12' cut off from '345' must read on
                    self.pos, self.count = end, self.count + 1
                    self.problem = nesting_problem(value)
                    return value
            except RecursionError as exc:
                self.problem = f"invalid JSON: {exc}"
                return None
            except ValueError as exc:
                if self.eof:
                    self.problem = f"invalid JSON: {exc}"
                    return None
            self._fill()

    def _fill(self) -> None:
        """Read as much again as is pending (so retrying a long element stays linear)."""
        self.buf, self.pos = self.buf[self.pos:], 0
        if len(self.buf) > limits.MAX_JSON_RECORD_CHARS:
            raise BudgetExceeded("characters in one JSON record", limits.MAX_JSON_RECORD_CHARS,
                                 f"record {self.count + 1}")
        data = self.stream.read(max(self.CHUNK, len(self.buf)))
        self.eof = not data
        self.buf += data

    def _skip(self, chars: str) -> None:
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in chars:
                self.pos += 1
            if self.pos < len(self.buf) or self.eof:
                return
            self._fill()

    def _at(self, char: str) -> bool:
        return self.buf.startswith(char, self.pos)


def nesting_problem(value: Any) -> str:
    """Why `value` cannot be a record: its arrays and objects nest deeper than limits.MAX_NESTING
    ('' when they do not). Checked level by level, so a deep one stops at the cap."""
    level, depth = [value], 0
    while level:
        depth += 1
        if depth > limits.MAX_NESTING:
            return f"JSON nested more than {limits.MAX_NESTING} levels deep (the nesting budget)"
        level = [c for v in level if isinstance(v, (list, dict))
                 for c in (v.values() if isinstance(v, dict) else v) if isinstance(c, (list, dict))]
    return ""


def make_record(path: Path, position: str, row: dict[str, Any], text_field: str | None) -> Document:
    """Build the record Document: body from text_field (or all fields), the rest as meta."""
    text = _as_text(row.get(text_field)) if text_field else ""
    meta = {k: v for k, v in row.items() if k != text_field}
    if not text.strip():
        text = render_fields(row if not text_field else meta)
        if text_field:
            meta["text_field_empty"] = True
    return Document(kind="record", body=text, location=Location(str(path), position),
                    title=_title(row, position), meta=meta)


def render_fields(row: dict[str, Any]) -> str:
    """'field: value' lines for every non-empty field."""
    return "\n".join(f"{k}: {_as_text(v)}" for k, v in row.items() if _as_text(v).strip())


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _title(row: dict[str, Any], position: str) -> str:
    lowered = {str(k).lower(): k for k in row}
    for name in TITLE_FIELDS:
        if name in lowered:
            value = _as_text(row[lowered[name]]).strip()
            if value:
                return value[:200]
    return f"row {position}"
