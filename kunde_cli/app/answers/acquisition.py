"""What a new customer is worth by where she came from (issue 18, point 4; the table
of ``kunde clv --new-by``, :func:`kunde_cli.analytics.clv.acquisition.new_customer_value`).

Grouped by the first order's channel when first orders came through at least two
channels, else by its first category (at least two); only when the report fits models.
The shop's own fits (``ctx.clv``) serve as the pooled fits of the tests.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kunde_cli.analytics.clv.acquisition import NewCustomerValue
    from kunde_cli.app.answers import AnswerContext

ORDER = 50


def grouping(ctx: AnswerContext) -> str | None:
    """``channel`` when the customers' first counted orders came through two channels or
    more, else ``category`` when they hold two first categories or more, else None —
    counted on the groups themselves (:func:`~kunde_cli.analytics.clv.acquisition.
    acquisition_groups`: spellings, blanks, cancelled and later orders as there)."""
    from kunde_cli.analytics.clv.acquisition import (
        BY_CATEGORY,
        BY_CHANNEL,
        GROUP,
        acquisition_groups,
    )
    from kunde_cli.errors import InputError

    for by in (BY_CHANNEL, BY_CATEGORY):
        try:
            groups = acquisition_groups(ctx.lines, as_of=ctx.as_of, by=by)
        except InputError:  # no line fills the column
            continue
        if groups.get_column(GROUP).drop_nulls().n_unique() >= 2:
            return by
    return None


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
