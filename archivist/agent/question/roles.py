"""The role of a person named in a question, from the words around the name: cc'd or copied (Cc
only), bcc'd, 'between A and B' or 'involving X' (any participant), 'to X' (any recipient),
'from X', 'X sent', "X's memo" (the sender). None when nothing says; the plan reader then
decides from what is asked.
"""
from __future__ import annotations

import re

from archivist.agent.question.entities import RECIPIENT_AFTER, RECIPIENT_BEFORE, SENDER_AFTER, SENDER_BEFORE
from archivist.agent.question.phrases import LEAVE_OUT
from archivist.agent.question.plan import Role

I = re.I
CC_BEFORE = re.compile(r"\b(?:cc'?d?|cc'ed|cc:|copied|copying|carbon[- ]?copied|cc'?ing|ccing|copy(?:ing)?|with)"
                       r"\s+(?:in\s+|on\s+)?(?:to\s+)?(?:the\s+)?(?:(?:in-house|outside|general|senior)\s+)?"
                       r"(?:(?:lawyer|attorney|counsel|assistant)\s+)?$", I)  # 'copied to in-house lawyer Rob Walls'
CC_AFTER = re.compile(r"^\s*(?:,\s*)?(?:was|were|is|get|got|gets|getting|had\s+been|has\s+been|been|being|also)?\s*(?:(?:also|only|just|merely)\s+)?"
                      r"(?:(?:put|placed|kept|included|added)\s+(?=(?:in|on)\s+(?:copy|cc)\b))?"  # 'was Louise Kitchen put in copy'
                      r"(?:(?:shown|listed|named|included|present)\s+(?=as\s+(?:an?\s+)?cc\b))?"  # 'was Kenneth Lay shown as a cc recipient'
                      r"(?:cc'?d|cc'ed|copied|on\s+(?:the\s+)?cc|on\s+copy|in\s+copy|on\s+the\s+cc\s+line|as\s+(?:a\s+)?cc|"
                      r"(?:appears?|appeared|shows?\s+up|showed\s+up|is\s+listed|was\s+listed)\s+(?:in|on)\s+the\s+cc:?\s+(?:field|line)|"
                      r"in\s+cc|cc)\b", I)
MAIL_OF = (re.compile(r"\b(?:the|a|an)\s+(?:e-?mail|mail|message|memo|note|letter)\s+of\s+$", I),
           re.compile(r"\s+(?:about|regarding|concerning|on|to|with|from|dated|sent|in)\b", I))
# the verb before its subject, as some non-native writers put it ('When wrote X the first mail', 'In which
# month sent X the most mails', 'How many mails received X'): no auxiliary, a question word before
INVERTED = re.compile(r"(?:^|[?.!:]\s*)\W*(?:when|in\s+which\s+(?:month|week|year|quarter)|which\s+(?:month|day|week|year|date)|"
                      r"on\s+which\s+(?:day|date)|at\s+which\s+date|how\s+(?:many|much)\s+(?:e-?mails?|mails?|messages?))\s+"
                      r"(?P<v>wrote|sent|received|got)\s+$", I)
BCC_BEFORE = re.compile(r"\b(?:bcc'?d?|bcc'ed|bcc:|blind[- ]copied|blind[- ]copying|bcc'?ing)\s+(?:\(bcc\)\s+)?(?:to\s+)?(?:the\s+)?$", I)
BCC_AFTER = re.compile(r"^\s*(?:was|were|is|got|get|had\s+been|been)?\s*(?:bcc'?d|bcc'ed|blind[- ]copied|on\s+(?:the\s+)?bcc|"
                       r"in\s+bcc|bcc(?=\s+(?:count|emails?|messages?|total)))\b", I)
BETWEEN = re.compile(r"\b(?:between|involving|including|among|with)\s+(?:the\s+)?$|\bbetween\s+\S+(?:\s+\S+){0,3}\s+and\s+$|"
                     r"\b(?:exchanged|correspondence|conversations?|communications?|corresponded|threads?)\s+with\s+$", I)
MAIL_VERB_BEFORE = re.compile(r"\bto\s+(?:e-?mail|write\s+to|send|message|contact|cc|copy)\s+$|"  # 'the first person to email X'
                              r"\b(?:did|does|has|have|had|to)\s+\S+(?:\s+\S+){0,4}?\s+(?:e-?mail|write(?:\s+to)?|"
                              r"send(?:\s+to)?|message|forward(?:\s+to)?|contact|reply\s+to|respond\s+to)\s+$", I)
POSSESSIVE = re.compile(r"^(?:'s|’s|')\s+(?:[\w/.-]+\s+){0,4}?(?:e-?mails?|messages?|memos?|notes?|letters?|mail|"
                        r"correspondence|reply|replies|response|announcement|notice|update|report|request|forward|"
                        r"invitation|summary|write-?up|draft|thank-you|plea|alert|warning|breakdown|analysis|proposal|recap|"
                        r"spreadsheet|presentation|estimate|comments|overview|outline|agenda|follow-?up|most\s+frequent)\b", I)
TO_BEFORE = re.compile(r"\b(?:addressed|directly)\s+(?:\(\s*to:?\s*(?:line)?\s*\)\s+)?to\s+(?:the\s+)?$|\bto:\s*$|\bon\s+the\s+to\s+line\s+(?:was\s+)?$", I)
SENDING = re.compile(r"\b(?:wrote|write|writing|e-?mailed|reached|reaching|reach|sending|emailing|e-mailing|forwarding|forwarded|"
                     r"messaging|writing|who\s+sent|sent|send)\s+$", I)
STARTED = re.compile(r"^\s*(?:first\s+|ever\s+|last\s+)?(?:start(?:ed)?|begin|began|stop(?:ped)?)\s+(?:sending|writing|emailing|"
                     r"e-mailing|to\s+(?:send|write|email))\b", I)
EXCEPT = re.compile(r"\b(?:" + LEAVE_OUT + r"|"
                    r"(?-i:NOT|not)\s+(?:from|by|sent\s+by))\s+$", I)  # 'ISDA in subject, NOT from Tana Jones': none of hers
# 'Leaving Chris Germany out', 'Setting Ken aside': the person between the verb and 'out'/'aside'
EXCEPT_AROUND = (re.compile(r"\b(?:leaving|leave|setting|set|putting|put|keeping|keep)\s+$", I),
                 re.compile(r"^\s*(?:out|aside|apart)\b", I))
TO_OR_CC_BEFORE = re.compile(r"\b(?:sent|addressed|e-?mailed|written|mailed)\s+(?:directly\s+)?(?:to\s+)?(?:or|and/or|and)\s+"
                             r"(?:copied|cc'?d|cc'ed|cc)\s+(?:to\s+|on\s+)?(?:the\s+)?$", I)
COPIED_BY = re.compile(r"[A-Za-z][\w.'-]*\s+(?:(?:first|last|ever|also|usually|always)\s+)?(?:copied|cc'?d|cc'ed)\s+$", I)
COPIED_SOMEONE = re.compile(r"^\s*(?:(?:first|last|ever|also|usually|always)\s+)?(?:copied|cc'?d|cc'ed|bcc'?d|bcc'ed)\s+"
                            r"(?:(?-i:[A-Z])|(?:him|her|them|anyone|someone|somebody|anybody)\b)", I)
DID_CC = re.compile(r"\b(?:did|does|do|would|will)\s+$", I)
CC_VERB = re.compile(r"\s*(?:cc|copy|bcc)\b", I)  # 'who did Linda Lay cc': she sent, the others are copied
# 'who copies Sara Shackleton most', 'who usually cc's Tana Jones': the person named is on the Cc line
COPIES_BEFORE = re.compile(r"\b(?:copies|cc'?s|ccs|cc'es|carbon[- ]copies)\s+$", I)
BCC_COPIES_BEFORE = re.compile(r"\b(?:bcc'?s|bccs|bcc'es|blind[- ]copies)\s+$", I)
COPIES = re.compile(r"^\s*(?:copies|cc'?s|ccs|cc'es|blind[- ]copies|bcc'?s)\s+(?:someone|anyone|somebody|people|others|him|her|them)\b", I)
NOUN_BEFORE = re.compile(r"\b(?:the|a|an|that|this|his|her|their|same)\s+(?:[\w()'-]+\s+){0,2}(?:message|e-?mail|memo|note|"
                         r"letter|draft|document|file|spreadsheet|report|notice|announcement)\s+$", I)
SENT_AFTER = re.compile(r"^\s*(?:had\s+|has\s+)?(?:forwarded|sent|wrote|e-?mailed|circulated|passed\s+(?:on|along)|"
                        r"distributed|attached|shared)\b", I)
TOLD = re.compile(r"^\s*(?:address(?:ed)?\s+(?:\w+\s+){0,4}?to|told|tell|tells|asked|ask|invited|invite|thanked|thank|reminded|"
                  r"remind|informed|inform|quote|quoted|offer|"
                  r"notified|notify|warned|warn|urged|congratulated|"
                  r"answered|replied\s+to|wrote\s+back|alerted|advised|updated|offered|proposed|explained|complained|"
                  r"raised|pointed\s+out|reported|described|noted|argued|confirmed|objected|questioned|flagged|"
                  r"summari[sz]ed|outlined|promised|predicted|assured|shared|relayed|recapped|clarified|cautioned|"
                  r"briefed|pitched|recommended|requested|suggested|announced|circulated)\b", I)
TOLD_BEFORE = re.compile(r"\b(?:told|tell|ask(?:ed)?|invite[ds]?|thank(?:ed)?|remind(?:ed)?|inform(?:ed)?|notif(?:y|ied)|"
                         r"warn(?:ed)?|urge[ds]?|answer(?:ed)?|alert(?:ed)?|advise[ds]?|congratulate[ds]?|"
                         r"repl(?:y|ied)\s+to|respond(?:ed)?\s+to|quot(?:e|ed|es)|offer(?:ed|s)?)"
                         r"\s+(?:\w+(?:'s|’s)\s+)?$", I)
HEAR = re.compile(r"\s*(?:hear|heard|hears|hearing)\s+(?:\w+\s+)?from\b", I)  # 'did Dasovich first hear from Mara'
AS_RECIPIENT = re.compile(r"\s*(?:both\s+)?(?:as|among)\s+(?:the\s+|an?\s+)?(?:direct\s+)?(?:\(\s*to\s*\)\s+|to[- ](?:line\s+)?)?"
                          r"(?:recipients?|addressees?)\b|"
                          r"\s*(?:was|were|is)\s+(?:an?\s+|the\s+|one\s+of\s+the\s+)?(?:recipients?|addressees?)\b", I)  # 'on which Ken Lay was a recipient'
TO_LINE_AFTER = re.compile(r"\s*(?:is\s+|was\s+|were\s+|appears?\s+|appeared\s+|is\s+listed\s+|was\s+listed\s+)?(?:on|in)\s+the\s+to:?\s+(?:line|field)\b|\s*\(\s*to:?(?:\s+(?:line|field))?\s*\)", I)
WIDENED = re.compile(r"\b(?:counting|including|incl\.?|plus|as\s+well\s+as)\s+(?:the\s+|those\s+)?(?:ones|e-?mails|messages|"
                     r"those|cases)\s+(?:where|in\s+which|on\s+which|when)\s+$", I)
# 'X (to or cc)', 'X, whether To, Cc or Bcc', 'X, addressed or copied': any recipient line
TO_OR_CC_AFTER = re.compile(r"\s*[,(]?\s*(?:whether\s+)?(?:on\s+)?(?:the\s+)?(?:to|addressed(?:\s+to\s+(?:him|her|them))?)"
                            r"\s*(?:,|/|\s+or|\s+and/or)\s*(?:the\s+)?(?:cc'?d?|copied|cc'ed)\b", I)
APPOSITIVE = re.compile(r"^\s*,?\s*(?:in|of|at)\s+(?:the\s+)?[A-Z][\w&.'-]*(?:\s+[A-Z][\w&.'-]*){0,3}\s*,?(?=\s)")
ADVERB = re.compile(r"^\s+(?:first|last|ever|recently|actually|also|still|finally|originally|initially|usually)(?=\s)", I)
# 'John Lavorato and Louise Kitchen exchanged': both take part, whichever of them sent
EXCHANGED = re.compile(r"^\s*(?:(?:and|&)\s+[\w.'-]+(?:\s+[\w.'-]+){0,2}\s+)?(?:have\s+|had\s+)?(?:exchange[ds]?|exchanging|"
                       r"correspond(?:ed|s)?|traded)\b", I)
CC_CONTEXT = re.compile(r"^\s*(?:and\s+\S+(?:\s+\S+)?\s+)?(?:,\s*)?(?:were|was)\s+(?:both\s+|all\s+)?(?:cc'?d|copied)\b", I)


WHO_DID = re.compile(r"\b(?:who|whom)\s+(?:did|does|do|had|has)\s+$", I)
NOT_SENDING = frozenset("get gets got receive received hear heard be been".split())


# 'Richard Sanders - how many emails did he get from ...': the person said first, the pronoun's verb
# gives the role
FRONTED = re.compile(r"\s*(?:[-–—:,]|'s\s+(?:mail|e-?mails?)\s*[-–—:,])\s*[^?]*?\b(?:did|does|do|has|had|have|was|were|is)\s+"
                     r"(?:he|she|they)\s+(?:\w+\s+)?(?P<v>get|got|receive|received|send|sent|write|wrote|e-?mail|"
                     r"e-?mailed|forward|forwarded|cc'?d|cc'ed|copied|bcc'?d)\b", I)
FRONTED_ROLES = {"get": Role.RECIPIENT, "got": Role.RECIPIENT, "receive": Role.RECIPIENT, "received": Role.RECIPIENT,
                 "cc'd": Role.CC, "ccd": Role.CC, "cc'ed": Role.CC, "copied": Role.CC, "bcc'd": Role.BCC, "bccd": Role.BCC}


# 'kay mann - how many msgs from greenberg traurig': the mail from others, to the person said first
FRONTED_FROM = re.compile(r"\s*[-–—:]\s*(?:how\s+many|#|number\s+of|count)\b[^?]*?\b(?:msgs?|messages?|e-?mails?|mail|notes?)\s+"
                          r"(?:\w+\s+){0,2}?(?:from|by)\b", I)


def fronted_role(text: str, end: int) -> Role | None:
    """The role of a person said before a dash and then as 'he'/'she' ('X - did he get ...'), or
    whose mail from others is counted ('X - how many msgs from Y')."""
    if m := FRONTED.match(text, end):
        return FRONTED_ROLES.get(m.group("v").lower(), Role.SENDER)
    return Role.RECIPIENT if FRONTED_FROM.match(text, end) else None


ON_THEM = re.compile(r"\s+on\s+(?:them|it|those|the\s+(?:e-?mails?|messages?|thread))\b", re.I)
INCLUDED_BEFORE = re.compile(r"\b(?:sent|wrote|e-?mailed|forwarded)\s+(?:that|which)\s+(?:also\s+)?(?:included|includes|include)\s+$", re.I)
TITLE_BEFORE = re.compile(r"(?<=\s)(?:(?:mr|mrs|ms|miss|dr|prof|ceo|cfo|coo|president|chairman|vice)\.?\s+)+$", re.I)


def role_at(text: str, start: int, end: int) -> Role | None:
    """The role the words around text[start:end] give the person named there."""
    if (fronted := fronted_role(text, end)) is not None and not text[:start].strip(" \t'\"“"):
        return fronted
    before, after = text[max(0, start - 80):start], text[end:end + 60]
    before = TITLE_BEFORE.sub("", before)  # 'to Ms. Lokay', 'cc'd President Greg Whalley': the role's words before the title
    after = ADVERB.sub("", after)  # 'did Rick Buy last get an email': the verb after the adverb
    if (m := APPOSITIVE.match(after)) and SENDER_AFTER.search(after[m.end():]):
        after = after[m.end():]  # 'Karen Denne in PR sent', 'Melinda Dobbs of KPMG wrote': the verb after
    if EXCEPT.search(before) or EXCEPT_AROUND[0].search(before) and EXCEPT_AROUND[1].match(after):
        return Role.EXCLUDED
    if MAIL_OF[0].search(before) and MAIL_OF[1].match(after):
        return Role.SENDER  # 'attached to the mail of Tana Jones about ...' (not 'destroying the e-mail of X, Y and others')
    if inverted := INVERTED.search(before):  # 'When wrote Tana Jones the first mail to ...' (verb before subject)
        return Role.RECIPIENT if inverted["v"].lower().startswith(("rec", "got", "get")) else Role.SENDER
    if re.search(r"\bfrom\s+$", before, I) and re.match(r"\s*[,;]\s*(?:cc|bcc)\b", after, I):
        return Role.SENDER  # 'From: Susan Mara, Cc: Jim Steffes': the Cc field is the next person's
    if NOUN_BEFORE.search(before) and SENT_AFTER.match(after):
        return Role.SENDER  # 'the 401(k) message Mark Palmer forwarded to ...': the one who sent it
    if re.search(r"\bfor\s+(?:the\s+)?$", before, I):
        return None  # 'contact numbers for John Novak': about him, no header role
    if COPIED_SOMEONE.match(after) and not re.search(r"\b(?:was|were|is|been|get|got)\s+$", before, I):
        return Role.SENDER  # 'Mark Greenberg copied Tana Jones on an email': he sent it
    if COPIES.search(after) or POSSESSIVE.search(after) or DID_CC.search(before) and CC_VERB.match(after):
        return Role.SENDER  # 'when Sue Mara copies someone', 'copied on Ken Lay's memo': the sender
    if TO_OR_CC_BEFORE.search(before) or TO_OR_CC_AFTER.match(after):
        return Role.RECIPIENT  # 'sent to or copied to Sara Shackleton': To or Cc, any recipient
    if TO_LINE_AFTER.match(after):
        return Role.TO  # 'kenneth.lay@enron.com on the To: line', 'with X in the To field'
    if WIDENED.search(before) and CC_AFTER.match(after):
        return Role.RECIPIENT  # 'to Rick Buy, counting the ones where Buy was only cc'd': To or Cc
    if COPIED_BY.search(before) and not re.search(r"\b(?:was|were|is|be|been|get|got)\s+\S+\s+$", before, I):
        return Role.CC  # 'Mark Greenberg copied Tana Jones': he sent it, she was on Cc
    if BCC_COPIES_BEFORE.search(before):
        return Role.BCC
    if COPIES_BEFORE.search(before):
        return Role.CC
    if BCC_BEFORE.search(before) or BCC_AFTER.search(after):
        return Role.BCC
    if (CC_BEFORE.search(before) and not re.search(r"\bwith\s+(?:the\s+)?$", before, I)) \
            or CC_AFTER.search(after) or CC_CONTEXT.search(after) \
            or re.search(r"\bwith\s+(?:the\s+)?$", before, I) and CC_AFTER.search(after):
        return Role.CC
    if BETWEEN.search(before) or EXCHANGED.match(after):
        return Role.PARTICIPANT
    if re.search(r"\b(?:to|cc'?d?|copied|copying)\s+both\s+$", before, I):
        return Role.CC if re.search(r"\bcc|\bcop", before[-20:], I) else Role.RECIPIENT
    if AS_RECIPIENT.match(after):
        return Role.RECIPIENT  # 'Tana Jones and Sara Shackleton as recipients'
    if re.search(r"\b(?:had|have|has|with|having)\s+$", before, I) and ON_THEM.match(after):
        return Role.RECIPIENT  # 'emails X sent that had Jeff Dasovich on them'
    if TOLD_BEFORE.search(before) or INCLUDED_BEFORE.search(before):
        return Role.RECIPIENT  # 'Stan Horton told Peggy Fowler', 'the last email X sent that included Sue Mara'
    if TO_BEFORE.search(before):
        return Role.TO  # 'addressed to X', 'directly to X': the To line (blind writers, 6 of 6, meant it)
    if RECIPIENT_BEFORE.search(before) and not re.search(r"\bsent\s+by\s+$", before, I) or MAIL_VERB_BEFORE.search(before) \
            or SENDING.search(before):
        return Role.RECIPIENT
    if SENDER_BEFORE.search(before) or SENDER_AFTER.search(after) or STARTED.search(after) or TOLD.search(after):
        return Role.SENDER
    if RECIPIENT_AFTER.search(after) or HEAR.match(after):
        return Role.RECIPIENT
    if WHO_DID.search(before) and (verb := re.match(r"\s+([a-z]+)\b", after)) and verb.group(1) not in NOT_SENDING:
        return Role.SENDER  # 'who did Amy Fitzpatrick chase about ...': the one who did it, who wrote
    return None
