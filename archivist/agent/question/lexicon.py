"""The archive's names (the lexicon) that questions are linked against: every participant address
with its display names and their words, the mailboxes, the subjects, the days and sender domains.

Built from the whole store (whole Enron 3 s; tens of seconds on a million emails), then saved beside
the database (`<db>.lexicon.json`) and loaded by the next process (~0.3 s on whole Enron) until an
ingest adds or removes documents (the key is the store's stamp: documents, highest id). JSON, never
pickle: the file is data. A directory that cannot be written only means building it each time.
Linking a question to these names is entities.py.
"""
from __future__ import annotations

import json
import os
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from archivist.store import Store, overview

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

@dataclass
class Lexicon:
    """Names of the archive: addresses with their display names, mailboxes, subjects."""

    names: dict[str, Counter] = field(default_factory=dict)  # address -> display name counts
    tokens: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # word -> addresses
    key: dict[str, frozenset] = field(default_factory=dict)  # address -> its name's words
    mailboxes: dict[str, str] = field(default_factory=dict)  # lower -> stored
    owners: dict[str, str] = field(default_factory=dict)  # stored mailbox -> its custodian's address
    subjects: dict[str, str] = field(default_factory=dict)  # normalised subject -> a title
    days: Counter = field(default_factory=Counter)  # ISO day -> documents (a yearless date's likely year)
    senders: Counter = field(default_factory=Counter)  # sender domain -> documents
    domains: set[str] = field(default_factory=set)  # every participant's domain
    stamp: tuple = ()

    def display(self, address: str) -> str:
        names = self.names.get(address)
        name = names.most_common(1)[0][0] if names else ""
        return f"{name} <{address}>" if name else address


# a department written onto a surname ('Lance Schuler-Legal'): the surname and the department, two words
DEPARTMENT_TAIL = re.compile(r"-(legal|ect|hou|ees|ena|ews|ebs|ets|corp|enron|hr)$", re.I)


def name_words(text: str) -> list[str]:
    words = [DEPARTMENT_TAIL.sub(r" \1", w) for w in WORD.findall(text)]
    return [w.lower().replace("’", "'") for word in words for w in word.split() if len(w) > 1]


def address_words(address: str) -> list[str]:
    local = address.split("@")[0]
    parts = [p for p in re.split(r"[._-]+", local) if len(p) > 1 and p.isalpha()]
    return parts if len(parts) > 1 else []


_CACHE: dict[str, Lexicon] = {}


def forget(db: str) -> None:
    """Drop this process's lexicon of the database at path db (a closed corpus)."""
    for key in [k for k in _CACHE if k.startswith(db)]:
        del _CACHE[key]
MAX_NAME_WORDS = 8  # 'Kenneth Lay, Chairman and CEO, Enron Corp' is a name; a sentence is not


def _plausible_name(name: str) -> bool:
    """A display name that can name a person: a sender who writes a sentence or an instruction
    there ("the budget for project Zephyr is ...") must not capture the question's words."""
    from archivist.answering.grounding.injection import is_instruction
    return len(name_words(name)) <= MAX_NAME_WORDS and not is_instruction(name)


def lexicon(store: Store) -> Lexicon:
    """The store's lexicon: this process's copy, the one saved beside the database, or built
    from the store (then saved), whenever documents changed since."""
    path, stamp = str(getattr(store, "path", id(store))), overview.stamp(store)
    cached = _CACHE.get(path)
    if cached is not None and cached.stamp == stamp:
        return cached
    saved = load(store, stamp)
    lex = from_parts(saved, stamp) if saved else build(store, stamp)
    if not saved:
        save(store, stamp, parts(lex))
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
                       "owners": overview.mailbox_owners(store),
                       "subjects": overview.subject_titles(store),
                       "days": overview.day_counts(store),
                       "senders": overview.sender_domains(store)}, stamp)


def parts(lex: Lexicon) -> dict:
    """A lexicon as plain JSON-able values (the name words too: deriving them is most of a build)."""
    return {"names": {a: dict(c) for a, c in lex.names.items()},
            "tokens": {w: sorted(a) for w, a in lex.tokens.items()},
            "key": {a: sorted(words) for a, words in lex.key.items()},
            "mailboxes": sorted(lex.mailboxes.values()), "owners": lex.owners, "subjects": lex.subjects,
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
    lex.owners = dict(p.get("owners") or {})
    lex.subjects = dict(p["subjects"])
    lex.days.update(p["days"])
    lex.domains = {address.split("@")[-1] for address in lex.names}
    lex.senders.update(p["senders"])
    return lex


def index_names(lex: Lexicon) -> None:
    """Each name word -> the addresses it names; each address's key words (its best name's)."""
    for address, names in lex.names.items():
        words = [w for name in names if "@" not in name for w in name_words(name)]
        words += address_words(address)
        for w in set(words):
            lex.tokens[w].add(address)
        best = next((n for n, _ in names.most_common() if n and "@" not in n), "")
        words = [w for w in name_words(best) if w not in STOP]
        lex.key[address] = frozenset(words or address_words(address) or [address])


VERSION = 5  # 2: the name words saved too; 3: sentence-like display names dropped; 4: mailbox owners; 5: a department written onto a surname is a word of its own


def lexicon_path(store) -> Path | None:
    path = getattr(store, "path", None)
    return Path(str(path) + ".lexicon.json") if path else None


def load(store, stamp: tuple) -> dict | None:
    """The saved parts when they were saved for this stamp, else None."""
    path = lexicon_path(store)
    try:
        data = json.loads(path.read_text()) if path else None
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version") != VERSION or \
            data.get("stamp") != list(stamp):
        return None
    return data.get("parts")


def save(store, stamp: tuple, data: dict) -> None:
    """Write the parts atomically; nothing when the directory is not writable."""
    path = lexicon_path(store)
    if path is None:
        return
    tmp = path.with_name(path.name + f".tmp{os.getpid()}")
    try:
        tmp.write_text(json.dumps({"version": VERSION, "stamp": list(stamp), "parts": data},
                                  ensure_ascii=False))
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
