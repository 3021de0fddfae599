"""Citations: build them for stored documents, keep the ones an answer uses, serialise them."""
from __future__ import annotations

import json
import re
from dataclasses import asdict

from archivist.records import Citation
from archivist.store import Store
from archivist.store.documents import documents

_LABEL = re.compile(r"\[(\d+)\]")
QUOTE_CHARS = 160


def _quote(body: str) -> str:
    text = " ".join((body or "").split())
    return text[:QUOTE_CHARS] + ("…" if len(text) > QUOTE_CHARS else "")


def cite_docs(store: Store, ids: list[int], first: int = 1) -> list[Citation]:
    """Citations [first], [first+1], ... for documents, in the order of ids."""
    if not ids:
        return []
    rows = documents(store, ids, ("kind", "message_id", "title", "date", "body", "meta"))
    out = []
    for doc_id in ids:
        row = rows.get(doc_id)
        if row is None:
            continue
        body = row["body"] or ""
        out.append(Citation(n=first + len(out), doc_id=doc_id,
                            ref=_doc_ref(row), title=row["title"] or "",
                            date=row["date"] or "", start=0, end=len(body), quote=_quote(body)))
    return out


def _doc_ref(row: dict) -> str:
    """Message-ID; for an attachment its name, message and first page."""
    if row.get("kind") == "attachment":
        from archivist.retrieval.packing import attachment_ref
        return attachment_ref(json.loads(row.get("meta") or "{}") or {})
    return row["message_id"] or f"row {row['id']}"


def labels(answer: str) -> list[int]:
    """The [n] labels an answer uses, in first-use order."""
    seen: list[int] = []
    for m in _LABEL.finditer(answer or ""):
        n = int(m.group(1))
        if n not in seen:
            seen.append(n)
    return seen


def used(answer: str, citations: list[Citation], fallback: int = 3) -> list[Citation]:
    """Citations the answer names; the first few consulted ones when it names none."""
    by_n = {c.n: c for c in citations}
    chosen = [by_n[n] for n in labels(answer) if n in by_n]
    return chosen or citations[:fallback]


def as_dict(c: Citation) -> dict:
    d = asdict(c)
    d["message_id"] = c.ref
    return d
