"""SSM state as memory: a recurrent model (Mamba/Mamba2 through the transformers backend) reads a
group's documents once, one document at a time, and its state after each document is stored
(memory/ssm_state.py); a later question about exactly that group restores the last state and reads
only the question.

The prompt is the backend's chat template around the answer prompt, with the documents first and
the question after them (the state must not depend on a question asked later): reading the head,
the documents and then the question's tail from a restored state is token for token the same
input as one pass over the whole prompt. Each snapshot is tagged with the model, the dtype and the
hash of every token read up to it, so new documents continue from the last matching snapshot and a
changed document, model or dtype is never answered from a stale state. The model, its tokenizer
and its state are the backend's, reached through Capability.STATEFUL (backends/stateful.py).
"""
from __future__ import annotations

import time
from dataclasses import dataclass

from archivist.answering.prompts import ANSWER_PREFIX, STATE_DOCUMENTS, STATE_QUESTION, SYSTEM_ANSWER
from archivist.backends.base import Capability, Message, supports
from archivist.backends.stateful import StatefulLLM, TextPart
from archivist.errors import InputError
from archivist.memory import groups as G
from archivist.memory import ssm_state as S
from archivist.progress import Event, OnProgress, Stage, Unit
from archivist.records import Filters, PackedContext
from archivist.retrieval.packing import render_in_order
from archivist.store.documents import documents

BY = ("thread", "mailbox")
MAX_DOC_CHARS = 16000  # of one document's text (~4k tokens); the rest of a huge attachment is not read
_DOCS, _QUESTION = "\x1eARCHIVIST-DOCUMENTS\x1e", "\x1eARCHIVIST-QUESTION\x1e"


class NoState(Exception):
    """No usable snapshot: not an SSM backend, no snapshot, or a mismatched one (the message says
    which); the caller reads the documents instead."""


@dataclass
class StateGroup:
    """A thread or mailbox read into one SSM state (its snapshots are keyed by `key`)."""

    key: str  # "thread:doc12" (a thread, keyed by its first document) or "mailbox:NAME"
    label: str
    doc_ids: list[int]


def groups(store, by: str, filters: Filters | None = None, limit: int | None = None) -> list[StateGroup]:
    """The groups to read for --by thread|mailbox; limit keeps the largest."""
    if by not in BY:
        raise InputError(f"--by {by!r}: use thread or mailbox")
    if by == "thread":
        found = [StateGroup(f"thread:{g.key}", g.label, g.doc_ids) for g in G.thread_groups(store, filters)]
    else:
        found = [StateGroup(f"mailbox:{g.key}", g.label, g.doc_ids) for g in G.mailbox_documents(store, filters)]
    if not found:
        raise InputError("nothing to read: no document matches the filters")
    if limit:
        keep = {g.key for g in sorted(found, key=lambda g: (-len(g.doc_ids), g.key))[:limit]}
        found = [g for g in found if g.key in keep]
    return found


def resolve(store, key: str) -> StateGroup:
    """The group a key names: thread:docN (the thread holding document N) or mailbox:NAME."""
    level, _, name = key.partition(":")
    if level == "thread" and name.startswith("doc") and name[3:].isdigit():
        doc = int(name[3:])
        row = documents(store, [doc], ("thread_id",)).get(doc)
        if row is None:
            raise InputError(f"--group {key}: no document {doc}")
        scope = Filters(thread_id=row["thread_id"]) if row["thread_id"] is not None else Filters(doc_ids=[doc])
        return groups(store, "thread", scope)[0]
    if level == "mailbox" and name:
        found = [g for g in groups(store, "mailbox", Filters(mailbox=name)) if g.key.lower() == key.lower()]
        if found:
            return found[0]
        raise InputError(f"--group {key}: no mailbox {name!r}")
    raise InputError(f"--group {key!r}: use thread:docN (N: a document of the thread) or mailbox:NAME")


def group_of_scope(store, ids: list[int], filters: Filters) -> StateGroup | None:
    """The thread or mailbox group whose documents are exactly ids, if any."""
    if not ids:
        return None
    try:
        candidates = [resolve(store, f"thread:doc{min(ids)}")]
        if filters.mailbox:
            candidates.append(resolve(store, f"mailbox:{filters.mailbox}"))
    except InputError:
        return None
    return next((g for g in candidates if sorted(g.doc_ids) == sorted(ids)), None)


def key_at(group_key: str, position: int) -> str:
    """Snapshot key: the group and how many of its documents the state has read."""
    return f"{group_key}#{position}"


def has_state(store, group: StateGroup) -> bool:
    return S.load_tag(store, key_at(group.key, len(group.doc_ids))) is not None


def unusable(llm) -> str:
    """Why this backend cannot use SSM states ('' when it can)."""
    kind = getattr(llm, "kind", "")
    if kind != "ssm":
        return f"the backend {getattr(llm, 'name', '?')} (kind {kind or 'unknown'}) is not an SSM"
    if not supports(llm, Capability.STATEFUL):
        return f"the backend {llm.name} does not expose its recurrent state"
    return ""


class Layout:
    """The token ids of the answer prompt in three parts: head (chat template up to the
    documents), one piece per document, tail (the question and the answer's opening)."""

    def __init__(self, llm: StatefulLLM):
        self.llm = llm
        content = STATE_DOCUMENTS + _DOCS + STATE_QUESTION.format(question=_QUESTION)
        rendered = llm.prefill_text([Message("system", SYSTEM_ANSWER), Message("user", content),
                                     Message("assistant", ANSWER_PREFIX)])
        head, rest = rendered.split(_DOCS)
        self._mid, self._end = rest.split(_QUESTION)
        self.head = llm.encode(head, TextPart.START)
        self.spec = llm.state_spec()

    def data(self, text: str) -> list[int]:
        """Document or question text as tokens: special-token strings in it stay plain text."""
        return self.llm.encode(text, TextPart.DATA)

    def template(self, text: str) -> list[int]:
        return self.llm.encode(text, TextPart.TEMPLATE)

    def documents(self, store, doc_ids: list[int]) -> tuple[PackedContext, list[list[int]]]:
        packed, blocks = render_in_order(store, doc_ids, self.llm.count_tokens, MAX_DOC_CHARS)
        return packed, [self.data(b + "\n\n") for b in blocks]

    def tail(self, question: str) -> list[int]:
        return self.template(self._mid) + self.data(question) + self.template(self._end)

    def tags(self, pieces: list[list[int]]) -> list[S.Tag]:
        """The tag of the state after each document: model, dtype, hash of every token so far."""
        h = S.RunningHash()
        h.feed(self.head)
        return [self.spec.tag(h.feed(p), h.n_tokens) for p in pieces]

    @staticmethod
    def ids(pieces: list[list[int]]) -> list[int]:
        """The pieces' token ids, in order: what one pass over them reads."""
        return [t for p in pieces for t in p]


@dataclass
class GroupRead:
    """What reading one group cost and left behind."""

    group: str
    label: str
    docs: int
    read: int = 0  # documents read in this run
    resumed_from: int = 0  # documents already in the snapshot it continued from
    tokens: int = 0  # tokens the state has read in all (head and every document)
    tokens_read: int = 0  # tokens read in this run
    seconds: float = 0.0
    snapshot_bytes: int = 0
    kv_cache_bytes: int = 0  # an attention model of the same width and depth, for the same tokens

    @property
    def reused(self) -> bool:
        return self.read == 0


def _report(on_progress: OnProgress | None, message: str, done: int, total: int, unit: Unit) -> None:
    if on_progress is not None:
        on_progress(Event(Stage.MEMORY, done, total, unit, message))


def read_group(store, llm, group: StateGroup, keep: int = 0, on_progress: OnProgress | None = None) -> GroupRead:
    """Stream the group's documents through the model from its last matching snapshot (the
    start when there is none), saving a snapshot after each document; keep > 0 keeps only the
    last `keep` snapshots of the group."""
    start_t = time.perf_counter()
    layout = Layout(llm)
    _, pieces = layout.documents(store, group.doc_ids)
    tags = layout.tags(pieces)
    n = len(pieces)
    # the last snapshot whose tag matches: every document before it is unchanged
    start = next((i for i in range(n, 0, -1) if S.load_tag(store, key_at(group.key, i)) == tags[i - 1]), 0)
    out = GroupRead(group.key, group.label, n, 0, start, tags[-1].n_tokens if tags else 0)
    out.kv_cache_bytes = layout.spec.kv_bytes_per_token * out.tokens
    if start == n:
        row = store.conn.execute("SELECT n_bytes FROM ssm_snapshots WHERE key = ?",
                                 (key_at(group.key, n),)).fetchone()
        out.snapshot_bytes = row[0] if row else 0
        return out
    if start:
        state = llm.restore_state(S.load(store, key_at(group.key, start))[0], tags[start - 1])
    else:
        state = llm.read_state(layout.head)
        out.tokens_read += len(layout.head)
    for i in range(start, n):
        _report(on_progress, f"{group.key}: document {i + 1}/{n}", i, n, Unit.DOCUMENTS)
        state = llm.read_state(pieces[i], state)
        out.snapshot_bytes = _save(store, group.key, i + 1, llm.dump_state(state, tags[i]), tags[i], keep)
        out.read, out.tokens_read = out.read + 1, out.tokens_read + len(pieces[i])
    out.seconds = round(time.perf_counter() - start_t, 3)
    return out


def _save(store, group_key: str, position: int, blob: bytes, tag: S.Tag, keep: int) -> int:
    """Store the state after `position` documents (committed: a kill loses at most the document
    being read); with keep > 0 drop the one `keep` documents older. Returns its size."""
    S.save(store, key_at(group_key, position), blob, tag)
    if keep and position - keep > 0:
        S.delete(store, key_at(group_key, position - keep))
    return len(blob)


def positions(store, group_key: str) -> list[int]:
    """How many documents each stored snapshot of the group has read, ascending."""
    rows = store.conn.execute("SELECT substr(key, length(?) + 2) FROM ssm_snapshots "
                              "WHERE substr(key, 1, length(?) + 1) = ? || '#'",
                              (group_key, group_key, group_key)).fetchall()
    return sorted(int(r[0]) for r in rows if r[0].isdigit())


def read_groups(store, llm, by: str, filters: Filters | None = None, limit: int | None = None,
                keep: int = 0, on_progress: OnProgress | None = None) -> list[GroupRead]:
    """Every group of --by read (or found already read) through the SSM backend."""
    why = unusable(llm)
    if why:
        raise InputError(f"SSM state memory needs an SSM backend (Mamba/Mamba2 through --llm "
                         f"transformers): {why}")
    todo = groups(store, by, filters, limit)
    done = []
    for i, group in enumerate(todo):
        _report(on_progress, f"{i}/{len(todo)} groups read", i, len(todo), Unit.GROUPS)
        done.append(read_group(store, llm, group, keep, on_progress))
    _report(on_progress, f"{len(todo)}/{len(todo)} groups read", len(todo), len(todo), Unit.GROUPS)
    return done


@dataclass
class StateAnswer:
    text: str
    packed: PackedContext  # the documents the state read, as the grounding check sees them
    snapshot: str  # key of the restored snapshot
    tokens_in: int  # tokens read for this answer: the question's tail only
    tokens_out: int
    state_tokens: int  # tokens the restored state had read


def check_tag(found: S.Tag, expect: S.Tag) -> None:
    """A SnapshotMismatch naming what differs, if anything does."""
    what = []
    if found.model != expect.model:
        what.append(f"model {found.model!r}, this backend is {expect.model!r}")
    if found.dtype != expect.dtype:
        what.append(f"dtype {found.dtype}, this backend runs {expect.dtype}")
    if not what and (found.input_hash, found.n_tokens) != (expect.input_hash, expect.n_tokens):
        what.append(f"input of {found.n_tokens} tokens, while the group's documents now read as "
                    f"{expect.n_tokens} tokens with another hash (a document or the prompt changed)")
    if what:
        raise S.SnapshotMismatch("snapshot refused: made with " + "; ".join(what))


def answer(store, llm, group: StateGroup, question: str, max_new: int, stops: list[str]) -> StateAnswer:
    """Restore the group's last snapshot, read the question, generate greedily. NoState (with
    the reason) when the backend, the snapshot or its tag does not allow it."""
    why = unusable(llm)
    if why:
        raise NoState(why)
    layout = Layout(llm)
    packed, pieces = layout.documents(store, group.doc_ids)
    tags = layout.tags(pieces)
    key = key_at(group.key, len(pieces))
    found = S.load(store, key)
    if found is None or not tags:
        stored_at = positions(store, group.key)
        have = f"the latest covers {stored_at[-1]} of them" if stored_at else "it has none"
        raise NoState(f"no snapshot of {group.key} covers its {len(pieces)} documents ({have}); "
                      "run `archivist memory read` to read them")
    blob, stored = found
    try:
        check_tag(stored, tags[-1])
    except S.SnapshotMismatch as exc:
        raise NoState(str(exc)) from exc
    tail = layout.tail(question)
    state = llm.read_state(tail, llm.restore_state(blob, tags[-1]))
    out = llm.generate_from_state(state, max_new, stops)
    return StateAnswer(out.text, packed, key, len(tail), len(out.ids), stored.n_tokens)


def has_any_state(store, group: StateGroup) -> bool:
    """Whether any snapshot of the group is stored (at any position)."""
    return bool(positions(store, group.key))
