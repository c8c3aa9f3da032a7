"""The next 12 months in words and pictures: the sentence with the ranges, the notes on
what is counted, a bar chart with each month's range, and the report section ("De næste
12 måneder" / "The next 12 months").

The sentences are shared with ``kunde clv --monthly`` (:mod:`kunde_cli.cli.clv`), so the
command and the report say the same thing; the facts come from
:func:`kunde_cli.analytics.clv.monthly.monthly_value`.
"""

from __future__ import annotations

import math
from datetime import date
from typing import TYPE_CHECKING, Any

from kunde_cli.render import svg
from kunde_cli.render.svg import esc, num
from kunde_cli.words.labels import label, say
from kunde_cli.words.numbers import (
    currency_name,
    format_date,
    format_money,
    format_month,
    format_number,
    format_percent,
)

if TYPE_CHECKING:
    import polars as pl

    from kunde_cli.analytics.clv.monthly import MonthlyValue
    from kunde_cli.app.answers.monthly import MonthlyFacts
    from kunde_cli.app.report import ReportData
    from kunde_cli.render.excel import SheetSpec

#: Chart width (CSS pixels; the SVG scales down to the page) and plot height.
WIDTH = 560
PLOT_HEIGHT = 200
BAR_COLOUR = "#9ec1d9"
RANGE_COLOUR = "#2f6690"


def _count(value: float | None, lang: str) -> str:
    return "–" if value is None or not math.isfinite(value) else format_number(value, lang, 0)


def whole_row(value: MonthlyValue, group: str | None = None) -> dict[str, Any]:
    """The row of the whole horizon (month null) of ``group`` (the shop's by default)."""
    import polars as pl

    from kunde_cli.analytics.clv.monthly import GROUP, MONTH, TOTAL_GROUP

    rows = value.table.filter(pl.col(MONTH).is_null() & (pl.col(GROUP) == (group or TOTAL_GROUP)))
    return rows.row(0, named=True)


def summary_sentence(value: MonthlyValue, lang: str, currency: str = "kr.") -> str:
    """ "The next 12 months: expected N purchases (90 %: a–b) and X kr. (90 %: a–b),
    discounted 10 % a year." (purchases only without a spend model)."""
    from kunde_cli.analytics.clv import monthly as mv

    row = whole_row(value)
    # Without draws (a fit without covariance) there are no ranges to say.
    bare = "_bare" if not value.draws else ""
    figures: dict[str, object] = {
        "months": value.months,
        "purchases": _count(row[mv.PURCHASES], lang),
    }
    if not bare:
        figures |= {
            "purchases_low": _count(row[mv.PURCHASES_LOW], lang),
            "purchases_high": _count(row[mv.PURCHASES_HIGH], lang),
        }
    if not value.has_revenue:
        return say(f"monthly_summary_purchases{bare}", lang, **figures)
    if not bare:
        figures |= {
            "revenue_low": _count(row[mv.REVENUE_LOW], lang),
            "revenue_high": _count(row[mv.REVENUE_HIGH], lang),
        }
    return say(
        f"monthly_summary{bare}",
        lang,
        **figures,
        revenue=format_money(row[mv.REVENUE], lang, currency, decimals=0),
        discount=format_percent(value.discount_yearly, lang, 0),
    )


def scope_sentence(value: MonthlyValue, lang: str, model: str) -> str:
    """Who is counted (the customers at the as-of date, not later ones), the models and
    what a month is."""
    from kunde_cli.analytics.clv import monthly as mv
    from kunde_cli.analytics.clv.bgnbd import MODEL_NAMES

    return say(
        "monthly_scope" if value.has_revenue else "monthly_scope_purchases",
        lang,
        customers=_count(whole_row(value)[mv.CUSTOMERS], lang),
        as_of=format_date(value.as_of, lang),
        model=MODEL_NAMES.get(model, model),
    )


def ranges_sentence(value: MonthlyValue, lang: str) -> str:
    """What the ranges are (and are not), or that there are none."""
    if not value.draws:
        return label("monthly_no_ranges", lang)
    return say("monthly_ranges", lang, draws=value.draws)


def middle(row: dict[str, Any]) -> date:
    """The middle day of a month row: it names the month (a month of 30.44 days from the
    as-of date mostly lies in one calendar month, and its middle always does so in turn)."""
    from kunde_cli.analytics.clv import monthly as mv

    first: date = row[mv.MONTH_START]
    last: date = row[mv.MONTH_END]
    return first + (last - first) / 2


def months_frame(value: MonthlyValue, lang: str, currency: str) -> pl.DataFrame:
    """The shop's months for a page: month (named by its middle day), expected purchases
    and revenue each with its range in one cell, the whole horizon last."""
    import polars as pl

    from kunde_cli.analytics.clv import monthly as mv

    shop = value.table.filter(pl.col(mv.GROUP) == mv.TOTAL_GROUP)
    whole = say("monthly_all", lang, months=value.months)

    def with_range(point: float | None, low: float | None, high: float | None, money: bool) -> str:
        shown = format_money(point, lang, currency, decimals=0) if money else _count(point, lang)
        if low is None or high is None:
            return shown
        return f"{shown} ({_count(low, lang)}–{_count(high, lang)})"

    rows = []
    for row in shop.iter_rows(named=True):
        first = row[mv.MONTH_START]
        cells = {
            "month": whole if row[mv.MONTH] is None else format_month(middle(row), lang),
            mv.MONTH_START: first,
            mv.PURCHASES: with_range(
                row[mv.PURCHASES], row[mv.PURCHASES_LOW], row[mv.PURCHASES_HIGH], False
            ),
        }
        if value.has_revenue:
            cells[mv.REVENUE] = with_range(
                row[mv.REVENUE], row[mv.REVENUE_LOW], row[mv.REVENUE_HIGH], True
            )
        rows.append(cells)
    return pl.DataFrame(rows)


def months_chart(value: MonthlyValue, *, lang: str, currency: str = "kr.") -> str:
    """A bar per month (expected revenue, or purchases without a spend model) with its
    90 % range as a vertical line; the month's middle day names it."""
    import polars as pl

    from kunde_cli.analytics.clv import monthly as mv

    months = value.table.filter(
        (pl.col(mv.GROUP) == mv.TOTAL_GROUP) & pl.col(mv.MONTH).is_not_null()
    )
    point, low, high = (
        (mv.REVENUE, mv.REVENUE_LOW, mv.REVENUE_HIGH)
        if value.has_revenue
        else (mv.PURCHASES, mv.PURCHASES_LOW, mv.PURCHASES_HIGH)
    )
    values = [float(v or 0.0) for v in months.get_column(point).to_list()]
    lows: list[float | None] = months.get_column(low).to_list()
    highs: list[float | None] = months.get_column(high).to_list()
    middles = [middle(row) for row in months.iter_rows(named=True)]
    plot_w, plot_h = WIDTH - 90, PLOT_HEIGHT
    top_value = max([*values, *(h for h in highs if h is not None)], default=0.0) or 1.0
    _, top = svg.nice(0.0, top_value)
    y = svg.linear((0.0, top), (plot_h, 0.0))
    y_values, y_labels = svg.fitted_ticks(
        0.0,
        top,
        plot_h,
        lambda v, step: format_number(v, lang, svg.decimals(step)),
        vertical=True,
        most=math.ceil(plot_h / 40),
    )
    step = plot_w / max(len(values), 1)
    bar = step * 0.7
    centres = [step * i + step / 2 for i in range(len(values))]

    def shown(v: float | None) -> str:
        if v is None:
            return "–"
        if value.has_revenue:
            return format_money(v, lang, currency, decimals=0)
        return format_number(v, lang, 0)

    marks = []
    for i, v in enumerate(values):
        tip = f"{format_month(middles[i], lang)}: {shown(v)}"
        if lows[i] is not None and highs[i] is not None:
            tip += f" ({shown(lows[i])}–{shown(highs[i])})"
        marks.append(
            f'<path d="M{num(centres[i] - bar / 2)},{num(y(v))}h{num(bar)}V{num(plot_h)}'
            f'h-{num(bar)}Z" fill="{BAR_COLOUR}"><title>{esc(tip)}</title></path>'
        )
        lo, hi = lows[i], highs[i]
        if lo is not None and hi is not None:
            c, left_end = num(centres[i]), num(centres[i] - 4)
            marks.append(
                f'<path d="M{c},{num(y(lo))}V{num(y(hi))}M{left_end},{num(y(lo))}h8'
                f'M{left_end},{num(y(hi))}h8" fill="none" stroke="{RANGE_COLOUR}" '
                'stroke-width="2"/>'
            )
    x_labels = svg.thinned(
        centres, [format_month(d, lang) for d in middles], width=plot_w, flush=True
    )
    title = label(
        "monthly_chart_title" if value.has_revenue else "monthly_chart_purchases_title", lang
    )
    axis_title = (
        f"{label('expected_revenue', lang)} ({currency_name(currency, lang)})"
        if value.has_revenue
        else label("expected_purchases", lang)
    )
    body = (
        svg.grid(ys=[y(v) for v in y_values], width=plot_w, height=plot_h)
        + "".join(marks)
        + svg.axis_bottom(centres, x_labels, y=plot_h, width=plot_w, flush=True)
        + svg.axis_left([y(v) for v in y_values], y_labels, height=plot_h, title=axis_title)
    )
    left, top_margin = svg.left_margin(y_labels, title=True), svg.PAD + 4
    return svg.document(
        title,
        width=left + plot_w + svg.PAD + 1,
        height=top_margin + plot_h + 24 + svg.PAD,
        left=left,
        top=top_margin,
        body=body,
    )


def part(facts: MonthlyFacts, data: ReportData) -> dict[str, Any] | None:
    """The report's "The next 12 months" section: the sentence with its ranges, the
    chart, the 12 months (four columns: reads on a phone) and what is counted."""
    from markupsafe import Markup

    from kunde_cli.analytics.clv import monthly as mv
    from kunde_cli.render.html import table

    lg, currency = data.lang, data.currency
    value = facts.value
    frame = months_frame(value, lg, currency)
    headers = {"month": label("month", lg)}
    return {
        "id": "monthly",
        "title": say("monthly_section_title_n", lg, months=value.months),
        "sentences": [summary_sentence(value, lg, currency)],
        "chart": Markup(months_chart(value, lang=lg, currency=currency)),
        "tables": [
            table(
                frame,
                lg,
                currency=currency,
                headers=headers,
                kinds={mv.PURCHASES: "text", mv.REVENUE: "text"},
            )
        ],
        "notes": [scope_sentence(value, lg, facts.model), ranges_sentence(value, lg)],
    }


def sheets(facts: MonthlyFacts, data: ReportData) -> list[SheetSpec]:
    """The shop's months with their ranges (the last row: the whole horizon)."""
    import polars as pl

    from kunde_cli.analytics.clv import monthly as mv
    from kunde_cli.render.excel import SheetSpec

    lg, value = data.lang, facts.value
    frame = (
        value.table.filter(pl.col(mv.GROUP) == mv.TOTAL_GROUP)
        .drop(mv.GROUP, mv.CUSTOMERS)
        .with_columns(
            pl.col(mv.MONTH).cast(pl.String).fill_null(say("monthly_all", lg, months=value.months))
        )
    )
    return [
        SheetSpec(
            say("monthly_section_title_n", lg, months=value.months),
            frame,
            note=summary_sentence(value, lg, data.currency),
        )
    ]
