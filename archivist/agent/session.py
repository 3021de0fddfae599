"""Chat sessions: turns through the agent with follow-ups resolved against the conversation,
persistence in chat_sessions/chat_messages, and long conversations folded into a rolling memory.
The terminal loop and its slash commands live in archivist/chat.py; this module prints nothing."""
from __future__ import annotations

import json
from dataclasses import asdict
from typing import Callable

from archivist.agent.ask import AskResult, ask
from archivist.agent.llm import Model
from archivist.agent.prompts import SYSTEM_FOLD, USER_MEMORY
from archivist.backends.text import approx_tokens
from archivist.config import Settings
from archivist.dates import parse_date
from archivist.errors import InputError
from archivist.memory.rolling import MemoryState, RollingMemory, load_state, save_state
from archivist.records import AUTO, Citation, Filters, PackedContext
from archivist.store import Store
from archivist.store.runs import now

FILTER_KEYS = ("sender", "recipient", "after", "before", "mailbox", "thread_id", "kind", "subject")
KEEP_TURNS = 4  # messages kept verbatim after folding


def parse_filter(args: list[str]) -> Filters:
    """/filter sender=a@b.com after=2001-05-01 -> Filters."""
    f = Filters()
    for arg in args:
        key, _, value = arg.partition("=")
        if key not in FILTER_KEYS or not value:
            raise ValueError(f"bad filter {arg!r}; use key=value with key in {', '.join(FILTER_KEYS)}")
        if key in ("after", "before"):
            try:
                value = parse_date(value, key)
            except InputError as exc:
                raise ValueError(str(exc)) from exc
        setattr(f, key, int(value) if key == "thread_id" else value)
    return f


class ChatSession:
    """One conversation; every turn and setting is saved so --continue can resume it. The model
    is loaded once for the whole session (on the first turn that needs it)."""

    def __init__(self, store: Store, settings: Settings, session_id: int, llm=None, search=None):
        self.store, self.settings, self.id = store, settings, session_id
        self.model = llm if isinstance(llm, Model) else Model(settings, llm)
        self.search = search
        self.strategy = AUTO
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

    def set_filters(self, override: Filters | None) -> None:
        """The /filter scope every later question is held to (None clears it)."""
        self.override = override
        self._touch()

    def reset(self) -> None:
        """Forget the conversation (kept: the session id and the model)."""
        self.history, self.memory, self.prior, self.last, self.override = [], "", None, None, None
        self.store.conn.execute("DELETE FROM chat_messages WHERE session_id = ?", (self.id,))
        self._touch()

    def turn(self, question: str, on_token: Callable[[str], None] | None = None) -> AskResult:
        """Answer one question in the context of the conversation, and save both sides."""
        context = ([{"role": "system", "content": self.memory}] if self.memory else []) + self.history
        result = ask(self.store, self.settings, question, strategy=self.strategy, llm=self.model,
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
        self.memory = fold(self.store, self.settings, self.id, old, self.model)
        self._touch()


def fold(store: Store, settings: Settings, session_id: int, turns: list[dict], model: Model) -> str:
    """Read old turns as one chunk through the rolling memory; returns the rendered notes."""
    key = f"chat:{session_id}"
    text = "\n".join(f"[{i + 1}] {t['role']}: {t['content']}" for i, t in enumerate(turns))
    cites = [Citation(n=i + 1, doc_id=0, ref=f"turn {i + 1}", title=t["role"], date="", start=0, end=0)
             for i, t in enumerate(turns)]

    def generate(messages):
        gen = model.generate(messages, max_tokens=settings.memory_tokens)
        return gen.text, gen.tokens_in, gen.tokens_out

    memory = RollingMemory(generate, model.count_tokens, "the conversation so far",
                           settings.memory_tokens, SYSTEM_FOLD,
                           USER_MEMORY, load_state(store.conn, key) or MemoryState("conversation"))
    memory.update(PackedContext(text, cites, approx_tokens(text), doc_ids=[]))
    save_state(store.conn, key, memory.state)
    return "Earlier in this conversation: " + " ".join(f.text for f in memory.state.facts) + \
        (" " + memory.state.summary if memory.state.summary else "")
