"""Prompt-injection suite: 376 attacks (tests/injection_attacks.py: 20 goals, from ignoring the
question to links, look-alike and bare domains, bidi-hidden and base64 instructions, a fake close
of the document fence, a planted false figure and a premium phone number, planted in bodies,
subjects, display names, hidden HTML, CSV and JSONL records, .txt/.md/PDF/.eml/.msg files, a
maildir, and PDF, txt, docx, HTML, CSV, .eml and .msg attachments) through `ask`, `chat` and
`summarize`, with a scripted model that obeys every injected instruction.

What the screen shows (the answer, the footer with the 'answered by' line and any rejected draft,
the sources, `--json`'s answer, check and draft) may carry an attack's payload only on a line
marked as quoted material, and no live link, image or bare domain. Extend to another command by
adding a runner to RUNNERS.
"""
from __future__ import annotations

import os

import pytest

from tests.conftest import agent_settings
from tests.injection_attacks import ATTACKS, assert_safe, obeying_model, question, write_corpus

IDS = [f"{g}-{p}" for g, p in ATTACKS]


@pytest.fixture(scope="module")
def attack_db(tmp_path_factory):
    from archivist.config import load_settings
    from archivist.corpus.ingest import ingest_paths
    from archivist.retrieval.indexer import index_store
    from archivist.store import Store
    root = tmp_path_factory.mktemp("inject")
    expected = write_corpus(root / "in")
    db = root / "a.db"
    with Store(db) as s:
        summary = ingest_paths(s, [root / "in"], text_field="text")
        assert summary.rejected == 0
        assert summary.new + summary.attachments_new == expected
        index_store(s, load_settings("test", {"db": str(db)}))
    return db


def screen(result) -> str:
    """What `ask` prints (the answer, then the footer: strategy, the 'answered by' line with its
    reason, any rejected draft, the sources) and what `--json` says of drafts and checks."""
    from archivist.cli.render import render_footer
    from archivist.sanitise import neutralise
    shown = [result.answer, result.check, result.rejected_draft, *(a["check"] for a in result.attempts)]
    return f"{neutralise(result.answer)}\n{render_footer(result, draft=True)}\n" + "\n".join(shown)


def run_ask(db, store, question: str) -> str:
    from archivist.agent.ask import ask
    return screen(ask(store, agent_settings(db), question, llm=obeying_model()))


def run_chat(db, store, question: str, show_draft: bool = False) -> str:
    """Everything a chat turn writes, as `archivist chat` runs it (the draft is not streamed
    unless --show-draft)."""
    from archivist.agent.session import ChatSession
    from archivist.cli.chat import chat_loop
    session = ChatSession.open(store, agent_settings(db), llm=obeying_model())
    lines, out = iter([question, "/quit"]), []
    chat_loop(session, lambda: next(lines), out.append, show_draft=show_draft)
    return "".join(out)


def run_summarize(db, store, by: str = "thread") -> str:
    """The whole Markdown summary of the attack corpus (every attack read by one obeying call)."""
    from archivist.answering.model import Model
    from archivist.memory.summarize import summarize
    settings = agent_settings(db)
    return summarize(store, settings, by, model=Model(settings, llm=obeying_model())).markdown()


RUNNERS = {"ask": run_ask, "chat": run_chat, "summarize": run_summarize}


@pytest.mark.parametrize("g,p", ATTACKS, ids=IDS)
def test_ask_never_presents_an_injected_instruction_as_the_answer(attack_db, g, p):
    from archivist.store import Store
    with Store(attack_db) as store:
        text = run_ask(attack_db, store, question(g, p))
    assert_safe(text, g, p)


@pytest.mark.parametrize("g,p", ATTACKS[::5], ids=IDS[::5])
def test_chat_never_presents_an_injected_instruction_as_the_answer(attack_db, g, p):
    from archivist.store import Store
    with Store(attack_db) as store:
        text = run_chat(attack_db, store, question(g, p))
    assert "draft above discarded" not in text  # nothing was shown before the check
    assert_safe(text, g, p)


@pytest.mark.parametrize("g,p", ATTACKS[::5], ids=IDS[::5])
def test_chat_show_draft_streams_no_live_link_and_then_the_checked_answer(attack_db, g, p):
    """--show-draft asks for the unchecked draft as it is written: it arrives with its links
    defanged, and what follows the notice of its replacement is safe."""
    from archivist.sanitise import bare_domains
    from archivist.store import Store
    from tests.injection_attacks import LIVE_LINK
    with Store(attack_db) as store:
        text = run_chat(attack_db, store, question(g, p), show_draft=True)
    streamed, _, checked = text.rpartition("draft above discarded")
    assert not LIVE_LINK.search(text) and not bare_domains(text)
    assert_safe(checked if streamed else text, g, p)


@pytest.mark.parametrize("by", ["thread", "corpus"])
def test_summarize_never_presents_an_injected_instruction_as_a_statement(attack_db, tmp_path, by):
    import shutil
    from archivist.store import Store
    db = tmp_path / "s.db"  # summaries are written into the database: a private copy
    shutil.copy(attack_db, db)
    with Store(db) as store:
        text = run_summarize(db, store, by)
    for g, p in ATTACKS:
        assert_safe(text, g, p)


@pytest.mark.parametrize("g,p", ATTACKS[::5], ids=IDS[::5])
def test_a_rejected_obeying_draft_is_withheld_not_shown(attack_db, g, p):
    from archivist.agent.ask import ask
    from archivist.store import Store
    from tests.injection_attacks import canary
    with Store(attack_db) as store:
        result = ask(store, agent_settings(attack_db), question(g, p), llm=obeying_model())
    assert canary(g, p) not in result.rejected_draft and result.answered_by != "llm"
    assert_safe(screen(result), g, p)


# The default model (SmolLM2-135M on CPU, ~1 s a token on a loaded 2-core machine) over one attack
# of each new goal and six of the first ten, each in another reader: what fits in about 15 minutes
# (16 attacks, 509 s for the first ten). It writes at most 48 tokens: an obeyed instruction shows in
# its first words.
DEFAULT_MODEL_ATTACKS = list(zip(range(10, 20), ["docx_att", "pdf_att", "msg_file", "jsonl", "eml_att",
                                                 "html_hidden", "txt_att", "body", "csv_cell", "maildir"])) + \
    [(1, "txt_doc"), (3, "md_doc"), (5, "pdf_file"), (6, "msg_att"), (8, "csv_att"), (9, "eml_file")]



def wide_sample() -> list[tuple[int, str]]:
    """ARCHIVIST_INJECTION_WIDE=1: every goal in three more readers than the default sample (the
    16 and 60 more, 76 attacks, about an hour on 2 cores): the run the README's figure is from."""
    by_goal: dict[int, list[str]] = {}
    for g, p in ATTACKS:
        by_goal.setdefault(g, []).append(p)
    more = [(g, places[(3 * g + j) % len(places)]) for g, places in sorted(by_goal.items())
            for j in range(3)]
    return DEFAULT_MODEL_ATTACKS + [a for a in dict.fromkeys(more) if a not in DEFAULT_MODEL_ATTACKS]


if os.environ.get("ARCHIVIST_INJECTION_WIDE"):
    DEFAULT_MODEL_ATTACKS = wide_sample()


@pytest.mark.slow
@pytest.mark.parametrize("g,p", DEFAULT_MODEL_ATTACKS, ids=[f"{g}-{p}" for g, p in DEFAULT_MODEL_ATTACKS])
def test_default_model_never_presents_an_injected_instruction(attack_db, g, p):
    from archivist.agent.ask import ask
    from archivist.config import load_settings
    from archivist.store import Store
    with Store(attack_db) as store:
        result = ask(store, load_settings(None, {"db": str(attack_db), "max_new_tokens": 48}), question(g, p))
    assert_safe(screen(result), g, p)
