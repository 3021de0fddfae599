"""The language model writes the answer: the prompt layout a small model answers from (question
before and after the documents, the answer's opening words given), and uncited answers labelled
with the block that supports them."""
from __future__ import annotations

import pytest

from archivist.agent.ask import ask
from archivist.answering.grounding.check import add_citation, cite_sentences
from archivist.answering.grounding.sentences import Sentence
from archivist.answering.prompts import ANSWER_PREFIX
from archivist.agent.strategies.common import answer_messages, continued
from archivist.config import load_settings

BLOCKS = {1: "The offsite is on Wednesday March 13 in room 12.",
          2: "Update: the offsite moved to Thursday March 14, room 42."}


def test_prompt_asks_before_and_after_the_documents_and_opens_the_answer():
    messages = answer_messages("Which room?", "<<<\n[1] From: A | Date: d | Subject: s\nroom 42\n>>>")
    user = messages[1].content
    assert user.startswith("Question: Which room?") and user.rstrip().endswith("citations:")
    assert user.count("Which room?") == 2
    assert messages[-1].role == "assistant" and messages[-1].content == ANSWER_PREFIX


def test_continuation_becomes_a_standalone_answer():
    assert continued(" the offsite is in room 42 [2].") == "The offsite is in room 42 [2]."
    assert continued(f"{ANSWER_PREFIX} room 42.") == "Room 42."
    assert continued("") == ""


def test_uncited_answer_is_labelled_with_the_block_that_holds_its_facts():
    assert add_citation("The offsite moved to room 42 on Thursday.", BLOCKS) == (
        "The offsite moved to room 42 on Thursday. [2]", 2)
    # numbers from two blocks (a stale and a current one): no single block supports it
    assert add_citation("The offsite is in room 42 on March 13.", BLOCKS) == (
        "The offsite is in room 42 on March 13.", None)
    assert add_citation("Pizza is served at noon.", BLOCKS)[1] is None
    assert add_citation("Room 42 [1].", BLOCKS) == ("Room 42 [1].", None)  # cited already


QUOTES = {1: "Our quote for two cranes is $184,000 for eight weeks.",
          2: "Dave, we can do ten weeks for $172,500. The budget total is $4.82 million."}


def test_uncited_sentences_are_each_labelled_with_the_passage_that_supports_them():
    text = "The first quote was $184,000 for eight weeks. The final offer was ten weeks for $172,500.\n" \
           "The budget total is $4.82 million."
    assert add_citation(text, QUOTES)[1] is None  # no single passage holds both quotes
    assert cite_sentences(text, QUOTES) == (
        "The first quote was $184,000 for eight weeks [1]. The final offer was ten weeks for "
        "$172,500 [2].\nThe budget total is $4.82 million [2].", [1, 2], "")
    assert cite_sentences("Room 42 [1].", QUOTES) == ("Room 42 [1].", [], "")  # cited already


def test_a_sentence_without_support_rejects_the_whole_answer_and_says_which():
    text = "The final offer was ten weeks for $172,500. The negotiation was a great success."
    labelled, added, why = cite_sentences(text, QUOTES)
    assert (labelled, added) == (text, []) and "'The negotiation was a great success.'" in why
    assert "content words" in why
    # numbers from two messages in one sentence: the stale date mixed with the new room
    why = cite_sentences("The offsite is in room 42 on March 13.", BLOCKS)[2]
    assert "no single passage" in why and "13" in why


def test_a_sentence_resting_on_a_superseded_passage_is_not_cited():
    ranked = [Sentence(1, 1, BLOCKS[1], parts={"superseded": 0.4}), Sentence(2, 2, BLOCKS[2])]
    text = "The offsite moved to Thursday March 14. It is in room 12 on Wednesday March 13."
    labelled, added, why = cite_sentences(text, BLOCKS, ranked)
    assert added == [] and "superseded" in why and "[1]" in why
    assert cite_sentences("The offsite moved to Thursday March 14, room 42.", BLOCKS, ranked)[1] == [2]


@pytest.mark.slow
def test_smollm2_writes_a_grounded_answer(demo_store, demo_db):
    # the fp32 weights on transformers: the default int8 export on onnxruntime-genai leans on the
    # superseded room here, and its draft is replaced by quotes (test_agent_grounding's demo test)
    settings = load_settings("test", {"db": str(demo_db), "llm": "smollm2", "threads": 1,
                                      "runtime": "transformers"})
    r = ask(demo_store, settings, "Which room is the Q2 planning offsite in?")
    assert r.tokens_out > 0 and r.answered_by == "llm", (r.answered_by, r.check, r.answer)
    assert "42" in r.answer and r.citations and r.check.startswith("grounded")
