"""Summaries without a model: automated mail counted by kind, sentences chosen from what people
wrote (no header blocks, links or disclaimers), each line citing the message it is copied from."""
from __future__ import annotations

import shutil

import pytest

from archivist.answering.model import Model
from archivist.backends.echo import EchoLLM
from archivist.corpus.automated import MailKind, classify
from archivist.memory.extractive import noise, rank, select, text_summary, units_of_text
from archivist.memory.summarize import summarize
from archivist.memory.summary_extract import OVERVIEW_WORDS
from archivist.store import Store
from tests.conftest import agent_settings


@pytest.mark.parametrize("sender, name, subject, body, recipients, kind", [
    ("jane.doe@corp.com", "Jane Doe", "RE: crane quote", "Sam, the crane costs $4,200 a day. Can we sign Friday?", 1,
     MailKind.PERSON),
    ("jane.doe@corp.com", "Jane Doe", "Out of Office: crane quote", "I am out of the office until Monday.", 1,
     MailKind.OUT_OF_OFFICE),
    ("jane.doe@corp.com", "Jane Doe", "Accepted: Budget review", "", 1, MailKind.CALENDAR),
    ("notify@expenses.example", "", "Expense report ready",
     "Expense Report Name: Trip. Report Total: $336.43 Amount Due Employee: $336.43", 1, MailKind.EXPENSE),
    ("editor@energywire.example", "Energy Wire", "Energy Wire daily",
     "Gas prices rose.\n\nTo unsubscribe from this mailing list click here.", 1, MailKind.NEWSLETTER),
    ("no.address@corp.com", "Corp General Announcements", "Holiday schedule", "The office closes Friday.", 900,
     MailKind.ANNOUNCEMENT),
    ("noreply@helpdesk.example", "", "Notification: password expires", "Your password expires in 3 days.", 1,
     MailKind.NOTIFICATION),
    ("promo@shop.example", "", "Deals", "Big sale this week on everything you like.", 0, MailKind.NEWSLETTER),
])
def test_automated_mail_is_recognised_by_kind(sender, name, subject, body, recipients, kind):
    assert classify(sender, name, subject, body, recipients) == kind


def test_units_drop_headings_keep_abbreviations_and_skip_structure():
    units = units_of_text("PREOPERATIVE DIAGNOSIS: , Morbid obesity of the patient.,PROCEDURE: , Gastric bypass was "
                          "done on Jan. 27 by Dr. Smith.")
    assert [u.text for u in units] == ["Morbid obesity of the patient.", "Gastric bypass was done on Jan. 27 by Dr. Smith."]
    assert [u.section for u in units] == ["PREOPERATIVE DIAGNOSIS", "PROCEDURE"]
    for line in ("-----Original Message----- From: Lee, Dennis Sent: Monday, October 29, 2001 1:31 PM To: Lokay",
                 "See http://example.com/page for the rest of the report", "Sent: Monday To: Sam Subject: hello there"):
        assert noise(line)
    assert not noise("The crane costs $4,200 a day and arrives on Friday.")


def test_selection_keeps_the_budget_and_skips_repeats():
    text = ("The crane costs 4,200 dollars a day. The crane costs 4,200 dollars per day. "
            "Delivery is set for Friday at the north yard. Please confirm the permit.")
    chosen = select(rank(units_of_text(text)), 14)
    assert sum(len(u.text.split()) for u in chosen) <= 14 or len(chosen) == 1
    assert len({u.text for u in chosen}) == len(chosen) and "per day" not in " ".join(u.text for u in chosen)
    assert len(text_summary(text, 10).split()) <= 10


class NoCalls(EchoLLM):
    def complete(self, *a, **k):  # a model call here would be a bug
        raise AssertionError("extractive summaries call no model")

    generate = complete


@pytest.fixture
def db(demo_db, tmp_path):
    path = tmp_path / "s.db"
    shutil.copy(demo_db, path)
    return path


def test_extractive_summaries_cite_the_message_each_line_is_copied_from(db):
    settings = agent_settings(db, summary_writer="extractive")
    with Store(db) as store:
        result = summarize(store, settings, "mailbox", model=Model(settings, NoCalls()))
        bodies = {r[0]: (r[1] or "") + " " + (r[2] or "") for r in
                  store.conn.execute("SELECT id, body, quoted FROM documents")}
    totals = result.totals()
    assert totals["llm_calls"] == 0 and totals["model"] == "extractive"
    lines = [line for level in result.levels for s in level for part in (s.overview, s.facts, s.decisions,
                                                                          s.questions) for line in part]
    assert lines
    for line in lines:
        assert len(line.doc_ids) == 1
        assert " ".join(line.text.split()[:4]) in " ".join(bodies[line.doc_ids[0]].split())
    assert "no model" in result.markdown()
    with Store(db) as store:
        again = summarize(store, settings, "mailbox", model=Model(settings, NoCalls()))
    assert again.totals()["computed"] == 0 and again.markdown() == result.markdown()


def test_automated_mail_is_counted_not_quoted(db, tmp_path):
    from archivist.corpus.ingest import ingest_paths
    mail = tmp_path / "notices.eml"
    mail.write_text("From: noreply@helpdesk.example\nTo: sam@northwind-energy.com\nSubject: Notification: "
                    "mailbox outage\nDate: Mon, 3 Dec 2001 10:00:00 -0600\nMessage-ID: <n1@helpdesk.example>\n\n"
                    "This is an automated message. Your mailbox server is scheduled for an outage tonight at "
                    "9 pm, please log off.\n")
    settings = agent_settings(db, summary_writer="extractive")
    with Store(db) as store:
        ingest_paths(store, [mail])
        result = summarize(store, settings, "corpus", model=Model(settings, NoCalls()))
    corpus = result.top[0]
    assert corpus.automated.get("notification") == 1
    facts = [line.text for line in corpus.facts + corpus.decisions + corpus.overview]
    assert not any("outage" in text for text in facts)
    assert "1 system notifications" in result.markdown()


def test_a_thread_says_what_its_last_message_changed(db, monkeypatch):
    monkeypatch.setitem(OVERVIEW_WORDS, "leaf", 12)  # an overview too short to reach the last message
    settings = agent_settings(db, summary_writer="extractive")
    with Store(db) as store:
        result = summarize(store, settings, "thread", model=Model(settings, NoCalls()))
        dates = {r[0]: r[1] for r in store.conn.execute("SELECT id, date FROM documents")}
    threads = [s for s in result.top if s.n_docs > 1]
    assert threads and any(s.latest for s in threads)
    for s in threads:
        for line in s.latest:
            last = max(dates[d] for d in s.cited() if d in dates)
            assert dates[line.doc_ids[0]] == last and line.text not in [x.text for x in s.overview]
    assert "**Latest**" in result.markdown()
