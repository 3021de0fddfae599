"""The README's result tables, generated from stored eval runs (`archivist eval report --readme
README.md`). A table sits between marker comments naming a task and, optionally, config values
the run must have:

    <!-- eval:probes variant=paraphrase seed=131 -->
    (generated: replaced on every rewrite)
    <!-- /eval:probes -->

The latest finished run that matches fills it: a line naming the run (n, model, hardware, day,
load) and the per-group table (groups.py). Hand-written text stays outside the markers."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from archivist.errors import InputError
from archivist.evals.groups import group_table
from archivist.evals.results import Results, Run

MARKER = re.compile(r"(<!-- eval:(?P<spec>[^>]*?) -->\n)(?P<body>.*?)(<!-- /eval:(?P<task>[\w-]+) -->)", re.S)
DONE = "done"  # a run's status once every planned row is stored


@dataclass
class Spec:
    task: str
    config: dict[str, str]  # config key -> value as written (compared as text)

    @classmethod
    def parse(cls, text: str) -> "Spec":
        task, *pairs = text.split()
        bad = [p for p in pairs if "=" not in p]
        if bad:
            raise InputError(f"README marker eval:{text}: expected key=value after the task, got {bad[0]!r}")
        return cls(task, dict(p.split("=", 1) for p in pairs))

    def matches(self, run: Run) -> bool:
        return run.task == self.task and run.status == DONE and all(
            str(run.config.get(k, "")) == v for k, v in self.config.items())


def latest(results: Results, spec: Spec) -> Run | None:
    ids = [r[0] for r in results.conn.execute("SELECT id FROM eval_runs WHERE task = ? ORDER BY id DESC",
                                              (spec.task,))]
    return next((run for run in map(results.run, ids) if spec.matches(run)), None)


def describe(run: Run, rows: list[dict]) -> str:
    day = (run.finished_at or run.started_at or "")[:10]
    examples = len({r["example_id"] for r in rows})
    return (f"Run {run.id} of `{run.task}`: {examples} examples, {run.seconds / 60:.1f} min, model "
            f"{run.model}, {run.hardware}, {day}, load {run.load_before} -> {run.load_after}.")


def table(results: Results, spec: Spec) -> list[str]:
    """The generated lines of one marker."""
    from archivist.evals.tasks import TASKS
    run = latest(results, spec)
    if run is None:
        raise InputError(f"no finished run of {spec.task} with {spec.config or 'any config'} in the results")
    rows = results.rows(run.id)
    tallies = TASKS[run.task].tallies if run.task in TASKS else ()
    return [describe(run, rows), ""] + group_table(rows, list(run.config.get("strategies", [])), tallies)


def rewrite(text: str, results: Results) -> tuple[str, list[str]]:
    """The text with every marked table regenerated, and the markers' specs."""
    done = []

    def fill(m: re.Match) -> str:
        spec = Spec.parse(m["spec"])
        if spec.task != m["task"]:
            raise InputError(f"README marker eval:{m['spec']} closed by /eval:{m['task']}")
        done.append(m["spec"])
        return m.group(1) + "\n".join(table(results, spec)) + "\n" + m.group(4)
    return MARKER.sub(fill, text), done


def update_readme(path: Path, results: Results) -> list[str]:
    """Rewrites path's marked tables in place; the specs it filled."""
    text, done = rewrite(path.read_text(encoding="utf-8"), results)
    path.write_text(text, encoding="utf-8")
    return done
