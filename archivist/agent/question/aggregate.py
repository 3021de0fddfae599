"""Aggregation questions: what a question asks of the whole text rather than of one passage,
read from its words (any wording, not one benchmark's).

- FREQUENT: the items read most often ("which three words come up most often", "the most
  common complaint", "what is mentioned the most").
- HOW_OFTEN: how many times a named thing is read ("how often", "how many times", "number of
  mentions").
- TRACK: what holds a given value through a chain of references ("which variables are assigned
  12345", "trace what 4471 is set to", "what ends up equal to X-17"); it needs a literal value in
  the question to start from, else it is an ALL.
- ALL: every item that answers ("all the values", "every time", "find all", "list each", "who
  wrote about X in May", "everyone who mentioned X"), and a question whose answer is plural things
  ("what are the secret ingredients ...", "which suppliers were named"): each of them may be in a
  different passage, so a reader that quotes the best one or two names only some of them (niah
  with 4 needles: the memory's answer named 2); when it names a kind of value ("every dollar
  amount", "all the percentages"), the sentences that write such a value are the answer, whatever
  their words.

Each needs every passage that holds a piece of the answer: the top-k passages of a search hold a
sample of them. The planner sends these to the memory, whose notes count and quote every piece
(agent/strategies/aggregate.py). A question about the archive's metadata ("how many emails did
Jeff send") is answered by the query strategy before this reading is consulted.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Aggregate(StrEnum):
    FREQUENT = "most frequent"
    HOW_OFTEN = "how often"
    TRACK = "track a value"
    ALL = "all the values"


FREQUENT = re.compile(
    r"\bmost\s+(?:often|frequent(?:ly)?|common(?:ly)?|popular|repeated(?:ly)?|mentioned|cited|named|used)\b|"
    r"\b(?:frequent|common)est\b|\bthe\s+most\s+(?:times|mentions|occurrences)\b|"
    r"\b(?:appears?|appearing|occurs?|occurring|recurs?|repeated|mentioned|named|cited|comes?\s+up|shows?\s+up)"
    r"\s+(?:the\s+)?most\b|\b(?:highest|largest|biggest)\s+(?:count|frequency|number\s+of\s+(?:mentions|times))\b|"
    r"\b(?:rank(?:ed)?|sort(?:ed)?|order(?:ed)?)\b.{0,40}?\bby\s+(?:frequency|count|how\s+(?:often|many\s+times))\b",
    re.I)
HOW_OFTEN = re.compile(r"\bhow\s+(?:often|frequently)\b|\bhow\s+many\s+times\b|"
                       r"\bnumber\s+of\s+(?:times|mentions|occurrences)\b|"
                       r"\bcount\s+(?:the\s+|all\s+)?(?:mentions|occurrences|times)\b", re.I)
# a value named by a chain of references: a value word and a linking verb, or a strong link alone
VALUE_WORD = re.compile(r"\b(?:values?|variables?|aliases|alias|references?|names?|labels?)\b", re.I)
LINK = re.compile(r"\b(?:assign(?:s|ed|ment)?|hold(?:s|ing)?|carr(?:y|ies|ying)|shares?|equals?|equal\s+to|"
                  r"set\s+to|points?\s+to|refers?\s+to|tracks?|track(?:ed|ing)|traces?|trac(?:ed|ing)|"
                  r"follow(?:s|ed|ing)?|ends?\s+up|derived?\s+from|copied\s+from|passed\s+(?:on\s+)?to)\b", re.I)
STRONG_LINK = re.compile(r"\b(?:assigned|set\s+to|equal\s+to|points?\s+to|refers?\s+to|ends?\s+up)\b", re.I)
# 'who wrote about X in May 2001', 'everyone who mentioned X': every writer, an ALL over the emails
WHO_ALL = re.compile(r"^\s*who\s+(?:all\s+)?(?:wrote|sent|e-?mailed|mentioned|discussed|talked)\s+(?:\w+\s+)?(?:about|of|in)\b|"
                     r"\b(?:everyone|everybody|all\s+the\s+people)\s+who\b", re.I)
ALL = re.compile(r"\b(?:find|list|name|give|show)\s+(?:me\s+)?(?:all|every|each)\b|\bwhenever\b|"
                 r"\b(?:every|each)\s+(?:single\s+)?(?:time|value|one|mention|occurrence|instance)\b|"
                 r"\ball\s+(?:of\s+)?(?:the|its|their|his|her|those|these)\s+(?!day\b|same\b|while\b|way\b)\w+|"
                 r"\ball\s+(?!day\b|right\b|along\b|over\b|this\b|that\b)\w+s\b|"
                 r"\bevery\s+(?!day\b|other\b)\w+|\beach\s+(?!other\b)(?:of\s+the\s+)?\w+", re.I)
# a question asking for plural things: "what are the <...> ingredients", "which suppliers were named"
PLURAL = re.compile(r"^\s*(?:what|which|who)\s+(?:are|were)\s+(?:the\s+|their\s+|its\s+)?(?:[\w-]+\s+){0,3}?"
                    r"(?!(?:its|this|is|was|has|does|as|us|less|news|ness|ous|status|basis|analysis|thesis)\b)"
                    r"[a-z][\w-]*[^s\W]s\b|^\s*which\s+[a-z][\w-]*[^s\W]s\s+(?:are|were|have|had)\b", re.I)
# a literal to start tracking from: a number, a code in capitals or mixing digits and letters, a quote
LITERAL = re.compile(r"\b\d[\d,.]*\d\b|\b\d\b|\b[A-Z][A-Z0-9_-]{2,}\b|\b(?=[\w-]*\d)(?=[\w-]*[A-Za-z])[\w-]{3,}\b|"
                     r"\"([^\"]+)\"|'([^']+)'")
NUMBER_WORDS = {w: i for i, w in enumerate(("zero one two three four five six seven eight nine ten eleven "
                                            "twelve thirteen fourteen fifteen sixteen seventeen eighteen "
                                            "nineteen twenty").split())}
TOP = re.compile(r"\b(" + "|".join(NUMBER_WORDS) + r"|\d{1,2})\b", re.I)
MOST_TOP = 50  # a number above this is a value or a year, not how many items are asked for


@dataclass(frozen=True)
class AggregateAsk:
    """What an aggregation question asks: the kind, how many items when it says (0: not said),
    the literal values a TRACK starts from, the words that made it one (the planner's why), and
    for an ALL, the kind of value asked for when it names one ('every dollar amount': money)."""

    kind: Aggregate
    top: int = 0
    literals: tuple[str, ...] = ()
    cue: str = ""
    values: str = ""  # a VALUE_ASKED key: the sentences holding such a value are the answer's


# the kinds of value an ALL can ask for by name, and how each is written in text
VALUE_ASKED = {
    "money": re.compile(r"\b(?:dollars?|dollar\s+(?:amounts?|figures?|values?|sums?)|prices?|costs?|fees?|payments?|"
                        r"sums?\s+of\s+money|amounts?\s+of\s+money|(?:money|cash)\s+amounts?)\b|\$", re.I),
    "percent": re.compile(r"\b(?:percent(?:age)?s?|per\s*cent)\b|%", re.I),
}
VALUE_WRITTEN = {
    "money": re.compile(r"\$\s?\d[\d,]*(?:\.\d+)?(?:\s?(?:million|billion|thousand|mm|bn|k)\b)?", re.I),
    "percent": re.compile(r"\b\d+(?:\.\d+)?\s?(?:%|percent\b|per\s*cent\b)", re.I),
}


def values_asked(question: str) -> str:
    """The kind of value a text asks for by name ('every dollar amount': 'money'), or ''; the
    caller passes the words right after the ALL cue, not the whole question ('who wrote about
    Price Curves' asks for people)."""
    return next((kind for kind, pattern in VALUE_ASKED.items() if pattern.search(question)), "")


def values_in(kind: str, text: str) -> list[str]:
    """The values of that kind a text writes, in order ('$85.0 million', '12%')."""
    pattern = VALUE_WRITTEN.get(kind)
    return [m.group(0) for m in pattern.finditer(text)] if pattern else []


def literals(question: str) -> tuple[str, ...]:
    """The literal values a question names: numbers, capitalised codes, quoted text."""
    out = []
    for m in LITERAL.finditer(question):
        text = next((g for g in m.groups() if g), m.group(0)).strip()
        if text and text not in out:
            out.append(text)
    return tuple(out)


def how_many(question: str) -> int:
    """How many items the question asks for ('which three words', 'the top 5'); 0 when unsaid."""
    for m in TOP.finditer(question):
        word = m.group(1).lower()
        n = NUMBER_WORDS.get(word) if word in NUMBER_WORDS else int(word)
        if 0 < n <= MOST_TOP:
            return n
    return 0


def aggregation(question: str) -> AggregateAsk | None:
    """The aggregation a question asks for, or None for a question one passage can answer."""
    if m := FREQUENT.search(question):
        return AggregateAsk(Aggregate.FREQUENT, how_many(question), cue=m.group(0))
    if m := HOW_OFTEN.search(question):
        return AggregateAsk(Aggregate.HOW_OFTEN, cue=m.group(0))
    link = LINK.search(question)
    values = literals(question)
    if values and link and (VALUE_WORD.search(question) or STRONG_LINK.search(question)):
        return AggregateAsk(Aggregate.TRACK, literals=values, cue=link.group(0))
    if m := ALL.search(question):
        # the kind of value it asks for is what follows 'every' ('every dollar amount', 'all the prices')
        ahead = re.match(r"(?:\s*[\w$%-]+){0,3}", question[m.end():]).group(0)
        return AggregateAsk(Aggregate.ALL, cue=m.group(0), values=values_asked(m.group(0) + ahead))
    if m := WHO_ALL.search(question) or PLURAL.search(question):
        return AggregateAsk(Aggregate.ALL, cue=m.group(0).strip())
    return None
