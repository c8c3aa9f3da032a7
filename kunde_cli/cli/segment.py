"""`kunde segment`: RFM scores and named segments, each with a suggested action."""

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
#: segment or customer, customers and revenue stay; scores, dates and averages go first.
COLUMNS = Priority(
    keep=("customers", "revenue", "segment", "monetary"),
    drop=(
        "r_score",
        "f_score",
        "m_score",
        "first_order",
        "aov",
        "avg_frequency",
        "avg_recency_days",
        "avg_monetary",
        "share_revenue",
        "tier",
        "last_order",
        "frequency",
    ),
)


class SegmentBy(Choice):
    """Rows of the segment table."""

    segment = "segment"
    customer = "customer"


# --- the command's own options ----------------------------------------------------------

By = Annotated[
    SegmentBy,
    typer.Option("--by", help="One row per segment (with suggested action) or per customer."),
]


@app.command("segment")
@options.writes_output()
@options.reads_data
def segment_command(
    data: Source,
    out: Destination,
    by: By = SegmentBy.segment,
    compare: options.Compare = None,
) -> None:
    """RFM segments: who are your champions, who is at risk, and what to do for each.

    Scores R (days since last order), F (orders) and M (revenue) 1–5 by quintiles: 5 is best and ties share a score. F uses fixed breaks (1, 2, 3, 4–5, 6+ orders) when most customers bought the same number of times. The segment comes from the R×F grid (kunde.toml, section "rfm", can change grid and breaks).

    --by segment (default): one row per segment with customers, revenue, averages and a suggested action. --by customer: one row per customer with R, F, M and scores. --compare DATE: who moved from which segment to which since DATE.

    Example: kunde segment ordrer.csv --by customer --format csv > segmenter.csv
    """
    from kunde_cli.cli import common

    loaded = common.load_source(data)
    if compare is not None:
        _moves(loaded, out, by, compare.date())
    else:
        _segments(loaded, out, by)


def _moves(loaded: Loaded, out: Destination, by: SegmentBy, before: date) -> None:
    """--compare: who moved from which segment to which since ``before``."""
    from kunde_cli.analytics import rfm
    from kunde_cli.cli.common import day_text, emit
    from kunde_cli.render.terminal import note

    cfg, lg = loaded.config, loaded.lang
    when, since = day_text(loaded.as_of, lg), day_text(before, lg)
    moves = rfm.customer_segment_moves(
        loaded.orders, as_of=loaded.as_of, compare=before, config=cfg.rfm
    ).collect()
    moved = int(moves.get_column(rfm.CHANGED).sum())
    note(say("segment_moved", lg, moved=moved, customers=moves.height, since=since))
    if by is SegmentBy.customer:
        frame = moves
        title = say("segment_changes_title", lg, since=since, when=when)
    else:
        frame = rfm.segment_migration(
            loaded.orders, as_of=loaded.as_of, compare=before, config=cfg.rfm
        ).collect()
        title = say("segment_migration_title", lg, since=since, when=when)
    if out.is_table:
        frame = label_values(frame, [rfm.FROM_SEGMENT, rfm.TO_SEGMENT], lg)
    emit(frame, out, loaded, title=title, priority=COLUMNS)


def _segments(loaded: Loaded, out: Destination, by: SegmentBy) -> None:
    """The segments (or each customer's) at the as-of date."""
    from kunde_cli.analytics import rfm
    from kunde_cli.cli.common import day_text, emit
    from kunde_cli.words.actions import word_actions

    cfg, lg = loaded.config, loaded.lang
    when = day_text(loaded.as_of, lg)
    scored = rfm.rfm_scores(loaded.orders, as_of=loaded.as_of, config=cfg.rfm).collect()
    segmented = rfm.rfm_segments(scored.lazy(), config=cfg.rfm)
    _counted(scored, loaded, when)
    if by is SegmentBy.customer:
        from kunde_cli.cli.common import churn_tier_frame

        # The churn tier beside the segment: "champion but cooling" is worth a call.
        tiers = churn_tier_frame(loaded.orders, loaded.as_of, cfg)
        frame = segmented.join(tiers, on="customer_id", how="left", maintain_order="left").collect()
        title = say("segment_customers_title", lg, when=when)
    else:
        frame = word_actions(rfm.segment_summary(segmented, config=cfg.rfm).collect(), lg)
        title = say("segment_title", lg, when=when)
        _what_it_means(frame, lg)
    if out.is_table:
        frame = label_values(frame, [rfm.SEGMENT], lg)
        if "tier" in frame.columns:
            frame = label_values(frame, ["tier"], lg, prefix="tier_")
    emit(frame, out, loaded, title=title, priority=COLUMNS)


def _counted(scored: pl.DataFrame, loaded: Loaded, when: str) -> None:
    """On stderr: how many customers were scored, and whether F uses fixed breaks."""
    from kunde_cli.analytics import rfm
    from kunde_cli.render.terminal import note

    lg = loaded.lang
    if scored.height == 0:
        note(say("segment_no_customers", lg, when=when))
        return
    fixed = rfm.frequency_uses_fixed_breaks(scored.lazy()).collect().item()
    breaks = rfm.describe_breaks(loaded.config.rfm.frequency_breaks)
    rule = say("segment_fixed_breaks", lg, breaks=breaks) if fixed else ""
    note(f"{say('segment_scored', lg, customers=scored.height, when=when)} {rule}")


def _what_it_means(summary: pl.DataFrame, lang: str) -> None:
    """One plain sentence on stderr: how much the best customers carry, who to call."""
    from kunde_cli.render.numbers import format_percent
    from kunde_cli.render.terminal import note

    rows = {row["segment"]: row for row in summary.iter_rows(named=True)}
    best = [rows[k] for k in ("champion", "loyal") if k in rows]
    share_c = sum(r["share_customers"] or 0.0 for r in best)
    share_r = sum(r["share_revenue"] or 0.0 for r in best)
    risky = sum(rows[k]["customers"] for k in ("at_risk", "cant_lose") if k in rows)
    text = say(
        "segment_best_share",
        lang,
        share_customers=format_percent(share_c, lang),
        share_revenue=format_percent(share_r, lang),
    )
    if risky:
        text += " " + say("segment_at_risk_note", lang, customers=risky)
    if share_c or risky:
        note(text)
