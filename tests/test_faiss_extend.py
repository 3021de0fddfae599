"""The FAISS index follows new vectors by adding them (issue 28): an ingest of new mail extends the
index on file instead of rebuilding it, the result verifies and searches as a rebuilt one does;
removed vectors, a kind change and an IVF grown past its training are rebuilt, saying why."""
from __future__ import annotations

import json
import os

from typer.testing import CliRunner

from archivist.cli import app

ENV = {"ARCHIVIST_INDEX_EXACT_BELOW": "10"}  # an HNSW index from 10 vectors on


def cli(*args: str):
    return CliRunner().invoke(app, ["--preset", "test", *args], env=ENV)


def mbox(words: list[str], start: int) -> str:
    return "".join(
        f"From a@x.org Tue May  1 09:00:00 2001\nFrom: Ann <a@x.org>\nTo: b@x.org\n"
        f"Subject: {w} report\nDate: Tue, 1 May 2001 {9 + i % 10:02d}:{i % 60:02d}:00 -0700\n"
        f"Message-ID: <x{start + i}@x.org>\n\nThe {w} figures for week {start + i} are attached and "
        f"reviewed.\n\n" for i, w in enumerate(words))


def ingest(db, path) -> str:
    """The index part of the ingest's summary line on stderr: 'a hnsw index (12 added to it)'."""
    r = cli("ingest", "-d", str(db), str(path))
    assert r.exit_code == 0, r.output
    line = next(x for x in r.stderr.splitlines() if x.startswith("indexed:"))
    return line.split(" in a ", 1)[1].split(", ")[0]


def dense(db, query: str) -> list[int]:
    r = cli("search", "--mode", "dense", "--json", "-n", "5", "-d", str(db), query)
    assert r.exit_code == 0, r.output
    return [json.loads(x)["chunk_id"] for x in r.stdout.splitlines()]


WORDS = ["gas", "power", "water", "coal", "wind", "solar", "oil", "grid", "price", "trade"] * 3


def test_new_mail_extends_the_index_and_it_searches_as_a_rebuilt_one(tmp_path):
    db = tmp_path / "a.db"
    (tmp_path / "one.mbox").write_text(mbox(WORDS, 0))
    assert ingest(db, tmp_path / "one.mbox") == "hnsw index"  # a first build: nothing to say
    (tmp_path / "two.mbox").write_text(mbox(WORDS[:12], 100))
    assert ingest(db, tmp_path / "two.mbox") == "hnsw index (12 added to it)"
    for command in (("index", "verify"), ("verify",)):
        r = cli(*command, "-d", str(db))
        assert r.exit_code == 0, r.output
    queries = ["coal figures", "solar report week 3", "trading prices"]
    extended = [dense(db, q) for q in queries]
    assert cli("index", "rebuild", "-d", str(db)).exit_code == 0
    assert [dense(db, q) for q in queries] == extended


def test_removed_vectors_rebuild_the_index_and_say_so(tmp_path):
    db, box = tmp_path / "a.db", tmp_path / "one.mbox"
    box.write_text(mbox(WORDS, 0))
    ingest(db, box)
    box.write_text(mbox(WORDS[:20], 0))  # ten messages deleted at the source
    os.utime(box, (1e9, 1e9))
    assert ingest(db, box) == "hnsw index (rebuilt: vectors were removed)"
    assert cli("verify", "-d", str(db)).exit_code == 0


def test_an_ivf_index_grown_past_its_training_is_rebuilt():
    from archivist.config import load_settings
    from archivist.retrieval.faiss_index import extendable

    class Store:  # extendable's only questions to the store
        path = "/nonexistent/a.db"

        def scalar(self, sql, params=()):
            return 3000

    settings = load_settings("test", {"index_kind": "ivf"})
    meta = {"vectors_crc32": 1, "rows": 2000, "model": "m", "dim": 4, "kind": "ivf", "max_id": 2000,
            "built_rows": 2000}
    fp = {"model": "m", "dim": 4, "rows": 5000}
    from archivist.retrieval import faiss_index
    real = faiss_index.index_path
    faiss_index.index_path = lambda store: type("P", (), {"exists": lambda self: True})()
    try:
        assert extendable(Store(), settings, "m", meta, fp) == \
            "its IVF lists were trained on less than half of the vectors"
        assert extendable(Store(), settings, "m", {**meta, "built_rows": 4000}, fp) == ""
    finally:
        faiss_index.index_path = real


def test_a_reader_memory_maps_an_ivf_index_and_searches_it_alike(tmp_path):
    """A search (a reader) maps an IVF file's lists instead of reading them into memory (the
    index of a million vectors stays on disk but for the lists a query probes); same results."""
    import faiss
    import numpy as np
    from archivist.retrieval.faiss_index import read_checked
    dim, n = 16, 2000
    x = np.random.default_rng(0).normal(size=(n, dim)).astype(np.float32)
    ivf = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, 20, faiss.METRIC_INNER_PRODUCT)
    ivf.train(x)
    ivf.add_with_ids(x, np.arange(n, dtype=np.int64))
    path = tmp_path / "a.faiss"
    faiss.write_index(ivf, str(path))
    meta = {"rows": n, "dim": dim, "id_sum": int(np.arange(n).sum()), "max_id": n - 1}
    mapped, why = read_checked(path, meta)
    assert why == "" and type(faiss.downcast_InvertedLists(mapped.invlists)).__name__ == \
        "OnDiskInvertedLists"
    queries = x[:5] + 0.01
    assert np.array_equal(mapped.search(queries, 10)[1], faiss.read_index(str(path)).search(queries, 10)[1])
