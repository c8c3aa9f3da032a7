"""`kunde segment`: RFM scores and named segments, each with a suggested action."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from kunde_cli.cli import options
from kunde_cli.words import label_values

if TYPE_CHECKING:
    import polars as pl

app = typer.Typer()


class SegmentBy(StrEnum):
    """Rows of the segment table."""

    segment = "segment"
    customer = "customer"


Compare = Annotated[
    datetime | None,
    typer.Option(
        "--compare",
        help="Compare with this earlier date (YYYY-MM-DD): who moved between segments since then.",
        formats=["%Y-%m-%d", "%d-%m-%Y"],
        show_default=False,
    ),
]


@app.command("segment")
def segment_command(
    files: options.Files = None,
    by: Annotated[
        SegmentBy,
        typer.Option("--by", help="One row per segment (with suggested action) or per customer."),
    ] = SegmentBy.segment,
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
    """RFM segments: who are your champions, who is at risk, and what to do for each.

    Scores R (days since last order), F (orders) and M (revenue) 1–5 by quintiles: 5 is best and ties share a score. F uses fixed breaks (1, 2, 3, 4–5, 6+ orders) when most customers bought the same number of times. The segment comes from the R×F grid (kunde.toml, section "rfm", can change grid and breaks).

    --by segment (default): one row per segment with customers, revenue, averages and a suggested action. --by customer: one row per customer with R, F, M and scores. --compare DATE: who moved from which segment to which since DATE.

    Example: kunde segment ordrer.csv --by customer --format csv > segmenter.csv
    """
    from kunde_cli.analytics import rfm
    from kunde_cli.cli import common
    from kunde_cli.render.formats import OutputFormat, emit, resolve_format
    from kunde_cli.render.terminal import note

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

    if compare is not None:
        before = compare.date()
        since = before.strftime("%d-%m-%Y") if da else before.isoformat()
        moves = rfm.customer_segment_moves(
            loaded.orders, as_of=loaded.as_of, compare=before, config=cfg.rfm
        ).collect()
        moved = int(moves.get_column(rfm.CHANGED).sum())
        note(
            f"{moved} af {moves.height} kunder har skiftet segment siden {since}."
            if da
            else f"{moved} of {moves.height} customers changed segment since {since}."
        )
        if by is SegmentBy.customer:
            frame = moves
            title = f"Segmentskift {since} → {when}" if da else f"Segment changes {since} → {when}"
        else:
            frame = rfm.segment_migration(
                loaded.orders, as_of=loaded.as_of, compare=before, config=cfg.rfm
            ).collect()
            title = (
                f"Segmentvandring {since} → {when}" if da else f"Segment migration {since} → {when}"
            )
        if table:
            frame = label_values(frame, [rfm.FROM_SEGMENT, rfm.TO_SEGMENT], lg)
        emit(
            frame,
            fmt,
            output,
            title=title,
            lang=lg,
            currency=cfg.currency,
            csv_style=csv_style,
            bom=bom,
            as_of=loaded.as_of,
        )
        return

    scored = rfm.rfm_scores(loaded.orders, as_of=loaded.as_of, config=cfg.rfm).collect()
    segmented = rfm.rfm_segments(scored.lazy(), config=cfg.rfm)
    if scored.height == 0:
        note(
            f"Ingen kunder med en talt ordre pr. {when}."
            if da
            else f"No customer has a counted order as of {when}."
        )
    else:
        fixed = rfm.frequency_uses_fixed_breaks(scored.lazy()).collect().item()
        breaks = rfm.describe_breaks(cfg.rfm.frequency_breaks)
        rule = (
            f"F bruger faste grænser ({breaks} ordrer), fordi mange kunder har købt lige mange gange."
            if da
            else f"F uses fixed breaks ({breaks} orders) because many customers bought the same number of times."
        )
        note(
            (
                f"{scored.height} kunder med mindst én ordre pr. {when}. "
                if da
                else f"{scored.height} customers with at least one order as of {when}. "
            )
            + (rule if fixed else "")
        )

    if by is SegmentBy.customer:
        from kunde_cli.analytics.churn import churn_tiers

        # The churn tier beside the segment: "champion but cooling" is worth a call.
        tiers = churn_tiers(loaded.orders, as_of=loaded.as_of, config=cfg.churn).select(
            "customer_id", "tier"
        )
        frame = segmented.join(tiers, on="customer_id", how="left", maintain_order="left").collect()
        title = f"Kunder og segmenter pr. {when}" if da else f"Customers and segments as of {when}"
    else:
        frame = rfm.segment_summary(segmented, config=cfg.rfm, lang=lg).collect()
        title = f"Segmenter pr. {when}" if da else f"Segments as of {when}"
        _what_it_means(frame, lg)
    if table:
        frame = label_values(frame, [rfm.SEGMENT], lg)
        if "tier" in frame.columns:
            frame = label_values(frame, ["tier"], lg, prefix="tier_")
    emit(
        frame,
        fmt,
        output,
        title=title,
        lang=lg,
        currency=cfg.currency,
        csv_style=csv_style,
        bom=bom,
        as_of=loaded.as_of,
    )


def _what_it_means(summary: pl.DataFrame, lang: str) -> None:
    """One plain sentence on stderr: how much the best customers carry, who to call."""
    from kunde_cli.render.numbers import format_percent
    from kunde_cli.render.terminal import note

    rows = {row["segment"]: row for row in summary.iter_rows(named=True)}
    best = [rows[k] for k in ("champion", "loyal") if k in rows]
    share_c = sum(r["share_customers"] or 0.0 for r in best)
    share_r = sum(r["share_revenue"] or 0.0 for r in best)
    risky = sum(rows[k]["customers"] for k in ("at_risk", "cant_lose") if k in rows)
    if lang == "da":
        text = (
            f"Topkunder og loyale er {format_percent(share_c, lang)} af kunderne og står for "
            f"{format_percent(share_r, lang)} af omsætningen."
        )
        if risky:
            text += f" {risky} gode kunder er i fare: kontakt dem personligt først."
    else:
        text = (
            f"Champions and loyal customers are {format_percent(share_c, lang)} of customers and "
            f"bring {format_percent(share_r, lang)} of revenue."
        )
        if risky:
            text += f" {risky} good customers are at risk: contact them personally first."
    if share_c or risky:
        note(text)
