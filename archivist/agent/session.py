"""Chat sessions: turns through the agent with follow-ups resolved against the conversation,
slash commands, persistence in chat_sessions/chat_messages, and long conversations folded into
a rolling memory."""
from __future__ import annotations

import json
from dataclasses import asdict
from typing import Callable

from archivist.agent.ask import AskResult, ask
from archivist.agent.prompts import SYSTEM_FOLD, USER_MEMORY, neutralise
from archivist.store.runs import now
from archivist.agent.context import STRATEGIES
from archivist.backends.text import approx_tokens
from archivist.config import Settings
from archivist.memory.rolling import MemoryState, RollingMemory, load_state, save_state
from archivist.records import Citation, Filters, PackedContext
from archivist.store import Store

HELP = ("commands: /strategy auto|rag|stuff|memory|query, /sources, "
        "/filter key=value ... (sender, recipient, after, before, mailbox, thread_id, kind) | /filter clear, "
        "/reset, /quit")
FILTER_KEYS = ("sender", "recipient", "after", "before", "mailbox", "thread_id", "kind")
KEEP_TURNS = 4  # messages kept verbatim after folding


def format_sources(result: AskResult | None) -> str:
    if result is None or not result.citations:
        return "(no sources)"
    return "\n".join(neutralise(f"[{c['n']}] doc {c['doc_id']} {c['ref']} {c['date'][:10]} "
                                f"\"{c['title']}\" — {c['quote'][:100]}") for c in result.citations)


def parse_filter(args: list[str]) -> Filters:
    """/filter sender=a@b.com after=2001-05-01 -> Filters."""
    f = Filters()
    for arg in args:
        key, _, value = arg.partition("=")
        if key not in FILTER_KEYS or not value:
            raise ValueError(f"bad filter {arg!r}; use key=value with key in {', '.join(FILTER_KEYS)}")
        setattr(f, key, int(value) if key == "thread_id" else value)
    return f


class ChatSession:
    """One conversation; every turn and setting is saved so --continue can resume it."""

    def __init__(self, store: Store, settings: Settings, session_id: int, llm=None, search=None):
        self.store, self.settings, self.id = store, settings, session_id
        self.llm, self.search = llm, search
        self.strategy = "auto"
        self.last: AskResult | None = None
        row = store.conn.execute("SELECT filters, memory FROM chat_sessions WHERE id = ?",
                                 (session_id,)).fetchone()
        self.override = Filters(**json.loads(row[0])) if row and row[0] else None
        self.memory = row[1] if row and row[1] else ""
        self.history = [{"role": r, "content": c} for r, c in store.conn.execute(
            "SELECT role, content FROM chat_messages WHERE session_id = ? ORDER BY id", (session_id,))]
        self.prior: Filters | None = None

    @classmethod
    def open(cls, store: Store, settings: Settings, resume: bool = False, **kw) -> "ChatSession":
        """The latest session when resuming (if any), else a new one."""
        row = store.conn.execute("SELECT id FROM chat_sessions ORDER BY updated_at DESC, id DESC "
                                 "LIMIT 1").fetchone() if resume else None
        if row is None:
            cur = store.conn.execute("INSERT INTO chat_sessions (title, created_at, updated_at) "
                                     "VALUES (?, ?, ?)", ("chat", now(), now()))
            store.conn.commit()
            return cls(store, settings, int(cur.lastrowid), **kw)
        return cls(store, settings, int(row[0]), **kw)

    def _save(self, role: str, content: str, run_id: int | None = None) -> None:
        self.store.conn.execute("INSERT INTO chat_messages (session_id, role, content, run_id, "
                                "created_at) VALUES (?, ?, ?, ?, ?)",
                                (self.id, role, content, run_id, now()))
        self._touch()

    def _touch(self) -> None:
        filters = json.dumps(asdict(self.override)) if self.override else None
        self.store.conn.execute("UPDATE chat_sessions SET filters = ?, memory = ?, updated_at = ? "
                                "WHERE id = ?", (filters, self.memory, now(), self.id))
        self.store.conn.commit()

    def command(self, line: str) -> tuple[bool, str]:
        """(keep going, text to show) for a slash command."""
        name, *args = line.strip().split()
        if name in ("/quit", "/exit", "/q"):
            return False, "bye"
        if name == "/strategy":
            if not args or args[0] not in ("auto", *STRATEGIES):
                return True, f"strategy is {self.strategy}; choose auto, {', '.join(STRATEGIES)}"
            self.strategy = args[0]
            return True, f"strategy set to {self.strategy}"
        if name == "/sources":
            return True, format_sources(self.last)
        if name == "/filter":
            if not args:
                return True, f"filters: {asdict(self.override) if self.override else 'none'}"
            try:
                self.override = None if args == ["clear"] else parse_filter(args)
            except ValueError as exc:
                return True, str(exc)
            self._touch()
            return True, f"filters: {asdict(self.override) if self.override else 'cleared'}"
        if name == "/reset":
            self.history, self.memory, self.prior, self.last, self.override = [], "", None, None, None
            self.store.conn.execute("DELETE FROM chat_messages WHERE session_id = ?", (self.id,))
            self._touch()
            return True, "conversation reset"
        return True, HELP

    def turn(self, question: str, on_token: Callable[[str], None] | None = None) -> AskResult:
        """Answer one question in the context of the conversation, and save both sides."""
        context = ([{"role": "system", "content": self.memory}] if self.memory else []) + self.history
        result = ask(self.store, self.settings, question, strategy=self.strategy, llm=self.llm,
                     search=self.search, on_token=on_token, history=context, prior=self.prior,
                     override=self.override, session_id=self.id)
        self.prior = Filters(**result.filters)
        self.last = result
        self._save("user", question)
        self._save("assistant", result.answer, result.run_id)
        self.history += [{"role": "user", "content": question},
                         {"role": "assistant", "content": result.answer}]
        self.fold_if_long()
        return result

    def fold_if_long(self) -> None:
        """Fold all but the last turns into the session's rolling memory when the conversation
        outgrows the memory budget (no model call for short chats)."""
        tokens = sum(approx_tokens(h["content"]) for h in self.history)
        if tokens <= self.settings.memory_tokens * 2 or len(self.history) <= KEEP_TURNS:
            return
        old, self.history = self.history[:-KEEP_TURNS], self.history[-KEEP_TURNS:]
        self.memory = fold(self.store, self.settings, self.id, old, self.llm)
        self._touch()


def fold(store: Store, settings: Settings, session_id: int, turns: list[dict], llm=None) -> str:
    """Read old turns as one chunk through the rolling memory; returns the rendered notes."""
    from archivist.agent.context import AgentContext, call_llm
    ctx = AgentContext(store=store, settings=settings, llm=llm)
    key = f"chat:{session_id}"
    text = "\n".join(f"[{i + 1}] {t['role']}: {t['content']}" for i, t in enumerate(turns))
    cites = [Citation(n=i + 1, doc_id=0, ref=f"turn {i + 1}", title=t["role"], date="", start=0, end=0)
             for i, t in enumerate(turns)]
    memory = RollingMemory(lambda m: call_llm(ctx, m, max_tokens=settings.memory_tokens),
                           ctx.get_llm().count_tokens, "the conversation so far",
                           settings.memory_tokens, SYSTEM_FOLD,
                           USER_MEMORY, load_state(store.conn, key) or MemoryState("conversation"))
    memory.update(PackedContext(text, cites, approx_tokens(text), doc_ids=[]))
    save_state(store.conn, key, memory.state)
    return "Earlier in this conversation: " + " ".join(f.text for f in memory.state.facts) + \
        (" " + memory.state.summary if memory.state.summary else "")


def render_footer(result: AskResult) -> str:
    """Strategy, reason, escalations, cost and sources under an answer."""
    esc = "".join(f"\n  escalated {e}" for e in result.escalations)
    check = f" ({result.check})" if result.check and result.answered_by != "query" else ""
    return (f"— strategy: {result.strategy} ({result.planner}: {result.reason}){esc}\n"
            f"— answered by: {result.answered_by or 'llm'}{check}\n"
            f"— {result.tokens_in} tokens read, {result.tokens_out} written, {result.llm_calls} model "
            f"calls, {result.seconds:.2f}s\nsources:\n{format_sources(result)}\n")


def _print_answer(result: AskResult, streamed: bool, write: Callable[[str], None]) -> None:
    replaced = result.answered_by not in ("llm", "") or "repetition cut" in result.check
    if streamed and replaced:
        why = "cited digest of the messages" if result.answered_by.startswith("digest") else \
            f"the model's answer was replaced: {result.check}"
        write(f"\n[{why}]\n")
    if not streamed or replaced:
        write(neutralise(result.answer))
    write("\n" + render_footer(result))


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
            keep_going, text = session.command(line)
            write(text + "\n")
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
        _print_answer(result, bool(streamed), write)
