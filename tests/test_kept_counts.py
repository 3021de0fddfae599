"""The counts kept on write (store/counts.py) stay a recount of the tables: after an ingest (with
attachments, attachments named in the text, chunks), after documents leave their source, after
the migration that made them on a store that had none; `verify` names a count that drifted and
`verify --repair` recounts it."""
from __future__ import annotations

import json
import os
import sqlite3

from typer.testing import CliRunner

from archivist.cli import app
from archivist.store import Store
from archivist.store.counts import kept, recount
from tests.attachment_fixtures import email_with_attachments


def cli(*args: str):
    return CliRunner().invoke(app, ["--preset", "test", *args])


def message(n: int, body: str) -> str:
    return (f"From a@x.org Tue May  1 09:00:00 2001\nFrom: Ann <a@x.org>\nTo: b@x.org\n"
            f"Subject: note {n}\nDate: Tue, 1 May 2001 09:{n:02d}:00 -0700\n"
            f"Message-ID: <m{n}@x.org>\n\n{body}\n\n")


def ingest(db, folder) -> None:
    r = cli("ingest", "--json", "--no-embed", "-d", str(db), str(folder))
    assert r.exit_code == 0, r.output


def archive(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.eml").write_bytes(email_with_attachments())
    (folder / "ann.mbox").write_text(
        message(1, "See << File: budget.xls >> and << File: plan.doc >>.") + message(2, "Plain note.")
        + message(3, "Attached: << File: memo.doc >>"))
    return folder


def counts(db) -> tuple[dict, dict]:
    with Store(db, readonly=True) as store:
        return kept(store.conn), recount(store.conn)


def test_counts_follow_an_ingest_and_documents_leaving(tmp_path):
    folder, db = archive(tmp_path), tmp_path / "a.db"
    ingest(db, folder)
    have, want = counts(db)
    assert have == want
    assert have["attachments"] == 5 and have["messages_with_attachments"] == 1
    assert have["attachments_named_in_text"] == 3 and have["messages_naming_attachments"] == 2
    assert have["documents"] == 8 and have["lead_chunks"] == 8
    box = folder / "ann.mbox"
    box.write_text(message(2, "Plain note."))  # the two messages naming attachments leave
    os.utime(box, (1e9, 1e9))
    ingest(db, folder)
    have, want = counts(db)
    assert have == want
    assert have["attachments_named_in_text"] == 0 and have["documents"] == 6 and have["lead_chunks"] == 6


def test_the_migration_counts_a_store_that_had_no_counts(tmp_path):
    folder, db = archive(tmp_path), tmp_path / "a.db"
    ingest(db, folder)
    conn = sqlite3.connect(db, isolation_level=None)  # the store as the archivist before them left it
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        conn.execute(f'DROP TRIGGER "{name}"')
    conn.execute("DROP TABLE kept_counts")
    for name, column in (("documents_date", "date"), ("documents_sender", "sender")):
        conn.execute(f"DROP INDEX {name}")
        conn.execute(f"CREATE INDEX {name} ON documents({column})")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm014_counts'")
    conn.execute("PRAGMA user_version = 13")
    conn.close()
    have, want = counts(db)  # opening it (read-only even) migrates it first
    assert have == want and have["documents"] == 8 and have["attachments"] == 5
    with Store(db, readonly=True) as store:
        plan = store.conn.execute("EXPLAIN QUERY PLAN SELECT count(*), sum(n_chars) FROM documents "
                                  "WHERE kind = 'email' AND date >= '2001' AND date < '2002'").fetchall()
        assert "COVERING INDEX documents_date" in str(plan)


def test_verify_names_a_count_that_drifted_and_repair_recounts_it(tmp_path):
    folder, db = archive(tmp_path), tmp_path / "a.db"
    ingest(db, folder)
    conn = sqlite3.connect(db)
    conn.execute("UPDATE kept_counts SET n = n + 2 WHERE name = 'attachments'")
    conn.commit()
    conn.close()
    r = cli("verify", "--json", "-d", str(db))
    assert r.exit_code == 1 and "attachments 7 (recounted: 5)" in r.stdout
    r = cli("verify", "--repair", "--json", "-d", str(db))
    assert r.exit_code == 0, r.output
    assert "counts kept on write recounted" in json.loads(r.stdout)["repaired"]
    assert cli("stats", "--json", "-d", str(db)).stdout.count('"attachments": 5') == 1
