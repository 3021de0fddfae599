"""Store and setup commands of `archivist`: index embed/rebuild/verify, verify [--repair], models list,
config show/path. Registered on cli.app when archivist.cli is imported."""
from __future__ import annotations

import json
from typing import Any, Optional

import typer

from archivist.cli import (DbOpt, JsonOpt, State, app, cli_options, config_app, emit, err, examples,
                           index_app, models_app, open_store, run, say, settings)


@index_app.command("rebuild", epilog=examples("archivist index rebuild"))
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


@index_app.command("embed", epilog=examples("archivist ingest ~/mail --no-embed && archivist index embed",
                                             "archivist index embed --json"))
def index_embed(db: Optional[str] = DbOpt, as_json: bool = JsonOpt) -> None:
    """Embed every chunk that has no vector yet (the second pass after `ingest --no-embed`), then
    refresh the FAISS file. Resumable: vectors are committed in batches, so a killed or
    interrupted run loses at most one batch and the next run goes on from there; search works
    meanwhile (BM25 on everything, dense on what is embedded)."""
    def body():
        from archivist.render import ProgressRenderer, index_summary
        from archivist.retrieval.indexer import embed_store
        cfg = settings(db)
        with open_store(cfg, write=True) as store:
            with ProgressRenderer(err) as show:
                result = embed_store(store, cfg, on_progress=show)
            if as_json:
                emit(result, True)
            else:
                say(index_summary(result))
    run(body)


@index_app.command("verify", epilog=examples("archivist index verify --json"))
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


@app.command(epilog=examples("archivist verify", "archivist verify --json",
                             "archivist verify --repair"))
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


@models_app.command("list", epilog=examples("archivist models list", "archivist --model ./qwen models list --json"))
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
