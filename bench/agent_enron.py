"""Agent accuracy on the whole Enron set: metadata questions generated from the RAW mbox files,
exact answers computed here with the email module (independently of our store), answered by
archivist's ask() with default settings (rule planner).

    .venv/bin/python bench/agent_enron.py [--db /tmp/agent_enron.db] [--per-kind 25] [--seed 7]

Prints the accuracy JSON and writes bench/results/agent_enron.json.
"""
from __future__ import annotations

import argparse
import collections
import email
import gzip
import json
import mailbox
import random
import re
import sys
import time
from datetime import timezone
from email.policy import default as default_policy
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data" / "enron"
MONTHS = "January February March April May June July August September October November December".split()


def _body(msg) -> str:
    part = msg.get_body(preferencelist=("plain", "html"))
    try:
        return part.get_content() if part is not None else ""
    except (LookupError, ValueError):
        return ""


def header_date(value: str):
    """The Date header as an aware datetime; None for placeholders like '8 Mar 0002', which
    Python's parser would silently read as 2002."""
    year = re.search(r"\b(\d{4})\b", value)
    if not year or int(year.group(1)) < 1900:
        return None
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None


def read_raw(mbox_dir: Path) -> list[dict]:
    """Every message of every mbox: sender, subject, Message-ID, local and UTC day, body."""
    out = []
    for path in sorted(mbox_dir.glob("*.mbox.gz")):
        tmp = Path("/tmp") / f"agent_bench_{path.stem}"
        tmp.write_bytes(gzip.decompress(path.read_bytes()))
        for raw in mailbox.mbox(str(tmp), factory=None):
            msg = email.message_from_bytes(raw.as_bytes(), policy=default_policy)
            addrs = getaddresses([str(msg.get("From", ""))])
            when = header_date(str(raw.get("Date", "")))  # compat32: the literal header text
            out.append({"from": (addrs[0][1] if addrs else "").lower(), "subject": str(msg.get("Subject", "")),
                        "message_id": str(msg.get("Message-ID", "")).strip(), "mailbox": path.name[:-8],
                        "local": when.date().isoformat() if when else "",
                        "utc": when.astimezone(timezone.utc).date().isoformat() if when else "",
                        "body": _body(msg)})
        tmp.unlink()
    return out


def distinct(messages: list[dict]) -> dict[tuple, list[dict]]:
    """Distinct messages by (From, Subject, body), as the data README counts them."""
    groups: dict[tuple, list[dict]] = collections.defaultdict(list)
    for m in messages:
        groups[(m["from"], m["subject"].strip(), " ".join(m["body"].split()))].append(m)
    return groups


def gen_questions(groups: dict[tuple, list[dict]], per_kind: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    firsts = [copies[0] for copies in groups.values()]
    per_sender = collections.Counter(m["from"] for m in firsts if m["from"])
    senders = sorted(s for s, n in per_sender.items() if n >= 2)
    qs = []
    for s in rng.sample(senders, per_kind):
        qs.append({"kind": "count_from", "question": f"How many distinct emails from {s} are in the archive?",
                   "expected": per_sender[s]})
    months = collections.Counter((m["from"], m["local"][:7]) for m in firsts
                                 if m["from"] and m["local"][:4] in ("2000", "2001", "2002"))
    months_utc = collections.Counter((m["from"], m["utc"][:7]) for m in firsts if m["from"])
    for (s, ym) in rng.sample(sorted(months), per_kind):
        y, mo = ym.split("-")
        qs.append({"kind": "count_month", "expected": months[(s, ym)],
                   "expected_utc": months_utc.get((s, ym), 0),
                   "question": f"How many emails did {s} send in {MONTHS[int(mo) - 1]} {y}?"})
    key = collections.Counter((m["subject"].strip().lower(), m["local"]) for m in firsts)
    unique = [copies for copies in groups.values() if len(copies[0]["subject"].strip()) > 8
              and '"' not in copies[0]["subject"] and key[(copies[0]["subject"].strip().lower(),
                                                           copies[0]["local"])] == 1
              and copies[0]["local"][:4] in ("2000", "2001", "2002") and copies[0]["from"]]
    for i, copies in enumerate(rng.sample(unique, per_kind)):
        m = copies[0]
        y, mo, d = m["local"].split("-")
        day = m["local"] if i % 2 == 0 else f"{MONTHS[int(mo) - 1]} {int(d)}, {y}"
        qs.append({"kind": "who_sent", "expected": m["from"],
                   "message_ids": sorted({c["message_id"] for c in copies}),
                   "question": f"Who sent the email with the subject \"{m['subject'].strip()}\" on {day}?"})
    return qs


def score(q: dict, res) -> bool:
    if q["kind"] in ("count_from", "count_month"):
        m = re.search(r"\d+", res.answer)
        return bool(m) and int(m.group()) == q["expected"]
    cited = {c["message_id"] for c in res.citations}
    return q["expected"] in res.answer.lower() and bool(cited & set(q["message_ids"]))


def ensure_db(db: Path) -> dict:
    from archivist.corpus.ingest import ingest_paths
    from archivist.store import Store
    with Store(db) as store:
        summary = ingest_paths(store, [DATA])  # resumable: a no-op when done
        return {k: v for k, v in vars(summary).items() if not k.startswith("_")}


def evaluate(db: Path, questions: list[dict]) -> tuple[dict, list[dict]]:
    from archivist.agent.ask import ask
    from archivist.config import load_settings
    from archivist.store import Store
    settings = load_settings(cli={"db": str(db)})
    rows = []
    with Store(db) as store:
        for q in questions:
            try:
                res = ask(store, settings, q["question"])
            except Exception as exc:  # a crash counts as a wrong answer, and is shown
                rows.append({**q, "answer": f"ERROR {type(exc).__name__}: {exc}", "strategy": "",
                             "llm_calls": 0, "seconds": 0.0, "correct": False, "cited": []})
                continue
            rows.append({**q, "answer": res.answer, "strategy": res.strategy, "llm_calls": res.llm_calls,
                         "seconds": res.seconds, "correct": score(q, res),
                         "cited": [c["message_id"] for c in res.citations][:3]})
    by_kind = {}
    for kind in ("count_from", "count_month", "who_sent"):
        rs = [r for r in rows if r["kind"] == kind]
        by_kind[kind] = {"n": len(rs), "correct": sum(r["correct"] for r in rs),
                         "accuracy": round(sum(r["correct"] for r in rs) / max(len(rs), 1), 3),
                         "via_query": sum(r["strategy"] == "query" for r in rs),
                         "llm_calls": sum(r["llm_calls"] for r in rs),
                         "mean_seconds": round(sum(r["seconds"] for r in rs) / max(len(rs), 1), 4)}
    month = [r for r in rows if r["kind"] == "count_month"]
    by_kind["count_month"]["questions_where_utc_day_differs"] = sum(
        r["expected"] != r["expected_utc"] for r in month)
    return by_kind, rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--db", default="/tmp/agent_enron.db")
    ap.add_argument("--per-kind", type=int, default=25)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    t0 = time.perf_counter()
    groups = distinct(read_raw(DATA / "mbox"))
    questions = gen_questions(groups, args.per_kind, args.seed)
    t1 = time.perf_counter()
    ingest = ensure_db(Path(args.db))
    t2 = time.perf_counter()
    by_kind, rows = evaluate(Path(args.db), questions)
    total = sum(k["correct"] for k in by_kind.values())
    report = {"corpus": str(DATA), "distinct_messages_raw": len(groups), "questions": len(rows),
              "accuracy": round(total / max(len(rows), 1), 3), "by_kind": by_kind,
              "planner": "rules", "calendar": "sender's local Date header day (who_sent: local or UTC)",
              "seconds": {"parse_raw": round(t1 - t0, 1), "ingest": round(t2 - t1, 1),
                          "answer_all": round(time.perf_counter() - t2, 2)},
              "ingest": ingest, "failures": [r for r in rows if not r["correct"]][:15]}
    out = ROOT / "bench" / "results" / "agent_enron.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({**report, "rows": rows}, indent=1, default=str))
    print(json.dumps({k: v for k, v in report.items() if k != "failures"}, indent=1, default=str))
    print(f"{len(report['failures'])} failures listed in {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
