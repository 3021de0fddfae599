"""What someone got from a sender: 'how many emails did Jeff Dasovich get from Haas', 'when did
Rick Buy last receive an email from Michael Tribolet'. When the archive holds that person's own
mailbox, what they received from the sender is what reached that mailbox: list mail and blind
copies name them in no header, yet they got them. Without a sender named the mailbox also holds
the person's own sent mail, so 'how many emails did X receive' stays X as a named recipient (To,
Cc or Bcc). 'To X' and 'X was cc'd' keep their header roles. The answer gives the recipient
reading beside the figure (strategies/readings.py). A recipient whose own mailbox the question
also names ('which FERC staffer wrote to Steffes most (senders in his mailbox)') is that mailbox
alone: what reached him there, list mail too, which names him in no header.
"""
from __future__ import annotations

import re

from archivist.agent.question.first_names import own_mailbox
from archivist.agent.question.plan import RECEIVED, Role
from archivist.agent.question.reading import Reading
from archivist.agent.question.roles import fronted_role

RECEIVES = re.compile(r"^(?:'s|’s)?\s*(?:(?:has|have|had|did|does|do|ever|first|last|actually|also|ultimately)\s+)*"
                      r"(?:get|gets|got|gotten|getting|receive|receives|received|receiving)\b"
                      r"(?!\s+(?:cc'?d|cc'ed|copied|bcc'?d|blind))", re.I)
SENDERS = (Role.SENDER, Role.DOMAIN, Role.NOT_DOMAIN)


def received_in_mailbox(r: Reading) -> None:
    """The one recipient who 'got' or 'received' mail from a sender named, read as what reached
    their own mailbox when the archive holds it."""
    people, boxes = r.plan.of(Role.RECIPIENT), r.plan.of(Role.MAILBOX)
    if r.lex is None or len(people) != 1 or not r.plan.of(*SENDERS) or len(boxes) > 1:
        return
    c = people[0]
    said = RECEIVES.match(r.text[c.end:]) or fronted_role(r.text, c.end) == Role.RECIPIENT  # 'X - did he get'
    box = own_mailbox(r.lex, c.text) if said or boxes else None
    if boxes and (box != boxes[0].value or boxes[0].also_named):
        return  # another person's mailbox: X named as a recipient there
    if box and boxes:  # the mailbox said already: what reached X there, list mail too
        c.role, c.value, c.label = Role.MAILBOX, box, f"mailbox {box} ({RECEIVED} {c.text} there)"
    elif box:
        named = [v for v in (c.value or []) if isinstance(v, str)] if isinstance(c.value, list) else []
        c.role, c.value, c.label = Role.MAILBOX, box, f"mailbox {box} ({RECEIVED} {c.text}, or {c.text} named as a recipient)"
        c.also_named = named

