"""The report's back-test section: was the model right for this shop (issue 18 points 1–2).

Built only when the report fits models (``ctx.fit_model``); the fits go through the
report's fit cache (``ctx.fits``), so a report on an unchanged workspace refits nothing.
The facts are :class:`kunde_cli.analytics.backtest.Backtest` (worded and drawn by
:mod:`kunde_cli.render.answers.backtest`); None when there is too little to back-test.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kunde_cli.analytics.backtest import Backtest
    from kunde_cli.app.answers import AnswerContext

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
