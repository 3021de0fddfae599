"""The int8 ONNX embedder's start-up savings change no vector: the optimised graph cached beside the
model gives bit-identical outputs to optimising at load, a damaged cache file is rebuilt, and the
plain tokenizer that chunking uses loads on first use with the same counts."""
from __future__ import annotations

import shutil

import numpy as np
import pytest

from archivist.backends import onnx_embedder
from archivist.backends.embedders import _cache_dir, minilm_path
from archivist.config import Settings

ort = pytest.importorskip("onnxruntime")
TEXTS = ["gas prices in california", "Lunch on Friday?",
         "The pipeline capacity report for the Transwestern desk is attached. " * 12]


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    """A private copy of the exported int8 model (exported once into the user cache if missing)."""
    first = onnx_embedder.OnnxEmbedder(minilm_path(), "all-MiniLM-L6-v2", _cache_dir())
    target = next(p for p in _cache_dir().glob("all-MiniLM-L6-v2-*.int8pc.onnx")
                  if onnx_embedder._model_key(minilm_path()) in p.name)
    copy = tmp_path_factory.mktemp("onnx") / target.name
    shutil.copy(target, copy)
    del first
    return copy


def feeds(texts):
    tok = onnx_embedder._fast_tokenizer(minilm_path(), 256)[0]
    encs = tok.encode_batch(texts)
    return {"input_ids": np.array([e.ids for e in encs], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encs], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encs], dtype=np.int64)}


def optimised_at_load(path):
    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL  # what main did
    return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])


def test_cached_optimised_graph_gives_identical_outputs(model):
    cached = onnx_embedder.optimised_path(model, ort.__version__)
    assert not cached.exists()
    first = onnx_embedder._session(ort, model)  # optimises and writes the cache
    assert cached.exists()
    second = onnx_embedder._session(ort, model)  # reads it, optimisation off
    reference = optimised_at_load(model)
    for texts in (TEXTS[:1], TEXTS):
        feed = feeds(texts)
        want = reference.run(None, feed)[0]
        assert np.array_equal(first.run(None, feed)[0], want)
        assert np.array_equal(second.run(None, feed)[0], want)


def test_a_damaged_cache_file_is_rebuilt(model):
    cached = onnx_embedder.optimised_path(model, ort.__version__)
    cached.write_bytes(b"not a model")
    session = onnx_embedder._session(ort, model)
    feed = feeds(TEXTS[:1])
    assert np.array_equal(session.run(None, feed)[0], optimised_at_load(model).run(None, feed)[0])
    assert cached.stat().st_size > 1000


def test_plain_tokenizer_loads_on_first_use_with_the_same_counts():
    emb = onnx_embedder.OnnxEmbedder(minilm_path(), "all-MiniLM-L6-v2", _cache_dir())
    assert emb._tokenizer is None  # a search never needs it
    assert emb.count_tokens("Lunch on Friday?") == 4
    assert emb.tokenizer("gas prices", return_offsets_mapping=True)["offset_mapping"] == [(0, 3), (4, 10)]


def test_preloaded_query_embedding_equals_a_direct_one():
    from archivist.retrieval.vectors import configured_embedder
    from archivist.retrieval import query_embed
    settings = Settings()
    query_embed.preload(settings).result()
    name, vec = query_embed.submit(settings, TEXTS[0]).result()
    direct = configured_embedder(settings)
    assert name == direct.name and np.array_equal(vec, direct.embed([TEXTS[0]]))
