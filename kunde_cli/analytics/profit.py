"""Profit, not only revenue: each line's profit, each customer's margin, profit CLV.

A line's profit (its contribution margin), first rule that applies:

1. **cost** — the line has a cost (``schema.COST``): profit = amount − cost. The cost
   takes the line's sign, as the amount does in
   :func:`kunde_cli.analytics.orders.all_orders`: on a sale line it is |cost|, on a
   credit line (a negative amount, or a credit-note status) −|cost| — the goods came
   back, so a refund takes back its profit, not its whole amount;
2. **category** — its category has a margin in kunde.toml
   (``[profit.margin_by_category]``, names compared trimmed and in any case):
   profit = amount × that margin;
3. **shop** — kunde.toml's ``[profit] margin``: profit = amount × margin;
4. **none** — no cost and no margin: the line's profit is unknown.

With ``[profit] vat`` (the VAT rate the amounts include, e.g. 0.25 for Danish moms)
the amount is taken without VAT first — amount / (1 + vat) — because a cost price and a
margin are without VAT: 1,250 kr. incl. moms at cost 700 is 1,000 − 700 = 300 kr., not
550. Without it the amounts are used as they are (and ``kunde clv`` says so).

Orders and what counts are exactly those of revenue (a credit line that names an
order is netted into it; purchases and credit notes count, cancelled or refunded
orders do not), so profit is netted as revenue is.

A customer's **margin share** is the profit of her lines with a known profit divided
by their amount (null when that amount is not above 0). Her **profit to date** is her
revenue to date × her margin share — exactly the sum of her lines' profits when every
line's profit is known, and her known lines' margin carried over to the rest when not.
The **simple profit CLV** is her simple CLV × her margin share; the **predicted profit
CLV** (:func:`predicted_profit`) her predicted value × her margin share, or × the
shop's margin share (all known lines of all customers) when she has none of her own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

import polars as pl

from kunde_cli import schema as s
from kunde_cli.analytics.orders import (
    IN_REVENUE,
    Basis,
    all_orders,
    as_of_cutoff,
    lines_of,
    ore_sum,
)

if TYPE_CHECKING:
    from kunde_cli.config import ProfitConfig

#: Per-customer columns.
PROFIT_TO_DATE = "profit_to_date"
MARGIN_SHARE = "margin_share"
SIMPLE_PROFIT_CLV = "simple_profit_clv"
PREDICTED_PROFIT_CLV = "predicted_profit_clv"
#: Per-segment mean of the simple profit CLV.
AVG_SIMPLE_PROFIT_CLV = "avg_simple_profit_clv"
#: Helper columns summed per segment (:func:`known_parts`, :func:`per_segment_profit`):
#: the revenue and the number of customers whose profit is known.
KNOWN_REVENUE = "_profit_known_revenue"
KNOWN_CUSTOMERS = "_profit_known_customers"

#: Where a line's profit came from (the rules of this module, in order).
FROM_COST = "cost"
FROM_CATEGORY = "category"
FROM_SHOP = "shop"
FROM_NONE = "none"
SOURCES = (FROM_COST, FROM_CATEGORY, FROM_SHOP, FROM_NONE)

_PROFIT = "_profit"
_KNOWN_AMOUNT = "_known_amount"
_SOURCE = "_profit_source"


@dataclass(frozen=True)
class Margins:
    """The margins kunde.toml gives: the shop's and per category (0–1 each)."""

    shop: float | None = None
    by_category: Mapping[str, float] | None = None
    #: The VAT rate the amounts include (see the module notes); 0: as they are.
    vat: float = 0.0

    @classmethod
    def of(cls, config: ProfitConfig | None) -> Margins:
        """The margins of kunde.toml's ``[profit]`` (none without one)."""
        if config is None:
            return cls()
        return cls(shop=config.margin, by_category=dict(config.margin_by_category), vat=config.vat)

    @property
    def given(self) -> bool:
        """True when a margin is set, for the shop or a category."""
        return self.shop is not None or bool(self.by_category)


def has_cost(lines: Basis) -> bool:
    """True when any order line has a cost."""
    frame = lines_of(lines)
    if s.COST not in frame.collect_schema().names():
        return False
    return bool(frame.select(pl.col(s.COST).is_not_null().any()).collect().item())


def applies(lines: Basis, margins: Margins) -> bool:
    """True when profit can be told for this shop: a margin is set, or lines have a cost.
    When False, nothing about profit is shown (every output stays as it was)."""
    return margins.given or has_cost(lines)


def _category_key(expr: pl.Expr) -> pl.Expr:
    return expr.cast(pl.String).str.strip_chars().str.to_lowercase()


def _line_margin(margins: Margins) -> tuple[pl.Expr, pl.Expr]:
    """(margin, source) of a line without a cost, by its category, else the shop."""
    shop = pl.lit(margins.shop, pl.Float64)
    by_category = {k.strip().lower(): float(v) for k, v in (margins.by_category or {}).items()}
    if by_category:
        category = _category_key(pl.col(s.CATEGORY)).replace_strict(
            list(by_category), list(by_category.values()), default=None, return_dtype=pl.Float64
        )
    else:
        category = pl.lit(None, pl.Float64)
    source = (
        pl.when(category.is_not_null())
        .then(pl.lit(FROM_CATEGORY))
        .when(shop.is_not_null())
        .then(pl.lit(FROM_SHOP))
        .otherwise(pl.lit(FROM_NONE))
    )
    return pl.coalesce(category, shop), source


def line_profit(margins: Margins) -> tuple[pl.Expr, pl.Expr]:
    """(profit, source) of a line, on lines as :func:`all_orders` has signed them
    (``amount`` negative on a credit line, ``_credit_line`` set): see the module rules."""
    margin, margin_source = _line_margin(margins)
    cost = pl.col(s.COST).abs()
    signed_cost = pl.when(pl.col("_credit_line")).then(-cost).otherwise(cost)
    amount = pl.col(s.AMOUNT) / (1.0 + margins.vat) if margins.vat else pl.col(s.AMOUNT)
    with_cost = pl.col(s.COST).is_not_null()
    profit = pl.when(with_cost).then(amount - signed_cost).otherwise(amount * margin)
    source = pl.when(with_cost).then(pl.lit(FROM_COST)).otherwise(margin_source)
    return profit, source


def _with_optional_columns(lines: pl.LazyFrame) -> pl.LazyFrame:
    """``lines`` with a cost and a category column (null when the data has none)."""
    names = lines.collect_schema().names()
    missing = [pl.lit(None, s.ORDERS[c]).alias(c) for c in (s.COST, s.CATEGORY) if c not in names]
    return lines.with_columns(missing) if missing else lines


def customer_profit(lines: Basis, margins: Margins, *, as_of: date | datetime) -> pl.LazyFrame:
    """Per known customer with an order in revenue up to ``as_of``: ``revenue`` (as
    revenue to date counts it), ``profit_known`` and ``known_amount`` (of the lines
    whose profit is known) and ``margin_share`` (null when the known amount is not
    above 0).

    >>> from datetime import datetime as dt
    >>> lines = pl.LazyFrame({
    ...     "customer_id": ["a", "a", "b"], "order_id": ["1", "1", "2"], "line_no": [1, 2, 1],
    ...     "order_date": [dt(2024, 1, 1)] * 3, "amount": [100.0, 50.0, 80.0],
    ...     "status": ["paid"] * 3, "cost": [60.0, None, None],
    ...     "category": ["Kaffe", "Te", "Te"]})
    >>> out = customer_profit(lines, Margins(shop=0.5), as_of=date(2024, 1, 31))
    >>> out = out.sort("customer_id").with_columns(pl.col("margin_share").round(4))
    >>> out.select("customer_id", "profit_known", "margin_share").collect().rows()
    [('a', 65.0, 0.4333), ('b', 40.0, 0.5)]
    """
    frame = _with_optional_columns(lines_of(lines))
    profit, _ = line_profit(margins)
    known = profit.is_not_null()
    extra = [
        ore_sum(profit.fill_null(0.0)).alias(_PROFIT),
        ore_sum(pl.when(known).then(pl.col(s.AMOUNT)).otherwise(0.0)).alias(_KNOWN_AMOUNT),
    ]
    orders = all_orders(frame, as_of=as_of, extra=extra).filter(
        pl.col(s.CUSTOMER_ID).is_not_null() & pl.col(IN_REVENUE)
    )
    known_amount = pl.col(_KNOWN_AMOUNT)
    return (
        orders.group_by(s.CUSTOMER_ID)
        .agg(
            ore_sum(pl.col("net_amount")).alias("revenue"),
            ore_sum(pl.col(_PROFIT)).alias("profit_known"),
            ore_sum(known_amount).alias("known_amount"),
        )
        .with_columns(
            pl.when(pl.col("known_amount") > 0)
            .then(pl.col("profit_known") / pl.col("known_amount"))
            .alias(MARGIN_SHARE)
        )
    )


def shop_margin_share(per_customer: pl.DataFrame) -> float | None:
    """The shop's margin share: all customers' known profit / their known amount
    (summed to the ore, so the same data gives the same share in any row order)."""
    sums = per_customer.select(ore_sum(pl.col("profit_known")), ore_sum(pl.col("known_amount")))
    profit, amount = (float(v or 0.0) for v in sums.row(0))
    return profit / amount if amount > 0 else None


def line_sources(lines: Basis, margins: Margins, *, as_of: date | datetime) -> dict[str, int]:
    """How many order lines up to ``as_of`` took their profit from each rule
    (:data:`SOURCES`; every rule named, 0 when none)."""
    frame = _with_optional_columns(lines_of(lines)).filter(
        pl.col(s.ORDER_DATE) < as_of_cutoff(as_of)
    )
    _, source = line_profit(margins)  # the source does not depend on the line's sign
    counts = frame.select(source.alias(_SOURCE)).group_by(_SOURCE).agg(pl.len()).collect()
    found = dict(counts.select(_SOURCE, "len").iter_rows())
    return {name: int(found.get(name, 0)) for name in SOURCES}


def unused_categories(lines: Basis, margins: Margins) -> list[str]:
    """The categories kunde.toml gives a margin that no order line has (a typo?)."""
    if not margins.by_category:
        return []
    frame = _with_optional_columns(lines_of(lines))
    present = set(
        frame.select(_category_key(pl.col(s.CATEGORY)).drop_nulls().unique())
        .collect()
        .to_series()
        .to_list()
    )
    return sorted(name for name in margins.by_category if name.strip().lower() not in present)


def with_profit(values: pl.LazyFrame, per_customer: pl.LazyFrame | pl.DataFrame) -> pl.LazyFrame:
    """:func:`kunde_cli.analytics.value.historical_value` with ``profit_to_date``,
    ``margin_share`` and ``simple_profit_clv``: the customer's known profit plus her
    other lines' revenue × her margin share (= revenue to date × margin share), and her
    simple CLV × her margin share. Without a margin share (no known amount above 0)
    they are null — unless nothing is unknown: then profit to date is the known profit,
    and a simple CLV of 0 is a profit CLV of 0 (an order of free samples)."""
    from kunde_cli.analytics.value import REVENUE_TO_DATE, SIMPLE_CLV

    known = per_customer.lazy().select(s.CUSTOMER_ID, "profit_known", "known_amount", MARGIN_SHARE)
    share = pl.col(MARGIN_SHARE)
    unknown = pl.col(REVENUE_TO_DATE) - pl.col("known_amount")
    all_known = unknown.abs() < 0.005
    profit = (
        pl.when(all_known)
        .then(pl.col("profit_known"))
        .otherwise(pl.col("profit_known") + unknown * share)
    )
    clv = (
        pl.when(share.is_null() & (pl.col(SIMPLE_CLV) == 0))
        .then(0.0)
        .otherwise(pl.col(SIMPLE_CLV) * share)
    )
    return (
        values.join(known, on=s.CUSTOMER_ID, how="left")
        .with_columns(profit.alias(PROFIT_TO_DATE), clv.alias(SIMPLE_PROFIT_CLV))
        .select(pl.all().exclude(MARGIN_SHARE, "profit_known", "known_amount"), MARGIN_SHARE)
    )


def predicted_profit(
    predicted: pl.LazyFrame | pl.DataFrame,
    per_customer: pl.LazyFrame | pl.DataFrame,
    shop_share: float | None,
) -> pl.LazyFrame:
    """``customer_id`` and ``predicted_profit_clv``: each customer's predicted value
    (``predicted_clv``) × her own margin share, else × ``shop_share``."""
    from kunde_cli.analytics.clv.predict import PREDICTED_CLV

    share = per_customer.lazy().select(s.CUSTOMER_ID, MARGIN_SHARE)
    margin = pl.coalesce(pl.col(MARGIN_SHARE), pl.lit(shop_share, pl.Float64))
    return (
        predicted.lazy()
        .select(s.CUSTOMER_ID, PREDICTED_CLV)
        .join(share, on=s.CUSTOMER_ID, how="left")
        .select(s.CUSTOMER_ID, (pl.col(PREDICTED_CLV) * margin).alias(PREDICTED_PROFIT_CLV))
    )


def known_parts() -> list[pl.Expr]:
    """Per customer of :func:`with_profit`: her revenue to date when her profit is known
    (else 0) and 1 when her simple profit CLV is known (else 0) — summed per segment
    (``extra_sums``) so :func:`per_segment_profit` and :func:`profit_totals` divide by
    the customers whose profit is known, not by everyone's revenue (a customer whose
    profit is unknown is not one of 0 profit)."""
    from kunde_cli.analytics.value import REVENUE_TO_DATE

    return [
        pl.when(pl.col(PROFIT_TO_DATE).is_not_null())
        .then(pl.col(REVENUE_TO_DATE))
        .otherwise(0.0)
        .alias(KNOWN_REVENUE),
        pl.col(SIMPLE_PROFIT_CLV).is_not_null().cast(pl.Int64).alias(KNOWN_CUSTOMERS),
    ]


@dataclass(frozen=True)
class ProfitTotals:
    """The shop's profit to date over the customers whose profit is known: ``profit``,
    their ``revenue``, ``share`` (profit / revenue; None when revenue is not above 0),
    and the customers whose profit is unknown (``unknown``, with ``unknown_revenue``)."""

    profit: float
    revenue: float
    share: float | None
    unknown: int
    unknown_revenue: float


def profit_totals(values: pl.DataFrame) -> ProfitTotals:
    """:class:`ProfitTotals` of :func:`with_profit`'s per-customer frame.

    >>> values = pl.DataFrame({"revenue_to_date": [100.0, 200.0, 50.0],
    ...     "profit_to_date": [40.0, 60.0, None], "simple_profit_clv": [1.0, 2.0, None]})
    >>> t = profit_totals(values)
    >>> (t.profit, t.revenue, round(t.share or 0, 4), t.unknown, t.unknown_revenue)
    (100.0, 300.0, 0.3333, 1, 50.0)
    """
    from kunde_cli.analytics.value import REVENUE_TO_DATE

    known = pl.col(PROFIT_TO_DATE).is_not_null()
    row = values.select(
        pl.col(PROFIT_TO_DATE).sum(),
        pl.col(REVENUE_TO_DATE).filter(known).sum().alias("_known"),
        (~known).sum().cast(pl.Int64).alias("_unknown"),
        pl.col(REVENUE_TO_DATE).filter(~known).sum().alias("_unknown_revenue"),
    ).row(0)
    profit, revenue = float(row[0] or 0.0), float(row[1] or 0.0)
    return ProfitTotals(
        profit=profit,
        revenue=revenue,
        share=profit / revenue if revenue > 0 else None,
        unknown=int(row[2] or 0),
        unknown_revenue=float(row[3] or 0.0),
    )


def per_segment_profit(table: pl.DataFrame) -> pl.DataFrame:
    """A :func:`kunde_cli.analytics.value.value_by_segment` table that summed
    ``profit_to_date`` and ``simple_profit_clv`` (and :func:`known_parts`), with the
    group's ``margin_share`` (profit / the revenue of its customers whose profit is
    known; null when that is not above 0) and ``avg_simple_profit_clv`` (per customer
    whose profit CLV is known). The helper columns are dropped. A table without them
    divides by all the group's revenue and customers."""
    from kunde_cli.analytics.value import CUSTOMERS, REVENUE_TO_DATE

    names = table.columns
    revenue = pl.col(KNOWN_REVENUE) if KNOWN_REVENUE in names else pl.col(REVENUE_TO_DATE)
    customers = pl.col(KNOWN_CUSTOMERS) if KNOWN_CUSTOMERS in names else pl.col(CUSTOMERS)
    known = customers > 0
    return table.with_columns(
        pl.when(revenue > 0).then(pl.col(PROFIT_TO_DATE) / revenue).alias(MARGIN_SHARE),
        pl.when(known).then(pl.col(SIMPLE_PROFIT_CLV) / customers).alias(AVG_SIMPLE_PROFIT_CLV),
        # A group none of whose customers' profit is known has no profit (not 0).
        pl.when(known).then(pl.col(PROFIT_TO_DATE)).alias(PROFIT_TO_DATE),
        pl.when(known).then(pl.col(SIMPLE_PROFIT_CLV)).alias(SIMPLE_PROFIT_CLV),
    ).drop(KNOWN_REVENUE, KNOWN_CUSTOMERS, strict=False)
