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

from archivist.agent.question.first_names import own_mailbox, owner_of
from archivist.agent.question.people import addresses_label, mailbox_of
from archivist.agent.question.plan import PEOPLE_ROLES, RECEIVED, Constraint, Role, Target
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
    ranked = bool(boxes) and r.plan.target == Target.SENDER  # 'who sent X the most ... only his mailbox'
    if r.lex is None or len(people) != 1 or not (r.plan.of(*SENDERS) or ranked) or len(boxes) > 1:
        return
    c = people[0]
    said = RECEIVES.match(r.text[c.end:]) or fronted_role(r.text, c.end) == Role.RECIPIENT  # 'X - did he get'
    box = own_mailbox(r.lex, c.text) if said or boxes else None
    if boxes and (box != boxes[0].value or boxes[0].also_named):
        return  # another person's mailbox: X named as a recipient there
    if box and boxes:  # the mailbox said already: what reached X there, list mail too
        own = [v for v in c.value if isinstance(v, str)] if isinstance(c.value, list) else []
        c.role, c.value, c.label = Role.MAILBOX, box, f"mailbox {box} ({RECEIVED} {c.text} there)"
        if ranked and own and not r.plan.of(Role.EXCLUDED):  # X's own sent mail is in the mailbox too: no sender
            r.plan.constraints.append(Constraint(Role.EXCLUDED, "", own, c.start, c.start,  # of what reached X
                                                 label=f"{c.text} (mail {c.text} sent)"))
    elif box:
        named = [v for v in (c.value or []) if isinstance(v, str)] if isinstance(c.value, list) else []
        c.role, c.value, c.label = Role.MAILBOX, box, f"mailbox {box} ({RECEIVED} {c.text}, or {c.text} named as a recipient)"
        c.also_named = named



# 'in Sally Beck's mailbox ... had her on the cc line', 'copied him (cc)', 'was she cc'd on': the pronoun
# is the one mailbox's owner, in the header role said
OWNER_PRONOUN = re.compile(
    r"\bhad\s+(?P<a>him|her)\s+(?:on|in)\s+(?:the\s+)?(?P<r1>cc|bcc|to)\b(?:[:\s]+(?:line|field))?|"
    r"\b(?P<r2>copied|cc'?d|cc'ed|bcc'?d|bcc'ed)\s+(?P<b>him|her)\b(?:\s*\((?:cc|bcc)\))?|"
    r"\b(?:was|were)\s+(?P<c>he|she)\s+(?P<r3>cc'?d|cc'ed|copied|bcc'?d|bcc'ed)\b|"
    r"\b(?P<d>he|she)\s+(?:was|got)\s+(?:only\s+)?(?P<r4>cc'?d|cc'ed|copied|bcc'?d|bcc'ed)\b|"
    # 'addressed to him directly on the To line': the owner on the To line
    r"\b(?:addressed|sent)\s+(?:directly\s+)?(?P<r5>to)\s+(?P<e>him|her)(?:\s+directly)?(?:\s+(?:on|in)\s+the\s+to:?\s+(?:line|field))?", re.I)


def owner_pronoun(r: Reading) -> None:
    """A pronoun in a copy role ('had her on the cc line') when the question names one mailbox and
    no other person it could be: the mailbox's owner, on that line of the header."""
    boxes = r.plan.of(Role.MAILBOX)
    others = [c for c in r.plan.constraints if c.role in (Role.RECIPIENT, Role.TO, Role.CC, Role.BCC, Role.PARTICIPANT)]
    if r.lex is None or len(boxes) != 1 or others or boxes[0].value not in r.lex.owners:
        return
    for m in OWNER_PRONOUN.finditer(r.text):
        if not r.free(m.start(), m.end()):
            continue
        said = (m["r1"] or m["r2"] or m["r3"] or m["r4"] or m["r5"]).lower()
        role = Role.BCC if said.startswith("b") else Role.TO if said == "to" else Role.CC
        name, addresses = owner_of(r.lex, boxes[0].value)
        r.claim(Constraint(role, m.group(0), addresses, m.start(), m.end(),
                           label=f"the owner of {boxes[0].value}, {addresses_label(name, addresses)}"))
        return


# 'in his mailbox' when the question names one person whose mailbox the archive holds ('in the days
# after Skilling's resignation ..., how many emails in his mailbox'): that person's mailbox
OWN_BOX = re.compile(r"\b(?:in|from|of|into|to)?\s*(?:his|her)\s+(?:own\s+)?(?:mail\s*box|mailbox|inbox|files)\b", re.I)
NAMED = re.compile(r"\b[A-Z][a-z'’-]+(?:\s+(?:[A-Z]\.\s+)?[A-Z][a-z'’-]+){0,2}")


def named_owner_mailbox(r: Reading) -> None:
    """'his mailbox' with no mailbox read: the mailbox of the one person named in the question who
    has one, when no other person named could be meant."""
    if r.lex is None or r.plan.of(Role.MAILBOX) or not (m := OWN_BOX.search(r.text)) or not r.free(m.start(), m.end()):
        return
    boxes = set()
    for name in NAMED.finditer(r.text[:m.start()] + " " + r.text[m.end():]):
        said = re.sub(r"['’]s$", "", name.group(0))
        if box := mailbox_of(r.lex, said):
            boxes.add(box)
    people = [c for c in r.plan.of(*PEOPLE_ROLES) if own_mailbox(r.lex, c.text) not in boxes]
    if len(boxes) == 1 and not people:
        box = boxes.pop()
        r.claim(Constraint(Role.MAILBOX, m.group(0), box, m.start(), m.end(), label=f"mailbox {box} (the one person named)"))


# 'sent to Kenneth L. Lay ... I mean only where he is in the To field': the one recipient, on that line
PRONOUN_LINE = re.compile(r"\b(?:only\s+)?(?:where|when|in\s+which)\s+(?:he|she|they)\s+(?:is|was|are|were|appears?|appeared|"
                          r"(?:is|was)\s+listed)\s+(?:in|on)\s+the\s+(?P<l>to|cc|bcc):?\s+(?:field|line)\b", re.I)


def pronoun_line(r: Reading) -> None:
    """The header line said of a pronoun when the question names one recipient: that line."""
    people = r.plan.of(Role.RECIPIENT)
    if len(people) != 1 or not (m := PRONOUN_LINE.search(r.text)) or not r.free(m.start(), m.end()):
        return
    line = m["l"].lower()
    people[0].role = {"to": Role.TO, "cc": Role.CC, "bcc": Role.BCC}[line]
    r.claimed.append((m.start(), m.end()))
