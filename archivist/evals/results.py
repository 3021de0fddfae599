"""The eval results database (tables of migration m011): runs keyed by what they measure, so the
same command resumes an unfinished run, and one row per example x strategy x model."""
from __future__ import annotations

import json
import os
import platform
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from archivist.store import Store

ROW_COLUMNS = ("example_id", "strategy", "model", "backend_kind", "hardware", "created_at", "question",
               "gold", "answerable", "answer", "chosen", "score", "scores", "tokens_in", "tokens_out",
               "llm_calls", "seconds", "peak_mb", "meta", "error")


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def hardware() -> str:
    """'CPU model, N cores, R GiB RAM' of this machine."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = next(int(l.split()[1]) for l in Path("/proc/meminfo").read_text().splitlines()
                   if l.startswith("MemTotal"))
        ram = f", {mem / 2**20:.0f} GiB RAM"
    except (OSError, StopIteration, ValueError):
        ram = ""
    return f"{cpu}, {os.cpu_count()} cores{ram}"


def load_average() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


@dataclass
class Run:
    id: int
    task: str
    config: dict
    model: str
    backend_kind: str
    hardware: str
    started_at: str
    finished_at: str | None
    status: str
    load_before: list
    load_after: list
    seconds: float
    planned: int | None = None  # example x strategy rows the run's config asks for


class Results:
    """Opened on a results file (an archivist database holding only eval tables' rows)."""

    def __init__(self, path: Path):
        self.store = Store(path)
        self.conn = self.store.conn

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> "Results":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def start(self, key: str, task: str, config: dict, model: str, kind: str, fresh: bool = False) -> Run:
        """The unfinished (or finished) run with this key, resumed; else a new one."""
        row = None if fresh else self.conn.execute(
            "SELECT id FROM eval_runs WHERE run_key = ? AND model = ? ORDER BY id DESC LIMIT 1",
            (key, model)).fetchone()
        with self.conn:
            if row:
                run_id = row[0]
                self.conn.execute("UPDATE eval_runs SET status = 'running', load_before = ? WHERE id = ?",
                                  (json.dumps(load_average()), run_id))
            else:
                run_id = self.conn.execute(
                    "INSERT INTO eval_runs (run_key, task, config, model, backend_kind, hardware, started_at, "
                    "load_before) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (key, task, json.dumps(config, default=str), model, kind, hardware(), now(),
                     json.dumps(load_average()))).lastrowid
        return self.run(run_id)

    def plan(self, run_id: int, planned: int) -> None:
        with self.conn:
            self.conn.execute("UPDATE eval_runs SET planned = ? WHERE id = ?", (planned, run_id))

    def finish(self, run_id: int, status: str, seconds: float) -> None:
        with self.conn:
            self.conn.execute("UPDATE eval_runs SET status = ?, finished_at = ?, load_after = ?, "
                              "seconds = seconds + ? WHERE id = ?",
                              (status, now(), json.dumps(load_average()), round(seconds, 1), run_id))

    def run(self, run_id: int) -> Run:
        r = self.conn.execute("SELECT id, task, config, model, backend_kind, hardware, started_at, finished_at, "
                              "status, load_before, load_after, seconds, planned FROM eval_runs WHERE id = ?",
                              (run_id,)).fetchone()
        if r is None:
            raise KeyError(run_id)
        return Run(r[0], r[1], json.loads(r[2]), r[3], r[4], r[5], r[6], r[7], r[8],
                   json.loads(r[9] or "[]"), json.loads(r[10] or "[]"), r[11] or 0.0, r[12])

    def runs(self, ids: list[int] | None = None) -> list[Run]:
        """The given runs, or the latest run of every task and variant (niah and niah multi are two)."""
        if ids:
            return [self.run(i) for i in ids]
        rows = self.conn.execute("SELECT max(id) FROM eval_runs GROUP BY task, "
                                 "coalesce(json_extract(config, '$.variant'), '') ORDER BY task, "
                                 "coalesce(json_extract(config, '$.variant'), '')").fetchall()
        return [self.run(r[0]) for r in rows]

    def done(self, run_id: int) -> set[tuple[str, str]]:
        return set(self.conn.execute("SELECT example_id, strategy FROM eval_results WHERE run_id = ?", (run_id,)))

    def get(self, run_id: int, example_id: str, strategy: str) -> dict | None:
        rows = self.rows(run_id, "example_id = ? AND strategy = ?", (example_id, strategy))
        return rows[0] if rows else None

    def add(self, run_id: int, task: str, row: dict) -> None:
        values = {c: row.get(c) for c in ROW_COLUMNS}
        for c in ("gold", "scores", "meta"):
            values[c] = json.dumps(values[c], default=str)
        cols = ", ".join(("run_id", "task") + ROW_COLUMNS)
        marks = ", ".join("?" * (len(ROW_COLUMNS) + 2))
        with self.conn:
            self.conn.execute(f"INSERT OR REPLACE INTO eval_results ({cols}) VALUES ({marks})",
                              (run_id, task, *values.values()))

    def rows(self, run_id: int, where: str = "1", params: tuple = ()) -> list[dict]:
        cur = self.conn.execute(f"SELECT {', '.join(ROW_COLUMNS)} FROM eval_results "
                                f"WHERE run_id = ? AND {where} ORDER BY id", (run_id, *params))
        out = []
        for r in cur:
            d = dict(zip(ROW_COLUMNS, r))
            for c in ("gold", "scores", "meta"):
                d[c] = json.loads(d[c] or "null")
            out.append(d)
        return out
