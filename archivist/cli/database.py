"""The database file as `archivist` commands: db path, stats, verify [--repair]."""
from __future__ import annotations

from typing import Optional

import typer

from archivist.cli.options import DbOpt, JsonOpt, examples
from archivist.cli.root import app, emit, err, open_store, run, say, settings


db_app = typer.Typer(help="The database file.", no_args_is_help=True,
                     epilog="Examples:\n\n  $ archivist -d enron.db db path")
app.add_typer(db_app, name="db")


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


@app.command(epilog=examples("archivist verify", "archivist verify --json",
                             "archivist verify --repair"))
def verify(repair: bool = typer.Option(False, "--repair", help="Rebuild what is derived (FTS rows, "
                                       "thread units, chunks, vectors, the FAISS file), then verify."),
           db: Optional[str] = DbOpt, as_json: bool = JsonOpt) -> None:
    """Check the whole store (SQLite integrity, ingest accounting, chunks, FTS, thread units, the
    FAISS file against the SQLite vectors); exit 1 naming each discrepancy."""
    def body():
        from archivist.cli.render import ProgressRenderer
        from archivist.retrieval.integrity import repair_store, verify_store
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

