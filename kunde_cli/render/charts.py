"""Charts for the HTML report, drawn as inline SVG in plain Python.

Each function takes one small aggregate frame from :class:`kunde_cli.report.ReportData`
and returns an SVG string ready to be placed inline in the page — or, when there is
nothing to draw, one line saying so (:func:`nothing_to_draw`), never an empty frame. The primitives — round ticks, axes, label widths — are in
:mod:`kunde_cli.render.svg`; the look is the one the charts had when Vega-Lite drew
them (same marks, colours, labels and layout), without starting a JavaScript engine:
the five charts take milliseconds, not a second.

Numbers and dates follow the report's language (``da``: ``1.234``, ``11-2024``). The
SVG holds no script, no font, no link and no URL (no ``xmlns`` either: inline SVG in an
HTML page needs none), so the report stays one offline file. Every label comes from the
analyses' keys and ``render/i18n.py``, and all text is escaped. Hovering a bar, cell or
point shows its figure (an SVG ``<title>``).

The same data gives the same bytes: coordinates are written with two decimals at most,
and the one id (the heatmap legend's gradient) is named after the chart.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from kunde_cli.render import svg
from kunde_cli.render.i18n import label
from kunde_cli.render.svg import esc, num
from kunde_cli.words.lang import DEFAULT_LANG
from kunde_cli.words.numbers import (
    currency_name,
    format_money,
    format_month,
    format_number,
    format_percent,
)

if TYPE_CHECKING:
    from datetime import date

    import polars as pl

#: Chart width in CSS pixels; the SVG scales down to the page (viewBox).
WIDTH = 560
#: Colours: calm, print-friendly, distinguishable in greyscale.
BLUE = "#2f6690"
LIGHT_BLUE = "#9ec1d9"
GREEN_SCHEME = svg.GREENS
#: Month 0 of a cohort (always 100 %) is drawn grey, outside the colour scale.
GREY = "#d9d9d9"


def _pct(value: float, lang: str, step: float) -> str:
    """A share as a tick label: ``5%``, ``2,5%`` (decimals from the tick step)."""
    return svg.minus(format_number(value * 100, lang, svg.decimals(step * 100))) + "%"


def _pct_exact(value: float, lang: str) -> str:
    return format_percent(value, lang, 1)


def _month(day: date, lang: str) -> str:
    return format_month(day, lang)


def _title(text: str) -> str:
    return f"<title>{esc(text)}</title>"


#: The class of the one line a chart with nothing to draw shows instead.
EMPTY_CLASS = "chart-empty"


def nothing_to_draw(lang: str, key: str = "chart_no_orders") -> str:
    """The one line shown where a chart would be when there is nothing to draw (a
    survey-only workspace has no segments, cohorts or values): no empty frame."""
    return f'<p class="{EMPTY_CLASS}">{esc(label(key, lang))}</p>'


def segment_chart(segments: pl.DataFrame, *, lang: str = DEFAULT_LANG) -> str:
    """Share of customers and share of revenue per RFM segment (horizontal bars).

    ``segments`` is :func:`kunde_cli.analytics.rfm.segment_summary`; empty segments
    are left out.
    """
    import polars as pl

    shown = segments.filter(pl.col("customers") > 0)
    if shown.is_empty():
        return nothing_to_draw(lang)
    names = [label(k, lang) for k in shown.get_column("segment").to_list()]
    measures = [
        (label("share_customers", lang), LIGHT_BLUE, shown.get_column("share_customers")),
        (label("share_revenue", lang), BLUE, shown.get_column("share_revenue")),
    ]
    values = [[float(v or 0.0) for v in column.to_list()] for _, _, column in measures]
    band, bar = 28, 11
    plot_w, plot_h = WIDTH - 160, band * len(names)
    top = svg.nice(0.0, max(max(v) for v in values) or 1.0)[1]
    x = svg.linear((0.0, top), (0.0, plot_w))
    tick_values, tick_labels = svg.fitted_ticks(
        0.0, top, plot_w, lambda v, step: _pct(v, lang, step)
    )
    centres = [i * band + band / 2 for i in range(len(names))]

    bars = []
    for m, ((measure, colour, _), shares) in enumerate(zip(measures, values, strict=True)):
        for i, share in enumerate(shares):
            y = i * band + 3 + m * bar
            tip = _title(f"{names[i]}, {measure}: {_pct_exact(share, lang)}")
            bars.append(
                f'<path d="M0,{num(y)}h{num(x(share))}v{bar}h-{num(x(share))}Z" '
                f'fill="{colour}">{tip}</path>'
            )
    legend, at = [], 0.0
    for measure, colour, _ in measures:
        legend.append(
            f'<rect x="{num(at + 1)}" y="1" width="10" height="10" fill="{colour}"/>'
            f'<text x="{num(at + 16)}" y="9">{esc(measure)}</text>'
        )
        at += 16 + svg.text_width(measure) + 10
    body = (
        svg.grid([x(t) for t in tick_values], centres, width=plot_w, height=plot_h)
        + "".join(bars)
        + svg.axis_bottom(
            [x(t) for t in tick_values],
            tick_labels,
            y=plot_h,
            width=plot_w,
            flush=True,
        )
        + svg.axis_left(centres, names, height=plot_h)
        + f'<g transform="translate(0,{num(plot_h + 37)})">{"".join(legend)}</g>'
    )
    left = svg.left_margin(names, title=False)
    return svg.document(
        label("segment", lang),
        width=left + plot_w + svg.PAD + 1,
        height=svg.PAD + plot_h + 37 + 11 + svg.PAD,
        left=left,
        top=svg.PAD,
        body=body,
    )


def ladder_funnel(change: pl.DataFrame, *, lang: str = DEFAULT_LANG) -> str:
    """The loyalty ladder as a centred funnel: people per rung now, bottom rung on top,
    each bar labelled with the count and the change since the comparison date.

    ``change`` is :func:`kunde_cli.analytics.ladder.ladder_side_by_side`.
    """
    if change.is_empty() or not change.get_column("customers_now").fill_null(0).sum():
        return nothing_to_draw(lang)

    def signed(n: int) -> str:
        text = format_number(abs(n), lang)
        return f"+{text}" if n > 0 else (f"−{text}" if n < 0 else "±0")

    rungs = [label(r, lang) for r in change.get_column("rung").to_list()]
    now = [int(v or 0) for v in change.get_column("customers_now").to_list()]
    moved = [int(v or 0) for v in change.get_column("change").to_list()]
    texts = [f"{format_number(n, lang)} ({signed(c)})" for n, c in zip(now, moved, strict=True)]
    band, bar_area = 34, WIDTH - 260
    plot_h = band * len(rungs)
    top = svg.nice(0.0, float(max(now) or 1))[1]
    centres = [i * band + band / 2 for i in range(len(rungs))]
    bars, labels = [], []
    for i, (n, text) in enumerate(zip(now, texts, strict=True)):
        w = bar_area * n / top
        bars.append(
            f'<path d="M{num((bar_area - w) / 2)},{num(i * band + 1.7)}h{num(w)}v30.6h-{num(w)}Z">'
            f"{_title(f'{rungs[i]}: {text}')}</path>"
        )
        labels.append(f'<text x="{bar_area + 6}" y="{num(centres[i] + 3)}">{esc(text)}</text>')
    body = (
        svg.grid(ys=centres, width=bar_area, height=plot_h)
        + f'<g fill="{BLUE}">{"".join(bars)}</g>'
        + f'<g fill="#222">{"".join(labels)}</g>'
        + svg.axis_left(centres, rungs, height=plot_h)
    )
    left = svg.left_margin(rungs, title=False)
    return svg.document(
        label("rung", lang),
        width=left + bar_area + 6 + max(svg.text_width(t) for t in texts) + svg.PAD,
        height=svg.PAD * 2 + plot_h,
        left=left,
        top=svg.PAD,
        body=body,
    )


#: Heatmap row height; cell labels are at most :data:`CELL_FONT` px and at least
#: :data:`CELL_FONT_MIN` px (smaller cells show their figure only on hover).
CELL_HEIGHT = 18
CELL_FONT = 10.0
CELL_FONT_MIN = 7.0


def cell_font_size(cell_width: float, cell_height: float, texts: list[str]) -> float | None:
    """The font size at which the widest of ``texts`` fits a cell with 2 px to spare on
    each side (at most :data:`CELL_FONT`), or ``None`` when that is under
    :data:`CELL_FONT_MIN` (then the cells carry no text, only their hover title)."""
    widest = max((svg.text_width(t, 1.0) for t in texts), default=0.0)
    room = min(CELL_FONT, cell_height - 6, (cell_width - 4) / widest if widest else CELL_FONT)
    return room if room >= CELL_FONT_MIN else None


def cohort_heatmap(
    cohorts: pl.DataFrame, *, lang: str = DEFAULT_LANG, max_cohorts: int = 24, max_months: int = 13
) -> str:
    """Share of each first-order cohort buying in month 0, 1, 2 … (heatmap).

    ``cohorts`` is :func:`kunde_cli.analytics.retention.cohort_table` (long form); the
    latest ``max_cohorts`` cohorts and month offsets below ``max_months`` are shown.
    Month 0 is always 100 % and left out of the colour scale's range by showing it
    grey. Each cell shows its share in black or white, whichever reads on its colour
    (contrast at least 4.5), in the largest font that fits the cell; cells too small
    for a legible figure show it on hover only, and the legend below gives the scale.
    No grid line is drawn: white gaps separate the cells.
    """
    import polars as pl

    if cohorts.is_empty():
        return nothing_to_draw(lang)
    firsts = cohorts.get_column("cohort").unique().sort().tail(max_cohorts)
    shown = cohorts.filter(
        pl.col("cohort").is_in(firsts.implode())
        & (pl.col("month_offset") < max_months)
        & pl.col("share").is_not_null()
    )
    if shown.is_empty():
        return nothing_to_draw(lang)
    rows = [_month(d, lang) for d in shown.get_column("cohort").to_list()]
    months = shown.get_column("month_offset").to_list()
    shares = [float(v) for v in shown.get_column("share").to_list()]
    order = list(dict.fromkeys(rows))
    columns = sorted(set(months))
    row_of, col_of = {r: i for i, r in enumerate(order)}, {m: i for i, m in enumerate(columns)}
    # Month 0 is 100 % by definition and drawn grey; the colour scale spans later months.
    top = max(0.01, max((s for s, m in zip(shares, months, strict=True) if m > 0), default=0.0))
    colour = svg.colour_scale(GREEN_SCHEME)
    plot_w, step_y = WIDTH - 120, CELL_HEIGHT
    step_x, plot_h = plot_w / len(columns), step_y * len(order)
    figures = [format_number(share * 100, lang, 0) + "%" for share in shares]
    size = cell_font_size(step_x, step_y, figures)
    cells, texts = [], []
    for row, month, share, figure in zip(rows, months, shares, figures, strict=True):
        x, y = col_of[month] * step_x, row_of[row] * step_y
        fill = colour(share / top) if month > 0 else GREY
        tip = _title(f"{row}, {label('month_offset', lang)} {month}: {figure}")
        cells.append(
            f'<rect x="{num(x)}" y="{num(y)}" width="{num(step_x)}" height="{step_y}" '
            f'fill="{fill}">{tip}</rect>'
        )
        if size is not None:
            texts.append(
                f'<text x="{num(x + step_x / 2)}" y="{num(y + step_y / 2 + size * 0.35)}" '
                f'fill="{svg.ink_on(fill)}">{figure}</text>'
            )
    centres_x = [i * step_x + step_x / 2 for i in range(len(columns))]
    centres_y = [i * step_y + step_y / 2 for i in range(len(order))]
    legend_w = 200
    legend_values, legend_labels = svg.fitted_ticks(
        0.0, top, legend_w, lambda v, step: _pct(v, lang, step), most=5
    )
    gradient = f"{svg.slug(label('cohort', lang))}-gradient"
    stops = "".join(
        f'<stop offset="{num(i / (len(GREEN_SCHEME) - 1))}" stop-color="{c}"/>'
        for i, c in enumerate(GREEN_SCHEME)
    )
    legend_texts = []
    for v, text in zip(legend_values, legend_labels, strict=True):
        if text is None:
            continue
        at = legend_w * v / top
        anchor = svg.anchor_at(at, text, width=legend_w, flush=True)
        legend_texts.append(f'<text x="{num(at)}" y="27" text-anchor="{anchor}">{esc(text)}</text>')
    legend = (
        f'<defs><linearGradient id="{gradient}">{stops}</linearGradient></defs>'
        f'<rect width="{legend_w}" height="16" fill="url(#{gradient})"/>{"".join(legend_texts)}'
    )
    text_group = (
        f'<g font-size="{num(size)}" text-anchor="middle">{"".join(texts)}</g>'
        if size is not None
        else ""
    )
    body = (
        f'<g stroke="white">{"".join(cells)}</g>'
        + text_group
        + svg.axis_bottom(
            centres_x,
            svg.thinned(centres_x, [str(m) for m in columns], width=plot_w),
            y=plot_h,
            width=plot_w,
            title=label("month_offset", lang),
        )
        + svg.axis_left(
            centres_y,
            svg.thinned(centres_y, order, width=plot_h, vertical=True),
            height=plot_h,
            title=label("cohort", lang),
        )
        + f'<g transform="translate(0,{num(plot_h + 51)})">{legend}</g>'
    )
    left = svg.left_margin(order, title=True)
    # A few cohorts make a low plot: room above and below for the turned axis title.
    spare = max(0.0, (svg.text_width(label("cohort", lang), bold=True) - plot_h) / 2)
    return svg.document(
        label("cohort", lang),
        width=left + plot_w + svg.PAD + 1,
        height=svg.PAD + spare + max(plot_h + 51 + 16 + 13, plot_h + spare) + svg.PAD,
        left=left,
        top=svg.PAD + spare,
        body=body,
    )


def nps_trend(trend: pl.DataFrame, *, lang: str = DEFAULT_LANG) -> str:
    """NPS per month with its 95 % interval as a band; months with few answers are
    drawn as open circles.

    ``trend`` is :func:`kunde_cli.analytics.nps.nps_by_period`.
    """
    if trend.is_empty() or trend.get_column("nps").is_null().all():
        return nothing_to_draw(lang, "chart_no_answers")
    days = trend.get_column("period_start").to_list()
    nps = trend.get_column("nps").to_list()
    low, high = trend.get_column("ci_low").to_list(), trend.get_column("ci_high").to_list()
    answers, small = trend.get_column("n").to_list(), trend.get_column("small_n").to_list()
    plot_w, plot_h = WIDTH - 80, 220
    first, last = min(days), max(days)
    d0, d1 = first.toordinal(), last.toordinal()
    if d0 == d1:
        d0, d1 = d0 - 15, d1 + 15
    x = svg.linear((d0, d1), (0.0, plot_w))
    y = svg.linear((-100.0, 100.0), (plot_h, 0.0))
    y_values, y_labels = svg.fitted_ticks(
        -100.0,
        100.0,
        plot_h,
        lambda v, _: svg.minus(format_number(v, lang)),
        vertical=True,
        most=math.ceil(plot_h / 40),
    )

    band = [
        (x(d.toordinal()), y(lo), y(hi))
        for d, lo, hi in zip(days, low, high, strict=True)
        if lo is not None and hi is not None
    ]
    area = ""
    if band:
        upper = "L".join(f"{num(bx)},{num(hy)}" for bx, _, hy in band)
        lower = "L".join(f"{num(bx)},{num(ly)}" for bx, ly, _ in reversed(band))
        area = f'<path d="M{upper}L{lower}Z" fill="{LIGHT_BLUE}" fill-opacity="0.25"/>'
    points = [
        (x(d.toordinal()), y(v), d, v, n, s)
        for d, v, n, s in zip(days, nps, answers, small, strict=True)
        if v is not None
    ]
    line = "L".join(f"{num(px)},{num(py)}" for px, py, *_ in points)
    dots = "".join(
        f'<circle cx="{num(px)}" cy="{num(py)}" r="3.16" fill="{"white" if s else BLUE}">'
        f"{_title(f'{_month(d, lang)}: NPS {svg.minus(format_number(v, lang))} (n = {n})')}"
        "</circle>"
        for px, py, d, v, n, s in points
    )
    months = svg.month_ticks(first, last, plot_w)
    month_x = [x(m.toordinal()) for m in months]
    # Every other label is hidden until they no longer overlap (Vega's "parity").
    names = svg.thinned(month_x, [_month(m, lang) for m in months], width=plot_w, flush=True)
    body = (
        svg.grid(month_x, [y(v) for v in y_values], width=plot_w, height=plot_h)
        + area
        + f'<path d="M0,{num(y(0))}H{plot_w}" fill="none" stroke="{svg.AXIS_COLOR}"/>'
        + (f'<path d="M{line}" fill="none" stroke="{BLUE}" stroke-width="2"/>' if line else "")
        + f'<g stroke="{BLUE}" stroke-width="2" opacity="0.7">{dots}</g>'
        + svg.axis_bottom(
            month_x,
            names,
            y=plot_h,
            width=plot_w,
            flush=True,
        )
        + svg.axis_left([y(v) for v in y_values], y_labels, height=plot_h, title=label("nps", lang))
    )
    left, top = svg.left_margin(y_labels, title=True), svg.PAD + 6
    return svg.document(
        label("nps", lang),
        width=left + plot_w + svg.PAD + 1,
        height=top + plot_h + 19 + svg.PAD,
        left=left,
        top=top,
        body=body,
    )


def value_distribution_chart(
    distribution: pl.DataFrame, *, lang: str = DEFAULT_LANG, currency: str = "kr."
) -> str:
    """Customers per value band (bars); the last band is open (``20.000+``).

    ``distribution`` is :func:`kunde_cli.report.value_distribution`.
    """
    if distribution.is_empty() or not distribution.get_column("customers").fill_null(0).sum():
        return nothing_to_draw(lang)
    bands = []
    for lower, upper in distribution.select("lower", "upper").iter_rows():
        low = format_number(lower, lang)
        bands.append(f"{low}+" if upper is None else f"{low}–{format_number(upper, lang)}")
    counts = [int(v or 0) for v in distribution.get_column("customers").to_list()]
    unit = currency_name(currency, lang)
    plot_w, plot_h = WIDTH - 80, 220
    top = svg.nice(0.0, float(max(counts) or 1))[1]
    y = svg.linear((0.0, top), (plot_h, 0.0))
    y_values, y_labels = svg.fitted_ticks(
        0.0,
        top,
        plot_h,
        lambda v, step: format_number(v, lang, svg.decimals(step)),
        vertical=True,
        most=math.ceil(plot_h / 40),
    )
    # Vega-Lite's band: 10 % between bars, 5 % at each end.
    step = plot_w / len(bands)
    width = step * 0.9
    centres = [step * 0.05 + i * step + width / 2 for i in range(len(bands))]
    bars = "".join(
        f'<path d="M{num(cx - width / 2)},{num(y(n))}h{num(width)}V{plot_h}h-{num(width)}Z">'
        f"{_title(f'{b}: {format_number(n, lang)}')}</path>"
        for cx, n, b in zip(centres, counts, bands, strict=True)
    )
    turn = math.radians(40)
    shown = svg.thinned(centres, bands, width=plot_w, angle=-40)
    widest = max(svg.text_width(b) for b in bands)
    title_y = plot_h + 7 + widest * math.sin(turn) + 9 * math.cos(turn) + 13
    body = (
        svg.grid(centres, [y(v) for v in y_values], width=plot_w, height=plot_h)
        + f'<g fill="{BLUE}">{bars}</g>'
        + svg.axis_bottom(
            centres, shown, y=plot_h, width=plot_w, angle=-40, title=unit, title_y=title_y
        )
        + svg.axis_left(
            [y(v) for v in y_values], y_labels, height=plot_h, title=label("customers", lang)
        )
    )
    left = svg.left_margin(y_labels, title=True)
    return svg.document(
        label("customers", lang),
        width=left + plot_w + svg.PAD + 1,
        height=svg.PAD + title_y + 3 + svg.PAD,
        left=left,
        top=svg.PAD,
        body=body,
    )


#: Height of each panel of :func:`trend_chart`, and the room above one for its title.
TREND_PANEL = 130
TREND_TITLE = 26


def trend_chart(trend: pl.DataFrame, *, lang: str = DEFAULT_LANG, currency: str = "kr.") -> str:
    """The shop month by month, as panels above one month axis: net revenue (bars),
    buying customers split into new and returning (stacked bars) and, when the frame
    has NPS columns with answers, the NPS per month with its 95 % interval (a point
    on a vertical line). The month that is not over is drawn paler.

    ``trend`` is :func:`kunde_cli.analytics.trends.monthly_trends` (revenue may be
    left out, null, in an anonymised report: those months have no revenue bar).
    """
    if trend.is_empty():
        return nothing_to_draw(lang)
    days: list[date] = trend.get_column("month_start").to_list()
    partial = [bool(v) for v in trend.get_column("partial").to_list()]
    revenue: list[float | None] = trend.get_column("revenue").to_list()
    new = [int(v or 0) for v in trend.get_column("customers_new").to_list()]
    back = [int(v or 0) for v in trend.get_column("customers_returning").to_list()]
    has_nps = "nps" in trend.columns and not trend.get_column("nps").is_null().all()
    if not any(revenue) and not any(new) and not any(back) and not has_nps:
        return nothing_to_draw(lang)
    months = [_month(d, lang) for d in days]
    not_over = label("partial", lang)
    plot_w = WIDTH - 90
    step = plot_w / len(days)
    bar = step * 0.8
    centres = [step * i + step / 2 for i in range(len(days))]

    def opacity(i: int) -> str:
        return ' fill-opacity="0.5"' if partial[i] else ""

    def tip(i: int, text: str) -> str:
        extra = f" ({not_over.lower()})" if partial[i] else ""
        return _title(f"{months[i]}{extra}: {text}")

    def y_axis(
        low: float, high: float, fmt: Callable[[float, float], str]
    ) -> tuple[Callable[[float], float], list[float], list[str | None]]:
        y = svg.linear((low, high), (TREND_PANEL, 0.0))
        values, labels = svg.fitted_ticks(
            low, high, TREND_PANEL, fmt, vertical=True, most=math.ceil(TREND_PANEL / 35)
        )
        return y, values, labels

    panels: list[tuple[str, str, list[str | None]]] = []  # (title part, body, y labels)

    # A shop without orders in these months (a survey only) gets the NPS panel alone.
    has_orders = any(revenue) or any(new) or any(back)
    legend: list[tuple[str, str]] = []
    if has_orders:
        # Revenue: bars from 0 (a month of credit notes goes below it).
        amounts = [v for v in revenue if v is not None]
        low, high = svg.nice(min([0.0, *amounts]), max([0.0, *amounts]) or 1.0)
        y, values, labels = y_axis(
            low, high, lambda v, s: svg.minus(format_number(v, lang, svg.decimals(s)))
        )
        bars = []
        for i, v in enumerate(revenue):
            if v is None:
                continue
            top, bottom = sorted((y(v), y(0.0)))
            bars.append(
                f'<path d="M{num(centres[i] - bar / 2)},{num(top)}h{num(bar)}V{num(bottom)}'
                f'h-{num(bar)}Z"{opacity(i)}>{tip(i, format_money(round(v), lang, currency, 0))}</path>'
            )
        body = (
            svg.grid(ys=[y(v) for v in values], width=plot_w, height=TREND_PANEL)
            + f'<g fill="{BLUE}">{"".join(bars)}</g>'
            + f'<path d="M0,{num(y(0.0) + 0.5)}H{num(plot_w)}" fill="none" stroke="{svg.AXIS_COLOR}"/>'
            + svg.axis_left([y(v) for v in values], labels, height=TREND_PANEL)
        )
        unit = currency_name(currency, lang)
        panels.append((f"{label('trend_chart_revenue', lang)} ({unit})", body, labels))

        # Buying customers: new (light) under returning (dark).
        most = max((a + b for a, b in zip(new, back, strict=True)), default=0)
        _, high = svg.nice(0.0, float(most or 1))
        y, values, labels = y_axis(0.0, high, lambda v, s: format_number(v, lang, svg.decimals(s)))
        stacked = []
        for i, (a, b) in enumerate(zip(new, back, strict=True)):
            words = (
                f"{format_number(a + b, lang)} ({label('customers_new', lang)} {format_number(a, lang)}, "
                f"{label('customers_returning', lang)} {format_number(b, lang)})"
            )
            for lower, upper, colour in ((0, a, LIGHT_BLUE), (a, a + b, BLUE)):
                if upper > lower:
                    stacked.append(
                        f'<path d="M{num(centres[i] - bar / 2)},{num(y(upper))}h{num(bar)}'
                        f'V{num(y(lower))}h-{num(bar)}Z" fill="{colour}"{opacity(i)}>'
                        f"{tip(i, words)}</path>"
                    )
        body = (
            svg.grid(ys=[y(v) for v in values], width=plot_w, height=TREND_PANEL)
            + "".join(stacked)
            + svg.axis_left([y(v) for v in values], labels, height=TREND_PANEL)
        )
        panels.append((label("trend_chart_customers", lang), body, labels))
        legend += [
            (label("customers_new", lang), LIGHT_BLUE),
            (label("customers_returning", lang), BLUE),
        ]

    if has_nps:
        y = svg.linear((-100.0, 100.0), (TREND_PANEL, 0.0))
        values, labels = svg.fitted_ticks(
            -100.0,
            100.0,
            TREND_PANEL,
            lambda v, _: svg.minus(format_number(v, lang)),
            vertical=True,
            most=math.ceil(TREND_PANEL / 35),
        )
        marks = []
        rows = trend.select("nps", "ci_low", "ci_high", "n").rows()
        for i, (score, lo, hi, n) in enumerate(rows):
            if score is None:
                continue
            words = (
                f"NPS {svg.minus(format_number(score, lang))} "
                f"({svg.minus(format_number(lo, lang))} … {svg.minus(format_number(hi, lang))}, "
                f"n = {format_number(n, lang)})"
            )
            whisker = (
                f'<path d="M{num(centres[i])},{num(y(hi))}V{num(y(lo))}" stroke="{LIGHT_BLUE}" '
                f'stroke-width="3"/>'
                if lo is not None and hi is not None
                else ""
            )
            marks.append(
                f'{whisker}<circle cx="{num(centres[i])}" cy="{num(y(score))}" r="3" '
                f'fill="{BLUE}"{opacity(i)}>{tip(i, words)}</circle>'
            )
        body = (
            svg.grid(ys=[y(v) for v in values], width=plot_w, height=TREND_PANEL)
            + f'<path d="M0,{num(y(0.0) + 0.5)}H{num(plot_w)}" fill="none" stroke="{svg.AXIS_COLOR}"/>'
            + "".join(marks)
            + svg.axis_left([y(v) for v in values], labels, height=TREND_PANEL)
        )
        panels.append((label("trend_chart_nps", lang), body, labels))

    parts, at = [], 0.0
    for title, body, _ in panels:
        top = at + TREND_TITLE
        heading = f'<text x="0" y="{num(top - 7)}" font-weight="bold">{esc(title)}</text>'
        if title == label("trend_chart_customers", lang):
            # The customers panel's legend, on its title's line.
            x = svg.text_width(title, bold=True) + 14
            for name, colour in legend:
                heading += (
                    f'<rect x="{num(x)}" y="{num(top - 16)}" width="10" height="10" fill="{colour}"/>'
                    f'<text x="{num(x + 14)}" y="{num(top - 7)}">{esc(name)}</text>'
                )
                x += 14 + svg.text_width(name) + 12
        parts.append(heading + f'<g transform="translate(0,{num(top)})">{body}</g>')
        at = top + TREND_PANEL
    names = svg.thinned(centres, months, width=plot_w, flush=True)
    parts.append(svg.axis_bottom(centres, names, y=at, width=plot_w, flush=True))
    left = svg.left_margin([t for _, _, labels in panels for t in labels], title=False)
    return svg.document(
        label("trend_chart_title", lang),
        width=left + plot_w + svg.PAD + 1,
        height=svg.PAD + at + 19 + svg.PAD,
        left=left,
        top=svg.PAD,
        body="".join(parts),
    )
