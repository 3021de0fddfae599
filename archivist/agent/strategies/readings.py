"""The other common readings of 'to X' in a count, said beside the figure: people mean any
recipient (To, Cc or Bcc: the figure), the To line alone, or, for someone whose mailbox the
archive holds, what reached that mailbox (list mail and blind copies name no one). 'What X got
from Y' is read as what reached X's mailbox (question/received.py); X as a named recipient is
said beside it. Each is given only when its count differs, so the reader sees the answer for the
reading they meant. A sender who wrote from several addresses has the figure split by address,
for a reader who counts only some of them as that person. When nothing matches, mail 'to X' from a
sender that names X in no header is counted in X's own mailbox, and mail 'from' a list that sends
nothing itself is the mail sent to it; the answer says so.
"""
from __future__ import annotations

import json
from dataclasses import replace

from archivist.agent.question.plan import RECEIVED, QueryPlan, Role
from archivist.records import Filters


def other_readings(store, plan: QueryPlan, f: Filters, n: int, count) -> list[str]:
    """Notes for a count of n whose filters f name a recipient: the To-line count, and (for mail
    from a sender named) the count in the recipient's mailbox; count(filters): how many emails
    match them."""
    if received := [c for c in plan.of(Role.MAILBOX) if RECEIVED in c.label]:
        return _as_recipient(store, received[0].text, f, n, count)
    people = plan.of(Role.RECIPIENT)
    if len(people) != 1 or f.to or f.mailbox or not f.recipient:
        return []
    who = people[0].text
    notes = []
    to_line = count(replace(f, recipient=None, to=f.recipient))
    if to_line != n:
        notes.append(f"'{who}' was read as any recipient (To, Cc or Bcc); with {who} on the To line "
                     f"alone: {to_line}")
    box = _mailbox(store, people[0].text) if f.sender else None  # from someone else: not their own sent mail
    if box:
        in_box = count(replace(f, recipient=None, mailbox=box))
        if in_box != n:
            notes.append(f"counting what reached {who}'s own mailbox ({box}), named in a header or not: {in_box}")
    return notes


def mailbox_instead(store, plan: QueryPlan, f: Filters, count) -> tuple[Filters, str] | None:
    """Mail from a sender named 'to X' that names X in no header but reached X's own mailbox (list
    mail, blind copies: 'CERA mailings to Vince'): when no email names X, the filters of X's
    mailbox and what the answer says, if it holds any; else None."""
    people = plan.of(Role.RECIPIENT)
    if len(people) != 1 or f.to or f.mailbox or not f.recipient or not f.sender:
        return None
    box = _mailbox(store, people[0].text)
    inbox = replace(f, recipient=None, mailbox=box) if box else None
    if inbox is None or not count(inbox):
        return None
    who = people[0].text
    return inbox, (f"no email from the sender names {who} as a recipient, so this counts what reached {who}'s own "
                   f"mailbox ({box}), named in a header or not")


def list_instead(store, plan: QueryPlan, f: Filters, count) -> tuple[Filters, str] | None:
    """Mail 'from' a sender that sends nothing itself (a mailing list: 'the SMU Betas list'): when
    no email is from it, the filters of the mail sent to it and what the answer says, if any; else None."""
    senders = [c for c in plan.of(Role.SENDER) if c.value]
    if len(senders) != 1 or f.sender != senders[0].value or f.recipient:
        return None
    values = senders[0].value if isinstance(senders[0].value, list) else [senders[0].value]
    addresses = [str(a).split("|")[0].strip("<>") for a in values]
    sent = store.conn.execute("SELECT 1 FROM documents WHERE lower(sender) IN (SELECT value FROM json_each(?)) LIMIT 1",
                              (json.dumps([a.lower() for a in addresses]),)).fetchone()
    to_it = replace(f, sender=None, recipient=senders[0].value)
    if sent or not count(to_it):
        return None
    who = senders[0].text
    return to_it, (f"no email is from {who}, who sends nothing in this archive (a mailing list): this counts the "
                   f"mail sent to it")


# a last word that names the topic as a thing of its kind ('the Trading Track program'): the emails
# about it need not say it
TOPIC_NOUNS = frozenset("program programs programme project projects issue issues matter matters stuff situation "
                        "topic topics thing things business question questions effort efforts initiative initiatives "
                        "process saga story affair deal plan plans proposal account accounts policy policies".split())


def topic_noun_dropped(plan: QueryPlan, f: Filters, count) -> tuple[Filters, str] | None:
    """Body or subject words of several ending in a topic noun ('deal with the Trading Track
    program') that no email holds all of: the filters without that noun and what the answer
    says, when some email holds the rest; else None."""
    for field in ("text", "subject"):
        words = getattr(f, field)
        if not words or " or " in words.lower() or len(parts := words.split()) < 2 \
                or parts[-1].lower() not in TOPIC_NOUNS:
            continue
        shorter = replace(f, **{field: " ".join(parts[:-1])})
        if count(shorter):
            return shorter, (f"no email holds all of '{words}'; this counts those holding '{getattr(shorter, field)}'"
                             f" ('{parts[-1]}' names the topic, the emails need not say it)")
    return None


def by_address(store, plan: QueryPlan, f: Filters) -> list[str]:
    """'by sender address: a 11, b 1' when the one person sending wrote from several addresses."""
    from archivist.agent.strategies.metadata import Calendar, MetadataQuery, Select, run_query
    senders = [c for c in plan.of(Role.SENDER) if isinstance(c.value, list) and len(c.value) > 1]
    if len(senders) != 1 or f.text or f.subject:  # counted row by row: no split in SQL
        return []
    rows = run_query(store.conn, MetadataQuery(Select.GROUP_BY, f, group_by="sender", limit=6,
                                               calendar=Calendar.LOCAL)).rows
    if len(rows) < 2:
        return []
    return ["by sender address: " + ", ".join(f"{r['key']} {r['n']}" for r in rows)]


def _as_recipient(store, who: str, f: Filters, n: int, count) -> list[str]:
    """The count with the person who 'got' the mail named as a recipient, instead of their mailbox."""
    from archivist.agent.question.lexicon import lexicon
    from archivist.agent.question.people import resolve
    person = resolve(lexicon(store), who)
    if not person.identities or f.recipient:
        return []
    named = count(replace(f, mailbox=None, mailbox_or_recipient=None, recipient=person.identities))
    return [] if named == n else [f"'{who}' was read as what reached {who}'s own mailbox ({f.mailbox}) or named {who} "
                                  f"as a recipient; with {who} named as a recipient (To, Cc or Bcc): {named}"]


def _mailbox(store, text: str) -> str | None:
    from archivist.agent.question.first_names import own_mailbox
    from archivist.agent.question.lexicon import lexicon
    return own_mailbox(lexicon(store), text)
