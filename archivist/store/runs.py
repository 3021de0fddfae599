"""Every ask, chat and summarize run logged in the runs table: decision, reason, estimates and actual
cost (eval rows go to the eval results database instead)."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from archivist.config import Settings
from archivist.store import Store


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def log_run(store: Store, kind: str, result: dict[str, Any], settings: Settings,
            session_id: int | None = None, error: str | None = None) -> int:
    """Insert one run row; returns its id (0: not logged, the archive is open read-only)."""
    if getattr(store, "readonly", False):
        return 0
    cfg = {k: v for k, v in settings.flat().items() if k != "llm_api_key"}
    cur = store.conn.execute(
        "INSERT INTO runs (kind, session_id, question, strategy, planner, reason, estimates, answer, "
        "citations, tokens_in, tokens_out, seconds, model, settings, error, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (kind, session_id, result.get("question"), result.get("strategy"), result.get("planner"),
         result.get("reason"), json.dumps({"estimates": result.get("estimates"),
                                           "escalations": result.get("escalations"),
                                           "attempts": result.get("attempts"),
                                           "timings": result.get("timings")}, default=str),
         result.get("answer"), json.dumps(result.get("citations", []), default=str),
         result.get("tokens_in"), result.get("tokens_out"), result.get("seconds"),
         result.get("model"), json.dumps(cfg, default=str), error, now()))
    store.conn.commit()
    return int(cur.lastrowid)


def recent_runs(store: Store, limit: int = 20, session_id: int | None = None) -> list[dict]:
    """The latest runs, newest first (one session's when session_id is given)."""
    where, params = ("WHERE session_id = ?", [session_id]) if session_id is not None else ("", [])
    return store.query("SELECT id, kind, session_id, question, strategy, planner, reason, tokens_in, "
                       "tokens_out, seconds, model, error, created_at, answer FROM runs "
                       f"{where} ORDER BY id DESC LIMIT ?", [*params, limit])


def get_run(store: Store, run_id: int) -> dict | None:
    """One run with its answer, citations, estimates, escalations, attempts and timings decoded
    (settings left out: `config show` explains those)."""
    rows = store.query("SELECT id, kind, session_id, question, answer, strategy, planner, reason, "
                       "estimates, citations, tokens_in, tokens_out, seconds, model, error, "
                       "created_at FROM runs WHERE id = ?", (run_id,))
    if not rows:
        return None
    row = rows[0]
    detail = _json(row.pop("estimates"), {})
    row["citations"] = _json(row["citations"], [])
    row.update({k: detail.get(k) or v for k, v in
                (("estimates", {}), ("escalations", []), ("attempts", []), ("timings", {}))})
    return row


def _json(text: str | None, default):
    try:
        return json.loads(text) if text else default
    except ValueError:
        return default
