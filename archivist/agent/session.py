"""Chat sessions: turns through the agent with follow-ups resolved against the conversation,
persistence in chat_sessions/chat_messages, and long conversations folded into a rolling memory.
The terminal loop and its slash commands live in archivist/cli/chat.py; this module prints nothing."""
from __future__ import annotations

import json
from dataclasses import asdict
from typing import Callable

from archivist.agent.ask import AskResult, ask
from archivist.answering.model import Model
from archivist.answering.prompts import SYSTEM_FOLD, USER_MEMORY
from archivist.agent.question.analyse import Analysis
from archivist.backends.text import approx_tokens
from archivist.config import Settings
from archivist.dates import parse_date
from archivist.errors import InputError
from archivist.memory.rolling import MemoryState, RollingMemory, load_state, save_state
from archivist.progress import OnProgress
from archivist.records import AUTO, Citation, Filters, Intent, PackedContext, QuestionKind
from archivist.store import Store
from archivist.store.runs import get_run, now

FILTER_KEYS = ("sender", "recipient", "after", "before", "mailbox", "thread_id", "kind", "subject",
               "has_attachment")
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
        row = store.conn.execute("SELECT filters, memory, strategy, state FROM chat_sessions "
                                 "WHERE id = ?", (session_id,)).fetchone()
        if row is None:
            raise InputError(f"no chat session {session_id} (see `archivist runs`)")
        self.override = Filters(**json.loads(row[0])) if row[0] else None
        self.memory = row[1] or ""
        self.strategy = row[2] or AUTO
        self.prior, self.prior_analysis = load_turn_state(json.loads(row[3]) if row[3] else {})
        self.history = [{"role": r, "content": c} for r, c in store.conn.execute(
            "SELECT role, content FROM chat_messages WHERE session_id = ? ORDER BY id", (session_id,))]
        self.last: AskResult | None = last_result(store, session_id)

    @classmethod
    def open(cls, store: Store, settings: Settings, resume: bool = False,
             session_id: int | None = None, **kw) -> "ChatSession":
        """Session session_id; else the latest one when resuming (if any); else a new one."""
        if session_id is not None:
            return cls(store, settings, session_id, **kw)
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
        state = json.dumps(dump_turn_state(self.prior, self.prior_analysis), default=str)
        self.store.conn.execute("UPDATE chat_sessions SET filters = ?, memory = ?, strategy = ?, "
                                "state = ?, updated_at = ? WHERE id = ?",
                                (filters, self.memory, self.strategy, state, now(), self.id))
        self.store.conn.commit()

    def set_strategy(self, strategy: str) -> None:
        """The strategy every later question uses (auto: the planner picks); kept on --continue."""
        self.strategy = strategy
        self._touch()

    def set_filters(self, override: Filters | None) -> None:
        """The /filter scope every later question is held to (None clears it)."""
        self.override = override
        self._touch()

    def reset(self) -> None:
        """Forget the conversation (kept: the session id and the model)."""
        self.history, self.memory, self.prior, self.last, self.override = [], "", None, None, None
        self.prior_analysis = None
        self.store.conn.execute("DELETE FROM chat_messages WHERE session_id = ?", (self.id,))
        self._touch()

    def turn(self, question: str, on_token: Callable[[str], None] | None = None,
             on_progress: OnProgress | None = None,
             confirm: Callable[[str], bool] | None = None) -> AskResult:
        """Answer one question in the context of the conversation, and save both sides."""
        context = ([{"role": "system", "content": self.memory}] if self.memory else []) + self.history
        result = ask(self.store, self.settings, question, strategy=self.strategy, llm=self.model,
                     search=self.search, on_token=on_token, history=context, prior=self.prior,
                     override=self.override, session_id=self.id, on_progress=on_progress,
                     confirm=confirm, prior_analysis=self.prior_analysis)
        self.prior = Filters(**result.filters)
        self.prior_analysis = result.analysis
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
        if tokens <= self.settings.memory.memory_tokens * 2 or len(self.history) <= KEEP_TURNS:
            return
        old, self.history = self.history[:-KEEP_TURNS], self.history[-KEEP_TURNS:]
        self.memory = fold(self.store, self.settings, self.id, old, self.model)
        self._touch()


def dump_turn_state(prior: Filters | None, analysis: Analysis | None) -> dict:
    return {"prior": asdict(prior) if prior else None,
            "analysis": asdict(analysis) if analysis else None}


def load_turn_state(state: dict) -> tuple[Filters | None, Analysis | None]:
    """(prior filters, prior analysis) saved by dump_turn_state; missing parts are None."""
    prior = Filters(**state["prior"]) if state.get("prior") else None
    a = state.get("analysis")
    if not a:
        return prior, None
    a = {**a, "kind": QuestionKind(a["kind"]), "intent": Intent(a["intent"]) if a["intent"] else None}
    return prior, Analysis(**a)


def last_result(store: Store, session_id: int) -> AskResult | None:
    """The session's last answered run, enough of it for /sources after --continue."""
    run_id = store.scalar("SELECT run_id FROM chat_messages WHERE session_id = ? AND run_id IS NOT NULL "
                          "ORDER BY id DESC LIMIT 1", (session_id,))
    run = get_run(store, run_id) if run_id is not None else None
    if run is None:
        return None
    return AskResult(question=run["question"] or "", answer=run["answer"] or "",
                     strategy=run["strategy"] or "", planner=run["planner"] or "",
                     reason=run["reason"] or "", citations=run["citations"], run_id=run_id)


def fold(store: Store, settings: Settings, session_id: int, turns: list[dict], model: Model) -> str:
    """Read old turns as one chunk through the rolling memory; returns the rendered notes."""
    key = f"chat:{session_id}"
    text = "\n".join(f"[{i + 1}] {t['role']}: {t['content']}" for i, t in enumerate(turns))
    cites = [Citation(n=i + 1, doc_id=0, ref=f"turn {i + 1}", title=t["role"], date="", start=0, end=0)
             for i, t in enumerate(turns)]

    def generate(messages):
        gen = model.generate(messages, max_tokens=settings.memory.memory_tokens)
        return gen.text, gen.tokens_in, gen.tokens_out

    memory = RollingMemory(generate, model.count_tokens, "the conversation so far",
                           settings.memory.memory_tokens, SYSTEM_FOLD,
                           USER_MEMORY, load_state(store.conn, key) or MemoryState("conversation"))
    memory.update(PackedContext(text, cites, approx_tokens(text), doc_ids=[]))
    save_state(store.conn, key, memory.state)
    return "Earlier in this conversation: " + " ".join(f.text for f in memory.state.facts) + \
        (" " + memory.state.summary if memory.state.summary else "")
