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
