"""Words that say who a named person is, not which emails: 'Andrew Edison (Enron litigation)',
'Jim Steffes (Government Affairs)', 'Terri Richardson, the outside litigation lawyer,', 'Linda
Lay, Ken Lay's wife,', 'Bob Williams of Enron's litigation unit', 'CPUC President Loretta
Lynch'. They restate the person, so they join the person's constraint: read, but no filter of
their own (before, 'Enron' became words the emails must hold and 'outside' a sender domain).

A descriptor is short and made only of capitalised words (a department, a company) and the
words of jobs and relations below; a date, a number, an address or a mail word ends it, so
'Ken Lay (to or cc)' or 'Ken Lay (12/3/01)' are never taken for one.
"""
from __future__ import annotations

import re

from archivist.agent.question.plan import PEOPLE_ROLES, Constraint, Role
from archivist.agent.question.reading import Reading
from archivist.agent.question.roles import role_at

ROLE_NOUNS = frozenset("""
lawyer lawyers attorney attorneys counsel paralegal wife husband spouse son daughter brother sister
father mother assistant secretary admin chairman chairwoman chair ceo cfo coo cto president vp
vice-president head chief director manager analyst trader economist lobbyist spokesman spokeswoman
spokesperson consultant partner staffer associate officer executive exec commissioner judge senator
governor regulator boss deputy counsellor adviser advisor banker accountant auditor engineer
scheduler clerk contact rep representative liaison founder cro cco gc evp svp md treasurer controller heads
""".split())
DEPARTMENT_NOUNS = frozenset("unit group department dept team desk office division practice staff marketing finance "
                             "sales trading legal accounting compliance credit risk operations research origination "
                             "structuring tax audit".split())
DEPARTMENT_ENDS = frozenset("relations affairs communications pr hr resources services".split())
LINKS = frozenset("""
the a an his her their its our of in at for and & outside in-house inhouse general senior
junior chief executive legal litigation regulatory government affairs public relations pr hr it
corporate outside-counsel former then new being i.e ie aka a.k.a also
""".split())
CLAUSE = re.compile(r"\b(?:who|whom|which|that|not|no|except|excluding|without|but|only)\b", re.I)
NOT_DESCRIPTIVE = re.compile(r"\d|@|\b(?:to|cc|bcc|from|sent|e-?mails?|messages?|mailbox|inbox|subject|attach\w*|"
                             r"january|february|march|april|may|june|july|august|september|october|november|"
                             r"december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|monday|tuesday|"
                             r"wednesday|thursday|friday|saturday|sunday|week|month|year|quarter|either|direction|"
                             r"both|only|each|all|any)\b", re.I)
AFTER = (re.compile(r"(?:\s+(?:himself|herself))?\s*\((?P<d>[^()]{2,70})\)"),  # '(Enron litigation)'
         re.compile(r"\s*,\s*(?P<d>[^,?()]{3,50}?)\s*(?:,|(?=[?.!]\s*$))"),  # ', the outside litigation lawyer,'
         # "of Enron's litigation unit": a company's department
         re.compile(r"\s+(?:of|in|from|at)\s+(?P<d>(?-i:[A-Z])[\w&.-]*['’]s\s+[^,?()]{2,40}?\b(?:" + "|".join(DEPARTMENT_NOUNS) + r"))\b",
                    re.I),
         # 'Karen Denne of public relations', 'Mark Taylor in Legal': a department, no company said
         re.compile(r"\s+(?:of|in|from)\s+(?:the\s+)?(?P<d>(?:[\w&-]+\s+){0,2}(?:" + "|".join(DEPARTMENT_NOUNS | DEPARTMENT_ENDS)
                    + r"))\b(?!\s+(?:of|at|for)\b)", re.I))
SOFT = (Role.TEXT, Role.TOPIC)
WORD = re.compile(r"[A-Za-z][\w&'’.-]*")


def describes(words: str, needs_noun: bool, own: frozenset[str] = frozenset(), strict: bool = False) -> bool:
    """Whether the words only say who someone is: capitalised names, job or relation words, and,
    beside a job word, the words of what the job is ('Transwestern account director', 'the credit
    director handling PG&E'); never a date, a mail word, a negation or a clause. own: the words of
    the person's own name ('Rick Buy = Chief Risk Officer'). strict: job words, links and capitalised
    words only (a title before a name, where the question's own words stand before it)."""
    if NOT_DESCRIPTIVE.search(words) or CLAUSE.search(words):
        return False
    tokens = [t.rstrip(".").replace("’", "'") for t in WORD.findall(words)]
    nouns = [t for t in tokens if t.lower().removesuffix("'s") in ROLE_NOUNS | DEPARTMENT_NOUNS]
    if not tokens or len(tokens) > (10 if nouns else 6) or needs_noun and not nouns:
        return False
    titled = all(t[0].isupper() or t.lower() in LINKS | own or t.lower().removesuffix("'s") in ROLE_NOUNS | DEPARTMENT_NOUNS
                 for t in tokens)
    return titled or bool(nouns) and not strict


def described_people(r: Reading) -> None:
    """Join each named person's descriptor, before or after the name, to that person's constraint."""
    people = [c for c in r.plan.constraints if (c.role in PEOPLE_ROLES or c.role is None) and c.value]
    boxes = r.plan.of(Role.MAILBOX)  # "the mailbox of Rod Hayslett (the CFO of ETS)": its owner's
    for c in people + boxes:
        own = frozenset(w.lower() for w in WORD.findall(c.text))
        for i, pattern in enumerate(AFTER[:1] if c in boxes else AFTER):
            m = pattern.match(r.text, c.end)
            if m and describes(m.group("d"), needs_noun=i == 1, own=own) and take(r, c, c.end, m.end()):
                _roles_without(r, c.end, m.end(), c)
                c.end, c.text = m.end(), r.text[c.start:m.end()]
                break
        if (start := _title_before(r.text, c.start)) is not None and take(r, c, start, c.start):
            if c.role in PEOPLE_ROLES or c.role is None:  # 'her first email to her husband Ken Lay': he got it
                c.role = role_at(r.text[:start] + r.text[c.start:], start, start + c.end - c.start) or c.role
            c.start, c.text = start, r.text[start:c.end]


RESTATES = re.compile(r"\s*\((?P<d>[^()]{3,60})\)")
NOT_RESTATING = re.compile(r"\b(?:not|no|except|excluding|without|but|only|or|and\s+not)\b", re.I)


def described_domains(r: Reading) -> None:
    """'from nisource.com (the Columbia pipeline notices etc.)': a parenthesis right after a sender
    domain or address says what that mail is, so it restates it (before, 'Columbia' became a second
    domain); one with a date, a number, a negation or a mail word is left to the other readers."""
    for c in r.plan.of(Role.DOMAIN, Role.SENDER):
        m = RESTATES.match(r.text, c.end)
        exact = c.role == Role.DOMAIN or str(c.label).startswith("= '")
        if m and exact and not NOT_DESCRIPTIVE.search(m["d"]) and not NOT_RESTATING.search(m["d"]) \
                and len(WORD.findall(m["d"])) <= 8 and take(r, c, c.end, m.end()):
            c.end, c.text = m.end(), r.text[c.start:m.end()]


def _roles_without(r: Reading, start: int, end: int, described: Constraint) -> None:
    """The roles of the person described and of the people named after the descriptor, read again
    as if it were not there ('did Terri Richardson, the outside litigation lawyer, last email Rick
    Buy': Rick Buy got it; 'was Rod Hayslett (ETS CFO) copied on': he was on Cc)."""
    text, shift = r.text[:start] + r.text[end:], end - start
    if described.role in PEOPLE_ROLES or described.role is None:
        described.role = role_at(text, described.start, described.end) or described.role
    for c in r.plan.constraints:
        if c.start >= end and (c.role in PEOPLE_ROLES or c.role is None) and c.value:
            c.role = role_at(text, c.start - shift, c.end - shift) or c.role


def _title_before(text: str, at: int) -> int | None:
    """Where a title said right before a name starts ('CPUC President', "Enron's general counsel",
    'the Chairman,'): the longest run of up to four words ending in a job word that describes."""
    words = list(re.finditer(r"[\w&'’.-]+,?\s*", text[max(0, at - 60):at]))
    last = words[-1].group(0).strip(" ,").replace("’", "'") if words else ""
    group = re.fullmatch(r"(?:[A-Z]{2,5}|[A-Z][a-z]+)'s", last) and last[:-2].lower() in LINKS | DEPARTMENT_NOUNS | {"pr", "hr"}
    if not words or words[-1].end() != min(at, 60) or last.lower() not in ROLE_NOUNS and not group:
        return None  # 'CPUC President X', "Enron PR's Karen Denne"
    for k in range(min(4, len(words)), 0, -1):
        run = "".join(w.group(0) for w in words[-k:])
        if describes(run, needs_noun=not group, strict=True) and (not group or k > 1):
            return at - len(run)
    return None


def take(r: Reading, person: Constraint, start: int, end: int) -> bool:
    """Release what other readers took inside [start, end) so the person's constraint covers it,
    and words to find that run on past it ('unit either direction'); any other constraint reaching
    outside that span keeps it (then the descriptor is not taken)."""
    touched = [c for c in r.plan.constraints if c is not person and c.start < end and start < c.end]
    inside = [c for c in touched if start <= c.start and c.end <= end or c.role in SOFT]
    if len(inside) < len(touched):
        return False
    for c in inside:
        r.plan.notes = [n for n in r.plan.notes if not n.startswith(f"'{c.text}'")]  # 'Williams' matches several
        r.plan.constraints.remove(c)
        r.claimed = [s for s in r.claimed if s != (c.start, c.end)]
    r.claimed.append((start, end))
    return True


def titled_name(words: str) -> str | None:
    """The name in words to find that put a title before it ('CPUC President Loretta Lynch': 'Loretta
    Lynch'; emails say the name more often than the title beside it); None when there is none."""
    m = re.fullmatch(r"(?P<t>(?:[\w&.'’-]+\s+){1,3}?)(?P<n>[A-Z][\w'’.-]+(?:\s+[A-Z]\.?)?\s+[A-Z][\w'’-]+)", words.strip())
    if not m or m["t"].split()[-1].lower() not in ROLE_NOUNS or not describes(m["t"], needs_noun=True, strict=True):
        return None
    return m["n"]


# what a word to find is, said after it: 'NETCO, the trading operation Enron hoped to sell after the
# bankruptcy,', 'Transwestern (the pipeline)': which NETCO, not more words the emails must hold
WORD_AFTER = (re.compile(r"\s*\(\s*(?P<d>(?:the|an?)\s+[^()]{2,60}?)\s*\)"),
              re.compile(r"\s*,\s*(?P<d>(?:the|an?)\s+[^,?()]{3,70}?)\s*(?:,|(?=[?.!]\s*$))"))
MAILISH = re.compile(r"\d|@|\b(?:e-?mails?|messages?|memos?|notes?|sent|send|wrote|write|cc'?d|copied|mailbox|inbox|"
                     r"subject|attach\w*|forward\w*|repl\w*|week|month|year|quarter)\b", re.I)


def described_words(r: Reading) -> None:
    """Join what a word to find is, said right after it, to that word (what was read inside it, a
    lower-case 'sell' taken for Max Sell, is let go; a date or a mail word is never such a phrase)."""
    for c in r.plan.of(Role.TEXT, Role.SUBJECT):
        for pattern in WORD_AFTER:
            m = pattern.match(r.text, c.end)
            if m and not MAILISH.search(m.group("d")) and take(r, c, c.end, m.end()):
                c.end, c.text = m.end(), r.text[c.start:m.end()]
                break
