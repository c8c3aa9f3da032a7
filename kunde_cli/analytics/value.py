"""Customer value, historical part: what each customer has been worth so far.

The textbook "simple CLV" projects a customer's observed behaviour forward::

    simple CLV = AOV × purchases per year × expected years

with every input shown, so an owner can see where the number comes from.

Model-based value (BG/NBD expected purchases × Gamma-Gamma expected spend, over a
horizon, discounted) lives in :mod:`kunde_cli.analytics.clv`. Its per-customer
frame joins onto :func:`historical_value` on ``customer_id``, and
:func:`value_by_segment` aggregates any extra numeric columns it is told about
through ``extra_sums``, so the predicted part plugs in without changing this module.
Profit to date and the simple profit CLV join on the same way
(:func:`kunde_cli.analytics.profit.with_profit`).
"""

from __future__ import annotations

from datetime import date, datetime

import polars as pl

from kunde_cli import schema as s
from kunde_cli.analytics.orders import (
    AOV,
    FIRST_ORDER,
    FREQUENCY,
    LAST_ORDER,
    MONETARY,
    Basis,
    basis_at,
)

#: Days in an average (Gregorian) year, used to turn days into years.
DAYS_PER_YEAR = 365.25
#: Shortest observation time (years) used for the purchase rate; see historical_value.
DEFAULT_MIN_YEARS = 1.0
#: Default projection length of the simple CLV (years).
DEFAULT_EXPECTED_YEARS = 3.0

#: Per-customer columns of :func:`historical_value`.
REVENUE_TO_DATE = "revenue_to_date"
ORDERS = "orders"
LIFESPAN_DAYS = "lifespan_days"
PURCHASES_PER_YEAR = "purchases_per_year"
EXPECTED_YEARS = "expected_years"
SIMPLE_CLV = "simple_clv"

#: Per-segment columns of :func:`value_by_segment`.
SEGMENT = "segment"
CUSTOMERS = "customers"
SHARE_CUSTOMERS = "share_customers"
SHARE_REVENUE = "share_revenue"
AVG_REVENUE_TO_DATE = "avg_revenue_to_date"
AVG_PURCHASES_PER_YEAR = "avg_purchases_per_year"
AVG_LIFESPAN_DAYS = "avg_lifespan_days"
AVG_SIMPLE_CLV = "avg_simple_clv"
SIMPLE_CLV_TOTAL = "simple_clv_total"

# Private working columns.
_ALL_CUSTOMERS = "_all_customers"
_ALL_REVENUE = "_all_revenue"


def historical_value(
    lines: Basis,
    *,
    as_of: date | datetime,
    expected_years: float = DEFAULT_EXPECTED_YEARS,
    min_years: float = DEFAULT_MIN_YEARS,
) -> pl.LazyFrame:
    """Per-customer value to date and the simple textbook CLV with its inputs.

    For every customer with at least one counted order up to ``as_of``:

    * ``revenue_to_date`` — net revenue (DKK incl. VAT; refunds reduce it), the
      ``monetary`` of :func:`kunde_cli.analytics.orders.customer_summary`;
    * ``orders`` — counted orders; ``aov`` = revenue_to_date / orders;
    * ``lifespan_days`` — whole days from the first counted order to ``as_of``
      (the time we have been able to watch the customer, not the time until their
      last order, so a customer who stopped buying long ago gets a low rate);
    * ``purchases_per_year`` = orders / max(lifespan_days / 365.25, ``min_years``);
    * ``simple_clv`` = aov × purchases_per_year × ``expected_years`` (DKK).

    Why a floor of one year by default: with a short observation time the rate
    explodes — a first-time buyer from last week would be projected at 52 orders a
    year, and with a one-month floor every first-time buyer of the last month would
    still be projected at 12. Most small-shop customers buy once, so the floor says
    "assume at least a year to make the orders we have seen". Customers watched for
    longer than ``min_years`` are not affected.

    Customers whose every order was cancelled or refunded have no counted order and
    no row here (they appear on the loyalty ladder as potential customers).

    Examples
    --------
    a: two orders (100 + 50) from 2023-01-01, watched 731 days → 2 / (731 / 365.25)
    ≈ 1.0 a year; b: one order of 80 five days before as-of → rate floored at 1 a year.

    >>> lines = pl.LazyFrame({
    ...     "customer_id": ["a", "a", "b"], "order_id": ["1", "2", "3"], "line_no": [1, 1, 1],
    ...     "amount": [100.0, 50.0, 80.0], "status": ["paid"] * 3,
    ...     "order_date": [datetime(2023, 1, 1), datetime(2024, 6, 1), datetime(2024, 12, 27)]})
    >>> out = historical_value(lines, as_of=date(2025, 1, 1)).sort("customer_id").collect()
    >>> out.select("customer_id", "orders", "aov", "lifespan_days").rows()
    [('a', 2, 75.0, 731), ('b', 1, 80.0, 5)]
    >>> [round(x, 2) for x in out["simple_clv"]]
    [224.85, 240.0]
    """
    day = as_of.date() if isinstance(as_of, datetime) else as_of
    observed_years = pl.max_horizontal(pl.col(LIFESPAN_DAYS) / DAYS_PER_YEAR, pl.lit(min_years))
    return (
        basis_at(lines, as_of)
        .customers.lazy()
        .filter(pl.col(FREQUENCY) >= 1)
        .select(
            s.CUSTOMER_ID,
            pl.col(FIRST_ORDER).dt.date(),
            pl.col(LAST_ORDER).dt.date(),
            pl.col(FREQUENCY).alias(ORDERS),
            pl.col(MONETARY).alias(REVENUE_TO_DATE),
            AOV,
            (pl.lit(day) - pl.col(FIRST_ORDER).dt.date()).dt.total_days().alias(LIFESPAN_DAYS),
        )
        .with_columns((pl.col(ORDERS) / observed_years).alias(PURCHASES_PER_YEAR))
        .with_columns(
            pl.lit(float(expected_years)).alias(EXPECTED_YEARS),
            (pl.col(AOV) * pl.col(PURCHASES_PER_YEAR) * float(expected_years)).alias(SIMPLE_CLV),
        )
    )


def value_by_segment(
    values: pl.LazyFrame,
    segments: pl.LazyFrame,
    *,
    by: str = SEGMENT,
    extra_sums: tuple[str, ...] = (),
) -> pl.LazyFrame:
    """Aggregate :func:`historical_value` per segment (or any grouping column ``by``).

    ``segments`` holds ``customer_id`` and ``by`` (one row per customer), e.g.
    ``rfm_segments(rfm_scores(lines, as_of=...))``. Customers of ``values`` without a
    segment form a group whose ``by`` is null. Per group:

    * ``customers``, ``share_customers`` (of all customers in ``values``, 0–1);
    * ``revenue_to_date`` (sum) and ``share_revenue`` (of the total; null when the
      total is ≤ 0);
    * ``orders`` (sum) and ``aov`` = revenue_to_date / orders (order-weighted);
    * ``avg_revenue_to_date``, ``avg_purchases_per_year``, ``avg_lifespan_days`` and
      ``avg_simple_clv`` — means over the group's customers;
    * ``simple_clv_total`` — the group's summed simple CLV;
    * each column named in ``extra_sums`` (e.g. a predicted CLV) summed.

    Sorted by revenue, highest first.

    Examples
    --------
    >>> values = pl.LazyFrame({"customer_id": ["a", "b", "c"], "orders": [4, 1, 1],
    ...     "revenue_to_date": [400.0, 50.0, 150.0], "purchases_per_year": [4.0, 1.0, 1.0],
    ...     "lifespan_days": [400, 10, 20], "simple_clv": [1200.0, 150.0, 450.0]})
    >>> segs = pl.LazyFrame({"customer_id": ["a", "b", "c"],
    ...                      "segment": ["champion", "new", "new"]})
    >>> value_by_segment(values, segs).select("segment", "customers", "aov",
    ...     "avg_simple_clv").collect().rows()
    [('champion', 1, 100.0, 1200.0), ('new', 2, 100.0, 300.0)]
    """
    total_revenue = pl.col(REVENUE_TO_DATE).sum()
    grouped = values.join(
        segments.select(s.CUSTOMER_ID, by).unique(s.CUSTOMER_ID, keep="first"),
        on=s.CUSTOMER_ID,
        how="left",
    ).with_columns(
        pl.len().alias(_ALL_CUSTOMERS),
        total_revenue.alias(_ALL_REVENUE),
    )
    return (
        grouped.group_by(by)
        .agg(
            pl.len().cast(pl.Int64).alias(CUSTOMERS),
            (pl.len() / pl.col(_ALL_CUSTOMERS).first()).alias(SHARE_CUSTOMERS),
            total_revenue.alias(REVENUE_TO_DATE),
            pl.when(pl.col(_ALL_REVENUE).first() > 0)
            .then(total_revenue / pl.col(_ALL_REVENUE).first())
            .alias(SHARE_REVENUE),
            pl.col(ORDERS).sum().cast(pl.Int64),
            pl.col(REVENUE_TO_DATE).mean().alias(AVG_REVENUE_TO_DATE),
            pl.col(PURCHASES_PER_YEAR).mean().alias(AVG_PURCHASES_PER_YEAR),
            pl.col(LIFESPAN_DAYS).mean().alias(AVG_LIFESPAN_DAYS),
            pl.col(SIMPLE_CLV).mean().alias(AVG_SIMPLE_CLV),
            pl.col(SIMPLE_CLV).sum().alias(SIMPLE_CLV_TOTAL),
            *(pl.col(name).sum() for name in extra_sums),
        )
        .with_columns(
            pl.when(pl.col(ORDERS) > 0).then(pl.col(REVENUE_TO_DATE) / pl.col(ORDERS)).alias(AOV)
        )
        .select(
            by,
            CUSTOMERS,
            SHARE_CUSTOMERS,
            REVENUE_TO_DATE,
            SHARE_REVENUE,
            ORDERS,
            AOV,
            AVG_REVENUE_TO_DATE,
            AVG_PURCHASES_PER_YEAR,
            AVG_LIFESPAN_DAYS,
            AVG_SIMPLE_CLV,
            SIMPLE_CLV_TOTAL,
            *extra_sums,
        )
        .sort([REVENUE_TO_DATE, by], descending=[True, False], nulls_last=True)
    )
