"""Batched generation for `archivist summarize`: a left-padded batch of prompts on a tiny random-init
Llama (fp32, CPU) returns exactly the serial texts, summaries are the same at any batch size with
the same call count, and backends that cannot batch still run one call per group."""
from __future__ import annotations

import shutil

import pytest

from archivist.backends.settings import ModelSettings
from archivist.answering.model import Model
from archivist.memory.summarize import summarize
from archivist.memory.summary_calls import batch_size
from archivist.backends.base import GenerateOptions, Message
from archivist.backends.registry import load_llm
from archivist.config import Settings
from archivist.errors import ConfigError
from archivist.store import Store
from tests.conftest import DEMO, agent_settings
from tests.tiny_models import save_tiny

WORDS = ("The offsite moved to Thursday, room 42. Enron budget report quarterly forecast energy "
         "trading Which room is the meeting in? search answer yes no").split()


def prompts(lengths: list[int]) -> list[list[Message]]:
    """Prompts of the given lengths in words, each a different window of WORDS."""
    return [[Message("system", "Answer the question using only the context."),
             Message("user", " ".join(WORDS[(i * 7 + k) % len(WORDS)] for k in range(n)))]
            for i, n in enumerate(lengths)]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return save_tiny("attention", tmp_path_factory.mktemp("tiny") / "attention")


@pytest.fixture(scope="module")
def llm(tiny):
    """The tiny model on one CPU thread (as `threads` does on a busy machine: two OpenMP threads
    on a loaded 2-core CPU made a first batch 40x slower); the suite's thread count is restored."""
    import torch
    before = torch.get_num_threads()
    yield load_llm(ModelSettings(llm="transformers", llm_model=str(tiny), device="cpu", threads=1))
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """The demo corpus ingested without embeddings (summaries need none)."""
    from archivist.corpus.ingest import ingest_paths
    path = tmp_path_factory.mktemp("archive") / "a.db"
    with Store(path) as store:
        ingest_paths(store, [DEMO])
    return path


@pytest.mark.parametrize("stop", [[], ["oo"]])
def test_a_padded_batch_generates_the_serial_texts(llm, stop):
    batch = prompts([3, 40, 11, 90, 1, 25])
    options = GenerateOptions(max_tokens=16, stop=stop)
    serial = [llm.generate(p, options=options) for p in batch]
    assert llm.generate_batch(batch, options) == serial
    assert len(set(serial)) > 1  # the rows really differ: padding did not make them agree trivially


def test_a_too_long_prompt_is_refused_as_generate_refuses_it(llm):
    from archivist.errors import BackendError
    batch = prompts([5]) + [[Message("user", " ".join(WORDS * 60))]]
    with pytest.raises(BackendError, match="context window"):
        llm.generate_batch(batch, GenerateOptions(max_tokens=8))


def test_the_model_counts_one_call_per_prompt(llm):
    settings = Settings().replace(llm="transformers", device="cpu", max_new_tokens=12)
    model = Model(settings, llm)
    batch = prompts([4, 30, 9])
    gens = model.generate_batch(batch)
    assert model.calls == 3
    one = Model(settings, llm)
    assert [one.generate(p) for p in batch] == gens and one.calls == 3


def run(db, tiny_path, size: int, llm=None, **kw):
    # how a model writing summaries is called (batches), so the model writes whatever its pass rate
    settings = agent_settings(db, llm="transformers" if llm else "echo", llm_model=str(tiny_path or ""),
                              device="cpu", batch_size=size, summary_tokens=400, summary_writer="model", **kw)
    model = Model(settings, llm)
    with Store(db) as store:
        result = summarize(store, settings, "mailbox", model=model)
    return result, model, settings


def test_summaries_are_the_same_at_any_batch_size(archive, tmp_path, tiny, llm, monkeypatch):
    monkeypatch.setattr("archivist.memory.summarize.SUMMARY_TOKENS", 32)  # the test's speed, no more
    texts: dict[int, list[str]] = {}
    runs = {}
    for size in (1, 4):
        db = tmp_path / f"b{size}.db"
        shutil.copy(archive, db)
        seen: list[str] = []
        inner = llm.generate_batch
        llm.generate_batch = lambda batch, options=None: _record(seen, inner(batch, options))
        try:
            runs[size] = run(db, tiny, size, llm)
        finally:
            del llm.generate_batch  # back to the class's method
        texts[size] = sorted(seen)
    (one, m1, s1), (four, m4, s4) = runs[1], runs[4]
    assert batch_size(_job(s4, m4)) == 4 and batch_size(_job(s1, m1)) == 1
    assert not texts[1] and texts[4]  # size 1 stays on the serial path; size 4 batched
    assert four.markdown() == one.markdown()
    assert four.totals()["llm_calls"] == one.totals()["llm_calls"] == m1.calls == m4.calls > 1
    assert four.totals()["tokens_out"] == one.totals()["tokens_out"]
    assert _stored(four) == _stored(one)


def _record(seen: list[str], texts: list[str]) -> list[str]:
    seen.extend(texts)
    return texts


def _job(settings, model):
    from archivist.memory.summarize import Job
    return Job(None, settings, model, None)


def _stored(result) -> list[dict]:
    """Every summary of a run as stored, less its timing (the one field that may differ)."""
    import json
    rows = [json.loads(s.to_json()) for level in result.levels for s in level]
    return [{k: v for k, v in row.items() if k != "seconds"} for row in rows]


def test_a_backend_that_cannot_batch_runs_one_call_per_group(archive, tmp_path):
    dbs = []
    for size in (1, 4):
        dbs.append(tmp_path / f"e{size}.db")
        shutil.copy(archive, dbs[-1])
    (one, m1, _), (four, m4, s4) = run(dbs[0], None, 1), run(dbs[1], None, 4)
    assert batch_size(_job(s4, m4)) == 1
    assert four.markdown() == one.markdown() and m4.calls == m1.calls > 0


def test_auto_is_one_on_cpu_and_a_negative_size_is_refused(archive, tmp_path, tiny, llm):
    settings = agent_settings(archive, llm="transformers", llm_model=str(tiny), device="cpu")
    assert batch_size(_job(settings, Model(settings, llm))) == 1
    with pytest.raises(ConfigError, match="batch_size"):
        run(archive, tiny, -1, llm)


def test_cli_takes_batch_size(archive, tmp_path):
    from typer.testing import CliRunner
    from archivist.cli import app
    db = tmp_path / "cli.db"
    shutil.copy(archive, db)
    r = CliRunner().invoke(app, ["--llm", "echo", "summarize", "-d", str(db), "--by", "mailbox",
                                 "--batch-size", "4"])
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("# Summary by mailbox")


def test_auto_batches_eight_groups_on_cuda(archive, tmp_path):
    """batch_size=auto with a batching model on CUDA (an echo stand-in that says it is there):
    prompts go in batches of up to 8, shortest first, and the document is the serial one."""
    from types import SimpleNamespace
    from archivist.backends.base import Capability
    from archivist.backends.echo import EchoLLM

    class CudaEcho(EchoLLM):
        capabilities = frozenset({Capability.BATCH})
        device = SimpleNamespace(type="cuda")
        sizes: list[int] = []

        def generate_batch(self, batch, options=None):
            self.sizes.append(len(batch))
            return [self.generate(m, options=options) for m in batch]

    dbs = [tmp_path / "serial.db", tmp_path / "auto.db"]
    for db in dbs:
        shutil.copy(archive, db)
    serial, m1, _ = run(dbs[0], None, 1)
    settings = agent_settings(dbs[1], batch_size=0, summary_tokens=400, summary_writer="model")
    model = Model(settings, CudaEcho())
    with Store(dbs[1]) as store:
        auto = summarize(store, settings, "mailbox", model=model)
    assert batch_size(_job(settings, model)) == 8
    assert max(CudaEcho.sizes) == 8 and sum(CudaEcho.sizes) == model.calls == m1.calls
    assert auto.markdown() == serial.markdown()
