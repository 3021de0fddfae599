"""Stored summaries: the record of one group's summary, its input hash, and the Markdown a person
reads. Every statement is a Line that cites the source documents it was checked against.

A summary is stored under (level, input hash); the hash covers the documents' content hashes (or
the children's hashes), the model, the prompt version and the settings that shape the output, so an
unchanged group is never summarised twice and a changed one never reuses a stale summary.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone

from archivist.corpus.automated import LABEL
from archivist.sanitise import neutralise

EXTRACTIVE = "extractive"  # the model field of a summary no model wrote (memory/summary_extract.py)
Quote = Callable[[str], str]  # document text -> text safe to show as quoted material


@dataclass
class Line:
    """One statement of a summary and the documents that support it."""

    text: str
    doc_ids: list[int] = field(default_factory=list)
    date: str = ""
    who: str = ""


@dataclass
class Summary:
    level: str
    key: str
    label: str
    input_hash: str = ""
    n_docs: int = 0
    first_date: str = ""
    last_date: str = ""
    participants: list[str] = field(default_factory=list)  # senders, most messages first
    recipients: list[str] = field(default_factory=list)  # to and cc of a leaf's messages
    overview: list[Line] = field(default_factory=list)  # the model's sentences that passed the check
    facts: list[Line] = field(default_factory=list)  # key sentences quoted from the documents
    decisions: list[Line] = field(default_factory=list)
    questions: list[Line] = field(default_factory=list)  # open questions asked in the documents
    latest: list[Line] = field(default_factory=list)  # what the last message of a thread says
    automated: dict[str, int] = field(default_factory=dict)  # automated mail by kind, counted not quoted
    children: list[str] = field(default_factory=list)  # keys of the summaries below
    sources: dict[str, dict] = field(default_factory=dict)  # doc id -> ref, date, title
    note: str = ""  # how it was made (stuffed, memory, quoted, from K of N children)
    checked: int = 0  # model sentences checked against their citations
    passed: int = 0
    llm_calls: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    seconds: float = 0.0
    model: str = ""
    reused: bool = False  # loaded from the store, not computed in this run

    def to_json(self) -> str:
        data = asdict(self)
        data.pop("reused")
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> "Summary":
        data = json.loads(text)
        for key in ("overview", "latest", "facts", "decisions", "questions"):
            data[key] = [Line(**x) for x in data.get(key, [])]
        return cls(**data)

    def cited(self) -> list[int]:
        """Every document this summary cites, in first-cited order."""
        ids = [d for part in (self.overview, self.latest, self.facts, self.decisions, self.questions)
               for line in part for d in line.doc_ids]
        return list(dict.fromkeys(ids))


def input_hash(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:32]


def load_many(store, level: str, digests: list[str]) -> dict[str, Summary]:
    """input hash -> stored summary, for those of digests that are stored (one query)."""
    rows = store.conn.execute("SELECT input_hash, body FROM summaries WHERE level = ? AND input_hash IN "
                              "(SELECT value FROM json_each(?))", (level, json.dumps(digests)))
    out = {}
    for digest, body in rows:
        summary = Summary.from_json(body)
        summary.reused = True
        out[digest] = summary
    return out


def save(store, s: Summary) -> None:
    """Store one summary and commit: a kill later loses nothing already summarised."""
    store.conn.execute(
        "INSERT OR REPLACE INTO summaries (level, group_key, input_hash, label, n_docs, first_date, "
        "last_date, body, llm_calls, tokens_in, tokens_out, seconds, model, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (s.level, s.key, s.input_hash, s.label, s.n_docs, s.first_date, s.last_date, s.to_json(),
         s.llm_calls, s.tokens_in, s.tokens_out, s.seconds, s.model,
         datetime.now(timezone.utc).isoformat(timespec="seconds")))
    store.conn.commit()


def _cites(line: Line, numbers: dict[int, int]) -> str:
    return "".join(f"[{numbers[d]}]" for d in line.doc_ids if d in numbers)


def _lines(title: str, lines: list[Line], numbers: dict[int, int], quote: Quote) -> list[str]:
    if not lines:
        return []
    out = [f"**{title}**", ""]
    for line in lines:
        who = ", ".join(x for x in (line.date, quote(line.who) if line.who else "") if x)
        out.append(f"- {who + ': ' if who else ''}{quote(line.text)} {_cites(line, numbers)}".rstrip())
    return out + [""]


def _people(role: str, names: list[str], quote: Quote, most: int = 6) -> str:
    if not names:
        return ""
    more = f" and {len(names) - most} more" if len(names) > most else ""
    return f"; {role} " + ", ".join(map(quote, names[:most])) + more


def section(s: Summary, numbers: dict[int, int], depth: int = 2,
            children: list[Summary] | None = None, quote: Quote = neutralise) -> list[str]:
    """A group's Markdown: heading, facts line, overview, key facts, decisions, open questions.
    Every string taken from the documents (subjects, names, quoted lines) passes `quote`."""
    span = f"{s.first_date[:10]} .. {s.last_date[:10]}" if s.first_date else "undated"
    if s.n_docs == 1 and s.first_date:
        span = s.first_date[:10]
    out = [f"{'#' * depth} {quote(s.label)}", "",
           f"*{s.n_docs} message{'s' if s.n_docs != 1 else ''}, {span}" + _people("from", s.participants, quote)
           + _people("to", s.recipients, quote) + "*", ""]
    if s.overview:
        out += [" ".join(f"{quote(line.text)} {_cites(line, numbers)}".strip() for line in s.overview), ""]
    out += _lines("Latest", s.latest, numbers, quote)
    out += _lines("Key facts", s.facts, numbers, quote) + _lines("Decisions", s.decisions, numbers, quote)
    out += _lines("Open questions", s.questions, numbers, quote)
    if s.automated:
        out += ["*Automated mail, counted and not summarised: " + ", ".join(
            f"{n} {LABEL.get(kind, kind)}" for kind, n in s.automated.items()) + "*", ""]
    for child in children or []:
        first = child.overview[0] if child.overview else (child.facts[0] if child.facts else None)
        text = f"{quote(first.text)} {_cites(first, numbers)}" if first else "(no statement)"
        out.append(f"- *{quote(child.label)}* ({child.n_docs} message{'s' if child.n_docs != 1 else ''}): {text}")
    return out + ([""] if children else [])


def _memo(quote: Quote) -> Quote:
    seen: dict[str, str] = {}

    def once(text: str) -> str:
        if text not in seen:
            seen[text] = quote(text)
        return seen[text]
    return once


def markdown(title: str, tops: list[Summary], by_key: dict[str, Summary], totals: dict,
             quote: Quote = neutralise) -> str:
    """The document a person reads: one section per top group, then the numbered sources.
    Quoted document text is data: `quote` defangs its links (and the agent's marks instructions)."""
    quote = _memo(quote)  # names, subjects and lines repeat across groups; each is checked once
    numbers: dict[int, int] = {}
    sources: dict[int, dict] = {}
    for s in [*tops, *by_key.values()]:
        for d in s.cited():
            numbers.setdefault(d, len(numbers) + 1)
        sources.update({int(k): v for k, v in s.sources.items()})
    model = totals.get("model") or "-"
    written = ("no model: every sentence is copied from the message it cites" if model == EXTRACTIVE
               else f"model {model}")
    out = [f"# {title}", "", f"*{totals.get('groups', len(tops))} groups, "
           f"{totals.get('llm_calls', 0)} model calls, {totals.get('tokens_in', 0)} tokens read, "
           f"{written}*", ""]
    for s in tops:
        kids = [by_key[k] for k in s.children if k in by_key]
        out += section(s, numbers, 2, kids, quote)
    out += ["## Sources", ""]
    for d, n in sorted(numbers.items(), key=lambda x: x[1]):
        src = sources.get(d, {})
        out.append(f"[{n}] {quote(src.get('ref', f'doc {d}'))}, {src.get('date', '')[:10]}, "
                   f"\"{quote(src.get('title', ''))}\" (doc {d})")
    return "\n".join(out) + "\n"
