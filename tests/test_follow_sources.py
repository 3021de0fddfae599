"""The store follows its sources (issue 30): an edited file or message, a message deleted from an
mbox, a file deleted from a maildir or a folder, each seen on the next ingest: the old version
leaves search (kept in history unless ingest.keep_history is off), the new one is found, and
`verify` stays exact. Before: the old text kept its place, the new version got none, the deleted
message was still found, and verify failed for good. All through the real CLI."""
from __future__ import annotations

import json
import os
import sqlite3

from typer.testing import CliRunner

from archivist.cli import app


def cli(*args: str, env: dict | None = None):
    return CliRunner().invoke(app, list(args), env=env)


def message(n: int, body: str, subject: str = "") -> str:
    return (f"From a@x.org Tue May  1 09:00:00 2001\nFrom: Ann <a@x.org>\nTo: b@x.org\n"
            f"Subject: {subject or f'note {n}'}\nDate: Tue, 1 May 2001 09:{n:02d}:00 -0700\n"
            f"Message-ID: <m{n}@x.org>\n\n{body}\n\n")


def ingest(db, folder, *extra: str, env: dict | None = None) -> dict:
    r = cli("--preset", "test", "ingest", "--json", "--no-embed", "-d", str(db), *extra, str(folder),
            env=env)
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout.splitlines()[0])


def hits(db, query: str) -> list[dict]:
    r = cli("--preset", "test", "search", "--mode", "bm25", "--json", "-d", str(db), query)
    assert r.exit_code in (0, 1), r.output
    return [json.loads(line) for line in r.stdout.splitlines() if line.strip()]


def verified(db) -> None:
    r = cli("--preset", "test", "verify", "-d", str(db))
    assert r.exit_code == 0, r.output


def test_an_edited_and_a_deleted_mbox_message_leave_search_and_history_keeps_them(tmp_path):
    folder, db = tmp_path / "in", tmp_path / "a.db"
    folder.mkdir()
    box = folder / "ann.mbox"
    box.write_text(message(1, "The budget is walrus.") + message(2, "Pelican quota agreed.")
                   + message(3, "Heron contract signed."))
    ingest(db, folder)
    assert hits(db, "pelican") and hits(db, "heron")
    box.write_text(message(1, "The budget is walrus.") + message(2, "Pelican quota raised to 9."))
    os.utime(box, (1e9, 1e9))  # a new mtime, whatever the clock's resolution
    summary = ingest(db, folder)
    assert not hits(db, "heron")  # deleted from the mbox
    assert [h["snippet"] for h in hits(db, "pelican")] and \
        all("raised" in h["snippet"] for h in hits(db, "pelican"))  # only the new version
    verified(db)
    assert summary["left"] == 2 and summary["kept_in_history"] == 2
    shown = cli("--preset", "test", "history", "--json", "-d", str(db))
    assert shown.exit_code == 0, shown.output
    kept = [json.loads(line) for line in shown.stdout.splitlines()]
    assert sorted(k["title"] for k in kept) == ["note 2", "note 3"]
    assert all(p.startswith(str(box)) for k in kept for p in k["places"])
    whole = cli("--preset", "test", "history", "--json", "-d", str(db), str(kept[0]["id"]))
    assert whole.exit_code == 0 and "body" in json.loads(whole.stdout)


def test_a_file_deleted_from_a_folder_and_an_edited_text_file(tmp_path):
    folder, db = tmp_path / "in", tmp_path / "a.db"
    folder.mkdir()
    (folder / "one.eml").write_text(message(1, "Osprey shipment late.")[message(1, "").index("\n") + 1:])
    (folder / "notes.txt").write_text("Kestrel audit starts Monday.\n")
    ingest(db, folder)
    (folder / "one.eml").unlink()
    (folder / "notes.txt").write_text("Kestrel audit moved to Friday.\n")
    summary = ingest(db, folder, env={"ARCHIVIST_KEEP_HISTORY": "0"})
    assert not hits(db, "osprey")
    assert all("Friday" in h["snippet"] for h in hits(db, "kestrel")) and hits(db, "kestrel")
    verified(db)
    assert summary["left"] == 2 and summary["sources_gone"] == 1 and summary["kept_in_history"] == 0
    assert sqlite3.connect(db).execute("SELECT count(*) FROM history").fetchone()[0] == 0


def test_a_maildir_file_deleted_and_threads_follow(tmp_path):
    root, db = tmp_path / "maildir", tmp_path / "a.db"
    inbox = root / "ann" / "inbox"
    inbox.mkdir(parents=True)
    for n, body in ((1, "Gannet plan first draft."), (2, "Re: gannet plan, looks fine.")):
        text = message(n, body, "gannet plan" if n == 1 else "Re: gannet plan")
        (inbox / f"{n}.").write_text(text[text.index("\n") + 1:])
    ingest(db, root)
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT n_docs FROM threads").fetchall() == [(2,)]
    (inbox / "2.").unlink()
    summary = ingest(db, root)
    assert not hits(db, "looks fine")
    assert conn.execute("SELECT n_docs FROM threads").fetchall() == [(1,)]
    verified(db)
    assert summary["left"] == 1


def test_an_unchanged_reingest_removes_nothing(tmp_path):
    folder, db = tmp_path / "in", tmp_path / "a.db"
    folder.mkdir()
    (folder / "ann.mbox").write_text(message(1, "Plover.") + message(2, "Plover again."))
    ingest(db, folder)
    summary = ingest(db, folder)
    assert summary["left"] == 0 and summary["skipped"] == 1
    assert len(hits(db, "plover")) == 2


def test_a_reingest_killed_after_places_moved_resumes_to_the_clean_result(tmp_path):
    """Killed after a batch of edited messages moved their places to the new versions (the old
    versions placeless, their departure not recorded), the next ingest still retires them."""
    from tests.test_crash import archivist
    folder, db, clean = tmp_path / "in", tmp_path / "a.db", tmp_path / "clean.db"
    folder.mkdir()
    box = folder / "ann.mbox"
    box.write_text("".join(message(n % 60, f"Item {n} costs {n} dollars.", f"item {n}")
                           for n in range(700)))
    ingest(db, folder)
    box.write_text("".join(message(n % 60, f"Item {n} costs {n} euros.", f"item {n}")
                           for n in range(700)))
    os.utime(box, (1e9, 1e9))
    killed = archivist("ingest", "--no-embed", "-d", str(db), str(folder), crash="batch_committed")
    killed.communicate(timeout=300)
    assert killed.returncode == -9
    ingest(db, folder)
    ingest(clean, folder)
    assert not hits(db, "dollars") and hits(db, "euros")
    verified(db)
    texts = lambda path: sorted(r[0] for r in sqlite3.connect(path).execute(  # noqa: E731
        "SELECT body FROM documents"))
    assert texts(db) == texts(clean)
    assert sqlite3.connect(db).execute("SELECT count(*) FROM history").fetchone()[0] == 700
