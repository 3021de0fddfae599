"""Questions as people type them (issue 24), failure classes found on the third blind round's tune
half: 'addressed to X' is the To line; 'who sent' / 'senders of' mail addressed to X asks for the
senders; an address in parentheses after a name says which person the name is; quantity words ('a
few times', 'the ones where') are the question's frame; 'the X project' is X in the text; a topic
said before a dash ('X - how many ... mention it'); a lower-case surname that is a verb with its
object ('the offer to buy the plant'). Written in our own words, not the blind questions'."""
from __future__ import annotations

import pytest

from archivist.agent.question.plan import Ask, Role, Target, Use
from archivist.agent.question.reader import read_plan
from tests.test_question_typed import _mbox_store, ask_over

MAILS = [
    ("Ann Lee <ann.lee@acme.com>", "Bo Fry <bo.fry@acme.com>", "Mon, 08 Apr 2024 10:00:00 -0700", "plan",
     "the Bluebird project starts"),
    ("Cy Dunn <cy.dunn@acme.com>", "Bo Fry <bo.fry@acme.com>", "Tue, 09 Apr 2024 10:00:00 -0700", "plan",
     "Bluebird numbers"),
    ("Cy Dunn <cy.dunn@acme.com>", "Bo Fry <bo.fry@acme.com>", "Wed, 10 Apr 2024 10:00:00 -0700", "memo", "other"),
    ("Di Ross <di.ross@acme.com>", "Ann Lee <ann.lee@acme.com>", "Thu, 11 Apr 2024 10:00:00 -0700", "memo",
     "copied only", "Bo Fry <bo.fry@acme.com>"),
    ("Di Ross <di.ross@acme.com>", "Ann Lee <ann.lee@acme.com>", "Fri, 12 Apr 2024 10:00:00 -0700", "memo",
     "again", "Bo Fry <bo.fry@acme.com>"),
    ("Di Ross <di.ross@acme.com>", "Ann Lee <ann.lee@acme.com>", "Fri, 12 Apr 2024 11:00:00 -0700", "memo",
     "and again", "Bo Fry <bo.fry@acme.com>"),
    ("Rick Buy <rick.buy@acme.com>", "Bo Fry <b.fry@home.net>", "Sat, 13 Apr 2024 10:00:00 -0700", "offer",
     "the offer to buy the plant"),
]


def _ask(tmp_path, question):
    return ask_over(tmp_path, MAILS, question)


def _plan(tmp_path, question):
    from archivist.agent.question.lexicon import lexicon
    with _mbox_store(tmp_path, MAILS) as store:
        return read_plan(question, lexicon(store))


def test_addressed_to_is_the_to_line(tmp_path):
    """Bo Fry is on the To line of four emails (one at his home address) and copied on three more."""
    assert _ask(tmp_path, "How many messages were addressed to Bo Fry in April 2024?").result == {"count": 4}


@pytest.mark.parametrize("question", [
    "who sent the most mail addressed to Bo Fry?",
    "top senders of email addressed to Bo Fry (to line), in order",
])
def test_senders_of_mail_addressed_to_someone(tmp_path, question):
    r = _ask(tmp_path, question)
    assert r.result["people"][0]["addresses"] == ["cy.dunn@acme.com"], r.answer


def test_an_address_in_parentheses_says_which_person(tmp_path):
    plan = _plan(tmp_path, "How many emails did Rick Buy send to Bo Fry (b.fry@home.net)?")
    to = plan.of(Role.RECIPIENT)
    assert [c.value for c in to] == ["b.fry@home.net"] and to[0].text == "Bo Fry (b.fry@home.net)"
    plan = _plan(tmp_path, "top senders to Bo Fry (home, b.fry@home.net)?")
    assert [c.value for c in plan.of(Role.RECIPIENT)] == ["b.fry@home.net"]
    assert plan.target == Target.SENDER


@pytest.mark.parametrize("question", [
    "Cy Dunn wrote to Bo Fry a couple of times - when was the last one?",
    "How many emails did Di Ross send Ann Lee? Count the ones where Bo Fry was copied.",
])
def test_quantity_words_are_the_frame(tmp_path, question):
    plan = _plan(tmp_path, question)
    assert not [w.text for w in plan.words if w.use == Use.UNUSED]
    assert not plan.of(Role.TEXT)


def test_the_x_project_is_x_in_the_text(tmp_path):
    plan = _plan(tmp_path, "When did the Bluebird project first come up in Bo Fry's mailbox?")
    assert [c.value for c in plan.of(Role.TEXT)] == ["Bluebird"]


@pytest.mark.parametrize("question, words", [
    ("Bluebird - how many emails to Bo Fry mention it?", "Bluebird"),
    ("first email to Bo Fry that mentions Bluebird - what date?", "Bluebird"),
])
def test_a_topic_before_or_after_a_dash(tmp_path, question, words):
    assert [c.value for c in _plan(tmp_path, question).of(Role.TEXT)] == [words]


def test_a_lower_case_surname_with_an_object_is_a_verb(tmp_path):
    plan = _plan(tmp_path, "who sent the offer to buy the plant?")
    assert not plan.of(Role.RECIPIENT, Role.SENDER)


PEOPLE = [
    ('"Meyers, Albert" <albert.meyers@acme.com>', "Bo Fry <bo.fry@acme.com>", "Mon, 08 Apr 2024 10:00:00 -0700", "a", "x"),
    ("Outage Report <outage.report@acme.com>", "Bo Fry <bo.fry@acme.com>", "Tue, 09 Apr 2024 10:00:00 -0700", "b", "x"),
    ('"Meyers, Julie" <julie.meyers@acme.com>', "Bo Fry <bo.fry@acme.com>", "Mon, 08 Apr 2024 11:00:00 -0700", "a", "y"),
    ('"Buy, Rick" <rick.buy@acme.com>', "Bo Fry <bo.fry@acme.com>", "Wed, 10 Apr 2024 10:00:00 -0700", "c", "x"),
    ("Bo Fry <bo.fry@acme.com>", "rbuy@old.acme.com", "Thu, 11 Apr 2024 10:00:00 -0700", "d", "x"),
    ("Bo Fry <bo.fry@acme.com>", "cfry@acme.com", "Fri, 12 Apr 2024 10:00:00 -0700", "e", "x"),
    ('"Fry, Carl" <carl.fry@acme.com>', "Ann Lee <ann.lee@acme.com>", "Fri, 12 Apr 2024 11:00:00 -0700", "f", "x"),
    ('"Fry, Cy" <cy.fry@acme.com>', "Ann Lee <ann.lee@acme.com>", "Fri, 12 Apr 2024 12:00:00 -0700", "g", "x"),
    ('"Lawyer, Larry" <larry.lawyer@acme.com>', "Ann Lee <ann.lee@acme.com>", "Fri, 12 Apr 2024 13:00:00 -0700", "h", "x"),
]


def _people_plan(tmp_path, question):
    from archivist.agent.question.lexicon import lexicon
    with _mbox_store(tmp_path, PEOPLE) as store:
        return read_plan(question, lexicon(store))


def test_a_nickname_from_the_curated_list(tmp_path):
    plan = _people_plan(tmp_path, "How many emails did Bert Meyers send?")
    assert plan.of(Role.SENDER)[0].value == ["albert.meyers@acme.com"]


def test_a_word_ending_a_longer_name_is_no_person(tmp_path):
    plan = _people_plan(tmp_path, "How many Daily Environment Report forwards did Bo Fry send?")
    assert [c.text for c in plan.of(Role.SENDER)] == ["Bo Fry"]


def test_an_unnamed_initial_and_surname_address_joins_its_only_person(tmp_path):
    """rbuy@ joins Rick Buy (the only Buy with an R); cfry@ joins no one (Carl and Cy Fry)."""
    assert "rbuy@old.acme.com" in _people_plan(tmp_path, "emails to Rick Buy?").of(Role.RECIPIENT)[0].value
    assert "cfry@acme.com" not in _people_plan(tmp_path, "emails to Carl Fry?").of(Role.RECIPIENT)[0].value


def test_who_sent_him_the_most_makes_the_one_named_the_recipient(tmp_path):
    plan = _people_plan(tmp_path, "Bo Fry's most frequent correspondent - who sent him the most mail?")
    assert [c.text for c in plan.of(Role.RECIPIENT)] == ["Bo Fry"] and plan.target == Target.SENDER


def test_alternatives_in_parentheses_are_either_spelling():
    from archivist.agent.question.phrases import body_words
    assert [w for _, w, *_ in body_words("how many emails mention New Power (or NewPower)?")] == ["New Power or NewPower"]


def test_a_suffix_does_not_hide_the_mailbox():
    from archivist.agent.question.lexicon import Lexicon
    from archivist.agent.question.people import mailbox_of
    assert mailbox_of(Lexicon(mailboxes={"williams-w3": "williams-w3"}), "Bill Williams III") == "williams-w3"


def test_two_sender_domains_are_either(tmp_path):
    """One sender is at one domain: 'acme/home.net' mail is mail from either."""
    from archivist.agent.question.plan import Ask, Constraint, QueryPlan
    plan = QueryPlan("mail from acme or home.net", Ask.COUNT, constraints=[Constraint(Role.DOMAIN, "Acme", "@acme.com"),
                                                                         Constraint(Role.DOMAIN, "Home", "@home.net")])
    assert plan.filters().sender == ["@acme.com", "@home.net"]
    with _mbox_store(tmp_path, MAILS) as store:
        from archivist.agent.strategies.planned import answer_plan
        got = answer_plan(store, plan)
    assert got.result == {"count": 7} and "@acme.com or @home.net" in got.text


def test_the_kind_of_account_is_the_frame(tmp_path):
    plan = _plan(tmp_path, "How many messages did Rick Buy send from his personal Acme address?")
    assert not plan.unused


def test_which_staffer_of_an_organisation_sent_the_most(tmp_path):
    plan = _plan(tmp_path, "Which Acme staffer sent Bo Fry the most emails?")
    assert (plan.ask, plan.target, plan.k) == (Ask.TOP, Target.SENDER, 1) and not plan.unused


def test_a_period_the_described_email_is_about_is_no_date_of_it(tmp_path):
    """'fees for March 2024 production': what the memo is about, not when it was sent."""
    plan = _plan(tmp_path, "Who was copied on the memo about the fees for March 2024 production?")
    assert not plan.of(Role.DATE) and "March" in plan.of(Role.TOPIC)[0].value
    plan = _plan(tmp_path, "Who was copied on the memo about the fees sent in March 2024?")
    assert plan.of(Role.DATE)


def test_a_name_no_header_holds_describes_the_email(tmp_path):
    """'sent the plan to Zed Quux in Oslo': a name in the email's text, no one of the archive."""
    plan = _people_plan(tmp_path, "Who told Bo Fry she had sent the plan to Zed Quux in Oslo?")
    assert not plan.unused and "Quux" in plan.of(Role.TOPIC)[0].value


def test_a_lower_case_noun_after_a_possessive_is_no_surname(tmp_path):
    plan = _people_plan(tmp_path, "Acme's lawyer wrote back to Bo Fry about the plan - who was cc'd?")
    assert not any("larry.lawyer@acme.com" in (c.value or []) for c in plan.constraints if isinstance(c.value, list))


@pytest.mark.parametrize("question, target", [
    ("Who were the top 2 people writing to Bo Fry (To or Cc) in April 2024?", Target.SENDER),
    ("Other than Ann Lee, which two people did Cy Dunn email most?", Target.RECIPIENT),
])
def test_who_the_ranked_people_are(tmp_path, question, target):
    assert _plan(tmp_path, question).target == target


def test_counting_the_ones_where_she_was_only_copied(tmp_path):
    plan = _plan(tmp_path, "How many emails did Di Ross send Bo Fry, counting the ones where he was only cc'd?")
    assert not plan.unused and plan.of(Role.RECIPIENT) and not plan.of(Role.CC, Role.TO)


def test_days_right_after_an_event_day():
    from archivist.dates import find_dates
    spans = find_dates("the seven days right after the September 11 attacks", default_year=2001)
    assert [(s.low, s.high) for s in spans] == [("2001-09-12", "2001-09-19")]


def test_a_day_the_email_speaks_of_is_no_date_it_was_sent(tmp_path):
    plan = _plan(tmp_path, "Ann Lee's memo warning that the plan might not start April 1, 2024 - who got it?")
    assert not plan.of(Role.DATE)


@pytest.mark.parametrize("question, target", [
    ("Who at Acme did Cy Dunn ask to send the numbers?", Target.TO),
    ("who from Acme asked Bo Fry whether the Bluebird numbers were final?", Target.SENDER),
])
def test_who_at_an_organisation_asks_for_a_person(tmp_path, question, target):
    plan = _plan(tmp_path, question)
    assert (plan.ask, plan.target) == (Ask.FIELD, target)


def test_a_date_the_description_speaks_of_is_let_go_when_nothing_fits_it(tmp_path):
    """Cy Dunn's Bluebird numbers went out in April 2024; 'February 2024' is what they covered."""
    r = _ask(tmp_path, "Who did Cy Dunn send the Bluebird numbers to, the ones that covered the February 2024 close?")
    assert r.result["people"][0]["addresses"] == ["bo.fry@acme.com"] and "was let go" in r.answer


def test_a_word_of_a_longer_name_after_it(tmp_path):
    """'Fry Street' is a place (no person is named Street); 'Bo Fry' stays a person."""
    plan = _people_plan(tmp_path, "Who sent Ann Lee the note about the Fry Street lease?")
    assert not any(c.text == "Fry" for c in plan.constraints if c.role != Role.TOPIC)


def test_the_attachment_of_a_first_draft_is_a_field_of_one_email(tmp_path):
    plan = _plan(tmp_path, "Cy Dunn sent Bo the first draft of the Bluebird numbers. What was the attachment called?")
    assert (plan.ask, plan.target) == (Ask.FIELD, Target.ATTACHMENTS)


def test_the_message_someone_forwarded_names_its_sender(tmp_path):
    plan = _plan(tmp_path, "What was attached to the plan message Cy Dunn forwarded to Bo Fry?")
    assert [c.text for c in plan.of(Role.SENDER)] == ["Cy Dunn"] and [c.text for c in plan.of(Role.RECIPIENT)] == ["Bo Fry"]


def test_the_file_of_a_described_email_comes_from_one_that_has_a_file(tmp_path):
    """Two emails tell of the Bluebird budget; only one has a file: it is the one asked about."""
    from archivist.agent.ask import ask
    from archivist.retrieval.indexer import index_store
    from tests.conftest import agent_settings
    mails = MAILS + [
        ("Cy Dunn <cy.dunn@acme.com>", "Ann Lee <ann.lee@acme.com>", "Mon, 15 Apr 2024 10:00:00 -0700", "Bluebird budget",
         "Bluebird budget Bluebird budget: the budget for Bluebird, long talk of the Bluebird budget"),
        ("Cy Dunn <cy.dunn@acme.com>", "Ann Lee <ann.lee@acme.com>", "Tue, 16 Apr 2024 10:00:00 -0700", "numbers",
         "Here it is.\n<< File: bluebird_budget.xls >>"),
    ]
    with _mbox_store(tmp_path, mails) as store:
        index_store(store, agent_settings(tmp_path / "m.db"), embed=False)
        r = ask(store, agent_settings(tmp_path / "m.db"), "What was the file called that Cy Dunn sent Ann Lee with "
                "the Bluebird budget?", log=False)
    assert r.result.get("files") == ["bluebird_budget.xls"], r.answer
