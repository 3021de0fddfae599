"""`archivist config show|path`: effective settings, where each came from, the config file."""
from __future__ import annotations

import json
from typing import Any, Optional

import typer

from archivist.cli.options import DbOpt, JsonOpt, State, examples
from archivist.cli.root import app, cli_options, emit, err, run, say


config_app = typer.Typer(help="Settings: effective values, their sources, the config file.",
                         no_args_is_help=True,
                         epilog="Examples:\n\n  $ archivist config show\n\n  $ archivist config path")


app.add_typer(config_app, name="config")


def render_setting(row: dict[str, Any]) -> str:
    """One `config show` line: name, value (strings quoted, so empty shows), source, doc, choices."""
    value = json.dumps(row["value"]) if isinstance(row["value"], str) else str(row["value"])
    choices = " | ".join(c or "''" for c in row["choices"])
    doc = f"{row['doc']} ({choices})" if choices else row["doc"]
    return f"{row['name']:<21} {value:<16} {row['source']:<16} {doc}"


@config_app.command("show", epilog=examples("archivist config show", "ARCHIVIST_TOP_K=4 archivist config show --json"))
def config_show(db: Optional[str] = DbOpt, as_json: bool = JsonOpt) -> None:
    """Every setting: effective value, source (default, preset:NAME, config:PATH, env:VAR, cli), doc."""
    def body():
        from archivist.config import explain_settings
        for row in explain_settings(State.preset, cli_options(db)):
            emit(row, True) if as_json else say(render_setting(row))
    run(body)


@config_app.command("path", epilog=examples("archivist config path", "$EDITOR $(archivist config path)"))
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

