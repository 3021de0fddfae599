"""Qualifiers of the counted emails that no constraint reads (issue 24): a number compared ('more
than two recipients'), a negation left in the frame ('had no subject'), a sole recipient ('to X
only'), people named by their relation to someone ('to her staff'), an email's size ('the
longest email'). Made of frame words, they would be dropped silently and the figure given for
every email; they are named as not used instead. Written in our own words."""
from __future__ import annotations

import pytest

from archivist.agent.question.plan import Ask, Role
from archivist.agent.question.reader import read_plan


@pytest.fixture
def demo_lex(demo_store):
    from archivist.agent.question.lexicon import lexicon
    return lexicon(demo_store)


@pytest.mark.parametrize("question, unread", [
    ("how many emails did Maria Chen send to more than two recipients?", {"more", "than", "two", "recipients"}),
    ("count Tom Okafor's messages that went to at least 3 people", {"least", "3", "people"}),
    ("how many of Priya Raman's emails had fewer than 5 addressees", {"fewer", "than", "5", "addressees"}),
    ("how many emails did Maria Chen send with no subject line?", {"no", "subject"}),
    ("number of messages from Tom Okafor that were not answered", {"not"}),
    ("how many emails did Maria Chen send to Tom Okafor only?", {"only"}),
    ("how many messages did Tom Okafor send just to Priya Raman", {"just"}),
    ("how many emails did Priya Raman write to her team in April 2024?", {"team"}),
    ("how many messages did Maria Chen get from his staff", {"staff"}),
    ("when did Tom Okafor send his longest email?", {"longest"}),
])
def test_a_qualifier_no_reader_takes_gives_no_figure(demo_lex, question, unread):
    p = read_plan(question, demo_lex)
    assert p.metadata and unread <= set(p.unused)


def test_the_size_of_a_described_email_is_not_searched_for(demo_lex):
    """'the longest email' names no content: no email is picked for it."""
    p = read_plan("who sent the longest email to Maria Chen?", demo_lex)
    assert p.ask == Ask.FIELD and "longest" in p.unused


@pytest.mark.parametrize("question", [
    "how many emails were addressed to Maria Chen, not cc'd, in April 2024?",
    "top 3 people Tom Okafor wrote to",
    "how many emails did Maria Chen send to Tom Okafor in April 2024?",
    "who was copied on the memo Maria Chen sent to her team about the offsite?",
])
def test_what_is_read_or_described_stays_used(demo_lex, question):
    assert not read_plan(question, demo_lex).unused


@pytest.mark.parametrize("question, unread", [
    ("when did Maria Chen send her last email before leaving?", {"before", "leaving"}),
    ("when did Tom Okafor first write to Priya Raman after the reorganisation", {"after", "reorganisation"}),
    ("when did Priya Raman last get a message from her manager", {"manager"}),
])
def test_a_first_or_last_with_an_event_or_a_relation_gives_no_date(demo_lex, question, unread):
    """The words a first/last question leaves unread name the email ('the last budget memo': the
    email holds 'budget memo'), unless they tell of an event or of someone by relation."""
    p = read_plan(question, demo_lex)
    assert p.ask in (Ask.FIRST, Ask.LAST) and unread <= set(p.unused)


def test_the_words_naming_a_first_or_last_email_must_appear_in_it(demo_lex):
    p = read_plan("when did Maria Chen send the last budget memo?", demo_lex)
    assert p.ask == Ask.LAST and not p.unused and [c.value for c in p.constraints if c.role == "body_words"]


@pytest.mark.parametrize("question, unread", [
    ("how many external emails did Maria Chen send in April 2024?", {"external"}),
    ("how many emails did Tom Okafor send outside northwind-energy.com", {"outside"}),
])
def test_outside_said_of_a_named_senders_mail_is_about_whom_they_wrote_to(demo_lex, question, unread):
    """Only a sender's domain is read; 'external emails X sent' is about X's recipients."""
    p = read_plan(question, demo_lex)
    assert p.ask == Ask.COUNT and unread <= set(p.unused)


@pytest.mark.parametrize("question", [
    "how many external emails did Maria Chen receive in April 2024?",
    "how many emails did Tom Okafor send from non-northwind-energy.com addresses",
    "how many emails did Priya Raman get from outside senders",
])
def test_outside_said_of_the_senders_is_read(demo_lex, question):
    p = read_plan(question, demo_lex)
    assert p.of(Role.NOT_DOMAIN) and not p.unused


@pytest.mark.parametrize("question, unread", [
    ("how many emails mention the offsite but not the budget?", {"but", "not", "budget"}),
    ("how many messages did Maria Chen send about cranes without mentioning Bay Crane", {"without"}),
])
def test_a_negated_side_of_body_words_gives_no_figure(demo_lex, question, unread):
    """Body words must all appear; a side negated among them would be counted as present."""
    p = read_plan(question, demo_lex)
    assert p.ask == Ask.COUNT and unread <= set(p.unused)


def test_a_negation_inside_quoted_words_is_part_of_them(demo_lex):
    p = read_plan('how many emails mention the phrase "not final"?', demo_lex)
    assert not p.unused and [c.value for c in p.of(Role.TEXT)] == ["not final"]


@pytest.mark.parametrize("question, role", [
    ("how many emails did Maria Chen send to Tom Okafor or Priya Raman?", Role.RECIPIENT),
    ("how many emails from either Tom Okafor or Priya Raman were sent in April 2024", Role.SENDER),
])
def test_people_joined_by_or_are_either_of_them(demo_lex, question, role):
    """'to A or B' is one constraint holding both people's addresses (for 'and' both must hold;
    two senders of one email never do)."""
    p = read_plan(question, demo_lex)
    (c,) = p.of(role)
    assert "tom.okafor@northwind-energy.com" in c.value and "priya.raman@northwind-energy.com" in c.value
    assert not p.unused


@pytest.mark.parametrize("question, unread", [
    ("who sent the fewest emails to Maria Chen?", {"fewest"}),
    ("when did Tom Okafor send his 3rd email to Priya Raman?", {"3rd"}),
    ("what was the date of the second message Maria Chen wrote to Tom Okafor", {"second"}),
    ("who wrote to Priya Raman more than Tom Okafor did?", {"more", "than"}),
    ("how many more emails did Maria Chen send than Tom Okafor", {"than"}),
])
def test_an_order_or_a_comparison_no_answer_gives_is_not_used(demo_lex, question, unread):
    """First and last are read, and rankings by most; 'the second email', 'the fewest', 'more than
    Tom did' are not, so no figure or email is given for them."""
    p = read_plan(question, demo_lex)
    assert p.metadata and unread <= set(p.unused)


@pytest.mark.parametrize("question", [
    "who sent at least one email to Maria Chen in the second half of April 2024?",
    "who besides Tom Okafor emailed Maria Chen the most, other than Priya Raman?",
])
def test_read_orders_and_exceptions_stay_used(demo_lex, question):
    p = read_plan(question, demo_lex)
    assert not ({"second", "least", "than"} & set(p.unused))


def test_a_day_of_a_month_is_no_order(demo_lex):
    p = read_plan("Maria Chen's note about the April 3rd offsite - who was it sent to?", demo_lex)
    assert "3rd" not in p.unused


def test_an_ordinal_describing_a_described_emails_content_is_searched(demo_lex):
    p = read_plan("who sent Maria Chen a second reminder about the crane rental?", demo_lex)
    assert "second" not in p.unused


def test_not_counting_the_person_asked_about_is_read(demo_lex):
    """A ranking leaves out the person it is about: 'not counting himself' says what it does."""
    p = read_plan("who did Tom Okafor write to most often (not counting himself)?", demo_lex)
    assert p.ask == Ask.TOP and not p.unused
