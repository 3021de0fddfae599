"""Dense, BM25 and hybrid (reciprocal-rank fusion) search with filters applied inside both searches.

Chunks are ranked per method, collapsed to documents (best chunk first), then fused by RRF at the
document level, so one document never takes several of the k slots.
"""
from __future__ import annotations

import json
from typing import TYPE_CHECKING

from archivist.errors import QueryError
from archivist.retrieval import query_embed
from archivist.retrieval.query_embed import embed_query
from archivist.retrieval.fts import (bm25_search, docs_with_words, exact_subject_search, query_words,
                                    subject_match, subject_phrase_search)
from archivist.records import Filters, Hit
from archivist.store.filters import allowed_chunk_ids, filter_sql

if TYPE_CHECKING:  # numpy is imported where vectors are used: `--mode bm25` never needs it
    import numpy as np

MODES = ("hybrid", "dense", "bm25")
EXACT_FILTERED_BELOW = 20_000  # filtered sets this small are searched exactly from SQLite
# Tuned jointly on half A of HotpotQA (recall@10) and of the Enron annotated set (hit@5), checked on
# half B (bench/results/retrieval_rrf_tuning.json). BM25 weighted 2:1 keeps generic e-mail questions
# (where dense is ~2% hit@5) at BM25's level; a small k lets dense+BM25 agreement lift a document.
# Held out: HotpotQA 0.976 vs BM25 0.948, Enron 0.149 = BM25 0.149. The old k=60 1:1 fell below BM25
# on both. These are the defaults of the rrf_k / dense_weight / bm25_weight settings.
RRF_K = 5
DENSE_WEIGHT, BM25_WEIGHT = 1.0, 2.0
# Documents whose subject is (or holds, or is inside) the query form a third ranking; weight tuned
# on half A of the verbatim subjects and lookup questions (now `archivist eval run search-enron`), reported on half B.
SUBJECT_WEIGHT = 3.0
# Among documents that match the query's subject equally well, which first. "group": the one whose
# thread holds the most messages with that subject (a subject shared by several conversations is
# most likely meant for the largest); "search": BM25, phrase, then dense order; "latest": newest.
# Chosen on half A of the verbatim subjects (then bench/search_enron.py; now `eval run search-enron`).
SUBJECT_ORDER = "search"
EXACT_SUBJECT = 3  # subject_match levels from here up: the query is the subject
EXACT_FIRST = True  # documents whose subject is the query rank above all others (same tuning)
# The relevance floor: a document found only by dense search, holding none of the query's words,
# is shown only when its cosine reaches this. Without it a query about nothing in the archive
# ("xylophonequartz") listed the nearest vectors, which always exist. Measured on whole Enron by
# `archivist eval run relevance-floor` (README, the relevance floor table): 200 queries of words no
# message holds reached at most 0.534 (median 0.370); 200 generated lookups and verbatim subjects
# lost no hit at any floor up to 0.7, since a real query's documents hold its words.
DENSE_FLOOR = 0.55


def has_vectors(store, settings) -> bool:
    """Whether any chunk has a vector from the configured embedder (found without loading it)."""
    from archivist.retrieval.vectors import configured_embedder_name, fingerprint
    return fingerprint(store, configured_embedder_name(settings))["rows"] > 0


def dense_coverage(store, settings) -> dict:
    """How much of the store dense search sees: the chunks the embedder embeds (every chunk, or
    one a document for lead vectors), those in the dense index, those not embedded yet (still
    found by BM25; `archivist index embed` adds them)."""
    from archivist.retrieval.vectors import configured_embedder_name, fingerprint, scoped_chunks
    model = configured_embedder_name(settings)
    chunks = scoped_chunks(store, model)  # lead vectors: one a document
    dense, fp = 0, fingerprint(store, model)
    if fp["rows"] and _cache_current(store, model):  # counted without reading the cache
        return {"chunks": chunks, "dense_indexed": fp["rows"],
                "not_embedded": max(0, chunks - fp["rows"])}
    if fp["rows"]:  # has_vectors
        exact = exact_matrix(store, model)
        if exact is not None:
            return {"chunks": chunks, "dense_indexed": len(exact[0]),
                    "not_embedded": max(0, chunks - len(exact[0]))}
        from archivist.retrieval.faiss_index import ensure_index
        dense = ensure_index(store, settings, model).ntotal
    return {"chunks": chunks, "dense_indexed": dense, "not_embedded": max(0, chunks - dense)}


def _cache_current(store, model: str) -> bool:
    """The dense cache on disk holds every vector of `model` (by its recorded fingerprint: the
    content itself is checked when a search reads it)."""
    from archivist.retrieval.faiss_meta import index_path, is_current, read_meta, read_sidecar
    # a reader cannot record the index it rebuilt: it wrote the fingerprint beside the file
    metas = [read_meta(store)] + ([read_sidecar(index_path(store))] if store.readonly else [])
    return any(is_current(store, model, meta) for meta in metas)


def exact_matrix(store, model: str):
    """(ids, matrix) of the exact-search matrix when it holds every vector of `model` and the
    FAISS cache is current too (a missing, stale or re-kinded FAISS file takes the FAISS path,
    which rebuilds it as before), else None. Checked without importing FAISS: its fingerprint,
    the checksum of its content and a few rows against SQLite's; one that fails them is rebuilt
    from SQLite (retrieval/cache_content.py)."""
    from archivist.retrieval import matrix
    from archivist.retrieval.cache_content import heal_matrix, sampled_damage
    from archivist.retrieval.faiss_meta import index_path
    from archivist.retrieval.vectors import fingerprint
    fp = fingerprint(store, model)
    if not fp["rows"] or not _cache_current(store, model):
        return None
    got = matrix.read(index_path(store), fp)
    if got is None:
        return None
    ids, mat, why = got
    why = why or sampled_damage(store, model, ids, lambda pos: mat[pos])
    return heal_matrix(store, model, index_path(store), why) if why else (ids, mat)


def dense_search(store, settings, query: str, n: int, filters: Filters | None = None,
                 embedded: tuple[str, np.ndarray] | None = None) -> list[tuple[int, float]]:
    """(chunk id, cosine) of the best `n` chunks that pass `filters` (`embedded`: query vector)."""
    from archivist.retrieval.vectors import check_dim
    name, q = embedded or embed_query(settings, query)
    check_dim(store, name, q)
    exact = exact_matrix(store, name)
    if exact is not None:  # no FAISS import: most of a one-shot search's time otherwise
        import numpy as np
        from archivist.retrieval import matrix
        allowed = (None if filters is None or filters.is_empty() else
                   np.asarray(allowed_chunk_ids(store, filters), dtype=np.int64))
        return matrix.search(*exact, q, n, allowed)
    from archivist.retrieval.faiss_index import ensure_index, search_index  # not for --mode bm25
    vi = ensure_index(store, settings, name)
    if vi.ntotal == 0:
        return []
    if filters is None or filters.is_empty():
        scores, ids = search_index(vi, q, n)
    else:
        import numpy as np
        allowed = np.asarray(allowed_chunk_ids(store, filters), dtype=np.int64)
        if not len(allowed):
            return []
        if vi.kind != "flat" and len(allowed) < EXACT_FILTERED_BELOW:
            return _exact(store, name, q[0], allowed, n)
        scores, ids = search_index(vi, q, n, allowed)
    return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]


def _exact(store, model: str, q: np.ndarray, allowed: np.ndarray, n: int) -> list[tuple[int, float]]:
    """Brute force over the allowed vectors (an approximate index can miss a small filtered set)."""
    import numpy as np
    from archivist.retrieval.vectors import load_vectors
    ids, mat = load_vectors(store, model, allowed.tolist())
    if not len(ids):
        return []
    scores = mat @ q
    top = np.argsort(-scores)[:n]
    return [(int(ids[i]), float(scores[i])) for i in top]


def _by_doc(ranked: list[tuple[int, float]], chunk_doc: dict[int, int]) -> dict[int, tuple]:
    """doc id -> (rank, best chunk id, score), ranks counted over documents, best first."""
    out: dict[int, tuple] = {}
    for cid, score in ranked:
        doc = chunk_doc.get(cid)
        if doc is not None and doc not in out:
            out[doc] = (len(out) + 1, cid, score)
    return out


def _chunk_rows(store, ids: set[int]) -> dict[int, dict]:
    rows = store.query("SELECT id, doc_id, text, start, end FROM chunks WHERE id IN "
                       "(SELECT value FROM json_each(?))", (json.dumps(sorted(ids)),))
    return {r["id"]: r for r in rows}


def _subject_groups(store, docs: list[int]) -> dict[int, tuple[int, str]]:
    """doc id -> (messages of its thread with its subject, date)."""
    rows = store.conn.execute(
        "SELECT d.id, (SELECT count(*) FROM documents e WHERE e.thread_id = d.thread_id AND "
        "e.norm_subject = d.norm_subject), coalesce(d.date, '') FROM documents d WHERE d.id IN "
        "(SELECT value FROM json_each(?))", (json.dumps(sorted(docs)),))
    return {r[0]: (r[1], r[2]) for r in rows}


def subject_ranking(store, query: str, phrase: list[tuple[int, float]], bm25: dict[int, tuple],
                    dense: dict[int, tuple], chunk_doc: dict[int, int]) -> dict[int, tuple]:
    """doc id -> (rank, best chunk, level) of documents whose subject is, holds or is inside the
    query (fts.subject_match levels), best level first, then by SUBJECT_ORDER."""
    words = query_words(query)
    phrase_docs = _by_doc(phrase, chunk_doc)
    candidates = {**dense, **bm25, **phrase_docs}
    if not words or not candidates:
        return {}
    titles = dict(store.conn.execute(
        "SELECT id, title FROM documents WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps(sorted(candidates)),)))
    levels = {d: subject_match(words, titles.get(d) or "", query) for d in candidates}
    matched = [d for d, lv in levels.items() if lv]
    groups = _subject_groups(store, matched) if SUBJECT_ORDER != "search" else {}
    newest = {d: i for i, d in enumerate(sorted(matched, key=lambda d: groups.get(d, (0, ""))[1],
                                                reverse=True))}
    prior = {"group": lambda d: -groups.get(d, (0, ""))[0], "latest": newest.get,
             "search": lambda d: 0}[SUBJECT_ORDER]
    far = 1e9
    order = sorted(matched, key=lambda d: (
        -levels[d], prior(d), bm25.get(d, (far,))[0], phrase_docs.get(d, (far,))[0],
        dense.get(d, (far,))[0], d))
    return {d: (i, candidates[d][1], float(levels[d])) for i, d in enumerate(order, 1)}


def fuse(dense: dict[int, tuple], bm25: dict[int, tuple], mode: str, rrf_k: float,
         weights: tuple[float, ...] = (1.0, 1.0), subject: dict[int, tuple] | None = None,
         ) -> list[tuple[int, float]]:
    """(doc id, score) best first: raw score for dense, RRF for bm25 (with the subject ranking)
    and hybrid (dense, BM25 and subject rankings; weights in that order)."""
    if mode == "dense":
        return sorted(((d, v[2]) for d, v in dense.items()), key=lambda x: -x[1])
    subject = subject or {}
    if mode == "bm25" and not subject:
        return sorted(((d, v[2]) for d, v in bm25.items()), key=lambda x: -x[1])
    w_subject = weights[2] if len(weights) > 2 else SUBJECT_WEIGHT
    tables = [(bm25, weights[1]), (subject, w_subject)]
    if mode == "hybrid":
        tables.append((dense, weights[0]))
    scores: dict[int, float] = {}
    for (table, weight) in tables:
        for doc, (rank, _, _) in table.items():
            scores[doc] = scores.get(doc, 0.0) + weight / (rrf_k + rank)
    far = (1e9,)
    # documents whose subject is the query come first, in the subject ranking's order
    exact = {d: v[0] for d, v in subject.items() if EXACT_FIRST and v[2] >= EXACT_SUBJECT}
    ranked = sorted(scores.items(), key=lambda x: (x[0] not in exact, exact.get(x[0], 0), -x[1], min(
        subject.get(x[0], far)[0], dense.get(x[0], far)[0], bm25.get(x[0], far)[0])))
    # the score shown follows that order: the most any RRF sum can reach, plus the subject
    # ranking's term, for the documents placed first (their own sums need not be the largest)
    ceiling = sum(weight for _, weight in tables) / (rrf_k + 1)
    return [(d, ceiling + w_subject / (rrf_k + exact[d]) if d in exact else s) for d, s in ranked]


def relevant(store, query: str, fused: list[tuple[int, float]], dense: dict[int, tuple],
             matched: set[int], floor: float = DENSE_FLOOR) -> list[tuple[int, float]]:
    """fused without the documents that only dense search found (not in `matched`, the BM25 and
    subject rankings) whose cosine is below `floor` and which hold none of the query's words."""
    loose = [d for d, _ in fused if d not in matched and dense.get(d, (0, 0, -1.0))[2] < floor]
    worded = docs_with_words(store, query, loose) if loose else set()
    dropped = set(loose) - worded
    return [(d, s) for d, s in fused if d not in dropped]


def search(store, settings, query: str, k: int = 8, filters: Filters | None = None,
           mode: str = "hybrid", floor: bool = False) -> list[Hit]:
    """The k best documents for `query` (best chunk's text and span), filters applied inside;
    `floor`: a hybrid search keeps only relevant documents (see `relevant`), as `archivist
    search` shows them. The agent's retrieval goes without: its passages are checked anyway,
    and a question with nothing relevant is answered "not found" from what it read."""
    if mode not in MODES:
        raise QueryError(f"search mode must be one of {', '.join(MODES)}, not {mode!r}")
    if not query.strip():
        return []
    n = max(50, 5 * k)
    if mode != "bm25" and not has_vectors(store, settings):
        if mode == "dense":
            return []
        mode = "bm25"  # nothing embedded yet (ingest --no-embed): no embedder to load
    # The query embedding (ONNX/torch release the GIL) overlaps the FTS query on the second core.
    embedded = query_embed.submit(settings, query) if mode == "hybrid" else None
    bm25_ranked = bm25_search(store, query, n, filters) if mode != "dense" else []
    phrase = (subject_phrase_search(store, query, n, filters) + exact_subject_search(
        store, query, n, filters)) if mode != "dense" else []
    dense_ranked = dense_search(store, settings, query, n, filters,
                                embedded.result() if embedded else None) if mode != "bm25" else []
    rows = _chunk_rows(store, {c for c, _ in dense_ranked + bm25_ranked + phrase})
    chunk_doc = {cid: r["doc_id"] for cid, r in rows.items()}
    dense, bm25 = _by_doc(dense_ranked, chunk_doc), _by_doc(bm25_ranked, chunk_doc)
    subject = (subject_ranking(store, query, phrase, bm25, dense, chunk_doc)
               if mode != "dense" else {})
    r = settings.retrieval
    fused = fuse(dense, bm25, mode, r.rrf_k, (r.dense_weight, r.bm25_weight, r.subject_weight), subject)
    if floor and mode == "hybrid":  # --mode dense asks for the nearest vectors, relevant or not
        fused = relevant(store, query, fused, dense, set(bm25) | set(subject))
    fused = fused[:k]
    by_doc_chunks: dict[int, list[int]] = {}
    for cid, _ in dense_ranked + bm25_ranked + phrase:
        if cid in chunk_doc and cid not in by_doc_chunks.setdefault(chunk_doc[cid], []):
            by_doc_chunks[chunk_doc[cid]].append(cid)
    hits = []
    for doc, score in fused:
        d, b, sj = dense.get(doc), bm25.get(doc), subject.get(doc)
        best = min((x for x in (d, b, sj) if x), key=lambda x: x[0])[1]
        row = rows[best]
        hits.append(Hit(doc_id=doc, chunk_id=best, score=float(score), text=row["text"],
                        start=row["start"] or 0, end=row["end"] or 0,
                        dense_rank=d[0] if d else None, bm25_rank=b[0] if b else None,
                        chunk_ids=by_doc_chunks.get(doc, [best])))
    return hits


def newest(store, filters: Filters, k: int = 8) -> list[Hit]:
    """The k newest documents that pass `filters`, each on its first chunk: what a query made only
    of field terms (`from:skilling`) lists, as notmuch and Gmail do. Nothing is ranked, so the
    hits carry no score (0.0)."""
    where_sql, params = filter_sql(filters, "d")
    rows = store.conn.execute(
        "SELECT d.id, c.id, c.text, c.start, c.end FROM documents d JOIN chunks c ON c.id = "
        "(SELECT min(x.id) FROM chunks x WHERE x.doc_id = d.id AND x.unit = 'doc') "
        f"WHERE {where_sql} ORDER BY d.date IS NULL, d.date DESC, d.id DESC LIMIT ?", [*params, int(k)])
    return [Hit(doc_id=d, chunk_id=c, score=0.0, text=text, start=start or 0, end=end or 0,
                chunk_ids=[c]) for d, c, text, start, end in rows]
