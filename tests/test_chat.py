"""The chat loop through the real CLI (typer's CliRunner): streaming, sources, commands,
follow-ups, folding, persistence and --continue."""
from __future__ import annotations

import pytest
from typer.testing import CliRunner

from archivist.cli import app
from archivist.store import Store


def email(store, doc_id, sender, title, body, date):
    store.conn.execute(
        "INSERT INTO documents (id, content_hash, kind, title, norm_subject, message_id, sender, "
        "sender_name, date, date_raw, date_ok, body) VALUES (?, ?, 'email', ?, lower(?), ?, ?, ?, ?, '', 1, ?)",
        (doc_id, f"h{doc_id}", title, title, f"<{doc_id}@x>", sender, sender.split("@")[0], date, body))


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "chat.db"
    with Store(path) as store:
        email(store, 1, "ann@x.com", "Offsite", "The offsite is in room 42. Bring slides.", "2001-05-02")
        email(store, 2, "ann@x.com", "Budget", "The budget is 3 million. Approved.", "2001-06-03")
        email(store, 3, "bob@x.com", "Lunch", "Lunch is at noon. Pizza.", "2001-05-04")
        store.conn.commit()
    return str(path)


def chat(db, text, *args):
    return CliRunner().invoke(app, ["--llm", "echo", "chat", "-d", db, *args], input=text)


def test_chat_answers_with_sources_and_commands(db):
    r = chat(db, "How many emails did ann@x.com send?\n/sources\n/strategy stuff\n"
                 "What does ann@x.com say about the offsite?\n/filter sender=bob@x.com\n"
                 "/filter\n/bogus\n/quit\n")
    assert r.exit_code == 0, r.output
    assert "2 distinct emails match" in r.output and "strategy: query" in r.output
    assert "sources:" in r.output and "<1@x>" in r.output
    assert "strategy set to stuff" in r.output and "strategy: stuff" in r.output
    assert "room 42" in r.output
    assert "filters: sender=bob@x.com" in r.output and "commands:" in r.output
    assert "'sender'" not in r.output and "None" not in r.output  # not a Python dict


def test_follow_up_reuses_previous_scope_and_session_resumes(db):
    r = chat(db, "How many emails did ann@x.com send?\nAnd how many did she send in June 2001?\n")
    assert r.exit_code == 0, r.output
    assert "1 distinct emails match (sender = 'ann@x.com'" in r.output
    with Store(db) as store:
        assert store.scalar("SELECT count(*) FROM chat_messages") == 4
        assert store.scalar("SELECT count(*) FROM runs WHERE kind = 'chat'") == 2
    again = chat(db, "/sources\n", "--continue")
    assert "4 earlier messages" in again.output
    fresh = chat(db, "/quit\n")
    assert "0 earlier messages" in fresh.output


def test_long_conversation_is_folded_into_memory(db):
    questions = "".join(f"What is in the offsite email, take {i}?\n" for i in range(8))
    r = CliRunner().invoke(app, ["--llm", "echo", "chat", "-d", db], input=questions,
                           env={"ARCHIVIST_MEMORY_TOKENS": "60"})
    assert r.exit_code == 0, r.output
    with Store(db) as store:
        memory = store.scalar("SELECT memory FROM chat_sessions ORDER BY id DESC LIMIT 1")
        assert memory and memory.startswith("Earlier in this conversation")
        assert store.scalar("SELECT count(*) FROM memory_states WHERE key LIKE 'chat:%'") == 1


def test_reset_clears_the_conversation(db):
    r = chat(db, "How many emails did ann@x.com send?\n/reset\n")
    assert "conversation reset" in r.output
    with Store(db) as store:
        assert store.scalar("SELECT count(*) FROM chat_messages") == 0


def test_ask_json_and_markdown_links_neutralised(db):
    with Store(db) as store:
        email(store, 4, "eve@x.com", "Click", "See ![img](http://evil/x.png) and [here](http://evil). "
              "\x1b[31mred\x1b[0m", "2001-05-05")
        store.conn.commit()
    r = CliRunner().invoke(app, ["--llm", "echo", "ask", "-d", db, "--strategy", "stuff",
                                 "What does eve@x.com say?"])
    assert r.exit_code == 0, r.output
    assert "http://evil" not in r.output.split("sources:")[0] and "\x1b" not in r.output
    j = CliRunner().invoke(app, ["--llm", "echo", "ask", "-d", db, "--json",
                                 "How many emails did bob@x.com send?"])
    import json
    obj = json.loads(j.output.strip().splitlines()[-1])
    assert obj["strategy"] == "query" and obj["citations"][0]["message_id"] == "<3@x>"


def test_clear_clears_the_screen_and_is_never_a_question(db):
    r = chat(db, "clear\n/clear\ncls\n/quit\n")
    assert r.exit_code == 0, r.output
    assert "strategy:" not in r.output and "answered" not in r.output  # no turn was asked
    with Store(db) as store:
        assert store.scalar("SELECT count(*) FROM chat_messages") == 0
