"""Directory walks end: a link to its own directory, two links to '..', a loop link; each real
directory is read once, links to directories only with follow_links, and what is skipped is a
reject with its reason."""
from __future__ import annotations

import os
import time

import pytest

from archivist.corpus.ingest import ingest_paths
from archivist.corpus.readers import read_path
from archivist.corpus.walk import ALREADY_READ, LINK_NOT_FOLLOWED
from archivist.store import Store

EML = (b"From: a@example.com\nTo: b@example.com\nSubject: walk test\n"
       b"Date: Mon, 03 Feb 2003 09:00:00 +0000\nMessage-ID: <walk@example.com>\n\nBody text.\n")


def tree(tmp_path):
    """tree/inner/a.eml with links inner/self -> ., inner/up1 -> .., inner/up2 -> .., and a
    link inner/loop -> loop that points at itself."""
    inner = tmp_path / "tree" / "inner"
    inner.mkdir(parents=True)
    (inner / "a.eml").write_bytes(EML)
    os.symlink(".", inner / "self")
    os.symlink("..", inner / "up1")
    os.symlink("..", inner / "up2")
    os.symlink("loop", inner / "loop")
    return tmp_path / "tree"


def ingest(tmp_path, root, **options):
    start = time.perf_counter()
    with Store(tmp_path / "w.db") as store:
        summary = ingest_paths(store, [root], **options)
        locations = store.scalar("SELECT count(*) FROM locations")
        rejects = dict(store.conn.execute("SELECT path, reason FROM rejects").fetchall())
    return summary, locations, rejects, time.perf_counter() - start


@pytest.mark.timeout(60)
def test_links_to_directories_are_not_followed_by_default(tmp_path):
    root = tree(tmp_path)
    summary, locations, rejects, seconds = ingest(tmp_path, root)
    assert (summary.read, summary.new, locations) == (1, 1, 1)
    inner = root / "inner"
    assert rejects[str(inner / "self")] == LINK_NOT_FOLLOWED
    assert rejects[str(inner / "up1")] == LINK_NOT_FOLLOWED
    assert rejects[str(inner / "up2")] == LINK_NOT_FOLLOWED
    assert rejects[str(inner / "loop")].startswith("symbolic link loop")
    assert seconds < 30


@pytest.mark.timeout(60)
def test_followed_links_enter_each_directory_once(tmp_path):
    root = tree(tmp_path)
    summary, locations, rejects, seconds = ingest(tmp_path, root, follow_links=True)
    assert (summary.read, locations) == (1, 1)
    inner = root / "inner"
    for name in ("self", "up1", "up2"):
        assert rejects[str(inner / name)] == ALREADY_READ
    assert seconds < 30


@pytest.mark.timeout(60)
def test_maildir_walk_reports_links_and_loops(tmp_path):
    """Inside one source (a maildir, read by os.walk) the same rules hold."""
    box = tmp_path / "maildir" / "user"
    (box / "inbox").mkdir(parents=True)
    (box / "inbox" / "1").write_bytes(EML)
    os.symlink("..", box / "inbox" / "up")
    items = list(read_path(box))
    assert [type(i).__name__ for i in items] == ["Document", "Reject"]
    assert items[1].reason == LINK_NOT_FOLLOWED
    followed = list(read_path(box, follow_links=True))
    assert [type(i).__name__ for i in followed] == ["Document", "Reject"]
    assert followed[1].reason == ALREADY_READ


def test_a_named_link_is_followed(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (real / "a.eml").write_bytes(EML)
    os.symlink(real, tmp_path / "named")
    summary, locations, rejects, _ = ingest(tmp_path, tmp_path / "named")
    assert (summary.read, locations, rejects) == (1, 1, {})
