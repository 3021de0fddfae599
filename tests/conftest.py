"""Shared fixtures: temporary stores, paths to ../shared/data (skip when absent)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("ARCHIVIST_SHARED_DATA", ROOT.parent / "shared" / "data"))


@pytest.fixture(autouse=True, scope="session")
def no_user_config():
    """No test reads the real user's ~/.config/archivist/config.toml: an empty ARCHIVIST_CONFIG
    means no config file (session scope: module fixtures such as demo_db load settings too)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ARCHIVIST_CONFIG", "")
        yield


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
        ingest_paths(s, [DEMO])
        index_store(s, load_settings("test", {"db": str(path)}))
    return path


@pytest.fixture
def demo_store(demo_db):
    from archivist.store import Store
    with Store(demo_db) as s:
        yield s


def agent_settings(db, **kw):
    """Test settings for the agent on `db`: echo backend, a 2k context window."""
    from archivist.config import load_settings
    return load_settings("test", {"db": str(db), "context_window": 2048, **kw})
