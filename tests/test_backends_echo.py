"""The echo backend, the registry and `archivist models list`."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from archivist.backends.settings import ModelSettings
from archivist.backends.base import GenerateOptions, Message
from archivist.backends.echo import NOT_FOUND, EchoLLM
from archivist.backends.registry import list_models, load_llm
from archivist.backends.text import apply_stop, pick_choice, split_pieces, stream_with_stop
from archivist.errors import ConfigError

DOCS = [Message("user", "Question: where?\n[3] The offsite moved to Thursday. It is in room 42.\n"
                        "[4] Budget notes.")]


def test_extractive_answer_cites_first_block():
    assert EchoLLM().generate(DOCS) == "The offsite moved to Thursday. [3]"
    assert EchoLLM().generate([Message("user", "no blocks here")]) == NOT_FOUND


def test_script_list_cycles_last_item():
    llm = EchoLLM(script=["one", "two"])
    assert [llm.generate(DOCS) for _ in range(3)] == ["one", "two", "two"]


def test_script_callable_sees_options():
    llm = EchoLLM(script=lambda msgs, opts: f"{len(msgs)}:{opts.max_tokens}")
    assert llm.generate(DOCS, options=GenerateOptions(max_tokens=5)) == "1:5"


def test_choices_take_valid_script_item_else_first():
    llm = EchoLLM(script=["search", "bogus"])
    opts = GenerateOptions(choices=["answer", "search"])
    assert llm.generate(DOCS, options=opts) == "search"
    assert llm.generate(DOCS, options=opts) == "answer"


def test_stream_pieces_and_tokens():
    llm = EchoLLM()
    assert "".join(llm.generate(DOCS, stream=True)) == llm.generate(DOCS)
    assert llm.count_tokens("one two three") == 4 and llm.context_window == 2048


def test_text_helpers():
    assert "".join(split_pieces("  a b\n c ")) == "  a b\n c "
    assert apply_stop("abc STOP def", ["STOP", "d"]) == "abc "
    assert "".join(stream_with_stop(["ab", "cS", "TO", "P x"], ["STOP"])) == "abc"
    assert pick_choice("I would search more.", ["answer", "search more"]) == "search more"


def test_registry_import_is_cheap():
    code = ("import sys, archivist.backends.registry as r; r.load_llm(None, name='echo'); "
            "assert 'torch' not in sys.modules and 'transformers' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_registry_validates():
    with pytest.raises(ConfigError):
        load_llm(ModelSettings(llm="nope"))
    assert load_llm(ModelSettings(llm="echo", context_window=99)).context_window == 99
    names = {row["name"] for row in list_models(ModelSettings())}
    assert {"smollm2", "transformers", "openai", "echo"} <= names


def test_models_list_cli_json():
    from archivist.cli import app
    result = CliRunner().invoke(app, ["--llm", "echo", "models", "list", "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    echo = next(r for r in rows if r["name"] == "echo")
    assert echo["available"] and echo["selected"] and echo["kind"] == "echo"
