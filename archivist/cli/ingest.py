"""Getting documents in and indexed: `archivist ingest` and `archivist index embed|rebuild|verify`."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from archivist.cli.options import DbOpt, JsonOpt, examples
from archivist.cli.root import app, emit, err, open_store, run, say, settings
from archivist.config import Settings
from archivist.sanitise import terminal as sanitise


index_app = typer.Typer(help="Vectors and the FAISS index (a cache rebuilt from SQLite): embed "
                        "(the second pass after ingest --no-embed), rebuild, verify.",
                        no_args_is_help=True,
                        epilog="Examples:\n\n  $ archivist index embed\n\n  $ archivist index verify"
                               "\n\n  $ archivist index rebuild")


app.add_typer(index_app, name="index")


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
        from archivist.cli.render import ProgressRenderer, ingest_summary
        from archivist.corpus.ingest import ingest_paths
        from archivist.errors import InputError
        cfg = settings(db)
        with open_store(cfg, write=True, create=True) as store, store.writing():
            with ProgressRenderer(err) as show:
                summary = ingest_paths(store, paths, text_field=text_field, on_progress=show,
                                       read_process=cfg.ingest.read_process, follow_links=follow_links,
                                       keep_history=cfg.ingest.keep_history)
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
    from archivist.cli.render import ProgressRenderer, index_summary
    from archivist.retrieval.indexer import index_store
    with ProgressRenderer(err) as show:
        result = index_store(store, cfg, on_progress=show, embed=embed)
    err.print(sanitise(index_summary(result)), markup=False, soft_wrap=True)
    return result


@index_app.command("rebuild", epilog=examples("archivist index rebuild"))
def index_rebuild(db: Optional[str] = DbOpt, as_json: bool = JsonOpt) -> None:
    """Embed anything missing, then rebuild the FAISS file from the SQLite vectors."""
    def body():
        from archivist.cli.render import ProgressRenderer
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
        from archivist.cli.render import ProgressRenderer, index_summary
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
        from archivist.retrieval.report import check_index
        cfg = settings(db)
        with open_store(cfg) as store:
            report = check_index(store, cfg)
        emit(report, as_json)
        if not report["ok"]:
            raise typer.Exit(1)
    run(body)

