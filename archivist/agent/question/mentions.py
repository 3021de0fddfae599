"""The people a question names, with their roles: names linked to the archive's identities (a
surname alone, a full name, an address typed, a company word read as its domain), the accounts it
leaves out ('apart from his AOL account'), 'his own mailbox', and, once the ask is known, each
person's role settled (to or cc, sender or subject of a described email) and the sender's other
accounts added when the question names a domain.
"""
from __future__ import annotations

import re

from archivist.agent.question.asks import DIRECT, EITHER_ROLE
from archivist.agent.question.descriptors import described_domains, described_people, described_words, take
from archivist.agent.question.entities import find_people
from archivist.agent.question.firms import company_word, said_of_a_firm
from archivist.agent.question.first_names import custodian_name, own_mailbox
from archivist.agent.question.lexicon import name_words
from archivist.agent.question.people import NICKNAMES, TITLE_WORDS, is_surname, organisation_only, resolve
from archivist.agent.question.phrases import LEAVE_OUT
from archivist.agent.question.plan import PEOPLE_ROLES, Ask, Constraint, Role, Target
from archivist.agent.question.reading import Reading
from archivist.agent.question.roles import role_at
from archivist.agent.question.words import is_frame
from archivist.store.filters import address_of, exact_address


ALL_ADDRESSES = re.compile(r"\b(?:all|any|each|every\s+one)\s+(?:of\s+)?(?:his|her|their|its)\s+(?:e-?mail\s+)?"
                           r"(?:addresses|accounts)\b", re.I)


def own_domain(r: Reading) -> None:
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
            name = custodian_name(r.lex, c.text) or c.text  # 'Vince ... from his AOL address': Vince Kaminski's
            c.value = sorted(set(resolve(r.lex, name, loose=True).identities) | set(c.value))  # more, none lost


POSSESSED_ACCOUNT = re.compile(r"(?:'s|’s)\s+(?:(?:personal|private|home|own|old|other|outside)\s+)?$", re.I)


def owned_account(r: Reading) -> None:
    """'sent to Greg Whalley's personal Yahoo address': the recipient's own addresses at that
    domain, not mail from a sender there."""
    for d in [d for d in r.plan.of(Role.DOMAIN) if isinstance(d.value, str)]:
        m = POSSESSED_ACCOUNT.search(r.text[:d.start])
        p = next((c for c in r.plan.of(Role.RECIPIENT, Role.TO, Role.CC, Role.BCC, Role.PARTICIPANT)
                  if m and c.end == m.start() and isinstance(c.value, list)), None)
        at = [a for a in (p.value if p else []) if str(a).split("|")[0].lower().endswith(str(d.value).lower())]
        if p is None or not at:
            continue
        p.value, p.end, p.text = at, d.end, r.text[p.start:d.end]
        p.label = f"{p.label.split(' (')[0]} ({len(at)} address{'es' if len(at) > 1 else ''}: {', '.join(map(str, at))})"
        r.plan.constraints.remove(d)


def read_people(r: Reading) -> None:
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
        if e.text.islower() and len(name_words(e.text)) == 1 and _verb_here(r.text, e.start, e.end):
            continue  # 'how to read the ratio': a verb, not Ian Read
        if len(name_words(e.text)) == 1 and not typed and _in_a_title(r.text, e.start):
            continue  # 'the Daily Environment Report': a word of a longer name, not Houston Outage Report
        if len(name_words(e.text)) == 1 and not is_surname(r.lex, e.text) and not typed:
            if not e.text.islower():  # 'Kudlow': the sender domain kudlow.com
                company_word(r, e.text, e.start, e.end)
            continue  # 'to confirm', 'Ken': a word or a first name, not one person
        if not e.known and company_word(r, e.text, e.start, e.end):
            continue  # 'Mariner Energy': no person, the company's domain
        if not e.known and e.value is None:
            r.claim(Constraint(role, e.text, None, e.start, e.end, known=False))
            continue
        if typed:  # 'corp.example': exactly that address
            r.claim(Constraint(role, e.text, exact_address(address_of(e.value)), e.start, e.end,
                               label=f"= '{address_of(e.value)}'"))
            continue
        person = resolve(r.lex, e.text)
        if not person.identities and (company_word(r, e.text.replace(" ", ""), e.start, e.end)
                                      or organisation_only(r.lex, e.text)):
            continue  # a company's domain, or words of an organisation's name: no person
        r.claim(Constraint(role, e.text, person.identities or None, e.start, e.end, label=person.label,
                           known=bool(person.identities)))
        _several(r, e.text, person)
    _reflexive(r)
    _name_runs(r)
    _cued_surnames(r)
    described_people(r)  # 'Andrew Edison (Enron litigation)': who the person is, not words to find
    described_domains(r)
    described_words(r)  # 'Transwestern (the pipeline)': which Transwestern, not more words to find
    own_mailbox_said(r)
    _to_self(r)


OWN_MAILBOX = re.compile(r"\b(?:in|from|of)?\s*(?:his|her|their)\s+(?:own\s+)?(?:mail\s*box|mailbox|inbox|files|box)\b", re.I)


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


REFLEXIVE = re.compile(r"\b(?:other\s+than|besides|apart\s+from|aside\s+from|except(?:\s+for)?|not\s+counting|excluding)\s+"
                       r"(?:(?:mr|mrs|ms|dr)\.?\s+)?(?P<w>[A-Za-z]+)\s+(?:herself|himself|themselves)\b", re.I)


OWN_ADDRESSES = re.compile(r"\b(?:(?:when|if)\s+(?:i|we|you)\s+)?(?:" + LEAVE_OUT + r"|without)\s+(?:(?:all\s+)?(?:his|her|their)\s+own\s+(?:(?:e-?mail\s+)?(?:addresses|accounts|address|account)|"
                           r"e-?mails|messages|msgs|mails?|notes|sent\s+mail)|(?:him|her|them)sel(?:f|ves))\b", re.I)


def own_addresses_left_out(r: Reading) -> None:
    """'who sent Vince Kaminski the most, when I leave out his own addresses': the one person named
    leaves the ranking (mail he sent himself, from any of his addresses)."""
    m = OWN_ADDRESSES.search(r.text)
    people = [c for c in r.plan.constraints if c.role in PEOPLE_ROLES and isinstance(c.value, list)]
    if not m or len(people) != 1 or not r.free(m.start(), m.end()):
        return
    r.claim(Constraint(Role.EXCLUDED, m.group(0), list(people[0].value), m.start(), m.end(),
                       label=f"{people[0].label.split(' (')[0]}'s own addresses"))


def _reflexive(r: Reading) -> None:
    """'in sally beck's mailbox, who other than sally herself got cc'd the most': the mailbox's
    owner leaves the ranking."""
    m = REFLEXIVE.search(r.text)
    boxes = r.plan.of(Role.MAILBOX)
    if not m or not boxes or r.lex is None:
        return
    owner = re.fullmatch(r"([a-z]+)-([a-z])\d*", str(boxes[0].value).lower())
    said = m.group("w").lower()
    if owner and (said.startswith(owner.group(2)) or said == owner.group(1)):  # 'sally herself', 'Ms. Lokay herself'
        name = r.lex.display(r.lex.owners[boxes[0].value]).split(" <")[0] if said == owner.group(1) \
            and boxes[0].value in r.lex.owners else f"{m.group('w')} {owner.group(1)}"
        person = resolve(r.lex, name)
        if person.identities:
            left = Constraint(Role.EXCLUDED, m.group(0), person.identities, m.start(), m.end(), label=person.label)
            r.plan.constraints.append(left)
            if not take(r, left, m.start(), m.end()):  # the surname read as a sender there is this owner
                r.plan.constraints.remove(left)


TO_SELF = re.compile(r"\b(?:send|sends|sent|sending|e-?mail(?:s|ed|ing)?|wr[io]te(?:\s+to)?|forward(?:s|ed)?)\s+"
                     r"(?:an?\s+(?:e-?mail|message|note)\s+)?(?:to\s+)?(?P<self>himself|herself|themselves)\b", re.I)


def _to_self(r: Reading) -> None:
    """'how many emails did Sally Beck send herself': the one person named is also a recipient."""
    m = TO_SELF.search(r.text)
    people = [c for c in r.plan.constraints if c.role in (Role.SENDER, None) and c.value]
    if m and len(people) == 1 and r.free(*m.span("self")):
        c = people[0]
        r.claim(Constraint(Role.RECIPIENT, m.group("self"), c.value, *m.span("self"), label=c.label))


def own_mailbox_said(r: Reading) -> None:
    """'who was cc'd most on the emails in her mailbox': the mailbox of the one person named."""
    people = [c for c in r.plan.constraints if c.role in (*PEOPLE_ROLES, Role.EXCLUDED, None) and c.value]
    m = OWN_MAILBOX.search(r.text)
    if m and r.free(m.start(), m.end()) and len({c.text for c in people}) == 1 and r.lex is not None:
        if box := own_mailbox(r.lex, people[0].text):
            mine = Constraint(Role.MAILBOX, m.group(0).strip(), box, m.start(), m.end(), label=f"mailbox {box}")
            r.claim(mine)
            for c in people:  # 'Skilling custodian: ... in his mailbox': he is named as its owner only
                if c.role is None:
                    c.role, c.value, c.label = Role.MAILBOX, box, f"mailbox {box}"
                elif c.role == Role.RECIPIENT and GOT_IN_BOX.match(r.text, c.end):  # 'X got in his mailbox':
                    r.plan.constraints.remove(c)  # what reached it, not X named on a header too
                    mine.start, mine.text = c.start, r.text[c.start:m.end()].strip()


GOT_IN_BOX = re.compile(r"(?:'s|’s)?\s*(?:(?:has|have|had|did|does|ever|first|last|also)\s+)*(?:get|gets|got|gotten|"
                        r"getting|receive[sd]?|receiving|had|has|kept|keeps)\s+(?:in|into)\s+(?:his|her|their)\s+(?:own\s+)?"
                        r"(?:mail\s*box|mailbox|inbox)\b", re.I)


RUN_WORD = re.compile(r"(?<![\w'’.-])[A-Za-z][A-Za-z'’.-]*[A-Za-z]")  # whole words ('1st': no 'st')


def _name_runs(r: Reading) -> None:
    """Names the name finder missed ('Ken Lay' for kenneth.lay@enron.com, 'sue mara'): runs of up
    to three words outside the frame, longest first, that one person's names hold (the surname
    exactly); a single word only when it is someone's surname."""
    words = [m for m in RUN_WORD.finditer(r.text) if r.free(m.start(), m.end()) and not is_frame(m.group(0))
             and m.group(0).lower() not in STOP_NAMES]
    lower = not re.search(r"\b[A-Z][a-z]", r.text[1:])  # 'last time thibodeaux sent ...': typed in lower case
    i = 0
    while i < len(words):
        for n in (3, 2, 1):
            run = words[i:i + n]
            if len(run) < n or any(not re.fullmatch(r"\s+|,\s*", r.text[a.end():b.start()]) for a, b in zip(run, run[1:])):
                continue
            start, end = run[0].start(), run[-1].end()
            text = r.text[start:end].removesuffix("'s").removesuffix("’s")
            if text.islower() and n == 1 and (not is_surname(r.lex, text) or _verb_here(r.text, start, end)):
                continue  # a lower-case word alone: only someone's surname
            if n == 1 and (not is_surname(r.lex, text) or ACRONYM.fullmatch(text) or _in_a_title(r.text, start)):
                if text[0].isupper() and company_word(r, text, start, start + len(text)):
                    break
                continue
            person = resolve(r.lex, text)
            if n > 1 and not person.identities and all(w.group(0)[0].isupper() for w in run) \
                    and said_of_a_firm(r.text, start, end) and company_word(r, text, start, start + len(text), firm=True):
                i += n - 1  # 'Goodin MacBride', 'ISO New England': no person, the firm's domain
                break
            arrowed = bool(re.search(r"->|→", r.typed)) and re.match(r"\s+to\s", r.text[end:])  # 'glover->shackleton'
            if person.identities and (n > 1 or text[0].isupper() or CUED.search(r.text[:start]) or arrowed
                                      or (LEADING.match(r.text[:start]) or lower) and SENDS.match(r.text[end:])
                                      or lower and SENT_TO.search(r.text[:start])):
                end = start + len(text)
                r.claim(Constraint(role_at(r.text, start, end), text, person.identities, start, end,
                                   label=person.label))
                _several(r, text, person)
                i += n - 1
                break
        i += 1


# 'kitchen -> whalley, 2001', 'thibodeaux emails to buy': a lower-case surname opening the question
LEADING = re.compile(r"^\W*$")
SENDS = re.compile(r"\s+(?:to|sent|wrote|e-?mailed|e-?mails|messaged|forwarded|cc'?d)\b", re.I)
ACRONYM = re.compile(r"[A-Z]{2,6}")  # 'NETCO', 'ISDA': a name of a thing, not a person's surname
STOP_NAMES = frozenset("one enron california january february march april may june july august september october "
                       "november december monday tuesday wednesday thursday friday saturday sunday".split())


def _several(r: Reading, text: str, person) -> None:
    if person.ambiguous:
        r.plan.notes.append(f"'{text}' matches several people ({', '.join(o.title() for o in person.others)}); "
                            "the answer counts all of them. Which one do you mean?")


CUED = re.compile(r"\b(?:from|by|to|did|does|has|had|cc|cc'd|and|with|between|when|whom)\s+$", re.I)
SENT_TO = re.compile(r"\b(?:send|sent|e-?mail|e-?mailed|wrote|copied|copy)\s+$", re.I)  # 'did judy thorne send nemec'
# (typed in lower case only: 'sent round the final opinion' is no Samuel Round)


# 'how to read the ratio', 'wanted to lay off': 'to' before a verb, not before a person
INFINITIVE = re.compile(r"\b(?:how|want(?:s|ed)?|need(?:s|ed)?|going|trying|tried|try|able|unable|plan(?:s|ned|ning)?|"
                        r"wish(?:es|ed)?|hop(?:e|es|ed|ing)|agree[sd]?|decide[sd]?|whether|what|where|about|used|"
                        r"had|has|have|ought|wanting|needing)\s+to\s+$", re.I)
# 'the agreement to buy Jerry Jordan's shares', 'to buy the plant': a verb taking an object, not Rick Buy
OBJECT_AFTER = re.compile(r"\s+(?:the|a|an|his|her|their|its|our|some|more|back|out|it|them|[A-Z]\w*(?:'s|\s+[A-Z]\w*))\b")
NOUN_TO = re.compile(r"\b(?:agreement|plan|offer|deal|proposal|option|right|decision|attempt|effort|request|way|chance|"
                     r"bid|intent|intention|ability|order|money|time)\s+to\s+$", re.I)


def _verb_here(text: str, start: int, end: int) -> bool:
    """Whether a lower-case word that is also a surname is a verb or a noun here ('how to read', 'the
    agreement to buy Jerry Jordan's shares', 'Siemens's lawyer'), not the person."""
    before = text[:start]
    if re.search(r"\w(?:'s|’s|s')\s+$", before):
        return True  # 'Siemens Westinghouse's lawyer wrote back': a noun after a possessive, not Larry Lawyer
    return bool(INFINITIVE.search(before) or NOUN_TO.search(before)
                or re.search(r"\bto\s+$", before) and OBJECT_AFTER.match(text, end))


HONORIFICS = frozenset("mr mrs ms dr prof evp svp md chief senior".split())


def _in_a_title(text: str, start: int) -> bool:
    """Whether the capitalised word at start is part of a longer capitalised name ('BNA Daily
    Environment Report', 'Los Banos'): a capitalised word beside it that is neither a frame word, a
    title nor a first name ('Mr. Lay', 'CEO Lay', 'When Lay resigned', 'Did Lay Sunday' stay a person)."""
    if not text[start:start + 1].isupper():
        return False
    word_end = start + len(re.match(r"[\w'-]*", text[start:]).group(0))
    after = re.match(r"\s+([A-Z][\w&'-]*)", text[word_end:])  # 'Los Banos': a place, not Steven Los
    if after and not (is_frame(after.group(1)) or after.group(1).lower() in TITLE_WORDS | HONORIFICS
                      or after.group(1).lower().rstrip("'s") in STOP_NAMES):
        return True
    before = re.search(r"([A-Z][\w&'-]*)\s+$", text[:start])
    if not before:
        return False
    word = before.group(1)
    return not (is_frame(word) or word.lower().rstrip(".") in TITLE_WORDS | HONORIFICS or word.lower() in NICKNAMES)


def _cued_surnames(r: Reading) -> None:
    """A lower-case surname right after a role word ('did thibodeaux start sending', 'to dasovich'),
    which the name finder leaves alone when it is not capitalised."""
    for m in re.finditer(r"(?<![\w'’.-])[a-z][a-z'-]+", r.text):  # a whole word ('1st': no name 'st')
        word = m.group(0).removesuffix("'s")
        end = m.start() + len(word)
        if not r.free(m.start(), end) or is_frame(word) or not CUED.search(r.text[:m.start()]) \
                or _verb_here(r.text, m.start(), end) or not is_surname(r.lex, word):
            continue
        person = resolve(r.lex, word)
        if person.identities:
            r.claim(Constraint(role_at(r.text, m.start(), end), word, person.identities, m.start(), end,
                               label=person.label))
            _several(r, word, person)


TO_ONLY = re.compile(DIRECT + r"|\bto:?\s+line(?:\s+only)?\b|\bon\s+the\s+to\s+line\b|\bnot\s+(?:the\s+)?cc'?d?\b|\bnot\s+cc\s+|"
                     r"\bnot\s+(?:in\s+|on\s+)?(?:copy|copied)\b", re.I)


def settle_roles(r: Reading) -> None:
    """People with no role word: the sender, unless the sender is what is asked for; in a
    question about one described email, words of its content ('the memo on Sibyl Peyer's
    contact details'), like a date with no year ('the November 2 meeting')."""
    asked_sender = r.plan.target == Target.SENDER and r.plan.ask in (Ask.TOP, Ask.FIELD)
    # '(To line only)', 'to X with Y cc'd': the To line, not any recipient
    to_only = bool(TO_ONLY.search(r.text)) or bool(r.plan.of(Role.CC)) \
        or any(re.match(r"\s+directly\b", r.text[c.end:]) for c in r.plan.of(Role.RECIPIENT))
    either = r.plan.target == Target.DOCUMENTS and bool(EITHER_ROLE.search(r.text)) \
        and not r.plan.of(Role.RECIPIENT)  # 'Dasovich to Steffes (to or cc)': the 'to or cc' is Steffes's
    _coordinated(r)
    _pronoun_recipient(r)
    _directly_or_copied(r)
    for c in r.plan.of(Role.EXCLUDED):  # 'NOT from Tana Jones': the cue is the exclusion's own words
        if m := NOT_FROM.search(r.text[:c.start]):
            c.start, c.text = m.start(), r.text[m.start():c.end]
            r.claimed.append((c.start, c.end))
    for c in list(r.plan.constraints):
        if to_only and c.role == Role.RECIPIENT:
            c.role = Role.TO
        if r.plan.ask == Ask.FIELD and _describes_content(r, c, asked_sender):
            r.plan.notes = [n for n in r.plan.notes if not n.startswith(f"'{c.text}' matches several people")]
            c.role, c.value, c.label, c.known, c.note = Role.TOPIC, c.text, "", True, ""
        elif c.role is None and any(d.end <= c.start for d in r.plan.of(Role.DOMAIN)) \
                and MAILED_BEFORE.search(r.text[:c.start]):  # 'when did Lemle & Kelleher first email X': the
            c.role = Role.RECIPIENT  # sender is the domain before the verb, X the one written to
        elif c.role is None and _named_in_a_label(r, c):  # 'For the Kaminski case file: ... in Vince Kaminski's
            r.plan.constraints.remove(c)  # mailbox': the label names the custodian the mailbox names again
            r.claimed = [span for span in r.claimed if span != (c.start, c.end)]
        elif c.role is None:  # 'was X on it, to or cc': any recipient
            c.role = Role.RECIPIENT if asked_sender or either else Role.SENDER
    _either(r)


NOT_FROM = re.compile(r"\bnot\s+(?:from|by|sent\s+by)\s+$", re.I)
# 'wrote to Steffes, either directly or copying him': To or Cc, the words part of the recipient
DIRECTLY_OR_COPIED = re.compile(r"\s*,?\s*(?:either\s+)?(?:directly|on\s+the\s+to\s+line)\s+or\s+(?:by\s+)?(?:copying|cc'?ing|"
                                r"cc'?d|copied|on\s+(?:the\s+)?cc)(?:\s+(?:him|her|them|on\s+it))?\b", re.I)


LABEL = re.compile(r"^[^:?]{0,60}?:\s")  # 'For the Kaminski case file: ...'


def _named_in_a_label(r: Reading, c: Constraint) -> bool:
    """A person with no role word inside a label before the question, whose own mailbox the
    question names: the label's words about that custodian, no sender."""
    label = LABEL.match(r.text)
    if r.lex is None or label is None or c.end > label.end():
        return False
    return own_mailbox(r.lex, c.text) in {b.value for b in r.plan.of(Role.MAILBOX)}


def _directly_or_copied(r: Reading) -> None:
    for c in r.plan.of(Role.RECIPIENT, Role.TO):
        if m := DIRECTLY_OR_COPIED.match(r.text, c.end):
            c.role, c.end, c.text = Role.RECIPIENT, m.end(), r.text[c.start:m.end()]
            r.claimed.append((c.start, c.end))


MAILED_BEFORE = re.compile(r"\b(?:e-?mail(?:ed|s)?|wr(?:ite|ote|ites)\s+to|sen(?:d|t|ds)|forward(?:ed|s)?|cc'?d|copied)\s+$", re.I)
# 'Gerald Nemec's most frequent correspondent, i.e. who sent him the most mail': him is the one named
SENT_HIM = re.compile(r"\bwho\s+(?:has\s+|had\s+|ever\s+)?(?:sent|send|wrote\s+to|writes\s+to|e-?mailed|e-?mails|"
                      r"mailed|messaged|contacted)\s+(?:him|her|them)\b", re.I)


def _pronoun_recipient(r: Reading) -> None:
    """The one person named is the recipient when the question asks who sent 'him' or 'her'."""
    people = [c for c in r.plan.constraints if c.role in (*PEOPLE_ROLES, None)]
    asked = SENT_HIM.search(r.text)
    if asked and len(people) == 1 and people[0].role in (Role.SENDER, Role.PARTICIPANT, None) \
            and people[0].start < asked.start():
        people[0].role = Role.RECIPIENT


def _coordinated(r: Reading) -> None:
    """'to both Greg Whalley and John Lavorato', 'from Lay, Skilling and Fastow': a name joined to
    the one before it by 'and'/'or'/a comma takes its role when nothing around it gives one."""
    people = sorted((c for c in r.plan.constraints if c.role in (*PEOPLE_ROLES, None)), key=lambda c: c.start)
    for before, c in zip(people, people[1:]):
        gap = r.text[before.end:c.start]
        joined = re.fullmatch(r"\s*(?:,|and|&|or|,\s*and)\s*(?:also\s+)?"
                              r"(?:(?:mr|mrs|ms|dr|ceo|cfo|coo|president|chairman|vice)\.?\s+)*", gap, re.I)  # '... and CEO Jeff Skilling'
        if joined and before.role is not None \
                and (c.role is None or c.role == Role.SENDER and before.role != Role.SENDER and not SENT_AFTER.match(r.text[c.end:])):
            c.role = before.role
        elif joined and before.role is None and c.role is not None:
            before.role = c.role  # 'both A and B as recipients': the role said after the last name


EITHER_GAP = re.compile(r"\s*,?\s*(?:or|/)\s*", re.I)
SENDERS_GAP = re.compile(r"\s*(?:,|and|&|or|/|,\s*and|,\s*or)\s*", re.I)


def _either(r: Reading) -> None:
    """'to Ben Jacoby or Suzanne Adams', 'from Lay or Skilling': one constraint whose people are
    either of them (for 'and' both must hold, except for senders: an email has one sender, so
    'from Lay and Skilling' is mail from either of them)."""
    people = sorted((c for c in r.plan.constraints if c.role in PEOPLE_ROLES and isinstance(c.value, list)),
                    key=lambda c: c.start)
    for a, b in zip(people, people[1:]):
        gap = SENDERS_GAP if a.role == Role.SENDER else EITHER_GAP
        if a.role == b.role and b in r.plan.constraints and gap.fullmatch(r.text[a.end:b.start]):
            a.value, a.label = list(dict.fromkeys(a.value + b.value)), f"{a.label} or {b.label}"
            a.text, a.end = r.text[a.start:b.end], b.end
            r.plan.constraints.remove(b)
            if m := re.search(r"\beither\s+$", r.text[:a.start], re.I):
                a.text, a.start = r.text[m.start():a.end], m.start()


SENT_AFTER = re.compile(r"\s*(?:'s|’s)?\s*(?:sent|wrote|send|write|e-?mailed)\b", re.I)


# 'fees for Aug/Sep 2001 production', 'the invoice for March volumes': the period the email is about
CONTENT_DATE = re.compile(r"\s*(?:'s\s+)?(?:production|volumes?|deliver(?:y|ies)|flows?|sales|purchases|invoices?|"
                          r"billing|bills|payments?|statements?|nominations?|imbalances?|prices?|pricing|fees|"
                          r"expenses|budget|forecast|numbers|results|earnings|bonus(?:es)?|gas|power|capacity)\b", re.I)


def _describes_content(r: Reading, c: Constraint, asked_sender: bool) -> bool:
    """In a question about one described email, whether a constraint is part of the description of
    its content rather than an exact header ('who put out the notice on the subpoenas from
    Congress': not a sender; 'the PowerPoint presentations about X': not an attachment filter)."""
    yearless = c.role == Role.DATE and any("no year" in n for n in r.plan.notes)
    member = re.match(r"(?:'s|’s)\s+(?:\w+\s+)?(?:group|team|office|department|company|staff|people|desk|assistant|"
                      r"unit|division|lawyers?|counsel)\b", r.text[c.end:], re.I)  # 'Rick Buy's group'
    company = c.role == Role.DOMAIN and c.label.startswith("sender domain")  # 'PGE's Peggy Fowler'
    told = c.role == Role.DATE and CONTENT_DATE.match(r.text[c.end:]) and re.search(r"\bfor\s+(?:the\s+)?$",
                                                                                     r.text[:c.start], re.I)
    unknown = c.role in PEOPLE_ROLES and not c.value  # 'sent the language to Raju Dattani in London': a name
    # the email's text holds, no one in its headers; one word that could be several people ('the Memorandum to
    # Members'): a word of the description
    unknown = unknown or c.role in PEOPLE_ROLES and len(name_words(c.text)) == 1 \
        and any(n.startswith(f"'{c.text}' matches several people") for n in r.plan.notes)
    named_file = c.role == Role.ATTACHMENT and str(c.value).startswith("name:")  # 'the file "x.doc"': exact
    return c.role is None or yearless or told or unknown or c.role == Role.TEXT or bool(member) \
        or c.role == Role.ATTACHMENT and not named_file \
        or company \
        or asked_sender and c.role == Role.SENDER
