"""Progress events: ingest and indexing report through a callback; only the CLI layer draws (rich)."""
from __future__ import annotations

import ast
import io
import subprocess
import sys
from collections import defaultdict

import pytest

from archivist import progress
from archivist.config import load_settings
from archivist.corpus.ingest import ingest_paths
from archivist.progress import Event, Level, Stage, Unit
from archivist.retrieval.indexer import index_store
from archivist.store import Store
from tests.conftest import DEMO, ROOT
from tests.test_ingest import message, write_mbox

TERMINAL_LAYER = "archivist/cli/"  # the terminal layer: the only rich importers


def by_stage(events: list[Event]) -> dict[Stage, list[Event]]:
    """Progress events grouped per stage, asserting each stage is one consecutive run."""
    runs: dict[Stage, list[Event]] = defaultdict(list)
    order: list[Stage] = []
    for e in events:
        if e.level is Level.WARNING:
            continue
        if not order or order[-1] != e.stage:
            assert e.stage not in runs, f"stage {e.stage} came back after another stage"
            order.append(e.stage)
        runs[e.stage].append(e)
    return runs


def assert_monotonic(runs: dict[Stage, list[Event]]) -> None:
    for stage, events in runs.items():
        done = [e.done for e in events]
        assert done == sorted(done), f"{stage}: done went down: {done}"
        if events[-1].total is not None:
            assert events[-1].done == events[-1].total, f"{stage} did not end at its total"


@pytest.fixture
def every_step(monkeypatch):
    """No rate limit, so a test sees every report a loop makes."""
    monkeypatch.setattr(progress, "INTERVAL", 0.0)


def test_ingest_and_index_report_stages_in_order(tmp_path):
    events: list[Event] = []
    with Store(tmp_path / "p.db") as store:
        summary = ingest_paths(store, [DEMO], on_progress=events.append)
        n_ingest = len(events)
        # every chunk embedded (embed_scope=lead embeds one a document: tests/test_embed_scope.py)
        stats = index_store(store, load_settings("test", {"db": str(tmp_path / "p.db"),
                                                          "embed_scope": "chunks"}),
                            on_progress=events.append)
    ingest, index = by_stage(events[:n_ingest]), by_stage(events[n_ingest:])
    assert list(ingest) == [Stage.SCANNING, Stage.READING, Stage.THREADING]
    assert_monotonic(ingest)
    reading = ingest[Stage.READING]
    total_bytes = sum(f.stat().st_size for f in DEMO.iterdir())
    assert reading[-1].unit is Unit.BYTES and reading[-1].done == reading[-1].total == total_bytes
    assert f"{summary.files}/{summary.files} files" in reading[-1].message
    assert ingest[Stage.THREADING][-1].done == summary.threads
    assert list(index) == [Stage.CHUNKING, Stage.THREAD_CHUNKS, Stage.EMBEDDING, Stage.INDEXING]
    assert_monotonic(index)
    embedding = index[Stage.EMBEDDING]
    assert embedding[0].done == 0 and embedding[0].unit is Unit.CHUNKS
    assert embedding[-1].total == stats["embedded"] + stats["reused"] == stats["chunks_total"] > 0


def test_embedding_reports_each_embedder_batch(tmp_path, every_step):
    from archivist.retrieval.vectors import configured_embedder
    settings = load_settings("test", {"db": str(tmp_path / "e.db")})

    class SmallBatches:  # the real embedder, 4 texts a batch
        batch = 4

        def __init__(self, inner):
            self.inner = inner

        def __getattr__(self, name):
            return getattr(self.inner, name)

    events: list[Event] = []
    with Store(settings.store.db) as store:
        ingest_paths(store, [DEMO])
        stats = index_store(store, settings, on_progress=events.append,
                            embedder=SmallBatches(configured_embedder(settings)))
    done = [e.done for e in events if e.stage is Stage.EMBEDDING]
    steps = [b - a for a, b in zip(done, done[1:])]
    assert done[-1] == stats["embedded"] > 8 and steps and max(steps) <= 4


def test_a_big_source_moves_the_byte_count_before_it_ends(tmp_path, every_step):
    box = write_mbox(tmp_path / "big.mbox", range(400))
    folder = tmp_path / "folder"
    folder.mkdir()
    for i in range(50):
        (folder / f"{i}.eml").write_text(message(1000 + i).split("\n", 1)[1])
    for source in (box, folder):
        events: list[Event] = []
        with Store(tmp_path / f"{source.name}.db") as store:
            ingest_paths(store, [source], on_progress=events.append)
        reading = [e for e in events if e.stage is Stage.READING]
        total = reading[-1].total
        assert any(0 < e.done < total for e in reading), f"{source.name}: only 0 and the end"
        assert_monotonic(by_stage(events))


def test_rejects_arrive_as_warnings(tmp_path):
    (tmp_path / "junk.bin").write_bytes(bytes(range(256)) * 40)
    write_mbox(tmp_path / "good.mbox", range(3))
    events: list[Event] = []
    with Store(tmp_path / "w.db") as store:
        ingest_paths(store, [tmp_path], on_progress=events.append)
    warnings = [e for e in events if e.level is Level.WARNING]
    assert len(warnings) == 1 and "junk.bin" in warnings[0].message


def test_nothing_is_reported_without_a_listener(tmp_path):
    reporter = progress.Reporter(None)
    assert not reporter.due()
    with Store(tmp_path / "q.db") as store:  # and None is the default
        assert ingest_paths(store, [write_mbox(tmp_path / "a.mbox", range(3))]).new == 3


def test_renderer_prints_warnings_escaped_and_draws_nothing_off_a_terminal():
    from rich.console import Console
    from archivist.cli.render import ProgressRenderer
    buf = io.StringIO()
    with ProgressRenderer(Console(file=buf, force_terminal=False, width=200)) as show:
        show(Event(Stage.READING, 0, 100, Unit.BYTES, "0/1 files"))
        show(Event(Stage.READING, message="rejected /x/[bold]y[/bold].eml: empty",
                   level=Level.WARNING))
        show(Event(Stage.READING, 100, 100, Unit.BYTES, "1/1 files"))
        show(Event(Stage.THREADING, message="[red]threads"))
    assert buf.getvalue() == "warning: rejected /x/[bold]y[/bold].eml: empty\n"


def rich_importers() -> list[str]:
    """Modules under archivist/ whose source imports rich (anywhere, lazily included)."""
    found = []
    for path in sorted((ROOT / "archivist").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level
                     else [])
            if any(n == "rich" or n.startswith("rich.") for n in names):
                found.append(str(path.relative_to(ROOT)))
                break
    return found


def test_only_the_terminal_layer_imports_rich():
    importers = rich_importers()
    assert "archivist/cli/render.py" in importers  # the scan works
    outside = {path for path in importers if not path.startswith(TERMINAL_LAYER)}
    assert not outside, f"library code imports rich: {outside}"


def test_ingest_and_indexer_load_without_rich():
    code = ("import sys, archivist.corpus.ingest, archivist.retrieval.indexer, "
            "archivist.retrieval.report\n"
            "print(sorted(m for m in sys.modules if m == 'rich' or m.startswith('rich.')))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_renderer_writes_plain_throttled_lines_to_a_log_file(tmp_path):
    """stderr redirected to a file (nohup, CI): no bar, but a line per stage and per change, at
    most one a second, so a long run is never silent in its log."""
    from rich.console import Console
    from archivist.cli.render import ProgressRenderer
    with open(tmp_path / "err.log", "w") as log:
        with ProgressRenderer(Console(file=log, width=200)) as show:
            show(Event(Stage.READING, 0, 3, Unit.FILES, "0/3 files"))
            show(Event(Stage.READING, 1, 3, Unit.FILES, "1/3 files"))  # within the second: skipped
            show(Event(Stage.THREADING, message="[red]threads"))  # a new stage: at once
    lines = (tmp_path / "err.log").read_text().splitlines()
    assert len(lines) == 2, lines
    assert lines[0].endswith("0/3 files 0/3 files") and "[red]threads" in lines[1]
    assert "\x1b" not in "".join(lines)


def test_a_change_held_back_by_the_limit_is_written_not_the_stale_line(tmp_path):
    """A change within the second of the last line is written once the second has passed; the
    heartbeat never repeats the line it replaced (a summary's first 'time left' came 0.5 s after
    a heartbeat and was lost, the log then said 'still working' on the old count)."""
    import time
    from rich.console import Console
    from archivist.cli.render import ProgressRenderer
    with open(tmp_path / "err.log", "w") as log:
        with ProgressRenderer(Console(file=log, width=200)) as show:
            show(Event(Stage.SUMMARISING, 0, 3, Unit.GROUPS, "0/3 groups"))
            show(Event(Stage.SUMMARISING, 1, 3, Unit.GROUPS, "1/3 groups, 0m04s left"))
            time.sleep(1.6)
    lines = (tmp_path / "err.log").read_text().splitlines()
    assert len(lines) == 2 and lines[1].endswith("1/3 groups, 0m04s left"), lines
