"""The command line's shared option declarations and their checks: the global options (-d/--db,
--json, --yes) that also work after the command, the filter options of search/ask/summarize/memory
(--from --to --after --before --mailbox --subject), choice() and query_filters().
"""
from __future__ import annotations

from typing import Any, Optional

import typer


class State:
    """Global options given before the command; -d/--db, --json and --yes also work after it."""

    preset: Optional[str] = None
    overrides: dict[str, Any] = {}
    db: Optional[str] = None
    json: bool = False
    yes: bool = False


def _db_or_global(value: Optional[str]) -> Optional[str]:
    return value or State.db


def _json_or_global(value: bool) -> bool:
    return value or State.json


def _yes_or_global(value: bool) -> bool:
    return value or State.yes


DbOpt = typer.Option(None, "-d", "--db", help="SQLite database (env ARCHIVIST_DB).",
                     callback=_db_or_global)
JsonOpt = typer.Option(False, "--json", help="One JSON object per line on stdout.",
                       callback=_json_or_global)
YesOpt = typer.Option(False, "-y", "--yes", help="Do not ask before a run estimated to take minutes.",
                      callback=_yes_or_global)


def examples(*lines: str) -> str:
    """A command's help epilog: one example command line per paragraph."""
    return "Examples:\n\n" + "\n\n".join(f"  $ {line}" for line in lines)


FromOpt = typer.Option(None, "--from", help="Sender address ('<x>': exactly x, even without @), @domain or name words "
                                              "(also from:X in the query).")
ToOpt = typer.Option(None, "--to", help="Recipient address ('<x>': exactly x), @domain or name words (also to:X).")
AfterOpt = typer.Option(None, "--after", help="Date, inclusive: 2001-09-19, 9/19/2001, 'Sep 19, 2001' (also after:D).")
BeforeOpt = typer.Option(None, "--before", help="Date, exclusive (also before:D).")
MailboxOpt = typer.Option(None, "--mailbox", help="Mailbox, e.g. beck-s (also mailbox:X).")
SubjectOpt = typer.Option(None, "--subject", help="The subject contains this text, any case (also subject:\"X\").")


def choice(value: str, allowed, option: str) -> str:
    """value when it is one of allowed, else a usage error naming the option and the choices."""
    from archivist.errors import InputError
    names = [str(a) for a in allowed]
    if value not in names:
        raise InputError(f"{option} {value!r} is not one of: {', '.join(names)}")
    return value


def query_filters(query: str, sender, recipient, after, before, mailbox, subject):
    """(query words, filters) from the field syntax in the query and the options (options win)."""
    from archivist.query_syntax import option_filters, query_and_filters
    return query_and_filters(query, option_filters(sender, recipient, after, before, mailbox, subject))
