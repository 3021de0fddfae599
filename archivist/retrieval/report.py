"""What the `search` and `index` commands print: hits with their document metadata, index checks."""
from __future__ import annotations

from dataclasses import asdict, replace

from archivist.progress import Event, OnProgress, Reporter, Stage, Unit
from archivist.retrieval import fts
from archivist.records import Filters, Hit
from archivist.retrieval.snippets import match_spans, query_terms, snippet
from archivist.store.documents import BRIEF, documents, first_locations, local_day, where


def describe_hits(store, hits: list[Hit], query: str = "", filters: Filters | None = None,
                  ranked: bool = True) -> list[dict]:
    """Each hit as a dict with the document's subject, sender, date, where it is stored (file and
    row for records; with a mailbox filter, a location in that mailbox) and a snippet centred on
    the query's words (with their spans). `ranked` off: a listing, with no score to show."""
    docs = documents(store, [h.doc_id for h in hits], (*BRIEF, "date_raw"))
    places = first_locations(store, [h.doc_id for h in hits], filters.mailbox if filters else None)
    out = []
    for rank, hit in enumerate(hits, 1):
        hit = worded_chunk(store, hit, query)
        doc = docs.get(hit.doc_id, {})
        row = {"rank": rank, **asdict(hit), "title": doc.get("title") or "",
               "sender": doc.get("sender_name") or doc.get("sender") or "",
               "date": doc.get("date") or "", "kind": doc.get("kind") or "",
               "message_id": doc.get("message_id") or ""}
        row["score"] = row["score"] if ranked else None
        row["day"] = local_day(doc.get("date_raw"), doc.get("date"))
        row["where"] = where(row["kind"], places.get(hit.doc_id))
        row["snippet"], row["matches"] = snippet(hit.text, query)
        row["matched_in"] = "text" if query_terms(query) else "filters"  # fields only: a listing
        if not row["matches"] and row["matched_in"] == "text":  # no chunk holds a query word
            _elsewhere(store, row, doc, query)
        out.append(row)
    return out


def _elsewhere(store, row: dict, doc: dict, query: str) -> None:
    """A hit whose own text holds none of the query's words matched in the quoted history under
    it (shown from there) or in its subject (the title shows it); else by meaning (dense)."""
    terms = query_terms(query)
    quoted = (documents(store, [row["doc_id"]], ("quoted",)).get(row["doc_id"]) or {}).get("quoted") or ""
    if terms and match_spans(quoted, terms):
        row["snippet"], row["matches"] = snippet(quoted, query)
        row["matched_in"] = "quoted history"
    elif terms and match_spans(doc.get("title") or "", terms):
        row["matched_in"] = "subject"
    else:
        row["matched_in"] = "meaning"


def worded_chunk(store, hit: Hit, query: str) -> Hit:
    """The hit on its document's first chunk that holds a query word, when its own chunk (the
    one the best ranking found, e.g. dense search's lead chunk) holds none: the snippet should
    show why the document matched. Unchanged when no chunk's text holds one (a subject match)."""
    terms = query_terms(query)
    if not terms or match_spans(hit.text, terms):
        return hit
    rows = store.query("SELECT id, text, start, end FROM chunks WHERE doc_id = ? AND unit = 'doc' "
                       "ORDER BY ord", (hit.doc_id,))
    for row in rows:
        if match_spans(row["text"], terms):
            return replace(hit, chunk_id=row["id"], text=row["text"], start=row["start"] or 0,
                           end=row["end"] or 0)
    return hit


def check_index(store, settings) -> dict:
    """Whether the FAISS file and the exact-search matrix hold the SQLite vectors (each checked
    in full: its recorded checksum and every vector), plus chunk/FTS/vector counts."""
    from archivist.retrieval.vectors import configured_embedder_name
    model = configured_embedder_name(settings)
    from archivist.retrieval.vectors import scoped_chunks
    chunks = store.scalar("SELECT count(*) FROM chunks")
    embeds = scoped_chunks(store, model)  # chunks the embedder gives a vector: all, or one a document
    vectors = store.scalar("SELECT count(*) FROM vectors WHERE model = ?", (model,))
    from archivist.retrieval.cache_content import cache_problems
    from archivist.retrieval.faiss_index import index_path, is_current, read_meta
    meta = read_meta(store)
    current = is_current(store, model, meta)
    found = cache_problems(store, model, check_faiss=current)  # every vector against SQLite's
    damage = found["faiss"] or found["matrix"]
    return {"ok": bool(current and not damage and fts.count(store) == chunks and vectors == embeds),
            "faiss_file": str(index_path(store)), "faiss_current": current,
            "faiss_damage": found["faiss"], "matrix_damage": found["matrix"],
            "faiss_meta": meta, "embedder": model, "chunks": chunks, "vectors": vectors,
            "fts_rows": fts.count(store), "chunks_embedded_by_scope": embeds,
            "chunks_without_vector": embeds - vectors}


def rebuild_index(store, settings, on_progress: OnProgress | None = None) -> dict:
    """Index any unindexed documents, then rebuild the FAISS file from SQLite unconditionally."""
    from archivist.retrieval.vectors import configured_embedder
    from archivist.retrieval.faiss_index import rebuild
    from archivist.retrieval.indexer import index_store
    stats = index_store(store, settings, on_progress)
    reporter = Reporter(on_progress)
    reporter.send(Event(Stage.REBUILDING, message="rewriting the FAISS file from SQLite"))
    vi = rebuild(store, settings, configured_embedder(settings).name)
    reporter.send(Event(Stage.REBUILDING, vi.ntotal, vi.ntotal, Unit.CHUNKS, f"{vi.kind} index"))
    return {**stats, "vectors_total": vi.ntotal, "index_kind": vi.kind, "faiss": vi.meta}
