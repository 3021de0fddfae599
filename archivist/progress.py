"""Progress events: how library code (ingest, indexing, the agent) tells a UI what it is doing.

Library code never prints or draws. Long operations take `on_progress: OnProgress | None` and call
it with `Event`s; the CLI passes `archivist.cli.render.ProgressRenderer`, tests pass a list's `append`,
and None means nobody is listening (nothing is built or timed then). Each stage is one run of
consecutive events in which `done` never decreases; when its total is known, the run ends with
done == total. Warnings (a rejected file or message) travel through the same callback with level
WARNING, in between, so a UI can print them above its progress bar.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from enum import StrEnum
from typing import Callable

INTERVAL = 0.2  # seconds between throttled events: often enough that a UI is never silent for 1 s


class Stage(StrEnum):
    SCANNING = "scanning"  # listing and fingerprinting sources
    READING = "reading"  # parsing and storing sources (done/total in bytes of source files)
    THREADING = "threading"  # rebuilding email threads over the whole store
    CHUNKING = "chunking"  # splitting new documents into chunks
    THREAD_CHUNKS = "thread chunks"  # whole-thread units of touched threads
    EMBEDDING = "embedding"  # embedding chunks without a current vector
    INDEXING = "indexing"  # refreshing the FAISS file
    REBUILDING = "rebuilding"  # rewriting the FAISS file from SQLite (`index rebuild`)
    # the agent's steps (ask, chat): one status line each, so a run is never silent
    ANALYSING = "analysing"  # question analysis and scope
    PLANNING = "planning"  # choosing a strategy
    LOADING_MODEL = "loading model"  # the LLM backend, once per run or chat session
    SEARCHING = "searching"  # hybrid retrieval
    QUERYING = "querying"  # exact metadata SQL
    ANSWERING = "answering"  # the model reads N documents and writes
    MEMORY = "memory"  # reading the scope through the rolling memory (done/total documents)
    ESCALATING = "escalating"  # a wider strategy after "the evidence is missing"
    VERIFYING = "verifying"  # grounding check of the model's answer
    SUMMARISING = "summarising"  # summarising groups of one level (done/total in groups)
    EVALUATING = "evaluating"  # `archivist eval run`: examples x strategies done of total, with ETA


class Unit(StrEnum):
    BYTES = "bytes"
    FILES = "files"
    MESSAGES = "messages"
    DOCUMENTS = "documents"
    THREADS = "threads"
    CHUNKS = "chunks"
    CALLS = "calls"
    GROUPS = "groups"
    EXAMPLES = "examples"  # eval rows: one example answered by one strategy
    TOKENS = "tokens"  # tokens the model has written


class Level(StrEnum):
    INFO = "info"
    WARNING = "warning"


@dataclass(frozen=True)
class Event:
    """One report: `done` of `total` `unit`s in `stage` (total None: unknown), plus a status line."""

    stage: Stage
    done: int = 0
    total: int | None = None
    unit: Unit | None = None
    message: str = ""  # free text, e.g. "3/29 files, 1,234 msgs (1,200 new), 1,100 msg/s"
    level: Level = Level.INFO


OnProgress = Callable[[Event], None]


def ignore(event: Event) -> None:
    """The default callback: nobody is listening."""


def only_warnings(sink: Callable[[str], None]) -> OnProgress:
    """A callback passing just the warning messages to `sink` (e.g. a list's append)."""
    def on_progress(event: Event) -> None:
        if event.level is Level.WARNING:
            sink(event.message)
    return on_progress


class Reporter:
    """Forwards events to a callback, rate-limited for tight loops.

    `send` always forwards (stage starts and ends, warnings); a loop that could report per item asks
    `due()` first, so it builds an event at most every INTERVAL seconds and costs nothing without a
    listener."""

    def __init__(self, on_progress: OnProgress | None, interval: float | None = None):
        self.callback, self.listening = on_progress or ignore, on_progress is not None
        # read at call time, so that a test can set INTERVAL = 0 and see every step
        self.interval = INTERVAL if interval is None else interval
        self.last = float("-inf")

    def due(self) -> bool:
        return self.listening and time.perf_counter() - self.last >= self.interval

    def send(self, event: Event) -> None:
        self.last = time.perf_counter()
        self.callback(event)

    def warn(self, stage: Stage, message: str) -> None:
        self.callback(Event(stage, message=message, level=Level.WARNING))


def written(tokens: int, note: str) -> Event:
    """The status of a model writing an answer: the tokens (streamed pieces) written so far."""
    return Event(Stage.ANSWERING, tokens, None, Unit.TOKENS, f"written; {note}")
