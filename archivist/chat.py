"""The terminal chat loop and its slash commands; answers are shown through archivist.render.
Everything shown passes archivist.sanitise (no live links, no terminal escapes from document text)."""
from __future__ import annotations

from dataclasses import asdict
from typing import Callable

from archivist.sanitise import neutralise, terminal
from archivist.agent.session import ChatSession, parse_filter
from archivist.records import AUTO, STRATEGIES
from archivist.render import format_sources, print_answer

HELP = ("commands: /strategy auto|rag|stuff|memory|query, /sources, "
        "/filter key=value ... (sender, recipient, after, before, mailbox, thread_id, kind) | /filter clear, "
        "/reset, /quit")


def command(session: ChatSession, line: str) -> tuple[bool, str]:
    """(keep going, text to show) for a slash command."""
    name, *args = line.strip().split()
    if name in ("/quit", "/exit", "/q"):
        return False, "bye"
    if name == "/strategy":
        if not args or args[0] not in (AUTO, *STRATEGIES):
            return True, f"strategy is {session.strategy}; choose auto, {', '.join(STRATEGIES)}"
        session.strategy = args[0]
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
        return f"filters: {asdict(session.override) if session.override else 'none'}"
    try:
        session.set_filters(None if args == ["clear"] else parse_filter(args))
    except ValueError as exc:
        return str(exc)
    return f"filters: {asdict(session.override) if session.override else 'cleared'}"


def chat_loop(session: ChatSession, read: Callable[[], str], write: Callable[[str], None]) -> None:
    """Read questions until /quit or end of input; Ctrl-C stops the current answer only."""
    write(f"archivist chat (session {session.id}, {len(session.history)} earlier messages). {HELP}\n")
    while True:
        try:
            line = read()
        except EOFError:
            break
        except KeyboardInterrupt:
            write("\n(/quit to leave)\n")
            continue
        if not line.strip():
            continue
        if line.strip().startswith("/"):
            keep_going, text = command(session, line)
            write(terminal(text) + "\n")
            if not keep_going:
                break
            continue
        streamed: list[str] = []

        def on_token(piece: str) -> None:
            streamed.append(piece)
            write(neutralise(piece))

        try:
            result = session.turn(line.strip(), on_token)
        except KeyboardInterrupt:
            write("\n(answer stopped)\n")
            continue
        print_answer(result, bool(streamed), write)
