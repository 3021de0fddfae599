"""The forms of a word that a mention of it matches ('emails mentioning bankruptcy'): its plural and
verb endings (merger, mergers; party, parties; merge, merging), and the other member of a pair of
a state noun and its adjective (bankruptcy and bankrupt, insolvency and insolvent), except where the
two words mean different things (currency and current, agency and agent).

`family` gives the words themselves (for the full-text index, which stems each of them); `pattern`
a regular expression for every form of them in a text.
"""
from __future__ import annotations

import re

ENDINGS = r"(?:s|es|'s|ed|d|ing)?"
# -cy nouns whose -t word means something else
FALSE_FRIENDS = frozenset("currency current currencies agency agent agencies emergency emergent emergencies "
                          "constituency constituent constituencies frequency frequent frequencies".split())


def family(word: str) -> list[str]:
    """The word, and its -cy/-t partner: 'bankruptcy' -> [bankruptcy, bankrupt], 'insolvent' ->
    [insolvent, insolvency]; other words alone."""
    w = word.lower()
    if w in FALSE_FRIENDS or len(w) < 6 or not w.isalpha():
        return [word]
    if m := re.fullmatch(r"(\w+?(?:n|pt))c(?:y|ies)", w):
        stem = m.group(1)
        return [word, stem + "t" if stem.endswith("n") else stem]
    if m := re.fullmatch(r"(\w+n)t|(\w+pt)", w):
        return [word, (m.group(1) or m.group(2)) + "cy"]
    return [word]


def pattern(word: str) -> str:
    """A regular expression (no word boundaries) for every form of the word and of its family."""
    return "(?:" + "|".join(_forms(w) for w in family(word)) + ")"


def _forms(word: str) -> str:
    w = re.escape(word)
    if re.search(r"[^aeiou]y$", word, re.I):  # party, parties, partied
        return rf"{w[:-1]}(?:y|ies|ied|y's)"
    if word.lower().endswith("e") and len(word) > 3:  # merge, merges, merged, merging
        return rf"(?:{w}{ENDINGS}|{w[:-1]}ing)"
    return rf"{w}{ENDINGS}"
