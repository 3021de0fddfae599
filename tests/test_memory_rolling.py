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
