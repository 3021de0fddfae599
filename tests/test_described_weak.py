"""A described email that the question's date does not hold (strategies/described.py): the date
is one the email speaks of ('whether we keep paying the bus pass in 2002'), and the best email of
that period holds little of the description, so the best of any period is taken, said; and when
the best of many holds almost none of it, no answer is given. Our own small mailbox."""
from __future__ import annotations

from tests.test_question_typed import ask_over

MAIL = [
    ("Ann Lee <ann.lee@acme.com>", "Bo Fry <bo.fry@acme.com>", "Mon, 10 Dec 2001 10:00:00 -0700", "Transit subsidy",
     "Will we keep paying the whole bus pass in 2002, or cap it like parking at 50 a month?"),
    ("Cy Dunn <cy.dunn@acme.com>", "Bo Fry <bo.fry@acme.com>", "Wed, 09 Jan 2002 10:00:00 -0700", "Court order",
     "The judge entered the order this morning; we keep the originals."),
    ("Di Ross <di.ross@acme.com>", "Bo Fry <bo.fry@acme.com>", "Fri, 01 Feb 2002 10:00:00 -0700", "Lunch",
     "Lunch on Friday?"),
] + [("Ed Park <ed.park@acme.com>", "Bo Fry <bo.fry@acme.com>", f"Mon, {d:02d} Apr 2002 10:00:00 -0700",
      f"Shipment {d}", f"The pallets for order {d} are packed.") for d in range(1, 8)]


def _ask(tmp_path, question):
    return ask_over(tmp_path, MAIL, question)


def test_a_year_the_email_speaks_of_is_let_go_for_one_that_holds_the_description(tmp_path):
    r = _ask(tmp_path, "Somebody asked Bo whether we would keep paying the bus pass in 2002 instead of capping it "
                       "like parking. Who sent that?")
    assert r.result["people"][0]["addresses"] == ["ann.lee@acme.com"] and "was let go" in r.answer, r.answer


def test_no_answer_when_the_best_of_many_holds_almost_none_of_the_description(tmp_path):
    r = _ask(tmp_path, "Who told Bo in April 2002 that the warehouse roof leaked onto the pallets and forklift batteries "
                       "during the storm?")
    assert not r.result.get("people") and "holds enough" in r.answer, r.answer
