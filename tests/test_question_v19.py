"""Failure classes found in round 19 (spent after its one run), in our own wordings over invented
mailboxes: a company word beside the address typed for the sender; a label before the question
that names the custodian whose mailbox it asks about; 'the people X sent email to'; 'addressed to
him directly on the To line' inside a ranking of one mailbox. Then (thirteenth session): a date cue
never reaches over a constraint to a date ('thru ana's mailbox march'); '(# emails w/ pdf)' counts
emails; a firm typed in lower case beside its domain; 'X's 3/4/25 reply' is X's; '1st' is first
(and no name 'st'); 'which executives were copied' after a 'When ...' clause; a display name that
says only the person's first name is the same person's."""
from __future__ import annotations

import pytest

from archivist.agent.question.plan import Ask, Role, Target
from tests.question_archive import ask_in, open_archive, people_of, plan_of

ANA, BEN, CY = "Ana Ross <ana.ross@acme.com>", "Ben Lind <ben.lind@acme.com>", "Cy Ward <cy.ward@acme.com>"
FEED = "Pipeline Notices <notices@gasco.com>"
FIRM = "Reed & Kemp LLP <docket@rklaw.com>"
TOM, ST = "Tom Reed <tom.reed@acme.com>", "Carol St. Clair <carol.st.@acme.com>"
DEE, DEE_SHORT = "Dee Marsh <dee@homemail.net>", "dee <dee@homemail.net>"
BOXES = {  # (from, to, cc, date, subject, body)
    "ross-a": [
        (FEED, ANA, "", "Mon, 03 Mar 2025 09:00:00 -0800", "Notice 1", "Capacity notice."),
        (FEED, ANA, "", "Tue, 04 Mar 2025 09:00:00 -0800", "Notice 2", "Capacity notice."),
        (BEN, ANA, "", "Wed, 05 Mar 2025 09:00:00 -0800", "Hi", "Direct."),
        (BEN, ANA, "", "Thu, 06 Mar 2025 09:00:00 -0800", "Hi 2", "Direct again."),
        (CY, BEN, ANA, "Fri, 07 Mar 2025 09:00:00 -0800", "Cc", "Ana copied."),
        (CY, BEN, ANA, "Fri, 07 Mar 2025 10:00:00 -0800", "Cc 2", "Ana copied again."),
        (CY, BEN, ANA, "Fri, 07 Mar 2025 11:00:00 -0800", "Cc 3", "Ana copied a third time."),
        (ANA, BEN, "", "Mon, 10 Mar 2025 09:00:00 -0700", "Out", "To Ben."),
        (ANA, BEN, "", "Tue, 11 Mar 2025 09:00:00 -0700", "Out 2", "To Ben again."),
        (ANA, CY, "", "Wed, 12 Mar 2025 09:00:00 -0700", "Out 3", "To Cy."),
        *[(FEED, ANA, "", f"Mon, {d} Mar 2025 09:00:00 -0700", f"Notice {d}", "Capacity notice.") for d in (17, 18, 19)],
        (BEN, ANA, "", "Mon, 17 Feb 2025 09:00:00 -0800", "Feb", "Before March."),
        (CY, ANA, "", "Tue, 25 Mar 2025 09:00:00 -0700", "Scans", "Two scans. << File: a.pdf >> << File: b.pdf >>"),
        (FIRM, ANA, "", "Wed, 26 Mar 2025 09:00:00 -0700", "Filing", "The filing."),
        (FIRM, ANA, "", "Thu, 27 Mar 2025 09:00:00 -0700", "Filing 2", "The second filing."),
        *[(TOM, ANA, "", f"Thu, 27 Mar 2025 1{h}:00:00 -0700", f"Tom {h}", "From Tom.") for h in range(4)],
        (ST, BEN, "", "Thu, 27 Mar 2025 11:00:00 -0700", "Carol", "From Carol."),
        (CY, ANA, BEN, "Fri, 28 Mar 2025 09:00:00 -0700", "Storage", "Please look at the storage contract."),
        (ANA, CY, BEN, "Fri, 28 Mar 2025 10:00:00 -0700", "RE: Storage", "Cy, the storage contract is fine. << File: redline.doc >>"),
        (DEE, ANA, "", "Mon, 03 Mar 2025 09:00:00 -0800", "Pool", "Pool picks."),
        (BEN, ANA, "", "Tue, 01 Apr 2025 09:00:00 -0700", "Savings", "I moved my 401k into the index fund."),
        (CY, ANA, "", "Wed, 02 Apr 2025 09:00:00 -0700", "Plan", "The 401 (k) match is changing."),
        *[(DEE_SHORT, ANA, "", f"Tue, {d} Mar 2025 09:00:00 -0700", f"Pool {d}", "Pool picks.") for d in (11, 18, 25)],
    ],
}


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    archive = open_archive(tmp_path_factory.mktemp("v19"), BOXES)
    yield archive
    archive[0].close()


def test_a_company_word_beside_the_typed_address_is_that_address(archive):
    question = "how many Gasco Pipeline notices (notices@gasco.com) came in the first week of March 2025?"
    plan = plan_of(archive, question)
    assert {str(c.value) for c in plan.of(Role.DOMAIN)} <= {"@gasco.com"}
    assert ask_in(archive, question).result.get("count") == 2


def test_a_label_naming_the_custodian_is_no_sender(archive):
    plan = plan_of(archive, "For the Ross case file: how many emails sit in Ana Ross's mailbox for March 2025?")
    assert not plan.of(Role.SENDER) and plan.unused == []


def test_the_people_someone_sent_email_to(archive):
    plan = plan_of(archive, "Who were the top two people Ana Ross sent email to?")
    assert plan.ask == Ask.TOP and plan.target == Target.RECIPIENT
    assert people_of(ask_in(archive, "Who were the top two people Ana Ross sent email to?").result)[:1] == ["ben.lind@acme.com"]


def test_addressed_to_him_directly_in_a_ranking_of_his_mailbox(archive):
    question = ("Of the emails in Ana Ross's mailbox that were addressed to her directly on the To line, "
                "who sent the greatest number?")
    plan = plan_of(archive, question)
    assert plan.of(Role.TO) and plan.unused == []
    assert people_of(ask_in(archive, question).result)[:1] == ["notices@gasco.com"]  # not Cy: Ana only copied


def test_a_date_cue_never_reaches_over_a_mailbox(archive):
    question = "how many msgs came thru ana ross's mailbox march 2025"
    plan = plan_of(archive, question)
    assert [str(c.value) for c in plan.of(Role.DATE)] == ["2025-03-01..2025-04-01"] and plan.unused == []


def test_emails_counted_where_the_question_says_so(archive):
    question = "how many pdfs came thru ana ross's mailbox in march 2025 (# emails w/ pdf attached)"
    plan = plan_of(archive, question)
    assert plan.ask == Ask.COUNT and plan.target == Target.DOCUMENTS
    assert ask_in(archive, question).result.get("count") == 1


def test_a_firm_typed_in_lower_case_beside_its_domain(archive):
    question = "how many msgs did reed & kemp lawyers (rklaw.com) send to ana ross"
    plan = plan_of(archive, question)
    assert not plan.of(Role.SENDER) and [str(c.value) for c in plan.of(Role.DOMAIN)] == ["@rklaw.com"]
    assert ask_in(archive, question).result.get("count") == 2


def test_a_possessive_with_a_date_is_the_sender(archive):
    plan = plan_of(archive, "What was attached to Ana Ross's 3/28/25 reply to Cy about the storage contract?")
    assert plan.of(Role.SENDER) and not plan.of(Role.RECIPIENT)


@pytest.mark.parametrize("question", ["when did cy ward 1st write to ben lind", "date cy ward 1st wrote to lind"])
def test_1st_is_first(archive, question):
    plan = plan_of(archive, question)
    assert plan.ask == Ask.FIRST and plan.target == Target.DATE and plan.unused == []
    assert [c.text.lower() for c in plan.of(Role.SENDER)] == ["cy ward"]


def test_who_was_copied_after_a_when_clause(archive):
    plan = plan_of(archive, "When Cy Ward asked Ben to look at the storage contract in March 2025, which executives "
                            "were copied?")
    assert plan.ask == Ask.FIELD and plan.target == Target.CC


def test_a_first_name_display_is_the_same_person(archive):
    assert ask_in(archive, "how many emails did dee marsh send in march 2025").result.get("count") == 4


# the rest of round 19's misses (refusals), read since in our own wordings
def test_other_than_internal_addresses(archive):
    plan = plan_of(archive, "Other than internal Acme addresses, who sent the most emails to Ana Ross's mailbox in March 2025?")
    assert [str(c.value) for c in plan.of(Role.NOT_DOMAIN)] == ["@acme.com"] and plan.unused == []


@pytest.mark.parametrize("question", [
    "Of the emails in Ana Ross's mailbox during the week following the office move, that is Monday March 3 through "
    "Sunday March 9, 2025, how many came from Ben Lind?",
    "In the week that Ross's promotion was announced, that is Monday March 3 through Sunday March 9, 2025, how many "
    "emails reached her mailbox?",
])
def test_an_event_then_its_days_said_again(archive, question):
    plan = plan_of(archive, question)
    assert [str(c.value) for c in plan.of(Role.DATE)] == ["2025-03-03..2025-03-10"] and plan.unused == []


def test_the_days_of_a_half_month_said_again(archive):
    plan = plan_of(archive, "For the first half of March 2025 (the 1st through the 15th), how many emails are in Ana "
                            "Ross's mailbox?")
    assert [str(c.value) for c in plan.of(Role.DATE)] == ["2025-03-01..2025-03-16"] and plan.unused == []
    other = plan_of(archive, "For the first half of March 2025 (the 2nd through the 15th), how many emails are in Ana "
                             "Ross's mailbox?")
    assert other.unused  # other days than the half's: not read as the same period


@pytest.mark.parametrize("text, low, high", [
    ("from March 3, 2025 through the end of the year", "2025-03-03", "2026-01-01"),
    ("since 3/3/25 through end of year", "2025-03-03", "2026-01-01"),
    ("from 3/3/25 to year end", "2025-03-03", "2026-01-01"),
    ("in Q3/2025", "2025-07-01", "2025-10-01"),
    ("Q1-2025", "2025-01-01", "2025-04-01"),
])
def test_a_day_to_the_end_of_its_year(text, low, high):
    from archivist.dates import find_dates
    spans = [s for s in find_dates(text) if s.low]
    assert (spans[-1].low, spans[-1].high) == (low, high)


def test_a_holiday_with_its_date_to_the_end_of_that_year(archive):
    plan = plan_of(archive, "From Thanksgiving Day, November 27, 2025, through the end of that year, how many emails "
                            "did Ana Ross send?")
    assert [str(c.value) for c in plan.of(Role.DATE)] == ["2025-11-27..2026-01-01"] and plan.unused == []


def test_raised_the_subject_of_is_what_they_speak_of(archive):
    plan = plan_of(archive, "how many emails in Ana Ross's mailbox raised the subject of 401(k) accounts?")
    assert [str(c.value) for c in plan.of(Role.TEXT)] == ["401(k) accounts"] and not plan.of(Role.SUBJECT)


@pytest.mark.parametrize("question", [
    "Please identify, in descending order, the two people who sent the most emails in Ana Ross's mailbox.",
    "Of the emails retained in Ana Ross's mailbox, how many were sent in March 2025?",
])
def test_frame_words_of_order_and_keeping(archive, question):
    assert plan_of(archive, question).unused == []


def test_subject_or_body_said_with_in_the(archive):
    plan = plan_of(archive, "How many emails in Ana Ross's mailbox refer to the storage contract, whether in the subject "
                            "or in the body of the message?")
    assert plan.of(Role.TEXT) and all(c.label != "in the body only" for c in plan.of(Role.TEXT))


def test_shown_as_a_cc_recipient_and_was_a_recipient(archive):
    plan = plan_of(archive, "On how many emails was Ana Ross shown as a cc recipient?")
    assert [c.text for c in plan.of(Role.CC)] == ["Ana Ross"] and not plan.of(Role.SENDER)
    plan = plan_of(archive, "On what date did Cy Ward last send an email on which Ana Ross was a recipient (To or Cc)?")
    assert [c.text for c in plan.of(Role.SENDER)] == ["Cy Ward"] and plan.of(Role.RECIPIENT) and plan.unused == []


def test_the_sender_named_again_in_a_form_left_out(archive):
    plan = plan_of(archive, "How many emails did Ana Ross send to Ben Lind, excluding anything Ross merely forwarded?")
    assert len(plan.of(Role.SENDER)) == 1 and [c.value for c in plan.of(Role.FORM)] == ["not forward"]
    assert plan.unused == []


def test_a_season_said_again_after_meaning(archive):
    plan = plan_of(archive, "How many emails are in Ana Ross's mailbox for the autumn of 2025, meaning September "
                            "through November?")
    assert [str(c.value) for c in plan.of(Role.DATE)] == ["2025-09-01..2025-12-01"] and plan.unused == []


def test_a_system_named_beside_its_address(archive):
    plan = plan_of(archive, "How many notices from the Gasco system (notices@gasco.com) are in Ana Ross's mailbox?")
    assert [str(c.value) for c in plan.of(Role.SENDER)] == ["notices@gasco.com"] and plan.unused == []


def test_an_event_then_the_months_it_was_after(archive):
    plan = plan_of(archive, "After her promotion, in March 2025, who sent the most emails to Ana Ross's mailbox?")
    assert [str(c.value) for c in plan.of(Role.DATE)] == ["2025-03-01..2025-04-01"] and plan.unused == []
    plan = plan_of(archive, "Since the merger collapsed, in March 2025, how many emails did Ana Ross send?")
    assert plan.unused  # whether March is the collapse's month or the question's: not said


def test_a_long_event_said_beside_the_period_and_either_line(archive):
    question = ("In March 2025, during the Gasco merger negotiations, how many emails were addressed to both Ana Ross "
                "and Ben Lind, counting either the To or the Cc line for each of them?")
    plan = plan_of(archive, question)
    assert [str(c.value) for c in plan.of(Role.DATE)] == ["2025-03-01..2025-04-01"] and plan.unused == []
    assert not plan.of(Role.DOMAIN) and len(plan.of(Role.RECIPIENT)) == 2
    narrower = plan_of(archive, "In March 2025, during the board meeting, how many emails did Ana Ross send?")
    assert narrower.unused  # a meeting is narrower than the month: not read as the month


def test_a_company_word_before_a_system_beside_its_address(archive):
    plan = plan_of(archive, "how many Gasco Pipeline notices (notices@gasco.com) came in March 2025?")
    assert {str(c.value) for c in plan.of(Role.DOMAIN)} <= {"@gasco.com"} and plan.unused == []


# phrasings of our own in the styles the next round's brief asks of its writers (a non-native
# auditor, a spreadsheet analyst, a researcher setting context), written before that round was run
@pytest.mark.parametrize("question, date", [
    ("How much mails did Ana Ross send in the 1st semester 2025?", "2025-01-01..2025-07-01"),
    ("how many emails did Ana Ross send between 2025-03-01 and 2025-03-31, exclusive of weekends?",
     "2025-03-01..2025-04-01"),
])
def test_a_non_native_count_and_weekdays(archive, question, date):
    plan = plan_of(archive, question)
    assert plan.ask == Ask.COUNT and [str(c.value) for c in plan.of(Role.DATE)] == [date] and plan.unused == []


def test_exclusive_of_weekends_is_weekdays(archive):
    question = "how many emails did Ana Ross send between 2025-03-01 and 2025-03-31, exclusive of weekends?"
    assert plan_of(archive, question).of(Role.WEEKDAY)


def test_grouped_by_month_and_subject_contains(archive):
    plan = plan_of(archive, "grouped by month, which month is highest for emails sent by Ana Ross in 2025?")
    assert plan.ask == Ask.PEAK and plan.unused == []
    plan = plan_of(archive, 'count emails in ross-a where subject contains "Notice" during Q1 2025')
    assert [str(c.value) for c in plan.of(Role.SUBJECT)] == ["Notice"] and plan.unused == []


def test_a_context_label_before_the_question(archive):
    plan = plan_of(archive, "Thinking about the storage contract: when did Cy Ward first mention it to Ben Lind?")
    assert plan.ask == Ask.FIRST and plan.unused == []
    plan = plan_of(archive, "Tracing the desk heads: who did Ana Ross write to most often in March 2025?")
    assert plan.ask == Ask.TOP and plan.unused == []


def test_who_else_was_on_the_email_and_the_mail_of(archive):
    plan = plan_of(archive, "Who else was on the email Cy Ward sent about the storage contract in March 2025?")
    assert plan.ask == Ask.FIELD and plan.target == Target.RECIPIENT
    plan = plan_of(archive, "What was attached to the mail of Ana Ross about the storage contract?")
    assert [c.text for c in plan.of(Role.SENDER)] == ["Ana Ross"]


def test_put_out_is_not_leaving_out(archive):
    """'put out' (published) is no exclusion cue; 'put aside' is."""
    plan = plan_of(archive, "Number of notices Gasco put out from the day after Thanksgiving through the end of "
                            "November 2025?")
    assert [str(c.value) for c in plan.of(Role.DATE)] == ["2025-11-28..2025-12-01"] and plan.unused == []


def test_a_word_with_a_letter_in_parentheses_and_a_topic_noun(archive):
    """'401(k)' is also written '401k' and '401 (k)'; 'accounts' after it names the topic (no email
    need say it, and the answer says so)."""
    answer = ask_in(archive, "how many emails in Ana Ross's mailbox raised the subject of 401(k) accounts in April 2025?")
    assert answer.result.get("count") == 2


def test_events_then_their_days_after_so(archive):
    plan = plan_of(archive, "Between the office move and the audit, so from March 3 to March 28, 2025, how many emails did "
                            "Ana Ross send?")
    assert [str(c.value) for c in plan.of(Role.DATE)] == ["2025-03-03..2025-03-29"] and plan.unused == []


def test_sql_ish_roles_and_a_first_date(archive):
    plan = plan_of(archive, "first email date where sender is Cy Ward and recipient is Ben Lind")
    assert plan.ask == Ask.FIRST and plan.target == Target.DATE and plan.unused == []
    assert [c.text for c in plan.of(Role.SENDER)] == ["Cy Ward"] and [c.text for c in plan.of(Role.RECIPIENT)] == ["Ben Lind"]


def test_arrive_is_no_word_to_find(archive):
    plan = plan_of(archive, "When did the first email mentioning storage arrive in Ana Ross's mailbox?")
    assert [str(c.value) for c in plan.of(Role.TEXT)] == ["storage"] and plan.unused == []


def test_the_mailbox_of_x_came_from_and_the_domain_x(archive):
    plan = plan_of(archive, "How many mails in the mailbox of Ana Ross came from outside of Acme in March 2025?")
    assert [c.value for c in plan.of(Role.MAILBOX)] == ["ross-a"] and not plan.of(Role.SENDER) and plan.unused == []
    plan = plan_of(archive, "How many mails from the domain rklaw.com are in the mailbox of Ana Ross?")
    assert [str(c.value) for c in plan.of(Role.DOMAIN)] == ["@rklaw.com"] and plan.unused == []


def test_a_ranking_both_ways_is_not_given_one_way(archive):
    plan = plan_of(archive, "Who was the top correspondent of Ana Ross in March 2025 (sent or received)?")
    assert {"sent", "received"} <= set(plan.unused)  # no ranking of both directions: no one-way figure
    plan = plan_of(archive, "Among emails in Ana Ross's mailbox, who is the most common sender other than Ana herself?")
    assert plan.ask == Ask.TOP and plan.unused == []


@pytest.mark.parametrize("question, sender, recipient", [
    ("When wrote Ana Ross the first mail to Ben Lind?", "Ana Ross", "Ben Lind"),
    ("In which month sent Ana Ross the most mails in 2025?", "Ana Ross", None),
    ("How many mails received Ben Lind in March 2025?", None, "Ben Lind"),
    ("Who sent Ben Lind the most emails?", None, "Ben Lind"),  # 'who' is the subject: Ben is written to
])
def test_a_verb_before_its_subject(archive, question, sender, recipient):
    plan = plan_of(archive, question)
    assert [c.text for c in plan.of(Role.SENDER)] == ([sender] if sender else [])
    assert [c.text for c in plan.of(Role.RECIPIENT)] == ([recipient] if recipient else [])


def test_the_mail_of_x_only_as_the_email_described(archive):
    plan = plan_of(archive, "There was a request in March 2025 to stop deleting the e-mail of Ben Lind, Cy Ward and others "
                            "because of the storage case. To whom was that request addressed?")
    assert not plan.of(Role.SENDER)  # whose mail was kept, words of the description; no sender


def test_his_last_day_is_no_date_asked(archive):
    plan = plan_of(archive, "who emailed ben lind in early march 2025 saying it was his last day at acme?")
    assert plan.ask == Ask.FIELD and plan.target == Target.SENDER


def test_who_else_leaves_out_the_people_named(archive):
    """'Who else was on that email?': everyone on it but the people the question names."""
    answer = ask_in(archive, "Cy Ward asked Ben Lind to look at the storage contract. Who else was on that email?")
    assert people_of(answer.result) == ["ana.ross@acme.com"]


def test_a_department_written_onto_a_surname():
    from archivist.agent.question.lexicon import name_words
    assert name_words("Lance Schuler-Legal") == ["lance", "schuler", "legal"]
    assert name_words("Balfour-Flanagan, Cyndie") == ["balfour-flanagan", "cyndie"]  # a double surname stays one


def test_a_verb_of_keeping_before_the_mailbox_with_or_without_the_word_in(archive):
    for question in ("How many emails held in Ana Ross's mailbox mention storage?",
                     "How many emails retained in the ross-a mailbox mention storage?"):
        plan = plan_of(archive, question)
        assert [c.value for c in plan.of(Role.MAILBOX)] == ["ross-a"] and plan.unused == []
