"""JSON-schema mode for backends without native support: a flat object filled field by field;
enum and boolean fields go through constrained choice (always valid), other fields are short free
text coerced to the field's type (null when that fails). Nested schemas are not supported."""
from __future__ import annotations

import dataclasses
import json
import re
from typing import Any, Callable, Protocol

from archivist.backends.base import GenerateOptions, Message
from archivist.errors import BackendError

Ask = Callable[[list[Message], GenerateOptions], str]
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def field_choices(prop: dict[str, Any]) -> list[str] | None:
    if prop.get("enum"):
        return [str(v) for v in prop["enum"]]
    if prop.get("type") == "boolean":
        return ["true", "false"]
    return None


def coerce(value: str, prop: dict[str, Any]) -> Any:
    """value converted to the JSON type the property declares (None when it cannot be)."""
    kind = prop.get("type", "string")
    value = value.strip()
    if prop.get("enum"):
        return next((v for v in prop["enum"] if str(v) == value), prop["enum"][0])
    if kind == "boolean":
        return value.lower() == "true"
    if kind in ("integer", "number"):
        match = _NUMBER.search(value)
        if not match:
            return None
        return int(float(match.group())) if kind == "integer" else float(match.group())
    return value


def _question(name: str, prop: dict[str, Any], choices: list[str] | None) -> str:
    desc = f" ({prop['description']})" if prop.get("description") else ""
    among = f" Answer with one of: {', '.join(choices)}." if choices else " Answer briefly."
    return f"Give only the value of the field '{name}'{desc}.{among}"


def fill_schema(ask: Ask, messages: list[Message], schema: dict[str, Any],
                options: GenerateOptions) -> str:
    """A JSON object string with every property of a flat object schema, filled by `ask`."""
    props = schema.get("properties")
    if schema.get("type", "object") != "object" or not isinstance(props, dict):
        raise BackendError("json_schema mode supports flat object schemas with 'properties' only")
    out: dict[str, Any] = {}
    for name, prop in props.items():
        if prop.get("type") in ("object", "array"):
            raise BackendError(f"json_schema field {name!r}: nested {prop['type']} not supported")
        choices = field_choices(prop)
        sub = dataclasses.replace(options, choices=choices, json_schema=None,
                                  max_tokens=min(options.max_tokens, 48), stop=["\n"])
        value = ask(messages + [Message("user", _question(name, prop, choices))], sub)
        out[name] = coerce(value, prop)
    return json.dumps(out)


class Choosing(Protocol):
    """A local backend: free generation plus a constrained choice among strings."""

    def generate(self, messages: list[Message], stream: bool = False,
                 options: GenerateOptions | None = None) -> Any: ...

    def choose(self, messages: list[Message], choices: list[str]) -> str: ...


def structured(llm: Choosing, messages: list[Message], options: GenerateOptions) -> str:
    """The constrained output options ask for: one of options.choices (llm.choose), or a JSON
    object of options.json_schema filled field by field through llm.generate."""
    if options.choices:
        return llm.choose(messages, options.choices)
    return fill_schema(lambda m, o: llm.generate(m, options=o), messages, options.json_schema, options)
