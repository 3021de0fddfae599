"""The OpenAI-compatible backend against the local stub: retries, guided-choice fallback,
context window discovery, JSON mode and connection errors."""
from __future__ import annotations

import json

import pytest

from archivist.backends.base import GenerateOptions, Message
from archivist.backends.openai_http import OpenAILLM
from archivist.errors import BackendError, ConfigError

from openai_stub import StubServer

ASK = [Message("user", "Which room is the offsite in?")]


@pytest.fixture
def stub():
    with StubServer() as server:
        yield server


def test_retries_429_then_succeeds(stub):
    stub.state.fail_next = 2
    llm = OpenAILLM(stub.url, model="stub", backoff=0.01)
    assert "room 42" in llm.generate(ASK)
    assert len(stub.state.requests) == 3


def test_gives_up_after_retries(stub):
    stub.state.fail_next = 10
    llm = OpenAILLM(stub.url, retries=1, backoff=0.01)
    with pytest.raises(BackendError, match="429"):
        llm.generate(ASK)


def test_guided_choice_sent_and_validated(stub):
    llm = OpenAILLM(stub.url, backoff=0.01)
    assert llm.generate(ASK, options=GenerateOptions(choices=["yes", "no"])) == "no"
    assert stub.state.requests[-1]["guided_choice"] == ["yes", "no"]


def test_guided_choice_rejected_falls_back(stub):
    stub.state.reject_guided = True
    llm = OpenAILLM(stub.url, backoff=0.01)
    # the stub's free text mentions "room 42": the best matching choice is picked
    assert llm.generate(ASK, options=GenerateOptions(choices=["room 7", "room 42"])) == "room 42"
    assert llm.guided is False


def test_json_schema_falls_back_to_fields(stub):
    stub.state.reject_guided = True
    schema = {"type": "object", "properties": {"room": {"type": "integer"},
                                               "day": {"enum": ["Monday", "Thursday"]}}}
    obj = json.loads(OpenAILLM(stub.url, backoff=0.01).generate(
        ASK, options=GenerateOptions(json_schema=schema)))
    assert obj["day"] in ("Monday", "Thursday") and isinstance(obj["room"], int)


def test_context_window_from_models_endpoint(stub):
    assert OpenAILLM(stub.url, model="stub").context_window == 4096
    assert OpenAILLM(stub.url, model="stub", context_window=1234).context_window == 1234


def test_connection_refused_is_backend_error():
    llm = OpenAILLM("http://127.0.0.1:9/v1", retries=1, backoff=0.01, timeout=2)
    with pytest.raises(BackendError):
        llm.generate(ASK)
    assert llm.context_window == 8192  # no /models: the default


def test_missing_base_url_is_config_error():
    with pytest.raises(ConfigError):
        OpenAILLM("")
