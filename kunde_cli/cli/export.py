"""`kunde export`: the action lists an owner acts on, ready for a mailing tool."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kunde_cli.cli import options
from kunde_cli.cli.options import Destination, Salt, Source
from kunde_cli.render.formats import Choice

if TYPE_CHECKING:
    from kunde_cli.analytics.export_lists import ActionList

app = typer.Typer(add_completion=False)


class Shape(Choice):
    """Column layouts of the exported list."""

    generic = "generic"
    mailchimp = "mailchimp"
    klaviyo = "klaviyo"


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


# --- the command's own options ---------------------------------------------------------

SegmentFilter = Annotated[
    str | None,
    typer.Option(
        "--segment",
        help="Segments, comma-separated: at-risk,cant-lose (names as in kunde segment).",
        show_default=False,
    ),
]
RungFilter = Annotated[
    str | None,
    typer.Option(
        "--rung",
        help="Ladder rungs: potential, first-time, returning, loyal, ambassador.",
        show_default=False,
    ),
]
TierFilter = Annotated[
    str | None,
    typer.Option(
        "--tier", help="Activity tiers: active, cooling, inactive, lost.", show_default=False
    ),
]
NpsFilter = Annotated[
    str | None,
    typer.Option(
        "--nps", help="Latest NPS answer: promoters, passives, detractors.", show_default=False
    ),
]
ShapeOption = Annotated[
    Shape,
    typer.Option("--shape", help="Columns for: a generic CSV, Mailchimp or Klaviyo import."),
]
IgnoreConsent = Annotated[
    bool,
    typer.Option(
        "--ignore-consent",
        help="Also export customers without marketing consent (e.g. for a service mail).",
    ),
]
HashEmails = Annotated[
    bool,
    typer.Option(
        "--hash-emails",
        help="Replace e-mails by keyed hashes and names by pseudonyms (share without "
        "personal data; the same customer hashes alike in every list).",
    ),
]
Calls = Annotated[
    Path | None,
    typer.Option(
        "--calls",
        help="Write the detractors who answered in the last 30 days (left out of the "
        "list, to call personally) to this CSV/XLSX file.",
        show_default=False,
    ),
]


@app.command("export")
@options.writes_output(formats=False)
@options.reads_data
def export_command(
    data: Source,
    out: Destination,
    segment: SegmentFilter = None,
    rung: RungFilter = None,
    tier: TierFilter = None,
    nps: NpsFilter = None,
    shape: ShapeOption = Shape.generic,
    ignore_consent: IgnoreConsent = False,
    hash_emails: HashEmails = False,
    calls: Calls = None,
    salt: Salt = None,
) -> None:
    """A mailing list for an action: e-mail, name, segment, rung, tier, last order, value and suggested action.

    Filters combine: --segment at-risk,cant-lose --tier inactive keeps customers in either segment who are also inactive; no filter exports everyone. Only customers with an e-mail address are exported, and, when the data has a marketing-consent column, only those who said yes (--ignore-consent to include the rest); how many were left out is printed on stderr. Detractors who answered the survey in the last 30 days are not put on a sales list: they are counted on stderr and written with --calls FILE, to call personally instead. CSV (default, formulas neutralised) or .xlsx by the --output suffix; --shape mailchimp|klaviyo gives their import columns.

    Example: kunde export --segment at-risk,cant-lose --shape mailchimp -o genvind.csv
    """
    from kunde_cli.analytics import export_lists as exl
    from kunde_cli.analytics.nps import nps_as_of
    from kunde_cli.cli import common
    from kunde_cli.render.formats import OutputFormat
    from kunde_cli.report import customer_table

    segments = exl.parse_segments(segment)
    rungs = exl.parse_rungs(rung)
    tiers = exl.parse_tiers(tier)
    groups = exl.parse_nps_groups(nps)
    # A list for a mailing tool: csv, or xlsx by the --output suffix.
    chosen = out.format
    out = replace(
        out, fmt=chosen if chosen in (OutputFormat.csv, OutputFormat.xlsx) else OutputFormat.csv
    )
    loaded = common.load_source(data, read_once=True)
    overview = customer_table(
        loaded.orders,
        as_of=loaded.as_of,
        survey=loaded.survey,
        config=loaded.config,
        lang=loaded.lang,
        # The one NPS rule: latest answers as kunde nps counts them.
        answers_as_of=nps_as_of(loaded.as_of, loaded.survey, given=data.as_of).day,
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
    frame, call_list = result.customers, result.calls
    if hash_emails:
        key = resolve_salt(salt)
        frame = exl.pseudonymise(frame, salt=key)
        call_list = exl.pseudonymise(call_list, salt=key)
    shaped = exl.shape_list(frame, shape.value)
    _say_left_out(result, shaped.height, call_list.height, calls, loaded.lang)
    if calls is not None:
        common.emit(call_list, replace(out, fmt=None, output=calls), loaded)
    common.emit(shaped, out, loaded)


def _say_left_out(
    result: ActionList, listed: int, to_call: int, calls: Path | None, lang: str
) -> None:
    """On stderr: how many are on the list, and who was left out and why."""
    from kunde_cli.analytics import export_lists as exl
    from kunde_cli.render.terminal import note
    from kunde_cli.words import say

    note(say("export_listed", lang, listed=listed, matched=result.matched))
    if result.missing_email:
        note(say("export_no_email", lang, n=result.missing_email))
    if result.consent_checked and result.no_consent:
        note(say("export_no_consent", lang, n=result.no_consent))
    if to_call:
        days = exl.RECENT_DETRACTOR_DAYS
        if calls:
            note(say("export_detractors_written", lang, n=to_call, days=days, path=calls))
        else:
            note(say("export_detractors", lang, n=to_call, days=days))
