"""`archivist verify`: is everything the store derived complete and consistent with SQLite?

Checks SQLite's own integrity, that every message an ingest read is a document location or a
reject, that every document has chunks, FTS rows and (when it fits) a whole-thread unit, and that
the FAISS file and the exact-search matrix read and hold exactly the SQLite vectors, bit for bit,
with the checksum recorded when they were written (retrieval/cache_content.py). `repair` rebuilds
what is derived (chunks, FTS, thread units, the FAISS file and matrix) and says what it found;
lost source data can only be re-ingested.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from archivist.progress import OnProgress
from archivist.retrieval.cache_content import cache_problems
from archivist.retrieval.faiss_index import index_path
from archivist.retrieval.vectors import fingerprint, pending_count
from archivist.store import fts_rows


@dataclass
class Report:
    ok: bool = True
    problems: list[str] = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    repaired: list[str] = field(default_factory=list)

    def problem(self, text: str) -> None:
        self.ok = False
        self.problems.append(text)

    def to_dict(self) -> dict:
        return asdict(self)


def _count_problem(store, report: Report, count_sql: str, message: str) -> None:
    """A problem, message with the count in its {}, when the count query finds any rows."""
    n = store.scalar(count_sql)
    if n:
        report.problem(message.format(n))


def check_sqlite(store, report: Report) -> None:
    rows = [r[0] for r in store.conn.execute("PRAGMA integrity_check")]
    if rows != ["ok"]:
        report.problem("sqlite integrity_check: " + "; ".join(rows[:5]))


def miscounted_sources(store) -> list[tuple[str, int, int, int]]:
    """(path, documents read, locations, store rejects) of each done source whose documents read
    (messages and their attachments) are not exactly its locations and 'could not store' rejects."""
    rows = store.conn.execute(
        "SELECT s.path, s.n_read, (SELECT count(*) FROM locations l WHERE l.source_id = s.id), "
        "(SELECT count(*) FROM rejects r WHERE r.source_id = s.id "
        " AND r.reason LIKE 'could not store%') FROM sources s WHERE s.status = 'done'")
    return [(path, n_read, n_loc, n_rej) for path, n_read, n_loc, n_rej in rows
            if n_loc + n_rej != n_read]


def check_ingest(store, report: Report) -> None:
    """Every document read (attachments included) is a location or a reject; every document has
    a location."""
    for path, status in store.conn.execute(
            "SELECT path, status FROM sources WHERE status != 'done' ORDER BY path"):
        report.problem(f"source {path} is {status}: an ingest was interrupted (run ingest again)")
    for path, n_read, n_loc, n_rej in miscounted_sources(store):
        report.problem(f"source {path}: {n_read} documents read (attachments included) but "
                       f"{n_loc} locations and {n_rej} store rejects (verify --repair reads it "
                       "again)")
    _count_problem(store, report, "SELECT count(*) FROM documents d WHERE NOT EXISTS "
                   "(SELECT 1 FROM locations l WHERE l.doc_id = d.id)", "{} documents have no location")
    _count_problem(store, report, "SELECT count(*) FROM documents WHERE kind = 'email' AND thread_id IS NULL",
                   "{} emails have no thread (run ingest again)")


def check_counts(store, report: Report) -> None:
    """The counts kept on write (store/counts.py) against a recount of every document."""
    from archivist.store.counts import kept, recount
    have, want = kept(store.conn), recount(store.conn)
    wrong = [f"{name} {have.get(name, 0)} (recounted: {want.get(name, 0)})" for name in sorted({*have, *want})
             if have.get(name, 0) != want.get(name, 0)]
    if wrong:
        report.problem("counts kept on write differ: " + ", ".join(wrong))


def check_chunks(store, report: Report) -> None:
    """Chunks, FTS rows and thread units complete for every document (once it was indexed)."""
    from archivist.retrieval.indexer import pending_threads
    indexed = store.scalar("SELECT 1 FROM index_meta WHERE key = 'chunker'")
    c = report.counts
    c["chunks"] = store.scalar("SELECT count(*) FROM chunks")
    c["thread_units"] = store.scalar("SELECT count(*) FROM chunks WHERE unit = 'thread'")
    c["fts_rows"] = fts_rows.indexed(store.conn)
    if not indexed:
        report.counts["indexed"] = False  # ingested with --no-embed: nothing derived yet
        return
    _count_problem(store, report, "SELECT count(*) FROM documents d WHERE NOT EXISTS "
                   "(SELECT 1 FROM chunks c WHERE c.doc_id = d.id AND c.unit = 'doc')",
                   "{} documents have no chunks")
    no_fts, extra_fts = fts_rows.not_indexed(store.conn)
    if no_fts or extra_fts:
        report.problem(f"FTS: {no_fts} chunks without a row, {extra_fts} rows without a chunk")
    _count_problem(store, report, "SELECT count(*) FROM chunks WHERE doc_id IS NOT NULL AND doc_id NOT IN "
                   "(SELECT id FROM documents)", "{} chunks belong to no document")
    stale = store.scalar("SELECT count(*) FROM chunks WHERE unit = 'thread' AND thread_id NOT IN "
                         "(SELECT id FROM threads)")
    pending = pending_threads(store)
    if stale or pending:
        report.problem(f"thread units: {len(pending)} threads not refreshed, {stale} units of "
                       "threads that no longer exist")


def check_vectors(store, model: str, report: Report) -> None:
    """Every chunk has a vector; the FAISS file and the exact-search matrix hold exactly those."""
    if not report.counts.get("indexed", True):
        return
    fp = fingerprint(store, model)
    report.counts["vectors"] = fp["rows"]
    missing = pending_count(store, model, every=True)  # counted, not taken from the list
    # Not a discrepancy: embedding is a resumable second pass (ingest --no-embed, a killed
    # `index embed`); search reports these chunks as not embedded and BM25 still finds them.
    report.counts["not_embedded"] = missing
    path = index_path(store)
    if not path.exists():
        if fp["rows"]:
            report.problem(f"FAISS file {path} is missing")
        return
    for line in cache_lines(store, model):
        report.problem(line)


def cache_lines(store, model: str) -> list[str]:
    """The full check of the FAISS file and the exact-search matrix, a line per cache at fault."""
    path = index_path(store)
    found = cache_problems(store, model)
    return [f"{name} {where}: {found[key]}" for key, name, where in (
        ("faiss", "FAISS file", path), ("matrix", "exact-search matrix", f"{path}.npy"))
        if found[key]]


def verify_store(store, settings) -> Report:
    from archivist.retrieval.vectors import configured_embedder_name
    report = Report()
    check_sqlite(store, report)
    check_ingest(store, report)
    check_counts(store, report)
    check_chunks(store, report)
    report.counts["documents"] = store.scalar("SELECT count(*) FROM documents")
    report.counts["locations"] = store.scalar("SELECT count(*) FROM locations")
    report.counts["rejects"] = store.scalar("SELECT count(*) FROM rejects")
    check_vectors(store, configured_embedder_name(settings), report)
    return report


def repair_store(store, settings, on_progress: OnProgress | None = None) -> Report:
    """Rebuild what is derived (FTS rows, thread units, chunks, vectors, FAISS), then verify."""
    from archivist.retrieval.vectors import configured_embedder, configured_embedder_name
    from archivist.retrieval import fts
    from archivist.retrieval.faiss_index import rebuild
    from archivist.retrieval.indexer import index_store, mark_threads_pending
    done = []
    with store.writing():
        # what the caches held, before indexing below opens (and so heals) them
        found = cache_lines(store, configured_embedder_name(settings))
        done += reread_sources(store)
        done += recount_kept(store)
        with store.conn:
            store.conn.execute("DELETE FROM chunks WHERE unit = 'thread' AND thread_id NOT IN "
                               "(SELECT id FROM threads)")
            docs = [r[0] for r in store.conn.execute(
                "SELECT DISTINCT doc_id FROM chunks WHERE doc_id IS NOT NULL")]
            fts_rows.rebuild(store.conn, fts.fts_meta(store, docs))
            n_rows = fts_rows.indexed(store.conn)
            mark_threads_pending(store, {r[0] for r in store.conn.execute("SELECT id FROM threads")})
        done.append(f"FTS rebuilt ({n_rows} rows); thread units marked for refresh")
        index_store(store, settings, on_progress)
        vi = rebuild(store, settings, configured_embedder(settings).name)
        done.append("chunks, vectors and thread units completed; FAISS file and exact-search "
                    f"matrix rebuilt ({vi.ntotal} vectors)"
                    + "".join(f"; found before: {line}" for line in found))
    report = verify_store(store, settings)
    report.repaired = done
    return report


def recount_kept(store) -> list[str]:
    """The counts kept on write set to a recount when they differ."""
    from archivist.store.counts import TABLE, kept, recount
    have, want = kept(store.conn), recount(store.conn)
    if have == want:
        return []
    with store.conn:
        store.conn.execute(f"DELETE FROM {TABLE}")
        store.conn.executemany(f"INSERT INTO {TABLE} (name, n) VALUES (?, ?)", want.items())
    return ["counts kept on write recounted"]


def reread_sources(store) -> list[str]:
    """Read again each source whose counts do not add up (stores from before attachments were
    counted, a location lost), so its locations and count are made anew; one that is gone stays
    a problem (only re-ingesting what it held can help)."""
    from pathlib import Path

    from archivist.corpus.ingest import ingest_paths
    paths = [Path(row[0]) for row in miscounted_sources(store)]
    present = [p for p in paths if p.exists()]
    if not present:
        return []
    with store.conn:
        store.conn.executemany("UPDATE sources SET status = 'partial' WHERE path = ?",
                               [(str(p),) for p in present])
    ingest_paths(store, present)
    return [f"read again {len(present)} sources whose documents and locations did not add up"]
