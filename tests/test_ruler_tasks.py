"""The RULER-style tasks (evals/tasks/ruler.py): the set metrics on hand-computed cases, what each
task plants and where, haystack sizes, deterministic examples with a held-back half, and every
task run end to end with the echo backend."""
from __future__ import annotations

import random
import re

import pytest

from archivist.evals import metrics as M
from conftest import agent_settings

TASKS = ("ruler-fwe", "ruler-multivalue", "ruler-vt")


@pytest.fixture
def hay(tmp_path):
    folder = tmp_path / "hay" / "PaulGrahamEssays"
    folder.mkdir(parents=True)
    for i in range(3):
        (folder / f"e{i}.txt").write_text(
            " ".join(f"Essay {i} sentence {j} talks about startups and painters." for j in range(120)))
    return tmp_path / "hay"


def _task(name, hay, **kw):
    from archivist.evals.tasks import TaskOptions, make_task
    return make_task(name, TaskOptions(data=hay, **kw))


def _words(text):
    return len(text.split())


# --- metrics, by hand ---

def test_set_scores_by_hand():
    assert M.set_scores({"a", "b"}, {"a", "b", "c"}) == {"set_precision": 1.0, "set_recall": 0.6667, "set_f1": 0.8}
    # 2 of 4 named are gold, 2 of 3 gold named: p 0.5, r 2/3, f1 2*0.5*0.6667/1.1667 = 0.5714
    assert M.set_scores({"a", "b", "x", "y"}, {"a", "b", "c"}) == {"set_precision": 0.5, "set_recall": 0.6667,
                                                                    "set_f1": 0.5714}
    assert M.set_scores(set(), {"a"}) == {"set_precision": 0.0, "set_recall": 0.0, "set_f1": 0.0}
    assert M.set_scores({"x"}, {"a"}) == {"set_precision": 0.0, "set_recall": 0.0, "set_f1": 0.0}


def test_named_in_and_numbers_in_by_hand():
    candidates = ["zoravik", "HYJJH", "bokefig", "PXSLF"]
    assert M.named_in("The words are Zoravik, hyjjh and bokefigs.", candidates) == {"zoravik", "HYJJH"}
    assert M.named_in("VAR PXSLF = VAR HYJJH", candidates) == {"PXSLF", "HYJJH"}
    assert M.named_in("", candidates) == set()
    assert M.numbers_in("They are 1,234,567 and 7654321; also 42.") == {"1234567", "7654321", "42"}


# --- what is planted and where ---

def test_plant_keeps_each_group_in_order_and_spreads_it():
    from archivist.evals.tasks.ruler import plant
    sentences = [f"s{i}." for i in range(100)]
    out = plant(sentences, [["A1.", "A2.", "A3.", "A4."], ["B1.", "B2."]], random.Random(1))
    assert [s for s in out if s.startswith("s")] == sentences  # the text itself is untouched
    where = {s: out.index(s) for s in ("A1.", "A2.", "A3.", "A4.", "B1.", "B2.")}
    assert where["A1."] < where["A2."] < where["A3."] < where["A4."] and where["B1."] < where["B2."]
    quarters = [sum(1 for x in out[:where[a]] if x.startswith("s")) // 26 for a in ("A1.", "A2.", "A3.", "A4.")]
    assert quarters == [0, 1, 2, 3]  # the j-th of four in the j-th quarter (101 gaps / 4 = 25.25)


def test_fwe_counts_by_hand():
    from archivist.evals.tasks.ruler import FrequentWordsTask
    counts = FrequentWordsTask.counts
    # c = max(21, target // 60); round(c / rank^2), at least 1
    assert counts(FrequentWordsTask, 600) == [21, 5, 2, 1, 1, 1, 1, 1, 1, 1]
    assert counts(FrequentWordsTask, 6000) == [100, 25, 11, 6, 4, 3, 2, 2, 1, 1]
    for target in range(100, 200_000, 997):
        c = counts(FrequentWordsTask, target)
        assert c[0] > c[1] > c[2] > c[3]  # the top three are one set at every length


def test_fwe_plants_each_word_as_often_as_its_count(hay):
    task = _task("ruler-fwe", hay, lengths=[1000, 4000])
    for ex in task.examples():
        text = " ".join(task.cell(ex.corpus)[0])
        found = {w: len(re.findall(rf"The code word is {w}\.", text)) for w in ex.meta["candidates"]}
        assert found == ex.meta["counts"] and ex.answers == ex.meta["candidates"][:3]
        assert not set(ex.meta["candidates"]) & task.known  # made-up words, not the essays' own


def test_multivalue_plants_four_values_in_four_quarters(hay):
    task = _task("ruler-multivalue", hay, lengths=[4000])
    ex = task.examples()[0]
    parts, holders = task.cell(ex.corpus)
    assert ex.meta["key"] in ex.question and len(ex.answers) == 4 and len(holders) == 4
    text = " ".join(parts)
    assert sorted(int(text.index(v) / len(text) * 4) for v in ex.answers) == [0, 1, 2, 3]


def test_vt_chains_keep_their_order_and_the_distractor_is_not_gold(hay):
    task = _task("ruler-vt", hay, lengths=[4000])
    ex = task.examples()[0]
    text = " ".join(task.cell(ex.corpus)[0])
    chain = ex.answers
    assert text.index(f"VAR {chain[0]} = {ex.meta['value']}.") < text.index(f"VAR {chain[1]} = VAR {chain[0]}.")
    assert all(text.index(f"VAR {b} = VAR {a}.") < text.index(f"VAR {c} = VAR {b}.")
               for a, b, c in zip(chain, chain[1:], chain[2:]))
    other = [v for v in ex.meta["candidates"] if v not in chain]
    assert len(other) == 5 and f"VAR {other[0]} = {ex.meta['distractor']}." in text
    assert ex.question == f"Find all variables that are assigned the value {ex.meta['value']} in the text."


@pytest.mark.parametrize("name", TASKS)
def test_haystack_sizes_inside_and_past_the_window(hay, name):
    """As niah: within the window a cell fits the budget with the prompt; past it, it is the length
    named (planted statements included), its passages distinct though the essays repeat."""
    task = _task(name, hay, count_tokens=_words, budget=1000)
    inside = _words(" ".join(task.cell("L1000-s0")[0]))
    past = task.cell("L5000-s0")[0]
    assert inside <= 1000 * 0.93 - 200 + 10
    assert 4800 <= _words(" ".join(past)) <= 5000 + 10 and len(set(past)) == len(past)


@pytest.mark.parametrize("name", TASKS)
def test_examples_are_deterministic_and_split_in_halves(hay, name):
    a = _task(name, hay, lengths=[1000, 2000])
    exs = a.examples()
    assert [e.id for e in exs] == ["L1000-s0", "L2000-s0", "L1000-s1", "L2000-s1", "L1000-s2", "L2000-s2",
                                   "L1000-s3", "L2000-s3"]
    again = _task(name, hay, lengths=[1000, 2000]).examples()
    assert [(e.question, e.answers) for e in exs] == [(e.question, e.answers) for e in again]
    assert a.cell("L1000-s1") == _task(name, hay, lengths=[1000, 2000]).cell("L1000-s1")
    other = _task(name, hay, lengths=[1000, 2000], seed=14).examples()
    assert [e.answers for e in other] != [e.answers for e in exs]
    # the first two samples of every length are the tuning half, the last two the held-back one
    assert [e.meta["split"] for e in exs] == ["tune"] * 4 + ["held"] * 4
    from archivist.evals.tasks import make_task, TaskOptions
    held = make_task(name, TaskOptions(data=hay, lengths=[1000, 2000]), "held").examples()
    assert [(e.id, e.question, e.answers) for e in held] == [(e.id, e.question, e.answers) for e in exs[4:]]
    assert [e.id for e in make_task(name, TaskOptions(data=hay, lengths=[1000]), "tune").examples()] == \
        ["L1000-s0", "L1000-s1"]
    assert [e.id for e in _task(name, hay, lengths=[1000, 2000], limit=2).examples()] == ["L1000-s0", "L2000-s0"]


@pytest.mark.parametrize("name,answer,score", [
    ("ruler-fwe", "{0}, {1} and {2}", 1.0),
    ("ruler-fwe", "{0}, {1}, {2}, {3}, {4}, {5}", 0.6667),  # p 3/6, r 1: f1 2*0.5/1.5
    ("ruler-multivalue", "{0}, {1}", 0.5),  # recall, as RULER
    ("ruler-vt", "{0} {1} {2} {3} {4} {5}", 0.9091),  # p 5/6, r 1: f1 (5/3)/(11/6) = 10/11
    ("ruler-vt", "I cannot find this in the provided documents.", 0.0),
])
def test_scores_by_hand(hay, name, answer, score):
    task = _task(name, hay, lengths=[1000])
    ex = task.examples()[0]
    items = ex.meta["candidates"] or ex.answers
    got, scores = task.score(ex, answer.format(*items))
    assert got == pytest.approx(score, abs=1e-4) and set(scores) == {"set_precision", "set_recall", "set_f1", "refused"}


# --- end to end with the echo backend ---

def _run(tmp_path, task, hay, strategies, settings=None, **kw):
    from archivist.evals.results import Results
    from archivist.evals.runner import RunConfig
    from archivist.evals.suite import run_config
    cfg = RunConfig(task, strategies, data=str(hay), **kw)
    with Results(tmp_path / "evals.db") as res:
        summary = run_config(cfg, settings or agent_settings(tmp_path / "x.db"), res, tmp_path / "work")
        return summary, res.rows(summary.run_id)


@pytest.mark.parametrize("name", TASKS)
def test_every_ruler_task_runs_with_echo(tmp_path, hay, name):
    """rag, stuff, memory and auto on an example within the window and one past it, every row
    scored (or labelled) and in a half."""
    s = agent_settings(tmp_path / "x.db", memory_notes="extractive")
    summary, rows = _run(tmp_path, name, hay, ["rag", "stuff", "memory", "auto"], settings=s,
                         lengths=[1000, 6000], limit=2)
    assert summary.status == "done" and summary.rows == 8 and not [r for r in rows if r["error"]]
    for r in rows:
        assert 0.0 <= r["score"] <= 1.0 and r["meta"]["split"] in ("tune", "held")
        assert r["gold"] and r["meta"]["length"] in (1000, 6000)


@pytest.mark.parametrize("name", ["ruler-fwe", "ruler-multivalue", "ruler-vt"])
def test_past_the_window_stuff_is_not_run_while_rag_and_memory_read(tmp_path, hay, name):
    """As niah: stuff past the window is labelled not_run (its reason kept, not scored on its
    words); rag retrieves and the memory reads the whole haystack into its tally."""
    s = agent_settings(tmp_path / "x.db", memory_notes="extractive")
    _, rows = _run(tmp_path, name, hay, ["rag", "stuff", "memory"], settings=s, lengths=[6000], limit=1)
    by = {r["strategy"]: r for r in rows}
    assert by["stuff"]["scores"] == {"not_run": 1.0} and "does not fit" in by["stuff"]["answer"]
    assert "set_f1" in by["rag"]["scores"] and by["rag"]["tokens_in"] > 0
    # an aggregation: memory reads every passage into its tally and answers from it, no model call
    assert by["memory"]["llm_calls"] == 0 and "[1]" in by["memory"]["answer"]
