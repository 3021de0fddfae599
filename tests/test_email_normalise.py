"""Email normalisation: addresses, dates, subjects, encoded words, quoted-reply and signature splitting."""
from __future__ import annotations

import base64
from datetime import datetime, timezone

import pytest

from archivist.corpus.parsed import Address, Document, Location
from archivist.corpus.headers import (
    decode_value, merge_names, normalise_subject, parse_addresses, parse_date, parse_references,
)
from archivist.corpus.mail import folder_from_x_folder, parse_email
from tests.pdf_fixture import minimal_pdf
from archivist.corpus.quoting import split_reply

LOC = Location("/tmp/x.eml", "")


def parse(raw: str) -> Document:
    doc = parse_email(raw.encode("utf-8"), LOC)
    assert isinstance(doc, Document)
    return doc


@pytest.mark.parametrize("subject, expected", [
    ("RE: FW: Re: Gas contract", "gas contract"),
    ("Re[2]: Gas   Contract ", "gas contract"),
    ("FWD: fw:RE:re: Q3 budget", "q3 budget"),
    ("Fw: [enron-list] RE: Meeting", "meeting"),
    ("AW: WG: Termin", "termin"),
    ("Re:", ""),
    ("Regarding the REIT", "regarding the reit"),
    ("Freight rates: update", "freight rates: update"),
])
def test_normalise_subject(subject, expected):
    assert normalise_subject(subject) == expected


def test_addresses_are_lower_cased_pairs():
    got = parse_addresses('"Smith, John" <John.Smith@Enron.com>, w..delainey@ENRON.com, Ann <ann@x.org>')
    assert got == [Address("Smith, John", "john.smith@enron.com"), Address("", "w..delainey@enron.com"),
                   Address("Ann", "ann@x.org")]
    assert parse_addresses("undisclosed-recipients:;") == []


def test_enron_x_headers_give_display_names():
    found = parse_addresses("kalen.pieper@enron.com, greg.woulfe@enron.com")
    x_to = "Pieper, Kalen </O=ENRON/OU=NA/CN=RECIPIENTS/CN=Kpieper>, Woulfe, Greg </O=ENRON/OU=NA/CN=RECIPIENTS/CN=Gw>"
    assert merge_names(found, x_to) == [Address("Pieper, Kalen", "kalen.pieper@enron.com"),
                                        Address("Woulfe, Greg", "greg.woulfe@enron.com")]
    # Counts that do not line up give no names rather than wrong ones.
    assert merge_names(found, "Pieper, Kalen <x>") == found


@pytest.mark.parametrize("raw, expected", [
    ("Fri, 18 Jan 2002 14:25:15 -0800 (PST)", datetime(2002, 1, 18, 22, 25, 15, tzinfo=timezone.utc)),
    ("Mon, 14 May 2001 16:39:00 -0700 (PDT)", datetime(2001, 5, 14, 23, 39, tzinfo=timezone.utc)),
    ("2 Jan 2001 10:00:00 +0100", datetime(2001, 1, 2, 9, 0, tzinfo=timezone.utc)),
])
def test_dates_to_utc(raw, expected):
    assert parse_date(raw) == (expected, True)


@pytest.mark.parametrize("raw", ["Wed, 21 Dec 0001 22:30:55 -0800 (PST)", "soon", "Mon, 45 Foo 2001 99:99"])
def test_bad_dates_flagged(raw):
    assert parse_date(raw) == (None, False)


def test_missing_date_is_not_bad():
    doc = parse("From: a@x.org\nSubject: hi\n\nbody\n")
    assert doc.date is None and doc.date_ok and doc.date_raw == ""


def test_encoded_words():
    assert decode_value("=?utf-8?Q?Caf=C3=A9_au_lait?=") == "Café au lait"
    assert decode_value("=?utf-8?B?SsO8cmdlbg==?= =?utf-8?B?IE3DvGxsZXI=?=") == "Jürgen Müller"
    assert decode_value("=?no-such?Q?plain?=") == "plain"


def test_ids_and_references():
    doc = parse("From: a@x.org\nMessage-ID: <1@x>\nIn-Reply-To: <0@x> (comment)\n"
                "References: <a@x>\n <0@x>\nSubject: Re: hi\n\nok\n")
    assert (doc.message_id, doc.in_reply_to, doc.references) == ("<1@x>", "<0@x>", ["<a@x>", "<0@x>"])
    assert parse_references("") == []


def test_x_folder_to_folder():
    assert folder_from_x_folder(r"\MTAYLOR5 (Non-Privileged)\Taylor, Michael E\Inbox\lisa j") == "inbox/lisa_j"
    assert folder_from_x_folder(r"\sbeck\Inbox") == "inbox"
    assert folder_from_x_folder(r"\jdasovic\Notes Folders\Sent") == "sent"


OUTLOOK_REPLY = """\
Jeff,

Agreed -- let's move the call to Thursday.

Thanks,
Sue

 -----Original Message-----
From: \tDasovich, Jeff
Sent:\tFriday, November 16, 2001 3:34 PM
To:\tMara, Susan
Subject:\tRE: PG&E call

Can we move the call?
"""


def test_outlook_original_message():
    parts = split_reply(OUTLOOK_REPLY)
    assert parts.body == "Jeff,\n\nAgreed -- let's move the call to Thursday.\n\nThanks,\nSue"
    assert parts.quoted.lstrip().startswith("-----Original Message-----")
    assert "Can we move the call?" in parts.quoted


LOTUS_FORWARD = """\
FYI -- see below.

---------------------- Forwarded by Sally Beck/HOU/ECT on 01/04/2001 10:12 AM ---------------------------


Rick Buy
01/03/2001 05:40 PM
To: Sally Beck/HOU/ECT@ECT
cc:
Subject: Risk memo

Please review the attached memo.
"""


def test_lotus_forwarded_by():
    parts = split_reply(LOTUS_FORWARD)
    assert parts.body == "FYI -- see below."
    assert "Forwarded by Sally Beck" in parts.quoted and "Please review the attached memo." in parts.quoted


LOTUS_REPLY_HEADER = """\
I'll be there.

Jeff Dasovich
10/05/2000 04:45 PM
To: Steven J Kean/NA/Enron@Enron
cc: Richard Shapiro/NA/Enron@Enron
Subject: Re: Sacramento meeting

Are you coming on Monday?
"""


def test_lotus_reply_header_block():
    parts = split_reply(LOTUS_REPLY_HEADER)
    assert parts.body == "I'll be there."
    assert parts.quoted.startswith("Jeff Dasovich\n10/05/2000 04:45 PM\nTo:")


GMAIL_REPLY = """\
Sounds good, see you then.

On Mon, Jan 8, 2001 at 9:15 AM, Ann Lee <ann@example.org>
wrote:
> Lunch on Tuesday?
>
> Ann
"""


def test_on_wrote_two_lines_and_gt_quotes():
    parts = split_reply(GMAIL_REPLY)
    assert parts.body == "Sounds good, see you then."
    assert parts.quoted.startswith("On Mon, Jan 8") and "> Lunch on Tuesday?" in parts.quoted


INLINE_REPLY = """\
"Dasovich, Jeff" wrote:

> No problem.  What's your timeframe?

Early next week.

> Best,
> Jeff
"""


def test_inline_quotes_keep_new_text():
    parts = split_reply(INLINE_REPLY)
    assert parts.body == "Early next week."
    assert parts.quoted.startswith('"Dasovich, Jeff" wrote:') and "> Best," in parts.quoted


def test_outlook_header_block_without_separator():
    text = ("Looks fine to me.\n\nFrom: Kean, Steven J.\nSent: Monday, May 14, 2001 9:02 AM\n"
            "To: Shapiro, Richard\nSubject: RE: talking points\n\nDraft attached.\n")
    parts = split_reply(text)
    assert parts.body == "Looks fine to me." and parts.quoted.startswith("From: Kean, Steven J.")


def test_from_line_in_prose_is_not_history():
    text = "From: the desk of the chairman we bring news.\n\nNo header block here at all.\n"
    assert split_reply(text).quoted == ""


def test_signatures():
    parts = split_reply("See attached.\n\n-- \nAnn Lee\nACME Corp\n")
    assert (parts.body, parts.signature) == ("See attached.", "Ann Lee\nACME Corp")
    parts = split_reply("Call me.\n\nSue Mara\nEnron Corp.\nTel: (415) 782-7802\n")
    assert parts.body == "Call me." and parts.signature.startswith("Sue Mara")
    parts = split_reply("Short note.\n\nThanks,\nBob\n")
    assert parts.signature == "" and parts.body.endswith("Bob")


def test_full_message_split_and_fields():
    raw = ("Message-ID: <9@thyme>\nDate: Fri, 4 Jan 2002 14:58:43 -0800 (PST)\nFrom: sally.beck@enron.com\n"
           "To: rick.buy@enron.com\nSubject: RE: Risk memo\nX-From: Beck, Sally </O=ENRON/CN=SBECK>\n"
           "X-To: Buy, Rick </O=ENRON/CN=RBUY>\nX-Folder: \\sbeck\\Inbox\nX-Origin: BECK-S\n\n" + OUTLOOK_REPLY)
    doc = parse(raw)
    assert doc.sender == Address("Beck, Sally", "sally.beck@enron.com")
    assert doc.to == [Address("Buy, Rick", "rick.buy@enron.com")]
    assert doc.norm_subject == "risk memo" and doc.title == "RE: Risk memo"
    assert doc.date == datetime(2002, 1, 4, 22, 58, 43, tzinfo=timezone.utc)
    assert doc.body.endswith("Sue") and "Can we move the call?" in doc.quoted
    assert (doc.location.mailbox, doc.location.folder) == ("beck-s", "inbox")


def test_html_mislabelled_as_plain_is_converted():
    doc = parse("From: a@x.org\nSubject: news\nContent-Type: text/plain\n\n<html><body><table><tr><td>"
                "Fall <b>products</b></td></tr></table></body></html>\n")
    assert "products" in doc.body and "<td>" not in doc.body


def test_text_attachment_and_pdf_attachment_text(tmp_path):
    pdf = base64.b64encode(minimal_pdf(["Quarterly numbers inside"])).decode()
    raw = ('From: a@x.org\nSubject: files\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b"\n\n'
           "--b\nContent-Type: text/plain\n\nSee files.\n"
           '--b\nContent-Type: text/csv; name="a.csv"\nContent-Disposition: attachment; filename="a.csv"\n\nx,y\n1,2\n'
           '--b\nContent-Type: application/pdf\nContent-Disposition: attachment; filename="q.pdf"\n'
           f"Content-Transfer-Encoding: base64\n\n{pdf}\n--b--\n")
    doc = parse(raw)
    assert doc.body == "See files."
    assert [(a.name, a.content_type) for a in doc.attachments] == [("a.csv", "text/csv"), ("q.pdf", "application/pdf")]
    assert doc.attachments[0].text.strip() == "x,y\n1,2" and doc.attachments[0].size == 7
    assert "Quarterly numbers inside" in doc.attachments[1].text


def test_enron_x_from_cleanup():
    found = parse_addresses("svarga@kudlow.com")
    assert merge_names(found, '"Susan Varga" <svarga@kudlow.com>@ENRON')[0].name == "Susan Varga"
    assert merge_names(found, "VKaminski@aol.com@ENRON")[0].name == ""
    assert merge_names(found, "Corporate Benefits@ENRON")[0].name == "Corporate Benefits"
    assert parse_addresses("e-mail <.andre@enron.com>") == [Address("", ".andre@enron.com")]


def test_a_display_name_that_is_one_word_of_the_x_name_takes_the_x_name():
    """'From: legal <.taylor@enron.com>' beside 'X-From: Taylor, Mark E (Legal)': the export kept the
    department in the From header; the person is in X-From (their mail grouped under their name)."""
    found = parse_addresses("legal <.taylor@enron.com>")
    assert merge_names(found, "Taylor, Mark E (Legal) </O=ENRON/OU=NA/CN=RECIPIENTS/CN=MTAYLO1>")[0].name \
        == "Taylor, Mark E (Legal)"
    kept = parse_addresses("Jeff Dasovich <jeff.dasovich@enron.com>")
    assert merge_names(kept, "Dasovich, Jeff </O=ENRON>")[0].name == "Jeff Dasovich"  # a whole name stays
    other = parse_addresses("legal <.taylor@enron.com>")
    assert merge_names(other, "Haedicke, Mark E. </O=ENRON>")[0].name == "legal"  # not a word of it: kept


def test_memo_headers_are_not_history():
    text = ("Notice No. 01-400\nNovember 28, 2001\n\nTO:\t\tALL NYMEX MEMBERS AND MEMBER FIRMS\n"
            "FROM:\tJ. Robert Collins, Jr., President\nSUBJECT:\tMARGIN RATE CHANGE\n\nEffective Date: today\n")
    parts = split_reply(text)
    assert parts.quoted == "" and "MARGIN RATE CHANGE" in parts.body


def test_sentence_with_phone_number_is_not_a_signature():
    parts = split_reply("Hi Ann,\n\nCall me at (713) 853-7751 tomorrow.\nI'll be in all day.\n")
    assert parts.signature == "" and "Call me at" in parts.body


def test_recipients_an_x_header_names_beyond_the_addresses_are_kept_by_name():
    """Lotus Notes exports drop addresses: the X- header still names everyone, in order."""
    found = parse_addresses("susan.musch@enron.com")
    got = merge_names(found, "Greg Whalley@ECT, Susan Musch, William S Bradford@ECT", recipients=True)
    assert got == [Address("Greg Whalley", ""), Address("Susan Musch", "susan.musch@enron.com"),
                   Address("William S Bradford", "")]
    assert merge_names([], "Sally Beck@ECT", recipients=True) == [Address("Sally Beck", "")]
    assert merge_names([], "Sally Beck@ECT") == []  # a sender is never invented from X-From alone
    # as many names as addresses, or fewer: aligned or left alone, as before
    two = parse_addresses("kalen.pieper@enron.com, greg.woulfe@enron.com")
    assert merge_names(two, "Pieper, Kalen <x>", recipients=True) == two
