"""The root of the `archivist` command line: the typer app with its global options, and what every
command shares: settings from the command line, the store, printing results, errors to exit codes.

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

from archivist.cli import completion
from rich.console import Console
from rich.markup import escape
from typer.core import TyperGroup

from archivist.backends.registry import LLM_NAMES
from archivist.cli.options import State, examples
from archivist.config import Settings, load_settings
from archivist.errors import ArchivistError
from archivist.sanitise import json_line
from archivist.sanitise import terminal as sanitise


USER_HELP = ("Answers questions over email archives, record sets and long documents with local "
             "models, with citations. Results go to stdout (--json: one JSON object per line), "
             "status and progress to stderr. Exit codes: 0 ok, 1 runtime error or no hits, 2 bad "
             "input or usage.")


GLOBAL_OPTIONS = ("--preset", "--llm", "--model", "--runtime", "--base-url", "--device", "--embedder",
                  "--embedder-url")


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


app = typer.Typer(help=USER_HELP, no_args_is_help=True, add_completion=False, cls=GlobalsAnywhere,
                  context_settings={"help_option_names": ["-h", "--help"]})


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
         llm: Optional[str] = typer.Option(None, "--llm", help="LLM backend: " + ", ".join(LLM_NAMES)),
         model: Optional[str] = typer.Option(None, "--model", help="Model path, GGUF file or id"),
         runtime: Optional[str] = typer.Option(None, "--runtime", help="What runs the smollm2 "
                                               "default: auto | onnx | transformers"),
         base_url: Optional[str] = typer.Option(None, "--base-url", help="OpenAI-compatible server URL"),
         device: Optional[str] = typer.Option(None, "--device", help="auto | cpu | cuda"),
         embedder: Optional[str] = typer.Option(None, "--embedder", help="minilm (default), "
                                                "minilm-static (fast, static) or a model dir"),
         embedder_url: Optional[str] = typer.Option(None, "--embedder-url", help="OpenAI-compatible "
                                                    "/v1/embeddings server URL: it embeds"),
         db: Optional[str] = typer.Option(None, "-d", "--db", help="SQLite database, for every command "
                                                                    "(env ARCHIVIST_DB)."),
         as_json: bool = typer.Option(False, "--json", help="JSON output, for every command."),
         yes: bool = typer.Option(False, "-y", "--yes", help="Never ask before long runs."),
         version: bool = typer.Option(False, "--version", "-V", callback=_version, is_eager=True,
                                      help="Print the version and exit."),
         show_completion: Optional[str] = typer.Option(
             None, "--show-completion", metavar="SHELL", callback=completion.show_completion, is_eager=True,
             expose_value=False, help="Print the completion script for bash, zsh, fish or powershell."),
         install_completion: Optional[str] = typer.Option(
             None, "--install-completion", metavar="SHELL", callback=completion.install_completion,
             is_eager=True, expose_value=False, help="Install completion for bash, zsh, fish or powershell.")
         ) -> None:
    """Answers questions over email archives, record sets and long documents, with citations."""
    State.preset, State.db, State.json, State.yes = preset, db, as_json, yes
    install_log_handler()
    State.overrides = {"llm": llm, "llm_model": model, "llm_base_url": base_url, "device": device,
                       "runtime": runtime, "embedder": embedder, "embedder_url": embedder_url}


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
    return Store(cfg.store.db, create=create, readonly=not write, lock_wait=cfg.store.lock_wait,
                 on_wait=lambda message: err.print(f"note: {sanitise(message)}", markup=False))


def may_write(cfg: Settings) -> bool:
    """Whether a command that only logs (ask) may open the database for writing."""
    import os
    db = cfg.store.db
    return os.access(db, os.W_OK) and os.access(Path(db).resolve().parent, os.W_OK)


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


def run(fn, as_json: bool = False):
    """Run a command body and turn archivist errors into messages and exit codes; with --json the
    error is also one JSON object on stdout ({"error", "exit_code"}), so a script reads it there."""
    try:
        return fn()
    except ArchivistError as exc:
        _fail(str(exc), exc.exit_code, as_json)
    except KeyboardInterrupt:
        err.print("interrupted")
        raise typer.Exit(130)
    except sqlite3.DatabaseError as exc:  # e.g. a read-only archive given to a writing command
        _fail(f"database: {exc}", 1, as_json)


def _fail(message: str, code: int, as_json: bool) -> None:
    err.print(f"[red]error:[/red] {escape(sanitise(message))}")
    if as_json or State.json:
        sys.stdout.write(json_line({"error": sanitise(message), "exit_code": code}) + "\n")
    raise typer.Exit(code)

