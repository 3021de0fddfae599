"""Summaries against references and against peers, no model (`archivist eval run summaries`).

- records: MTSamples clinical notes (distinct transcriptions with a reference `description`,
  median 16 words): ROUGE-1/2/L F1 (the `rouge-score` package, Porter stemming) of a one-line
  summary of RECORD_WORDS words against the description.
- emails: the 48 emails of Enron annotated QA: the share of its answerable questions whose
  answer span appears (case and spacing aside) in the email's summary of EMAIL_WORDS words.

Every system has the same word budget and the same text: archivist summarises the stored
document as `summarize` does without a model (memory/summary_extract.py; for an email, the
section a person reads: subject, date, sender and recipients, then the chosen sentences); the
peers (evals/peers.py: lead, LexRank, TextRank) read the note's text or the raw email as it
comes (headers, then body). Each example is in the tuning half or the held-back half by the
parity of its text's SHA-1, so a reader can tell what was looked at while building it.
"""
from __future__ import annotations

import csv
import gzip
import hashlib
import json
import re
from enum import StrEnum
from functools import lru_cache

from archivist.corpus.mail import parse_email
from archivist.corpus.parsed import Document, Location
from archivist.errors import InputError
from archivist.evals.peers import Peer, cut, summary as peer_summary
from archivist.evals.tasks.base import Example, Task, measured
from archivist.evals.tasks.enron_qa import FILE as QA_FILE
from archivist.evals.vocab import TaskName

NOTES = "mtsamples_clinical_notes/mtsamples.csv.gz"  # both under --data (default: the shared data)
QA = f"enron_annotated_qa/{QA_FILE}"
RECORD_WORDS = 20  # the one-line summary (the references' median is 16 words)
EMAIL_WORDS = 40


class System(StrEnum):
    ARCHIVIST = "archivist"
    LEAD = Peer.LEAD.value
    LEXRANK = Peer.LEXRANK.value
    TEXTRANK = Peer.TEXTRANK.value


class Kind(StrEnum):
    RECORDS = "records"
    EMAILS = "emails"


def half(text: str) -> str:
    return "tuning" if int(hashlib.sha1(text.encode()).hexdigest(), 16) % 2 == 0 else "held-back"


def group(kind: Kind, which: str) -> str:
    measure = "ROUGE-L F1" if kind == Kind.RECORDS else "answers covered"
    return f"{kind}, {which} half: {measure}"


def notes(path) -> list[dict]:
    """Distinct non-empty transcriptions with a non-empty description, in file order."""
    csv.field_size_limit(1 << 30)
    seen, out = set(), []
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            text, ref = (row.get("transcription") or "").strip(), (row.get("description") or "").strip()
            if text and ref and text not in seen:
                seen.add(text)
                out.append({"id": row["note_id"], "text": text, "ref": ref})
    return out


def plain(markdown_lines: list[str]) -> str:
    """A summary section as words a person reads: no Markdown marks, no [n] citations."""
    text = " ".join(markdown_lines)
    text = re.sub(r"\[\d+\]", " ", text)
    return " ".join(re.sub(r"[#*]+", " ", text).split())


def visible(raw: str) -> str:
    """An email as a mail client shows it, the text the peers summarise: From, To, Cc, Date and
    Subject (display names where the headers give them, as archivist shows them), then the body;
    not the transport headers (Message-ID, MIME, X-Folder)."""
    from email import message_from_string
    msg = message_from_string(raw)
    lines = []
    for name, shown in (("From", "X-From"), ("To", "X-To"), ("Cc", "X-cc"), ("Date", ""), ("Subject", "")):
        value = (msg.get(shown) if shown else None) or msg.get(name)
        if value and value.strip():
            lines.append(f"{name}: {' '.join(str(value).split())}")
    body = msg.get_payload()
    return "\n".join(lines) + "\n\n" + (body if isinstance(body, str) else "")


def covered(summary: str, answers: list[list[str]]) -> float:
    norm = lambda t: " ".join(t.lower().split())  # noqa: E731
    text = norm(summary)
    return sum(any(norm(a) in text for a in alts) for alts in answers) / len(answers)


@lru_cache(maxsize=1)
def _scorer():
    from rouge_score import rouge_scorer
    return rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)


class SummariesTask(Task):
    name = TaskName.SUMMARIES
    headline = (f"records: ROUGE-L F1 of a {RECORD_WORDS}-word summary against the note's reference "
                f"description; emails: share of the answerable questions whose answer is in a "
                f"{EMAIL_WORDS}-word summary")
    default_data = ""  # the shared data folder, holding NOTES and QA
    strategies = tuple(System)
    allowed = strategies
    model_free = True
    indexed = False  # read from the store as summarize reads it; no search, so no embeddings

    def __init__(self, options):
        super().__init__(options)
        for need in (NOTES, QA):
            if not (self.path / need).exists():
                raise InputError(f"summaries: no {need} under {self.path}; pass --data FOLDER holding "
                                 f"{NOTES} and {QA}")
        try:
            import rouge_score  # noqa: F401
            import sumy  # noqa: F401
        except ImportError as e:
            raise InputError("the summaries eval needs rouge-score and sumy: pip install 'archivist[eval]'") from e
        self.notes = notes(self.path / NOTES)
        self.emails = [e["paragraphs"][0] for e in json.loads((self.path / QA).read_text(encoding="utf-8"))["data"]]

    def examples(self) -> list[Example]:
        limit = self.options.limit
        out = [Example(f"r{n['id']}", "", [n["ref"]], Kind.RECORDS,
                       meta={"group": group(Kind.RECORDS, half(n["text"])), "kind": Kind.RECORDS})
               for n in self.notes[:limit]]
        for i, email in enumerate(self.emails[:limit]):
            answers = [sorted({a["text"] for a in qa["answers"] if a["text"]}) for qa in email["qas"]
                       if not qa.get("is_impossible")]
            answers = [a for a in answers if a]
            if answers:
                out.append(Example(f"e{i:02d}", "", [x for a in answers for x in a], Kind.EMAILS,
                                   meta={"group": group(Kind.EMAILS, half(email["context"])),
                                         "kind": Kind.EMAILS, "answers": answers}))
        return out

    def documents(self, corpus: str) -> list[Document]:
        if corpus == Kind.RECORDS:
            return [Document(kind="record", body=n["text"], location=Location("mtsamples", f"r{n['id']}"))
                    for n in self.notes[:self.options.limit]]
        return [parse_email(e["context"].encode("utf-8"), Location("enron-qa", f"e{i:02d}"))
                for i, e in enumerate(self.emails[:self.options.limit])]

    def source(self, example: Example) -> str:
        if example.corpus == Kind.RECORDS:
            return next(n["text"] for n in self.notes if f"r{n['id']}" == example.id)
        return visible(self.emails[int(example.id[1:])]["context"])

    def archivist(self, corpus, settings, example: Example) -> str:
        from archivist.memory.summaries import section
        from archivist.memory.summarize import extractive_leaf
        doc = corpus.ids[example.id]
        if example.corpus == Kind.RECORDS:
            s = extractive_leaf(corpus.store, settings, [doc], "", RECORD_WORDS)
            return cut(" ".join(line.text for line in s.overview), RECORD_WORDS)
        title = corpus.store.conn.execute("SELECT title FROM documents WHERE id = ?", (doc,)).fetchone()[0]
        s = extractive_leaf(corpus.store, settings, [doc], title or "", EMAIL_WORDS)
        return cut(plain(section(s, {})), EMAIL_WORDS)

    def measure(self, corpus, settings, example: Example, strategy: str) -> dict:
        budget = RECORD_WORDS if example.corpus == Kind.RECORDS else EMAIL_WORDS
        text = (self.archivist(corpus, settings, example) if strategy == System.ARCHIVIST
                else peer_summary(Peer(strategy), self.source(example), budget))
        if example.corpus == Kind.EMAILS:
            share = covered(text, example.meta["answers"])
            return measured(text, share, {"covered": share}, chosen=strategy)
        scores = _scorer().score(example.answers[0], text)
        values = {k: round(v.fmeasure, 4) for k, v in scores.items()}
        return measured(text, values["rougeL"], values, chosen=strategy)
