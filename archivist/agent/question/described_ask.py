"""Questions that describe one email by what it says and ask a header field of it, in the words
people use for passing something on rather than the words the ask rules read ('who reached out to
Greg Whalley about ...', 'when did Jeff pass along that SoCalGas had asked ...', 'which address did he
send it to?'): a field of that email (Ask.FIELD), found by its content (agent/strategies/described.py)
and answered from its headers, not a content question for a model.

A verb of telling alone is not enough ('when did Skilling resign' is no email): the question must
ask for a field and say what the email said, in a clause ('that ...', 'saying ...', 'about ...') or in
enough words of its own.
"""
from __future__ import annotations

import re

from archivist.agent.question.plan import Ask, Role, Target
from archivist.agent.question.reading import Reading
from archivist.agent.question.words import TOKEN, is_frame

I = re.I
# ways of saying that someone wrote something to someone
TELLING = (r"(?:reach(?:ed)?\s+out|pass(?:ed)?\s+(?:along|on)|let\s+(?:\S+\s+){1,3}?know|(?:gave|give)\s+(?:\S+\s+){1,3}?"
           r"(?:a\s+)?heads[- ]up|shar(?:e|ed)|flag(?:ged)?|ping(?:ed)?|sen[dt]\s+(?:round|around|out|over|word)|"
           r"tell|told|sa(?:y|id)|mention(?:ed)?|not(?:e|ed)|point(?:ed)?\s+out|report(?:ed)?|warn(?:ed)?|alert(?:ed)?|"
           r"ask(?:ed)?|explain(?:ed)?|announc(?:e|ed)|circulat(?:e|ed)|forward(?:ed)?|e-?mail(?:ed)?|wr[io]te|sen[dt]|"
           r"repl(?:y|ied)|respond(?:ed)?|updat(?:e|ed)|notif(?:y|ied)|inform(?:ed)?|complain(?:ed)?|suggest(?:ed)?|"
           r"propos(?:e|ed)|recommend(?:ed)?|remind(?:ed)?|confirm(?:ed)?|push(?:ed)?\s+back|follow(?:ed)?\s+up)")
ASKED = ((re.compile(rf"^\W*who\s+(?:first\s+|actually\s+|originally\s+)?{TELLING}\b", I), Target.SENDER),
         (re.compile(r"\b(?:which|what)\s+(?:e-?mail\s+)?address(?:es)?\s+(?:did|was|were|had)\b.*\bto\W*$", I), Target.TO),
         (re.compile(r"\b(?:which|what)\s+(?:e-?mail\s+)?address(?:es)?\s+(?:did|was|were|had)\b.*\bfrom\W*$", I),
          Target.SENDER),
         (re.compile(rf"^\W*(?:so\s+)?(?:when|on\s+what\s+(?:date|day)|what\s+(?:date|day))\s+did\s+(?:\S+\s+){{0,4}}?"
                     rf"{TELLING}\b", I), Target.DATE))
SAYS = re.compile(r"\b(?:that|saying|about|regarding|telling|asking|to\s+say|warning|announcing|explaining|"
                  r"proposing|suggesting|with\s+the\s+news)\b", I)
MIN_WORDS = 4  # content words that describe an email without a clause


def reread(r: Reading, ask: Ask, target: Target, k: int) -> tuple[Ask, Target, int]:
    """(ask, target, k), a content question that asks a header field of one described email read
    as that field."""
    if ask != Ask.CONTENT:
        return ask, target, k
    blanked = r.blanked()
    field = next((t for pattern, t in ASKED if pattern.search(blanked)), None)
    if field is None:
        return ask, target, k
    said = " ".join([blanked] + [c.text for c in r.plan.of(Role.TEXT, Role.SUBJECT, Role.TOPIC)])  # 'about X': body words
    words = [w for w in TOKEN.findall(said) if not is_frame(w) and w[:1].isalnum()]
    if not (SAYS.search(said) and len(words) >= 2 or len(words) >= MIN_WORDS):
        return ask, target, k
    return Ask.FIELD, field, 1
