"""The `archivist` command line, the only code that prints, draws progress and maps errors to exit
codes. One module per command group, each registering its commands on the root app when imported:

root       the app, its global options, and what every command shares (settings, store, emit, run)
options    the options commands share (--db, --json, filters) and the global state they fall back to
database   db path, stats, verify            ingest    ingest, index embed|rebuild|verify
search     search                             ask       ask
chat       chat (the terminal loop)           views     senders, mailboxes, threads, show, runs
summarize  summarize                          memory    memory read
eval       eval run|report                    models    models list
configure  config show|path                   render    terminal rendering (rich) of results
entry      the console script: fast paths before the app is imported
"""
from archivist.cli import (  # noqa: F401
    ask, chat, configure, database, eval, ingest, memory, models, search, summarize, views
)
from archivist.cli.root import app


__all__ = ["app"]
