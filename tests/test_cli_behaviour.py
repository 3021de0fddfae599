"""Issue 29, "one behaviour everywhere", through the real CLI: search says "no hits" when nothing
is relevant, lists the matches of a query made only of field terms newest first, shows hits in the
order of their score with snippets on the matched words and a location inside the mailbox filter;
dates and list options read the same in every command."""
from __future__ import annotations

import json
import mailbox
import re
from email.message import EmailMessage
from pathlib import Path

import pytest
from typer.testing import CliRunner

from archivist.cli import app

runner = CliRunner()


def cli(*args: str):
    return runner.invoke(app, ["--llm", "echo", *args])


def rows(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def test_hybrid_search_with_nothing_relevant_says_no_hits(demo_db):
    for mode in ("hybrid", "bm25"):  # --mode dense: the nearest vectors, relevant or not
        r = cli("search", "xylophonequartz", "--mode", mode, "-d", str(demo_db))
        assert r.exit_code == 1, (mode, r.output)
        assert r.stdout == "" and "no hits for 'xylophonequartz'" in r.stderr
    found = cli("search", "crane price ten weeks", "-d", str(demo_db), "--json")
    assert found.exit_code == 0 and rows(found.stdout)[0]["doc_id"] == 8  # real queries still hit


def test_field_only_query_lists_matches_newest_first(demo_db):
    r = cli("search", "from:maria.chen@northwind-energy.com", "-d", str(demo_db), "--json")
    assert r.exit_code == 0, r.output
    hits = rows(r.stdout)
    assert len(hits) == 7 and all(h["score"] is None for h in hits)  # a listing: nothing ranked
    dates = [h["date"] for h in hits]
    assert dates == sorted(dates, reverse=True)
    r = cli("search", 'subject:"crane" after:2024-03-10', "-d", str(demo_db), "--json")
    assert r.exit_code == 0, r.output
    assert [h["day"] >= "2024-03-10" and "crane" in h["title"].lower() for h in rows(r.stdout)] == [True] * 4
    plain = cli("search", "from:maria.chen@northwind-energy.com", "-k", "2", "-d", str(demo_db))
    assert plain.stdout.startswith(" 1. doc 28  2024-05-28  northwind")  # no score column
    assert cli("search", "   ", "-d", str(demo_db)).exit_code == 2
    none = cli("search", "from:nobody@nowhere.example", "-d", str(demo_db))
    assert none.exit_code == 1 and "no messages match within the filters" in none.stderr


def test_hits_are_in_the_order_of_their_score(demo_db):
    for query in ("Crane rental quote for Harbor Pipeline", "Q2 planning offsite", "crane price"):
        scores = [h["score"] for h in rows(cli("search", query, "-d", str(demo_db), "--json").stdout)]
        assert scores and scores == sorted(scores, reverse=True), (query, scores)


def message(n: int, subject: str, body: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"], msg["To"] = "ann@example.com", "bob@example.com"
    msg["Subject"], msg["Message-ID"] = subject, f"<{n}@example.com>"
    msg["Date"] = f"Mon, {n} Apr 2024 10:00:00 +0000"
    msg.set_content(body)
    return msg


@pytest.fixture(scope="module")
def two_mailboxes(tmp_path_factory) -> Path:
    """The same long message in mailboxes 'alpha' and 'beta' (one document, two locations); its
    only mention of 'zeppelin' is in its last paragraph, chunks away from its first."""
    root = tmp_path_factory.mktemp("boxes")
    filler = "\n\n".join(f"Paragraph {i} is about the weather, the harbour and the quarterly "
                         f"schedule of the pipeline crews, nothing more to report." for i in range(60))
    body = filler + "\n\nThe zeppelin hangar lease is signed."
    for name in ("alpha", "beta"):
        box = mailbox.mbox(root / f"{name}.mbox")
        box.add(message(1, "Weekly notes", body))
        box.add(message(2, "Lunch", "Lunch is at noon in the canteen."))
        box.close()
    db = root / "boxes.db"
    assert cli("-d", str(db), "ingest", str(root / "alpha.mbox"), str(root / "beta.mbox")).exit_code == 0
    return db


def test_snippet_sits_on_the_matched_words(two_mailboxes):
    hit = rows(cli("search", "zeppelin", "-d", str(two_mailboxes), "--json").stdout)[0]
    assert hit["matches"] and "zeppelin" in hit["snippet"]
    assert "zeppelin" in hit["text"]  # the chunk shown is the one that holds it


@pytest.mark.parametrize("how", [("--mailbox", "beta"), ("mailbox:beta",)])
def test_location_shown_is_inside_the_mailbox_filter(two_mailboxes, how):
    query = "zeppelin " + how[0] if len(how) == 1 else "zeppelin"
    extra = list(how) if len(how) == 2 else []
    hit = rows(cli("search", query, *extra, "-d", str(two_mailboxes), "--json").stdout)[0]
    assert hit["where"] == "beta"
    assert rows(cli("search", "zeppelin", "-d", str(two_mailboxes), "--json").stdout)[0]["where"] == "alpha"


@pytest.mark.parametrize("value", ["9/1/2001", "Sep 1, 2001", "2001-09-01"])
def test_senders_reads_dates_as_search_does(demo_db, value):
    r = cli("senders", "--after", value, "-n", "3", "-d", str(demo_db), "--json")
    assert r.exit_code == 0 and len(rows(r.stdout)) == 3  # every demo message is from 2024
    later = cli("senders", "--after", "Apr 1, 2024", "--before", "5/1/2024", "-d", str(demo_db), "--json")
    assert {row["first_date"][:7] for row in rows(later.stdout)} == {"2024-04"}


@pytest.mark.parametrize("command", ["senders", "search"])
@pytest.mark.parametrize("value", ["2001-13-45", "yesterday"])
def test_bad_dates_exit_2_naming_the_value(demo_db, command, value):
    args = [command, "crane"] if command == "search" else [command]
    r = cli(*args, "--after", value, "-d", str(demo_db))
    assert r.exit_code == 2 and repr(value) in r.stderr and r.stdout == ""


def test_unknown_mailbox_and_no_rows_are_errors(demo_db):
    for args in (["senders"], ["search", "crane"]):
        r = cli(*args, "--mailbox", "nope", "-d", str(demo_db))
        assert r.exit_code == 2 and "no mailbox 'nope'" in r.stderr
    r = cli("senders", "--after", "2030-01-01", "-d", str(demo_db))
    assert r.exit_code == 1 and "no senders" in r.stderr


def test_ask_json_errors_are_json_and_an_unknown_mailbox_exits_2(demo_db, tmp_path):
    bad = cli("ask", "x", "--strategy", "bogus", "-d", str(demo_db), "--json")
    assert bad.exit_code == 2 and rows(bad.stdout) == [
        {"error": "--strategy 'bogus' is not one of: auto, rag, stuff, memory, query", "exit_code": 2}]
    missing = cli("--json", "ask", "x", "-d", str(tmp_path / "none.db"))
    assert missing.exit_code == 1 and rows(missing.stdout)[0]["exit_code"] == 1
    assert "no archivist database" in rows(missing.stdout)[0]["error"]
    nope = cli("ask", "how many emails?", "--mailbox", "nope", "-d", str(demo_db))
    assert nope.exit_code == 2 and "no mailbox 'nope'" in nope.stderr


def test_search_hits_show_links_as_the_document_has_them(tmp_path):
    box = tmp_path / "links.mbox"
    mb = mailbox.mbox(str(box))
    mb.add(message(1, "Reader download", "Get the ebook reader at http://www.adobe.com/products/reader.html today."))
    mb.flush()
    db = str(tmp_path / "l.db")
    assert cli("ingest", str(box), "-d", db, "--no-embed").exit_code == 0
    r = cli("search", "ebook reader", "-d", db, "--mode", "bm25")
    assert r.exit_code == 0 and "http://www.adobe.com/products/reader.html" in r.stdout
    assert "[:]" not in r.stdout and "[.]" not in r.stdout


def test_list_options_and_global_options_after_the_command(demo_db):
    for flag in ("-n", "--limit", "-k"):
        assert len(rows(cli("search", "crane", flag, "2", "-d", str(demo_db), "--json").stdout)) == 2
    for command in (["threads"], ["senders"], ["mailboxes"], ["runs"]):
        assert cli(*command, "-n", "1", "-d", str(demo_db)).exit_code in (0, 1)
    after = runner.invoke(app, ["-d", str(demo_db), "search", "crane", "-n", "1", "--llm", "echo",
                                "--embedder", "minilm", "--json"])
    before = runner.invoke(app, ["--llm", "echo", "--embedder", "minilm", "-d", str(demo_db),
                                 "search", "crane", "-n", "1", "--json"])
    assert after.exit_code == 0 and after.stdout == before.stdout != ""
    quoted = runner.invoke(app, ["-d", str(demo_db), "search", "--", "--llm"])  # after --: the query
    assert quoted.exit_code == 1 and "no hits for '--llm'" in quoted.stderr


def test_column_headers_on_a_terminal_only(demo_db, tmp_path):
    pexpect = pytest.importorskip("pexpect")
    import os
    import sys
    from conftest import ROOT
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TERM": "xterm", "COLUMNS": "120", "ARCHIVIST_CONFIG": ""}
    heads = {"threads": "thread  docs  first..last", "senders": "docs  first..last",
             "mailboxes": "mailbox"}
    for command, head in heads.items():
        child = pexpect.spawn(sys.executable, ["-m", "archivist", "-d", str(demo_db), command, "-n", "2"],
                              env=env, encoding="utf-8", timeout=60, dimensions=(40, 120))
        child.expect(pexpect.EOF)
        shown = child.before
        first = shown.strip().splitlines()[0]
        assert head in first and "2024" not in first, (command, shown)
        piped = cli(command, "-n", "2", "-d", str(demo_db)).stdout
        assert head not in piped and "2024" in piped.splitlines()[0]


@pytest.mark.slow  # loads the default model (SmolLM2, the default runtime)
@pytest.mark.parametrize("strategy", ["rag", "memory"])
def test_ctrl_c_during_ask_exits_130_and_leaves_the_store_consistent(demo_db, tmp_path, strategy):
    pexpect = pytest.importorskip("pexpect")
    import os
    import shutil
    import sys
    import time
    from conftest import ROOT
    for part in demo_db.parent.glob(demo_db.name + "*"):  # the store, its FAISS file and matrix
        shutil.copy(part, tmp_path / part.name.replace(demo_db.name, "copy.db"))
    db = tmp_path / "copy.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TERM": "xterm", "ARCHIVIST_CONFIG": ""}
    child = pexpect.spawn(sys.executable, ["-m", "archivist", "-d", str(db), "ask", "-y", "--strategy",
                                           strategy, "Which room is the offsite in?"],
                          env=env, encoding="utf-8", timeout=300, dimensions=(40, 120))
    child.expect("the model reads|notes from chunk")
    time.sleep(1.5)  # into the model's generate: threads in native code
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert (child.exitstatus, child.signalstatus) == (130, None), child.before[-500:]
    assert "terminate called" not in child.before and "interrupted" in child.before
    checked = runner.invoke(app, ["-d", str(db), "verify"])
    assert checked.exit_code == 0, checked.output


@pytest.fixture
def stub_llm():
    """An OpenAI-compatible stub whose answer echoes the prompt: the grounding check replaces it."""
    from openai_stub import StubServer
    with StubServer() as server:
        yield server.url


ROOM = "Which room is the offsite in?"


def test_chat_shows_the_checked_answer_once(demo_db, stub_llm):
    base = ["--llm", "openai", "--base-url", stub_llm, "-d", str(demo_db), "chat"]
    shown = runner.invoke(app, base, input=f"{ROOM}\n/exit\n")
    assert shown.exit_code == 0, shown.output
    answer = shown.stdout.split("> ", 1)[1].split("— strategy")[0]
    assert "You asked" not in answer and "discarded" not in shown.stdout  # no draft taken back
    assert "room 42" in answer and shown.stdout.count("Update: the offsite moved") == 2  # answer, source
    drafted = runner.invoke(app, [*base, "--show-draft"], input=f"{ROOM}\n/exit\n")
    assert "You asked" in drafted.stdout and "!! draft above discarded" in drafted.stdout


def test_answer_and_citations_give_the_same_day(demo_db, stub_llm):
    r = runner.invoke(app, ["--llm", "openai", "--base-url", stub_llm, "-d", str(demo_db), "ask", ROOM,
                            "--json", "-y"])
    result = rows(r.stdout)[0]
    cited = {c["n"]: c for c in result["citations"]}
    dated = re.findall(r"(\d{4}-\d{2}-\d{2}), [^:\n]+: .*?\[(\d+)\]", result["answer"])
    assert dated, result["answer"]
    for day, n in dated:  # doc 4 was sent 2024-03-06 16:05 -0800, 2024-03-07 in UTC
        assert day == cited[int(n)]["day"], (day, cited[int(n)])


def stderr_lines(args: list[str]) -> list[tuple[float, str]]:
    """(seconds since start, line) of each stderr line of `archivist ARGS` run with stderr on a
    pipe, as they arrive."""
    import os
    import subprocess
    import sys
    import time
    from conftest import ROOT
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ARCHIVIST_CONFIG": ""}
    start = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "archivist", *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, env=env)
    got = [(time.monotonic() - start, line.rstrip("\n")) for line in proc.stderr]
    assert proc.wait(timeout=120) == 0, got
    return got


@pytest.fixture
def slow_llm():
    """The stub, taking 5 s for each answer (a model reading a long prompt)."""
    from openai_stub import StubServer
    with StubServer() as server:
        server.state.delay = 5.0
        yield server.url


def test_piped_ask_is_never_silent_for_more_than_2_s(demo_db, slow_llm):
    lines = stderr_lines(["--llm", "openai", "--base-url", slow_llm, "-d", str(demo_db), "ask", ROOM,
                          "--strategy", "rag"])
    gaps = [b[0] - a[0] for a, b in zip(lines, lines[1:])]
    assert max(gaps) < 3.0, lines  # 2 s, and a loaded machine's slack
    assert any("still working" in text for _, text in lines)


def test_summarize_status_says_groups_not_loaded_while_they_are_written(demo_db, slow_llm, tmp_path):
    import shutil
    db = tmp_path / "s.db"
    shutil.copy(demo_db, db)
    lines = stderr_lines(["--llm", "openai", "--base-url", slow_llm, "-d", str(db), "summarize",
                          "--limit", "1", "--out", str(tmp_path / "s.md")])
    at = next(i for i, (_, text) in enumerate(lines) if "loading model" in text)
    after = lines[at + 1]  # not 5 s later, when the group is written
    assert re.match(r"\d\d:\d\d:\d\d summarising", after[1]) and after[0] - lines[at][0] < 1.0, lines


def test_summarize_says_the_time_left_after_its_first_group(demo_db, slow_llm, tmp_path):
    import shutil
    db = tmp_path / "s.db"
    shutil.copy(demo_db, db)
    lines = stderr_lines(["--llm", "openai", "--base-url", slow_llm, "-d", str(db), "summarize",
                          "--limit", "3", "--writer", "model", "--out", str(tmp_path / "s.md")])
    # the first chunk is one model round: the rate and the time left follow its first group, not
    # the eighth (three groups of 5 s each would otherwise end with no estimate ever shown)
    assert any(re.search(r"1/3 groups, .* left", text) for _, text in lines), lines


@pytest.fixture
def eval_results(tmp_path) -> Path:
    """A stored probes run whose config names a file by its absolute path; rag, auto and
    self-route score the same on the same tokens, stuff reads more."""
    from archivist.evals.results import Results
    path = tmp_path / "evals.db"
    with Results(path) as res:
        run = res.start("k", "probes", {"task": "probes", "data": str(tmp_path / "secret" / "enron_whole.db"),
                                        "strategies": ["rag", "stuff", "auto", "self-route"]}, "echo", "attention")
        for i in range(2):
            for strategy, tokens in (("rag", 300), ("stuff", 900), ("auto", 300), ("self-route", 300)):
                res.add(run.id, "probes", {"example_id": f"e{i}", "strategy": strategy, "answerable": 1,
                                           "answer": "3", "chosen": strategy, "score": 1.0,
                                           "scores": {"correct": 1.0, "f1": 1.0, "refused": 0.0},
                                           "tokens_in": tokens, "tokens_out": 5, "seconds": 0.1,
                                           "peak_mb": 100.0, "gold": ["3"], "meta": {}, "model": "echo",
                                           "backend_kind": "attention", "hardware": "test",
                                           "created_at": "2026-12-01T00:00:00", "question": "q",
                                           "llm_calls": 1})
        res.finish(run.id, "done", 1.0)
    return path


def test_eval_report_defines_every_column_and_names_no_machine_path(eval_results, tmp_path):
    out = tmp_path / "report"
    r = runner.invoke(app, ["eval", "report", "--results", str(eval_results), "--out", str(out)])
    assert r.exit_code == 0, r.output
    text = (out / "report.md").read_text()
    assert str(tmp_path) not in text and '"data": "enron_whole.db"' in text
    defined = set(re.findall(r"^- \*\*(.+?)\*\*: ", text, re.M))
    heads = [line for line in text.splitlines() if line.startswith("| strategy |")]
    assert heads
    for head in heads:
        assert {c.strip() for c in head.strip("|").split("|")} <= defined, head
    assert "probes" in defined  # the task's score is defined too
    assert (out / "probes_pareto.png").stat().st_size > 1000


def test_pareto_labels_never_overlap():
    from archivist.evals.plots import pareto_labels
    points = [("rag", 817, 0.972), ("auto", 817, 0.972), ("self-route", 817, 0.972),
              ("stuff", 3588, 0.889), ("memory", 3584, 0.056), ("query", 0, 0.056), ("x", 40, 0.06)]
    labels = pareto_labels(points, 3588)
    assert ("rag = auto = self-route", 817, 0.972) in [(t, x, y) for t, x, y, _ in labels]
    spots = [(round(x / 3588 / 0.08), round(y / 0.08), dy) for _, x, y, dy in labels]
    assert len(spots) == len(set(spots)) == 5  # query and x are near: stacked, not on top of each other
    assert next(dy for t, _, _, dy in labels if t.startswith("rag")) < 0  # under a point at the top


def test_readme_search_examples_print_what_the_readme_shows():
    """bench/readme_examples.py on the README's search examples (the store built by its ingest)."""
    import subprocess
    import sys
    from conftest import ROOT
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "readme_examples.py"), "--only", "search"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "ok    session archivist -d demo.db search \"xylophone\"; echo $?" in done.stdout
    assert "FAIL" not in done.stdout


def test_an_attachment_of_a_read_type_with_no_text_is_not_called_unread(tmp_path):
    msg = message(1, "Placeholder", "See the note.")
    msg.add_attachment(b"<html><body></body></html>", maintype="text", subtype="html", filename="ATT00001.htm")
    msg.add_attachment(b"\x00\x01binary", maintype="application", subtype="octet-stream", filename="blob.bin")
    eml = tmp_path / "m.eml"
    eml.write_bytes(bytes(msg))
    db = str(tmp_path / "a.db")
    assert cli("ingest", str(eml), "-d", db, "--no-embed").exit_code == 0
    shown = cli("show", "1", "-d", db).stdout
    assert "ATT00001.htm" in shown and "(read: no text in it)" in shown
    assert "blob.bin" in shown and "(name only: type not read)" in shown


def test_committed_reports_name_no_machine_path():
    from conftest import ROOT
    for report in (ROOT / "docs").rglob("*.md"):
        text = report.read_text()
        for prefix in ("/tmp/", "/work/", "/home/", "/root/", "/Users/"):
            assert prefix not in text, f"{report.relative_to(ROOT)} names {prefix}"


def _archivist_script() -> Path:
    import sys
    script = Path(sys.executable).parent / "archivist"
    if not script.exists():
        pytest.skip(f"no archivist console script beside {sys.executable} (pip install -e . makes it)")
    return script


@pytest.mark.parametrize("shell, marker", [("bash", "COMPREPLY"), ("zsh", "#compdef archivist"),
                                           ("fish", "complete --command archivist")])
def test_completion_script_for_the_shell_named(shell, marker):
    import subprocess
    r = subprocess.run([str(_archivist_script()), "--show-completion", shell], capture_output=True, text=True)
    assert r.returncode == 0 and marker in r.stdout
    bad = subprocess.run([str(_archivist_script()), "--show-completion", "tcsh"], capture_output=True, text=True)
    assert bad.returncode == 2 and "tcsh" in bad.stderr


@pytest.mark.parametrize("line, expected", [("archivist ask x --strategy r", ["rag"]),
                                            ("archivist summarize --by mo", ["month"]),
                                            ("archivist -d DB search x --mailbox nor", ["northwind"])])
def test_the_shell_is_offered_strategies_groupings_and_the_archives_mailboxes(demo_db, line, expected):
    import os
    import subprocess
    env = {**os.environ, "_ARCHIVIST_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": line.replace("DB", str(demo_db))}
    r = subprocess.run([str(_archivist_script())], capture_output=True, text=True, env=env)
    assert r.returncode == 0 and re.findall(r'"([^"]+)"', r.stdout) == expected, r.stdout + r.stderr


def test_threads_and_mailboxes_take_the_filters_senders_takes(demo_db):
    db = str(demo_db)
    every = rows(cli("threads", "-n", "100", "-d", db, "--json").stdout)
    late = rows(cli("threads", "-n", "100", "--after", "2024-05-01", "-d", db, "--json").stdout)
    assert late and len(late) < len(every) and all(t["last_date"] >= "2024-05-01" for t in late)
    boxes = rows(cli("mailboxes", "--mailbox", "northwind", "-d", db, "--json").stdout)
    assert [b["mailbox"] for b in boxes] == ["northwind"]
    for command in ("threads", "mailboxes"):
        nope = cli(command, "--mailbox", "nope", "-d", db)
        assert nope.exit_code == 2 and "no mailbox 'nope'" in nope.stderr
        assert cli(command, "--after", "2001-13-45", "-d", db).exit_code == 2
    assert rows(cli("threads", "--after", "2100-01-01", "-d", db, "--json").stdout) == []


def test_a_hit_says_where_it_matched_when_its_own_text_does_not_hold_the_words(tmp_path):
    box = tmp_path / "q.mbox"
    mb = mailbox.mbox(str(box))
    mb.add(message(1, "Hangar", "The zeppelin hangar lease is signed for ten years."))
    mb.add(message(2, "RE: Hangar", "Great, thanks for the update on this one.\n\nOn Mon, 1 Apr 2024, Ann wrote:\n"
                                    "> The zeppelin hangar lease is signed for ten years.\n"))
    mb.add(message(3, "Zeppelin tours", "Tickets for the tour go on sale next week at the front desk."))
    mb.flush()
    db = str(tmp_path / "q.db")
    assert cli("ingest", str(box), "-d", db, "--no-embed").exit_code == 0
    hits = {h["title"]: h for h in rows(cli("search", "zeppelin", "-d", db, "--mode", "bm25", "--json").stdout)}
    assert hits["Hangar"]["matched_in"] == "text" and hits["Hangar"]["matches"]
    reply = hits["RE: Hangar"]  # its chunks may or may not carry the quote: either way the snippet shows it
    assert reply["matched_in"] in ("text", "quoted history") and reply["matches"] and "zeppelin" in reply["snippet"]
    assert hits["Zeppelin tours"]["matched_in"] == "subject"
    shown = cli("search", "zeppelin", "-d", db, "--mode", "bm25").stdout
    assert "(matched in the subject)" in shown
    from archivist.retrieval.report import _elsewhere
    from archivist.store import Store
    with Store(db, readonly=True) as store:  # a hit whose chunk lacks the word but whose quote holds it
        row = {"doc_id": reply["doc_id"], "snippet": "", "matches": []}
        assert "zeppelin" in store.scalar("SELECT quoted FROM documents WHERE id = ?", (reply["doc_id"],))
        _elsewhere(store, row, {"title": "RE: Hangar"}, "zeppelin")
    assert row["matched_in"] == "quoted history" and row["matches"] and "zeppelin" in row["snippet"]
