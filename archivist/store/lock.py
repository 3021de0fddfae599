"""One writer at a time per database: an exclusive flock on `<db>.lock` (next to the database's
resolved path), naming its holder.

The kernel drops the lock when its process dies (kill -9 included), so a stale lock file never
blocks anyone; the file itself only says who holds it (pid, command, since when).
"""
from __future__ import annotations

import fcntl
import json
import os
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from archivist.errors import StoreError


def lock_path(db_path: Path) -> Path:
    """The lock file of the database's real path: the same database reached through a symbolic
    link (to it or to a directory above it) must share one lock, as SQLite shares its WAL."""
    return Path(os.path.realpath(db_path) + ".lock")


def describe_holder(path: Path) -> str:
    """'pid 123 (archivist ingest ...) since ...' from the lock file, or 'another process'."""
    try:
        info = json.loads(path.read_text() or "{}")
    except (OSError, ValueError):
        return "another process"
    if not info.get("pid"):
        return "another process"
    return f"pid {info['pid']} ({info.get('command', '?')}) since {info.get('since', '?')}"


class WriteLock:
    """The database's single-writer lock; re-entrant within one Store."""

    def __init__(self, db_path: Path):
        self.db_path, self.path = db_path, lock_path(db_path)
        self.fd: int | None = None
        self.depth = 0

    def acquire(self, wait: float, on_wait: Callable[[str], None] | None = None) -> None:
        """Take the lock, waiting up to `wait` seconds for the current writer; StoreError after."""
        if self.depth:
            self.depth += 1
            return
        self.path = lock_path(self.db_path)  # resolved now: a link made since still leads here
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StoreError(f"{self.db_path}: cannot create the write lock {self.path} ({exc})") from exc
        deadline, told = time.monotonic() + wait, False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = describe_holder(self.path)
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise StoreError(f"{self.db_path} is being written by {holder}; try again when "
                                     f"it has finished (waited {wait:g} s)") from None
                if not told and on_wait:
                    on_wait(f"waiting for {holder}, which is writing to {self.db_path}")
                    told = True
                time.sleep(0.1)
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps({"pid": os.getpid(), "command": " ".join(
            [Path(sys.argv[0]).name, *sys.argv[1:]])[:200],
            "since": datetime.now(timezone.utc).isoformat(timespec="seconds")}).encode())
        self.fd, self.depth = fd, 1

    def release(self) -> None:
        if not self.depth:
            return
        self.depth -= 1
        if self.depth == 0 and self.fd is not None:
            os.ftruncate(self.fd, 0)
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None
