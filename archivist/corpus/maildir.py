"""Maildir layouts: standard cur/new/tmp (with Maildir++ '.Sub.Folder' dirs) and the Enron release's
numbered files under maildir/<user>/<folder>/<n>. Works out mailbox, folder and position per file."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# Bookkeeping files mail servers leave inside maildirs; never messages.
NOISE_PREFIXES = ("dovecot", "courierimap", "maildirfolder", "subscriptions", ".")


@dataclass
class MaildirPlace:
    root: Path  # the mailbox root (Enron: maildir/<user>; standard: the dir holding cur/new)
    mailbox: str
    folder: str
    position: str  # the file's path relative to the root, '/'-separated


def is_noise(path: Path) -> bool:
    return path.name.lower().startswith(NOISE_PREFIXES)


def maildir_place(path: Path, walk_root: Path | None = None) -> MaildirPlace | None:
    """Where a message file sits inside a maildir, or None when it is not inside one."""
    return _standard_place(path) or _enron_place(path) or _walk_place(path, walk_root)


def _enron_place(path: Path) -> MaildirPlace | None:
    parents = list(path.parents)
    for i, parent in enumerate(parents):
        if parent.name.lower() == "maildir" and i >= 1:
            root = parents[i - 1]
            return _place(root, root.name, path)
    return None


def _standard_place(path: Path) -> MaildirPlace | None:
    if path.parent.name not in ("cur", "new", "tmp"):
        return None
    box = path.parent.parent
    if not ((box / "cur").is_dir() or (box / "new").is_dir()):
        return None
    parent_is_maildir = (box.parent / "cur").is_dir()
    if box.name.startswith(".") and parent_is_maildir:  # Maildir++ sub-folder '.Work.Projects'
        root = box.parent
        folder = box.name[1:].replace(".", "/").lower()
    else:
        root, folder = box, "inbox"
    return MaildirPlace(root, root.name, folder, path.relative_to(root).as_posix())


def _walk_place(path: Path, walk_root: Path | None) -> MaildirPlace | None:
    """Numbered files under a directory the user pointed at: the directory is the mailbox."""
    if walk_root is None or path.parent == walk_root.parent or not _is_under(path, walk_root):
        return None
    if not path.name.rstrip(".").isdigit():
        return None
    return _place(walk_root, walk_root.name, path)


def _place(root: Path, mailbox: str, path: Path) -> MaildirPlace:
    rel = path.relative_to(root)
    folder = "/".join(rel.parts[:-1]).lower().replace(" ", "_")
    return MaildirPlace(root, mailbox, folder, rel.as_posix())


def _is_under(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
        return True
    except ValueError:
        return False
