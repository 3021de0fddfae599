"""Chunking: spans point into the body, headers make chunks stand alone, budgets and overlap hold."""
from __future__ import annotations

from archivist.backends.settings import EmbeddingSettings
from archivist.retrieval.chunking import Tokens, chunk_document, pack_spans, segments, thread_chunk


def doc(**kw):
    base = {"id": 1, "kind": "email", "title": "Gas deal", "sender": "a@enron.com",
            "sender_name": "Alice", "date": "2001-05-01T10:00:00+00:00", "body": "", "quoted": "",
            "thread_id": 7}
    return {**base, **kw}


def test_short_email_is_one_chunk_with_header():
    chunks = chunk_document(doc(body="Please sign the gas deal today."), ["Bob", "Carol"], None)
    assert len(chunks) == 1
    c = chunks[0]
    assert c.header == "From: Alice | To: Bob, Carol | Date: 2001-05-01 | Subject: Gas deal"
    assert c.text == "Please sign the gas deal today." and (c.start, c.end) == (0, len(c.text))
    assert c.embed_text().startswith("From: Alice") and c.unit == "doc"


def test_quoted_history_indexed_only_when_body_empty():
    with_body = chunk_document(doc(body="Yes.", quoted="Old question about pipes"), [], None)
    assert all("pipes" not in c.text for c in with_body)
    forward = chunk_document(doc(body="", quoted="Old question about pipes"), [], None)
    assert forward[0].text == "Old question about pipes"


def test_empty_email_still_has_a_header_chunk():
    chunks = chunk_document(doc(), ["Bob"], None)
    assert len(chunks) == 1 and chunks[0].text == "" and "Gas deal" in chunks[0].header


def test_long_text_chunks_fit_budget_cover_text_and_overlap():
    paras = [" ".join(f"w{p}_{i}" for i in range(30)) for p in range(20)]
    body = "\n\n".join(paras)
    chunks = chunk_document(doc(kind="text", body=body), [], None, size=100, overlap=30)
    assert len(chunks) > 6
    for c in chunks:
        assert body[c.start:c.end] == c.text and c.n_tokens <= 100
    covered = set()
    for c in chunks:
        covered.update(range(c.start, c.end))
    assert all(i in covered for i, ch in enumerate(body) if not ch.isspace())
    assert any(a.end > b.start for a, b in zip(chunks, chunks[1:]))  # overlap


def test_oversize_paragraph_split_by_token_windows():
    body = " ".join(f"t{i}" for i in range(500))
    toks = Tokens(body)
    spans = pack_spans(segments(body), toks, 200, 20)
    assert len(spans) == 3 and all(toks.count(s, e) <= 200 for s, e in spans)
    assert spans[-1][1] == len(body)


def test_records_chunk_by_field_lines():
    body = "\n".join(f"field{i}: " + "value " * 10 for i in range(12))
    chunks = chunk_document(doc(kind="record", title="row 3", body=body), [], None, size=40, overlap=0)
    assert len(chunks) >= 3
    assert all(c.text.startswith("field") and c.text.rstrip().endswith("value") for c in chunks)
    assert chunks[0].header.startswith("Record: row 3")


def test_real_tokenizer_counts():
    from archivist.backends.embedders import load_embedder
    tok = load_embedder(EmbeddingSettings()).tokenizer  # cached: later test modules reuse the load
    body = "\n\n".join(["The Enron pipeline capacity report is attached for review."] * 60)
    chunks = chunk_document(doc(kind="text", body=body), [], tok, size=200, overlap=32)
    assert len(chunks) > 2
    assert all(len(tok(c.text, add_special_tokens=False)["input_ids"]) <= 200 for c in chunks)


def test_hash_changes_with_text_only():
    a = chunk_document(doc(body="one"), [], None)[0]
    b = chunk_document(doc(body="one", id=2), [], None)[0]
    c = chunk_document(doc(body="two"), [], None)[0]
    assert a.content_hash == b.content_hash != c.content_hash


def test_thread_unit_when_it_fits():
    docs = [doc(id=1, body="Can we meet Monday?"), doc(id=2, sender_name="Bob", body="Yes, 10am.")]
    count = lambda t: len(t.split())  # noqa: E731
    chunk = thread_chunk(7, docs, count, 200)
    assert chunk.unit == "thread" and chunk.doc_id == 1 and "Bob" in chunk.text
    assert thread_chunk(7, docs[:1], count, 200) is None
    assert thread_chunk(7, docs, count, 3) is None
