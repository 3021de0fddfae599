"""Frame words that carry a constraint no reader took, in questions answered with a figure: 'last'
in a count ('how many did X send on his last day'), 'forwarded' or 'replies' (which emails are
forwards or replies is not read), 'cc'/'bcc' when no one is named in that role ('how many emails
did X bcc anyone on'). Elsewhere these words are the question's frame; here, left as frame, the
figure would silently count every email, so they are named as not used instead.
"""
from __future__ import annotations

from archivist.agent.question.asks import EITHER_ROLE
from archivist.agent.question.plan import Ask, Role, Target, Use
from archivist.agent.question.reading import Reading

ORDER_WORDS = frozenset("first last final earliest latest newest oldest initial recent recently".split())
KIND_WORDS = frozenset("forward forwards forwarded forwarding fwd reply replies replied replying".split())
COPY_WORDS = frozenset("cc cc'd cc'ed ccd bcc bcc'd bcc'ed copied copy copies blind-copied".split())
AGGREGATES = (Ask.COUNT, Ask.LIST, Ask.TOP, Ask.PEAK)


def unread_in_figures(r: Reading) -> None:
    """Mark the frame words of a figure's question that say what no constraint reads."""
    plan, words = r.plan, set()
    if plan.ask == Ask.COUNT:
        words |= ORDER_WORDS
    if plan.ask in AGGREGATES:
        words |= KIND_WORDS
    if plan.ask in (*AGGREGATES, Ask.FIRST, Ask.LAST) and not plan.of(Role.CC, Role.BCC, Role.TO) \
            and plan.target not in (Target.CC, Target.BCC, Target.TO, Target.RECIPIENT) \
            and not EITHER_ROLE.search(r.text):  # 'to or cc': any recipient, read
        words |= COPY_WORDS
    for w in plan.words:
        if w.use == Use.FRAME and w.text.lower().replace("’", "'") in words:
            w.use = Use.UNUSED
