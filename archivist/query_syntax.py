"""Field syntax inside a query or question, Gmail/notmuch style, for `search` and `ask` alike:

    from:kaminski subject:"credit watch" after:2001-09-01 before:2001-10-01 to:lavorato mailbox:kaminski-v

Values with spaces are quoted. Dates are read by archivist.dates.parse_date (a bad one is an
InputError naming it). Command-line options (--from, --after, ...) override the same fields.
"""
from __future__ import annotations

import re
from dataclasses import fields as dataclass_fields
from dataclasses import replace

from archivist.dates import parse_date
from archivist.errors import InputError
from archivist.records import Filters

FIELDS = {"from": "sender", "to": "recipient", "subject": "subject", "after": "after",
          "before": "before", "mailbox": "mailbox", "in": "mailbox"}
FIELD = re.compile(r"(?<![\w@.:/-])(from|to|subject|after|before|mailbox|in):"
                   r"(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'()]+))", re.I)  # '(Haedicke on To:)' names no value
EMPTY_QUERY = "the query is empty: give words to look for (field filters such as from:x alone are not a query)"
EMPTY_SEARCH = "the query is empty: give words to look for, or field terms such as from:x to list what they match"


def parse_fields(text: str) -> tuple[str, Filters]:
    """(the text without its field terms, the filters they name)."""
    found = Filters()
    for m in FIELD.finditer(text):
        name = FIELDS[m.group(1).lower()]
        value = next(g for g in m.groups()[1:] if g is not None).strip()
        if not value:
            raise InputError(f"{m.group(1)}: needs a value")
        if name in ("after", "before"):
            value = parse_date(value, f"{m.group(1)}:")
        setattr(found, name, value)
    rest = " ".join(FIELD.sub(" ", text).split())
    return rest, found


def merge_filters(base: Filters, top: Filters) -> Filters:
    """base with every field that top sets replaced by top's value."""
    out = replace(base, fields={**base.fields, **top.fields})
    for f in dataclass_fields(Filters):
        value = getattr(top, f.name)
        if f.name != "fields" and value not in (None, "", []):
            setattr(out, f.name, value)
    return out


def option_filters(sender: str | None = None, recipient: str | None = None, after: str | None = None,
                   before: str | None = None, mailbox: str | None = None,
                   subject: str | None = None) -> Filters:
    """Filters from command-line options, dates validated (--after 03/05/2024 is read, not ignored)."""
    return Filters(sender=sender or None, recipient=recipient or None, mailbox=mailbox or None,
                   subject=subject or None,
                   after=parse_date(after, "--after") if after else None,
                   before=parse_date(before, "--before") if before else None)


def query_and_filters(text: str, options: Filters, fields_only: bool = False) -> tuple[str, Filters]:
    """The query words and the filters of the field syntax overridden by the options; an empty
    query is an InputError, unless `fields_only` leaves it to the caller (search lists what the
    filters match, and says EMPTY_SEARCH when there are none)."""
    rest, found = parse_fields(text or "")
    if not rest.strip() and not fields_only:
        raise InputError(EMPTY_QUERY)
    return rest, merge_filters(found, options)
