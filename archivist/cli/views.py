"""The corpus at a glance and the run log, as `archivist` commands: senders, mailboxes, threads,
show, runs, runs show. Registered on the root app when archivist.cli is imported (rendering in cli/render.py)."""
from __future__ import annotations

from typing import Optional

import typer

from archivist.cli.options import (
    AfterOpt, BeforeOpt, DbOpt, JsonOpt, MailboxOpt, examples, header, known_mailbox, limit_option
)
from archivist.cli.root import app, emit, err, open_store, out, run, say, settings


runs_app = typer.Typer(help="Past questions and answers (the run log).")
app.add_typer(runs_app, name="runs")


Limit = limit_option(20)
SPAN = f"{'first..last':<22}"  # the header of _span's column


def _span(row: dict) -> str:
    return f"{(row['first_date'] or '?')[:10]}..{(row['last_date'] or '?')[:10]}"


@app.command(epilog=examples("archivist senders -n 10", "archivist senders --mailbox beck-s --after 2001-01-01",
                             "archivist senders --json | jq -r .address"))
def senders(limit: int = Limit, mailbox: Optional[str] = MailboxOpt, after: Optional[str] = AfterOpt,
            before: Optional[str] = BeforeOpt, db: Optional[str] = DbOpt,
            as_json: bool = JsonOpt) -> None:
    """Who sent the most: address, name, documents, first and last date."""
    def body():
        from archivist.errors import ArchivistError
        from archivist.query_syntax import option_filters
        from archivist.store.overview import senders as list_senders
        filters = option_filters(after=after, before=before, mailbox=mailbox)  # dates as in search
        with open_store(settings(db), create=False) as store:
            known_mailbox(store, mailbox)
            rows = list_senders(store, filters, limit)
        if rows and not as_json:
            header(out, f"{'docs':>7}", SPAN, "address (name)")
        for r in rows:
            emit(r, True) if as_json else out.print(
                f"{r['documents']:>7,}  {_span(r)}  {r['address']}"
                + (f" ({r['name']})" if r["name"] and r["name"] != r["address"] else ""), markup=False)
        if not rows:  # like search and grep: nothing found is exit 1
            raise ArchivistError("no senders (no emails in the database, or none match the filters)")
    run(body)


@app.command(epilog=examples("archivist mailboxes", "archivist mailboxes --after 2001-10-01 --json"))
def mailboxes(limit: int = limit_option(200), mailbox: Optional[str] = MailboxOpt,
              after: Optional[str] = AfterOpt, before: Optional[str] = BeforeOpt,
              db: Optional[str] = DbOpt, as_json: bool = JsonOpt) -> None:
    """Mailboxes (maildir users, mbox files): documents, folders, senders, first and last date."""
    def body():
        from archivist.query_syntax import option_filters
        from archivist.store.overview import mailboxes as list_mailboxes
        filters = option_filters(after=after, before=before, mailbox=mailbox)  # as senders and search
        with open_store(settings(db), create=False) as store:
            known_mailbox(store, mailbox)
            rows = list_mailboxes(store, filters, limit)
        if rows and not as_json:
            header(out, f"{'docs':>7}", SPAN, "mailbox")  # the rows name their other counts
        for r in rows:
            emit(r, True) if as_json else out.print(
                f"{r['documents']:>7,}  {_span(r)}  {r['mailbox']:<20} {r['folders']:>3} folders  "
                f"{r['senders']:>5,} senders", markup=False)
        if not rows:
            err.print("no mailboxes (nothing was ingested from an mbox or maildir)")
    run(body)


@runs_app.callback(invoke_without_command=True,
                   epilog=examples("archivist runs", "archivist runs -n 5 --json",
                                   "archivist runs --session 3", "archivist runs show 12"))
def runs(ctx: typer.Context, limit: int = Limit,
         session: Optional[int] = typer.Option(None, "--session", help="Only this chat session."),
         db: Optional[str] = DbOpt, as_json: bool = JsonOpt) -> None:
    """Past questions (ask and chat), newest first: id, time, strategy, cost, question, answer."""
    if ctx.invoked_subcommand is not None:
        return

    def body():
        from archivist.cli.render import render_run_line
        from archivist.store.runs import recent_runs
        with open_store(settings(db), create=False) as store:
            rows = recent_runs(store, limit, session)
        for r in rows:
            emit(r, True) if as_json else out.print(render_run_line(r), markup=False)
        if not rows:
            err.print("no runs yet (ask a question with `archivist ask`)")
    run(body)


@runs_app.command("show", epilog=examples("archivist runs show 12", "archivist runs show 12 --json"))
def runs_show(run_id: int = typer.Argument(..., help="Run id (see `archivist runs`)."),
              db: Optional[str] = DbOpt, as_json: bool = JsonOpt) -> None:
    """One past run: question, answer, strategy and why, escalations, cost, sources."""
    def body():
        from archivist.cli.render import render_run
        from archivist.errors import InputError
        from archivist.store.runs import get_run
        with open_store(settings(db), create=False) as store:
            row = get_run(store, run_id)
        if row is None:
            raise InputError(f"no run {run_id} (see `archivist runs`)")
        emit(row, True) if as_json else out.print(render_run(row), markup=False)
    run(body)


@app.command(epilog=examples("archivist show 42", "archivist show 42 --json"))
def show(doc_id: int = typer.Argument(..., help="Document id (see `archivist threads`)."),
         db: Optional[str] = DbOpt, as_json: bool = JsonOpt) -> None:
    """One document: text, metadata, participants, its thread and every location."""
    def body():
        from archivist.corpus.views import render_document, show_document
        with open_store(settings(db)) as store:
            doc = show_document(store, doc_id)
            if as_json:
                emit(doc, True)
            else:
                say(render_document(doc))
    run(body)


@app.command(epilog=examples("archivist threads -n 10", "archivist threads --mailbox beck-s --after 2001-10-01",
                             "archivist threads --json"))
def threads(limit: int = limit_option(20, "threads"), mailbox: Optional[str] = MailboxOpt,
            after: Optional[str] = AfterOpt, before: Optional[str] = BeforeOpt,
            db: Optional[str] = DbOpt, as_json: bool = JsonOpt) -> None:
    """The largest email threads (with filters: those holding a matching message): id, size, dates,
    subject."""
    def body():
        from archivist.corpus.views import list_threads
        from archivist.query_syntax import option_filters
        filters = option_filters(after=after, before=before, mailbox=mailbox)  # as senders and search
        with open_store(settings(db)) as store:
            known_mailbox(store, mailbox)
            rows = list_threads(store, limit, filters)
            if rows and not as_json:
                header(out, f"{'thread':>7}", f"{'docs':>4}", SPAN, "subject")
            for row in rows:
                if as_json:
                    emit(row, True)
                else:
                    say(f"{row['id']:>7}  {row['n_docs']:>4}  {(row['first_date'] or '')[:10]}"
                              f"..{(row['last_date'] or '')[:10]}  {row['subject'] or ''}")
    run(body)
