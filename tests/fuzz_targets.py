"""Fuzz targets for every reader (email, mbox, maildir, CSV, JSON lines and whole-file JSON, gzip'd
inputs, text, Markdown, PDF, Outlook .msg and .pst, and each attachment format inside an email),
shared by tests/test_fuzz.py (a short run) and tools/fuzz_readers.py (the long run). Seeds are the
malformed fixtures and valid inputs (tests/fuzz_seeds.py); inputs are seeds mutated by hypothesis
(byte flips, splices, truncations, repeats) or raw bytes, then built into the file the target reads
(gzip'd, or attached to an email) so the damage reaches the inner parser.

Contract: reading any input, its attachments included, yields only Documents and Rejects (no
exception escapes), in under HANG_SECONDS of CPU time per item (CPU, not wall time: the test machine
is shared), without runaway memory (PEAK_BYTES of Python allocations)."""
from __future__ import annotations

import functools
import random
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from hypothesis import strategies as st

from archivist.corpus.attachments import MAX_DEPTH, attachment_children
from archivist.corpus.parsed import Document, Reject
from archivist.corpus.readers import read_path
from tests import fuzz_seeds as fs
from tests.pdf_fixture import minimal_pdf

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "malformed"
HANG_SECONDS = 2.0
PEAK_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True)
class Target:
    """What one fuzz target reads: the file name's suffix, the fixture suffixes and the built
    seeds it mutates, how the mutated bytes become the file (`build`: gzip it, wrap it in an email
    as an attachment) and where the file goes ('file', or 'maildir': cur/ of a maildir read whole)."""

    suffix: str
    fixtures: tuple[str, ...] = ()
    built: Callable[[], tuple[bytes, ...]] = tuple
    build: Callable[[bytes], bytes] = bytes
    layout: str = "file"


def _attachment(kind: str) -> Target:
    """An email carrying the mutated file as an attachment (seeds: b'<name>\\n<bytes>')."""
    return Target(".eml", built=functools.partial(fs.attachment_seeds, kind), build=fs.attached)


TARGETS = {
    "email": Target(".eml", (".eml",), fs.mail_seeds),
    "mbox": Target(".mbox", (".mbox", ".eml"), fs.mbox_seeds),
    "records": Target(".csv", (".csv", ".jsonl"), fs.csv_seeds),
    "jsonl": Target(".jsonl", (".jsonl", ".csv"), fs.jsonl_seeds),
    "pdf": Target(".pdf", (".pdf",), lambda: (minimal_pdf(["Invoice 4471", "Total due"]),)),
    "json": Target(".json", (), fs.json_seeds),
    "records_gz": Target(".csv.gz", (".csv",), fs.csv_seeds, fs.gzipped),
    "mbox_gz": Target(".mbox.gz", (".mbox",), fs.mbox_seeds, fs.gzipped),
    "json_gz": Target(".json.gz", (".jsonl",), fs.json_seeds, fs.gzipped),
    "gzip": Target(".csv.gz", (".gz",), fs.gzip_seeds),  # the compressed bytes themselves
    "text": Target(".txt", (".txt",), fs.text_seeds),
    "markdown": Target(".md", (), fs.markdown_seeds),
    "msg": Target(".msg", (), fs.msg_seeds),
    "pst": Target(".pst", (), fs.pst_seeds),
    "maildir": Target("", (".eml",), fs.mail_seeds, layout="maildir"),
    "att_pdf": _attachment("pdf"),
    "att_docx": _attachment("docx"),
    "att_docx_xml": Target(".eml", built=fs.docx_xml_seeds, build=fs.docx_from_xml),
    "att_text": _attachment("text"),
    "att_csv": _attachment("csv"),
    "att_html": _attachment("html"),
    "att_eml": _attachment("eml"),
    "att_rfc822": Target(".eml", built=fs.mail_seeds, build=fs.rfc822_attached),
    "att_msg": _attachment("msg"),
    "att_other": _attachment("other"),
}


def available(target: str) -> bool:
    """Whether the target has seeds here (the PST samples live in ../shared/data)."""
    return bool(TARGETS[target].built()) or bool(TARGETS[target].fixtures)


@functools.cache
def seeds(target: str) -> tuple[bytes, ...]:
    spec = TARGETS[target]
    found = [p.read_bytes() for p in sorted(FIXTURES.iterdir()) if p.suffix in spec.fixtures]
    return tuple(found) + tuple(spec.built()) or (b"",)


@st.composite
def mutated(draw, target: str) -> bytes:
    """A seed with a few random edits, or random bytes."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=4096))
    data = bytearray(draw(st.sampled_from(seeds(target))))
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "repeat"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
        elif op == "delete" and data:
            del data[at:at + draw(st.integers(1, 64))]
        elif op == "truncate":
            del data[at:]
        elif op == "repeat" and data:
            chunk = bytes(data[at:at + draw(st.integers(1, 256))])
            data[at:at] = chunk * draw(st.integers(1, 50))
    return bytes(data)


OPS = ("flip", "insert", "delete", "truncate", "repeat")


def mutate_plain(rng: random.Random, target: str) -> bytes:
    """The same edits as `mutated`, drawn from a plain PRNG: the long run's engine, about 5x the
    executions per second of hypothesis (whose example generation dominates a small reader call)."""
    if rng.randrange(10) == 0:
        return rng.randbytes(rng.randrange(4097))
    data = bytearray(rng.choice(seeds(target)))
    for _ in range(rng.randint(1, 6)):
        op, at = rng.choice(OPS), rng.randrange(max(len(data), 1))
        if op == "flip" and data:
            data[at] = rng.randrange(256)
        elif op == "insert":
            data[at:at] = rng.randbytes(rng.randint(1, 64))
        elif op == "delete" and data:
            del data[at:at + rng.randint(1, 64)]
        elif op == "truncate":
            del data[at:]
        elif op == "repeat" and data:
            data[at:at] = bytes(data[at:at + rng.randint(1, 256)]) * rng.randint(1, 50)
    return bytes(data)


class Outcome:
    def __init__(self) -> None:
        self.executions = self.crashes = self.hangs = self.memory = 0
        self.peak = 0  # the largest traced peak of Python allocations in one measured execution
        self.documents = self.rejects = 0  # what the inputs read as: how deep the mutations go
        self.examples: list[str] = []

    def as_dict(self) -> dict:
        return {"executions": self.executions, "crashes": self.crashes, "hangs": self.hangs,
                "runaway_memory": self.memory, "peak_traced_bytes": self.peak,
                "documents": self.documents, "rejects": self.rejects,
                "examples": self.examples[:5]}


def place(target: str, data: bytes, directory: Path) -> Path:
    """Write the input built from `data` for `target` under `directory`; the path to read."""
    spec = TARGETS[target]
    if spec.layout == "maildir":  # one message in cur/ of a maildir, read as a directory
        root = directory / "Maildir"
        for sub in ("cur", "new", "tmp"):
            (root / sub).mkdir(parents=True)
        (root / "cur" / "1044000000.M1P1.host:2,S").write_bytes(spec.build(data))
        return root
    path = directory / f"input{spec.suffix}"
    path.write_bytes(spec.build(data))
    return path


def read_all(path: Path) -> Iterator[Document | Reject]:
    """Everything an ingest reads from `path`: its items, and the attachments of its documents
    (attached emails' own attachments too, MAX_DEPTH deep, as corpus/writer.py follows them)."""
    for item in read_path(path):
        yield item
        if isinstance(item, Document):
            yield from _attachments(item, 0)


def _attachments(parent: Document, depth: int) -> Iterator[Document | Reject]:
    for child in attachment_children(parent):
        yield child.item
        if isinstance(child.item, Document) and child.item.attachments and depth + 1 < MAX_DEPTH:
            yield from _attachments(child.item, depth + 1)


def warm_up(target: str) -> None:
    """Read every seed once, unmeasured: a reader's first call imports its library (extract-msg,
    pypdf, pypff), which under tracemalloc takes seconds and would read as a hang."""
    for data in seeds(target):
        run_one(target, data, Outcome(), measure_memory=False)


def run_one(target: str, data: bytes, outcome: Outcome, measure_memory: bool = True) -> None:
    """Read `data` as a `target` input; record a crash, hang or runaway memory in `outcome`."""
    outcome.executions += 1
    with tempfile.TemporaryDirectory() as tmp:
        path = place(target, data, Path(tmp))  # outside the try: a harness bug is no finding
        if measure_memory:
            tracemalloc.start()
        try:
            last = time.process_time()
            for item in read_all(path):
                now = time.process_time()
                if not isinstance(item, (Document, Reject)):
                    raise TypeError(f"reader yielded {type(item).__name__}")
                outcome.documents += isinstance(item, Document)
                outcome.rejects += isinstance(item, Reject)
                if now - last > HANG_SECONDS:
                    outcome.hangs += 1
                    outcome.examples.append(f"hang {target}: {data[:80]!r}")
                last = now
            if time.process_time() - last > HANG_SECONDS:
                outcome.hangs += 1
        except Exception as exc:  # noqa: BLE001 - any exception escaping a reader is the finding
            outcome.crashes += 1
            outcome.examples.append(f"crash {target}: {type(exc).__name__}: {exc}: {data[:80]!r}")
        finally:
            if measure_memory:
                peak = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
                outcome.peak = max(outcome.peak, peak)
                if peak > PEAK_BYTES:
                    outcome.memory += 1
                    outcome.examples.append(f"memory {target}: {peak} bytes")
