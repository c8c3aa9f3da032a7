"""The next 12 months, month by month, with ranges (issue 18, point 3; the table of
``kunde clv --monthly``, :func:`kunde_cli.analytics.clv.monthly.monthly_value`).

Only when the report fits models and its purchase fit is trusted: the report's own fits
(``ctx.clv``) are used, nothing is fitted again. Revenue when the spend model is trusted
too — over the report's horizon and at its discount (``ctx.clv``), so the months add up
to the predicted CLV of the report's customer-value section.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kunde_cli.analytics.clv.monthly import MonthlyValue
    from kunde_cli.app.answers import AnswerContext

ORDER = 40


@dataclass(frozen=True)
class MonthlyFacts:
    """``value`` the months of the shop's customers at the as-of date; ``model`` the
    purchase model (``bgnbd`` or ``mbgnbd``)."""

    value: MonthlyValue
    model: str


def build(ctx: AnswerContext) -> MonthlyFacts | None:
    """None without model fits, or when the purchase fit is not trusted."""
    if not ctx.fit_model or ctx.clv is None or not ctx.clv.purchase_trusted:
        return None
    from kunde_cli.analytics.clv.monthly import monthly_value
    from kunde_cli.errors import ModelError

    clv = ctx.clv
    try:
        value = monthly_value(
            clv.customers,
            clv.purchase_model,
            clv.spend_model if clv.spend_trusted else None,
            as_of=ctx.as_of,
            months=clv.horizon_months,
            discount_yearly=(1.0 + clv.discount_monthly) ** 12 - 1.0,
        )
    except ModelError:
        return None
    return MonthlyFacts(value=value, model=clv.purchase_model.model)
