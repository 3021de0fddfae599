"""ascii_tokens: the normalizer-free shortcut gives the full tokenizer's ids and offsets, and
chunks cut through it (HFTokenizerView.spans) are the chunks the plain offsets call gives."""
from __future__ import annotations

import random
from types import SimpleNamespace

import pytest

from archivist.backends.ascii_tokens import AsciiShortcut, spans
from archivist.retrieval.chunking import chunk_document, quoted_chunks

TRICKY = ["", "Please SIGN the Gas deal today.", "[SEP] and [cls] inside", "a[UNK]b", "x\x00y",
          "tab\there\r\nnext", "\x0bvertical\x0cfeed", "\x1fsep\x7fdel", "café Zürich naïve",
          "日本語 text", "don't e-mail me @ 10:30am; re: $1,000.00!!", "w" * 150 + " short",
          "http://www.enron.com/a?b=c&d=e", "  \n\n  ", "ﬁne ligature", "A" * 5 + "\u200b" + "b"]


@pytest.fixture(scope="module")
def tok():
    from tokenizers import Tokenizer
    from archivist.backends.embedders import minilm_path
    path = minilm_path() / "tokenizer.json"
    if not path.exists():
        pytest.skip(f"no MiniLM tokenizer at {path}")
    t = Tokenizer.from_file(str(path))
    t.no_truncation()
    t.no_padding()
    return t


def _same(a, b) -> bool:
    return a.ids == b.ids and a.offsets == b.offsets


def _fuzz(n: int, seed: int) -> list[str]:
    rnd = random.Random(seed)
    alphabet = list("abcXYZ019 .,;:'\"-_()[]<>@#$%&*!?/\\\n\t\r") + ["[SEP]", "[sep]", "\x00", "\x0b",
                                                                   "é", "\u3000", "ing", "##"]
    return ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 60))) for _ in range(n)]


def test_shortcut_gives_the_full_tokenizers_ids_and_offsets(tok):
    shortcut = AsciiShortcut(tok)
    assert shortcut.raw is None and shortcut.shortcut_text("x") == "x" and shortcut.raw is not None
    texts = TRICKY + _fuzz(3000, 11)
    for text in texts:
        assert _same(shortcut.encode(text), tok.encode(text, add_special_tokens=False)), repr(text)
    batch = shortcut.encode_batch(texts)
    assert all(_same(a, tok.encode(t, add_special_tokens=False)) for a, t in zip(batch, texts))
    assert shortcut.shortcut_text("Plain Text") == "plain text"
    assert shortcut.shortcut_text("has [SEP] in it") is None
    assert shortcut.shortcut_text("café") is None


def test_piece_spans_are_the_encodings_offsets(tok):
    shortcut = AsciiShortcut(tok)
    words = ["unaffable", "Enron's", "re-negotiate", "x" * 101, "[SEP]", "gas", "##ing", "café"]
    texts = TRICKY + _fuzz(3000, 12) + [" ".join(words[i % 8] for i in range(n)) for n in range(40)]
    for text in texts:
        found = shortcut.spans(text)
        full = spans(tok.encode(text, add_special_tokens=False))
        assert found is None or found == full, repr(text)
        assert (found is None) == (shortcut.shortcut_text(text) is None)
    assert shortcut.pieces, "no piece was remembered"


def test_no_shortcut_for_another_normalizer(tok):
    from tokenizers import Tokenizer, normalizers
    other = Tokenizer.from_str(tok.to_str())
    other.normalizer = normalizers.NFKC()
    shortcut = AsciiShortcut(other)
    assert shortcut.shortcut_text("abc") is None and shortcut.ready and shortcut.raw is None
    assert _same(shortcut.encode("Abc def"), other.encode("Abc def", add_special_tokens=False))


def test_spans_drop_zero_width_tokens():
    assert spans(SimpleNamespace(offsets=[(0, 1), (1, 3)])) == ([0, 1], [1, 3])
    assert spans(SimpleNamespace(offsets=[(0, 1), (1, 1), (1, 3)])) == ([0, 1], [1, 3])
    assert spans(SimpleNamespace(offsets=[])) == ([], [])


class PlainCall:
    """The transformers-style call over the full tokenizer: the path before the shortcut."""

    def __init__(self, tok):
        self.tok = tok

    def __call__(self, text, add_special_tokens=False, return_offsets_mapping=False, verbose=False):
        enc = self.tok.encode(text, add_special_tokens=add_special_tokens)
        return {"input_ids": enc.ids, "offset_mapping": enc.offsets}


def _doc(body: str, quoted: str = "", kind: str = "email") -> dict:
    return {"id": 3, "kind": kind, "title": "Gas deal", "sender": "a@enron.com", "sender_name": "A",
            "date": "2001-05-01", "body": body, "quoted": quoted, "thread_id": 2}


@pytest.mark.parametrize("primed", [False, True])
def test_chunks_are_the_same_through_the_shortcut(tok, primed):
    from archivist.backends.static_embedder import HFTokenizerView
    view, plain = HFTokenizerView(tok), PlainCall(tok)
    para = "The Enron pipeline capacity report is attached for review, see [SEP] row 4."
    long_ascii = "\n\n".join(f"{para} Item {i}." * (1 + i % 5) for i in range(80))
    long_mixed = long_ascii.replace("Item 7.", "Zürich café 7.") + "\n\n" + "ﬁ" * 300
    docs = [_doc("Please sign the gas deal today.\n\nThanks,\nAlice"), _doc(long_ascii),
            _doc(long_mixed), _doc("row 1\nfield: value\n" * 200, kind="record"), _doc("")]
    if primed:
        view.prime([d["body"] for d in docs])
    for d in docs:
        a = chunk_document(d, ["Bob"], view, 200, 32)
        b = chunk_document(d, ["Bob"], plain, 200, 32)
        assert [vars(c) for c in a] == [vars(c) for c in b]
    quoted = _doc("New text.", quoted="> " + "\n> ".join([para] * 40))
    assert [vars(c) for c in quoted_chunks(quoted, "h", "", view)] == \
        [vars(c) for c in quoted_chunks(quoted, "h", "", plain)]


def test_token_counts_match(tok):
    from archivist.backends.embedders import TokenizerOnly, minilm_path
    only = TokenizerOnly(minilm_path() / "tokenizer.json", "x")
    for text in TRICKY + _fuzz(300, 5):
        assert only.count_tokens(text) == len(tok.encode(text, add_special_tokens=False).ids)


def test_count_upto_is_exact_within_the_limit(tok):
    from archivist.backends.static_embedder import HFTokenizerView
    view = HFTokenizerView(tok)
    texts = TRICKY + _fuzz(500, 9) + ["word " * n + "un-affable!" * (n % 3) for n in range(0, 60, 3)]
    for limit in (0, 5, 20, 40):
        for text in texts:
            n = len(tok.encode(text, add_special_tokens=False).ids)
            got = view.count_upto(text, limit)
            assert got == n if n <= limit else got > limit, (repr(text), limit)


def _texts_with_paragraphs(seed: int) -> list[str]:
    rnd = random.Random(seed)
    words = ["Enron", "gas", "unaffable", "re-negotiate", "$1,000.00", "x" * 40, "[SEP]", "café",
             "deal's", "e-mail", "10:30am", "##ing"]
    plain = [w for w in words if w.isascii() and "[" not in w]  # texts the shortcut takes
    out = []
    for _ in range(300):
        pool = words if rnd.random() < 0.3 else plain
        paras = [" ".join(rnd.choice(pool) for _ in range(rnd.randint(0, 120)))
                 for _ in range(rnd.randint(1, 6))]
        out.append(rnd.choice(["\n\n", "\n \n", "\n", "\n\t\n\n"]).join(paras))
    return out + TRICKY


def test_span_counts_are_the_tokens_inside_each_segment(tok):
    from bisect import bisect_left, bisect_right
    from archivist.backends.static_embedder import HFTokenizerView
    from archivist.retrieval.chunking import segments
    view = HFTokenizerView(tok)
    for text in _texts_with_paragraphs(21) + _fuzz(500, 22):
        for by_line in (False, True):
            segs = segments(text, by_line)
            counts = view.span_counts(text, segs)
            assert (counts is None) == (view.shortcut.shortcut_text(text) is None)
            if counts is None:
                continue
            starts, ends = spans(tok.encode(text, add_special_tokens=False))
            assert counts == [bisect_right(ends, e) - bisect_left(starts, s) for s, e in segs]


def test_tokens_from_segment_counts_count_and_cut_like_the_spans(tok):
    """Counts between segment bounds, counts and windows inside an oversize segment, and any
    other span (read from every token) are those of the token spans."""
    from archivist.backends.static_embedder import HFTokenizerView
    from archivist.retrieval.chunking import Tokens, segments
    view, rnd, from_counts = HFTokenizerView(tok), random.Random(23), 0
    for text in _texts_with_paragraphs(24):
        segs = segments(text)
        lazy, full = Tokens(text, view, segs), Tokens(text, view)
        from_counts += lazy.starts is None
        for s, _ in segs:  # segment bound to segment bound: sums of the counts
            for _, e in segs:
                assert lazy.count(s, e) == full.count(s, e), (repr(text[:60]), s, e)
        for s, e in segs:  # inside one segment: that segment's spans
            inner = sorted({s, e} | {rnd.randint(s, e) for _ in range(4)})
            for a in inner:
                for b in inner:
                    assert lazy.count(a, b) == full.count(a, b), (repr(text[:60]), a, b)
            assert lazy.windows(s, e, 20, 4) == full.windows(s, e, 20, 4)
        assert lazy.starts is None or not segs or view.span_counts(text, segs) is None
        anywhere = sorted({rnd.randint(0, len(text)) for _ in range(6)})
        for a in anywhere:  # anything else reads every token's span
            for b in anywhere:
                assert lazy.count(a, b) == full.count(a, b), (repr(text[:60]), a, b)
    assert from_counts > 150, from_counts
