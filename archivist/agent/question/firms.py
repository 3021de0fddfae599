"""Organisations a question names, not people: a firm of surnames joined by '&' ('Vinson & Elkins',
'Clements, O'Neill, Pierce, Nickens & Wilson', 'Lemle & Kelleher'), and a company said of a person
('Bill Swanstrom of Locke Liddell'). '&' is spelled 'and' before reading (reading.py), so the firms
are found in the question as typed.

A firm is an organisation, not its partners, when 'the' stands before it, a word like 'firm' or
'email' after it, a domain beside it ('(copn.com)', 'the nlf-law.com domain (Nickens, Lawless &
Flack)'), or one of its names is nobody's surname here; it then restates that domain, or is the
sender domain of its first name ('Lemle & Kelleher': lemle.com), or, with no address of this
archive at it, a constraint no email can meet (no figure is given; in a question about one described
email, words of its description). A company after a person whose
address is at its domain restates it. A company word is its sender domain ('Kudlow': kudlow.com;
'Goodin MacBride', said as a firm: gmssr.com, its partners' initials).
"""
from __future__ import annotations

import re

from archivist.agent.question import phrases
from archivist.agent.question.descriptors import take
from archivist.agent.question.people import addresses_label, is_surname
from archivist.agent.question.plan import PEOPLE_ROLES, Constraint, Role
from archivist.agent.question.reading import Reading, spell_out
from archivist.agent.question.words import is_frame

FIRM = re.compile(r"\b[A-Z][\w'.-]*(?:,?\s+[A-Z][\w'.-]*)*,?\s+&\s+[A-Z][\w'.-]*")
# typed in lower case, a firm only where its people or its domain follow ('vinson & elkins lawyers (velaw.com)')
FIRM_LOWER = re.compile(r"\b[a-z][\w'.-]*\s+&\s+[a-z][\w'.-]*(?=\s*(?:\(|(?:law\s+)?firm\b|llp\b|lawyers?\b|"
                        r"attorneys?\b|partners?\b|people\b|folks\b))")
FIRM_AFTER = re.compile(r"\s*(?:firm|law\s+firm|LLP|L\.L\.P\.|LLC|P\.?C\.|lawyers?|attorneys?|partners?|note|e-?mail|"
                        r"memo|letter|team|people|office)\b", re.I)
LEADING_FRAME = re.compile(r"^(?:(?:Which|What|Who|Whose|When|How|Did|Does|Do|The|From|To|At|In|On|Of|For|By|With|"
                           r"And|Or|Was|Were|Is|Are|Has|Had|Have|Show|List|Count|Find|Give|Tell)\s+)+")
NEAR = 20  # characters between a firm and the domain that says which it is
AFFILIATION = re.compile(r"\s+(?:of|at|from|with)\s+(?:the\s+)?(?P<c>[A-Z][\w&'.-]*(?:\s+(?:&\s+|and\s+)?[A-Z][\w&'.-]*){0,3})")


def firms(r: Reading, typed: str) -> None:
    """Claim each firm the question names (typed: the question before shorthand was spelled out)."""
    for m in [*FIRM.finditer(typed), *FIRM_LOWER.finditer(typed)]:
        said = spell_out(LEADING_FRAME.sub("", m.group(0)))  # 'Which Vinson & Elkins': the firm, not 'Which'
        at = r.text.find(said)
        if at < 0:
            continue
        start, end = at, at + len(said)
        names = [w for w in re.findall(r"[A-Za-z][\w'.-]*", said) if w != "and"]  # '&' spelled out
        domain = _beside(r, start, end)
        if domain is None and not r.free(start, end):
            continue
        found = _firm_domain(names, r.lex.senders.keys()) if r.lex is not None else None
        if domain is None and not found and not _organisation(r, start, end, names):
            continue  # 'Lay & Skilling': two people ('Andrews & Kurth', with akllp.com writing here: the firm)
        if domain is not None:  # the domain said beside it: the firm restates it
            domain.start, domain.end = min(domain.start, start), max(domain.end, end)
            r.claimed.append((domain.start, domain.end))
            continue
        r.claim(Constraint(Role.DOMAIN, said, "@" + (found or names[0].lower()), start, end,
                           label=f"sender domain @{found}" if found else f"the firm {said}", known=bool(found)))


def _firm_domain(names: list[str], known) -> str | None:
    """The domain of a firm of surnames: its first name's ('Lemle & Kelleher': lemle.com), or its
    initials with 'law' or 'llp', as law firms name theirs ('Vinson & Elkins': velaw.com, 'Andrews
    & Kurth': akllp.com, 'Nickens, Lawless & Flack': nlf-law.com), when the archive has mail from it."""
    if found := phrases.company_domain(names[0], known):
        return found
    initials = "".join(n[0] for n in names if n[:1].isalpha()).lower()
    return next((f"{initials}{tail}.com" for tail in ("law", "-law", "llp") if f"{initials}{tail}.com" in known), None)


def _beside(r: Reading, start: int, end: int) -> Constraint | None:
    for c in r.plan.of(Role.DOMAIN):  # beside it, or overlapping it ('Nickens and Wilson firm (copn.com)')
        if 0 <= start - c.end <= NEAR or 0 <= c.start - end <= NEAR or start < c.end and c.start < end:
            return c
    return None


def _organisation(r: Reading, start: int, end: int, names: list[str]) -> bool:
    before = re.search(r"\bthe\s+$", r.text[:start], re.I)
    unknown = r.lex is not None and any(not is_surname(r.lex, n.lower().strip(".,")) for n in names)
    return bool(before or FIRM_AFTER.match(r.text, end) or unknown)


def affiliations(r: Reading) -> None:
    """'Bill Swanstrom of Locke Liddell': the company restates the person when one of their addresses is
    at its domain (its words are then the person's, not words to find)."""
    if r.lex is None:
        return
    for c in [c for c in r.plan.constraints if c.role in PEOPLE_ROLES or c.role is None]:  # roles not settled yet
        m = AFFILIATION.match(r.text, c.end)
        if not m or not isinstance(c.value, list) or c not in r.plan.constraints:
            continue
        domain = phrases.company_domain(m.group("c"), r.lex.domains)
        if domain and any(str(a).split("|")[0].lower().endswith("@" + domain) or
                          str(a).split("|")[0].lower().endswith("." + domain) for a in c.value) \
                and take(r, c, c.end, m.end()):  # 'Lynda Phinney of Williams': not a second person 'Williams'
            c.end, c.text = m.end(), r.text[c.start:m.end()]


def at_their_domain(r: Reading) -> None:
    """'Jim Bennett at Goodin MacBride (gmssr.com)': a name with no display name here, or one read
    as someone with no address there ('Mike Day at Goodin MacBride': not Enron's Mike Day), right
    before the domain said of them, is the address at that domain of their first initial and
    surname ('jbennett@gmssr.com'), when that is one person's."""
    if r.lex is None:
        return
    for c in [c for c in r.plan.constraints if c.role in PEOPLE_ROLES or c.role is None]:
        domain = next((d for d in r.plan.of(Role.DOMAIN) if 0 <= d.start - c.end <= 4 and isinstance(d.value, str)), None)
        if domain is None or c.value and any(str(a).lower().endswith(str(domain.value).lower()) for a in c.value):
            continue  # none said beside, or the person read has an address there already
        at, words = str(domain.value).lstrip("@"), re.findall(r"[a-z]+", c.text.lower())
        if len(words) < 2:
            continue
        first, last = words[0], words[-1]
        locals_ = {first[0] + last, first + last, last + first[0], last}
        found = sorted(a for a in r.lex.names if a.lower().endswith("@" + at)
                       and (re.sub(r"[._-]", "", a.split("@")[0].lower()) in locals_))
        if found:
            c.value, c.known, c.note = found, True, ""
            c.label = addresses_label(c.text.strip(), found)


def names_of_the_domain(r: Reading) -> None:
    """'from greenberg traurig ppl (gtlaw.com)': a name read as a person right before a domain in
    parentheses, with no address at that domain, is the organisation's name (the domain restates
    it), not Mark Greenberg."""
    for d in r.plan.of(Role.DOMAIN):
        paren = r.text.rfind("(", max(0, d.start - 2), d.end)
        if paren < 0 or not isinstance(d.value, str):
            continue
        at = str(d.value).lstrip("@").lower()
        for c in [c for c in r.plan.constraints if (c.role in PEOPLE_ROLES or c.role is None)
                  and paren - 45 <= c.start and c.end <= paren and isinstance(c.value, list)
                  and _joined(r.text[c.end:paren])]:
            if not any(str(a).split("|")[0].lower().endswith(("@" + at, "." + at)) for a in c.value):
                r.plan.constraints.remove(c)
                r.claimed = [span for span in r.claimed if span != (c.start, c.end)]


def typed_domain_said_again(r: Reading) -> None:
    """'anyone at the California PUC ... from cpuc.ca.gov addresses': a company word held in the
    domain the question types is that domain said again (not the other PUC's puc.state.tx.us),
    with the capitalised words before it ('California')."""
    typed = [d for d in r.plan.of(Role.DOMAIN) if "." in d.text and isinstance(d.value, str)]
    typed += [Constraint(Role.DOMAIN, a.text, "@" + str(a.value).split("@")[1], a.start, a.end)  # 'Columbia
              for a in r.plan.constraints if a.role in (Role.SENDER, None) and isinstance(a.value, str) and "@" in a.value]  # Navigator notices
    # (navigator@nisource.com)': the address typed says whose mail it is
    for c in [c for c in r.plan.of(Role.DOMAIN) if "." not in c.text and isinstance(c.value, str)]:
        held = next((t for t in typed if c.value != t.value and (c.text.lower() in str(t.value).lower()
                     or "@" in t.text and 0 <= t.start - c.end <= 40 and "(" in r.text[c.end:t.end])), None)
        if held is None:
            continue
        lead = re.search(r"(?:\b[A-Z][\w&'-]*\s+){1,2}$", r.text[:c.start])
        c.start = lead.start() if lead else c.start
        c.text, c.value, c.label = r.text[c.start:c.end], held.value, f"sender domain {held.value} (said again)"


# a domain said of the people written to: 'send to anyone at nisource.com', 'emails to tw.com people',
# 'cc'd to someone at chase.com'; of either side: 'from or to a williams.com address'
TO_AT = re.compile(r"\b(?P<r>to|cc'?d(?:\s+to)?|copied(?:\s+to)?|addressed\s+to)\s+(?:(?:anyone|someone|somebody|people|"
                   r"folks|persons?|recipients?|addresses)\s+)?(?:at|from|on|in)?\s*(?:an?\s+|the\s+)?$", re.I)
EITHER_SIDE = re.compile(r"\b(?:from\s+or\s+to|to\s+or\s+from|to/from|from/to)\s+(?:(?:anyone|someone|people)\s+at\s+)?"
                         r"(?:an?\s+|the\s+)?$", re.I)


def recipient_domains(r: Reading) -> None:
    """A domain the question says of the recipients (or of either side) is read in that role, not
    as the sender's domain: mail to anyone at nisource.com, cc'd to chase.com, from or to williams.com."""
    for c in r.plan.of(Role.DOMAIN):
        said = r.text[c.start:c.end].lstrip().lower()
        if re.match(r"(?:from|by|sent\s+from|senders?)\b", said) or not isinstance(c.value, (str, list)):
            continue
        base = max(0, c.start - 40)
        if either := EITHER_SIDE.search(r.text, base, c.start):
            c.role, c.label, cue = Role.PARTICIPANT, f"anyone at {c.value} (sender or recipient)", either
        elif cue := TO_AT.search(r.text, base, c.start):
            c.role = Role.CC if cue["r"].lower().startswith(("cc", "copied")) else Role.RECIPIENT
            c.label = f"{'copied' if c.role == Role.CC else 'sent'} to anyone at {c.value}"
        else:
            continue
        c.start, c.text = cue.start(), r.text[cue.start():c.end]
        if r.lex is not None and not c.known:  # a domain no one sent from may still be written to
            at = [str(v).lower() for v in (c.value if isinstance(c.value, list) else [c.value])]
            c.known, c.note = any(a.lower().endswith(tuple(at)) for a in r.lex.names), ""


def _joined(gap: str) -> bool:
    """Whether the words between a name and a parenthesised domain keep them one phrase: at most
    two words, each a name's or a word for the firm's people ('traurig ppl'), no frame word."""
    words = re.findall(r"[\w'’-]+", gap)
    return len(words) <= 2 and all(w.lower() in FIRM_PEOPLE or not is_frame(w) for w in words)


FIRM_PEOPLE = frozenset("people lawyers attorneys staff folks partners".split())


def described_firms(r: Reading) -> None:
    """In a question about one described email, a firm with no address here is words of its
    description ('King & Spalding lawyer explained that ...'), searched, not a constraint no email meets."""
    for c in r.plan.of(Role.DOMAIN):
        if not c.known and c.label.startswith("the firm "):
            c.role, c.value, c.label, c.known = Role.TOPIC, c.text, "", True
    senders = [str(a).split("|")[0].lower() for p in r.plan.of(Role.SENDER) if isinstance(p.value, list) for a in p.value]
    for c in r.plan.of(Role.NOT_DOMAIN):  # 'Steffes ... (external contact list)': the email's words, not mail
        if senders and all(a.endswith(str(c.value).lower()) for a in senders):  # from outside his own domain
            c.role, c.value, c.label, c.known = Role.TOPIC, c.text, "", True


OPENING_VERBS = frozenset("state name list count give tell show find identify provide report indicate specify".split())
# a name of capitalised words is a firm's only where the words around say so ('who at Goodin MacBride',
# 'a Greenberg Traurig lawyer'); 'Bert Meyers' or 'Daily Environment Report' are no initials of a domain.
# (FIRM_AFTER above says a firm of surnames joined by '&' is the organisation, with its own words.)
NAME_FIRM_BEFORE = re.compile(r"\b(?:at|from|of)\s+(?:the\s+)?$", re.I)  # ('the negotiation with Bay Crane': no sender)
NAME_FIRM_AFTER = re.compile(r"\s*(?:law\s+firm|firm|lawyers?|attorneys?|counsel|partners?|LLP|person|people|staff|staffers?|"
                             r"team|office|address(?:es)?|employees?|folks)\b", re.I)


def said_of_a_firm(text: str, start: int, end: int) -> bool:
    """Whether the words around text[start:end] say it names a firm."""
    return bool(NAME_FIRM_BEFORE.search(text[:start]) or NAME_FIRM_AFTER.match(text[end:]))


def company_word(r: Reading, text: str, start: int, end: int, firm: bool = False) -> bool:
    """Claim a company word as its sender domain when the archive has one ('Kudlow' -> kudlow.com);
    firm: the words around say it is a firm, so its partners' initials may be its domain."""
    if text.lower() in OPENING_VERBS and re.fullmatch(r"(?:.*[.?!:]\s+)?(?:please\s+)?", r.text[:start], re.I | re.S):
        return False  # 'State the number of emails ...': the request's verb, not state.gov
    domain = phrases.company_domain(text, r.lex.senders.keys(), initials=firm)
    if domain:
        r.claim(Constraint(Role.DOMAIN, r.text[start:end], "@" + domain, start, end, label=f"sender domain @{domain}"))
    return bool(domain)
