"""Batched greedy generation for TransformersLLM: several prompts in one left-padded `generate`.

On a GPU one decode step costs about the same for 1 or 8 sequences at 135M scale (the time is
Python and kernel launches, not arithmetic), so `archivist summarize` sends groups in batches.
Prompts are left-padded with an attention mask, so each row continues from its own last token
with the positions it would have alone; the texts equal the serial ones (tests/test_summarize_batch.py;
SmolLM2-135M in bench/summarize_batch.py). On CPU it does not pay: prefill dominates there, costs
the same per row batched or not, and a padded batch's prefill runs attention with an explicit mask
instead of the causal fast path (bench/results/summarize_batch_cpu*.json).
Only greedy, unconstrained attention-model calls are batched: sampling (a seed per call), choices,
JSON schemas and recurrent models (whose state padding would touch) run one by one through
`generate`, the reference path.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from archivist.backends.base import GenerateOptions, Message
from archivist.backends.text import apply_stop

if TYPE_CHECKING:
    from archivist.backends.hf import TransformersLLM


def batchable(llm: "TransformersLLM", options: GenerateOptions) -> bool:
    """Whether a batch under these options runs as one padded call (else prompt by prompt)."""
    return (llm.kind == "attention" and options.temperature <= 0
            and not options.choices and not options.json_schema)


def generate_batch(llm: "TransformersLLM", batch: list[list[Message]],
                   options: GenerateOptions | None = None) -> list[str]:
    """One text per prompt, each what `llm.generate(prompt, options=options)` returns."""
    options = options or GenerateOptions()
    if len(batch) <= 1 or not batchable(llm, options):
        return [llm.generate(messages, options=options) for messages in batch]
    rows = [llm.prompt_ids(messages)[0] for messages in batch]
    for row in rows:  # every prompt is checked before any is run, as generate() checks one
        llm._check_length(len(row), options)
    ids, mask = _left_padded(rows, _pad_id(llm))
    # generate stops a row at its stop string (the batch ends when every row has); the rows
    # padded after that are cut below, each text at its first stop string as generate() does
    kw = llm._gen_kwargs(ids, options)
    kw["attention_mask"] = mask.to(llm.device)
    import torch
    with llm._lock, torch.inference_mode():
        out = llm.model.generate(**kw)
    new = out[:, ids.shape[1]:].tolist()
    return [apply_stop(llm.tok.decode(_until_eos(tokens, llm.eos_ids), skip_special_tokens=True),
                       options.stop) for tokens in new]


def _pad_id(llm: "TransformersLLM") -> int:
    pad = llm.tok.pad_token_id
    return int(pad) if pad is not None else min(llm.eos_ids or {0})


def _left_padded(rows, pad: int):
    """(ids, attention mask): rows right-aligned, pad tokens masked out on the left."""
    import torch
    width = max(len(r) for r in rows)
    ids = torch.full((len(rows), width), pad, dtype=rows[0].dtype)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for i, row in enumerate(rows):
        ids[i, width - len(row):] = row
        mask[i, width - len(row):] = 1
    return ids, mask


def _until_eos(tokens: list[int], eos_ids: set[int]) -> list[int]:
    """A row's tokens up to its first EOS (after it, generate pads finished rows)."""
    for i, t in enumerate(tokens):
        if t in eos_ids:
            return tokens[:i]
    return tokens
