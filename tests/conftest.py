"""Shared fixtures: temporary stores, paths to ../shared/data (skip when absent)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("ARCHIVIST_SHARED_DATA", ROOT.parent / "shared" / "data"))


def shared_path(*parts: str) -> Path:
    """A path under ../shared/data, or skip the test with a reason when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data not available: {path} (a user's clone has no ../shared)")
    return path


@pytest.fixture
def store(tmp_path):
    from archivist.store import Store
    with Store(tmp_path / "test.db") as s:
        yield s


DEMO = ROOT / "archivist" / "demo_data"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    """The demo corpus ingested and indexed once per test module (real SQLite, FTS, MiniLM)."""
    from archivist.config import load_settings
    from archivist.corpus.ingest import ingest_paths
    from archivist.retrieval.indexer import index_store
    from archivist.store import Store
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    with Store(path) as s:
        ingest_paths(s, [DEMO], progress=False)
        index_store(s, load_settings("test", {"db": str(path)}), progress=False)
    return path


@pytest.fixture
def demo_store(demo_db):
    from archivist.store import Store
    with Store(demo_db) as s:
        yield s


def agent_settings(db, **kw):
    """Test settings for the agent on `db`: echo backend, a 2k context window."""
    from archivist.config import load_settings
    extra = kw.pop("extra", {})
    return load_settings("test", {"db": str(db), "extra": {"context_window": 2048, **extra}, **kw})
