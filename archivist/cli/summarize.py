"""`archivist summarize`: cited, stored, incremental summaries (archivist.memory.summarize) as a
command. Registered on the root app when archivist.cli is imported."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from archivist.cli.options import AfterOpt, BeforeOpt, DbOpt, FromOpt, JsonOpt, MailboxOpt, SubjectOpt, ToOpt, examples
from archivist.cli.completion import complete_by
from archivist.cli.root import app, emit, err, open_store, run, settings
from archivist.sanitise import terminal as sanitise


@app.command(epilog=examples("archivist summarize --by mailbox --out summary.md",
                             "archivist summarize --by thread --mailbox presto-k --limit 20",
                             "archivist summarize --by field:medical_specialty --json",
                             "archivist --base-url http://127.0.0.1:8000/v1 summarize --by corpus --concurrency 8"))
def summarize(by: str = typer.Option("thread", "--by", autocompletion=complete_by, help="thread | mailbox | sender | month | corpus "
                                                           "| field:NAME (record sets)"),
              sender: Optional[str] = FromOpt, recipient: Optional[str] = ToOpt,
              after: Optional[str] = AfterOpt, before: Optional[str] = BeforeOpt,
              mailbox: Optional[str] = MailboxOpt, subject: Optional[str] = SubjectOpt,
              out_file: Optional[Path] = typer.Option(None, "--out", help="Write the Markdown here."),
              limit: Optional[int] = typer.Option(None, "--limit", min=1, help="Only the N largest groups."),
              concurrency: Optional[int] = typer.Option(None, "--concurrency", min=1,
                                                        help="Model calls in flight (servers)."),
              batch: Optional[int] = typer.Option(None, "--batch-size", min=0,
                                                  help="Groups per model call (local transformers); "
                                                       "0: auto, 8 on CUDA, 1 on CPU."),
              writer: Optional[str] = typer.Option(None, "--writer", help="auto | model | extractive: who "
                                                   "writes overviews (auto: the model only when its sentences "
                                                   "pass the grounding check often enough)"),
              db: Optional[str] = DbOpt, as_json: bool = JsonOpt) -> None:
    """Cited summaries of threads and of the groups above them, stored and incremental.

    Every sentence cites the messages it was checked against; a rerun with nothing new makes no
    model call, and new documents recompute only the groups they touch."""
    def body():
        from archivist.cli.render import ProgressRenderer
        from archivist.memory.summarize import summarize as run_summarize
        from archivist.query_syntax import option_filters
        from archivist.store.runs import log_run
        cfg = settings(db, concurrency=concurrency, batch_size=batch, summary_writer=writer)
        filters = option_filters(sender, recipient, after, before, mailbox, subject)
        with open_store(cfg, write=True) as store:
            with ProgressRenderer(err) as show:
                result = run_summarize(store, cfg, by, filters, limit, on_progress=show)
            text, totals = sanitise(result.markdown()), result.totals()
            log_run(store, "summarize", {"question": f"summarize --by {by}", "strategy": "summarize",
                                         "answer": text, "tokens_in": totals["tokens_in"],
                                         "tokens_out": totals["tokens_out"], "seconds": totals["seconds"],
                                         "model": totals["model"]}, cfg)
        if out_file is not None:
            out_file.write_text(text)
            err.print(f"wrote {out_file}", markup=False)
        if as_json:
            for s in result.top:
                emit({**json.loads(s.to_json()), "reused": s.reused}, True)
            emit({"totals": totals}, True)
        elif out_file is None:
            sys.stdout.write(text)
        err.print(_summary_line(totals), markup=False)
    run(body)


def _summary_line(t: dict) -> str:
    checked = t["sentences_checked"]
    share = f"{t['sentences_passed']}/{checked} model sentences grounded" if checked else "no model sentences"
    line = (f"{t['groups']} groups ({t['computed']} computed, {t['reused']} reused), {t['llm_calls']} "
            f"model calls, {t['tokens_in']} tokens read, {share}, {t['seconds']:.1f}s")
    return line + (f"\nwriter: {t['writer']}" if t.get("writer") else "")
