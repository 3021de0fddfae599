"""A first name alone ('Going through Vince's inbox', 'who sent Louise the most', 'Linda Lay's emails
to Ken'): the person the question names in full with that first name ('Jeff' beside 'Dasovich's
mailbox'), else the one custodian of a mailbox in this archive with that first name (a custodian's
address is the one most often on the To line of their mailbox's mail). Two custodians with that
first name and none named in full: the word stays not used, and no figure is given. In a question
about one described email only the one who did it is read ('When did Vince forward ...': the
sender); others stay words of its description ('when did Ann let Bo know ...': Bo is searched).
"""
from __future__ import annotations

import re

from archivist.agent.question.lexicon import Lexicon, address_words, name_words
from archivist.agent.question.people import NICKNAMES, mailbox_of, resolve
from archivist.agent.question.plan import PEOPLE_ROLES, Constraint, Role
from archivist.agent.question.reading import Reading
from archivist.agent.question.roles import role_at
from archivist.agent.question.words import is_frame

WORD = re.compile(r"\b([A-Z][a-z]+)(?:['’]s)?\b")
WORD_ANY = re.compile(r"\b([A-Za-z][a-z]+)(?:['’]s)?\b")
# first names that are also words people type: read as names only when capitalised
COMMON_WORDS = frozenset("mark will bill sue may june april august art grant rich frank ray dawn joy hope gene jack "
                         "penny buck guy max pat don rob rose long".split())
DOER = re.compile(r"(?:^|\b(?:did|does|has|had)\s+)$", re.I)  # 'When did Vince forward', 'Vince sent ...'
# 'who sent sara the xls ...': in a described email, the one it went to, right after the verb
SENT_TO_NAME = re.compile(r"\b(?:sent|send|e-?mailed|forwarded|wrote\s+to|write\s+to|addressed\s+to)\s+$", re.I)
THEIR_EMAIL = re.compile(r"['’]s\s+(?:[\w-]+\s+){0,2}?(?:e-?mail|memo|note|message|letter|reply|request|draft|announcement)\b", re.I)
BOX_AFTER = re.compile(r"['’]s\s+(?:own\s+)?(?:e-?mail\s+)?(?:inbox|mailbox|mail\s+folder|files?|box)\b", re.I)


def _canon(word: str) -> str:
    return NICKNAMES.get(word.lower(), word.lower())


def _first_names(lex: Lexicon, address: str) -> set[str]:
    """The first names an address's person goes by: from its display name and its address."""
    names = lex.names.get(address)
    name = names.most_common(1)[0][0] if names else ""
    words = name_words(name.split(",", 1)[1] if "," in name else name)
    firsts = {_canon(words[0])} if words else set()
    parts = address_words(address)
    return firsts | ({_canon(parts[0])} if parts else set())


def owners_named(lex: Lexicon, word: str) -> list[str]:
    """The mailboxes whose custodian goes by this first name."""
    return sorted(box for box, owner in lex.owners.items() if _canon(word) in _first_names(lex, owner))


def own_mailbox(lex: Lexicon, who: str) -> str | None:
    """The person's own mailbox: by their name, or a first name alone that one custodian goes by."""
    if box := mailbox_of(lex, who):
        return box
    boxes = owners_named(lex, who) if " " not in who.strip() else []
    return boxes[0] if len(boxes) == 1 else None


def custodian_name(lex: Lexicon, word: str) -> str | None:
    """The full name of the one custodian a first name alone stands for, else None."""
    boxes = owners_named(lex, word) if WORD.fullmatch(word.strip()) else []
    if len(boxes) != 1:
        return None
    name = lex.display(lex.owners[boxes[0]]).split(" <")[0]
    last, _, rest = name.partition(",")  # 'Kaminski, Vince J' -> 'Vince Kaminski'
    return f"{rest.split()[0]} {last.strip()}" if rest.split() else name


def owner_of(lex: Lexicon, box: str) -> tuple[str, list]:
    """(display name, identities) of a mailbox's custodian: the person their name resolves to when
    that holds the custodian's address, else the address alone."""
    owner = lex.owners[box]
    name = lex.display(owner).split(" <")[0]
    person = resolve(lex, name)
    return name, person.identities if person.identities and any(owner in str(a) for a in person.identities) else [owner]


def _in_question(r: Reading, word: str) -> list[str]:
    """The mailboxes of the people named in full in the question who go by this first name."""
    boxes = []
    for c in r.plan.of(*PEOPLE_ROLES, Role.MAILBOX, Role.EXCLUDED):
        if c.role == Role.MAILBOX:
            if isinstance(c.value, str) and c.value in r.lex.owners and \
                    _canon(word) in _first_names(r.lex, r.lex.owners[c.value]):
                boxes.append(c.value)
            continue
        for box, owner in r.lex.owners.items():
            if isinstance(c.value, list) and owner in c.value and _canon(word) in _first_names(r.lex, owner):
                boxes.append(box)
    return sorted(set(boxes))


def first_names(r: Reading, described: bool = False) -> None:
    """Claim each free first name that stands for one custodian: as their mailbox before 's inbox',
    else as the person, in the role the words around it give. described: a question about one
    described email, where only the one who did it ('When did Vince forward ...') is read, as its
    sender; other first names stay words of the description."""
    if r.lex is None or not r.lex.owners:
        return
    # 'who sent sara the most', "tana's box: ISDA in the subject": typed in lower case (acronyms aside)
    typed_lower = not re.search(r"\b[A-Z][a-z]", r.text[1:])
    for m in WORD_ANY.finditer(r.text):
        word, s, e = m.group(1), m.start(1), m.end(1)
        if not word[0].isupper() and not (typed_lower or BOX_AFTER.match(r.text, e) or described and THEIR_EMAIL.match(r.text, e)) \
                or not word[0].isupper() and word.lower() in COMMON_WORDS:
            continue  # 'mark', 'will', 'bill': words before they are names
        to_them = described and bool(SENT_TO_NAME.search(r.text[:s]))
        theirs = described and bool(THEIR_EMAIL.match(r.text, e))  # "tana's email about ...": she sent it
        if not r.free(s, e) or is_frame(word) or described and not (DOER.search(r.text[:s]) or to_them or theirs) \
                or re.match(r"\s+[A-Z][a-z]", r.text[e:]):  # 'David Doctor': a longer name no reader placed
            continue
        boxes = _in_question(r, word) or owners_named(r.lex, word)
        if len(boxes) != 1:
            continue
        box = boxes[0]
        if after := BOX_AFTER.match(r.text, e):
            r.claim(Constraint(Role.MAILBOX, r.text[s:e + after.end() - e], box, s, e + after.end() - e,
                               label=f"mailbox {box} ('{word}': its custodian)"))
            continue
        addresses = owner_of(r.lex, box)[1]
        role = Role.RECIPIENT if to_them else Role.SENDER if described else role_at(r.text, s, e)
        r.claim(Constraint(role, word, addresses, s, e,
                           label=f"{word} = custodian of {box} ({len(addresses)} address{'es' if len(addresses) > 1 else ''}: "
                                 + ", ".join(map(str, addresses[:6])) + (" ..." if len(addresses) > 6 else "") + ")"))
