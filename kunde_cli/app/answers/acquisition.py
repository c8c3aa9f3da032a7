"""What a new customer is worth by where she came from (issue 18, point 4; the table
of ``kunde clv --new-by``, :func:`kunde_cli.analytics.clv.acquisition.new_customer_value`).

Grouped by the first order's channel when the shop's lines name at least two channels,
else by its first category (at least two categories); only when the report fits models.
The shop's own fits (``ctx.clv``) serve as the pooled fits of the tests.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kunde_cli.analytics.clv.acquisition import NewCustomerValue
    from kunde_cli.app.answers import AnswerContext

ORDER = 50


def grouping(ctx: AnswerContext) -> str | None:
    """``channel`` when the lines up to the as-of date name two channels or more (case
    aside), else ``category`` when they name two categories or more, else None."""
    import polars as pl

    from kunde_cli import schema as s
    from kunde_cli.analytics.clv.acquisition import BY_CATEGORY, BY_CHANNEL, GROUPINGS
    from kunde_cli.analytics.orders import as_of_cutoff

    lines = ctx.lines.lines.filter(pl.col(s.ORDER_DATE) < as_of_cutoff(ctx.as_of))
    names = lines.collect_schema().names()
    present = [GROUPINGS[by] for by in (BY_CHANNEL, BY_CATEGORY) if GROUPINGS[by] in names]
    if not present:
        return None
    named = (
        lines.select(
            pl.col(c)
            .cast(pl.String)
            .str.strip_chars()
            .str.to_lowercase()  # one channel however it is spelt (as the groups are)
            .replace("", None)
            .drop_nulls()
            .n_unique()
            for c in present
        )
        .collect()
        .row(0, named=True)
    )
    return next((by for by in (BY_CHANNEL, BY_CATEGORY) if named.get(GROUPINGS[by], 0) >= 2), None)


def build(ctx: AnswerContext) -> NewCustomerValue | None:
    """None without model fits, without two channels or categories, or when no group is
    large enough to be valued or tested."""
    if not ctx.fit_model:
        return None
    by = grouping(ctx)
    if by is None:
        return None
    from kunde_cli.analytics.clv.acquisition import new_customer_value
    from kunde_cli.errors import InputError

    clv = ctx.clv
    shop = (clv.purchase_model, clv.spend_model) if clv is not None else (None, None)
    try:
        facts = new_customer_value(ctx.lines, as_of=ctx.as_of, by=by, fits=ctx.fits, shop_fits=shop)
    except InputError:
        return None
    if not facts.valued and facts.value_test is None:
        return None
    return facts
