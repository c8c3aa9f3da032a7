"""The report's back-test section: was the model right for this shop (issue 18 points 1–2).

Built only when the report fits models (``ctx.fit_model``); the fits go through the
report's fit cache (``ctx.fits``), so a report on an unchanged workspace refits nothing.
The facts are :class:`kunde_cli.analytics.backtest.Backtest` (worded and drawn by
:mod:`kunde_cli.render.answers.backtest`); None when there is too little to back-test.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import date

    import polars as pl

    from kunde_cli.analytics.backtest import Backtest
    from kunde_cli.analytics.clv.predict import FitStore
    from kunde_cli.analytics.orders import Basis
    from kunde_cli.app.answers import AnswerContext
    from kunde_cli.config import ChurnConfig

ORDER = 30


def build(ctx: AnswerContext) -> Backtest | None:
    """The default back-test (the last quarter, or the season-matched year) on the
    report's lines, or None without model fits or with too little data."""
    if not ctx.fit_model:
        return None
    from kunde_cli.analytics.backtest import backtest
    from kunde_cli.errors import ModelError

    try:
        return backtest(ctx.lines, as_of=ctx.as_of, config=ctx.config.churn, fits=ctx.fits)
    except ModelError:
        return None


#: Columns a customer list with P(alive) gains from :func:`marked_by_cutoff`.
ALIVE_BY_CUTOFF = "alive_by_cutoff"


def marked_by_cutoff(
    frame: pl.DataFrame,
    lines: Basis,
    *,
    as_of: date,
    model: str,
    config: ChurnConfig | None = None,
    fits: FitStore | None = None,
) -> tuple[pl.DataFrame, Backtest | None]:
    """``kunde churn --model``'s list by the P(alive) cut-off of the shop's own
    back-test of ``model`` (the default split): with ``p_alive`` and ``customer_id`` in
    ``frame``, the columns ``alive_by_cutoff`` (P(alive) at or above the cut-off; null
    where P(alive) is) and, for one-time buyers, ``days_since_purchase`` and
    ``came_back_within_days`` (:func:`~kunde_cli.analytics.backtest.one_time_reasons`).
    The back-test comes back too (None, and the frame unchanged, when there is too
    little to back-test)."""
    import polars as pl

    from kunde_cli import schema as s
    from kunde_cli.analytics.backtest import (
        CAME_BACK_WITHIN,
        DAYS_SINCE,
        backtest,
        one_time_reasons,
    )
    from kunde_cli.errors import ModelError

    try:
        result = backtest(lines, as_of=as_of, models=(model,), config=config, fits=fits)
    except ModelError:
        return frame, None
    cut = result.cutoff
    if cut is None or "p_alive" not in frame.columns or s.CUSTOMER_ID not in frame.columns:
        return frame, result
    reasons = one_time_reasons(lines, as_of=as_of).select(
        s.CUSTOMER_ID, DAYS_SINCE, CAME_BACK_WITHIN
    )
    marked = frame.with_columns((pl.col("p_alive") >= cut.threshold).alias(ALIVE_BY_CUTOFF)).join(
        reasons, on=s.CUSTOMER_ID, how="left", maintain_order="left"
    )
    return marked, result
