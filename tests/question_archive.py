"""A small archive of invented mailboxes for the question-reader tests written from the blind
rounds (tests/test_question_v17.py, _v18.py): built once per module, with helpers to read a
question's plan, ask it, and list the people of an answer."""
from __future__ import annotations


def open_archive(tmp, boxes: dict):
    """(store, lexicon, settings) of an indexed store ingested from boxes (test_question_q3._two_boxes)."""
    from archivist.agent.question.lexicon import lexicon
    from archivist.retrieval.indexer import index_store
    from tests.conftest import agent_settings
    from tests.test_question_q3 import _two_boxes
    store = _two_boxes(tmp, boxes)
    index_store(store, agent_settings(tmp / "m.db"), embed=False)
    return store, lexicon(store), agent_settings(tmp / "m.db")


def plan_of(archive, question):
    from archivist.agent.question.reader import read_plan
    return read_plan(question, archive[1])


def ask_in(archive, question):
    from archivist.agent.ask import ask
    store, _, settings = archive
    return ask(store, settings, question, log=False)


def people_of(result) -> list[str]:
    return sorted(a for p in (result or {}).get("people", []) for a in p["addresses"])
