"""Paraphrase probes: metadata questions generated from an archive's own SQLite data in many
phrasings, each with its exact answer and the constraints it carries.

Answers are computed here with plain SQL and Python (distinct documents, kind = 'email'; days by
the sender's own Date header, as the query strategy counts them), independently of the agent.
Templates alternate between two halves: 'tune' (looked at while developing) and 'held' (not).

Also questions whose answers come from the RAW mbox files (the email module, independently of
archivist's store): read_raw, distinct, raw_questions, raw_probes.
"""
from __future__ import annotations

import collections
import email
import gzip
import mailbox
import os
import random
import re
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta, timezone
from email.policy import default as default_policy
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path

from archivist.agent.strategies.metadata import local_day
from archivist.evals.probe_templates import COUNT_INTENTS, MONTHS, TEMPLATES
from archivist.records import Strategy


@dataclass
class Probe:
    question: str
    intent: str  # a TEMPLATES key
    template: int
    half: str  # 'tune' or 'held'
    expected: int | str  # a count, or the sender address (who_sent)
    accept: list[str] = field(default_factory=list)  # strings any one of which answers a lookup
    constraints: dict = field(default_factory=dict)  # sender, recipient, after, before, subject


@dataclass
class Facts:
    """What the probes are computed from: every email's sender, local day, subject, recipients."""

    emails: dict[int, dict]
    by_sender: dict[str, list[int]]
    by_recipient: dict[str, set[int]]
    names: dict[str, Counter]  # address -> display names
    recipient_names: dict[str, Counter]
    sender_rows: list[tuple[int, str]] = field(default_factory=list)  # (doc, 'address name' lower)
    recipient_rows: list[tuple[int, str]] = field(default_factory=list)
    forms: dict[tuple, list[str]] = field(default_factory=dict)  # cache of name_forms
    by_to: dict[str, set[int]] = field(default_factory=dict)  # the To line only ('addressed to X')

    @property
    def years(self) -> tuple[str, ...]:
        """The two years with the most email (dates and ranges are drawn from them)."""
        n = Counter(e["local"][:4] for e in self.emails.values() if e["local"][:2] in ("19", "20"))
        return tuple(sorted(y for y, _ in n.most_common(2)))


def read_facts(conn) -> Facts:
    emails, by_sender = {}, defaultdict(list)
    names: dict[str, Counter] = defaultdict(Counter)
    for i, sender, name, d, raw, title, norm in conn.execute(
            "SELECT id, lower(sender), sender_name, date, date_raw, title, norm_subject FROM documents "
            "WHERE kind = 'email' AND sender IS NOT NULL AND sender != ''"):
        # the day is the Date header's, as archivist counts it: also for a header year such as '0002'
        # that gave no UTC date ('8 Mar 0002' is read as 2002, as the answers show it)
        emails[i] = {"sender": sender, "name": name or "", "local": local_day(raw, d), "utc": (d or "")[:10],
                     "title": title or "", "norm": norm or ""}
        by_sender[sender].append(i)
        if name:
            names[sender][name] += 1
    srows = [(i, f"{e['sender']} {e['name'].lower()}") for i, e in emails.items()]
    rrows = []
    by_recipient, by_to, rnames = defaultdict(set), defaultdict(set), defaultdict(Counter)
    for doc, address, name, role in conn.execute(
            "SELECT p.doc_id, lower(p.address), p.name, p.role FROM participants p JOIN documents d ON d.id = p.doc_id "
            "WHERE d.kind = 'email' AND p.role IN ('to', 'cc', 'bcc') AND p.address != ''"):
        by_recipient[address].add(doc)
        if role == "to":
            by_to[address].add(doc)
        rrows.append((doc, f"{address} {(name or '').lower()}"))
        if name:
            rnames[address][name] += 1
    return Facts(emails, dict(by_sender), dict(by_recipient), dict(names), dict(rnames), srows, rrows,
                 by_to=dict(by_to))


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"[\w'-]+", text.lower()) if len(w) > 1]


def name_forms(facts: Facts, address: str, role: str) -> list[str]:
    """Ways to name the person at address that select exactly the documents the address does
    (name words in any order against each document's address and display name, as the filter
    compiler reads names): 'First Last', 'Last, First', lower-case, the last name alone."""
    names = (facts.names if role == "sender" else facts.recipient_names).get(address)
    if not names:
        return []
    best = names.most_common(1)[0][0].strip(" '\"")
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z'-]+", best) if len(w) > 1]
    if len(words) < 2 or "@" in best:
        return []
    first, last = (words[1], words[0]) if "," in best else (words[0], words[-1])
    forms = [f"{first} {last}", f"{last}, {first}", f"{first} {last}".lower(), last]
    want = set(facts.by_sender[address]) if role == "sender" else facts.by_recipient[address]
    return [f for f in forms if _docs_named(facts, _words(f), role) == want]


def _docs_named(facts: Facts, words: list[str], role: str) -> set[int]:
    rows = facts.sender_rows if role == "sender" else facts.recipient_rows
    return {doc for doc, hay in rows if all(w in hay for w in words)}


def _who(rng: random.Random, facts: Facts, address: str, role: str) -> tuple[str, str]:
    """(how the question names the person, the form's kind)."""
    if rng.random() < 0.5:
        key = (address, role)
        if key not in facts.forms:
            facts.forms[key] = name_forms(facts, address, role)
        if facts.forms[key]:
            return rng.choice(facts.forms[key]), "name"
    return (address.upper() if rng.random() < 0.1 else address), "address"


def _day_text(rng: random.Random, day: str) -> str:
    d = date.fromisoformat(day)
    return rng.choice([day, f"{d.month}/{d.day}/{d.year}", f"{MONTHS[d.month - 1]} {d.day}, {d.year}",
                       f"{MONTHS[d.month - 1][:3]} {d.day}th {d.year}", f"{d.day} {MONTHS[d.month - 1]} {d.year}"])


def _month_text(rng: random.Random, ym: str) -> str:
    y, m = int(ym[:4]), int(ym[5:7])
    return rng.choice([f"{MONTHS[m - 1]} {y}", f"{MONTHS[m - 1][:3]} {y}", f"{MONTHS[m - 1].lower()} {y}",
                       f"{y}-{m:02d}", f"{MONTHS[m - 1][:3]}. {y}"])


def _range(rng: random.Random, year: int) -> tuple[str, str, str]:
    """(text, low, high) of a date range in one of the forms people write."""
    kind = rng.randrange(7)
    if kind == 0:
        q = rng.randrange(1, 5)
        return f"in Q{q} {year}", f"{year}-{3 * q - 2:02d}-01", _next_month(year, 3 * q)
    if kind == 1:
        q = rng.randrange(1, 5)
        word = ["first", "second", "third", "fourth"][q - 1]
        return f"in the {word} quarter of {year}", f"{year}-{3 * q - 2:02d}-01", _next_month(year, 3 * q)
    if kind == 2:
        return f"in {year}", f"{year}-01-01", f"{year + 1}-01-01"
    if kind == 3:
        m = rng.randrange(1, 13)
        end = date.fromisoformat(_next_month(year, m))
        return f"in the last week of {MONTHS[m - 1]} {year}", (end - timedelta(days=7)).isoformat(), end.isoformat()
    a = date(year, rng.randrange(1, 12), rng.randrange(1, 28))
    b = a + timedelta(days=rng.randrange(5, 80))
    text = {4: f"between {a.isoformat()} and {b.isoformat()}",
            5: f"from {MONTHS[a.month - 1]} {a.day}, {a.year} to {MONTHS[b.month - 1]} {b.day}, {b.year}",
            6: f"between {a.month}/{a.day}/{a.year} and {b.month}/{b.day}/{b.year}"}[kind]
    return text, a.isoformat(), (b + timedelta(days=1)).isoformat()


def _next_month(year: int, month: int) -> str:
    return date(year + (month == 12), month % 12 + 1, 1).isoformat()


def _typo(rng: random.Random, subject: str) -> str:
    """A misquote: one letter dropped from a longer word, and lower-cased."""
    words = subject.split()
    long_ones = [i for i, w in enumerate(words) if len(w) > 5 and w.isalpha()]
    if not long_ones:
        return subject.lower()
    i = rng.choice(long_ones)
    j = rng.randrange(1, len(words[i]) - 1)
    words[i] = words[i][:j] + words[i][j + 1:]
    return " ".join(words).lower()


def _probe(intent: str, t: int, question: str, expected, **kw) -> Probe:
    return Probe(question, intent, t, "tune" if t % 2 == 0 else "held", expected, **kw)


def _counts(rng: random.Random, facts: Facts, per: int) -> list[Probe]:
    out = []
    senders = sorted(a for a, ids in facts.by_sender.items() if len(ids) >= 3)
    recipients = sorted(a for a, ids in facts.by_recipient.items() if len(ids) >= 3)
    for t, tpl in enumerate(TEMPLATES["count_sender"]):
        for a in rng.sample(senders, min(per, len(senders))):
            who, _ = _who(rng, facts, a, "sender")
            out.append(_probe("count_sender", t, tpl.format(who=who), len(facts.by_sender[a]),
                              constraints={"sender": a}))
    for t, tpl in enumerate(TEMPLATES["count_recipient"]):
        for a in rng.sample(recipients, min(per, len(recipients))):
            who, _ = _who(rng, facts, a, "recipient")
            # 'addressed to X' is X on the To line (blind writers meant it so, 6 uses of 6); the rest any recipient
            want = facts.by_to.get(a, set()) if "addressed to" in tpl else facts.by_recipient[a]
            out.append(_probe("count_recipient", t, tpl.format(who=who), len(want), constraints={"recipient": a}))
    years = facts.years
    months = Counter((e["sender"], e["local"][:7]) for e in facts.emails.values() if e["local"][:4] in years)
    keys = sorted(months)
    for t, tpl in enumerate(TEMPLATES["count_sender_month"]):
        for a, ym in rng.sample(keys, min(per, len(keys))):
            who, _ = _who(rng, facts, a, "sender")
            low = f"{ym}-01"
            out.append(_probe("count_sender_month", t, tpl.format(who=who, when=_month_text(rng, ym)),
                              months[(a, ym)], constraints={"sender": a, "after": low,
                                                            "before": _next_month(int(ym[:4]), int(ym[5:7]))}))
    busy = [a for a in senders if len(facts.by_sender[a]) >= 10]
    for t, tpl in enumerate(TEMPLATES["count_sender_range"]):
        for a in rng.sample(busy, min(per, len(busy))):
            who, _ = _who(rng, facts, a, "sender")
            text, low, high = _range(rng, int(rng.choice(years)))
            n = sum(low <= facts.emails[i]["local"] < high for i in facts.by_sender[a])
            question = tpl.format(who=who, when=text)
            out.append(_probe("count_sender_range", t, question[0].upper() + question[1:], n,
                              constraints={"sender": a, "after": low, "before": high}))
    return out


def _lookups(rng: random.Random, facts: Facts, per: int) -> list[Probe]:
    """Sender and date lookups by a subject only one email has."""
    subjects = Counter(e["norm"] for e in facts.emails.values())
    unique = sorted(i for i, e in facts.emails.items() if subjects[e["norm"]] == 1 and len(e["norm"]) > 10
                    and '"' not in e["title"] and "'" not in e["title"] and e["local"][:2] in ("19", "20")
                    and not re.search(r"\d{4}|/\d", e["title"]))
    out = []
    for intent in ("who_sent", "when_sent"):
        for t, tpl in enumerate(TEMPLATES[intent]):
            for i in rng.sample(unique, min(per, len(unique))):
                e = facts.emails[i]
                subj = e["title"].strip()
                who, _ = _who(rng, facts, e["sender"], "sender")
                slots = {"subj": subj, "lower": subj.lower(), "typo": _typo(rng, subj), "who": who,
                         "day": e["local"], "day_name": _day_text(rng, e["local"])}
                accept = [e["sender"]] if intent == "who_sent" else sorted({e["local"], e["utc"]})
                out.append(_probe(intent, t, tpl.format(**slots), accept[0], accept=accept,
                                  constraints={"subject": e["norm"]}))
    return out


def _lists(rng: random.Random, facts: Facts, per: int) -> list[Probe]:
    years = facts.years
    days = Counter((e["sender"], e["local"]) for e in facts.emails.values() if e["local"][:4] in years)
    keys = sorted(k for k, n in days.items() if n <= 15)
    out = []
    for t, tpl in enumerate(TEMPLATES["list_sender_day"]):
        for a, day in rng.sample(keys, min(per, len(keys))):
            who, _ = _who(rng, facts, a, "sender")
            high = (date.fromisoformat(day) + timedelta(days=1)).isoformat()
            out.append(_probe("list_sender_day", t, tpl.format(who=who, when=_day_text(rng, day)),
                              days[(a, day)], constraints={"sender": a, "after": day, "before": high}))
    return out


def generate(conn, per_template: int = 5, seed: int = 11) -> list[Probe]:
    """Probes over every template, `per_template` questions each, from the store's connection."""
    rng = random.Random(seed)
    facts = read_facts(conn)
    return _counts(rng, facts, per_template) + _lookups(rng, facts, per_template) + _lists(rng, facts, per_template)


def dropped(probe: Probe, res) -> list[str]:
    """The probe's constraints that are neither a filter of the run (an AskResult) nor named in
    its answer as unmatched: a silently dropped constraint."""
    f, out = res.filters, []
    applied = {"recipient": ("recipient", "to", "cc", "bcc", "participant")}  # a recipient in any role
    for key in ("sender", "recipient", "after", "before"):
        if probe.constraints.get(key) and not any(f.get(k) for k in applied.get(key, (key,))) \
                and not res.unmatched:
            out.append(key)
    if probe.constraints.get("subject") and res.strategy != Strategy.QUERY and f.get("doc_ids") is None \
            and not f.get("subject") and not res.unmatched:
        out.append("subject")
    return out


def answer_number(answer: str) -> int | None:
    """The count an answer gives: its first number, 0 for 'No matching documents'."""
    if answer.startswith("No matching"):
        return 0
    m = re.match(r"\s*(\d[\d,]*)", answer)
    return int(m.group(1).replace(",", "")) if m else None


def correct(probe: Probe, answer: str) -> bool:
    if probe.intent in COUNT_INTENTS or probe.intent == "list_sender_day":
        return answer_number(answer) == probe.expected
    head = answer.split("\n\nNote:")[0].lower()
    return any(a.lower() in head for a in probe.accept)


# --- raw-mbox questions (the Enron agent benchmark) ---

def _body(msg) -> str:
    part = msg.get_body(preferencelist=("plain", "html"))
    try:
        return part.get_content() if part is not None else ""
    except (LookupError, ValueError):
        return ""


def header_date(value: str):
    """The Date header as an aware datetime; None for placeholders like '8 Mar 0002', which
    Python's parser would silently read as 2002."""
    year = re.search(r"\b(\d{4})\b", value)
    if not year or int(year.group(1)) < 1900:
        return None
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None


def read_raw(mbox_dir: Path) -> list[dict]:
    """Every message of every mbox: sender, subject, Message-ID, local and UTC day, body."""
    out = []
    for path in sorted(mbox_dir.glob("*.mbox.gz")):
        tmp = Path(tempfile.gettempdir()) / f"archivist_probes_{os.getpid()}_{path.stem}"
        tmp.write_bytes(gzip.decompress(path.read_bytes()))
        for raw in mailbox.mbox(str(tmp), factory=None):
            msg = email.message_from_bytes(raw.as_bytes(), policy=default_policy)
            addrs = getaddresses([str(msg.get("From", ""))])
            when = header_date(str(raw.get("Date", "")))  # compat32: the literal header text
            out.append({"from": (addrs[0][1] if addrs else "").lower(), "subject": str(msg.get("Subject", "")),
                        "message_id": str(msg.get("Message-ID", "")).strip(), "mailbox": path.name[:-8],
                        "local": when.date().isoformat() if when else "",
                        "utc": when.astimezone(timezone.utc).date().isoformat() if when else "",
                        "body": _body(msg)})
        tmp.unlink()
    return out


def distinct(messages: list[dict]) -> dict[tuple, list[dict]]:
    """Distinct messages by (From, Subject, body), as the data README counts them."""
    groups: dict[tuple, list[dict]] = collections.defaultdict(list)
    for m in messages:
        groups[(m["from"], m["subject"].strip(), " ".join(m["body"].split()))].append(m)
    return groups


def raw_questions(groups: dict[tuple, list[dict]], per_kind: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    firsts = [copies[0] for copies in groups.values()]
    per_sender = collections.Counter(m["from"] for m in firsts if m["from"])
    senders = sorted(s for s, n in per_sender.items() if n >= 2)
    qs = []
    for s in rng.sample(senders, per_kind):
        qs.append({"kind": "count_from", "question": f"How many distinct emails from {s} are in the archive?",
                   "expected": per_sender[s]})
    months = collections.Counter((m["from"], m["local"][:7]) for m in firsts
                                 if m["from"] and m["local"][:4] in ("2000", "2001", "2002"))
    months_utc = collections.Counter((m["from"], m["utc"][:7]) for m in firsts if m["from"])
    for (s, ym) in rng.sample(sorted(months), per_kind):
        y, mo = ym.split("-")
        qs.append({"kind": "count_month", "expected": months[(s, ym)],
                   "expected_utc": months_utc.get((s, ym), 0),
                   "question": f"How many emails did {s} send in {MONTHS[int(mo) - 1]} {y}?"})
    key = collections.Counter((m["subject"].strip().lower(), m["local"]) for m in firsts)
    unique = [copies for copies in groups.values() if len(copies[0]["subject"].strip()) > 8
              and '"' not in copies[0]["subject"] and key[(copies[0]["subject"].strip().lower(),
                                                           copies[0]["local"])] == 1
              and copies[0]["local"][:4] in ("2000", "2001", "2002") and copies[0]["from"]]
    for i, copies in enumerate(rng.sample(unique, per_kind)):
        m = copies[0]
        y, mo, d = m["local"].split("-")
        day = m["local"] if i % 2 == 0 else f"{MONTHS[int(mo) - 1]} {int(d)}, {y}"
        qs.append({"kind": "who_sent", "expected": m["from"],
                   "message_ids": sorted({c["message_id"] for c in copies}),
                   "question": f"Who sent the email with the subject \"{m['subject'].strip()}\" on {day}?"})
    return qs


RAW_INTENTS = {"count_from": "count_sender", "count_month": "count_sender_month", "who_sent": "who_sent"}


def raw_probes(mbox_dir: Path, per_kind: int, seed: int) -> list[Probe]:
    """raw_questions as Probes (half 'raw'): counts of distinct messages and senders by subject."""
    out = []
    for q in raw_questions(distinct(read_raw(mbox_dir)), per_kind, seed):
        accept = [q["expected"]] if q["kind"] == "who_sent" else []
        out.append(Probe(q["question"], RAW_INTENTS[q["kind"]], -1, "raw", q["expected"], accept=accept,
                         constraints={"message_ids": q.get("message_ids", [])}))
    return out
