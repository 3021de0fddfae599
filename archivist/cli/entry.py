"""The `archivist` command (and `python -m archivist`).

People run `archivist search` the way they run `rg`, many times a minute, so a hybrid search
starts its two slow loads (the query embedder and the FAISS file, on other threads) before the
CLI's own imports instead of after them. Only the plain form `archivist [-d DB] search ...` is
recognised here; anything this cannot read is left to the CLI, which loads them anyway.
"""
from __future__ import annotations

import os
import sys


def _option(args: list[str], names: tuple[str, ...]) -> str | None:
    for i, arg in enumerate(args):
        for name in names:
            if arg == name and i + 1 < len(args):
                return args[i + 1]
            if name.startswith("--") and arg.startswith(name + "="):
                return arg.split("=", 1)[1]
    return None


def start_search_loads(args: list[str]) -> None:
    """Preload the embedder and prefetch the FAISS file for `search` (best effort: never fails)."""
    at = args.index("search") if "search" in args else -1
    head = args[:at]
    plain = at >= 0 and (not head or (len(head) == 2 and head[0] in ("-d", "--db"))
                         or (len(head) == 1 and head[0].startswith("--db=")))
    if not plain:
        return  # other global options (--preset, --embedder ...) may change what is loaded
    if {"-h", "--help"} & set(args) or _option(args, ("--mode",)) == "bm25":
        return
    try:
        from archivist.config import db_path, load_settings
        from archivist.retrieval import query_embed
        from archivist.retrieval.faiss_meta import faiss_file
        db = _option(args, ("-d", "--db"))
        settings = load_settings(None, {"db": db} if db else {})
        if os.path.exists(faiss_file(db_path(settings))):  # vectors exist: the search wants both
            query_embed.start(settings)
    except Exception:  # a bad config or path: the CLI reports it properly
        return


# commands whose arguments are text to search or ask, not file names (which may be any bytes,
# as ingest's may: its paths come first when a directory is named 'search')
_TEXT_COMMANDS = {"search", "ask"}


def undecodable_text(args: list[str]) -> str | None:
    """The first argument of a text command that is not valid UTF-8 (the shell passed bytes that
    Python could only keep as surrogates), else None."""
    command = next((a for a in args if a in _TEXT_COMMANDS or a == "ingest"), None)
    if command is None or command == "ingest":
        return None
    for arg in args[args.index(command) + 1:]:
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            return arg
    return None


INTERRUPTED = 130  # the shell's code for a command stopped by Ctrl-C (128 + SIGINT)


def main() -> None:
    bad = undecodable_text(sys.argv[1:])
    if bad is not None:  # a traceback later, in the search or the terminal: say it now
        shown = bad.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        sys.stderr.write(f"error: an argument is not valid UTF-8 text: {shown!r}\n")
        sys.exit(2)
    start_search_loads(sys.argv[1:])
    from archivist.cli import app
    try:
        app()
    except SystemExit as exc:
        if exc.code == INTERRUPTED:
            leave_now()
        raise


def leave_now() -> None:
    """End an interrupted command here. The command has already closed its store (a write in
    progress rolled back, so the store is as it was before that transaction); what is left
    are threads inside native code (the model's generate, torch's and ONNX Runtime's pools) that
    a normal interpreter exit tears down under them: "terminate called without an active
    exception", SIGABRT, exit 134. Skipping that teardown is the clean stop."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more to say
            pass
    os._exit(INTERRUPTED)


if __name__ == "__main__":
    main()
