"""The one place a job loads and calls the language model.

`ask` and `chat` create one Model per run (chat: per session) and hand it to the graph through
the runtime context; summarize, SSM memory and evals make their own. Loading is deferred to the
first call that needs the model, so exact metadata answers never load one; until then the window
and kind are assumed from the settings.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

from archivist.backends.base import LLM, Capability, GenerateOptions, Message, supports
from archivist.backends.settings import ModelSettings
from archivist.config import Settings
from archivist.progress import Event, OnProgress, Stage
from archivist.records import ModelKind
from archivist.timing import Timings

DEFAULT_WINDOW = 8192  # assumed before the model is loaded (SmolLM2's window)
ANSWER_PROMPT = 200  # tokens of instructions and question around the documents of one call


@dataclass
class Generation:
    text: str
    tokens_in: int
    tokens_out: int


@dataclass(frozen=True)
class ModelInfo:
    window: int
    kind: ModelKind
    loaded: bool  # False: window and kind are assumed from the settings


class Model:
    """An LLM for one run or chat session: loaded at most once, every call counted."""

    def __init__(self, settings: Settings, llm: LLM | None = None,
                 loader: Callable[[ModelSettings], LLM] | None = None):
        self.settings, self._llm, self._loader = settings, llm, loader
        self.calls = 0
        self.on_token: Callable[[str], None] | None = None  # streaming sink (chat)
        self.on_progress: OnProgress | None = None  # told when the (slow) load starts and ends
        self.timings: Timings | None = None  # the current answer's clock (set per ask)

    @property
    def loaded(self) -> bool:
        return self._llm is not None

    @property
    def name(self) -> str:
        return getattr(self._llm, "name", "") if self._llm is not None else ""

    def llm(self) -> LLM:
        """The backend, loaded on first use."""
        if self._llm is None:
            if self._loader is None:
                from archivist.backends.registry import load_llm
                self._loader = load_llm
            model = self.settings.model
            self._report(self._preparing() or f"{model.llm} {model.llm_model}".strip())
            start = time.perf_counter()
            self._llm = self._loader(model)
            seconds = time.perf_counter() - start
            if self.timings is not None:
                self.timings.add("model_load", seconds)
            self._report(f"{self.name or model.llm} loaded in {seconds:.1f} s", loaded=True)
        return self._llm

    def _preparing(self) -> str:
        """A one-time build the load must do first (the smollm2 ONNX export), said up front."""
        if self._loader is not None and getattr(self._loader, "__module__", "") \
                != "archivist.backends.registry":
            return ""
        from archivist.backends.registry import preparing
        return preparing(self.settings.model)

    def _report(self, message: str, loaded: bool = False) -> None:
        """A load status; the last one (`loaded`) counts 1/1, so a listener can tell it is done."""
        if self.on_progress is not None:
            self.on_progress(Event(Stage.LOADING_MODEL, int(loaded), 1 if loaded else None,
                                   message=message))

    def info(self) -> ModelInfo:
        """Context window and kind: the model's own once loaded, else assumed from the settings."""
        s = self.settings
        window = s.answer.context_tokens
        if self._llm is not None:
            return ModelInfo(window or self._llm.context_window, ModelKind(self._llm.kind), True)
        kind = {"openai": ModelKind.REMOTE, "echo": ModelKind.ECHO}.get(s.model.llm, ModelKind.ATTENTION)
        return ModelInfo(window or s.model.context_window or DEFAULT_WINDOW, kind, False)

    def budget(self) -> int:
        """Tokens of document context one call may carry: window minus answer and prompt."""
        return max(256, self.info().window - self.settings.model.max_new_tokens - ANSWER_PROMPT)

    def count_tokens(self, text: str) -> int:
        return self.llm().count_tokens(text)

    def generate(self, messages: list[Message], max_tokens: int | None = None, stream: bool = False,
                 choices: list[str] | None = None, stop: list[str] | None = None) -> Generation:
        """One generation; streamed pieces go to on_token when it is set."""
        llm, s = self.llm(), self.settings.model
        options = GenerateOptions(max_tokens=max_tokens or s.max_new_tokens, temperature=s.temperature,
                                  seed=s.seed, choices=choices, stop=list(stop or []))
        self.calls += 1
        if (stream and self.on_token is not None) or self.timings is not None:
            text = self._streamed(llm, messages, options, self.on_token if stream else None,
                                  answer=not choices)
        else:
            text = llm.generate(messages, stream=False, options=options)
        tokens_in = sum(llm.count_tokens(m.content) for m in messages)
        return Generation(text, tokens_in, llm.count_tokens(text))

    def batches(self) -> bool:
        """Whether the backend generates several prompts in one call (local transformers)."""
        return supports(self.llm(), Capability.BATCH)

    def generate_batch(self, batch: list[list[Message]], max_tokens: int | None = None,
                       stop: list[str] | None = None) -> list[Generation]:
        """One generation per prompt, in one backend call when it batches (else one by one);
        a batch of N prompts counts N calls and each prompt's tokens, as N generate() calls do."""
        llm, s = self.llm(), self.settings.model
        if not supports(llm, Capability.BATCH):
            return [self.generate(m, max_tokens=max_tokens, stop=stop) for m in batch]
        options = GenerateOptions(max_tokens=max_tokens or s.max_new_tokens, temperature=s.temperature,
                                  seed=s.seed, stop=list(stop or []))
        self.calls += len(batch)
        texts = llm.generate_batch(batch, options)
        return [Generation(text, sum(llm.count_tokens(m.content) for m in messages), llm.count_tokens(text))
                for messages, text in zip(batch, texts)]

    def _streamed(self, llm: LLM, messages: list[Message], options: GenerateOptions,
                  sink: Callable[[str], None] | None, answer: bool) -> str:
        """A streamed generation, timed: prefill until the first piece, decode after it."""
        parts: list[str] = []
        start = first = time.perf_counter()
        for piece in llm.generate(messages, stream=True, options=options):
            if not parts:
                first = time.perf_counter()
                if answer and self.timings is not None:
                    self.timings.token(first)
            parts.append(piece)
            if sink is not None:
                sink(piece)
        end = time.perf_counter()
        if self.timings is not None:
            self.timings.add("prefill", (first if parts else end) - start)
            self.timings.add("decode", end - first if parts else 0.0)
            if answer and parts:
                self.timings.token(end)
        return "".join(parts)
