"""One protocol suite run against every LLM backend: echo, tiny attention, tiny SSM, the tiny
attention model exported to onnxruntime-genai, the smollm2 GGUF default (on both runtimes), and the
OpenAI-compatible HTTP backend against a local stub server."""
from __future__ import annotations

import json

import pytest

from archivist.backends.settings import ModelSettings
from archivist.backends.base import LLM, GenerateOptions, Message
from archivist.backends.registry import load_llm

from openai_stub import StubServer
from tiny_models import save_tiny

# smollm2 is slow-marked: each call is seconds on a shared 2-core CPU
BACKENDS = ["echo", "tiny_attention", "tiny_ssm", "tiny_onnx",
            pytest.param("smollm2", marks=pytest.mark.slow),
            pytest.param("smollm2_onnx", marks=pytest.mark.slow), "http", "llamacpp"]
CHOICES = ["answer", "search more", "give up"]
MESSAGES = [Message("system", "Answer using only the context."),
            Message("user", "Context:\n[1] The offsite moved to Thursday, room 42.\n"
                            "Question: Which room is the offsite in?")]
OPTS = GenerateOptions(max_tokens=16)


@pytest.fixture(scope="module")
def stub():
    with StubServer() as server:
        yield server


@pytest.fixture(scope="module")
def tiny_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("tiny")
    return {kind: save_tiny(kind, root / kind) for kind in ("attention", "ssm")}


@pytest.fixture(scope="module")
def tiny_onnx(tiny_dir, tmp_path_factory):
    """The tiny attention checkpoint exported by the onnxruntime-genai builder (the default model's
    precision)."""
    pytest.importorskip("onnxruntime_genai", reason="onnxruntime-genai not installed")
    pytest.importorskip("onnx_ir", reason="onnx-ir (the ONNX model builder's) not installed")
    from archivist.backends.onnx_export import DEFAULT_PRECISION, build
    return build(tiny_dir["attention"], tmp_path_factory.mktemp("onnx") / "tiny", DEFAULT_PRECISION)


@pytest.fixture(scope="module")
def smollm2():
    return load_llm(ModelSettings(device="cpu", runtime="transformers"), name="smollm2")


@pytest.fixture(scope="module")
def smollm2_onnx():
    pytest.importorskip("onnxruntime_genai", reason="onnxruntime-genai not installed")
    return load_llm(ModelSettings(device="cpu", runtime="onnx"), name="smollm2")


@pytest.fixture(params=BACKENDS)
def llm(request, stub, tiny_dir) -> LLM:
    name = request.param
    if name == "echo":
        return load_llm(ModelSettings(llm="echo"))
    if name == "tiny_onnx":
        return load_llm(ModelSettings(llm="onnx", llm_model=str(request.getfixturevalue("tiny_onnx"))))
    if name.startswith("tiny_"):
        path = tiny_dir[name.removeprefix("tiny_")]
        return load_llm(ModelSettings(llm="transformers", llm_model=str(path), device="cpu"))
    if name.startswith("smollm2"):
        return request.getfixturevalue(name)
    if name == "llamacpp":
        pytest.importorskip("llama_cpp", reason="optional llama-cpp-python not installed")
        return load_llm(ModelSettings(llm="llamacpp"))
    return load_llm(ModelSettings(llm="openai", llm_base_url=stub.url, llm_model="stub"), backoff=0.01)


def test_generate_returns_text(llm):
    text = llm.generate(MESSAGES, options=OPTS)
    assert isinstance(text, str) and text.strip()


def test_stream_joins_to_same_text(llm):
    pieces = list(llm.generate(MESSAGES, stream=True, options=OPTS))
    assert len(pieces) >= 1 and all(isinstance(p, str) for p in pieces)
    assert "".join(pieces) == llm.generate(MESSAGES, options=OPTS)


def test_counts_window_kind(llm):
    assert llm.count_tokens("The offsite moved to Thursday, room 42.") > 0
    assert llm.context_window > 0
    assert llm.kind in ("attention", "ssm", "hybrid", "echo", "remote")
    assert isinstance(llm, LLM)


def test_choice_is_valid_label(llm):
    opts = GenerateOptions(max_tokens=8, choices=CHOICES)
    assert llm.generate(MESSAGES, options=opts) in CHOICES
    assert "".join(llm.generate(MESSAGES, stream=True, options=opts)) in CHOICES


def test_stop_sequence_respected(llm):
    full = llm.generate(MESSAGES, options=OPTS)
    middle = full.strip()[len(full.strip()) // 2:][:3] or full[:1]
    cut = llm.generate(MESSAGES, options=GenerateOptions(max_tokens=16, stop=[middle]))
    assert middle not in cut
    assert full.startswith(cut)
    streamed = "".join(llm.generate(MESSAGES, stream=True,
                                    options=GenerateOptions(max_tokens=16, stop=[middle])))
    assert streamed == cut


def test_json_schema_fields(llm):
    schema = {"type": "object", "properties": {"day": {"enum": ["Monday", "Thursday"]},
                                               "urgent": {"type": "boolean"}}}
    obj = json.loads(llm.generate(MESSAGES, options=GenerateOptions(json_schema=schema)))
    assert obj["day"] in ("Monday", "Thursday") and isinstance(obj["urgent"], bool)


def test_kinds_detected(tiny_dir):
    kinds = {k: load_llm(ModelSettings(llm="transformers", llm_model=str(p), device="cpu")).kind
             for k, p in tiny_dir.items()}
    assert kinds == {"attention": "attention", "ssm": "ssm"}


def test_static_decoder_matches_generate(tiny_dir):
    """The GPU fast path's loop (run eagerly on CPU) yields the same greedy text as `generate`."""
    cfg = ModelSettings(llm="transformers", llm_model=str(tiny_dir["attention"]), device="cpu")
    ref = load_llm(cfg).generate(MESSAGES, options=OPTS)
    fast = load_llm(cfg, decode="static")
    assert fast._decoder is not None
    assert fast.generate(MESSAGES, options=OPTS) == ref
    assert "".join(fast.generate(MESSAGES, stream=True, options=OPTS)) == ref


@pytest.mark.slow
def test_smollm2_answers_from_context(smollm2):
    msgs = [Message("system", "Answer the question using only the context."),
            Message("user", "Context: The offsite moved to Thursday, room 42.\n"
                            "Question: Which room is the offsite in?")]
    assert "42" in smollm2.generate(msgs, options=GenerateOptions(max_tokens=24))


def test_choice_trie_prefixes():
    from archivist.backends.hf_choice import ChoiceTrie
    from tiny_models import make_tokenizer
    tok = make_tokenizer()
    trie = ChoiceTrie(tok, ["search", "search more", "answer"], eos_id=tok.eos_token_id)
    search = list(trie.seqs[0])
    assert tok.eos_token_id in trie.next_tokens(tuple(search))  # "search" may end here...
    assert trie.seqs[1][len(search)] in trie.next_tokens(tuple(search))  # ...or go on
    assert trie.match(search + [tok.eos_token_id]) == "search"
    assert trie.match(list(trie.seqs[1])) == "search more"


def test_onnx_prompt_is_the_transformers_prompt(tiny_dir, tiny_onnx):
    """Same chat template, same token ids: a new turn, and a continued assistant turn."""
    onnx = load_llm(ModelSettings(llm="onnx", llm_model=str(tiny_onnx)))
    hf = load_llm(ModelSettings(llm="transformers", llm_model=str(tiny_dir["attention"]), device="cpu"))
    assert type(onnx).__name__ == "OrtGenaiLLM" and onnx.kind == "attention"
    for messages in (MESSAGES, MESSAGES + [Message("assistant", "Based on the documents,")]):
        assert onnx.prompt_ids(messages) == hf.prompt_ids(messages)[0].tolist()
    assert onnx.count_tokens("The offsite moved to Thursday.") == hf.count_tokens("The offsite moved to Thursday.")


def test_onnx_window_is_enforced(tiny_onnx):
    from archivist.errors import BackendError
    onnx = load_llm(ModelSettings(llm="onnx", llm_model=str(tiny_onnx), context_window=64))
    assert onnx.context_window == 64
    with pytest.raises(BackendError, match="context window"):
        onnx.generate(MESSAGES, options=GenerateOptions(max_tokens=60))


def test_runtime_knob_picks_the_smollm2_backend(monkeypatch):
    from archivist.backends import registry
    from archivist.backends.registry import resolve_name, smollm2_runtime
    # the default is auto: the onnx export on CPU when onnxruntime-genai is installed ...
    monkeypatch.setattr(registry, "_module_available", lambda name: True)
    assert ModelSettings().runtime == "auto"
    assert resolve_name(ModelSettings(device="cpu"), "smollm2") == "onnx"
    assert smollm2_runtime(ModelSettings(device="cuda:0")) == "transformers"  # ... not on CUDA
    monkeypatch.setattr(registry, "_module_available", lambda name: False)
    assert resolve_name(ModelSettings(device="cpu"), "smollm2") == "smollm2"  # ... nor without it
    monkeypatch.setattr(registry, "_module_available", lambda name: True)
    monkeypatch.setattr(registry, "_on_cuda", lambda device: device in ("auto", "cuda"))
    assert smollm2_runtime(ModelSettings()) == "transformers"  # device auto on a GPU machine
    assert resolve_name(ModelSettings(runtime="transformers"), "smollm2") == "smollm2"
    assert resolve_name(ModelSettings(runtime="onnx"), "smollm2") == "onnx"
    assert smollm2_runtime(ModelSettings(runtime="auto", device="cuda")) == "transformers"
    assert resolve_name(ModelSettings(runtime="onnx"), "echo") == "echo"


def test_device_auto_asks_torch_only_where_an_nvidia_driver_is_loaded(monkeypatch):
    import sys
    from archivist.backends import registry
    monkeypatch.setattr(registry.Path, "exists", lambda self: False)
    monkeypatch.delitem(sys.modules, "torch", raising=False)
    assert registry._on_cuda("auto") is False and "torch" not in sys.modules
    assert registry._on_cuda("cuda:1") and not registry._on_cuda("cpu")


def test_onnx_needs_an_export_folder(tmp_path):
    from archivist.errors import ConfigError
    with pytest.raises(ConfigError, match="genai_config.json"):
        load_llm(ModelSettings(llm="onnx", llm_model=str(tmp_path)))


@pytest.mark.slow
def test_smollm2_runtimes_share_the_prompt(smollm2, smollm2_onnx):
    msgs = MESSAGES + [Message("assistant", "The offsite is in")]
    assert smollm2_onnx.prompt_ids(msgs) == smollm2.prompt_ids(msgs)[0].tolist()
