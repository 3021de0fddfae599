"""The summarizers archivist's summaries are compared with, at the same word budget: lead (the
text's first sentences), and LexRank and TextRank as the `sumy` package implements them. sumy's
own English tokenizer needs NLTK data downloaded at run time, which this project never does, so
the peers read sentences split by one regular expression (the same split for all three) and words
as runs of letters and digits; stemming and stop words are sumy's own (Snowball, its bundled list).
"""
from __future__ import annotations

import re
from enum import StrEnum
from functools import lru_cache

from archivist.errors import InputError

SPLIT = re.compile(r"(?<=[.!?])[\s,]+(?=[\"'(A-Z0-9])|\n\s*\n")
PEER_SENTENCES = 5  # sentences a graph peer ranks into its summary before the word cut


class Peer(StrEnum):
    LEAD = "lead-1"
    LEXRANK = "lexrank"
    TEXTRANK = "textrank"


class _Tokenizer:
    language = "english"

    def to_sentences(self, text: str) -> list[str]:
        return [s.strip() for s in SPLIT.split(text) if s.strip()]

    def to_words(self, sentence: str) -> list[str]:
        return re.findall(r"[A-Za-z0-9']+", sentence)


def cut(text: str, budget_words: int) -> str:
    return " ".join(text.split()[:budget_words])


@lru_cache(maxsize=None)
def _sumy(peer: Peer):
    try:
        from sumy.nlp.stemmers import Stemmer
        from sumy.parsers.plaintext import PlaintextParser
        from sumy.summarizers.lex_rank import LexRankSummarizer
        from sumy.summarizers.text_rank import TextRankSummarizer
        from sumy.utils import get_stop_words
    except ImportError as e:
        raise InputError("the summaries eval compares with sumy's LexRank and TextRank: "
                         "pip install 'archivist[eval]' (sumy, rouge-score)") from e
    cls = LexRankSummarizer if peer == Peer.LEXRANK else TextRankSummarizer
    summarizer = cls(Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")
    return lambda text: [str(s) for s in summarizer(PlaintextParser.from_string(text, _Tokenizer()).document,
                                                      PEER_SENTENCES)]


def summary(peer: Peer, text: str, budget_words: int) -> str:
    """The peer's summary of text in at most budget_words words (its sentences in text order)."""
    if peer == Peer.LEAD:
        return cut(" ".join(_Tokenizer().to_sentences(text)), budget_words)
    return cut(" ".join(_sumy(peer)(text)), budget_words)
