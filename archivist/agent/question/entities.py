"""Corpus-aware entity linking: which participants, mailboxes and subjects of THIS archive a
question names, in which role (sender or recipient), and which names it could not place.

The archive's names are the lexicon (lexicon.py: built once, saved beside the store); linking a
question is then dictionary lookups.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from enum import StrEnum

from archivist.agent.question.lexicon import STOP, WORD, Lexicon, address_words, name_words
from archivist.corpus.headers import normalise_subject
from archivist.store.filters import exact_address

ADDRESS = re.compile(r"[\w.+'#-]+@[\w-]+(?:\.[\w-]+)+", re.I)  # '#': '#26.training@enron.com'
# an address without '@' ('enron.com'): linked only when a participant has exactly that address
BARE_ADDRESS = re.compile(r"(?<![\w.@+'-])[\w+'-]+(?:\.[\w-]+)+(?![\w@-]|\.[\w-])", re.I)
SENDER_BEFORE = re.compile(r"\b(?:from|by|sender(?:\s+(?:was|is|=))?|sender\s*=|author(?:ed by)?|written by|sent by)\s+(?:the\s+)?$", re.I)
RECIPIENT_BEFORE = re.compile(r"\b(?:to|cc'?d?|bcc'?d?|copied|copying|addressed to|received by|recipient(?:\s+(?:is|was|=)|\s*=)?"
                              r"|for|emailed|e-mailed|mailed|messaged|wrote to|sent to|into)\s+(?:the\s+)?$", re.I)
SENDER_AFTER = re.compile(r"^(?:'s\b|’s\b)?\s*(?:has\s+|have\s+|had\s+|did\s+)?(?:send|sent|write|wrote|written|"
                          r"author|authored|compose|composed|originate|originated|attach(?:ed|es)?\b|forward(?:ed|s)?\b|"
                          r"e-?mail(?:ed)?\b(?!s))", re.I)  # 'which file did X attach', 'X forwarded'
RECIPIENT_AFTER = re.compile(r"^\s*(?:has\s+|have\s+|had\s+|did\s+|was\s+|were\s+|been\s+)*(?:receive|received|"
                             r"get|got|gotten|been\s+sent|been\s+cc|copied|cc'?d)\b", re.I)
CUE_BEFORE = re.compile(r"\b(?:from|by|to|cc|did|has|have|had|was|for|of|and)\s+(?:(?:mr|mrs|ms|miss|dr)\.?\s+)?$", re.I)
AMBIGUOUS_SHOWN = 5


class Role(StrEnum):
    SENDER = "sender"
    RECIPIENT = "recipient"


class EntityKind(StrEnum):
    PERSON = "person"
    MAILBOX = "mailbox"
    SUBJECT = "subject"
    DATE = "date"


@dataclass
class Entity:
    """One constraint found in a question; `used` is set when it becomes a filter."""

    text: str  # as written in the question
    kind: EntityKind
    start: int = 0
    end: int = 0
    value: str | None = None  # the filter value it links to (address, name words, subject, ...)
    role: Role | None = None
    candidates: list[str] = field(default_factory=list)  # several participants match
    known: bool = True  # False: nothing in the archive matches it exactly
    partial: bool = False  # a subject no subject equals but some contain
    used: bool = False
    why_unused: str = ""


def role_of(question: str, start: int, end: int) -> Role | None:
    """Sender or recipient from the words around a mention ('from X', 'X received', 'to X')."""
    before, after = question[:start], question[end:]
    if RECIPIENT_BEFORE.search(before) and not re.search(r"\bsent by\s+$", before, re.I):
        return Role.RECIPIENT
    if SENDER_BEFORE.search(before):
        return Role.SENDER
    if RECIPIENT_AFTER.search(after):
        return Role.RECIPIENT
    if SENDER_AFTER.search(after):
        return Role.SENDER
    return None


def link_address(lex: Lexicon, question: str, m: re.Match) -> Entity:
    address = m.group(0).lower().lstrip("'")
    ent = Entity(m.group(0), EntityKind.PERSON, m.start(), m.end(), address,
                 role_of(question, m.start(), m.end()), known=address in lex.names)
    return ent


def find_addresses(lex: Lexicon, question: str) -> list[Entity]:
    """Addresses in the question: any 'x@y.z', and a token without '@' that is exactly some
    participant's address ('enron.com'), which links to that address, not to its name words."""
    out = [link_address(lex, question, m) for m in ADDRESS.finditer(question)]
    for m in BARE_ADDRESS.finditer(question):
        address = m.group(0).lower()
        if address not in lex.names:
            address = _of_local_part(lex, address)  # "kenneth.thibodeaux's emails": the one address it begins
        if address and not any(m.start() < e.end and e.start < m.end() for e in out):
            out.append(Entity(m.group(0), EntityKind.PERSON, m.start(), m.end(), exact_address(address),
                              role_of(question, m.start(), m.end())))
    return out


def _of_local_part(lex: Lexicon, token: str) -> str | None:
    """The one address of this archive whose part before '@' is token ('first.last'), else None."""
    if not re.fullmatch(r"[a-z][a-z'-]+\.[a-z][a-z'-]+", token):
        return None
    found = [a for a in lex.names if a.startswith(token + "@")]
    words = token.split(".")
    if len(found) != 1 or not any(all(w in name.lower() for w in words) for name in lex.names[found[0]]):
        return None  # a person's own address, their name on it ('Thibodeaux, Kenneth'), not 'no.address'
    return found[0]


def _runs(question: str, lex: Lexicon) -> list[tuple[int, int, list[str], bool]]:
    """Runs of consecutive words that are words of participants' names ("Last, First" too):
    (start, end, words, capitalised)."""
    runs, cur = [], []
    for m in WORD.finditer(question):
        w = m.group(0).lower().replace("’", "'")
        is_name = w not in STOP and len(w) > 1 and w in lex.tokens \
            and not question[max(0, m.start() - 1):m.start()].isdigit()  # '1st', '2nd': no name 'st'
        gap = question[cur[-1].end():m.start()] if cur else ""
        abbreviated = bool(cur) and len(cur[-1].group(0)) <= 3 and re.fullmatch(r"\.\s+", gap)  # 'Carol St. Clair'
        if is_name and (not cur or re.fullmatch(r"\s*,?\s*(?:[A-Z]\.?\s+)?", gap) or abbreviated):  # 'Michael E Taylor'
            cur.append(m)
            continue
        if cur and re.fullmatch(r"[A-Z]", m.group(0)) and re.fullmatch(r"\s+", gap):
            continue  # a middle initial: the run goes on past it
        if cur:
            runs.append(cur)
        cur = [m] if is_name else []
    if cur:
        runs.append(cur)
    runs = [run for run in (_untitled(r) for r in runs) if run]
    return [_absorb_cues(question, lex, *_widen(question, lex, r)[:3]) for r in runs]


# a title said before a name ('CEO Jeff Skilling', 'Chairman Ken Lay', 'Ms. Lokay', 'Chief Risk
# Officer Rick Buy'): who the person is, not words of their name ('Ken Lay - Office of the Chairman')
TITLES_BEFORE = frozenset("mr mrs ms miss dr prof professor ceo cfo coo cao cio cco president chairman chairwoman "
                          "vice evp svp vp md".split())


def _untitled(run: list[re.Match]) -> list[re.Match]:
    words = [m.group(0).lower() for m in run]
    if words[0] == "chief" and "officer" in words[1:4] and words.index("officer") < len(words) - 1:
        return run[words.index("officer") + 1:]
    at = 0
    while at < len(run) - 1 and words[at] in TITLES_BEFORE:
        at += 1
    return run[at:]


CONJUNCTIONS = frozenset("and or nor but".split())


def _widen(question: str, lex: Lexicon, run: list[re.Match]) -> tuple[int, int, list[str], bool]:
    """A run with a neighbouring common word taken in when together they are someone's full name
    ('will reed', 'mark taylor'): (start, end, words, capitalised)."""
    words = [m.group(0).lower().replace("’", "'") for m in run]
    start, end = run[0].start(), run[-1].end()
    before = re.search(r"([A-Za-z]+),?\s+$", question[:start])
    after = re.match(r"^,?\s+([A-Za-z]+)", question[end:])
    for m, left in ((before, True), (after, False)):
        if m is None or m.group(1).lower() not in lex.tokens or m.group(1).lower() in CONJUNCTIONS:
            continue  # 'to ken lay and cc'd to ...': 'and' joins two people, even beside 'Ken Lay and Jeff Skilling'
        more = [m.group(1).lower()] + words if left else words + [m.group(1).lower()]
        wider = (start - len(m.group(0)), end) if left else (start, end + len(m.group(0)))
        if any(lex.key[a] <= set(more) for a in _people_for(lex, more)) \
                and _may_take(question, lex, (start, end), wider, left):
            words, (start, end) = more, wider
    return start, end, words, _capitalised(question[start:end])


def _capitalised(text: str) -> bool:
    return all(w[0].isupper() for w in WORD.findall(text))


NEXT_WORD = re.compile(r"^[\s,]*(\(?)\s*(" + WORD.pattern + r")")
PREV_WORD = re.compile(r"(" + WORD.pattern + r")\)?[\s,]*\(?\s*$")


def _one_name_holds(lex: Lexicon, words: list[str]) -> bool:
    """Whether one display name of one participant (with its address's words) has all the words;
    the union of a shared address's many names ('no.address@enron.com') holds nearly any word."""
    want = set(words)
    return any(want <= set(name_words(name)) | set(address_words(a))
               for a in _people_for(lex, words) for name in lex.names[a])


def _may_take(question: str, lex: Lexicon, span: tuple[int, int], wider: tuple[int, int], left: bool) -> bool:
    """Whether a cue word beside a name may join it: not when a name stands beyond it (it is that
    name's cue: 'from Ann to Bob' with a participant 'Ann To'), nor when the name would lose the
    role the word gives it ('did jaesoo e-mail?')."""
    start, end = wider
    m = PREV_WORD.search(question[max(0, start - 60):start]) if left else NEXT_WORD.match(question[end:end + 60])
    beyond = m.group(1 if left else 2).lower().replace("’", "'") if m else ""
    if beyond in lex.tokens and beyond not in STOP:
        return False
    return role_of(question, *span) is None or role_of(question, *wider) is not None


def _absorb_cues(question: str, lex: Lexicon, start: int, end: int,
                 words: list[str]) -> tuple[int, int, list[str], bool]:
    """A run with the cue words beside it that are words of the same participant's name taken in
    ('Zimin Lu (E-mail)', 'E-mail, Zimin', 'Jaesoo E-mail received'), so a name holding a cue word
    links before the word is read as a cue. A word stays a cue when taking it in would leave the
    mention with no role where the cue gave it one ('did jaesoo e-mail?')."""
    for left in (True, False):
        while True:
            base = max(0, start - 60)  # a word and its gap, not the whole question
            m = PREV_WORD.search(question[base:start]) if left else NEXT_WORD.match(question[end:end + 60])
            if m is None:
                break
            w = m.group(1 if left else 2).lower().replace("’", "'")
            more = [w] + words if left else words + [w]
            s, e = (base + m.start(), end) if left else (start, end + m.end())
            if not left and m.group(1) and question[e:e + 1] == ")":
                e += 1
            if w not in STOP or w in CONJUNCTIONS or w not in lex.tokens or not _one_name_holds(lex, more) \
                    or not _may_take(question, lex, (start, end), (s, e), left):
                break
            start, end, words = s, e, more
    return start, end, words, _capitalised(question[start:end])


def _people_for(lex: Lexicon, words: list[str]) -> set[str]:
    found = None
    for w in words:
        found = set(lex.tokens.get(w, ())) if found is None else found & lex.tokens.get(w, set())
    return found or set()


def _distinct_people(lex: Lexicon, addresses: set[str], words: list[str]) -> list[frozenset]:
    """The different people the addresses belong to, as name keys: a key that extends another
    ('vince j kaminski e-mail' of 'vince kaminski') is a variant of it; a key the mention names
    in full makes the mention one person."""
    keys = {lex.key[a] for a in addresses}
    minimal = [k for k in keys if not any(other < k for other in keys)]
    full = [k for k in minimal if k <= set(words)]
    return full[:1] if len(full) == 1 else minimal


def link_name(lex: Lexicon, question: str, start: int, end: int, words: list[str]) -> Entity:
    text = question[start:end]
    ent = Entity(text, EntityKind.PERSON, start, end, role=role_of(question, start, end))
    addresses = _people_for(lex, words)
    people = _distinct_people(lex, addresses, words)
    if len(addresses) == 1:
        ent.value = next(iter(addresses))
    else:
        ent.value = " ".join(words)
        if len(people) > 1:
            by_count = sorted(addresses, key=lambda a: -sum(lex.names[a].values()))
            seen, shown = set(), []
            for a in by_count:
                person = next(k for k in people if k <= lex.key[a]) if any(
                    k <= lex.key[a] for k in people) else lex.key[a]
                if person not in seen:
                    seen.add(person)
                    shown.append(lex.display(a))
            ent.candidates = shown[:AMBIGUOUS_SHOWN] + ([f"and {len(shown) - AMBIGUOUS_SHOWN} more"]
                                                        if len(shown) > AMBIGUOUS_SHOWN else [])
    return ent


UNKNOWN_NAME = re.compile(r"\b(?:from|by|to|cc|did|has)\s+(?:(?:Mr|Mrs|Ms|Miss|Dr)\.?\s+)?((?:[A-Z][a-z'’.-]+)(?:\s+[A-Z][a-z'’.-]+){0,2})")


def find_people(lex: Lexicon, question: str, skip: list[tuple[int, int]]) -> list[Entity]:
    """Addresses and participant names in the question (not inside the skipped spans)."""
    out = find_addresses(lex, question)
    taken = skip + [(e.start, e.end) for e in out]
    free = lambda s, e: not any(s < b and a < e for a, b in taken)  # noqa: E731
    for start, end, words, capital in _runs(question, lex):
        if not free(start, end):
            continue
        addresses = _people_for(lex, words)
        cue = bool(CUE_BEFORE.search(question[:start])) or role_of(question, start, end) is not None
        full = bool(addresses) and any(lex.key[a] <= set(words) for a in addresses)
        strong = role_of(question, start, end) is not None
        if addresses and ((capital and (cue or full)) or (full and len(words) > 1) or strong):
            out.append(link_name(lex, question, start, end, words))
            taken.append((start, end))
    for m in UNKNOWN_NAME.finditer(question):  # 'from Jon Smith': a name no participant has
        s, e = m.span(1)
        words = [w for w in name_words(m.group(1)) if w not in STOP]
        if words and free(s, e) and len(words) == len(name_words(m.group(1))):
            out.append(Entity(m.group(1), EntityKind.PERSON, s, e, " ".join(words),
                              role_of(question, s, e), known=False))
    return sorted(out, key=lambda e: e.start)


def mailbox_matches(lex: Lexicon, text: str):
    """(stored name, match) of each mailbox named as such in text ('kaminski-v'), in the lexicon's
    order. Names absent from an ASCII text are skipped unsearched (a pattern each for 1,908
    mailboxes took 0.3 s of a question); any other text is searched for every name."""
    folded = text.lower() if text.isascii() else None
    for low, stored in lex.mailboxes.items():
        if folded is not None and low.isascii() and low not in folded:
            continue
        for m in re.finditer(rf"(?<![\w.@-]){re.escape(low)}(?![\w@-])", text, re.I):
            yield stored, m


def find_mailboxes(lex: Lexicon, question: str) -> list[Entity]:
    return [Entity(m.group(0), EntityKind.MAILBOX, m.start(), m.end(), stored)
            for stored, m in mailbox_matches(lex, question)]


def match_subject(lex: Lexicon, text: str, fuzzy: bool = True) -> str | None:
    """The archive's subject a (possibly misquoted or lower-cased) subject means, or None."""
    norm = normalise_subject(text)
    if norm in lex.subjects:
        return norm
    untagged = normalise_subject(re.sub(r"\[[^\]]*\]\s*", "", norm))
    if untagged in lex.subjects:
        return untagged
    if len(norm) < 6 or not fuzzy:
        return None
    close = difflib.get_close_matches(norm, [s for s in lex.subjects if abs(len(s) - len(norm)) <= 6],
                                      n=1, cutoff=0.88)
    return close[0] if close else None


def subject_contains(lex: Lexicon, text: str) -> bool:
    """Whether some subject of the archive contains text (any case)."""
    norm = normalise_subject(text)
    return len(norm) >= 4 and any(norm in s for s in lex.subjects)
