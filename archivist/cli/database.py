"""The database file as `archivist` commands: db path, stats, verify [--repair], and history (the
last versions of documents edited or deleted at their sources)."""
from __future__ import annotations

from typing import Optional

import typer

from archivist.cli.options import DbOpt, JsonOpt, examples, header, limit_option
from archivist.cli.root import app, emit, err, open_store, out, run, say, settings


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



@app.command(epilog=examples("archivist history", "archivist history -n 5 --json",
                             "archivist history 3"))
def history(version: Optional[int] = typer.Argument(None, help="One kept version whole (its id "
                                                    "in the list)."),
            limit: int = limit_option(20, "versions"), db: Optional[str] = DbOpt,
            as_json: bool = JsonOpt) -> None:
    """Documents edited or deleted at their source, newest removal first: when they left, where
    they were, and (with an id) the whole last version. Kept unless keep_history is off."""
    def body():
        from archivist.errors import InputError
        from archivist.store import history as kept
        with open_store(settings(db), create=False) as store:
            if version is not None:
                row = kept.version(store, version)
                if row is None:
                    raise InputError(f"no kept version {version} (see `archivist history`)")
                emit(row, True) if as_json else say(_render_version(row))
                return
            rows = kept.listing(store, limit)
        if rows and not as_json:
            header(out, f"{'id':>5}", f"{'left':<20}", f"{'date':<10}", "title  (where it was)")
        for r in rows:
            emit(r, True) if as_json else out.print(
                f"{r['id']:>5}  {r['removed_at'][:19]:<20} {(r['date'] or '?')[:10]:<10} "
                f"{r['title'] or '(no title)'}  ({', '.join(r['places'][:2])})", markup=False)
        if not rows:
            err.print("no history (nothing ingested has been edited or deleted at its source)")
    run(body)


def _render_version(row: dict) -> str:
    head = [f"{k}: {row[k]}" for k in ("title", "sender", "date", "removed_at") if row.get(k)]
    head.append("was at: " + ", ".join(row["places"]))
    return "\n".join(head) + "\n\n" + (row.get("body") or "")
