"""The report's trend chart (issue 17 point 3) reads: checked with the geometry rules of
test_chart_geometry.py (no text over text, no grid line through text, nothing outside
the picture) at several sizes, in da and en, with and without a survey."""

from __future__ import annotations

import re
from datetime import date

import polars as pl
import pytest
from test_chart_geometry import _walk, check_reads

from kunde_cli.render import charts

LANGS = ("da", "en")


def _trend(months: int, *, nps: bool, revenue_scale: float = 1000.0) -> pl.DataFrame:
    days = [date(2023 + m // 12, m % 12 + 1, 1) for m in range(months)]
    frame = pl.DataFrame(
        {
            "month": [d.strftime("%Y-%m") for d in days],
            "month_start": days,
            "partial": [m == months - 1 for m in range(months)],
            # A month of credit notes only goes below 0.
            "revenue": [
                -2 * revenue_scale if m == 1 else revenue_scale * ((m * 37) % 23 + 1)
                for m in range(months)
            ],
            "orders": [1 + m % 3 + (m * 7) % 30 for m in range(months)],
            "active_customers": [1 + m % 3 + (m * 7) % 30 for m in range(months)],
            "customers_new": [1 + m % 3 for m in range(months)],
            "customers_returning": [(m * 7) % 30 for m in range(months)],
        }
    )
    if nps:
        score = [None if m % 5 == 2 else float((m * 37) % 180 - 90) for m in range(months)]
        frame = frame.with_columns(
            pl.Series("n", [0 if s is None else 12 for s in score]),
            pl.Series("nps", score, dtype=pl.Float64),
            pl.Series("ci_low", [None if s is None else max(-100.0, s - 30) for s in score]),
            pl.Series("ci_high", [None if s is None else min(100.0, s + 30) for s in score]),
        )
    return frame


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("months", [1, 2, 7, 13, 24])
@pytest.mark.parametrize("nps", [False, True])
@pytest.mark.parametrize("scale", [1.0, 1000.0, 250000.0])
def test_trend_chart_reads(lang, months, nps, scale):
    out = charts.trend_chart(_trend(months, nps=nps, revenue_scale=scale), lang=lang)
    texts = check_reads(out)
    contents = [t.content for t in texts]
    revenue = {"da": "Omsætning (kr.)", "en": "Revenue (DKK)"}[lang]
    assert revenue in contents
    assert ({"da": "NPS (95 %-interval)", "en": "NPS (95 % interval)"}[lang] in contents) == nps
    # Every month is on the axis or hidden by parity, the first always shown.
    first = date(2023, 1, 1).strftime({"da": "%m-%Y", "en": "%Y-%m"}[lang])
    assert first in contents


def test_the_chart_draws_each_month_and_pales_the_month_not_over():
    out = charts.trend_chart(_trend(4, nps=True), lang="da")
    # Revenue bars: month 1 (February) is below 0.
    titles = re.findall(r"<title>([^<]*)</title>", out)
    assert any(t.startswith("02-2023: -2.000 kr.") for t in titles), titles
    assert any("04-2023 (måneden ikke slut)" in t for t in titles)
    assert 'fill-opacity="0.5"' in out
    # The NPS months with an answer: a point with its interval in the hover text.
    assert sum(1 for t in titles if " NPS " in f" {t.split(': ', 1)[1]}") == 3


def test_nothing_to_draw_is_one_line():
    empty = _trend(3, nps=True).head(0)
    assert charts.trend_chart(empty, lang="en") == (
        '<p class="chart-empty">No orders in the period, so there is nothing to draw here.</p>'
    )
    zeros = _trend(2, nps=False, revenue_scale=0.0).with_columns(
        pl.lit(0).alias("customers_new"), pl.lit(0).alias("customers_returning")
    )
    assert "<svg" not in charts.trend_chart(zeros, lang="da")


def test_an_anonymised_month_without_revenue_has_no_bar():
    trend = _trend(3, nps=False).with_columns(
        pl.when(pl.col("month") == "2023-02").then(pl.col("revenue")).alias("revenue")
    )
    out = charts.trend_chart(trend, lang="en")
    check_reads(out)
    titles = re.findall(r"<title>([^<]*)</title>", out)
    assert [t for t in titles if "DKK" in t] == ["2023-02: DKK -2,000"]
    texts, _, _ = _walk(out)
    assert texts


@pytest.mark.parametrize("lang", LANGS)
def test_a_survey_only_shop_gets_the_nps_panel_alone(lang):
    trend = _trend(6, nps=True).with_columns(
        pl.lit(0.0).alias("revenue"),
        pl.lit(0).alias("customers_new"),
        pl.lit(0).alias("customers_returning"),
    )
    out = charts.trend_chart(trend, lang=lang)
    contents = [t.content for t in check_reads(out)]
    assert {"da": "NPS (95 %-interval)", "en": "NPS (95 % interval)"}[lang] in contents
    assert not any(c.startswith(("Omsætning", "Revenue", "Købende", "Buying")) for c in contents)
    assert int(re.search(r'height="(\d+)"', out).group(1)) < 220  # one panel, not three


def test_every_revenue_left_out_still_draws_the_customers():
    trend = _trend(4, nps=False).with_columns(pl.lit(None, pl.Float64).alias("revenue"))
    out = charts.trend_chart(trend, lang="da")
    check_reads(out)
    assert "Købende kunder" in out
