"""Thread reconstruction over the emails in the store: every one (rebuild_threads), or only those
an ingest's new or departed messages can reach (corpus/thread_update.py; the same result).

Message-ID / In-Reply-To / References link messages when present. Without them (Enron has none) a
reply or forward (RE:/FW: subject or quoted history) joins an earlier message with the same
normalised subject when the quoted "-----Original Message-----" header names that message's sender
and date, or else when the two share a participant and are close in time. A thread's id is the id of
its first document, so ids stay stable across rebuilds while roots do.
"""
from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

QUOTE_WINDOW = timedelta(days=90)  # a quoted header naming the parent's sender and date
OVERLAP_WINDOW = timedelta(days=14)  # only a shared participant: replies come within days
SENT_SLACK = timedelta(hours=26)  # quoted "Sent:" is local time, the stored date is UTC
_REPLY = re.compile(r"^\s*(re|fw|fwd|aw|sv|wg)\s*(\[\d+\])?\s*:", re.IGNORECASE)
_QUOTE_HEAD = re.compile(
    r"-{3,}\s*Original Message\s*-{3,}\s*\n\s*From:\s*(?P<sender>[^\n]*)\n"
    r"(?P<rest>(?:[^\n]*(?:\n|$)){0,12})", re.IGNORECASE)
_QUOTE_SUBJECT = re.compile(r"(?m)^\s*Subject:\s*(.*)$")
_QUOTE_SENT = re.compile(r"(?m)^\s*(?:Sent|Date):\s*(.*)$")
_TOKEN = re.compile(r"[a-z]{2,}")
KEYS_KEY = "mail_keys"  # index_meta: 'complete' once a whole rebuild wrote every email's keys
_SENT_FORMATS = ("%A, %B %d, %Y %I:%M %p", "%a %m/%d/%Y %I:%M %p", "%m/%d/%Y %I:%M %p",
                 "%A, %B %d, %Y %H:%M", "%d %B %Y %H:%M", "%a %b %d %H:%M:%S %Y",
                 "%A, %B %d, %Y %I:%M:%S %p", "%m/%d/%Y %I:%M:%S %p")


@dataclass
class Mail:
    id: int
    subject: str  # normalised
    is_reply: bool
    sender: str
    sender_tokens: set[str]
    date: datetime | None
    people: set[str] = field(default_factory=set)  # sender, to, cc, bcc addresses
    ids: list[str] = field(default_factory=list)  # In-Reply-To and References


@dataclass
class QuotedHeader:
    surname: str
    sent: datetime | None
    subject: str


def parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=None)
    except ValueError:
        return None


def utc(value: datetime) -> str:
    return value.isoformat(timespec="seconds") + "+00:00"


def parse_sent(value: str) -> datetime | None:
    value = " ".join(value.replace("=09", " ").split())
    for fmt in _SENT_FORMATS:
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    try:  # RFC 2822 dates, as in forwarded Internet mail
        return parsedate_to_datetime(value).replace(tzinfo=None)
    except (TypeError, ValueError, IndexError):
        return None


def surname_of(sender: str) -> str:
    """The family name in 'Last, First', 'First Last' or an address's local part."""
    sender = re.split(r"\s+on behalf of\s+", sender.replace("=09", " ").replace("=20", " "),
                      flags=re.IGNORECASE)[0].strip().lower()
    if "," in sender:
        tokens = _TOKEN.findall(sender.split(",")[0])
        return tokens[-1] if tokens else ""
    tokens = _TOKEN.findall(sender.split("@")[0].split("/")[0])
    return tokens[-1] if tokens else ""


def quoted_header(text: str) -> QuotedHeader | None:
    """Sender, date and subject of the message a reply quotes, from its first quoted header."""
    match = _QUOTE_HEAD.search(text or "")
    if not match:
        return None
    from archivist.corpus.headers import normalise_subject
    subject = _QUOTE_SUBJECT.search(match.group("rest"))
    sent = _QUOTE_SENT.search(match.group("rest"))
    return QuotedHeader(surname_of(match.group("sender")), parse_sent(sent.group(1) if sent else ""),
                        normalise_subject(subject.group(1)) if subject else "")


def name_tokens(name: str | None, address: str | None) -> set[str]:
    local = (address or "").split("@")[0].lower()
    return set(_TOKEN.findall((name or "").lower())) | set(_TOKEN.findall(local))


class UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        root = x
        while self.parent.get(root, root) != root:
            root = self.parent[root]
        while self.parent.get(x, x) != root:  # path compression
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def mail_of(doc_id: int, title: str | None, subject: str | None, sender: str | None, name: str | None,
            date: datetime | None, ids: list[str]) -> Mail:
    """An email as threading reads it, but for its participants and quoted header (load_mails)."""
    return Mail(doc_id, subject or "", bool(_REPLY.match(title or "")), sender or "",
                name_tokens(name, sender), date, {sender} if sender else set(), ids)


MAIL_COLUMNS = ("d.id, d.title, d.norm_subject, d.sender, d.sender_name, d.date, d.message_id, "
                "d.in_reply_to, d.refs")
# the text a quoted header is read from, only for an email whose header is not stored yet
QUOTE_TEXT = ("CASE WHEN k.quote IS NULL THEN substr(CASE WHEN d.quoted != '' THEN d.quoted ELSE d.body END, "
              "1, 4000) END")


def load_mails(store, ids: list[int] | None = None
               ) -> tuple[dict[int, Mail], dict[int, QuotedHeader], dict[str, int]]:
    """Every email (or those among `ids`) with its participants, quoted header and message ids,
    in id order (the first of two emails with one Message-ID is the one a reference reaches). The
    quoted header is the one stored in mail_keys, else read from the text (and stored by the next
    key write: write_keys, or store_quotes)."""
    mails: dict[int, Mail] = {}
    quotes: dict[int, QuotedHeader] = {}
    by_msgid: dict[str, int] = {}
    only, params = ("", ()) if ids is None else \
        (" AND d.id IN (SELECT value FROM json_each(?))", (json.dumps(ids),))
    rows = store.conn.execute(
        f"SELECT {MAIL_COLUMNS}, k.quote, k.quote_subject, {QUOTE_TEXT} FROM documents d "
        f"LEFT JOIN mail_keys k ON k.doc_id = d.id WHERE d.kind = 'email'{only} ORDER BY d.id", params)
    for doc_id, title, subject, sender, name, date, msgid, reply_to, refs, stored, quoted, text in rows:
        cited = [x for x in ((reply_to or "").split() + (refs or "").split()) if x]
        mail = mail_of(doc_id, title, subject, sender, name, parse_date(date), cited)
        mails[doc_id] = mail
        header = quoted_header(text) if stored is None else stored_quote(stored, quoted)
        if header:
            quotes[doc_id] = header
            mail.is_reply = True
        if msgid:
            by_msgid.setdefault(msgid, doc_id)
    people = ("SELECT p.doc_id, p.address FROM participants p JOIN documents d ON d.id = p.doc_id "
              "WHERE d.kind = 'email' AND p.address != ''") if ids is None else \
        ("SELECT doc_id, address FROM participants WHERE address != '' AND doc_id IN "
         "(SELECT value FROM json_each(?))")
    for doc_id, address in store.conn.execute(people, params):
        if doc_id in mails:
            mails[doc_id].people.add(address)
    return mails, quotes, by_msgid


def quote_value(quote: QuotedHeader | None) -> str:
    """A quoted header as mail_keys.quote keeps it: '' for none, else [surname, sent or null]."""
    if quote is None:
        return ""
    return json.dumps([quote.surname, quote.sent.isoformat() if quote.sent else None])


def stored_quote(value: str, subject: str | None) -> QuotedHeader | None:
    """The quoted header mail_keys keeps (quote_value), with its subject."""
    if not value:
        return None
    surname, sent = json.loads(value)
    return QuotedHeader(surname, datetime.fromisoformat(sent) if sent else None, subject or "")


def close(a: datetime | None, b: datetime | None, window: timedelta) -> bool:
    return a is not None and b is not None and abs(a - b) <= window


def find_quoted(mail: Mail, quote: QuotedHeader | None, earlier: list[Mail]) -> Mail | None:
    """The earlier message whose sender and date the reply's quoted header names."""
    if not (quote and quote.surname):
        return None
    for cand in reversed(earlier):
        if quote.surname in cand.sender_tokens and (
                close(quote.sent, cand.date, SENT_SLACK) if quote.sent
                else close(mail.date, cand.date, QUOTE_WINDOW)):
            return cand
    return None


def find_parent(mail: Mail, quote: QuotedHeader | None, earlier: list[Mail]) -> Mail | None:
    """The message this reply answers or forwards among earlier same-subject messages."""
    parent = find_quoted(mail, quote, earlier)
    if parent is not None:
        return parent
    for cand in reversed(earlier):
        if not close(mail.date, cand.date, OVERLAP_WINDOW):
            break
        if mail.sender in cand.people or cand.sender in mail.people:
            return cand
    return None


def link_by_subject(mails: dict[int, Mail], quotes: dict[int, QuotedHeader], uf: UnionFind) -> None:
    """Join replies and forwards to their parents (and to siblings quoting the same parent)."""
    groups: dict[str, list[Mail]] = defaultdict(list)
    for mail in mails.values():
        if mail.subject and mail.date is not None and not mail.ids:
            groups[mail.subject].append(mail)
    for group in groups.values():
        group.sort(key=lambda m: (m.date, m.id))
        seen_quote: dict[tuple, int] = {}
        for i, mail in enumerate(group):
            if not mail.is_reply:
                continue
            quote = quotes.get(mail.id)
            parent = find_parent(mail, quote, group[:i])
            if parent is not None:
                uf.union(mail.id, parent.id)
            if quote and quote.surname and quote.sent:  # replies to one absent original
                key = (quote.surname, quote.sent)
                uf.union(mail.id, seen_quote.setdefault(key, mail.id))
    link_renamed(groups, quotes, uf)


def link_renamed(groups: dict[str, list[Mail]], quotes: dict[int, QuotedHeader],
                 uf: UnionFind) -> None:
    """A reply that changed the subject joins the message its quoted header names."""
    dates = {subject: [m.date for m in group] for subject, group in groups.items()}
    for subject, group in groups.items():
        for mail in group:
            quote = quotes.get(mail.id)
            if not (quote and quote.sent and quote.subject and quote.subject != subject):
                continue
            others = groups.get(quote.subject, [])
            earlier = others[:bisect_right(dates.get(quote.subject, []), mail.date)]
            parent = find_quoted(mail, quote, earlier)
            if parent is not None:
                uf.union(mail.id, parent.id)


def link_by_headers(mails: dict[int, Mail], by_msgid: dict[str, int], uf: UnionFind) -> None:
    """In-Reply-To / References; messages citing the same absent message join each other."""
    absent: dict[str, int] = {}
    for mail in mails.values():
        for ref in mail.ids:
            uf.union(mail.id, by_msgid.get(ref) or absent.setdefault(ref, mail.id))


def link_all(mails: dict[int, Mail], quotes: dict[int, QuotedHeader], by_msgid: dict[str, int]
             ) -> list[list[Mail]]:
    """The threads of `mails`: groups joined by headers, then by subject and quoted headers."""
    uf = UnionFind()
    link_by_headers(mails, by_msgid, uf)
    link_by_subject(mails, quotes, uf)
    members: dict[int, list[Mail]] = defaultdict(list)
    for mail in mails.values():
        members[uf.find(mail.id)].append(mail)
    return list(members.values())
