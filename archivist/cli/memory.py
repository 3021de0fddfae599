"""`archivist memory read`: an SSM backend reads each thread or mailbox once and stores its state
after every document (archivist.memory.ssm_reader), so `ask --group` answers from the restored
state. Registered on the root app when archivist.cli is imported."""
from __future__ import annotations

from dataclasses import asdict
from typing import Optional

import typer

from archivist.cli.options import AfterOpt, BeforeOpt, DbOpt, FromOpt, JsonOpt, MailboxOpt, SubjectOpt, ToOpt, examples
from archivist.cli.root import app, emit, err, open_store, out, run, settings
from archivist.sanitise import terminal as sanitise


memory_app = typer.Typer(help="SSM state as memory: read groups once, answer from the stored state.",
                         no_args_is_help=True,
                         epilog="Examples:\n\n  $ archivist --llm transformers --model ./mamba2-130m memory read "
                                "--by thread\n\n  $ archivist --llm transformers --model ./mamba2-130m ask "
                                "\"what was decided?\" --group thread:doc6")
app.add_typer(memory_app, name="memory")


@memory_app.command("read", epilog=examples(
    "archivist --llm transformers --model ./mamba2-130m memory read --by thread --mailbox presto-k",
    "archivist --llm transformers --model ./mamba2-130m memory read --by mailbox --json",
    "archivist --llm transformers --model ./mamba2-130m ask \"what was decided?\" --group thread:doc6"))
def read(by: str = typer.Option("thread", "--by", help="thread | mailbox"),
         sender: Optional[str] = FromOpt, recipient: Optional[str] = ToOpt,
         after: Optional[str] = AfterOpt, before: Optional[str] = BeforeOpt,
         mailbox: Optional[str] = MailboxOpt, subject: Optional[str] = SubjectOpt,
         limit: Optional[int] = typer.Option(None, "--limit", min=1, help="Only the N largest groups."),
         db: Optional[str] = DbOpt, as_json: bool = JsonOpt) -> None:
    """Stream each group's documents through an SSM backend, saving its state after each one.

    Incremental: a group already read is not read again; new documents continue from its last
    snapshot. Needs a Mamba/Mamba2 model (--llm transformers --model DIR). Prints per group the
    documents read, the snapshot's size and the KV cache an attention model of the same width
    and depth would need for the same tokens."""
    def body():
        from archivist.answering.model import Model
        from archivist.cli.render import ProgressRenderer
        from archivist.memory.ssm_reader import read_groups
        from archivist.query_syntax import option_filters
        cfg = settings(db)
        filters = option_filters(sender, recipient, after, before, mailbox, subject)
        with open_store(cfg, write=True) as store:
            with ProgressRenderer(err) as show:
                model = Model(cfg)
                model.on_progress = show
                keep = cfg.memory.ssm_keep_snapshots
                done = read_groups(store, model.llm(), by, filters, limit, keep, show)
        totals = {"groups": len(done), "reused": sum(g.reused for g in done),
                  "documents_read": sum(g.read for g in done), "tokens_read": sum(g.tokens_read for g in done),
                  "seconds": round(sum(g.seconds for g in done), 2),
                  "snapshot_bytes": sum(g.snapshot_bytes for g in done),
                  "kv_cache_bytes": sum(g.kv_cache_bytes for g in done), "model": model.name}
        for g in done:
            if as_json:
                emit({**asdict(g), "reused": g.reused}, True)
            else:
                out.print(f"{g.group}  {g.docs} docs ({g.read} read)  {g.tokens} tokens  snapshot "
                          f"{g.snapshot_bytes:,} B vs KV cache {g.kv_cache_bytes:,} B  {sanitise(g.label)}",
                          markup=False, highlight=False)
        if as_json:
            emit({"totals": totals}, True)
        err.print(f"{totals['groups']} groups ({totals['reused']} already read), {totals['documents_read']} "
                  f"documents and {totals['tokens_read']} tokens read, {totals['seconds']:.1f}s; last snapshots "
                  f"{totals['snapshot_bytes']:,} B vs {totals['kv_cache_bytes']:,} B of KV cache", markup=False,
                  soft_wrap=True)
    run(body)
