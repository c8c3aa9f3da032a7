"""`kunde forget`: erase one customer's personal data from the workspace (GDPR art. 17)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kunde_cli.cli import options as opt
from kunde_cli.words.labels import say
from kunde_cli.words.said import said

if TYPE_CHECKING:
    from kunde_cli.store import ForgetSummary

app = typer.Typer(add_completion=False)


# --- the command's own options ----------------------------------------------------------

Who = Annotated[
    str,
    typer.Argument(
        metavar="EMAIL_OR_ID",
        help="The customer's e-mail, customer number or phone number.",
        show_default=False,
    ),
]
Customer = Annotated[
    str | None,
    typer.Option(
        "--customer",
        metavar="ID[,ID…]",
        help="Erase exactly these customer ids (when the e-mail or phone is shared, "
        "or kunde counts several ids as one customer; forget lists them).",
        show_default=False,
    ),
]


@app.command("forget")
@opt.help_order("who", "customer", "workspace", "yes", "wait", "quiet", "lang", "config_path")
@opt.reads_data(uses=("workspace", "quiet", "lang", "config_path"))
def forget_command(
    who: Who,
    data: opt.Source,
    customer: Customer = None,
    yes: opt.Yes = False,
    wait: opt.Wait = 60.0,
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
    from kunde_cli.cli.options import record_lang
    from kunde_cli.config import load_config
    from kunde_cli.render.safety import terminal_safe
    from kunde_cli.store.erase import preview

    lang = resolve_lang(data.lang, load_config(data.config_path))
    record_lang(lang)  # kunde.toml's lang words the errors from here on
    customers = _customer_ids(who, customer)
    ws = open_workspace(data.workspace)
    ws.rejects_lang = lang  # forget rewrites rejects.csv: its reasons in the run's language
    plan = preview(ws, who, customers)  # refuses (nothing changed) before asking
    if not yes:
        _confirm(who, plan.ids, data.workspace, lang=lang)
    with ws.lock(wait_seconds=wait, purpose="kunde forget"):
        summary = ws.forget(who, customers=customers)
    # Ids, paths and the query are data: control characters never reach the terminal.
    for line in describe(summary, workspace=str(data.workspace), lang=lang):
        typer.echo(terminal_safe(line))


def _customer_ids(who: str, customer: str | None) -> tuple[str, ...]:
    """The ids ``--customer`` names (none when not given); refuses an empty query and
    an empty ``--customer``."""
    from kunde_cli.errors import ConfigError

    if not who.strip():
        raise ConfigError(said("forget_need_who"), hint=said("forget_need_who_hint"))
    customers = tuple(c.strip() for c in (customer or "").split(",") if c.strip())
    if customer is not None and not customers:
        raise ConfigError(said("forget_customer_empty"), hint=said("forget_customer_empty_hint"))
    return customers


def _confirm(who: str, ids: Sequence[str], workspace: Path, *, lang: str) -> None:
    """Ask before erasing (exit 0 when the answer is no); refuse without a terminal."""
    from kunde_cli.errors import ConfigError
    from kunde_cli.render.safety import terminal_safe

    if not sys.stdin.isatty():
        raise ConfigError(
            said("forget_needs_confirmation"), hint=said("forget_needs_confirmation_hint")
        )
    named = f" ({', '.join(ids)})" if ids else ""
    question = say("forget_question", lang, who=who, ids=named, workspace=workspace)
    if not typer.confirm(terminal_safe(question), default=False):
        typer.echo(say("forget_nothing_erased", lang))
        raise typer.Exit(0)


def describe(summary: ForgetSummary, *, workspace: str, lang: str) -> list[str]:
    """What was erased, in plain words (no personal data beyond what the user typed)."""
    if not summary.found and not summary.rejects_removed:
        return [say("forget_no_match", lang, workspace=workspace, query=summary.query)]
    return [
        _headline(summary, lang),
        *_erased(summary, lang),
        *_still_held(summary, lang),
        _exports_line(summary, lang),
    ]


def _headline(summary: ForgetSummary, lang: str) -> str:
    """Whose data was erased: the query and the customer ids."""
    if summary.customer_ids:
        ids = ", ".join(summary.customer_ids)
        return say("forget_headline_ids", lang, query=summary.query, ids=ids)
    return say("forget_headline", lang, query=summary.query)


def _erased(summary: ForgetSummary, lang: str) -> list[str]:
    """What was cleared in order lines, survey answers and rejects.csv, and what was not."""
    lines: list[str] = []
    if summary.order_lines:
        cleared = ", ".join(summary.order_columns)
        lines.append(
            say(
                "forget_order_lines",
                lang,
                n=summary.order_lines,
                cleared=cleared,
                pseudonym=summary.pseudonym,
            )
        )
    if summary.survey_answers:
        cleared = ", ".join(summary.survey_columns)
        lines.append(say("forget_survey_answers", lang, n=summary.survey_answers, cleared=cleared))
    if summary.shared_answers_kept:
        lines.append(say("forget_shared_answers_kept", lang, n=summary.shared_answers_kept))
    if summary.rejects_removed:
        lines.append(say("forget_rejects_removed", lang, n=summary.rejects_removed))
    if summary.kept_apart:
        lines.append(say("forget_kept_apart", lang, kept=", ".join(summary.kept_apart)))
    return lines


def _still_held(summary: ForgetSummary, lang: str) -> list[str]:
    """Files kunde wrote (reports, lists, old workspace files) that may still hold the
    person."""
    lines: list[str] = []
    if summary.outputs:
        lines.append(say("forget_outputs", lang))
        lines.extend(f"  {w.path} ({w.command}, {w.at[:10]})" for w in summary.outputs)
    if summary.old_files_left:
        lines.append(say("forget_old_files_left", lang, n=summary.old_files_left))
    return lines


def _exports_line(summary: ForgetSummary, lang: str) -> str:
    """The original exports still hold the data (they are outside the workspace)."""
    if summary.exports:
        return say("forget_exports_listed", lang, exports=", ".join(summary.exports))
    return say("forget_exports", lang)
