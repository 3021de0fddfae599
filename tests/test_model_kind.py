"""`models list` reports a local checkpoint's kind (attention, ssm, hybrid) read from its config alone:
tiny random Llama, Mamba2 and Bamba checkpoints, GGUF headers, and detect_kind on config dicts."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from archivist.backends.hf_load import detect_kind, peek_kind

TINY = dict(vocab_size=64, hidden_size=32, num_hidden_layers=2)


@pytest.fixture(autouse=True)
def no_kind_env(monkeypatch):
    """The developer's ARCHIVIST_* environment must not pick the backend or force the kind."""
    for var in ("ARCHIVIST_LLM", "ARCHIVIST_MODEL_KIND", "ARCHIVIST_GGUF_FILE", "ARCHIVIST_PRESET"):
        monkeypatch.delenv(var, raising=False)


def _tiny_config(kind: str):
    """The smallest configs transformers builds: Llama, Mamba2, and Bamba (one attention layer of 2)."""
    from transformers import BambaConfig, LlamaConfig, Mamba2Config
    if kind == "attention":
        return LlamaConfig(**TINY, intermediate_size=64, num_attention_heads=2, num_key_value_heads=1)
    if kind == "ssm":
        return Mamba2Config(**TINY, state_size=8, expand=2, num_heads=4, head_dim=16, n_groups=1,
                            conv_kernel=4, chunk_size=16)
    return BambaConfig(**TINY, intermediate_size=64, num_attention_heads=2, num_key_value_heads=1,
                       attn_layer_indices=[1], mamba_n_heads=4, mamba_d_head=16, mamba_n_groups=1,
                       mamba_d_state=8, mamba_expand=2, mamba_chunk_size=16)


@pytest.fixture(scope="module")
def checkpoints(tmp_path_factory) -> dict[str, Path]:
    """Random-init weights saved with save_pretrained: real checkpoint folders, a few KB each."""
    import torch
    from transformers import AutoModelForCausalLM
    root = tmp_path_factory.mktemp("kinds")
    torch.manual_seed(0)
    out = {}
    for kind in ("attention", "ssm", "hybrid"):
        AutoModelForCausalLM.from_config(_tiny_config(kind)).save_pretrained(root / kind)
        out[kind] = root / kind
    return out


def _listed(*args: str) -> dict:
    """The transformers row of `archivist <args> models list --json`."""
    from archivist.cli import app
    result = CliRunner().invoke(app, [*args, "models", "list", "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return next(r for r in rows if r["name"] == "transformers")


@pytest.mark.parametrize("kind", ["attention", "ssm", "hybrid"])
def test_models_list_reports_checkpoint_kind(checkpoints, kind):
    # --model alone selects the transformers backend (the default runtime selection)
    row = _listed("--model", str(checkpoints[kind]))
    assert row["selected"] and row["available"]
    assert row["kind"] == kind
    assert _listed("--llm", "transformers", "--model", str(checkpoints[kind]))["kind"] == kind


def test_models_list_reads_no_weights(checkpoints, tmp_path):
    """Only config.json is read: a folder whose weights are garbage still lists its kind."""
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "config.json").write_text((checkpoints["ssm"] / "config.json").read_text())
    (folder / "model.safetensors").write_bytes(b"not weights")
    assert _listed("--model", str(folder))["kind"] == "ssm"


def test_models_list_kind_unknown_or_forced(checkpoints, tmp_path, monkeypatch):
    assert _listed("--llm", "transformers")["kind"] == "auto"  # no --model
    assert _listed("--model", str(tmp_path))["kind"] == "auto"  # a folder without config.json
    # a hub id not in the local cache: nothing is downloaded to find out
    assert _listed("--model", "no-such-org/no-such-model-31")["kind"] == "auto"
    # the model_kind setting is what loading will use, so it is what the list says
    monkeypatch.setenv("ARCHIVIST_MODEL_KIND", "ssm")
    assert _listed("--model", str(checkpoints["attention"]))["kind"] == "ssm"


def _write_gguf(path: Path, arch: str) -> Path:
    """A GGUF holding only its header and general.architecture (no tensors)."""
    import gguf
    writer = gguf.GGUFWriter(str(path), arch)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


@pytest.mark.parametrize("arch,kind", [("llama", "attention"), ("mamba2", "ssm"),
                                       ("falcon-h1", "hybrid"), ("qwen3next", "hybrid")])
def test_gguf_kind_from_header(tmp_path, arch, kind):
    pytest.importorskip("gguf")
    path = _write_gguf(tmp_path / f"{arch}.gguf", arch)
    assert peek_kind(str(path)) == kind


@pytest.mark.parametrize("config,kind", [
    ({"model_type": "llama", "architectures": ["LlamaForCausalLM"]}, "attention"),
    ({"model_type": "mamba2"}, "ssm"),
    ({"model_type": "jamba"}, "hybrid"),
    # model types no list names: their per-layer types decide
    ({"model_type": "new_hybrid", "layer_types": ["linear_attention", "linear_attention",
                                                  "linear_attention", "full_attention"]}, "hybrid"),
    ({"model_type": "new_linear", "layer_types": ["linear_attention", "linear_attention"]}, "ssm"),
    ({"model_type": "new_sliding", "layer_types": ["sliding_attention", "full_attention"]}, "attention"),
    ({"model_type": "new_jamba", "layers_block_type": ["mamba", "attention"]}, "hybrid"),
    ({"model_type": "new_nemotron", "hybrid_override_pattern": "M-M*-"}, "hybrid"),
    ({"model_type": "new_ssm", "architectures": ["NewMambaForCausalLM"]}, "ssm"),
    # a multimodal wrapper: the language model's config decides
    ({"model_type": "new_vlm", "text_config": {"model_type": "new_text",
                                               "layer_types": ["linear_attention", "full_attention"]}},
     "hybrid"),
    ({}, "attention"),
])
def test_detect_kind_on_config_dicts(config, kind):
    assert detect_kind(config) == kind


def test_detect_kind_on_config_objects():
    """The load path passes transformers config objects; they give the same answers as the dicts."""
    for kind in ("attention", "ssm", "hybrid"):
        config = _tiny_config(kind)
        assert detect_kind(config) == kind == detect_kind(config.to_dict())
