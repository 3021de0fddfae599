"""PNG of bench/latency.py's JSON: per engine prefill, decode, load time and peak RSS; per runtime the
demo questions' time split into phases (warm process)."""
from __future__ import annotations

import sys
from pathlib import Path

PHASES = ("model_load", "retrieval", "prefill", "decode", "grounding", "other")


def _bars(ax, rows: list[dict], keys: list[tuple[str, str]], title: str) -> None:
    names = [r["engine"] + (" *" if r.get("source") else "") for r in rows]
    width = 0.8 / len(keys)
    for i, (key, label) in enumerate(keys):
        values = [r.get(key) or 0 for r in rows]
        xs = [x + i * width for x in range(len(rows))]
        ax.bar(xs, values, width, label=label)
        for x, v in zip(xs, values):
            ax.annotate(f"{v:g}", (x, v), ha="center", va="bottom", fontsize=7)
    ax.set_xticks([x + width * (len(keys) - 1) / 2 for x in range(len(rows))], names, fontsize=7)
    ax.set_title(title, fontsize=9)
    if len(keys) > 1:
        ax.legend(fontsize=7)


def _phases(ax, demo: list[dict]) -> None:
    labels, bottoms = [], []
    rows = [(d["runtime"], q) for d in demo if "questions" in d for q in d["questions"]]
    for i, (runtime, q) in enumerate(rows):
        labels.append(f"{runtime}\nQ{i % 3 + 1}")
        bottoms.append(0.0)
    for phase in PHASES:
        values = [q["timings"].get(f"{phase}_s", 0.0) for _, q in rows]
        ax.bar(range(len(rows)), values, 0.6, bottom=bottoms, label=phase)
        bottoms = [b + v for b, v in zip(bottoms, values)]
    firsts = [q["timings"]["first_token_s"] for _, q in rows]
    for x, f in enumerate(firsts):
        if f is not None:
            ax.plot([x - 0.3, x + 0.3], [f, f], color="black")
    ax.set_xticks(range(len(rows)), labels, fontsize=7)
    ax.set_title("make demo's questions, warm process: seconds by phase (line: first token)",
                 fontsize=9)
    ax.legend(fontsize=7)


def plot(report: dict, path: Path) -> None:
    try:
        import matplotlib
    except ImportError:  # an optional extra: the JSON is written already
        print(f"no plot {path}: matplotlib is not installed (pip install -e '.[plot]')",
              file=sys.stderr)
        return
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    rows = [r for r in report.get("runtimes", []) if "error" not in r]
    for r in rows:
        r.setdefault("decode_ms", r.get("decode_ms_generate"))
        r["peak_rss_mb_100"] = round((r.get("peak_rss_mb") or 0) / 100, 2)
    fig, axes = plt.subplots(2, 3, figsize=(16, 8))
    _bars(axes[0][0], rows, [("prefill_tok_s", "wall"), ("prefill_tok_cpu_s", "per CPU second")],
          "prefill tokens/s (512-token prompt)")
    _bars(axes[0][1], rows, [("decode_ms", "wall"), ("decode_cpu_ms", "CPU")], "decode ms/token")
    _bars(axes[0][2], rows, [("load_s", "load s"), ("peak_rss_mb_100", "peak RSS (100 MB)")],
          "model load seconds, peak RSS")
    gs = axes[1][0].get_gridspec()
    for ax in axes[1]:
        ax.remove()
    _phases(fig.add_subplot(gs[1, :]), report.get("demo", []))
    fig.suptitle("SmolLM2-135M-Instruct on a shared 2-core CPU (* llama.cpp: earlier run)", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
