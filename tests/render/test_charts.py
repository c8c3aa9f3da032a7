"""The report's charts: inline SVG drawn in Python, the right marks at the right places.

Expected sizes and ticks are worked out by hand in each test from the chart's layout
(plot widths in kunde_cli/render/charts.py) and the 1-2-5 tick rule.
"""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date

import polars as pl
import pytest

from kunde_cli.render import charts, svg

# --- primitives ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "stop", "count", "expected"),
    [
        # 8216 / 10 = 821.6 → step 1000 → 9000; 9000 / 10 = 900 → 1000 again: done.
        (0.0, 8216.0, 10, (0.0, 9000.0)),
        # 0.378 / 10 = 0.0378 → 3.78 ≥ √10 → step 0.05 → 0.4.
        (0.0, 0.378, 10, (0.0, 0.4)),
        # 9404 / 10 → step 1000 → 10000.
        (0.0, 9404.0, 10, (0.0, 10000.0)),
        # Nothing to show: a unit domain, not a division by zero.
        (0.0, 0.0, 10, (0.0, 1.0)),
    ],
)
def test_nice(start, stop, count, expected):
    assert svg.nice(start, stop, count) == expected


def test_ticks():
    # 9000 / 6 = 1500 → 1.5 ≥ √2 → step 2000.
    assert svg.ticks(0.0, 9000.0, 6) == ([0.0, 2000.0, 4000.0, 6000.0, 8000.0], 2000.0)
    # 200 / 6 = 33.3 → 3.33 ≥ √10 → step 50.
    assert svg.ticks(-100.0, 100.0, 6)[0] == [-100.0, -50.0, 0.0, 50.0, 100.0]
    # 0.4 / 10 = 0.04 → step 0.05, no 0.15000000000000002.
    values, step = svg.ticks(0.0, 0.4, 10)
    assert step == 0.05 and values[3] == 0.15 and len(values) == 9
    assert [svg.decimals(s) for s in (2000.0, 5.0, 0.5, 0.05)] == [0, 0, 1, 2]


def test_month_ticks():
    # 35 months on 480 px: at most 12 ticks → every 3 months, on Jan/Apr/Jul/Oct.
    months = svg.month_ticks(date(2023, 11, 1), date(2026, 10, 1), 480)
    assert months[0] == date(2024, 1, 1) and months[-1] == date(2026, 10, 1)
    assert len(months) == 12 and {m.month for m in months} == {1, 4, 7, 10}
    # Five months fit monthly.
    assert len(svg.month_ticks(date(2024, 1, 1), date(2024, 5, 1), 480)) == 5
    # A date inside a month starts the ticks at the next month.
    assert svg.month_ticks(date(2024, 1, 15), date(2024, 3, 1), 480)[0] == date(2024, 2, 1)


def test_colour_scale():
    green = svg.colour_scale(svg.GREENS)
    assert green(0.0) == "#d3eecd" and green(1.0) == "#036429"
    assert green(0.1) == "#c0e6ba"  # the second of eleven stops
    # Halfway between #d3eecd and #c0e6ba: (211 + 192) / 2 = 201.5 → 202 (ca),
    # (238 + 230) / 2 = 234 (ea), (205 + 186) / 2 = 195.5 → 196 (c4).
    assert green(0.05) == "#caeac4"
    assert green(-1.0) == green(0.0) and green(2.0) == green(1.0)


def test_numbers_text_and_escaping():
    assert [svg.num(v) for v in (1.0, 2.5, 1 / 3, -0.001, 12.346)] == [
        "1",
        "2.5",
        "0.33",
        "0",
        "12.35",
    ]
    assert svg.minus("-50") == "−50" and svg.minus("50") == "50"
    # "Nye": N 722 + y 500 + e 556 = 1778 units → 19.558 px at 11 px in Arial, + 14 %.
    assert svg.text_width("Nye") == pytest.approx(19.558 * 1.14)
    assert svg.text_width("Nye", bold=True) > svg.text_width("Nye")
    axis = svg.axis_left([10.0], ["<b>&"], height=20, title='a "b"')
    assert ">&lt;b&gt;&amp;<" in axis and ">a &quot;b&quot;<" in axis
    assert svg.slug("Kohorte (første køb)") == "kohorte-f-rste-k-b"


# --- the five charts ------------------------------------------------------------------------


def _segments() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "segment": ["champion", "loyal", "new"],
            "customers": [5, 5, 0],
            "share_customers": [0.5, 0.5, 0.0],
            "share_revenue": [0.6, None, 0.0],
        }
    )


def _bars(page: str) -> list[tuple[float, float, float, float]]:
    """Every bar ``M x,y h w v h …`` as (x, y, width, height)."""
    found = re.findall(r'<path d="M([\d.]+),([\d.]+)h([\d.]+)v([\d.]+)h', page)
    return [tuple(float(v) for v in bar) for bar in found]


def test_segment_chart_bars_axis_and_legend():
    out = charts.segment_chart(_segments(), lang="da")
    # "new" has no customers: two segments × two measures.
    bars = _bars(out)
    assert len(bars) == 4
    # Domain nice(0, 0.6) = 0.6 over 400 px: 0.5 → 333.33 px, 0.6 → 400, null → 0.
    assert [b[2] for b in bars] == [pytest.approx(333.33), pytest.approx(333.33), 400.0, 0.0]
    # Rows 28 px apart, the second measure 11 px below the first.
    assert [b[1] for b in bars] == [3.0, 31.0, 14.0, 42.0]
    for text in ("Topkunder", "Loyale", "Andel kunder", "Andel omsætning", "0%", "60%"):
        assert f">{text}<" in out
    assert "Nye" not in out
    assert 'aria-label="Segment"' in out
    english = charts.segment_chart(_segments(), lang="en")
    assert ">Champions<" in english and ">Share of revenue<" in english
    assert charts.segment_chart(_segments().filter(pl.col("customers") == 0)) == (
        '<p class="chart-empty">Ingen ordrer i perioden, så her er intet at tegne.</p>'
    )


def test_ladder_funnel_is_centred_with_counts_and_change():
    change = pl.DataFrame(
        {
            "rung": ["potential", "first_time", "ambassador"],
            "customers_now": [475, 9404, 997],
            "change": [56, -972, 0],
        }
    )
    out = charts.ladder_funnel(change, lang="da")
    bars = _bars(out)
    # Scale nice(0, 9404) = 10000 over 300 px; each bar centred on 150.
    assert [b[2] for b in bars] == [14.25, 282.12, 29.91]
    assert all(b[0] + b[2] / 2 == pytest.approx(150, abs=0.01) for b in bars)
    assert ">475 (+56)<" in out and ">9.404 (−972)<" in out and ">997 (±0)<" in out
    assert ">Førstegangskunder<" in out


def test_cohort_heatmap_cells_colours_and_limits():
    rows = []
    for i, first in enumerate((date(2024, 1, 1), date(2024, 2, 1), date(2024, 3, 1))):
        for month in range(4 - i):
            share = 1.0 if month == 0 else (0.6 if (i, month) == (0, 1) else 0.2)
            rows.append({"cohort": first, "month_offset": month, "share": share, "customers": 10})
    cohorts = pl.DataFrame(rows)
    out = charts.cohort_heatmap(cohorts, lang="da", max_cohorts=2, max_months=3)
    # The latest two cohorts (02-2024: months 0–2, 03-2024: months 0–1): five cells.
    cells = re.findall(
        r'<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)" height="18" fill="(#\w+)"', out
    )
    assert len(cells) == 5
    assert ">01-2024<" not in out and ">02-2024<" in out and ">03-2024<" in out
    # Three month columns over 440 px.
    assert {w for w, _ in cells} == {"146.67"}
    # Month 0 is grey; later months on the green scale (top = 0.2 → the darkest green).
    assert [c for _, c in cells].count(charts.GREY) == 2
    assert [c for _, c in cells].count("#036429") == 3
    assert "url(#kohorte-f-rste-k-b-gradient)" in out and 'id="kohorte-f-rste-k-b-gradient"' in out
    # The 60 % cell of the oldest cohort is cut with it; with all cohorts it is the
    # darkest green and its text is white; month 0's grey cells have black text.
    everything = charts.cohort_heatmap(cohorts, lang="da")
    assert re.search(r'fill="#ffffff">60%</text>', everything)
    assert re.search(r'fill="#000000">100%</text>', everything)
    assert ">100%<" in everything and ">20%<" in everything
    assert ">Måned nr.<" in everything and "Kohorte (første køb)" in everything
    assert "<svg" not in charts.cohort_heatmap(cohorts.head(0))


def test_nps_trend_band_line_and_open_points():
    trend = pl.DataFrame(
        {
            "period_start": [date(2024, 1, 1), date(2024, 2, 1), date(2024, 3, 1)],
            "nps": [20.0, None, -50.0],
            "ci_low": [0.0, None, -80.0],
            "ci_high": [40.0, None, -20.0],
            "n": [12, 3, 40],
            "small_n": [True, True, False],
        }
    )
    out = charts.nps_trend(trend, lang="da")
    circles = re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)" r="3.16" fill="(\w+|#\w+)"', out)
    # The month without an NPS is not drawn; y = 110 − 1.1 × NPS; x over 60 days on 480 px.
    assert circles == [("0", "88", "white"), ("480", "165", charts.BLUE)]
    assert '<path d="M0,88L480,165" fill="none"' in out
    # Band: upper edge left to right, lower edge back.
    assert '<path d="M0,66L480,132L480,198L0,110Z"' in out
    assert ">−100<" in out and ">−50<" in out and ">01-2024<" in out
    assert charts.nps_trend(trend.head(0), lang="en") == (
        '<p class="chart-empty">No answers in the period, so there is nothing to draw here.</p>'
    )


def test_value_distribution_bars_and_axis():
    distribution = pl.DataFrame(
        {"lower": [0.0, 500.0, 1000.0], "upper": [500.0, 1000.0, None], "customers": [8216, 0, 40]}
    )
    out = charts.value_distribution_chart(distribution, lang="da")
    bars = re.findall(r'<path d="M([\d.]+),([\d.]+)h([\d.]+)V220', out)
    # nice(0, 8216) = 9000 over 220 px; three bands of 160 px, bars 90 % wide.
    assert [float(y) for _, y, _ in bars] == [
        pytest.approx(220 - 8216 * 220 / 9000, abs=0.01),
        220.0,
        pytest.approx(219.02, abs=0.01),
    ]
    assert {w for *_, w in bars} == {"144"}
    for text in (">0–500<", ">500–1.000<", ">1.000+<", ">8.000<", ">Kunder<", ">kr.<"):
        assert text in out
    assert ">DKK<" in charts.value_distribution_chart(distribution, lang="en")


def test_charts_are_offline_stable_and_need_no_chart_library():
    out = charts.segment_chart(_segments())
    assert out == charts.segment_chart(_segments())
    for bad in ("http", "xmlns", "<script", "<image", 'href="', "@import"):
        assert bad not in out
    # Rendering charts loads no JavaScript engine or charting library.
    code = (
        "import sys, polars as pl\n"
        "from kunde_cli.render import charts\n"
        "charts.segment_chart(pl.DataFrame({'segment': ['loyal'], 'customers': [1],"
        " 'share_customers': [1.0], 'share_revenue': [1.0]}))\n"
        "print(sorted(m for m in ('altair', 'vl_convert', 'vega_datasets') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
