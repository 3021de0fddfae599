"""A dense cache that still reads but holds other vectors (issue 30, item 5): flipped bytes in the
FAISS file's vectors, a FAISS file rewritten with the same ids and other vectors, an exact-search
matrix replaced with its mtime kept. `index verify` and `verify` name it (exit 1), a search after
opening finds it (checksum and sampled rows on open), rebuilds it and ranks as a clean store did,
and `verify --repair` / `index rebuild` clear it. Through the real CLI, a process per command, so
no in-process memo hides what a new process reads."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from archivist.cli import app
from tests.test_ingest import message
from tests.test_search_fast_path import _model, indexed  # noqa: F401  (indexed: a fixture)

ROOT = Path(__file__).resolve().parents[1]
TOPICS = [("Gas prices", "Natural gas prices in California rose again this week."),
          ("Office move", "We move to the new office on the third floor on Monday."),
          ("Budget", "The budget for next year is final and approved."),
          ("Football", "The team won the football match on Saturday."),
          ("Holiday", "I am on holiday in Spain for two weeks in August."),
          ("Contract", "The crane hire contract is signed by both parties.")]


def archivist(db: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "archivist", "--preset", "test", "-d", str(db), *args],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)


@pytest.fixture
def db(tmp_path) -> Path:
    box = tmp_path / "box.mbox"
    box.write_text("".join(message(i, subject=s, body=b) for i, (s, b) in enumerate(TOPICS)))
    db = tmp_path / "a.db"
    result = CliRunner().invoke(app, ["--preset", "test", "ingest", "-d", str(db), str(box)])
    assert result.exit_code == 0, result.output
    assert Path(str(db) + ".faiss.npy").exists()
    return db


def _other_vectors(shape: tuple[int, int]) -> np.ndarray:
    mat = np.random.default_rng(7).normal(size=shape).astype(np.float32)
    return mat / np.linalg.norm(mat, axis=1, keepdims=True)


def flip_faiss_bytes(db: Path) -> None:
    """Flip bytes inside one stored vector of the FAISS file: it still reads, same size."""
    path = Path(str(db) + ".faiss")
    conn = sqlite3.connect(db)
    blob = conn.execute("SELECT vec FROM vectors ORDER BY chunk_id LIMIT 1 OFFSET 1").fetchone()[0]
    conn.close()
    data = bytearray(path.read_bytes())
    at = data.find(blob)
    assert at > 0
    for i in range(at, at + len(blob), 4):
        data[i + 3] ^= 0x80  # each float's sign: the vector is negated
    path.write_bytes(bytes(data))


def rewrite_faiss(db: Path) -> None:
    """The FAISS file written anew: the same kind and chunk ids, other vectors."""
    import faiss
    from archivist.retrieval.faiss_index import index_ids
    path = Path(str(db) + ".faiss")
    old = faiss.read_index(str(path))
    ids = index_ids(old)
    new = faiss.IndexIDMap2(faiss.IndexFlatIP(old.d))
    new.add_with_ids(_other_vectors((len(ids), old.d)), ids)
    faiss.write_index(new, str(path))


def replace_matrix(db: Path) -> None:
    """The exact-search matrix replaced by other vectors of the same shape, its mtime kept."""
    path = Path(str(db) + ".faiss.npy")
    st = path.stat()
    np.save(path, _other_vectors(np.load(path).shape))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


DAMAGE = {"flipped FAISS bytes": flip_faiss_bytes, "rewritten FAISS file": rewrite_faiss,
          "replaced matrix": replace_matrix}
QUERY = ["search", "--mode", "dense", "--json", "-k", "6", "price of gas in California"]


def ranking(result: subprocess.CompletedProcess) -> list[tuple[int, int, float]]:
    """(document, chunk, score to 5 places) of each hit: FAISS and the matrix round differently."""
    assert result.returncode == 0, result.stderr
    hits = [json.loads(line) for line in result.stdout.splitlines()]
    return [(h["doc_id"], h["chunk_id"], round(h["score"], 5)) for h in hits]


@pytest.mark.parametrize("damage", DAMAGE)
def test_other_vectors_in_a_cache_are_found_healed_on_open_and_repaired(db, damage):
    clean = ranking(archivist(db, *QUERY))
    assert len(clean) == len(TOPICS)
    assert archivist(db, "index", "verify").returncode == 0
    DAMAGE[damage](db)

    index_verify = archivist(db, "index", "verify", "--json")
    assert index_verify.returncode == 1, index_verify.stdout
    report = json.loads(index_verify.stdout)
    assert report["ok"] is False and "differ" in (report["faiss_damage"] + report["matrix_damage"])
    verify = archivist(db, "verify")
    assert verify.returncode == 1 and "differ" in verify.stdout, verify.stdout

    searched = archivist(db, *QUERY)  # the check on open finds it, rebuilds it, ranks as before
    assert ranking(searched) == clean
    assert "damaged" in searched.stderr and "rebuil" in searched.stderr
    assert archivist(db, "index", "verify").returncode == 0
    assert archivist(db, "verify").returncode == 0

    DAMAGE[damage](db)
    repaired = archivist(db, "verify", "--repair")
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    assert "differ" in repaired.stdout and "rebuilt" in repaired.stdout
    assert archivist(db, "index", "verify").returncode == 0
    DAMAGE[damage](db)
    assert archivist(db, "index", "rebuild").returncode == 0
    assert archivist(db, "index", "verify").returncode == 0
    assert ranking(archivist(db, *QUERY)) == clean


def test_a_matrix_with_a_matching_checksum_but_other_vectors_fails_the_sampled_rows(indexed, caplog):
    from archivist.retrieval import matrix
    from archivist.retrieval.cache_content import KEY, content_sum
    from archivist.retrieval.faiss_index import index_path
    from archivist.retrieval.search import exact_matrix
    from archivist.retrieval.vectors import load_vectors
    store, _ = indexed
    mat_path, ids_path, record_path = matrix.paths(index_path(store))
    ids, other = np.load(ids_path), _other_vectors(np.load(mat_path).shape)
    np.save(mat_path, other)  # and its record made to agree: only SQLite can tell
    record_path.write_text(json.dumps({**json.loads(record_path.read_text()), KEY: content_sum(ids, other)}))
    matrix._LOADED.clear()
    got_ids, got = exact_matrix(store, _model(store))
    want_ids, want = load_vectors(store, _model(store))
    assert np.array_equal(got_ids, want_ids) and np.array_equal(got, want)
    assert "sampled vectors differ" in caplog.text
    assert np.array_equal(np.load(mat_path), want)  # written anew


def test_caches_written_before_checksums_get_one_without_a_rebuild(indexed, caplog):
    from archivist.retrieval import faiss_index, matrix
    from archivist.retrieval.cache_content import KEY, content_sum
    from archivist.retrieval.faiss_meta import read_meta, sidecar, write_meta
    from archivist.retrieval.search import exact_matrix
    from archivist.retrieval.vectors import load_vectors
    store, settings = indexed
    path, model = faiss_index.index_path(store), _model(store)
    record_path = matrix.paths(path)[2]
    old_meta = {k: v for k, v in read_meta(store).items() if k != KEY}
    write_meta(store, old_meta)
    sidecar(path).write_text(json.dumps(old_meta))
    record_path.write_text(json.dumps({k: v for k, v in json.loads(record_path.read_text()).items()
                                       if k != KEY}))
    matrix._LOADED.clear()
    faiss_index._LOADED.clear()
    mtime = path.stat().st_mtime_ns
    want = content_sum(*load_vectors(store, model))
    assert exact_matrix(store, model) is not None  # rewritten, with its checksum
    assert json.loads(record_path.read_text())[KEY] == want
    faiss_index.ensure_index(store, settings, model)
    assert read_meta(store)[KEY] == want and path.stat().st_mtime_ns == mtime  # not rebuilt
    assert "damaged" not in caplog.text


@pytest.mark.parametrize("kind", ["flat", "hnsw", "ivf"])
def test_every_index_kind_gives_back_the_vectors_it_was_built_with(kind):
    from archivist.retrieval.cache_content import content_sum
    from archivist.retrieval.faiss_index import build_index, stored_vectors, vectors_of
    ids = np.arange(10, 10 + 3 * 1200, 3, dtype=np.int64)
    mat = _other_vectors((len(ids), 16))
    index = build_index(ids, mat, kind, 16)
    held = stored_vectors(index)
    if kind == "ivf":  # vectors kept per list: read back by id only
        assert held is None
    else:
        assert np.array_equal(held[0], ids) and content_sum(*held) == content_sum(ids, mat)
    assert np.array_equal(vectors_of(index, ids[::97]), mat[::97])
