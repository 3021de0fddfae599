"""PNG figures of the eval report (matplotlib, the `plot` extra): accuracy vs tokens read with the
Pareto front, NIAH heatmaps, latency and memory vs context length for attention vs SSM. Every
figure carries the model, backend kind, hardware and date in its footer."""
from __future__ import annotations

from pathlib import Path

from archivist.errors import InputError


def _plt():
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:  # pragma: no cover - the plot extra is not installed
        raise InputError("plots need matplotlib: pip install 'archivist[plot]'") from None
    return plt


def _save(fig, path: Path, footer: str) -> Path:
    fig.text(0.01, 0.005, footer, fontsize=7, color="#555555", ha="left", va="bottom")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    fig.savefig(path, dpi=110)
    _plt().close(fig)
    return path


def pareto_front(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Points not beaten by another that reads fewer tokens and scores at least as well."""
    front, best = [], float("-inf")
    for x, y in sorted(points, key=lambda p: (p[0], -p[1])):
        if y > best:
            front.append((x, y))
            best = y
    return front


LINE_PTS = 11  # a label's height at fontsize 9, in points
TOP = 0.9  # a score above this has its label under the point: above, it would cross the frame


def pareto_labels(points: list[tuple[str, float, float]], x_span: float,
                  near: float = 0.08) -> list[tuple[str, float, float, int]]:
    """(text, x, y, vertical offset in points) of each point's label, so none is printed over
    another or over the top of the axes: strategies at the same point share one label
    ("rag = auto"), labels of points closer than `near` of the axes' spans (x: x_span, y: the
    score's 0..1) stack, upwards, or downwards from points near the top (score above TOP)."""
    groups: dict[tuple[float, float], list[str]] = {}
    for name, x, y in points:
        groups.setdefault((round(x, 6), round(y, 6)), []).append(name)
    placed: list[tuple[str, float, float, int]] = []
    for (x, y), names in sorted(groups.items(), key=lambda g: (g[0][1], g[0][0])):
        step = LINE_PTS if y <= TOP else -LINE_PTS
        crowd = [p[3] for p in placed if abs(p[1] - x) < near * (x_span or 1) and abs(p[2] - y) < near
                 and (p[3] > 0) == (step > 0)]
        first = 4 if step > 0 else -LINE_PTS - 4
        offset = (max(crowd) + step if step > 0 else min(crowd) + step) if crowd else first
        placed.append((" = ".join(names), x, y, offset))
    return placed


def pareto_plot(task: str, stats: list, path: Path, footer: str) -> Path:
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6, 4.2))
    pts = [(s.tokens_in, s.score or 0.0) for s in stats]
    for x, y in dict.fromkeys(pts):
        ax.scatter([x], [y], s=60)
    xs = [x for x, _ in pts]
    span = max(xs) - min(xs)
    for text, x, y, dy in pareto_labels([(s.strategy, x, y) for s, (x, y) in zip(stats, pts)], span):
        right = span and x > min(xs) + 0.7 * span  # near the right edge: the label goes left
        ax.annotate(text, (x, y), textcoords="offset points", xytext=(-6 if right else 6, dy),
                    ha="right" if right else "left", fontsize=9)
    front = pareto_front(pts)
    if len(front) > 1:
        ax.plot(*zip(*front), "--", color="#888888", linewidth=1, label="Pareto front")
        ax.legend(loc="best", fontsize=8)  # not over a point (and its label)
    ax.set_xlabel("mean tokens read per question")
    ax.set_ylabel("mean score")
    ax.set_ylim(-0.03, 1.03)
    ax.set_title(f"{task}: accuracy vs tokens read")
    ax.grid(alpha=0.3)
    return _save(fig, path, footer)


def niah_heatmaps(grids: dict[str, tuple], kind: str, path: Path, footer: str) -> Path:
    """One heatmap (depth x length) per strategy."""
    plt = _plt()
    n = len(grids)
    cols = min(3, n)
    rows = (n + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(4.4 * cols, 4.0 * rows), squeeze=False)
    fig.subplots_adjust(hspace=0.5, wspace=0.35, bottom=0.12)
    im = None
    for ax, (strategy, (lengths, depths, grid)) in zip(axes.flat, grids.items()):
        data = [[float("nan") if v is None else v for v in row] for row in grid]
        im = ax.imshow(data, cmap="RdYlGn", vmin=0, vmax=1, aspect="auto")
        ax.set_xticks(range(len(lengths)), [f"{n // 1000}k" if n >= 1000 else str(n) for n in lengths])
        ax.set_yticks(range(len(depths)), [f"{d:g}%" for d in depths])
        ax.set_xlabel("context length (tokens)")
        ax.set_ylabel("needle depth")
        ax.set_title(f"{strategy} ({kind})", fontsize=10)
        for i, row in enumerate(grid):
            for j, v in enumerate(row):
                if v is not None:
                    ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=7)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    if im is not None:
        fig.colorbar(im, ax=axes.ravel().tolist(), shrink=0.8, label="score")
    fig.suptitle("Needle in a haystack: score by depth and context length")
    fig.text(0.01, 0.005, footer, fontsize=7, color="#555555", ha="left", va="bottom")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def backends_plot(bench: dict, path: Path, footer: str) -> Path:
    """Prefill seconds, decode ms/token and peak memory vs prompt length, attention vs SSM."""
    plt = _plt()
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
    series: dict[str, list[dict]] = {}
    for r in bench.get("results", []):
        if r.get("device", "cpu") == "cpu" and "length" in r:
            series.setdefault(f"{r.get('shape', '?')} ({r.get('kind', '?')})", []).append(r)
    for label, rs in series.items():
        rs.sort(key=lambda r: r["length"])
        x = [r["length"] for r in rs]
        axes[0].plot(x, [r.get("prefill_s") for r in rs], "o-", label=label)
        axes[1].plot(x, [r.get("decode_ms_generate") for r in rs], "o-", label=label)
        axes[2].plot(x, [r.get("peak_mb") for r in rs], "o-", label=label)
    for ax, title in zip(axes, ("prefill seconds", "decode ms per token", "peak memory (MB)")):
        ax.set_xscale("log", base=2)
        ax.set_xlabel("context length (tokens)")
        ax.set_title(title)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8)
    fig.suptitle("Latency and memory vs context length: attention vs SSM (backends bench)")
    return _save(fig, path, footer)


def length_ticks(lengths: list[int]) -> list[str]:
    """Context lengths as tick labels: 1k, 8k, 128k, 1M."""
    return [f"{n / 1_000_000:g}M" if n >= 1_000_000 else f"{n / 1000:g}k" if n >= 1000 else str(n)
            for n in lengths]


def length_plot(label: str, series: dict[str, list], path: Path, footer: str, window: int = 0) -> Path:
    """Score, seconds and peak memory vs context length (log scale), one line per strategy;
    series: strategy -> LengthPoints (aggregate.by_length); a dotted line marks the model's window."""
    plt = _plt()
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.9))
    lengths = sorted({p.length for pts in series.values() for p in pts})
    for strategy, pts in series.items():
        if not pts:
            continue
        x = [p.length for p in pts]
        scored = [p for p in pts if p.score is not None]  # a length where every row was refused: no point
        axes[0].plot([p.length for p in scored], [p.score for p in scored], "o-", label=strategy)
        axes[1].plot(x, [p.seconds for p in pts], "o-", label=strategy)
        axes[2].plot(x, [p.peak_mb for p in pts], "o-", label=strategy)
    for ax, title in zip(axes, ("mean score", "mean seconds per question", "peak memory (MiB)")):
        ax.set_xscale("log")
        if lengths:
            ax.set_xticks(lengths, length_ticks(lengths))
            ax.minorticks_off()
        if window:
            ax.axvline(window, linestyle=":", color="#888888", linewidth=1)
        ax.set_xlabel("context length (tokens)")
        ax.set_title(title, fontsize=10)
        ax.grid(alpha=0.3)
    axes[0].set_ylim(-0.03, 1.03)
    axes[2].set_ylim(bottom=0)
    axes[0].legend(fontsize=8, loc="lower left")
    fig.suptitle(f"{label}: accuracy, time and memory vs context length"
                 + (f" (dotted: the {window // 1000}k window)" if window else ""))
    return _save(fig, path, footer)
