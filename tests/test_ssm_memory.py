"""SSM state as memory in the app: `memory read` stores a snapshot after every document of a group
(incrementally), and a question about exactly that group restores it and reads only the question,
with the same next-token logits and answer as one pass over the documents and the question (tiny
random-init Mamba2, fp32, CPU). Mismatched snapshots are refused and the documents read instead;
attention backends never take this path."""
from __future__ import annotations

import copy
import json
from datetime import datetime, timedelta, timezone

import pytest

torch = pytest.importorskip("torch")

from archivist.memory import ssm_reader as M  # noqa: E402
from archivist.agent.ask import ask  # noqa: E402
from archivist.backends import hf_state as H  # noqa: E402
from archivist.backends.hf import TransformersLLM  # noqa: E402
from archivist.backends.registry import load_llm  # noqa: E402
from archivist.backends.settings import ModelSettings  # noqa: E402
from archivist.corpus.parsed import Address, Document, Location  # noqa: E402
from archivist.corpus.ingest import ingest_documents  # noqa: E402
from archivist.errors import InputError  # noqa: E402
from archivist.memory import ssm_state as S  # noqa: E402
from archivist.store import Store  # noqa: E402
from tests.conftest import agent_settings  # noqa: E402
from tests.tiny_models import save_tiny  # noqa: E402

T0 = datetime(2024, 3, 4, 9, tzinfo=timezone.utc)
QUESTION = "Which room is the meeting in?"


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    root = tmp_path_factory.mktemp("tiny")
    return {kind: save_tiny(kind, root / kind) for kind in ("ssm", "attention")}


@pytest.fixture(scope="module")
def ssm(tiny):
    return load_llm(ModelSettings(llm="transformers", llm_model=str(tiny["ssm"]), device="cpu"))


def mail(i: int, body: str, reply_to: int | None = None, subject: str = "Offsite planning",
         mailbox: str = "alice") -> Document:
    return Document(kind="email", title=("RE: " if reply_to else "") + subject, body=body,
                    message_id=f"<m{i}@example.com>", in_reply_to=f"<m{reply_to}@example.com>" if reply_to else "",
                    references=[f"<m{reply_to}@example.com>"] if reply_to else [],
                    sender=Address(f"Person {i}", f"p{i}@example.com"), date=T0 + timedelta(hours=i),
                    location=Location(path=f"/mail/{mailbox}/{i}.eml", position="0", mailbox=mailbox))


THREAD = [mail(1, "The offsite moved to Thursday, room 42."),
          mail(2, "Thanks. Which room is the budget review in?", 1),
          mail(3, "The budget review is in room 7, after lunch.", 2)]


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "m.db"
    with Store(path) as store:
        ingest_documents(store, [*THREAD, mail(9, "Quarterly forecast attached.", subject="Forecast",
                                                mailbox="bob")], source="mail")
    return path


def thread_group(store) -> M.StateGroup:
    return next(g for g in M.groups(store, "thread") if len(g.doc_ids) > 1)


def ids_tensor(ids: list[int]):
    return torch.tensor([ids], dtype=torch.long)


def one_pass(llm, store, group: M.StateGroup, question: str):
    """Logits after the head, every document and the question read in one pass, and the
    greedy answer from there: the reference a restored state must reproduce."""
    layout = M.Layout(llm)
    _, pieces = layout.documents(store, group.doc_ids)
    logits, cache = H.read(llm.model, ids_tensor(layout.ids([layout.head, *pieces, layout.tail(question)])))
    ids = H.greedy(llm.model, logits, cache, 12, llm.eos_ids)
    return logits, ids


def test_snapshots_saved_per_document_and_incremental(ssm, db):
    with Store(db) as store:
        first = {r.group: r for r in M.read_groups(store, ssm, "thread")}
        group = thread_group(store)
        assert first[group.key].read == 3 and first[group.key].resumed_from == 0
        rows = store.conn.execute("SELECT key, n_tokens, n_bytes FROM ssm_snapshots WHERE key LIKE ? "
                                  "ORDER BY n_tokens", (group.key + "#%",)).fetchall()
        assert [r[0] for r in rows] == [M.key_at(group.key, i) for i in (1, 2, 3)]
        assert rows[0][1] < rows[1][1] < rows[2][1] and len({r[2] for r in rows}) == 1  # fixed size
        again = M.read_groups(store, ssm, "thread")
        assert all(r.reused and r.tokens_read == 0 for r in again)
        ingest_documents(store, [mail(4, "Room 42 is confirmed for Thursday.", 3)], source="more")
        third = {r.group: r for r in M.read_groups(store, ssm, "thread")}
    grown = third[group.key]
    assert (grown.docs, grown.read, grown.resumed_from) == (4, 1, 3)  # continued, not re-read
    assert sum(r.read for r in third.values()) == 1
    assert 0 < grown.snapshot_bytes < grown.kv_cache_bytes


def test_restored_answer_equals_one_pass_over_documents_and_question(ssm, db):
    with Store(db) as store:
        M.read_groups(store, ssm, "thread")
        ingest_documents(store, [mail(4, "Room 42 is confirmed for Thursday.", 3)], source="more")
        M.read_groups(store, ssm, "thread")  # the fourth document continues the stored state
        group = thread_group(store)
        ref_logits, ref_ids = one_pass(ssm, store, group, QUESTION)
        layout = M.Layout(ssm)
        _, pieces = layout.documents(store, group.doc_ids)
        cache = H.restore(ssm.model, S.load(store, M.key_at(group.key, 4))[0], layout.tags(pieces)[-1])
        logits, cache = H.read(ssm.model, ids_tensor(layout.ids([layout.tail(QUESTION)])), cache)
        assert (logits - ref_logits).abs().max().item() <= 1e-4
        assert H.greedy(ssm.model, logits, cache, 12, ssm.eos_ids) == ref_ids
        got = M.answer(store, ssm, group, QUESTION, 12, [])
        assert got.text == ssm.tok.decode(ref_ids, skip_special_tokens=True)
        assert got.tokens_in == len(layout.tail(QUESTION)) and got.snapshot == M.key_at(group.key, 4)
        result = ask(store, agent_settings(db, llm="transformers", llm_model=""), QUESTION, llm=ssm,
                     group=group.key)
    assert result.restored == M.key_at(group.key, 4) and result.group == group.key
    assert result.strategy == "memory" and result.llm_calls == 1
    assert result.tokens_in == len(layout.tail(QUESTION))  # the question only
    assert "stored SSM state" in result.reason and "restored SSM state" in result.attempts[0]["note"]
    assert result.answered_by in ("llm+state", "extractive")  # a random model's answer may fail the check


def _refused(store, llm, group) -> str:
    with pytest.raises(M.NoState) as exc:
        M.answer(store, llm, group, QUESTION, 4, [])
    return str(exc.value)


def test_mismatched_snapshot_is_refused_and_the_documents_are_read(ssm, db):
    renamed = TransformersLLM(ssm.model, ssm.tok, name="transformers:another-model")
    halved = TransformersLLM(copy.deepcopy(ssm.model).to(torch.bfloat16), ssm.tok, name=ssm.name)
    with Store(db) as store:
        M.read_groups(store, ssm, "thread")
        group = thread_group(store)
        assert "model 'transformers:" in _refused(store, renamed, group)
        assert "dtype float32, this backend runs bfloat16" in _refused(store, halved, group)
        store.conn.execute("UPDATE documents SET body = body || ' Bring coffee.' WHERE id = ?",
                           (group.doc_ids[1],))
        store.conn.commit()
        assert "a document or the prompt changed" in _refused(store, ssm, group)
        settings = agent_settings(db, llm="transformers", max_new_tokens=8, memory_tokens=64)
        result = ask(store, settings, QUESTION, llm=ssm, group=group.key, strategy="memory")
        reread = {r.group: r for r in M.read_groups(store, ssm, "thread")}[group.key]
    assert (reread.resumed_from, reread.read) == (1, 2)  # from the snapshot before the edited one
    assert result.restored == "" and result.answered_by != "llm+state"
    note = result.attempts[0]["note"]
    assert note.startswith("SSM state not used: snapshot refused") and "read the documents instead" in note
    assert result.tokens_in > 200  # the documents were read, not only the question


def test_new_document_without_reading_is_no_state(ssm, db):
    with Store(db) as store:
        M.read_groups(store, ssm, "thread")
        ingest_documents(store, [mail(4, "Room 42 is confirmed.", 3)], source="more")
        why = _refused(store, ssm, thread_group(store))
    assert "covers its 4 documents (the latest covers 3 of them)" in why and "memory read" in why


def test_attention_backends_never_take_this_path(ssm, tiny, db):
    attention = load_llm(ModelSettings(llm="transformers", llm_model=str(tiny["attention"]), device="cpu"))
    with Store(db) as store:
        M.read_groups(store, ssm, "thread")  # a snapshot exists for the group
        group = thread_group(store)
        with pytest.raises(InputError, match="needs an SSM backend"):
            M.read_groups(store, attention, "thread")
        assert "not an SSM" in _refused(store, attention, group)
        settings = agent_settings(db, llm="transformers", max_new_tokens=8, memory_tokens=64)
        auto = ask(store, settings, QUESTION, llm=attention, group=group.key)
        forced = ask(store, settings, QUESTION, llm=attention, group=group.key, strategy="memory")
    assert auto.restored == "" and "SSM state" not in auto.reason
    assert forced.restored == "" and "not an SSM" in forced.attempts[0]["note"]


def test_cli_memory_read_and_ask_group(tiny, db):
    from typer.testing import CliRunner
    from archivist.cli import app
    base = ["-d", str(db), "--llm", "transformers", "--model", str(tiny["ssm"])]
    r = CliRunner().invoke(app, [*base, "memory", "read", "--by", "mailbox", "--json"])
    assert r.exit_code == 0, r.output
    rows = [json.loads(line) for line in r.stdout.splitlines() if line.startswith("{")]
    totals = rows[-1]["totals"]
    assert totals["groups"] == 2 and totals["documents_read"] == 4
    assert 0 < totals["snapshot_bytes"] < totals["kv_cache_bytes"]
    alice = next(x for x in rows[:-1] if x["group"] == "mailbox:alice")
    r = CliRunner().invoke(app, [*base, "ask", QUESTION, "--group", "mailbox:alice", "--json"])
    assert r.exit_code == 0, r.output
    answer = json.loads(r.stdout.splitlines()[-1])
    assert answer["restored"] == "mailbox:alice#3" and answer["group"] == "mailbox:alice"
    with Store(db) as store:
        logged = store.conn.execute("SELECT estimates FROM runs WHERE id = ?", (answer["run_id"],)).fetchone()
    assert json.loads(logged[0])["attempts"][0]["restored"] == "mailbox:alice#3"
    assert alice["docs"] == 3
    bad = CliRunner().invoke(app, ["-d", str(db), "--llm", "echo", "memory", "read"])
    assert bad.exit_code == 2 and "needs an SSM backend" in bad.output


def test_snapshot_size_from_config_matches_a_dump(ssm):
    layout = M.Layout(ssm)
    _, cache = H.read(ssm.model, ids_tensor(layout.ids([layout.head])))
    blob = H.dump(cache, S.Tag("m", "float32", "h", 1))
    computed = H.state_bytes(ssm.model.config, 4)
    assert computed <= len(blob) < computed + 8192  # torch.save framing only
    assert ssm.tok.eos_token_id not in layout.data("a document saying <|im_end|> here")
    h = S.RunningHash()
    h.feed([1, 2])
    assert h.feed([3]) == S.tokens_hash([1, 2, 3])
