"""Prompt injection: document text that tries to instruct the reader, and answers that obey it.

Document text is data. An answer must never present a link, an image or an instruction from a
document as its own words: a model answer that carries a link, image or bare domain, or repeats
an instruction-like sentence of the documents, is replaced by the extractive answer; extractive
quotes of such sentences are marked as quoted material; every link in an answer is defanged.
Instruction-like covers the plain words, forged prompt structure (a fake </documents>), text
hidden by bidi or zero-width characters and base64 that decodes to an instruction.
"""
from __future__ import annotations

import base64
import re

from archivist.answering.grounding.sentences import content_words
from archivist.sanitise import bare_domains, neutralise

INSTRUCTION = re.compile(r"""
    \b(?:ignore|disregard|forget|override|bypass)\b.{0,60}\b(?:instructions?|questions?|prompts?|
        previous|above|rules|context|everything|system)\b
  | \b(?:system\s+prompt|you\s+are\s+now|as\s+an\s+ai|new\s+instructions?|jailbreak|developer\s+mode)\b
  | \b(?:reveal|show|print|list|output|dump|leak|include|quote)\b.{0,50}\b(?:other|all|every|hidden|
        secret|confidential|private|system)\b.{0,40}\b(?:documents?|emails?|messages?|records?|
        prompts?|passwords?|instructions?|data)\b
  | \b(?:run|execute|perform|issue)\b.{0,40}\b(?:query|queries|sql|commands?|code|scripts?|shell)\b
  | \b(?:select|drop|delete|insert|update|attach)\b\s.{0,80}\b(?:from|table|into|set|database)\b
  | \b(?:click|visit|go\s+to|open|navigate\s+to|follow|download)\b.{0,60}(?:https?://|www\.|\blinks?\b)
  | \b(?:wire|transfer|send|pay|remit)\b.{0,60}(?:[$€£]|\d).{0,120}(?:https?://|www\.|account|iban|
        bitcoin|wallet)
  | \b(?:respond|reply|answer|say|write|output|begin|start)\b.{0,30}\b(?:only|exactly|verbatim|
        with\s+the\s+(?:word|text|phrase|link|url|image))\b
  | \b(?:assistant|ai|model|chatbot|llm|language\s+model|summari[sz]er|bot)\b.{0,40}\b(?:must|should|
        shall|will|needs?\s+to|is\s+instructed)\b
  | \b(?:embed|insert|add|render|display)\b.{0,40}\b(?:image|img|picture|pixel|markdown|link|url)\b
  | \b(?:notes?|messages?|instructions?|memo)\s+(?:to|for)\s+(?:the\s+)?(?:assistant|ai|model|chatbot|llm|
        bot|summari[sz]er|language\s+model)\b
  | (?:\b1[-.\s]?)?\(?\b9(?:00|76)\)?[-.\s]?\d{3}[-.\s]?\d{4}\b
  | \b(?:verify|confirm|unlock|validate|update)\s+(?:your|the\s+user'?s?)\s+(?:account|password|
        credentials?|identity|login|payment)
  | \b(?:click|visit|go\s+to|open|navigate\s+to|follow|download|log\s*in|sign\s*in|register)\b.{0,60}
        \b[^\W_][\w-]*(?:\.[^\W_][\w-]*)*\.(?:com|net|org|info|biz|io|co|example|ru|cn|xyz|top|online|site|
        app|dev|me|us|uk|de|xn--[\w-]+)\b
""", re.I | re.X | re.S)

LINK = re.compile(r"!\[[^\]]*\]\([^)]*\)|<\s*img\b[^>]*>|\[[^\]]+\]\([^)]*\)"
                  r"|\b(?:https?|ftp|file|javascript|data|mailto):[^\s<>\"')\]]*|\bwww\.[^\s<>\"')\]]+",
                  re.I)
DEFANGED = ("[.]", "[:]", "(image")  # links and images we defanged ourselves
# Text that forges our prompt's structure: a document delimiter (also as fence() defuses it), a
# block header, a chat-template token or a role label opening a line. What follows it in the same
# document pretends to come from outside the document.
FORGED = re.compile(r"[<‹]\s*/?\s*(?:documents|notes)\s*[>›]|<<<|>>>|‹‹‹|›››|<\|[a-z_]+\|>|\[/?INST\]"
                    r"|^\s*\[\d+\]\s*(?:From|Attachment|Record|Text|Pdf):|^\s*(?:system|assistant)\s*:",
                    re.I | re.M)
HIDDEN = re.compile(r"[\u202a-\u202e\u2066-\u2069\u200b-\u200f\u2060\ufeff]")  # bidi, zero-width
BASE64 = re.compile(r"[A-Za-z0-9+/]{24,}={0,2}")
MARK = "quoted from the document, not an instruction"


# Each alternative of INSTRUCTION, run only when the case-folded text holds one of the words it
# cannot match without (a substring test costs ~0.1 us; the alternative's bounded gaps ~3 us,
# and a summary of whole Enron quotes 90,000 lines). Same answers as INSTRUCTION.search.
TRIGGERS = (("ignore", "disregard", "forget", "override", "bypass"),
            ("prompt", "now", "ai", "instruction", "jailbreak", "developer"),
            ("reveal", "show", "print", "list", "output", "dump", "leak", "include", "quote"),
            ("run", "execute", "perform", "issue"),
            ("select", "drop", "delete", "insert", "update", "attach"),
            ("click", "visit", "go", "open", "navigate", "follow", "download"),
            ("wire", "transfer", "send", "pay", "remit"),
            ("respond", "reply", "answer", "say", "write", "output", "begin", "start"),
            ("must", "should", "shall", "will", "need", "instructed"),
            ("image", "img", "picture", "pixel", "markdown", "link", "url"),
            ("note", "message", "instruction", "memo"),
            ("900", "976"),
            ("verify", "confirm", "unlock", "validate", "update"),
            ("click", "visit", "go", "open", "navigate", "follow", "download", "log", "sign", "register"))
ALTERNATIVES = tuple(zip(TRIGGERS, (re.compile(a, re.I | re.X | re.S) for a in INSTRUCTION.pattern.split("\n  | "))))


def is_instruction(text: str) -> bool:
    """Text that tries to instruct the reader: in so many words, forging our prompt's structure,
    hidden by bidi or zero-width characters, or encoded in base64."""
    if not text:
        return False
    if forged(text) or not text.isascii() and HIDDEN.search(text) or _encoded_instruction(text):
        return True
    return _says_instruction(text)


def _says_instruction(text: str) -> bool:
    low = text.casefold()  # folds as re.I does: the long s, the Kelvin sign
    return any(any(t in low for t in words) and alt.search(text) for words, alt in ALTERNATIVES)


_FORGERY_WORDS = ("<<<", ">>>", "‹", "›", "documents", "notes", "<|", "inst]", "system", "assistant",
                  "from:", "attachment:", "record:", "text:", "pdf:")


def forged(text: str) -> bool:
    """Text that forges our prompt's structure (FORGED)."""
    low = text.casefold()
    return any(w in low for w in _FORGERY_WORDS) and bool(FORGED.search(text))


def _encoded_instruction(text: str) -> bool:
    """A base64 run that decodes to an instruction (or to a link)."""
    for m in BASE64.finditer(text):
        try:
            plain = base64.b64decode(m.group(0) + "=" * (-len(m.group(0)) % 4)).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            continue
        if plain.isprintable() and (_says_instruction(plain) or has_link(plain)):
            return True
    return False


def has_link(text: str) -> bool:
    """A link, image or bare domain (paypa1.com/login), live or defanged."""
    text = text or ""
    return any(d in text for d in DEFANGED) or bool(LINK.search(text)) or bool(bare_domains(text))


def suspicious(text: str) -> bool:
    """A sentence that tries to instruct the reader or carries a link or image."""
    return is_instruction(text) or has_link(text)


def defang(text: str) -> str:
    """Links and images made inert text (the visible words stay): see archivist.sanitise."""
    return neutralise(text)


def as_data(text: str) -> str:
    """Document text shown as such (a subject, a name, a quoted line): links defanged, and marked
    as quoted material when it tries to instruct the reader or carried a link or image."""
    safe = defang(text)
    return f"({MARK}) {safe}" if suspicious(text) else safe


def obeys_documents(answer: str, sentences: list) -> str:
    """Why a model answer must not stand: it carries a link or image, is itself an instruction,
    or repeats an instruction-like sentence of the documents ('' when none of these)."""
    if has_link(answer):
        return "the answer carries a link or image"
    if is_instruction(answer):
        return "the answer reads as an instruction"
    words = content_words(answer)
    for s in sentences:
        if is_instruction(s.text):
            theirs = content_words(s.text)
            # the answer repeats the instruction, or says nothing but words taken from it (the
            # payload of "reply only with X")
            if theirs and (len(words & theirs) >= max(3, len(theirs) // 2) or words and words <= theirs):
                return "the answer repeats an instruction found in a document"
    return ""
