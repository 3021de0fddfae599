"""The CLI in a real terminal (a PTY, through pexpect), as a person uses it: `chat` with a count,
the follow-up "and in June?", /sources and /exit, a status line on stderr within one second of
every question, and `chat --continue` restoring the scope, strategy and sources (Ctrl-D leaves)."""
from __future__ import annotations

import os
import re
import sys
import time

import pytest

from archivist.store import Store
from conftest import ROOT

pexpect = pytest.importorskip("pexpect")

STATUS = re.compile(r"(analysing|planning|querying|searching|loading model|answering)")


def email(store, doc_id, sender, title, body, date):
    store.conn.execute(
        "INSERT INTO documents (id, content_hash, kind, title, norm_subject, message_id, sender, "
        "sender_name, date, date_raw, date_ok, body) VALUES (?, ?, 'email', ?, lower(?), ?, ?, ?, ?, "
        "'', 1, ?)", (doc_id, f"h{doc_id}", title, title, f"<{doc_id}@x>", sender,
                      sender.split("@")[0], date, body))


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "pty.db"
    with Store(path) as store:
        email(store, 1, "ann@x.com", "Offsite", "The offsite is in room 42.", "2001-05-02T10:00:00+00:00")
        email(store, 2, "ann@x.com", "Agenda", "The agenda is attached.", "2001-05-09T10:00:00+00:00")
        email(store, 3, "ann@x.com", "Budget", "The budget is 3 million.", "2001-06-03T10:00:00+00:00")
        email(store, 4, "bob@x.com", "Lunch", "Lunch is at noon.", "2001-06-04T10:00:00+00:00")
        store.conn.commit()
    return str(path)


def spawn(db, tmp_path, *args):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TERM": "xterm", "COLUMNS": "120",
           "XDG_STATE_HOME": str(tmp_path / "state"), "ARCHIVIST_CONFIG": ""}
    return pexpect.spawn(sys.executable, ["-m", "archivist", "--llm", "echo", "-d", db, "chat", *args],
                         env=env, encoding="utf-8", timeout=60, dimensions=(40, 120))


def ask(child, question: str) -> float:
    """Send a question; seconds until the first status line appears on the terminal."""
    child.expect_exact("> ")
    start = time.perf_counter()
    child.sendline(question)
    child.expect(STATUS)
    return time.perf_counter() - start


def test_chat_in_a_terminal(db, tmp_path):
    child = spawn(db, tmp_path)
    child.expect("session 1, 0 earlier messages")
    waits = [ask(child, "How many emails did ann@x.com send in May 2001?")]
    child.expect(r"2 distinct emails match \(sender = 'ann@x.com'.*2001-05-01 \.\. 2001-06-01")
    waits.append(ask(child, "and in June?"))  # same count, the month changed, sender kept
    child.expect(r"1 distinct emails match \(sender = 'ann@x.com'.*2001-06-01 \.\. 2001-07-01")
    child.expect_exact("> ")
    child.sendline("/sources")
    child.expect_exact("<3@x>")
    child.expect_exact("> ")
    child.sendline("/exit")
    child.expect_exact("bye")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert max(waits) < 1.0, waits  # never silent: a status line within a second of each ask

    again = spawn(db, tmp_path, "--continue")
    again.expect("session 1, 4 earlier messages")
    again.expect_exact("> ")
    again.sendline("/sources")  # the last answer's sources survive the restart
    again.expect_exact("<3@x>")
    waits = [ask(again, "and in May?")]  # the restored intent and scope
    again.expect(r"2 distinct emails match \(sender = 'ann@x.com'.*2001-05-01 \.\. 2001-06-01")
    again.expect_exact("> ")
    again.sendcontrol("d")
    again.expect(pexpect.EOF)
    again.close()
    assert again.exitstatus == 0 and max(waits) < 1.0, waits


def test_exit_word_leaves_and_history_is_kept(db, tmp_path):
    child = spawn(db, tmp_path)
    child.expect_exact("> ")
    child.sendline("How many emails did bob@x.com send?")
    child.expect(r"1 distinct emails match")
    child.expect_exact("> ")
    child.sendline("exit")  # a bare word, not a question
    child.expect_exact("bye")
    child.expect(pexpect.EOF)
    history = (tmp_path / "state" / "archivist" / "chat_history").read_text()
    assert "How many emails did bob@x.com send?" in history
