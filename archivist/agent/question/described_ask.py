"""Questions that describe one email by what it says and ask a header field of it, in the words
people use for passing something on rather than the words the ask rules read ('who reached out to
Greg Whalley about ...', 'when did Jeff pass along that SoCalGas had asked ...', 'which address did he
send it to?'): a field of that email (Ask.FIELD), found by its content (agent/strategies/described.py)
and answered from its headers, not a content question for a model.

A verb of telling alone is not enough ('when did Skilling resign' is no email): the question must
ask for a field and say what the email said, in a clause ('that ...', 'saying ...', 'about ...') or in
enough words of its own. And a ranking's word inside such a description ('who was cc'd on the note
saying the figures were at variance with what is normally believed', 'the main reason') makes no
ranking of one email: no plural, no count, the word after the clause that describes it.
"""
from __future__ import annotations

import re

from archivist.agent.question.asks import without_org
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
           r"propos(?:e|ed)|recommend(?:ed)?|remind(?:ed)?|confirm(?:ed)?|push(?:ed)?\s+back|follow(?:ed)?\s+up|"
           r"quot(?:e|ed)|offer(?:ed)?|invit(?:e|ed)|thank(?:ed)?|advis(?:e|ed)|request(?:ed)?)")
ASKED = ((re.compile(rf"^\W*who\s+(?:first\s+|actually\s+|originally\s+)?{TELLING}\b", I), Target.SENDER),
         # 'who cc'd Mark Taylor on the email about ...': the one who sent it
         (re.compile(r"^\W*who\s+(?:cc'?d|cc'ed|copied|bcc'?d)\s+.*?\bon\s+(?:the|his|her|their|that|this|\S+['’]s)\s+", I),
          Target.SENDER),
         (re.compile(r"\b(?:which|what)\s+(?:e-?mail\s+)?address(?:es)?\s+(?:did|was|were|had)\b.*\bto\W*$", I), Target.TO),
         (re.compile(r"\b(?:which|what)\s+(?:e-?mail\s+)?address(?:es)?\s+did\b.*?\b(?:send|write|e-?mail|mail|forward)\b"
                     r"(?:\s+(?:it|this|that|them|the\s+[\w-]+))?\s+to\b", I), Target.TO),
         (re.compile(r"^\W*(?:which|what)\s+(?:people|persons|colleagues|recipients|addressees)\s+(?:got|received|were\s+sent|"
                     r"did\s+(?:\S+\s+){1,4}?(?:send|write\s+to|e-?mail))\b", I), Target.RECIPIENT),
         (re.compile(r"\b(?:which|what)\s+(?:e-?mail\s+)?address(?:es)?\s+(?:did|was|were|had)\b.*\bfrom\W*$", I),
          Target.SENDER),
         (re.compile(rf"^\W*(?:so\s+)?(?:when|on\s+what\s+(?:date|day)|what\s+(?:date|day))\s+did\s+(?:\S+\s+){{0,4}}?"
                     rf"{TELLING}\b", I), Target.DATE))
SAYS = re.compile(r"\b(?:that|saying|about|regarding|telling|asking|to\s+say|warning|announcing|explaining|"
                  r"proposing|suggesting|with\s+the\s+news)\b", I)
MIN_WORDS = 4  # content words that describe an email without a clause
# a ranking's words said inside the description ('... were at variance with what is normally believed',
# 'the main reason'): no ranking when the question asks a field of one email named before them
RANKING = re.compile(r"\b(?:most|busiest|top|frequently|often|usually|typically|main|primary|usual|normally)\b", I)
ONE_EMAIL = re.compile(r"\b(?:e-?mail|note|memo|message|letter|update|announcement|request|reply|response|invitation|"
                       r"notice|heads[- ]up)\b(?!s)", I)
# "who was copied on John Lavorato's October 2001 note ... his top 33 people": one email, someone's
POSSESSED_EMAIL = re.compile(r"['’]s\s+(?:[\w-]+\s+){0,3}?(?:e-?mail|note|memo|message|letter|update|announcement|reply)\b(?!s)", I)
MANY = re.compile(r"\b(?:e-?mails|messages|notes|memos|letters|how\s+many|number\s+of)\b|\bwho\s+all\b", I)
ONE_FIELD = ((re.compile(r"^\W*who\s+(?:was|were|got|is)\s+(?:also\s+)?(?:cc'?d|cc'ed|copied)\b", I), Target.CC),
             (re.compile(r"^\W*who\s+(?:sent|wrote|forwarded|e-?mailed)\b", I), Target.SENDER),
             (re.compile(r"^\W*(?:to\s+whom|who\s+(?:was|were)\s+(?:it\s+)?(?:sent|addressed)\s+to)\b", I), Target.TO),
             (re.compile(r"^\W*(?:when|what\s+(?:date|day)|on\s+what\s+(?:date|day))\b", I), Target.DATE))


# 'who replied first', 'who was the first to follow up on that request', 'who responded to Sara's
# memo about ...': the sender of the first reply to the email described, not of the email itself
# ('who replied to Greg about the budget' asks who sent that reply: no 'first', no email replied to)
ANSWERING = r"(?:repl(?:y|ied)|respond(?:ed)?|answer(?:ed)?|wr[io]te\s+back|follow(?:ed)?\s+up|got\s+back|reacted)"
REPLIED = (re.compile(rf"\bwho\s+(?:was\s+(?:the\s+)?first\s+(?:one\s+|person\s+)?to\s+{ANSWERING}|first\s+{ANSWERING}|"
                      rf"{ANSWERING}\s+(?:\S+\s+){{0,3}}?first)\b", I),
           re.compile(rf"\b(?:who|which\s+[a-z]+)\s+{ANSWERING}\s+(?:to|on)\s+(?:[A-Z][\w.'-]*\s+){{0,3}}?(?:\S+'s?|that|this|the|his|her|"
                      rf"their)\s+(?:[\w-]+\s+){{0,3}}?(?:e-?mail|note|memo|message|request|question|invitation|"
                      rf"announcement|proposal|draft|letter|save[- ]the[- ]date)\b", I))


def reread(r: Reading, ask: Ask, target: Target, k: int) -> tuple[Ask, Target, int]:
    """(ask, target, k), a content question that asks a header field of one described email read
    as that field."""
    if any(p.search(r.text) for p in REPLIED):
        return Ask.FIELD, Target.REPLY, 1
    blanked = without_org(r.blanked())
    if ask == Ask.TOP:
        return _one_email(r.text) or (ask, target, k)
    if ask != Ask.CONTENT:
        return ask, target, k
    field = next((t for pattern, t in ASKED if pattern.search(blanked)), None)
    if field is None:
        return ask, target, k
    said = " ".join([blanked] + [c.text for c in r.plan.of(Role.TEXT, Role.SUBJECT, Role.TOPIC)])  # 'about X': body words
    words = [w for w in TOKEN.findall(said) if not is_frame(w) and w[:1].isalnum()]
    if not (SAYS.search(said) and len(words) >= 2 or len(words) >= MIN_WORDS):
        return ask, target, k
    return Ask.FIELD, field, 1


def _one_email(text: str) -> tuple[Ask, Target, int] | None:
    """A field of one email whose description holds a ranking's word: 'who was cc'd on the note
    saying the figures were at variance with what is normally believed' (no plural, no count)."""
    says, ranking = SAYS.search(text) or POSSESSED_EMAIL.search(text), RANKING.search(text)
    if says is None or ranking is None or ranking.start() < says.start() or MANY.search(text):
        return None
    head = text[:says.start()]
    field = next((t for pattern, t in ONE_FIELD if pattern.search(head)), None)
    return (Ask.FIELD, field, 1) if field is not None and ONE_EMAIL.search(text[:says.end()]) else None
