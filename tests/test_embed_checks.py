"""The chunks to embed come from a list kept by triggers (store/derived.py, EMBED_CHECKS_SQL) once a
pass by the model has finished, not from a query over every chunk and vector: the list must find
exactly what that query finds, after new mail, a pass by another model, and a pass killed midway."""
from __future__ import annotations

import signal
import sqlite3

from archivist.retrieval.vectors import LISTED_KEY, listed_model, pending_chunks, pending_count
from archivist.store import Store
from tests.test_embed_pass import cli, corpus, static_env  # noqa: F401 (a fixture)

EVERY_CHUNK = ("SELECT c.id FROM chunks c JOIN documents d ON d.id = c.doc_id LEFT JOIN vectors v "
               "ON v.chunk_id = c.id WHERE (v.chunk_id IS NULL OR v.model != ? OR "
               "v.content_hash != c.content_hash) AND {scope}")
LEAD = "c.unit = 'doc' AND c.ord = 0"


def _scan(db, model: str, lead: bool) -> list[int]:
    """What the query over every chunk finds (the list's reference)."""
    conn = sqlite3.connect(db)
    try:
        return sorted(r[0] for r in conn.execute(EVERY_CHUNK.format(scope=LEAD if lead else "1=1"), (model,)))
    finally:
        conn.close()


def _model(db) -> str:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT value FROM index_meta WHERE key = ?", (LISTED_KEY,)).fetchone()[0]
    finally:
        conn.close()


def _listed(db) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT count(*) FROM embed_checks").fetchone()[0]
    finally:
        conn.close()


def _run(env, *args):
    done = cli(env, *args)
    assert done.returncode == 0, done.stderr
    return done


def test_the_list_finds_what_a_full_scan_finds(tmp_path, static_env):  # noqa: F811
    lead_env = {**static_env, "ARCHIVIST_EMBED_SCOPE": "lead"}
    every_env = {**static_env, "ARCHIVIST_EMBED_SCOPE": "chunks"}
    db = tmp_path / "a.db"
    _run(lead_env, "ingest", "--no-embed", "-d", str(db), str(corpus(tmp_path / "one.mbox", n=40)))
    assert _listed(db) > 40  # every chunk made is listed, no pass has finished yet
    _run(lead_env, "index", "embed", "-d", str(db))
    lead = _model(db)
    assert "-lead" in lead and _listed(db) == 0 and _scan(db, lead, True) == []
    # new mail: only its chunks are listed, and the list finds what the scan finds
    second = corpus(tmp_path / "two.mbox", n=60)  # the 40 already stored and 20 new
    _run(lead_env, "ingest", "--no-embed", "-d", str(db), str(second))
    with Store(db, readonly=True) as store:
        assert listed_model(store) == lead
        got = sorted(c for c, _, _ in pending_chunks(store, lead))
        assert got == _scan(db, lead, True) and len(got) == 20  # messages 40-59 are new
        assert pending_count(store, lead) == 20
    _run(lead_env, "index", "embed", "-d", str(db))
    assert _listed(db) == 0 and _scan(db, lead, True) == []
    # another model replaces the lead vectors: a pass by it, killed midway, leaves no list for lead
    killed = cli({**every_env, "ARCHIVIST_CRASH_AT": "embed_batch"}, "index", "embed", "-d", str(db))
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    with Store(db, readonly=True) as store:
        assert listed_model(store) is None  # both models are read from every chunk again
        assert sorted(c for c, _, _ in pending_chunks(store, lead)) == _scan(db, lead, True) != []
    _run(every_env, "index", "embed", "-d", str(db))
    every = _model(db)
    assert every != lead and "-lead" not in every and _scan(db, every, False) == [] and _listed(db) == 0
    # back to lead vectors: read from every chunk once (the list was kept for the other model)
    _run(lead_env, "index", "embed", "-d", str(db))
    assert _model(db) == lead and _scan(db, lead, True) == [] and _listed(db) == 0


def test_a_dropped_chunk_leaves_the_list(tmp_path):
    with Store(tmp_path / "a.db") as store:
        store.conn.execute("INSERT INTO chunks (id, doc_id, unit, ord, text, header, content_hash) "
                           "VALUES (7, NULL, 'thread', 0, 'x', '', 'h')")
        assert store.scalar("SELECT count(*) FROM embed_checks") == 1
        store.conn.execute("UPDATE chunks SET content_hash = 'h2' WHERE id = 7")
        store.conn.execute("DELETE FROM chunks WHERE id = 7")
        assert store.scalar("SELECT count(*) FROM embed_checks") == 0


def test_verify_counts_every_chunk_not_the_list(tmp_path, static_env):  # noqa: F811
    """A vector lost some other way than with its chunk is not on the list: verify still finds it."""
    import json
    env = {**static_env, "ARCHIVIST_EMBED_SCOPE": "lead"}
    db = tmp_path / "a.db"
    _run(env, "ingest", "-d", str(db), str(corpus(tmp_path / "one.mbox", n=12)))
    conn = sqlite3.connect(db)
    conn.execute("DELETE FROM vectors WHERE chunk_id = (SELECT min(chunk_id) FROM vectors)")
    conn.commit()
    conn.close()
    with Store(db, readonly=True) as store:
        assert pending_count(store, _model(db)) == 0 and pending_count(store, _model(db), every=True) == 1
    out = cli(env, "verify", "--json", "-d", str(db)).stdout
    assert '"not_embedded": 1' in out, out
