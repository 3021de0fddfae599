"""The lexicon saved beside the database (`<db>.lexicon.json`), so that a question asked from the
shell does not read every participant, subject and day of the archive again: whole Enron 3.0 s
to build, ~0.3 s to load; on a million emails the build is tens of seconds, once per ingest.

Keyed by the store's stamp (documents, highest id): any ingest that adds or removes documents
makes it stale, and the next question builds and saves it again. JSON, never pickle: the file
is data. A directory that cannot be written only means building it each time.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

VERSION = 3  # 2: the name words saved too; 3: sentence-like display names dropped


def lexicon_path(store) -> Path | None:
    path = getattr(store, "path", None)
    return Path(str(path) + ".lexicon.json") if path else None


def load(store, stamp: tuple) -> dict | None:
    """The saved parts when they were saved for this stamp, else None."""
    path = lexicon_path(store)
    try:
        data = json.loads(path.read_text()) if path else None
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version") != VERSION or \
            data.get("stamp") != list(stamp):
        return None
    return data.get("parts")


def save(store, stamp: tuple, parts: dict) -> None:
    """Write the parts atomically; nothing when the directory is not writable."""
    path = lexicon_path(store)
    if path is None:
        return
    tmp = path.with_name(path.name + f".tmp{os.getpid()}")
    try:
        tmp.write_text(json.dumps({"version": VERSION, "stamp": list(stamp), "parts": parts},
                                  ensure_ascii=False))
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
