"""The seasonality guard: the monthly revenue profile and the holdout verdict, by hand."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
import pytest

from kunde_cli.analytics.seasonality import judge_holdout, month_profile


def monthly_shop(first: date, last: date, *, december: float = 400.0) -> pl.LazyFrame:
    """One order on the 15th of every month from ``first`` to ``last``: 100 kr, and
    ``december`` kr in December."""
    days = pl.date_range(first, last, "1mo", eager=True).to_list()
    return pl.LazyFrame(
        {
            "customer_id": [f"c{i % 7}" for i in range(len(days))],
            "order_id": [str(i) for i in range(len(days))],
            "line_no": [1] * len(days),
            "order_date": [datetime(d.year, d.month, d.day) for d in days],
            "amount": [december if d.month == 12 else 100.0 for d in days],
            "status": ["paid"] * len(days),
        }
    )


def test_profile_is_the_mean_share_of_the_complete_years():
    # 2023-01-15 … 2026-01-15, as of 2026-01-31: complete years 2023, 2024, 2025,
    # each 11 × 100 + 400 = 1500 kr, so December holds 4/15 and every other month 1/15.
    shop = monthly_shop(date(2023, 1, 15), date(2026, 1, 15))
    profile = month_profile(shop, as_of=date(2026, 1, 31))
    assert profile is not None
    assert profile.get_column("month").to_list() == list(range(1, 13))
    shares = profile.get_column("share").to_list()
    assert shares[11] == pytest.approx(4 / 15)
    assert shares[:11] == pytest.approx([1 / 15] * 11)


def test_a_holdout_over_december_gets_a_verdict():
    shop = monthly_shop(date(2023, 1, 15), date(2026, 1, 15))
    as_of = date(2026, 1, 31)
    # --holdout 2m: 61 days, calibration ends 2025-12-01; the window is 2–31 December
    # (30 of 31 days) and all of January.
    verdict = judge_holdout(
        month_profile(shop, as_of=as_of), calibration_end=date(2025, 12, 1), as_of=as_of
    )
    assert verdict is not None
    assert verdict.peak_months == (12,)
    assert verdict.expected_share == pytest.approx(30 / 31 * 4 / 15 + 1 / 15)
    assert verdict.length_share == pytest.approx(61 / 365.25)
    assert verdict.suggested_as_of == as_of
    assert verdict.suggested_months == 12


def test_a_holdout_without_the_peak_is_fair():
    shop = monthly_shop(date(2023, 1, 15), date(2026, 1, 15))
    as_of = date(2025, 10, 31)
    profile = month_profile(shop, as_of=as_of)  # complete years 2023, 2024
    assert profile is not None
    assert judge_holdout(profile, calibration_end=date(2025, 8, 31), as_of=as_of) is None


def test_a_whole_year_holdout_is_never_judged():
    shop = monthly_shop(date(2023, 1, 15), date(2026, 1, 15))
    as_of = date(2026, 1, 31)
    profile = month_profile(shop, as_of=as_of)
    assert judge_holdout(profile, calibration_end=date(2025, 1, 31), as_of=as_of) is None


def test_a_flat_shop_has_no_peak():
    shop = monthly_shop(date(2023, 1, 15), date(2026, 1, 15), december=100.0)
    as_of = date(2026, 1, 31)
    profile = month_profile(shop, as_of=as_of)
    assert profile is not None
    assert profile.get_column("share").to_list() == pytest.approx([1 / 12] * 12)
    assert judge_holdout(profile, calibration_end=date(2025, 12, 1), as_of=as_of) is None


def test_fewer_than_two_complete_years_say_nothing():
    # First order in February 2024: only 2025 is a complete year by 2026-01-31.
    shop = monthly_shop(date(2024, 2, 15), date(2026, 1, 15))
    as_of = date(2026, 1, 31)
    assert month_profile(shop, as_of=as_of) is None
    assert judge_holdout(None, calibration_end=date(2025, 12, 1), as_of=as_of) is None
