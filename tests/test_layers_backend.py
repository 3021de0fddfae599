"""Layering: torch, a model's lock, tokenizer and underlying model stay inside archivist/backends/
(the rest of the app asks a backend's declared capabilities), and no backend opens the database."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "archivist"
BACKENDS = ROOT / "backends"

# names that hold a backend object outside backends/: `llm`, `backend`, a wrapper's `_llm`, and
# the answering Model's `.llm()`; `ctx.model`, `settings.model` or a Tag's `.model` are no backend
_BACKEND = r"(?:\b(?:llm|backend|_llm)|\.llm\(\))"
FORBIDDEN = {
    "imports torch": re.compile(r"^\s*(?:import\s+torch\b|from\s+torch\b)"),
    "takes a model's lock": re.compile(r"\._lock\b"),
    "reads a tokenizer": re.compile(r"\.tok\b"),
    "reads a backend's model": re.compile(_BACKEND + r"\s*\.\s*model\b"),
    "probes a backend's internals": re.compile(
        r"\b(?:has|get)attr\(\s*" + _BACKEND + r"\s*,\s*[\"'](?:tok|model|_lock)[\"']"),
}


def hits(lines: list[str], rules: dict[str, re.Pattern]) -> list[tuple[int, str, str]]:
    """(line number, rule, line) of every line a rule matches."""
    return [(n, what, line.strip()) for n, line in enumerate(lines, 1)
            for what, rule in rules.items() if rule.search(line)]


def test_the_rules_tell_backend_objects_from_look_alikes():
    bad = ["import torch", "    from torch import nn", "with llm._lock, torch.no_grad():",
           "ids = llm.tok(text).input_ids", "self.tok.decode(ids)", "cfg = llm.model.config",
           "device = ctx.model.llm().model.device", "hasattr(llm, 'tok')", "getattr(backend, \"model\", None)"]
    fine = ["settings.model", "budget = ctx.model.budget()", "if found.model != expect.model:",
            "model=ctx.model.name", "import torchvision_free_name as t", "self.token = 1",
            "job.model.count_tokens", "s.model for s in every", "spec.tag(model)"]
    assert [n for n, _, _ in hits(bad, FORBIDDEN)] == list(range(1, len(bad) + 1))
    assert hits(fine, FORBIDDEN) == []


def test_nothing_outside_backends_reaches_into_a_model():
    found = [f"{path.relative_to(ROOT.parent)}:{n}: {what}: {line}"
             for path in sorted(ROOT.rglob("*.py")) if BACKENDS not in path.parents
             for n, what, line in hits(path.read_text().splitlines(), FORBIDDEN)]
    assert not found, "outside archivist/backends/:\n" + "\n".join(found)


def test_no_backend_opens_the_database():
    rule = {"opens SQLite": re.compile(r"\bsqlite3\b")}
    found = [f"{path.relative_to(ROOT.parent)}:{n}: {line}"
             for path in sorted(BACKENDS.rglob("*.py"))
             for n, _, line in hits(path.read_text().splitlines(), rule)]
    assert not found, "backends must ask the store's layer:\n" + "\n".join(found)
