"""How archivist's costs grow with the archive: Enron copied to N emails (15k, 150k, 1M), each size
ingested and measured from the shell. Issue 28's benchmark.

  python bench/scale.py build --sizes 15000,150000 --work /tmp/scale     # the archives only
  python bench/scale.py run --sizes 15000,150000 --embed-up-to 150000 --work /tmp/scale
  python bench/scale.py add --sizes 150000,1000000 --work /tmp/scale   # 100 new emails vs an empty store
  python bench/scale.py plot

Each archive is the Enron mboxes of ../shared/data/enron/mbox copied as often as needed: copy k
renames every mailbox (`<name>-c<k>`), gives every message a new Message-ID (`<c<k>.<old>>`, its
In-Reply-To/References too) and swaps a few words of its body, so dedup keeps every copy while
dates, senders, threads and sizes stay real. Written outside the repo (--work), never committed.
At each size: ingest to BM25-searchable (wall, messages/s, peak RSS), `index embed` to fully
hybrid (up to --embed-up-to emails; beyond it the time is projected from the measured rate and
said so), database and cache bytes against the raw mail bytes, then from the shell (a fresh
process each, median of 5): hybrid and bm25 `search`, a count `ask` and a top-senders `ask`
(exact SQL, no model), `senders`, `threads`, `stats`, `verify`, and adding 100 new emails.
Every row has the load average before and after. Writes bench/results/scale.json and scale.png.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENRON = ROOT.parent / "shared" / "data" / "enron" / "mbox"
RESULTS = ROOT / "bench" / "results"
OUT = RESULTS / "scale.json"
FROM_LINE = re.compile(rb"(?m)^From ")
MSGID = re.compile(rb"(?mi)^(Message-ID|In-Reply-To|References):([^\n]*)")
SEARCHES = ["california power prices", "skilling resignation", "gas contract with el paso"]
ASKS = {"count": "How many emails were sent in October 2001?",
        "top_senders": "Who sent the most emails?"}


def messages(path: Path) -> list[bytes]:
    data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    starts = [m.start() for m in FROM_LINE.finditer(data)]
    return [data[a:b] for a, b in zip(starts, starts[1:] + [len(data)])]


def copy_message(raw: bytes, k: int, rng: random.Random) -> bytes:
    """Copy k of a message: new ids, three body words swapped (the same words, other places)."""
    head, sep, body = raw.partition(b"\n\n")
    head = MSGID.sub(lambda m: m.group(1) + b":" + re.sub(rb"<", b"<c%d." % k, m.group(2)), head)
    if not re.search(rb"(?mi)^Message-ID:", head):
        head += b"\nMessage-ID: <c%d.%d@scale.invalid>" % (k, rng.randrange(1 << 40))
    words = body.split(b" ")
    for _ in range(3 if len(words) > 6 else 0):
        i, j = rng.randrange(len(words)), rng.randrange(len(words))
        words[i], words[j] = words[j], words[i]
    return head + sep + b" ".join(words)


def build(size: int, work: Path) -> Path:
    """The archive of `size` emails under work/archive-<size>/ (made once)."""
    folder = work / f"archive-{size}"
    done = folder / ".done"
    if done.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    boxes = [(p.name.split(".")[0], messages(p)) for p in sorted(ENRON.glob("*.mbox.gz"))]
    rng, left, k = random.Random(size), size, 0
    while left > 0:
        for name, msgs in boxes:
            take = msgs[:left]
            if not take:
                break
            with open(folder / f"{name}-c{k}.mbox", "wb") as f:
                for raw in take:
                    f.write(copy_message(raw, k, rng) if k else raw)
            left -= len(take)
        k += 1
    done.write_text(str(size))
    return folder


def new_mail(work: Path, size: int, n: int = 100, k: int = 9999) -> Path:
    """n emails no archive holds (copy k of the first mailbox's first n)."""
    path = work / f"new-{size}" / ("new.mbox" if k == 9999 else f"new-{k}.mbox")
    path.parent.mkdir(parents=True, exist_ok=True)
    first = sorted(ENRON.glob("*.mbox.gz"))[0]
    # seeded by the batch: with one seed for all, every batch swapped the same words, and a store
    # that took one batch kept only a few emails of the next as new (the rest were duplicates)
    rng = random.Random(k * 1000 + n)
    path.write_bytes(b"".join(copy_message(raw, k, rng) for raw in messages(first)[:n]))
    return path


def add_pairs(size: int, work: Path, pairs: int, embed: bool, first: int = 9900) -> dict:
    """Adding 100 new emails to the store of `size` against adding the same 100 to an empty store,
    alternated, a new batch each pair (copy `first` + i: no store holds it; pass a higher `first`
    for a store that already took those), so the big store grows by 100 a pair, as a user's does;
    the ratio of the medians and of each pair."""
    db, flags = work / f"store-{size}" / "a.db", ([] if embed else ["--no-embed"])
    rows = []
    for i in range(pairs):
        box = new_mail(work, size, k=first + i)
        empty = work / f"empty-{size}" / "a.db"
        empty.parent.mkdir(parents=True, exist_ok=True)
        for p in empty.parent.iterdir():
            p.unlink()
        big_run, empty_run = shell(db, "ingest", *flags, str(box)), shell(empty, "ingest", *flags, str(box))
        rows.append({"batch": first + i, "big_s": big_run["seconds"], "empty_s": empty_run["seconds"],
                     "rc": [big_run["rc"], empty_run["rc"]], "load_before": big_run["load_before"]})
    big, empty = (statistics.median(r[key] for r in rows) for key in ("big_s", "empty_s"))
    return {"emails": size, "embedded": embed, "pairs": rows, "big_median_s": big,
            "empty_median_s": empty, "ratio_of_medians": round(big / empty, 2),
            "median_pair_ratio": round(statistics.median(r["big_s"] / r["empty_s"] for r in rows), 2)}


def shell(db: Path, *args: str) -> dict:
    """One archivist command in a fresh process: wall seconds, peak RSS, exit code, load."""
    before = os.getloadavg()
    cmd = ["/usr/bin/time", "-f", "%e %M", sys.executable, "-m", "archivist", "--llm", "echo",
           "-y", "-d", str(db), *args]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ARCHIVIST_CONFIG": ""}
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t0
    last = proc.stderr.strip().splitlines()[-1].split() if proc.stderr.strip() else ["0", "0"]
    return {"seconds": round(wall, 3), "peak_rss_mb": round(int(last[-1]) / 1024, 1),
            "rc": proc.returncode, "load_before": before, "load_after": os.getloadavg(),
            "stdout_tail": proc.stdout[-300:] if proc.returncode else "",
            # the error itself (the last lines before /usr/bin/time's own line)
            "stderr_tail": "\n".join(proc.stderr.strip().splitlines()[-6:-1])[-1200:] if proc.returncode else ""}


def median_of(db: Path, runs: int, *args: str) -> dict:
    rows = [shell(db, *args) for _ in range(runs)]
    secs = [r["seconds"] for r in rows]
    return {"median_s": round(statistics.median(secs), 3), "runs_s": secs,
            "rc": sorted({r["rc"] for r in rows}), "load_before": rows[0]["load_before"],
            "load_after": rows[-1]["load_after"]}


def disk_bytes(db: Path) -> dict:
    """The database (with its WAL) and the vector caches beside it."""
    files = [p for p in db.parent.iterdir() if p.name.startswith(db.name)]
    base = sum(p.stat().st_size for p in files if p.name in {db.name, db.name + "-wal"})
    return {"db_bytes": base, "cache_bytes": sum(p.stat().st_size for p in files) - base}


def measure(size: int, work: Path, embed_up_to: int, runs: int) -> dict:
    folder = build(size, work)
    raw = sum(p.stat().st_size for p in folder.glob("*.mbox"))
    db = work / f"store-{size}" / "a.db"
    db.parent.mkdir(parents=True, exist_ok=True)
    for p in db.parent.iterdir():
        p.unlink()
    row = {"emails": size, "raw_bytes": raw}
    row["ingest_bm25"] = shell(db, "ingest", "--no-embed", str(folder))
    row["ingest_bm25"]["msgs_per_s"] = round(size / row["ingest_bm25"]["seconds"], 1)
    if size <= embed_up_to:
        row["embed"] = shell(db, "index", "embed")
        row["fully_hybrid_s"] = round(row["ingest_bm25"]["seconds"] + row["embed"]["seconds"], 1)
    row.update(disk_bytes(db))
    row["disk_over_raw"] = round((row["db_bytes"] + row["cache_bytes"]) / raw, 2)
    for q in SEARCHES[:1]:
        row["search_hybrid"] = median_of(db, runs, "search", q, "--json")
        row["search_bm25"] = median_of(db, runs, "search", q, "--mode", "bm25", "--json")
    for name, question in ASKS.items():
        row[f"ask_{name}"] = median_of(db, runs, "ask", question, "--json")
    for name in ("senders", "threads", "stats"):
        row[name] = median_of(db, runs, name, "--json")
    row["verify"] = shell(db, "verify", "--json")
    embed = [] if size <= embed_up_to else ["--no-embed"]
    row["add_100"] = shell(db, "ingest", *embed, str(new_mail(work, size)))
    return row


def projected(rows: list[dict]) -> None:
    """Sizes not embedded: fully hybrid projected from the largest measured embedding rate."""
    measured = [r for r in rows if "embed" in r]
    if not measured:
        return
    ref = max(measured, key=lambda r: r["emails"])
    rate = ref["emails"] / ref["embed"]["seconds"]
    for r in rows:
        if "embed" not in r:
            r["fully_hybrid_projected_s"] = round(r["ingest_bm25"]["seconds"] + r["emails"] / rate, 1)
            r["projection"] = f"embedding at the {ref['emails']:,}-email rate ({rate:.0f} emails/s)"


def plot(path: Path = OUT) -> Path:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    rows = json.loads(path.read_text())["results"]
    x = [r["emails"] for r in rows]
    series = {"ingest to BM25 (s)": [r["ingest_bm25"]["seconds"] for r in rows],
              "search hybrid (s)": [r["search_hybrid"]["median_s"] for r in rows],
              "search bm25 (s)": [r["search_bm25"]["median_s"] for r in rows],
              "count ask (s)": [r["ask_count"]["median_s"] for r in rows],
              "senders / threads / stats (s)": [max(r[k]["median_s"] for k in
                                                    ("senders", "threads", "stats")) for r in rows],
              "add 100 emails (s)": [r["add_100"]["seconds"] for r in rows],
              "peak RSS of ingest (MB)": [r["ingest_bm25"]["peak_rss_mb"] for r in rows],
              "store + caches / raw mail": [r["disk_over_raw"] for r in rows]}
    fig, axes = plt.subplots(2, 4, figsize=(16, 7))
    for ax, (title, ys) in zip(axes.flat, series.items()):
        ax.plot(x, ys, marker="o")
        ax.set_xscale("log")
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("emails in the archive")
    fig.tight_layout()
    png = path.with_suffix(".png")
    fig.savefig(png, dpi=90)
    return png


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("what", choices=["build", "run", "add", "plot"])
    ap.add_argument("--sizes", default="15000,150000")
    ap.add_argument("--work", default="/tmp/archivist-scale")
    ap.add_argument("--embed-up-to", type=int, default=150_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--out", default=str(OUT))
    ap.add_argument("--pairs", type=int, default=15, help="add: alternated pairs a size")
    ap.add_argument("--first-batch", type=int, default=9900, help="add: the first new batch's copy number")
    args = ap.parse_args()
    work, sizes = Path(args.work), [int(s) for s in args.sizes.split(",")]
    if args.what == "build":
        for size in sizes:
            print(json.dumps({"emails": size, "folder": str(build(size, work))}))
        return
    if args.what == "add":
        for size in sizes:
            print(json.dumps(add_pairs(size, work, args.pairs, size <= args.embed_up_to, args.first_batch)), flush=True)
        return
    if args.what == "run":
        rows = []
        for size in sizes:
            rows.append(measure(size, work, args.embed_up_to, args.runs))
            print(json.dumps(rows[-1]), flush=True)
        projected(rows)
        Path(args.out).write_text(json.dumps({"cpus": os.cpu_count(), "results": rows}, indent=1))
    print(json.dumps({"png": str(plot(Path(args.out)))}))


if __name__ == "__main__":
    main()
