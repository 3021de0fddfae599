"""The model calls of one `summarize` level: `concurrency` requests in flight (a server), and
`batch_size` prompts in one call where the model batches them (local transformers; by default on
CUDA only, bench/summarize_batch.py). A task is anything with `messages` (empty: nothing to call)
and a `gen` to fill; each is finished (checked, saved) as soon as its call returns.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Callable

GPU_BATCH = 8  # batch_size=auto on CUDA: one decode step costs about the same for 1 or 8 rows
CPU_BATCH = 1  # batch_size=auto on CPU (bench/summarize_batch.py)


def batch_size(job) -> int:
    """Groups per model call: the setting, else (0: auto) GPU_BATCH for a batching model on CUDA
    and CPU_BATCH on CPU; 1 for backends that cannot batch."""
    wanted = job.settings.memory.batch_size
    if not job.model.batches():
        return 1
    if wanted:
        return wanted
    device = getattr(job.model.llm(), "device", None)
    return GPU_BATCH if getattr(device, "type", "") == "cuda" else CPU_BATCH


def _batches(todo: list, size: int) -> list[list]:
    """Tasks in batches of `size`, shortest prompts first, so a batch's rows are padded little."""
    if size <= 1:
        return [[t] for t in todo]
    ordered = sorted(todo, key=lambda t: sum(len(m.content) for m in t.messages))
    return [ordered[i:i + size] for i in range(0, len(ordered), size)]


def call_all(job, tasks: list, finish: Callable, max_tokens: int) -> None:
    """The model calls of a batch, `concurrency` in flight (only the calls run in threads), in
    batches of batch_size prompts when the model batches; each task is finished (checked, saved)
    as soon as its call returns."""
    todo = [t for t in tasks if t.messages]
    for task in tasks:
        if not task.messages:
            finish(task)
    if not todo:
        return
    job.model.llm()  # load once, here, not in a worker
    size = batch_size(job)

    def run(batch: list) -> list:
        if size <= 1:
            batch[0].gen = job.model.generate(batch[0].messages, max_tokens=max_tokens)
            return batch
        gens = job.model.generate_batch([t.messages for t in batch], max_tokens=max_tokens)
        for task, gen in zip(batch, gens):
            task.gen = gen
        return batch

    with ThreadPoolExecutor(max(1, job.settings.memory.concurrency)) as pool:
        futures = [pool.submit(run, batch) for batch in _batches(todo, size)]
        for future in as_completed(futures):
            for task in future.result():
                finish(task)
