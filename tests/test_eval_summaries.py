"""`archivist eval run summaries` on a small copy of its two data sets: records scored by ROUGE
against their reference, emails by the answers their summary holds, archivist beside the peers."""
from __future__ import annotations

import csv
import gzip
import json

from typer.testing import CliRunner

from archivist.cli import app
from archivist.evals.results import Results
from archivist.evals.tasks.summaries import covered, visible

NOTES = [
    ("Consult for knee pain.", "CHIEF COMPLAINT:, Knee pain for two weeks.,HISTORY:, This 40-year-old man reports "
     "knee pain after a fall. He walks with a limp. No fever."),
    ("Laparoscopic cholecystectomy.", "PROCEDURE:, Laparoscopic cholecystectomy.,INDICATION:, Gallstones with "
     "pain after meals. The patient tolerated the procedure well."),
]
EMAIL = ("Message-ID: <1.x@thyme>\nDate: Mon, 7 Aug 2000 07:39:00 -0700 (PDT)\nFrom: mike.carson@corp.com\n"
         "To: casey.evans@corp.com\nSubject: Crane quote\nX-From: Mike Carson\nX-To: Casey Evans\n\n"
         "The crane rental is 4,200 dollars a day. It arrives on the evening of September 9th.\n")


def data(tmp_path):
    notes = tmp_path / "mtsamples_clinical_notes"
    notes.mkdir()
    with gzip.open(notes / "mtsamples.csv.gz", "wt", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["note_id", "description", "medical_specialty", "sample_name", "transcription", "keywords"])
        for i, (ref, text) in enumerate(NOTES + [NOTES[0]]):  # a repeated note counts once
            w.writerow([i + 1, ref, "x", "y", text, ""])
    qa = tmp_path / "enron_annotated_qa"
    qa.mkdir()
    qas = [{"question": "Who sent it?", "id": 1, "is_impossible": False, "answers": [{"text": "Mike Carson"}]},
           {"question": "When?", "id": 2, "is_impossible": False, "answers": [{"text": "evening of September 9th"}]},
           {"question": "Attachment?", "id": 3, "is_impossible": True, "answers": []}]
    (qa / "enron_annotated.json").write_text(json.dumps({"data": [{"paragraphs": [{"context": EMAIL, "qas": qas}]}]}))
    return tmp_path


def test_summaries_task_scores_archivist_and_every_peer(tmp_path):
    res = tmp_path / "r.db"
    r = CliRunner().invoke(app, ["eval", "run", "summaries", "--data", str(data(tmp_path)), "--results", str(res)])
    assert r.exit_code == 0, r.output
    with Results(res) as results:
        rows = results.rows(results.runs()[-1].id)
    assert {row["strategy"] for row in rows} == {"archivist", "lead-1", "lexrank", "textrank"}
    assert len(rows) == 4 * 3  # two distinct notes and one email with answerable questions
    for row in rows:
        assert 0.0 <= row["score"] <= 1.0 and row["tokens_in"] == 0
        limit = 20 if row["example_id"].startswith("r") else 40
        assert len(row["answer"].split()) <= limit
    email = next(row for row in rows if row["strategy"] == "archivist" and row["example_id"].startswith("e"))
    assert email["score"] == 1.0, email["answer"]  # sender and date phrase both in 40 words
    assert "Mike Carson" in email["answer"] and "[" not in email["answer"]


def test_peers_read_the_email_as_a_mail_client_shows_it():
    shown = visible(EMAIL)
    assert shown.startswith("From: Mike Carson\nTo: Casey Evans\nDate:") and "Message-ID" not in shown
    assert covered("from Mike  Carson on the evening of\nSeptember 9th", [["Mike Carson"], ["evening of September 9th"]]) == 1.0
