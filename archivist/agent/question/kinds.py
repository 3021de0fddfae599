"""Words that name a kind of email in a figure's question: 'how many ERV violation notices did X
send', 'Concur expense notifications in Kean's inbox', 'Kudlow commentary emails from Susan Varga'.
No header says what kind an email is, so these words are read as a KIND constraint, settled
against the emails when the answer is computed (strategies/kinds.py): the words left unread right
before a noun that names emails ('notices', 'emails', 'reminders', 'forwards', 'list emails').
One word that is a sender domain's company ('nymex emails') is that sender domain, as a
capitalised company word is. Left out ('leaving aside the automated SAP file notices', 'not counting
the ARSystem requests'), they are a NOT_KIND constraint: the emails holding the name are not counted.
Forwards and replies are read too ('how many replies did X send', 'forwarded emails'): an email's
form, told by its subject line and its text (strategies/kinds.py)."""
from __future__ import annotations

import re

from archivist.agent.question import phrases
from archivist.agent.question.plan import Ask, Constraint, Role, Use
from archivist.agent.question.reading import Reading

HEADS = re.compile(r"\s*(?:(?:mailing\s+)?list\s+|distribution\s+)?(?P<also>(?:notification|notice|alert|reminder|update|file)s?\s+)?"
                   r"(?:e-?mails?|mails|messages|notes|notices|notifications|reminders|alerts|updates|memos|forwards|"
                   r"letters|newsletters|bulletins|digests|announcements|clippings|circulars|blasts|invites|invitations|"
                   r"mailings|postings|posts|traffic|clips|mailers|requests|chatter|reports|commentaries|briefings|"
                   r"summaries|confirmations|confirms|invoices|statements|commentary|roundups|round-ups|recaps|wrap-ups|fwds|fwd)\b", re.I)
# frame words that are part of a kind's name when unread words stand before them ('ERV Notification risk emails')
KIND_NOUNS = frozenset("notification notifications notice notices report reports update updates alert alerts "
                       "request requests approval approvals reminder reminders summary".split())
ASKS = (Ask.COUNT, Ask.LIST, Ask.TOP, Ask.PEAK)
NAMED_BY = frozenset(str(r) for r in (Role.DOMAIN, Role.SENDER, Role.KIND))  # the roles that say whose emails
LEFT_OUT = re.compile(r"\b(?:" + phrases.LEAVE_OUT + r"|(?:do\s+not|don'?t|do\s+n't)\s+(?:count|include)|without|"
                      r"skip(?:ping)?|no)\s+(?:the\s+|any\s+|his\s+|her\s+|their\s+|all\s+(?:the\s+)?|"
                      # 'excluding anything he only forwarded', 'not counting the ones she just forwarded'
                      r"(?:anything|everything|those|the\s+ones|ones|e-?mails|messages|mail)\s+(?:that\s+|which\s+)?"
                      r"(?:he|she|they|it|(?-i:[A-Z][\w'’-]+))?\s*(?:only\s+|just\s+|merely\s+|simply\s+)?(?:was\s+|were\s+)?)?$", re.I)
# ('excluding anything Kean merely forwarded': the sender named again)
FORMS = {**dict.fromkeys("forward forwards forwarded forwarding fwd fw fwds".split(), "forward"),
         **dict.fromkeys("reply replies replied replying".split(), "reply")}
MARKS = frozenset("fw fwd fwds".split())  # a subject's mark of a forward, no word of the frame


def forms(r: Reading) -> None:
    """'forwarded emails', 'how many replies': the form of email asked about, a FORM constraint
    (in a figure's question; a described email's 'the message X forwarded' is its description)."""
    if r.plan.ask not in (*ASKS, Ask.FIRST, Ask.LAST):
        return
    for w in r.plan.words:
        form = FORMS.get(w.text.lower())
        if not form or w.use not in (Use.FRAME, Use.UNUSED) or w.use == Use.UNUSED and w.text.lower() not in MARKS:
            continue
        if any(c.value == form for c in r.plan.of(Role.FORM)):  # 'forward (FW:)': said twice, read once
            w.use, w.role = Use.CONSTRAINT, str(Role.FORM)
            continue
        start, shown = w.start, f"{'forwards' if form == 'forward' else 'replies'}"
        negated = LEFT_OUT.search(r.text[:w.start]) or _after_a_left_out_form(r, w.start)
        if negated:  # 'not counting forwards': every other email; "Don't count replies or forwards": both
            start, form, shown = negated.start(), f"not {form}", f"no {shown}"
            for x in r.plan.words:
                if start <= x.start < w.start:
                    x.use, x.role = Use.CONSTRAINT, str(Role.FORM)
            _sender_said_again(r, start, w.start)
        w.use, w.role = Use.CONSTRAINT, str(Role.FORM)
        r.plan.constraints.append(Constraint(Role.FORM, r.text[start:w.start + len(w.text)], form, start,
                                             w.start + len(w.text), label=f"{shown} (by the subject line and the text)"))


def _sender_said_again(r: Reading, start: int, end: int) -> None:
    """The sender named again inside a form left out ('excluding anything Kean merely forwarded')
    is the sender read already, no second constraint."""
    inside = [c for c in r.plan.of(Role.SENDER) if start <= c.start < end]
    if inside and len(r.plan.of(Role.SENDER)) > len(inside):
        r.plan.constraints = [c for c in r.plan.constraints if c not in inside]


def _kind_word(before: list) -> bool:
    """Whether the last word before is part of a kind's name: unread, or a kind noun ('Notification')
    or a capitalised frame word ('Mentions') with an unread word before it."""
    w = before[-1]
    named = len(before) > 1 and before[-2].use == Use.UNUSED and (w.text.lower() in KIND_NOUNS or
                                                                 w.text[:1].isupper() and before[-2].text[:1].isupper())
    return w.use == Use.UNUSED or w.use == Use.FRAME and named  # 'Enron Mentions roundups': a name's word


LIST_JOIN = re.compile(r"\s*(?:,|or|and|nor)\s*")


def _after_a_left_out_form(r: Reading, at: int) -> re.Match | None:
    """'... replies or forwards' right after a form left out: left out too (its own words only)."""
    for c in r.plan.of(Role.FORM):
        if str(c.value).startswith("not ") and (m := LIST_JOIN.fullmatch(r.text, c.end, at)):
            return m
    return None


def kind_words(r: Reading) -> None:
    """The unread words right before a noun naming emails, in a figure's question, read as the
    kind of email asked about (a KIND constraint) instead of words not used; the noun itself is
    then the question's frame ('access request reminders')."""
    if r.plan.ask not in ASKS:
        return
    words = r.plan.words
    for m in HEADS.finditer(r.text):
        head = m.start() + len(m.group(0)) - len(m.group(0).lstrip())
        before = [w for w in words if w.start < head]
        run = []
        while before and _kind_word(before) and not re.search(r"['’]s?$", before[-1].text) \
                and re.fullmatch(r"[\s'\"“”‘’()\[\]/-]*", r.text[before[-1].start + len(before[-1].text):run[0].start if run else head]):
            run.insert(0, before.pop())
        while run and run[0].use != Use.UNUSED:
            before.append(run.pop(0))  # a kind noun with no unread word before it is the frame's
        if not run:
            if before and before[-1].use == Use.CONSTRAINT and before[-1].role in NAMED_BY:
                for w in words:  # 'CERA reports', "Kudlow's commentaries": the emails, named by who sends them
                    if head <= w.start < m.end() and w.use == Use.UNUSED:
                        w.use = Use.FRAME
            continue
        start, end = run[0].start, run[-1].start + len(run[-1].text)
        if m.group("also"):  # 'ERV Notification emails': the kind is 'ERV Notification'
            end = m.start("also") + len(m.group("also").rstrip())
        for w in words:
            if w in run or start <= w.start < end:
                w.use, w.role = Use.CONSTRAINT, str(Role.KIND)
            elif head <= w.start < m.end() and w.use == Use.UNUSED:
                w.use = Use.FRAME
        said, role = r.text[start:end].strip("'\"“”‘’[]() "), Role.KIND
        if r.lex is not None and len(run) == 1 and not m.group("also") and \
                (domain := phrases.company_domain(said, r.lex.senders.keys())):  # 'nymex emails': from nymex.com
            for w in run:
                w.role = str(Role.DOMAIN)
            r.plan.constraints.append(Constraint(Role.DOMAIN, said, "@" + domain, start, end, label=f"sender domain @{domain}"))
            continue
        if left := LEFT_OUT.search(r.text[:start]):  # 'leaving aside the automated SAP file notices': left out
            start, role = left.start(), Role.NOT_KIND
            for w in words:
                if start <= w.start < end:
                    w.use, w.role = Use.CONSTRAINT, str(role)
        r.plan.constraints.append(Constraint(role, r.text[start:end], said, start, end, label=f"'{said}'"))
