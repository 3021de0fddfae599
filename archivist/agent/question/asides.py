"""Asides: the parts of a question that comment on it rather than say which emails ("Good
afternoon!", "(a hobby of mine, I'm a retired engineer)", "- a turbulent month, to put it mildly -",
"He was handling our guaranty paperwork.", "I'm tracing the HPL sale to AEP, you see").

People wrap a question in small talk, hedges and context. Read as constraints, those words either
go unused (the figure is then refused) or, worse, become constraints ("West" a sender, "forwarded"
a form). An aside is a span set apart from the question, by parentheses, dashes or a sentence end,
that speaks in the first person or hedges (I'm, we were, apparently, must have been, you see,
to put it mildly), or greets; and that restricts nothing (no "only", "excluding", "interested in",
"looking for", no address). Its words are claimed before any constraint is read, named in the
answer as an aside, and never counted as a constraint. A person named in a clause of context
before the question ("Karen Denne in PR was sending drafts to the top brass. How many did she ...")
stays readable: the question's pronoun means them. A clause the question points back to ("...
Who did she send that to?") or that tells of mail ("sent", "memo") describes what is asked about
and is no aside. A sentence of context before a whole question over many emails ("Frank Hayden was
sending risk reports up the chain that autumn. How many of his emails ... from October 2001?") is
an aside when nothing in it narrows the emails and the question says its own period.
"""
from __future__ import annotations

import re

from archivist.dates import find_dates

# the first person, hedges and commentary: what marks words as said about the question
MARKER = re.compile(
    r"(?<![\w.])(?:i|i['’]m|i['’]d|i['’]ve|i['’]ll|we|we['’]re|we['’]d|we['’]ve|my|mine|our|us)(?![\w.'’])|"
    r"\b(?:apparently|presumably|probably|perhaps|maybe|seemingly|evidently|reportedly|supposedly|allegedly|"
    r"admittedly|honestly|frankly|incidentally|anyway|anyhow|obviously|naturally|clearly)\b|"
    r"\b(?:must|might|may|would|could)\s+have\s+been\b|\bseems?\s+to\b|\bseemed\s+to\b|\byou\s+see\b|\byou\s+know\b|"
    r"\bof\s+course\b|\bby\s+the\s+way\b|\bto\s+put\s+it\s+(?:mildly|lightly|bluntly)\b|\bto\s+say\s+the\s+least\b|"
    r"\bif\s+memory\s+serves\b|\bif\s+(?:it\s+is|it['’]s)\s+not\s+too\s+much\s+trouble\b|\bif\s+you\s+(?:don['’]t|do\s+not)\s+mind\b|"
    r"\bif\s+(?:at\s+all\s+)?possible\b|\bif\s+you\s+(?:can|could|would|please)\b|\bas\s+it\s+(?:were|happens|turned\s+out)\b|\bhobby\b|\bcurious\b", re.I)
GREETING = re.compile(r"^\W*(?:good\s+(?:morning|afternoon|evening|day)|hello|hi|hey|dear\s+\w+|greetings|"
                      r"thanks?(?:\s+you)?(?:\s+(?:so\s+much|in\s+advance))?|cheers|many\s+thanks)\b[\s\w,]*[!.,]?\W*$", re.I)
# words that narrow the emails: a span holding one is a constraint said in passing, never an aside
NARROWS = (r"only|solely|exclusively|just\s+(?:the|those|ones|emails|messages)|limit(?:ed)?\s+(?:it\s+)?to|restrict\w*|"
           r"interested\s+in|looking\s+for|care\s+about|focus(?:ed|ing)?\s+on|exclud\w*|except|without|ignor\w*|includ\w*|"
           r"leav(?:e|ing)\s+(?:out|aside)|set(?:ting)?\s+aside|not\s+count\w*|rather\s+than|instead|want|need|counting|"
           r"subject|attach\w*|cc|bcc|to\s*:|from\s*:|line|field|mailbox|inbox|folder")
# what narrows the emails in a sentence of context (the question after it says every constraint itself)
NARROWING = re.compile(rf"\b(?:{NARROWS})\b|@|\.(?:com|org|net|edu|gov)\b|[\"“”]|(?<!\w)'|'(?!\w)", re.I)
RESTRICTS = re.compile(
    rf"\b(?:{NARROWS}|"
    # a clause that tells of mail is a description of it ('Our TransAlta people sent a few emails ...')
    r"sent|sends?|sending|e-?mail\w*|wrote|writes?|writing|written|forward\w*|repl(?:y|ied|ies)|asked|told|said|saying|"
    r"says|notes?|memos?|messages?|letters?|copied|cop(?:y|ies)|received|receives?|got|gets?)\b|@|\d|\.(?:com|org|net|edu|gov)\b|[\"“”]|(?<!\w)'|'(?!\w)", re.I)
# what asks: the question part of a text holds one of these at a clause start
ASKING = re.compile(r"(?:^|[.!?:;,(–—-]\s*|\b(?:and|so|but)\s+)(?:how|who|whom|whose|when|which|what|where|did|does|do|was|were|"
                    r"is|are|has|have|had|can|could|would|count|list|give|show|tell|find|name|identify|in|on|during|"
                    r"since|between|from|after|before)\b", re.I)
# the question pointing back at what the words before it told: they describe what is asked about
REFERS_BACK = re.compile(
    r"\b(?:that|this|these|those|such)\s+(?:e-?mails?|messages?|notes?|memos?|notices?|letters?|ones?|announcements?|"
    r"requests?|repl(?:y|ies)|threads?|invitations?|drafts?|documents?|files?)\b|"
    r"\b(?:send|sent|forward(?:ed)?|on|receive[ds]?|get|got|address(?:ed)?|attach(?:ed)?|about|mention(?:ing|ed)?|"
    r"write|wrote|reply|replied)\s+(?:that|this|it|them|those|these)\b|"
    r"\b(?:was|were|is)\s+(?:that|it|this|they)\s+(?:sent|addressed|copied|forwarded|written|dated)\b|"
    r"\bwhen\s+(?:was|did)\s+(?:that|it|this)\b", re.I)
# a question over many emails (a count, a ranking, a first or last): a clause before it is no description
OVER_MANY = re.compile(r"\bhow\s+(?:many|often)\b|\bnumber\s+of\b|\bcount\b|\bmost\b|\bfirst\b|\blast\b|"
                       r"\bbusiest\b|\btotal\b|\bever\b", re.I)
PAREN = re.compile(r"\(([^()]{3,160})\)")
DASHED = re.compile(r"(?<=\S)\s+[-–—]{1,2}\s+([^-–—?()]{3,160}?)\s+[-–—]{1,2}\s+(?=\S)")
LEADING = re.compile(r"^(.{3,200}?)(?:\s+[-–—]{1,2}\s+|\s*[–—]\s*|:\s+)(?=\S)")  # 'hey, one for my thesis: how ...'
TRAILING = re.compile(r"(?<=\S)(?:\s+[-–—]{1,2}\s+|\s*[–—]\s*|,\s+(?=(?:you\s+see|anyway|i\s+think|i\s+believe|i\s+guess|"
                      r"i\s+suppose|i\s+gather|if\s+that\s+helps|as\s+far\s+as|if\s+(?:it\s+is|it['’]s)\s+not\s+too\s+much|"
                      r"if\s+you\s+(?:don['’]t|do\s+not)\s+mind|if\s+(?:at\s+all\s+)?possible|if\s+you\s+(?:can|could|would|please))\b))([^-–—?]{3,160}?)\s*[?.!]*\s*$", re.I)
SENTENCE = re.compile(r".+?(?:[.!?]+(?=\s|$)|$)")  # a full stop inside a token ('nisource.com') ends none
ABBREVIATION = re.compile(r"(?:(?<!&)\b[A-Z]|\b(?:mr|mrs|ms|dr|st|jr|sr|inc|co|corp|no|vs|jan|feb|mar|apr|jun|jul|aug|"
                          r"sep|sept|oct|nov|dec|u\.s|e\.g|i\.e))\.$", re.I)
NAME = re.compile(r"\b[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?\s+(?:[A-Z]\.\s+)?[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?\b")
PRONOUN = re.compile(r"\b(?:he|she|him|his|her|hers|himself|herself)\b", re.I)
# a description set beside a person's name: 'Hunter Shively, the gas trader -', 'James Saunders - the
# accounting fellow at the pipelines -', 'Tim Belden, who ran the West power desk -'
APPOSITIVE = re.compile(r"(?:,|\s[-–—]{1,2}|\s?\()\s*((?:the|a|an|our|their|his|her|who|whose|then|formerly|on\s+the|"
                        r"from\s+the|at\s+the|in\s+the)\s[^,()–—?!.]{2,60}?)\s*(?=,|\s[-–—]{1,2}\s|\))")


def asides(text: str) -> list[tuple[int, int, bool]]:
    """The spans of the question's asides (see the module's docstring), in order, not overlapping:
    (start, end, whether it describes a person: in a question about one described email its words
    may be the email's own, 'Mike Bridges, who worked for the estate of Enron, asked ...')."""
    spans: list[tuple[int, int]] = []
    for start, end in _sentences(text):
        piece = text[start:end]
        if GREETING.match(piece) or (not ASKING.search(piece) and "?" not in piece
                                     and _told_before(piece, text[end:])):
            spans.append((start, end))
    rest = [(s, e) for s, e in _sentences(text) if (s, e) not in spans]
    for s, e in rest:
        spans += [_span(m, s) for m in PAREN.finditer(text[s:e]) if _comment(m.group(1))]
        spans += [_span(m, s) for m in DASHED.finditer(text[s:e]) if _comment(m.group(1))]
        if (m := LEADING.match(text[s:e])) and not ASKING.match(m.group(1)) and ASKING.search(text[s + m.end():e]) \
                and (_comment(m.group(1)) if m.group(0).rstrip().endswith(":") else _told_before(m.group(1), text[s + m.end():])):
            spans.append(_span(m, s))
        if (m := TRAILING.search(text[s:e])) and _comment(m.group(1)) and ASKING.search(text[s:s + m.start()]):
            spans.append(_span(m, s))
    described = []
    for s, e in rest:
        for name in NAME.finditer(text, s, e):
            if (m := APPOSITIVE.match(text, name.end(), e)) and _plain(m.group(1)):
                described.append(_span(m, 0))
    merged = _merged(text, spans + described)
    return [(a, b, any(a <= x < b or x <= a < y for x, y in described)) for a, b in merged]


def _comment(words: str) -> bool:
    """First person, a hedge or commentary, restricting nothing, naming no date."""
    return bool(MARKER.search(words)) and _plain(words)


def _plain(words: str) -> bool:
    return not RESTRICTS.search(words) and not any(d.low for d in find_dates(words))


def _told_before(words: str, after: str) -> bool:
    """Whether a clause before the question is an aside: a comment the question does not point back
    to ('Tana passed along that ... we intended to withdraw. Who did she send that to?' describes
    the email), or a clause of context naming one person whom a question over many emails then
    calls he or she ('Karen Denne in PR was sending drafts to the top brass. How many did she ...';
    not '... Who was copied on her reply?', where the clause describes the one email asked about)."""
    if REFERS_BACK.search(after):
        return False
    return _comment(words) or (len(NAME.findall(words)) == 1 and bool(PRONOUN.search(after))
                               and bool(OVER_MANY.search(after)) and _plain(words)) \
        or (_names_the_topic(words, after) and bool(OVER_MANY.search(after)) and _plain(words)) \
        or _context(words, after)


ONE_OF_THEM = re.compile(r"\b(?:the\s+)?(?:last|first|latest|earliest|final|next|previous)\s+one\b|\b(?:they|them|it)\b|"
                         r"\bthe\s+(?:first|last|latest|earliest|final)\b(?!\s+(?:\w+\s+)?(?:e-?mails?|messages?|notes?|time|date|day|"
                         r"week|month|year|one\s+\w+\s+(?:to|from|by)))|\b(?:answer(?:ed|s)?|repl(?:y|ied|ies)|respond(?:ed|s)?)\b", re.I)  # 'When did the first arrive?': of those told of


def _context(words: str, after: str) -> bool:
    """A sentence of context before a whole question over many emails ('Frank Hayden was sending
    risk reports up the chain that autumn. How many of his emails are in ... from October 2001?',
    'Summer of 2001 - rolling blackouts were the fear. How many emails ... between June 1 and August
    31, 2001 ...'): nothing in it narrows the emails, and a period it names is named again by the
    question (else the question may lean on it: 'Since that date, how many ...'); so is a domain it
    names ('The Goodin MacBride lawyers (gmssr.com) did our PUC work. ... from anyone at gmssr.com?')."""
    for domain in set(re.findall(r"\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|edu|gov)\b", words, re.I)):
        if re.search(rf"(?<![\w.-]){re.escape(domain)}\b", after, re.I):
            words = words.replace(domain, " ")
    if NARROWING.search(words) or not OVER_MANY.search(after) or not ASKING.match(after.lstrip()) \
            or ONE_OF_THEM.search(after) or not re.search(r"[.!]\s*$", words) \
            or PRONOUN.search(after) and len(NAME.findall(words)) != 1:
        return False  # the question leans on it: '... report (TW deliveries) - when was the last one sent',
        # 'Louise Kitchen sent a lot to John Lavorato. How many of her emails ...' (whose?)
    return not any(d.low for d in find_dates(words)) or any(d.low for d in find_dates(after))


def _names_the_topic(words: str, after: str) -> bool:
    """'State Treasurer Phil Angelides keeps coming up in the DA debate. How many emails ... mention
    Angelides ...': context naming what the question then asks about, by a capitalised word it
    says again, not the first of its sentence."""
    said = {w for w in re.findall(r"(?<=\s)[A-Z][\w&'-]{3,}", f" {words.split(None, 1)[-1]}")}
    return any(re.search(rf"\b{re.escape(w)}\b", after) for w in said)


def _span(m: re.Match, offset: int) -> tuple[int, int]:
    return offset + m.start(1), offset + m.end(1)


def _sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans: a full stop after an initial, a title or a month's abbreviation ends none."""
    out, start = [], 0
    for m in SENTENCE.finditer(text):
        if m.end() < len(text) and text[m.end() - 1] == "." and ABBREVIATION.search(text[start:m.end()]):
            continue
        if text[start:m.end()].strip():
            out.append((start + len(text[start:m.end()]) - len(text[start:m.end()].lstrip()), m.end()))
        start = m.end()
    if start < len(text) and text[start:].strip():
        out.append((start, len(text)))
    return out


def _merged(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans in order, overlaps merged; the name of the one person a clause of context introduces
    is left out of it when the question after it refers to someone by a pronoun."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(e, out[-1][1]))
        else:
            out.append((s, e))
    kept = []
    for s, e in out:
        names = list(NAME.finditer(text, s, e))
        if len(names) == 1 and PRONOUN.search(text, e) and not PRONOUN.search(text, s, names[0].start()):
            kept += [(a, b) for a, b in ((s, names[0].start()), (names[0].end(), e)) if text[a:b].strip(" ,.;:-–—()")]
        else:
            kept.append((s, e))
    return kept
