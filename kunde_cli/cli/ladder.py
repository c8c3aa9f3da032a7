"""`kunde ladder`: the loyalty ladder (loyalitetsstigen) and how people move on it."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from kunde_cli.cli import options
from kunde_cli.cli.segment import Compare, label_values

if TYPE_CHECKING:
    import polars as pl

    from kunde_cli.config import Config

app = typer.Typer()


class LadderBy(StrEnum):
    """Rows of the ladder table."""

    rung = "rung"
    customer = "customer"


def churn_tier_frame(orders: pl.LazyFrame, day: date, config: Config) -> pl.LazyFrame:
    """Churn tiers (customer_id, tier) at ``day``: the ladder's "not inactive" rule."""
    from kunde_cli.analytics.churn import churn_tiers

    return churn_tiers(orders, as_of=day, config=config.churn).select("customer_id", "tier")


@app.command("ladder")
def ladder_command(
    files: options.Files = None,
    by: Annotated[
        LadderBy,
        typer.Option("--by", help="One row per rung (with the next step up) or per person."),
    ] = LadderBy.rung,
    compare: Compare = None,
    workspace: options.Workspace = options.DEFAULT_WORKSPACE,
    fmt: options.Format = None,
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
    """The loyalty ladder: potential → first-time → returning → loyal → ambassador.

    Potential: known from a survey (or every order cancelled) but no order. First-time: 1 order. Returning: 2+ orders. Loyal: 4+ orders and not inactive. Ambassador: returning or loyal with a latest NPS answer of 9–10. Thresholds: kunde.toml, section "ladder". Prints people, share and revenue per rung and what moves a customer one rung up.

    --compare DATE: how people moved since DATE. A terminal shows both ladders side by side and the from × to matrix; csv/json/parquet/xlsx give one row per from_rung, to_rung and movement (up, same, down, inactive, new) with the number of customers.

    Example: kunde ladder --compare 2024-01-01
    """
    from kunde_cli.analytics import ladder as lad
    from kunde_cli.analytics.nps import nps_as_of
    from kunde_cli.cli import common
    from kunde_cli.render.formats import OutputFormat, emit, resolve_format

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
    )
    cfg, lg = loaded.config, loaded.lang
    da = lg == "da"
    when = loaded.as_of.strftime("%d-%m-%Y") if da else loaded.as_of.isoformat()
    table = resolve_format(fmt, output) is OutputFormat.table
    tiers = churn_tier_frame(loaded.orders, loaded.as_of, cfg)
    # Ambassadors go by the latest answer up to the day of the one NPS rule (as in
    # kunde nps): an answer given after the last order counts.
    picked = nps_as_of(loaded.as_of, loaded.survey, given=as_of)
    if loaded.survey is not None:
        from kunde_cli.render.i18n import nps_as_of_note
        from kunde_cli.render.terminal import note

        note(nps_as_of_note(picked, lg))
    rungs = lad.ladder_rungs(
        loaded.orders,
        as_of=loaded.as_of,
        survey=loaded.survey,
        tiers=tiers,
        config=cfg.ladder,
        answers_as_of=picked.day or loaded.as_of,
    )

    if compare is not None:
        before = compare.date()
        since = before.strftime("%d-%m-%Y") if da else before.isoformat()
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
        _note_movements(moves, since, lg)
        if by is LadderBy.customer:
            frame = moves
            if table:
                frame = label_values(frame, [lad.FROM_RUNG, lad.TO_RUNG], lg)
                frame = label_values(frame, [lad.MOVEMENT], lg, prefix="move_")
            emit(
                frame,
                fmt,
                output,
                title=f"{since} → {when}",
                lang=lg,
                currency=cfg.currency,
                csv_style=csv_style,
                bom=bom,
                as_of=loaded.as_of,
            )
            return
        flow = lad.flow_from_moves(moves.lazy()).collect()
        if table and output is None:
            side = lad.ladder_side_by_side(flow.lazy()).collect()
            emit(
                label_values(side, [lad.RUNG], lg),
                OutputFormat.table,
                title=(f"Stigen {since} og {when}" if da else f"The ladder on {since} and {when}"),
                lang=lg,
            )
            matrix = lad.ladder_flow_matrix(flow.lazy()).collect()
            matrix = label_values(matrix, [lad.FROM_RUNG], lg)
            from kunde_cli.render.i18n import label

            matrix = matrix.rename({r: label(r, lg) for r in lad.RUNGS})
            emit(
                matrix,
                OutputFormat.table,
                title=(
                    f"Fra trin {since} (rækker) til trin {when} (kolonner)"
                    if da
                    else f"From rung on {since} (rows) to rung on {when} (columns)"
                ),
                lang=lg,
            )
            return
        if table:
            flow = label_values(flow, [lad.FROM_RUNG, lad.TO_RUNG], lg)
            flow = label_values(flow, [lad.MOVEMENT], lg, prefix="move_")
        emit(
            flow,
            fmt,
            output,
            title=f"{since} → {when}",
            lang=lg,
            currency=cfg.currency,
            csv_style=csv_style,
            bom=bom,
            as_of=loaded.as_of,
        )
        return

    if by is LadderBy.customer:
        frame = rungs.collect()
        title = f"Personer på stigen pr. {when}" if da else f"People on the ladder as of {when}"
    else:
        frame = lad.ladder_summary(rungs, lang=lg).collect()
        title = f"Loyalitetsstigen pr. {when}" if da else f"The loyalty ladder as of {when}"
        _what_it_means(frame, lg)
    if table:
        frame = label_values(frame, [lad.RUNG], lg)
    emit(
        frame,
        fmt,
        output,
        title=title,
        lang=lg,
        currency=cfg.currency,
        kinds={lad.INACTIVE: "int"} if by is LadderBy.rung else None,
        csv_style=csv_style,
        bom=bom,
        as_of=loaded.as_of,
    )


def _note_movements(moves: pl.DataFrame, since: str, lang: str) -> None:
    from kunde_cli.analytics import ladder as lad
    from kunde_cli.render.terminal import note

    counts = dict(moves.get_column(lad.MOVEMENT).value_counts().iter_rows())
    n = {m: int(counts.get(m, 0)) for m in lad.MOVEMENTS}
    if lang == "da":
        note(
            f"Siden {since}: {n['up']} rykkede op, {n['same']} blev stående, {n['down']} faldt "
            f"tilbage, {n['inactive']} blev inaktive og {n['new']} er nye."
        )
    else:
        note(
            f"Since {since}: {n['up']} moved up, {n['same']} stayed, {n['down']} fell back, "
            f"{n['inactive']} went inactive and {n['new']} are new."
        )


def _what_it_means(summary: pl.DataFrame, lang: str) -> None:
    """Plain words on stderr: the biggest rung and its next step."""
    from kunde_cli.analytics.actions import rung_name
    from kunde_cli.render.terminal import note

    rows = list(summary.iter_rows(named=True))
    if not rows or not any(r["customers"] for r in rows[:-1]):
        return
    # The rung that holds the most people (below the top) is where a step up pays most.
    biggest = max(rows[:-1], key=lambda r: r["customers"])
    name = rung_name(biggest["rung"], lang)
    if lang == "da":
        note(
            f"Flest står som {name} ({biggest['customers']}). Næste skridt: {biggest['next_step']}"
        )
    else:
        note(
            f"Most people are a {name} ({biggest['customers']}). Next step: {biggest['next_step']}"
        )
