"""Read a question into its QueryPlan: phrases first (subject words, body words, attachments,
domains, mailboxes), then dates, then people with their roles (question/mentions.py), then what is
asked; last, every word is accounted for (constraint, frame, or not used: question/words.py).

Rules, not a model: the same question always gives the same plan, in milliseconds.
"""
from __future__ import annotations

import re

from archivist.agent.question import phrases
from archivist.agent.question.analyse import ADDRESS, ASKS_SUBJECT, QUOTED, _longest_exact
from archivist.agent.question.asides import asides
from archivist.agent.question.asks import COUNTED, classify, per_period, top_target
from archivist.agent.question.described_ask import reread as reread_described
from archivist.agent.question.descriptors import titled_name
from archivist.agent.question.date_claims import claim_dates, event_clauses
from archivist.agent.question.date_words import unread_around_dates
from archivist.agent.question.entities import mailbox_matches, match_subject
from archivist.agent.question.firms import affiliations, at_their_domain, described_firms, firms, names_of_the_domain, \
    recipient_domains, typed_domain_said_again
from archivist.agent.question.first_names import first_names
from archivist.agent.question.hours import read_hours
from archivist.agent.question.kinds import forms, kind_words
from archivist.agent.question.lexicon import Lexicon
from archivist.agent.question.mentions import (own_addresses_left_out, own_domain, own_mailbox_said, owned_account,
                                              read_people, settle_roles)
from archivist.agent.question.people import mailbox_of
from archivist.agent.question.plan import BODY_ONLY, Ask, Constraint, QueryPlan, Role, Target
from archivist.agent.question.reading import Reading
from archivist.agent.question.received import named_owner_mailbox, owner_pronoun, pronoun_line, received_in_mailbox
from archivist.agent.question.roles import role_at
from archivist.agent.question.unread import (cc_counted, unread_in_figures, unread_negations, unread_own_mailbox,
                                             unread_exclusions, unread_pronouns, unread_qualifiers)
from archivist.agent.question.words import TOKEN, account, is_frame
from archivist.dates import find_dates
from archivist.store.filters import MARKED


def read_plan(question: str, lex: Lexicon | None = None,
              fallback: tuple[Ask, Target] | None = None) -> QueryPlan:
    """The question's plan; fallback: the ask to use when these rules see a content question but
    another reader saw a metadata one (its words are then accounted for, not guessed)."""
    r = Reading(question, lex)
    r.asides = asides(r.text)  # small talk and hedges first: nothing in them is a constraint
    r.claimed += [(s, e) for s, e, _ in r.asides]
    r.claimed += event_clauses(r.text)  # 'since Enron filed for bankruptcy on 12/2/01': since that day; no
    _quoted_and_subject(r)  # reader takes the event's words ('SEC', 'Skilling') as a constraint
    _attachments(r)
    read_hours(r)
    for role, value, s, e in phrases.weekdays(r.text):
        if not r.free(s, e):
            continue  # a weekday inside a quoted subject ('Meeting on Wednesday, January 2') is the subject's
        r.claim(Constraint(role, r.text[s:e], value, s, e, label=value.replace(",", " or ")))
    _addresses(r)
    _domains(r)
    firms(r, r.typed)
    _mailboxes(r)
    _text_phrases(r)
    claim_dates(r)
    read_people(r)
    affiliations(r)
    at_their_domain(r)
    names_of_the_domain(r)
    typed_domain_said_again(r)
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
    recipient_domains(r)
    own_addresses_left_out(r)
    received_in_mailbox(r)
    owner_pronoun(r)
    named_owner_mailbox(r)
    pronoun_line(r)
    owned_account(r)
    own_domain(r)
    _kept_in(r)
    account(r)
    forms(r)  # 'FW emails': the form, before the unread words are read as a kind of email
    kind_words(r)
    received_in_mailbox(r)  # 'did X get nymex notices': a sender domain the kind words named
    unread_around_dates(r)
    unread_in_figures(r)
    unread_negations(r)
    unread_pronouns(r)
    unread_exclusions(r)
    unread_own_mailbox(r)
    unread_qualifiers(r)
    cc_counted(r)
    return r.plan



FILE_NAME = re.compile(r"[^\n\"“”]{1,120}\.(?:docx?|xlsx?|xls|pdf|pptx?|txt|rtf|csv|zip|wpd|msg|htm|html)", re.I)
IN_SUBJECT = re.compile(r"\s+in\s+(?:the\s+|its\s+|their\s+)?subject(?:\s+lines?|s)?\b", re.I)
SUBJECT_CUE = re.compile(r"\b(?:subject(?:\s+line)?(?:\s+(?:contains?|containing|includes?|including|has|is|reads?|like|=))?|titled|"
                         r"entitled|called|headed|re)\s*:?\s*$", re.I)  # 'where subject contains "TW"'
WORD_CUE = re.compile(rf"{phrases.WORD_VERB}the\s+(?:word|term|phrase|name)s?\s*:?\s*$", re.I)  # 'with the word "X"'


# words and a quoted other spelling in parentheses: 'mentioning negative CTC (or "Neg CTC")'
OR_QUOTED = re.compile(r"\b(?:mention(?:s|ed|ing)?|about|regarding|concerning|discuss(?:es|ed|ing)?|contain(?:s|ed|ing)?|"
                       r"referr?(?:ing|ed|s)\s+to)\s+(?:the\s+)?(?P<x>[\w'&-]+(?:\s+[\w'&-]+){0,3}?)\s*\(\s*(?:or|aka|also)\s+$", re.I)


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
        if role == Role.TEXT and (alt := OR_QUOTED.search(r.text[:m.start()])) and (shut := re.match(r"\s*\)", r.text[m.end():])):
            start, end, text = alt.start("x"), m.end() + shut.end(), f"{alt['x']} or {text}"  # 'negative CTC (or "Neg CTC")'
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
        if not r.free(s, e):
            continue
        label = ""
        if negated := NO_ATTACHMENT.search(r.text[:s]):  # 'not counting the ones with PDF attachments'
            s, value = negated.start(), f"not:{value}"
            label = "none" if value == "not:any" else f"none of type {value[4:].removeprefix('name:')}"
        r.claim(Constraint(role, r.text[s:e], value, s, e, label=label))


# the emails an attachment phrase leaves out: 'NOT counting the ones with PDFs', 'excluding those
# with attachments', 'without any attachment'
NO_ATTACHMENT = re.compile(r"\b(?:" + phrases.LEAVE_OUT + r"\s+(?:(?:the\s+ones|ones|those|"
                           r"any|all|the|e-?mails?|mails?|messages?)\s+)?(?:(?:that\s+(?:have|had|has|carry|carried)|which\s+"
                           r"(?:have|had|has))\s+)?|without\s+(?:any\s+|an?\s+)?|no\s+|(?:did|does|do)\s*(?:not|n't)\s+"
                           r"(?:have|carry)\s+(?:any\s+|an?\s+)?)$", re.I)


def _counted_files(r: Reading) -> None:
    """'how many spreadsheets did X send': the files counted are of that type (an attachment
    constraint, unless one was read already)."""
    m = COUNTED.search(r.text)
    if m and r.free(*m.span("n")) and not r.plan.of(Role.ATTACHMENT):
        kind = phrases.ATTACHMENT_KIND.get(m.group("n").lower().split()[0], "any")
        r.claim(Constraint(Role.ATTACHMENT, m.group("n"), kind, *m.span("n")))


def _domains(r: Reading) -> None:
    known = r.lex.domains if r.lex is not None else set()
    main = r.lex.senders.most_common(1)[0][0] if r.lex is not None and r.lex.senders else None
    senders = r.lex.senders.keys() if r.lex is not None else set()
    for role, value, s, e in phrases.domains(r.text, known, main, senders):
        if r.free(s, e) and not ADDRESS.search(r.text[s:e]):
            values = value if isinstance(value, list) else [value]
            r.claim(Constraint(role, r.text[s:e], value, s, e, known=all(_known_domain(v[1:], known) for v in values)))


KEPT_IN = re.compile(r"\b(?:retained|held|kept|stored|filed|archived|saved|sitting|found)\s+(?P<in>in\s+(?:the\s+)?)?$", re.I)


def _kept_in(r: Reading) -> None:
    """'the emails retained in General Counsel James Derrick's mailbox': the verb says where they
    are kept, the mailbox's words."""
    for c in r.plan.of(Role.MAILBOX):  # ('held in X's mailbox': the verb before the mailbox phrase read with 'in')
        if (m := KEPT_IN.search(r.text[:c.start])) and r.free(m.start(), c.start) \
                and (m["in"] or c.text.lower().startswith("in ")):
            r.claimed.append((m.start(), c.start))
            c.start, c.text = m.start(), r.text[m.start():c.end]


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


SYSTEM_BEFORE = re.compile(r"(?P<w>\b[A-Z][\w'-]+)\s+(?:system|service|mailer|feed|desk|server|robot|bot|alerts?|notices?|"
                           r"newsletter|digest|list|tool|application|app)\s*$")


def _system_named(before: str, address: str) -> re.Match | None:
    """'the Concur system (enron_update@concureworkplace.com)': a system named by a word its
    address holds."""
    m = SYSTEM_BEFORE.search(before)
    return m if m and m["w"].lower() in address.lower() else None


def _named_with(text: str, m: re.Match) -> tuple[int, int]:
    """The span of 'Michael Taylor (e.taylor@enron.com)' or 'Mark Taylor (legal, .taylor@...)': the
    address says which person the name is (the name is not read again as another); else the address's."""
    open_at = text.rfind("(", 0, m.start())
    tail = PAREN_TAIL.match(text, m.end())
    if open_at < 0 or not tail or ")" in text[open_at:m.start()] or len(text[open_at + 1:m.start()]) > 30:
        return m.start(), m.end()
    name = NAME_BEFORE.search(text[:open_at]) or _system_named(text[:open_at], m.group(0))
    if not name or text[open_at + 1:m.start()].strip() and not text[open_at + 1:m.start()].strip().endswith(","):
        return m.start(), m.end()
    return name.start(), tail.end()


RE_LABEL = re.compile(r"\W*$")  # nothing before a label that opens the question
IN_SUBJECT_ONLY = re.compile(r"\bin\s+(?:an?\s+|the\s+|its\s+)?(?:e-?mail\s+|message\s+)?subject(?:\s+lines?|s)?\b", re.I)
BODY = re.compile(r"\b(?:in|inside|within)\s+(?:the\s+|an?\s+|its\s+|their\s+)?(?:e-?mail\s+|message\s+)?(?:body|bodies|text)\b"
                  r"(?!\s+or\s+subject)", re.I)


def _text_phrases(r: Reading) -> None:
    body_only = bool(BODY.search(r.text)) and not re.search(r"\bsubject(?:\s+line)?\s+or\s+(?:in\s+)?(?:the\s+)?body|\bbody\s+or\s+(?:in\s+)?(?:the\s+)?subject",
                                                    r.text, re.I)  # 'whether in the subject or in the body'
    subject_only = any(not phrases.OR_BODY.match(r.text, m.end()) for m in IN_SUBJECT_ONLY.finditer(r.text))
    # 'when did Dynegy first come up in an email subject' (not '... in the subject or body': anywhere)
    for role, value, s, e in phrases.body_words(r.blanked()):
        if RE_LABEL.match(r.text[:s]) and re.match(r"\s*:", r.text[e:]) and re.match(r"(?:re|regarding|concerning)\b", r.text[s:], re.I):
            continue  # 'Re the Napoleonville storage file: how many ... mention Napoleonville': a label, not the words
        role = Role.SUBJECT if subject_only else role
        value, e = _before_a_date(r.text, value, s, e)  # 'mention master netting 11/1-11/15/01': the words, then a date
        value = titled_name(value) or value  # 'mention CPUC President Loretta Lynch by name': her name
        if (alts := ALTERNATIVES.match(r.text, e)) and r.free(e, alts.end()) \
                and not re.search(r"\b(?:to|cc|bcc|from|not|no|subject|body|text|title|line|headers?|message|both)\b",
                                  alts["alts"], re.I):  # '(subject or body)' says where, read elsewhere  # 'SoCal Edison (Edison or SCE)':
            value, e = " or ".join([value, *re.split(r"\s*(?:,|/|\bor\b)\s*", alts["alts"])]), alts.end()  # any of them
        elif (acronym := ACRONYM_AFTER.match(r.text, e)) and r.free(e, acronym.end()) and acronym["alt"] != value:
            value, e = f"{value} or {acronym['alt']}", acronym.end()  # 'EnronOnline (EOL)': either name
        elif spelled := _spelled_out(r.text, value, e):  # 'EPE (El Paso Electric)': the letters said in full
            _unclaim(r, e, spelled.end())
            e = spelled.end()
        if r.free(s, e) and _content(value):
            r.claim(Constraint(role, r.text[s:e], value, s, e, label=BODY_ONLY if body_only else ""))


ACRONYM_AFTER = re.compile(r"\s*\((?P<alt>[A-Z]{2,6})\)")
SPELLED = re.compile(r"\s*\((?P<words>[A-Z][\w&'-]*(?:\s+(?:of|and|&|the|for|de)?\s*[A-Z][\w&'-]*){1,5})\)")


def _spelled_out(text: str, value: str, at: int) -> re.Match | None:
    """'EPE (El Paso Electric)', 'DWR (Department of Water Resources)': an acronym's words in full
    right after it, said again (the acronym is what the emails are searched for)."""
    m = SPELLED.match(text, at)
    if not (m and re.fullmatch(r"[A-Z]{2,6}", value)):
        return None
    initials = "".join(w[0] for w in re.findall(r"[\w&'-]+", m["words"]) if w[0].isupper())
    return m if initials == value else None


def _unclaim(r: Reading, start: int, end: int) -> None:
    """Constraints read inside a span another constraint takes whole (a firm's domain read from
    'El Paso Electric' said as an acronym's words) are dropped."""
    for c in [c for c in r.plan.constraints if start <= c.start and c.end <= end]:
        r.plan.constraints.remove(c)
        r.claimed = [span for span in r.claimed if span != (c.start, c.end)]


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
    return any(not is_frame(w) for w in TOKEN.findall(text)) or bool(MARKED.search(text))  # '401(k)'
