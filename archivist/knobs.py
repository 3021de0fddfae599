"""A settings field declared once: its default, one-line doc, allowed choices and secrecy, read
back by archivist.config for env variables, the config file, validation and `config show`."""
from __future__ import annotations

from dataclasses import field
from typing import Any


def knob(default: Any, doc: str, choices: tuple[str, ...] = (), secret: bool = False) -> Any:
    """A settings field with its one-line doc and, when it takes one of a fixed set, the choices."""
    return field(default=default, repr=not secret,
                 metadata={"doc": doc, "choices": choices, "secret": secret})
