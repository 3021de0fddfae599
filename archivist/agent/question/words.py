"""Every word of a question accounted for: the question's frame (words that say what is asked and
how: how many, emails, did, send, the, who, most...), words a constraint restates, words of a
constraint; the rest are named as not used, and a metadata question's figure is then not given.
"""
from __future__ import annotations

import re

from archivist.agent.question.asides import RESTRICTS
from archivist.agent.question.asks import DIRECT_TO, SECOND_TOO
from archivist.agent.question.people import TITLE_WORDS, WEBMAIL, is_first_name
from archivist.agent.question.phrases import phrase_words
from archivist.agent.question.plan import PEOPLE_ROLES, Ask, Constraint, Role, Target, Use, Word
from archivist.agent.question.reading import Reading

TOKEN = re.compile(r"[\w][\w'’.@-]*[\w]|[\w]")

GENERAL = frozenset("""
a an the of in on at to from by for with and or nor any all every each some no not only just also
how many much number count counts total tally often frequently times time what which who whom whose when
where why whether is are was were be been being am do does did done doing has have had having get got
gets getting can could would should will shall may might must please tell me us show list give find
i we you they he she it its his her their them him our my your there here this that these those
e-mail e-mails email emails mail mails message messages memo memos note notes letter letters
correspondence communication communications thread threads item items document documents piece pieces material materials
descending ascending grouped
send sends sent sending write writes wrote written writing e-mailed emailed mailed forward forwarded arrive arrived arrives arriving
forwarding forwards reply replied replies receive received receives receiving exchange exchanged
between during within inside across over under into out about up than then so as
first 1st earliest initial last latest final newest oldest most recent recently ever least more fewest
person people someone somebody anyone anybody everyone individual individuals sender senders recipient
recipients author authors addressee addressees correspondent correspondents contact contacts
mailbox mailboxes inbox inboxes account custodian folder archive archives box custodian's custodians' mailbox's
date day days week weeks month months year years period time
top one two three four five six seven eight nine ten
copied cc cc'd cc'ed bcc bcc'd copy copies cc's ccs cc'es bcc's bccs ccing cc'ing
do did distinct different unique separate individual overall altogether combined
send sent via through using
go went going come came coming originate originated
addressed directed
attached attachment attachments attaching file files
who's what's whats when's whos it's that's there's i'd i'm
address addresses line lines field header headers order ordered ranked rank
whole entire corpus overall altogether own total
body text content contents subject subjects
show shows showed shown up appear appears appeared land landed lands arrive arrived arrives
end ended ending wind winding reach reached reaches turn turned turns
something anything stuff things thing start started starting begin began
terms term regard regards respect
dated dating saw see seen
itself himself herself themselves usually typically normally generally together jointly
largest smallest biggest highest greatest amount
mention mentions mentioned mentioning discussed referenced
pls plz thanks thank thx tia ty like know want wanted need needed wonder wondering curious quick quickly actually
really exactly precisely roughly approximately about around altogether collection dataset corpus archive
anywhere everywhere single one's ever hit hits apart besides except excluding counting including both
inclusive inclusively persons speak speaks spoke speaking
talk talks talked talking refer refers referred carry carried carries carrying contained included
mean meant say said tell staff members member folks team
use used uses using come comes came looking look emailing notice notices notification notifications i.e e.g ie eg
emailer emailers writer writers name local sender's account accounts hear heard hears
hold holds litigation custodian custodians sit sits sitting found other others directly blind-copied
mon tue tues wed thu thur thurs fri sat sun monday tuesday wednesday thursday friday saturday sunday
display enumerate pull fetch retrieve bring produce output print return returns
few several couple ones once twice mr mrs ms dr lot lots mailings postings constantly regularly routinely repeatedly
among amongst else put puts placed brought brings posted correspond corresponds corresponded corresponding
staffer staffers employee employees representative representatives
authored composed penned drafted gotten getting obtained originated issued circulated distributed
either direction directions way ways seems seem seemed kept keeps collect collects collected etc everything
series bunch batch flurry handful
""".split())
FRAME = {
    Ask.TOP: frozenset("most frequently often frequent active prolific busiest biggest heaviest top rank ranked "
                       "ranking greatest highest largest list name names colleague colleagues coworker coworkers "
                       "poster posters common".split()),
    Ask.PEAK: frozenset("busiest most peak highest greatest largest heaviest volume activity active take took takes".split()),
    Ask.COUNT: frozenset("total altogether overall combined".split()),
}


def is_frame(word: str) -> bool:
    """Whether a word is part of any question's frame (numbers count as frame: 'top 5')."""
    w = word.lower().replace("’", "'").strip(".'")
    return w in GENERAL or w.isdigit() or len(w) <= 1


# a question numbered in a list: '1) ', '2. ', '(3) ', 'Q4: ', 'Item 5 - ', and a 'Q:' after it
NUMBERED = re.compile(r"^\s*(?:(?:\(?\d{1,2}[.)]|#\d{1,2}[.:)]?|q\d{1,2}\s*[:.)]|item\s+\d{1,2}\s*[:.)-])\s+)?(?:q\s*:\s*)?", re.I)


ORDER_SAID = re.compile(r"\b(?:descending|ascending|reverse|chronological|ranked|rank|date|sorted|in)\s+$", re.I)  # 'in descending order'


def frame_word(r: Reading, m: re.Match) -> bool:
    """A frame word; a number only as a count ('top 5', '3 people'): '9/11' left unread is no frame;
    nor are the sides of an '=' ("' OR 1=1 --" typed into a question is no constraint)."""
    if (n := NUMBERED.match(r.text)) and m.start() < n.end():
        return True  # '1) Q: how many ...': an item's number in a list of questions
    if not m.group(0).isdigit():
        return is_frame(m.group(0)) or in_label(r, m.start()) or in_note(r, m.start()) \
            or bool(m.group(0).lower() == "order" and ORDER_SAID.search(r.text[:m.start()])) \
            or any(f.start() <= m.start() < f.end() for f in AS_FAR_AS.finditer(r.text)) \
            or bool(IN_PLACE.fullmatch(m.group(0)) and IN_PLACE_AFTER.match(r.text, m.end())) \
            or bool(IMPERATIVE.fullmatch(m.group(0)) and re.fullmatch(r"\W*(?:please\s+|kindly\s+)?", r.text[:m.start()], re.I)) \
            or bool(ACCOUNT_KIND.fullmatch(m.group(0))
                                            and re.match(r"\s+[\w.-]+\s+(?:e-?mail\s+)?(?:account|address)\b|"
                                                         r"\s+(?:e-?mail|account|address)(?:\s+(?:account|address))?"
                                                         r"\s*\(?\s*[\w.'+-]+@",  # 'her home email (x@y.net)'
                                                         r.text[m.end():], re.I))
    if re.match(r"\s*=", r.text[m.end():]) or re.search(r"=\s*$", r.text[:m.start()]):
        return True
    return bool(re.search(r"\b(?:top|first|last|the)\s+$", r.text[:m.start()], re.I)
                or re.match(r"\s+(?:\w+\s+)?(?:people|persons|senders|recipients|names|addresses|emails|messages)\b",
                            r.text[m.end():], re.I))


# a label before the question ('Retention check:', 'for the audit:', "Ben's been asking -"): its
# words say why it is asked, not which emails
LABEL = re.compile(r"^\W*(?P<label>(?:[\w'’-]+\s+){0,3}[\w'’-]+)\s*(?::\s|\s[-–—]\s)")
LABEL_WORDS = frozenset("check audit log retention review question request asking wondering quick fyi chronology record "
                        "checklist item items privilege client legal hold scope "
                        "records purposes purpose inquiry followup follow-up sanity note been boss team legal's".split())


# a purpose said before the question ('For the controls review: how many ...'): why it is asked
PURPOSE = re.compile(r"^\W*(?P<label>(?:for\s+(?:the|my|our|a|an|this)|tracing|thinking\s+about|looking\s+(?:at|into)|"
                     r"researching|reviewing|investigating|examining)\s+[^:?]{2,60}?)\s*(?::\s|\s[-–—]\s)"
                     r"(?=\W*(?:how|who|whom|when|what|which|count|list|give|show|tell|did|does|was|were|is|are|in|on|during)\b)", re.I)


def _says_why(r: Reading, p: re.Match) -> bool:
    """A purpose before the question says why it is asked: nothing in it but constraints the reader
    took ('For a volume chart of Ken Lay's mailbox:') and words that restrict nothing."""
    text = r.text[:p.end("label")]
    for c in r.plan.constraints:
        if c.start < p.end("label"):
            text = text[:c.start] + " " * (min(c.end, len(text)) - c.start) + text[min(c.end, len(text)):]
    return not RESTRICTS.search(text)


def in_label(r: Reading, at: int) -> bool:
    """Whether the word at `at` is in a label before the question, made only of label words, frame
    words and a person's possessive ('Ben's'), with no constraint in it; or in a purpose said before
    it ('For the controls review:'), with no constraint in it."""
    if (p := PURPOSE.match(r.text)) and at < p.end("label") and _says_why(r, p):
        return True
    m = LABEL.match(r.text)
    if not m or at >= m.end("label") or any(c.start < m.end("label") for c in r.plan.constraints):
        return False
    words = re.findall(r"[\w'’-]+", m.group("label"))
    return all(w.lower() in LABEL_WORDS or is_frame(w) or re.fullmatch(r"[A-Z][a-z]+['’]s", w) for w in words)


AS_FAR_AS = re.compile(r"\bas\s+far\s+as\s+(?:the\s+|this\s+|i\s+|we\s+)?(?:\w+\s+)?(?:goes|go|knows?|can\s+tell|shows?)\b|"
                       r"\b(?:per|according\s+to|based\s+on)\s+(?:the|this|these|our)\s+(?:archive|records?|data|e-?mails|mail|"
                       r"collection|production|files)\b", re.I)  # 'per the archive': where the answer comes from
# a note after the question ('I need the count for the chronology.', 'Exact number please.'): why it
# is asked, made of label and frame words only
NOTE = re.compile(r"[?.!]\s+(?P<note>[^?.!]+)[.!]?\s*$")
NOTE_WORDS = frozenset("exact exactly number figure please need needs i i'm i'd we we're it's date count total for "
                       "sure certain confirm double-check".split())


# how the answer should read, in parentheses at the end ('(Names only, order not important.)')
PAREN_NOTE = re.compile(r"\((?P<note>[^()]{3,60})\)\s*[?.!]?\s*$")
ANSWER_WORDS = frozenset("names name only just order ordering important matter matters doesn't does not any "
                         "ranked unranked fine ok okay".split())


def in_note(r: Reading, at: int) -> bool:
    for m, allowed in ((NOTE.search(r.text), LABEL_WORDS | NOTE_WORDS), (PAREN_NOTE.search(r.text), ANSWER_WORDS)):
        if not m or at < m.start("note") or at >= m.end("note") or any(c.end > m.start("note") for c in r.plan.constraints):
            continue
        words = re.findall(r"[\w'’-]+", m.group("note"))
        if all(w.lower().replace("’", "'") in allowed or is_frame(w) for w in words):
            return True
    return False


# a request's verb opening the question ('Identify the individual who ...', 'Please state the number of ...')
IMPERATIVE = re.compile(r"identify|state|provide|determine|indicate|specify|report|confirm|name|tally|calculate|compute",
                        re.I)
# where the mail is, said as a place: 'filed in the taylor-m mailbox', 'back in April 2001'
IN_PLACE = re.compile(r"filed|stored|kept|saved|located|archived|back|way", re.I)
IN_PLACE_AFTER = re.compile(r"\s+(?:away\s+)?(?:in|under|during|around|to|into)\b", re.I)
# the kind of an account the next word names, no constraint of its own: 'from his personal AOL address'
# ('her personal account' alone says which addresses no header tells: not used)
ACCOUNT_KIND = re.compile(r"personal|private|home|work|business|office|old|new|main|other|second|usual|regular", re.I)
APPOSITIVE = TITLE_WORDS | frozenset("general head chief senior junior deputy associate lead the of at in".split())  # 'Mark Taylor in Legal'


def beside_person(r: Reading, word: str) -> bool:
    """Whether a title word stands in a phrase right beside a person or mailbox ('general counsel
    James Derrick's mailbox', 'Richard Shapiro, head of government affairs')."""
    at = r.text.find(word)
    for c in r.plan.of(*PEOPLE_ROLES, Role.MAILBOX, Role.EXCLUDED):
        gap = r.text[c.end:at] if at >= c.end else r.text[at + len(word):c.start]
        if len(gap) <= 40 and re.fullmatch(r"[\s,—–-]*(?:[\w'-]+[\s,—–-]+){0,4}", gap) \
                and all(w.lower() in APPOSITIVE for w in re.findall(r"[\w'-]+", gap)):
            return True
    return False


ATTACHMENT_WORDS = frozenset("spreadsheet spreadsheets excel workbook workbooks word doc docs document documents pdf pdfs "
                             "powerpoint powerpoints presentation presentations deck decks".split())


LEAVING_WORDS = frozenset("leaving leave setting set putting put keeping keep aside out apart ignoring ignore minus".split())


FREQUENCY = frozenset("daily weekly nightly monthly hourly".split())


def _right_before(r: Reading, word: str, constraints: list) -> bool:
    """Whether the word stands right before one of the constraints (a quote mark between)."""
    return any(re.search(rf"\b{re.escape(word)}\s*[\"'“]?\s*$", r.text[:c.start], re.I) for c in constraints)


def _beside(r: Reading, word: str, constraints: list) -> bool:
    """Whether the word stands within a few words of one of the constraints."""
    for m in re.finditer(rf"\b{re.escape(word)}\b", r.text):
        for c in constraints:
            gap = r.text[c.end:m.start()] if m.start() >= c.end else r.text[m.end():c.start]
            if len(gap) <= 30 and len(re.findall(r"[\w'-]+", gap)) <= 3:
                return True
    return False


# mail said by its direction, beside the person it goes from or to: the role read says it
DIRECTION = {**dict.fromkeys(("outgoing", "outbound"), (Role.SENDER,)),
             **dict.fromkeys(("incoming", "inbound"), (Role.RECIPIENT, Role.TO, Role.MAILBOX))}
# the rest of a firm's name after the word its domain was read from ('Lehman Brothers', 'Vinson & Elkins LLP')
FIRM_SUFFIX = frozenset("brothers bros inc inc. co co. corp corp. corporation company llp llc ltd ltd. group partners "
                        "holdings associates plc ag gmbh sa".split())
FIRM_PEOPLE = frozenset("lawyers lawyer attorneys attorney counsel partners consultants bankers analysts staff people "
                        "folks employees reps representatives side".split())


GROUP_PEOPLE = frozenset("academics academic professors researchers scholars regulators officials traders staffers "
                         "students".split())


def _shortly_before(r: Reading, word: str, constraints: list) -> bool:
    """Whether the word stands right before one of the constraints, or a verb of writing before it."""
    return any(re.search(rf"\b{re.escape(word)}\s+(?:(?:who\s+)?(?:writing|sending|e-?mailing|wrote|sent|e-?mailed|"
                         rf"write|send)\s+)?(?:in\s+|with\s+)?$", r.text[:c.start]) for c in constraints)


def _after(r: Reading, word: str, constraints: list) -> bool:
    """Whether the word follows one of the constraints right after it (a closing parenthesis or a
    possessive between: "Enron's side")."""
    return any(re.match(rf"(?:['’]s)?[\s)]*{re.escape(word)}\b", r.text[c.end:]) for c in constraints)


# the words between a parenthesis and the domain it gives: '(anything from a caiso.com address)'
PAREN_LEAD = re.compile(r"\s*(?:(?:anything|any|all|everything|emails?|e-?mail|mail|messages?|sent|from|at|by|a|an|the|"
                        r"i\.e\.|e\.g\.|ie|eg|so|that\s+is|namely|addresses?)[\s,:]+){0,5}[@.]?", re.I)


def _before_a_parenthesised_domain(r: Reading, word: str) -> bool:
    """Whether the word is one of the last four words before a domain said in parentheses (the
    organisation's name, which the domain restates)."""
    for c in r.plan.of(Role.DOMAIN):
        paren = r.text.rfind("(", max(0, c.start - 40), c.end)
        if paren < 0 or not PAREN_LEAD.fullmatch(r.text[paren + 1:c.start]):
            continue
        base = max(0, paren - 60)
        last = list(re.finditer(r"[\w'’.-]+", r.text[base:paren]))[-4:]
        at = next((base + m.start() for m in last if m.group(0) == word), None)
        if at is not None and not any(d is not c and at <= d.start and d.end <= paren for d in r.plan.constraints):
            return True
    return False


def restated(r: Reading, word: str) -> bool:
    """A word the question says twice, once inside a constraint ('credit watch list emails - how many
    with "credit watch" in the subject', 'CERA emails (cera.com)'): accounted for by that constraint."""
    w = word.lower().replace("’", "'")
    if w.removesuffix("'s") in APPOSITIVE and beside_person(r, word):
        return True  # 'general counsel James Derrick', 'Richard Shapiro, head of government affairs'
    if w in LEAVING_WORDS and _beside(r, word, r.plan.of(Role.EXCLUDED, Role.NOT_DOMAIN)):
        return True  # 'Leaving Chris Germany out', 'setting aside anything from @caiso.com'
    if w in FIRM_PEOPLE and r.plan.ask == Ask.FIELD and _after(r, word, r.plan.of(Role.NOT_DOMAIN)):
        return True  # in one described email, 'an outside lawyer': its sender, outside the archive's domain
    if w in FIRM_PEOPLE and _after(r, word, r.plan.of(Role.DOMAIN)):
        return True  # 'Greenberg Traurig (gtlaw.com) lawyers': the people at that domain
    if w in FIRM_PEOPLE | GROUP_PEOPLE and _shortly_before(r, word, r.plan.of(Role.DOMAIN)):
        return True  # 'academics writing from .edu addresses', 'lawyers at velaw.com': the people there
    if w in ("webmail", "web-mail") and any(str(d).lstrip("@") in WEBMAIL for c in r.plan.of(Role.DOMAIN)
                                          for d in (c.value if isinstance(c.value, list) else [c.value])):
        return True  # 'a personal webmail account like AOL, Yahoo or Hotmail': those domains, read
    if w in ("domain", "domains") and r.plan.of(Role.DOMAIN, Role.NOT_DOMAIN):
        return True  # '(sender domain isda.org)': the domain read
    if w in DIRECTION and _beside(r, word, r.plan.of(*DIRECTION[w])):
        return True  # "Jeff Dasovich's outgoing emails": his as sender, read
    if w in FIRM_SUFFIX and _after(r, word, r.plan.of(Role.DOMAIN, Role.NOT_DOMAIN)):
        return True  # 'Lehman Brothers' beside the domain read from 'Lehman'
    if _before_a_parenthesised_domain(r, word):
        return True  # 'the Goodin MacBride lawyers (gmssr.com)', 'University of Texas addresses (utexas.edu)'
    if w in ("copy", "copied", "not", "in") and re.search(r"\bnot\s+(?:in\s+|on\s+)?(?:copy|copied)\b", r.text, re.I) \
            and (r.plan.of(Role.TO) or r.plan.target == Target.TO):
        return True  # '(not copy)': the To line read, not the Cc line
    if w in ("direct", "to-line", "listed", "addressee", "recipient", "recipients") and DIRECT_TO.search(r.text) \
            and (r.plan.of(Role.TO) or r.plan.target == Target.TO):
        return True  # 'as a direct (To) recipient', 'the top To-line recipients': the To line, read
    if w == "since" and re.search(r"\bsince\s+(?:which|what)\s+(?:date|day|time)\b|\bsince\s+when\b", r.text, re.I) \
            and r.plan.ask == Ask.FIRST:
        return True  # 'since which date has X written to Y': when the first one was sent
    if w in ("second", "next", "runner-up", "runner", "up") and r.plan.ask == Ask.TOP and SECOND_TOO.search(r.text):
        return True  # 'and who was second?': the top two asked for
    if w == "per" and r.plan.per is not None:
        return True  # 'per month': the count broken down by it
    if w in ("quarter", "quarters", "qtr") and Target.QUARTER in (r.plan.per, r.plan.target if r.plan.ask == Ask.PEAK else None):
        return True  # 'in which quarter ... the most', 'per quarter': the unit asked for
    if w == "office" and _after(r, word, r.plan.of(Role.SENDER)):
        return True  # "Dan Douglass's office": the mail he (his office) sent, read
    if w in FREQUENCY and _right_before(r, word, r.plan.of(Role.SUBJECT, Role.KIND)):
        return True  # "the daily 'Enron Mentions' emails": how often that mail comes, said of the one read
    if w in ("fw", "fwd", "re") and r.plan.of(Role.FORM):
        return True  # 'forward (FW:)': the subject's mark of a forward, read
    if w in ATTACHMENT_WORDS and r.plan.of(Role.ATTACHMENT):
        return True  # 'how many spreadsheets ... emails with an .xls attached'
    locals_ = {str(a).split("@")[0].lower() for c in r.plan.constraints if isinstance(c.value, list) for a in c.value}
    if w in locals_:
        return True  # 'the SMU Betas list (smu-betas)': the address of the person or list read
    return any(w in re.findall(r"[\w'-]+", f"{c.value if isinstance(c.value, str) else ''} {c.text}".lower())
               for c in r.plan.constraints if c.role != Role.TOPIC) or \
        any(w in (str(c.value) or "").lower().split("@")[-1].split(".") or w.lstrip("@") == str(c.value).lower().lstrip("@")
            for c in r.plan.of(Role.DOMAIN, Role.NOT_DOMAIN))  # 'Kudlow ... at kudlow.com': the domain said again


def account(r: Reading) -> None:
    """Every word of the question: in a constraint, in the frame, or not used. In a question about
    one described email, the words left are the topic that finds it."""
    topic = []
    described = r.plan.ask in (Ask.FIELD, Ask.CONTENT)
    for m in TOKEN.finditer(r.text):
        owner = next((c for c in r.plan.constraints if c.start <= m.start() < c.end), None)
        aside = next((a for a in r.asides if a[0] <= m.start() < a[1]), None)
        if owner is None and aside is not None and not (described and aside[2]):
            r.plan.words.append(Word(m.group(0), m.start(), Use.ASIDE))
        elif owner is not None and owner.role == Role.TOPIC:
            topic.append(m.group(0))
            r.plan.words.append(Word(m.group(0), m.start(), Use.CONSTRAINT, str(Role.TOPIC)))
        elif owner is not None:
            r.plan.words.append(Word(m.group(0), m.start(), Use.CONSTRAINT, str(owner.role)))
        elif frame_word(r, m) or m.group(0).lower() in FRAME.get(r.plan.ask, ()) or restated(r, m.group(0)):
            r.plan.words.append(Word(m.group(0), m.start(), Use.FRAME))
        elif r.plan.ask in (Ask.FIELD, Ask.CONTENT):
            r.plan.words.append(Word(m.group(0), m.start(), Use.CONSTRAINT, str(Role.TOPIC)))
            topic.append(m.group(0))
        else:
            r.plan.words.append(Word(m.group(0), m.start(), Use.UNUSED))
    if topic:
        r.plan.constraints = [c for c in r.plan.constraints if c.role != Role.TOPIC]
        r.plan.constraints.append(Constraint(Role.TOPIC, " ".join(topic), " ".join(topic)))
    for s, e, _ in r.asides:
        if any(w.use == Use.ASIDE and s <= w.start < e for w in r.plan.words):
            r.plan.notes.append(f"'{r.text[s:e].strip(' ,;:-–—()')}' was read as an aside, not as a constraint")
    left = [w for w in r.plan.words if w.use == Use.UNUSED]
    if r.plan.ask in (Ask.FIRST, Ask.LAST) and left and not r.plan.of(Role.TEXT) and _name_the_email(r, left):
        # 'the last Kudlow commentary': the words name the email, so they must appear in it
        for w in left:
            w.use, w.role = Use.CONSTRAINT, str(Role.TEXT)
        words = " ".join(w.text for w in left)
        r.plan.constraints.append(Constraint(Role.TEXT, words, phrase_words(words) or words, left[0].start,
                                             left[-1].start + len(left[-1].text)))
    for c in r.plan.constraints:
        if c.role in PEOPLE_ROLES and not c.known:
            for w in r.plan.words:
                if c.start <= w.start < c.end:
                    w.use = Use.UNUSED


# 'before resigning', 'after Skilling resigned', 'from his wife': an event or a person by relation,
# not words the email holds
EVENT_OR_RELATION = re.compile(r"\b(?:before|after|since|until|till|following|prior\s+to|once|while|without|except|unless)"
                               r"\s+(?:\S+\s+){0,3}$|\b(?:from|to|by|with|for)\s+(?:his|her|their|its|my|our)\s+$", re.I)


def _name_the_email(r: Reading, left: list[Word]) -> bool:
    """Whether the words no constraint read name the email itself ('the last Kudlow commentary'),
    so they must appear in it; not when they tell of an event or of someone by relation."""
    if r.lex is not None and any(is_first_name(r.lex, w.text) for w in left):
        return False  # 'when did vince last email shirley': a person no reader placed, not words the email holds
    return not any(EVENT_OR_RELATION.search(r.text[:w.start]) or EVENT_OR_RELATION.search(f"{w.text} ") for w in left)


KEPT = re.compile(r"(?:the|of|in|a|an|that|this|to|through|thru|until|till)", re.I)  # joining words, never a constraint


def unuse(r: Reading, start: int, end: int, inside: bool = False) -> None:
    """Mark the words in [start, end) not used: frame words there, or (inside) the words of a
    constraint that did not read them; joining words ('the', 'of', 'to') stay as they are."""
    for w in r.plan.words:
        if start <= w.start < end and (w.use == Use.FRAME or inside) and not KEPT.fullmatch(w.text):
            w.use, w.role = Use.UNUSED, ""
