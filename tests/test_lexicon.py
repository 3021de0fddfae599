"""The question lexicon is saved beside the database and loaded by the next process (whole Enron:
3 s to build, ~0.3 s to load), equal to a fresh build, and made stale by an ingest."""
from __future__ import annotations

import shutil

from archivist.agent.question import lexicon as lexicon_module
from archivist.corpus.ingest import ingest_documents
from archivist.corpus.parsed import Document, Location
from archivist.store import Store, overview


def fresh(store):
    lexicon_module._CACHE.clear()  # as a new process: nothing in memory
    return lexicon_module.lexicon(store)


def same(a, b) -> bool:
    return (a.names, dict(a.tokens), a.key, a.mailboxes, a.subjects, a.days, a.senders, a.domains) == \
        (b.names, dict(b.tokens), b.key, b.mailboxes, b.subjects, b.days, b.senders, b.domains)


def test_a_saved_lexicon_is_loaded_as_built_and_an_ingest_makes_it_stale(demo_db, tmp_path):
    db = tmp_path / "d.db"
    shutil.copy(demo_db, db)
    with Store(db) as store:
        built = fresh(store)
        path = lexicon_module.lexicon_path(store)
        assert path.exists()
        loaded = fresh(store)
        assert same(loaded, lexicon_module.build(store, overview.stamp(store)))
        assert same(loaded, built)
        ingest_documents(store, [Document(kind="text", body="A note by Zelda Quimby.",
                                          location=Location("mem", "1"), title="Quimby note")])
        assert lexicon_module.load(store, overview.stamp(store)) is None  # stale: built again
        assert "quimby note" in fresh(store).subjects


def test_a_damaged_or_foreign_file_is_ignored(demo_db, tmp_path):
    db = tmp_path / "d.db"
    shutil.copy(demo_db, db)
    with Store(db) as store:
        lexicon_module.lexicon_path(store).write_text("{not json")
        assert fresh(store).names  # built from the store
        lexicon_module.lexicon_path(store).write_text('{"version": 3, "stamp": [1, 1], "parts": {}}')
        assert fresh(store).names
