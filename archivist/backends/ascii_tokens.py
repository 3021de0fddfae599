"""An exact shortcut for BERT-normalised tokenizers (MiniLM's tokenizer.json) on plain ASCII text.

BertNormalizer (clean text, Chinese characters, accents, lower case) tracks an alignment for every
character and was ~40% of tokenizing an archive. On ASCII text without control characters it only
lower-cases and turns tab/newline into spaces, which the BERT pre-tokenizer splits on anyway; so
encoding `text.lower()` with a copy of the tokenizer that has no normalizer gives the same ids and
the same character offsets (lower() keeps every ASCII character in place). Texts containing an
added token's text ("[SEP]", matched before normalising) and every other text take the full
tokenizer. tests/test_ascii_tokens.py compares both ways.

Chunking needs only token spans. The BERT pre-tokenizer cuts such text into runs of letters and
digits and single punctuation characters, and the model tokenizes each piece on its own; so
`spans` finds the pieces with a regex and reuses each distinct piece's token spans (an archive
repeats its words: ~70k distinct pieces for 4M on Enron), about half the CPU of encoding.
Packing paragraphs into chunks mostly needs only each paragraph's token count: `counts` sums the
pieces' token counts without building a list entry per token (a quarter of `spans`' CPU).
"""
from __future__ import annotations

import json
import re
from re import Match
from operator import itemgetter, lt

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # removed or mapped by clean_text
# BertPreTokenizer on ASCII without controls: whitespace removed, each punctuation char isolated
_PIECE = re.compile(r"[A-Za-z0-9]+|[^A-Za-z0-9\s]")
MAX_PIECES = 500_000  # distinct pieces remembered (then forgotten at once): memory stays bounded


class AsciiShortcut:
    """encode/encode_batch of a `tokenizers.Tokenizer`, normalizer skipped where that is exact."""

    def __init__(self, tok):
        self.tok, self.raw, self.ready = tok, None, False
        self.pieces: dict[str, tuple | None] = {}  # piece -> its token spans; None: one whole
        self.sizes: dict[str, int] = {}  # piece -> its number of tokens

    def _setup(self) -> None:
        """Copy the tokenizer without its normalizer: on first use, not at load (~0.1 s of CPU
        that a search, which embeds one query, does not need)."""
        self.ready, tok = True, self.tok
        spec = json.loads(tok.to_str())
        norm = spec.get("normalizer") or {}
        pre = spec.get("pre_tokenizer") or {}
        if norm.get("type") != "BertNormalizer" or pre.get("type") != "BertPreTokenizer":
            return  # another normalizer may change ASCII text: no shortcut
        from tokenizers import Tokenizer
        raw = Tokenizer.from_str(tok.to_str())
        raw.normalizer = None
        raw.no_truncation()
        raw.no_padding()
        self.raw, self.lower = raw, bool(norm.get("lowercase"))
        self.added = [t["content"].lower() for t in spec.get("added_tokens", []) if t["content"]]

    def shortcut_text(self, text: str) -> str | None:
        """The text the normalizer-free copy encodes for `text`, None when it must not."""
        if not self.ready:
            self._setup()
        if self.raw is None or not text.isascii() or _CONTROL.search(text):
            return None
        low = text.lower()
        if any(a in low for a in self.added):
            return None
        return low if self.lower else text

    def spans(self, text: str) -> tuple[list[int], list[int]] | None:
        """(starts, ends) of the tokens of `text` as encode's offsets give them, piece by piece;
        None when the text must be encoded."""
        short = self.shortcut_text(text)
        if short is None:
            return None
        self._bound()
        found = list(_PIECE.finditer(short))  # lists built by map: no Python step per piece
        words = list(map(Match.group, found))
        self._learn(set(words))
        starts, ends = list(map(Match.start, found)), list(map(Match.end, found))
        rels = list(map(self.pieces.__getitem__, words))
        if not any(rels):  # every piece one token (most texts)
            return starts, ends
        out_s, out_e, done = [], [], 0
        for k in [k for k, rel in enumerate(rels) if rel is not None]:  # pieces of several tokens
            at = starts[k]
            out_s += starts[done:k]
            out_e += ends[done:k]
            out_s += [at + a for a, _ in rels[k]]
            out_e += [at + b for _, b in rels[k]]
            done = k + 1
        return out_s + starts[done:], out_e + ends[done:]

    def counts(self, text: str, parts: list[tuple[int, int]]) -> list[int] | None:
        """The number of tokens `spans` finds inside each (start, end) of `parts`, spans that begin
        and end at whitespace or the text's ends (so no piece crosses them); None when the text
        must be encoded."""
        short = self.shortcut_text(text)
        if short is None:
            return None
        self._bound()
        found = [_PIECE.findall(short, start, end) for start, end in parts]
        self._learn(set().union(*found))
        get = self.sizes.__getitem__
        return [sum(map(get, words)) for words in found]

    def _learn(self, words: set[str]) -> None:
        """Remember the token spans and count of each piece not seen before (pieces and sizes
        always hold the same pieces)."""
        for word in words.difference(self.sizes):
            rel = self.pieces[word] = self._piece(word)
            self.sizes[word] = 1 if rel is None else len(rel)

    def _bound(self) -> None:
        if len(self.sizes) > MAX_PIECES:
            self.pieces.clear()
            self.sizes.clear()

    def _piece(self, word: str) -> tuple | None:
        offsets = tuple(self.raw.encode(word, add_special_tokens=False).offsets)
        return None if offsets == ((0, len(word)),) else offsets

    def encode(self, text: str):
        short = self.shortcut_text(text)
        if short is None:
            return self.tok.encode(text, add_special_tokens=False)
        return self.raw.encode(short, add_special_tokens=False)

    def encode_batch(self, texts: list[str]) -> list:
        """Encodings of `texts` in order: the eligible ones in one batch, the rest in another."""
        short = [self.shortcut_text(t) for t in texts]
        fast = iter(self.raw.encode_batch([s for s in short if s is not None],
                                          add_special_tokens=False) if self.raw else [])
        slow = iter(self.tok.encode_batch([t for t, s in zip(texts, short) if s is None],
                                          add_special_tokens=False))
        return [next(slow) if s is None else next(fast) for s in short]


def spans(enc) -> tuple[list[int], list[int]]:
    """(starts, ends) of an encoding's tokens that cover characters (e > s), without building a
    tuple per token in Python (most of the cost of reading offsets)."""
    offsets = enc.offsets
    starts, ends = list(map(itemgetter(0), offsets)), list(map(itemgetter(1), offsets))
    if all(map(lt, starts, ends)):
        return starts, ends
    kept = [(s, e) for s, e in offsets if e > s]  # rare: a character that became several tokens
    return [s for s, _ in kept], [e for _, e in kept]
