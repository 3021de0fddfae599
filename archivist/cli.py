"""The `archivist` command line: a thin typer app; the only place errors become exit codes.

Results go to stdout (one JSON object per line with --json), progress and logs to stderr.
"""
from __future__ import annotations

import json
import sys
from dataclasses import asdict, is_dataclass
from pathlib import Path
from typing import Any, Optional

import typer
from rich.console import Console

from archivist.config import Settings, load_settings
from archivist.errors import ArchivistError

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
    State.overrides = {"llm": llm, "llm_model": model, "llm_base_url": base_url, "device": device}


def cli_options(db: Optional[str] = None, **options: Any) -> dict[str, Any]:
    """The settings given on this command line (None: not given)."""
    return {**State.overrides, "db": db, **options}


def settings(db: Optional[str] = None, **options: Any) -> Settings:
    return load_settings(State.preset, cli_options(db, **options))


def open_store(cfg: Settings, create: bool = True):
    from archivist.store import Store
    return Store(cfg.db, create=create)


def emit(obj: Any, as_json: bool) -> None:
    """Print one result: JSON line or a readable rendering."""
    if is_dataclass(obj):
        obj = asdict(obj)
    if as_json:
        sys.stdout.write(json.dumps(obj, default=str, ensure_ascii=False) + "\n")
    elif isinstance(obj, dict):
        for key, value in obj.items():
            out.print(f"[bold]{key}[/bold]: {value}", markup=True)
    else:
        out.print(str(obj), markup=False)


def run(fn):
    """Run a command body and turn archivist errors into messages and exit codes."""
    try:
        return fn()
    except ArchivistError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(exc.exit_code)
    except KeyboardInterrupt:
        err.print("interrupted")
        raise typer.Exit(130)


@db_app.command("path")
def db_path(db: Optional[str] = DbOpt) -> None:
    """Print the database path in use."""
    from archivist.config import db_path as resolve
    run(lambda: out.print(str(resolve(settings(db))), markup=False))


@app.command()
def stats(db: Optional[str] = DbOpt, as_json: bool = JsonOpt) -> None:
    """Counts of sources, documents, threads, rejects, chunks and runs."""
    def body():
        with open_store(settings(db), create=False) as store:
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
        with open_store(cfg) as store:
            with ProgressRenderer(err) as show:
                summary = ingest_paths(store, paths, text_field=text_field, on_progress=show)
            if summary.read == 0 and summary.skipped == 0:
                raise InputError(f"nothing could be read from {', '.join(map(str, paths))} "
                                 f"({summary.rejected} rejected; see the warnings above)")
            if as_json:
                emit(summary.to_dict(), True)
            else:
                out.print(ingest_summary(summary.to_dict()), markup=False)
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
    err.print(index_summary(result), markup=False, soft_wrap=True)


@app.command()
def show(doc_id: int = typer.Argument(..., help="Document id (see `archivist threads`)."),
         db: Optional[str] = DbOpt, as_json: bool = JsonOpt) -> None:
    """One document: text, metadata, participants, its thread and every location."""
    def body():
        from archivist.corpus.views import render_document, show_document
        with open_store(settings(db), create=False) as store:
            doc = show_document(store, doc_id)
            if as_json:
                emit(doc, True)
            else:
                out.print(render_document(doc), markup=False)
    run(body)


@app.command()
def threads(limit: int = typer.Option(20, "--limit", "-n", help="How many threads."),
            db: Optional[str] = DbOpt, as_json: bool = JsonOpt) -> None:
    """The largest email threads: id, size, dates, subject."""
    def body():
        from archivist.corpus.views import list_threads
        with open_store(settings(db), create=False) as store:
            for row in list_threads(store, limit):
                if as_json:
                    emit(row, True)
                else:
                    out.print(f"{row['id']:>7}  {row['n_docs']:>4}  {(row['first_date'] or '')[:10]}"
                              f"..{(row['last_date'] or '')[:10]}  {row['subject'] or ''}",
                              markup=False)
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
        with open_store(cfg, create=False) as store:
            for row in describe_hits(store, run_search(store, cfg, query, k, filters, mode)):
                emit(row, True) if as_json else out.print(render_hit(row), markup=False)
    run(body)


@index_app.command("rebuild")
def index_rebuild(db: Optional[str] = DbOpt, as_json: bool = JsonOpt) -> None:
    """Embed anything missing, then rebuild the FAISS file from the SQLite vectors."""
    def body():
        from archivist.render import ProgressRenderer
        from archivist.retrieval.report import rebuild_index
        cfg = settings(db)
        with open_store(cfg, create=False) as store:
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
        with open_store(cfg, create=False) as store:
            report = verify_index(store, cfg)
        emit(report, as_json)
        if not report["ok"]:
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
        from archivist.agent.prompts import neutralise
        cfg = settings(db, planner=planner)
        with open_store(cfg, create=False) as store:
            # not streamed: the model's draft may fail the grounding check and be replaced
            result = run_ask(store, cfg, question, strategy=strategy)
            if as_json:
                emit(result.to_dict(), True)
                return
            out.print(neutralise(result.answer), markup=False)
            out.print("\n" + render_footer(result), markup=False)
    run(body)


@app.command()
def chat(resume: bool = typer.Option(False, "--continue", help="Resume the latest session."),
         db: Optional[str] = DbOpt) -> None:
    """Interactive questions: streamed answers, sources, /strategy /sources /filter /reset /quit."""
    def body():
        from archivist.agent.session import ChatSession
        from archivist.chat import chat_loop
        cfg = settings(db)
        with open_store(cfg, create=False) as store:
            session = ChatSession.open(store, cfg, resume=resume)

            def write(text: str) -> None:
                sys.stdout.write(text)
                sys.stdout.flush()
            chat_loop(session, lambda: input("> "), write)
    run(body)


@app.command()
def summarize(by: str = typer.Option("thread", "--by", help="thread | mailbox | sender | month | corpus "
                                                           "| field:NAME (record sets)"),
              sender: Optional[str] = typer.Option(None, "--from", help="Sender address or name."),
              recipient: Optional[str] = typer.Option(None, "--to", help="Recipient address or name."),
              after: Optional[str] = typer.Option(None, "--after", help="ISO date, inclusive."),
              before: Optional[str] = typer.Option(None, "--before", help="ISO date, exclusive."),
              mailbox: Optional[str] = typer.Option(None, "--mailbox", help="Mailbox, e.g. beck-s."),
              out_file: Optional[Path] = typer.Option(None, "--out", help="Write the Markdown here."),
              limit: Optional[int] = typer.Option(None, "--limit", min=1, help="Only the N largest groups."),
              concurrency: Optional[int] = typer.Option(None, "--concurrency", min=1,
                                                        help="Model calls in flight (servers)."),
              db: Optional[str] = DbOpt, as_json: bool = JsonOpt) -> None:
    """Cited summaries of threads and of the groups above them, stored and incremental.

    Example: archivist summarize --by mailbox --out summary.md"""
    def body():
        from archivist.agent.summarize import summarize as run_summarize
        from archivist.records import Filters
        from archivist.render import ProgressRenderer
        from archivist.store.runs import log_run
        cfg = settings(db, concurrency=concurrency)
        filters = Filters(sender=sender, recipient=recipient, after=after, before=before, mailbox=mailbox)
        with open_store(cfg, create=False) as store:
            with ProgressRenderer(err) as show:
                result = run_summarize(store, cfg, by, filters, limit, on_progress=show)
            text, totals = result.markdown(), result.totals()
            log_run(store, "summarize", {"question": f"summarize --by {by}", "strategy": "summarize",
                                         "answer": text, "tokens_in": totals["tokens_in"],
                                         "tokens_out": totals["tokens_out"], "seconds": totals["seconds"],
                                         "model": totals["model"]}, cfg)
        if out_file is not None:
            out_file.write_text(text)
            err.print(f"wrote {out_file}", markup=False)
        if as_json:
            for s in result.top:
                emit({**json.loads(s.to_json()), "reused": s.reused}, True)
            emit({"totals": totals}, True)
        elif out_file is None:
            sys.stdout.write(text)
        err.print(_summary_line(totals), markup=False)
    run(body)


def _summary_line(t: dict) -> str:
    checked = t["sentences_checked"]
    share = f"{t['sentences_passed']}/{checked} model sentences grounded" if checked else "no model sentences"
    return (f"{t['groups']} groups ({t['computed']} computed, {t['reused']} reused), {t['llm_calls']} "
            f"model calls, {t['tokens_in']} tokens read, {share}, {t['seconds']:.1f}s")


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
                out.print(f"{row['name']:<13} {row['kind']:<10} available={mark:<4} "
                          f"context={row['context_window'] or '-':<6} {row['details']}", markup=False)
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
            emit(row, True) if as_json else out.print(render_setting(row), markup=False)
    run(body)


@config_app.command("path")
def config_file_path() -> None:
    """Print the config file in use: $ARCHIVIST_CONFIG, else $XDG_CONFIG_HOME/archivist/config.toml."""
    from archivist.config import config_path
    path = config_path()
    if path is None:
        err.print("no config file (ARCHIVIST_CONFIG is set but empty)")
        return
    out.print(str(path), markup=False)
    if not path.exists():
        err.print("note: the file does not exist")


if __name__ == "__main__":
    app()
