"""The `archivist` command line: a thin typer app; the only place errors become exit codes.

Results go to stdout (one JSON object per line with --json), progress and logs to stderr.
"""
from __future__ import annotations

import logging
import sqlite3
import sys
from dataclasses import asdict, is_dataclass
from pathlib import Path
from typing import Any, Optional

import typer
from rich.console import Console
from typer.core import TyperGroup
from rich.markup import escape

from archivist.cli_options import (AfterOpt, BeforeOpt, DbOpt, FromOpt, JsonOpt, MailboxOpt, State,
                                   SubjectOpt, ToOpt, YesOpt, choice, examples, known_mailbox,
                                   query_filters)
from archivist.config import Settings, load_settings
from archivist.errors import ArchivistError
from archivist.progress import Event, Stage
from archivist.sanitise import json_line, terminal as sanitise

USER_HELP = ("Answers questions over email archives, record sets and long documents with local "
             "models, with citations. Results go to stdout (--json: one JSON object per line), "
             "status and progress to stderr. Exit codes: 0 ok, 1 runtime error or no hits, 2 bad "
             "input or usage.")
# the global options that take a value; -d/--db, --json and -y/--yes are options of each command too
GLOBAL_OPTIONS = ("--preset", "--llm", "--model", "--runtime", "--base-url", "--device", "--embedder")


def globals_first(args: list[str]) -> list[str]:
    """args with every global option (and its value) moved before the command, so that
    `archivist search x --llm echo` reads as `archivist --llm echo search x`; nothing after '--'."""
    front, rest, i = [], [], 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest += args[i:]
            break
        if arg in GLOBAL_OPTIONS and i + 1 < len(args):
            front += args[i:i + 2]
            i += 2
            continue
        (front if arg.split("=", 1)[0] in GLOBAL_OPTIONS and "=" in arg else rest).append(arg)
        i += 1
    return front + rest


class GlobalsAnywhere(TyperGroup):
    """The top-level group, reading the global options before or after the command."""

    def parse_args(self, ctx, args: list[str]) -> list[str]:
        return super().parse_args(ctx, globals_first(list(args)))


app = typer.Typer(help=USER_HELP, no_args_is_help=True, add_completion=True, cls=GlobalsAnywhere,
                  context_settings={"help_option_names": ["-h", "--help"]})
db_app = typer.Typer(help="The database file.", no_args_is_help=True,
                     epilog="Examples:\n\n  $ archivist -d enron.db db path")
index_app = typer.Typer(help="Vectors and the FAISS index (a cache rebuilt from SQLite): embed "
                        "(the second pass after ingest --no-embed), rebuild, verify.",
                        no_args_is_help=True,
                        epilog="Examples:\n\n  $ archivist index embed\n\n  $ archivist index verify"
                               "\n\n  $ archivist index rebuild")
models_app = typer.Typer(help="LLM and embedding backends.", no_args_is_help=True,
                         epilog="Examples:\n\n  $ archivist models list --json")
config_app = typer.Typer(help="Settings: effective values, their sources, the config file.",
                         no_args_is_help=True,
                         epilog="Examples:\n\n  $ archivist config show\n\n  $ archivist config path")
app.add_typer(db_app, name="db")
app.add_typer(index_app, name="index")
app.add_typer(models_app, name="models")
app.add_typer(config_app, name="config")

out = Console(soft_wrap=True, highlight=False)
err = Console(stderr=True, highlight=False)

def _version(value: bool) -> None:
    if value:
        from archivist import __version__
        out.print(f"archivist {__version__}", markup=False)
        raise typer.Exit()


@app.callback(epilog=examples("archivist -d mail.db ingest ~/mail/archive.mbox.gz",
                              "archivist -d mail.db ask \"How many emails did Sara send in May 2001?\"",
                              "archivist -d mail.db chat --continue",
                              "archivist --install-completion   (then restart the shell)"))
def main(preset: Optional[str] = typer.Option(None, "--preset", help="cpu | gpu | server | test"),
         llm: Optional[str] = typer.Option(None, "--llm", help="LLM backend: smollm2, transformers, "
                                                               "onnx, openai, echo, llamacpp"),
         model: Optional[str] = typer.Option(None, "--model", help="Model path, GGUF file or id"),
         runtime: Optional[str] = typer.Option(None, "--runtime", help="What runs the smollm2 "
                                               "default: auto | onnx | transformers"),
         base_url: Optional[str] = typer.Option(None, "--base-url", help="OpenAI-compatible server URL"),
         device: Optional[str] = typer.Option(None, "--device", help="auto | cpu | cuda"),
         embedder: Optional[str] = typer.Option(None, "--embedder", help="minilm (default), "
                                                "minilm-static (fast, static) or a model dir"),
         db: Optional[str] = typer.Option(None, "-d", "--db", help="SQLite database, for every command "
                                                                    "(env ARCHIVIST_DB)."),
         as_json: bool = typer.Option(False, "--json", help="JSON output, for every command."),
         yes: bool = typer.Option(False, "-y", "--yes", help="Never ask before long runs."),
         version: bool = typer.Option(False, "--version", "-V", callback=_version, is_eager=True,
                                      help="Print the version and exit.")) -> None:
    """Answers questions over email archives, record sets and long documents, with citations."""
    State.preset, State.db, State.json, State.yes = preset, db, as_json, yes
    install_log_handler()
    State.overrides = {"llm": llm, "llm_model": model, "llm_base_url": base_url, "device": device,
                       "runtime": runtime, "embedder": embedder}


class _SanitisedLog(logging.Handler):
    """Library warnings (e.g. a damaged cache being rebuilt) on stderr through the sanitiser."""

    def emit(self, record: logging.LogRecord) -> None:
        err.print(f"{record.levelname.lower()}: {sanitise(record.getMessage())}", markup=False)


def install_log_handler() -> None:
    log = logging.getLogger("archivist")
    if not any(isinstance(h, _SanitisedLog) for h in log.handlers):
        handler = _SanitisedLog(logging.WARNING)
        log.addHandler(handler)


def cli_options(db: Optional[str] = None, **options: Any) -> dict[str, Any]:
    """The settings given on this command line (None: not given)."""
    return {**State.overrides, "db": db or State.db, **options}


def settings(db: Optional[str] = None, **options: Any) -> Settings:
    return load_settings(State.preset, cli_options(db, **options))


def open_store(cfg: Settings, write: bool = False, create: bool = False):
    """The database: read-only unless the command writes (then behind the single-writer lock)."""
    from archivist.store import Store
    return Store(cfg.db, create=create, readonly=not write, lock_wait=cfg.lock_wait,
                 on_wait=lambda message: err.print(f"note: {sanitise(message)}", markup=False))


def may_write(cfg: Settings) -> bool:
    """Whether a command that only logs (ask) may open the database for writing."""
    import os
    return os.access(cfg.db, os.W_OK) and os.access(Path(cfg.db).resolve().parent, os.W_OK)


def say(text: Any) -> None:
    """Print a result line for people: every character from the data passes the sanitiser."""
    out.print(sanitise(text), markup=False)


def emit(obj: Any, as_json: bool) -> None:
    """Print one result: JSON line or a readable rendering."""
    if is_dataclass(obj):
        obj = asdict(obj)
    if as_json:
        sys.stdout.write(json_line(obj) + "\n")
    elif isinstance(obj, dict):
        for key, value in obj.items():
            if isinstance(value, dict):  # e.g. documents_by_kind: "email 29, record 6"
                value = ", ".join(f"{k} {v}" for k, v in value.items()) or "-"
            out.print(f"[bold]{escape(sanitise(str(key)))}[/bold]: {escape(sanitise(str(value)))}",
                      markup=True)
    else:
        say(obj)


def run(fn):
    """Run a command body and turn archivist errors into messages and exit codes."""
    try:
        return fn()
    except ArchivistError as exc:
        err.print(f"[red]error:[/red] {escape(sanitise(exc))}")
        raise typer.Exit(exc.exit_code)
    except KeyboardInterrupt:
        err.print("interrupted")
        raise typer.Exit(130)
    except sqlite3.DatabaseError as exc:  # e.g. a read-only archive given to a writing command
        err.print(f"[red]error:[/red] database: {escape(sanitise(exc))}")
        raise typer.Exit(1)


@db_app.command("path", epilog=examples("archivist db path", "ARCHIVIST_DB=enron.db archivist db path"))
def db_path(db: Optional[str] = DbOpt) -> None:
    """Print the database path in use."""
    from archivist.config import db_path as resolve
    run(lambda: say(resolve(settings(db))))


@app.command(epilog=examples("archivist -d mail.db stats", "archivist stats --json | jq .documents"))
def stats(db: Optional[str] = DbOpt, as_json: bool = JsonOpt) -> None:
    """Counts of sources, documents, threads, rejects, chunks and runs."""
    def body():
        with open_store(settings(db)) as store:
            emit(store.stats(), as_json)
    run(body)


@app.command(epilog=examples("archivist -d mail.db ingest ~/mail/archive.mbox.gz ~/Maildir",
                             "archivist ingest notes.csv --text-field transcription",
                             "archivist ingest big/ --no-embed --json"))
def ingest(paths: list[Path] = typer.Argument(..., help="Files or directories: mbox(.gz), maildir, "
                                                        "eml, csv/tsv, jsonl, txt/md, pdf."),
           text_field: Optional[str] = typer.Option(None, "--text-field",
                                                    help="Record field holding the text."),
           no_embed: bool = typer.Option(False, "--no-embed", help="Store only; do not embed."),
           follow_links: bool = typer.Option(False, "--follow-links",
                                             help="Follow symbolic links to directories (each "
                                                  "directory is still read once)."),
           db: Optional[str] = DbOpt, as_json: bool = JsonOpt) -> None:
    """Read, deduplicate and store documents, rebuild threads, then embed (unless --no-embed)."""
    def body():
        from archivist.corpus.ingest import ingest_paths
        from archivist.errors import InputError
        from archivist.render import ProgressRenderer, ingest_summary
        cfg = settings(db)
        with open_store(cfg, write=True, create=True) as store, store.writing():
            with ProgressRenderer(err) as show:
                summary = ingest_paths(store, paths, text_field=text_field, on_progress=show,
                                       read_process=cfg.read_process, follow_links=follow_links)
            if summary.read == 0 and summary.skipped == 0:
                raise InputError(f"nothing could be read from {', '.join(map(str, paths))} "
                                 f"({summary.rejected} rejected; see the warnings above)")
            if as_json:
                emit(summary.to_dict(), True)
            else:
                say(ingest_summary(summary.to_dict()))
            embed_store(store, cfg, embed=not no_embed)
    run(body)


def embed_store(store, cfg: Settings, embed: bool = True) -> dict | None:
    """Chunk + FTS (BM25-searchable), then embed new chunks unless `embed` is False (the second
    pass, `archivist index embed`, does it later); skip with a note without the indexer."""
    import importlib.util
    if importlib.util.find_spec("archivist.retrieval.indexer") is None:
        err.print("note: indexing skipped (archivist.retrieval.indexer is not available)")
        return None
    from archivist.render import ProgressRenderer, index_summary
    from archivist.retrieval.indexer import index_store
    with ProgressRenderer(err) as show:
        result = index_store(store, cfg, on_progress=show, embed=embed)
    err.print(sanitise(index_summary(result)), markup=False, soft_wrap=True)
    return result


def coverage(store, cfg: Settings, mode: str) -> dict | None:
    """How much of the store dense search sees, with a note on stderr when some of it is not
    embedded yet (None for --mode bm25)."""
    if mode == "bm25":
        return None
    from archivist.render import coverage_note
    from archivist.retrieval.search import dense_coverage
    cov = dense_coverage(store, cfg)
    if cov["not_embedded"]:
        err.print(coverage_note(cov), markup=False, soft_wrap=True)
    return cov


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
        from archivist.render import ProgressRenderer, render_hit
        from archivist.retrieval.report import describe_hits
        from archivist.retrieval.search import newest, search as run_search
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


@app.command(epilog=examples('archivist ask "Which room is the offsite in?"',
                             'archivist ask "How many emails did maria.chen@northwind-energy.com send in April 2024?"',
                             'archivist ask "Summarise the crane negotiation" --strategy memory --yes',
                             'archivist ask "Who sent the budget?" --json | jq .answer',
                             'archivist ask "How many emails did Maria Chen send the week after Easter 2024?" --explain',
                             'archivist --llm transformers --model ./mamba2 ask "what was decided?" --group thread:doc6',
                             'archivist ask "what did they decide?" --from sam.ortiz@baycrane.com --after 2024-03-01'))
def ask(question: str = typer.Argument(..., help="The question; may hold from:, to:, subject:, "
                                                 "after:, before:, mailbox: terms."),
        strategy: str = typer.Option("auto", "--strategy", help="auto | rag | stuff | memory | query"),
        planner: Optional[str] = typer.Option(None, "--planner", help="rules | llm"),
        sender: Optional[str] = FromOpt, recipient: Optional[str] = ToOpt,
        after: Optional[str] = AfterOpt, before: Optional[str] = BeforeOpt,
        mailbox: Optional[str] = MailboxOpt, subject: Optional[str] = SubjectOpt,
        group: Optional[str] = typer.Option(None, "--group", help="Ask about exactly one thread "
                                            "(thread:docN) or mailbox (mailbox:NAME); answered from its "
                                            "stored SSM state when `archivist memory read` left one."),
        explain: bool = typer.Option(False, "--explain", help="Also print how the question was read: what "
                                     "it asks, each constraint with its role, and every word's use."),
        yes: bool = YesOpt, db: Optional[str] = DbOpt, as_json: bool = JsonOpt) -> None:
    """Answer a question with citations, the strategy used, why, and what it cost.

    The planner picks an exact metadata query, retrieval (rag), the whole scope (stuff) or a
    rolling memory over every document, and escalates when the evidence is missing. A status line
    on stderr shows each step. Constraints the answer could not use are named in it. --json prints
    one object (keys: see the README)."""
    def body():
        from archivist.query_syntax import option_filters
        from archivist.records import AUTO, STRATEGIES
        from archivist.render import ProgressRenderer, render_answer, render_footer
        choice(strategy, (AUTO, *STRATEGIES), "--strategy")
        options = option_filters(sender, recipient, after, before, mailbox, subject)
        cfg = settings(db, planner=planner)
        with open_store(cfg, write=may_write(cfg)) as store:
            # not streamed: the model's draft may fail the grounding check and be replaced
            with ProgressRenderer(err) as show:
                show(Event(Stage.ANALYSING, message="starting the agent"))  # imports take seconds
                from archivist.agent.ask import ask as run_ask
                from archivist.timing import Timings
                result = run_ask(store, cfg, question, strategy=strategy, on_progress=show,
                                 on_token=token_counter(show),
                                 confirm=None if yes else confirmer(show),
                                 override=None if options.is_empty() else options, group=group,
                                 timings=Timings.since_process_start())
            for warning in result.warnings:
                err.print(f"warning: {sanitise(warning)}", markup=False)
            cov = coverage(store, cfg, "hybrid")
            if as_json:
                emit({**result.to_dict(), "not_embedded": cov["not_embedded"]}, True)
                return
            render_answer(out, result.answer)
            say("\n" + render_footer(result))
            if explain:
                from archivist.render import render_plan
                say("\n" + render_plan(result.plan))
    run(body)


def token_counter(show):
    """An on_token sink that counts the answer's pieces on the status line (not printed: the
    answer is shown once, after the grounding check)."""
    from archivist.progress import written
    count = [0]

    def on_token(piece: str) -> None:
        count[0] += 1
        show(written(count[0], "checked before it is shown"))
    return on_token


def confirmer(show=None):
    """A yes/no question on the terminal before a long run; None (go on) when nobody can answer."""
    if not (sys.stdin.isatty() and err.is_terminal):
        return None

    def confirm(message: str) -> bool:
        if show is not None:
            show.pause()
        return typer.confirm(message, default=True, err=True)
    return confirm


@app.command(epilog=examples("archivist chat", "archivist chat --continue", "archivist chat --session 3",
                             "archivist --llm echo chat   (no model: exact answers and quotes only)"))
def chat(resume: bool = typer.Option(False, "--continue", help="Resume the latest session: its "
                                                               "messages, scope, strategy, sources."),
         session_id: Optional[int] = typer.Option(None, "--session", help="Resume session ID "
                                                                         "(see `archivist runs`)."),
         show_draft: bool = typer.Option(False, "--show-draft", help="Stream the model's draft as "
                                         "it is written, before the grounding check (which may "
                                         "replace it); by default the checked answer is shown once."),
         yes: bool = YesOpt, db: Optional[str] = DbOpt) -> None:
    """Interactive questions: checked answers (--show-draft: the model's draft as it streams),
    sources, follow-ups, line editing and history.

    Follow-ups keep the previous scope and intent ("and in June?" after a count). Commands:
    /strategy /sources /filter /reset /help /exit; Ctrl-D leaves, Ctrl-C stops an answer."""
    def body():
        from archivist.render import ProgressRenderer
        cfg = settings(db)
        with ProgressRenderer(err) as show:
            show(Event(Stage.ANALYSING, message="starting the agent"))  # imports take seconds
            from archivist.agent.session import ChatSession
            from archivist.chat import chat_loop, line_reader
        with open_store(cfg, write=True) as store:
            session = ChatSession.open(store, cfg, resume=resume, session_id=session_id)

            def write(text: str) -> None:
                sys.stdout.write(text)
                sys.stdout.flush()
            with ProgressRenderer(err) as show:
                chat_loop(session, line_reader("> "), write, status=show,
                          confirm=None if yes else confirmer(show), show_draft=show_draft)
    run(body)


# the other commands register themselves on app when imported
from archivist import cli_admin, cli_eval, cli_memory, cli_summarize, cli_views  # noqa: E402,F401

if __name__ == "__main__":
    app()
