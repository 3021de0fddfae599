"""Order-preserving context packing: the best documents that fit a token budget, shown in
thread/date order (not score order), numbered [1] [2] ... with a citation for every block."""
from __future__ import annotations

import json
import re
from typing import Callable

from archivist.records import Citation, Hit, PackedContext
from archivist.store.documents import documents

OPEN, CLOSE = "<<<", ">>>"
# A document's own text must not close its block or open another: our delimiters inside it, and a
# line that starts like a block header ("[2] From: ..."), are shown as look-alikes.
_FORGED = re.compile(r"<<<|>>>|^(\s*)\[(\d+)\]", re.M)
MIN_PART_TOKENS = 24  # a cut document shorter than this is dropped rather than shown


def _docs(store, doc_ids: list[int]) -> dict[int, dict]:
    return documents(store, doc_ids, ("kind", "title", "message_id", "sender", "sender_name", "date",
                                      "body", "quoted", "meta", "thread_id", "thread_pos"),
                     thread_dates=True)


def attachment_ref(meta: dict, start: int = 0, end: int | None = None) -> str:
    """'invoice.pdf, attached to <id@x>, page 3' (or 'pages 2-4') for a span of an attachment
    document; the whole document when no span is given."""
    from archivist.corpus.pdfs import page_of
    ref = f"{meta.get('attachment_name') or 'attachment'}"
    if meta.get("attached_to"):
        ref += f", attached to {meta['attached_to']}"
    elif meta.get("parent_title"):
        ref += f", attached to \"{meta['parent_title']}\""
    offsets = meta.get("page_offsets")
    if offsets:
        first = page_of(start, offsets)
        last = len(offsets) if end is None else max(first, page_of(max(start, end - 1), offsets))
        ref += f", page {first}" if first == last else f", pages {first}-{last}"
    return ref


def _ref(doc: dict, start: int = 0, end: int | None = None) -> str:
    if doc.get("kind") == "attachment":
        try:
            return attachment_ref(json.loads(doc.get("meta") or "{}") or {}, start, end)
        except ValueError:
            return f"doc:{doc['id']}"
    if doc.get("message_id"):
        return doc["message_id"]
    try:
        meta = json.loads(doc.get("meta") or "{}") or {}
    except ValueError:
        meta = {}
    for key in ("row_id", "id", "row", "page"):
        if key in meta:
            return f"{key}={meta[key]}"
    return f"doc:{doc['id']}"


def _head(n: int, doc: dict) -> str:
    date = (doc.get("date") or "")[:19].replace("T", " ")
    if doc.get("kind") == "email":
        sender = doc.get("sender_name") or doc.get("sender") or "?"
        if doc.get("sender") and doc.get("sender_name"):
            sender = f"{doc['sender_name']} <{doc['sender']}>"
        return f"[{n}] From: {sender} | Date: {date} | Subject: {doc.get('title') or ''}"
    if doc.get("kind") == "attachment":
        return f"[{n}] Attachment: {_ref(doc)}" + (f" | Date: {date}" if date else "")
    return f"[{n}] {str(doc.get('kind') or 'text').capitalize()}: {doc.get('title') or ''}" + (
        f" | Date: {date}" if date else "")


def _source_text(doc: dict) -> str:
    return doc.get("body") or (doc.get("quoted") or "" if doc.get("kind") == "email" else "")


def _fit(text: str, tokens: int, count_tokens: Callable[[str], int]) -> str:
    """The longest prefix of `text` (cut at a line or word) within `tokens`."""
    lo, hi = 0, len(text)
    while lo < hi:  # binary search on characters; count_tokens is monotone enough for this
        mid = (lo + hi + 1) // 2
        if count_tokens(text[:mid]) <= tokens:
            lo = mid
        else:
            hi = mid - 1
    cut = text[:lo]
    for sep in ("\n", " "):
        pos = cut.rfind(sep)
        if pos > lo * 0.6:
            return cut[:pos]
    return cut


def _span_of(doc: dict, spans: list[tuple[int, int]], whole: str, fits: Callable[[str], bool]):
    """Whole text when it fits; else the hit chunks' span; else None (caller cuts)."""
    if fits(whole):
        return 0, len(whole)
    if spans:
        s, e = min(a for a, _ in spans), max(b for _, b in spans)
        if e > s and fits(whole[s:e]):
            return s, e
    return None


def pack(store, items: list[Hit] | list[int], budget_tokens: int,
         count_tokens: Callable[[str], int]) -> PackedContext:
    """Pick documents in the given (best-first) order while they fit, then render them in
    thread/date order; a document that does not fit whole falls back to its hit span or a cut."""
    order, spans = [], {}
    for it in items:
        doc_id = it.doc_id if isinstance(it, Hit) else int(it)
        if doc_id not in spans:
            order.append(doc_id)
            spans[doc_id] = []
        if isinstance(it, Hit) and it.end > it.start:
            spans[doc_id].append((it.start, it.end))
    docs = _docs(store, order)
    chosen, used, truncated = [], 0, False
    for doc_id in order:
        doc = docs.get(doc_id)
        if doc is None:
            continue
        whole = _source_text(doc)
        over = count_tokens(f"{OPEN}\n{_head(len(chosen) + 1, doc)}\n\n{CLOSE}\n\n") + 2
        room = budget_tokens - used - over
        span = _span_of(doc, spans[doc_id], whole, lambda t: count_tokens(t) <= room)
        if span is None:
            truncated = True
            if room < MIN_PART_TOKENS:
                continue
            s = min((a for a, _ in spans[doc_id]), default=0)
            part = _fit(whole[s:], room, count_tokens)
            span = (s, s + len(part))
        elif span != (0, len(whole)):
            truncated = True
        used += over + count_tokens(whole[span[0]:span[1]])
        chosen.append((doc, span))
    chosen.sort(key=lambda x: (x[0].get("first_date") or x[0].get("date") or "",
                               x[0].get("thread_id") or 0, x[0].get("thread_pos") or 0,
                               x[0].get("date") or "", x[0]["id"]))
    hit_spans = {d: (min(a for a, _ in sp), max(b for _, b in sp)) for d, sp in spans.items() if sp}
    return _render(chosen, count_tokens, truncated, hit_spans)


def inert(text: str) -> str:
    """Document text that cannot forge the structure of a packed context."""
    if "<<<" not in text and ">>>" not in text and "[" not in text:
        return text
    return _FORGED.sub(lambda m: "‹‹‹" if m.group(0) == "<<<" else "›››" if m.group(0) == ">>>"
                       else f"{m.group(1)}({m.group(2)})", text)


def _block(n: int, doc: dict, text: str) -> str:
    head = _head(n, doc).replace(OPEN, "‹‹‹").replace(CLOSE, "›››")  # a subject may hold them too
    return f"{OPEN}\n{head}\n{inert(text.strip())}\n{CLOSE}"


def _render(chosen: list[tuple[dict, tuple[int, int]]], count_tokens, truncated: bool,
            hit_spans: dict[int, tuple[int, int]] | None = None) -> PackedContext:
    blocks, cites = [], []
    for n, (doc, (s, e)) in enumerate(chosen, 1):
        text = _source_text(doc)[s:e]
        blocks.append(_block(n, doc, text))
        ref = _ref(doc, *(hit_spans or {}).get(doc["id"], (s, e)))  # pages where the hits are
        cites.append(Citation(n=n, doc_id=doc["id"], ref=ref, title=doc.get("title") or "",
                              date=doc.get("date") or "", start=s, end=e, quote=text[:160]))
    body = "\n\n".join(blocks)
    return PackedContext(text=body, citations=cites, tokens=count_tokens(body) if body else 0,
                         truncated=truncated, doc_ids=[d["id"] for d, _ in chosen])


def render_in_order(store, doc_ids: list[int], count_tokens: Callable[[str], int],
                    max_chars: int) -> tuple[PackedContext, list[str]]:
    """Every document in the given order, numbered [1] [2] ..., each cut at max_chars, and the
    blocks one by one (what a recurrent model reads document by document; joined by blank lines
    they are the context's text, so the grounding check sees what the model read)."""
    docs = _docs(store, doc_ids)
    chosen = [(docs[d], (0, min(len(_source_text(docs[d])), max_chars))) for d in doc_ids if d in docs]
    packed = _render(chosen, count_tokens, any(e < len(_source_text(d)) for d, (_, e) in chosen))
    return packed, [_block(n, doc, _source_text(doc)[s:e]) for n, (doc, (s, e)) in enumerate(chosen, 1)]
