"""People, not addresses: the identities (addresses, or an address with one display name when
the address is shared by many people, such as a list or 'no.address@enron.com') that one person
named in a question writes and receives under, and the mailbox that is theirs.

Name words match a display name's or an address's words exactly, by a nickname ('Ken' is
'Kenneth') or as a prefix of three letters or more; the last word named (the surname) must match
exactly, so 'Lay' never matches 'Clayton'. A surname alone is one person only when one first name
holds nearly all of its mail; otherwise the question is ambiguous and the answer says so.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from archivist.agent.question.lexicon import STOP, Lexicon, name_words

NICKNAMES = {"ken": "kenneth", "kenny": "kenneth", "jeff": "jeffrey", "mike": "michael", "bill": "william",
             "will": "william", "bob": "robert", "rob": "robert", "jim": "james", "jimmy": "james",
             "dick": "richard", "rick": "richard", "tom": "thomas", "steve": "steven", "dave": "david",
             "chris": "christopher", "greg": "gregory", "liz": "elizabeth", "beth": "elizabeth",
             "kate": "katherine", "kathy": "katherine", "sue": "susan", "sally": "sarah", "joe": "joseph",
             "dan": "daniel", "danny": "daniel", "tim": "timothy", "matt": "matthew", "andy": "andrew",
             "tony": "anthony", "vince": "vincent", "jen": "jennifer", "jenny": "jennifer", "pat": "patrick",
             "larry": "lawrence", "louise": "louise", "rich": "richard", "stan": "stanley", "ted": "edward",
             "ed": "edward", "phil": "phillip", "ben": "benjamin", "sam": "samuel", "nick": "nicholas",
             "ron": "ronald", "don": "donald", "doug": "douglas", "fred": "frederick", "gerry": "gerald",
             "jerry": "gerald", "charlie": "charles", "chuck": "charles", "al": "albert", "alex": "alexander"}
SHARED_SHARE = 0.5  # an address whose mail this person holds less of is matched with the name too
DOMINANT = 0.9  # a surname alone is one person when one first name holds this share of its mail


@dataclass
class Person:
    """One person: identities to match ('address' or 'address|Display Name') and how to show them."""

    words: list[str]
    identities: list[str] = field(default_factory=list)
    label: str = ""
    others: list[str] = field(default_factory=list)  # other people the words could mean

    @property
    def ambiguous(self) -> bool:
        return bool(self.others)


def _same(q: str, n: str) -> bool:
    return q == n or NICKNAMES.get(q) == n or NICKNAMES.get(n) == q or _nickname(q, n) or \
        (len(q) >= 3 and len(n) >= 3 and (n.startswith(q) or q.startswith(n)))


@lru_cache(maxsize=1)
def _namer():
    from nicknames import NickNamer  # the curated English name-nickname pairs (carltonnorthern/nicknames)
    return NickNamer()


@lru_cache(maxsize=4096)
def _nickname(q: str, n: str) -> bool:
    """Whether one first name is a nickname of the other ('Bert' Albert, 'Peggy' Margaret), from the
    curated list; NICKNAMES stays the fold to one form for grouping a person's names."""
    if len(q) < 2 or len(n) < 2 or not q.isalpha() or not n.isalpha():
        return False
    namer = _namer()
    return n in namer.nicknames_of(q) or q in namer.nicknames_of(n)


def _holds(query: list[str], words: list[str]) -> bool:
    """Whether a name (its words) is the person the query words name (surname exact)."""
    if not words or query[-1] not in words:
        return False
    return all(any(_same(q, w) for w in words) for q in query[:-1])


def _other_first_name(query: list[str], name: str) -> bool:
    """Whether a plain 'First Middle Last' name starts with another first name than the query's
    ('Mark Kenneth Lay' is not 'Ken Lay', whose name it holds as a middle name); lists of names and
    'Last, First' forms are left alone."""
    if len(query) < 2 or re.search(r",|&|@|\band\b", name, re.I):
        return False
    words = [w for w in name_words(name.split("(")[0]) if w.isalpha() and len(w) > 1 and w not in NOT_NAMES]
    return len(words) >= 3 and words[-1] == query[-1] and not _same(query[0], words[0]) \
        and not _same(NICKNAMES.get(query[0], query[0]), words[0])


def _surname_of(name: str, word: str) -> bool:
    """Whether word is the surname of a display name: first in 'Last, First', else last."""
    words = name_words(name.split("(")[0])
    return bool(words) and (words[0] == word if "," in name else words[-1] == word)


def _address_words(address: str) -> list[str]:
    local = address.split("@")[0]
    return [p for p in re.split(r"[._-]+", local) if len(p) > 1 and p.isalpha()]


# a display name that lists a Notes address before the name of the address's own person
NOTES_LIST = re.compile(r"@[A-Za-z][\w.]*\s*,\s*(?=[A-Za-z])")
NOT_NAMES = frozenset("e-mail email mail ect hou ees corp enron na ct cal london legal office the of "
                      "and jr sr ii iii dr mr mrs ms".split())


ORG_WORDS = frozenset("company corporation corp inc llc ltd group team services department committee council "
                      "association newsletter news alert alerts update updates announcement announcements board "
                      "desk support center centre".split())
TITLE_WORDS = frozenset("accounting legal finance director manager president chairman ceo cfo coo vp office managing "
                        "executive counsel assistant operations marketing sales trading research risk credit tax "
                        "regulatory government affairs communications lawyer lawyers attorney attorneys in-house "
                        "hr pr human resources public relations".split())
SUFFIXES = frozenset("jr sr ii iii iv".split())
WEBMAIL = frozenset("aol.com hotmail.com yahoo.com msn.com earthlink.net home.com juno.com prodigy.net "
                    "compuserve.com att.net mindspring.com gmail.com".split())


def _webmail(address: str, names: Counter) -> bool:
    """A personal webmail account with no display name: 'vkaminski@aol.com' is Vince Kaminski's
    by its initial and surname (on a company domain that would be too weak)."""
    return address.split("@")[-1] in WEBMAIL and not any(names)


def _initials(query: list[str], address: str) -> bool:
    """'vkaminski@aol.com', 'jdasovic@enron.com', 'klay@enron.com': the first initial and the
    surname (cut to eight letters, as many mail systems did) for a query with a first name."""
    local, s = address.split("@")[0], query[-1]
    if len(query) < 2:  # a surname alone: any one initial before it ('vkaminski' for 'Kaminski')
        return len(s) >= 4 and len(local) > 1 and local[0].isalpha() and local[1:] in (s, s[:7])
    f = NICKNAMES.get(query[0], query[0])[0]
    return len(s) >= 3 and local in (f + s, s + f, (f + s)[:8], f + s[:7], query[0][0] + s)


def _first_name(query: list[str], words: list[str]) -> str:
    """The word beside the surname in a name ('Lay, Kenneth' / 'Kenneth Lay'), nickname-folded."""
    others = [w for w in words if w != query[-1] and len(w) > 1 and w.isalpha() and w not in NOT_NAMES]
    first = others[0] if others else ""
    if len(first[1:]) >= 4 and (first[1:] == query[-1] or query[-1].startswith(first[1:])):
        return ""  # 'vkaminski', 'jdasovic' (cut to 8): an initial and the surname, no first name
    return NICKNAMES.get(first, first)


def _name_query(text: str) -> list[str]:
    """The words of a name, without question words; a word that is also a date or question word
    stays when written with a capital beside another name word ('Day, Justin', 'Will Smith')."""
    words = name_words(text)
    capitals = {w.lower() for w in re.findall(r"[\w'’]+", text) if w[:1].isupper()}
    return [w for w in words if w not in STOP or w in ("will", "may", "march", "june")
            or (w in capitals and len(words) > 1 and w not in TITLE_WORDS)]


def organisation_only(lex: Lexicon, text: str) -> bool:
    """Whether the only participants whose names hold these words are organisations ('the new
    company' in 'The New Power Company'): words of a description, not a person left unmatched."""
    words = [w for w in name_words(text) if w not in STOP]
    found = set.intersection(*(set(lex.tokens.get(w, ())) for w in words)) if words else set()
    names = [n for a in found for n in lex.names.get(a, {}) if n]
    return bool(names) and all(ORG_WORDS & set(name_words(n.split("(")[0])) for n in names)


def resolve(lex: Lexicon, text: str, loose: bool = False) -> Person:
    """The identities of the person text names (a name, not an address); loose: also addresses that
    are only the first initial and the surname (weak evidence, used when the question names the
    domain: 'from his AOL account' is vkaminski@aol.com)."""
    query = _name_query(text)
    person = Person(query)
    if not query:
        return person
    hits: list[tuple[str, str, int, str]] = []  # (address, name, mails, first name)
    for address, names in lex.names.items():
        total = sum(names.values())
        parts = _address_words(address)
        by_address = (_holds(query, parts) and (len(query) > 1 or parts[-1] == query[0])) \
            or (loose or _webmail(address, names)) and _initials(query, address)
        found = len(hits)
        for name, n in names.items():
            own = name[listed.end():] if name and (listed := NOTES_LIST.search(name)) else name  # 'Mark E
            # Haedicke/HOU/ECT@ENRON, Culver, Deborah' is Deborah Culver's name, not Mark Haedicke's
            words = name_words(own.split("(")[0]) if own else []  # not the title: '(Vice President and General Counsel)'
            if ORG_WORDS & set(words):
                continue  # 'The New Power Company', 'Enron Change Management Announcement': no person
            if len(query) == 1 and words and not _surname_of(own, query[0]):
                continue  # one word names a surname: 'Mark' is John Mark's, not Mark Haedicke's
            if _holds(query, words) and not _other_first_name(query, own) or (by_address and not words):
                hits.append((address, name, n, _first_name(query, words or _address_words(address))))
        if not by_address and len(hits) > found and _someone_elses(names, sum(h[2] for h in hits[found:])):
            del hits[found:]  # a name seen on a fifth or less of the mail of an address that someone else's
            # name holds most of: theirs ('louise.kitchen' once beside 'Haedicke, Mark E.'); a shared
            # address with no such name ('40enron', the Office of the Chairman's) stays each one's
        if by_address and not any(h[0] == address for h in hits):
            hits.append((address, "", total, _first_name(query, _address_words(address))))
    return _group(lex, person, hits + _unnamed_initials(lex, query, hits))


def _unnamed_initials(lex: Lexicon, query: list[str], hits: list[tuple[str, str, int, str]]) -> list:
    """Addresses with no display name that are the first initial and the surname ('rbuy@ect.enron.com'
    for Rick Buy) on the domain of one of the person's named addresses, when no one else of that
    surname has a first name with that initial: the same person's older account, not a namesake. So
    are the surname and a suffix the person's name holds ('lemmons.jr.@enron.com', 'Lemmons Jr., Billy')."""
    if len(query) < 2 or not hits:
        return []
    domains = {a.split("@")[-1] for a, name, _, _ in hits if name}
    base = {".".join(d.split(".")[-2:]) for d in domains}
    initial = NICKNAMES.get(query[0], query[0])[0]
    if any(w[0] == initial and not _same(query[0], w) and not _same(NICKNAMES.get(query[0], query[0]), w)
           for w in _first_names_of(lex, query[-1])):
        return []  # 'rbuy' could be someone else's: another first name with that initial
    have, locals_ = {a for a, *_ in hits}, {initial + query[-1], (initial + query[-1])[:8]}
    suffixes = {w for _, name, _, _ in hits if name for w in name_words(name) if w in ("jr", "sr", "ii", "iii", "iv")}
    locals_ |= {f"{query[-1]}.{x}{dot}" for x in suffixes for dot in ("", ".")}  # 'lemmons.jr.@' for 'Lemmons Jr., Billy'
    return [(a, "", sum(names.values()), "") for a, names in lex.names.items()
            if a.split("@")[0] in locals_ and a not in have and not any(names)
            and ".".join(a.split("@")[-1].split(".")[-2:]) in base]


def _first_names_of(lex: Lexicon, surname: str) -> set[str]:
    """The first names of everyone whose display name has this surname."""
    out = set()
    for a in lex.tokens.get(surname, ()):
        for name in lex.names.get(a, {}):
            words = name_words(name.split("(")[0]) if name else []
            if words and _surname_of(name, surname):
                out |= {w for w in words if w != surname and len(w) > 1 and w.isalpha() and w not in NOT_NAMES}
    return out


def _group(lex: Lexicon, person: Person, hits: list[tuple[str, str, int, str]]) -> Person:
    if len(person.words) == 1:  # a surname alone: the one person who holds nearly all its mail,
        hits = _surname_hits(person, hits)  # or everyone of that name, said
    mails = Counter()
    for address, _, n, _ in hits:
        mails[address] += n
    for address, n in mails.items():  # an address without a display name is no other person's
        named = {name: c for name, c in lex.names[address].items() if name}
        n += sum(c for name, c in named.items() if _part_of(name, person.words))  # 'eldon' for Eldon Sellers
        if n >= SHARED_SHARE * sum(named.values()):
            person.identities.append(address)
        else:
            person.identities += [f"{address}|{name}" for a, name, _, _ in hits if a == address and name]
    person.identities.sort()
    shown = [i.split("|")[0] for i in person.identities]
    best = max((h for h in hits if h[1]), key=lambda h: h[2], default=None)
    name = best[1] if best else " ".join(person.words).title()
    person.label = addresses_label(name, shown)
    return person


def _part_of(name: str, words: list[str]) -> bool:
    """A display name that says only some of the person's own words ('eldon' for Eldon Sellers),
    none of another's: the same person writing under a shorter name."""
    said = set(name_words(name.split("(")[0]))
    return bool(said) and said < set(words)


def _someone_elses(names, mine: int) -> bool:
    """Whether an address's mail with the name asked about (mine of it) is a fifth or less of its
    named mail, most of which one other name holds."""
    named = [n for name, n in names.items() if name]
    return mine * 5 < sum(named) and max(named) * 2 >= sum(named)


def addresses_label(name: str, addresses: list[str]) -> str:
    """'Kaminski, Vince J (11 addresses: a, b, ... )': a person as the answer shows them."""
    shown = sorted(set(addresses))
    return f"{name} ({len(shown)} address{'es' if len(shown) != 1 else ''}: " \
           f"{', '.join(shown[:6])}{' ...' if len(shown) > 6 else ''})"


def _surname_hits(person: Person, hits: list[tuple[str, str, int, str]]) -> list[tuple[str, str, int, str]]:
    """The hits of a surname alone: those of the first name holding nearly all of its mail ('Lay'
    is Kenneth Lay, not also Linda and Mark Lay; 'Skilling' is Jeff, not Tom the weatherman) and
    those with no first name; else all of them, the other first names noted in person.others."""
    firsts = Counter()
    for _, _, n, first in hits:
        if first:
            firsts[first] += n
    if not firsts:
        return hits
    top, n_top = firsts.most_common(1)[0]
    total = sum(firsts.values())
    if n_top >= DOMINANT * total:
        return [h for h in hits if h[3] in (top, "")]
    person.others = [f for f, n in firsts.most_common(6) if n >= 0.02 * total]
    return hits


def mailbox_of(lex: Lexicon, text: str) -> str | None:
    """The mailbox that is this person's ('Ken Lay', 'Lay', 'kenneth lay' -> 'lay-k'), by the
    custodian naming of maildir exports: surname, dash, first initial. 'Lay or Skilling' is no
    one person, so it has no mailbox."""
    if re.search(r"\s(?:or|and|/)\s", text, re.I):
        return None
    words = [w for w in name_words(text) if (w not in STOP or w in ("will", "may")) and w not in TITLE_WORDS
             and w not in ("general", "head", "chief") and w not in SUFFIXES]  # 'general counsel James Derrick',
    # 'Bill Williams III' (williams-w3)
    if not words:
        return None
    found = []
    for low, stored in lex.mailboxes.items():
        m = re.fullmatch(r"([a-z]+)-([a-z])\d*", low)
        if not m or m.group(1) != words[-1]:
            continue
        first = NICKNAMES.get(words[0], words[0]) if len(words) > 1 else ""
        if not first or first.startswith(m.group(2)) or words[0].startswith(m.group(2)):
            found.append(stored)
    return found[0] if len(found) == 1 else None


def _name_key(words: list[str]) -> str:
    kept = sorted({NICKNAMES.get(w, w) for w in words if len(w) > 1 and w.isalpha() and w not in NOT_NAMES})
    return " ".join(kept)


def person_key(lex: Lexicon, address: str, name: str = "") -> str:
    """One key per person, so a ranking adds up one person's addresses: the words of the
    address's usual display name (nicknames folded); on a shared address, the name it was used
    with; the address itself when it has no name."""
    names = lex.names.get(address) or Counter()
    named = [(n, c) for n, c in names.most_common() if n and "@" not in n]
    keys = {_name_key(name_words(n)) for n, _ in named}
    if len(keys) > 3 and named and named[0][1] < SHARED_SHARE * sum(c for _, c in named):
        return address  # a shared address ('40enron@enron.com', a list) ranks as itself
    if named and (key := _name_key(name_words(named[0][0]))) and len(key.split()) > 1:
        return key
    words = _address_words(address)
    return _name_key(words) if len(words) > 1 else address


def _list_name(name: str) -> bool:
    """A display name that is no person's: an address or number in it, a list ('DL-NETCO Gas
    Traders', 'EOL North America Traders': an acronym beside ordinary words), an organisation
    word, or a place ('Click at Home')."""
    return bool(re.search(r"[@\d_/]|\b(?:at|of|for)\b", name, re.I)
                or not name.isupper() and re.search(r"\b[A-Z]{3,}\b", name)
                or set(name_words(name)) & ORG_WORDS)


def is_surname(lex: Lexicon, word: str) -> bool:
    """Whether a lower-case word is someone's surname in a display name ('kaminski' of 'Kaminski,
    Vince' or 'Vince Kaminski'), not a common word that appears in names ('response' of 'Enron
    Response Team') or only in some address ('confirm' of auto-confirm@amazon.com), nor the last
    word of a list's name ('traders' of 'DL-NETCO Gas Traders', 'home' of 'Mike Grigsby @ Home')."""
    w, seen, given = word.lower(), 0, 0
    if w in TITLE_WORDS:
        return False  # 'someone from Accounting' is not 'Wes Colwell- Managing Director Accounting'
    for address in lex.tokens.get(w, ()):
        for name, n in lex.names[address].items():
            words = name_words(name.split("(")[0].split(" - ")[0]) if name else []
            if name and _list_name(name):  # 'EOL Call Center', 'DL-NETCO Gas Traders': the word, no surname
                given += n if w in words else 0
            elif 2 <= len(words) <= 4 and (words[0] == w and "," in name or words[-1] == w and "," not in name):
                seen += n
            elif 2 <= len(words) <= 4 and w in words:
                given += n  # a first name there ('Mark' of 'Haedicke, Mark')
    # 'Mark' is far more often a first name than John Mark's surname: no one person
    return seen >= (1 if word[:1].isupper() else 2) and seen >= given


def is_first_name(lex: Lexicon, word: str) -> bool:
    """Whether a word is more often someone's first name than their surname in the display names
    ('shirley' of 'Crenshaw, Shirley'; not 'kudlow')."""
    w, first, last = word.lower(), 0, 0
    for address in lex.tokens.get(w, ()):
        for name, n in lex.names[address].items():
            words = name_words(name.split("(")[0]) if name else []
            if not 2 <= len(words) <= 4 or w not in words:
                continue
            given = words[1] if "," in name else words[0]
            first, last = first + (n if given == w else 0), last + (n if given != w else 0)
    return first > last
