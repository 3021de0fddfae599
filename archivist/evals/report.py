"""The eval report: a Markdown file with per-task tables (every metric per strategy; per group where
a task has groups), each column defined, the Self-Route table in the paper's layout, planner
regret, and the PNG figures (plots.py). A report is published (docs/evals), so it names files, never where they were on the
machine that ran it."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from archivist.evals.aggregate import (METRICS, FixedRegret, Win, by_length, by_strategy, fixed_regret, niah_grid,
                                       self_route_row, wins)
from archivist.evals.groups import group_table
from archivist.evals.metrics import planner_regret
from archivist.evals.results import Results, Run
from archivist.evals.vocab import STRATEGIES, EvalStrategy

BENCH = Path(__file__).resolve().parents[2] / "bench" / "results" / "backends_cpu.json"
LABELS = {"em": "EM", "f1": "F1", "recall": "recall", "contains": "contains", "correct": "exact",
          "needles_found": "needles", "set_f1": "set F1", "set_recall": "set recall",
          "set_precision": "set precision", "evidence_recall": "evid. recall", "citation_correct": "cite ok"}
# every column a strategy table can have, in its order, with what it means
COLUMNS = {
    "strategy": "the strategy asked for: rag, stuff, memory, query; auto (the planner chooses); "
                "self-route (rag first, stuff when the model says it cannot answer); for a retrieval task, "
                "the search mode (hybrid, dense, bm25)",
    "n": "examples answered with it",
    "score": "the task's headline score of each answer (below), averaged over all n examples",
    "EM": "exact match of the normalised answer (lower case, no punctuation or articles) with a "
          "gold answer; numbers compare as numbers. Answerable examples only, as every column up "
          "to cite ok",
    "F1": "token F1 of the answer against the best gold answer",
    "recall": "share of the gold answer's words that the answer contains",
    "contains": "1 when the normalised answer contains a whole gold answer",
    "exact": "probes: 1 when the answer states the SQL ground truth's value",
    "needles": "niah with several needles: share of the needles the answer names",
    "set F1": "ruler-* tasks: F1 of the items the answer names (code words, variables, numbers) "
              "against the gold items",
    "set recall": "ruler-* tasks: share of the gold items the answer names",
    "set precision": "ruler-* tasks: share of the items the answer names that are gold (0 when it "
                     "names none)",
    "evid. recall": "share of the gold evidence documents among the documents the answer cites",
    "cite ok": "1 when a cited document holds a gold answer (examples with citations)",
    "refusal ok (unans.)": "share of the unanswerable examples whose answer refuses (their number "
                           "in brackets; – when the task has none)",
    "false refusal": "share of the answerable examples whose answer refuses",
    "tokens in": "mean tokens the model read per example, over all its calls (0: no model call)",
    "tokens out": "mean tokens the model wrote per example",
    "seconds": "mean wall seconds per example",
    "peak MB": "highest peak resident memory (MiB) of the eval process while answering one example",
    "errors": "examples that failed with an error (scored 0)",
    "ran as": "the strategies that wrote the answers, with counts (rag->stuff: self-route fell back)",
}


@dataclass
class Report:
    path: Path
    figures: list[Path] = field(default_factory=list)
    summary: dict = field(default_factory=dict)


def fmt(v, digits: int = 3) -> str:
    if v is None:
        return "–"
    return f"{v:.{digits}f}" if isinstance(v, float) else str(v)


def footer(run: Run) -> str:
    day = (run.finished_at or run.started_at or "")[:16].replace("T", " ")
    return f"model {run.model} · backend {run.backend_kind} · {run.hardware} · {day} UTC"


def strategy_table(stats) -> list[str]:
    metrics = [m for m in METRICS if any(m in s.metrics for s in stats)]
    head = ["strategy", "n", "score", *[LABELS[m] for m in metrics], "refusal ok (unans.)",
            "false refusal", "tokens in", "tokens out", "seconds", "peak MB", "errors", "ran as"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for s in stats:
        ran = ", ".join(f"{k} {v}" for k, v in sorted(s.chosen.items(), key=lambda kv: -kv[1]))
        refusal = f"{fmt(s.correct_refusal)} ({s.unanswerable})" if s.unanswerable else "–"
        cells = [s.strategy, s.n, fmt(s.score), *[fmt(s.metrics.get(m)) for m in metrics], refusal,
                 fmt(s.false_refusal), f"{s.tokens_in:,.0f}", f"{s.tokens_out:.1f}", f"{s.seconds:.1f}",
                 f"{s.peak_mb:,.0f}", s.errors, ran]
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    return lines


def columns_section(tasks: list[str]) -> list[str]:
    """What each column of the strategy tables means, and each task's score."""
    from archivist.evals.tasks import TASKS
    lines = ["## Columns", ""] + [f"- **{name}**: {text}." for name, text in COLUMNS.items()]
    lines += ["", "The score, per task:", ""]
    lines += [f"- **{t}**: {TASKS[t].headline}." for t in dict.fromkeys(tasks) if t in TASKS]
    return lines + [""]


def portable(config: dict) -> dict:
    """A run's config as published: an absolute path (the machine's own) becomes its file name."""
    return {k: Path(v).name if isinstance(v, str) and Path(v).is_absolute() else v
            for k, v in config.items()}


def self_route_table(rows) -> list[str]:
    """Li et al. (2024) Table layout: methods as rows, tasks as columns, then tokens vs LC."""
    if not rows:
        return ["No run has rag and self-route on the same examples."]
    tasks = [r.task for r in rows]
    lines = ["| method | " + " | ".join(tasks) + " | avg |", "|---|" + "---|" * (len(tasks) + 1)]

    def line(label, values):
        vals = [v for v in values if v is not None]
        avg = sum(vals) / len(vals) if vals and len(vals) == len(values) else None
        return f"| {label} | " + " | ".join(fmt(None if v is None else v * 100, 1) for v in values) + \
            f" | {fmt(None if avg is None else avg * 100, 1)} |"
    lines += [line("LC (always stuff)", [r.stuff for r in rows]), line("RAG", [r.rag for r in rows]),
              line("Self-Route", [r.self_route for r in rows])]
    lines += ["", "| share | " + " | ".join(tasks) + " |", "|---|" + "---|" * len(tasks)]
    lines.append("| questions answered by RAG alone (%) | " +
                 " | ".join(fmt(None if r.rag_share is None else r.rag_share * 100, 1) for r in rows) + " |")
    lines.append("| RAG tokens (% of LC) | " + " | ".join(fmt(r.rag_tokens_pct, 1) for r in rows) + " |")
    lines.append("| Self-Route tokens (% of LC) | " + " | ".join(fmt(r.self_route_tokens_pct, 1) for r in rows) + " |")
    lines.append("| Self-Route tokens per question | " + " | ".join(f"{r.self_route_tokens:,.0f}" for r in rows) + " |")
    lines.append(f"\nScores ×100 (each task's headline score); n = {', '.join(f'{r.task} {r.n}' for r in rows)}. "
                 "'–': always-stuff was not run on every example of that task.")
    return lines


def run_label(run: Run) -> str:
    """The task, with its variant when it has one ('niah multi', 'ruler-vt held')."""
    variant = run.config.get("variant") or ""
    return f"{run.task} {variant}" if variant else run.task


def file_stem(label: str) -> str:
    return label.replace(" ", "-")


def length_table(series: dict[str, list]) -> list[str]:
    """Per context length, each strategy's mean score, mean seconds and peak MiB; 'refused (n)'
    where every row was refused unanswered (stuff past the window: labelled, never scored)."""
    names = [s for s, pts in series.items() if pts]
    lengths = sorted({p.length for s in names for p in series[s]})
    if not lengths:
        return []
    from archivist.evals.plots import length_ticks
    cell = {(s, p.length): p for s in names for p in series[s]}
    lines = ["| length | " + " | ".join(f"{s}: score · s · MiB" for s in names) + " |",
             "|---|" + "---|" * len(names)]
    for n, tick in zip(lengths, length_ticks(lengths)):
        vals = [cell.get((s, n)) for s in names]
        lines.append(f"| {tick} | " + " | ".join(
            "–" if p is None else f"refused ({p.not_run}) · {p.seconds:.1f} · {p.peak_mb:,.0f}" if p.score is None
            else f"{fmt(p.score, 2)} · {p.seconds:.1f} · {p.peak_mb:,.0f}" for p in vals) + " |")
    return lines


def flatness(series: dict[str, list], short: int = 32000, long_: int = 1_000_000) -> list[str]:
    """Peak memory at the longest length over the peak at `short`, per strategy with both."""
    out = []
    for s, pts in series.items():
        at = {p.length: p.peak_mb for p in pts}
        if at.get(short) and at.get(long_):
            out.append(f"{s} {at[short]:,.0f} -> {at[long_]:,.0f} MiB ({at[long_] / at[short]:.2f}x)")
    from archivist.evals.plots import length_ticks
    a, b = length_ticks([short, long_])
    return [f"Peak memory from {a} to {b} tokens: " + "; ".join(out) + ".", ""] if out else []


def regret_table(regrets: list[tuple[str, FixedRegret]]) -> list[str]:
    """auto against the best fixed strategy, per task (over the held-back half where it has one)."""
    if not regrets:
        return ["No run has auto beside a fixed strategy."]
    lines = ["| task | examples | best fixed strategy | its score | auto | gap | gap / best | within 5% |",
             "|---|---|---|---|---|---|---|---|"]
    for label, r in regrets:
        over = f"{r.examples} ({r.split} half)" if r.split else str(r.examples)
        lines.append(f"| {label} | {over} | {r.best} | {r.best_score:.3f} | {r.auto_score:.3f} | {r.gap:+.3f} | "
                     f"{r.relative:+.1%} | {'yes' if r.within_5pct else 'no'} |")
    return lines


def wins_table(rows: list[Win]) -> list[str]:
    """Which strategy wins which kind of question, and at what cost."""
    if not rows:
        return []
    lines = ["| kind of question | task | wins | score | tokens read | seconds | peak MiB | the others: score "
             "(tokens, seconds) |", "|---|---|---|---|---|---|---|---|"]
    for w in rows:
        b = w.best
        others = "; ".join(f"{o.strategy} {fmt(o.score, 2)} ({o.tokens_in:,.0f}, {o.seconds:.1f} s)" for o in w.others)
        lines.append(f"| {w.kind} | {w.label} | {b.strategy} | {fmt(b.score, 3)} | {b.tokens_in:,.0f} | "
                     f"{b.seconds:.1f} | {b.peak_mb:,.0f} | {others} |")
    return lines + ["", "Tokens read: the model's, per question (memory reads the text with extractive notes and "
                    "only its answer call counts); seconds: wall seconds per question; ties go to the fewest "
                    "tokens."]


def strategy_order(named: list[str]) -> list[str]:
    """A run's strategies, answering ones in the runner's order, then the rest (search modes) as named."""
    return [s for s in STRATEGIES if s in named] + [s for s in named if s not in STRATEGIES]


def write_report(results: Results, run_ids: list[int] | None, out_dir: Path,
                 bench: Path | None = None) -> Report:
    from archivist.evals import plots
    from archivist.evals.tasks import TASKS
    out_dir.mkdir(parents=True, exist_ok=True)
    runs = results.runs(run_ids)
    report = Report(out_dir / "report.md")
    md = ["# archivist eval report", ""]
    if runs:
        by_time = sorted(runs, key=lambda r: r.started_at or "")
        first, last = by_time[0], by_time[-1]
        md += [f"- model: **{first.model}** (backend kind {first.backend_kind})",
               f"- hardware: {first.hardware}",
               f"- runs: {', '.join(f'{r.id} ({r.task}, {r.status}, {r.seconds / 60:.1f} min)' for r in runs)}",
               f"- total run time: {sum(r.seconds for r in runs) / 60:.1f} min; load average before "
               f"{first.load_before}, after {last.load_after}",
               f"- written {datetime.now().isoformat(timespec='minutes')}", ""]
        md += columns_section([r.task for r in runs])
    sr_rows, summary, regrets, won, stems = [], {"runs": []}, [], [], set()
    for run in runs:
        rows = results.rows(run.id)
        order = strategy_order(run.config.get("strategies") or list(STRATEGIES))
        stats = by_strategy(rows, order)
        label, stem = run_label(run), file_stem(run_label(run))
        if stem in stems:  # two runs of one task and variant (niah, and niah's stuff rows): by run id
            label, stem = f"{label} #{run.id}", f"{stem}-run{run.id}"
        stems.add(stem)
        cfg = portable({k: v for k, v in run.config.items() if v not in (None, [], "")})
        md += [f"## {label} (run {run.id}, {run.status})", "",
               f"{len({r['example_id'] for r in rows})} examples, {len(rows)} of {run.planned or '?'} planned rows, "
               f"{run.seconds / 60:.1f} min, load {run.load_before} -> {run.load_after}. "
               f"Config: `{json.dumps(cfg)}`", ""]
        if run.planned and len(rows) < run.planned:
            per_row = sum(r["seconds"] or 0 for r in rows if r["strategy"] != EvalStrategy.SELF_ROUTE) / max(1, len(rows))
            md += [f"Not finished: {run.planned - len(rows)} rows left; at this run's mean "
                   f"{per_row:.0f} s per row they would take ~{(run.planned - len(rows)) * per_row / 60:.0f} min "
                   f"more (rows later in the run, e.g. longer niah contexts, cost more). "
                   f"Rerun the same command to resume.", ""]
        md += strategy_table(stats) + [""]
        grouped = group_table(rows, order, TASKS[run.task].tallies if run.task in TASKS else ())
        md += ["Per group (headline score: correct/n):", ""] + grouped + [""] if grouped else []
        regret = planner_regret(rows)
        if regret.examples:
            md += [f"Planner regret: auto scored below the best fixed strategy on {regret.regret} of "
                   f"{regret.examples} examples ({regret.rate:.0%}); mean score gap {regret.score_gap:.3f}, "
                   f"{regret.extra_tokens:+,.0f} tokens and {regret.extra_seconds:+.1f}s per question vs the "
                   f"cheapest best fixed strategy; auto ran {regret.picks}.", ""]
        split = "held" if any((r["meta"] or {}).get("split") == "held" for r in rows) else ""
        fixed = fixed_regret(rows, split)
        if fixed is not None:
            regrets.append((label, fixed))
            md += [f"auto vs the best fixed strategy{' over the held-back half' if split else ''}: {fixed.best} "
                   f"{fixed.best_score:.3f}, auto {fixed.auto_score:.3f} (gap {fixed.gap:+.3f}, "
                   f"{fixed.relative:+.1%} of the best) on {fixed.examples} examples.", ""]
        if len(stats) > 1 and (win := wins(label, stats)) is not None and win.best.strategy in STRATEGIES:
            won.append(win)
        if len(stats) > 1:
            fig = plots.pareto_plot(label, stats, out_dir / f"{stem}_pareto.png", footer(run))
            report.figures.append(fig)
            md += [f"![{label}: accuracy vs tokens read]({fig.name})", ""]
        series = {s.strategy: by_length(rows, s.strategy) for s in stats if s.strategy != EvalStrategy.SELF_ROUTE}
        if len({p.length for pts in series.values() for p in pts}) > 1:
            md += ["By context length:", ""] + length_table(series) + [""] + flatness(series)
            fig = plots.length_plot(label, series, out_dir / f"{stem}_by_length.png", footer(run))
            report.figures.append(fig)
            md += [f"![{label}: accuracy, seconds and peak memory vs length]({fig.name})", ""]
        if run.task == "niah":
            grids = {s.strategy: niah_grid(rows, s.strategy) for s in stats}
            name = f"niah_heatmap_{run.backend_kind}.png" if stem == "niah" else f"{stem}_heatmap_{run.backend_kind}.png"
            fig = plots.niah_heatmaps(grids, run.backend_kind, out_dir / name, footer(run))
            report.figures.append(fig)
            md += [f"![NIAH heatmaps]({fig.name})", ""]
        sr = self_route_row(run.task, rows)
        if sr is not None:
            sr_rows.append(sr)
        summary["runs"].append({"run": run.id, "task": run.task, "label": label, "status": run.status,
                                "minutes": round(run.seconds / 60, 1),
                                "strategies": {s.strategy: {"n": s.n, "score": s.score, "tokens_in": s.tokens_in,
                                                            "seconds": s.seconds} for s in stats},
                                "regret": asdict(regret) if regret.examples else None,
                                "fixed_regret": asdict(fixed) if fixed is not None else None})
    if won:
        md += ["## Which strategy wins which kind of question, at what cost", ""] + wins_table(won) + [""]
    if regrets:
        md += ["## auto against the best fixed strategy, per task", ""] + regret_table(regrets) + [
            "", "Over the held-back half of a task's examples where it has one (nothing was tuned on it); "
                "gap: the best fixed strategy's mean score minus auto's.", ""]
    md += ["## Self-Route: RAG first, long context when the model says it cannot answer", ""]
    md += self_route_table(sr_rows) + [""]
    summary["self_route"] = [asdict(r) for r in sr_rows]
    bench = bench or BENCH
    if bench.exists():
        data = json.loads(bench.read_text())
        env = data.get("env", {})
        day = datetime.fromtimestamp(bench.stat().st_mtime).strftime("%Y-%m-%d")
        foot = (f"models smollm2-135m (attention) vs mamba2-130m (ssm) · backend transformers "
                f"{env.get('transformers', '')} · CPU, {env.get('cpu_count', '?')} cores, "
                f"{env.get('threads', '?')} thread · {day} · {bench.name}")
        fig = plots.backends_plot(data, out_dir / "backends_attention_vs_ssm.png", foot)
        report.figures.append(fig)
        md += ["## Latency and memory vs context length: attention vs SSM", "",
               f"From `{bench.name}` (the backends bench).", "", f"![attention vs SSM]({fig.name})", ""]
    report.path.write_text("\n".join(md) + "\n")
    report.summary = summary
    return report
