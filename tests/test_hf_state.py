"""The transformers backend's stateful capability: its fast path (the model's forward with a cache)
agrees with the plain token-by-token Mamba2 recurrence (backends/hf_state_reference.py) on a tiny
random-init Mamba2 (fp32, CPU), and the capability is declared only where it holds."""
from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from archivist.backends import hf_state as H  # noqa: E402
from archivist.backends import hf_state_reference as R  # noqa: E402
from archivist.backends.base import Capability, supports  # noqa: E402
from archivist.backends.echo import EchoLLM  # noqa: E402
from archivist.backends.hf import TransformersLLM  # noqa: E402
from archivist.backends.stateful import SnapshotMismatch, StateTag, TextPart  # noqa: E402
from tests.tiny_models import save_tiny  # noqa: E402

TOL = 1e-4


@pytest.fixture(scope="module")
def ssm(tmp_path_factory):
    from transformers import AutoModelForCausalLM, AutoTokenizer
    path = save_tiny("ssm", tmp_path_factory.mktemp("mamba") / "m")
    model = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32).eval()
    return TransformersLLM(model, AutoTokenizer.from_pretrained(path), name="tiny-mamba2")


def _ids(n: int, seed: int):
    return torch.randint(5, 300, (1, n), generator=torch.Generator().manual_seed(seed))


def _close(fast_states, ref_states) -> float:
    return max((f[part]["0"] - r[part]["0"]).abs().max().item()
               for f, r in zip(fast_states, ref_states) for part in ("conv", "recurrent"))


def test_fast_path_and_reference_leave_the_same_state_and_logits(ssm):
    ids = _ids(90, 1)  # more than one chunk of the chunked scan (chunk_size 64)
    fast_logits, cache = H.read(ssm.model, ids)
    ref_logits, ref_states = R.read(ssm.model, ids)
    assert (fast_logits - ref_logits).abs().max().item() <= TOL
    assert _close(H.plain_states(cache), ref_states) <= TOL


def test_a_fast_snapshot_continues_in_the_reference_and_both_decode_alike(ssm):
    ids = _ids(70, 2)
    tag = StateTag("tiny-mamba2", "float32", "h", 50)
    _, cache = H.read(ssm.model, ids[:, :50])
    blob = H.dump(cache, tag)
    fast_logits, fast_cache = H.read(ssm.model, ids[:, 50:], H.restore(ssm.model, blob, tag))
    ref_logits, ref_states = R.read(ssm.model, ids[:, 50:], H.load_plain(blob, tag))
    assert (fast_logits - ref_logits).abs().max().item() <= TOL
    fast = H.greedy(ssm.model, fast_logits, fast_cache, 10, ssm.eos_ids)
    ref = H.greedy(ssm.model, ref_logits, ref_states, 10, ssm.eos_ids, step=R.read)
    assert fast == ref and len(fast) == 10
    assert H.dump_plain(ref_states, tag) != blob  # both moved on from the snapshot


def test_backend_state_api_equals_one_pass(ssm):
    head, rest = ssm.encode("Offsite in room 42.", TextPart.START), ssm.encode("Which room?", TextPart.DATA)
    spec = ssm.state_spec()
    assert (spec.model, spec.dtype) == ("tiny-mamba2", "float32") and spec.kv_bytes_per_token > 0
    tag = spec.tag("h", len(head))
    restored = ssm.restore_state(ssm.dump_state(ssm.read_state(head), tag), tag)
    split = ssm.generate_from_state(ssm.read_state(rest, restored), 8, [])
    whole = ssm.generate_from_state(ssm.read_state(head + rest), 8, [])
    assert split.ids == whole.ids and split.text == ssm.decode(whole.ids)
    with pytest.raises(SnapshotMismatch):
        ssm.restore_state(ssm.dump_state(ssm.read_state(head), tag), spec.tag("other", len(head)))


def test_stateful_is_declared_only_for_recurrent_models(ssm, tmp_path):
    from transformers import AutoModelForCausalLM
    llama = AutoModelForCausalLM.from_pretrained(save_tiny("attention", tmp_path / "llama"))
    attention = TransformersLLM(llama, ssm.tok, name="tiny-llama")
    assert supports(ssm, Capability.STATEFUL) and supports(ssm, Capability.BATCH)
    assert not supports(attention, Capability.STATEFUL) and supports(attention, Capability.BATCH)
    assert not supports(EchoLLM(), Capability.STATEFUL) and not supports(EchoLLM(), Capability.BATCH)
    assert Capability.STATEFUL in TransformersLLM.capabilities  # the class declares it
