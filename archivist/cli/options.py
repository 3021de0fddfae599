"""The command line's shared option declarations and their checks: the global options (-d/--db,
--json, --yes) that also work after the command, the filter options of every command that filters
(--from --to --after --before --mailbox --subject; dates read by archivist.dates.parse_date
everywhere), the row limit of every list command (-n/--limit), choice(), query_filters(),
known_mailbox() and the column header of a table on a terminal.
"""
from __future__ import annotations

from typing import Any, Optional

import typer

from archivist.cli.completion import complete_mailbox


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


def limit_option(default: int, what: str = "rows") -> Any:
    """-n/--limit of a list command (search also keeps its -k)."""
    return typer.Option(default, "-n", "--limit", min=1, help=f"How many {what} (at least 1).")


def examples(*lines: str) -> str:
    """A command's help epilog: one example command line per paragraph."""
    return "Examples:\n\n" + "\n\n".join(f"  $ {line}" for line in lines)


FromOpt = typer.Option(None, "--from", help="Sender address ('<x>': exactly x, even without @), @domain or name words "
                                              "(also from:X in the query).")
ToOpt = typer.Option(None, "--to", help="Recipient address ('<x>': exactly x), @domain or name words (also to:X).")
AfterOpt = typer.Option(None, "--after", help="Date, inclusive: 2001-09-19, 9/19/2001, 'Sep 19, 2001' (also after:D).")
BeforeOpt = typer.Option(None, "--before", help="Date, exclusive (also before:D).")
MailboxOpt = typer.Option(None, "--mailbox", autocompletion=complete_mailbox, help="Mailbox, e.g. beck-s (also mailbox:X); one the archive "
                                                  "does not have is an error (see `archivist mailboxes`).")
SubjectOpt = typer.Option(None, "--subject", help="The subject contains this text, any case (also subject:\"X\").")


def choice(value: str, allowed, option: str) -> str:
    """value when it is one of allowed, else a usage error naming the option and the choices."""
    from archivist.errors import InputError
    names = [str(a) for a in allowed]
    if value not in names:
        raise InputError(f"{option} {value!r} is not one of: {', '.join(names)}")
    return value


def query_filters(query: str, sender, recipient, after, before, mailbox, subject,
                  fields_only: bool = False):
    """(query words, filters) from the field syntax in the query and the options (options win);
    `fields_only`: a query of field terms alone is allowed (its words are then "")."""
    from archivist.query_syntax import option_filters, query_and_filters
    return query_and_filters(query, option_filters(sender, recipient, after, before, mailbox, subject),
                             fields_only)


def known_mailbox(store, name: str | None) -> None:
    """An InputError naming a mailbox the archive does not have (`--mailbox nope` would otherwise
    look like a mailbox with nothing in it)."""
    if not name:
        return
    found = store.conn.execute("SELECT 1 FROM locations WHERE mailbox = ? COLLATE NOCASE LIMIT 1",
                               (name.strip(),)).fetchone()
    if not found:
        from archivist.errors import InputError
        raise InputError(f"no mailbox {name!r} in this archive (see `archivist mailboxes`)")


def header(console, *columns: str) -> None:
    """A table's column names, above its rows on a terminal only (piped output stays rows)."""
    if console.is_terminal:
        console.print("  ".join(columns), style="bold", markup=False, highlight=False)
