"""The terminal chat loop and its slash commands; answers are shown through cli/render.py.
The `archivist chat` command is at the end.
Everything shown passes archivist.sanitise (no live links, no terminal escapes from document text).

Line editing and history come from readline (history file: $XDG_STATE_HOME/archivist/
chat_history). Each turn shows a status line on stderr (planning, searching, reading N
documents, the tokens the model has written, ...) and then the answer once, after the grounding
check: a model's draft can fail it and be replaced, and a draft shown and then taken back is worse
than a short wait. `show_draft` (`chat --show-draft`) streams the draft as it is written instead,
marking it as replaced when the check replaces it.
"""
from __future__ import annotations

import os
import sys
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Optional

import typer

if TYPE_CHECKING:  # the agent loads in ~1 s: only `chat` itself imports it, not every command
    from archivist.agent.session import ChatSession
from archivist.cli.ask import confirmer
from archivist.cli.options import DbOpt, YesOpt, examples
from archivist.cli.render import format_sources, print_answer
from archivist.cli.root import app, err, open_store, run, settings
from archivist.errors import ArchivistError
from archivist.progress import Event, OnProgress, Stage, written
from archivist.records import AUTO, STRATEGIES
from archivist.sanitise import neutralise, terminal


HELP = ("commands: /strategy auto|rag|stuff|memory|query, /sources, "
        "/filter key=value ... (sender, recipient, after, before, mailbox, thread_id, kind, subject, has_attachment) | /filter clear, "
        "/reset, /clear (or clear), /help, /exit (or Ctrl-D)")
EXIT_WORDS = {"exit", "quit", "bye", ":q", "/exit", "/quit", "/q"}
CLEAR_WORDS = {"clear", "cls", "/clear"}  # as in a shell: the screen, never a question


def command(session: ChatSession, line: str) -> tuple[bool, str]:
    """(keep going, text to show) for a slash command."""
    name, *args = line.strip().split()
    if name in EXIT_WORDS:
        return False, "bye"
    if name == "/strategy":
        if not args or args[0] not in (AUTO, *STRATEGIES):
            return True, f"strategy is {session.strategy}; choose auto, {', '.join(STRATEGIES)}"
        session.set_strategy(args[0])
        return True, f"strategy set to {session.strategy}"
    if name == "/sources":
        return True, format_sources(session.last)
    if name == "/filter":
        return True, _filter(session, args)
    if name == "/reset":
        session.reset()
        return True, "conversation reset"
    return True, HELP


def _filter(session: ChatSession, args: list[str]) -> str:
    if not args:
        return f"filters: {_filters_text(session.override) or 'none'}"
    try:
        from archivist.agent.session import parse_filter
        session.set_filters(None if args == ["clear"] else parse_filter(args))
    except ValueError as exc:
        return str(exc)
    return f"filters: {_filters_text(session.override) or 'cleared'}"


def _filters_text(filters) -> str:
    """The filters set, as /filter takes them (key=value ...)."""
    if not filters:
        return ""
    return " ".join(f"{k}={v}" for k, v in asdict(filters).items() if v not in (None, "", [], ()))


def history_path() -> Path:
    state = os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
    return Path(state) / "archivist" / "chat_history"


def line_reader(prompt: str = "> ") -> Callable[[], str]:
    """input() with readline editing and a persistent history on a terminal (piped questions are
    neither edited nor recorded). Bytes that are not UTF-8 arrive as surrogates (chat_loop names
    and skips such a line) instead of ending the session with a UnicodeDecodeError."""
    if hasattr(sys.stdin, "reconfigure"):
        sys.stdin.reconfigure(errors="surrogateescape")
    if not sys.stdin.isatty():
        return lambda: input(prompt)
    try:
        import readline
    except ImportError:  # Windows without pyreadline: plain input
        return lambda: input(prompt)
    path = history_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(exist_ok=True)  # append_history_file needs the file
        readline.read_history_file(path)
    except OSError:
        path = None
    readline.set_history_length(1000)

    def read() -> str:
        line = input(prompt)
        if path is not None and line.strip():
            try:
                readline.append_history_file(1, path)
            except OSError:
                pass
        return line
    return read


def is_utf8(text: str) -> bool:
    """False for a line holding bytes that did not decode (surrogates from surrogateescape)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class Turn:
    """One answer on screen: status events go to `status`; the model's tokens are streamed when
    `show_draft`, else counted on the status line (the checked answer is printed once, after);
    a status event after streamed text starts on a fresh line."""

    def __init__(self, write: Callable[[str], None], status: OnProgress | None = None,
                 show_draft: bool = False):
        self.write, self.status, self.show_draft = write, status, show_draft
        self.streamed, self.mid_line, self.tokens = False, False, 0
        self.pending = ""  # the draft's unfinished line

    def token(self, piece: str) -> None:
        if not self.show_draft:
            self.tokens += 1
            if self.status is not None:
                self.status(written(self.tokens, "the answer is shown once it is checked"))
            return
        if self.status is not None and hasattr(self.status, "pause"):
            self.status.pause()
        # whole lines only: a link or image split over tokens ("<img" + " src=...") is only
        # recognised, and defanged, whole
        lines, _, self.pending = (self.pending + piece).rpartition("\n")
        if lines or _:
            self._show(lines + "\n")

    def _show(self, text: str) -> None:
        self.streamed, self.mid_line = True, not text.endswith("\n")
        self.write(neutralise(text))

    def flush(self) -> None:
        if self.pending:
            text, self.pending = self.pending, ""
            self._show(text)

    def progress(self, event: Event) -> None:
        self.flush()
        if self.mid_line:
            self.write("\n")
            self.mid_line = False
        if self.status is not None:
            self.status(event)

    def done(self) -> None:
        self.flush()
        if self.status is not None and hasattr(self.status, "pause"):
            self.status.pause()


def chat_loop(session: ChatSession, read: Callable[[], str], write: Callable[[str], None],
              status: OnProgress | None = None, confirm: Callable[[str], bool] | None = None,
              show_draft: bool = True) -> None:
    """Read questions until /exit, `exit` or end of input (Ctrl-D); Ctrl-C stops the current
    answer only. status (e.g. a ProgressRenderer) hears each step of a turn; `show_draft`
    streams the model's draft before it is checked (`archivist chat` passes --show-draft, off
    unless given)."""
    write(f"archivist chat (session {session.id}, {len(session.history)} earlier messages, "
          f"strategy {session.strategy}). {HELP}\n")
    while True:
        try:
            line = read()
        except EOFError:
            write("\n")
            break
        except KeyboardInterrupt:
            write("\n(/exit or Ctrl-D to leave)\n")
            continue
        text = line.strip()
        if not text:
            continue
        if not is_utf8(text):
            write("error: that line is not valid UTF-8 text; skipped (the chat goes on)\n")
            continue
        if text.lower() in CLEAR_WORDS:
            if sys.stdout.isatty():
                sys.stdout.write("\033[2J\033[H")
                sys.stdout.flush()
            continue
        if text.startswith("/") or text.lower() in EXIT_WORDS:
            keep_going, shown = command(session, text.lower() if text.lower() in EXIT_WORDS else text)
            write(terminal(shown) + "\n")
            if not keep_going:
                break
            continue
        turn = Turn(write, status, show_draft)
        try:
            result = session.turn(text, turn.token, turn.progress, confirm)
        except KeyboardInterrupt:
            write("\n(answer stopped)\n")
            continue
        except ArchivistError as exc:  # a declined long run, a backend failure: the chat goes on
            write(f"\nerror: {exc}\n")
            continue
        finally:
            turn.done()
        print_answer(result, turn.streamed, write)


@app.command(epilog=examples("archivist chat", "archivist chat --continue", "archivist chat --session 3",
                             "archivist --llm echo chat   (no model: exact answers and quotes only)"))
def chat(resume: bool = typer.Option(False, "--continue", help="Resume the latest session: its "
                                                               "messages, scope, strategy, sources."),
         session_id: Optional[int] = typer.Option(None, "--session", help="Resume session ID "
                                                                         "(see `archivist runs`)."),
         show_draft: bool = typer.Option(False, "--show-draft", help="Stream the model's draft as "
                                         "it is written, before the grounding check (which may "
                                         "replace it); by default the checked answer is shown once."),
         yes: bool = YesOpt, db: Optional[str] = DbOpt) -> None:
    """Interactive questions: checked answers (--show-draft: the model's draft as it streams),
    sources, follow-ups, line editing and history.

    Follow-ups keep the previous scope and intent ("and in June?" after a count). Commands:
    /strategy /sources /filter /reset /help /exit; Ctrl-D leaves, Ctrl-C stops an answer."""
    def body():
        from archivist.cli.render import ProgressRenderer
        cfg = settings(db)
        with ProgressRenderer(err) as show:
            show(Event(Stage.ANALYSING, message="starting the agent"))  # imports take seconds
            from archivist.agent.session import ChatSession
        with open_store(cfg, write=True) as store:
            session = ChatSession.open(store, cfg, resume=resume, session_id=session_id)

            def write(text: str) -> None:
                sys.stdout.write(text)
                sys.stdout.flush()
            with ProgressRenderer(err) as show:
                chat_loop(session, line_reader("> "), write, status=show,
                          confirm=None if yes else confirmer(show), show_draft=show_draft)
    run(body)

