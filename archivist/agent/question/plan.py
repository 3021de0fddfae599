"""The typed query plan: what a question asks for (its Ask and target field) and every constraint it
gives, each with its role (sender, to, cc, bcc, any participant, mailbox, sender domain, date
interval, subject words, body words, attachment, topic), plus an account of every word: part of a
constraint, part of the question's frame, or not used.

A metadata answer is computed only from a plan whose words are all accounted for; otherwise the
answer names the words it could not use and gives no figure (agent/strategies/planned.py).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum

from archivist.records import ANY_ATTACHMENT, DocKind, Filters


class Ask(StrEnum):
    """What the question wants back."""

    COUNT = "count"  # how many emails
    LIST = "list"  # which emails
    TOP = "top"  # the top-k values of a field (who sent the most, who wrote to X most often)
    FIRST = "first"  # the earliest email that matches (its date or a field)
    LAST = "last"  # the latest one
    PEAK = "peak"  # the month (or day) with the most matching emails
    FIELD = "field"  # a header field of the one email the constraints describe
    CONTENT = "content"  # what documents say: retrieval and a model


METADATA_ASKS = frozenset({Ask.COUNT, Ask.LIST, Ask.TOP, Ask.FIRST, Ask.LAST, Ask.PEAK, Ask.FIELD})


class Target(StrEnum):
    """The field the answer reports."""

    DOCUMENTS = "documents"
    SENDER = "sender"
    RECIPIENT = "recipient"  # any of to, cc, bcc
    TO = "to"
    CC = "cc"
    BCC = "bcc"
    DATE = "date"
    WEEK = "week"  # Monday to Sunday, by the date of its Monday
    MONTH = "month"
    QUARTER = "quarter"  # '2001-Q3'
    YEAR = "year"
    ATTACHMENTS = "attachments"
    SUBJECT = "subject"
    REPLY = "reply"  # the sender of the first reply to one described email
    MAILBOX = "mailbox"  # the custodian whose mailbox holds the most matching emails


class Role(StrEnum):
    """What a constraint restricts."""

    SENDER = "sender"
    RECIPIENT = "recipient"  # to, cc or bcc
    TO = "to"  # the To line only ('addressed to X')
    CC = "cc"
    BCC = "bcc"
    PARTICIPANT = "participant"  # sender or any recipient
    MAILBOX = "mailbox"  # the custodian whose mailbox holds the email
    DOMAIN = "sender_domain"
    NOT_DOMAIN = "sender_not_domain"
    DATE = "date"
    SUBJECT = "subject_words"
    TEXT = "body_words"  # the email's text mentions these words (full-text index)
    TOPIC = "topic"  # content words that find a described email (search, not an exact filter)
    ATTACHMENT = "attachment"
    ALSO_ACCOUNT = "also_account"  # 'counting his AOL account too': the person's addresses there count too
    WEEKDAY = "weekday"  # 'on weekends', 'on a Sunday': the sender's local day of the week
    HOURS = "hours"  # 'between 10pm and 5am': the sender's local time of day (question/hours.py)
    EXCLUDED = "excluded"  # 'besides Tana Jones': left out of a ranking, no filter
    FORM = "form"  # 'forwards', 'replies': told by the subject line and the text (strategies/kinds.py)
    NOT_KIND = "not_kind_words"  # 'leaving aside the SAP notices': emails of that kind left out (strategies/kinds.py)
    KIND = "kind_words"  # 'ERV violation notices': what kind of email, settled against the emails (strategies/kinds.py)


BODY_ONLY = "in the body only"  # the label of body words the question limits to the body
RECEIVED = "what reached"  # the label of a mailbox read from 'X got/received' (question/received.py)
PEOPLE_ROLES = (Role.SENDER, Role.RECIPIENT, Role.TO, Role.CC, Role.BCC, Role.PARTICIPANT)


class Use(StrEnum):
    CONSTRAINT = "constraint"
    FRAME = "frame"  # the question's own words: how many, emails, did, send, the ...
    UNUSED = "not used"
    ASIDE = "aside"  # small talk, a hedge, context about the question: no constraint (question/asides.py)


@dataclass
class Constraint:
    role: Role
    text: str  # as written in the question
    value: str | list[str] | None  # addresses, a mailbox, an ISO interval 'low..high', words
    start: int = 0
    end: int = 0
    label: str = ""  # how it was read, for people: "Kenneth Lay (3 addresses)"
    known: bool = True  # False: nothing in this archive matches it (or a name that could be several people)
    note: str = ""  # why it is not known
    also_named: list[str] = field(default_factory=list)  # a received-in mailbox: the person's addresses
    def to_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v not in ("", None, [])}


@dataclass
class Word:
    text: str
    start: int
    use: Use
    role: str = ""  # the constraint role, for words of a constraint


@dataclass
class QueryPlan:
    question: str
    ask: Ask = Ask.CONTENT
    target: Target = Target.DOCUMENTS
    k: int = 1
    by_address: bool = False  # a ranking of addresses ('top sender addresses'), not of people
    per: Target | None = None  # a count broken down by month, week or year ('in each month of 2001')
    constraints: list[Constraint] = field(default_factory=list)
    words: list[Word] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # how ambiguous parts were read

    @property
    def unused(self) -> list[str]:
        return [w.text for w in self.words if w.use == Use.UNUSED]

    @property
    def metadata(self) -> bool:
        return self.ask in METADATA_ASKS

    def of(self, *roles: Role) -> list[Constraint]:
        return [c for c in self.constraints if c.role in roles]

    def filters(self) -> Filters:
        """The plan's exact constraints as Filters (a TOPIC is for search, not a filter)."""
        f = Filters(kind=DocKind.EMAIL)
        for c in self.constraints:
            _apply(f, c)
        return f

    def to_dict(self) -> dict:
        return {"ask": str(self.ask), "target": str(self.target), "k": self.k, "by_address": self.by_address,
                **({"per": str(self.per)} if self.per else {}),
                "constraints": [c.to_dict() for c in self.constraints],
                "words": {str(u): [w.text for w in self.words if w.use == u] for u in Use},
                "unused": self.unused, "notes": list(self.notes)}


def _apply(f: Filters, c: Constraint) -> None:
    slot = {Role.SENDER: "sender", Role.RECIPIENT: "recipient", Role.TO: "to", Role.CC: "cc", Role.BCC: "bcc",
            Role.PARTICIPANT: "participant", Role.MAILBOX: "mailbox", Role.SUBJECT: "subject",
            Role.TEXT: "text", Role.DOMAIN: "sender", Role.NOT_DOMAIN: "sender_not"}.get(c.role)
    if c.role == Role.DATE and isinstance(c.value, str):
        low, _, high = c.value.partition("..")
        f.after, f.before = low or f.after, high or f.before
    elif c.role == Role.ATTACHMENT:
        f.has_attachment = c.value or ANY_ATTACHMENT
    elif slot == "text" and f.text:
        f.text = f"{f.text} {c.value}"
    elif c.role == Role.DOMAIN and _domains(f.sender):  # 'Columbia/NiSource', 'Kudlow or Dynegy': one sender
        f.sender = _domains(f.sender) + _domains(c.value)  # is at one domain, so either
    elif c.role == Role.MAILBOX and c.also_named:  # what reached X: X's mailbox, or X named as a recipient
        f.mailbox, f.mailbox_or_recipient = c.value, list(c.also_named)
    elif slot and getattr(f, slot) and slot in ("sender", "recipient", "to", "cc", "bcc", "participant"):
        f.also.append((slot, c.value))  # a second person in the same role: both must hold
    elif slot:
        setattr(f, slot, c.value)


def _domains(value) -> list[str]:
    """The '@domain' values of a sender filter that names domains only, else []."""
    values = value if isinstance(value, list) else [value] if isinstance(value, str) else []
    return values if values and all(isinstance(v, str) and v.startswith("@") for v in values) else []
