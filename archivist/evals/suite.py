"""The default suite (`archivist eval run default`): every task sized so that the whole suite
takes ~35-40 min on a quiet 2-core CPU with the default model (SmolLM2-135M, transformers,
~150 prompt tokens/s and ~115 ms per generated token on one thread, an 8k window).

Why these sizes and strategy subsets:
- niah runs every strategy on 4 lengths x 5 depths (20 corpora): the comparison the task exists
  for; stuff and memory read the whole haystack (~75k tokens each over the grid), the bulk of
  the suite's time.
- hotpotqa (100): rag over the pool and self-route (stuff of the question's own paragraphs only
  when rag says it cannot answer); always-stuff on 100 questions would add ~20 min.
- enron-qa (100): rag and stuff (the reader comparison, which is what the task measures) and
  self-route, which reuses both rows at no extra cost.
- probes (100): auto (what users get: the planner sends metadata questions to exact SQL), over a
  whole-Enron database built without embeddings (~15 s), 30% of them answered from the raw mbox
  files (the folded-in Enron agent benchmark).
Answers are capped at 32 tokens, the memory notes at 64; greedy decoding, seed 13.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from archivist.evals.runner import RunConfig
from archivist.evals.tasks.base import shared_data

ALL_STRATEGIES = ["rag", "stuff", "memory", "query", "auto", "self-route"]


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
    SuiteItem("probes", ["auto"], limit=100, variant="raw", minutes=6),
    SuiteItem("enron-qa", ["rag", "stuff", "self-route"], limit=100, minutes=12),
    SuiteItem("hotpotqa", ["rag", "self-route"], limit=100, minutes=10),
    SuiteItem("niah", ALL_STRATEGIES, lengths=[1000, 2000, 4000, 8000], depths=[0, 25, 50, 75, 100],
              minutes=28),
]
SMOKE_SUITE = [
    SuiteItem("probes", ["auto"], limit=6, variant="raw"),
    SuiteItem("enron-qa", ["rag", "stuff", "self-route"], limit=4),
    SuiteItem("hotpotqa", ["rag", "stuff", "auto", "self-route"], limit=3),
    SuiteItem("leval", ["rag", "stuff"], limit=2),
    SuiteItem("niah", ALL_STRATEGIES, lengths=[1000], depths=[0, 100]),
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
    from archivist.evals.runner import Runner, eval_settings
    from archivist.evals.tasks import TaskOptions, make_task
    from archivist.agent.llm import Model
    s = eval_settings(settings, cfg)
    model = model or Model(s)
    count = model.count_tokens if cfg.task == "niah" else None
    options = TaskOptions(data=Path(cfg.data) if cfg.data else None, limit=cfg.limit, lengths=cfg.lengths,
                          depths=cfg.depths, seed=cfg.seed, count_tokens=count,
                          budget=model.budget() if count else 0)
    task = make_task(cfg.task, options, cfg.variant)
    return Runner(task, cfg, s, results, workdir, model, on_progress, max_seconds).run(fresh)


def run_suite(items: list[SuiteItem], settings, results, workdir: Path, on_progress=None,
              time_boxed: bool = True, fresh: bool = False, **knobs) -> list:
    """Every item in order with one model; probes over a whole-Enron database built under workdir
    unless its data is given. Each item stops at its time box (status 'partial'); rerun to go on."""
    from archivist.agent.llm import Model
    from archivist.evals.runner import eval_settings
    summaries, model = [], None
    for item in items:
        data = str(enron_db(workdir, on_progress)) if item.task == "probes" else None
        cfg = config_of(item, data, **knobs)
        model = model or Model(eval_settings(settings, cfg))
        summaries.append(run_config(cfg, settings, results, workdir, model, on_progress,
                                    item.minutes * 60 if time_boxed else None, fresh))
    return summaries
