"""dedup.normalise_text: the fast path (str.split, '>From ' check) equals the regex definition."""
from __future__ import annotations

import random
import re

from archivist.corpus.dedup import normalise_text

_SPACE = re.compile(r"\s+")
_MBOXO = re.compile(r"(?m)^>(>*From )")


def _by_regex(text: str | None) -> str:
    return _SPACE.sub(" ", _MBOXO.sub(r"\1", text or "")).strip()


def test_normalise_text_equals_the_regex_definition():
    spaces = [chr(c) for c in range(0x3000 + 1) if chr(c).isspace()] + ["\u200b", "\ufeff", "\x00"]
    alphabet = spaces + list("ab>x\n") + [">From ", "\n>From ", ">>From ", "\n>>>From ", "From "]
    rnd = random.Random(7)
    for _ in range(20000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 24)))
        assert normalise_text(text) == _by_regex(text), repr(text)
    assert normalise_text(None) == "" == _by_regex(None)
    assert normalise_text(">From a\n>>From b\n x>From c") == "From a >From b x>From c"
