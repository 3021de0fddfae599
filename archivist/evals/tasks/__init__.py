"""The eval tasks, one small class each, by name (`archivist eval run TASK`)."""
from __future__ import annotations

from archivist.errors import InputError
from archivist.evals.tasks.archive_span import ArchiveSpanTask
from archivist.evals.tasks.base import ALL, Example, Task, TaskOptions
from archivist.evals.tasks.blind import SETS, BlindTask
from archivist.evals.tasks.enron_qa import EnronQaTask
from archivist.evals.tasks.hotpot_retrieval import HotpotRetrievalTask
from archivist.evals.tasks.hotpotqa import HotpotTask
from archivist.evals.tasks.leval import LevalTask
from archivist.evals.tasks.niah import NiahTask
from archivist.evals.tasks.probes import ProbesTask, enron_mbox
from archivist.evals.tasks.relevance_floor import RelevanceFloorTask
from archivist.evals.tasks.ruler import FrequentWordsTask, MultiValueTask, VariableTrackingTask
from archivist.evals.tasks.search_enron import SearchEnronTask
from archivist.evals.tasks.summaries import SummariesTask
from archivist.evals.vocab import TaskName

TASKS: dict[str, type[Task]] = {task.name: task for task in (
    NiahTask, HotpotTask, LevalTask, EnronQaTask, ProbesTask, HotpotRetrievalTask, SearchEnronTask, BlindTask,
    RelevanceFloorTask, SummariesTask, FrequentWordsTask, MultiValueTask, VariableTrackingTask, ArchiveSpanTask)}
PARAPHRASE, RAW, MULTI, TUNE, HELD = "paraphrase", "raw", "multi", "tune", "held"
RULER = (TaskName.RULER_FWE, TaskName.RULER_MULTIVALUE, TaskName.RULER_VT)
VARIANTS = {TaskName.NIAH: ("", MULTI, HELD), TaskName.LEVAL: ("", TUNE, HELD), TaskName.PROBES: ("", RAW, PARAPHRASE), TaskName.BLIND: ("", *SETS),
            **{name: ("", TUNE, HELD) for name in (*RULER, TaskName.ARCHIVE_SPAN)}}


def make_task(name: str, options: TaskOptions, variant: str = "") -> Task:
    """The task called `name` over options.data (or its shared default). Variants: niah 'multi'
    (four needles) and 'held' (RULER needles drawn per cell, nothing tuned on them); leval 'tune'
    (each document's first question) and 'held' (its second); probes 'raw' (part of the questions answered from the raw Enron mbox files)
    and 'paraphrase' (every generated question, no model); blind: one question set; ruler-*:
    'tune' or 'held', one half of the samples; archive-span: 'tune' or 'held', one half of each kind's
    examples."""
    if name not in TASKS:
        raise InputError(f"unknown eval task {name!r}; use one of {', '.join(TASKS)} or 'default'")
    if variant and variant not in VARIANTS.get(name, ("",)):
        raise InputError(f"task {name} has no variant {variant!r}")
    if name == TaskName.NIAH:
        return NiahTask(options, multi=variant == MULTI, held=variant == HELD)
    if name == TaskName.LEVAL:
        return LevalTask(options, half=variant)
    if name == TaskName.PROBES:
        return ProbesTask(options, raw_mbox=enron_mbox() if variant == RAW else None,
                          paraphrase=variant == PARAPHRASE)
    if name == TaskName.BLIND:
        return BlindTask(options, sets=(variant,) if variant else SETS)
    if name in (*RULER, TaskName.ARCHIVE_SPAN):
        return TASKS[name](options, half=variant)
    return TASKS[name](options)


__all__ = ["ALL", "Example", "Task", "TaskOptions", "TASKS", "VARIANTS", "make_task"]
