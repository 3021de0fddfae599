"""Every reader on real files from ../shared/data (skipped when absent) and on small files we write."""
from __future__ import annotations

import csv
import json
import time
from collections import Counter
from pathlib import Path

import pytest

from archivist.corpus.parsed import Document, Reject
from archivist.corpus.pdfs import page_of
from tests.pdf_fixture import minimal_pdf
from archivist.corpus.readers import detect_kind, read_path
from tests.conftest import shared_path

FIXTURES = Path(__file__).parent / "fixtures" / "malformed"


def manifest_rows() -> list[dict]:
    with open(shared_path("enron", "manifest.csv"), newline="") as handle:
        return list(csv.DictReader(handle))


def split(items) -> tuple[list[Document], list[Reject]]:
    items = list(items)
    return [i for i in items if isinstance(i, Document)], [i for i in items if isinstance(i, Reject)]


def test_small_mbox_matches_manifest():
    path = shared_path("enron", "mbox", "presto-k.mbox.gz")
    assert detect_kind(path) == "mbox"
    docs, rejects = split(read_path(path))
    rows = [r for r in manifest_rows() if r["mailbox"] == "presto-k"]
    assert not rejects and len(docs) == len(rows) == 45
    assert [d.message_id for d in docs] == [r["message_id"] for r in rows]
    assert [d.location.folder for d in docs] == [r["folder"] for r in rows]
    assert {d.location.mailbox for d in docs} == {"presto-k"}
    assert [d.location.position for d in docs[:3]] == ["0", "1", "2"]
    assert all(d.location.path == str(path) for d in docs)


def test_mbox_subfolders_from_x_folder():
    docs, _ = split(read_path(shared_path("enron", "mbox", "kean-s.mbox.gz")))
    rows = [r for r in manifest_rows() if r["mailbox"] == "kean-s"]
    assert Counter(d.location.folder for d in docs) == Counter(r["folder"] for r in rows)


def test_enron_maildir_layout():
    root = shared_path("enron", "maildir", "kean-s")
    assert detect_kind(root) == "maildir"
    docs, rejects = split(read_path(root))
    rows = [r for r in manifest_rows() if r["mailbox"] == "kean-s"]
    assert not rejects and len(docs) == len(rows)
    by_pos = {d.location.position: d for d in docs}
    for row in rows:
        position = f"{row['folder']}/{row['file']}"
        assert by_pos[position].message_id == row["message_id"]
        assert by_pos[position].location.folder == row["folder"]
    assert {d.location.mailbox for d in docs} == {"kean-s"}
    assert by_pos["inbox/12"].location.path == str(root / "inbox" / "12")


def test_maildir_copy_equals_mbox_copy():
    mbox_docs, _ = split(read_path(shared_path("enron", "mbox", "kean-s.mbox.gz")))
    dir_docs, _ = split(read_path(shared_path("enron", "maildir", "kean-s")))
    key = lambda d: (d.message_id, d.sender, d.title, d.body, d.quoted, d.signature, d.date, tuple(d.to))  # noqa: E731
    assert sorted(map(key, mbox_docs), key=str) == sorted(map(key, dir_docs), key=str)


def test_whole_maildir_tree():
    docs, rejects = split(read_path(shared_path("enron", "maildir")))
    assert len(docs) == 376 and not rejects
    assert len({d.location.mailbox for d in docs}) == 6


@pytest.mark.slow
def test_all_enron_mbox_messages_and_rate():
    start = time.perf_counter()
    docs = rejects = 0
    bad_dates = 0
    for item in read_path(shared_path("enron", "mbox")):
        if isinstance(item, Document):
            docs += 1
            bad_dates += not item.date_ok
        else:
            rejects += 1
    elapsed = time.perf_counter() - start
    print(json.dumps({"messages": docs, "seconds": round(elapsed, 2), "messages_per_s": round(docs / elapsed)}))
    assert (docs, rejects) == (14_672, 0)
    assert bad_dates < 100  # year-0001/0002 placeholder dates in the Enron data


def test_mtsamples_csv_with_text_field():
    path = shared_path("mtsamples_clinical_notes", "mtsamples.csv.gz")
    assert detect_kind(path) == "csv"
    docs, rejects = split(read_path(path, text_field="transcription"))
    assert len(docs) == 4_999 and not rejects
    first = docs[0]
    assert first.kind == "record" and first.location.position == "1"
    assert first.title == first.meta["sample_name"] and first.meta["medical_specialty"]
    assert "transcription" not in first.meta and first.body
    assert sum(1 for d in docs if d.meta.get("text_field_empty")) == 33


def test_csv_unknown_text_field_is_a_reject(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("a,b\n1,2\n")
    (rej,) = list(read_path(path, text_field="body"))
    assert isinstance(rej, Reject) and "not among the columns" in rej.reason


def test_tsv_and_all_fields_rendering(tmp_path):
    path = tmp_path / "people.tsv"
    path.write_text("name\trole\tnote\nAnn\tanalyst\tlikes, commas\nBob\ttrader\t\n")
    docs, _ = split(read_path(path))
    assert [d.title for d in docs] == ["Ann", "Bob"]
    assert docs[0].body == "name: Ann\nrole: analyst\nnote: likes, commas"
    assert docs[1].meta == {"name": "Bob", "role": "trader", "note": ""}


def test_jsonl_long_documents():
    path = shared_path("leval_longdoc_qa", "coursera.jsonl.gz")
    assert detect_kind(path) == "jsonl"
    docs, rejects = split(read_path(path, text_field="input"))
    assert len(docs) == 15 and not rejects
    assert len(docs[0].body) > 20_000 and "instructions" in docs[0].meta


def test_jsonl_all_fields():
    docs, _ = split(read_path(shared_path("hotpotqa_dev_distractor_500", "hotpotqa_dev_subsampled_500.jsonl.gz")))
    assert len(docs) == 500
    assert docs[0].body.startswith("question_id: ") and "question_text" in docs[0].meta


def test_text_essays():
    root = shared_path("niah_paul_graham_haystack", "PaulGrahamEssays")
    docs, rejects = split(read_path(root))
    assert len(docs) == 49 and not rejects
    assert all(d.kind == "text" and d.title for d in docs)


def test_markdown_title(tmp_path):
    path = tmp_path / "notes.md"
    path.write_text("Some preface line\n\n# Project Plan\n\nText.\n")
    (doc,) = list(read_path(path))
    assert detect_kind(path) == "md" and doc.title == "Project Plan"
    plain = tmp_path / "untitled.txt"
    plain.write_text("\n\n   First real line here\nmore\n")
    assert next(read_path(plain)).title == "First real line here"


def test_pdf_pages(tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(minimal_pdf(["Alpha page text", "Beta page text", "Gamma page text"]))
    assert detect_kind(path) == "pdf"
    (doc,) = list(read_path(path))
    assert doc.kind == "pdf" and doc.meta["pages"] == 3
    assert "[page 2]\nBeta page text" in doc.body
    assert page_of(doc.body.index("Gamma"), doc.meta["page_offsets"]) == 3
    assert page_of(doc.body.index("Alpha"), doc.meta["page_offsets"]) == 1


def test_annotated_enron_contexts_as_eml(tmp_path):
    data = json.loads(shared_path("enron_annotated_qa", "enron_annotated.json").read_text())
    senders = {}
    for entry in data["data"]:
        para = entry["paragraphs"][0]
        name = f"{para['document_id']}.eml"
        (tmp_path / name).write_text(para["context"], encoding="utf-8")
        answers = [q["answers"][0]["text"].strip() for q in para["qas"]
                   if q["question"] == "Who sent the email?" and q["answers"]]
        senders[name] = answers[0] if answers else None
    docs, rejects = split(read_path(tmp_path))
    assert len(docs) == 48 and not rejects
    assert all(d.message_id and d.sender and d.date_ok for d in docs)
    matched = sum(1 for d in docs if senders[Path(d.location.path).name]
                  and senders[Path(d.location.path).name].lower() in f"{d.sender.name} {d.sender.address}".lower())
    assert matched >= 44
    assert {detect_kind(tmp_path / n) for n in senders} == {"eml"}


def test_standard_maildir_with_subfolder(tmp_path):
    box = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp", ".Work.Projects/cur", ".Work.Projects/new"):
        (box / sub).mkdir(parents=True)
    raw = (FIXTURES / "crlf.eml").read_bytes()
    (box / "cur" / "1700000000.1.host:2,S").write_bytes(raw)
    (box / "new" / "1700000001.2.host").write_bytes(raw.replace(b"crlf", b"second"))
    (box / "tmp" / "half-written").write_bytes(b"From: x")
    (box / ".Work.Projects" / "cur" / "1700000002.3.host:2,").write_bytes(raw.replace(b"crlf", b"third"))
    (box / "dovecot-uidlist").write_text("3 V1")
    assert detect_kind(box) == "maildir"
    docs, rejects = split(read_path(box))
    assert not rejects
    assert sorted((d.title, d.location.mailbox, d.location.folder) for d in docs) == [
        ("crlf", "Maildir", "inbox"), ("second", "Maildir", "inbox"), ("third", "Maildir", "work/projects")]
    assert {d.location.position for d in docs} >= {"cur/1700000000.1.host:2,S"}


def test_detect_kind_by_content_over_extension(tmp_path):
    mislabeled = tmp_path / "notes.txt"
    mislabeled.write_bytes((FIXTURES / "from_lines.mbox").read_bytes())
    assert detect_kind(mislabeled) == "mbox"
    jsonl = tmp_path / "data"
    jsonl.write_text('{"a": 1}\n{"a": 2}\n')
    assert detect_kind(jsonl) == "jsonl"
    eml = tmp_path / "12."
    eml.write_bytes((FIXTURES / "crlf.eml").read_bytes())
    assert detect_kind(eml) == "eml"


def test_takeout_and_thunderbird_separators_with_crlf(tmp_path):
    one = b"From: a@x.org\r\nSubject: one\r\n\r\nFirst.\r\nFrom here it continues.\r\n\r\n"
    two = b"From: b@x.org\r\nSubject: two\r\n\r\nSecond.\r\n"
    path = tmp_path / "All mail Including Spam and Trash.mbox"
    path.write_bytes(b"From 1589395438402123456@xxx Wed May 13 18:43:58 +0000 2020\r\n" + one
                     + b"From - Thu Jan 02 10:00:00 2020\r\n" + two)
    docs, rejects = split(read_path(path))
    assert [d.title for d in docs] == ["one", "two"] and not rejects
    assert docs[0].body == "First.\nFrom here it continues."
    assert docs[0].location.mailbox == "All mail Including Spam and Trash"
    assert docs[1].meta["mbox_offset"] > 0


def test_json_array_and_pretty_object(tmp_path):
    arr = tmp_path / "items.json"
    arr.write_text(json.dumps([{"title": "A", "text": "alpha"}, {"title": "B", "text": "beta"}, 3], indent=2))
    assert detect_kind(arr) == "jsonl"
    docs, rejects = split(read_path(arr, text_field="text"))
    assert [d.body for d in docs] == ["alpha", "beta"] and rejects[0].position == "3"
    obj = tmp_path / "one.json"
    obj.write_text(json.dumps({"name": "solo", "n": 1}, indent=2))
    (doc,) = list(read_path(obj))
    assert doc.title == "solo" and doc.body == "name: solo\nn: 1"


def test_mbox_reading_is_streamed(tmp_path):
    import tracemalloc
    path = tmp_path / "big.mbox"
    filler = ("All work and no play makes Jack a dull boy. " * 200 + "\n").encode()
    with open(path, "wb") as out:
        for i in range(600):
            out.write(f"From a@x.org Tue Jan  2 10:00:00 2001\nFrom: a@x.org\nSubject: m{i}\n\n".encode())
            out.write(filler * 2 + b"\n")
    assert path.stat().st_size > 10_000_000
    tracemalloc.start()
    count = sum(1 for item in read_path(path) if isinstance(item, Document))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert count == 600 and peak < 6_000_000
