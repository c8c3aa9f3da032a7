"""Trends: the shop month by month — revenue, orders, buying customers (new and
returning) and, with a survey, the NPS with its 95 % interval.

One row per calendar month, oldest first, for the last ``months`` months up to the
as-of date (never before the first month the data has anything in). A month with
nothing in it is a row of zeros, not a gap, so a quiet month shows as one. The
current month, when the as-of date is not its last day, is marked ``partial``: its
figures are not comparable with whole months yet.

Definitions (those of :mod:`kunde_cli.analytics.orders`; README "What counts"):

* ``revenue`` — net revenue of the month: the net amount of purchases dated in it
  (credit lines that reference an order are netted into that order, on its date)
  plus credit notes dated in it (negative). Sales without a known customer (a guest
  at the till) count, as in the line every command prints on what it counted, so the
  months add up to that line's revenue when every month is shown.
* ``orders`` — counted orders (purchases) dated in the month, guests' included.
* ``active_customers`` — known customers with at least one counted order in the month.
* ``customers_new`` — of those, customers whose first counted order ever is in the month.
* ``customers_returning`` — of those, customers who had a counted order before the
  month: ``active_customers = customers_new + customers_returning``.
* ``n``, ``nps``, ``ci_low``, ``ci_high`` — answers in the month and their NPS with the
  adjusted-Wald 95 % interval (:func:`kunde_cli.analytics.nps.nps_by_period`; null
  NPS and interval where the month has no answers). Only when a survey is given.
"""

from __future__ import annotations

from datetime import date, datetime

import polars as pl

from kunde_cli import schema as s
from kunde_cli.analytics import nps as nps_mod
from kunde_cli.analytics.orders import (
    COUNTED,
    FIRST_ORDER,
    IN_REVENUE,
    NET_AMOUNT,
    Basis,
    OrderBasis,
    all_orders,
    basis_at,
    ore_sum,
)

#: Columns of :func:`monthly_trends`.
MONTH = "month"  # "2024-03"
MONTH_START = "month_start"  # the month's first day
PARTIAL = "partial"  # the current month, not over at the as-of date
REVENUE = "revenue"
ORDERS = "orders"
ACTIVE = "active_customers"
NEW = "customers_new"
RETURNING = "customers_returning"
#: With a survey: answers, NPS and its 95 % interval (the names of analytics.nps).
NPS_COLUMNS = (nps_mod.N, nps_mod.NPS, nps_mod.CI_LOW, nps_mod.CI_HIGH)

#: Months shown by default (two years: a month compares with the same month last year).
DEFAULT_MONTHS = 24

_ORDER_COLUMNS = (MONTH, MONTH_START, PARTIAL, REVENUE, ORDERS, ACTIVE, NEW, RETURNING)


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def _month_start(expr: pl.Expr) -> pl.Expr:
    return expr.dt.truncate("1mo").dt.date()


def _every_order(basis: OrderBasis) -> pl.DataFrame:
    """Every order up to the basis' date, guests' included (``customer_id`` null)."""
    if basis.tables is not None:
        from kunde_cli.analytics.tables import orders_at

        return orders_at(basis.tables.orders, basis.lines, as_of=basis.as_of, known_only=False)
    return all_orders(basis.lines, as_of=basis.as_of).collect()


def _schema(with_nps: bool) -> dict[str, pl.DataType]:
    schema: dict[str, pl.DataType] = {
        MONTH: pl.String(),
        MONTH_START: pl.Date(),
        PARTIAL: pl.Boolean(),
        REVENUE: pl.Float64(),
        ORDERS: pl.Int64(),
        ACTIVE: pl.Int64(),
        NEW: pl.Int64(),
        RETURNING: pl.Int64(),
    }
    if with_nps:
        schema |= {
            nps_mod.N: pl.Int64(),
            nps_mod.NPS: pl.Float64(),
            nps_mod.CI_LOW: pl.Float64(),
            nps_mod.CI_HIGH: pl.Float64(),
        }
    return schema


def monthly_trends(
    orders: Basis,
    survey: pl.LazyFrame | pl.DataFrame | None = None,
    *,
    as_of: date | datetime,
    months: int = DEFAULT_MONTHS,
    answers_as_of: date | datetime | None = None,
) -> pl.DataFrame:
    """Revenue, orders, buying customers (new, returning) and NPS per calendar month.

    Orders count up to ``as_of``; survey answers up to ``answers_as_of`` (default
    ``as_of``; commands pass :func:`kunde_cli.analytics.nps.nps_as_of`'s day, so the
    answers are those every NPS counts). The months run to the later of the two, back
    ``months`` months (at least 1) but not before the first month with an order or a
    dated answer. See the module docstring for each column; money in the shop's
    currency, net, incl. VAT. No data at all gives an empty frame with the columns.

    Examples
    --------
    >>> lines = pl.LazyFrame({
    ...     "customer_id": ["a", "a", "b", None], "order_id": ["1", "2", "3", "4"],
    ...     "line_no": [1, 1, 1, 1],
    ...     "order_date": [datetime(2024, 1, 5), datetime(2024, 3, 2), datetime(2024, 3, 9),
    ...                    datetime(2024, 3, 10)],
    ...     "amount": [100.0, 50.0, 80.0, 20.0], "status": ["paid"] * 4})
    >>> out = monthly_trends(lines, as_of=date(2024, 3, 15))
    >>> out.select("month", "partial", "revenue", "orders", "active_customers",
    ...            "customers_new", "customers_returning").rows()
    [('2024-01', False, 100.0, 1, 1, 1, 0), ('2024-02', False, 0.0, 0, 0, 0, 0), ('2024-03', True, 150.0, 3, 2, 1, 1)]
    """
    day = _day(as_of)
    answers_day = _day(answers_as_of) if answers_as_of is not None else day
    end = max(day, answers_day)
    basis = basis_at(orders, day)
    with_nps = survey is not None

    every = _every_order(basis).lazy()
    month = _month_start(pl.col(s.ORDER_DATE)).alias(MONTH_START)
    shop = (
        every.filter(pl.col(IN_REVENUE))
        .group_by(month)
        .agg(
            ore_sum(pl.col(NET_AMOUNT)).alias(REVENUE),
            pl.col(COUNTED).sum().cast(pl.Int64).alias(ORDERS),
        )
    )
    buyers = (
        basis.orders.lazy()
        .filter(pl.col(COUNTED))
        .group_by(month)
        .agg(pl.col(s.CUSTOMER_ID).n_unique().cast(pl.Int64).alias(ACTIVE))
    )
    first = (
        basis.customers.lazy()
        .drop_nulls(FIRST_ORDER)
        .group_by(_month_start(pl.col(FIRST_ORDER)).alias(MONTH_START))
        .agg(pl.len().cast(pl.Int64).alias(NEW))
    )
    answers: pl.LazyFrame | None = None
    if survey is not None:
        answers = nps_mod.nps_by_period(survey.lazy(), as_of=answers_day, period="month").select(
            pl.col(nps_mod.PERIOD_START).alias(MONTH_START), *NPS_COLUMNS
        )

    starts = [shop.select(pl.col(MONTH_START).min())]
    if answers is not None:
        starts.append(answers.select(pl.col(MONTH_START).min()))
    first_month = pl.concat(starts).select(pl.col(MONTH_START).min()).collect().item()
    if first_month is None:
        return pl.DataFrame(schema=_schema(with_nps))
    last_month = end.replace(day=1)
    index = last_month.year * 12 + last_month.month - 1 - (max(1, months) - 1)
    earliest = date(index // 12, index % 12 + 1, 1)
    grid = pl.LazyFrame(
        {MONTH_START: pl.date_range(max(first_month, earliest), last_month, "1mo", eager=True)}
    )
    frame = (
        grid.join(shop, on=MONTH_START, how="left")
        .join(buyers, on=MONTH_START, how="left")
        .join(first, on=MONTH_START, how="left")
        .with_columns(
            pl.col(REVENUE).fill_null(0.0),
            pl.col(ORDERS, ACTIVE, NEW).fill_null(0),
        )
        .with_columns(
            pl.col(MONTH_START).dt.strftime("%Y-%m").alias(MONTH),
            (pl.col(MONTH_START).dt.month_end() > pl.lit(end)).alias(PARTIAL),
            (pl.col(ACTIVE) - pl.col(NEW)).alias(RETURNING),
        )
    )
    columns: list[str] = list(_ORDER_COLUMNS)
    if answers is not None:
        frame = frame.join(answers, on=MONTH_START, how="left").with_columns(
            pl.col(nps_mod.N).fill_null(0)
        )
        columns += NPS_COLUMNS
    return frame.sort(MONTH_START).select(columns).collect().cast(_schema(with_nps))  # type: ignore[arg-type]
