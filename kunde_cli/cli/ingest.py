"""`kunde ingest`: read exports into the workspace, never double-counting a line."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from kunde_cli.cli import options as opt

if TYPE_CHECKING:
    from kunde_cli.app.ingest import IngestReport

app = typer.Typer(add_completion=False)


# --- the command's own options ----------------------------------------------------------

Files = Annotated[
    list[Path],
    typer.Argument(help="Order or survey exports (CSV/TSV/TXT/Excel).", show_default=False),
]
Strict = Annotated[
    bool,
    typer.Option("--strict", help="Refuse the whole run (exit 3) if any row cannot be used."),
]
Source = Annotated[
    str | None,
    typer.Option(
        "--source",
        help="Name of the shop system the orders come from (web, kasse, …). Order "
        "numbers are unique within one system only. Default: the export's layout "
        "(shopify, woocommerce), else 'shop'.",
        show_default=False,
    ),
]


@app.command("ingest")
@opt.help_order(
    "files", "workspace", "kind", *opt.READING, "strict", "source", "wait",
    "fmt", "output", "quiet", "lang", "config_path",
)  # fmt: skip
@opt.writes_output(uses=("fmt", "output"))
@opt.reads_data(uses=("workspace", *opt.READING, "quiet", "lang", "config_path"))
def ingest_command(
    files: Files,
    kind: opt.Kind = None,
    strict: Strict = False,
    source: Source = None,
    wait: opt.Wait = 60.0,
    *,
    data: opt.Source,
    out: opt.Destination,
) -> None:
    """Read order and survey exports into the workspace (default ./kunde-data/).

    Orders already in the workspace are skipped, so re-running on the same or a newer,
    overlapping export never double-counts; an order the newer export changed (refunded,
    cancelled, a line added) is updated and reported. Order numbers are kept apart per
    shop system (--source): another system's order 1 is never taken for yours. Survey
    answers without an id are recognised by their content, under any file name. A file
    ingested before (the same bytes) is not even read again. Rows that cannot be used
    go to kunde-data/rejects.csv with file, row, column and reason.

    Example: kunde ingest ordrer.csv nps_svar.csv --map amount="Total inkl. moms"

    Example: kunde ingest kasse.csv --source kasse
    """
    from kunde_cli.app.ingest import ingest_files
    from kunde_cli.cli.common import said_on_stderr
    from kunde_cli.render.terminal import progress
    from kunde_cli.words.labels import label

    done = ingest_files(
        files,
        data.workspace,
        kind=kind,
        **data.reading,
        strict=strict,
        source=source,
        wait=wait,
        lang=data.lang,
        config_path=data.config_path,
        notes=said_on_stderr(),
        reading=lambda total, language: progress(
            label("ingest_reading_files", language), total=total
        ),
    )
    _print_report(done, data.workspace, out)


def _print_report(done: IngestReport, workspace: Path, out: opt.Destination) -> None:
    """The per-file table where ``out`` says; on stderr what each orders file holds,
    what changed, who came back, and how many rows could not be used."""
    from kunde_cli.cli.common import emit
    from kunde_cli.render.terminal import note
    from kunde_cli.words.labels import say

    language = done.lang
    title = say("ingest_title", language, workspace=workspace)
    table = done.table
    if out.is_table:  # a person reads what each file held in words; scripts get the code
        import polars as pl

        from kunde_cli.words.inspect import KINDS
        from kunde_cli.words.lang import pick

        kinds = {kind: pick(pair, language) for kind, pair in KINDS.items()}
        table = table.with_columns(pl.col("kind").replace(kinds))
    emit(table, out, title=title, lang=language)
    _print_statuses(done.overviews, language)
    _print_changes(done.summaries, done.config, language)
    _print_returning(done.summaries, language)
    if done.refused:
        note(say("ingest_refused_rows", language, count=done.refused, path=done.rejects_path))


def _print_returning(summaries: Sequence[Any], language: str) -> None:
    """On stderr: an erased person this export brings back (kunde forget)."""
    from kunde_cli.render.i18n import returning_note
    from kunde_cli.render.terminal import warn

    for sm in summaries:
        if sm.returning_erased:
            back = returning_note(sm.returning_erased, sm.returning_erased_on, language)
            warn(f"{sm.source}: {back}")


def _print_statuses(overviews: Any, language: str) -> None:
    """On stderr, per orders file: status word → class → orders → amount, and what
    counts (a decision about what the export means is reported, never silent)."""
    from kunde_cli.render.inspect_view import print_overview
    from kunde_cli.render.terminal import QUIET, err_console

    if QUIET.get():  # --quiet: nothing on stderr but warnings and errors
        return
    for file in overviews:
        err_console.print(f"{file.path}:", markup=False, highlight=False)
        print_overview(file.overview, lang=language, currency=file.currency, console=err_console)


def _print_changes(summaries: Sequence[Any], config: Any, language: str) -> None:
    """On stderr: orders and answers a newer export changed, and order numbers or answer
    numbers another order or answer took."""
    for sm in summaries:
        if sm.kind == "orders":
            _print_order_changes(sm, config, language)
        elif sm.kind == "survey":
            _print_survey_changes(sm, language)


def _print_order_changes(sm: Any, config: Any, language: str) -> None:
    """On stderr: what a newer orders export changed, and whose numbers it took."""
    from kunde_cli.app.ingest import changed_by_class
    from kunde_cli.render.counting import changes_sentence
    from kunde_cli.render.terminal import note

    if sm.changed:
        by_class = changed_by_class(sm, config)
        note(f"{sm.source}: {changes_sentence(sm.changed, by_class, language)}")
    _print_order_versions(sm, language)
    _print_order_numbers(sm, language)


def _print_survey_changes(sm: Any, language: str) -> None:
    """On stderr: answers a newer survey export changed, and answer numbers taken."""
    from kunde_cli.render.terminal import note, warn
    from kunde_cli.words.labels import say

    if sm.changed:
        note(say("ingest_answers_changed", language, source=sm.source, count=sm.changed))
    if sm.collisions:
        warn(say("ingest_answer_collisions", language, source=sm.source, count=sm.collisions))


def _print_order_versions(sm: Any, language: str) -> None:
    """On stderr: which version of an order counts when the exports disagree."""
    from kunde_cli.render.terminal import note, warn
    from kunde_cli.words.labels import say

    if sm.old_made_up_ids:
        warn(say("ingest_old_made_up_ids", language, source=sm.source))
    if sm.credited_orders:
        note(say("ingest_credited_orders", language, source=sm.source, count=sm.credited_orders))
    if sm.fewer_lines:
        warn(say("ingest_fewer_lines", language, source=sm.source, count=sm.fewer_lines))
    if sm.older_orders:
        note(say("ingest_older_orders", language, source=sm.source, count=sm.older_orders))


def _print_order_numbers(sm: Any, language: str) -> None:
    """On stderr: lines moved to this shop system, and order numbers another order took."""
    from kunde_cli.render.counting import collisions_sentence
    from kunde_cli.render.terminal import note, warn
    from kunde_cli.words.labels import say

    if sm.moved_lines:
        note(
            say(
                "ingest_moved_lines",
                language,
                source=sm.source,
                count=sm.moved_lines,
                system=sm.source_name,
            )
        )
    if sm.collisions:
        warn(f"{sm.source}: {collisions_sentence(sm.collisions, sm.source_name, language)}")
