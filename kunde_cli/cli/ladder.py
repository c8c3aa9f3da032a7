"""`kunde ladder`: the loyalty ladder (loyalitetsstigen) and how people move on it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from kunde_cli.cli import options
from kunde_cli.cli.options import Destination, Source
from kunde_cli.render.formats import Choice
from kunde_cli.render.priority import Priority
from kunde_cli.words import label_values, say

if TYPE_CHECKING:
    from datetime import date

    import polars as pl

    from kunde_cli.cli.common import Loaded

app = typer.Typer(add_completion=False)

#: The terminal table when the screen is too narrow (kunde_cli.render.priority): the
#: rung and its customers (a matrix: its total) stay; the rest goes from the right.
COLUMNS = Priority(keep=("customers", "total"))


class LadderBy(Choice):
    """Rows of the ladder table."""

    rung = "rung"
    customer = "customer"


# --- the command's own options ----------------------------------------------------------

By = Annotated[
    LadderBy,
    typer.Option("--by", help="One row per rung (with the next step up) or per person."),
]


@app.command("ladder")
@options.writes_output()
@options.reads_data
def ladder_command(
    data: Source,
    out: Destination,
    by: By = LadderBy.rung,
    compare: options.Compare = None,
) -> None:
    """The loyalty ladder: potential → first-time → returning → loyal → ambassador.

    Potential: known from a survey (or every order cancelled) but no order. First-time: 1 order. Returning: 2+ orders. Loyal: 4+ orders and not inactive. Ambassador: returning or loyal, not inactive, with a latest NPS answer of 9–10 (an inactive or lost customer is returning, whatever they answered). Thresholds: kunde.toml, section "ladder". Prints people, share and revenue per rung and what moves a customer one rung up.

    --compare DATE: how people moved since DATE. A terminal shows both ladders side by side and the from × to matrix; csv/json/parquet/xlsx give one row per from_rung and to_rung with its movement (up, same, down, new, gone), the number of customers and how many of them went inactive. The counts on stderr are the matrix's sums.

    Example: kunde ladder --compare 2024-01-01
    """
    from kunde_cli.analytics import ladder as lad
    from kunde_cli.analytics.nps import nps_as_of
    from kunde_cli.cli import common

    loaded = common.load_source(data)
    tiers = common.churn_tier_frame(loaded.orders, loaded.as_of, loaded.config)
    # Ambassadors go by the latest answer up to the day of the one NPS rule (as in
    # kunde nps): an answer given after the last order counts.
    picked = nps_as_of(loaded.as_of, loaded.survey, given=data.as_of)
    if loaded.survey is not None:
        from kunde_cli.render.i18n import nps_as_of_note
        from kunde_cli.render.terminal import note

        note(nps_as_of_note(picked, loaded.lang))
    rungs = lad.ladder_rungs(
        loaded.orders,
        as_of=loaded.as_of,
        survey=loaded.survey,
        tiers=tiers,
        config=loaded.config.ladder,
        answers_as_of=picked.day or loaded.as_of,
    )
    if compare is not None:
        _moves(loaded, out, by, compare.date(), tiers, rungs)
    else:
        _rungs(loaded, out, by, rungs)


def _rungs(loaded: Loaded, out: Destination, by: LadderBy, rungs: pl.LazyFrame) -> None:
    """The ladder (or each person's rung) at the as-of date."""
    from kunde_cli.analytics import ladder as lad
    from kunde_cli.cli.common import day_text, emit
    from kunde_cli.words.actions import word_actions

    lg = loaded.lang
    when = day_text(loaded.as_of, lg)
    if by is LadderBy.customer:
        frame = rungs.collect()
        title = say("ladder_people_title", lg, when=when)
    else:
        frame = word_actions(lad.ladder_summary(rungs).collect(), lg)
        title = say("ladder_title", lg, when=when)
        _what_it_means(frame, lg)
    if out.is_table:
        frame = label_values(frame, [lad.RUNG], lg)
    kinds = {lad.INACTIVE: "int"} if by is LadderBy.rung else None
    emit(frame, out, loaded, title=title, kinds=kinds, priority=COLUMNS)


def _moves(
    loaded: Loaded,
    out: Destination,
    by: LadderBy,
    before: date,
    tiers: pl.LazyFrame,
    rungs: pl.LazyFrame,
) -> None:
    """--compare: how people moved on the ladder since ``before``."""
    from kunde_cli.analytics import ladder as lad
    from kunde_cli.cli.common import churn_tier_frame, day_text, emit

    cfg, lg = loaded.config, loaded.lang
    when, since = day_text(loaded.as_of, lg), day_text(before, lg)
    moves = lad.ladder_moves(
        loaded.orders,
        as_of=loaded.as_of,
        compare=before,
        survey=loaded.survey,
        tiers=tiers,
        compare_tiers=churn_tier_frame(loaded.orders, before, cfg),
        config=cfg.ladder,
        rungs=rungs,
    ).collect()
    flow = lad.flow_from_moves(moves.lazy()).collect()
    _note_movements(flow, since, lg)
    frame = moves if by is LadderBy.customer else flow
    if by is not LadderBy.customer and out.is_table and out.output is None:
        _flow_tables(frame, lg, since, when, wide=out.wide)
        return
    if out.is_table:
        frame = label_values(frame, [lad.FROM_RUNG, lad.TO_RUNG], lg)
        frame = label_values(frame, [lad.MOVEMENT], lg, prefix="move_")
    emit(frame, out, loaded, title=f"{since} → {when}")


def _flow_tables(flow: pl.DataFrame, lg: str, since: str, when: str, *, wide: bool) -> None:
    """In a terminal: both ladders side by side, then the from × to matrix."""
    from kunde_cli.analytics import ladder as lad
    from kunde_cli.cli.common import emit
    from kunde_cli.render.formats import OutputFormat
    from kunde_cli.render.i18n import label

    table = Destination(fmt=OutputFormat.table, wide=wide)
    side = lad.ladder_side_by_side(flow.lazy()).collect()
    emit(
        label_values(side, [lad.RUNG], lg),
        table,
        title=say("ladder_side_title", lg, since=since, when=when),
        lang=lg,
    )
    matrix = lad.ladder_flow_matrix(flow.lazy()).collect()
    if not matrix.get_column(lad.NO_RUNG).sum():
        matrix = matrix.drop(lad.NO_RUNG)  # nobody left the ladder: no empty column
    else:
        matrix = matrix.rename({lad.NO_RUNG: label("move_gone", lg)})
    matrix = label_values(matrix, [lad.FROM_RUNG], lg)
    matrix = matrix.rename({r: label(r, lg) for r in lad.RUNGS})
    emit(
        matrix,
        table,
        title=say("ladder_matrix_title", lg, since=since, when=when),
        lang=lg,
        priority=COLUMNS,
    )


def _note_movements(flow: pl.DataFrame, since: str, lang: str) -> None:
    """The movement counts, from the same flow as the matrix (so they are its sums)."""
    from kunde_cli.analytics import ladder as lad
    from kunde_cli.render.terminal import note
    from kunde_cli.words.numbers import format_number

    n = lad.movement_counts(flow)
    shown = {key: format_number(value, lang) for key, value in n.items()}
    note(say("ladder_moved", lang, since=since, **shown))
    if n[lad.GONE]:
        note(say("ladder_moved_gone", lang, since=since, gone=shown[lad.GONE]))


def _what_it_means(summary: pl.DataFrame, lang: str) -> None:
    """Plain words on stderr: the biggest rung and its next step."""
    from kunde_cli.render.terminal import note
    from kunde_cli.words.actions import rung_name

    rows = list(summary.iter_rows(named=True))
    if not rows or not any(r["customers"] for r in rows[:-1]):
        return
    # The rung that holds the most people (below the top) is where a step up pays most.
    biggest = max(rows[:-1], key=lambda r: r["customers"])
    name = rung_name(biggest["rung"], lang)
    note(
        say(
            "ladder_biggest",
            lang,
            name=name,
            customers=biggest["customers"],
            step=biggest["next_step"],
        )
    )
