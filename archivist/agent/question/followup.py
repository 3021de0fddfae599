"""Chat follow-ups that lean on the previous question: "and in June?" after a count asks the same
count with the month changed. The previous turn's Analysis is carried (by agent/session.py) and
applied here when the new question has no intent of its own; filters are merged by
scope.merge_prior as before. Additive to analyse.py: its rules are used, not changed.
"""
from __future__ import annotations

import re
from dataclasses import replace

from archivist.agent.question.analyse import Analysis
from archivist.dates import MON, month_bounds, month_of
from archivist.records import Filters, QuestionKind
from archivist.store.overview import latest_date

# "in June", "for june", "during Sept", "what about June" with no year after it
BARE_MONTH = re.compile(rf"\b(?:in|during|for|of|about)\s+({MON})(?![\w.])(?!,?\s+\d{{4}})", re.I)
CARRIED_SLOTS = ("senders", "recipients", "addresses", "subject", "topic")


def bare_month_span(question: str, year: int | None) -> tuple[str | None, str | None]:
    """[first day, next month) of a month named without a year, in `year`."""
    m = BARE_MONTH.search(question)
    if m is None or year is None:
        return None, None
    low, high = month_bounds(year, month_of(m.group(1)))
    return low.isoformat(), high.isoformat()


def prior_year(store, prior: Filters | None) -> int | None:
    """The year the previous scope points at: its date bounds, else its latest document."""
    if prior is not None and prior.after:
        return int(prior.after[:4])
    if prior is not None and prior.before:
        return int(prior.before[:4]) - (prior.before[5:10] == "01-01")
    latest = latest_date(store, prior)
    return int(latest[:4]) if latest else None


def carry_intent(analysis: Analysis, previous: Analysis | None, question: str,
                 year: int | None) -> Analysis:
    """analysis with the previous turn's kind, intent and unrestated slots when the new question
    is a follow-up without an intent of its own; a bare month takes the previous scope's year."""
    follow_up = analysis.follow_up or analysis.kind == QuestionKind.FOLLOW_UP
    if previous is None or not follow_up or analysis.intent is not None:
        return analysis
    carried = replace(analysis, kind=previous.kind, intent=previous.intent, follow_up=True)
    if analysis.addresses and not (analysis.senders or analysis.recipients):
        # "and bob@x.com?": the new person takes the previous one's role
        role = "recipients" if previous.recipients and not previous.senders else "senders"
        setattr(carried, role, list(analysis.addresses))
    for slot in CARRIED_SLOTS:
        if not getattr(carried, slot):
            setattr(carried, slot, getattr(previous, slot))
    if not (carried.after or carried.before):
        carried.after, carried.before = bare_month_span(question, year)
    return carried
