"""PNG plot of a bench/backends.py sweep: prefill tok/s, decode ms/token and peak memory vs context."""
from __future__ import annotations

import sys
from pathlib import Path


def _series(rows: list[dict], key: str) -> dict[str, tuple[list[int], list[float]]]:
    out: dict[str, tuple[list[int], list[float]]] = {}
    for row in rows:
        if row.get(key) is None:
            continue
        xs, ys = out.setdefault(row["shape"], ([], []))
        xs.append(row["length"])
        ys.append(row[key])
    return out


def plot(report: dict, path: Path) -> None:
    try:
        import matplotlib
    except ImportError:  # an optional extra: the sweep's JSON is written already
        print(f"no plot {path}: matplotlib is not installed (pip install -e '.[plot]')",
              file=sys.stderr)
        return
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    rows = [r for r in report["results"] if "error" not in r]
    fig, axes = plt.subplots(1, 3, figsize=(16, 4.5))
    panels = [("prefill_tok_s", "prefill tokens/s"), ("decode_ms_generate", "decode ms/token"),
              ("peak_mb", "peak memory (MiB)")]
    for ax, (key, label) in zip(axes, panels):
        for shape, (xs, ys) in _series(rows, key).items():
            ax.plot(xs, ys, marker="o", label=f"{shape} (generate)" if key.startswith("decode") else shape)
        if key.startswith("decode"):
            for shape, (xs, ys) in _series(rows, "decode_ms_fast").items():
                ax.plot(xs, ys, marker="s", linestyle="--", label=f"{shape} (static cache)")
        ax.set_xscale("log", base=2)
        ax.set_xlabel("context length (tokens)")
        ax.set_ylabel(label)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=7)
    env = report.get("env", {})
    fig.suptitle(f"attention vs SSM, random init - {env.get('gpu', 'CPU')} "
                 f"torch {env.get('torch', '?')} transformers {env.get('transformers', '?')}")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
