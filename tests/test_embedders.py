"""The default embedder: offline load, unit vectors, precision variants agree with fp32."""
from __future__ import annotations

import numpy as np
import pytest

from archivist.backends.settings import EmbeddingSettings
from archivist.backends.embedders import lead_tokens, load_embedder, resolve_precision, scoped
from archivist.errors import ConfigError

TEXTS = ["The gas pipeline capacity report is attached.", "Power prices in California spiked.",
         "Lunch on Friday?", "Pipeline throughput numbers for the gas desk."]


@pytest.fixture(scope="module")
def embedder():
    return load_embedder(EmbeddingSettings())


def test_shape_norm_and_similarity(embedder):
    vecs = embedder.embed(TEXTS)
    assert vecs.shape == (4, 384) and vecs.dtype == np.float32 and embedder.dim == 384
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-4)
    sims = vecs @ vecs[0]
    assert sims[3] > sims[1] and sims[3] > sims[2]
    assert embedder.embed([]).shape[0] == 0


def test_order_preserved_and_tokens(embedder):
    one = embedder.embed([TEXTS[2]])[0]
    many = embedder.embed(TEXTS)
    # int8 activations are quantised per batch, so batch-mates shift a vector slightly
    assert float(one @ many[2]) > 0.98
    assert embedder.count_tokens("Lunch on Friday?") == 4


def test_name_carries_precision(embedder):
    assert embedder.name.startswith("all-MiniLM-L6-v2")
    assert embedder.name == scoped(f"all-MiniLM-L6-v2@{embedder.precision}", lead_tokens(EmbeddingSettings()))
    assert resolve_precision("fp32", "cpu", None) == "fp32"
    with pytest.raises(ConfigError):
        resolve_precision("fp8", "cpu", None)


def test_unknown_model_is_config_error():
    with pytest.raises(ConfigError):
        load_embedder(EmbeddingSettings(embedder="/nonexistent/model/dir", embed_precision="fp32"))


@pytest.mark.slow
def test_precisions_agree_with_fp32():
    ref = load_embedder(EmbeddingSettings(embed_precision="fp32")).embed(TEXTS)
    for precision in ("bf16", "int8"):
        vecs = load_embedder(EmbeddingSettings(embed_precision=precision)).embed(TEXTS)
        assert float((vecs * ref).sum(1).min()) > 0.98
