"""The default suite (`archivist eval run default`) and a smoke suite (probes, enron-qa, hotpotqa,
leval and niah on a few examples each).

Sized for the default model (SmolLM2-135M, transformers, 8k window) on this 2-core CPU. Quiet-machine
arithmetic at the measured ~153 prompt tokens/s (times 1 + t/8192 for attention) and ~115 ms per
generated token on ONE thread, answers capped at 32 tokens (~24 written), memory notes at 128:
- niah, every strategy on 4 lengths (1k, 2k, 4k, 8k) x 5 depths = 20 corpora: rag and auto read
  ~860 tokens (~8 s a row); stuff reads the haystack (1k: ~10 s ... 8k: ~104 s a row; ~14 min over
  the grid); memory reads it too plus notes (up to 128 tokens) (~18 min); query is refused at once (not a
  metadata question); self-route reuses the rag and stuff rows. ~36 min on one thread.
- hotpotqa (100): rag over the pooled paragraphs (6 for a multi-hop question, ~1k tokens, ~10 s)
  and self-route (stuff of the question's own ~10 paragraphs only when rag says it cannot
  answer). Always-stuff on all 100 would add ~23 min, so the Self-Route table's LC column comes
  from niah and enron-qa. ~18 min.
- enron-qa (100): rag (3 passages, ~500 tokens) and stuff (the email, ~650 tokens): the reader
  comparison the task is for; self-route reuses both rows. ~20 min.
- probes (100): auto, what users get (metadata questions go to exact SQL, no model call), over a
  whole-Enron database built without embeddings (~15 s); 30 of them answered from the raw mbox
  files (the folded-in Enron agent benchmark). ~1 min.
That is ~75 min on one thread (`eval run --threads 1`; two torch threads on a
shared 2-core machine ran one stuff call 4x slower, 198 s vs 52 s). Measured with both cores
(`--threads 0`, the default; other work at low priority): 48.7 min, every task complete (probes 1.0, enron-qa
12.5, hotpotqa 8.5, niah 26.0 min).
On a shared machine each task stops at its time box (SuiteItem.minutes) and the suite at 55 min,
so the command ends within the hour; rerunning it resumes every unfinished task.
Greedy decoding, seed 13.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from archivist.evals.runner import RunConfig
from archivist.evals.tasks.base import shared_data
from archivist.evals.vocab import STRATEGIES, EvalStrategy, TaskName

SUITE_MINUTES = 55.0  # the suite's own time box: it ends within the hour even on a busy machine
ALL_STRATEGIES = list(STRATEGIES)


@dataclass
class SuiteItem:
    task: str
    strategies: list[str]
    limit: int | None = None
    lengths: list[int] = field(default_factory=list)
    depths: list[float] = field(default_factory=list)
    variant: str = ""
    minutes: float = 20.0  # time box of this task in the suite (a shared machine must still finish)


DEFAULT_SUITE = [
    SuiteItem(TaskName.PROBES, [EvalStrategy.AUTO], limit=100, variant="raw", minutes=4),
    SuiteItem(TaskName.ENRON_QA, [EvalStrategy.RAG, EvalStrategy.STUFF, EvalStrategy.SELF_ROUTE], limit=100, minutes=14),
    SuiteItem(TaskName.HOTPOTQA, [EvalStrategy.RAG, EvalStrategy.SELF_ROUTE], limit=100, minutes=13),
    SuiteItem(TaskName.NIAH, ALL_STRATEGIES, lengths=[1000, 2000, 4000, 8000], depths=[0, 25, 50, 75, 100],
              minutes=24),
]
SMOKE_SUITE = [
    SuiteItem(TaskName.PROBES, [EvalStrategy.AUTO], limit=6, variant="raw"),
    SuiteItem(TaskName.ENRON_QA, [EvalStrategy.RAG, EvalStrategy.STUFF, EvalStrategy.SELF_ROUTE], limit=4),
    SuiteItem(TaskName.HOTPOTQA, [EvalStrategy.RAG, EvalStrategy.STUFF, EvalStrategy.AUTO, EvalStrategy.SELF_ROUTE], limit=3),
    SuiteItem(TaskName.LEVAL, [EvalStrategy.RAG, EvalStrategy.STUFF], limit=2),
    SuiteItem(TaskName.NIAH, ALL_STRATEGIES, lengths=[1000], depths=[0, 100]),
]
SUITES = {"default": DEFAULT_SUITE, "smoke": SMOKE_SUITE}


def config_of(item: SuiteItem, data: str | None = None, **kw) -> RunConfig:
    return RunConfig(task=item.task, strategies=list(item.strategies), limit=item.limit,
                     lengths=list(item.lengths), depths=list(item.depths), data=data,
                     variant=item.variant, **kw)


def enron_db(workdir: Path, on_progress=None) -> Path:
    """A whole-Enron database without embeddings under workdir, ingested once (~15 s)."""
    from archivist.corpus.ingest import ingest_paths
    from archivist.store import Store
    path = workdir / "enron_whole.db"
    done = path.with_suffix(".ok")
    if not done.exists():
        enron = shared_data() / "enron"
        sources = [p for p in (enron / "mbox", enron / "maildir") if p.exists()]
        if not sources:
            from archivist.errors import InputError
            raise InputError(f"probes: no Enron data at {enron}; pass --data PATH of your own database")
        with Store(path) as store:
            ingest_paths(store, sources, on_progress=on_progress)
        done.write_text("ok")
    return path


def run_config(cfg: RunConfig, settings, results, workdir: Path, model=None, on_progress=None,
               max_seconds: float | None = None, fresh: bool = False):
    """One task run (resuming an unfinished run of the same config); its RunSummary."""
    from archivist.answering.model import Model
    from archivist.evals.runner import Runner, eval_settings
    from archivist.evals.tasks import TASKS, TaskOptions, make_task
    s = eval_settings(settings, cfg)
    model = model or Model(s)
    count = model.count_tokens if cfg.task in TASKS and TASKS[cfg.task].sized else None
    options = TaskOptions(data=Path(cfg.data) if cfg.data else None, limit=cfg.limit, lengths=cfg.lengths,
                          depths=cfg.depths, seed=cfg.seed, count_tokens=count,
                          budget=model.budget() if count else 0)
    task = make_task(cfg.task, options, cfg.variant)
    return Runner(task, cfg, s, results, workdir, model, on_progress, max_seconds).run(fresh)


def run_suite(items: list[SuiteItem], settings, results, workdir: Path, on_progress=None,
              time_boxed: bool = True, fresh: bool = False, total_minutes: float = SUITE_MINUTES,
              **knobs) -> list:
    """Every item in order with one model; probes over a whole-Enron database built under workdir
    unless its data is given. Each item stops at its time box (status 'partial'; rerun to go on)
    plus what earlier items left of theirs, and no item starts a row after total_minutes, so a busy machine still ends within the hour."""
    import time

    from archivist.answering.model import Model
    from archivist.evals.runner import eval_settings
    summaries, model, t0, planned = [], None, time.perf_counter(), 0.0
    for item in items:
        data = str(enron_db(workdir, on_progress)) if item.task == "probes" else None
        cfg = config_of(item, data, **knobs)
        model = model or Model(eval_settings(settings, cfg))
        planned += item.minutes * 60  # minutes an earlier task did not use carry over to this one
        elapsed = time.perf_counter() - t0
        box = max(0.0, min(planned - elapsed, total_minutes * 60 - elapsed)) if time_boxed else None
        summaries.append(run_config(cfg, settings, results, workdir, model, on_progress, box, fresh))
    return summaries
