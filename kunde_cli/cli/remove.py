"""`kunde remove`: take one ingested file's lines out of the workspace again."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from kunde_cli.cli import options as opt
from kunde_cli.words.labels import say
from kunde_cli.words.said import said

if TYPE_CHECKING:
    from kunde_cli.store.remove import RemoveSummary

app = typer.Typer(add_completion=False)


# --- the command's own options ----------------------------------------------------------

File = Annotated[
    str,
    typer.Argument(
        metavar="FILE",
        help="The ingested file: its path, or its name as kunde status shows it.",
        show_default=False,
    ),
]


@app.command("remove")
@opt.help_order("file", "workspace", "yes", "wait", "quiet", "lang", "config_path")
@opt.reads_data(uses=("workspace", "quiet", "lang", "config_path"))
def remove_command(
    file: File, data: opt.Source, yes: opt.Yes = False, wait: opt.Wait = 60.0
) -> None:
    """Take one ingested file's order lines (or survey answers) and its refused rows out of the workspace again, in one step: a run stopped half-way changes nothing. The orders and customers are worked out again from the files left, and the manifest records the removal.

    A line is stored once, from the file that first brought it: an order a later file changed stays (as that file's version); an order a later file carried unchanged goes with this file (the message names such files: remove and ingest them again to keep their orders). The file can be ingested again afterwards.

    Example: kunde remove ordrer-marts.csv --yes
    """
    from kunde_cli.app.workspace_files import find_file, remove_file, stored_from
    from kunde_cli.cli.common import open_workspace, resolve_lang
    from kunde_cli.config import load_config
    from kunde_cli.render.safety import terminal_safe

    lang = resolve_lang(data.lang, load_config(data.config_path))
    opt.record_lang(lang)
    ws = open_workspace(data.workspace)
    ws.rejects_lang = lang  # remove may rewrite rejects.csv: its reasons in the run's language
    entry = find_file(ws, file)  # a file not in the workspace: one line, nothing changed
    if not yes:
        lines, rejects = stored_from(ws, entry)
        key = "remove_question_orders" if entry["kind"] == "orders" else "remove_question_survey"
        _confirm(
            say(
                key,
                lang,
                name=entry["name"],
                lines=_n(lines, lang),
                rejects=_n(rejects, lang),
                workspace=data.workspace,
            ),
            lang,
        )
    with ws.lock(wait_seconds=wait, purpose="kunde remove"):
        summary = remove_file(ws, entry)
    for line in describe(summary, workspace=str(data.workspace), lang=lang):
        typer.echo(terminal_safe(line))


def _n(value: int, lang: str) -> str:
    from kunde_cli.words.numbers import format_number

    return format_number(value, lang)


def _confirm(question: str, lang: str) -> None:
    """Ask before removing (exit 0 when the answer is no); refuse without a terminal."""
    from kunde_cli.errors import ConfigError
    from kunde_cli.render.safety import terminal_safe

    if not sys.stdin.isatty():
        raise ConfigError(
            said("remove_needs_confirmation"), hint=said("remove_needs_confirmation_hint")
        )
    if not typer.confirm(terminal_safe(question), default=False):
        typer.echo(say("remove_nothing_removed", lang))
        raise typer.Exit(0)


def describe(summary: RemoveSummary, *, workspace: str, lang: str) -> list[str]:
    """What was taken out, and what went with it, in plain words."""
    key = "remove_done_orders" if summary.kind == "orders" else "remove_done_survey"
    lines = [
        say(
            key,
            lang,
            name=summary.name,
            workspace=workspace,
            lines=_n(summary.lines, lang),
            rejects=_n(summary.rejects, lang),
        )
    ]
    if summary.replaced_before:
        lines.append(
            say(
                "remove_replaced_before",
                lang,
                name=summary.name,
                n=_n(summary.replaced_before, lang),
            )
        )
    if summary.later_overlapping:
        files = ", ".join(summary.later_overlapping)
        lines.append(say("remove_later_overlap", lang, name=summary.name, files=files))
    if summary.later_collisions:
        files = ", ".join(summary.later_collisions)
        lines.append(say("remove_later_collisions", lang, name=summary.name, files=files))
    lines.append(say("remove_reingest", lang))
    return lines
