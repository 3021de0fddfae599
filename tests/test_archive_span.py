"""archive-span (evals/tasks/archive_span.py): each metric on hand-computed cases, the examples
generated from a small archive with exact answers and split into halves, the question reader and
planner on what the task asks (every sender of a thread, every day, a count per month, every dollar
amount), and the task end to end with the echo and tiny backends."""
from __future__ import annotations

import pytest

from archivist.evals.tasks import archive_span as A
from conftest import agent_settings

# --- metrics, by hand ---


def test_people_named_by_hand():
    names = {"lisa.druzbik@enron.com": ["Druzbik, Lisa"], "steve.van@enron.com": ["Van Hooser, Steve"],
             "x@y.com": []}
    answer = "Lisa Druzbik wrote twice; steve.van@enron.com once; also bob@z.org."
    # Lisa by her name turned round, Steve by address, bob's address counts against precision
    assert A.people_named(answer, names) == {"lisa.druzbik@enron.com", "steve.van@enron.com", "bob@z.org"}
    assert A.people_named("Druzbik, Lisa", names) == {"lisa.druzbik@enron.com"}
    assert A.people_named("Lisa wrote", names) == set()  # one word is no name
    # an address that starts with a dot (Enron's '.taylor@enron.com') is that address, not another
    assert A.people_named("legal <.taylor@enron.com> (1).", {".taylor@enron.com": ["legal"]}) == {".taylor@enron.com"}
    task_scores = A.set_scores(A.people_named(answer, names), set(names))
    # 2 of 3 named are gold (p 2/3), 2 of 3 gold named (r 2/3): f1 2/3
    assert task_scores == {"set_precision": 0.6667, "set_recall": 0.6667, "set_f1": 0.6667}


def test_dates_named_by_hand():
    answer = "Sent on 2001-10-17, 10/18/2001, Oct 19, 2001, 20th October 2001 and 10/21/01 [3]."
    assert A.dates_named(answer) == {"2001-10-17", "2001-10-18", "2001-10-19", "2001-10-20", "2001-10-21"}
    assert A.dates_named("2001-02-30 and 13/13/2001") == set()  # no such days


def test_month_counts_named_by_hand():
    answer = "By month: 2001-04: 1; 2001-05: 4 [2]; March 2001 - 3 emails; Jun: 2; they may 7 times; 2001-09-05 was 8."
    assert A.month_counts_named(answer, "2001") == {"2001-04=1", "2001-05=4", "2001-03=3", "2001-06=2"}
    # a date quoted from an email is no month's count: 'On Mar 12 2001', 'Feb 3, 2002'
    assert A.month_counts_named("2002-01: 8. Quoted: On Mar 12 2001, you asked; Feb 3, 2002 too.", "2002") == {"2002-01=8"}
    # gold 2001-04=1, 2001-05=4, 2001-07=2: 2 of 4 named right, 2 of 3 gold: p .5, r .6667, f1 .5714
    assert A.set_scores(A.month_counts_named(answer, "2001"), {"2001-04=1", "2001-05=4", "2001-07=2"}) == \
        {"set_precision": 0.5, "set_recall": 0.6667, "set_f1": 0.5714}


def test_amounts_named_and_order_by_hand():
    gold = ["85.0", "361.8", "1338", "40"]
    named, order = A.amounts_named("First $85.0, then $1,338 [2] and 361.8; also $7.", gold)
    assert named == {"85.0", "1338", "361.8", "7"} and order == 0.0  # 1338 came before 361.8
    named, order = A.amounts_named("$85.0 then 361.8 then $40", gold)
    assert named == {"85.0", "361.8", "40"} and order == 1.0
    assert A.amounts_named("none here [1]", gold) == (set(), 0.0)


def test_forms_of_a_topic_word():
    import re
    lease, currency = re.compile(A.forms("Lease"), re.I), re.compile(A.forms("Currency"), re.I)
    assert all(lease.search(w) for w in ("Lease", "leases", "leased", "leasing", "lease's"))
    assert not lease.search("leaseholder") and not lease.search("release")
    assert currency.search("currencies") and not currency.search("currencyx")


# --- a small archive ---

def _mail(i, sender, name, day, subject, body, month="Oct", reply_to=0):
    reply = f"In-Reply-To: <{reply_to}.span@test>\n" if reply_to else ""
    return (f"From {sender} Mon {month} {day:02d} 10:00:00 2001\nMessage-ID: <{i}.span@test>\n{reply}"
            f"Date: Mon, {day:02d} {month} 2001 10:{i % 60:02d}:00 -0500\nFrom: \"{name}\" <{sender}>\n"
            f"To: Team <team@test.com>\nSubject: {subject}\n\n{body}\n\n")


PEOPLE = [("ann.lee@test.com", "Lee, Ann"), ("bo.diaz@test.com", "Diaz, Bo"), ("cy.ng@test.com", "Ng, Cy"),
          ("di.fox@test.com", "Fox, Di")]


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    from archivist.config import load_settings
    from archivist.corpus.ingest import ingest_paths
    from archivist.retrieval.indexer import index_store
    from archivist.store import Store
    folder = tmp_path_factory.mktemp("span")
    mails, i = [], 0
    thread = [("ann.lee@test.com", "Lee, Ann", 2, "Pipeline Budget Review", "The pump costs $1,200 and the valve $350."),
              ("bo.diaz@test.com", "Diaz, Bo", 3, "RE: Pipeline Budget Review", "Vendor now quotes $1,450 for the pump."),
              ("ann.lee@test.com", "Lee, Ann", 5, "RE: Pipeline Budget Review", "Agreed at $1,400; valve stays $350.")]
    for sender, name, day, subject, body in thread:
        i += 1
        mails.append(_mail(i, sender, name, day, subject, body, reply_to=i - 1))
    for month, n in (("Aug", 2), ("Sep", 3), ("Oct", 4)):  # Kestrel in subjects and bodies over three months
        for k in range(n):
            i += 1
            sender, name = PEOPLE[k % len(PEOPLE)]
            mails.append(_mail(i, sender, name, 10 + k, f"Kestrel status {i}", f"Kestrel moved ahead, note {i}.", month))
    (folder / "span.mbox").write_text("".join(mails))
    db = folder / "span.db"
    with Store(db) as s:
        ingest_paths(s, [folder / "span.mbox"])
        index_store(s, load_settings("test", {"db": str(db)}))  # the full-text index 'mentioned X' reads
    return db


def test_examples_have_exact_answers_and_two_halves(archive):
    from archivist.evals.tasks import TaskOptions, make_task
    task = make_task("archive-span", TaskOptions(data=archive))
    by = {e.meta["kind"]: e for e in task.examples() if e.meta["index"] == 0}
    assert set(by) == set(A.KINDS)
    assert by["thread-senders"].question == "Who wrote in the thread 'Pipeline Budget Review'?"
    assert set(by["thread-senders"].answers) == {"ann.lee@test.com", "bo.diaz@test.com"}
    assert by["thread-days"].answers == ["2001-10-02", "2001-10-03", "2001-10-05"]
    assert by["thread-amounts"].answers == ["1200", "350", "1450", "1400"]  # distinct, in the order written
    assert by["monthly-mentions"].answers == ["2001-08=2", "2001-09=3", "2001-10=4"]
    assert by["topic-senders"].question == "Who wrote about Kestrel in October 2001?"
    assert set(by["topic-senders"].answers) == {a for a, _ in PEOPLE}
    halves = {h: make_task("archive-span", TaskOptions(data=archive), h).examples() for h in ("tune", "held")}
    assert all(e.meta["split"] == "tune" for e in halves["tune"]) and all(e.meta["split"] == "held" for e in halves["held"])
    ids = [e.id for e in task.examples()]
    assert sorted(ids) == sorted(e.id for h in halves.values() for e in h)  # the halves split the examples
    assert ids == [e.id for e in make_task("archive-span", TaskOptions(data=archive)).examples()]  # deterministic


# --- the reader and the planner on what it asks ---

@pytest.mark.parametrize("question,ask,target,per", [
    ("Who wrote in the thread 'Pipeline Budget Review'?", "top", "sender", None),
    ("On which days were emails sent in the thread 'Pipeline Budget Review'?", "list", "date", None),
    ("How many emails mentioned Kestrel in each month of 2001?", "count", "documents", "month"),
    ("Who wrote about Kestrel in October 2001?", "top", "sender", None),
    ("Who wrote about Kestrel on Oct 12, 2001?", "field", "sender", None),  # one day: one email described
    ("Who sent the email about Kestrel in October 2001?", "field", "sender", None),
])
def test_reader_reads_what_spans_many_emails(archive, question, ask, target, per):
    from archivist.agent.question.lexicon import lexicon
    from archivist.agent.question.reader import read_plan
    from archivist.store import Store
    with Store(archive) as s:
        plan = read_plan(question, lexicon(s))
    assert (plan.ask, plan.target, plan.per) == (ask, target, per) and not plan.unused


def test_query_answers_every_sender_day_and_month(archive):
    from archivist.agent.ask import ask
    from archivist.store import Store
    with Store(archive) as s:
        st = agent_settings(archive)
        senders = ask(s, st, "Who wrote in the thread 'Pipeline Budget Review'?", log=False)
        days = ask(s, st, "On which days were emails sent in the thread 'Pipeline Budget Review'?", log=False)
        months = ask(s, st, "How many emails mentioned Kestrel in each month of 2001?", log=False)
    assert senders.strategy == days.strategy == months.strategy == "query"
    assert "ann.lee@test.com" in senders.answer and "bo.diaz@test.com" in senders.answer
    assert A.dates_named(days.answer) == {"2001-10-02", "2001-10-03", "2001-10-05"}
    assert "By month: 2001-08: 2; 2001-09: 3; 2001-10: 4" in months.answer


def test_every_dollar_amount_goes_to_memory_and_is_quoted_in_order(archive):
    from archivist.agent.ask import ask
    from archivist.store import Store
    with Store(archive) as s:
        res = ask(s, agent_settings(archive), "List every dollar amount mentioned in the thread "
                  "'Pipeline Budget Review', in the order they were written.", log=False)
    assert res.strategy == "memory" and res.llm_calls == 0 and "memory reads all of it for less" in res.reason
    assert res.answer.startswith("Every dollar amount read in 3 documents, in the order read (4): $1,200, $350, $1,450, $1,400.")


def test_a_subject_with_a_lone_dash_matches():
    from archivist.agent.strategies.planned import mention_patterns
    sides = mention_patterns("peoples gas - il")
    assert all(any(p.search("RE: Peoples Gas - IL") for p in [q]) for side in sides for q in side)


# --- end to end ---

def _run(tmp_path, data, strategies, settings=None, **kw):
    from archivist.evals.results import Results
    from archivist.evals.runner import RunConfig
    from archivist.evals.suite import run_config
    cfg = RunConfig("archive-span", strategies, data=str(data), **kw)
    with Results(tmp_path / "evals.db") as res:
        summary = run_config(cfg, settings or agent_settings(tmp_path / "x.db"), res, tmp_path / "work")
        return summary, res.rows(summary.run_id)


def test_task_runs_with_echo(tmp_path, archive):
    import shutil
    db = tmp_path / "span.db"
    shutil.copy(archive, db)
    summary, rows = _run(tmp_path, db, ["rag", "memory", "query", "auto"], limit=5, variant="tune")
    assert summary.status == "done" and summary.rows == 20 and not [r for r in rows if r["error"]]
    assert {r["meta"]["kind"] for r in rows} == set(A.KINDS) and {r["meta"]["split"] for r in rows} == {"tune"}
    auto = {r["meta"]["kind"]: r for r in rows if r["strategy"] == "auto"}
    assert all(r["score"] == 1.0 for r in auto.values())  # the planner picks query or memory, both exact here
    assert auto["thread-amounts"]["chosen"] == "memory" and auto["thread-senders"]["chosen"] == "query"


def test_task_runs_with_a_tiny_model(tmp_path, archive):
    import shutil

    from tiny_models import save_tiny
    db = tmp_path / "span.db"
    shutil.copy(archive, db)
    path = save_tiny("attention", tmp_path / "tiny")
    s = agent_settings(tmp_path / "x.db", llm="transformers", llm_model=str(path), device="cpu", context_window=0)
    summary, rows = _run(tmp_path, db, ["rag"], settings=s, limit=2, max_new_tokens=8)
    assert summary.rows == 2 and all(r["backend_kind"] == "attention" and 0.0 <= r["score"] <= 1.0 for r in rows)
