"""archive-span: questions over the user's own archive whose answer spans many messages, generated
from the store with exact answers (as the probes are), so no top-k of passages can hold all of it.

Five kinds, each a question template over values drawn from the data:
- `thread-senders`: "Who wrote in the thread 'S'?" -> every sender of the thread (a set of people);
- `thread-days`: "On which days were emails sent in the thread 'S'?" -> every day (a set of dates);
- `topic-senders`: "Who wrote about W in MONTH YEAR?" -> everyone whose email of that month names W;
- `monthly-mentions`: "How many emails mentioned W in each month of YEAR?" -> (month, count) pairs;
- `thread-amounts`: "List every dollar amount mentioned in the thread 'S', in the order they were
  written." -> the distinct amounts of the thread's own text (no quoted history), in reading order
  (how a price or sum changed across the thread).

Exact answers from plain SQL and Python over the store, independently of the agent: a thread is the
emails of one normalised subject (subjects whose emails are all one thread_id, distinctive: at least
two words); a day is the sender's own Date header day (as every count of archivist reads it); an
email names W when its own text (subject line and body, not the quoted history) holds W as a whole
word, case aside, in one of its forms (plural and verb endings, as archivist's README defines a
mention: s, es, 's, ed, d, ing; y -> ies, ied; e -> ing). Scores, per kind (all set scores are precision,
recall and F1 of what the answer names against the gold items; metrics.set_scores):
- people: a gold sender is named when the answer holds their address or their display name (as
  'Last, First' or 'First Last'); any other address in the answer counts against precision;
- days: the dates the answer writes (2001-10-17, 10/17/2001, Oct 17, 2001, 17 October 2001);
- monthly-mentions: (month, count) pairs, a month ('2001-03', 'March 2001', 'Mar') followed within a
  few words by its count;
- amounts: the numbers of the answer equal to a gold amount plus every other '$' amount it writes;
  `in_order` is 1 when the gold amounts it names come in the thread's order (0 when it names none).
Examples are drawn per kind with the seed, alternately into the tuning half and the held-back half
(meta['split']); the variants `tune` and `held` run one half, as the ruler tasks do.
"""
from __future__ import annotations

import random
import re
import sqlite3
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from archivist.errors import InputError
from archivist.evals.metrics import is_refusal, normalise, set_scores
from archivist.evals.tasks.base import Example, Task
from archivist.evals.vocab import EvalStrategy, TaskName
from archivist.store.documents import local_day

KINDS = ("thread-senders", "thread-days", "topic-senders", "monthly-mentions", "thread-amounts")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
MONEY = re.compile(r"\$\s?(\d[\d,]*(?:\.\d+)?)")
ADDRESS = re.compile(r"[\w.'+-]+@[\w-]+(?:\.[\w-]+)+")
SUBJECT_WORD = re.compile(r"[A-Za-z][A-Za-z'&-]+")
PREFIX = re.compile(r"^\s*(?:(?:re|fw|fwd|aw|sv)\s*(?:\[\d+\])?\s*:\s*)+", re.I)
# words too plain to be a topic (a topic word is also at least 5 letters and capitalised in a subject)
PLAIN = frozenset("""about above after again against along already although always among another
answer anyone anything april around august because before being below between could daily
december during each either every february first following friday further great hello hours
however january july june march meeting message monday month morning never night notes november
number october other others please point question really regards report right second september
should since still subject sunday thanks thank there these thing think those three through
thursday today tomorrow tuesday under until update wednesday weekly where which while would
your yours enron email emails houston office""".split())


@dataclass
class Span:
    kind: str
    question: str
    answers: list[str]  # gold items (addresses, days, 'YYYY-MM=n' pairs, amounts in order)
    meta: dict = field(default_factory=dict)


def _threads(conn) -> dict[str, list[dict]]:
    """norm_subject -> its emails in date order, for subjects that are one thread of 2-15 emails and
    start with a letter."""
    rows = conn.execute(
        "SELECT id, norm_subject, title, lower(sender), sender_name, date, date_raw, body, thread_id "
        "FROM documents WHERE kind = 'email' AND norm_subject IN (SELECT norm_subject FROM documents "
        "WHERE kind = 'email' AND norm_subject IS NOT NULL AND norm_subject != '' GROUP BY norm_subject "
        "HAVING count(*) BETWEEN 2 AND 15 AND count(DISTINCT thread_id) = 1) ORDER BY date, id").fetchall()
    out: dict[str, list[dict]] = defaultdict(list)
    for i, norm, title, sender, name, d, raw, body, _ in rows:
        out[norm].append({"id": i, "title": title or "", "sender": sender or "", "name": name or "",
                          "day": local_day(raw, d), "body": body or ""})
    return {s: docs for s, docs in out.items()
            if len(SUBJECT_WORD.findall(s)) >= 2 and len(s) >= 8 and s[:1].isalpha() and all(d["sender"] for d in docs)}


def shown_subject(norm: str, docs: list[dict]) -> str:
    """The subject as people wrote it (its casing), without Re:/Fw: prefixes."""
    for d in docs:
        title = PREFIX.sub("", d["title"]).strip()
        if title.lower() == norm:
            return title
    return norm


def _names(docs: list[dict]) -> dict[str, list[str]]:
    names: dict[str, list[str]] = defaultdict(list)
    for d in docs:
        if d["name"] and d["name"] not in names[d["sender"]]:
            names[d["sender"]].append(d["name"])
    return {d["sender"]: names.get(d["sender"], []) for d in docs}


def thread_spans(threads: dict[str, list[dict]]) -> tuple[list[Span], list[Span], list[Span]]:
    senders, days, amounts = [], [], []
    for norm, docs in sorted(threads.items()):
        subject = shown_subject(norm, docs)
        people = list(dict.fromkeys(d["sender"] for d in docs))
        if len(people) >= 2 and len(docs) >= 3:
            senders.append(Span("thread-senders", f"Who wrote in the thread '{subject}'?", people,
                                {"subject": subject, "names": _names(docs), "emails": len(docs)}))
        on = sorted({d["day"] for d in docs if d["day"]})
        if len(on) >= 2 and len(docs) >= 3:
            days.append(Span("thread-days", f"On which days were emails sent in the thread '{subject}'?", on,
                             {"subject": subject, "emails": len(docs)}))
        values = list(dict.fromkeys(v.replace(",", "") for d in docs for v in MONEY.findall(d["body"])))
        holding = sum(1 for d in docs if MONEY.search(d["body"]))
        if 3 <= len(values) <= 12 and holding >= 2:
            amounts.append(Span("thread-amounts", f"List every dollar amount mentioned in the thread '{subject}', "
                                f"in the order they were written.", values,
                                {"subject": subject, "emails": len(docs), "ordered": True}))
    return senders, days, amounts


def forms(word: str) -> str:
    """A pattern of the word in its forms as whole words, as archivist's README says a mention is
    read (plural and verb endings): 'Lease', 'leases', 'leased', 'leasing'; 'Currency', 'currencies'."""
    w, stem = re.escape(word), re.escape(word[:-1])
    alts = [rf"{w}(?:s|es|'s|ed|d|ing)?"]
    if word[-1:] in "yY" and word[-2:-1].lower() not in "aeiou":
        alts.append(rf"{stem}(?:ies|ied)")
    if word[-1:] in "eE":
        alts.append(rf"{stem}ing")
    return rf"\b(?:{'|'.join(alts)})\b"


def _mentions(conn) -> dict[str, list[tuple[str, str, str]]]:
    """Topic word (capitalised in 3-60 subjects, not a plain word) -> (day, sender, name) of every
    email whose own text names it, for words named in at most 150 emails."""
    words: Counter = Counter()
    for (title,) in conn.execute("SELECT title FROM documents WHERE kind = 'email' AND title IS NOT NULL"):
        for w in set(re.findall(r"\b[A-Z][a-z]{4,}\b", PREFIX.sub("", title))):
            if w.lower() not in PLAIN:
                words[w] += 1
    topics = {w.lower(): w for w, n in words.items() if 3 <= n <= 60}
    patterns = {w: re.compile(forms(w), re.I) for w in topics.values()}
    found: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for title, body, sender, name, d, raw in conn.execute(
            "SELECT title, body, lower(sender), sender_name, date, date_raw FROM documents "
            "WHERE kind = 'email' AND sender IS NOT NULL AND sender != '' ORDER BY date, id"):
        text = f"{title or ''}\n{body or ''}"
        tokens = set(re.findall(r"[a-z]+", text.lower()))
        hit = {topics[b] for t in tokens for b in (t, t[:-1], t[:-2], t[:-3], t[:-3] + "y", t[:-3] + "e")
               if b in topics}
        day = local_day(raw, d)
        for w in hit:
            if patterns[w].search(text):  # a whole word in its forms: 'Kitchen', not 'Kitchener'
                found[w].append((day, sender, name or ""))
    return {w: v for w, v in found.items() if len(v) <= 150}


def topic_spans(conn) -> tuple[list[Span], list[Span]]:
    found = _mentions(conn)
    senders, monthly = [], []
    for word, hits in sorted(found.items()):
        by_month: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
        for day, sender, name in hits:
            if re.match(r"(19|20)\d\d-\d\d-\d\d$", day or ""):
                by_month[day[:7]].append((day, sender, name))
        for month, got in sorted(by_month.items()):
            people = list(dict.fromkeys(s for _, s, _ in got))
            if 3 <= len(people) <= 8 and len(got) <= 25:
                names: dict[str, list[str]] = defaultdict(list)
                for _, s, n in got:
                    if n and n not in names[s]:
                        names[s].append(n)
                y, m = month.split("-")
                senders.append(Span("topic-senders", f"Who wrote about {word} in {MONTHS[int(m) - 1]} {y}?", people,
                                    {"word": word, "month": month, "emails": len(got),
                                     "names": {p: names.get(p, []) for p in people}}))
        by_year: dict[str, Counter] = defaultdict(Counter)
        for month, got in by_month.items():
            by_year[month[:4]][month] += len(got)
        for year, counts in sorted(by_year.items()):
            if 3 <= len(counts) and sum(counts.values()) <= 60 and max(counts.values()) >= 2:
                pairs = [f"{m}={n}" for m, n in sorted(counts.items())]
                monthly.append(Span("monthly-mentions", f"How many emails mentioned {word} in each month of {year}?",
                                    pairs, {"word": word, "year": year, "emails": sum(counts.values())}))
    return senders, monthly


def generate(conn, per_kind: int, seed: int) -> list[Span]:
    """per_kind examples of every kind (fewer where the archive has fewer), drawn with the seed."""
    senders, days, amounts = thread_spans(_threads(conn))
    topic, monthly = topic_spans(conn)
    out = []
    for kind, pool in zip(KINDS, (senders, days, topic, monthly, amounts)):
        rng = random.Random(f"{seed}:{kind}")
        chosen = rng.sample(pool, min(per_kind, len(pool)))
        for i, span in enumerate(chosen):
            span.meta.update(kind=kind, index=i, split="tune" if i % 2 == 0 else "held")
        out += chosen
    return out


# --- what an answer names ---

def people_named(answer: str, names: dict[str, list[str]]) -> set[str]:
    """The gold addresses the answer names (the address, or a display name as 'Last, First' or
    'First Last', at least two words), plus every other address it writes."""
    text, low = f" {normalise(answer)} ", (answer or "").lower()
    out = {a.lower().rstrip(".") for a in ADDRESS.findall(answer or "")}  # '.taylor@enron.com' is an address
    for address, shown in names.items():
        forms = set()
        for name in shown:
            words = [w for w in re.findall(r"[A-Za-z][A-Za-z'-]+", name.strip("'\" ")) if len(w) > 1]
            if len(words) >= 2 and "@" not in name:
                forms.add(" ".join(words))
                if "," in name:  # 'Druzbik, Lisa' is also 'Lisa Druzbik'
                    forms.add(" ".join(words[1:] + words[:1]))
        if address in low or any(f" {normalise(f)} " in text for f in forms):
            out.add(address)
    return out


MONTH_ALT = "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
MONTH_WORD = re.compile(rf"\b({MONTH_ALT})[a-z]*\.?", re.I)
DATE_FORMS = (
    re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b"),
    re.compile(r"\b(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4}|\d\d)\b"),
    re.compile(r"\b(?P<mw>[A-Za-z]{3,9})\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d\d)\b"),
    re.compile(r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mw>[A-Za-z]{3,9})\.?,?\s+(?P<y>(?:19|20)\d\d)\b"),
)


def _month_of(word: str) -> int | None:
    m = MONTH_WORD.fullmatch(word.strip(".")) or MONTH_WORD.match(word)
    if not m or not word.lower().startswith(m.group(1).lower()):
        return None
    key = m.group(1).lower()[:3]
    return [w[:3].lower() for w in MONTHS].index(key) + 1


def dates_named(answer: str) -> set[str]:
    """The calendar days an answer writes, as ISO dates."""
    out = set()
    for form in DATE_FORMS:
        for m in form.finditer(answer or ""):
            g = m.groupdict()
            month = int(g["m"]) if g.get("m") else _month_of(g.get("mw") or "")
            year = int(g["y"]) + (2000 if len(g["y"]) == 2 else 0)
            try:
                out.add(date(year, month or 0, int(g["d"])).isoformat())
            except (TypeError, ValueError):
                continue
    return out


PAIR = re.compile(rf"(?P<iso>(?:19|20)\d\d-(?:0[1-9]|1[0-2]))\b(?!-\d)|\b(?P<mw>(?:{MONTH_ALT})[a-z]*)\.?"
                  r"(?:,?\s+(?P<y>(?:19|20)\d\d))?", re.I)


def month_counts_named(answer: str, year: str) -> set[str]:
    """'YYYY-MM=n' for every month the answer names followed within a few words by a number (not
    a year, not a [n] citation label, not the day of a date such as 'Mar 12 2001'): '2001-03: 4',
    'March 2001 - 4 emails', 'Mar: 4'."""
    text = re.sub(r"\[\d+\]", " ", answer or "")
    out = set()
    for m in PAIR.finditer(text):
        if m.group("iso"):
            month = m.group("iso")
        else:
            n = _month_of(m.group("mw"))
            if n is None or (n == 5 and not m.group("y") and not re.match(r"\s*[:=(\-–]", text[m.end():])):
                continue  # 'may' the verb is no month
            month = f"{m.group('y') or year}-{n:02d}"
        after = text[m.end():m.end() + 30]
        num = re.match(r"[\s:=(\-–,]*(?:was\s+|were\s+|had\s+)?(\d[\d,]*)\b(?P<year>,?\s+(?:19|20)\d\d\b)?", after)
        if num and not num.group("year") and not re.fullmatch(r"(?:19|20)\d\d", num.group(1)):  # 'Mar 12 2001' is a day
            out.add(f"{month}={int(num.group(1).replace(',', ''))}")
    return out


def amounts_named(answer: str, gold: list[str]) -> tuple[set[str], float]:
    """(the amounts named: numbers equal to a gold amount plus every other $ amount, whether the
    gold amounts named come in gold order: 1.0, else 0.0; 0.0 when none is named)."""
    gold_set = set(gold)
    said = [(m.start(), n.replace(",", "")) for m in re.finditer(r"\d[\d,]*(?:\.\d+)?", answer or "")
            for n in [m.group(0)]]
    named = {n for _, n in said if n in gold_set}
    named |= {v.replace(",", "") for v in MONEY.findall(answer or "")}
    first: dict[str, int] = {}
    for pos, n in said:
        if n in gold_set:
            first.setdefault(n, pos)
    order = [n for n in gold if n in first]
    in_order = float(bool(order) and [first[n] for n in order] == sorted(first[n] for n in order))
    return named, in_order


class ArchiveSpanTask(Task):
    name = TaskName.ARCHIVE_SPAN
    headline = ("set F1 of what the answer names against every gold item: the thread's or month's senders, "
                "the thread's days, (month, count) pairs, the thread's dollar amounts")
    default_data = ""
    strategies = (EvalStrategy.RAG, EvalStrategy.MEMORY, EvalStrategy.QUERY, EvalStrategy.AUTO)
    per_kind = 10  # examples a kind (half tuning, half held back)

    def __init__(self, options, half: str = ""):
        if options.data is None:
            raise InputError("archive-span: pass --data PATH of an archivist database of emails")
        super().__init__(options)
        if not self.path.is_file():
            raise InputError(f"archive-span: {self.path} is not an archivist database file")
        self.half = half

    def database(self):
        return self.path

    def examples(self) -> list[Example]:
        conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        try:
            spans = generate(conn, self.per_kind, self.options.seed)
        finally:
            conn.close()
        out = [Example(f"{s.kind}-{s.meta['index']:02d}", s.question, s.answers, corpus="db",
                       meta={**s.meta, "group": s.kind})
               for s in spans if not self.half or s.meta["split"] == self.half]
        out.sort(key=lambda e: (e.meta["index"], KINDS.index(e.meta["kind"])))  # --limit keeps every kind
        return self.limited(out)

    def score(self, example: Example, answer: str) -> tuple[float, dict[str, float]]:
        kind, gold = example.meta["kind"], example.answers
        extra = {}
        if kind in ("thread-senders", "topic-senders"):
            named = people_named(answer, example.meta["names"])
        elif kind == "thread-days":
            named = dates_named(answer)
        elif kind == "monthly-mentions":
            named = month_counts_named(answer, example.meta["year"])
        else:
            named, extra["in_order"] = amounts_named(answer, gold)
        scores = set_scores(named, set(gold)) | extra
        if kind == "thread-amounts":
            scores["exact_order"] = float(scores["set_f1"] == 1.0 and extra["in_order"] == 1.0)
        scores["refused"] = float(is_refusal(answer))
        return scores["set_f1"], scores
