"""The default suite (`archivist eval run default`) and a smoke suite (every task on a few examples).

The default suite measures where archivist's promise lives: corpora past the model's window, to a
million tokens. Sized for the default model (SmolLM2-135M, int8 ONNX, 8k window) on this 2-core CPU
with `eval run --threads 1`, measured 2026-12-07 (load 1.5-4, other developers' work beside it):
- the memory strategy reads with extractive notes (`memory_notes` extractive: each chunk's
  sentences scored against the question, no model call while reading, one to answer): a 1M-token
  haystack in 12-20 s a row; with the model writing notes on each of its ~130 chunks it would
  take over 20 minutes a row (and the planner finds it infeasible);
- a haystack corpus is stored and indexed once per (length, depth) or sample: 1M tokens in ~33 s,
  512k ~17 s, so the builds of the whole suite take ~10 min; rag reads ~900 tokens (~5 s a row);
- stuff is run where the haystack fits the window (niah at 1k and 8k: ~10 s and ~100 s a row); past
  the window it is refused with its reason and the row is labelled not_run (score 0, never scored
  on the refusal's words), at no cost.
Items, in order (long-context tasks first; each stops at its time box, minutes one leaves unused
carry over to the next, and no row starts after SUITE_MINUTES, so a busy machine still ends
within the 90 minutes; the boxes add up to more than SUITE_MINUTES, so on a busy machine the last
items get what is left; rerunning the command resumes every unfinished task):
- niah: 1k, 8k, 32k, 128k, 512k, 1M tokens x 5 depths, single needle; memory, rag, auto.
- niah held: the same cells, each with a RULER needle of its own drawn from the seed (the held-back
  half: the planner's lookup rule was written after reading niah's scores on upstream's needle).
- niah multi: k = 4 needles at 128k, 512k, 1M x 3 depths; memory, rag, auto (recall of all 4).
- ruler-fwe, ruler-multivalue, ruler-vt: the held-back half (2 samples a length) at the same six
  lengths; memory, rag, auto.
- leval tune and held: the first question (the tuning half: the planner's rule for a text's own
  passages was written after reading its scores) and the second (held back) of each of 24 whole
  documents (3k-70k tokens); memory, rag, auto. Always-stuff is left out: most documents are past
  the window, and one that fits costs ~60-110 s.
- probes (100): auto, what users get (metadata questions go to exact SQL, no model call), over a
  whole-Enron database built without embeddings (~15 s); 30 of them answered from the raw mbox.
- enron-qa (100) and hotpotqa (100): rag, stuff / self-route as before (a suite run with 40 of each
  took 1.7 and 1.4 min at load 5-7: the reader's prompts are short with the int8 ONNX model).
- niah, stuff alone, at the six lengths x 3 depths, last: it reads the haystack whole at 1k and 8k
  (the suite's costliest rows, ~100 s each at 8k) and is refused past the window at no cost.
Greedy decoding, seed 13.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from archivist.evals.runner import RunConfig
from archivist.evals.tasks.base import shared_data
from archivist.evals.vocab import STRATEGIES, EvalStrategy, TaskName

SUITE_MINUTES = 86.0  # the suite's own time box: no row starts after it, so it ends within 90 minutes
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
    memory_notes: str = ""  # the memory's notes for this item ("": the settings' own)


LENGTHS = [1000, 8000, 32000, 128000, 512000, 1000000]  # to a million tokens; the window is 8k
DEPTHS = [0, 25, 50, 75, 100]
LONG = [128000, 512000, 1000000]
M, R, A, S = EvalStrategy.MEMORY, EvalStrategy.RAG, EvalStrategy.AUTO, EvalStrategy.STUFF
EXTRACTIVE = "extractive"  # the memory's notes in the suite: no model call while reading

DEFAULT_SUITE = [
    SuiteItem(TaskName.NIAH, [M, R, A], lengths=LENGTHS, depths=DEPTHS, minutes=30, memory_notes=EXTRACTIVE),
    SuiteItem(TaskName.NIAH, [M, R, A], lengths=LENGTHS, depths=DEPTHS, variant="held", minutes=10,
              memory_notes=EXTRACTIVE),
    SuiteItem(TaskName.NIAH, [M, R, A], lengths=LONG, depths=[0, 50, 100], variant="multi", minutes=7,
              memory_notes=EXTRACTIVE),
    SuiteItem(TaskName.RULER_FWE, [M, R, A], lengths=LENGTHS, variant="held", minutes=6, memory_notes=EXTRACTIVE),
    SuiteItem(TaskName.RULER_MULTIVALUE, [M, R, A], lengths=LENGTHS, variant="held", minutes=6,
              memory_notes=EXTRACTIVE),
    SuiteItem(TaskName.RULER_VT, [M, R, A], lengths=LENGTHS, variant="held", minutes=6, memory_notes=EXTRACTIVE),
    SuiteItem(TaskName.LEVAL, [M, R, A], limit=24, variant="tune", minutes=6, memory_notes=EXTRACTIVE),
    SuiteItem(TaskName.LEVAL, [M, R, A], limit=24, variant="held", minutes=6, memory_notes=EXTRACTIVE),
    SuiteItem(TaskName.PROBES, [EvalStrategy.AUTO], limit=100, variant="raw", minutes=3),
    SuiteItem(TaskName.ENRON_QA, [EvalStrategy.RAG, EvalStrategy.STUFF, EvalStrategy.SELF_ROUTE], limit=100, minutes=9),
    SuiteItem(TaskName.HOTPOTQA, [EvalStrategy.RAG, EvalStrategy.SELF_ROUTE], limit=100, minutes=8),
    # stuff last, on the niah corpora built above: it reads the haystack whole where it fits the
    # window (1k, 8k: ~10 s and ~100 s a row, the most expensive rows of the suite) and is refused
    # with its reason past it (no model call); what the suite's time leaves of it runs
    SuiteItem(TaskName.NIAH, [S], lengths=LENGTHS, depths=[0, 50, 100], minutes=6),
]
SMOKE_SUITE = [
    SuiteItem(TaskName.PROBES, [EvalStrategy.AUTO], limit=6, variant="raw"),
    SuiteItem(TaskName.ENRON_QA, [EvalStrategy.RAG, EvalStrategy.STUFF, EvalStrategy.SELF_ROUTE], limit=4),
    SuiteItem(TaskName.HOTPOTQA, [EvalStrategy.RAG, EvalStrategy.STUFF, EvalStrategy.AUTO, EvalStrategy.SELF_ROUTE], limit=3),
    SuiteItem(TaskName.LEVAL, [EvalStrategy.RAG, EvalStrategy.STUFF], limit=2),
    SuiteItem(TaskName.NIAH, ALL_STRATEGIES, lengths=[1000], depths=[0, 100]),
    SuiteItem(TaskName.NIAH, [M, R, A], lengths=[1000], depths=[50], variant="multi", memory_notes=EXTRACTIVE),
    SuiteItem(TaskName.RULER_FWE, [M, R, A], lengths=[1000], limit=1, variant="held", memory_notes=EXTRACTIVE),
    SuiteItem(TaskName.NIAH, [M, R, A], lengths=[1000], depths=[50], variant="held", memory_notes=EXTRACTIVE),
    SuiteItem(TaskName.LEVAL, [M, R, A], limit=1, variant="held", memory_notes=EXTRACTIVE),
]
SUITES = {"default": DEFAULT_SUITE, "smoke": SMOKE_SUITE}


def config_of(item: SuiteItem, data: str | None = None, **kw) -> RunConfig:
    return RunConfig(task=item.task, strategies=list(item.strategies), limit=item.limit,
                     lengths=list(item.lengths), depths=list(item.depths), data=data,
                     variant=item.variant, memory_notes=item.memory_notes, **kw)


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
