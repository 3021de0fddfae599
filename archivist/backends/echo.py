"""The echo LLM: scripted or extractive, fully deterministic; the backend every test can afford."""
from __future__ import annotations

import itertools
import json
import re
from typing import Callable, Iterator

from archivist.backends.base import GenerateOptions, Kind, Message, register_llm
from archivist.backends.json_mode import fill_schema
from archivist.backends.text import apply_stop, pick_choice, split_pieces
from archivist.backends.settings import ModelSettings

NOT_FOUND = "I cannot find this in the provided documents."
DEFAULT_WINDOW = 2048
Script = list[str] | Callable[[list[Message], GenerateOptions], str] | None

_BLOCK = re.compile(r"^\s*\[(\d+)\]\s*(.*?)(?=^\s*\[\d+\]|\Z)", re.M | re.S)
_SENTENCE = re.compile(r"(.+?[.!?])(?:\s|$)", re.S)


def first_sentence(text: str) -> str:
    """The first sentence of text (up to . ! or ?), whitespace collapsed."""
    text = " ".join(text.split())
    match = _SENTENCE.match(text)
    return (match.group(1) if match else text).strip()


def extractive_answer(messages: list[Message]) -> str:
    """First sentence of the first [n] block in the last user message, cited as [n]."""
    user = next((m.content for m in reversed(messages) if m.role == "user"), "")
    for num, body in _BLOCK.findall(user):
        sentence = first_sentence(body)
        if sentence:
            return f"{sentence} [{num}]"
    return NOT_FOUND


def _is_json_object(text: str) -> bool:
    try:
        return isinstance(json.loads(text), dict)
    except ValueError:
        return False


class EchoLLM:
    """Deterministic LLM: replays a script (cycling its last item) or answers extractively."""

    kind: Kind = "echo"

    def __init__(self, script: Script = None, context_window: int = DEFAULT_WINDOW, name: str = "echo"):
        self.name = name
        self.script = script
        self._window = context_window
        self._turn = itertools.count()
        self.calls: list[tuple[list[Message], GenerateOptions]] = []  # for tests to inspect

    @property
    def context_window(self) -> int:
        return self._window

    def count_tokens(self, text: str) -> int:
        return round(len(text.split()) * 1.3)

    def _raw(self, messages: list[Message], options: GenerateOptions) -> str:
        if callable(self.script):
            return self.script(messages, options)
        if isinstance(self.script, list) and self.script:
            turn = next(self._turn)
            return self.script[min(turn, len(self.script) - 1)]
        return extractive_answer(messages)

    def complete(self, messages: list[Message], options: GenerateOptions) -> str:
        self.calls.append((list(messages), options))
        text = self._raw(messages, options)
        if options.choices:
            return pick_choice(text, options.choices, strict=True)
        if options.json_schema and not _is_json_object(text):
            return fill_schema(self.complete, messages, options.json_schema, options)
        return apply_stop(text, options.stop)

    def generate(self, messages: list[Message], stream: bool = False,
                 options: GenerateOptions | None = None) -> Iterator[str] | str:
        text = self.complete(messages, options or GenerateOptions())
        return iter(split_pieces(text)) if stream else text


@register_llm("echo")
def make_echo(settings: ModelSettings | None = None, script: Script = None,
              context_window: int | None = None, **_: object) -> EchoLLM:
    cfg = settings if settings is not None else ModelSettings()
    window = context_window or cfg.context_window or DEFAULT_WINDOW  # 0: the echo's own window
    return EchoLLM(script=script, context_window=window)
