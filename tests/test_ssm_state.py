"""SSM state as memory: reading A then B in one pass equals reading A, saving the state,
restoring it in a new process and reading B (tiny random-init Mamba2, fp32, CPU)."""
from __future__ import annotations

import subprocess
import sys

import pytest

torch = pytest.importorskip("torch")

from archivist.backends import hf_state as H  # noqa: E402
from archivist.memory import ssm_state as S  # noqa: E402
from tests.tiny_models import save_tiny  # noqa: E402

ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]

RESTORE = """
import sys, torch
from transformers import AutoModelForCausalLM
from archivist.backends import hf_state as H
from archivist.memory import ssm_state as S
path, blob_path, out = sys.argv[1:4]
model = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32).eval()
ids = torch.load(blob_path + ".ids", weights_only=True)
a, b = ids[:, :60], ids[:, 60:]
tag = S.Tag("tiny-mamba2", "float32", S.tokens_hash(a), a.shape[1])
cache = H.restore(model, open(blob_path, "rb").read(), tag)
logits, _ = H.read(model, b, cache)
torch.save(logits, out)
"""


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    from transformers import AutoModelForCausalLM
    path = save_tiny("ssm", tmp_path_factory.mktemp("mamba") / "m")
    return path, AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32).eval()


def test_restored_state_continues_exactly_in_a_new_process(tiny, tmp_path):
    path, model = tiny
    torch.manual_seed(1)
    ids = torch.randint(5, 300, (1, 100))
    a = ids[:, :60]
    whole, _ = H.read(model, ids)
    _, cache = H.read(model, a)
    tag = S.Tag("tiny-mamba2", "float32", S.tokens_hash(a), a.shape[1])
    blob = H.dump(cache, tag)
    (tmp_path / "state").write_bytes(blob)
    torch.save(ids, str(tmp_path / "state") + ".ids")
    env = {**__import__("os").environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-c", RESTORE, str(path), str(tmp_path / "state"),
                    str(tmp_path / "logits")], check=True, env=env, cwd=ROOT, timeout=300)
    resumed = torch.load(tmp_path / "logits", weights_only=True)
    assert (resumed - whole).abs().max().item() <= 1e-4


def test_snapshot_refused_on_any_mismatch(tiny, store):
    _, model = tiny
    ids = torch.randint(5, 300, (1, 20))
    _, cache = H.read(model, ids)
    tag = S.Tag("tiny-mamba2", "float32", S.tokens_hash(ids), 20)
    S.save(store, "group:1", H.dump(cache, tag), tag)
    blob, stored = S.load(store, "group:1")
    assert stored == tag
    for wrong in (S.Tag("other", "float32", tag.input_hash, 20), S.Tag("tiny-mamba2", "bfloat16", tag.input_hash, 20),
                  S.Tag("tiny-mamba2", "float32", S.tokens_hash(ids[:, :19]), 19)):
        with pytest.raises(S.SnapshotMismatch):
            H.restore(model, blob, wrong)


def test_snapshot_is_fixed_size_unlike_a_kv_cache(tiny):
    _, model = tiny
    sizes = []
    for n in (50, 400):
        _, cache = H.read(model, torch.randint(5, 300, (1, n)))
        sizes.append(len(H.dump(cache, S.Tag("m", "float32", "h", n))))
    assert sizes[0] == sizes[1]
    from transformers import LlamaConfig
    llama = LlamaConfig(hidden_size=576, num_hidden_layers=30, num_attention_heads=9, num_key_value_heads=3)
    assert H.kv_cache_bytes(llama, 400) > H.kv_cache_bytes(llama, 50) * 7
