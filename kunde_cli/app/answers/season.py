"""The shop's seasons (issue 18, point 5): its monthly revenue profile and whether a
back-test over the last quarter or half-year would be fooled by its peak months
(:mod:`kunde_cli.analytics.seasonality`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl

    from kunde_cli.analytics.seasonality import SeasonVerdict
    from kunde_cli.app.answers import AnswerContext

ORDER = 10

#: The holdouts judged in the report: the last quarter (``kunde backtest``'s default)
#: and the last half-year (``kunde clv --holdout 6m``), in days.
JUDGED_HOLDOUTS = (91, 183)


@dataclass(frozen=True)
class SeasonFacts:
    """``profile``: month (1–12) and share of a year's revenue; ``peaks``: the peak
    months (share ≥ PEAK_FACTOR / 12), largest share first; ``verdicts``: per judged
    holdout length in days, the verdict when that holdout straddles peak months."""

    profile: pl.DataFrame
    peaks: tuple[int, ...]
    verdicts: tuple[tuple[int, SeasonVerdict], ...]


def build(ctx: AnswerContext) -> SeasonFacts | None:
    """None without a profile (fewer than two complete calendar years)."""
    import polars as pl

    from kunde_cli.analytics.seasonality import (
        MONTH,
        PEAK_FACTOR,
        SHARE,
        judge_holdout,
        month_profile,
    )

    profile = month_profile(ctx.lines, as_of=ctx.as_of)
    if profile is None:
        return None
    peaks = tuple(
        int(m)
        for m in profile.filter(pl.col(SHARE) >= PEAK_FACTOR / 12)
        .sort([SHARE, MONTH], descending=[True, False])
        .get_column(MONTH)
    )
    verdicts = []
    for days in JUDGED_HOLDOUTS:
        verdict = judge_holdout(
            profile, calibration_end=ctx.as_of - timedelta(days=days), as_of=ctx.as_of
        )
        if verdict is not None:
            verdicts.append((days, verdict))
    return SeasonFacts(profile, peaks, tuple(verdicts))
