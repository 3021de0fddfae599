"""Optional llama-cpp-python backend for GGUF files (the smollm2 GGUF by default): on this 2-core CPU
it decodes ~4x faster than transformers, but the package compiles from source (~8 min), so it is
used only when installed and asked for (--llm llamacpp). Choices use a GBNF grammar."""
from __future__ import annotations

import json
import os
from typing import Any, Iterator

from archivist.backends.base import GenerateOptions, Message, register_llm
from archivist.backends.json_mode import structured
from archivist.backends.text import apply_stop, pick_choice, stream_with_stop
from archivist.backends.settings import ModelSettings
from archivist.errors import BackendError, ConfigError

DEFAULT_WINDOW = 8192


def choice_grammar(choices: list[str]) -> str:
    """A GBNF grammar whose only sentences are the choices."""
    return "root ::= " + " | ".join(json.dumps(c) for c in choices)


class LlamaCppLLM:
    """An LLM over llama_cpp.Llama with the GGUF's own chat template."""

    kind = "attention"

    def __init__(self, model_path: str, context_window: int = DEFAULT_WINDOW, threads: int = 0,
                 name: str = "llamacpp"):
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise ConfigError("the llamacpp backend needs llama-cpp-python "
                              "(pip install llama-cpp-python; it compiles for several minutes)") from exc
        threads = threads or os.cpu_count() or 1
        self.llm = Llama(model_path=model_path, n_ctx=context_window, n_threads=threads,
                         n_threads_batch=threads, verbose=False)
        self.name = name
        self._window = context_window

    @property
    def context_window(self) -> int:
        return self._window

    def count_tokens(self, text: str) -> int:
        return len(self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def _call(self, messages: list[Message], options: GenerateOptions, stream: bool, **kw: Any):
        try:
            return self.llm.create_chat_completion(
                messages=[{"role": m.role, "content": m.content} for m in messages],
                max_tokens=options.max_tokens, temperature=options.temperature,
                top_k=1 if options.temperature <= 0 else 40, seed=options.seed,
                stop=list(options.stop) or None, stream=stream, **kw)
        except (ValueError, RuntimeError) as exc:  # e.g. prompt longer than n_ctx
            raise BackendError(f"{self.name}: {exc}") from exc

    def _pieces(self, messages: list[Message], options: GenerateOptions) -> Iterator[str]:
        for chunk in self._call(messages, options, True):
            piece = chunk["choices"][0].get("delta", {}).get("content")
            if piece:
                yield piece

    def choose(self, messages: list[Message], choices: list[str]) -> str:
        from llama_cpp import LlamaGrammar
        grammar = LlamaGrammar.from_string(choice_grammar(choices), verbose=False)
        opts = GenerateOptions(max_tokens=max(self.count_tokens(c) for c in choices) + 4)
        out = self._call(messages, opts, False, grammar=grammar)
        return pick_choice(out["choices"][0]["message"]["content"] or "", choices)

    def generate(self, messages: list[Message], stream: bool = False,
                 options: GenerateOptions | None = None) -> Iterator[str] | str:
        options = options or GenerateOptions()
        if options.choices or options.json_schema:
            text = structured(self, messages, options)
        elif stream:
            return stream_with_stop(self._pieces(messages, options), options.stop)
        else:
            out = self._call(messages, options, False)
            text = apply_stop(out["choices"][0]["message"]["content"] or "", options.stop)
        return iter([text]) if stream else text


@register_llm("llamacpp")
def make_llamacpp(settings: ModelSettings | None = None, model: str | None = None,
                  **kw: Any) -> LlamaCppLLM:
    from archivist.backends.registry import find_smollm2_gguf
    cfg = settings if settings is not None else ModelSettings()
    path = model or cfg.llm_model or find_smollm2_gguf()
    if not path or not str(path).endswith(".gguf") or not os.path.isfile(path):
        raise ConfigError(f"llamacpp needs a .gguf file (--model), got {path or 'nothing'}")
    window = kw.get("context_window") or cfg.context_window or DEFAULT_WINDOW  # 0: the default
    return LlamaCppLLM(str(path), context_window=int(window),
                       threads=int(kw.get("threads", cfg.threads)))
