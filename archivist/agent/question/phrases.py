"""The phrases of a question that carry one constraint each, found by pattern before names and
dates are read: subject words ('with X in the subject line'), body words ('mentioning X', 'about
X'), attachments ('with a spreadsheet attached'), sender domains ('from @aol.com addresses',
'from outside enron.com') and mailboxes ('in Kaminski's mailbox', 'custodian lay-k').

Each finder returns (role, value, start, end) tuples; the plan reader blanks what they claim so
later readers (dates, people) never read the same words twice.
"""
from __future__ import annotations

import re

from archivist.agent.question.plan import Role

# the words that leave something out ('not counting the forwards', 'other than Ken', 'leaving aside
# his own addresses'): one cue for every reader of an exclusion, each adding what may follow it ('put out'
# and 'set out' are other verbs: 'the notices FERC staff put out from the day after Thanksgiving')
LEAVE_OUT = (r"(?:not\s+counting|not\s+including|exclud(?:e|es|ing)|except(?:\s+for)?|other\s+than|"
             r"(?:leav(?:e|ing)|left)\s+(?:out|aside)|(?:set(?:ting)?|put(?:ting)?)\s+aside|ignor(?:e|ing)|disregard(?:ing)?|"
             r"apart\s+from|aside\s+from|besides|minus|but\s+not)")

# where a free phrase (subject or body words) ends: a cue word that starts the next constraint
END = (r"(?=\s*(?:$|[?.!;,]|(?<!re)(?<!fw)(?<!fwd):\s|(?:(?<=\s)\(|\((?!\w{1,3}\)))(?!\s*(?:or|aka)\s))|\s+[-–—]{1,2}\s|\s+(?:anywhere|at\s+all|first|last|earliest|latest|ever|show|shows|showed|appear|appears|appeared|arrive|arrives|arrived|came|come|comes|in|from|to|by|sent|during|between|before|after|since|on|did|does|do|was|"
       r"were|is|are|has|have|had|that|which|who|whom|when|cc'?d?|bcc|over|within|across|for|until|till|"
       r"through|last|this|and\s+(?:sent|received|cc|copied|were|was|had)|with(?:\s+an?)?\s+(?:attach|spreadsheet|excel|word|pdf))\b)")
PHRASE = r"[\"“']?(?P<x>[^\"”?]{1,80}?)[\"”']?"
SUBJECT_PHRASES = [re.compile(p, re.I) for p in (
    rf"\b(?:with|having|has|had|containing|contains|include|includes|including|that\s+(?:has|had|have))\s+(?:the\s+)?"
    rf"(?:words?\s+|term\s+|phrase\s+)?[\"“']?(?P<x>[^\"”?]{{1,80}}?)[\"”']?\s+in\s+(?:the\s+|its\s+|their\s+|a\s+)?"
    rf"(?:subject(?:\s+lines?|s)?|titles?|subject\s+headings?)\b",
    rf"\b(?:[\"“'](?P<x>[^\"”]{{1,80}})[\"”']|(?P<y>\w+(?:\s+\w+)?))\s+in\s+(?:the\s+|its\s+|their\s+)?(?:subject(?:\s+lines?|s)?|titles?)\b",
    rf"\bsubject(?:\s+lines?|s)?\s+(?:that\s+)?(?:contains?|containing|contained|mentions?|mentioning|mentioned|"
    rf"includes?|including|included|with|reading|read|says?|said|saying|has|had|of|like|about|refers?\s+to|referred\s+to|"
    rf"references?|referenced|names?|named|concerns?|deals?\s+with|is\s+about|was\s+about|"
    rf"(?:is|was|were|are)(?:\s+like)?)\s+(?:the\s+)?(?:words?\s+|term\s+)?{PHRASE}{END}",
    rf"\b(?:titled|entitled|subject(?:\s+line)?\s*:)\s*{PHRASE}{END}",
    rf"\bsubject(?:\s+line)?s?\s+[\"“'](?P<x>[^\"”]{{1,80}})[\"”']",
)]
TEXT_PHRASE = re.compile(
    r"\b(?:mention(?:s|ed|ing)?|talk(?:s|ed|ing)?\s+about|refer(?:s|red)?\s+to|deal(?:s|t|ing)?\s+with|"
    r"(?<=\bto\s)(?:raise|bring\s+up|flag)|"  # 'the first to raise LJM'
    r"br(?:ing|ings|inging|ought)\s+up(?=\s+(?:the\s+)?[A-Z\"“'])|"  # 'when did someone first bring up EnronOnline'
    r"(?:rais(?:e|es|ed|ing)|br(?:ing|ings|inging|ought)\s+up)\s+the\s+(?:subject|topic|issue|matter|question)\s+of|"
    r"touch(?:es|ed|ing)?\s+(?:up)?on|"  # 'raised the subject of 401(k) accounts', 'touched on Dabhol'
    r"that\s+(?:say|says|said|mention|mentions|mentioned|contain|contains|contained|"
    r"discuss|discussed|discusses|talk(?:s|ed)?\s+about|reference|references|referenced|refer(?:s|red)?\s+to|"
    r"use|used|uses)|contain(?:s|ed|ing)?|referr?(?:ing|ed|s)\s+to|referenc(?:e|es|ed|ing)|discuss(?:ing|es|ed)?|talking\s+about|"
    r"about|regarding|concerning|re:?|on\s+the\s+(?:topic|subject|matter)\s+of|with\s+the\s+(?:word|words|term|"
    r"phrase|name)|(?:that|which)\s+(?:had|have|has)\s+the\s+(?:word|words|term))\s+(?:the\s+(?:word|words|term|"
    rf"phrase|name)\s+)?{PHRASE}{END}", re.I)
ATTACHMENT_KIND = {".xls": "xls", ".xlsx": "xls", ".doc": "doc", ".docx": "doc", ".pdf": "pdf","spreadsheet": "xls", "spreadsheets": "xls", "excel": "xls", "xls": "xls", "xlsx": "xls",
                   "word": "doc", "doc": "doc", "docx": "doc", "docs": "doc", "pdf": "pdf", "pdfs": "pdf",
                   "powerpoint": "ppt", "powerpoints": "ppt", "ppt": "ppt", "pptx": "ppt", "presentation": "ppt",
                   "presentations": "ppt"}
KINDS = r"(?P<k>spreadsheets?|excel|\.?xlsx?|\.?docx?|\.?pdf|word|docx?|docs|pdfs?|powerpoints?|pptx?|presentations?)"
# 'with the word "restructuring"' names a word of the text: 'word' is a file only before a file noun
WORD_AS_FILE = r"(?!word\b(?!\s+(?:files?|documents?|docs?|attach\w*)\b))"
FILE_NAME = r"(?P<f>(?!(?:an?|the|any|one)\s)[\w&()'-][\w&()' -]{0,59}?(?<!\s)\.(?:xlsx?|docx?|pdf|pptx?|txt|csv|zip|htm|html|wpd|jpg|gif|tif|msg))"
ATTACHMENT_PHRASES = [re.compile(p, re.I) for p in (
    rf"\b(?:with|having|has|had|that\s+(?:had|has|have)|carrying|including)\s+(?:an?\s+|the\s+|any\s+)?{FILE_NAME}\s+(?:file\s+)?attached\b",
    rf"\battach(?:ed|ing|ment)?\s+(?:named\s+|called\s+)?[\"“']?{FILE_NAME}[\"”']?",
    rf"\b(?:with|having|has|had|that\s+(?:had|has|have)|including|containing|carr(?:y|ied|ies|ying)|contained|included)"
    rf"\s+(?:an?\s+|the\s+|any\s+|some\s+)?{WORD_AS_FILE}{KINDS}\s+(?:files?\s+|documents?\s+|docs?\s+|sheets?\s+|spreadsheets?\s+|workbooks?\s+|attachments?)?"
    rf"(?:attached\b)?",
    rf"(?:\b|(?<=\s)){KINDS}\s+(?:files?\s+|documents?\s+|docs?\s+|spreadsheets?\s+)?attach(?:ed|ments?)\b",
    rf"\b(?:sent|send|sending|attached|attaching|attach)\s+(?:the\s+|a\s+|an\s+|any\s+)?(?:most\s+)?{KINDS}\b(?:\s+(?:files?|documents?|docs?))?",
    rf"\bmost\s+{KINDS}\s+(?:files?|documents?|docs?|attachments?)\b",  # 'sent Gerald Nemec the most Word docs'
    r"\b(?:with|having|has|had|that\s+(?:had|has|have)|carr(?:y|ied|ies|ying)|including|containing)\s+(?:an?\s+|any\s+|some\s+|the\s+)?"
    r"(?:files?\s+|documents?\s+)?attach(?:ed|ments?)(?:\s+files?)?\b",
    r"\b(?:with\s+)?(?:files?|documents?|something)\s+attached\b",
    r"\battachments?\b",
)]
DOMAIN = r"@?(?P<d>[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|net|org|edu|gov|us|co\.uk|uk|ca|de|biz|info))\b"
NOT_DOMAIN = re.compile(
    rf"\b(?:from|by|sent\s+from)?\s*(?:outside(?:\s+of)?|not\s+from|not\s+(?:on\s+|at\s+)?(?:an?\s+)?(?=\S+\s+(?:address|domain|account))|"
    r"non-?|external\s+to|other\s+than|"
    r"(?:not\s+counting|not\s+including|excluding|except(?:\s+for)?|ignoring|leaving\s+(?:out|aside)|setting\s+aside|"
    r"aside\s+from|apart\s+from|without)\s+(?:anything|any|all|the)?\s*(?:e-?mails?|messages?|mail)?\s*(?:from|by|sent\s+from)\s+)"
    rf"\s*(?:the\s+)?{DOMAIN}"
    r"(?:\s+(?:addresses|address|accounts?|domains?|people|senders|users|folks))?", re.I)
DOMAIN_PHRASE = re.compile(
    rf"\b(?:from|by|sent\s+from|senders?\s+(?:at|from)|people\s+at|anyone\s+at|someone\s+at|among|"
    rf"sender(?:['’]?s)?\s+domains?(?:\s*(?:is|of|=|:))?)\s+"
    rf"(?:an?\s+|any\s+|the\s+|anyone\s+|someone\s+|somebody\s+|people\s+|folks\s+)?"
    rf"(?:address(?:es)?\s+(?:at|on|in|ending\s+in)\s+|(?:e-?mail\s+)?domain\s+)?{DOMAIN}"  # 'from the domain velaw.com'
    r"(?:\s+(?:addresses|address|accounts?|domains?|people|senders|users|folks|domain))?", re.I)
TO_DOMAIN_PHRASE = re.compile(r"\b(?:to|cc'?d(?:\s+to)?|copied(?:\s+to)?|addressed\s+to|from\s+or\s+to|to\s+or\s+from|to/from|"
                              r"from/to)\s+(?:(?:anyone|someone|somebody|people|folks)\s+(?:at|from)\s+)?(?:an?\s+|the\s+)?@?"
                              rf"{DOMAIN}(?:\s+(?:address(?:es)?|accounts?|people|folks|domain|users))?", re.I)
WHO_AT = re.compile(  # 'who at news.com emailed Ann most': the people at that domain who wrote (not 'who at
    # news.com was copied', a recipient's domain, which no filter reads)
    rf"\b(?:who|whoever|which\s+(?:one|ones|person|people|persons|senders?)|anybody|everyone|everybody)\s+"
    rf"(?P<at>at\s+{DOMAIN})(?=\s+(?:\w+\s+)?(?:e-?mailed|wrote|sent|mailed|messaged|contacted|e-?mails|writes|sends)\b)", re.I)
TLD_DOMAIN = re.compile(r"(?:\(\s*|\bfrom\s+)(?:any\s+)?(?:addresses\s+)?(?:ending\s+in\s+)?\.(?P<t>edu|gov|mil)\b\s*\)?"
                        r"(?:\s+(?:addresses|address|accounts?|domains?|senders?))?", re.I)
DOMAIN_PEOPLE = re.compile(rf"(?<![\w@.-]){DOMAIN}\s+(?:senders?|people|persons?|staffers?|staff|employees?|users?|"
                           r"correspondents?|folks|lawyers?|attorneys?|writers?|posters?)\b", re.I)
MAILBOX_PHRASES = [re.compile(p, re.I) for p in (
    r"(?:\b(?:in|from|within|inside|across|searching|search|of|for|through|thru|via)\s+)?(?:the\s+)?(?P<who>[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*){0,2}|[a-z][\w.-]*(?:\s+[a-z][\w.-]*)?)"
    r"(?:'s|’s|'|’)\s+(?:\([^()]{1,60}\)\s+)?(?:own\s+|custodial\s+)?(?:mail\s*box|mailbox|inbox|mail|e-?mail\s+box|files|(?<=custodial\s)file|folders?|archive|"
    r"account|box)\b",  # "Rick Buy's (Chief Risk Officer) mailbox", "Rick Buy's custodial mailbox"
    r"\b(?:in|from|within|inside|across)?\s*(?:the\s+)?(?:mail\s*box|mailbox|inbox|custodian|files|archive)\s+(?:of|belonging\s+to)\s+"
    r"(?P<who>[\w.'-]+(?:\s+[\w.'-]+){0,2}?)(?:" + END + r"|(?=\s*\)))",  # '(in the mailbox of Tana Jones)'
    r"\b(?:in|from|within|inside|across)?\s*(?:the\s+)?(?:custodian|mailbox|inbox)\s*:?\s+(?P<who>[a-z]+-[a-z]\d*)\b",
    r"\b(?:(?:per|for|of)\s+)?(?:the\s+)?custodian\s+(?P<who>(?-i:[A-Z][\w'-]+)(?:\s+(?-i:[A-Z][\w'-]+)){0,2})(?=\s*[,:;)?.]|\s+(?:in|during|for|from)\b|$)",  # 'Per custodian Tana Jones,'
    r"\b(?:(?:in|from|within|inside|across)\s+)?(?:the\s+)?(?P<who>[a-z]+-[a-z]\d*|(?-i:[A-Z][\w-]+)(?:\s+(?-i:[A-Z][\w-]+))?|"
    r"[a-z][\w-]+)\s+(?:mail\s*box|mailbox|inbox|custodian(?:\s+(?:files|mail\s*box|mailbox|inbox))?|collection|"
    r"(?:custodial|custodian)\s+(?:files?|collection|records|mail\s*box|mailbox))\b",  # 'the Hayslett collection',
    # 'the Haedicke custodial file', 'the jones-t custodial file', "Mark Haedicke's custodial file" (above)
)]


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WEEKEND = re.compile(r"\b(?:on|over|during|at)\s+(?:the\s+|a\s+)?weekends?\b(?!\s+(?:of|before|after|following|preceding|"
                     r"prior\s+to|right\s+(?:before|after))\b)|\bweekend\s+(?=e-?mails?|messages?|mail|emailer|sender)|"
                     r"\b(?:on|over|during)\s+(?:a\s+)?(?P<d>monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?\b", re.I)


WORKDAYS = re.compile(r"\b(?:(?:excluding|except(?:\s+for)?|not\s+counting|other\s+than|but\s+not|leaving\s+out|without|"
                      r"exclusive\s+of|excl\.?)\s+"
                      r"(?:on\s+)?(?:the\s+)?weekends?|(?:on|during)\s+(?:the\s+)?(?:weekdays|work\s*days|working\s+days|"
                      r"business\s+days))\b", re.I)


def weekdays(question: str) -> list[tuple[Role, str, int, int]]:
    """'on weekends' -> saturday,sunday; 'on a Sunday' -> sunday; 'excluding weekends', 'on
    weekdays' -> monday to friday (the sender's local day)."""
    out = [(Role.WEEKDAY, "monday,tuesday,wednesday,thursday,friday", m.start(), m.end())
           for m in WORKDAYS.finditer(question)]
    return out + [(Role.WEEKDAY, (m.group("d") or "saturday,sunday").lower(), m.start(), m.end())
                  for m in WEEKEND.finditer(question) if not _overlaps(out, m.start(), m.end())]


def attachment(question: str) -> list[tuple[Role, str, int, int]]:
    for pat in ATTACHMENT_PHRASES:
        m = pat.search(question)
        if m is None:
            continue
        groups = m.groupdict()
        if groups.get("f"):
            return [(Role.ATTACHMENT, "name:" + groups["f"].strip(), m.start(), m.end())]
        kind = ATTACHMENT_KIND.get((groups.get("k") or "").lower(), "any")
        return [(Role.ATTACHMENT, kind, m.start(), m.end())]
    return []


# 'in the subject or body': anywhere in the email, words to find (body or subject), no subject words
OR_BODY = re.compile(r"\s*(?:or|and|and/or|/)\s*(?:in\s+)?(?:the\s+|its\s+)?(?:e-?mail\s+|message\s+)?(?:body|bodies|text)\b", re.I)


RAISED_THE = re.compile(r"\b(?:rais(?:e|es|ed|ing)|br(?:ing|ings|inging|ought)\s+up|on)\s+the\s+$", re.I)


def subject_words(question: str) -> list[tuple[Role, str, int, int]]:
    """Words said of the subject line; 'X in the subject or body' is X anywhere (body words)."""
    for pat in SUBJECT_PHRASES:
        if (m := pat.search(question)) and not RAISED_THE.search(question[:m.start()]):  # 'raised the subject of
            # 401(k) accounts': what the emails speak of (TEXT_PHRASE), not the subject line
            text = (m.group("x") if "x" in pat.groupindex and m.group("x") else
                    m.groupdict().get("y") or "").strip(" \"'“”")
            while SUBJECT_LEAD.match(text):
                text = SUBJECT_LEAD.sub("", text, count=1)
            if re.search(r"\w", text):
                anywhere = OR_BODY.match(question, m.end())
                return [(Role.TEXT, _words(text), m.start(), anywhere.end()) if anywhere else
                        (Role.SUBJECT, _words(text), m.start(), m.end())]
    return []


COME_UP = re.compile(r"\b(?:(?:did|does|do)\s+(?:the\s+(?:word|term|name)\s+|the\s+)?(?P<x>[\w'&-]+(?:\s+[\w'&-]+){0,2}?)\s+"
                     r"(?:first\s+|last\s+|ever\s+)?(?:come|show|turn|pop)|(?:which|where|when|time)\s+(?P<y>[\w'&-]+(?:\s+[\w'&-]+){0,2}?)"
                     r"\s+(?:first\s+)?(?:comes|came|shows|showed|turns|turned|pops|popped))\s+up\b", re.I)
# 'was [X] first mentioned', not 'was [copied when Robert Williams] raised': no clause or role word in X
PASSIVE_WORD = r"(?!(?:when|while|where|after|before|who|whom|that|which|copied|cc'?d|bcc'?d|sent|addressed|to|from|by)\b)[\w'&-]+"
PASSIVE = re.compile(r"\b(?:was|were|is|got|has\s+been|had\s+been)\s+(?:the\s+(?:word|term|phrase|name)\s+)?"
                     rf"(?P<x>{PASSIVE_WORD}(?:\s+{PASSIVE_WORD}){{0,3}}?)\s+(?:first\s+|last\s+|ever\s+|initially\s+)?"
                     r"(?:mentioned|discussed|brought\s+up|raised|referenced|named|cited)\b", re.I)
# the verb before 'the word X' ('containing the word ISDA', 'with the term'): part of the phrase
WORD_VERB = r"\b(?:(?:contain(?:s|ed|ing)?|with|has|had|having|have|includ(?:e|es|ed|ing)|us(?:e|es|ed|ing)|" \
            r"mention(?:s|ed|ing)?)\s+)?"
THE_WORD = re.compile(WORD_VERB + r"the\s+(?:word|term|phrase|name)s?\s+(?!of\b)" + PHRASE + END, re.I)  # not "the name of the file"
PAREN_DOMAIN = re.compile(r"(?:(?:\b(?:from|by|at|of)\s+(?:the\s+)?)?(?:(?!(?-i:Which|What|Who|Whom|How|When|Where|The|In|Of)\b)"
                          r"(?-i:[A-Z&][\w&'.-]*)\s+(?:(?:and|of|&)\s+)?){0,5}(?:(?:law\s+)?firm|company|"
                          r"school|group|people|folks|newsletter|emails?|messages?|lawyers?|attorneys?|staff|employees|"
                          r"addresses|senders?)?\s*)?\(\s*(?:anyone\s+|someone\s+|people\s+|anything\s+|addresses\s+|(?:sender\s+)?domain:?\s+)?"
                          r"(?:ending\s+in\s+|at\s+)?@?" + DOMAIN +
                          r"(?:\s+(?:senders?|addresses|people|emails?|domain))?\s*\)", re.I)
SUBJECT_LEAD = re.compile(r"^(?:have|has|had|with|containing|contains|contained|the|a|an|word|words|term|"
                          r"mention(?:s|ed|ing)?|include[sd]?|including|say(?:s|ing)?|said|read(?:s|ing)?|"
                          r"us(?:e|es|ed|ing))\s+", re.I)  # 'mentioned california in the subject': california


def body_words(question: str) -> list[tuple[Role, str, int, int]]:
    out = [(Role.TEXT, _words(m.group("x")), m.start(), m.end()) for m in THE_WORD.finditer(question)]
    out += [(Role.TEXT, _words(m.group("x")), m.start(), m.end("x")) for m in PASSIVE.finditer(question)
            if not _overlaps(out, m.start(), m.end())]  # 'first' stays the question's own word
    out += [(Role.TEXT, _words(m.group("x") or m.group("y")), m.start("x" if m.group("x") else "y"),
             m.end("x" if m.group("x") else "y")) for m in COME_UP.finditer(question)
            if not _overlaps(out, m.start(), m.end())]  # 'when did Dynegy first come up', 'on which LJM comes up'

    if (m := MENTIONS_FIRST.match(question)) and not _overlaps(out, m.start(), m.end()):
        out.append((Role.TEXT, _words(m.group("x")), m.start("x"), m.end()))
    for m in TEXT_PHRASE.finditer(question):
        text = _both(_words(m.group("x")))
        if _overlaps(out, m.start(), m.end()) or m.group(0)[0].isupper() and \
                re.search(r"\b[A-Z][\w&'-]*\s+$", question[:m.start()]):
            continue  # 'Enron Mentions roundups': a word of a name, not the verb
        if text and not re.fullmatch(r"(?:it|this|that|them|these|those|him|her|what|which)", text, re.I):
            out.append((Role.TEXT, text, m.start(), m.end()))
        elif re.fullmatch(r"it|them", text, re.I) and (front := FRONTED.match(question)):
            out.append((Role.TEXT, _words(front.group("x")), front.start("x"), front.end("x")))  # 'Transwestern - how
            # many emails mention it': the topic said first
    return out


# a topic said before the question ('Transwestern - how many emails mention it?')
FRONTED = re.compile(r"^\s*(?P<x>[\w'&.-]+(?:\s+[\w'&.-]+){0,3}?)\s*(?:[-–—:]{1,2}|,)\s+(?=how|what|which|who|when|in|did|do|"
                     r"#|number|count|no\.)", re.I)
# a topic's mentions said first, as a noun ('Napoleonville mentions in nemec-g ... how many')
MENTIONS_FIRST = re.compile(r"^\s*(?P<x>[\w'&.-]+(?:\s+[\w'&.-]+){0,2}?)\s+mentions\b(?=\s*(?:in|from|during|since|between|"
                            r"by|to|[-–—:,]))", re.I)


def _both(text: str) -> str:
    """'both Dynegy and merger' -> 'Dynegy merger' (every word must be there anyway); 'either A or
    B' -> 'A or B'."""
    if m := re.match(r"(both|either)\s+", text, re.I):
        text = text[m.end():]
        if m.group(1).lower() == "both":
            text = re.sub(r"\s+and\s+", " ", text, flags=re.I)
    return text


def phrase_words(text: str) -> str:
    """The words of a phrase that an email must hold (no leading article, no trailing 'project')."""
    return _words(text)


def _words(text: str) -> str:
    """A phrase without its leading article or quotes ('the Dynegy merger' -> 'Dynegy merger')."""
    text = re.sub(r"^(?:the|a|an|any|some|our|their|his|her)\s+", "", text.strip(" \"'“”"), flags=re.I)
    text = re.sub(r"\s+AND\s+", " ", text)  # 'Enron Online AND password': both, as typed for a search engine
    text = re.sub(r"\s*\(\s*(?:or|aka|a\.k\.a\.?|also)\s+([^()]+?)\s*\)", r" or \1", text, flags=re.I)  # 'New Power
    # (or NewPower)': either spelling
    if not re.search(r"[\"“”]", text):  # 'the Sun Devil project': the name is what the emails hold, not 'project'
        text = re.sub(r"(?<=\w)\s+(?:project|deal|matter|issue|issues|situation|affair|business|language|wording|"
                      r"verbiage)$", "", text.strip(),
                      flags=re.I)
    return " ".join(text.split())


AT_COMPANY = re.compile(r"\b(?:someone|anyone|anybody|somebody|people|folks|staff|lawyers)\s+(?:at|from)\s+(?:the\s+)?"
                        r"(?P<c>[A-Z][\w&'-]*(?:\s+(?:&\s+)?[A-Z][\w&'-]*){0,2})")
# 'who at Enron sent the most': the people of that firm who wrote (a sender's verb follows)
WHO_AT_COMPANY = re.compile(r"\b(?i:who|whoever|which\s+(?:one|ones|person|people|persons|senders?))\s+(?P<at>at\s+(?:the\s+)?"
                            r"(?P<c>[A-Z][\w&'-]*(?:\s+(?:&\s+)?[A-Z][\w&'-]*){0,3}))(?=\s+(?:\w+\s+)?(?:e-?mailed|wrote|sent|"
                            r"mailed|messaged|contacted|e-?mails|writes|sends)\b)")
# 'from ISO New England': a name of several capitalised words (the first all capitals) after 'from'
FROM_COMPANY = re.compile(r"\bfrom\s+(?:the\s+)?(?P<c>(?-i:[A-Z]{2,}[\w&'-]*)(?:\s+(?-i:[A-Z][\w&'-]*)){1,3})\b")
COMPANY_PEOPLE = re.compile(r"\b(?P<c>[A-Z][\w&-]*)\s+(?:colleague|co-?worker|employee|staffer|insider)s?(?:['’]s)?(?!\w)|"
                            # 'from Enron addresses', 'from Dynegy people'
                            r"\b(?:from|by)\s+(?:the\s+)?(?P<f>[A-Z][\w&-]*)\s+(?:e-?mail\s+)?(?:addresses|accounts|domains?|"
                            r"people|employees|staff|senders|folks)\b")
WIDEN = re.compile(r"\b(?:counting|including|plus|and|with)\s*$", re.I)
WIDEN_AFTER = re.compile(r"\s+(?:too|also|as\s+well)\b", re.I)
ACCOUNT = re.compile(r"\b(?:from\s+)?(?:his|her|their|an?|the|its)\s+(?P<w>[a-z][\w-]*)\s+(?:account|acct|address|e-?mail\s+address)\b", re.I)
# words that say what kind of account it is, not whose domain: no company
ACCOUNT_KINDS = frozenset("personal private home work business own other old new main second primary secondary "
                          "corporate company office external internal outside regular usual normal email e-mail "
                          "mail web webmail".split())
DOMAIN_LIST = re.compile(r"\b(?:from|by|at)\s+(?P<list>@?[\w-]+(?:\.[\w-]+)*(?:\s*(?:,|/|\bor\b|\band\b)\s*@?[\w-]+(?:\.[\w-]+)*)+)"
                         r"\s+(?:addresses|accounts|domains|emails|users|senders|people)\b", re.I)
OUTSIDE_PEOPLE = frozenset("lawyer lawyers attorney attorneys counsel consultant consultants advisor advisors adviser "
                           "advisers firm firms party parties people person persons sender senders vendor vendors "
                           "contact contacts banker bankers auditor auditors accountant accountants".split())
OUTSIDE = re.compile(r"\b(?P<from>(?:from|by)\s+)?(?:outside|external)\b(?P<org>\s+(?:of\s+)?(?:the\s+)?(?:company|firm|"
                     r"corporation|organi[sz]ation))?(?P<who>\s+(?:senders?|addresses|people|parties|correspondents|contacts|"
                     r"domains?|e-?mails?|mail|messages|msgs))?", re.I)
OUTSIDE_WORD = re.compile(r"\s*(?:[^\w\s]|$)|\s+(?P<w>[a-z]+)", re.I)  # what follows a bare 'outside'


def domains(question: str, known: set[str], main: str | None = None,
            senders: set[str] | None = None) -> list[tuple[Role, str | list[str], int, int]]:
    """'from @aol.com', 'from enron.com addresses' -> sender domain; 'outside enron.com' -> not.
    A company name stands for its domain when the archive has one ('from outside Enron', 'his aol
    account', 'aol or hotmail addresses'); 'outside' alone is outside the archive's own domain."""
    out = [(Role.NOT_DOMAIN, "@" + m.group("d").lower(), m.start(), m.end()) for m in NOT_DOMAIN.finditer(question)]
    for m in PAREN_DOMAIN.finditer(question):  # 'the Goodin MacBride law firm (gmssr.com)'
        if not _overlaps(out, m.start(), m.end()):
            out.append((Role.DOMAIN, "@" + m.group("d").lower(), m.start(), m.end()))
    for m in DOMAIN_LIST.finditer(question):
        items = [company_domain(w.lstrip("@"), known) or (w.lstrip("@").lower() if "." in w else None)
                 for w in re.split(r"\s*(?:,|/|\bor\b|\band\b)\s*", m.group("list"))]
        if items and all(items) and not _overlaps(out, m.start(), m.end()):
            out.append((Role.DOMAIN, ["@" + d for d in items], m.start(), m.end()))
    for m in ACCOUNT.finditer(question):
        if m.group("w").lower() in ACCOUNT_KINDS:
            continue  # 'his personal account' names no company ('personal.ro' is no reading of it)
        if (d := company_domain(m.group("w"), known)) and not _overlaps(out, m.start(), m.end()):
            widen = WIDEN.search(question[max(0, m.start() - 12):m.start()]) or WIDEN_AFTER.match(question[m.end():])
            out.append((Role.ALSO_ACCOUNT if widen else Role.DOMAIN, "@" + d, m.start(),
                        m.end() + (WIDEN_AFTER.match(question[m.end():]).end() if widen and WIDEN_AFTER.match(question[m.end():]) else 0)))
    for m in FROM_COMPANY.finditer(question):  # 'the earliest email from ISO New England': iso-ne.com
        if not _overlaps(out, m.start(), m.end()) and (d := company_domain(m.group("c"), senders or known, whole=True)):
            out.append((Role.DOMAIN, "@" + d, m.start(), m.end()))
    for m in [*AT_COMPANY.finditer(question), *COMPANY_PEOPLE.finditer(question)]:  # 'someone at Arthur
        # Andersen', 'anyone from Mariner Energy', 'which Enron colleague's emails'
        said = m.group("c") or m.group("f") if "f" in m.groupdict() else m.group("c")
        if not _overlaps(out, m.start(), m.end()) and (d := company_domain(said, senders or known)):
            out.append((Role.DOMAIN, "@" + d, m.start(), m.end()))
    for m in re.finditer(r"\b(?:(?i:outside)(?:\s+of)?|non-?|external\s+to|not\s+from|(?i:other\s+than|excluding|except|"
                         r"not\s+counting|apart\s+from|aside\s+from)\s+(?:(?i:anything|any|all|those|ones|e-?mails?|mail)\s+)?"
                         r"(?i:from|by)\s+(?:(?i:internal|in-house|inside)\s+)?|(?i:other\s+than|excluding|except|not\s+counting|"
                         r"apart\s+from|aside\s+from)\s+(?i:internal|in-house))\s*(?:the\s+)?([A-Z]?[a-z]+|[A-Z]+)\b"
                         r"(?:\s+(?:addresses|address|accounts?|domains?|people|senders|users|folks|employees))?",
                         question):
        if m.group(1).lower() in OUTSIDE_PEOPLE:
            continue  # 'outside lawyer', 'outside counsel': people outside the archive's own domain
        if not _overlaps(out, m.start(), m.end()) and (d := company_domain(m.group(1), known)):
            out.append((Role.NOT_DOMAIN, "@" + d, m.start(), m.end()))
    for m in WHO_AT_COMPANY.finditer(question):  # 'who at Enron sent the most ...': its people's mail
        if not _overlaps(out, m.start("at"), m.end("at")) and (d := company_domain(m.group("c"), senders or known,
                                                                                 initials=True)):
            out.append((Role.DOMAIN, "@" + d, m.start("at"), m.end("at")))  # (an organisation: its initials may be its domain)
    for m in TLD_DOMAIN.finditer(question):  # 'from university (.edu) addresses': every sender under .edu
        if not _overlaps(out, m.start(), m.end()):
            out.append((Role.DOMAIN, "@" + m.group("t").lower(), m.start(), m.end()))
    for m in DOMAIN_PEOPLE.finditer(question):  # 'which news.com sender', 'the ferc.fed.us staffers'
        if not _overlaps(out, m.start(), m.end()):
            out.append((Role.DOMAIN, "@" + m.group("d").lower(), m.start(), m.end()))
    for m in TO_DOMAIN_PHRASE.finditer(question):  # 'to a williams.com address', 'from or to anyone at chase.com':
        if not _overlaps(out, m.start("d"), m.end()):  # the recipients' (or either side's) domain, settled by
            out.append((Role.DOMAIN, "@" + m.group("d").lower(), m.start("d"), m.end()))  # firms.recipient_domains
    for m in WHO_AT.finditer(question):
        if not _overlaps(out, m.start("at"), m.end("at")):
            out.append((Role.DOMAIN, "@" + m.group("d").lower(), m.start("at"), m.end("at")))
    for m in DOMAIN_PHRASE.finditer(question):
        if not _overlaps(out, m.start(), m.end()):
            out.append((Role.DOMAIN, "@" + m.group("d").lower(), m.start(), m.end()))
    if main:
        for m in OUTSIDE.finditer(question):
            if (end := _senders_end(question, m)) and not _overlaps(out, m.start(), end):
                out.append((Role.NOT_DOMAIN, "@" + main, m.start(), end))
    return out


def _senders_end(question: str, m: re.Match) -> int | None:
    """Where the words end that say who sent the mail with 'outside' ('from outside the company',
    'outside senders', 'outside counsel', 'mail from outside'); None where 'outside' says what
    something is ('outside valuations')."""
    after = OUTSIDE_WORD.match(question, m.end())
    if m.group("from") or m.group("org") or m.group("who") or after is None or after.group("w") is None \
            or after.group("w").lower() in OUTSIDE_PEOPLE:  # 'outside lawyer': which of them were lawyers no header says
        return m.end()
    return None


def company_domain(word: str, known: set[str], whole: bool = False, initials: bool = False) -> str | None:
    """The archive's domain for a company word ('Kudlow' -> kudlow.com, 'FERC' -> ferc.fed.us,
    'Mariner Energy' -> mariner-energy.com, 'Arthur Andersen' -> andersen.com)."""
    words = re.findall(r"[a-z0-9]+", word.lower())
    inner = [w for w in words[1:] if w not in ("and", "of", "the", "for")]
    short = [words[0] + "-" + "".join(w[0] for w in inner), words[0] + "".join(w[0] for w in inner)] \
        if len(words) > 1 and inner else []  # 'ISO New England' -> iso-ne.com
    for w in ("".join(words), "-".join(words), *short, words[-1] if len(words) > 1 and not whole else ""):
        if w and (d := _domain_of(w, known, acronym=word.strip().isupper())):
            return d
    return _initialism([words[0], *inner], known) if initials and inner else None  # only where the words
    # around say it is a firm: 'Bert Meyers' is no bmc.com


def _initialism(words: list[str], known) -> str | None:
    """A firm's domain made of its partners' initials, as law firms name theirs ('Goodin MacBride':
    gmssr.com for Goodin, MacBride, Squeri, Ritchie & Day; 'Greenberg Traurig': gtlaw.com): the one
    domain whose name is the initials said, then more initials or 'law'/'llp'."""
    if len(words) < 2:
        return None
    initials = "".join(w[0] for w in words)
    tail = re.compile(initials + r"[b-df-hj-np-tv-z]{0,4}(?:-?law|llp)?")
    found = sorted(d for d in known if d.count(".") == 1 and d.endswith((".com", ".net", ".org"))
                   and tail.fullmatch(d.split(".")[0]) and (d.split(".")[0] != initials or len(words) >= 3))
    # not gm.com for two words; 'Silicon Valley Manufacturing Group' is svmg.org
    return found[0] if len(found) == 1 else None


def _domain_of(w: str, known: set[str], acronym: bool = False) -> str | None:
    for tld in ("com", "net", "org"):  # also when only its subdomains write ('us.andersen.com')
        if f"{w}.{tld}" in known or any(d.endswith(f".{w}.{tld}") for d in known):
            return f"{w}.{tld}"
    others = sorted(d for d in known if d.split(".")[0] == w and (d.count(".") <= 2 or acronym and d.endswith(".us")))
    # an agency's acronym may be a state domain's first part ('TNRCC': tnrcc.state.tx.us)
    return others[0] if len(others) == 1 else None


def mailboxes(question: str) -> list[tuple[str, int, int]]:
    """(who, start, end) of 'in X's mailbox', 'mailbox of X', 'custodian lay-k'."""
    out = []
    for pat in MAILBOX_PHRASES:
        for m in pat.finditer(question):
            if not _overlaps(out, m.start(), m.end()):
                out.append((m.group("who").strip(), m.start(), m.end()))
    return out


def _overlaps(found: list[tuple], start: int, end: int) -> bool:
    return any(start < f[-1] and f[-2] < end for f in found)
