"""Metadata queries: parameterised SQL through the one filter compiler, the read-only authorizer,
calendar-day semantics."""
from __future__ import annotations

import pytest

from archivist.agent.strategies.metadata import (Calendar, MetadataQuery, Select, compile_query,
                                                 run_query)
from archivist.errors import QueryError
from archivist.records import Filters
from archivist.store.readonly import execute_readonly


def add_email(store, doc_id, sender, date, date_raw, title="Hello", to="bob@x.com"):
    store.conn.execute(
        "INSERT INTO documents (id, content_hash, kind, title, norm_subject, message_id, sender, "
        "sender_name, date, date_raw, date_ok, body) VALUES (?, ?, 'email', ?, lower(?), ?, ?, ?, ?, ?, 1, ?)",
        (doc_id, f"h{doc_id}", title, title, f"<{doc_id}@x>", sender, sender.split("@")[0], date,
         date_raw, f"body {doc_id}"))
    store.conn.execute("INSERT INTO participants (doc_id, role, name, address) VALUES (?, 'to', '', ?)",
                       (doc_id, to))
    store.conn.commit()


@pytest.fixture
def mail(store):
    add_email(store, 1, "ann@x.com", "2001-05-01T03:00:00+00:00", "Mon, 30 Apr 2001 20:00:00 -0700")
    add_email(store, 2, "ann@x.com", "2001-05-15T12:00:00+00:00", "Tue, 15 May 2001 05:00:00 -0700")
    add_email(store, 3, "ann@x.com", "2001-06-01T02:00:00+00:00", "Thu, 31 May 2001 19:00:00 -0700")
    add_email(store, 4, "cy@x.com", "2001-05-20T12:00:00+00:00", "", to="ann@x.com")
    return store


def may(calendar):
    return MetadataQuery(Select.COUNT, Filters(sender="ANN@x.com", after="2001-05-01",
                                               before="2001-06-01"), calendar=calendar)


def test_calendar_day_semantics(mail):
    assert run_query(mail.conn, may(Calendar.UTC)).count == 2  # ids 1 and 2
    assert run_query(mail.conn, may(Calendar.LOCAL)).count == 2  # ids 2 and 3 by the sender's clock
    assert {r["id"] for r in run_query(mail.conn, may(Calendar.LOCAL)).rows} == {2, 3}
    assert {r["id"] for r in run_query(mail.conn, may(Calendar.EITHER)).rows} == {1, 2, 3}


def test_group_by_counts_local_days_too(mail):
    q = MetadataQuery(Select.GROUP_BY, Filters(after="2001-05-01", before="2001-06-01"),
                      group_by="sender", calendar=Calendar.LOCAL)
    assert run_query(mail.conn, q).rows == [{"key": "ann@x.com", "n": 2}, {"key": "cy@x.com", "n": 1}]


def test_values_never_reach_sql_text(mail):
    evil = "x'); DROP TABLE documents; --"
    sql, params = compile_query(MetadataQuery(Select.LIST, Filters(sender=evil, mailbox=evil,
                                                                   fields={"owner": evil}),
                                              title_words=evil))
    assert evil not in sql and evil in params
    assert run_query(mail.conn, MetadataQuery(Select.LIST, Filters(sender=evil))).count == 0
    assert mail.scalar("SELECT count(*) FROM documents") == 4


def test_unknown_selects_groups_and_meta_keys_are_refused(mail):
    for bad in (MetadataQuery("drop", Filters()), MetadataQuery(Select.GROUP_BY, group_by="body; --"),
                MetadataQuery(Select.COUNT, Filters(fields={"a'b": "1"}))):
        with pytest.raises(QueryError):
            compile_query(bad)


@pytest.mark.parametrize("sql", ["DELETE FROM documents", "UPDATE documents SET title = 'x'",
                                 "INSERT INTO runs (kind) VALUES ('x')", "DROP TABLE documents",
                                 "PRAGMA writable_schema = 1", "ATTACH DATABASE ':memory:' AS m",
                                 "SELECT * FROM runs", "SELECT load_extension('x')"])
def test_authorizer_refuses_writes_and_unknown_tables(mail, sql):
    with pytest.raises(QueryError):
        execute_readonly(mail.conn, sql)
    assert mail.scalar("SELECT count(*) FROM documents") == 4  # authorizer removed afterwards
    mail.conn.execute("INSERT INTO runs (kind) VALUES ('ok')")


def test_group_by_recipient_and_sender(mail):
    res = run_query(mail.conn, MetadataQuery(Select.GROUP_BY, group_by="sender"))
    assert res.rows[0] == {"key": "ann@x.com", "n": 3}
    res = run_query(mail.conn, MetadataQuery(Select.GROUP_BY, Filters(sender="cy@x.com"),
                                             group_by="recipient"))
    assert res.rows == [{"key": "ann@x.com", "n": 1}]


def test_doc_id_filters_pass_the_authorizer(mail):
    res = run_query(mail.conn, MetadataQuery(Select.LIST, Filters(doc_ids=[2, 4])))
    assert [r["id"] for r in res.rows] == [2, 4]


def test_person_names_match_word_by_word_like_retrieval_filters(demo_store):
    from archivist.agent.question.scope import measure
    by_address, _ = measure(demo_store, Filters(sender="maria.chen@northwind-energy.com"))
    by_name, _ = measure(demo_store, Filters(sender="Chen Maria"))
    assert by_name == by_address > 0
    to_lena, _ = measure(demo_store, Filters(recipient="Fischer, Lena"))
    assert to_lena == demo_store.scalar(
        "SELECT count(DISTINCT doc_id) FROM participants WHERE role = 'to' AND address LIKE 'lena%'")
