"""Bombs built here (a docx whose XML expands to ~1 GB, a .json.gz of small objects, a .csv.gz with
a 1 GB cell, a JSON line holding a huge integer array, a whole-file integer array) are ingested in
a child process; each must end in a reject naming the file and the budget, and the child's peak
resident memory (VmHWM of /proc/self/status: its own, where ru_maxrss would start from the
parent's size at fork) must stay at or under 500 MB.

The child also runs under an address-space limit, so code that does not keep to its budgets
fails with MemoryError instead of taking the shared machine's memory."""
from __future__ import annotations

import gzip
import io
import json
import os
import subprocess
import sys
import zipfile
from email.message import EmailMessage
from pathlib import Path

import pytest

from archivist.corpus import limits
from archivist.corpus.office import docx_text
from tests.attachment_fixtures import docx_bytes

PEAK_MB = 500
ADDRESS_SPACE = 3 * 1024 ** 3  # the child's safety net, well above PEAK_MB
ROOT = Path(__file__).resolve().parents[1]

_CHILD = r"""
import json, resource, sys
from pathlib import Path
resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[3]), int(sys.argv[3])))
from archivist.corpus import limits
for pair in json.loads(sys.argv[4]).items():
    setattr(limits, *pair)
from archivist.corpus.ingest import ingest_paths
from archivist.store import Store
with Store(Path(sys.argv[2])) as store:
    summary = ingest_paths(store, [Path(sys.argv[1])])
    rejects = [r[0] for r in store.conn.execute("SELECT path || ' @ ' || position || ': ' || reason "
                                                 "FROM rejects")]
peak_kb = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(json.dumps({"read": summary.read, "rejects": rejects, "attachments": summary.attachments,
                  "peak_mb": peak_kb / 1024}))
"""


def ingest_in_child(path: Path, tmp_path: Path, **caps) -> dict:
    """Ingest `path` into a new store in a child process (with `caps` set in limits); its result
    and its peak RSS in MB. The peak is printed, so it lands in the test log too."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", _CHILD, str(path), str(tmp_path / "b.db"),
                           str(ADDRESS_SPACE), json.dumps(caps)],
                          capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"{path.name}: peak RSS {result['peak_mb']:.0f} MB; rejects {result['rejects']}")
    return result


def docx_bomb(xml_bytes: int) -> bytes:
    """A real docx whose word/document.xml is replaced by `xml_bytes` of paragraphs (deflate
    shrinks it about 1000 times)."""
    source = zipfile.ZipFile(io.BytesIO(docx_bytes()))
    out = io.BytesIO()
    paragraph = b"<w:p><w:r><w:t>" + b"a" * 4000 + b"</w:t></w:r></w:p>"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in source.infolist():
            if info.filename != "word/document.xml":
                bomb.writestr(info, source.read(info))
        with bomb.open("word/document.xml", "w") as part:
            part.write(b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/'
                       b'2006/main"><w:body>')
            for _ in range(xml_bytes // len(paragraph)):
                part.write(paragraph)
            part.write(b"</w:body></w:document>")
    return out.getvalue()


def zip_bomb(member: str, size: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb, bomb.open(member, "w") as part:
        block = b"0" * (1 << 20)
        for _ in range(size // len(block)):
            part.write(block)
    return out.getvalue()


def test_docx_expanding_to_a_gigabyte_is_rejected_in_bounded_memory(tmp_path):
    bomb = docx_bomb(1 << 30)
    assert len(bomb) < 8 * 1024 * 1024  # a few MB on disk, a GB unpacked
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "a@example.com", "b@example.com", "Q3 report"
    msg["Date"], msg["Message-ID"] = "Mon, 03 Feb 2003 09:00:00 +0000", "<bomb@example.com>"
    msg.set_content("The report is attached.\n")
    word = "vnd.openxmlformats-officedocument.wordprocessingml.document"
    msg.add_attachment(bomb, maintype="application", subtype=word, filename="report.docx")
    # zip-based kinds not read as text stay names: never unpacked, so never a bomb
    msg.add_attachment(zip_bomb("xl/worksheets/sheet1.xml", 64 << 20), maintype="application",
                       subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       filename="numbers.xlsx")
    msg.add_attachment(zip_bomb("big.bin", 64 << 20), maintype="application", subtype="zip",
                       filename="all.zip")
    path = tmp_path / "bomb.eml"
    path.write_bytes(msg.as_bytes())
    result = ingest_in_child(path, tmp_path)
    assert result["read"] == 1  # the message itself is kept
    [reason] = result["rejects"]
    assert str(path) in reason and "report.docx" in reason
    assert f"more than {limits.MAX_UNPACKED_BYTES:,} bytes unpacked" in reason
    assert result["peak_mb"] <= PEAK_MB


def test_docx_text_is_capped_while_streaming(monkeypatch):
    """Inside the unpacked budget, the text kept is capped as the XML streams past."""
    monkeypatch.setattr(limits, "MAX_DOCUMENT_CHARS", 100_000)
    with pytest.raises(Exception, match="more than 100,000 characters of text"):
        docx_text(docx_bomb(1 << 20))


def test_docx_with_a_dtd_is_refused():
    source = zipfile.ZipFile(io.BytesIO(docx_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as doc:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                data = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]>' + data.split(b"?>", 1)[1]
            doc.writestr(info, data)
    with pytest.raises(ValueError, match="DTD"):
        docx_text(out.getvalue())


def test_json_gz_of_small_objects_streams(tmp_path):
    """~200 MB of small objects in one whole-file array (a 5.2 GB peak when it was loaded at
    once). The records cap is lowered so the test stores 20,000 records, not a million: what is
    measured is that memory does not grow with the file."""
    path = tmp_path / "objects.json.gz"
    record = json.dumps({"title": "t", "text": "small object " * 10}) + ","
    with gzip.open(path, "wt", compresslevel=1) as out:
        out.write("[")
        for _ in range(200 * 1024 * 1024 // len(record) // 10_000):
            out.write(record * 10_000)
        out.write(record[:-1] + "]")
    result = ingest_in_child(path, tmp_path, MAX_RECORDS_PER_FILE=20_000)
    assert result["read"] == 20_000
    [reason] = result["rejects"]
    assert str(path) in reason and "more than 20,000 records" in reason
    assert result["peak_mb"] <= PEAK_MB


def test_whole_file_integer_array_streams(tmp_path):
    path = tmp_path / "ints.json.gz"
    with gzip.open(path, "wt", compresslevel=1) as out:
        out.write("[")
        for start in range(0, 15_000_000, 1_000_000):
            out.write(",".join(map(str, range(start, start + 1_000_000))) + ",")
        out.write("0]")
    result = ingest_in_child(path, tmp_path, MAX_RECORDS_PER_FILE=5_000)
    assert result["read"] == 5_000 and "more than 5,000 records" in result["rejects"][0]
    assert result["peak_mb"] <= PEAK_MB


def test_json_line_with_a_huge_integer_array(tmp_path):
    path = tmp_path / "numbers.jsonl.gz"
    with gzip.open(path, "wt", compresslevel=1) as out:
        out.write('{"title": "fine", "n": [1, 2]}\n{"title": "bomb", "n": [')
        for start in range(0, 15_000_000, 1_000_000):
            out.write(",".join(map(str, range(start, start + 1_000_000))) + ",")
        out.write("0]}\n")
    result = ingest_in_child(path, tmp_path)
    assert result["read"] == 1
    [reason] = result["rejects"]
    assert str(path) in reason
    assert f"more than {limits.MAX_JSON_RECORD_CHARS:,} characters in one JSON line at line 2" \
        in reason
    assert result["peak_mb"] <= PEAK_MB


def test_csv_gz_with_a_gigabyte_cell(tmp_path):
    path = tmp_path / "cells.csv.gz"
    with gzip.open(path, "wb", compresslevel=1) as out:
        out.write(b'id,text\n1,fine\n2,"')
        block = b"x" * (1 << 20)
        for _ in range(1024):
            out.write(block)
        out.write(b'"\n3,after\n')
    result = ingest_in_child(path, tmp_path)
    assert result["read"] == 1
    [reason] = result["rejects"]
    assert str(path) in reason
    assert f"more than {limits.MAX_FIELD_CHARS:,} characters in one CSV line" in reason
    assert result["peak_mb"] <= PEAK_MB


def test_multiline_csv_cell_over_the_cap(tmp_path, monkeypatch):
    """A quoted cell spread over many short lines is cut by the cell cap, and reading stops (the
    rest of the cell would otherwise be read as rows)."""
    from archivist.corpus.readers import read_path
    monkeypatch.setattr(limits, "MAX_FIELD_CHARS", 10_000)
    path = tmp_path / "notes.csv"
    path.write_text('id,text\n1,"' + "line of a note\n" * 2000 + '"\n2,after\n')
    items = list(read_path(path))
    assert len(items) == 1 and "characters in one CSV cell at row 1" in items[0].reason


def test_gzip_decompressed_bytes_budget(tmp_path, monkeypatch):
    from archivist.corpus.readers import read_path
    monkeypatch.setattr(limits, "MAX_DECOMPRESSED_BYTES", 1_000_000)
    path = tmp_path / "rows.jsonl.gz"
    with gzip.open(path, "wt") as out:
        out.write('{"text": "a row of text"}\n' * 100_000)
    items = list(read_path(path))
    assert "more than 1,000,000 bytes decompressed" in items[-1].reason
    assert 0 < len(items) - 1 < 100_000


def test_json_nesting_budget(tmp_path):
    from archivist.corpus.readers import read_path
    deep = "[" * (limits.MAX_NESTING + 1) + "]" * (limits.MAX_NESTING + 1)
    path = tmp_path / "deep.jsonl"
    path.write_text('{"text": "ok"}\n{"text": "deep", "x": ' + deep + '}\n{"text": "after"}\n')
    items = list(read_path(path))
    assert [getattr(i, "body", None) for i in items] == ["text: ok", None, "text: after"]
    assert f"nested more than {limits.MAX_NESTING} levels" in items[1].reason


def test_whole_json_array_elements_read_one_at_a_time(tmp_path):
    """The streaming array reader gives what json.loads gave, values split across chunks too."""
    from archivist.corpus.record_sets import JsonValues
    values = [{"title": f"r{i}", "n": 12345678901234 + i, "s": "x" * (i * 37 % 5000)}
              for i in range(400)]
    text = json.dumps(values, indent=1)
    JsonValues.CHUNK = 1000
    try:
        stream = io.TextIOWrapper(io.BytesIO(text.encode()), encoding="utf-8")
        got = list(JsonValues(stream))
    finally:
        JsonValues.CHUNK = 1 << 20
    assert got == values
    broken = JsonValues(io.TextIOWrapper(io.BytesIO(b'[{"a": 1}, {"a": 2} {"a": 3}]')))
    assert list(broken) == [{"a": 1}, {"a": 2}] and "expected after element 2" in broken.problem


@pytest.mark.parametrize("name, data", [("note.txt", b"A short note.\n"),
                                        ("one.eml", b"From: a@x.org\nTo: b@x.org\nSubject: s\n\nHi\n")])
def test_a_small_file_is_read_without_allocating_its_cap(tmp_path, name, data):
    """read(cap + 1) allocated the whole cap up front (256 MB per text file, 64 MB per message),
    which the fuzz run's tracemalloc peak showed; reading in chunks costs about one chunk."""
    import tracemalloc

    from archivist.corpus.readers import read_path
    path = tmp_path / name
    path.write_bytes(data)
    list(read_path(path))  # imports and caches outside the measurement
    tracemalloc.start()
    try:
        items = list(read_path(path))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(items) == 1 and peak < 8 * 1024 * 1024, peak
