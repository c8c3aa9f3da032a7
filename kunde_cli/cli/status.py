"""`kunde status`: what was ingested into the workspace."""

from __future__ import annotations

import typer

from kunde_cli.cli import options
from kunde_cli.cli.options import Destination, Source
from kunde_cli.render.priority import Priority

app = typer.Typer(add_completion=False)

#: The terminal table when the screen is too narrow: the file, when, and its rows read,
#: accepted and rejected stay; what only some files have goes first.
COLUMNS = Priority(
    keep=("file", "ingested_at", "rows_read", "accepted", "rejected", "customers"),
    drop=("changed", "duplicates", "source_system", "kind", "stored_lines"),
)


@app.command("status")
@options.writes_output()
@options.reads_data(uses=("workspace", "quiet", "lang", "config_path"))
def status_command(data: Source, out: Destination) -> None:
    """Every file ingested into the workspace, oldest first: when, what kind, from which shop system, the rows read, accepted, skipped as duplicates, changed and rejected, the lines stored from it now, the first and last order and the customers. One line on stderr gives the whole workspace: order lines, date range, customers and survey answers.

    The name in the first column is what kunde remove takes.

    Example: kunde status --format csv
    """
    from kunde_cli.app.workspace_files import workspace_files
    from kunde_cli.cli.common import emit, open_workspace, resolve_lang
    from kunde_cli.config import load_config
    from kunde_cli.render.terminal import note
    from kunde_cli.words import label_values, say
    from kunde_cli.words.numbers import format_date, format_number

    config = load_config(data.config_path)
    lang = resolve_lang(data.lang, config)
    options.record_lang(lang)
    ws = open_workspace(data.workspace)
    listed = workspace_files(ws)
    workspace = str(data.workspace)
    totals = listed.totals
    if not listed.files.height:
        note(say("status_empty", lang, workspace=workspace))
    elif totals.lines:
        note(
            say(
                "status_totals",
                lang,
                lines=format_number(totals.lines, lang),
                first=format_date(totals.first, lang),
                last=format_date(totals.last, lang),
                customers=format_number(totals.customers, lang),
                answers=format_number(totals.answers, lang),
            )
        )
    else:
        note(say("status_totals_no_orders", lang, answers=format_number(totals.answers, lang)))
    if totals.removals:
        note(say("status_removals", lang, n=totals.removals))
    frame = listed.files
    if _for_people(out):
        frame = label_values(frame, ["kind"], lang, prefix="status_kind_")
    emit(
        frame,
        out,
        title=say("status_title", lang, workspace=workspace),
        lang=lang,
        currency=config.currency,
        priority=COLUMNS,
    )


def _for_people(out: Destination) -> bool:
    """Whether the output words codes (orders, survey) as a person reads them: a table,
    a workbook or a CSV for Danish Excel (as ``render.formats.CODE_COLUMNS`` are)."""
    from kunde_cli.render.formats import CSV_EXCEL, OutputFormat

    return (
        out.is_table
        or out.format is OutputFormat.xlsx
        or (out.format is OutputFormat.csv and out.csv_style == CSV_EXCEL)
    )
