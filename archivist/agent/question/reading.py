"""The question being read: its text (cleaned, shorthand spelled out), the plan so far, and which
characters a constraint has claimed. Every stage of the reader (reader.py, mentions.py, words.py)
works on one Reading."""
from __future__ import annotations

import re

from archivist.agent.question.analyse import clean_question
from archivist.agent.question.lexicon import Lexicon
from archivist.agent.question.plan import Constraint, QueryPlan

ORDINALS = {w: i for i, w in enumerate(
    "zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth "
    "fifteenth sixteenth seventeenth eighteenth nineteenth twentieth".split())}
ORDINALS |= {f"{tens}-{w}": n + i for tens, n in (("twenty", 20), ("thirty", 30)) for w, i in ORDINALS.items() if 0 < i < 10}
ORDINALS |= {"thirtieth": 30}
ORDINAL_WORD = "|".join(sorted((w.replace("-", "[- ]") for w in ORDINALS if w != "zeroth"), key=len, reverse=True))
MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
ORDINAL_DAY = rf"\b({ORDINAL_WORD})\s+of\b(?=\s+{MONTH}\b)"  # 'the fifteenth of March'
# a month's day said as an ordinal word after the month ('november the twelfth', 'may first')
DAY_AFTER_MONTH = rf"\b({MONTH})\s+(?:the\s+)?({ORDINAL_WORD})\b"
UNITS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
                                    "fifteen sixteen seventeen eighteen nineteen".split())}
# a year said as words, as dictated ('two thousand one', 'two thousand and two', 'nineteen ninety nine')
SPOKEN_YEAR = (r"\b(?:two\s+thousand\s+(?:and\s+)?(" + "|".join(w for w in UNITS if w != "zero") + r")|"
               r"nineteen\s+ninety[- ]?(" + "|".join(w for w in UNITS if 0 < UNITS[w] < 10) + r"))\b")


def _spoken_year(m: re.Match) -> str:
    return str(2000 + UNITS[m.group(1).lower()]) if m.group(1) else str(1990 + UNITS[m.group(2).lower()])


def _day(word: str) -> str:
    """'fifteenth' -> '15th', 'twenty first' -> '21st'."""
    return _nth(ORDINALS[word.lower().replace(" ", "-")])


def _nth(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


# shorthand people type, spelled out before reading (each replacement is a whole token)
SHORTHAND = [(re.compile(p, re.I), s) for p, s in (
    (r"\bw/o\b", "without"), (r"(?<!\w)w/(?=\s|\w)", "with "), (r"\bfr\b(?=\s)", "from"), (r"\bmsgs\b", "messages"),
    (r"\bmsg\b", "message"), (r"\bppl\b", "people"), (r"\baccts?\b", "account"), (r"\s*->\s*|\s?→\s?", " to "),
    (r"\s&\s", " and "), (r"\bb/w\b|\bbtwn\b", "between"), (r"^#\s*of\b|(?<=\s)#\s*of\b", "number of"),
    (r"\bwho['’]s(?=\s+(?:been|got|gotten|had|sent|written|e-?mailed|received|forwarded|copied\s+\w+\s+on))", "who has"),
    (r"\bwho['’]s\b", "who is"), (r"\bwho['’]re\b", "who are"), (r"\bwho['’]d\b", "who would"),
    (r"\bwk\b", "week"), (r"\bwks\b", "weeks"), (r"\byr\b", "year"), (r"\byrs\b", "years"), (r"\bmths?\b", "month"),
    # header field names typed as in the headers: '(To:)', 'on the Cc: line', 'Haedicke on To:'
    (r"\((to|cc|bcc)\s*:\s*\)", r"(\1 line)"), (r"\b(to|cc|bcc)\s*:\s*(?=line\b|field\b)", r"\1 "),
    (r"\bon\s+(?:the\s+)?(to|cc|bcc)\s*:(?=\s|\)|$)", r"on the \1 line"),
    (r"(?<![\w@.])(from|to)\s*:\s+(?=[\w\"'“])", r"\1 "),  # 'From: Susan Mara', 'To: Jeff'

    (r"\bvery\s+(?=(?:first|last|earliest|latest|beginning|end)\b)", ""),  # 'the very first email': the first
    (r"\bping(?=\s)", "email"), (r"\bpings\b", "emails"), (r"\bpinged\b", "emailed"), (r"\bpinging\b", "emailing"),
    (ORDINAL_DAY, lambda m: _day(m.group(1)) + " of"),  # 'the fifteenth of March'
    (DAY_AFTER_MONTH, lambda m: f"{m.group(1)} {_day(m.group(2))}"),  # 'november twelfth'
    (SPOKEN_YEAR, _spoken_year),  # 'october two thousand one': October 2001
    (r"\b([a-z0-9-]+)\s+dot\s+(com|org|net|edu|gov)\b", r"\1.\2"),  # 'velaw dot com', as dictated
    (r"\bbiz\b(?=\s+days?\b)", "business"),  # 'on biz days'
    (r"\babt\b", "about"), (r"\b(?:attachd|attched|atached|attatched|attachted)\b", "attached"), (r"^\s*hw(?=\s+(?:many|often|much)\b)", "how"), (r"\btot\b", "total"), (r"(?:^|(?<=\s))#\s*(?=[a-z])", "number of "), (r"\bmos\b", "months"), (r"\bcc:ed\b", "cc'd"), (r"\bno\.\s*of\b", "number of"),
)]


# '2' for 'to' between words ('tana 2 sara', 'send 2 mark'), not a number ('top 2 senders', 'the 2 emails')
TWO_FOR_TO = re.compile(r"\b(?P<w>[a-z][\w'.]*)\s+2\s+(?=(?!(?:senders?|people|persons|ppl|recipients?|e-?mails?|messages?|msgs?|"
                        r"mails?|notes?|addresses|days?|weeks?|wks?|months?|mos|years?|yrs?|times|most|top|of|or|and|"
                        r"hours?|files?|attachments?|names?|spreadsheets?|docs?|pdfs?|separate|different|other|through|thru|"
                        r"until|till|to|st|nd|rd|th)\b)[a-z])", re.I)
NUMBER_BEFORE = frozenset("top first last the those these only over under about least most than and or between "
                          "next past previous within around nearly almost exactly just q h week wk cw kw no number phase "
                          "part version v round item chapter day floor level tier class group jan feb mar apr may jun "
                          "jul aug sep sept oct nov dec january february march april june july august september october "
                          "november december".split())


def _two_for_to(text: str) -> str:
    return TWO_FOR_TO.sub(lambda m: m.group(0) if m["w"].lower() in NUMBER_BEFORE else f"{m['w']} to ", text)


def spell_out(text: str) -> str:
    """Shorthand spelled out, outside quotes (a quoted subject stays as typed: 'Gas & Electric') and
    outside addresses and domains ('net@sigma-consultants.fr' keeps its 'fr')."""
    pieces = re.split(r"(\"[^\"]*\"|“[^”]*”|\S*@\S+|\S*\w\.\w\S*)", text)
    for i in range(0, len(pieces), 2):
        for pattern, full in SHORTHAND:
            pieces[i] = pattern.sub(full, pieces[i])
        pieces[i] = _two_for_to(pieces[i])
    return " ".join("".join(pieces).split())


class Reading:
    """The question being read: its text, the plan so far, and which characters are claimed."""

    def __init__(self, question: str, lex: Lexicon | None):
        text, self.warnings = clean_question(question)
        self.typed = text  # before shorthand is spelled out ('Vinson & Elkins' keeps its '&': question/firms.py)
        self.text = spell_out(text)
        self.lex = lex
        self.plan = QueryPlan(self.text)
        self.claimed: list[tuple[int, int]] = []
        self.unread: list[tuple[int, int]] = []  # words inside a constraint that it did not read
        self.asides: list[tuple[int, int, bool]] = []  # (start, end, describes a person): question/asides.py

    def free(self, start: int, end: int) -> bool:
        return not any(start < b and a < end for a, b in self.claimed)

    def claim(self, c: Constraint) -> None:
        self.plan.constraints.append(c)
        self.claimed.append((c.start, c.end))

    def blanked(self) -> str:
        text = self.text
        for a, b in self.claimed:
            text = text[:a] + " " * (b - a) + text[b:]
        return text
