"""The `archivist` command line: a thin typer app; the only place errors become exit codes.

Results go to stdout (one JSON object per line with --json), progress and logs to stderr.
"""
from __future__ import annotations

import json
import logging
import sqlite3
import sys
from dataclasses import asdict, is_dataclass
from pathlib import Path
from typing import Any, Optional

import typer
from rich.console import Console
from rich.markup import escape

from archivist.config import Settings, load_settings
from archivist.errors import ArchivistError
from archivist.sanitise import json_line, neutralise, terminal as sanitise

app = typer.Typer(help=__doc__, no_args_is_help=True, add_completion=False,
                  context_settings={"help_option_names": ["-h", "--help"]})
db_app = typer.Typer(help="The database file.", no_args_is_help=True)
index_app = typer.Typer(help="The FAISS vector index (a cache rebuilt from SQLite).",
                        no_args_is_help=True)
models_app = typer.Typer(help="LLM and embedding backends.", no_args_is_help=True)
config_app = typer.Typer(help="Settings: effective values, their sources, the config file.",
                         no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(index_app, name="index")
app.add_typer(models_app, name="models")
app.add_typer(config_app, name="config")

out = Console(soft_wrap=True, highlight=False)
err = Console(stderr=True, highlight=False)

DbOpt = typer.Option(None, "-d", "--db", help="SQLite database (env ARCHIVIST_DB).")
JsonOpt = typer.Option(False, "--json", help="One JSON object per line on stdout.")


class State:
    preset: Optional[str] = None
    overrides: dict[str, Any] = {}


@app.callback()
def main(preset: Optional[str] = typer.Option(None, "--preset", help="cpu | gpu | server | test"),
         llm: Optional[str] = typer.Option(None, "--llm", help="LLM backend: smollm2, transformers, "
                                                               "openai, echo, llamacpp"),
         model: Optional[str] = typer.Option(None, "--model", help="Model path, GGUF file or id"),
         base_url: Optional[str] = typer.Option(None, "--base-url", help="OpenAI-compatible server URL"),
         device: Optional[str] = typer.Option(None, "--device", help="auto | cpu | cuda")) -> None:
    """archivist: questions over email archives, record sets and long documents."""
    State.preset = preset
    install_log_handler()
    State.overrides = {"llm": llm, "llm_model": model, "llm_base_url": base_url, "device": device}


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
    return {**State.overrides, "db": db, **options}


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
            say(f"{key}: {value}")
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


@db_app.command("path")
def db_path(db: Optional[str] = DbOpt) -> None:
    """Print the database path in use."""
    from archivist.config import db_path as resolve
    run(lambda: say(resolve(settings(db))))


@app.command()
def stats(db: Optional[str] = DbOpt, as_json: bool = JsonOpt) -> None:
    """Counts of sources, documents, threads, rejects, chunks and runs."""
    def body():
        with open_store(settings(db)) as store:
            emit(store.stats(), as_json)
    run(body)


@app.command()
def ingest(paths: list[Path] = typer.Argument(..., help="Files or directories: mbox(.gz), maildir, "
                                                        "eml, csv/tsv, jsonl, txt/md, pdf."),
           text_field: Optional[str] = typer.Option(None, "--text-field",
                                                    help="Record field holding the text."),
           no_embed: bool = typer.Option(False, "--no-embed", help="Store only; do not embed."),
           db: Optional[str] = DbOpt, as_json: bool = JsonOpt) -> None:
    """Read, deduplicate and store documents, rebuild threads, then embed (unless --no-embed)."""
    def body():
        from archivist.corpus.ingest import ingest_paths
        from archivist.errors import InputError
        from archivist.render import ProgressRenderer, ingest_summary
        cfg = settings(db)
        with open_store(cfg, write=True, create=True) as store, store.writing():
            with ProgressRenderer(err) as show:
                summary = ingest_paths(store, paths, text_field=text_field, on_progress=show)
            if summary.read == 0 and summary.skipped == 0:
                raise InputError(f"nothing could be read from {', '.join(map(str, paths))} "
                                 f"({summary.rejected} rejected; see the warnings above)")
            if as_json:
                emit(summary.to_dict(), True)
            else:
                say(ingest_summary(summary.to_dict()))
            if not no_embed:
                embed_store(store, cfg)
    run(body)


def embed_store(store, cfg: Settings) -> None:
    """Embed new chunks when the retrieval indexer is installed; skip with a note otherwise."""
    import importlib.util
    if importlib.util.find_spec("archivist.retrieval.indexer") is None:
        err.print("note: embedding skipped (archivist.retrieval.indexer is not available)")
        return
    from archivist.render import ProgressRenderer, index_summary
    from archivist.retrieval.indexer import index_store
    with ProgressRenderer(err) as show:
        result = index_store(store, cfg, on_progress=show)
    err.print(sanitise(index_summary(result)), markup=False, soft_wrap=True)


@app.command()
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


@app.command()
def threads(limit: int = typer.Option(20, "--limit", "-n", help="How many threads."),
            db: Optional[str] = DbOpt, as_json: bool = JsonOpt) -> None:
    """The largest email threads: id, size, dates, subject."""
    def body():
        from archivist.corpus.views import list_threads
        with open_store(settings(db)) as store:
            for row in list_threads(store, limit):
                if as_json:
                    emit(row, True)
                else:
                    say(f"{row['id']:>7}  {row['n_docs']:>4}  {(row['first_date'] or '')[:10]}"
                              f"..{(row['last_date'] or '')[:10]}  {row['subject'] or ''}")
    run(body)


@app.command()
def search(query: str = typer.Argument(..., help="What to look for."),
           k: int = typer.Option(8, "-k", help="How many documents."),
           sender: Optional[str] = typer.Option(None, "--from", help="Sender address or name."),
           recipient: Optional[str] = typer.Option(None, "--to", help="Recipient address or name."),
           after: Optional[str] = typer.Option(None, "--after", help="ISO date, inclusive."),
           before: Optional[str] = typer.Option(None, "--before", help="ISO date, exclusive."),
           mailbox: Optional[str] = typer.Option(None, "--mailbox", help="Mailbox, e.g. beck-s."),
           mode: str = typer.Option("hybrid", "--mode", help="hybrid | dense | bm25"),
           db: Optional[str] = DbOpt, as_json: bool = JsonOpt) -> None:
    """Hybrid (dense + BM25) search over the indexed chunks, filters applied inside both."""
    def body():
        from archivist.retrieval.report import describe_hits, render_hit
        from archivist.retrieval.search import search as run_search
        from archivist.records import Filters
        cfg = settings(db)
        filters = Filters(sender=sender, recipient=recipient, after=after, before=before,
                          mailbox=mailbox)
        with open_store(cfg) as store:
            for row in describe_hits(store, run_search(store, cfg, query, k, filters, mode)):
                emit(row, True) if as_json else say(render_hit(row))
    run(body)


@index_app.command("rebuild")
def index_rebuild(db: Optional[str] = DbOpt, as_json: bool = JsonOpt) -> None:
    """Embed anything missing, then rebuild the FAISS file from the SQLite vectors."""
    def body():
        from archivist.render import ProgressRenderer
        from archivist.retrieval.report import rebuild_index
        cfg = settings(db)
        with open_store(cfg, write=True) as store:
            with ProgressRenderer(err) as show:
                result = rebuild_index(store, cfg, on_progress=show)
            emit(result, as_json)
    run(body)


@index_app.command("verify")
def index_verify(db: Optional[str] = DbOpt, as_json: bool = JsonOpt) -> None:
    """Check that chunks, vectors, FTS rows and the FAISS file agree; exit 1 when they do not."""
    def body():
        from archivist.retrieval.report import verify_index
        cfg = settings(db)
        with open_store(cfg) as store:
            report = verify_index(store, cfg)
        emit(report, as_json)
        if not report["ok"]:
            raise typer.Exit(1)
    run(body)


@app.command()
def verify(repair: bool = typer.Option(False, "--repair", help="Rebuild what is derived (FTS rows, "
                                       "thread units, chunks, vectors, the FAISS file), then verify."),
           db: Optional[str] = DbOpt, as_json: bool = JsonOpt) -> None:
    """Check the whole store (SQLite integrity, ingest accounting, chunks, FTS, thread units, the
    FAISS file against the SQLite vectors); exit 1 naming each discrepancy."""
    def body():
        from archivist.render import ProgressRenderer
        from archivist.retrieval.verify import repair_store, verify_store
        cfg = settings(db)
        with open_store(cfg, write=repair) as store:
            if repair:
                with ProgressRenderer(err) as show:
                    report = repair_store(store, cfg, on_progress=show)
            else:
                report = verify_store(store, cfg)
        if as_json:
            emit(report.to_dict(), True)
        else:
            say(f"{'ok' if report.ok else 'PROBLEMS'}: " + ", ".join(
                f"{k} {v}" for k, v in report.counts.items()))
            for line in report.repaired:
                say(f"repaired: {line}")
            for line in report.problems:
                say(f"problem: {line}")
        if not report.ok:
            raise typer.Exit(1)
    run(body)


@app.command()
def ask(question: str = typer.Argument(..., help="The question."),
        strategy: str = typer.Option("auto", "--strategy", help="auto | rag | stuff | memory | query"),
        planner: Optional[str] = typer.Option(None, "--planner", help="rules | llm"),
        db: Optional[str] = DbOpt, as_json: bool = JsonOpt) -> None:
    """Answer a question with citations; the planner picks rag, stuff, memory or query and says why.

    --json prints one object (schema: archivist.agent.ask.ASK_JSON_SCHEMA)."""
    def body():
        from archivist.agent.ask import ask as run_ask
        from archivist.render import render_footer
        cfg = settings(db, planner=planner)
        with open_store(cfg, write=may_write(cfg)) as store:
            # not streamed: the model's draft may fail the grounding check and be replaced
            result = run_ask(store, cfg, question, strategy=strategy)
            if as_json:
                emit(result.to_dict(), True)
                return
            say(neutralise(result.answer))
            say("\n" + render_footer(result))
    run(body)


@app.command()
def chat(resume: bool = typer.Option(False, "--continue", help="Resume the latest session."),
         db: Optional[str] = DbOpt) -> None:
    """Interactive questions: streamed answers, sources, /strategy /sources /filter /reset /quit."""
    def body():
        from archivist.agent.session import ChatSession
        from archivist.chat import chat_loop
        cfg = settings(db)
        with open_store(cfg, write=True) as store:
            session = ChatSession.open(store, cfg, resume=resume)

            def write(text: str) -> None:
                sys.stdout.write(text)
                sys.stdout.flush()
            chat_loop(session, lambda: input("> "), write)
    run(body)


@models_app.command("list")
def models_list(as_json: bool = JsonOpt) -> None:
    """LLM backends: name, kind, whether usable here, context window, details (nothing loaded)."""
    def body():
        from archivist.backends.registry import list_models
        for row in list_models(settings()):
            if as_json:
                emit(row, True)
            else:
                mark = "yes" if row["available"] else "no"
                say(f"{row['name']:<13} {row['kind']:<10} available={mark:<4} "
                          f"context={row['context_window'] or '-':<6} {row['details']}")
    run(body)


def render_setting(row: dict[str, Any]) -> str:
    """One `config show` line: name, value (strings quoted, so empty shows), source, doc, choices."""
    value = json.dumps(row["value"]) if isinstance(row["value"], str) else str(row["value"])
    choices = " | ".join(c or "''" for c in row["choices"])
    doc = f"{row['doc']} ({choices})" if choices else row["doc"]
    return f"{row['name']:<21} {value:<16} {row['source']:<16} {doc}"


@config_app.command("show")
def config_show(db: Optional[str] = DbOpt, as_json: bool = JsonOpt) -> None:
    """Every setting: effective value, source (default, preset:NAME, config:PATH, env:VAR, cli), doc."""
    def body():
        from archivist.config import explain_settings
        for row in explain_settings(State.preset, cli_options(db)):
            emit(row, True) if as_json else say(render_setting(row))
    run(body)


@config_app.command("path")
def config_file_path() -> None:
    """Print the config file in use: $ARCHIVIST_CONFIG, else $XDG_CONFIG_HOME/archivist/config.toml."""
    from archivist.config import config_path
    path = config_path()
    if path is None:
        err.print("no config file (ARCHIVIST_CONFIG is set but empty)")
        return
    say(str(path))
    if not path.exists():
        err.print("note: the file does not exist")


if __name__ == "__main__":
    app()
