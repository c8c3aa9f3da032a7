"""Charts for the HTML report: Vega-Lite specs built with Altair, rendered to SVG offline.

Each function takes one small aggregate frame from :class:`kunde_cli.report.ReportData`
and returns an SVG string ready to be placed inline in the page. Rendering goes
through ``vl-convert`` (Vega-Lite and Vega bundled in a Rust binary, no browser and
no network): ``allowed_base_urls=[]`` forbids any data or font request, and numbers
and dates follow the report's language (``da-DK``: ``1.234,5``).

Inline SVG needs no ``xmlns`` in an HTML page; the namespace declarations are
removed so the report holds no URL at all (a reader checking the file for ``http``
finds nothing). Text in the SVG is escaped by Vega itself, and every label comes
from the analyses' keys and ``render/i18n.py``, never from customer data.

Altair and vl-convert are imported inside the functions: ``kunde --help`` never pays
for them.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from kunde_cli.render.i18n import label
from kunde_cli.render.numbers import format_number

if TYPE_CHECKING:
    import polars as pl

#: Chart width in CSS pixels; the SVG scales down to the page (viewBox).
WIDTH = 560
#: Colours: calm, print-friendly, distinguishable in greyscale.
BLUE = "#2f6690"
LIGHT_BLUE = "#9ec1d9"
GREEN_SCHEME = "greens"
ORANGE = "#d1603d"

_XMLNS = re.compile(r'\s+xmlns(?::\w+)?="[^"]*"')
#: Ids vega numbers with a process-wide counter (see ``_stable_ids``).
_SVG_IDS = re.compile(r'\bid="((?:gradient|clip|pattern|mask)_?\d+)"')


def _locale(lang: str) -> str:
    return "da-DK" if lang == "da" else "en-US"


def to_svg(spec: dict[str, Any], *, lang: str = "da", title: str | None = None) -> str:
    """Render a Vega-Lite spec to inline SVG (no network, no ``xmlns`` URLs).

    ``title`` becomes the SVG's accessible name (``role="img"`` + ``aria-label``).
    """
    import vl_convert as vlc

    svg = vlc.vegalite_to_svg(
        spec,
        allowed_base_urls=[],
        format_locale=_locale(lang),
        time_format_locale=_locale(lang),
    )
    svg = _stable_ids(_XMLNS.sub("", svg), title or "chart")
    if title:
        from markupsafe import escape

        svg = svg.replace("<svg", f'<svg role="img" aria-label="{escape(title)}"', 1)
    return svg


def _stable_ids(svg: str, title: str) -> str:
    """Name the SVG's gradients and clip paths after the chart, not a counter.

    Vega numbers them with a counter that lives as long as the process, so a second
    report written by the same process said ``gradient_1`` where the first said
    ``gradient_0``: the same data must give the same bytes. The chart's title keeps the
    ids of the charts on one page apart.
    """
    prefix = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "chart"
    for i, old in enumerate(dict.fromkeys(_SVG_IDS.findall(svg))):
        kind = re.sub(r"_?\d+$", "", old)
        svg = re.sub(rf'(?<=["#]){re.escape(old)}(?=[")])', f"{prefix}-{kind}-{i}", svg)
    return svg


def _config() -> dict[str, Any]:
    return {
        # Vega measures label widths with this font when it lays the chart out; the page
        # draws SVG text in the same generic family (report.css), so labels fit.
        "font": "sans-serif",
        "view": {"stroke": None},
        "axis": {"labelFontSize": 11, "titleFontSize": 11, "grid": True, "gridColor": "#e6e6e6"},
        "legend": {"labelFontSize": 11, "titleFontSize": 11, "orient": "bottom"},
        "background": "white",
    }


def _spec(chart: Any) -> dict[str, Any]:
    spec: dict[str, Any] = chart.configure(**_config()).to_dict()
    spec["padding"] = 8
    return _denoised(spec)


def _denoised(node: Any) -> Any:
    """``node`` with every float rounded to 9 decimals: a share added up in another
    order (0.39875613729597265 or …26) draws the same path, so the same data gives
    the same SVG bytes (see ``formats.rounded``)."""
    if isinstance(node, float):
        return round(node, 9) + 0.0
    if isinstance(node, dict):
        return {k: _denoised(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_denoised(v) for v in node]
    return node


def segment_chart(segments: pl.DataFrame, *, lang: str = "da") -> str:
    """Share of customers and share of revenue per RFM segment (horizontal bars).

    ``segments`` is :func:`kunde_cli.analytics.rfm.segment_summary`; empty segments
    are left out.
    """
    import altair as alt
    import polars as pl

    shown = segments.filter(pl.col("customers") > 0)
    order = [label(k, lang) for k in shown.get_column("segment").to_list()]
    measure_c, measure_r = label("share_customers", lang), label("share_revenue", lang)
    long = pl.concat(
        [
            shown.select(
                pl.col("segment").replace_strict({k: label(k, lang) for k in shown["segment"]}),
                pl.lit(measure_c).alias("measure"),
                pl.col("share_customers").fill_null(0.0).alias("share"),
            ),
            shown.select(
                pl.col("segment").replace_strict({k: label(k, lang) for k in shown["segment"]}),
                pl.lit(measure_r).alias("measure"),
                pl.col("share_revenue").fill_null(0.0).alias("share"),
            ),
        ]
    )
    chart = (
        alt.Chart(alt.Data(values=long.to_dicts()))
        .mark_bar()
        .encode(
            y=alt.Y("segment:N", sort=order, title=None),
            yOffset=alt.YOffset("measure:N", sort=[measure_c, measure_r]),
            x=alt.X("share:Q", axis=alt.Axis(format="%"), title=None),
            color=alt.Color(
                "measure:N",
                sort=[measure_c, measure_r],
                scale=alt.Scale(range=[LIGHT_BLUE, BLUE]),
                title=None,
            ),
        )
        .properties(width=WIDTH - 160, height=alt.Step(11))
    )
    return to_svg(_spec(chart), lang=lang, title=label("segment", lang))


def ladder_funnel(change: pl.DataFrame, *, lang: str = "da") -> str:
    """The loyalty ladder as a centred funnel: people per rung now, bottom rung on top,
    each bar labelled with the count and the change since the comparison date.

    ``change`` is :func:`kunde_cli.analytics.ladder.ladder_side_by_side`.
    """
    import altair as alt

    def signed(n: int) -> str:
        text = format_number(abs(n), lang)
        return f"+{text}" if n > 0 else (f"−{text}" if n < 0 else "±0")

    rows = [
        {
            "rung": label(r["rung"], lang),
            "now": r["customers_now"],
            "text": f"{format_number(r['customers_now'], lang)} ({signed(r['change'])})",
        }
        for r in change.select("rung", "customers_now", "change").iter_rows(named=True)
    ]
    order = [row["rung"] for row in rows]
    data = alt.Data(values=rows)
    BAR_AREA = WIDTH - 260
    bars = (
        alt.Chart(data)
        .mark_bar(color=BLUE)
        .encode(
            y=alt.Y("rung:N", sort=order, title=None),
            x=alt.X("now:Q", stack="center", axis=None),
        )
    )
    text = (
        alt.Chart(data)
        .mark_text(align="left", dx=4, fontSize=11, color="#222")
        .encode(y=alt.Y("rung:N", sort=order), x=alt.value(BAR_AREA + 6), text="text:N")
    )
    chart = alt.layer(bars, text).properties(width=BAR_AREA, height=alt.Step(34))
    return to_svg(_spec(chart), lang=lang, title=label("rung", lang))


def cohort_heatmap(
    cohorts: pl.DataFrame, *, lang: str = "da", max_cohorts: int = 24, max_months: int = 13
) -> str:
    """Share of each first-order cohort buying in month 0, 1, 2 … (heatmap).

    ``cohorts`` is :func:`kunde_cli.analytics.retention.cohort_table` (long form); the
    latest ``max_cohorts`` cohorts and month offsets below ``max_months`` are shown.
    Month 0 is always 100 % and left out of the colour scale's range by showing it
    grey.
    """
    import altair as alt
    import polars as pl

    if cohorts.is_empty():
        return ""
    firsts = cohorts.get_column("cohort").unique().sort().tail(max_cohorts)
    shown = cohorts.filter(
        pl.col("cohort").is_in(firsts.implode()) & (pl.col("month_offset") < max_months)
    ).select(
        pl.col("cohort").dt.strftime("%m-%Y" if lang == "da" else "%Y-%m").alias("cohort"),
        pl.col("month_offset"),
        pl.col("share"),
        pl.col("customers"),
    )
    order = shown.get_column("cohort").unique(maintain_order=True).to_list()
    # Month 0 is 100 % by definition and drawn grey; the colour scale spans later months.
    later_shares = shown.filter(pl.col("month_offset") > 0).get_column("share")
    top = float(later_shares.max() or 0.0) if later_shares.len() else 0.0
    base = alt.Chart(alt.Data(values=shown.to_dicts())).encode(
        x=alt.X("month_offset:O", title=label("month_offset", lang), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("cohort:O", sort=order, title=label("cohort", lang)),
    )
    later = alt.datum.month_offset > 0
    cells = base.mark_rect().encode(
        color=alt.condition(
            later,
            alt.Color(
                "share:Q",
                scale=alt.Scale(scheme=GREEN_SCHEME, domain=[0, max(top, 0.01)]),
                legend=alt.Legend(format="%", title=None),
            ),
            alt.value("#d9d9d9"),
        )
    )
    text = base.mark_text(fontSize=8).encode(
        text=alt.Text("share:Q", format=".0%"),
        color=alt.condition((alt.datum.share > 0.5) & later, alt.value("white"), alt.value("#333")),
    )
    chart = alt.layer(cells, text).properties(width=WIDTH - 120, height=alt.Step(14))
    return to_svg(_spec(chart), lang=lang, title=label("cohort", lang))


def nps_trend(trend: pl.DataFrame, *, lang: str = "da") -> str:
    """NPS per month with its 95 % interval as a band; months with few answers are
    drawn as open circles.

    ``trend`` is :func:`kunde_cli.analytics.nps.nps_by_period`.
    """
    import altair as alt

    if trend.is_empty():
        return ""
    import polars as pl

    data = alt.Data(
        values=trend.select(
            pl.col("period_start").dt.strftime("%Y-%m-%d"),
            "nps",
            "ci_low",
            "ci_high",
            "n",
            "small_n",
        ).to_dicts()
    )
    x = alt.X(
        "period_start:T", title=None, axis=alt.Axis(format="%m-%Y" if lang == "da" else "%Y-%m")
    )
    base = alt.Chart(data).encode(x=x)
    band = base.mark_area(opacity=0.25, color=LIGHT_BLUE).encode(
        y=alt.Y("ci_low:Q", scale=alt.Scale(domain=[-100, 100]), title=label("nps", lang)),
        y2="ci_high:Q",
    )
    line = base.mark_line(color=BLUE).encode(y="nps:Q")
    points = base.mark_point(size=40, color=BLUE).encode(
        y="nps:Q",
        fill=alt.condition(alt.datum.small_n, alt.value("white"), alt.value(BLUE)),
    )
    zero = alt.Chart(alt.Data(values=[{"y": 0}])).mark_rule(color="#888").encode(y="y:Q")
    chart = alt.layer(band, zero, line, points).properties(width=WIDTH - 80, height=220)
    return to_svg(_spec(chart), lang=lang, title=label("nps", lang))


def value_distribution_chart(
    distribution: pl.DataFrame, *, lang: str = "da", currency: str = "kr."
) -> str:
    """Customers per value band (bars); the last band is open (``20.000+``).

    ``distribution`` is :func:`kunde_cli.report.value_distribution`.
    """
    import altair as alt

    if distribution.is_empty():
        return ""
    rows = []
    for r in distribution.iter_rows(named=True):
        low = format_number(r["lower"], lang)
        band = f"{low}+" if r["upper"] is None else f"{low}–{format_number(r['upper'], lang)}"
        rows.append({"band": band, "customers": r["customers"]})
    order = [row["band"] for row in rows]
    unit = currency if lang == "da" else currency.replace("kr.", "DKK")
    chart = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar(color=BLUE)
        .encode(
            x=alt.X("band:N", sort=order, title=unit, axis=alt.Axis(labelAngle=-40)),
            y=alt.Y("customers:Q", title=label("customers", lang)),
        )
        .properties(width=WIDTH - 80, height=220)
    )
    return to_svg(_spec(chart), lang=lang, title=label("customers", lang))
