"""`kunde forget`: erase one customer's personal data from the workspace (GDPR art. 17)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kunde_cli.cli import options as opt

if TYPE_CHECKING:
    from kunde_cli.store import ForgetSummary

app = typer.Typer()


@app.command("forget")
@opt.help_order("who", "customer", "workspace", "yes", "wait", "lang", "config_path")
@opt.reads_data(uses=("workspace", "lang", "config_path"))
def forget_command(
    who: Annotated[
        str,
        typer.Argument(
            metavar="EMAIL_OR_ID",
            help="The customer's e-mail, customer number or phone number.",
            show_default=False,
        ),
    ],
    data: opt.Source,
    customer: Annotated[
        str | None,
        typer.Option(
            "--customer",
            metavar="ID[,ID…]",
            help="Erase exactly these customer ids (when the e-mail or phone is shared, "
            "or kunde counts several ids as one customer; forget lists them).",
            show_default=False,
        ),
    ] = None,
    yes: Annotated[
        bool,
        typer.Option("--yes", "-y", help="Do not ask for confirmation (needed under cron)."),
    ] = False,
    wait: Annotated[
        float,
        typer.Option(
            "--wait", min=0.0, help="Seconds to wait for another kunde run on the same workspace."
        ),
    ] = 60.0,
) -> None:
    """Erase one customer's name, e-mail, phone and address from the workspace.

    The customer's order lines and survey scores stay (under an anonymous id), so
    revenue, segments, the customer count and NPS do not change; the lines and answers
    no longer say who it was. Refused rows that hold the person's data are removed from
    rejects.csv. Only that customer's lines are touched: an e-mail or phone shared with
    others, one on the lines of 3 or more customers (a placeholder), or ids kunde counts
    as one customer are refused with the list of ids; name whom to erase with
    --customer. The message lists the reports and lists written from the workspace
    that still hold the person, and the original exports: delete or edit those yourself.
    An ingest that brings an erased person back says so.

    Example: kunde forget soren@example.dk --yes
    """
    from kunde_cli.cli.common import open_workspace, resolve_lang
    from kunde_cli.config import load_config
    from kunde_cli.render.safety import terminal_safe
    from kunde_cli.store.erase import preview

    da = resolve_lang(data.lang, load_config(data.config_path)) == "da"
    customers = _customer_ids(who, customer)
    ws = open_workspace(data.workspace)
    plan = preview(ws, who, customers)  # refuses (nothing changed) before asking
    if not yes:
        _confirm(who, plan.ids, data.workspace, da=da)
    with ws.lock(wait_seconds=wait, purpose="kunde forget"):
        summary = ws.forget(who, customers=customers)
    # Ids, paths and the query are data: control characters never reach the terminal.
    for line in describe(summary, workspace=str(data.workspace), da=da):
        typer.echo(terminal_safe(line))


def _customer_ids(who: str, customer: str | None) -> tuple[str, ...]:
    """The ids ``--customer`` names (none when not given); refuses an empty query and
    an empty ``--customer``."""
    from kunde_cli.errors import ConfigError

    if not who.strip():
        raise ConfigError(
            "give the customer's e-mail, customer number or phone number",
            hint="e.g. kunde forget soren@example.dk",
        )
    customers = tuple(c.strip() for c in (customer or "").split(",") if c.strip())
    if customer is not None and not customers:
        raise ConfigError("--customer needs a customer id", hint="e.g. --customer K-1042")
    return customers


def _confirm(who: str, ids: Sequence[str], workspace: Path, *, da: bool) -> None:
    """Ask before erasing (exit 0 when the answer is no); refuse without a terminal."""
    from kunde_cli.errors import ConfigError
    from kunde_cli.render.safety import terminal_safe

    if not sys.stdin.isatty():
        raise ConfigError(
            "kunde forget erases data and needs confirmation",
            hint="add --yes to confirm when running from a script or cron",
        )
    named = f" ({', '.join(ids)})" if ids else ""
    question = (
        f"Slet alle personoplysninger om '{who}'{named} i {workspace}? Det kan ikke fortrydes."
        if da
        else f"Erase all personal data of '{who}'{named} from {workspace}? This cannot be undone."
    )
    if not typer.confirm(terminal_safe(question), default=False):
        typer.echo("Intet blev slettet." if da else "Nothing was erased.")
        raise typer.Exit(0)


def describe(summary: ForgetSummary, *, workspace: str, da: bool) -> list[str]:
    """What was erased, in plain words (no personal data beyond what the user typed)."""
    if not summary.found and not summary.rejects_removed:
        return [
            f"Ingen kunde i {workspace} passer til '{summary.query}'; intet blev ændret."
            if da
            else f"No customer in {workspace} matches '{summary.query}'; nothing was changed."
        ]
    return [
        _headline(summary, da=da),
        *_erased(summary, da=da),
        *_still_held(summary, da=da),
        _exports_line(summary, da=da),
    ]


def _headline(summary: ForgetSummary, *, da: bool) -> str:
    """Whose data was erased: the query and the customer ids."""
    ids = ", ".join(summary.customer_ids)
    if da:
        return f"Slettede personoplysninger om '{summary.query}'" + (
            f" (kundenummer {ids}):" if ids else ":"
        )
    return f"Erased the personal data of '{summary.query}'" + (
        f" (customer id {ids}):" if ids else ":"
    )


def _erased(summary: ForgetSummary, *, da: bool) -> list[str]:
    """What was cleared in order lines, survey answers and rejects.csv, and what was not."""
    lines: list[str] = []
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
    if summary.shared_answers_kept:
        lines.append(
            f"  {summary.shared_answers_kept} svar fra en e-mail, som en anden kunde også har, "
            "er ikke slettet: de tæller for den kunde"
            if da
            else f"  {summary.shared_answers_kept} survey answer(s) from an e-mail another "
            "customer also has were not erased: they count for that customer"
        )
    if summary.rejects_removed:
        lines.append(
            f"  {summary.rejects_removed} afvist(e) række(r) fjernet fra rejects.csv"
            if da
            else f"  {summary.rejects_removed} refused row(s) removed from rejects.csv"
        )
    if summary.kept_apart:
        kept = ", ".join(summary.kept_apart)
        lines.append(
            f"  Ikke slettet: {kept}, som kunde talte som samme kunde; urørt, tæller nu for "
            "sig (én kunde mere, så scoregrænserne i segmenterne kan flytte sig)"
            if da
            else f"  Not erased: {kept}, which kunde counted as the same customer; untouched, "
            "it now counts on its own (one customer more, so segment score limits may move)"
        )
    return lines


def _still_held(summary: ForgetSummary, *, da: bool) -> list[str]:
    """Files kunde wrote (reports, lists, old workspace files) that may still hold the
    person."""
    lines: list[str] = []
    if summary.outputs:
        lines.append(
            "Rapporter og lister skrevet fra arbejdsmappen, som stadig kan indeholde "
            "personen (slet eller lav dem igen):"
            if da
            else "Reports and lists written from the workspace that may still hold the "
            "person (delete them or make them again):"
        )
        lines.extend(f"  {w.path} ({w.command}, {w.at[:10]})" for w in summary.outputs)
    if summary.old_files_left:
        lines.append(
            f"  {summary.old_files_left} gamle filer i arbejdsmappen har stadig oplysningerne, "
            "fordi en anden kunde-kørsel læser dem lige nu; de slettes ved næste kunde "
            "ingest eller forget"
            if da
            else f"  {summary.old_files_left} old files in the workspace still hold the data "
            "because another kunde run is reading them now; the next kunde ingest or forget "
            "removes them"
        )
    return lines


def _exports_line(summary: ForgetSummary, *, da: bool) -> str:
    """The original exports still hold the data (they are outside the workspace)."""
    exports = f": {', '.join(summary.exports)}" if summary.exports else ""
    return (
        "De oprindelige eksportfiler ligger uden for arbejdsmappen og indeholder stadig "
        f"oplysningerne{exports}"
        if da
        else f"The original export files are outside the workspace and still hold the data{exports}"
    )
