"""Per-customer purchase history in the form the BG/NBD and Gamma-Gamma models need.

The "RFM summary" of the buy-till-you-die literature (Fader, Hardie & Lee 2005,
section 2), in the convention of the ``lifetimes`` package:

* purchases are *purchase days*: every counted order (orders.py) on the same calendar
  day is one purchase, with the day's net amounts summed;
* ``x`` = repeat purchases = purchase days − 1;
* ``t_x`` = time from the first to the last purchase day;
* ``T`` = the customer's age: time from the first purchase day to ``as_of``;
* ``mean_repeat_spend`` = mean spend of the repeat purchase days (the first day is left
  out, as the Gamma-Gamma model of Fader & Hardie 2013 expects); null when x = 0.

Times are in units of ``time_unit_days`` days (default 7: weeks, the unit of the
published CDNOW parameters). On the CDNOW sample with ``as_of`` 1997-09-30 this
reproduces ``cdnow_customers_summary_with_transactions.csv`` exactly.
"""

from __future__ import annotations

from datetime import date, datetime

import polars as pl

from kunde_cli import schema as s
from kunde_cli.analytics.orders import DAY_SPEND, PURCHASE_DAY, Basis, basis_at

#: Per-customer columns of :func:`rfm_summary`.
REPEAT_PURCHASES = "repeat_purchases"  # x
T_X = "t_x"  # time of last purchase since the first, in time units
T_AGE = "age"  # T: time from first purchase to as_of, in time units
MEAN_REPEAT_SPEND = "mean_repeat_spend"  # mean spend of repeat purchase days (DKK)
WEIGHT = "customers"  # number of customers sharing one (x, t_x, T) pattern

#: Default time unit of the models (days): weeks, as in the literature.
DEFAULT_TIME_UNIT_DAYS = 7.0
#: Days per month (an average Gregorian month) to turn months into model time.
DAYS_PER_MONTH = 365.25 / 12

_DAY = "_day"
_SPEND = "_spend"


def _as_day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def rfm_summary(
    lines: Basis,
    *,
    as_of: date | datetime,
    time_unit_days: float = DEFAULT_TIME_UNIT_DAYS,
) -> pl.LazyFrame:
    """Repeat purchases, recency and age per customer, for the probabilistic models.

    One row per customer with at least one counted order up to ``as_of``:
    ``customer_id``, ``repeat_purchases`` (x, Int64), ``t_x`` and ``age`` (T) in units
    of ``time_unit_days`` days (Float64), ``mean_repeat_spend`` (DKK, null when x = 0).
    Orders on the same day are one purchase (their net amounts summed), so two orders
    placed minutes apart do not look like a repeat purchase. Only counted orders are
    used (not cancelled/refunded, net amount > 0), so every purchase day spends > 0.

    Examples
    --------
    Customer ``a`` buys on 1, 8 (twice) and 15 January; as of 29 January in weeks:
    x = 2, t_x = 14/7 = 2, T = 28/7 = 4, mean repeat spend = (30 + 20 + 40)/2 = 45.

    >>> lines = pl.LazyFrame({
    ...     "customer_id": ["a", "a", "a", "a", "b"],
    ...     "order_id": ["1", "2", "3", "4", "5"], "line_no": [1, 1, 1, 1, 1],
    ...     "order_date": [datetime(2024, 1, d) for d in (1, 8, 8, 15, 22)],
    ...     "amount": [10.0, 30.0, 20.0, 40.0, 99.0], "status": ["paid"] * 5})
    >>> rfm_summary(lines, as_of=date(2024, 1, 29)).sort("customer_id").collect().rows()
    [('a', 2, 2.0, 4.0, 45.0), ('b', 0, 0.0, 1.0, None)]
    """
    if time_unit_days <= 0:
        raise ValueError("time_unit_days must be > 0")
    day = _as_day(as_of)
    # Times by multiplying with 1/unit, not dividing: Polars divides a column by a
    # scalar as a multiplication by the reciprocal but a single group's value exactly, so
    # 93 / 7 came out one bit apart from run to run, and so did the fit. A product is
    # the same bits on every path.
    per_day = 1.0 / time_unit_days
    days = (
        basis_at(lines, as_of)
        .days.lazy()
        .select(s.CUSTOMER_ID, pl.col(PURCHASE_DAY).alias(_DAY), pl.col(DAY_SPEND).alias(_SPEND))
    )
    first = pl.col(_DAY).min()
    x = pl.col(REPEAT_PURCHASES)
    # Mean repeat spend as (all days − first day) / x: plain sums aggregate several
    # times faster than filtering each group against its own minimum.
    # Days are distinct per customer, so min_by has no ties (and needs no per-group sort).
    first_spend = pl.col(_SPEND).min_by(_DAY)
    return (
        days.group_by(s.CUSTOMER_ID)
        .agg(
            (pl.len() - 1).cast(pl.Int64).alias(REPEAT_PURCHASES),
            ((pl.col(_DAY).max() - first).dt.total_days() * per_day).alias(T_X),
            ((pl.lit(day) - first).dt.total_days() * per_day).alias(T_AGE),
            (pl.col(_SPEND).sum() - first_spend).alias(MEAN_REPEAT_SPEND),
        )
        .with_columns(
            pl.col(T_X).cast(pl.Float64),
            pl.col(T_AGE).cast(pl.Float64),
            pl.when(x > 0).then(pl.col(MEAN_REPEAT_SPEND) / x).alias(MEAN_REPEAT_SPEND),
        )
    )


def collapse_patterns(summary: pl.LazyFrame | pl.DataFrame) -> pl.DataFrame:
    """Distinct (x, t_x, T) patterns with the number of customers sharing each.

    The BG/NBD likelihood of a customer depends only on (x, t_x, T), so one term per
    pattern weighted by its count gives the same log-likelihood for far less work
    (Fader, Hardie & Lee 2005, section 7).
    """
    return (
        summary.lazy()
        .group_by(REPEAT_PURCHASES, T_X, T_AGE)
        .agg(pl.len().cast(pl.Float64).alias(WEIGHT))
        # Group order varies run to run; the likelihood's sum must not.
        .sort(REPEAT_PURCHASES, T_X, T_AGE)
        .collect()
    )
