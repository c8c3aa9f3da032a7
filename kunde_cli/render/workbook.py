"""The report workbook: a summary sheet and one sheet per analysis.

Built from the same :class:`kunde_cli.report.ReportData` as the HTML report, with the
sheet writer of :mod:`kunde_cli.render.excel` (Excel tables, frozen headers, fitted
widths, Danish formats, text never a formula, the 1,048,576-row limit with a note).

The analysis sheets hold the same numbers as the single commands' ``--format json``
output (``kunde segment``, ``kunde ladder``, ``kunde retention`` …) with the same
column order; headers are the labels of ``render/i18n.py`` and key values (segment,
rung, tier, movement) are shown as their labels, so a pivot reads in the owner's
language. Shares are 0–1 with a percentage format; the retention rate is a
percentage number (88.9) with a ``%`` sign, as in ``kunde retention``.

The main series also get a native Excel chart beside their table (:data:`CHARTS`):
segments and the ladder as bars, retention and the NPS trend as lines, titled and
labelled in the workbook's language, each reading the cells of its own sheet — so a
chart follows when someone edits or filters the numbers.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kunde_cli.render.excel import (
    MAX_DATA_ROWS,
    Formats,
    SheetResult,
    SheetSpec,
    close_workbook,
    column_headers,
    new_workbook,
    sheet_name,
    write_sheet,
)
from kunde_cli.render.formats import CODE_COLUMNS, rounded_value
from kunde_cli.render.i18n import label, label_values
from kunde_cli.words.report import text

if TYPE_CHECKING:
    import polars as pl

    from kunde_cli.report import ReportData

#: Score columns that get a red-yellow-green colour scale.
SCORE_COLUMNS = ("r_score", "f_score", "m_score", "latest_score", "score", "p_alive")


#: Columns whose values are keys shown as labels (column → label prefix): the ones a
#: csv for Excel words too (one list).
_KEYS = CODE_COLUMNS


def _sheets(data: ReportData) -> list[SheetSpec]:
    """The analysis sheets, in reading order."""

    lg = data.lang

    def named(frame: pl.DataFrame) -> pl.DataFrame:
        return label_values(frame, _KEYS, lg)

    def left_out(table: str) -> str | None:
        # Anonymised: the note on a sheet whose small groups' figures are left out.
        return text("left_out_note", lg) if data.left_out.get(table) else None

    nps_note = text("nps_left_out_sheet", lg) if data.left_out.get("nps") else None
    money_kinds = {"value": "money", "revenue": "money"}
    specs = [
        SheetSpec(
            text("sheet_segments", lg),
            named(data.segments),
            kinds={"avg_recency_days": "float", "avg_frequency": "float"},
            note=left_out("segments"),
        ),
        SheetSpec(
            text("sheet_customers", lg),
            named(data.customers),
            kinds=money_kinds | {"recency_days": "int"},
            score_columns=SCORE_COLUMNS,
            freeze_columns=2,
            # Sorted by value: the top of the list is what an owner acts on, and a
            # million-row sheet takes minutes to write and to open.
            max_rows=CUSTOMER_SHEET_ROWS,
        ),
        SheetSpec(text("sheet_migration", lg), named(data.segment_migration)),
        SheetSpec(
            text("sheet_ladder", lg),
            named(data.ladder),
            kinds={"inactive": "int"},
            note=left_out("ladder"),
        ),
        SheetSpec(text("sheet_ladder_change", lg), named(data.ladder_change)),
        SheetSpec(text("sheet_ladder_flow", lg), named(data.ladder_flow)),
        SheetSpec(
            text("sheet_retention", lg),
            data.retention,
            kinds={"retention_rate": "points"},
            score_columns=("retention_rate",),
        ),
        SheetSpec(
            text("sheet_cohorts", lg),
            data.cohort_matrix,
            kinds={c: "percent" for c in data.cohort_matrix.columns if c.startswith("month_")},
            heat_columns=tuple(c for c in data.cohort_matrix.columns if c.startswith("month_")),
            freeze_columns=2,
            note=text("cohorts_left_out_sheet", lg) if data.left_out.get("cohorts") else None,
        ),
    ]
    if data.trend is not None:
        # The shop month by month, as `kunde retention --trend --format json` writes it.
        specs.append(
            SheetSpec(
                label("trend_sheet", lg),
                data.trend,
                kinds={"revenue": "money", "nps": "float", "ci_low": "float", "ci_high": "float"},
                note=label("trend_left_out", lg) if data.left_out.get("trend") else None,
            )
        )
    if data.tiers is not None:
        specs.append(SheetSpec(text("sheet_churn", lg), named(data.tiers), note=left_out("tiers")))
    specs.append(
        SheetSpec(
            text("sheet_candidates", lg),
            named(data.candidates),
            kinds={"usual_gap_days": "int", "threshold_days": "int"},
            score_columns=("p_alive",),
            note=(
                text(
                    "candidates_more",
                    lg,
                    shown=data.candidates.height,
                    total=data.candidates_total,
                )
                if data.candidates_total > data.candidates.height
                else None
            ),
        )
    )
    if data.nps is not None:
        # The summary carries the day answers count up to and the rule that picked it,
        # as `kunde nps --format json` does.
        summary = data.nps.summary.to_frame().with_columns(data.nps.nps_date.columns())
        specs += [
            SheetSpec(text("sheet_nps", lg), named(summary)),
            SheetSpec(
                text("sheet_nps_trend", lg),
                data.nps.monthly,
                score_columns=("nps",),
                note=nps_note,
            ),
        ]
        if data.nps.trend_period == "quarter":
            # The HTML chart shows quarters when months have few answers: its numbers.
            specs.append(
                SheetSpec(
                    text("sheet_nps_quarter", lg),
                    data.nps.trend,
                    score_columns=("nps",),
                    note=nps_note,
                )
            )
        specs.append(SheetSpec(text("sheet_nps_terms", lg), named(data.nps.terms)))
        if data.nps.comments.height:
            specs.append(
                SheetSpec(
                    text("sheet_nps_comments", lg),
                    named(data.nps.comments),
                    score_columns=("score",),
                )
            )
    else:
        specs.append(SheetSpec(text("sheet_nps", lg), _empty(), note=text("nps_sheet_none", lg)))
    specs += [
        SheetSpec(text("sheet_clv", lg), named(data.clv.by_segment), note=left_out("clv")),
        SheetSpec(
            text("sheet_clv_bins", lg),
            data.clv.distribution,
            kinds={"lower": "money", "upper": "money"},
        ),
        SheetSpec(
            text("sheet_profiles", lg),
            named(data.profiles),
            kinds={"median_days_between_orders": "float", "median_recency_days": "float"},
        ),
    ]
    # The answer sections (season, regular buyers, back-test, the next 12 months, a new
    # customer's value, profit, follow-up), each as its module words it.
    from kunde_cli.render.answers import answer_sheets

    return specs + answer_sheets(data)


def _empty() -> pl.DataFrame:
    import polars as pl

    return pl.DataFrame()


def _summary_rows(data: ReportData, cuts: list[str]) -> list[tuple[str, Any, str, str]]:
    """(measure, value, kind, explanation) rows of the summary sheet."""
    from kunde_cli.report import CLV_MODEL

    lg, k = data.lang, data.key
    rows: list[tuple[str, Any, str, str]] = [
        (text("s_as_of", lg), data.as_of, "date", ""),
        (text("s_compare", lg), data.compare, "date", ""),
        (text("k_customers", lg), k.customers, "int", text("k_customers_sub", lg)),
        (text("s_people", lg), k.people, "int", ""),
        (text("s_orders", lg), k.orders, "int", ""),
        (text("k_revenue", lg), k.revenue, "money", _counted(data)),
        (text("k_repurchase", lg), k.repurchase_rate, "percent", text("k_repurchase_sub", lg)),
        (
            text("k_retention", lg),
            k.retention_rate,
            "points",
            text("s_retention_note", lg, period=k.retention_period or "–"),
        ),
    ]
    if k.nps is not None:
        rows += [
            (text("k_nps", lg), k.nps.nps, "float", ""),
            (text("s_nps_low", lg), k.nps.ci_low, "float", ""),
            (text("s_nps_high", lg), k.nps.ci_high, "float", ""),
            (text("s_nps_n", lg), k.nps.n, "int", ""),
        ]
        if data.nps is not None and data.nps.nps_date.day is not None:
            from kunde_cli.render.i18n import nps_as_of_note

            rows.append(
                (
                    text("s_nps_as_of", lg),
                    data.nps.nps_date.day,
                    "date",
                    nps_as_of_note(data.nps.nps_date, lg),
                )
            )
    else:
        rows.append((text("k_nps", lg), None, "float", text("nps_sheet_none", lg)))
    rows.append((text("k_inactive", lg), k.share_inactive, "percent", text("k_inactive_sub", lg)))
    if data.clv.status == CLV_MODEL:
        rows.append(
            (
                text("s_clv_total", lg),
                data.clv.total_predicted,
                "money",
                text("s_clv_note", lg, months=data.clv.horizon_months),
            )
        )
    if data.anonymised:
        rows.append((text("anonymised", lg), None, "text", ""))
    for cut in cuts:
        rows.append((cut, None, "text", ""))
    return rows


def _counted(data: ReportData) -> str:
    """What revenue and orders count and leave out, for the summary's note column."""
    if data.overview is None:
        return ""
    from kunde_cli.render.counting import counted_sentence

    return counted_sentence(data.overview, data.lang, data.currency)


def _write_summary(
    wb: Any, ws: Any, formats: Formats, rows: list[tuple[str, Any, str, str]], lang: str
) -> None:
    """The summary sheet: a three-column table with a format per row."""
    from datetime import date, datetime

    headers = [
        text("summary_metric", lang),
        text("summary_value", lang),
        text("summary_note", lang),
    ]
    ws.add_table(
        0,
        0,
        len(rows),
        2,
        {
            "columns": [{"header": h} for h in headers],
            "style": "Table Style Light 9",
            "name": "T0_Summary",
        },
    )
    ws.freeze_panes(1, 0)
    widths = [max(len(h) + 3, 12) for h in headers]
    for r, (measure, value, kind, note) in enumerate(rows, start=1):
        ws.write_string(r, 0, measure)
        widths[0] = max(widths[0], min(60, len(measure) + 2))
        if value is None:
            pass
        elif isinstance(value, datetime | date):
            day = (
                value
                if isinstance(value, datetime)
                else datetime(value.year, value.month, value.day)
            )
            ws.write_datetime(r, 1, day, formats.by_kind["date"])
        elif isinstance(value, float):
            ws.write_number(r, 1, rounded_value(value, kind), formats.by_kind.get(kind))
        elif isinstance(value, int):
            ws.write_number(r, 1, value, formats.by_kind.get(kind))
        else:
            ws.write_string(r, 1, str(value))
        if note:
            ws.write_string(r, 2, note)
            widths[2] = max(widths[2], min(80, len(note) + 2))
    widths[1] = max(widths[1], 18)
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)


@dataclass(frozen=True)
class ChartSpec:
    """A native chart on the sheet ``sheet`` (a :data:`kunde_cli.words.report.TEXT`
    key): ``values`` columns against the ``category`` column, titled ``title`` (a words
    key), the value axis in ``num_format`` and named after ``axis`` (a label key)."""

    sheet: str
    kind: str  # "bar" (horizontal) or "line"
    title: str
    category: str
    values: tuple[str, ...]
    axis: str
    num_format: str
    #: (width, height) in pixels.
    size: tuple[int, int] = (600, 340)
    #: (min, max) of the value axis where fixed (``None``: Excel chooses).
    bounds: tuple[float | None, float | None] = (None, None)


#: The workbook's charts (issue 17): segments and ladder as bars, retention and the NPS
#: trend (with its 95 % interval as dashed lines) as lines.
CHARTS = (
    ChartSpec(
        "sheet_segments",
        "bar",
        "chart_segments_title",
        "segment",
        ("share_customers", "share_revenue"),
        "share",
        "0%",
        size=(640, 440),
    ),
    ChartSpec(
        "sheet_ladder", "bar", "chart_ladder_title", "rung", ("customers",), "customers", "#,##0"
    ),
    ChartSpec(
        "sheet_retention",
        "line",
        "chart_retention_title",
        "period",
        ("retention_rate",),
        "retention_rate",
        '0" %"',
        size=(720, 340),
        bounds=(None, 100.0),
    ),
    ChartSpec(
        "sheet_nps_trend",
        "line",
        "chart_nps_title",
        "period",
        ("nps", "ci_low", "ci_high"),
        "nps",
        "0",
        size=(720, 360),
        bounds=(-100.0, 100.0),
    ),
)

_BLUE, _LIGHT_BLUE = "#2F6690", "#9EC1D9"


def _add_charts(
    wb: Any, specs: list[SheetSpec], results: list[SheetResult], lang: str
) -> list[tuple[str, str]]:
    """Insert :data:`CHARTS` beside their tables; returns (sheet, title) of each drawn.

    A sheet without rows, or with only zeros and blanks in the charted columns (a
    survey-only workspace has no segments), gets no chart.
    """
    written = {spec.name: (spec, result) for spec, result in zip(specs, results, strict=True)}
    drawn: list[tuple[str, str]] = []
    for chart_spec in CHARTS:
        found = written.get(text(chart_spec.sheet, lang))
        if found is None:
            continue
        spec, result = found
        columns = spec.frame.columns
        wanted = (chart_spec.category, *chart_spec.values)
        if result.rows == 0 or any(c not in columns for c in wanted):
            continue
        shown = spec.frame.head(result.rows).select(chart_spec.values)
        if not any(shown.get_column(c).fill_null(0).fill_nan(0).abs().sum() for c in shown.columns):
            continue  # nothing but zeros and blanks: no empty chart
        headers = column_headers(columns, lang)
        sheet, last = result.name, result.rows
        cat = columns.index(chart_spec.category)
        # The sheet's rows are written in bulk, out of xlsxwriter's sight: the chart's
        # cached points (what a viewer shows before it recalculates, and what tells
        # text categories from numbers) are given from the frame.
        categories = [_cached(v) for v in spec.frame.get_column(columns[cat]).head(last)]
        chart = wb.add_chart({"type": chart_spec.kind})
        for i, column in enumerate(chart_spec.values):
            c = columns.index(column)
            series: dict[str, Any] = {
                "name": [sheet, 0, c],
                "name_data": [headers[c]],
                "categories": [sheet, 1, cat, last, cat],
                "categories_data": categories,
                "values": [sheet, 1, c, last, c],
                "values_data": [_cached(v) for v in shown.get_column(column)],
            }
            colour = (
                _BLUE
                if i == len(chart_spec.values) - 1 or chart_spec.kind == "line"
                else _LIGHT_BLUE
            )
            if chart_spec.kind == "bar":
                series["fill"] = {"color": colour}
                series["gap"] = 60
            elif i == 0:
                series["line"] = {"color": _BLUE, "width": 2.25}
                series["marker"] = {"type": "circle", "size": 5, "fill": {"color": _BLUE}}
            else:
                # The NPS interval's bounds: thin dashed lines round the NPS.
                series["line"] = {"color": _LIGHT_BLUE, "width": 1, "dash_type": "dash"}
            chart.add_series(series)
        title = label(chart_spec.title, lang)
        chart.set_title({"name": title, "name_font": {"size": 12, "bold": True}})
        value_axis: dict[str, Any] = {
            "name": label(chart_spec.axis, lang),
            "num_format": chart_spec.num_format,
            "major_gridlines": {"visible": True, "line": {"color": "#E6E6E6"}},
        }
        for end, bound in zip(("min", "max"), chart_spec.bounds, strict=True):
            if bound is not None:
                value_axis[end] = bound
        category_axis: dict[str, Any] = {"name": headers[cat]}
        if chart_spec.kind == "bar":
            # Bars read top-down in the table's order; the value axis stays at the bottom.
            chart.set_x_axis(value_axis)
            chart.set_y_axis(category_axis | {"reverse": True, "crossing": "max"})
        else:
            chart.set_y_axis(value_axis)
            # Period labels below the plot, not on the zero line of a negative NPS.
            chart.set_x_axis(
                category_axis | {"num_font": {"rotation": -45}, "label_position": "low"}
            )
            chart.show_blanks_as("gap")
        if len(chart_spec.values) > 1:
            chart.set_legend({"position": "bottom"})
        else:
            chart.set_legend({"none": True})
        width, height = chart_spec.size
        chart.set_size({"width": width, "height": height})
        ws = wb.get_worksheet_by_name(sheet)
        ws.insert_chart(1, len(columns) + 1, chart, {"x_offset": 8, "y_offset": 4})
        drawn.append((sheet, title))
    return drawn


def _cached(value: Any) -> Any:
    """A cell's value as a chart's cached point: numbers rounded, dates as text, blanks
    (null, NaN) as ``None``."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return round(float(value), 4)
    return str(value)


#: Rows of the per-customer sheet; the full list is one `kunde segment --by customer` away.
CUSTOMER_SHEET_ROWS = 50_000


def report_workbook(
    data: ReportData, *, max_rows: int = MAX_DATA_ROWS
) -> tuple[bytes, list[SheetResult]]:
    """The workbook as bytes, and what was written to each sheet.

    ``max_rows`` caps the data rows of every sheet (Excel's limit by default; tests
    lower it to see the cut note without a million rows).
    """
    lg = data.lang
    specs = [
        SheetSpec(
            spec.name,
            spec.frame,
            kinds=spec.kinds,
            score_columns=spec.score_columns,
            heat_columns=spec.heat_columns,
            freeze_columns=spec.freeze_columns,
            note=spec.note,
            max_rows=min(spec.max_rows, max_rows),
        )
        for spec in _sheets(data)
    ]
    buf = io.BytesIO()
    wb = new_workbook(buf, data.as_of)
    formats = Formats(wb, data.currency)
    used: set[str] = set()
    summary = wb.add_worksheet(sheet_name(text("sheet_summary", lg), used))
    cut_note: Callable[[int, int], str] = lambda shown, total: text(  # noqa: E731
        "cut_note", lg, shown=_n(shown, lg), total=_n(total, lg)
    )
    results = [
        write_sheet(wb, formats, spec, lang=lg, used=used, cut_note=cut_note) for spec in specs
    ]
    _add_charts(wb, specs, results, lg)
    cuts = [text("cut_summary", lg, sheet=r.name) for r in results if r.cut]
    _write_summary(wb, summary, formats, _summary_rows(data, cuts), lg)
    return close_workbook(wb, buf), results


def _n(value: int, lang: str) -> str:
    from kunde_cli.render.numbers import format_number

    return format_number(value, lang)


def report_workbook_bytes(data: ReportData) -> bytes:
    """:func:`report_workbook` without the per-sheet results."""
    return report_workbook(data)[0]
