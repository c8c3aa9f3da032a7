"""Profit CLV per segment and where each line's profit came from (issue 18, point 7;
the rules are :mod:`kunde_cli.analytics.profit`).

:func:`profit_basis` is also what ``kunde clv`` adds its profit columns from: the
section and the command tell the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl

    from kunde_cli.analytics.orders import Basis
    from kunde_cli.analytics.profit import Margins
    from kunde_cli.app.answers import AnswerContext
    from kunde_cli.config import ProfitConfig

ORDER = 60


@dataclass(frozen=True)
class ProfitBasis:
    """What profit rests on for one shop at one date.

    ``customers`` per customer (:func:`kunde_cli.analytics.profit.customer_profit`);
    ``shop_share`` the shop's margin share (None when no line's profit is known);
    ``sources`` order lines per rule (cost, category, shop, none);
    ``unused_categories`` the categories kunde.toml names that no line has.
    """

    margins: Margins
    customers: pl.DataFrame
    shop_share: float | None
    sources: dict[str, int]
    unused_categories: tuple[str, ...]


def profit_basis(lines: Basis, config: ProfitConfig, *, as_of: date) -> ProfitBasis | None:
    """The profit basis of ``lines``, or None when the shop has neither a cost column
    nor a margin in kunde.toml (then nothing about profit is shown anywhere)."""
    from kunde_cli.analytics import profit as prof

    margins = prof.Margins.of(config)
    if not prof.applies(lines, margins):
        return None
    customers = prof.customer_profit(lines, margins, as_of=as_of).collect()
    return ProfitBasis(
        margins=margins,
        customers=customers,
        shop_share=prof.shop_margin_share(customers),
        sources=prof.line_sources(lines, margins, as_of=as_of),
        unused_categories=tuple(prof.unused_categories(lines, margins)),
    )


@dataclass(frozen=True)
class ProfitFacts:
    """The section's facts: the basis, the shop's profit to date and the revenue of the
    customers whose profit is known (:func:`kunde_cli.analytics.profit.profit_totals`), and per
    segment (top rows by profit) customers, revenue, profit, margin share and the
    average simple and (with a trusted model) predicted profit CLV."""

    basis: ProfitBasis
    revenue: float
    profit: float
    by_segment: pl.DataFrame
    predicted: bool
    #: Customers whose profit is unknown (no line with a cost or margin) and their revenue.
    unknown: int = 0
    unknown_revenue: float = 0.0


def build(ctx: AnswerContext) -> ProfitFacts | None:
    """None when profit does not apply to this shop."""
    import polars as pl

    from kunde_cli.analytics import profit as prof
    from kunde_cli.analytics import value as val

    basis = profit_basis(ctx.lines, ctx.config.profit, as_of=ctx.as_of)
    if basis is None:
        return None
    values = prof.with_profit(val.historical_value(ctx.lines, as_of=ctx.as_of), basis.customers)
    sums: tuple[str, ...] = (prof.PROFIT_TO_DATE, prof.SIMPLE_PROFIT_CLV)
    clv = ctx.clv
    predicted = clv is not None and clv.spend_trusted and "predicted_clv" in clv.customers.columns
    if predicted and clv is not None:
        values = values.join(
            prof.predicted_profit(clv.customers, basis.customers, basis.shop_share),
            on="customer_id",
            how="left",
        )
        sums = (*sums, prof.PREDICTED_PROFIT_CLV)
    # Shares and averages over the customers whose profit is known (prof.known_parts).
    # Collected once: the per-customer values feed both the segments and the totals.
    collected = values.with_columns(prof.known_parts()).collect()
    sums = (*sums, prof.KNOWN_REVENUE, prof.KNOWN_CUSTOMERS)
    table = val.value_by_segment(collected.lazy(), ctx.segments.lazy(), extra_sums=sums).collect()
    totals = prof.profit_totals(collected)
    customers = pl.col(val.CUSTOMERS)
    shown = [
        pl.col(val.SEGMENT),
        customers,
        pl.col(val.REVENUE_TO_DATE),
        pl.col(prof.PROFIT_TO_DATE),
        pl.col(prof.MARGIN_SHARE),
        pl.col(prof.AVG_SIMPLE_PROFIT_CLV),
    ]
    if predicted:
        shown.append(
            (pl.col(prof.PREDICTED_PROFIT_CLV) / customers).alias(prof.PREDICTED_PROFIT_CLV)
        )
    by_segment = (
        prof.per_segment_profit(table)
        .select(shown)
        .sort([prof.PROFIT_TO_DATE, val.SEGMENT], descending=[True, False], nulls_last=True)
        .head(12)
    )
    if ctx.anonymise_salt is not None:
        from kunde_cli.analytics.profiles import suppress_small_groups

        # No sum or average of a handful of customers in an anonymised report.
        by_segment = suppress_small_groups(by_segment, count=val.CUSTOMERS, keep=())
    return ProfitFacts(
        basis=basis,
        revenue=totals.revenue,
        profit=totals.profit,
        by_segment=by_segment,
        predicted=predicted,
        unknown=totals.unknown,
        unknown_revenue=totals.unknown_revenue,
    )
