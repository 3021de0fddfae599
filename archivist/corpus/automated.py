"""Automated mail: which messages no person wrote to their recipients (system notifications,
expense-system mail, newsletters and marketing, organisation-wide announcements, automatic
replies, calendar responses), so summaries count them by kind instead of quoting them as facts.

Signals are the ones mail clients and list servers use (RFC 3834 auto-replies, list footers,
no-reply and system sender names, calendar verbs in the subject) read from the sender, the
subject and the body's first and last lines; no single signal outside the strongest makes a
message automated. A message a person typed (a reply, a forward with a note) stays `person`.
"""
from __future__ import annotations

import re
from enum import StrEnum


class MailKind(StrEnum):
    PERSON = "person"
    NOTIFICATION = "notification"
    EXPENSE = "expense"
    NEWSLETTER = "newsletter"
    ANNOUNCEMENT = "announcement"
    OUT_OF_OFFICE = "out_of_office"
    CALENDAR = "calendar"


AUTOMATED = tuple(k for k in MailKind if k != MailKind.PERSON)
LABEL = {MailKind.NOTIFICATION: "system notifications", MailKind.EXPENSE: "expense-system messages",
         MailKind.NEWSLETTER: "newsletters and marketing", MailKind.ANNOUNCEMENT: "announcements to all",
         MailKind.OUT_OF_OFFICE: "automatic replies", MailKind.CALENDAR: "calendar responses"}

_I = re.I
OUT_SUBJECT = re.compile(r"^\s*(?:auto(?:matic)?[ -]?(?:reply|response)|out of (?:the )?office|"
                         r"away from (?:my|the) (?:office|desk)|on vacation|absence notice)", _I)
OUT_BODY = re.compile(r"^\W*(?:i am|i'm|i will be|i'll be) (?:currently )?(?:out of (?:the )?office|away|on "
                      r"vacation|on leave|travel+ing and)", _I)
CALENDAR_SUBJECT = re.compile(r"^\s*(?:accepted|declined|tentative(?:ly accepted)?|updated|cancel+ed|"
                              r"new time proposed|invitation|meeting (?:request|cancel+ed|updated))\s*:", _I)
EXPENSE = re.compile(r"\bexpense report\b.{0,400}\b(?:report total|amount due|approval status|"
                     r"status last changed|to approve this expense)", _I | re.S)
EXPENSE_SENDER = re.compile(r"concur|expense", _I)
SYSTEM_LOCAL = re.compile(r"^(?:no[._-]?reply|do[._-]?not[._-]?reply|donotreply|mailer[._-]daemon|postmaster|"
                          r"administrator|admin|system|sysadmin|notif(?:y|ications?)|alerts?|helpdesk|"
                          r"arsystem|autoreply|bounces?|mbx_[a-z]+|[a-z]*(?:system|notify|alert)s?)$", _I)
SYSTEM_NAME = re.compile(r"\b(?:administrat(?:or|ion)|messaging|help ?desk|it support|system|no-?reply|"
                         r"postmaster|mailer)\b", _I)
SYSTEM_SUBJECT = re.compile(r"^\s*(?:\W*(?:notification|notice|alert|reminder|correction|undeliverable|delivery (?:status )?"
                            r"notification|returned mail|mail delivery|action required|request submitted|"
                            r"your (?:password|account|request)|password|outage|system)\b)", _I)
SYSTEM_BODY = re.compile(r"this (?:is an? )?(?:automated|automatic(?:ally generated)?|system[- ]generated) "
                         r"(?:e-?mail|message|notification|notice|response)|do not (?:reply|respond) to this|"
                         r"please do not (?:reply|respond)|this message was (?:automatically )?generated|"
                         r"delivery to the following recipients? failed|request (?:id|number)\s*:", _I)
LIST_BODY = re.compile(r"unsubscribe|to be removed from (?:our|this|the) (?:mailing )?list|opt[- ]out|"
                       r"mailing list|you (?:are receiving|received) this (?:e-?mail|message|newsletter) "
                       r"because|view (?:this|the) (?:e-?mail|newsletter) (?:in|on) (?:your|a) (?:web )?browser|"
                       r"manage your (?:subscription|preferences)|click here to (?:subscribe|register)", _I)
LIST_LOCAL = re.compile(r"^(?:news(?:letters?)?|marketing|info|updates?|digest|list(?:serv)?|promo(?:tions)?|"
                        r"offers?|deals|subscriptions?|webmaster|events?|reservations?|members(?:hip)?|"
                        r"registrations?|register|conferences?|seminars?|sales|customer[._-]?service|editors?|"
                        r"press|media|publications?|[a-z]*(?:news|letter|digest|marketing|direct))$", _I)
# bulk senders mail from a marketing subdomain or a bounce-handling one (email.example.com)
LIST_DOMAIN = re.compile(r"@(?:e|email|mail|mailer|news|lists?|bounces?|[a-z0-9-]*bounce)\.", _I)
LIST_SUBJECT = re.compile(r"newsletter|digest\b|\bweekly (?:update|report|news)|\bdaily (?:update|news|report)|"
                          r"\bissue (?:no\.? ?)?\d+\b|\bvol(?:ume)?\.? \d+", _I)
ANNOUNCE_SENDER = re.compile(r"announcement|office of the (?:chairman|ceo|president)|all[ ._-]?employees|"
                             r"^no\.?address$|corporate communications|public relations", _I)
ANNOUNCE_BODY = re.compile(r"^\W*(?:to|attention|dear)\s*:?\s*all (?:\w+ )?(?:employees|staff|personnel|users)\b",
                           _I | re.M)


def _local(sender: str) -> str:
    return (sender or "").split("@", 1)[0]


def classify(sender: str, sender_name: str, subject: str, body: str, recipients: int | None = None) -> MailKind:
    """The kind of one message from its sender address and name, subject, body and the number of
    recipients its headers name (0: sent to an undisclosed list, as bulk mail is; None: unknown)."""
    subject, body = subject or "", body or ""
    head, tail = body[:1500], body[-1500:]
    local, name = _local(sender), sender_name or ""
    if OUT_SUBJECT.search(subject) or (len(body) < 1500 and OUT_BODY.search(head)):
        return MailKind.OUT_OF_OFFICE
    if CALENDAR_SUBJECT.search(subject):
        return MailKind.CALENDAR
    if EXPENSE.search(head) or (EXPENSE_SENDER.search(sender or "") and "expense" in (subject + head).lower()):
        return MailKind.EXPENSE
    if ANNOUNCE_SENDER.search(name) or ANNOUNCE_SENDER.search(local) or ANNOUNCE_BODY.search(head[:300]):
        return MailKind.ANNOUNCEMENT
    if (LIST_BODY.search(tail) or LIST_BODY.search(head) or LIST_LOCAL.search(local)
            or LIST_DOMAIN.search(sender or "") or recipients == 0):
        return MailKind.NEWSLETTER
    system = (bool(SYSTEM_LOCAL.search(local) or SYSTEM_NAME.search(name)) + bool(SYSTEM_SUBJECT.search(subject))
              + bool(SYSTEM_BODY.search(body)))
    if system >= 2 or SYSTEM_BODY.search(head):
        return MailKind.NOTIFICATION
    if LIST_SUBJECT.search(subject):
        return MailKind.NEWSLETTER
    return MailKind.PERSON


def automated(kind: MailKind) -> bool:
    return kind != MailKind.PERSON
