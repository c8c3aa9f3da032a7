"""The shop's own seasons: its monthly revenue profile and whether a holdout split is fooled by it.

``kunde clv --holdout 6m`` fits on the orders before ``as_of − 6 months`` and compares
the prediction with the last 6 months. The purchase models know no calendar: they
predict the same rate in every month. When the holdout holds the shop's peak months
(December for a gift shop) the actual purchases beat the prediction for that reason
alone, and the model looks worse (or better) than it is.

* :func:`month_profile`: each calendar month's share of a year's revenue (counted
  orders and credit notes, :func:`~kunde_cli.analytics.orders.order_totals`), averaged
  over the *complete* calendar years in the data — a year is complete when the first
  order is in its January or earlier and ``as_of`` is its 31 December or later. With
  fewer than :data:`MIN_YEARS` complete years (or a year with no positive revenue) the
  profile is ``None``: one year cannot tell a season from a one-off.
* A month is a *peak* when its share is at least :data:`PEAK_FACTOR` × 1/12 (1.5 × an
  even month: 12.5 % of the year's revenue).
* :func:`judge_holdout`: the holdout window's expected share of a year's revenue (per
  day, its month's share / the month's days, summed over the window) against its length
  share (days / 365.25). When the window holds a peak month and its expected share is at
  least :data:`SHIFT_FACTOR` times its length share, the verdict names the peak months in
  the window and the split to try instead: the same as-of with a holdout of a whole year
  (12 months), which holds every month once, so its expected share equals its length
  share by construction. (A holdout of the same length a year earlier would straddle the
  same peak.) A holdout of a year or more is never judged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import polars as pl

from kunde_cli import schema as s
from kunde_cli.analytics.orders import IN_REVENUE, NET_AMOUNT, Basis, lines_of, order_totals

#: Complete calendar years needed before a profile is said.
MIN_YEARS = 2
#: A month is a peak when its share of the year is at least this × 1/12.
PEAK_FACTOR = 1.5
#: The holdout is judged season-bound when its expected share is this × its length share.
SHIFT_FACTOR = 1.25
#: The holdout suggested instead, in months (a whole year).
SUGGESTED_MONTHS = 12

MONTH = "month"
SHARE = "share"
YEAR = "year"


@dataclass(frozen=True)
class SeasonVerdict:
    """A holdout that straddles the shop's peak months."""

    #: The peak months (1–12) inside the holdout, in calendar order of the window.
    peak_months: tuple[int, ...]
    #: The window's expected share of a year's revenue, from the profile.
    expected_share: float
    #: The window's length share of a year (days / 365.25).
    length_share: float
    #: The split to try: this as-of with a holdout of ``suggested_months`` months.
    suggested_as_of: date
    suggested_months: int = SUGGESTED_MONTHS


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def month_profile(data: Basis, *, as_of: date | datetime) -> pl.DataFrame | None:
    """Columns ``month`` (1–12) and ``share`` (mean share of a complete year's revenue).

    ``None`` with fewer than :data:`MIN_YEARS` complete calendar years, or when one of
    them has no positive revenue (see the module notes).
    """
    end = _day(as_of)
    orders = order_totals(lines_of(data), as_of=end).filter(pl.col(IN_REVENUE))
    first = orders.select(pl.col(s.ORDER_DATE).min()).collect().item()
    if first is None:
        return None
    first_year = first.year if first.month == 1 else first.year + 1
    last_year = end.year if (end.month, end.day) == (12, 31) else end.year - 1
    if last_year - first_year + 1 < MIN_YEARS:
        return None
    grid = pl.LazyFrame(
        {YEAR: list(range(first_year, last_year + 1))}, schema={YEAR: pl.Int32}
    ).join(pl.LazyFrame({MONTH: list(range(1, 13))}, schema={MONTH: pl.Int8}), how="cross")
    revenue = (
        orders.with_columns(
            pl.col(s.ORDER_DATE).dt.year().cast(pl.Int32).alias(YEAR),
            pl.col(s.ORDER_DATE).dt.month().cast(pl.Int8).alias(MONTH),
        )
        .group_by(YEAR, MONTH)
        .agg(pl.col(NET_AMOUNT).sum())
    )
    years = (
        grid.join(revenue, on=[YEAR, MONTH], how="left")
        .with_columns(pl.col(NET_AMOUNT).fill_null(0.0))
        .with_columns(pl.col(NET_AMOUNT).sum().over(YEAR).alias("_year_total"))
        .collect()
    )
    if years.get_column("_year_total").min() <= 0:  # type: ignore[operator]
        return None
    return (
        years.lazy()
        .group_by(MONTH)
        .agg((pl.col(NET_AMOUNT) / pl.col("_year_total")).mean().alias(SHARE))
        .sort(MONTH)
        .collect()
    )


def judge_holdout(
    profile: pl.DataFrame | None, *, calibration_end: date | datetime, as_of: date | datetime
) -> SeasonVerdict | None:
    """The verdict on the holdout ``(calibration_end, as_of]``; ``None`` when it is fair
    (no profile, no peak month in it, a whole year or more, or a share near its length)."""
    start, end = _day(calibration_end) + timedelta(days=1), _day(as_of)
    n_days = (end - start).days + 1
    if profile is None or n_days <= 0 or n_days >= 365:
        return None
    window = (
        pl.DataFrame({"day": pl.date_range(start, end, "1d", eager=True)})
        .with_columns(
            pl.col("day").dt.month().cast(pl.Int8).alias(MONTH),
            pl.col("day").dt.month_end().dt.day().alias("_days"),
        )
        .join(profile, on=MONTH, how="left")
    )
    expected = float(window.select((pl.col(SHARE) / pl.col("_days")).sum()).item())
    peaks = (
        window.filter(pl.col(SHARE) >= PEAK_FACTOR / 12)
        .get_column(MONTH)
        .unique(maintain_order=True)
        .to_list()
    )
    length = n_days / 365.25
    if not peaks or expected < SHIFT_FACTOR * length:
        return None
    return SeasonVerdict(
        peak_months=tuple(int(m) for m in peaks),
        expected_share=expected,
        length_share=length,
        suggested_as_of=end,
    )
