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
app.add_typer(db_app, name="db")
app.add_typer(index_app, name="index")
app.add_typer(models_app, name="models")

out = Console(soft_wrap=True, highlight=False)
err = Console(stderr=True, highlight=False)

DbOpt = typer.Option(None, "-d", "--db", help="SQLite database (env ARCHIVIST_DB).")
JsonOpt = typer.Option(False, "--json", help="One JSON object per line on stdout.")


class State:
    preset: Optional[str] = None
    overrides: dict[str, Any] = {}


@app.callback()
def main(preset: Optional[str] = typer.Option(None, "--preset", help="cpu | gpu | server | test"),
         llm: Optional[str] = typer.Option(None, "--llm", help="LLM backend: smollm2, transformers, openai, echo"),
         model: Optional[str] = typer.Option(None, "--model", help="Model path, GGUF file or id"),
         base_url: Optional[str] = typer.Option(None, "--base-url", help="OpenAI-compatible server URL"),
         device: Optional[str] = typer.Option(None, "--device", help="auto | cpu | cuda")) -> None:
    """archivist: questions over email archives, record sets and long documents."""
    State.preset = preset
    State.overrides = {"llm": llm, "llm_model": model, "llm_base_url": base_url, "device": device}


def settings(db: Optional[str] = None, **extra: Any) -> Settings:
    return load_settings(State.preset, {**State.overrides, "db": db, **extra})


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
    out.print(str(resolve(settings(db))), markup=False)


@app.command()
def stats(db: Optional[str] = DbOpt, as_json: bool = JsonOpt) -> None:
    """Counts of sources, documents, threads, rejects, chunks and runs."""
    def body():
        with open_store(settings(db), create=False) as store:
            emit(store.stats(), as_json)
    run(body)


if __name__ == "__main__":
    app()
