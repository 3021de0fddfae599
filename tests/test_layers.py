"""The import graph between archivist's packages and top-level modules: no circles, and no import
from a lower layer to a higher one (README: Architecture). Read from the source with ast, lazy
imports inside functions included, so a shortcut taken to dodge an import at load time still counts."""
from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "archivist"
# higher number = higher layer; a unit may import its own layer or any lower one (never a higher)
LAYERS = {
    "__main__": 7, "demo": 7, "cli": 6, "evals": 5, "agent": 4,
    "memory": 3, "answering": 3, "retrieval": 3,
    "corpus": 2, "backends": 2, "store": 2, "config": 2, "query_syntax": 2,
    "dates": 1, "date_phrases": 1, "records": 1, "errors": 1, "progress": 1, "timing": 1,
    "sanitise": 1, "crash": 1, "knobs": 1, "word_forms": 1, "__init__": 1,
}


def unit_of(module: str) -> str:
    """'archivist.agent.graph' -> 'agent'; 'archivist.dates' -> 'dates'; 'archivist' -> '__init__'."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def imported(path: Path, module: str) -> set[str]:
    """Every archivist module this file imports, absolute, at any depth of the file."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module.split(".")[: -node.level] if path.name != "__init__.py" else \
                    module.split(".")[: len(module.split(".")) - node.level + 1]
                base = ".".join(package + ([base] if base else []))
            found.add(base)
            if base == "archivist":  # from archivist import dates
                found |= {f"archivist.{a.name}" for a in node.names
                          if (PACKAGE / f"{a.name}.py").exists() or (PACKAGE / a.name).is_dir()}
    return {m for m in found if m == "archivist" or m.startswith("archivist.")}


def unit_edges() -> dict[tuple[str, str], list[str]]:
    """(importing unit, imported unit) -> the files that make the edge."""
    edges = defaultdict(list)
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(ROOT).with_suffix("")
        module = ".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)
        for target in imported(path, module):
            a, b = unit_of(module), unit_of(target)
            if a != b and b != "__init__":
                edges[(a, b)].append(str(path.relative_to(ROOT)))
    return edges


def test_every_unit_has_a_layer():
    units = {unit_of(".".join(p.relative_to(ROOT).with_suffix("").parts)) for p in PACKAGE.glob("*.py")}
    units |= {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert units - set(LAYERS) == set(), "give each new package or top-level module a layer here"


def test_no_import_runs_up_a_layer():
    upward = {f"{a} -> {b}: {files}" for (a, b), files in unit_edges().items() if LAYERS[b] > LAYERS[a]}
    assert not upward, "imports from a lower layer to a higher one:\n" + "\n".join(sorted(upward))


def test_no_circles_between_units():
    graph = defaultdict(set)
    for a, b in unit_edges():
        graph[a].add(b)

    def reaches(start: str, goal: str, seen: set) -> bool:
        return any(n == goal or (n not in seen and not seen.add(n) and reaches(n, goal, seen))
                   for n in graph[start])
    circles = sorted({" <-> ".join(sorted((a, b))) for a in list(graph) for b in graph[a]
                      if reaches(b, a, set())})
    assert not circles, f"import circles between packages or top-level modules: {circles}"
