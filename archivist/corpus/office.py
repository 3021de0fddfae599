"""Zip-based attachments (docx, and the check every zip-based format gets) read on a budget.

A docx is a zip of XML parts. python-docx reads a part whole and builds an lxml tree of it, so a
3 MB docx whose document.xml expands to 1 GB took 15 GB. Here the zip's members are checked
against limits.MAX_UNPACKED_BYTES from the sizes its central directory declares (zipfile never
reads a member past its declared size: a lying header ends in a CRC error), and word/document.xml
is streamed through expat, keeping only the text, at most limits.MAX_DOCUMENT_CHARS of it."""
from __future__ import annotations

import io
import zipfile
from xml.parsers import expat

from archivist.corpus import limits
from archivist.corpus.budget import BudgetExceeded
from archivist.corpus.textcodec import clean_text

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_CHUNK = 1 << 16
_MAX_COLUMNS = 64  # Word's tables have at most 63
# run content that python-docx turns into text (CT_R.text); w:br only when a line break
_RUN_TEXT = {"tab": "\t", "ptab": "\t", "cr": "\n", "noBreakHyphen": "-"}


def open_zip(data: bytes) -> zipfile.ZipFile:
    """The zip in `data`, refused (BudgetExceeded) when its members declare more than
    limits.MAX_UNPACKED_BYTES together."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    total = sum(info.file_size for info in archive.infolist())
    if total > limits.MAX_UNPACKED_BYTES:
        raise BudgetExceeded("bytes unpacked from one zip-based file", limits.MAX_UNPACKED_BYTES)
    return archive


def docx_text(data: bytes) -> str:
    """Paragraphs, then table rows (cells joined by ' | '), of a Word .docx, as python-docx gives
    them (a cell spanning n grid columns is repeated n times, a vertically merged one repeats the
    text of the cell it continues)."""
    with open_zip(data) as archive, archive.open("word/document.xml") as part:
        body = _DocxBody()
        parser = body.parser()
        while chunk := part.read(_CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    return clean_text(body.text()).strip()


class _DocxBody:
    """expat handlers writing the text of body paragraphs and of body tables' rows.

    Only the path of open element names is kept, never a tree, and text goes straight into
    StringIO buffers (not lists of small strings): memory is about the characters kept, which
    limits.MAX_DOCUMENT_CHARS caps, counting each paragraph break and cell separator too."""

    def __init__(self) -> None:
        self.path: list[str] = []
        self.paragraphs, self.rows = io.StringIO(), io.StringIO()  # w:body/w:p; w:body/w:tbl/w:tr
        self.open: list[io.StringIO] = []  # each open paragraph's text (a text box's is inside one)
        self.cell = io.StringIO()  # paragraphs of the body-level cell being read
        self.cells = 0  # written in the row being read
        self.span, self.merged, self.chars = 1, False, 0
        self.above: dict[int, str] = {}  # grid column -> text, for vertically merged cells

    def text(self) -> str:
        return self.paragraphs.getvalue() + self.rows.getvalue()

    def parser(self):
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.StartElementHandler, parser.EndElementHandler = self.start, self.end
        parser.CharacterDataHandler = self.data
        parser.StartDoctypeDeclHandler = _no_dtd  # entities are how XML bombs expand
        parser.buffer_text = True
        return parser

    def start(self, name: str, attrs: dict) -> None:
        local = _local(name)
        self.path.append(local)
        if len(self.path) > limits.MAX_NESTING:
            raise BudgetExceeded("levels of nesting in one XML document", limits.MAX_NESTING)
        if local == "p":
            self.open.append(io.StringIO())
        elif local == "br" and self._in_run() \
                and attrs.get(f"{_W} type", "textWrapping") == "textWrapping":
            self._add("\n")
        elif local in _RUN_TEXT and self._in_run():
            self._add(_RUN_TEXT[local])
        elif local == "gridSpan" and self._cell_property():
            self.span = max(1, min(int(attrs.get(f"{_W} val", "1") or 1), _MAX_COLUMNS))
        elif local == "vMerge" and self._cell_property():
            self.merged = attrs.get(f"{_W} val", "continue") == "continue"
        elif local == "tbl" and self.path[-2:-1] == ["body"]:
            self.above = {}

    def end(self, name: str) -> None:
        where = self.path[:-1]
        local = self.path.pop()
        if local == "p":
            text = self.open.pop().getvalue()
            if where[-1:] == ["body"]:
                self._write(self.paragraphs, text + "\n")
            elif where[-1:] == ["tc"] and self._table_at(where[:-1]):
                self._write(self.cell, ("\n" if self.cell.tell() else "") + text)
            # else a paragraph python-docx does not read (nested table, text box)
        elif local == "tc" and self._table_at(where):
            self._end_cell()
        elif local == "tr" and where[-2:] == ["body", "tbl"]:
            self._write(self.rows, "\n")
            self.cells = 0

    def _end_cell(self) -> None:
        column, own = self.cells, self.cell.getvalue().strip()
        text = self.above.get(column, "") if self.merged else own
        for k in range(self.span):
            if column + k < _MAX_COLUMNS:
                self.above[column + k] = text
            self._write(self.rows, (" | " if self.cells else "") + text)
            self.cells += 1
        self.cell, self.span, self.merged = io.StringIO(), 1, False

    def data(self, text: str) -> None:
        if self.path[-1:] == ["t"] and self._in_run():
            self._add(text)

    def _add(self, text: str) -> None:
        self._write(self.open[-1], text)

    def _write(self, buffer: io.StringIO, text: str) -> None:
        self.chars += len(text) or 1  # an empty cell still costs a step
        if self.chars > limits.MAX_DOCUMENT_CHARS:
            raise BudgetExceeded("characters of text in one document", limits.MAX_DOCUMENT_CHARS)
        buffer.write(text)

    def _in_run(self) -> bool:
        """The open element is a child of w:p/w:r or w:p/w:hyperlink/w:r (what python-docx's
        paragraph text reads)."""
        return self.path[-3:-1] == ["p", "r"] or self.path[-4:-1] == ["p", "hyperlink", "r"]

    def _cell_property(self) -> bool:
        """The open element is in the properties of a body-level table's cell."""
        return self.path[-6:-1] == ["body", "tbl", "tr", "tc", "tcPr"]

    @staticmethod
    def _table_at(where: list[str]) -> bool:
        """`where` is the path of a w:tc of a body-level table: .../body/tbl/tr/tc's parent."""
        return where[-3:] == ["body", "tbl", "tr"]


def _local(name: str) -> str:
    return name.rsplit(" ", 1)[-1]


def _no_dtd(*_args) -> None:
    raise ValueError("a DTD in an Office document (not allowed: entity expansion)")
