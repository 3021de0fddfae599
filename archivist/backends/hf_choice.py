"""Constrained choice for local models: a prefix trie over the tokenised choices masks the logits so
every decoding step can only continue some choice, and end-of-text is allowed only when one is done."""
from __future__ import annotations

import torch
from transformers import LogitsProcessor


class ChoiceTrie:
    """Token-id sequences of the choices, and for each prefix the tokens allowed next."""

    def __init__(self, tokenizer, choices: list[str], eos_id: int):
        self.choices = choices
        self.eos_id = eos_id
        self.seqs = [tuple(tokenizer(c, add_special_tokens=False).input_ids) for c in choices]
        self.allowed: dict[tuple[int, ...], set[int]] = {}
        for seq in self.seqs:
            for i in range(len(seq)):
                self.allowed.setdefault(seq[:i], set()).add(seq[i])
            self.allowed.setdefault(seq, set()).add(eos_id)

    @property
    def max_len(self) -> int:
        return max(len(s) for s in self.seqs) + 1

    def next_tokens(self, prefix: tuple[int, ...]) -> list[int]:
        return sorted(self.allowed.get(prefix, {self.eos_id}))

    def match(self, generated: list[int]) -> str:
        """The choice whose tokens were generated (a prefix match picks the shortest completion)."""
        gen = tuple(t for t in generated if t != self.eos_id)
        for choice, seq in zip(self.choices, self.seqs):
            if seq == gen:
                return choice
        for choice, seq in sorted(zip(self.choices, self.seqs), key=lambda cs: len(cs[1])):
            if seq[:len(gen)] == gen:
                return choice
        return self.choices[0]


class ChoiceMask(LogitsProcessor):
    """Sets every token outside the trie's allowed set to -inf (batch of one prompt)."""

    def __init__(self, trie: ChoiceTrie, prompt_len: int):
        self.trie = trie
        self.prompt_len = prompt_len

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor) -> torch.FloatTensor:
        mask = torch.full_like(scores, float("-inf"))
        for row in range(input_ids.shape[0]):
            prefix = tuple(input_ids[row, self.prompt_len:].tolist())
            allowed = [t for t in self.trie.next_tokens(prefix) if t < scores.shape[-1]]
            mask[row, allowed] = 0.0
        return scores + mask
