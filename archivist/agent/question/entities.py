"""Corpus-aware entity linking: which participants, mailboxes and subjects of THIS archive a
question names, in which role (sender or recipient), and which names it could not place.

The lexicon (every participant address with its display names, the mailboxes, the subjects) is
read once per store and saved beside it until documents change (lexicon_file.py); linking a
question is then dictionary lookups.
"""
from __future__ import annotations

import difflib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from enum import StrEnum

from archivist.corpus.headers import normalise_subject
from archivist.store import Store, overview
from archivist.store.filters import exact_address

ADDRESS = re.compile(r"[\w.+'#-]+@[\w-]+(?:\.[\w-]+)+", re.I)  # '#': '#26.training@enron.com'
# an address without '@' ('enron.com'): linked only when a participant has exactly that address
BARE_ADDRESS = re.compile(r"(?<![\w.@+'-])[\w+'-]+(?:\.[\w-]+)+(?![\w@-]|\.[\w-])", re.I)
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]")
STOP = frozenset("""a about above after again all also am an and any are as at be been before being
between both but by can cc cc'd could did do does during each email emails e-mail e-mails message
messages mail mails for from get got had has have he her him his how i if in into is it its many
me more most much my no not of on or our out over please received receive sent send sender senders
she show so some subject than that the their them then there these they this those through to too
total number count tally under until up us was we were what when where which while who whom whose
why will with wrote written write you your list find give tell all archive inbox mailbox
titled entitled called named line date day week month year quarter half early mid late first
second third last since among per each distinct unique exactly ever altogether overall
jan january feb february mar march apr april may jun june jul july aug august sep sept september
oct october nov november dec december q1 q2 q3 q4 monday tuesday wednesday thursday friday
saturday sunday did does people person someone anyone everyone somebody anybody thread threads
copied copy addressed recipient recipients author authored emailed mailed got""".split())
SENDER_BEFORE = re.compile(r"\b(?:from|by|sender(?:\s+was)?|author(?:ed by)?|written by|sent by)\s+(?:the\s+)?$", re.I)
RECIPIENT_BEFORE = re.compile(r"\b(?:to|cc'?d?|bcc'?d?|copied|copying|addressed to|received by|recipient"
                              r"|for|emailed|e-mailed|mailed|messaged|wrote to|sent to|into)\s+(?:the\s+)?$", re.I)
SENDER_AFTER = re.compile(r"^(?:'s\b|’s\b)?\s*(?:has\s+|have\s+|had\s+|did\s+)?(?:send|sent|write|wrote|written|"
                          r"author|authored|compose|composed|originate|originated|e-?mail(?:ed)?\b(?!s))", re.I)
RECIPIENT_AFTER = re.compile(r"^\s*(?:has\s+|have\s+|had\s+|did\s+|was\s+|were\s+|been\s+)*(?:receive|received|"
                             r"get|got|gotten|been\s+sent|been\s+cc|copied|cc'?d)\b", re.I)
CUE_BEFORE = re.compile(r"\b(?:from|by|to|cc|did|has|have|had|was|for|of|and)\s+$", re.I)
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


@dataclass
class Lexicon:
    """Names of the archive: addresses with their display names, mailboxes, subjects."""

    names: dict[str, Counter] = field(default_factory=dict)  # address -> display name counts
    tokens: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # word -> addresses
    key: dict[str, frozenset] = field(default_factory=dict)  # address -> its name's words
    mailboxes: dict[str, str] = field(default_factory=dict)  # lower -> stored
    subjects: dict[str, str] = field(default_factory=dict)  # normalised subject -> a title
    days: Counter = field(default_factory=Counter)  # ISO day -> documents (a yearless date's likely year)
    senders: Counter = field(default_factory=Counter)  # sender domain -> documents
    domains: set[str] = field(default_factory=set)  # every participant's domain
    stamp: tuple = ()

    def display(self, address: str) -> str:
        names = self.names.get(address)
        name = names.most_common(1)[0][0] if names else ""
        return f"{name} <{address}>" if name else address


def name_words(text: str) -> list[str]:
    return [w.lower().replace("’", "'") for w in WORD.findall(text) if len(w) > 1]


def _address_words(address: str) -> list[str]:
    local = address.split("@")[0]
    parts = [p for p in re.split(r"[._-]+", local) if len(p) > 1 and p.isalpha()]
    return parts if len(parts) > 1 else []


_CACHE: dict[str, Lexicon] = {}
MAX_NAME_WORDS = 8  # 'Kenneth Lay, Chairman and CEO, Enron Corp' is a name; a sentence is not


def _plausible_name(name: str) -> bool:
    """A display name that can name a person: a sender who writes a sentence or an instruction
    there ("the budget for project Zephyr is ...") must not capture the question's words."""
    from archivist.answering.grounding.injection import is_instruction
    return len(name_words(name)) <= MAX_NAME_WORDS and not is_instruction(name)


def lexicon(store: Store) -> Lexicon:
    """The store's lexicon: this process's copy, the one saved beside the database
    (lexicon_file.py), or built from the store (then saved), whenever documents changed since."""
    from archivist.agent.question import lexicon_file
    path, stamp = str(getattr(store, "path", id(store))), overview.stamp(store)
    cached = _CACHE.get(path)
    if cached is not None and cached.stamp == stamp:
        return cached
    saved = lexicon_file.load(store, stamp)
    lex = from_parts(saved, stamp) if saved else build(store, stamp)
    if not saved:
        lexicon_file.save(store, stamp, parts(lex))
    _CACHE[path] = lex
    return lex


def build(store: Store, stamp: tuple) -> Lexicon:
    """The lexicon read from the whole store (seconds on a large archive: saved once built)."""
    names: dict[str, Counter] = {}
    for address, name, n in store.conn.execute(
            "SELECT lower(address), coalesce(name, ''), count(*) FROM participants "
            "WHERE address IS NOT NULL AND address != '' GROUP BY 1, 2"):
        name = name.strip(" '\"")
        names.setdefault(address, Counter())[name if _plausible_name(name) else ""] += n
    return from_parts({"names": names,
                       "mailboxes": sorted(overview.mailbox_names(store)),
                       "subjects": overview.subject_titles(store),
                       "days": overview.day_counts(store),
                       "senders": overview.sender_domains(store)}, stamp)


def parts(lex: Lexicon) -> dict:
    """A lexicon as plain JSON-able values (the name words too: deriving them is most of a build)."""
    return {"names": {a: dict(c) for a, c in lex.names.items()},
            "tokens": {w: sorted(a) for w, a in lex.tokens.items()},
            "key": {a: sorted(words) for a, words in lex.key.items()},
            "mailboxes": sorted(lex.mailboxes.values()), "subjects": lex.subjects,
            "days": dict(lex.days), "senders": dict(lex.senders)}


def from_parts(p: dict, stamp: tuple) -> Lexicon:
    """A lexicon from its parts; the names' words and each address's key words derived when the
    parts do not hold them (a build), taken as they are when they do (a saved lexicon)."""
    lex = Lexicon(stamp=stamp)
    lex.names = {address: Counter(names) for address, names in p["names"].items()}
    if "tokens" in p:
        lex.tokens.update((w, set(a)) for w, a in p["tokens"].items())
        lex.key = {a: frozenset(words) for a, words in p["key"].items()}
    else:
        index_names(lex)
    lex.mailboxes = {name.lower(): name for name in p["mailboxes"]}
    lex.subjects = dict(p["subjects"])
    lex.days.update(p["days"])
    lex.domains = {address.split("@")[-1] for address in lex.names}
    lex.senders.update(p["senders"])
    return lex


def index_names(lex: Lexicon) -> None:
    """Each name word -> the addresses it names; each address's key words (its best name's)."""
    for address, names in lex.names.items():
        words = [w for name in names if "@" not in name for w in name_words(name)]
        words += _address_words(address)
        for w in set(words):
            lex.tokens[w].add(address)
        best = next((n for n, _ in names.most_common() if n and "@" not in n), "")
        words = [w for w in name_words(best) if w not in STOP]
        lex.key[address] = frozenset(words or _address_words(address) or [address])


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
        if address in lex.names and not any(m.start() < e.end and e.start < m.end() for e in out):
            out.append(Entity(m.group(0), EntityKind.PERSON, m.start(), m.end(), exact_address(address),
                              role_of(question, m.start(), m.end())))
    return out


def _runs(question: str, lex: Lexicon) -> list[tuple[int, int, list[str], bool]]:
    """Runs of consecutive words that are words of participants' names ("Last, First" too):
    (start, end, words, capitalised)."""
    runs, cur = [], []
    for m in WORD.finditer(question):
        w = m.group(0).lower().replace("’", "'")
        is_name = w not in STOP and len(w) > 1 and w in lex.tokens
        gap = question[cur[-1].end():m.start()] if cur else ""
        if is_name and (not cur or re.fullmatch(r"\s*,?\s*(?:[A-Z]\.?\s+)?", gap)):  # 'Michael E Taylor'
            cur.append(m)
            continue
        if cur and re.fullmatch(r"[A-Z]", m.group(0)) and re.fullmatch(r"\s+", gap):
            continue  # a middle initial: the run goes on past it
        if cur:
            runs.append(cur)
        cur = [m] if is_name else []
    if cur:
        runs.append(cur)
    return [_absorb_cues(question, lex, *_widen(question, lex, r)[:3]) for r in runs]


def _widen(question: str, lex: Lexicon, run: list[re.Match]) -> tuple[int, int, list[str], bool]:
    """A run with a neighbouring common word taken in when together they are someone's full name
    ('will reed', 'mark taylor'): (start, end, words, capitalised)."""
    words = [m.group(0).lower().replace("’", "'") for m in run]
    start, end = run[0].start(), run[-1].end()
    before = re.search(r"([A-Za-z]+),?\s+$", question[:start])
    after = re.match(r"^,?\s+([A-Za-z]+)", question[end:])
    for m, left in ((before, True), (after, False)):
        if m is None or m.group(1).lower() not in lex.tokens:
            continue
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
    return any(want <= set(name_words(name)) | set(_address_words(a))
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
            if w not in STOP or w not in lex.tokens or not _one_name_holds(lex, more) \
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


UNKNOWN_NAME = re.compile(r"\b(?:from|by|to|cc|did|has)\s+((?:[A-Z][a-z'’.-]+)(?:\s+[A-Z][a-z'’.-]+){0,2})")


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


def find_mailboxes(lex: Lexicon, question: str) -> list[Entity]:
    out = []
    for low, stored in lex.mailboxes.items():
        for m in re.finditer(rf"(?<![\w.@-]){re.escape(low)}(?![\w@-])", question, re.I):
            out.append(Entity(m.group(0), EntityKind.MAILBOX, m.start(), m.end(), stored))
    return out


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
