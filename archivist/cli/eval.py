"""`archivist eval run|report`: the eval harness (archivist.evals) as commands. Registered on
the root app (cli/root.py) when archivist.cli is imported."""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Optional

import typer

from archivist.cli.options import JsonOpt, examples
from archivist.cli.root import app, emit, err, out, run, settings
from archivist.errors import InputError
from archivist.evals.vocab import TaskName
from archivist.progress import Event, Level, Stage


eval_app = typer.Typer(help="Evaluate strategies (rag, stuff, memory, query, auto, self-route) on "
                            "public tasks or your own archive; results in SQLite, Markdown reports.",
                       no_args_is_help=True,
                       epilog=examples("archivist eval run default", "archivist eval run niah --lengths 1000,4000 "
                                       "--depths 0,50,100 --strategies rag,stuff", "archivist eval report --out docs/evals"))
app.add_typer(eval_app, name="eval")


ResultsOpt = typer.Option(Path("evals.db"), "--results", help="SQLite file of eval runs and results.")


def _list(value: Optional[str], cast, what: str) -> list:
    if not value:
        return []
    try:
        return [cast(v.strip()) for v in value.split(",") if v.strip()]
    except ValueError:
        raise InputError(f"--{what}: expected comma-separated numbers, got {value!r}") from None


class LineProgress:
    """Eval progress as plain lines on stderr (a log file, not a terminal): one per row."""

    def __call__(self, event: Event) -> None:
        if event.level is Level.WARNING:
            print(f"warning: {event.message}", file=sys.stderr, flush=True)
        elif event.stage is Stage.EVALUATING:
            count = f"[{event.done}/{event.total}] " if event.total else ""
            print(f"{time.strftime('%H:%M:%S')} {count}{event.message}", file=sys.stderr, flush=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _progress():
    from archivist.cli.render import ProgressRenderer
    return ProgressRenderer(err) if err.is_terminal else LineProgress()


@eval_app.command("run", epilog=examples(
    "archivist eval run default", "archivist eval run smoke --results /tmp/evals.db",
    "archivist eval run niah --strategies rag,stuff,self-route --lengths 1000,2000 --depths 0,50,100",
    "archivist eval run hotpotqa --limit 20", "archivist eval run probes --data my_archive.db --limit 50",
    "archivist --llm echo eval run enron-qa --limit 5"))
def eval_run(task: str = typer.Argument(..., help=" | ".join(TaskName) + ", or a suite: default | smoke"),
             strategies: Optional[str] = typer.Option(None, "--strategies", help="Comma list of rag, stuff, "
                                                      "memory, query, auto, self-route; retrieval tasks: hybrid, "
                                                      "dense, bm25 (default: the task's)."),
             limit: Optional[int] = typer.Option(None, "--limit", min=1, help="At most N examples."),
             lengths: Optional[str] = typer.Option(None, "--lengths", help="niah and ruler-* context lengths "
                                                   "in tokens, e.g. 1000,2000,4000,8000"),
             depths: Optional[str] = typer.Option(None, "--depths", help="niah needle depths in percent, "
                                                  "e.g. 0,25,50,75,100"),
             data: Optional[Path] = typer.Option(None, "--data", help="Data file/folder (probes: an archivist "
                                                 "database); default: the shared data folder."),
             variant: str = typer.Option("", "--variant", help="niah: multi (four needles) or held (a RULER "
                                         "needle drawn per cell); leval: tune or held (each document's first or second "
                                         "question); probes: raw "
                                         "(part answered from the raw Enron mbox files) or paraphrase (every "
                                         "generated question, no model); blind: one question set, e.g. v4_held; ruler-*: "
                                         "tune or held (one half of the samples); archive-span: tune or held."),
             results: Path = ResultsOpt,
             workdir: Optional[Path] = typer.Option(None, "--workdir", help="Where corpora are built "
                                                    "(default: RESULTS.work)."),
             max_new_tokens: int = typer.Option(32, "--max-new-tokens", min=1, help="Answer cap in tokens."),
             top_k: int = typer.Option(3, "--top-k", min=1, help="Passages rag retrieves."),
             seed: int = typer.Option(13, "--seed"),
             memory_notes: str = typer.Option("", "--memory-notes", help="The memory strategy's notes: "
                                              "extractive (no model call while reading), model or both "
                                              "(default: the settings' own; suites set theirs per task)."),
             threads: int = typer.Option(0, "--threads", min=0, help="CPU threads of a local model; 0 (default): "
                                         "all cores; 1 keeps timings sane on a machine shared with others."),
             max_minutes: Optional[float] = typer.Option(None, "--max-minutes", help="Stop after this many "
                                                         "minutes (rerun to resume); suites: per-task boxes."),
             fresh: bool = typer.Option(False, "--fresh", help="A new run instead of resuming."),
             as_json: bool = JsonOpt) -> None:
    """Run a task (or a suite) and store one row per example x strategy x model; reruns resume."""
    def body():
        from archivist.evals.results import Results
        from archivist.evals.runner import RunConfig
        from archivist.evals.suite import ALL_STRATEGIES, SUITES, run_config, run_suite
        from archivist.evals.tasks import TASKS
        if memory_notes not in ("", "extractive", "model", "both"):
            raise InputError(f"--memory-notes: use extractive, model or both, not {memory_notes!r}")
        cfg_settings = settings(threads=threads)
        work = workdir or results.with_suffix(".work")
        knobs = {"max_new_tokens": max_new_tokens, "top_k": top_k, "seed": seed}
        t0 = time.perf_counter()
        with Results(results) as store, _progress() as show:
            if task in SUITES:
                summaries = run_suite(SUITES[task], cfg_settings, store, work, show,
                                      time_boxed=max_minutes is None, fresh=fresh, **knobs)
            else:
                if task not in TASKS:
                    raise InputError(f"unknown eval task {task!r}; use {', '.join(TASKS)}, or "
                                     f"{', '.join(SUITES)}")
                chosen = _list(strategies, str, "strategies") or \
                    list(TASKS[task].strategies if task != "niah" else ALL_STRATEGIES)
                cfg = RunConfig(task, chosen, limit, _list(lengths, int, "lengths"), _list(depths, float, "depths"),
                                str(data) if data else None, variant=variant, memory_notes=memory_notes, **knobs)
                summaries = [run_config(cfg, cfg_settings, store, work, None, show,
                                        max_minutes * 60 if max_minutes else None, fresh)]
        for s in summaries:
            emit(vars(s), as_json) if as_json else out.print(
                f"run {s.run_id} {s.task}: {s.rows} rows now, {s.skipped} resumed, {s.planned} planned, "
                f"{s.seconds:.0f}s, {s.status}", markup=False)
        err.print(f"wall time {time.perf_counter() - t0:.0f}s; results in {results} "
                  f"(`archivist eval report --results {results}`)", markup=False)
    run(body)


@eval_app.command("report", epilog=examples("archivist eval report", "archivist eval report 3 4 --out docs/evals",
                                            "archivist eval report --results /tmp/evals.db --json",
                                            "archivist eval report --results docs/evals/results.db --readme README.md"))
def eval_report(run_ids: Optional[list[int]] = typer.Argument(None, help="Run ids (default: the latest of "
                                                                          "every task)."),
                results: Path = ResultsOpt,
                out_dir: Path = typer.Option(Path("eval-report"), "--out", help="Folder for report.md and PNGs."),
                bench: Optional[Path] = typer.Option(None, "--backends-bench", help="backends bench JSON for the "
                                                     "attention vs SSM plot (default bench/results/backends_cpu.json)."),
                readme: Optional[Path] = typer.Option(None, "--readme", help="Instead of a report, rewrite "
                                                      "this file's tables between <!-- eval:TASK --> markers."),
                as_json: bool = JsonOpt) -> None:
    """Markdown report with tables and PNG plots of stored runs (or a README's result tables)."""
    def body():
        from archivist.evals.readme import update_readme
        from archivist.evals.report import write_report
        from archivist.evals.results import Results
        if not results.exists():
            raise InputError(f"no eval results at {results}; run `archivist eval run TASK` first")
        with Results(results) as store:
            if readme is not None:
                filled = update_readme(readme, store)
                return out.print(f"rewrote {len(filled)} tables in {readme}: {'; '.join(filled)}", markup=False)
            report = write_report(store, run_ids or None, out_dir, bench)
        if as_json:
            sys.stdout.write(json.dumps(report.summary, default=str) + "\n")
        else:
            out.print(f"wrote {report.path} and {len(report.figures)} figures", markup=False)
    run(body)
