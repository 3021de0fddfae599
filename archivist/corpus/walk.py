"""Directory walks that end: every real directory (device, inode) is entered once, and a symbolic
link to a directory is followed only when asked (`ingest --follow-links`).

Following links by path alone made two links to '..' an exponential walk and one a walk 40 levels
deep (41 locations for one email). What is skipped is said, as a reject with its reason."""
from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

LINK_NOT_FOLLOWED = "symbolic link to a directory, not followed (ingest --follow-links follows it)"
ALREADY_READ = "directory already read by this ingest through another path (a link loop): skipped"


class Visited:
    """The directories an ingest has entered, by (device, inode), and whether links are followed."""

    def __init__(self, follow_links: bool = False):
        self.follow_links = follow_links
        self.seen: set[tuple[int, int]] = set()

    def enter(self, path: Path, named: bool = False) -> str:
        """'' when the directory `path` is to be read now (it is then marked read), else why it is
        skipped. `named`: given by the user, so a link there is followed."""
        if not named and not self.follow_links and path.is_symlink():
            return LINK_NOT_FOLLOWED
        st = path.stat()
        key = (st.st_dev, st.st_ino)
        if key in self.seen:
            return ALREADY_READ
        self.seen.add(key)
        return ""


def walk(root: Path, visited: Visited, skipped: list[tuple[str, str]],
         ignore: Callable[[Path, str], bool] = lambda parent, name: False
         ) -> Iterator[tuple[str, list[str], list[str]]]:
    """os.walk from `root` (which the caller has entered) that enters each directory once and
    links only when `visited` follows them; (path, reason) of each directory skipped and of each
    that could not be listed goes to `skipped`. `ignore(parent, name)`: directories left out
    without a word (and not marked read)."""
    def unreadable(err: OSError) -> None:
        skipped.append((str(err.filename or root), f"unreadable directory: {err.strerror or err}"))

    for dirpath, dirnames, filenames in os.walk(root, onerror=unreadable,
                                                followlinks=visited.follow_links):
        kept = []
        for name in dirnames:
            if ignore(Path(dirpath), name):
                continue
            path = Path(dirpath) / name
            try:
                reason = visited.enter(path)
            except OSError as exc:
                reason = f"cannot be read ({exc.strerror or exc})"
            if reason:
                skipped.append((str(path), reason))
            else:
                kept.append(name)
        dirnames[:] = kept
        yield dirpath, dirnames, filenames
