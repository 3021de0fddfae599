"""What people type: a verbatim subject ranks its email first; a fact that survives only inside a
quoted reply is found, and a quote whose original is in the archive is not indexed twice."""
from __future__ import annotations

import pytest

from archivist.config import Settings
from archivist.retrieval.chunking import QUOTED_ORD
from archivist.retrieval.indexer import index_store
from archivist.retrieval.search import search
from archivist.store import Store
from tests.retrieval_fixtures import build, email

FILLER = ("The daily meeting code for the pass was discussed at length and the meeting notes for "
          "the daily trading call, the code review and the dial plan follow. ")


def _corpus():
    docs = [email(i, f"Weekly notes {i}", FILLER * 12 + f"Item {i}: daily meeting and pass code.",
                  sender="bob") for i in range(12)]
    docs.append(email(50, "Dial-in and Pass Code for Daily Meeting",
                      "Number 800-555-0100, code 4471.", sender="erin"))
    # the original of this reply's quote is not in the archive: the fact lives only in the quote
    docs.append(email(60, "RE: Reorganisation", "Agreed, see below.", sender="carol",
                      quoted="-----Original Message-----\nFrom: Dan\n\n"
                             "> The new unit will be called Global Energy Business from June."))
    # this reply quotes an original that is in the archive: its quote must not be indexed again
    docs.append(email(70, "Turbine order", "We ordered four Zephyrine turbines for the plant.",
                      sender="dave"))
    docs.append(email(71, "RE: Turbine order", "Good news.", sender="alice", quoted=(
        "-----Original Message-----\nFrom: Dave\n\nWe ordered four Zephyrine turbines for the plant.")))
    return docs


@pytest.fixture(scope="module")
def indexed(tmp_path_factory):
    path = tmp_path_factory.mktemp("exact") / "e.db"
    settings = Settings().replace(db=str(path))
    with Store(path) as store:
        build(store, _corpus())
        index_store(store, settings)
        yield store, settings


def _title(store, doc_id: int) -> str:
    return store.scalar("SELECT title FROM documents WHERE id = ?", (doc_id,))


@pytest.mark.parametrize("mode", ["bm25", "hybrid"])
def test_verbatim_subject_ranks_first(indexed, mode):
    store, settings = indexed
    for query in ("Dial-in and Pass Code for Daily Meeting", "dial-in and pass code for daily meeting",
                  "when was the Dial-in and Pass Code for Daily Meeting sent"):
        hits = search(store, settings, query, k=3, mode=mode)
        assert _title(store, hits[0].doc_id) == "Dial-in and Pass Code for Daily Meeting", query


def test_quoted_only_fact_is_found(indexed):
    store, settings = indexed
    for mode in ("bm25", "hybrid"):
        hits = search(store, settings, "Global Energy Business", k=3, mode=mode)
        assert hits and _title(store, hits[0].doc_id) == "RE: Reorganisation", mode


def test_quote_of_archived_original_not_indexed_twice(indexed):
    store, settings = indexed
    quoted = store.query("SELECT d.title, c.text FROM chunks c JOIN documents d ON d.id = c.doc_id "
                         "WHERE c.ord >= ?", (QUOTED_ORD,))
    assert [r["title"] for r in quoted] == ["RE: Reorganisation"]
    assert "Global Energy Business" in quoted[0]["text"] and ">" not in quoted[0]["text"]
    rows = store.conn.execute("SELECT count(*) FROM chunks_fts f JOIN chunks c ON c.id = f.rowid "
                              "WHERE chunks_fts MATCH 'zephyrine' AND c.unit = 'doc'")
    assert rows.fetchone()[0] == 1  # the original only, not its quote in the reply


def test_sender_and_date_words_are_searchable(indexed):
    store, settings = indexed
    hits = search(store, settings, "erin@enron.com", k=1, mode="bm25")
    assert _title(store, hits[0].doc_id) == "Dial-in and Pass Code for Daily Meeting"
    day = store.scalar("SELECT date FROM documents WHERE title = 'Turbine order'")[:10]
    hits = search(store, settings, f"dave turbines {day}", k=1, mode="bm25")
    assert _title(store, hits[0].doc_id) == "Turbine order"


def test_backfill_adds_quoted_chunks_to_an_old_index(tmp_path):
    settings = Settings().replace(db=str(tmp_path / "b.db"), embed_scope="chunks")  # quoted chunks embedded too
    with Store(settings.store.db) as store:
        build(store, _corpus())
        index_store(store, settings)
        store.conn.execute("DELETE FROM chunks_fts WHERE rowid IN (SELECT id FROM chunks WHERE ord >= ?)",
                           (QUOTED_ORD,))
        store.conn.execute("DELETE FROM vectors WHERE chunk_id IN (SELECT id FROM chunks WHERE ord >= ?)",
                           (QUOTED_ORD,))
        store.conn.execute("DELETE FROM chunks WHERE ord >= ?", (QUOTED_ORD,))
        store.conn.execute("DELETE FROM index_meta WHERE key = 'quoted_chunks'")
        store.conn.commit()
        stats = index_store(store, settings)
        assert stats["chunks_added"] == stats["embedded"] == 1


@pytest.fixture(scope="module")
def one_word_subject(tmp_path_factory):
    """A one-word subject that 60 short bodies mention: BM25's best chunks are all bodies."""
    path = tmp_path_factory.mktemp("isda") / "i.db"
    settings = Settings().replace(db=str(path))
    docs = [email(i, f"Counterparty {i}", f"ISDA ISDA schedule for counterparty {i}, ISDA annex.",
                  sender="bob") for i in range(60)]
    docs.append(email(90, "ISDA", "Please send me the signed copies by Friday, thanks.", sender="erin"))
    docs.append(email(91, "Re: ISDA", "Signed copies sent this morning.", sender="frank",
                      in_reply_to="<90.test@enron.com>"))
    with Store(path) as store:
        build(store, docs)
        index_store(store, settings)
        yield store, settings


@pytest.mark.parametrize("mode", ["bm25", "hybrid"])
def test_exact_subject_found_beyond_bm25_candidates_and_ranked_first(one_word_subject, mode):
    store, settings = one_word_subject
    hits = search(store, settings, "ISDA", k=3, mode=mode)
    assert [_title(store, h.doc_id) for h in hits[:2]] == ["ISDA", "Re: ISDA"]  # as typed first
    assert all(h.text for h in hits)  # each carries a chunk to show
    hits = search(store, settings, "Re: ISDA", k=1, mode=mode)
    assert _title(store, hits[0].doc_id) == "Re: ISDA"


def test_exact_subject_candidates_obey_filters(one_word_subject):
    from archivist.records import Filters
    store, settings = one_word_subject
    hits = search(store, settings, "ISDA", k=5, mode="bm25", filters=Filters(sender="bob@enron.com"))
    assert hits and not {_title(store, h.doc_id) for h in hits} & {"ISDA", "Re: ISDA"}


def test_a_subject_several_threads_share_is_named_with_the_count(tmp_path):
    """The query alone cannot say which of several threads with that subject is meant: search
    says so (stderr), instead of letting the first hit pass for the only one."""
    from datetime import datetime, timezone
    from typer.testing import CliRunner
    from archivist.cli import app
    from archivist.retrieval.fts import shared_subject
    path = tmp_path / "shared.db"
    docs = [email(1, "Favor", "Could you cover my shift on Friday?", sender="erin", to="frank",
                  date=datetime(2001, 2, 1, tzinfo=timezone.utc)),
            email(2, "Favor", "Can you lend me the projector for the offsite?", sender="gina",
                  to="hank", date=datetime(2001, 9, 1, tzinfo=timezone.utc), mailbox="kean-s"),
            email(3, "Turbine order", "Four turbines ordered.", sender="dave")]
    with Store(path) as store:
        build(store, docs)
        index_store(store, Settings().replace(db=str(path)))
        threads = store.scalar("SELECT count(DISTINCT thread_id) FROM documents WHERE title = 'Favor'")
        assert threads == 2
        assert shared_subject(store, "favor") == ("Favor", 2)
        assert shared_subject(store, "Turbine order") is None
    result = CliRunner().invoke(app, ["search", "Favor", "-d", str(path), "--mode", "bm25"])
    assert result.exit_code == 0 and "2 threads share the subject 'Favor'" in result.stderr
    result = CliRunner().invoke(app, ["search", "Turbine order", "-d", str(path), "--mode", "bm25"])
    assert result.exit_code == 0 and "share the subject" not in result.stderr
