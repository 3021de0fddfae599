"""The rolling memory: cited facts from each chunk, a budget, persistence and resumption."""
from __future__ import annotations

from archivist.answering.prompts import SYSTEM_MEMORY, USER_MEMORY
from archivist.backends.echo import EchoLLM
from archivist.backends.text import approx_tokens
from archivist.memory.rolling import MemoryState, RollingMemory, load_state, save_state
from archivist.records import Citation, PackedContext


def chunk(*docs):
    text = "\n".join(f"[{i + 1}] {body}" for i, (_, body) in enumerate(docs))
    cites = [Citation(i + 1, d, f"<{d}@x>", f"t{d}", "2001-01-01", 0, 0) for i, (d, _) in enumerate(docs)]
    return PackedContext(text, cites, approx_tokens(text), doc_ids=[d for d, _ in docs])


def memory(script, budget=200, state=None):
    llm = EchoLLM(script=script)

    def generate(messages):
        out = llm.generate(messages)
        return out, 10, approx_tokens(out)
    return RollingMemory(generate, approx_tokens, "when is the offsite?", budget,
                         SYSTEM_MEMORY, USER_MEMORY, state), llm


def test_facts_keep_their_source_documents_across_chunks():
    mem, llm = memory(None)  # echo: first sentence of the chunk's first block, cited
    mem.update(chunk((11, "The offsite is on May 3. Other text."), (12, "Lunch.")))
    mem.update(chunk((13, "It moved to room 42. More.")))
    facts = {f.text: f.doc_id for f in mem.state.facts}
    assert facts == {"The offsite is on May 3.": 11, "It moved to room 42.": 13}
    # the second call saw the earlier note under a label after the chunk's own
    assert "[2] The offsite is on May 3." in llm.calls[1][0][1].content
    ctx = mem.as_context()
    assert [c.doc_id for c in ctx.citations] == [11, 13]


def test_notes_citing_old_labels_map_to_old_documents_and_budget_holds():
    mem, _ = memory(["- offsite May 3 [1]", "- moved to room 42 [1]\n- offsite May 3 [2]\nsummary line"],
                    budget=12)
    mem.update(chunk((11, "x")))
    mem.update(chunk((13, "y")))
    assert [f.doc_id for f in mem.state.facts][-1] in (11, 13)
    assert approx_tokens(mem.render()) <= 12
    assert mem.state.position == 2 and mem.state.chunks == 2


def test_state_persists_and_resumes(store):
    mem, _ = memory(None)
    mem.update(chunk((11, "The offsite is on May 3.")))
    save_state(store.conn, "k", mem.state)
    back = load_state(store.conn, "k")
    assert isinstance(back, MemoryState) and back.position == 1 and back.facts[0].doc_id == 11
    resumed, _ = memory(None, state=back)
    resumed.update(chunk((12, "Room 42 it is.")))
    save_state(store.conn, "k", resumed.state)
    assert store.scalar("SELECT position FROM memory_states WHERE key = 'k'") == 2


def scored(facts_by_chunk):
    """An extractor that returns, per chunk, the facts given for its first document."""
    from archivist.memory.rolling import Fact

    def extract(packed):
        return [Fact(text, packed.doc_ids[0], score=score) for text, score in facts_by_chunk[packed.doc_ids[0]]]
    return extract


def test_extractive_notes_need_no_model_and_keep_the_best_matches():
    """memory_notes=extractive: no model call while reading; facts carry their document by
    construction, once each (a repeat is counted), ranked by score, and the budget drops the
    weakest, not the oldest."""
    llm = EchoLLM(script=None)
    extract = scored({1: [("The offsite is in room 42.", 0.9), ("Lunch at noon.", 0.1)],
                      2: [("The offsite is in room 42.", 0.9), ("Parking is free.", 0.2)],
                      3: [("Bring slides.", 0.3)]})
    mem = RollingMemory(lambda m: (llm.generate(m), 1, 1), approx_tokens, "which room is the offsite in?", 12,
                        SYSTEM_MEMORY, USER_MEMORY, extract=extract, model_notes=False)
    for doc in (1, 2, 3):
        mem.update(chunk((doc, "text")))
    assert llm.calls == [] and mem.state.tokens_in == 0 and mem.state.chunks == 3
    texts = [f.text for f in mem.state.facts]
    assert texts[0] == "The offsite is in room 42." and texts.count("The offsite is in room 42.") == 1
    top = mem.state.facts[0]  # read twice: one note that counts both, citing where it was first read
    assert (top.doc_id, top.count, top.last_doc_id, top.first_read, top.last_read) == (1, 2, 2, 0, 1)
    assert "Lunch at noon." not in texts  # the weakest went when the budget (12 tokens) was reached
    assert [c.doc_id for c in mem.as_context().citations] == [f.doc_id for f in mem.state.facts]


def test_both_notes_add_the_extracted_facts_to_the_models():
    mem, llm = memory(["nothing useful here"])  # the model writes no cited line at all
    mem.extract = scored({11: [("The offsite is on May 3.", 0.8)]})
    mem.update(chunk((11, "The offsite is on May 3. Other text.")))
    assert len(llm.calls) == 1 and [(f.text, f.doc_id) for f in mem.state.facts] == [("The offsite is on May 3.", 11)]
    assert mem.state.summary == "nothing useful here"


def test_ranked_notes_shrink_the_uncited_summary_before_dropping_a_fact():
    """A model's long uncited summary must not push the cited facts out (memory_notes=both)."""
    mem, _ = memory(["x " * 300], budget=40)
    mem.extract = scored({11: [("The offsite is on May 3.", 0.8)]})
    mem.update(chunk((11, "The offsite is on May 3. Other text.")))
    assert [f.text for f in mem.state.facts] == ["The offsite is on May 3."]
    assert approx_tokens(mem.render()) <= 40


def test_a_chunk_never_cuts_a_document_whose_rest_the_reading_would_skip():
    """The packer cuts the last document that does not fit; the memory moves past every document
    of a chunk, so a cut one is left for the next chunk (a needle in its rest was never read)."""
    from archivist.agent.strategies.memory import next_chunk
    sizes = {1: 40, 2: 40, 3: 40, 4: 5}
    packed = []

    class Ctx:  # the packer's rule: whole documents while they fit, then the next one cut
        def pack(self, window, budget):
            packed.append(list(window))
            used, ids, cut = 0, [], False
            for d in window:
                if used + sizes[d] <= budget:
                    ids.append(d)
                    used += sizes[d]
                elif budget - used >= 10:
                    ids.append(d)
                    used, cut = budget, True
                else:
                    cut = True
            return PackedContext("", [], used, truncated=cut, doc_ids=ids)

    chunk = next_chunk(Ctx(), [1, 2, 3, 4], 100)
    assert chunk.doc_ids == [1, 2] and not chunk.truncated  # 3 would be cut at 20 of its 40
    assert packed == [[1, 2, 3, 4], [1, 2]]
    assert next_chunk(Ctx(), [3, 4], 100).doc_ids == [3, 4]
    one = next_chunk(Ctx(), [1], 30)  # a document longer than the whole budget is read cut
    assert one.doc_ids == [1] and one.truncated
