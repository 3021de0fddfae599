"""Summaries built from what holds without a model: each group's own sentences chosen by
memory/extractive.py, its metadata (who, when, how many), and its automated mail counted by kind
(corpus/automated.py) instead of quoted. Every line cites the message it is copied from, so it is
grounded by construction; nothing here calls a model, so whole Enron is read in minutes.

A leaf (thread, record group) reads each message's own text (the body ingest kept after cutting
quoted and forwarded history), never the quoted copy a reply carries. A parent (mailbox, sender,
month, corpus) chooses among its children's overview lines the same way, so a mailbox's overview
names its largest threads' points and not one thread's.
"""
from __future__ import annotations

import re

from archivist.corpus.automated import MailKind, classify
from archivist.memory.extractive import Unit, noise, rank, select, units_of_text
from archivist.memory.summaries import EXTRACTIVE, Line, Summary
from archivist.store.documents import documents, local_day, recipient_counts

OVERVIEW_WORDS = {"leaf": 60, "parent": 90}  # words of overview a thread or a parent gets
MAX_FACTS, MAX_DECISIONS, MAX_QUESTIONS = 6, 4, 3
MAX_CHARS = 20_000  # of one message's text read (a 1 MB pasted report is read at its start)
DECISION = re.compile(r"\b(?:agreed|approved?|decided|decision|signed|confirmed|accepted|rejected|"
                      r"cancel+ed|deadline|postponed|settled|will (?:move|go ahead|proceed))\b", re.I)
FACT = re.compile(r"[$€£%]|\b\d")
WRITER = EXTRACTIVE
VERSION = "extract-v2"  # v2: a thread's latest message  # part of every extractive summary's input hash: a change recomputes them


KIND_COLUMNS = ("kind", "sender", "sender_name", "title", "body")  # what kinds() classifies by


def kinds(store, doc_ids: list[int], rows: dict[int, dict] | None = None) -> dict[int, MailKind]:
    """The kind of every e-mail among doc_ids (records and texts are PERSON: written content);
    rows: the documents already read with KIND_COLUMNS, else they are read here."""
    rows = rows if rows is not None else documents(store, doc_ids, KIND_COLUMNS)
    counts = recipient_counts(store, [d for d, r in rows.items() if r["kind"] == "email"])
    return {d: (classify(r["sender"], r["sender_name"], r["title"], r["body"], counts.get(d, 0))
                if r["kind"] == "email" else MailKind.PERSON) for d, r in rows.items()}


def automated_counts(found: dict[int, MailKind]) -> dict[str, int]:
    out: dict[str, int] = {}
    for kind in found.values():
        if kind != MailKind.PERSON:
            out[kind.value] = out.get(kind.value, 0) + 1
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def _line(u: Unit, rows: dict[int, dict]) -> Line:
    r = rows.get(u.doc_id, {})
    return Line(u.text, [u.doc_id], local_day(r.get("date_raw"), r.get("date")),
                r.get("sender_name") or r.get("sender") or "")


def leaf(store, s: Summary, doc_ids: list[int], title: str, words: int = 0) -> None:
    """Fill s (metadata already set) from its messages' own sentences, `words` of overview (0: the
    leaf's default)."""
    words = words or OVERVIEW_WORDS["leaf"]
    rows = documents(store, doc_ids, (*KIND_COLUMNS, "quoted", "date", "date_raw"))  # read once, for both
    found = kinds(store, doc_ids, rows)
    s.automated = automated_counts(found)
    written = [d for d in doc_ids if found.get(d) == MailKind.PERSON]
    # a group of automated mail only still says what it is about, but gives no facts or decisions
    read = written or doc_ids
    units = [u for d in read if d in rows for u in _units(rows[d], d)]
    ranked = rank(units, title)
    chosen = select(ranked, words)
    chosen.sort(key=lambda u: ((rows[u.doc_id]["date"] or ""), u.doc_id, u.order))
    s.overview = [_line(u, rows) for u in chosen]
    if written:
        _quoted(s, ranked, {id(u) for u in chosen}, rows)
        s.latest = _latest(ranked, {id(u) for u in chosen}, written, rows)
    s.note = _note(len(doc_ids), len(written))


def _latest(ranked: list[Unit], used: set[int], written: list[int], rows: dict[int, dict]) -> list[Line]:
    """What changed last: the best sentence of the thread's last message a person wrote, when the
    thread has more than one and the overview does not already quote it."""
    if len(written) < 2:
        return []
    last = max((d for d in written if d in rows), key=lambda d: (rows[d]["date"] or "", d))
    if any(id(u) in used for u in ranked if u.doc_id == last):
        return []
    pick = next((u for u in ranked if u.doc_id == last), None)
    return [_line(pick, rows)] if pick else []


def _units(row: dict, doc_id: int) -> list[Unit]:
    """A message's own sentences; a forward with nothing of its own is read by what it forwards
    (the history under a reply with text of its own is not summarised again)."""
    own = units_of_text((row["body"] or "")[:MAX_CHARS], doc_id)
    if any(not noise(u.text) for u in own):
        return own
    return own + units_of_text((row["quoted"] or "")[:MAX_CHARS], doc_id)


def _quoted(s: Summary, ranked: list[Unit], used: set[int], rows: dict[int, dict]) -> None:
    """Facts (figures, dates), decisions and open questions among the ranked sentences."""
    rest = [u for u in ranked if id(u) not in used]
    s.facts = [_line(u, rows) for u in rest if FACT.search(u.text) and not u.text.endswith("?")][:MAX_FACTS]
    taken = {x.text for x in s.facts}
    s.decisions = [_line(u, rows) for u in rest if DECISION.search(u.text) and u.text not in taken][:MAX_DECISIONS]
    s.questions = [_line(u, rows) for u in ranked if u.text.rstrip().endswith("?")][:MAX_QUESTIONS]


def only_automated(s: Summary) -> bool:
    return bool(s.automated) and sum(s.automated.values()) >= s.n_docs


def _note(n: int, written: int) -> str:
    if not written:
        return "automated mail only: what it says, no facts or decisions (no model)"
    if written == n:
        return "sentences chosen from the messages (no model)"
    return f"sentences chosen from the {written} of {n} messages a person wrote (no model)"


def parent(s: Summary, children: list[Summary]) -> None:
    """Overview of a parent: its children's overview lines ranked together (the larger child's
    line first on a tie), each keeping its citation; automated counts summed."""
    units = []
    for c in [c for c in children if not only_automated(c)]:  # what people wrote, not notices
        for i, line in enumerate(c.overview):
            units.append(Unit(line.text, (line.doc_ids or [0])[0], i, ref=line))
    ranked = rank(units)
    chosen = select(ranked, OVERVIEW_WORDS["parent"])
    s.overview = [u.ref for u in chosen]
    total: dict[str, int] = {}
    for c in children:
        for kind, n in c.automated.items():
            total[kind] = total.get(kind, 0) + n
    s.automated = dict(sorted(total.items(), key=lambda kv: -kv[1]))
    s.note = f"sentences chosen from {len(children)} summaries (no model)"
