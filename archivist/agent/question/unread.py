"""Frame words that carry a constraint no reader took, in questions answered with a figure: 'last'
in a count ('how many did X send on his last day'), 'cc'/'bcc' when no one is named in that role ('how many emails
did X bcc anyone on'), a negation before a constraint that cannot be negated ('not from X', 'had
no attachment', 'except to X', 'no later than'), and a domain said of the recipients ('to people
outside Enron': only a sender's domain is read). Elsewhere these words are the question's frame;
here, left as frame, the figure would silently count the opposite or every email, so they are
named as not used instead. So are qualifiers of the emails no reader takes, made of frame words:
a number compared ('more than one person', 'at least 3 recipients'), a negation no constraint read
('had no subject', 'mention Raptor but not LJM'), a sole recipient ('to X only'), people named by
their relation to someone ('to her staff', 'from his team'), a second sender, an email's size
('the longest email'), an order no answer gives ('the second email', 'who sent the fewest') and
a comparison ('more than Tribolet did').
"""
from __future__ import annotations

import re

from archivist.agent.question.analyse import QUOTED
from archivist.agent.question.asks import EITHER_ROLE, SECOND_TOO
from archivist.agent.question.phrases import LEAVE_OUT
from archivist.agent.question.plan import Ask, Role, Target, Use
from archivist.agent.question.reading import Reading
from archivist.agent.question.words import in_note, unuse
from archivist.dates import find_dates

ORDER_WORDS = frozenset("first last final earliest latest newest oldest initial recent recently".split())
COPY_WORDS = frozenset("cc cc'd cc'ed ccd bcc bcc'd bcc'ed copied copy copies blind-copied".split())
AGGREGATES = (Ask.COUNT, Ask.LIST, Ask.TOP, Ask.PEAK)


def unread_in_figures(r: Reading) -> None:
    """Mark the frame words of a figure's question that say what no constraint reads."""
    plan, words = r.plan, set()
    if plan.ask == Ask.COUNT:
        words |= ORDER_WORDS
    if plan.ask in (*AGGREGATES, Ask.FIRST, Ask.LAST) and not plan.of(Role.CC, Role.BCC, Role.TO) \
            and plan.target not in (Target.CC, Target.BCC, Target.TO, Target.RECIPIENT) \
            and not EITHER_ROLE.search(r.text):  # 'to or cc': any recipient, read
        words |= COPY_WORDS
    for w in plan.words:
        if w.use == Use.FRAME and w.text.lower().replace("’", "'") in words:
            w.use = Use.UNUSED


OWN_BOX = re.compile(r"\b(?:his|her|their)\s+(?:own\s+)?(?:mail\s*box|mailbox|inbox|box)\b", re.I)


def unread_own_mailbox(r: Reading) -> None:
    """'in his mailbox' with no mailbox read (no one person it could be): its words not used, so the
    figure is not given for the whole archive."""
    if r.plan.ask not in (*AGGREGATES, Ask.FIRST, Ask.LAST) or r.plan.of(Role.MAILBOX):
        return
    for m in OWN_BOX.finditer(r.text):
        for w in r.plan.words:
            if m.start() <= w.start < m.end() and w.use == Use.FRAME:
                w.use = Use.UNUSED


NEGATION = re.compile(r"\b(?:not|no|never|without|except|exclud\w*|nor|\w+n't)\s+(?:\w+\s+){0,3}$", re.I)
TO_DOMAIN = re.compile(r"\b(?:to|cc'?d?|copied|addressed\s+to|recipients?)\s+(?:\w+\s+){0,2}$", re.I)
INNER_NEGATION = re.compile(r"\b(?:but\s+)?(?:not|no|without|except|excluding|nor|never)\b", re.I)
NEGATED_ROLES = (Role.EXCLUDED, Role.NOT_DOMAIN, Role.TOPIC, Role.NOT_KIND)  # the negation is read, or no filter


def unread_negations(r: Reading) -> None:
    """A negation right before a constraint that keeps what it names, and a sender domain said
    of recipients (or 'outside', 'external' said of a named sender's mail, which is about whom
    they wrote to): their words not used, so the figure is not given for the opposite set."""
    if r.plan.ask not in (*AGGREGATES, Ask.FIRST, Ask.LAST):
        return
    for c in r.plan.constraints:
        if c.role in NEGATED_ROLES or c.end <= c.start:
            continue
        before = r.text[max(0, c.start - 30):c.start]
        if m := NEGATION.search(before):
            unuse(r, c.start - len(before) + m.start(), c.start)
    quoted = [m.span() for m in QUOTED.finditer(r.text)]  # '"no longer"': words to find, negation and all
    for c in r.plan.of(Role.TEXT, Role.SUBJECT):  # 'mention Raptor but not LJM': one side negated
        for m in INNER_NEGATION.finditer(r.text, c.start, c.end):
            if not any(a <= m.start() < b for a, b in quoted):
                unuse(r, m.start(), c.end, inside=True)
                break
    named_sender = any(isinstance(c.value, list) for c in r.plan.of(Role.SENDER))
    for c in r.plan.of(Role.DOMAIN, Role.NOT_DOMAIN):
        said = r.text[c.start:c.end].lower()
        start = c.start + len(said) - len(said.lstrip())  # a phrase may begin with its space
        of_sender = re.match(r"(?:from|by|sent\s+from|senders?)\b", said.lstrip()) or re.search(r"\bsenders?\b", said) \
            or re.search(r"\b(?:from|by)\s+(?:his|her|their|the|its)?\s*$", r.text[max(0, start - 20):start], re.I)
        if not of_sender and (TO_DOMAIN.search(r.text[max(0, start - 30):start])
                              or c.role == Role.NOT_DOMAIN and named_sender):
            # 'external emails X sent', 'X sent outside Enron': the people X wrote to, not X's own address
            unuse(r, start, c.end, inside=True)


NUMBER = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|a\s+dozen|a\s+few|several)"
COMPARED = re.compile(rf"\b(?:(?:more|fewer|less|greater|larger|bigger|smaller)\s+than|over|under|at\s+(?:least|most)|"
                      rf"up\s+to|exactly|only)\s+{NUMBER}\s+(?:\w+\s+)?(?:people|persons?|recipients?|addressees|names|"
                      rf"addresses|attachments?|files|words|lines|pages|cc'?s|copies|times)\b", re.I)
BOTH_WAYS = re.compile(r"\b(?:sent\s+or\s+received|received\s+or\s+sent|sent\s+and\s+received|in\s+either\s+direction|"
                       r"(?:in\s+)?both\s+directions|both\s+ways)\b", re.I)
NEGATION_WORDS = frozenset("no not nor none nobody neither".split())
# negations read elsewhere: 'not cc'd' (the To line), 'not counting himself' or 'not counting X' (a ranking leaves
# out the person; a kind or form of email left out: question/kinds.py)
READ_NEGATION = re.compile(r"\bnot\s+(?:the\s+|in\s+|on\s+)?(?:cc|copied|copy|bcc)|\bor\s+not\b|\bif\s+not\b|"
                           r"\b(?:cc|bcc|to)(?:\s+line)?\s+only\s*,?\s*not\s+(?:the\s+)?(?:to|cc|bcc)\b|"  # '(cc line only, not To)'
                           r"\bnot\s+(?:counting|including)\b", re.I)  # 'not counting X (himself)': X left out, read
SOLE = re.compile(r"^\s*(?:only|alone|solely|exclusively)\b|^\s*(?:and\s+)?(?:no\s*one|nobody)\s+else\b|"
                  r"^\s*(?:was|were|is|as)\s+(?:the\s+)?(?:only|sole|single|one\s+and\s+only)\s+(?:recipient|addressee)\b", re.I)
SOLE_BEFORE = re.compile(r"\b(?:only|just|solely|exclusively)\s+(?:to\s+)?$", re.I)
RELATION = re.compile(r"\b(?:to|from|by|with|cc'?d?|copied|copying|for)\s+(?:all\s+(?:of\s+)?)?(?:his|her|their|its|my|our)"
                      r"\s+(?:\w+\s+)?(?P<w>staff|team|members|member|folks|people|person)\b", re.I)
SIZE = re.compile(r"\b(?:longest|shortest|lengthiest|briefest|biggest|largest|smallest)\s+(?:e-?mails?|messages?|"
                  r"notes?|memos?|letters?|attachments?|files?|one)\b", re.I)


ORDINAL = re.compile(r"(?:second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|(?!1st\b)\d+(?:st|nd|rd|th))", re.I)  # '1st': first
NTH_EMAIL = re.compile(r"\s+(?:e-?mail|message|note|memo|letter|one|time)s?\b", re.I)
FEWEST = frozenset("fewest least lowest rarest".split())


# a person said only as 'he' or 'she': the one who sent ('did he send', 'she wrote'), or who got ('did she get')
PRONOUN_SENT = re.compile(r"\b(?:did|does|do|has|had|have|would|will)\s+(?P<p>he|she)\s+(?:\w+\s+)?(?:send|write|e-?mail|forward|"
                          r"reply|copy|cc|mail|message|sent|written|e-?mailed|forwarded|replied)\b|"
                          r"(?<!\bwas\s)(?<!\bwere\s)\b(?P<q>he|she)\s+(?:\w+\s+)?(?:sent|wrote|e-?mailed|forwarded|replied)\b", re.I)
PRONOUN_GOT = re.compile(r"\b(?:did|does|do|has|had|have|was|were)\s+(?P<p>he|she)\s+(?:\w+\s+)?(?:get|got|gotten|receive|received|"
                         r"cc'?d|copied|bcc'?d)\b", re.I)
SENDING_ROLES = (Role.SENDER, Role.DOMAIN, Role.ALSO_ACCOUNT)
GETTING_ROLES = (Role.RECIPIENT, Role.TO, Role.CC, Role.BCC, Role.MAILBOX, Role.PARTICIPANT)


def unread_pronouns(r: Reading) -> None:
    """'how many emails did he send in July 2001' with no one the question names who sent: the
    pronoun is someone the plan does not have, so it is not used and no figure is given for
    everyone's mail."""
    if r.plan.ask not in (*AGGREGATES, Ask.FIRST, Ask.LAST):
        return
    for pattern, roles in ((PRONOUN_SENT, SENDING_ROLES), (PRONOUN_GOT, GETTING_ROLES)):
        m = pattern.search(r.text)
        if m and not r.plan.of(*roles):
            name = "p" if m.group("p") else "q"
            unuse(r, m.start(name), m.end(name))


# what a question leaves out: read by a constraint there ('excluding replies', 'besides Tana Jones', 'other
# than from internal Enron addresses'), or not at all ('not counting those addressed only to himself')
EXCLUSION = re.compile(r"\b" + LEAVE_OUT + r"\b", re.I)
CLAUSE_END = re.compile(r"[,;:?.!()]|\s[-–—]\s|$")


def unread_exclusions(r: Reading) -> None:
    """An exclusion no constraint read ('How many emails did X send, not counting those addressed
    only to himself?'): its words are not used, so no figure is given that counts what it leaves out."""
    if r.plan.ask not in (*AGGREGATES, Ask.FIRST, Ask.LAST):
        return
    for m in EXCLUSION.finditer(r.text):
        end = m.end() + CLAUSE_END.search(r.text, m.end()).start() - m.end()
        if any(c.start <= m.start() < c.end or m.end() <= c.start < end for c in r.plan.constraints) \
                or any(a <= m.start() < b for a, b, _ in r.asides) or in_note(r, m.start()):
            continue  # read, by the constraint there or after it in the clause; or said in an aside
        unuse(r, m.start(), end)


def unread_qualifiers(r: Reading) -> None:
    """Qualifiers of the emails made of frame words that no constraint reads, marked not used in
    a question answered with a figure (or the fields of one email picked by its size)."""
    plan = r.plan
    if plan.ask == Ask.FIELD:  # 'who sent the longest email to X': no reader measures an email
        for m in SIZE.finditer(r.text):
            unuse(r, m.start(), m.end(), inside=True)
    if plan.metadata:
        _unread_order(r)
    if plan.ask not in (*AGGREGATES, Ask.FIRST, Ask.LAST):
        return  # in a described email, 'to his staff' is part of its description, searched
    for pattern in (COMPARED, SIZE):
        for m in pattern.finditer(r.text):
            unuse(r, m.start(), m.end())
    for m in RELATION.finditer(r.text):
        unuse(r, m.start("w"), m.end("w"))
    if plan.ask == Ask.TOP:  # 'top correspondent of X (sent or received)': a ranking of one direction only
        for m in BOTH_WAYS.finditer(r.text):
            unuse(r, m.start(), m.end())
    _unread_people(r)
    if not READ_NEGATION.search(r.text):
        _unread_negations_left(r)


def _unread_people(r: Reading) -> None:
    """'to X only', 'just to X' (no reader takes a sole recipient), and a second sender (an email
    has one: one of them is misread)."""
    for c in r.plan.of(Role.RECIPIENT, Role.TO, Role.CC, Role.BCC):
        if after := SOLE.match(r.text[c.end:]):
            unuse(r, c.end, c.end + after.end())
        if before := SOLE_BEFORE.search(r.text[:c.start]):
            unuse(r, before.start(), c.start)
    for c in [c for c in r.plan.of(Role.SENDER) if isinstance(c.value, list)][1:]:
        unuse(r, c.start, c.end, inside=True)


def _unread_negations_left(r: Reading) -> None:
    """'had no subject': a negation still in the frame, and the word it negates."""
    for w in [w for w in r.plan.words if w.use == Use.FRAME and w.text.lower() in NEGATION_WORDS and not in_note(r, w.start)]:
        negated = re.match(r"\s*\w[\w'-]*", r.text[w.start + len(w.text):])
        unuse(r, w.start, w.start + len(w.text) + (negated.end() if negated else 0))


def _unread_order(r: Reading) -> None:
    """An order no answer gives: 'the second email', 'its 100th email', 'the 3rd biggest sender'
    (first and last are read), 'who sent the fewest' (rankings are by most), 'more than Tribolet
    did' (a comparison left in the frame; 'other than', 'later than' are read)."""
    dates = [(d.start, d.end) for d in find_dates(r.text)]  # 'the sept 11th response': a day, not an order
    for w in r.plan.words:
        said = w.text.lower()
        described = w.role == str(Role.TOPIC) and r.plan.ask == Ask.FIELD  # 'that Dynegy pays the lowest bonuses'
        loose = (w.use == Use.FRAME or w.role == str(Role.TOPIC)) and not any(a <= w.start < b for a, b in dates)
        if described and not ORDINAL.fullmatch(said):
            continue  # a word of what the one email says, searched
        at_least = said == "least" and re.search(r"\bat\s+$", r.text[:w.start], re.I)
        nth = ORDINAL.fullmatch(said) and (r.plan.ask != Ask.FIELD or NTH_EMAIL.match(r.text[w.start + len(w.text):])) \
            and not (r.plan.ask == Ask.TOP and r.plan.k == 2 and SECOND_TOO.search(r.text))  # 'and who was second?'
        if loose and (nth or said in FEWEST and not at_least):  # 'a second response to ...' describes the email
            w.use, w.role = Use.UNUSED, ""
        elif loose and said == "than" and not re.search(r"\b(?:other|rather)\s+$", r.text[:w.start], re.I) \
                and not (r.plan.ask in (Ask.TOP, Ask.PEAK) and ANYONE_ELSE.match(r.text[w.start + 4:])) \
                and not (r.plan.ask == Ask.FIELD and AMOUNT.match(r.text[w.start + 4:])):  # 'costing more than
            # $50mm': a figure the one email speaks of, part of its description
            before = re.search(r"(\w+)\s+$", r.text[:w.start])  # 'other than X': an exception, read
            unuse(r, before.start(1) if before else w.start, w.start + len(w.text), inside=True)


AMOUNT = re.compile(r"\s+(?:\$|usd\s*)?\d", re.I)
ANYONE_ELSE = re.compile(r"\s+(?:anyone|anybody|everyone|everybody|any\s+other|all\s+(?:the\s+)?others?)\b", re.I)  # 'more than
# anyone else': the most


# 'counting the ones where she was only cc'd', 'including cc', 'cc included': any recipient, said so
CC_COUNTED = re.compile(r"\b(?:counting|including|incl\.?|plus)\s+(?:the\s+)?(?:ones?\s+|e-?mails?\s+|those\s+|messages?\s+)?"
                        r"(?:(?:where|when|in\s+which|on\s+which)\s+)?(?:(?:she|he|they|\w+)\s+(?:(?:was|were|is|got)\s+)?)?"
                        r"(?:only\s+|just\s+|merely\s+)?(?:cc'?d|cc'ed|ccs?|copied|on\s+(?:the\s+)?cc(?:\s+line)?)\b"
                        r"(?:\s+(?:him|her|them))?(?:\s+too|\s+as\s+well)?"
                        r"|\bccs?\s+(?:included|counted|too)\b"
                        r"|\b(?:counting|including)\s+both\s+(?:those|the\s+ones|ones|e-?mails)\s+addressed\s+to\s+(?:him|her|them)\s+and\s+"
                        r"(?:those|the\s+ones|ones)\s+(?:where|when|in\s+which|on\s+which)\s+(?:he|she|they)\s+(?:was|were)\s+(?:cc'?d|cc'ed|copied)\b", re.I)


def cc_counted(r: Reading) -> None:
    """Mail to X 'counting the ones where she was only cc'd': X as any recipient (To, Cc or Bcc), the
    words the frame; only where a recipient is named and no Cc constraint was read."""
    m = CC_COUNTED.search(r.text)
    people = r.plan.of(Role.RECIPIENT, Role.TO)
    if not m or not people or r.plan.of(Role.CC, Role.BCC):
        return
    for c in people:
        c.role = Role.RECIPIENT
    for w in r.plan.words:
        if m.start() <= w.start < m.end() and w.use == Use.UNUSED:
            w.use = Use.FRAME
