"""verify is exact for messages with attachments (before: '1 messages read but 5 locations'),
verify --repair clears a store counted the old way, and the ingest summary counts every
document stored (before: 'added 1 new' when 20,001 documents were stored)."""
from __future__ import annotations

import json
import sqlite3
from email.message import EmailMessage

from typer.testing import CliRunner

from archivist.cli import app
from tests.attachment_fixtures import email_with_attachments


def cli(*args: str):
    return CliRunner().invoke(app, list(args))


def ingested(tmp_path, data: bytes, name: str = "a.eml"):
    folder = tmp_path / "mail"
    folder.mkdir()
    (folder / name).write_bytes(data)
    db = tmp_path / "a.db"
    result = cli("--preset", "test", "ingest", "-d", str(db), str(folder))
    assert result.exit_code == 0, result.output
    return db, result


def test_verify_is_exact_for_attachments_and_repair_clears_old_counts(tmp_path):
    db, _ = ingested(tmp_path, email_with_attachments())
    ok = cli("--preset", "test", "verify", "--json", "-d", str(db))
    assert ok.exit_code == 0, ok.output
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT n_read FROM sources").fetchone()[0] == 5  # message, 4 attachments
    conn.execute("UPDATE sources SET n_read = 1")  # what an ingest before this change recorded
    conn.commit()
    conn.close()
    bad = cli("--preset", "test", "verify", "-d", str(db))
    assert bad.exit_code == 1 and "1 documents read (attachments included) but 5 locations" \
        in bad.output
    fixed = cli("--preset", "test", "verify", "--repair", "--json", "-d", str(db))
    assert fixed.exit_code == 0, fixed.output
    assert cli("--preset", "test", "verify", "-d", str(db)).exit_code == 0


def test_ingest_summary_counts_attachment_documents(tmp_path):
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "a@example.com", "b@example.com", "Notes"
    msg["Date"], msg["Message-ID"] = "Mon, 03 Feb 2003 09:00:00 +0000", "<notes@example.com>"
    msg.set_content("Thirty notes attached.\n")
    for i in range(30):
        msg.add_attachment(f"Note number {i} about the pipeline.\n".encode(), maintype="text",
                           subtype="plain", filename=f"note{i}.txt")
    db, result = ingested(tmp_path, msg.as_bytes())
    assert "added 31 new documents (30 of them attachments)" in result.output
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 31
    conn.close()
    report = json.loads(cli("--preset", "test", "verify", "--json", "-d", str(db)).stdout)
    assert report["ok"], report["problems"]
