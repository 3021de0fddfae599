"""Shell completion: `--show-completion SHELL` and `--install-completion SHELL` for bash, zsh, fish
and PowerShell (Typer's own flags detect the shell and ignore a name given to them), and the
values the shell offers for `--strategy`, `--by` and `--mailbox` (the mailboxes of the archive that
`-d` or ARCHIVIST_DB names)."""
from __future__ import annotations

from typing import Optional

import typer

SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")


def register_shells() -> None:
    """Typer registers its per-shell completion classes only with its own completion flags
    (add_completion=True), which these options replace."""
    from typer._completion_classes import completion_init
    completion_init()


register_shells()
BY = ("thread", "mailbox", "sender", "month", "corpus", "field:")


def _shell(value: str) -> str:
    if value not in SHELLS:
        raise typer.BadParameter(f"{value!r} is not a shell archivist completes; use one of {', '.join(SHELLS)}")
    return value


def show_completion(ctx: typer.Context, value: Optional[str]) -> None:
    if not value or ctx.resilient_parsing:
        return
    from typer._completion_shared import get_completion_script
    prog = ctx.find_root().info_name or "archivist"
    var = "_{}_COMPLETE".format(prog.replace("-", "_").upper())
    typer.echo(get_completion_script(prog_name=prog, complete_var=var, shell=_shell(value)))
    raise typer.Exit(0)


def install_completion(ctx: typer.Context, value: Optional[str]) -> None:
    if not value or ctx.resilient_parsing:
        return
    from typer._completion_shared import install
    shell, path = install(shell=_shell(value), prog_name=ctx.find_root().info_name or "archivist")
    typer.echo(f"{shell} completion installed in {path}; it takes effect in a new shell")
    raise typer.Exit(0)


def _starting(values, incomplete: str) -> list[str]:
    return [v for v in values if v.startswith(incomplete)]


def complete_strategy(incomplete: str) -> list[str]:
    from archivist.records import AUTO, STRATEGIES
    return _starting((AUTO, *STRATEGIES), incomplete)


def complete_by(incomplete: str) -> list[str]:
    return _starting(BY, incomplete)


def complete_mailbox(ctx: typer.Context, incomplete: str) -> list[str]:
    """The archive's mailboxes; none (never an error) when there is no archive to read."""
    try:
        from archivist.cli.root import settings
        from archivist.store import Store
        from archivist.store.overview import mailbox_names
        db = ctx.params.get("db") or (ctx.find_root().params.get("db") if ctx.find_root() else None)
        with Store(settings(db).store.db, readonly=True) as store:
            return sorted(_starting(mailbox_names(store), incomplete))
    except Exception:  # noqa: BLE001 - a completion must never print a traceback into the shell
        return []
