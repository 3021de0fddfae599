"""Notes that tally (memory/tally.py): each distinct fact once, its reads counted and where it
was read first and last, a bounded table with its eviction rule, and the tally kept in the saved
state; counts checked by hand."""
from __future__ import annotations

from archivist.answering.prompts import SYSTEM_MEMORY, USER_MEMORY
from archivist.backends.text import approx_tokens
from archivist.memory import tally
from archivist.memory.rolling import Fact, MemoryState, RollingMemory
from archivist.memory.tally import Rank
from test_memory_rolling import chunk


def facts(*items):
    """Fact per (text, doc, score[, count])."""
    return [Fact(t, d, f"<{d}>", score=s, count=c[0] if c else 1) for t, d, s, *c in items]


def test_add_counts_repeats_and_moves_the_last_place():
    notes = tally.add([], facts(("A is 1.", 1, 0.5, 2), ("B is 2.", 1, 0.4)), read=0)
    notes = tally.add(notes, facts(("a  IS 1.", 3, 0.5), ("C is 3.", 3, 0.1)), read=1)
    notes = tally.add(notes, facts(("A is 1.", 4, 0.6, 3)), read=2)
    a = next(f for f in notes if f.text == "A is 1.")
    # 2 reads in chunk 0, 1 in chunk 1 (case and spacing aside), 3 in chunk 2
    assert (a.count, a.doc_id, a.first_read, a.last_doc_id, a.last_ref, a.last_read) == (6, 1, 0, 4, "<4>", 2)
    assert a.score == 0.6 and len(notes) == 3  # the best score it was read with; three distinct facts
    b = next(f for f in notes if f.text == "B is 2.")
    assert (b.count, b.last_doc_id, b.first_read, b.last_read) == (1, 1, 0, 0)


def test_eviction_by_score_for_lookups_and_by_count_for_frequency():
    notes = tally.add([], facts(("rare but relevant", 1, 0.9), ("frequent", 1, 0.2, 5),
                                ("middling", 2, 0.5, 2), ("weak once", 2, 0.1)), read=0)
    kept, gone = tally.bounded(notes, 2, Rank.SCORE)
    assert [f.text for f in kept] == ["rare but relevant", "middling"]
    assert [(f.text, f.count) for f in gone] == [("frequent", 5), ("weak once", 1)]
    kept, gone = tally.bounded(notes, 2, Rank.COUNT)
    assert [f.text for f in kept] == ["frequent", "middling"] and len(gone) == 2


def test_equal_facts_keep_the_earliest_read_first():
    notes = tally.add([], facts(("x one", 1, 0.5)), read=0)
    notes = tally.add(notes, facts(("x two", 2, 0.5)), read=1)
    assert [f.text for f in tally.order(notes, Rank.SCORE)] == ["x one", "x two"]


def _memory(extract, cap, rank=Rank.COUNT, budget=200):
    return RollingMemory(lambda m: ("", 0, 0), approx_tokens, "which word is read most often?", budget,
                         SYSTEM_MEMORY, USER_MEMORY, extract=extract, model_notes=False, rank=rank, cap=cap,
                         max_facts=2)


def test_memory_bounds_the_tally_and_records_what_it_evicted():
    per_doc = {1: facts(("W is alpha.", 1, 0.3, 3), ("noise one", 1, 0.3)),
               2: facts(("W is beta.", 2, 0.3), ("noise two", 2, 0.3)),
               3: facts(("W is alpha.", 3, 0.3, 2), ("W is beta.", 3, 0.3))}
    mem = _memory(lambda packed: [Fact(f.text, f.doc_id, f.ref, score=f.score, count=f.count)
                                  for f in per_doc[packed.doc_ids[0]]], cap=3)
    for doc in (1, 2, 3):
        mem.update(chunk((doc, "text")))
    st = mem.state
    # after doc 2: alpha 3, noise one 1, beta 1, noise two 1 -> cap 3 evicts the latest of the
    # count-1 ties (noise two); after doc 3: alpha 5, beta 2, noise one 1
    assert [(f.text, f.count) for f in st.notes] == [("W is alpha.", 5), ("W is beta.", 2), ("noise one", 1)]
    assert (st.evicted_notes, st.evicted_reads) == (1, 1)
    assert [f.text for f in st.facts] == ["W is alpha.", "W is beta."]  # shown: max_facts of the tally
    alpha = st.notes[0]
    assert (alpha.doc_id, alpha.last_doc_id) == (1, 3)


def test_tally_survives_a_saved_state():
    st = MemoryState("q", notes=facts(("A is 1.", 1, 0.5, 4)), evicted_notes=2, evicted_reads=3,
                     tracked=["12345"])
    back = MemoryState.from_json(st.to_json())
    assert back.notes[0].count == 4 and (back.evicted_notes, back.evicted_reads, back.tracked) == (2, 3, ["12345"])
    old = MemoryState.from_json('{"question": "q", "facts": [{"text": "A is 1.", "doc_id": 1}]}')
    assert [f.text for f in old.notes] == ["A is 1."] and old.notes[0].count == 1  # a state saved before tallies
