"""Read a question into its QueryPlan: phrases first (subject words, body words, attachments,
domains, mailboxes), then dates, then people with their roles, then what is asked; last, every
word is accounted for (constraint, frame, or not used: question/words.py).

Rules, not a model: the same question always gives the same plan, in milliseconds.
"""
from __future__ import annotations

import re

from archivist.agent.question import phrases
from archivist.agent.question.analyse import (ADDRESS, QUOTED, _longest_exact, _names_with_months, clean_question,
                                              combine_dates)
from archivist.agent.question.asks import classify
from archivist.agent.question.entities import Lexicon, find_people, match_subject, name_words
from archivist.agent.question.people import is_surname, mailbox_of, resolve
from archivist.agent.question.plan import BODY_ONLY, PEOPLE_ROLES, Ask, Constraint, QueryPlan, Role, Target
from archivist.agent.question.roles import role_at
from archivist.agent.question.words import TOKEN, account, is_frame
from archivist.dates import find_dates
from archivist.store.filters import address_of, exact_address

DATE_CUES = re.compile(r"\b(?:between|from|since|before|after|until|till|through|in|on|during|of|by|predates?|predating|"
                       r"starting|beginning|as\s+of|prior\s+to|up\s+to|around|over|within)\s+(?:the\s+)?$", re.I)


# shorthand people type, spelled out before reading (each replacement is a whole token)
SHORTHAND = [(re.compile(p, re.I), s) for p, s in (
    (r"\bw/o\b", "without"), (r"(?<!\w)w/(?=\s|\w)", "with "), (r"\bfr\b(?=\s)", "from"), (r"\bmsgs\b", "messages"),
    (r"\bmsg\b", "message"), (r"\bppl\b", "people"), (r"\baccts?\b", "account"), (r"\s->\s|\s?→\s?", " to "),
    (r"\s&\s", " and "), (r"\bb/w\b|\bbtwn\b", "between"), (r"^#\s*of\b|(?<=\s)#\s*of\b", "number of"),
    (r"\bwk\b", "week"), (r"\bmos\b", "months"), (r"\bcc:ed\b", "cc'd"), (r"\bno\.\s*of\b", "number of"),
)]


def spell_out(text: str) -> str:
    """Shorthand spelled out, outside quotes (a quoted subject stays as typed: 'Gas & Electric') and
    outside addresses and domains ('net@sigma-consultants.fr' keeps its 'fr')."""
    pieces = re.split(r"(\"[^\"]*\"|“[^”]*”|\S*@\S+|\S*\w\.\w\S*)", text)
    for i in range(0, len(pieces), 2):
        for pattern, full in SHORTHAND:
            pieces[i] = pattern.sub(full, pieces[i])
    return " ".join("".join(pieces).split())


class Reading:
    """The question being read: its text, the plan so far, and which characters are claimed."""

    def __init__(self, question: str, lex: Lexicon | None):
        text, self.warnings = clean_question(question)
        self.text = spell_out(text)
        self.lex = lex
        self.plan = QueryPlan(self.text)
        self.claimed: list[tuple[int, int]] = []

    def free(self, start: int, end: int) -> bool:
        return not any(start < b and a < end for a, b in self.claimed)

    def claim(self, c: Constraint) -> None:
        self.plan.constraints.append(c)
        self.claimed.append((c.start, c.end))

    def blanked(self) -> str:
        text = self.text
        for a, b in self.claimed:
            text = text[:a] + " " * (b - a) + text[b:]
        return text


def read_plan(question: str, lex: Lexicon | None = None,
              fallback: tuple[Ask, Target] | None = None) -> QueryPlan:
    """The question's plan; fallback: the ask to use when these rules see a content question but
    another reader saw a metadata one (its words are then accounted for, not guessed)."""
    r = Reading(question, lex)
    _quoted_and_subject(r)
    _attachments(r)
    for role, value, s, e in phrases.weekdays(r.text):
        r.claim(Constraint(role, r.text[s:e], value, s, e, label=value.replace(",", " or ")))
    _addresses(r)
    _domains(r)
    _mailboxes(r)
    _text_phrases(r)
    _dates(r)
    _people(r)
    ask, target, k = classify(r.text, r.blanked(), r.plan)
    if ask == Ask.CONTENT and fallback is not None:
        (ask, target), k = fallback, 1
    r.plan.ask, r.plan.target, r.plan.k = ask, target, k
    r.plan.by_address = ask == Ask.TOP and bool(re.search(r"\baddress(?:es)?\b", r.blanked(), re.I))
    _settle_roles(r)
    _own_domain(r)
    account(r)
    return r.plan


ALL_ADDRESSES = re.compile(r"\b(?:all|any|each|every\s+one)\s+(?:of\s+)?(?:his|her|their|its)\s+(?:e-?mail\s+)?"
                           r"(?:addresses|accounts)\b", re.I)


def _own_domain(r: Reading) -> None:
    """'Kaminski's emails from his AOL account', '(all his addresses)': the sender's identities
    include the ones known only by initial and surname (vkaminski@aol.com). 'Kaminski from
    vkaminski@aol.com': the address named is the one meant."""
    if r.lex is None:
        return
    typed = [c for c in r.plan.of(Role.SENDER) if isinstance(c.value, str) and "@" in c.value]
    for c in r.plan.of(Role.SENDER):
        if not isinstance(c.value, list) or "@" in c.text:
            continue
        if typed:
            c.value, c.label = typed[0].value, f"= '{typed[0].value}' (named in the question)"
        elif r.plan.of(Role.DOMAIN, Role.ALSO_ACCOUNT) or ALL_ADDRESSES.search(r.text):
            c.value = resolve(r.lex, c.text, loose=True).identities or c.value


IN_SUBJECT = re.compile(r"\s+in\s+(?:the\s+|its\s+|their\s+)?subject(?:\s+lines?|s)?\b", re.I)
SUBJECT_CUE = re.compile(r"\b(?:subject(?:\s+line)?|titled|entitled|called|headed|re)\s*:?\s*$", re.I)


def _quoted_and_subject(r: Reading) -> None:
    """Quoted text first (a subject after 'titled' or 'subject', or when one is nearly that text;
    else words the email holds), then unquoted subject phrases."""
    for m in QUOTED.finditer(r.text):
        text = next(g for g in m.groups() if g is not None).strip()
        subject = _subject_of(r.lex, text)
        cued = bool(SUBJECT_CUE.search(r.text[:m.start()]))
        after = IN_SUBJECT.match(r.text[m.end():])  # '"credit watch" in the subject'
        role = Role.SUBJECT if subject or cued or after else Role.TEXT
        start = SUBJECT_CUE.search(r.text[:m.start()]).start() if cued else m.start()
        end = m.end() + (after.end() if after else 0)
        r.claim(Constraint(role, r.text[start:end], subject or text, start, end,
                           label=f"= '{subject}'" if subject else ""))
    for role, value, s, e in phrases.subject_words(r.blanked()):
        at = r.text.lower().find(value.lower(), s)
        if r.lex is not None and at >= 0 and (whole := _longest_exact(r.lex, r.text[at:], value)):
            value, e = whole[1], at + len(whole[0])  # 'titled FW: attacks on the US': past the cut at 'on'
        if r.free(s, e):
            r.claim(Constraint(role, r.text[s:e], value, s, e))


def _subject_of(lex: Lexicon | None, text: str) -> str | None:
    """The archive's subject a quoted text names (misquotes and case forgiven), else None."""
    return match_subject(lex, text) if lex is not None and len(text) >= 3 else None


def _attachments(r: Reading) -> None:
    for role, value, s, e in phrases.attachment(r.text):
        if r.free(s, e):
            r.claim(Constraint(role, r.text[s:e], value, s, e))


def _domains(r: Reading) -> None:
    known = r.lex.domains if r.lex is not None else set()
    main = r.lex.senders.most_common(1)[0][0] if r.lex is not None and r.lex.senders else None
    senders = r.lex.senders.keys() if r.lex is not None else set()
    for role, value, s, e in phrases.domains(r.text, known, main, senders):
        if r.free(s, e) and not ADDRESS.search(r.text[s:e]):
            values = value if isinstance(value, list) else [value]
            r.claim(Constraint(role, r.text[s:e], value, s, e, known=all(_known_domain(v[1:], known) for v in values)))


def _known_domain(domain: str, known: set[str]) -> bool:
    return domain in known or any(d.endswith("." + domain) for d in known)


def _mailboxes(r: Reading) -> None:
    if r.lex is None:
        return
    for who, s, e in phrases.mailboxes(r.text):
        trimmed = False
        while (first := re.match(r"\s*([\w'-]+)\s+", who)) and is_frame(first.group(1)):
            who, trimmed = who[first.end():], True  # 'landed in Dasovich': the name is Dasovich
        if trimmed and (at := r.text.find(who, s)) >= 0:
            s = max(s, at - 3 if r.text[max(0, at - 3):at].lower() == "in " else at)
        box = r.lex.mailboxes.get(who.lower()) or mailbox_of(r.lex, who)
        if box and r.free(s, e):
            r.claim(Constraint(Role.MAILBOX, r.text[s:e], box, s, e, label=f"mailbox {box}"))
    for low, stored in r.lex.mailboxes.items():  # a mailbox named as such: 'kaminski-v'
        for m in re.finditer(rf"(?<![\w.@-]){re.escape(low)}(?![\w@-])", r.text, re.I):
            if r.free(m.start(), m.end()):
                r.claim(Constraint(Role.MAILBOX, m.group(0), stored, m.start(), m.end(), label=f"mailbox {stored}"))


def _addresses(r: Reading) -> None:
    for m in ADDRESS.finditer(r.text):
        if r.free(m.start(), m.end()):
            address = m.group(0).lower().lstrip("'")  # exact, in the archive or not: a count of 0 is true
            r.claim(Constraint(role_at(r.text, m.start(), m.end()), m.group(0), address, m.start(), m.end(),
                               label=f"= '{address}'"))


IN_SUBJECT_ONLY = re.compile(r"\bin\s+(?:an?\s+|the\s+|its\s+)?(?:e-?mail\s+|message\s+)?subject(?:\s+lines?|s)?\b", re.I)
BODY = re.compile(r"\b(?:in|inside|within)\s+(?:the\s+|an?\s+|its\s+|their\s+)?(?:e-?mail\s+|message\s+)?(?:body|bodies|text)\b"
                  r"(?!\s+or\s+subject)", re.I)


def _text_phrases(r: Reading) -> None:
    body_only = bool(BODY.search(r.text)) and not re.search(r"\bsubject\s+or\s+body|\bbody\s+or\s+subject", r.text, re.I)
    subject_only = bool(IN_SUBJECT_ONLY.search(r.text))  # 'when did Dynegy first come up in an email subject'
    for role, value, s, e in phrases.body_words(r.blanked()):
        role = Role.SUBJECT if subject_only else role
        if r.free(s, e) and _content(value):
            r.claim(Constraint(role, r.text[s:e], value, s, e, label=BODY_ONLY if body_only else ""))


def _content(text: str) -> bool:
    return any(not is_frame(w) for w in TOKEN.findall(text))


def _dates(r: Reading) -> None:
    text = r.blanked()
    for s, e in _names_with_months(r.lex, text):
        text = text[:s] + " " * (e - s) + text[e:]
    spans = find_dates(text)
    if any(s.low is None for s in spans) and r.lex is not None:  # 'christmas eve': which year?
        spans = _with_likely_year(r, text, spans)
    after, before, _day, used = combine_dates(text, spans)
    near = [s for s in spans if used and all((s.start, s.end) != (u.start, u.end) for u in used)
            and min(abs(s.end - min(u.start for u in used)), abs(s.start - max(u.end for u in used))) <= 3]
    used = list(used) + near  # 'the winter (dec 01 - feb 02)': the parenthesis says which winter
    for span in spans:
        if all((span.start, span.end) != (u.start, u.end) for u in used):
            r.plan.notes.append(f"'{span.text}' was not used as a date" if span.low else
                                f"I could not tell which year '{span.text}' means")
    if not used:
        return
    start, end = min(s.start for s in used), max(s.end for s in used)
    if cue := DATE_CUES.search(text[:start]):
        start = cue.start()
    r.claim(Constraint(Role.DATE, r.text[start:end].strip(), f"{after or ''}..{before or ''}", start, end,
                       label=_date_label(after, before)))


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


def _people(r: Reading) -> None:
    if r.lex is None:
        return
    _excepted_accounts(r)
    text = re.sub(r"(?<=\w)(?:'s|’s)\b|(?<=s)'(?=\s)", lambda m: " " * len(m.group(0)), r.blanked())
    for e in find_people(r.lex, text, []):
        if not r.free(e.start, e.end) or not name_words(e.text):
            continue
        role = role_at(r.text, e.start, e.end)
        typed = e.value and address_of(e.value) and e.text.lower() == address_of(e.value)
        if e.text.lower().removesuffix("'s") in STOP_NAMES:
            continue  # 'Enron's holiday party': the company, not a person
        if len(name_words(e.text)) == 1 and not is_surname(r.lex, e.text) and not typed:
            if not e.text.islower():  # 'Kudlow': the sender domain kudlow.com
                _company(r, e.text, e.start, e.end)
            continue  # 'to confirm', 'Ken': a word or a first name, not one person
        if not e.known and _company(r, e.text, e.start, e.end):
            continue  # 'Mariner Energy': no person, the company's domain
        if not e.known and e.value is None:
            r.claim(Constraint(role, e.text, None, e.start, e.end, known=False))
            continue
        if typed:  # 'corp.example': exactly that address
            r.claim(Constraint(role, e.text, exact_address(address_of(e.value)), e.start, e.end,
                               label=f"= '{address_of(e.value)}'"))
            continue
        person = resolve(r.lex, e.text)
        if not person.identities and _company(r, e.text.replace(" ", ""), e.start, e.end):
            continue
        r.claim(Constraint(role, e.text, person.identities or None, e.start, e.end, label=person.label,
                           known=bool(person.identities)))
        _several(r, e.text, person)
    _reflexive(r)
    _name_runs(r)
    _cued_surnames(r)
    _own_mailbox(r)


OWN_MAILBOX = re.compile(r"\b(?:in|from|of)?\s*(?:his|her|their)\s+(?:own\s+)?(?:mail\s*box|mailbox|inbox|files)\b", re.I)


EXCEPT_ACCOUNT = re.compile(r"\b(?:apart\s+from|aside\s+from|besides|other\s+than|except(?:\s+for)?|excluding|not\s+counting|"
                            r"skip(?:ping)?|ignor(?:e|ing)|leav(?:e|ing)\s+out)\s+(?:the\s+)?(?P<x>[A-Za-z][^,?]{2,60}?)\s+"
                            r"(?:account|address|mailing\s+list|list|mailings)\b", re.I)


def _excepted_accounts(r: Reading) -> None:
    """'apart from the Enron General Announcements account': that account's addresses leave the
    ranking (an account is no person, so the name finder leaves it)."""
    for m in EXCEPT_ACCOUNT.finditer(r.text):
        want = {w for w in name_words(m.group("x"))}
        found = sorted(a for a, names in r.lex.names.items() if any(want <= set(name_words(n)) for n in names if n))
        if found and r.free(m.start(), m.end()):
            r.claim(Constraint(Role.EXCLUDED, m.group(0), found, m.start(), m.end(), label=", ".join(found[:4])))


REFLEXIVE = re.compile(r"\b(?:other\s+than|besides|apart\s+from|aside\s+from|except(?:\s+for)?|not\s+counting)\s+"
                       r"(?P<w>[A-Za-z]+)\s+(?:herself|himself|themselves)\b", re.I)


def _reflexive(r: Reading) -> None:
    """'in sally beck's mailbox, who other than sally herself got cc'd the most': the mailbox's
    owner leaves the ranking."""
    m = REFLEXIVE.search(r.text)
    boxes = r.plan.of(Role.MAILBOX)
    if not m or not boxes or not r.free(m.start(), m.end()) or r.lex is None:
        return
    owner = re.fullmatch(r"([a-z]+)-([a-z])\d*", str(boxes[0].value).lower())
    if owner and m.group("w").lower().startswith(owner.group(2)):
        person = resolve(r.lex, f"{m.group('w')} {owner.group(1)}")
        if person.identities:
            r.claim(Constraint(Role.EXCLUDED, m.group(0), person.identities, m.start(), m.end(), label=person.label))


def _own_mailbox(r: Reading) -> None:
    """'who was cc'd most on the emails in her mailbox': the mailbox of the one person named."""
    people = [c for c in r.plan.constraints if c.role in (*PEOPLE_ROLES, Role.EXCLUDED, None) and c.value]
    m = OWN_MAILBOX.search(r.text)
    if m and r.free(m.start(), m.end()) and len({c.text for c in people}) == 1 and r.lex is not None:
        if box := mailbox_of(r.lex, people[0].text):
            r.claim(Constraint(Role.MAILBOX, m.group(0).strip(), box, m.start(), m.end(), label=f"mailbox {box}"))
            for c in people:  # 'Skilling custodian: ... in his mailbox': he is named as its owner only
                if c.role is None:
                    c.role, c.value, c.label = Role.MAILBOX, box, f"mailbox {box}"


RUN_WORD = re.compile(r"[A-Za-z][A-Za-z'’.-]*[A-Za-z]")


def _name_runs(r: Reading) -> None:
    """Names the name finder missed ('Ken Lay' for kenneth.lay@enron.com, 'sue mara'): runs of up
    to three words outside the frame, longest first, that one person's names hold (the surname
    exactly); a single word only when it is someone's surname."""
    words = [m for m in RUN_WORD.finditer(r.text) if r.free(m.start(), m.end()) and not is_frame(m.group(0))
             and m.group(0).lower() not in STOP_NAMES]
    i = 0
    while i < len(words):
        for n in (3, 2, 1):
            run = words[i:i + n]
            if len(run) < n or any(not re.fullmatch(r"\s+|,\s*", r.text[a.end():b.start()]) for a, b in zip(run, run[1:])):
                continue
            start, end = run[0].start(), run[-1].end()
            text = r.text[start:end].removesuffix("'s").removesuffix("’s")
            if text.islower() and n == 1 and not is_surname(r.lex, text):
                continue  # a lower-case word alone: only someone's surname
            if n == 1 and (not is_surname(r.lex, text) or ACRONYM.fullmatch(text)):
                if text[0].isupper() and _company(r, text, start, start + len(text)):
                    break
                continue
            person = resolve(r.lex, text)
            if person.identities and (n > 1 or text[0].isupper() or CUED.search(r.text[:start])):
                end = start + len(text)
                r.claim(Constraint(role_at(r.text, start, end), text, person.identities, start, end,
                                   label=person.label))
                _several(r, text, person)
                i += n - 1
                break
        i += 1


ACRONYM = re.compile(r"[A-Z]{2,6}")  # 'NETCO', 'ISDA': a name of a thing, not a person's surname
STOP_NAMES = frozenset("enron california january february march april may june july august september october "
                       "november december monday tuesday wednesday thursday friday saturday sunday".split())


def _several(r: Reading, text: str, person) -> None:
    if person.ambiguous:
        r.plan.notes.append(f"'{text}' matches several people ({', '.join(o.title() for o in person.others)}); "
                            "the answer counts all of them. Which one do you mean?")


def _company(r: Reading, text: str, start: int, end: int) -> bool:
    """Claim a company word as its sender domain when the archive has one ('Kudlow' -> kudlow.com)."""
    domain = phrases.company_domain(text, r.lex.senders.keys())
    if domain:
        r.claim(Constraint(Role.DOMAIN, r.text[start:end], "@" + domain, start, end, label=f"sender domain @{domain}"))
    return bool(domain)


CUED = re.compile(r"\b(?:from|by|to|did|does|has|had|cc|cc'd|and|with|between|when|whom)\s+$", re.I)


def _cued_surnames(r: Reading) -> None:
    """A lower-case surname right after a role word ('did thibodeaux start sending', 'to dasovich'),
    which the name finder leaves alone when it is not capitalised."""
    for m in re.finditer(r"[a-z][a-z'-]+", r.text):
        word = m.group(0).removesuffix("'s")
        end = m.start() + len(word)
        if not r.free(m.start(), end) or is_frame(word) or not CUED.search(r.text[:m.start()]) \
                or not is_surname(r.lex, word):
            continue
        person = resolve(r.lex, word)
        if person.identities:
            r.claim(Constraint(role_at(r.text, m.start(), end), word, person.identities, m.start(), end,
                               label=person.label))
            _several(r, word, person)


TO_ONLY = re.compile(r"\bto:?\s+line(?:\s+only)?\b|\bon\s+the\s+to\s+line\b|\bnot\s+(?:the\s+)?cc'?d?\b|\bnot\s+cc\s+", re.I)


def _settle_roles(r: Reading) -> None:
    """People with no role word: the sender, unless the sender is what is asked for; in a
    question about one described email, words of its content ('the memo on Sibyl Peyer's
    contact details'), like a date with no year ('the November 2 meeting')."""
    asked_sender = r.plan.target == Target.SENDER and r.plan.ask in (Ask.TOP, Ask.FIELD)
    # '(To line only)', 'to X with Y cc'd': the To line, not any recipient
    to_only = bool(TO_ONLY.search(r.text)) or bool(r.plan.of(Role.CC)) \
        or any(re.match(r"\s+directly\b", r.text[c.end:]) for c in r.plan.of(Role.RECIPIENT))
    _coordinated(r)
    for c in list(r.plan.constraints):
        if to_only and c.role == Role.RECIPIENT:
            c.role = Role.TO
        if r.plan.ask == Ask.FIELD and _describes_content(r, c, asked_sender):
            c.role, c.value, c.label, c.known, c.note = Role.TOPIC, c.text, "", True, ""
        elif c.role is None:
            c.role = Role.RECIPIENT if asked_sender else Role.SENDER


def _coordinated(r: Reading) -> None:
    """'to both Greg Whalley and John Lavorato', 'from Lay, Skilling and Fastow': a name joined to
    the one before it by 'and'/'or'/a comma takes its role when nothing around it gives one."""
    people = sorted((c for c in r.plan.constraints if c.role in (*PEOPLE_ROLES, None)), key=lambda c: c.start)
    for before, c in zip(people, people[1:]):
        gap = r.text[before.end:c.start]
        if before.role is not None and re.fullmatch(r"\s*(?:,|and|&|or|,\s*and)\s*(?:also\s+)?", gap, re.I) \
                and (c.role is None or c.role == Role.SENDER and before.role != Role.SENDER and not SENT_AFTER.match(r.text[c.end:])):
            c.role = before.role


SENT_AFTER = re.compile(r"\s*(?:'s|’s)?\s*(?:sent|wrote|send|write|e-?mailed)\b", re.I)


def _describes_content(r: Reading, c: Constraint, asked_sender: bool) -> bool:
    """In a question about one described email, whether a constraint is part of the description of
    its content rather than an exact header ('who put out the notice on the subpoenas from
    Congress': not a sender; 'the PowerPoint presentations about X': not an attachment filter)."""
    yearless = c.role == Role.DATE and any("no year" in n for n in r.plan.notes)
    member = re.match(r"(?:'s|’s)\s+(?:\w+\s+)?(?:group|team|office|department|company|staff|people|desk|assistant|"
                      r"unit|division|lawyers?|counsel)\b", r.text[c.end:], re.I)  # 'Rick Buy's group'
    company = c.role == Role.DOMAIN and c.label.startswith("sender domain")  # 'PGE's Peggy Fowler'
    return c.role is None or yearless or c.role in (Role.ATTACHMENT, Role.TEXT) or bool(member) or company \
        or asked_sender and c.role == Role.SENDER
