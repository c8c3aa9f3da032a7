"""`kunde export`: the action lists an owner acts on, ready for a mailing tool."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from kunde_cli.cli import options

app = typer.Typer()

#: The environment variable that gives the pseudonym salt (kunde_cli.store.salt).
SALT_ENV = "KUNDE_SALT"


class Shape(StrEnum):
    """Column layouts of the exported list."""

    generic = "generic"
    mailchimp = "mailchimp"
    klaviyo = "klaviyo"


Salt = Annotated[
    str | None,
    typer.Option(
        "--salt",
        help=f"Secret for pseudonyms, at least 16 characters (default: ${SALT_ENV}, else a "
        "random one kept in ~/.config/kunde/salt). The same salt gives the same pseudonyms.",
        show_default=False,
    ),
]


def salt_path() -> Path:
    """The per-user salt file (see :func:`kunde_cli.store.salt.salt_path`)."""
    from kunde_cli.store.salt import salt_path as path

    return path()


def resolve_salt(salt: str | None = None) -> str:
    """The secret that keys pseudonyms and e-mail hashes; an empty or short one is
    refused (see :func:`kunde_cli.store.salt.resolve_salt`). Imported when needed, so
    ``kunde export --help`` stays fast."""
    from kunde_cli.store.salt import resolve_salt as resolve

    return resolve(salt)


@app.command("export")
def export_command(
    files: options.Files = None,
    segment: Annotated[
        str | None,
        typer.Option(
            "--segment",
            help="Segments, comma-separated: at-risk,can't-lose (names as in kunde segment).",
            show_default=False,
        ),
    ] = None,
    rung: Annotated[
        str | None,
        typer.Option(
            "--rung",
            help="Ladder rungs: potential, first-time, returning, loyal, ambassador.",
            show_default=False,
        ),
    ] = None,
    tier: Annotated[
        str | None,
        typer.Option(
            "--tier", help="Activity tiers: active, cooling, inactive, lost.", show_default=False
        ),
    ] = None,
    nps: Annotated[
        str | None,
        typer.Option(
            "--nps",
            help="Latest NPS answer: promoters, passives, detractors.",
            show_default=False,
        ),
    ] = None,
    shape: Annotated[
        Shape,
        typer.Option("--shape", help="Columns for: a generic CSV, Mailchimp or Klaviyo import."),
    ] = Shape.generic,
    ignore_consent: Annotated[
        bool,
        typer.Option(
            "--ignore-consent",
            help="Also export customers without marketing consent (e.g. for a service mail).",
        ),
    ] = False,
    hash_emails: Annotated[
        bool,
        typer.Option(
            "--hash-emails",
            help="Replace e-mails by keyed hashes and names by pseudonyms (share without "
            "personal data; the same customer hashes alike in every list).",
        ),
    ] = False,
    calls: Annotated[
        Path | None,
        typer.Option(
            "--calls",
            help="Write the detractors who answered in the last 30 days (left out of the "
            "list, to call personally) to this CSV/XLSX file.",
            show_default=False,
        ),
    ] = None,
    salt: Salt = None,
    workspace: options.Workspace = options.DEFAULT_WORKSPACE,
    output: options.Output = None,
    as_of: options.AsOf = None,
    lang: options.Lang = None,
    config_path: options.ConfigPath = None,
    csv_style: options.CsvStyle = "plain",
    bom: options.Bom = False,
    sheet: options.Sheet = None,
    preset: options.Preset = None,
    mapping: options.Map = None,
    dayfirst: options.DayFirst = None,
    allow_future: options.AllowFuture = False,
    columns: options.Columns = None,
    currency: options.Currency = None,
) -> None:
    """A mailing list for an action: e-mail, name, segment, rung, tier, last order, value and suggested action.

    Filters combine: --segment at-risk,can't-lose --tier inactive keeps customers in either segment who are also inactive; no filter exports everyone. Only customers with an e-mail address are exported, and, when the data has a marketing-consent column, only those who said yes (--ignore-consent to include the rest); how many were left out is printed on stderr. Detractors who answered the survey in the last 30 days are not put on a sales list: they are counted on stderr and written with --calls FILE, to call personally instead. CSV (default, formulas neutralised) or .xlsx by the --output suffix; --shape mailchimp|klaviyo gives their import columns.

    Example: kunde export --segment at-risk,can't-lose --shape mailchimp -o genvind.csv
    """
    from kunde_cli.analytics import export_lists as exl
    from kunde_cli.analytics.nps import nps_as_of
    from kunde_cli.cli import common
    from kunde_cli.render.formats import OutputFormat, emit, resolve_format
    from kunde_cli.render.terminal import note
    from kunde_cli.report import customer_table

    segments = exl.parse_segments(segment)
    rungs = exl.parse_rungs(rung)
    tiers = exl.parse_tiers(tier)
    groups = exl.parse_nps_groups(nps)
    chosen = resolve_format(None, output)
    if chosen not in (OutputFormat.csv, OutputFormat.xlsx):
        chosen = OutputFormat.csv
    loaded = common.load(
        files,
        workspace,
        as_of=as_of,
        lang=lang,
        config_path=config_path,
        sheet=sheet,
        preset=preset,
        mapping=mapping,
        dayfirst=dayfirst,
        allow_future=allow_future,
        columns=columns,
        currency=currency,
        read_once=True,
    )
    orders = loaded.orders
    lg = loaded.lang
    da = lg == "da"
    overview = customer_table(
        orders,
        as_of=loaded.as_of,
        survey=loaded.survey,
        config=loaded.config,
        lang=lg,
        # The one NPS rule: latest answers as kunde nps counts them.
        answers_as_of=nps_as_of(loaded.as_of, loaded.survey, given=as_of).day,
    )
    result = exl.action_list(
        overview,
        as_of=loaded.as_of,
        segments=segments,
        rungs=rungs,
        tiers=tiers,
        nps_groups=groups,
        check_consent=not ignore_consent,
    )
    frame = result.customers
    call_list = result.calls
    if hash_emails:
        key = resolve_salt(salt)
        frame = exl.pseudonymise(frame, salt=key)
        call_list = exl.pseudonymise(call_list, salt=key)
    shaped = exl.shape_list(frame, shape.value, lang=lg)

    note(
        f"{shaped.height} af {result.matched} udvalgte kunder kommer på listen."
        if da
        else f"{shaped.height} of {result.matched} selected customers are on the list."
    )
    if result.missing_email:
        note(
            f"{result.missing_email} uden e-mailadresse er udeladt."
            if da
            else f"{result.missing_email} without an e-mail address left out."
        )
    if result.consent_checked and result.no_consent:
        note(
            f"{result.no_consent} uden samtykke til markedsføring er udeladt "
            "(--ignore-consent tager dem med)."
            if da
            else f"{result.no_consent} without marketing consent left out "
            "(--ignore-consent includes them)."
        )
    if call_list.height:
        days = exl.RECENT_DETRACTOR_DAYS
        where = (
            (f" — se {calls}" if da else f" — see {calls}")
            if calls
            else (" (--calls FIL skriver listen)" if da else " (--calls FILE writes the list)")
        )
        note(
            f"{call_list.height} kritikere har svaret inden for {days} dage og er udeladt: "
            f"ring til dem personligt i stedet{where}."
            if da
            else f"{call_list.height} detractors answered within {days} days and are left "
            f"out: call them personally instead{where}."
        )
    if calls is not None:
        emit(
            call_list,
            resolve_format(None, calls),
            calls,
            lang=lg,
            csv_style=csv_style,
            bom=bom,
            as_of=loaded.as_of,
        )
    emit(shaped, chosen, output, lang=lg, csv_style=csv_style, bom=bom, as_of=loaded.as_of)
