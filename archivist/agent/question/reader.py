"""Read a question into its QueryPlan: phrases first (subject words, body words, attachments,
domains, mailboxes), then dates, then people with their roles (question/mentions.py), then what is
asked; last, every word is accounted for (constraint, frame, or not used: question/words.py).

Rules, not a model: the same question always gives the same plan, in milliseconds.
"""
from __future__ import annotations

import re

from archivist.agent.question import phrases
from archivist.agent.question.analyse import ADDRESS, ASKS_SUBJECT, ONWARD, QUOTED, _longest_exact, _names_with_months, combine_dates
from archivist.agent.question.asks import COUNTED, classify, per_period, top_target
from archivist.agent.question.described_ask import reread as reread_described
from archivist.agent.question.descriptors import titled_name
from archivist.agent.question.date_words import gap_words, unread_around_dates
from archivist.agent.question.entities import mailbox_matches, match_subject
from archivist.agent.question.firms import affiliations, at_their_domain, described_firms, firms, names_of_the_domain
from archivist.agent.question.first_names import first_names
from archivist.agent.question.kinds import forms, kind_words
from archivist.agent.question.lexicon import Lexicon
from archivist.agent.question.mentions import own_domain, own_mailbox_said, owned_account, read_people, settle_roles
from archivist.agent.question.people import mailbox_of
from archivist.agent.question.plan import BODY_ONLY, Ask, Constraint, QueryPlan, Role, Target
from archivist.agent.question.reading import Reading
from archivist.agent.question.received import named_owner_mailbox, owner_pronoun, pronoun_line, received_in_mailbox
from archivist.agent.question.roles import role_at
from archivist.agent.question.unread import (cc_counted, unread_in_figures, unread_negations, unread_own_mailbox,
                                             unread_qualifiers)
from archivist.agent.question.words import TOKEN, account, is_frame
from archivist.dates import find_dates

EVENT_DAY = re.compile(r"\b(?:start|starts|begin|begins|expire|expires|close|closes|due|effective|deadline|"
                       r"take\s+effect|takes\s+effect)\s+(?:on\s+|by\s+)?$", re.I)
# a day said of a thing the email speaks of ('her 10/9 changes', 'the 11/15 draft'), beside the date it was sent
OWNED_DAY = (re.compile(r"\b(?:his|her|their|its|our|my|your)\s+$", re.I),
             re.compile(r"\s+(?!attacks?\b)[a-z][a-z-]+\b"))
EVENT_AFTER = re.compile(r"\s+(?:terrorist\s+)?attacks?\b", re.I)
HOLIDAYS_SAID = re.compile(r"\b(?:over|during|in|for)\s+the\s+(?:holidays?|holiday\s+season|break|vacation|shutdown|"
                           r"long\s+weekend)\s*\(\s*$", re.I)
DATE_CUES = re.compile(r"\b(?:between|from|since|before|after|following|until|till|through|thru|in|on|during|of|by|predates?|predating|"
                       r"no\s+later\s+than|not\s+later\s+than|"
                       r"starting|beginning|as\s+of|prior\s+to|up\s+to|around|over|within)\s+(?:the\s+)?(?:calendar\s+(?:year\s+)?)?$|"
                       r"\bcalendar\s+(?:year\s+)?$", re.I)  # 'from calendar 2002': the year, January to December




def read_plan(question: str, lex: Lexicon | None = None,
              fallback: tuple[Ask, Target] | None = None) -> QueryPlan:
    """The question's plan; fallback: the ask to use when these rules see a content question but
    another reader saw a metadata one (its words are then accounted for, not guessed)."""
    r = Reading(question, lex)
    r.claimed += event_clauses(r.text)  # 'since Enron filed for bankruptcy on 12/2/01': since that day; no
    _quoted_and_subject(r)  # reader takes the event's words ('SEC', 'Skilling') as a constraint
    _attachments(r)
    for role, value, s, e in phrases.weekdays(r.text):
        if not r.free(s, e):
            continue  # a weekday inside a quoted subject ('Meeting on Wednesday, January 2') is the subject's
        r.claim(Constraint(role, r.text[s:e], value, s, e, label=value.replace(",", " or ")))
    _addresses(r)
    _domains(r)
    firms(r, r.typed)
    _mailboxes(r)
    _text_phrases(r)
    _dates(r)
    read_people(r)
    affiliations(r)
    at_their_domain(r)
    names_of_the_domain(r)
    ask, target, k = reread_described(r, *classify(r.text, r.blanked(), r.plan))
    if ask == Ask.CONTENT and fallback is not None:
        (ask, target), k = fallback, 1
    r.plan.ask, r.plan.target, r.plan.k = ask, target, k
    if ask != Ask.CONTENT:
        before = len(r.plan.constraints)
        first_names(r, described=ask == Ask.FIELD)
        own_mailbox_said(r)  # 'who wrote to Michelle most (her own mailbox)': the first name's mailbox
        if ask == Ask.TOP and len(r.plan.constraints) > before:  # 'who cc'd tana most': the role a first
            r.plan.target = top_target(r.blanked(), r.plan)  # name took settles what is ranked
    if ask in (Ask.FIELD, Ask.CONTENT):
        described_firms(r)
    r.plan.per = per_period(r.blanked()) if ask == Ask.COUNT and target == Target.DOCUMENTS else None
    if target == Target.ATTACHMENTS and ask == Ask.COUNT:
        _counted_files(r)
    r.plan.by_address = (ask == Ask.TOP or ask == Ask.COUNT and target != Target.DOCUMENTS) \
        and bool(re.search(r"\baddress(?:es)?\b", r.blanked(), re.I))
    settle_roles(r)
    received_in_mailbox(r)
    owner_pronoun(r)
    named_owner_mailbox(r)
    pronoun_line(r)
    owned_account(r)
    own_domain(r)
    account(r)
    forms(r)  # 'FW emails': the form, before the unread words are read as a kind of email
    kind_words(r)
    received_in_mailbox(r)  # 'did X get nymex notices': a sender domain the kind words named
    unread_around_dates(r)
    unread_in_figures(r)
    unread_negations(r)
    unread_own_mailbox(r)
    unread_qualifiers(r)
    cc_counted(r)
    return r.plan



FILE_NAME = re.compile(r"[^\n\"“”]{1,120}\.(?:docx?|xlsx?|xls|pdf|pptx?|txt|rtf|csv|zip|wpd|msg|htm|html)", re.I)
IN_SUBJECT = re.compile(r"\s+in\s+(?:the\s+|its\s+|their\s+)?subject(?:\s+lines?|s)?\b", re.I)
SUBJECT_CUE = re.compile(r"\b(?:subject(?:\s+line)?|titled|entitled|called|headed|re)\s*:?\s*$", re.I)
WORD_CUE = re.compile(rf"{phrases.WORD_VERB}the\s+(?:word|term|phrase|name)s?\s*:?\s*$", re.I)  # 'with the word "X"'


def _quoted_and_subject(r: Reading) -> None:
    """Quoted text first (a subject after 'titled' or 'subject', or when one is nearly that text;
    else words the email holds), then unquoted subject phrases."""
    for m in QUOTED.finditer(r.text):
        text = next(g for g in m.groups() if g is not None).strip()
        subject = _subject_of(r.lex, text)
        if FILE_NAME.fullmatch(text) and not subject and not SUBJECT_CUE.search(r.text[:m.start()]):
            # "carrying 'Analysis of Longitude.doc'": the attachment of that name (a subject or a thread
            # named so, "the thread '... NETCOTRANSMISSION.XLS'", stays the subject)
            r.claim(Constraint(Role.ATTACHMENT, r.text[m.start():m.end()], "name:" + text, m.start(), m.end()))
            continue
        cued = bool(SUBJECT_CUE.search(r.text[:m.start()]))
        after = IN_SUBJECT.match(r.text[m.end():])  # '"credit watch" in the subject'
        role = Role.SUBJECT if subject or cued or after else Role.TEXT
        lead = SUBJECT_CUE.search(r.text[:m.start()]) or WORD_CUE.search(r.text[:m.start()])
        start = lead.start() if lead else m.start()
        end = m.end() + (after.end() if after else 0)
        r.claim(Constraint(role, r.text[start:end], subject or text, start, end,
                           label=f"= '{subject}'" if subject else ""))
    asked = ASKS_SUBJECT.search(r.text)  # 'what was the subject of the email X sent': no subject named
    for role, value, s, e in ([] if asked else phrases.subject_words(r.blanked())):
        at = r.text.lower().find(value.lower(), s)
        if r.lex is not None and at >= 0 and (whole := _longest_exact(r.lex, r.text[at:], value)):
            value, e = whole[1], at + len(whole[0])  # 'titled FW: attacks on the US': past the cut at 'on'
        if r.free(s, e) and _content(value):  # not 'come up in the subject line': the frame's words
            r.claim(Constraint(role, r.text[s:e], value, s, e))


def _subject_of(lex: Lexicon | None, text: str) -> str | None:
    """The archive's subject a quoted text names (misquotes and case forgiven), else None."""
    return match_subject(lex, text) if lex is not None and len(text) >= 3 else None


def _attachments(r: Reading) -> None:
    for role, value, s, e in phrases.attachment(r.text):
        if r.free(s, e):
            r.claim(Constraint(role, r.text[s:e], value, s, e))


def _counted_files(r: Reading) -> None:
    """'how many spreadsheets did X send': the files counted are of that type (an attachment
    constraint, unless one was read already)."""
    m = COUNTED.search(r.text)
    if m and r.free(*m.span("n")) and not r.plan.of(Role.ATTACHMENT):
        kind = phrases.ATTACHMENT_KIND.get(m.group("n").lower(), "any")
        r.claim(Constraint(Role.ATTACHMENT, m.group("n"), kind, *m.span("n")))


def _domains(r: Reading) -> None:
    known = r.lex.domains if r.lex is not None else set()
    main = r.lex.senders.most_common(1)[0][0] if r.lex is not None and r.lex.senders else None
    senders = r.lex.senders.keys() if r.lex is not None else set()
    for role, value, s, e in phrases.domains(r.text, known, main, senders):
        if r.free(s, e) and not ADDRESS.search(r.text[s:e]):
            values = value if isinstance(value, list) else [value]
            r.claim(Constraint(role, r.text[s:e], value, s, e, known=all(_known_domain(v[1:], known) for v in values)))


def _box(r: Reading, who: str) -> str | None:
    """The mailbox a name or a mailbox name stands for, or None."""
    return r.lex.mailboxes.get(who.lower()) or mailbox_of(r.lex, who)


def _known_domain(domain: str, known: set[str]) -> bool:
    return domain in known or any(d.endswith("." + domain) for d in known)


def _mailboxes(r: Reading) -> None:
    if r.lex is None:
        return
    for who, s, e in phrases.mailboxes(r.text):
        trimmed = False
        while (first := re.match(r"\s*([\w'.-]+)\s+", who)) and (is_frame(first.group(1)) or not _box(r, who)):
            who, trimmed = who[first.end():], True  # 'landed in Dasovich', 'cera.com in kaminski': the name
        if trimmed and (at := r.text.find(who, s)) >= 0:
            s = max(s, at - 3 if r.text[max(0, at - 3):at].lower() == "in " else at)
        box = _box(r, who)
        if box and (first := re.search(r"(?<![\w.@'-])([A-Za-z][\w'-]*)\s+$", r.text[:s])) and not is_frame(first.group(1)) \
                and mailbox_of(r.lex, f"{first.group(1)} {who}") == box:
            s = first.start(1)  # 'vince kaminski mailbox': the first name is the same person's
        if box and r.free(s, e):
            r.claim(Constraint(Role.MAILBOX, r.text[s:e], box, s, e, label=f"mailbox {box}"))
    for stored, m in mailbox_matches(r.lex, r.text):  # a mailbox named as such: 'kaminski-v'
        if r.free(m.start(), m.end()):
            r.claim(Constraint(Role.MAILBOX, m.group(0), stored, m.start(), m.end(),
                               label=f"mailbox {stored}"))


NAME_BEFORE = re.compile(r"(?:\b[A-Z][\w'-]*\.?\s+){0,3}[A-Z][\w'-]+\s*$")
PAREN_TAIL = re.compile(r"\s*\)")


def _addresses(r: Reading) -> None:
    for m in ADDRESS.finditer(r.text):
        if r.free(m.start(), m.end()):
            address = m.group(0).lower().lstrip("'")  # exact, in the archive or not: a count of 0 is true
            s, e = _named_with(r.text, m)
            role = role_at(r.text, s, e)
            if left := LEFT_OUT_NAMED.search(r.text[max(0, s - 80):s]):  # 'leaving aside the announcement
                s, role = s - len(r.text[max(0, s - 80):s]) + left.start(), Role.EXCLUDED  # mail (no.address@...)'
                if kind := LEFT_OUT_KIND.match(r.text, e):
                    e = kind.end()
            r.claim(Constraint(role, r.text[s:e], address, s, e, label=f"= '{address}'"))


# words that leave out the mail an address sends, with the words describing it before the address
LEFT_OUT_NAMED = re.compile(r"\b(?:leaving\s+(?:aside|out)|setting\s+aside|excluding|not\s+counting|except(?:\s+for)?|"
                            r"ignoring|aside\s+from|apart\s+from|other\s+than)\s+(?:[\w'’-]+\s+){0,6}(?:\(\s*)?$", re.I)
# ... and the words after it that say what that mail is ('setting aside the generic no.address@enron.com announcements')
LEFT_OUT_KIND = re.compile(r"\s+(?:[\w-]+\s+)?(?:announcements?|notices?|mailings?|broadcasts?|blasts?|alerts?|newsletters?|"
                           r"messages|e-?mails|mail|memos|bulletins|updates)\b", re.I)


def _named_with(text: str, m: re.Match) -> tuple[int, int]:
    """The span of 'Michael Taylor (e.taylor@enron.com)' or 'Mark Taylor (legal, .taylor@...)': the
    address says which person the name is (the name is not read again as another); else the address's."""
    open_at = text.rfind("(", 0, m.start())
    tail = PAREN_TAIL.match(text, m.end())
    if open_at < 0 or not tail or ")" in text[open_at:m.start()] or len(text[open_at + 1:m.start()]) > 30:
        return m.start(), m.end()
    name = NAME_BEFORE.search(text[:open_at])
    if not name or text[open_at + 1:m.start()].strip() and not text[open_at + 1:m.start()].strip().endswith(","):
        return m.start(), m.end()
    return name.start(), tail.end()


IN_SUBJECT_ONLY = re.compile(r"\bin\s+(?:an?\s+|the\s+|its\s+)?(?:e-?mail\s+|message\s+)?subject(?:\s+lines?|s)?\b", re.I)
BODY = re.compile(r"\b(?:in|inside|within)\s+(?:the\s+|an?\s+|its\s+|their\s+)?(?:e-?mail\s+|message\s+)?(?:body|bodies|text)\b"
                  r"(?!\s+or\s+subject)", re.I)


def _text_phrases(r: Reading) -> None:
    body_only = bool(BODY.search(r.text)) and not re.search(r"\bsubject\s+or\s+body|\bbody\s+or\s+subject", r.text, re.I)
    subject_only = bool(IN_SUBJECT_ONLY.search(r.text))  # 'when did Dynegy first come up in an email subject'
    for role, value, s, e in phrases.body_words(r.blanked()):
        role = Role.SUBJECT if subject_only else role
        value, e = _before_a_date(r.text, value, s, e)  # 'mention master netting 11/1-11/15/01': the words, then a date
        value = titled_name(value) or value  # 'mention CPUC President Loretta Lynch by name': her name
        if (alts := ALTERNATIVES.match(r.text, e)) and r.free(e, alts.end()) \
                and not re.search(r"\b(?:to|cc|bcc|from|not|no|subject|body|text|title|line|headers?|message|both)\b",
                                  alts["alts"], re.I):  # '(subject or body)' says where, read elsewhere  # 'SoCal Edison (Edison or SCE)':
            value, e = " or ".join([value, *re.split(r"\s*(?:,|/|\bor\b)\s*", alts["alts"])]), alts.end()  # any of them
        if r.free(s, e) and _content(value):
            r.claim(Constraint(role, r.text[s:e], value, s, e, label=BODY_ONLY if body_only else ""))


# other names of the words to find, in parentheses right after them: '(Edison or SCE)', '(NewPower/New Power)'
ALTERNATIVES = re.compile(r"\s*\((?P<alts>[\w&'.-]+(?:\s+[\w&'.-]+)?(?:\s*(?:,|/|\bor\b)\s*[\w&'.-]+(?:\s+[\w&'.-]+)?){1,4})\)",
                          re.I)
TRAILING_CUE = re.compile(r"(?:\s+(?:in|on|during|from|between|for|since|before|after|over|of|the|,))+\s*$", re.I)


def _before_a_date(text: str, value: str, s: int, e: int) -> tuple[str, int]:
    """Body words cut where a date begins inside them (the date is read as the date)."""
    spans = [d for d in find_dates(text[s:e]) if d.low]
    if not spans or (at := value.find(spans[0].text)) <= 0:
        return value, e
    kept = TRAILING_CUE.sub("", value[:at]).strip()
    return (kept, s + spans[0].start) if kept else (value, e)


def _content(text: str) -> bool:
    return any(not is_frame(w) for w in TOKEN.findall(text))


def _dates(r: Reading) -> None:
    text = r.blanked()
    for s, e in _names_with_months(r.lex, text):
        text = text[:s] + " " * (e - s) + text[e:]
    spans = find_dates(text)  # the events beside their dates were claimed first (read_plan): blank here
    if any(s.low is None for s in spans) and r.lex is not None:  # 'christmas eve': which year?
        spans = _with_likely_year(r, text, spans)
    spans = [s for s in spans if not EVENT_DAY.search(text[:s.start])]  # 'might not start Jan 1': a day the
    # email speaks of, not one it was sent in (its words are left to the description)
    said_of = [s for s in spans if OWNED_DAY[0].search(text[:s.start]) and OWNED_DAY[1].match(text, s.end)]
    if said_of and len(said_of) < len(spans):  # 'in late October 2001, incorporating her 10/9 changes': the
        spans = [s for s in spans if s not in said_of]  # changes' day, words of the description
    after, before, _day, used = combine_dates(text, spans)
    near = [s for s in spans if used and all((s.start, s.end) != (u.start, u.end) for u in used)
            and (min(abs(s.end - min(u.start for u in used)), abs(s.start - max(u.end for u in used))) <= 3
                 or re.fullmatch(r"\s*(?:of|,)\s*", text[max(u.end for u in used):s.start]))]  # 'May and June of 2002'
    used = list(used) + near + _restated(text, spans, after, before)  # 'the winter (dec 01 - feb 02)': the
    # parenthesis says which winter; "New Year's Eve (12/31/01)": which year the numbers say
    used += _beside_in_parentheses(text, spans, used)
    for span in spans:
        if all((span.start, span.end) != (u.start, u.end) for u in used):
            r.plan.notes.append(f"'{span.text}' was not used as a date" if span.low else
                                f"I could not tell which year '{span.text}' means")
    if not used:
        return
    r.unread += gap_words(text, used)  # '10/3 ... the end of the month ... 2001': words no date reader took
    start, end = min(s.start for s in used), max(s.end for s in used)
    if said := HOLIDAYS_SAID.search(text[:start]):
        start = said.start()  # 'over the holidays (Christmas thru New Year's 2001)': the parenthesis says when
    elif cue := DATE_CUES.search(text[:start]):
        start = cue.start()
    if event := EVENT_AFTER.match(text, end) or ONWARD.match(text, end) or _day_of_event(r.text, end):
        end = event.end()  # 'the September 11 attacks': the day the event names; '1/1/02 onward
    r.claim(Constraint(Role.DATE, r.text[start:end].strip(), f"{after or ''}..{before or ''}", start, end,
                       label=_date_label(after, before)))


EVENT_CLAUSE = re.compile(r"\b(?P<rel>since|after|before|prior\s+to|following|until|till|from|up\s+to|between|and|to|"
                          r"through|thru)\s+(?P<event>(?:[\w'’.-]+,?\s+){1,7}?)(?:on\s+|\(\s*)$", re.I)
RANGE_END = frozenset("and to through thru".split())  # the second end of a range: only after a first date
EVENT_WORD = re.compile(r"\b(?:\w{3,}(?:ed|tion|ment|ing)|bankrupt(?:cy)?|merger|vote|attacks?|layoffs?|collapse|deal|departure|"
                        r"went|fell|broke|began|quit|left|won|lost|hit|came\s+out)\b", re.I)
MAIL_WORD = re.compile(r"\b(?:e-?mail\w*|wrote|writes?|sent|sends?|forward\w*|cop(?:y|ied)|cc\w*|bcc\w*|message\w*|replied)\b", re.I)


def event_clauses(text: str) -> list[tuple[int, int]]:
    """The words naming an event between 'since/before/after' and the date it happened on ('since
    Enron filed for bankruptcy on December 2, 2001', 'prior to the bankruptcy filing (12/2/01)'):
    the date is what the relation is to; the event words restate it. A clause about mail ('after
    Ken wrote on 10/3') is not an event: its sender is a constraint."""
    out, spans = [], find_dates(text)
    for i, span in enumerate(spans):
        m = EVENT_CLAUSE.search(text[:span.start])
        if not (span.low and m) or m["rel"].lower() in RANGE_END and not any(s.end <= m.start() for s in spans[:i]):
            continue
        said_end = m.start("event") + len(m["event"].rstrip(" ,"))
        if any(m.start("event") < s.end >= said_end for s in spans[:i]):
            continue  # 'the week after Thanksgiving 2001 (the week of 11/26/01)': a date said again, no event
            # (not 'from the Q3 earnings announcement (10/16/2001)': an event that names a quarter)
        if (EVENT_WORD.search(m["event"]) or re.match(r"(?:the|its|their|his|her)\s", m["event"], re.I)) \
                and not MAIL_WORD.search(m["event"]):  # a verb of an event or a noun phrase ('the office move')
            out.append((m.start("event"), span.start))
            if text[span.end:span.end + 1] == ")":
                out.append((span.end, span.end + 1))  # '(11/9/2001) to month end': the range goes on
        if span.low and (a := _day_of_event(text, span.end)):
            out.append((span.end, a.end()))  # 'On 11/28/01, the day the merger fell apart,': that day
    return out


def _day_of_event(text: str, at: int) -> re.Match | None:
    """', the day the Dynegy merger fell apart,' right after a date; not ', the day Ken emailed her'."""
    a = DAY_OF_EVENT.match(text, at) or AS_EVENT.match(text, at)
    return a if a and EVENT_WORD.search(a["event"]) and not MAIL_WORD.search(a["event"]) else None


# a date restated by what happened in it: ', the day the Dynegy merger fell apart,', '(the week the PUC voted)'
DAY_OF_EVENT = re.compile(r"\s*[,(]\s*(?:the|that)\s+(?:day|week|month|date|morning|afternoon|evening|night|weekend|"
                          r"season|quarter|year|period|summer|autumn|fall|winter|spring)\s+"
                          r"(?:that\s+|when\s+|on\s+which\s+|of\s+)?(?P<event>[^,()?]{3,70}?)\s*(?:[,)]|(?=\?))", re.I)
# ', the season of Jeffrey Skilling's resignation,': 'of' and an event's noun
# ', as Enron's liquidity crisis deepened?': what was happening then, closing the question
AS_EVENT = re.compile(r"\s*,\s*(?:just\s+)?as\s+(?P<event>[^,()?]{3,70}?)\s*(?=[?.!]*\s*$)", re.I)


OPEN_PAREN = re.compile(r"\s*\(\s*(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s*)?", re.I)


def _beside_in_parentheses(text: str, spans: list, used: list) -> list:
    """A dated phrase right before (or inside) a parenthesis whose dates were used and overlap it:
    'the week after Thanksgiving 2001 (Mon 11/26 - Fri 11/30)' says the days twice, the
    parenthesis exactly."""
    out = []
    for s in [s for s in spans if s.low and all((s.start, s.end) != (u.start, u.end) for u in used)]:
        for u in [u for u in used if u.low and s.low < (u.high or "9") and u.low < (s.high or "9")]:
            first, second = (s, u) if s.start < u.start else (u, s)
            if OPEN_PAREN.fullmatch(text[first.end:second.start]):
                out.append(s)
                break
    return out


def _restated(text: str, spans: list, after: str | None, before: str | None) -> list:
    """The date phrases with no year that fall inside the interval the dated ones give, read in one
    of its years ("over New Year's Eve and New Year's Day (12/31/01-1/1/02)")."""
    if not (after and before):
        return []
    out = []
    for span in [s for s in spans if s.low is None]:
        for year in sorted({int(after[:4]), int(before[:4])}):
            again = [x for x in find_dates(span.text, default_year=year) if (x.start, x.end) == (0, len(span.text))]
            if again and again[0].low and after <= again[0].low and again[0].high <= before:
                out.append(span)
                break
    return out


def _with_likely_year(r: Reading, text: str, spans: list) -> list:
    """The date phrases read in the year the archive has by far the most email for them (noted
    in the plan); unchanged when no year stands out (then the answer says it could not tell)."""
    years = sorted({int(d[:4]) for d in r.lex.days if d[:2] in ("19", "20")})
    scored = []
    for year in years:
        found = find_dates(text, default_year=year)
        after, before, _, used = combine_dates(text, found)
        bounds = [(after, before)] if after and before else [(s.low, s.high) for s in used if s.low]
        n = sum(v for d, v in r.lex.days.items() if any(lo <= d < hi for lo, hi in bounds))
        scored.append((n, year, found))
    scored.sort(key=lambda t: -t[0])
    if not scored or scored[0][0] == 0 or len(scored) > 1 and scored[1][0] * 3 > scored[0][0]:
        return spans
    n, year, found = scored[0]
    r.plan.notes.append(f"no year was given for the dates: read as {year}, the year this archive has "
                        f"nearly all of its email for them")
    return found


def _date_label(after: str | None, before: str | None) -> str:
    if after and before:
        return f"{after} .. {before} (exclusive)"
    return f"on or after {after}" if after else f"before {before}"
