"""Aggregation questions: reading them from any wording (paraphrases written here, not RULER's
sentences), following a value through a chain, the answers the tallied notes give without a model
(counts and quotes checked by hand), the memory strategy end to end with the echo backend, and the
grounding fallback quoting every matching sentence of an "all the ..." question."""
from __future__ import annotations

import pytest

from archivist.agent.question.aggregate import Aggregate, aggregation, how_many
from archivist.agent.strategies.aggregate import every, followed, frequent, from_notes, how_often
from archivist.memory.rolling import Fact, MemoryState
from archivist.memory.tracking import chain, follow, hubs
from tests.conftest import agent_settings

A = Aggregate


@pytest.mark.parametrize("question,kind", [
    ("Which code word shows up most often in these notes?", A.FREQUENT),
    ("What are the four most frequently cited part numbers?", A.FREQUENT),
    ("Rank the suppliers by how often they are named.", A.FREQUENT),
    ("Which complaint appears the most?", A.FREQUENT),
    ("How often does the report mention turbine blades?", A.HOW_OFTEN),
    ("How many times is Kestrel named?", A.HOW_OFTEN),
    ("Count the mentions of the word delay.", A.HOW_OFTEN),
    ("List every serial number given for pump 7.", A.ALL),
    ("Give me all of the dates the inspection was moved to.", A.ALL),
    ("What did the inspector say each time the valve failed?", A.ALL),
    ("Which labels end up holding 40521?", A.TRACK),
    ("Trace the value 77812: which names is it passed on to?", A.TRACK),
    ("What is set to K-9931 in the config notes?", A.TRACK),
    ("Which variables hold the same value as QX17?", A.TRACK),
])
def test_aggregations_read_from_paraphrases(question, kind):
    ask = aggregation(question)
    assert ask is not None and ask.kind == kind, (question, ask)


@pytest.mark.parametrize("question", [
    "When is the offsite?", "What is the special magic number for amber-anchor?", "Who sent the budget?",
    "What did Jeff say about the contract?", "What is the total of the budget?", "Did they agree at all?",
    "How many emails did Jeff send in May?", "Summarise the thread", "What did everyone decide?",
    "Which variables matter most to the model's accuracy?",  # no value to follow, no frequency
])
def test_lookups_and_metadata_questions_are_no_aggregation(question):
    assert aggregation(question) is None


def test_a_summary_is_no_aggregation_whatever_its_words():
    from archivist.agent.question.analyse import analyse_question
    assert analyse_question("Summarise all the emails in the archive").aggregate is None
    assert analyse_question("List every serial number given for pump 7.").aggregate.kind == A.ALL


def test_how_many_items_and_the_values_to_follow():
    assert [how_many(q) for q in ("Which three words recur most often?", "the top 5 most common",
                                  "the most common word in 2001", "Which word comes up most?")] == [3, 5, 0, 0]
    assert aggregation("Which names are assigned 12,345 or 'alpha beta'?").literals == ("12,345", "alpha beta")


# --- following a value through a chain ---

def _facts(*texts):
    return [Fact(t, i + 1, f"<{i + 1}>", first_read=i) for i, t in enumerate(texts)]


def test_a_chain_is_followed_through_non_hub_literals_only():
    facts = _facts("LET AAAAA = 12345.", "LET QQQQQ = 54321.", "LET BBBBB = LET AAAAA.",
                   "LET RRRRR = LET QQQQQ.", "LET CCCCC = LET BBBBB.", "Nothing to see in 1999.")
    # LET is in 5 of 6 facts (> 6/3 and > 2): a hub; each name is in at most 2
    assert hubs(facts) == {"LET"}
    got, names = chain(("12345",), facts)
    assert [f.doc_id for f in got] == [1, 3, 5] and names == ["AAAAA", "BBBBB", "CCCCC"]
    assert chain(("777",), facts) == ([], [])


def test_statements_joined_in_one_sentence_do_not_join_their_chains():
    facts = _facts("LET AAAAA = 12345. LET QQQQQ = 54321.", "LET BBBBB = LET AAAAA.", "LET RRRRR = LET QQQQQ.")
    got, names = chain(("12345",), facts)
    assert [f.text for f in got] == ["LET AAAAA = 12345.", "LET BBBBB = LET AAAAA."] and names == ["AAAAA", "BBBBB"]
    assert got[0].doc_id == 1  # a statement cites the sentence it was cut from


def test_reading_follows_literals_as_they_are_read():
    tracked = ["12345"]
    said = [follow(t, tracked) for t in ("It rained.", "X1Y = 12345", "later Z2W = X1Y. See HTML 4.", "Q = 5")]
    # a statement's literals are followed, not those of the sentence it was joined to (HTML)
    assert said == [False, True, True, False] and tracked == ["12345", "X1Y", "Z2W"]
    assert follow('He said "see RFC 2616." Then Q9Q = Z2W.', tracked) and tracked[-1] == "Q9Q"
    assert "RFC" not in tracked and "2616" not in tracked  # a quote's full stop ends its statement


# --- answers from the notes, by hand ---

def _state(*items, position=10):
    """MemoryState whose tally holds (text, doc, score, count, last doc)."""
    notes = [Fact(t, d, f"<{d}>", score=s, count=c, first_read=i, last_doc_id=last)
             for i, (t, d, s, c, last) in enumerate(items)]
    return MemoryState("q", notes=notes, facts=notes[:12], position=position)


def test_most_frequent_names_as_many_as_asked_with_counts_and_both_places():
    st = _state(("The code is alpha.", 1, 0.3, 7, 9), ("I read this text often.", 2, 0.6, 1, 2),
                ("The code is beta.", 3, 0.3, 4, 8), ("The code is gamma.", 4, 0.3, 2, 4))
    got = frequent(aggregation("Which two codes does the text mention most often?"), st)
    assert got.text.splitlines() == ['Read most often in 10 documents:',
                                     '- "The code is alpha." read 7 times (first [1], last [2])',
                                     '- "The code is beta." read 4 times (first [3], last [4])']
    assert [(c.n, c.doc_id, c.ref) for c in got.citations] == [(1, 1, "<1>"), (2, 9, ""), (3, 3, "<3>"), (4, 8, "")]
    one = frequent(aggregation("Which code is mentioned most?"), st)
    assert "alpha" in one.text and "beta" not in one.text


def test_how_often_sums_the_reads_of_the_most_specific_word():
    st = _state(("Kestrel shipped the pumps.", 1, 0.5, 3, 5), ("Kestrel was late again.", 2, 0.5, 2, 2),
                ("The pumps were named after birds.", 3, 0.5, 1, 3))
    got = how_often("How many times are the pumps from Kestrel named?", st)
    # 'kestrel' is in 2 notes, 'pump' in 2, 'named' in 1: the fewest wins ('named', 1 read)
    assert got.text.startswith("'named' was read once in 1 sentence")
    got = how_often("How often is Kestrel mentioned?", st)
    assert got.text.startswith("'Kestrel' was read 5 times in 2 distinct sentences")  # 3 + 2


def test_every_quotes_all_top_scoring_facts_in_reading_order():
    st = _state(("The number for ox is 111.", 1, 0.6, 1, 1), ("Unrelated remark.", 2, 0.2, 1, 2),
                ("The number for ox is 222.", 3, 0.6, 1, 3), ("The number for ox is 333.", 3, 0.55, 1, 3),
                ("The number for ox is 444.", 5, 0.5, 1, 5))
    got = every(st)  # 0.6, 0.6, 0.55, 0.5 are all >= 0.8 x 0.6 = 0.48; 0.2 is not
    assert [ln[-3:] for ln in got.text.splitlines()[1:]] == ["[1]", "[2]", "[3]", "[4]"]
    assert all(v in got.text for v in ("111", "222", "333", "444")) and "Unrelated" not in got.text


def test_a_tracked_value_is_answered_by_its_chain():
    st = _state(("LET AAAAA = 12345.", 1, 1.0, 1, 1), ("LET QQQQQ = 54321.", 2, 1.0, 1, 2),
                ("LET BBBBB = LET AAAAA.", 3, 1.0, 1, 3), ("LET RRRRR = LET QQQQQ.", 4, 1.0, 1, 4))
    got = followed(aggregation("Which variables are assigned 12345?"), st)
    assert got.text.endswith("Reached: AAAAA, BBBBB.") and "QQQQQ" not in got.text
    # nothing names the value: every top-scoring fact is quoted instead
    assert from_notes(aggregation("Which variables are assigned 999?"), "q", st).text.startswith("Every")


# --- end to end: the memory strategy, echo backend ---

CODES = {"zorvan": 9, "pelmit": 4, "kadrus": 2, "fisolt": 1}


@pytest.fixture
def text_store(tmp_path):
    """A short text document per planted sentence: code words 9, 4, 2 and 1 times, a chain."""
    from archivist.corpus.ingest import ingest_documents
    from archivist.evals.tasks.base import text_doc
    from archivist.store import Store
    plants = [f"The code word is {w}." for w, n in CODES.items() for _ in range(n)]
    plants += ["VAR ABCDE = 31337.", "VAR FGHIJ = VAR ABCDE.", "VAR KLMNO = VAR FGHIJ."]
    # a statement under four words joins the next sentence ("VAR ABCDE = 31337. Then it goes on."):
    # it stays one fact, read once
    docs = [text_doc(f"d{i}", f"Essay {i} talks about painters and startups at length. {p} Then it goes on.")
            for i, p in enumerate(plants)]
    with Store(tmp_path / "t.db") as s:
        ingest_documents(s, docs, source="t")
        yield s


def test_memory_answers_a_frequency_question_from_the_tally_without_the_model(text_store, tmp_path):
    from archivist.agent.ask import ask
    s = agent_settings(tmp_path / "t.db", context_window=600, memory_tokens=120)  # notes: both
    r = ask(text_store, s, "Which two code words come up most often?", strategy="memory")
    assert r.answered_by == "notes" and r.llm_calls == 0, r.attempts
    lines = r.answer.splitlines()
    assert "zorvan" in lines[1] and "9 times" in lines[1] and "pelmit" in lines[2] and "4 times" in lines[2]
    assert r.citations and all(text_store.scalar("SELECT count(*) FROM documents WHERE id = ?", (c["doc_id"],))
                               for c in r.citations)


def test_memory_follows_a_chain_and_quotes_every_value(text_store, tmp_path):
    from archivist.agent.ask import ask
    s = agent_settings(tmp_path / "t.db", context_window=600, memory_tokens=120)
    r = ask(text_store, s, "Which variables end up holding 31337?", strategy="memory")
    assert r.answered_by == "notes" and r.answer.endswith("Reached: ABCDE, FGHIJ, KLMNO."), r.answer
    r = ask(text_store, s, "List every code word the essays give.", strategy="memory")
    assert r.answered_by == "notes" and all(w in r.answer for w in CODES), r.answer
    r = ask(text_store, s, "How many times does the text name kadrus?", strategy="memory")
    assert r.answer.startswith("'kadrus' was read 2 times"), r.answer


# --- the grounding fallback of an "all the ..." question ---

def test_the_fallback_quotes_every_close_second_for_an_all_question():
    from archivist.agent.verify import left_out
    from archivist.answering.grounding.quotes import pick
    from archivist.answering.grounding.sentences import Sentence
    ranked = [Sentence(1, 1, "The number for ox is 111.", score=1.0),
              Sentence(1, 1, "The number for ox is 222.", score=1.0),
              Sentence(2, 2, "The number for ox is 333.", score=0.9), Sentence(3, 3, "Oxen are big.", score=0.3)]
    assert [s.text[-4:-1] for s in pick(ranked)] == ["111", "333"]  # a lookup: two, one per document
    assert [s.text[-4:-1] for s in pick(ranked, every=True)] == ["111", "222", "333"]
    q = "What are all the numbers for ox?"
    assert left_out("The numbers are 111 and 333.", ranked, q) == 1  # 222 unsaid
    assert left_out("111, 222 and 333.", ranked, q) == 0 and left_out("111.", ranked, "What is the number for ox?") == 0


@pytest.mark.parametrize("question", [
    "What are the secret ingredients needed to build the perfect pizza?",  # niah with 4 needles
    "Which suppliers were named in May?", "What were the main reasons for the delay?",
    "What are the baselines?",
])
def test_a_question_for_plural_things_asks_for_all_of_them(question):
    ask = aggregation(question)
    assert ask is not None and ask.kind == A.ALL, (question, ask)


@pytest.mark.parametrize("question", [
    "What is the best thing to do in San Francisco?", "What was the status?", "What are you doing?",
    "What is this?", "What was the basis of the claim?",
])
def test_a_question_for_one_thing_is_no_list(question):
    assert aggregation(question) is None
