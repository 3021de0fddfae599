"""Hostile input ends in a clear message, never a traceback or a runaway prompt: an over-long
question is answered as cut to its budget, invalid UTF-8 on chat's stdin or in a query argument
is named and skipped."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from archivist.agent.ask import ask
from tests.conftest import agent_settings

ROOT = Path(__file__).resolve().parents[1]


def test_an_over_long_question_makes_a_bounded_prompt(demo_store, demo_db):
    question = "Which room is the Q2 planning offsite in? " + "padding words here " * 6700
    assert len(question) > 126_000
    result = ask(demo_store, agent_settings(demo_db), question, strategy="rag")
    assert any("cut to its first" in w for w in result.warnings)
    assert 0 < result.tokens_in < 8_000  # was ~52k tokens: the whole question in the prompt


def archivist(*args: str, stdin: bytes = b"", db: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ARCHIVIST_CONFIG": ""}
    return subprocess.run([sys.executable, "-m", "archivist", "--preset", "test", "--llm", "echo",
                           "-d", str(db), *args], input=stdin, capture_output=True, env=env, timeout=300)


def test_invalid_utf8_in_a_query_argument_is_a_clear_error(demo_db):
    done = subprocess.run([sys.executable, "-m", "archivist", "-d", str(demo_db), "search",
                           os.fsdecode(b"budget \xff\xfe")], capture_output=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT), "ARCHIVIST_CONFIG": ""},
                          timeout=300)
    assert done.returncode == 2
    assert b"Traceback" not in done.stderr and b"not valid UTF-8" in done.stderr


def test_invalid_utf8_on_chat_stdin_is_skipped_and_the_chat_goes_on(demo_db):
    done = archivist("chat", db=demo_db,
                     stdin=b"how many emails \xff\xfe?\nhow many emails are there?\n")
    assert b"Traceback" not in done.stderr, done.stderr[-2000:]
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout.decode("utf-8", "replace")
    assert "not valid UTF-8" in out
    assert "distinct emails match" in out  # the second question was answered
