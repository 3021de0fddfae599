"""`archivist models list`: the LLM backends, their kind and whether they are usable here."""
from __future__ import annotations

import typer

from archivist.cli.options import JsonOpt, examples
from archivist.cli.root import app, emit, run, say, settings


models_app = typer.Typer(help="LLM backends.", no_args_is_help=True,
                         epilog="Examples:\n\n  $ archivist models list --json")


app.add_typer(models_app, name="models")


@models_app.command("list", epilog=examples("archivist models list", "archivist --model ./qwen models list --json"))
def models_list(as_json: bool = JsonOpt) -> None:
    """LLM backends: name, kind, whether usable here, context window, details (nothing loaded)."""
    def body():
        from archivist.backends.registry import list_models
        for row in list_models(settings().model):
            if as_json:
                emit(row, True)
            else:
                mark = "yes" if row["available"] else "no"
                say(f"{row['name']:<13} {row['kind']:<10} available={mark:<4} "
                          f"context={row['context_window'] or '-':<6} {row['details']}")
    run(body)

