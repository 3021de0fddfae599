"""Per-group tables of stored rows: a task labels each example with meta['group'] (e.g. 'held
counts', 'generated lookups: hit@5'), and a table gives, per group and strategy, the headline
score as correct/n (share), plus the counts of the task's tallies (e.g. confidently wrong). The
report and the README's result tables (readme.py) both print these."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Cell:
    hits: float
    n: int

    def __str__(self) -> str:
        share = self.hits / self.n if self.n else 0.0
        whole = f"{self.hits:.0f}" if float(self.hits).is_integer() else f"{self.hits:.1f}"
        return f"{whole}/{self.n} ({share:.1%})"


def groups_of(rows: list[dict]) -> list[str]:
    """The groups in the rows' order (a task lists its examples in the order it means)."""
    return list(dict.fromkeys((r["meta"] or {}).get("group") for r in rows if (r["meta"] or {}).get("group")))


def cell(rows: list[dict], group: str, strategy: str, key: str | None = None) -> Cell | None:
    """The sum of the headline score (or scores[key]) over a group's rows of one strategy."""
    rs = [r for r in rows if r["strategy"] == strategy and (r["meta"] or {}).get("group") == group]
    if not rs:
        return None
    values = [r["score"] if key is None else (r["scores"] or {}).get(key, 0.0) for r in rs]
    return Cell(sum(v or 0.0 for v in values), len(rs))


def group_table(rows: list[dict], strategies: list[str], tallies: tuple[str, ...] = ()) -> list[str]:
    """Markdown lines: one row per group, a column per strategy, then a column per tally (per
    strategy when there are several); [] when no row has a group."""
    groups = groups_of(rows)
    if not groups:
        return []
    strategies = [s for s in strategies if any(r["strategy"] == s for r in rows)]
    tally_cols = [(t, s) for t in tallies for s in strategies]
    head = ["group", *strategies, *(t if len(strategies) == 1 else f"{t} ({s})" for t, s in tally_cols)]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for g in groups + ["all"]:
        pick = rows if g == "all" else [r for r in rows if (r["meta"] or {}).get("group") == g]
        scored = [cell(pick, g, s) if g != "all" else _all(pick, s) for s in strategies]
        counted = [cell(pick, g, s, t) if g != "all" else _all(pick, s, t) for t, s in tally_cols]
        cells = [str(c) if c else "–" for c in scored] + [f"{c.hits:.0f}" if c else "–" for c in counted]
        lines.append(f"| {'**all**' if g == 'all' else g} | " + " | ".join(cells) + " |")
    return lines


def _all(rows: list[dict], strategy: str, key: str | None = None) -> Cell | None:
    rs = [{**r, "meta": {**(r["meta"] or {}), "group": "all"}} for r in rows]
    return cell(rs, "all", strategy, key)
