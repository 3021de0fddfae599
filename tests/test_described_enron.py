"""Emails described by their content in a real Enron mailbox (issue 24, point 5): questions of our own,
with answers read by SQL from the headers of the emails they describe. Each described email has a
reply in the mailbox that quotes it; the answer comes from the original unless the question asks
for the reply."""
from __future__ import annotations

import pytest

from archivist.corpus.ingest import ingest_paths
from archivist.retrieval.indexer import index_store
from archivist.store import Store
from tests.conftest import agent_settings, shared_path

pytestmark = pytest.mark.data

CASES = [  # question, the result's key, the exact answer from the described email's headers
    ("Who was cc'd on Rakesh Bharati's note to Sarah Taylor saying their analyses of the ORACLE and EnronOnline "
     "data were at variance with the profitability numbers for power and gas trading?", "people",
     {"j.kaminski@enron.com", "vasant.shanbhogue@enron.com", "jayshree.desai@enron.com", "jeff.donahue@enron.com"}),
    ("Who was copied on Rakesh Bharati's note to Sarah Taylor saying the research group's figures for power and gas "
     "trading profitability were at variance with what is normally believed?", "people",
     {"j.kaminski@enron.com", "vasant.shanbhogue@enron.com", "jayshree.desai@enron.com", "jeff.donahue@enron.com"}),
    ("Who sent Vince the Scope of Services document listing the projects done with EES customers?", "people",
     {"richard.zdunkewicz@enron.com"}),
    ("When did Rakesh pass along the gist of his phone conversation about the profitability of power and gas "
     "trading?", "date", "2001-12-14"),
    ("Who replied to Rakesh Bharati apologising for being out of pocket all week?", "people",
     {"jayshree.desai@enron.com"}),
]


@pytest.fixture(scope="module")
def enron(tmp_path_factory):
    db = tmp_path_factory.mktemp("described") / "kaminski.db"
    with Store(db) as store:
        ingest_paths(store, [shared_path("enron", "mbox", "kaminski-v.mbox.gz")])
        index_store(store, agent_settings(db), embed=False)  # the full-text index: search is BM25 alone
    return db


@pytest.mark.parametrize("question, key, expected", CASES)
def test_a_described_email_is_answered_from_its_own_headers(enron, question, key, expected):
    from archivist.agent.ask import ask
    with Store(enron) as store:
        got = ask(store, agent_settings(enron), question, log=False)
    assert got.strategy == "query" and got.llm_calls == 0
    if key == "people":
        assert {a for p in got.result["people"] for a in p["addresses"]} == expected
    else:
        assert got.result[key] == expected
    assert got.citations
