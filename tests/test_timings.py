"""Where an answer's time goes: the timings breakdown of `ask` (library and `ask --json`) and the run
log, with the echo backend on the demo corpus."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from archivist.agent.ask import ask
from archivist.backends.echo import EchoLLM
from archivist.backends.text import split_pieces
from archivist.store.runs import get_run
from archivist.timing import PHASES, Timings, process_age
from tests.conftest import ROOT, agent_settings

KEYS = {f"{p}_s" for p in PHASES} | {"other_s", "first_token_s", "total_s"}
PREFILL, STEP = 0.2, 0.02  # the slow echo's seconds before its first piece and between pieces


class SlowEcho(EchoLLM):
    """The echo backend with a model's rhythm: a pause before the first piece, then one per piece."""

    def generate(self, messages, stream=False, options=None):
        text = super().generate(messages, stream=False, options=options)
        if not stream:
            time.sleep(PREFILL + STEP * len(split_pieces(text)))
            return text

        def pieces():
            time.sleep(PREFILL)
            for i, piece in enumerate(split_pieces(text)):
                if i:
                    time.sleep(STEP)
                yield piece
        return pieces()


def _check_sums(t: dict) -> None:
    assert set(t) == KEYS
    assert all(t[k] >= 0 for k in KEYS - {"first_token_s"})
    parts = sum(t[f"{p}_s"] for p in PHASES) + t["other_s"]
    assert parts == pytest.approx(t["total_s"], abs=0.02)  # the phases and other add up to total


def test_model_answer_is_broken_down(demo_store, demo_db):
    r = ask(demo_store, agent_settings(demo_db), "Which room is the Q2 planning offsite in?",
            llm=SlowEcho())
    t = r.timings
    assert r.strategy == "rag" and r.tokens_out > 1 and r.llm_calls == 1
    _check_sums(t)
    assert t["retrieval_s"] > 0 and t["grounding_s"] > 0
    assert PREFILL <= t["prefill_s"] < PREFILL + 1  # until the first piece
    assert t["decode_s"] >= STEP * 0.9  # the pieces after the first (an answer has several words)
    assert t["process_start_s"] == t["imports_s"] == 0  # a library call: Enter is the call
    assert t["retrieval_s"] + t["prefill_s"] <= t["first_token_s"] <= t["total_s"]
    assert t["total_s"] == pytest.approx(r.seconds, abs=0.25)
    assert get_run(demo_store, r.run_id)["timings"] == t  # the run log keeps the breakdown


def test_exact_answer_has_no_first_token(demo_store, demo_db):
    r = ask(demo_store, agent_settings(demo_db),
            "How many emails did maria.chen@northwind-energy.com send?")
    assert r.strategy == "query" and r.llm_calls == 0
    _check_sums(r.timings)
    assert r.timings["first_token_s"] is None and r.timings["prefill_s"] == 0


def test_clock_from_process_start_counts_start_up():
    age = process_age()
    if age is None:
        pytest.skip("no /proc: the process age is unknown here")
    t = Timings.since_process_start().to_dict()
    assert t["process_start_s"] > 0 and t["imports_s"] >= 0
    assert t["total_s"] == pytest.approx(age, abs=0.1)


def test_ask_json_prints_timings_from_enter(demo_db):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ARCHIVIST_CONFIG": ""}
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "archivist", "--preset", "test", "ask", "-d", str(demo_db),
                           "Which room is the Q2 planning offsite in?", "--json"],
                          capture_output=True, text=True, env=env, timeout=300)
    wall = time.perf_counter() - start
    assert proc.returncode == 0, proc.stderr
    t = json.loads(proc.stdout)["timings"]
    _check_sums(t)
    if process_age() is not None:
        assert t["process_start_s"] > 0 and t["imports_s"] > 0  # the command's own start-up
    assert t["first_token_s"] is not None and t["total_s"] <= wall
