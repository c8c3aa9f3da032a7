"""`kunde forget`: erase one customer's personal data from the workspace (GDPR art. 17)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from kunde_cli.cli import options as opt

if TYPE_CHECKING:
    from kunde_cli.store import ForgetSummary

app = typer.Typer()


@app.command("forget")
def forget_command(
    who: Annotated[
        str,
        typer.Argument(
            metavar="EMAIL_OR_ID",
            help="The customer's e-mail, customer number or phone number.",
            show_default=False,
        ),
    ],
    workspace: opt.Workspace = opt.DEFAULT_WORKSPACE,
    yes: Annotated[
        bool,
        typer.Option("--yes", "-y", help="Do not ask for confirmation (needed under cron)."),
    ] = False,
    wait: Annotated[
        float,
        typer.Option("--wait", help="Seconds to wait for another kunde run on the same workspace."),
    ] = 60.0,
    lang: opt.Lang = None,
    config_path: opt.ConfigPath = None,
) -> None:
    """Erase one customer's name, e-mail, phone and address from the workspace.

    The customer's order lines and survey scores stay (under an anonymous id), so
    revenue, segments and NPS do not change; the lines and answers no longer say who
    it was. Refused rows that hold the person's data are removed from rejects.csv.
    The original export files are not touched: delete or edit those yourself.

    Example: kunde forget soren@example.dk --yes
    """
    from kunde_cli.cli.common import resolve_lang
    from kunde_cli.config import load_config
    from kunde_cli.errors import ConfigError
    from kunde_cli.store import Workspace

    language = resolve_lang(lang, load_config(config_path))
    da = language == "da"
    if not who.strip():
        raise ConfigError(
            "give the customer's e-mail, customer number or phone number",
            hint="e.g. kunde forget soren@example.dk",
        )
    if not yes:
        if not sys.stdin.isatty():
            raise ConfigError(
                "kunde forget erases data and needs confirmation",
                hint="add --yes to confirm when running from a script or cron",
            )
        question = (
            f"Slet alle personoplysninger om '{who}' i {workspace}? Det kan ikke fortrydes."
            if da
            else f"Erase all personal data of '{who}' from {workspace}? This cannot be undone."
        )
        if not typer.confirm(question, default=False):
            typer.echo("Intet blev slettet." if da else "Nothing was erased.")
            raise typer.Exit(0)
    ws = Workspace(workspace)
    with ws.lock(wait_seconds=wait, purpose="kunde forget"):
        summary = ws.forget(who)
    for line in describe(summary, workspace=str(workspace), da=da):
        typer.echo(line)


def describe(summary: ForgetSummary, *, workspace: str, da: bool) -> list[str]:
    """What was erased, in plain words (no personal data beyond what the user typed)."""
    if not summary.found and not summary.rejects_removed:
        return [
            f"Ingen kunde i {workspace} passer til '{summary.query}'; intet blev ændret."
            if da
            else f"No customer in {workspace} matches '{summary.query}'; nothing was changed."
        ]
    ids = ", ".join(summary.customer_ids)
    if da:
        lines = [f"Slettede personoplysninger om '{summary.query}'"
                 + (f" (kundenummer {ids}):" if ids else ":")]  # fmt: skip
    else:
        lines = [f"Erased the personal data of '{summary.query}'"
                 + (f" (customer id {ids}):" if ids else ":")]  # fmt: skip
    if summary.order_lines:
        cleared = ", ".join(summary.order_columns)
        lines.append(
            f"  {summary.order_lines} ordrelinje(r): {cleared} fjernet; beløb bevaret under "
            f"det anonyme id {summary.pseudonym}"
            if da
            else f"  {summary.order_lines} order line(s): {cleared} cleared; amounts kept "
            f"under the anonymous id {summary.pseudonym}"
        )
    if summary.survey_answers:
        cleared = ", ".join(summary.survey_columns)
        lines.append(
            f"  {summary.survey_answers} svar: {cleared} fjernet; karakteren tæller stadig i NPS"
            if da
            else f"  {summary.survey_answers} survey answer(s): {cleared} cleared; "
            "the score still counts in the NPS"
        )
    if summary.rejects_removed:
        lines.append(
            f"  {summary.rejects_removed} afvist(e) række(r) fjernet fra rejects.csv"
            if da
            else f"  {summary.rejects_removed} refused row(s) removed from rejects.csv"
        )
    lines.append(
        "De oprindelige eksportfiler ligger uden for arbejdsmappen og indeholder stadig "
        "oplysningerne."
        if da
        else "The original export files are outside the workspace and still hold the data."
    )
    return lines
