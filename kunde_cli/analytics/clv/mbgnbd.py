"""MBG/NBD (Batislam, Denizel & Filiztekin 2007): BG/NBD with drop-out after the first purchase too.

Under BG/NBD a customer can only drop out right after a *repeat* purchase, so every
one-time buyer has P(alive) = 1 however long ago she bought — the property users of
other tools keep reporting as a bug. MBG/NBD lets her drop out with probability p right
after the first purchase as well, so P(alive) of a one-time buyer falls with her age:
1 / (1 + a/b · ((α+T)/α)^r).

The likelihood, fit and predictions share their code with BG/NBD
(:mod:`kunde_cli.analytics.clv.bgnbd`, shift s = 1); this module names the variant.
On the CDNOW sample the fit is r = 0.525, α = 6.183, a = 0.891, b = 1.614 (as the
BTYDplus R package reports).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kunde_cli.analytics.clv.bgnbd import MODEL_MBGNBD, BgNbdParams, _fit_frame
from kunde_cli.analytics.clv.summary import DEFAULT_TIME_UNIT_DAYS

if TYPE_CHECKING:
    import polars as pl

__all__ = ["MODEL_MBGNBD", "fit_mbgnbd"]


def fit_mbgnbd(
    summary: pl.LazyFrame | pl.DataFrame,
    *,
    time_unit_days: float = DEFAULT_TIME_UNIT_DAYS,
    strict: bool = True,
) -> BgNbdParams:
    """Fit MBG/NBD on an :func:`~kunde_cli.analytics.clv.summary.rfm_summary` frame.

    Same inputs, errors and result type as :func:`~kunde_cli.analytics.clv.bgnbd.fit_bgnbd`
    (``model="mbgnbd"`` on the result; the predict functions follow it).
    """
    return _fit_frame(summary, MODEL_MBGNBD, time_unit_days, strict)
