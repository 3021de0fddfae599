"""What a question asks for: its Ask (count, list, top-k, first/last, peak month, a field of one
described email, or a content question) and the field the answer reports, read from the words
left once the constraints are blanked out, most specific first.
"""
from __future__ import annotations

import re
from datetime import date

from archivist.agent.question.plan import Ask, QueryPlan, Role, Target

I = re.I
MAIL = (r"(?:circulat\w*|distribut\w*|e-?mails?|mails?|msgs?|mailbox(?:es)?|inbox(?:es)?|messages?|addressed|reached|arrived|landed|memos?|notes?|letters?|notices?|announcements?|replies|reply|"
        r"responses?|answer(?:ed)?|correspondence|sen[dt]|get|gets|getting|hear|heard|ask|tell|told|invite|thank|remind|inform|notify|warn|urge|"
        r"announcement|notification|memo|sending|wr[io]te|written|writing|e-?mail(?:ed|ing)?|forward(?:ed|ing)?|"
        r"repl(?:y|ied)|respond(?:ed)?|cc'?d?|copied|copy|bcc|contact(?:ed)?|receive[ds]?|got|threads?)")
PEAK = re.compile(r"^\s*(?:the\s+)?(?P<u6>month|day|week)\b.*\b(?:most(?!\s+recent)|busiest)\b|"
                  r"\b(?:which|what)\s+(?:calendar\s+|single\s+|one\s+)?(?P<u>month|week|day|date|year|quarter)\b.*\b(?:most(?!\s+recent)|busiest|highest|"
                  r"peak|largest|greatest|heaviest|more)\b|\bbusiest\s+(?P<u2>month|week|day|date)\b|\b(?P<u3>month|day|week)"
                  r"\s+(?:with|that\s+had|had|saw|has)\s+(?:the\s+)?(?:most|highest|largest|greatest)\b|\bmost\b.*\bin\s+"
                  r"(?:which|what)\s+(?P<u4>month|day|week)\b|\bpeak\s+(?P<u5>month|day|week)\b|"
                  r"\b(?P<u7>month|week|year)\s+in\s+which\b.*\b(?:most|busiest)\b", I)  # 'state the month in which X was most active'
TOP = re.compile(r"\bmost\s+(?:often|frequently|commonly)\s+(?:\w+\s+){0,2}?(?:to|with|by|from)\s+whom\b|"  # 'X's emails were most often addressed to whom'
                 r"\bwho(?:m|se)?\b.*\b(?:most(?!\s+of\b|\s+recent)|busiest|more\s+(?:\w+\s+){0,2}than\s+any(?:one|body)|top|frequently|often|usually|typically|main|"
                 r"primary|usual|"
                 r"normally|largest\s+number|greatest\s+number|highest\s+number)\b|\btop\s+(?:\d+|two|three|"
                 r"four|five|ten)?\s*(?:\S+\s+){0,2}(?:senders?|recipients?|correspondents?|people|persons|writers|emailers|"
                 r"addresses|contacts|cc'?d?|names)\b|\b(?:which|what)\s+(?:\d+\s+|two\s+|three\s+|five\s+)?(?:person|"
                 r"people|sender|senders|address|addresses|recipient|recipients|correspondents?|individual|"
                 r"individuals|outside\s+\w+|(?:\w+\s+)?(?:colleagues?|coworkers?|staffers?|staff\s+members?|lawyers?|attorneys?|traders?|"
                 r"analysts?|employees?|executives?|officials?|regulators?|reporters?|bankers?|consultants?|"
                 r"outsiders?|users?|accounts?|firms?|companies|organi[sz]ations?))\b.*\b(?:most|often|frequently)\b|\bmost\s+(?:frequent|active|prolific|"
                 r"common|emails?|messages?)\b.*\b(?:sender|recipient|correspondent|writer|emailer|person|address|"
                 r"contact)s?\b|\b(?:sender|recipient|correspondent|person|address)s?\b.*\bmost\b|\brank\b|"
                 r"\bbiggest\s+(?:sender|emailer|correspondent)s?", I)
K_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
FIRST = re.compile(r"\b(?:first|1st|earliest|initial|oldest)\b", I)
LAST = re.compile(r"\b(?:last|latest|most\s+recent(?:ly)?|final|newest|recent)\b", I)
WHEN = re.compile(r"^\s*(?:so\s+|and\s+)?(?:when\b|date\s+(?!range\b))|\bwhen\s*\??\s*$|[-–—,:]\s*(?:the\s+)?date(?:\s+(?:it\s+was\s+)?sent)?\s*\??\s*$|\bwhat(?:'s|\s+is|\s+was)?\s+(?:the\s+)?(?:date|day|time)\b|\bon\s+(?:which|what)\s+"
                  r"(?:date|day)\b|\bdate\s+(?:of|on|was|did)\b|\bwhich\s+(?:date|day)\b|\bwhen\s+(?:was|did|were|is)\b|"
                  r"\b(?:first|last|earliest|latest)\s+(?:(?:e-?mail|message)\s+(?:date|day)|date)\b", I)  # 'first email date where ...' (not 'his last day')
# the first or last email said to hold words: 'the earliest email that mentions X', 'the first one to mention X'
MENTIONING = re.compile(r"\b(?:first|earliest|last|latest|most\s+recent)\s+(?:e-?mail|message|mail|one|note)\s+"
                        r"(?:that\s+|which\s+|to\s+)?(?:mention(?:s|ed|ing)?|contain(?:s|ed|ing)?|us(?:es|ed|ing)|"
                        r"referr?(?:s|ed|ing)\s+to)\b", I)
PARENTHESES = re.compile(r"\([^()]*\)")
HOW_MANY = re.compile(r"\bhow\s+many\b|\bhow\s+often\b|\bhow\s+much\s+(?:e-?mails?|mails?|messages|msgs|correspondence|communications?)\b|\bcount\s+(?:of|the)\b", I)
COUNT = re.compile(r"\bhow\s+many\b|\bhow\s+often\b|\bnumber\s+of\b|\bcount\b|\btally\b|\bhow\s+much\s+(?:e-?mails?|mails?|messages|msgs|correspondence|communications?)\b|"
                   r"\btotal\b|\bvolume\s+of\b|\bquantity\b", I)
LIST = re.compile(r"^\s*(?:please\s+|can\s+you\s+|could\s+you\s+|pls\s+)?(?:list|show|enumerate|display|give\s+me|find|"
                  r"pull(?:\s+up)?|get\s+me)\b|\b(?:which|what)\s+(?:e-?mails|messages|mails|memos|notes)\b", I)
# verbs that say someone wrote to someone ('who asked Rick Buy whether...'): the sender of that email
ACTS = (r"(?:(?:was|were)\s+(?:organi[sz]ing|running|arranging|announcing|coordinating|hosting|planning|circulating)|"
        r"asked|told|invited|thanked|reminded|informed|notified|warned|urged|congratulated|offered|requested|"
        r"proposed|suggested|praised|complained|announced|alerted|advised|updated|pinged|recommended|"
        r"replied|responded|answered|wanted\s+to\s+know|gave\s+\w+\s+a\s+heads[- ]up|explained|described|reported|"
        r"noted|pointed\s+out|argued|confirmed|complained|objected|insisted|admitted|apologi[sz]ed|questioned|"
        r"raised|flagged|summari[sz]ed|outlined|promised|predicted|estimated|assured|reassured|shared|relayed|"
        r"passed\s+(?:along|on)|sent\s+(?:around|out)|introduced|welcomed|recapped|clarified|requested|"
        r"forwarded|proposed|pitched|briefed|cautioned|recommended|volunteered)")
WHO_SENT = re.compile(r"\bwho\s+(?:had\s+|has\s+|originally\s+|actually\s+)?(?:sent|send|wrote|write|authored|"
                      r"e-?mailed|forwarded|circulated|drafted|distributed|issued|put\s+out)\b|\bfrom\s+whom\b|"
                      r"\bwho\s+(?:was|is)\s+(?:the\s+)?(?:sender|author|originator)\b|\b(?:sender|author|originator)"
                      r"\s+of\b|\bwho\s+(?:was|is)\b.*\bfrom\??$|\bwhose\s+(?:e-?mail|message|memo|note)\b|\bwho\s+did\s+"
                      r".*\bcome\s+from\b|\bwhich\s+(?:person|address|sender)\s+(?:sent|wrote)\b|\bwho\s+was\s+it\s+that\s+sent\b|"
                      r"\bwho\s+(?:at|from|in)\s+[\w&' .-]{1,40}?\s+(?:sent|wrote|e-?mailed|asked|told)\b|"
                      r"\b(?:which|what)\s+(?:[\w&()'.-]+\s+){0,5}(?:people|persons|person|senders?|staff|members|employees|"
                      r"lawyers|folks|individuals)\s+(?:\(\S+\)\s+)?(?:sent|wrote|e-?mailed)\b|"
                      rf"\bwho\s+{ACTS}\b", I)
WHO_CC = re.compile(r"\b(?:who|(?:which|what)\s+(?:other\s+)?(?:people|persons|individuals|colleagues|employees|executives|"
                    r"officers|lawyers|attorneys|managers|staffers|others))\s+(?:all\s+|else\s+)?(?:was|were|got|is|are)\s+(?:all\s+|also\s+)?(?:cc'?d|cc'ed|copied|on\s+(?:the\s+)?cc|"
                    r"on\s+copy|in\s+copy|in\s+(?:the\s+)?cc|carbon)\b|\bwhom?\s+(?:did|does)\b[^()]*\b(?:cc|copy)\b(?!['’]?(?:e?d)\b)|\bcc(?:'d)?\s+(?:list|line)\b|"
                    r"\bwho\s+(?:got|received)\s+(?:a\s+)?(?:(?:copy|copies)(?!\s+of\b)|cc)\b|\bwho\s+(?:was|were)\s+copied\b", I)
GOT_A_COPY_OF = re.compile(r"\bwho\s+(?:all\s+)?(?:got|received|was\s+sent|were\s+sent)\s+(?:a\s+)?cop(?:y|ies)\s+of\b|"
                           r"\bwho\s+(?:else\s+|all\s+)?(?:was|were|is|are)\s+on\s+(?:the|that|this|his|her|their)\s+"
                           r"(?:e-?mail|message|memo|note|letter|mail)\b", I)  # 'who else was on the email X sent': To or Cc
WHO_BCC = re.compile(r"\bwho\s+(?:was|were|got)\s+(?:bcc'?d|bcc'ed|blind)\b|\bbcc\s+(?:list|line)\b", I)
WHO_TO = re.compile(r"\bto\s+whom\b|\b(?:which|what)\s+(?:people|persons|colleagues|individuals|employees)\s+(?:got|received)\b|\bwho\s+(?:was|were)\s+(?:it|the\s+\w+|(?:that|this)(?:\s+(?:e-?mail|message|mail|note|memo|letter))?)?\s*(?:sent|addressed|written|"
                    r"going|directed)\s+to\b|\bwho\s+(?:received|got|were\s+the\s+(?:recipients|addressees)|was\s+the\s+(?:recipient|addressee))\b|"
                    r"\b(?:recipients?|addressees?)\s+of\b|\bwho\s+did\b.*\b(?:send|sent|forward|address|e-?mail|write|mail)\b.*\bto\??$|"
                    r"\bwho\s+(?:was|were)\b.*\b(?:sent|addressed|going|directed)\s+to\??$|\bwho\s+was\s+it\s+(?:sent|addressed)\b|"
                    r"\bwho\s+(?:was|were)\s+on\s+the\s+to\b|\bwho\s+did\b.*\b(?:e-?mail|write\s+to|send\s+it\s+to|message)\??$|"
                    r"(?<!from\s)\b(?:who|whom|which\s+(?:people|person|persons|colleagues))\s+did\s+(?!the\s+(?:e-?mail|message|note|memo)\b)"
                    r".*\b(?:send|sent|forward|address|e-?mail|"
                    r"write|mail|ask|tell|invite|thank|remind|inform|notify|warn|urge|chase|ping|nudge|contact|pester|prod|"
                    r"brief|alert|advise|congratulate|update|press)\b", I)
TO_WHOM = re.compile(r"\bto\s+whom\b|\bwho\s+was\s+it\s+(?:sent|addressed)\s+to\b", I)
WHO_RECEIVED_MOST = re.compile(r"\bwho\s+(?:received|got|was\s+sent|was\s+e-?mailed|was\s+written\s+to)\b|\brecipients?\b|"
                               r"\bwhom?\s+(?:(?:else|besides|apart\s+from|other\s+than|except(?:\s+for)?)\s+)?(?:did|does|has|had)\b(?! (?:sent|written|e-?mailed|mailed|forwarded|messaged|contacted)\b).*\b(?:e-?mail|write|wrote|send|sent|message|contact|"
                               r"correspond|forward|reply|mail|address)\b|\bwrote\s+to\s+whom\b|\bto\s+whom\b", I)
WHO_CC_MOST = re.compile(r"\b(?:cc'?d|cc'ed|copied|copies|copy|on\s+cc|cc)\b", I)
ATTACHED = re.compile(r"\b(?:what|which)\s+(?:was\s+the\s+)?(?:file|files|attachment|attachments|document|documents|"
                      r"spreadsheet|spreadsheets|workbook|presentation)\b|\bwhat\s+(?:was|were|got|did)\b.*\battach|"
                      r"\bname\s+of\s+the\s+(?:attachment|attached|file|spreadsheet|document)|\battachment(?:'s)?\s+(?:name|"
                      r"file\s*name)|\bfile\s*names?\b|\bname\s+of\s+the\s+(?:[\w-]+\s+){0,5}(?:file|attachment|spreadsheet|document|doc|presentation|pdf|"
                      r"xls|excel|word|powerpoint|workbook)\b|\bwhat\s+did\b.*\battach\b|\b(?:which|what)\s+\w+\s+(?:was|were)\s+attached\b|"
                      r"\b(?:what|which)\s+(?:[\w-]+\s+){1,2}did\b.*\battach\b", I)  # 'what memo did he attach'
SUBJECT_ASKED = re.compile(r"\b(?:what|which)(?:'s|\s+(?:is|was|were))?\s+(?:the\s+|its\s+)?(?:e-?mail'?s?\s+)?subject", I)
PLURAL = re.compile(r"\b(?:sent|wrote|e-?mailed|sending|writing)\s+(?:any\s+|the\s+|all\s+the\s+)?(?:e-?mails|messages|"
                    r"memos|notes|letters)\b|\b(?:everyone|everybody|all\s+the\s+(?:people|senders))\b|\bwho\s+all\b|"
                    r"\b(?:in|on|to|into)\s+(?:the|this|that)\s+thread\b", I)  # 'who wrote in the thread X': everyone in it
# 'which people at Swidler Berlin sent email to X': every sender (the words may be a constraint's: 'people at X');
# 'which people got X's notice' stays the recipients of one email
WHICH_PEOPLE = re.compile(r"\b(?:which|what)\s+(?:people|persons|individuals|lawyers|attorneys|employees|colleagues)\b", I)
# 'who wrote about X in May 2001': everyone who did (a period, no one email named), not one email
ONE_EMAIL = re.compile(r"\b(?:the|a|an|this|that|one|single)\s+(?:\w+\s+)?(?:e-?mail|message|memo|note|letter|reply|"
                       r"announcement|notice)\b|\b(?:first|last|earliest|latest)\b", I)
# 'on which days were emails sent in the thread X', 'what dates': every day, a list
DATES = re.compile(r"\b(?:on\s+)?(?:which|what)\s+(?:dates|days)\b", I)
# 'how many emails mentioned X in each month of 2001': the count broken down by the period
PER = re.compile(r"\b(?:each|every|per|by)\s+(?P<u>month|week|year|quarter)\b|\b(?P<u2>month|week|year|quarter)\s+by\s+"
                 r"(?:month|week|year|quarter)\b", I)


def per_period(text: str) -> Target | None:
    """The period a count is broken down by ('each month', 'per week', 'month by month'), or None."""
    m = PER.search(text)
    if m is None:
        return None
    return {"month": Target.MONTH, "week": Target.WEEK, "year": Target.YEAR,
            "quarter": Target.QUARTER}[(m.group("u") or m.group("u2")).lower()]


FIRST_ONE = re.compile(r"\b(?:first|earliest|initial|oldest|last|latest|final|newest)\s+(?:e-?mail|message|note|memo|one|"
                       r"time|mail|date|day)\b", I)
# a question word: without one ('kudlow emails in skilling's mailbox over summer 2001'), a list
ASKING = re.compile(r"\b(?:how|who|whom|whose|what|when|where|which|why|whether|did|does|do|is|are|was|were|"
                    r"has|have|can|could|should|would|count|tally|total|number)\b|\?", I)
BARE_LIST = re.compile(r"(?:^\s*|[-–—:;,]\s*)(?:all\s+|any\s+)?(?:the\s+)?(?:e-?mails|messages|msgs|mails)\b", I)
EITHER_ROLE = re.compile(r"\b(?:to\s*(?:or|/|and)\s*cc|to\s+(?:line\s+)?(?:or|and/or)\s+(?:on\s+)?the\s+cc\b|to\s+(?:or|and/or)\s+(?:copied|cc'?d|cc'ed)|to\s+and\s+cc|to/cc|either\s+to\s+or\s+cc|"
                         r"addressed\s+(?:to\s+)?(?:him\s+|her\s+|them\s+)?(?:or|and/or)\s+(?:copied|cc'?d|cc'ed)|to\s*,\s*cc)\b", I)
DIRECT = r"\bdirect\s+(?:\(\s*to\s*\)\s+)?(?:recipients?|addressees?)\b|\(\s*to\s*\)\s+recipients?\b|\bas\s+(?:an?\s+)?to\s+recipients?\b|\bto-line\b"  # the To line said as a kind of recipient
DIRECT_TO = re.compile(DIRECT + r"|\bnot\s+in\s+copy\b", I)  # the To line said as a kind of recipient
TO_LINE = re.compile(DIRECT + r"|\bto:?\s+(?:line|field)\b|\bon\s+the\s+to\b|\bdirectly\s+to\b", I)


# 'who at the NYISO did X ask', 'who from PG&E asked X': the organisation says where the person is, the
# question is 'who did X ask', 'who asked X'
ORG_AFTER_WHO = re.compile(r"(?i:\b(whom?)\s+(?:at|from|in|with)\s+)(?:(?i:the\s+)?[A-Z][\w&.'-]*(?:\s+[A-Z][\w&.'-]*){0,2})?"
                           r"\s*(?=(?i:did|does|do|was|were|had|has|have|sent|wrote|asked|told|e-?mailed|circulated|"
                           r"forwarded|replied|answered|quoted|offered)\b)")


def without_org(text: str) -> str:
    """The question with 'at the NYISO' after 'who' taken out (same length: spans keep their place)."""
    return ORG_AFTER_WHO.sub(lambda m: m.group(1) + " " * (len(m.group(0)) - len(m.group(1))), text)


# a ranking of mailboxes: 'which custodian's mailbox holds the most ...', 'in whose mailbox are most ...'
MAILBOX_RANK = re.compile(r"\b(?:which|what)\s+(?:(?:top\s+)?(?:\d+|two|three|four|five|ten)\s+)?(?:custodian(?:['’]?s)?|mailbox(?:es)?|inbox(?:es)?|(?:custodian|person|employee)['’]s\s+"
                          r"(?:mailbox|inbox))\b[^?]*?\b(?:most|largest\s+number|highest\s+number|more\s+than\s+any)\b|"
                          r"\bin\s+whose\s+(?:mailbox|inbox)\b[^?]*?\bmost\b|\bwhose\s+(?:mailbox|inbox)\s+(?:has|holds|contains|"
                          r"had|held)\s+(?:the\s+)?most\b|\btop\s+(?:(?:\d+|two|three|four|five|ten)\s+)?(?:mailboxes|custodians|inboxes)\b|"
                          r"\b(?:mailboxes|custodians|inboxes)\s+(?:ranked\s+|sorted\s+|ordered\s+)?by\s+(?:the\s+)?(?:number|count)\b|"
                          # 'how many emails are in each of the custodians' mailboxes ... which has the most'
                          r"\b(?:each|every)\s+(?:of\s+the\s+)?(?:custodians?['’]?s?\s+)?(?:mailboxes|inboxes|custodians)\b[^?]*?\bmost\b", I)


def classify(text: str, blanked: str, plan: QueryPlan) -> tuple[Ask, Target, int]:
    """(ask, target, k) from the question's frame words (blanked: constraints taken out)."""
    text, blanked = without_org(text), without_org(blanked)
    mail = bool(re.search(rf"\b{MAIL}\b|\battach|\bwho\s+{ACTS}\b", text, I))  # not 'when did Skilling resign'
    # 'when did Tana Jones first mention EnronOnline': a person's words are in their emails
    mail = mail or bool(plan.of(Role.TEXT) and plan.of(Role.SENDER, Role.MAILBOX, None))
    scoped = any(c.role != Role.TOPIC for c in plan.constraints)
    if m := PEAK.search(blanked):
        unit = next(u for u in m.groups() if u).lower()
        return Ask.PEAK, {"month": Target.MONTH, "year": Target.YEAR, "week": Target.WEEK,
                          "quarter": Target.QUARTER}.get(unit, Target.DATE), 1
    if MAILBOX_RANK.search(blanked):  # 'which custodian's mailbox holds the most emails from X'
        return Ask.TOP, Target.MAILBOX, _k(text)
    top = TOP.search(blanked) or TOP.search(text) and not plan.of(Role.SUBJECT, Role.TEXT)  # 'which outside senders...most'
    if top and (not HOW_MANY.search(blanked) or re.match(r"\s*(?:so\s+)?who\b", blanked, I)):
        return Ask.TOP, top_target(blanked, plan), _k(text)
    if ((first := FIRST.search(blanked)) or LAST.search(blanked)) and not HOW_MANY.search(blanked):
        if mail and (WHEN.search(blanked) or re.search(r"\b(?:what|which|show|find|give|list|who)\b", blanked, I)
                     or FIRST_ONE.search(blanked)):  # 'earliest email that mentions dynegy', 'last one sent'
            target = _first_target(text, blanked)
            if target in (Target.SENDER, Target.TO, Target.CC, Target.BCC, Target.RECIPIENT) and plan.of(Role.TEXT) \
                    and MENTIONING.search(text):  # 'who sent the earliest email that mentions a rate freeze'
                return (Ask.FIRST if first else Ask.LAST), target, 1
            if target in (Target.ATTACHMENTS, Target.SENDER, Target.TO, Target.CC, Target.BCC, Target.RECIPIENT):
                return Ask.FIELD, target, 1  # 'what file did X attach to her first email pitching Y': one described email
            return (Ask.FIRST if first else Ask.LAST), target, 1
    if COUNT.search(PARENTHESES.sub(lambda m: " " * len(m.group(0)), blanked)) and (mail or scoped):
        # 'judy thorne to gerald nemec, how many since May?'; not '(NRG buy, total org 7077 $)', an email's words
        return Ask.COUNT, counted(text, blanked, plan), 0
    if DATES.search(blanked) and mail and scoped:
        return Ask.LIST, Target.DATE, 0  # every day the matching emails were sent on
    if (field := _field(text, blanked)) is not None and mail:
        if field in (Target.SENDER, Target.RECIPIENT, Target.TO, Target.CC) and \
                (PLURAL.search(blanked) or field == Target.SENDER and (WHICH_PEOPLE.search(text) or _over_a_period(blanked, plan))):
            return Ask.TOP, field, 0  # 'who wrote emails about X': everyone, with their counts
        return Ask.FIELD, field, 1
    if (LIST.search(blanked) or BARE_LIST.search(blanked) or not ASKING.search(blanked) and scoped) and mail:
        return Ask.LIST, Target.DOCUMENTS, 0
    return Ask.CONTENT, Target.DOCUMENTS, 0


def _over_a_period(blanked: str, plan: QueryPlan) -> bool:
    """'who wrote about X in May 2001': a sender asked over a period of more than a week, with
    only words to find (no person, no one email named): everyone who did."""
    dates = [c for c in plan.constraints if c.role == Role.DATE and isinstance(c.value, str)]
    others = [c for c in plan.constraints if c.role not in (Role.DATE, Role.TEXT, Role.TOPIC, None)]
    if len(dates) != 1 or others or not plan.of(Role.TEXT, Role.TOPIC) or ONE_EMAIL.search(blanked) \
            or not re.fullmatch(r"\s*who\s+(?:wrote|sent|e-?mailed)\b[\s?.!]*", blanked, I):
        return False
    low, _, high = dates[0].value.partition("..")
    try:
        return (date.fromisoformat(high[:10]) - date.fromisoformat(low[:10])).days > 7
    except ValueError:
        return False


COUNTED = re.compile(r"\b(?:how\s+many|number\s+of|count\s+(?:of\s+)?(?:the\s+)?)\s*(?:different\s+|distinct\s+|unique\s+|"
                     r"separate\s+|individual\s+)?(?P<n>people|persons|individuals|senders|recipients|addressees|"
                     r"correspondents|contacts|addresses|attachments|attached\s+files|files|spreadsheets|pdfs|presentations|"
                     r"powerpoints|word\s+(?:documents|docs|files)|days|dates)\b", I)

EMAILS_COUNTED = re.compile(r"(?:#|\bnumber\s+of|\bcount\s+of|\bhow\s+many)\s*(?:e-?mails|messages|msgs)\b", I)


def counted(text: str, blanked: str, plan: QueryPlan) -> Target:
    """What a count counts: emails, or the people or files in them ('how many different people did
    X email': the recipients; 'how many senders ...'; 'how many attachments did X send')."""
    m = COUNTED.search(text)
    if m is None:
        return Target.DOCUMENTS
    noun = m.group("n").lower()
    if EMAILS_COUNTED.search(text, m.end()):  # 'how many pdfs came in (# emails w/ pdf attached)': emails
        return Target.DOCUMENTS
    if noun in ("attachments", "attached files", "files", "spreadsheets", "pdfs", "presentations", "powerpoints") \
            or noun.startswith("word"):
        return Target.ATTACHMENTS
    if noun in ("days", "dates"):  # 'on how many different days did X write'
        return Target.DATE
    if noun == "senders":
        return Target.SENDER
    if noun in ("recipients", "addressees"):
        return Target.RECIPIENT
    if re.search(r"\bbcc'?d\b|\bblind", blanked, I):
        return Target.BCC
    if re.search(r"\bcc'?d?\b|\bcc'ed\b|\bcopied\b", blanked, I):
        return Target.CC
    return Target.RECIPIENT if plan.of(Role.SENDER) else Target.SENDER


def _field(text: str, blanked: str) -> Target | None:
    if ATTACHED.search(text):
        return Target.ATTACHMENTS
    if SUBJECT_ASKED.search(text):
        return Target.SUBJECT
    if re.search(r"\bfrom\s+whom\b", blanked, I):
        return Target.SENDER
    if GOT_A_COPY_OF.search(blanked):
        return Target.RECIPIENT  # 'who received a copy of the file X': everyone it went to, To or Cc
    for pattern, target in ((TO_WHOM, Target.TO), (WHO_BCC, Target.BCC), (WHO_CC, Target.CC), (WHO_TO, Target.TO),
                            (WHO_SENT, Target.SENDER)):
        if pattern.search(blanked):
            return target
    return Target.DATE if WHEN.search(blanked) else None


def top_target(blanked: str, plan: QueryPlan) -> Target:
    if m := re.search(r"\bwho\b[^?]*\b(?:was|were|got|gets|get|getting|is|are)\s+(?:\w+\s+)?(?P<c>copied|cc'?d|bcc'?d)\b|"
                      r"\b(?:who|which\s+(?:person|people|one|individual|colleague))\s+(?:was|were|is|are)\s+(?:the\s+)?"
                      r"(?:most\s+often\s+|most\s+frequently\s+|usually\s+|most\s+)?"
                      r"(?:on|in)\s+(?:the\s+)?(?P<l>cc|bcc|copy)\b", blanked, I):  # 'who was most often on the cc line'
        if m.group("l"):  # 'which person was the most often in cc', 'in copy'
            return Target.BCC if m.group("l").lower() == "bcc" else Target.CC
        return Target.BCC if m.group("c").lower().startswith("b") else Target.CC  # 'who was copied on them most often'
    if plan.of(Role.SENDER) and re.search(r"\b(?:people|persons|recipients|colleagues|contacts)\s+(?:\w+\s+){0,4}?(?:e-?mailed|"
                                          r"wrote\s+to|sent\s+(?:e-?mails?\s+|mail\s+|messages?\s+)?to|contacted|messaged|addressed|"
                                          r"(?:did|does|do)\s+(?:\w+\s+)*(?:e-?mail|write\s+to|send\s+(?:mail\s+)?to|"
                                          r"contact|message|write))\b", blanked, I):
        # 'the top two people Jim Steffes emailed'; '... emailed most often (To line)': that line only
        return Target.TO if TO_LINE.search(blanked) and not EITHER_ROLE.search(blanked) else Target.RECIPIENT
    return _top_target_words(blanked, plan)


def _top_target_words(blanked: str, plan: QueryPlan) -> Target:
    if plan.of(Role.CC, Role.BCC) and re.search(r"\b(?:who|which)\b[^?]*\b(?:cc'?d|copied|bcc'?d|copies|cc'?s|ccs|"
                                                r"cc'es|bcc'?s|bccs|carbon[- ]copies|blind[- ]copies)\b", blanked, I):
        return Target.SENDER  # 'which two people cc'd Sally Beck most': the ones who sent those emails
    if re.search(r"\bbcc'?d\b|\bblind[- ]copied\b", blanked, I):
        return Target.BCC
    # one space only: in the blanked text a name leaves several ('who has X sent the most to': recipients)
    if re.search(r"\b(?:who|which (?:person|individual|one|sender|colleague|employee)) (?:(?:has |had )?"
                 r"(?:sent|wrote|written|e-?mailed|put|placed|addressed|listed|posted)|(?:did|does) (?:send|write|e-?mail))\b|\bsenders\s+of\b|\b(?:people|persons|"
                 r"individuals|colleagues|correspondents)\s+(?:who\s+)?(?:writing|sending|e-?mailing|mailing|wrote|sent|"
                 r"e-?mailed)\s+(?!by\b)", blanked, I):
        return Target.SENDER  # 'who sent the most emails addressed to X (To: line)', 'top senders of email
        # addressed to X', 'the top 3 people writing to X (To or Cc)': the senders of those
    if DIRECT_TO.search(blanked):
        return Target.TO  # 'to whom ... most often (direct addressee, not in copy)'
    if re.search(r"\baddressees?\b|\baddressed\s+(?:his|her|their)?\s*(?:e-?mails\s+)?to\b", blanked, I):
        return Target.RECIPIENT
    if EITHER_ROLE.search(blanked):
        return Target.RECIPIENT
    if TO_LINE.search(blanked):
        return Target.TO
    if WHO_CC_MOST.search(blanked):
        return Target.CC
    # 'who has sent X the most' (who sent) vs 'who has X sent the most to': in the blanked text a
    # name leaves several spaces, so one space means the verb follows 'who has' directly
    if WHO_RECEIVED_MOST.search(blanked) and not re.search(r"\bwho (?:has |had )?(?:sent|wrote|written|e-?mailed)\b.*\bmost\b",
                                                          blanked, I):
        return Target.RECIPIENT
    return Target.SENDER


def _first_target(text: str, blanked: str) -> Target:
    if WHEN.search(blanked):
        return Target.DATE
    field = _field(text, blanked)  # 'what was the attachment called': the attachment read as a constraint too
    return field if field not in (None, Target.DATE) else Target.DOCUMENTS


SECOND_TOO = re.compile(r"\b(?:and|,)\s+(?:who|which\s+\w+)\s+(?:was|came|is|were|comes)\s+(?:the\s+)?(?:second|next|runner[- ]up)\b", I)


def _k(text: str) -> int:
    if SECOND_TOO.search(text):
        return 2  # 'who emailed X most often, and who was second?': the top two, in order
    m = re.search(r"\btop\s+(\d+|two|three|four|five|six|seven|eight|nine|ten)\b", text, I) or \
        re.search(r"\btop\s+(\d+|two|three|four|five|six|seven|eight|nine|ten)\b|\b(\d+|two|three|four|five|ten)\s+"
                  r"(?:\w+\s+){0,2}(?:parties|firms|companies|outsiders|people|persons|senders|recipients|correspondents|addresses|individuals|names|colleagues|"
                  r"mailboxes|custodians|inboxes)\b", text, I)
    if not m:
        return 1 if re.search(r"\bwhom?\b|\btop\s+(?:\S+\s+){0,2}(?:sender|recipient|person|address|correspondent)\b(?!s)|\b(?:which|what)\s+(?:person|sender|address|recipient|individual)\b"
                              r"|\b(?:which|what)\s+(?:[\w.&-]+\s+)?(?:staffer|employee|lawyer|attorney|trader|analyst|executive|"
                              r"official|outsider|user|account|firm|company|organi[sz]ation|custodian|mailbox|inbox)\b(?![s'’])"
                              r"|\b(?:which|what)\s+(?:custodian|person|employee)['’]s\s+(?:mailbox|inbox)\b|\bwhose\s+(?:mailbox|inbox)\b",
                              text, I) \
            else 5
    word = (m.group(1) or m.group(2)).lower()
    return int(word) if word.isdigit() else K_WORDS[word]
