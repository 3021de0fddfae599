"""A small sample of the paraphrase probes on two real Enron mailboxes (the whole-set run is
`archivist eval run probes --variant paraphrase`): counts and lists answered exactly, no constraint dropped silently."""
from __future__ import annotations

import pytest

from archivist.corpus.ingest import ingest_paths
from archivist.store import Store
from tests.conftest import agent_settings, shared_path

pytestmark = pytest.mark.data
MAILBOXES = ("kaminski-v.mbox.gz", "lavorato-j.mbox.gz")


def test_enron_paraphrase_sample(tmp_path):
    from archivist.agent.ask import ask
    from archivist.evals.probes import COUNT_INTENTS, correct, dropped, generate
    paths = [shared_path("enron", "mbox", name) for name in MAILBOXES]
    db = tmp_path / "enron_sample.db"
    with Store(db) as store:
        ingest_paths(store, paths)
        probes = [p for p in generate(store.conn, per_template=1, seed=5)
                  if p.intent in COUNT_INTENTS or p.intent == "list_sender_day"]
        settings = agent_settings(db)
        results = [(p, ask(store, settings, p.question, log=False)) for p in probes]
    assert len(results) >= 40
    wrong = [(p.question, p.expected, r.answer[:120]) for p, r in results if not correct(p, r.answer)]
    assert len(wrong) <= 0.1 * len(results), wrong
    assert [p.question for p, r in results if dropped(p, r)] == []
