"""The eval harness: every metric on hand-computed cases, every task on a few examples with the
echo backend (and niah with a tiny random-init model), resumable runs, self-route, the report."""
from __future__ import annotations

import gzip
import json
import re

import pytest
from typer.testing import CliRunner

from archivist.evals import metrics as M
from archivist.evals.aggregate import by_strategy, self_route_row
from archivist.evals.plots import pareto_front
from conftest import DEMO, agent_settings

EMAIL = ("Message-ID: <1.2@thyme>\nDate: Fri, 25 Aug 2000 03:30:00 -0700 (PDT)\nFrom: phillip.allen@enron.com\n"
         "To: brad.mcsherry@enron.com\nSubject: Promotion\nX-From: Phillip K Allen\nX-To: Brad McSherry\n\n"
         "Brad,\n\nI would like to promote Tori Kuykendall to commercial manager. Her duties since the "
         "beginning of the year have been those of a commercial manager.\n\nCall me at 713-853-7041.\n\nPhillip\n")


# --- metrics, by hand ---

def test_exact_match_and_f1_by_hand():
    assert M.exact_match("Chief of Protocol.", "chief of protocol") == 1.0
    assert M.exact_match("The Chief of Protocol", "Chief of Protocol") == 1.0  # articles dropped
    assert M.exact_match("Chief of Staff", "Chief of Protocol") == 0.0
    # answer words chief of protocol of us (5), gold chief of protocol (3), 3 shared: P 3/5, R 1
    assert M.token_f1("the Chief of Protocol of the US", "Chief of Protocol") == pytest.approx(0.75)
    assert M.token_f1("nothing shared", "Chief of Protocol") == 0.0
    assert M.token_recall("He was Chief of something", "Chief of Protocol") == pytest.approx(2 / 3)
    assert M.contains_answer("It was the Chief of Protocol, in 1976.", "chief of protocol") == 1.0
    assert M.contains_answer("Chief of Protocols", "chief of protocol") == 0.0  # whole words only


def test_numeric_answers_by_hand():
    assert M.exact_match("42 distinct emails match (sender = x).", "42") == 1.0
    assert M.exact_match("41 distinct emails match", "42") == 0.0
    assert M.exact_match("1,234 emails", "1234") == 1.0
    assert M.token_f1("There are 7 emails", "7") == 1.0  # numbers are exact, not word overlap
    assert M.contains_answer("between 3 and 42 of them", "42") == 1.0
    assert M.contains_answer("420 emails", "42") == 0.0
    scores = M.text_scores("No matching documents (sender = x).", ["0"])
    assert scores["em"] == 0.0 and scores["refused"] == 1.0  # 'no matching' is no number


def test_refusals_by_hand():
    una = M.text_scores("I cannot find this in the provided documents.", [])
    assert una == {"refused": 1.0, "correct_refusal": 1.0}
    assert M.text_scores("Phillip Allen sent it.", [])["correct_refusal"] == 0.0
    assert M.text_scores("The email does not mention an attachment.", [])["correct_refusal"] == 1.0
    assert M.text_scores("", [])["correct_refusal"] == 1.0  # silence is no answer
    ans = M.text_scores("I cannot find this in the provided documents.", ["Phillip K Allen"])
    assert ans["refused"] == 1.0 and ans["f1"] == 0.0


def test_evidence_and_citations_by_hand():
    assert M.evidence_recall({"a", "b"}, {"b", "c"}) == 0.5
    assert M.evidence_recall({"a"}, set()) is None
    assert M.citation_correct(["eat a sandwich in Dolores Park"], ["Dolores Park"]) == 1.0
    assert M.citation_correct(["an essay about startups"], ["Dolores Park"]) == 0.0
    assert M.citation_correct([], ["Dolores Park"]) is None  # nothing cited
    assert M.citation_correct(["x"], []) is None  # unanswerable


def _row(ex, strategy, score, tokens, seconds=1.0, chosen=None, answerable=1, scores=None):
    return {"example_id": ex, "strategy": strategy, "score": score, "tokens_in": tokens, "seconds": seconds,
            "chosen": chosen or strategy, "answerable": answerable, "scores": scores or {}, "tokens_out": 5,
            "peak_mb": 100.0, "error": None, "meta": {}}


def test_planner_regret_by_hand():
    rows = [_row("1", "rag", 1.0, 100), _row("1", "stuff", 1.0, 500), _row("1", "auto", 1.0, 500, chosen="stuff"),
            _row("2", "rag", 0.0, 100), _row("2", "stuff", 1.0, 500), _row("2", "auto", 0.0, 100, chosen="rag")]
    r = M.planner_regret(rows)
    assert (r.examples, r.regret, r.rate) == (2, 1, 0.5)
    assert r.score_gap == 0.5  # (0 + 1) / 2
    assert r.extra_tokens == 0.0  # (+400 on 1: the cheapest best is rag; -400 on 2) / 2
    assert r.picks == {"stuff": 1, "rag": 1}


def test_self_route_table_and_pareto_by_hand():
    rows = [_row("1", "rag", 1.0, 100), _row("1", "stuff", 1.0, 1000), _row("1", "self-route", 1.0, 100, chosen="rag"),
            _row("2", "rag", 0.0, 100), _row("2", "stuff", 1.0, 1000),
            _row("2", "self-route", 1.0, 1100, chosen="rag->stuff")]
    sr = self_route_row("t", rows)
    assert (sr.n, sr.stuff, sr.rag, sr.self_route, sr.rag_share) == (2, 1.0, 0.5, 1.0, 0.5)
    assert sr.rag_tokens_pct == 10.0 and sr.self_route_tokens_pct == 60.0  # 200/2000, 1200/2000
    stats = by_strategy(rows + [_row("3", "rag", 0.0, 50, answerable=0, scores={"correct_refusal": 1.0})],
                        ["rag", "stuff"])
    assert stats[0].correct_refusal == 1.0 and stats[0].unanswerable == 1
    assert pareto_front([(100, 0.5), (1000, 1.0), (1100, 1.0), (500, 0.4)]) == [(100, 0.5), (1000, 1.0)]


# --- tasks on tiny data written here, with the echo backend ---

@pytest.fixture
def data(tmp_path):
    hay = tmp_path / "niah"
    (hay / "PaulGrahamEssays").mkdir(parents=True)
    for i in range(3):
        (hay / "PaulGrahamEssays" / f"e{i}.txt").write_text(
            " ".join(f"Essay {i} sentence {j} talks about startups and painters." for j in range(120)))
    (hay / "needles.json").write_text(json.dumps({"single_needle_default": {
        "needle": "The best thing to do in San Francisco is eat a sandwich and sit in Dolores Park on a sunny day.",
        "retrieval_question": "What is the best thing to do in San Francisco?",
        "expected_answer": "The best thing to do in San Francisco is eat a sandwich and sit in Dolores Park."}}))
    ctx = [{"id": str(i), "title": t, "paragraph_text": p, "is_supporting": s} for i, (t, p, s) in enumerate([
        ("Kiss and Tell", "Kiss and Tell is a 1945 film starring Shirley Temple as Corliss Archer.", True),
        ("Shirley Temple", "Shirley Temple later served as Chief of Protocol of the United States.", True),
        ("Oak", "An oak is a tree.", False)])]
    rows = [{"question_id": "q1", "question_text": "What position was held by the woman who played Corliss Archer?",
             "answers_objects": [{"spans": ["Chief of Protocol"]}], "contexts": ctx},
            {"question_id": "q2", "question_text": "What is an oak?", "answers_objects": [{"spans": ["a tree"]}],
             "contexts": ctx}]
    hot = tmp_path / "hotpot.jsonl.gz"
    with gzip.open(hot, "wt") as fh:
        fh.writelines(json.dumps(r) + "\n" for r in rows)
    qas = [{"question": "Who sent the email?", "id": 1, "is_impossible": False,
            "answers": [{"text": "Phillip K Allen"}]},
           {"question": "What is the phone number?", "id": 2, "is_impossible": False,
            "answers": [{"text": "713-853-7041"}]},
           {"question": "What is attached to the email?", "id": 3, "is_impossible": True, "answers": []}]
    enron = tmp_path / "enron_annotated.json"
    enron.write_text(json.dumps({"data": [{"paragraphs": [{"context": EMAIL, "qas": qas}]}]}))
    lev = tmp_path / "financial_qa.jsonl.gz"
    with gzip.open(lev, "wt") as fh:
        fh.write(json.dumps({"input": "Revenue grew 12 percent in the third quarter. " * 40,
                             "instructions": ["How much did revenue grow?"], "outputs": ["12 percent"]}) + "\n")
    return {"niah": hay, "hotpotqa": hot, "enron-qa": enron, "leval": lev}


def _run(tmp_path, task, data, strategies, settings=None, **kw):
    from archivist.evals.results import Results
    from archivist.evals.runner import RunConfig
    from archivist.evals.suite import run_config
    cfg = RunConfig(task, strategies, data=str(data) if data else None, **kw)
    with Results(tmp_path / "evals.db") as res:
        summary = run_config(cfg, settings or agent_settings(tmp_path / "x.db"), res, tmp_path / "work")
        return summary, res.rows(summary.run_id)


@pytest.mark.parametrize("task,strategies,kw", [
    ("niah", ["rag", "stuff", "memory", "query", "auto", "self-route"], {"lengths": [1000], "depths": [0, 100]}),
    ("hotpotqa", ["rag", "stuff", "auto", "self-route"], {}),
    ("enron-qa", ["rag", "stuff", "self-route"], {}),
    ("leval", ["rag", "stuff"], {}),
])
def test_every_task_runs_and_resumes(tmp_path, data, task, strategies, kw):
    summary, rows = _run(tmp_path, task, data[task], strategies, **kw)
    assert summary.status == "done" and summary.rows == summary.planned == len(rows) > 0
    assert {r["strategy"] for r in rows} == set(strategies)
    assert not [r for r in rows if r["error"]]
    for r in rows:
        assert 0.0 <= r["score"] <= 1.0 and r["model"] == "echo" and r["backend_kind"] == "echo"
        assert r["hardware"] and r["created_at"] and r["peak_mb"] > 0
    again, _ = _run(tmp_path, task, data[task], strategies, **kw)
    assert (again.run_id, again.rows, again.skipped) == (summary.run_id, 0, summary.planned)  # resumed


def test_niah_places_the_needle_and_self_route_adds_costs(tmp_path, data):
    _, rows = _run(tmp_path, "niah", data["niah"], ["rag", "stuff", "self-route"], lengths=[1000], depths=[50])
    by = {r["strategy"]: r for r in rows}
    assert by["stuff"]["scores"]["evidence_recall"] in (0.0, 1.0)
    sr = by["self-route"]
    if sr["chosen"] == "rag":
        assert sr["tokens_in"] == by["rag"]["tokens_in"]
    else:
        assert sr["tokens_in"] == by["rag"]["tokens_in"] + by["stuff"]["tokens_in"]


def test_niah_haystack_length_and_depth(data):
    from archivist.evals.tasks import TaskOptions, make_task
    task = make_task("niah", TaskOptions(data=data["niah"], lengths=[1000, 2000], depths=[0, 50, 100]))
    exs = task.examples()
    assert [e.id for e in exs][:3] == ["L1000-D0", "L1000-D50", "L1000-D100"] and len(exs) == 6
    for ex in exs:
        parts, holders = task.cell(ex.corpus)
        assert len(holders) == 1  # the needle is in exactly one passage
        where = int(min(holders)[1:]) / max(1, len(parts) - 1)
        assert abs(where - ex.meta["depth"] / 100) < 0.35
    short, long_ = task.cell("L1000-D0")[0], task.cell("L2000-D0")[0]
    assert len(" ".join(long_).split()) > 1.6 * len(" ".join(short).split())


def test_niah_lengths_past_the_window_are_the_length_named(data):
    """Within the model's window a haystack is sized to fit it (stuff reads it whole); past the
    window it is as long as the length says, not cut to the window (it used to stop at 8k)."""
    from archivist.evals.tasks import TaskOptions, make_task
    words = lambda text: len(text.split())  # noqa: E731  (one token a word, for the arithmetic)
    task = make_task("niah", TaskOptions(data=data["niah"], count_tokens=words, budget=1000))
    inside = words(" ".join(task.cell("L1000-D50")[0]))
    past = words(" ".join(task.cell("L5000-D50")[0]))
    assert inside <= 1000 * 0.93 - 200 + 25  # the needle's 21 words on top
    assert 4900 <= past <= 5000 + 25 and len(task.cell("L5000-D50")[1]) == 1
    parts = task.cell("L5000-D50")[0]  # the essays repeat past their length: no passage twice
    assert len(set(parts)) == len(parts)
    from archivist.evals.tasks.niah import distinct
    assert distinct(["a.", "b.", "a.", "a."]) == ["a.", "b.", "a. (copy 2)", "a. (copy 3)"]


def test_past_the_window_stuff_is_labelled_not_run_and_memory_reads_it(tmp_path, data):
    """A haystack longer than the window: stuff refuses it with its reason and the row says so
    (not_run, score 0, not the refusal's words scored); extractive memory reads it all and finds
    the needle with one model call."""
    s = agent_settings(tmp_path / "x.db", memory_notes="extractive")
    _, rows = _run(tmp_path, "niah", data["niah"], ["stuff", "memory"], settings=s, lengths=[6000], depths=[50])
    by = {r["strategy"]: r for r in rows}
    assert by["stuff"]["scores"] == {"not_run": 1.0} and by["stuff"]["score"] == 0.0
    assert "does not fit" in by["stuff"]["answer"]
    assert by["memory"]["score"] > 0.8 and by["memory"]["llm_calls"] <= 2, by["memory"]["answer"]


def test_enron_qa_refusal_and_numbers(tmp_path, data):
    _, rows = _run(tmp_path, "enron-qa", data["enron-qa"], ["stuff"])
    by = {r["question"]: r for r in rows}
    una = by["What is attached to the email?"]
    assert una["answerable"] == 0 and set(una["scores"]) == {"refused", "correct_refusal"}
    assert una["score"] == una["scores"]["correct_refusal"]
    phone = by["What is the phone number?"]
    assert phone["gold"] == ["713-853-7041"] and "f1" in phone["scores"]


def test_probes_task_over_a_database(tmp_path):
    from archivist.corpus.ingest import ingest_paths
    from archivist.store import Store
    db = tmp_path / "demo.db"
    with Store(db) as s:
        ingest_paths(s, [DEMO])
    summary, rows = _run(tmp_path, "probes", db, ["auto", "query"], limit=6)
    assert summary.status == "done" and len(rows) == 2 * len({r["example_id"] for r in rows}) > 0
    assert all("correct" in r["scores"] for r in rows)
    # exact SQL answers: the query strategy answers counts without a model call
    counts = [r for r in rows if r["strategy"] == "query" and r["meta"]["intent"].startswith("count")]
    assert all(r["tokens_in"] == 0 for r in counts)
    assert any(r["score"] == 1.0 for r in counts) or not counts


def test_niah_with_a_tiny_model(tmp_path, data):
    from tiny_models import save_tiny
    path = save_tiny("attention", tmp_path / "tiny")
    s = agent_settings(tmp_path / "x.db", llm="transformers", llm_model=str(path), device="cpu",
                       context_window=0)
    summary, rows = _run(tmp_path, "niah", data["niah"], ["rag", "stuff"], settings=s,
                         lengths=[1000], depths=[50], max_new_tokens=8)
    assert summary.rows == 2 and all(r["backend_kind"] == "attention" and r["tokens_in"] > 0 for r in rows)


def test_cli_run_and_report(tmp_path, data, monkeypatch):
    from archivist.cli import app
    monkeypatch.setenv("ARCHIVIST_DB", str(tmp_path / "x.db"))
    runner = CliRunner()
    res = tmp_path / "e.db"
    r = runner.invoke(app, ["--llm", "echo", "eval", "run", "niah", "--data", str(data["niah"]), "--lengths", "1000",
                            "--depths", "0,100", "--strategies", "rag,stuff,auto,self-route", "--results", str(res),
                            "--json"])
    assert r.exit_code == 0, r.output
    line = json.loads(r.stdout.strip().splitlines()[-1])
    assert line["rows"] == 8 and line["status"] == "done"
    r = runner.invoke(app, ["eval", "report", "--results", str(res), "--out", str(tmp_path / "rep")])
    assert r.exit_code == 0, r.output
    text = (tmp_path / "rep" / "report.md").read_text()
    assert "| rag |" in text and "Self-Route" in text and "LC (always stuff)" in text
    assert (tmp_path / "rep" / "niah_heatmap_echo.png").stat().st_size > 1000
    assert (tmp_path / "rep" / "niah_pareto.png").exists()
    bad = runner.invoke(app, ["--llm", "echo", "eval", "run", "nope", "--results", str(res)])
    assert bad.exit_code == 2 and "unknown eval task" in bad.output
    bad = runner.invoke(app, ["--llm", "echo", "eval", "run", "niah", "--data", str(data["niah"]),
                              "--strategies", "rag,magic", "--results", str(res)])
    assert bad.exit_code == 2 and "unknown strategy" in bad.output


def test_suite_time_boxes_carry_unused_minutes_forward(monkeypatch, tmp_path):
    """A task that finishes early leaves its minutes to the next; the suite total still bounds all."""
    from archivist.evals import suite
    boxes = []
    monkeypatch.setattr(suite, "run_config", lambda cfg, *a, **k: boxes.append(a[5]) or cfg.task)
    monkeypatch.setattr(suite, "enron_db", lambda *a: tmp_path / "e.db")
    monkeypatch.setattr("archivist.answering.model.Model", lambda s: object())
    items = [suite.SuiteItem("probes", ["auto"], minutes=5), suite.SuiteItem("niah", ["rag"], minutes=10),
             suite.SuiteItem("hotpotqa", ["rag"], minutes=50)]
    suite.run_suite(items, agent_settings(tmp_path / "x.db"), None, tmp_path, total_minutes=55)
    assert boxes[0] == pytest.approx(300, abs=2)
    assert boxes[1] == pytest.approx(900, abs=2)  # its 10 minutes plus the 5 probes did not use
    assert boxes[2] == pytest.approx(55 * 60, abs=2)  # 65 planned, cut to the suite's 55


# --- the beyond-the-window report: by length, regret against the best fixed strategy, who wins ---

def _lrow(ex, strategy, score, length=0, tokens=0, seconds=0.0, peak=0.0, split="", chosen=""):
    meta = {"length": length} if length else {}
    if split:
        meta["split"] = split
    return {"example_id": ex, "strategy": strategy, "score": score, "tokens_in": tokens, "seconds": seconds,
            "peak_mb": peak, "meta": meta, "chosen": chosen or strategy}


def test_by_length_by_hand():
    from archivist.evals.aggregate import by_length
    rows = [_lrow("a", "memory", 1.0, 1000, 10, 1.0, 500), _lrow("b", "memory", 0.5, 1000, 30, 3.0, 700),
            _lrow("c", "memory", 1.0, 1_000_000, 0, 20.0, 900), _lrow("a", "rag", 0.0, 1000, 800, 5.0, 600)]
    pts = by_length(rows, "memory")
    assert [(p.length, p.n, p.score, p.tokens_in, p.seconds, p.peak_mb) for p in pts] == [
        (1000, 2, 0.75, 20.0, 2.0, 700), (1_000_000, 1, 1.0, 0.0, 20.0, 900)]
    assert by_length(rows, "stuff") == []
    refused = [_lrow("a", "stuff", 0.0, 1_000_000), _lrow("b", "stuff", 1.0, 1000), _lrow("c", "stuff", 0.0, 1000)]
    refused[0]["scores"] = refused[2]["scores"] = {"not_run": 1.0}  # past the window: labelled, not scored
    assert [(p.length, p.n, p.score, p.not_run) for p in by_length(refused, "stuff")] == [
        (1000, 2, 1.0, 1), (1_000_000, 1, None, 1)]


def test_fixed_regret_by_hand():
    """Mean scores over the examples all answered: memory (1 + 1) / 2 = 1, rag (0 + 1) / 2 = 0.5,
    auto (1 + 0.9) / 2 = 0.95: gap 0.05, 5% of the best, within 5%; the tuning half is left out."""
    from archivist.evals.aggregate import fixed_regret
    rows = [_lrow("a", "memory", 1.0, split="held"), _lrow("a", "rag", 0.0, split="held"),
            _lrow("a", "auto", 1.0, split="held"), _lrow("b", "memory", 1.0, split="held"),
            _lrow("b", "rag", 1.0, split="held"), _lrow("b", "auto", 0.9, split="held"),
            _lrow("t", "memory", 0.0, split="tune"), _lrow("t", "rag", 0.0, split="tune"),
            _lrow("t", "auto", 0.0, split="tune"), _lrow("c", "memory", 1.0, split="held")]  # c: no auto
    r = fixed_regret(rows, "held")
    assert (r.examples, r.best, r.best_score, r.auto_score, r.gap, r.relative) == (2, "memory", 1.0, 0.95, 0.05, 0.05)
    assert r.within_5pct and r.split == "held"
    every = fixed_regret(rows)  # the tuning example counts too: memory 2/3, auto 1.9/3
    assert every.examples == 3 and every.best_score == pytest.approx(0.6667, abs=1e-4)
    assert every.gap == pytest.approx(0.0333, abs=1e-4) and every.relative == pytest.approx(0.05, abs=1e-3)
    tie = fixed_regret([_lrow("a", "memory", 1.0, tokens=900), _lrow("a", "rag", 1.0, tokens=800),
                        _lrow("a", "auto", 0.5)])  # a tie goes to the fewer tokens read
    assert tie.best == "rag" and tie.relative == 0.5 and not tie.within_5pct
    assert fixed_regret([_lrow("a", "memory", 1.0)]) is None


def test_wins_by_hand():
    from archivist.evals.aggregate import StrategyStats, wins
    stats = [StrategyStats("rag", 2, 0.5, tokens_in=800, seconds=5.0),
             StrategyStats("memory", 2, 1.0, tokens_in=0, seconds=9.0),
             StrategyStats("auto", 2, 1.0, tokens_in=0, seconds=8.0)]
    w = wins("ruler-vt held", stats)
    assert w.best.strategy == "auto" and [o.strategy for o in w.others] == ["rag", "memory"]  # tie: fewer s
    assert w.kind.startswith("aggregation") and wins("niah multi", stats).kind.startswith("lookup of k = 4")
    assert wins("x", []) is None


def test_length_plot_and_ticks(tmp_path):
    from archivist.evals.aggregate import LengthPoint
    from archivist.evals.plots import length_plot, length_ticks
    assert length_ticks([1000, 8000, 128000, 512000, 1_000_000, 500]) == ["1k", "8k", "128k", "512k", "1M", "500"]
    pts = [LengthPoint(n, 5, 1.0, 0.0, n / 1e5, 600 + n / 1e4) for n in (1000, 32000, 1_000_000)]
    path = length_plot("niah", {"memory": pts, "rag": pts[:2], "stuff": []}, tmp_path / "l.png", "footer", 8192)
    assert path.stat().st_size > 1000


def test_report_of_long_context_runs(tmp_path):
    """niah and niah multi are two runs of the report (each the latest of its variant), each with
    its table by length, peak memory from 32k to 1M, its regret and the table of who wins."""
    from archivist.evals.report import write_report
    from archivist.evals.results import Results
    with Results(tmp_path / "e.db") as res:
        for variant, lose in (("", 0.0), ("multi", 0.5)):
            run = res.start(f"k{variant}", "niah", {"task": "niah", "variant": variant}, "m", "attention")
            for n, peak in ((32000, 1000.0), (1_000_000, 1400.0)):
                for s, score in (("memory", 1.0), ("rag", lose), ("auto", 1.0)):
                    row = _lrow(f"L{n}", s, score, n, 800 if s == "rag" else 0, 2.0, peak)
                    row["meta"]["depth"] = 50.0
                    res.add(run.id, "niah", {**row, "model": "m", "backend_kind": "attention", "hardware": "h",
                                             "created_at": "2026-12-07", "question": "q", "gold": ["a"],
                                             "answerable": 1, "answer": "a", "scores": {}, "tokens_out": 0,
                                             "llm_calls": 0, "error": None})
            res.finish(run.id, "done", 10.0)
        rep = write_report(res, None, tmp_path / "rep", tmp_path / "no_bench.json")
    text = rep.path.read_text()
    assert "## niah (run 1" in text and "## niah multi (run 2" in text
    assert "| 1M | 0.00 · 2.0 · 1,400 | 1.00 · 2.0 · 1,400 | 1.00 · 2.0 · 1,400 |" in text and "from 32k to 1M tokens: rag 1,000 -> 1,400 MiB (1.40x); memory 1,000" in text
    assert "| niah multi | 2 | memory | 1.000 | 1.000 | +0.000 | +0.0% | yes |" in text
    assert "| lookup of k = 4 facts spread over a long text | niah multi | memory | 1.000 |" in text
    names = {f.name for f in rep.figures}
    assert {"niah_by_length.png", "niah-multi_by_length.png", "niah-multi_pareto.png"} <= names


def test_default_suite_goes_to_a_million_tokens():
    from archivist.evals.suite import DEFAULT_SUITE, SUITE_MINUTES, config_of
    by = {(i.task, i.variant): i for i in DEFAULT_SUITE if i.strategies != ["stuff"]}
    niah = by[("niah", "")]
    stuff = [i for i in DEFAULT_SUITE if i.strategies == ["stuff"]]
    assert stuff and stuff[0].lengths == niah.lengths and DEFAULT_SUITE[-1] is stuff[0]  # last: leftover time
    assert niah.lengths == [1000, 8000, 32000, 128000, 512000, 1000000] and len(niah.depths) == 5
    assert {"memory", "rag", "auto"} <= set(niah.strategies)
    multi = by[("niah", "multi")]
    assert min(multi.lengths) == 128000 and max(multi.lengths) == 1000000
    for task in ("ruler-fwe", "ruler-multivalue", "ruler-vt"):
        assert by[(task, "held")].lengths == niah.lengths
    assert by[("niah", "held")].lengths == niah.lengths and by[("niah", "held")].depths == niah.depths
    assert "memory" in by[("leval", "tune")].strategies
    assert by[("leval", "held")].strategies == by[("leval", "tune")].strategies
    assert by[("leval", "held")].limit == by[("leval", "tune")].limit
    long_context = [i for i in DEFAULT_SUITE if i.task in ("niah", "ruler-fwe", "ruler-multivalue", "ruler-vt", "leval")
                    and i.strategies != ["stuff"]]
    assert DEFAULT_SUITE[:len(long_context)] == long_context  # first: a busy machine cuts the others
    assert sum(i.minutes for i in long_context) < SUITE_MINUTES < 90
    cfg = config_of(niah)
    assert cfg.memory_notes == "extractive" and cfg.key() != config_of(by[("niah", "multi")]).key()


def test_a_run_key_without_memory_notes_is_the_old_one():
    from archivist.evals.runner import RunConfig
    old = RunConfig("niah", ["rag"])
    assert old.key() == "%s" % old.key() and RunConfig("niah", ["rag"], memory_notes="extractive").key() != old.key()
    import hashlib
    from dataclasses import asdict
    cfg = asdict(old)
    del cfg["memory_notes"]
    assert old.key() == hashlib.sha256(json.dumps(cfg, sort_keys=True).encode()).hexdigest()[:16]


def test_pace_guesses_a_row_from_its_length():
    """Seen lengths cost what they cost; a longer one scales linearly from the longest shorter one;
    stuff past the window is refused at once; nothing seen: no guess."""
    from archivist.evals.runner import Pace
    from archivist.evals.tasks.base import Example
    pace = Pace(budget=8000)
    ex = lambda n: Example("e", "q", ["a"], "c", meta={"length": n})  # noqa: E731
    assert pace.guess(ex(1000), "memory") == 0.0
    pace.add("memory", {"seconds": 2.0, "tokens_in": 0}, 128000)
    pace.add("memory", {"seconds": 4.0, "tokens_in": 0}, 128000)
    pace.add("stuff", {"seconds": 10.0, "tokens_in": 900}, 1000)
    assert pace.guess(ex(128000), "memory") == 3.0
    assert pace.guess(ex(1_024_000), "memory") == pytest.approx(24.0)
    assert pace.guess(ex(1_000_000), "stuff") == 0.0
    assert pace.guess(ex(8000), "stuff") == pytest.approx(10.0 * 8 * (1 + 8000 / 8192) / (1 + 1000 / 8192))


def test_niah_multi_has_four_needles_and_memory_names_all_past_the_window(tmp_path, data):
    from archivist.evals.tasks import TaskOptions, make_task
    task = make_task("niah", TaskOptions(data=data["niah"], lengths=[6000], depths=[50]), "multi")
    assert len(task.needles) == 4 and task.answer[-1] == "Truffle oil"
    assert task.question.startswith("What are the secret ingredients")
    s = agent_settings(tmp_path / "x.db", memory_notes="extractive")
    _, rows = _run(tmp_path, "niah", data["niah"], ["memory", "rag", "auto"], settings=s, lengths=[6000],
                   depths=[0, 50], variant="multi")
    mem = [r for r in rows if r["strategy"] == "memory"]
    assert all(r["score"] == 1.0 for r in mem), [r["answer"] for r in mem]
    assert all(r["chosen"] == "memory" for r in rows if r["strategy"] == "auto")


def test_niah_multi_with_a_tiny_model(tmp_path, data):
    from tiny_models import save_tiny
    path = save_tiny("attention", tmp_path / "tiny")
    s = agent_settings(tmp_path / "x.db", llm="transformers", llm_model=str(path), device="cpu",
                       context_window=0)
    summary, rows = _run(tmp_path, "niah", data["niah"], ["rag", "memory"], settings=s, lengths=[1000],
                         depths=[50], max_new_tokens=8, variant="multi", memory_notes="extractive")
    assert summary.rows == 2 and all(r["backend_kind"] == "attention" for r in rows)
    assert all(0.0 <= r["score"] <= 1.0 and not r["error"] for r in rows)


def test_one_built_corpus_is_open_at_a_time(tmp_path, data, monkeypatch):
    """Each open corpus store keeps its page cache: a run over many haystacks closes the one before
    (a peak measured at 1M tokens then is the 1M row's, not the whole run's)."""
    from archivist.evals.runner import Runner
    opened, corpus = [], Runner.corpus

    def spy(self, key):
        got = corpus(self, key)
        opened.append(len(self.corpora))
        return got
    monkeypatch.setattr(Runner, "corpus", spy)
    summary, rows = _run(tmp_path, "niah", data["niah"], ["rag", "memory"], lengths=[1000], depths=[0, 50, 100])
    assert len(rows) == 6 and max(opened) == 1


# --- held-back halves of niah and leval (nothing tuned on them) ---

def test_niah_held_plants_a_ruler_needle_per_cell(data):
    from archivist.evals.tasks import TaskOptions, make_task
    task = make_task("niah", TaskOptions(data=data["niah"], lengths=[1000, 2000], depths=[0, 50]), "held")
    exs = task.examples()
    assert [e.id for e in exs] == ["L1000-D0-held", "L1000-D50-held", "L2000-D0-held", "L2000-D50-held"]
    assert all(e.meta["split"] == "held" for e in exs)
    assert len({e.question for e in exs}) == 4 and len({e.answers[0] for e in exs}) == 4  # one needle a cell
    for e in exs:
        key = e.question.split(" for ")[1].split(" mentioned")[0]
        assert re.fullmatch(r"[a-z]+-[a-z]+", key) and re.fullmatch(r"\d{7}", e.answers[0])
        parts, holding = task.cell(e.corpus)
        needle = f"One of the special magic numbers for {key} is: {e.answers[0]}."
        assert len(holding) == 1 and needle in parts[int(next(iter(holding))[1:])]
        assert sum(needle in p for p in parts) == 1 and not any("San Francisco" in p for p in parts)
    again = make_task("niah", TaskOptions(data=data["niah"], lengths=[1000, 2000], depths=[0, 50]), "held")
    assert [(e.question, e.answers) for e in again.examples()] == [(e.question, e.answers) for e in exs]  # seeded
    # scored 1 when the answer holds the value, 0 when it does not (hand-computed)
    value = exs[0].answers[0]
    assert task.score(exs[0], f"The special magic number is {value}.")[0] == 1.0
    assert task.score(exs[0], "The special magic number is 1234567.")[0] == 0.0


def test_niah_held_runs_with_memory_rag_and_auto(tmp_path, data):
    s = agent_settings(tmp_path / "x.db", memory_notes="extractive")
    summary, rows = _run(tmp_path, "niah", data["niah"], ["memory", "rag", "auto"], settings=s, lengths=[6000],
                         depths=[0, 50], variant="held")
    assert summary.status == "done" and len(rows) == 6 and not [r for r in rows if r["error"]]
    assert all(r["meta"]["split"] == "held" and 0.0 <= r["score"] <= 1.0 for r in rows)
    assert all(r["score"] == 1.0 for r in rows if r["strategy"] == "memory"), [r["answer"] for r in rows]


def test_leval_halves_are_each_documents_first_and_second_question(tmp_path):
    from archivist.evals.tasks import TaskOptions, make_task
    lev = tmp_path / "financial_qa.jsonl.gz"
    with gzip.open(lev, "wt") as fh:
        for d in range(2):
            fh.write(json.dumps({"input": f"Document {d}. " * 50, "instructions": ["First?", "Second?", "Third?"],
                                 "outputs": ["a", "b", "c"]}) + "\n")
    ids = {h: [e.id for e in make_task("leval", TaskOptions(data=lev), h).examples()] for h in ("tune", "held", "")}
    assert ids["tune"] == ["financial_qa-00-q00", "financial_qa-01-q00"]
    assert ids["held"] == ["financial_qa-00-q01", "financial_qa-01-q01"]
    assert len(ids[""]) == 6  # no variant: every question, as before
    held = make_task("leval", TaskOptions(data=lev), "held").examples()
    assert all(e.meta["split"] == "held" for e in held) and [e.answers for e in held] == [["b"], ["b"]]


def test_niah_held_and_leval_held_with_a_tiny_model(tmp_path, data):
    from tiny_models import save_tiny
    path = save_tiny("attention", tmp_path / "tiny")
    s = agent_settings(tmp_path / "x.db", llm="transformers", llm_model=str(path), device="cpu", context_window=0)
    summary, rows = _run(tmp_path, "niah", data["niah"], ["rag", "memory"], settings=s, lengths=[1000],
                         depths=[50], max_new_tokens=8, variant="held", memory_notes="extractive")
    assert summary.rows == 2 and all(r["backend_kind"] == "attention" and not r["error"] for r in rows)
    assert all(r["score"] in (0.0, 1.0) for r in rows)  # the value is in the answer or not
    lev = tmp_path / "financial_qa.jsonl.gz"
    with gzip.open(lev, "wt") as fh:
        fh.write(json.dumps({"input": "Revenue grew 12 percent in the third quarter. Costs fell 3 percent. " * 30,
                             "instructions": ["How much did revenue grow?", "How much did costs fall?"],
                             "outputs": ["12 percent", "3 percent"]}) + "\n")
    summary, rows = _run(tmp_path, "leval", lev, ["rag", "memory"], settings=s, max_new_tokens=8, variant="held",
                         memory_notes="extractive")
    assert summary.rows == 2 and {r["example_id"] for r in rows} == {"financial_qa-00-q01"}
    assert all(0.0 <= r["score"] <= 1.0 and not r["error"] and r["meta"]["split"] == "held" for r in rows)
