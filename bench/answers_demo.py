"""Who writes the answers on the demo corpus: the model or the extractive fallback, and how often
each is right, for the answer prompt before and after the fix (question before and after the
documents, the answer's opening words given to the model, uncited answers labelled by overlap).

Usage: python bench/answers_demo.py [--db .demo/demo.db] [--variants after,no_posthoc] [--limit N]
       [--runtime onnx|transformers]
"before" re-creates the old prompt (documents, then the question, the model opens its own turn)
and the old check (an answer without [n] labels is rejected) inside this process; "no_posthoc"
is the current prompt without citing an uncited answer sentence by sentence by support.
Model generations are memoised by prompt, so a later variant reuses the model's very words and
only the checks differ (a prompt not seen before is generated).
Prints one JSON object and writes bench/results/answers_demo.json (with the load average).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archivist.answering import prompts  # noqa: E402
from archivist.agent import verify as finish  # noqa: E402
from archivist.answering.grounding.check import add_citation  # noqa: E402
from archivist.agent.strategies import common  # noqa: E402
from archivist.backends.base import Message  # noqa: E402

# (question, strings any one of which in the answer makes it right) - content lookups, each fact
# stated in one or two documents of archivist/demo_data
QUESTIONS = [
    ("Which room is the Q2 planning offsite in?", ["room 42"]),
    ("On which day was the Q2 planning offsite moved to?", ["March 14", "Thursday"]),
    ("What price did Bay Crane finally offer for ten weeks of crane rental?", ["172,500", "172500"]),
    ("What was Bay Crane's first quote for eight weeks?", ["184,000", "184000"]),
    ("What cap on liability did Lena Fischer recommend in the easement review?", ["2 million"]),
    ("What liability cap did the Port Authority propose?", ["1.5 million"]),
    ("What is the total of Harbor Pipeline budget v2 after the contingency change?", ["4.82"]),
    ("What contingency did Maria ask Priya to use in the budget?", ["15%", "15 %", "705"]),
    ("What is the incident report number of the safety incident at Pier 7?", ["SI-2024-031"]),
    ("What injury did the contractor suffer at Pier 7?", ["sprained wrist", "wrist"]),
    ("Why is the first Kessler Steel delivery delayed?", ["rolling mill"]),
    ("To which date did the first steel delivery slip?", ["May 20"]),
    ("What discount did Kessler Steel offer for the delay?", ["3%", "3 %", "three percent"]),
    ("What is the building permit number for Harbor Pipeline?", ["BP-88412"]),
    ("How long is the building permit valid?", ["18 months"]),
    ("When does construction of the Harbor Pipeline start?", ["June 3"]),
    ("Who is Bay Crane's lead operator?", ["Ray Mendez"]),
    ("Where should the new site access badges be collected?", ["Building C", "security office"]),
]
MODEL_PATHS = ("llm", "digest+llm")


def _old_messages(question: str, context: str, system: str = prompts.SYSTEM_ANSWER) -> list[Message]:
    user = f"<documents>\n{prompts.fence(context)}\n</documents>\n\nQuestion: {question}\nAnswer with [n] citations:"
    return [Message("system", system), Message("user", user)]


def use_variant(name: str) -> None:
    """Install the prompt and check of a variant into the running agent modules."""
    common.answer_messages, common.continued, finish._cite = ORIGINAL
    if name == "before":
        common.answer_messages = _old_messages
        common.continued = lambda text: text.strip()
        finish._cite = lambda text, packed, own: (text, "")
    if name == "no_posthoc":
        finish._cite = _whole_answer_cite


def _whole_answer_cite(text: str, packed, own) -> tuple[str, str]:
    """The labelling before citing by support: the whole uncited answer gets the one block holding
    all its numbers and at least half its content words, or nothing."""
    text, added = add_citation(text, finish.blocks_of(packed))
    return text, f" (uncited answer labelled [{added}] by word overlap)" if added is not None else ""


ORIGINAL = (common.answer_messages, common.continued, finish._cite)


def memoise(model) -> None:
    """model.generate answers a prompt it has seen with the same generation (its counts kept)."""
    real, seen = model.generate, {}

    def generate(messages, max_tokens=None, stream=False, choices=None, stop=None):
        key = (tuple((m.role, m.content) for m in messages), max_tokens, tuple(choices or ()),
               tuple(stop or ()))
        if key not in seen:
            seen[key] = real(messages, max_tokens=max_tokens, choices=choices, stop=stop)
        else:
            model.calls += 1
        return seen[key]
    model.generate = generate


def right(answer: str, expected: list[str]) -> bool:
    norm = lambda s: re.sub(r"\s+", " ", s.lower())  # noqa: E731
    return any(norm(e) in norm(answer) for e in expected)


def run(store, settings, model, limit: int) -> list[dict]:
    from archivist.agent.ask import ask
    rows = []
    for question, expected in QUESTIONS[:limit]:
        t0 = time.perf_counter()
        r = ask(store, settings, question, llm=model, log=False)
        rows.append({"question": question, "answered_by": str(r.answered_by), "check": r.check,
                     "tokens_out": r.tokens_out, "right": right(r.answer, expected),
                     "answer": r.answer[:300], "rejected_draft": r.rejected_draft[:300],
                     "seconds": round(time.perf_counter() - t0, 1)})
        print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    return rows


def summary(rows: list[dict]) -> dict:
    by_model = [r for r in rows if r["answered_by"] in MODEL_PATHS]
    other = [r for r in rows if r["answered_by"] not in MODEL_PATHS]
    acc = lambda rs: round(sum(r["right"] for r in rs) / len(rs), 3) if rs else None  # noqa: E731
    return {"questions": len(rows), "model_share": round(len(by_model) / len(rows), 3),
            "model_accuracy": acc(by_model), "fallback_share": round(len(other) / len(rows), 3),
            "fallback_accuracy": acc(other), "accuracy": acc(rows),
            "empty_model_outputs": sum(r["tokens_out"] == 0 for r in rows)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default=str(ROOT / ".demo" / "demo.db"))
    ap.add_argument("--variants", default="after,no_posthoc")
    ap.add_argument("--limit", type=int, default=len(QUESTIONS))
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--runtime", default="auto", help="what runs smollm2: auto | onnx | transformers")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "answers_demo.json"))
    args = ap.parse_args()
    from archivist.answering.model import Model
    from archivist.config import Settings
    from archivist.store import Store
    settings = Settings().replace(db=args.db, threads=args.threads, runtime=args.runtime)
    result: dict = {"load_avg_start": os.getloadavg(), "llm": settings.model.llm, "runtime": args.runtime}
    with Store(args.db) as store:
        model = Model(settings)
        memoise(model)
        for name in args.variants.split(","):
            use_variant(name)
            rows = run(store, settings, model, args.limit)
            result[name] = {"summary": summary(rows), "rows": rows}
            print(name, result[name]["summary"], file=sys.stderr, flush=True)
    use_variant("after")
    result["load_avg_end"] = os.getloadavg()
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=1))
    print(json.dumps({k: v["summary"] if isinstance(v, dict) and "summary" in v else v
                      for k, v in result.items()}))


if __name__ == "__main__":
    main()
