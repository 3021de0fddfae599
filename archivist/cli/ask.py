"""`archivist ask`: one question, answered with citations, the strategy used, why, and the cost."""
from __future__ import annotations

import sys
from typing import Optional

import typer

from archivist.cli.options import (
    AfterOpt, BeforeOpt, DbOpt, FromOpt, JsonOpt, MailboxOpt, SubjectOpt, ToOpt, YesOpt, choice, examples, known_mailbox
)
from archivist.cli.completion import complete_strategy
from archivist.cli.root import app, emit, err, may_write, open_store, out, run, say, settings
from archivist.cli.search import coverage
from archivist.progress import Event, Stage
from archivist.records import AUTO, STRATEGIES
from archivist.sanitise import terminal as sanitise


@app.command(epilog=examples('archivist ask "Which room is the offsite in?"',
                             'archivist ask "How many emails did maria.chen@northwind-energy.com send in April 2024?"',
                             'archivist ask "Summarise the crane negotiation" --strategy memory --yes',
                             'archivist ask "Who sent the budget?" --json | jq .answer',
                             'archivist ask "How many emails did Maria Chen send the week after Easter 2024?" --explain',
                             'archivist --llm transformers --model ./mamba2 ask "what was decided?" --group thread:doc6',
                             'archivist ask "what did they decide?" --from sam.ortiz@baycrane.com --after 2024-03-01'))
def ask(question: str = typer.Argument(..., help="The question; may hold from:, to:, subject:, "
                                                 "after:, before:, mailbox: terms."),
        strategy: str = typer.Option(AUTO, "--strategy", help=" | ".join((AUTO, *STRATEGIES)),
                                     autocompletion=complete_strategy),
        planner: Optional[str] = typer.Option(None, "--planner", help="rules | llm"),
        sender: Optional[str] = FromOpt, recipient: Optional[str] = ToOpt,
        after: Optional[str] = AfterOpt, before: Optional[str] = BeforeOpt,
        mailbox: Optional[str] = MailboxOpt, subject: Optional[str] = SubjectOpt,
        group: Optional[str] = typer.Option(None, "--group", help="Ask about exactly one thread "
                                            "(thread:docN) or mailbox (mailbox:NAME); answered from its "
                                            "stored SSM state when `archivist memory read` left one."),
        explain: bool = typer.Option(False, "--explain", help="Also print how the question was read: what "
                                     "it asks, each constraint with its role, and every word's use."),
        show_draft: bool = typer.Option(False, "--show-draft", help="Also print the model's draft "
                                        "when the grounding check replaced it (never by default)."),
        yes: bool = YesOpt, db: Optional[str] = DbOpt, as_json: bool = JsonOpt) -> None:
    """Answer a question with citations, the strategy used, why, and what it cost.

    The planner picks an exact metadata query, retrieval (rag), the whole scope (stuff) or a
    rolling memory over every document, and escalates when the evidence is missing. A status line
    on stderr shows each step. Constraints the answer could not use are named in it. --json prints
    one object (keys: see the README)."""
    def body():
        from archivist.cli.render import ProgressRenderer, render_answer, render_footer
        from archivist.query_syntax import option_filters
        choice(strategy, (AUTO, *STRATEGIES), "--strategy")
        options = option_filters(sender, recipient, after, before, mailbox, subject)
        cfg = settings(db, planner=planner)
        with open_store(cfg, write=may_write(cfg)) as store:
            known_mailbox(store, options.mailbox)  # a mailbox no message is in: exit 2, as search
            # not streamed: the model's draft may fail the grounding check and be replaced
            with ProgressRenderer(err) as show:
                show(Event(Stage.ANALYSING, message="starting the agent"))  # imports take seconds
                from archivist.agent.ask import ask as run_ask
                from archivist.timing import Timings
                result = run_ask(store, cfg, question, strategy=strategy, on_progress=show,
                                 on_token=token_counter(show),
                                 confirm=None if yes else confirmer(show),
                                 override=None if options.is_empty() else options, group=group,
                                 timings=Timings.since_process_start())
            for warning in result.warnings:
                err.print(f"warning: {sanitise(warning)}", markup=False)
            cov = coverage(store, cfg, "hybrid")
            if as_json:
                emit({**result.to_dict(), "not_embedded": cov["not_embedded"]}, True)
                return
            render_answer(out, result.answer)
            say("\n" + render_footer(result, draft=show_draft))
            if explain:
                from archivist.cli.render import render_plan
                say("\n" + render_plan(result.plan))
    run(body, as_json)


def token_counter(show):
    """An on_token sink that counts the answer's pieces on the status line (not printed: the
    answer is shown once, after the grounding check)."""
    from archivist.progress import written
    count = [0]

    def on_token(piece: str) -> None:
        count[0] += 1
        show(written(count[0], "checked before it is shown"))
    return on_token


def confirmer(show=None):
    """A yes/no question on the terminal before a long run; None (go on) when nobody can answer."""
    if not (sys.stdin.isatty() and err.is_terminal):
        return None

    def confirm(message: str) -> bool:
        if show is not None:
            show.pause()
        return typer.confirm(message, default=True, err=True)
    return confirm

