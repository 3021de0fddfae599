"""The question's frame: words that say what is asked and how (how many, emails, did, send, the,
who, most...), as opposed to words that must become a constraint. A metadata question's words that
are neither are named as not used, and its figure is not given as the answer.
"""
from __future__ import annotations

from archivist.agent.question.plan import Ask

GENERAL = frozenset("""
a an the of in on at to from by for with and or nor any all every each some no not only just also
how many much number count counts total tally often frequently times time what which who whom whose when
where why whether is are was were be been being am do does did done doing has have had having get got
gets getting can could would should will shall may might must please tell me us show list give find
i we you they he she it its his her their them him our my your there here this that these those
e-mail e-mails email emails mail mails message messages memo memos note notes letter letters
correspondence communication communications thread threads item items document documents piece pieces
send sends sent sending write writes wrote written writing e-mailed emailed mailed forward forwarded
forwarding forwards reply replied replies receive received receives receiving exchange exchanged
between during within inside across over under into out about up than then so as
first earliest initial last latest final newest oldest most recent recently ever least more fewest
person people someone somebody anyone anybody everyone individual individuals sender senders recipient
recipients author authors addressee addressees correspondent correspondents contact contacts
mailbox mailboxes inbox inboxes account custodian folder archive archives box
date day days week weeks month months year years period time
top one two three four five six seven eight nine ten
copied cc cc'd cc'ed bcc bcc'd copy copies
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
itself himself herself themselves usually typically normally generally
largest smallest biggest highest greatest amount
mention mentions mentioned mentioning discussed referenced
pls plz thanks thank like know want wanted need needed wonder wondering curious quick quickly actually
really exactly precisely roughly approximately about around altogether collection dataset corpus archive
anywhere everywhere single one's ever hit hits apart besides except excluding counting including both
talk talks talked talking refer refers referred carry carried carries carrying contained included
mean meant say said tell staff members member folks team
use used uses using come comes came looking look emailing notice notices notification notifications i.e e.g ie eg
emailer emailers writer writers name local sender's account accounts hear heard hears
hold holds litigation custodian custodians sit sits sitting found other others directly blind-copied
mon tue tues wed thu thur thurs fri sat sun monday tuesday wednesday thursday friday saturday sunday
display enumerate pull fetch retrieve bring produce output print return returns
authored composed penned drafted gotten getting obtained originated issued circulated distributed
""".split())
FRAME = {
    Ask.TOP: frozenset("most frequently often frequent active prolific busiest biggest heaviest top rank ranked "
                       "ranking greatest highest largest list name names".split()),
    Ask.PEAK: frozenset("busiest most peak highest greatest largest heaviest volume activity active".split()),
    Ask.COUNT: frozenset("total altogether overall combined".split()),
}


def is_frame(word: str) -> bool:
    """Whether a word is part of any question's frame (numbers count as frame: 'top 5')."""
    w = word.lower().replace("’", "'").strip(".'")
    return w in GENERAL or w.isdigit() or len(w) <= 1
