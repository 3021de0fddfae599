"""Every ask/chat run (and later summarize/eval run) logged in the runs table: decision, reason,
estimates and actual cost."""
from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime, timezone
from typing import Any

from archivist.store import Store


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def log_run(store: Store, kind: str, result: dict[str, Any], settings: Any,
            session_id: int | None = None, error: str | None = None) -> int:
    """Insert one run row; returns its id (0: not logged, the archive is open read-only)."""
    if getattr(store, "readonly", False):
        return 0
    cfg = {k: v for k, v in asdict(settings).items() if k != "llm_api_key"}
    cur = store.conn.execute(
        "INSERT INTO runs (kind, session_id, question, strategy, planner, reason, estimates, answer, "
        "citations, tokens_in, tokens_out, seconds, model, settings, error, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (kind, session_id, result.get("question"), result.get("strategy"), result.get("planner"),
         result.get("reason"), json.dumps({"estimates": result.get("estimates"),
                                           "escalations": result.get("escalations"),
                                           "attempts": result.get("attempts")}, default=str),
         result.get("answer"), json.dumps(result.get("citations", []), default=str),
         result.get("tokens_in"), result.get("tokens_out"), result.get("seconds"),
         result.get("model"), json.dumps(cfg, default=str), error, now()))
    store.conn.commit()
    return int(cur.lastrowid)


def recent_runs(store: Store, limit: int = 20) -> list[dict]:
    return store.query("SELECT id, kind, question, strategy, planner, reason, tokens_in, tokens_out, "
                       "seconds, created_at FROM runs ORDER BY id DESC LIMIT ?", (limit,))
