"""The quality tasks that need no model (search modes, the relevance floor, paraphrase sets, blind
questions) on the demo mailbox and a tiny HotpotQA file, their per-group tables, and the README
tables generated from a results store."""
from __future__ import annotations

import gzip
import json

import pytest
from typer.testing import CliRunner

from archivist.errors import InputError
from conftest import agent_settings


def _run(tmp_path, task, data, strategies, variant="", **kw):
    from archivist.evals.results import Results
    from archivist.evals.runner import RunConfig
    from archivist.evals.suite import run_config
    cfg = RunConfig(task, strategies, data=str(data) if data else None, variant=variant, **kw)
    with Results(tmp_path / "evals.db") as res:
        summary = run_config(cfg, agent_settings(tmp_path / "x.db"), res, tmp_path / "work")
        return summary, res.rows(summary.run_id)


def _model_free(summary, rows) -> None:
    assert summary.status == "done" and summary.rows == summary.planned == len(rows) > 0
    assert not [r for r in rows if r["error"]]
    assert all(r["model"] == "none" and r["tokens_in"] == 0 and r["llm_calls"] == 0 for r in rows)


@pytest.fixture
def hotpot(tmp_path):
    """Two questions over six paragraphs: each has two supporting ones."""
    paras = [("Kiss and Tell", "Kiss and Tell is a 1945 film starring Shirley Temple as Corliss Archer.", 0),
             ("Shirley Temple", "Shirley Temple later served as Chief of Protocol of the United States.", 0),
             ("Oak", "An oak is a tree of the genus Quercus.", 1), ("Quercus", "Quercus has about 500 species.", 1),
             ("Pine", "A pine is a conifer.", None), ("Tower", "The tower is 300 metres tall.", None)]
    ctx = [{"title": t, "paragraph_text": p, "is_supporting": s == q} for t, p, s in paras for q in (0, 1)]
    rows = [{"question_id": f"q{q}", "question_text": text, "answers_objects": [{"spans": ["x"]}],
             "contexts": [c for c in ctx[q::2]]}
            for q, text in enumerate(["Which office did the actress who played Corliss Archer hold?",
                                      "How many species has the genus of the oak tree?"])]
    path = tmp_path / "hotpot.jsonl.gz"
    with gzip.open(path, "wt") as fh:
        fh.writelines(json.dumps(r) + "\n" for r in rows)
    return path


def test_hotpot_retrieval_scores_both_paragraphs_per_mode(tmp_path, hotpot):
    summary, rows = _run(tmp_path, "hotpot-retrieval", hotpot, ["hybrid", "dense", "bm25"])
    _model_free(summary, rows)
    assert {r["strategy"] for r in rows} == {"hybrid", "dense", "bm25"} and len(rows) == 6
    for r in rows:  # 1 only when both are found (bm25 lists only paragraphs sharing a word)
        assert r["score"] == float(r["scores"]["gold_share"] == 1.0) and r["scores"]["rank"] >= 1
        assert r["meta"]["group"] == "both supporting in top 10"
    # six paragraphs, top 10: the dense ranking lists them all, so both are always found
    assert all(r["score"] == 1.0 for r in rows if r["strategy"] in ("dense", "hybrid"))


def test_retrieval_tasks_refuse_answering_strategies(tmp_path, hotpot):
    with pytest.raises(InputError, match="unknown strategy rag"):
        _run(tmp_path, "hotpot-retrieval", hotpot, ["rag"])


def test_search_enron_scores_rank_one_and_hit_at_five(tmp_path, demo_db):
    from archivist.config import load_settings
    from archivist.retrieval.search import search
    from archivist.store import Store
    summary, rows = _run(tmp_path, "search-enron", demo_db, ["bm25", "hybrid"], limit=6)
    _model_free(summary, rows)
    kinds = {r["meta"]["kind"]: r["meta"]["k"] for r in rows}
    assert kinds == {"subjects": 1, "lookups": 5}
    settings = load_settings("test", {"db": str(demo_db)})
    with Store(demo_db) as store:
        for r in rows:  # the score is the search's own top k against the gold ids, by hand
            hits = [h.doc_id for h in search(store, settings, r["question"], k=r["meta"]["k"], mode=r["strategy"])]
            assert r["score"] == float(bool(set(hits) & set(r["meta"]["gold_ids"])))
    assert sum(r["score"] for r in rows if r["meta"]["kind"] == "subjects") >= 4  # verbatim subjects win


def test_relevance_floor_scores_both_sides_and_each_candidate_floor(tmp_path, demo_db, hotpot):
    from archivist.evals.results import Results
    from archivist.evals.runner import RunConfig, Runner
    from archivist.evals.tasks import TaskOptions
    from archivist.evals.tasks.relevance_floor import FLOORS, RelevanceFloorTask, floor_key
    from archivist.retrieval.search import DENSE_FLOOR, search
    from archivist.store import Store
    task = RelevanceFloorTask(TaskOptions(data=demo_db, limit=16, seed=5), words=hotpot)
    with Results(tmp_path / "evals.db") as res:
        summary = Runner(task, RunConfig("relevance-floor", ["hybrid"], limit=16, data=str(demo_db), seed=5),
                         agent_settings(demo_db), res, tmp_path / "work").run()
        rows = res.rows(summary.run_id)
    _model_free(summary, rows)
    kinds = [r["meta"]["kind"] for r in rows]
    assert kinds.count("lookups") == kinds.count("subjects") == 4 and kinds.count("absent") >= 5
    with Store(demo_db) as store:
        for r in rows:  # the headline is the search as `archivist search` shows it, by hand
            shown = [h.doc_id for h in search(store, agent_settings(demo_db), r["question"], floor=True)]
            right = not shown if r["meta"]["kind"] == "absent" else bool(set(shown[:5]) & set(r["meta"]["gold_ids"]))
            assert r["score"] == float(right) and r["scores"]["shown"] == len(shown)
            assert r["scores"][floor_key(DENSE_FLOOR)] == r["score"]  # the floor in use, applied afterwards
    for r in rows:
        if r["meta"]["kind"] == "absent":  # no hits exactly when the nearest vector is below the floor
            cos = r["scores"]["top_cosine"]
            assert 0 < cos < 1 and [r["scores"][floor_key(f)] for f in FLOORS] == [float(cos < f) for f in FLOORS]


def test_relevance_floor_needs_a_database_and_its_words(tmp_path, demo_db):
    from archivist.evals.tasks import TaskOptions
    from archivist.evals.tasks.relevance_floor import RelevanceFloorTask
    with pytest.raises(InputError, match="--data"):
        RelevanceFloorTask(TaskOptions(), words=demo_db)
    with pytest.raises(InputError, match="HotpotQA"):
        RelevanceFloorTask(TaskOptions(data=demo_db), words=tmp_path / "none.jsonl.gz")


def test_paraphrase_variant_scores_correct_and_dropped(tmp_path, demo_db):
    summary, rows = _run(tmp_path, "probes", demo_db, ["auto"], variant="paraphrase", limit=12)
    _model_free(summary, rows)
    assert all(set(r["scores"]) == {"correct", "dropped_constraint"} for r in rows)
    assert {r["meta"]["group"] for r in rows} <= {"tune counts", "held counts", "tune lookups", "held lookups"}
    assert all(r["score"] == r["scores"]["correct"] for r in rows)
    assert sum(r["score"] for r in rows) >= len(rows) - 2  # exact SQL answers on the demo mailbox


def test_blind_answers_by_hand():
    from archivist.evals.tasks.blind import right
    assert right({"count": 3}, {"count": 3}) and not right({"count": 3}, {"count": 4})
    assert not right({"count": 3}, {"count": 3, "refused": True})
    one = {"people": [["a@x.com"]]}
    assert right(one, {"people": [{"addresses": ["A@x.com"]}, {"addresses": ["b@x.com"]}]})
    assert not right(one, {"people": [{"addresses": ["b@x.com"]}]})
    unordered = {"people": [["a@x.com"], ["b@x.com"]], "ordered": False}
    assert right(unordered, {"people": [{"addresses": ["b@x.com"]}, {"addresses": ["a@x.com"]}]})
    assert right({"month": "2001-05"}, {"date": "2001-05-14"}) and right({"date": "2001-05-14"}, {"date": "2001-05-14"})
    assert right({"files": ["A.doc"]}, {"files": ["a.doc"]}) and not right({"files": ["A.doc"]}, {})


def test_blind_task_on_a_written_question(tmp_path, demo_db):
    import sqlite3
    from archivist.evals.tasks import TaskOptions
    from archivist.evals.tasks.blind import BlindTask
    con = sqlite3.connect(demo_db)
    sender, n = con.execute("SELECT sender, count(*) FROM documents WHERE kind = 'email' GROUP BY sender "
                            "ORDER BY 2 DESC LIMIT 1").fetchone()
    folder = tmp_path / "questions"
    folder.mkdir()
    (folder / "enron_blind_v4_held.jsonl").write_text(
        json.dumps({"id": "T-1", "kind": "count", "question": f"How many emails did {sender} send?",
                    "answer": {"count": n}}) + "\n" +
        json.dumps({"id": "T-2", "kind": "count", "question": f"How many emails did {sender} send?",
                    "answer": {"count": n + 1}}) + "\n")
    task = BlindTask(TaskOptions(data=demo_db), sets=("v4_held",), questions=folder)
    assert [e.meta["group"] for e in task.examples()] == ["v4 (untuned) count"] * 2
    from archivist.evals.runner import Corpus
    from archivist.store import Store
    with Store(demo_db) as store:
        rows = [task.measure(Corpus(store), agent_settings(demo_db), e, "auto") for e in task.examples()]
    assert [r["score"] for r in rows] == [1.0, 0.0]
    assert rows[1]["scores"]["confidently_wrong"] == 1.0  # an exact answer, not the writer's


def _store_run(results, task="probes", config=None, groups=(("tune counts", 1.0), ("tune counts", 0.0),
                                                           ("held lookups", 1.0))):
    from archivist.evals.results import now
    run = results.start(repr((config, groups)), task, {"strategies": ["auto"], **(config or {})}, "none", "echo")
    for i, (group, score) in enumerate(groups):
        results.add(run.id, task, {"example_id": f"e{i}", "strategy": "auto", "model": "none", "created_at": now(),
                                   "question": "q", "gold": [], "answerable": 1, "score": score,
                                   "scores": {"correct": score, "dropped_constraint": 0.0}, "meta": {"group": group}})
    results.finish(run.id, "done", 60.0)
    return run


def test_group_table_by_hand(tmp_path):
    from archivist.evals.groups import group_table
    rows = [{"strategy": s, "score": v, "scores": {"refused": 1.0 - v}, "meta": {"group": g}}
            for g, s, v in [("a", "bm25", 1.0), ("a", "bm25", 0.0), ("b", "bm25", 1.0), ("a", "dense", 0.0)]]
    lines = group_table(rows, ["hybrid", "bm25", "dense"], ("refused",))
    assert lines[0] == "| group | bm25 | dense | refused (bm25) | refused (dense) |"
    assert lines[2] == "| a | 1/2 (50.0%) | 0/1 (0.0%) | 1 | 1 |"
    assert lines[3] == "| b | 1/1 (100.0%) | – | 0 | – |"
    assert lines[4] == "| **all** | 2/3 (66.7%) | 0/1 (0.0%) | 1 | 1 |"
    assert group_table([{**rows[0], "meta": {}}], ["bm25"]) == []


def test_readme_tables_rewritten_between_markers(tmp_path):
    from archivist.evals.readme import rewrite
    from archivist.evals.results import Results
    text = ("# Title\nkept\n<!-- eval:probes variant=paraphrase -->\nold table\n<!-- /eval:probes -->\n"
            "after\n")
    with Results(tmp_path / "r.db") as results:
        _store_run(results, config={"variant": "raw"}, groups=(("raw counts", 0.0),))
        run = _store_run(results, config={"variant": "paraphrase"})
        _store_run(results, config={"variant": "paraphrase"}, groups=())  # unfinished: not used
        results.conn.execute("UPDATE eval_runs SET status = 'partial' WHERE id = 3")
        new, done = rewrite(text, results)
        again, _ = rewrite(new, results)
    assert done == ["probes variant=paraphrase"] and again == new  # idempotent
    assert new.startswith("# Title\nkept\n<!-- eval:probes variant=paraphrase -->\n") and new.endswith(
        "<!-- /eval:probes -->\nafter\n")
    assert f"Run {run.id} of `probes`: 3 examples" in new and "old table" not in new
    assert "| tune counts | 1/2 (50.0%) |" in new and "| held lookups | 1/1 (100.0%) |" in new


def test_readme_markers_that_match_nothing_are_errors(tmp_path):
    from archivist.evals.readme import rewrite
    from archivist.evals.results import Results
    with Results(tmp_path / "r.db") as results:
        _store_run(results)
        with pytest.raises(InputError, match="no finished run of blind"):
            rewrite("<!-- eval:blind -->\n<!-- /eval:blind -->", results)
        with pytest.raises(InputError, match="closed by"):
            rewrite("<!-- eval:probes -->\n<!-- /eval:blind -->", results)
        with pytest.raises(InputError, match="key=value"):
            rewrite("<!-- eval:probes seed -->\n<!-- /eval:probes -->", results)


def test_cli_report_readme(tmp_path):
    from archivist.cli import app
    from archivist.evals.results import Results
    with Results(tmp_path / "r.db") as results:
        _store_run(results)
    readme = tmp_path / "README.md"
    readme.write_text("<!-- eval:probes -->\n<!-- /eval:probes -->\n")
    r = CliRunner().invoke(app, ["eval", "report", "--results", str(tmp_path / "r.db"), "--readme", str(readme)])
    assert r.exit_code == 0, r.output
    assert "rewrote 1 tables" in r.output and "| **all** | 2/3 (66.7%) |" in readme.read_text()
