"""Sentences of a packed context, with their source document, span and thread position, scored
against a question (embedding similarity + content-word overlap + a bonus for later messages of
a thread, since a later message supersedes an earlier one)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from archivist.records import Citation, PackedContext
from archivist.store.documents import documents, local_day

STOP = frozenset("""a about above after again all also am an and any are as at be been before being
below between both but by can could did do does doing down during each few for from further had has
have having he her here hers him his how i if in into is it its just me more most my no nor not of
off on once only or other our out over own same she should so some such than that the their them
then there these they this those through to too under until up very was we were what when where
which while who whom why will with would you your please thanks thank hi hello dear regards best
cheers re fw fwd question answer tell give find show one day""".split())
WORD = re.compile(r"[a-z0-9$][a-z0-9$,.%'-]*[a-z0-9%]|[a-z0-9]", re.I)
_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[\"'(A-Z0-9$])|\n\s*\n|\n(?=\s*[-*•]\s)")
_GREETING = re.compile(r"^(?:(?i:hi|hello|dear|hey)\b[^,\n]{0,40}|[A-Z][\w.-]+(?: [A-Z][\w.-]+)?),[ \t]*\n\s*")
_SIGN_OFF = re.compile(r"^\s*(?:regards|best|cheers|sincerely|thanks|thank you|kind regards|best regards)\b[,!.]?\s*\n", re.I)
_BLOCK = re.compile(r"^\s*\[(\d+)\][ \t]*(.*?)(?=^\s*(?:<<<|\[\d+\])|\Z)", re.M | re.S)
MIN_WORDS = 4  # shorter pieces ("Approved.", "Sam, thanks.") are joined to the next sentence
LATER_BONUS = 0.15
SUPERSEDED = 0.4  # penalty for a sentence a later message of its thread restates
TITLE_WEIGHT = 0.75  # subject words count for every sentence of a message, at lower weight


@dataclass
class Sentence:
    n: int  # the [n] label of its block
    doc_id: int
    text: str  # whitespace collapsed
    start: int = 0  # span inside the document body (0, 0 when unknown)
    end: int = 0
    date: str = ""
    sender: str = ""
    thread_id: int | None = None
    thread_pos: int = 0
    order: int = 0  # position of the sentence inside its block
    title: str = ""
    score: float = 0.0
    parts: dict = field(default_factory=dict)  # score components, for tests and logs
    day: str = ""  # the sender's own calendar day, the one citations and counts show (date: UTC)


def words(text: str) -> list[str]:
    """Lower-cased tokens without trailing punctuation or a plural s (a cheap stemmer)."""
    out = []
    for w in WORD.findall(text.lower()):
        w = w.rstrip(".,'")
        if len(w) > 3 and w.endswith("s") and not w.endswith("ss") and not w[0].isdigit():
            w = w[:-1]
        out.append(w)
    return out


def content_words(text: str) -> set[str]:
    return {w for w in words(text) if w not in STOP and len(w) > 1}


def split_text(text: str, lines: bool = False) -> list[tuple[int, int]]:
    """Sentence spans of text (or line spans, for records); short fragments join the following
    sentence, a trailing one and a sign-off (a signature) are dropped."""
    spans, pos = [], 0
    for m in (re.finditer(r"\n", text) if lines else _SPLIT.finditer(text)):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    out, carry = [], None
    for s, e in spans:
        if not text[s:e].strip() or _SIGN_OFF.match(text[s:e] + "\n"):
            continue
        s = carry if carry is not None else s
        if len(words(text[s:e])) < MIN_WORDS:
            carry = s
            continue
        out.append((s, e))
        carry = None
    return out


def blocks_of(packed: PackedContext, headers: bool = False) -> dict[int, str]:
    """Text of each [n] block; the header line of a fenced document block (sender, date,
    subject) only when headers is set."""
    out = {}
    fenced = "<<<" in packed.text
    for n, body in _BLOCK.findall(packed.text):
        body = re.sub(r"\n?>>>\s*$", "", body.strip())
        if fenced and not headers:
            body = body.split("\n", 1)[1] if "\n" in body else ""
        out[int(n)] = body
    return out


def _doc_rows(store, ids: list[int]) -> dict[int, dict]:
    return documents(store, ids, ("title", "body", "quoted", "kind", "date", "date_raw", "sender",
                                  "sender_name", "thread_id", "thread_pos"))


def _span(doc: dict | None, cite: Citation, raw: str) -> tuple[int, int]:
    """Where raw sits inside the document's text (searching the cited span first)."""
    if not doc:
        return 0, 0
    source = doc["body"] or doc["quoted"] or ""
    at = source.find(raw, cite.start or 0)
    at = at if at >= 0 else source.find(raw)
    return (at, at + len(raw)) if at >= 0 else (cite.start, cite.end)


def sentences_of(store, packed: PackedContext) -> list[Sentence]:
    """Every sentence of every block of packed, with its document's metadata and span."""
    blocks = blocks_of(packed)
    docs = _doc_rows(store, sorted({c.doc_id for c in packed.citations}))
    out = []
    for cite in packed.citations:
        body, doc = blocks.get(cite.n, ""), docs.get(cite.doc_id)
        doc = doc or {}
        for i, (s, e) in enumerate(split_text(body, lines=doc.get("kind") == "record")):
            raw = body[s:e].strip()
            start, end = _span(doc, cite, raw)
            text = " ".join(_GREETING.sub("", raw).split())
            date = cite.date or doc.get("date") or ""
            out.append(Sentence(cite.n, cite.doc_id, text, start, end, date,
                                doc.get("sender_name") or doc.get("sender") or "", doc.get("thread_id"),
                                doc.get("thread_pos") or 0, i,
                                cite.title if doc.get("kind") == "email" else "",
                                day=local_day(doc.get("date_raw"), date)))
    return out


def _later_ranks(sents: list[Sentence]) -> dict[int, float]:
    """Per document: 0 for the earliest message of its thread in this context, 1 for the latest."""
    threads: dict[int, list[tuple]] = {}
    for s in sents:
        if s.thread_id is not None:
            threads.setdefault(s.thread_id, [])
            key = (s.date, s.thread_pos, s.doc_id)
            if key not in threads[s.thread_id]:
                threads[s.thread_id].append(key)
    ranks = {}
    for keys in threads.values():
        keys.sort()
        for i, (_, _, doc) in enumerate(keys):
            ranks[doc] = i / (len(keys) - 1) if len(keys) > 1 else 0.0
    return ranks


def later_in_thread(best: Sentence, cited: list[Sentence]) -> bool:
    """best comes from a message, not among the cited ones, that is later in the thread of one
    of them: the cited one is superseded."""
    if best.thread_id is None or any(c.doc_id == best.doc_id for c in cited):
        return False
    return any(c.thread_id == best.thread_id and (c.date, c.thread_pos) < (best.date, best.thread_pos)
               for c in cited)


def embed_scores(settings, question: str, texts: list[str]) -> list[float]:
    """Cosine similarity of each text to the question with the configured embedder; zeros when
    no embedder can be loaded (lexical scoring still works)."""
    if not texts or settings is None:
        return [0.0] * len(texts)
    try:
        from archivist.retrieval.vectors import configured_embedder
        vecs = configured_embedder(settings).embed([question, *texts])
    except Exception:  # an embedder failure must not cost the answer; overlap still ranks
        return [0.0] * len(texts)
    return [float(v) for v in vecs[1:] @ vecs[0]]


def overlap(question: set[str], s: Sentence) -> float:
    """Share of the question's content words in the sentence (its message's subject and sender
    at a lower weight)."""
    if not question:
        return 0.0
    own, title = content_words(s.text), content_words(f"{s.title} {s.sender}")
    return (len(question & own) + TITLE_WEIGHT * len((question & title) - own)) / len(question)


def superseded(s: Sentence, sents: list[Sentence], later: dict[int, float]) -> bool:
    """A later message of the same thread restates this sentence's subject (two or more shared
    content words besides the question's), e.g. 'the offsite moved to Thursday, room 42'."""
    if s.thread_id is None:
        return False
    mine = content_words(s.text)
    return any(t.thread_id == s.thread_id and later.get(t.doc_id, 0) > later.get(s.doc_id, 0)
               and len(mine & content_words(t.text)) >= 2 for t in sents)


def score(settings, question: str, sents: list[Sentence], supersede: bool = True) -> list[Sentence]:
    """sents with .score set, best first."""
    q = content_words(question)
    sims = embed_scores(settings, question, [s.text for s in sents])
    later = _later_ranks(sents)
    for s, sim in zip(sents, sims):
        lexical = overlap(q, s)
        bonus = LATER_BONUS * later.get(s.doc_id, 0.0)
        old = SUPERSEDED if supersede and lexical > 0 and superseded(s, sents, later) else 0.0
        s.parts = {"sim": round(sim, 3), "lexical": round(lexical, 3), "later": round(bonus, 3),
                   "superseded": old}
        s.score = sim + lexical + bonus - old
    return sorted(sents, key=lambda s: -s.score)
