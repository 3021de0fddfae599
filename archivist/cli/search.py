"""`archivist search`: hybrid search with filters, no hits as exit code 1 (like grep)."""
from __future__ import annotations

from typing import Optional

import typer

from archivist.cli.options import (
    AfterOpt, BeforeOpt, DbOpt, FromOpt, JsonOpt, MailboxOpt, SubjectOpt, ToOpt, choice, examples, known_mailbox,
    query_filters
)
from archivist.cli.root import app, emit, err, open_store, out, run, settings
from archivist.config import Settings
from archivist.progress import Event, Stage
from archivist.sanitise import terminal as sanitise


@app.command(epilog=examples('archivist search "crane price" -k 3',
                             'archivist search "gas prices from:vince.kaminski@enron.com after:2001-05-01"',
                             'archivist search budget --mailbox beck-s --mode bm25 --json',
                             'archivist search invoice --kind attachment --attachment-type pdf'))
def search(query: str = typer.Argument(..., help="What to look for; may hold from:, to:, subject:, "
                                                 "after:, before:, mailbox: terms."),
           k: int = typer.Option(8, "-k", "-n", "--limit", min=1,
                                 help="How many documents (at least 1)."),
           sender: Optional[str] = FromOpt, recipient: Optional[str] = ToOpt,
           after: Optional[str] = AfterOpt, before: Optional[str] = BeforeOpt,
           mailbox: Optional[str] = MailboxOpt, subject: Optional[str] = SubjectOpt,
           kind: Optional[str] = typer.Option(None, "--kind", help="email | record | text | pdf | "
                                              "attachment"),
           has_attachment: bool = typer.Option(False, "--has-attachment",
                                               help="Only messages with an attachment."),
           attachment_type: Optional[str] = typer.Option(
               None, "--attachment-type", help="Only messages with an attachment of this type "
               "(pdf, docx, csv, email, image, or a file extension)."),
           mode: str = typer.Option("hybrid", "--mode", help="hybrid | dense | bm25"),
           db: Optional[str] = DbOpt, as_json: bool = JsonOpt) -> None:
    """Hybrid (dense + BM25) search over the indexed chunks, filters applied inside both.

    Snippets are centred on the query's words (highlighted on a terminal). No hits: a message
    on stderr and exit code 1, like grep."""
    def body():
        from archivist.errors import InputError
        from archivist.query_syntax import EMPTY_SEARCH
        from archivist.records import ANY_ATTACHMENT, DocKind, SearchMode
        choice(mode, SearchMode, "--mode")
        cfg = settings(db)
        if mode != "bm25":  # the embedder and FAISS file load on other threads while the
            from archivist.retrieval.query_embed import start  # modules below import
            start(cfg)
        from archivist.cli.render import ProgressRenderer, render_hit
        from archivist.retrieval.report import describe_hits
        from archivist.retrieval.search import newest
        from archivist.retrieval.search import search as run_search
        if kind:
            choice(kind, DocKind, "--kind")
        words, filters = query_filters(query, sender, recipient, after, before, mailbox, subject,
                                       fields_only=True)
        filters.kind = kind or filters.kind
        filters.has_attachment = attachment_type or (ANY_ATTACHMENT if has_attachment else None)
        if not words and filters.is_empty():
            raise InputError(EMPTY_SEARCH)
        with open_store(cfg, create=False) as store:
            known_mailbox(store, filters.mailbox)
            with ProgressRenderer(err) as show:
                show(Event(Stage.SEARCHING, message=f"{mode} search for {words!r}" if words else
                           "listing the newest matches of the filters"))
                found = run_search(store, cfg, words, k, filters, mode, floor=True) if words else newest(
                    store, filters, k)
                hits = describe_hits(store, found, words, filters, ranked=bool(words))
            cov = coverage(store, cfg, mode) if words else None
            shared = shared_subject_note(store, words, filters) if hits and words else None
            for row in hits:
                if cov and cov["not_embedded"]:
                    row["not_embedded"] = cov["not_embedded"]  # chunks dense search cannot see
                emit(row, True) if as_json else out.print(render_hit(row))
        if shared:
            err.print(shared, markup=False, soft_wrap=True)
        if not hits:
            what = f"no hits for {words!r}" if words else "no messages match"
            err.print(what + ("" if filters.is_empty() else " within the filters"), markup=False)
            raise typer.Exit(1)
    run(body)


def shared_subject_note(store, words: str, filters) -> str | None:
    """A note when the query is a subject several threads share (which one is meant, the query
    cannot tell: they are ranked by search order)."""
    from archivist.retrieval.fts import shared_subject
    found = shared_subject(store, words, filters)
    if not found:
        return None
    subject, threads = found
    return (f"note: {threads} threads share the subject {sanitise(subject)!r}; they are ranked by "
            "how well they match, not by which one you mean: add from:, to: or after: to narrow")


def coverage(store, cfg: Settings, mode: str) -> dict | None:
    """How much of the store dense search sees, with a note on stderr when some of it is not
    embedded yet (None for --mode bm25)."""
    if mode == "bm25":
        return None
    from archivist.cli.render import coverage_note
    from archivist.retrieval.search import dense_coverage
    cov = dense_coverage(store, cfg)
    if cov["not_embedded"]:
        err.print(coverage_note(cov), markup=False, soft_wrap=True)
    return cov

