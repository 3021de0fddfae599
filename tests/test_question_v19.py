"""Failure classes found in round 19 (spent after its one run), in our own wordings over invented
mailboxes: a company word beside the address typed for the sender; a label before the question
that names the custodian whose mailbox it asks about; 'the people X sent email to'; 'addressed to
him directly on the To line' inside a ranking of one mailbox."""
from __future__ import annotations

import pytest

from archivist.agent.question.plan import Ask, Role, Target
from tests.question_archive import ask_in, open_archive, people_of, plan_of

ANA, BEN, CY = "Ana Ross <ana.ross@acme.com>", "Ben Lind <ben.lind@acme.com>", "Cy Ward <cy.ward@acme.com>"
FEED = "Pipeline Notices <notices@gasco.com>"
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
