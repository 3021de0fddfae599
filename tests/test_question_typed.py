"""Questions as people type them (issue 24): date expressions in the forms people write (numeric
days running to the end of a month, the first or last N days or weeks of a period, two-digit
years after a month, a day or a season, quarter and half shorthands), date words that no reader
took (not used, so no figure for a wider period), contractions, organisation names that are no
person. Written in our own words, not the blind questions'."""
from __future__ import annotations

import pytest

from archivist.agent.question.analyse import find_span
from archivist.agent.question.plan import Ask, Role
from archivist.agent.question.reader import read_plan


@pytest.mark.parametrize("text, after, before", [
    # a numeric day to the end of its month, or of a later month named
    ("from 10/8 to the end of that month in 2001", "2001-10-08", "2001-11-01"),
    ("6/4 to the end of July, 2001", "2001-06-04", "2001-08-01"),
    ("starting 3/19/02 through the end of the month", "2002-03-19", "2002-04-01"),
    ("Nov 20 to the end of the month, 2001", "2001-11-20", "2001-12-01"),
    ("Aug 6 until the end of September 2000", "2000-08-06", "2000-10-01"),
    # the first or last N days, weeks or months of a month or a year
    ("the final 5 days of March 2002", "2002-03-27", "2002-04-01"),
    ("the first three weeks in June 2001", "2001-06-01", "2001-06-22"),
    ("the last two months of 2000", "2000-11-01", "2001-01-01"),
    ("the last week of 2000", "2000-12-25", "2001-01-01"),
    ("on the last day of feb 2001", "2001-02-28", "2001-03-01"),
    # two-digit years after a month, a day or a season
    ("the second week of feb '02", "2002-02-08", "2002-02-15"),
    ("early jan 02", "2002-01-01", "2002-01-11"),
    ("on 12 feb 02", "2002-02-12", "2002-02-13"),
    ("jul 2 - 6 '01", "2001-07-02", "2001-07-07"),
    ("spring '00", "2000-03-01", "2000-06-01"),
    ("between 30 nov 01 and 4 dec 01", "2001-11-30", "2001-12-05"),
    # shorthands and ranges written with a slash or a hyphen
    ("3rd qtr 2000", "2000-07-01", "2000-10-01"),
    ("in 1H 2002", "2002-01-01", "2002-07-01"),
    ("H2 00", "2000-07-01", "2001-01-01"),
    ("aug. 6th through 9th 2001", "2001-08-06", "2001-08-10"),
    ("in june/july 2001", "2001-06-01", "2001-08-01"),
    ("4/2-4/6/2001", "2001-04-02", "2001-04-07"),
    # a period heading the question, then a colon: the year is no time ('20:01')
    ("Autumn 2001: how many emails", "2001-09-01", "2001-12-01"),
    ("Q4 2001: how many", "2001-10-01", "2002-01-01"),
])
def test_date_forms_people_type(text, after, before):
    assert find_span(text)[:2] == (after, before)


def test_a_time_or_a_decimal_is_no_two_digit_year():
    assert find_span("on Oct 5 2001 at 09:30")[:2] == ("2001-10-05", "2001-10-06")
    assert find_span("the week of June 2001")[:2] == ("2001-06-01", "2001-07-01")  # no week: a month


@pytest.mark.parametrize("question, unread", [
    ("How many emails were sent in the last few days of March 2024?", {"last", "few", "days"}),
    ("How many emails were sent during the week of April 2024?", {"week"}),
    ("Count the messages from April 2024 to the end of the year", {"end", "year"}),
    ("how many mails went out in the remainder of 2024?", {"remainder"}),
    ("how many emails did the team get on its final day?", {"final"}),
])
def test_date_words_no_reader_took_are_not_used(question, unread):
    """A period people narrow with words the date readers do not know gives no figure."""
    p = read_plan(question, None)
    assert p.ask == Ask.COUNT and unread <= set(p.unused)


@pytest.mark.parametrize("question, label", [
    ("How many emails were sent from 4/2 to the end of the month in 2024?", "2024-04-02 .. 2024-05-01 (exclusive)"),
    ("how many messages in the month of May 2024", "2024-05-01 .. 2024-06-01 (exclusive)"),
    ("how many emails were sent on the last day of May 2024?", "2024-05-31 .. 2024-06-01 (exclusive)"),
    # 'inclusive' says what the reader does anyway: both ends are days of the period
    ("how many emails were sent from May 3 through May 9 2024, inclusive?", "2024-05-03 .. 2024-05-10 (exclusive)"),
])
def test_date_words_a_reader_took_are_used(question, label):
    p = read_plan(question, None)
    assert [c.label for c in p.of(Role.DATE)] == [label] and not p.unused


def test_a_first_or_last_question_keeps_its_own_words():
    """'the last day in 2001 that ...' asks for the last email's day, not for December 31."""
    p = read_plan("When was the last day in 2024 that anyone wrote?", None)
    assert p.ask == Ask.LAST and [c.label for c in p.of(Role.DATE)] == ["2024-01-01 .. 2025-01-01 (exclusive)"]
    p = read_plan("which day of May 2024 saw the most email?", None)
    assert p.ask == Ask.PEAK and not p.unused


@pytest.fixture
def demo_lex(demo_store):
    from archivist.agent.question.lexicon import lexicon
    return lexicon(demo_store)


@pytest.mark.parametrize("question, target", [
    ("who's copied most often on mail sent to Tom Okafor?", "cc"),
    ("Who's written to Maria Chen the most?", "sender"),
    ("who has sent Priya Raman the most emails", "sender"),
    ("who has Maria Chen sent the most emails to?", "recipient"),
    ("who has been sent the most mail by Tom Okafor?", "recipient"),
])
def test_who_with_an_auxiliary_or_a_contraction(demo_lex, question, target):
    """'who's' is 'who is' (or 'who has' before a participle); 'who has sent X' asks for the
    senders, 'who has X sent ... to' for the recipients."""
    p = read_plan(question, demo_lex)
    assert (p.ask, p.target) == (Ask.TOP, target) and not p.unused


def _mbox_store(tmp_path, mails, box: str = "m"):
    """A store ingested from (from, to, date, subject, body[, cc]) rows, in mailbox box (not indexed)."""
    import mailbox

    from archivist.corpus.ingest import ingest_paths
    from archivist.store import Store
    mbox = mailbox.mbox(tmp_path / f"{box}.mbox")
    for i, (frm, to, date, subject, body, *cc) in enumerate(mails):
        msg = mailbox.mboxMessage()
        msg["From"], msg["To"], msg["Date"], msg["Subject"] = frm, to, date, subject
        if cc:
            msg["Cc"] = cc[0]
        msg["Message-ID"] = f"<t{i}@example.com>"
        msg.set_payload(body)
        mbox.add(msg)
    mbox.flush()
    store = Store(tmp_path / "m.db")
    ingest_paths(store, [tmp_path / f"{box}.mbox"])
    return store


def ask_over(tmp_path, mails, question: str):
    """ask() over a store of these mails, indexed for BM25 (no embedder), no model call."""
    from archivist.agent.ask import ask
    from archivist.retrieval.indexer import index_store
    from tests.conftest import agent_settings
    with _mbox_store(tmp_path, mails) as store:
        index_store(store, agent_settings(tmp_path / "m.db"), embed=False)
        return ask(store, agent_settings(tmp_path / "m.db"), question, log=False)


def test_words_of_an_organisation_name_are_no_unknown_person(tmp_path):
    """'the new company' only matches words of 'The New Harbor Supply Company' (an organisation):
    content of a described email, or words not used in a count, never a person left unmatched."""
    from archivist.agent.question.lexicon import lexicon
    store = _mbox_store(tmp_path, [
        ("The New Harbor Supply Company <news@harborsupply.com>", "Ann Lee <ann.lee@acme.com>",
         "Mon, 08 Apr 2024 10:00:00 -0700", "Catalogue", "Our spring catalogue."),
        ("Ann Lee <ann.lee@acme.com>", "Bo Fry <bo.fry@acme.com>",
         "Tue, 09 Apr 2024 10:00:00 -0700", "Move", "Plan for moving the traders to the new company.")])
    with store:
        lex = lexicon(store)
        p = read_plan("Who did Ann Lee send the plan for moving traders to the new company to?", lex)
        assert p.ask == Ask.FIELD and all(c.known for c in p.constraints)
        assert "company" in str(p.of(Role.TOPIC)[0].value)
        p = read_plan("How many emails did Ann Lee send to the new company?", lex)
        assert {"new", "company"} <= set(p.unused) and all(c.known for c in p.constraints)


@pytest.mark.parametrize("word, matches, misses", [
    ("insolvency", ["insolvent", "insolvencies", "Insolvency"], ["solvent"]),
    ("insolvent", ["insolvency", "insolvents"], []),
    ("party", ["parties", "party's"], ["partisan"]),
    ("merge", ["merging", "merged", "merges"], ["merger"]),
    ("currency", ["currencies"], ["current"]),
    ("agent", ["agents"], ["agency"]),
])
def test_a_mention_matches_the_forms_of_its_word(word, matches, misses):
    import re

    from archivist import word_forms
    rx = re.compile(rf"\b{word_forms.pattern(word)}\b", re.I)
    assert all(rx.fullmatch(m) for m in matches) and not any(rx.fullmatch(m) for m in misses)


def test_a_count_of_mentions_takes_the_adjective_of_a_state_noun(tmp_path):
    """'mentioning insolvency' counts the email that says 'insolvent' (found by the full-text index
    through the family too); 'currency' is not 'current'."""
    from archivist.agent.ask import ask
    from archivist.retrieval.indexer import index_store
    from tests.conftest import agent_settings
    store = _mbox_store(tmp_path, [
        ("Ann Lee <ann.lee@acme.com>", "Bo Fry <bo.fry@acme.com>", "Mon, 08 Apr 2024 10:00:00 -0700",
         "Vendor", "The vendor is insolvent, hold the payment."),
        ("Ann Lee <ann.lee@acme.com>", "Bo Fry <bo.fry@acme.com>", "Tue, 09 Apr 2024 10:00:00 -0700",
         "Filing", "Their insolvency filing is due."),
        ("Bo Fry <bo.fry@acme.com>", "Ann Lee <ann.lee@acme.com>", "Wed, 10 Apr 2024 10:00:00 -0700",
         "Terms", "The current contract stands.")])
    with store:
        index_store(store, agent_settings(tmp_path / "m.db"), embed=False)
        assert ask(store, agent_settings(tmp_path / "m.db"), "How many emails mention insolvency?",
                   log=False).result == {"count": 2}
        assert ask(store, agent_settings(tmp_path / "m.db"), "How many emails mention currency?",
                   log=False).result == {"count": 0}


def test_a_count_to_someone_says_its_other_readings(tmp_path):
    """'sent to X' counts every recipient line (the figure); the To line alone, and what reached X's
    own mailbox from that sender, are said beside it when they differ."""
    from archivist.agent.ask import ask
    from tests.conftest import agent_settings
    store = _mbox_store(tmp_path, [
        ("Ann Lee <ann.lee@acme.com>", "Bo Fry <bo.fry@acme.com>", "Mon, 08 Apr 2024 10:00:00 -0700", "a", "one"),
        ("Ann Lee <ann.lee@acme.com>", "Cy Dunn <cy.dunn@acme.com>", "Tue, 09 Apr 2024 10:00:00 -0700", "b", "two",
         "Bo Fry <bo.fry@acme.com>")])
    with store:
        r = ask(store, agent_settings(tmp_path / "m.db"), "How many emails did Ann Lee send to Bo Fry?", log=False)
    assert r.result == {"count": 2} and "To line alone: 1" in r.answer


def test_anyone_bccd_is_not_read_so_gives_no_figure(demo_lex):
    """'with somebody bcc'd' names no one in that role: named as not used, not dropped."""
    p = read_plan("How many emails did Tom Okafor send with somebody bcc'd?", demo_lex)
    assert p.ask == Ask.COUNT and {"bcc'd"} <= set(p.unused)


def test_cc_words_with_someone_in_that_role_are_read(demo_lex):
    p = read_plan("how many emails was Tom Okafor copied on?", demo_lex)
    assert p.of(Role.CC) and not p.unused


@pytest.mark.parametrize("question, role, value", [
    ("how many of Tom Okafor's messages had the term 'pipeline' in them", Role.TEXT, "pipeline"),
    ("how many emails did Maria Chen send containing the word crane?", Role.TEXT, "crane"),
    ("how many emails from Maria Chen mentioned crane in the subject?", Role.SUBJECT, "crane"),
    ("How many emails with a Word file attached did Dave Lindqvist send?", Role.ATTACHMENT, "doc"),
])
def test_the_word_x_is_text_and_a_word_file_is_an_attachment(demo_lex, question, role, value):
    """'the word/term X' names words of the email, 'a Word file' an attachment; a verb before the
    subject words ('mentioned crane in the subject') is no subject word."""
    p = read_plan(question, demo_lex)
    assert [c.value for c in p.of(role)] == [value] and not p.of(Role.ATTACHMENT if role != Role.ATTACHMENT
                                                                 else Role.TEXT) and not p.unused


def test_to_or_cc_makes_the_person_any_recipient(demo_lex):
    p = read_plan("how many emails was Priya Raman on, to or cc, in March 2024?", demo_lex)
    assert p.ask == Ask.COUNT and p.of(Role.RECIPIENT) and not p.of(Role.SENDER) and not p.unused
    p = read_plan("who did Tom Okafor write to most, to or cc?", demo_lex)
    assert (p.ask, p.target) == (Ask.TOP, "recipient") and not p.unused


@pytest.mark.parametrize("question, target", [
    ("in which week of April 2024 did Maria Chen send the most emails?", "week"),
    ("which year had the most mail from Tom Okafor?", "year"),
    ("which month had the most mail from Tom Okafor?", "month"),
])
def test_the_busiest_week_or_year_is_a_week_or_a_year(demo_db, question, target):
    """A peak is counted by the unit asked for: a week (Monday to Sunday, by its Monday), a year."""
    from archivist.agent.ask import ask
    from archivist.store import Store
    from tests.conftest import agent_settings
    with Store(demo_db) as store:
        r = ask(store, agent_settings(demo_db), question, log=False)
    assert target in r.result and r.result["count"] >= 1
    if target == "week":
        from datetime import date
        assert date.fromisoformat(r.result["week"]).weekday() == 0


@pytest.mark.parametrize("question", [
    "when did Maria Chen first mention the crane?",
    "When did Tom Okafor last talk about the easement?",
])
def test_when_someone_first_mentions_a_word_is_read_from_their_emails(demo_lex, question):
    p = read_plan(question, demo_lex)
    assert p.ask in (Ask.FIRST, Ask.LAST) and p.target == "date" and p.of(Role.TEXT) and not p.unused


def test_together_is_the_questions_own_word(demo_lex):
    p = read_plan("when did Maria Chen last write to Tom Okafor and Priya Raman together?", demo_lex)
    assert p.ask == Ask.LAST and len(p.of(Role.RECIPIENT)) == 2 and not p.of(Role.TEXT) and not p.unused


PEOPLE = [("Ann Lee <ann.lee@acme.com>", "Ann Lee <ann.lee@acme.com>", "Mon, 08 Apr 2024 10:00:00 -0700", "memo", "to me"),
          ("Bo Fry <bo.fry@acme.com>", "Ann Lee <ann.lee@acme.com>", "Tue, 09 Apr 2024 10:00:00 -0700", "hi", "hello"),
          ("Ann Lee <ann.lee@acme.com>", "Bo Fry <bo.fry@acme.com>", "Wed, 10 Apr 2024 10:00:00 -0700", "re: hi", "yes"),
          ("Cy Dunn <cy.dunn@vendor.net>", "Ann Lee <ann.lee@acme.com>", "Thu, 11 Apr 2024 10:00:00 -0700", "bid", "ok")]


@pytest.mark.parametrize("question, roles", [
    ("how many emails from vendor.net are in ann lee's mailbox?", {Role.DOMAIN, Role.MAILBOX}),
    ("how many emails did Ann Lee send herself?", {Role.SENDER, Role.RECIPIENT}),
    ("how many emails have Ann Lee and Bo Fry exchanged?", {Role.PARTICIPANT}),
    ("how many emails mention both bid and vendor?", {Role.TEXT}),
])
def test_people_mailboxes_and_words_as_typed(tmp_path, question, roles):
    """A mailbox after a domain ('from x.net in Ann Lee's mailbox'), a person writing to themself,
    two people who exchanged emails (one sent the other), 'both A and B' (the words, not 'both')."""
    from archivist.agent.question.lexicon import lexicon
    with _mbox_store(tmp_path, PEOPLE, box="lee-a") as store:
        p = read_plan(question, lexicon(store))
    assert {c.role for c in p.constraints} == roles and not p.unused
    assert all(w not in str(c.value).split() for c in p.of(Role.TEXT) for w in ("both", "and"))


@pytest.mark.parametrize("question, sender", [
    ("what was the name of the file Maria Chen sent about the offsite?", "maria.chen@northwind-energy.com"),
    ("which document did Tom Okafor attach to his note on the budget?", "tom.okafor@northwind-energy.com"),
])
def test_the_sender_of_a_described_file(demo_lex, question, sender):
    """'the name of the file' is the question's frame (not 'the name X' of body words), and
    'did X attach' makes X the sender of the email described."""
    p = read_plan(question, demo_lex)
    assert (p.ask, p.target) == (Ask.FIELD, "attachments")
    assert [sender in c.value for c in p.of(Role.SENDER)] == [True] and not p.of(Role.TEXT)


FILES = PEOPLE + [
    ("Bo Fry <bo.fry@acme.com>", "Ann Lee <ann.lee@acme.com>", "Fri, 12 Apr 2024 10:00:00 -0700", "figures",
     "See attached. << File: q1.xls >> << File: memo.pdf >>"),
    ("Bo Fry <bo.fry@acme.com>", "Cy Dunn <cy.dunn@vendor.net>", "Sat, 13 Apr 2024 10:00:00 -0700", "more",
     "Updated. << File: q2.xls >>")]


@pytest.mark.parametrize("question, count", [
    ("how many different people has Ann Lee written to?", 1),  # Bo Fry (herself is who is asked about)
    ("how many distinct senders wrote to Ann Lee?", 2),  # Bo Fry, Cy Dunn
    ("how many spreadsheets did Bo Fry send?", 2),
    ("how many attachments did Bo Fry send?", 3),
    ("how many emails with attachments did Bo Fry send?", 2),
])
def test_counts_of_people_and_files_in_the_emails(tmp_path, question, count):
    """'how many different people' counts people in the role asked, 'how many spreadsheets' the
    files named in the emails; 'how many emails with attachments' still counts emails."""
    from archivist.agent.ask import ask
    from tests.conftest import agent_settings
    with _mbox_store(tmp_path, FILES) as store:
        r = ask(store, agent_settings(tmp_path / "m.db"), question, log=False)
    assert r.result == {"count": count}, r.answer


@pytest.mark.parametrize("question, unread", [
    ("how many emails did Maria Chen send except to Tom Okafor?", {"except"}),
    ("how many emails did Tom Okafor send that did not mention the crane?", {"not"}),
    ("how many of Maria Chen's emails went to people outside northwind-energy.com?", {"outside"}),
])
def test_a_negation_or_a_recipients_domain_no_filter_reads_gives_no_figure(demo_lex, question, unread):
    """'not from X' must not count the emails from X, nor 'to people outside D' those from senders
    outside D: the words are named as not used."""
    p = read_plan(question, demo_lex)
    assert p.ask == Ask.COUNT and unread <= set(p.unused), p.unused


def test_not_from_someone_is_read_now_as_leaving_their_emails_out(demo_lex):
    """'not from Tom Okafor' was a negation no filter read (no figure); his emails are now left out
    of the count, as 'excluding Tom Okafor' leaves them out."""
    p = read_plan("how many messages in the northwind mailbox were not from Tom Okafor?", demo_lex)
    assert p.unused == [] and [c.text for c in p.of(Role.EXCLUDED)] == ["not from Tom Okafor"]


def test_no_attachment_is_read_now_as_a_filter(demo_lex):
    """'that had no attachment' was a negation no filter read (no figure); the attachment filter
    now leaves such emails out (tests/test_question_v18.py counts them)."""
    p = read_plan("how many emails did Maria Chen send that had no attachment?", demo_lex)
    assert p.unused == [] and [c.value for c in p.of(Role.ATTACHMENT)] == ["not:any"]


def test_no_later_than_is_read_now_as_through_that_day(demo_lex):
    """'no later than' was a negation no filter read (no figure); it is the day itself and before."""
    p = read_plan("how many emails went out no later than April 3 2024 from Maria Chen?", demo_lex)
    assert [c.value for c in p.of(Role.DATE)] == ["..2024-04-04"] and not p.unused


def test_exclusions_that_are_read_stay_read(demo_lex):
    p = read_plan("who besides Tom Okafor did Maria Chen email most?", demo_lex)
    assert (p.ask, p.target) == (Ask.TOP, "recipient") and p.of(Role.EXCLUDED) and not p.unused
    p = read_plan("how many emails to Maria Chen were not from northwind-energy.com addresses?", demo_lex)
    assert p.of(Role.NOT_DOMAIN) and not p.unused


def test_a_middle_name_is_no_first_name(tmp_path):
    """'Ken Fry' is not 'Mark Kenneth Fry' (his son, with Kenneth for a middle name); a joint
    sender 'Ann Lee and Ken Fry' still holds him."""
    from archivist.agent.question.lexicon import lexicon
    mails = [("Ken Fry <ken.fry@acme.com>", "Ann Lee <ann.lee@acme.com>", "Mon, 08 Apr 2024 10:00:00 -0700", "a", "x"),
             ("Mark Kenneth Fry <mark@fryfamily.com>", "Ken Fry <ken.fry@acme.com>", "Tue, 09 Apr 2024 10:00:00 -0700",
              "b", "y"),
             ("Ann Lee and Ken Fry <office@acme.com>", "All <all@acme.com>", "Wed, 10 Apr 2024 10:00:00 -0700", "c", "z")]
    with _mbox_store(tmp_path, mails) as store:
        p = read_plan("how many emails did Ken Fry send?", lexicon(store))
    who = set(p.of(Role.SENDER)[0].value)
    assert "ken.fry@acme.com" in who and "mark@fryfamily.com" not in who
    assert any(a.startswith("office@acme.com") for a in who)


@pytest.mark.parametrize("question, label", [
    ("how many emails did Maria Chen send in late April?", "2024-04-21 .. 2024-05-01 (exclusive)"),
    ("how many emails did Maria Chen send in Q2?", "2024-04-01 .. 2024-07-01 (exclusive)"),
])
def test_a_part_of_a_month_or_a_quarter_without_a_year(demo_lex, question, label):
    """Read in the year the archive holds its email for, as a month without a year is (and said)."""
    p = read_plan(question, demo_lex)
    assert [c.label for c in p.of(Role.DATE)] == [label] and not p.unused
    assert any("no year was given" in n for n in p.notes)


@pytest.mark.parametrize("question, label", [
    ("# msgs fr Maria Chen abt the crane in the 1st 2 wks of april 2024", "2024-04-01 .. 2024-04-15 (exclusive)"),
    ("how many emails did Maria Chen send thru 4/3/24?", "before 2024-04-04"),
    ("tot # of emails Maria Chen sent up to and including April 3 2024", "before 2024-04-04"),
])
def test_shorthand_and_inclusive_ends(demo_lex, question, label):
    """'abt', 'wks', 'tot', '# msgs' spelled out; 'through'/'thru' a day includes that day."""
    p = read_plan(question, demo_lex)
    assert p.ask == Ask.COUNT and [c.label for c in p.of(Role.DATE)] == [label] and not p.unused


def test_a_quarter_without_a_year_needs_a_date_word_before_it():
    """'during Q2' is a date; 'the Q2 planning offsite' is the name of a meeting."""
    from archivist.dates import find_dates
    assert not find_dates("Which room is the Q2 planning offsite in?", 2024)
    assert [(s.low, s.high) for s in find_dates("emails sent during Q2", 2024)] == [("2024-04-01", "2024-07-01")]


@pytest.mark.parametrize("question, lists", [
    ("Find every variable holding the number 4711.", False),  # things in the text
    ("Show all the clauses that mention indemnity", False),
    ("find the memos about the pipeline", True),  # documents named
    ("show me what maria.chen@northwind-energy.com sent in april 2024", True),  # a sender and a date
    ("List everything dated after 2024-05-01", True),
])
def test_a_list_is_of_documents_only_when_it_names_them_or_constrains_them(question, lists):
    """'find/show/list ...' of things in the text is a content question (retrieval or memory), not
    a list of emails refused for words it could not use; as a count must name messages."""
    from archivist.agent.question.analyse import analyse_question, metadata_question
    assert metadata_question(analyse_question(question)) is lists
