"""Module docstrings name only modules that exist: a file moved or renamed takes its mentions along
(`x.py`, `pkg/x.py` and `archivist.pkg.x` in any docstring of archivist/)."""
from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "archivist"
DOTTED = re.compile(r"\b(archivist(?:\.\w+)+)")
FILE = re.compile(r"(?<![\w/.])((?:[a-z_]+/)*[a-z_]+\.py)\b")


def _module_exists(parts: list[str]) -> bool:
    base = ROOT.joinpath(*parts)
    return base.with_suffix(".py").exists() or (base / "__init__.py").exists()


def _dotted_ok(name: str) -> bool:
    """archivist.a.b names a module, or an attribute of one (archivist.a.b.Thing)."""
    parts = name.split(".")
    return any(_module_exists(parts[:i]) for i in range(len(parts), 1, -1))


def _file_ok(ref: str, modules: set[str], names: set[str]) -> bool:
    if "/" in ref:
        return any(m.endswith(ref) for m in modules) or (ROOT / ref).exists()
    return ref in names or any((ROOT / d / ref).exists() for d in ("bench", "tests", "tools"))


def test_docstrings_name_existing_modules():
    modules = {p.relative_to(ROOT).as_posix() for p in ROOT.glob("*/**/*.py")}
    names = {p.name for p in PACKAGE.rglob("*.py")}
    stale = []
    for path in sorted(PACKAGE.rglob("*.py")):
        doc = ast.get_docstring(ast.parse(path.read_text(), str(path))) or ""
        stale += [f"{path.relative_to(ROOT)}: {m}" for m in DOTTED.findall(doc) if not _dotted_ok(m)]
        stale += [f"{path.relative_to(ROOT)}: {m}" for m in FILE.findall(doc) if not _file_ok(m, modules, names)]
    assert not stale, "docstrings naming modules that do not exist:\n" + "\n".join(stale)
