"""Excel workbooks written with xlsxwriter.

Every sheet is an Excel table (so filters and pivots work) with a frozen header and
fitted column widths; numbers are numbers with Danish-style formats (``#.##0,00 kr.``,
``dd-mm-åååå``; Excel shows the separators of the reader's locale), shares 0–1 as
percentages.

Formula injection: text is always written as text (``write_string``, and the workbook
never converts strings to formulas, numbers or links), so a customer called
``=HYPERLINK(...)`` stays a name. The cell keeps its exact value — no apostrophe is
added, unlike CSV (``render/safety.py``), because in a workbook the cell *type* is what
stops evaluation and an apostrophe would become part of the name. Formula-like text
(starting with ``= + - @``, tab or CR) also gets Excel's "quote prefix" style, so even
editing the cell and pressing Enter keeps it text.

Excel holds at most 1,048,576 rows per sheet. A longer list is cut, and a note under
the table (and :attr:`SheetResult.cut`) says how many rows were left out.

Same data, same bytes: numbers are rounded as in CSV (``formats.rounded``), the parts
of the zip carry xlsxwriter's fixed 1980 date, and the workbook's created date is the
analysis's as-of date (or a fixed date), never the clock.

xlsxwriter keeps the cells in memory until the workbook is closed (its constant-memory
mode cannot make Excel tables); a sheet of a million customers costs a few GB.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from kunde_cli.render.i18n import label

if TYPE_CHECKING:
    import polars as pl

EXCEL_MAX_ROWS = 1_048_576
#: Data rows a sheet can hold below its header, leaving a blank row and a note row.
MAX_DATA_ROWS = EXCEL_MAX_ROWS - 3
MONEY_FORMAT = '#,##0.00 "kr."'
PERCENT_FORMAT = "0.0%"
#: Percentages already on a 0–100 scale (retention rate): shown with a % sign as is.
POINTS_FORMAT = '0.0" %"'
DATE_FORMAT = "dd-mm-yyyy"
DATETIME_FORMAT = "dd-mm-yyyy hh:mm"
TABLE_STYLE = "Table Style Light 9"
MIN_WIDTH, MAX_WIDTH = 8, 60

#: Colour scales: red (low) → yellow → green (high), Excel's own palette.
SCORE_SCALE = {
    "type": "3_color_scale",
    "min_color": "#F8696B",
    "mid_color": "#FFEB84",
    "max_color": "#63BE7B",
}
#: White → green, for shares such as the cohort table.
HEAT_SCALE = {"type": "2_color_scale", "min_color": "#FFFFFF", "max_color": "#63BE7B"}

_FORMULA_START = re.compile(r"^[=+\-@\t\r]")


@dataclass(frozen=True)
class SheetSpec:
    """One sheet: a frame and how to show it.

    ``kinds`` overrides the display kind of columns (money, percent, points, int,
    float, text; guessed from name and dtype otherwise); ``score_columns`` get a
    red-yellow-green colour scale; ``heat_columns`` one shared white-green scale;
    ``freeze_columns`` keeps that many left columns in view too; ``note`` is written
    under the table.
    """

    name: str
    frame: pl.DataFrame
    kinds: dict[str, str] = field(default_factory=dict)
    score_columns: tuple[str, ...] = ()
    heat_columns: tuple[str, ...] = ()
    freeze_columns: int = 0
    note: str | None = None
    max_rows: int = MAX_DATA_ROWS


@dataclass(frozen=True)
class SheetResult:
    """What was written: the sheet's final name, rows written and rows cut."""

    name: str
    rows: int
    cut: int


def sheet_name(name: str, used: set[str]) -> str:
    """A valid, unique sheet name: no ``[]:*?/\\``, at most 31 characters."""
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in name).strip("'")[:31] or "Ark"
    base, n = clean, 2
    while clean.lower() in used:
        suffix = f" ({n})"
        clean = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(clean.lower())
    return clean


def _headers(columns: Sequence[str], lang: str) -> list[str]:
    headers: list[str] = []
    seen: set[str] = set()
    for column in columns:
        text = label(column, lang) or column
        base, n = text, 2
        while text.lower() in seen:
            text = f"{base} ({n})"
            n += 1
        seen.add(text.lower())
        headers.append(text)
    return headers


class Formats:
    """The cell formats of one workbook, created once."""

    def __init__(self, wb: Any, currency: str = "kr.") -> None:
        money = MONEY_FORMAT if currency == "kr." else f'#,##0.00 "{currency}"'
        self.by_kind: dict[str, Any] = {
            "money": wb.add_format({"num_format": money}),
            "percent": wb.add_format({"num_format": PERCENT_FORMAT}),
            "points": wb.add_format({"num_format": POINTS_FORMAT}),
            "float": wb.add_format({"num_format": "#,##0.0"}),
            "int": wb.add_format({"num_format": "#,##0"}),
            "date": wb.add_format({"num_format": DATE_FORMAT}),
            "datetime": wb.add_format({"num_format": DATETIME_FORMAT}),
        }
        self.quoted = wb.add_format({"quote_prefix": True})
        self.wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        self.bold = wb.add_format({"bold": True})
        self.note = wb.add_format({"italic": True, "font_color": "#7F7F7F"})
        self.title = wb.add_format({"bold": True, "font_size": 14})


#: The created date of a workbook with no as-of date: the date xlsxwriter gives the
#: parts of the zip, so nothing in the file depends on when it was written.
FIXED_CREATED = datetime(1980, 1, 1)


def new_workbook(buf: io.BytesIO, as_of: date | None = None) -> Any:
    """An xlsxwriter workbook that never turns text into formulas, numbers or links.

    Its created (and modified) date is ``as_of`` at midnight, else ``FIXED_CREATED``:
    xlsxwriter would otherwise stamp the clock, and two runs would differ.
    """
    import xlsxwriter

    wb = xlsxwriter.Workbook(
        buf,
        {
            # Not constant_memory: it cannot make Excel tables, which filters and
            # pivots need. in_memory also gives every part of the zip a fixed date.
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    created = datetime(as_of.year, as_of.month, as_of.day) if as_of else FIXED_CREATED
    wb.set_properties({"created": created})
    return wb


def _kind(column: str, dtype: Any, kinds: dict[str, str]) -> str:
    import polars as pl

    from kunde_cli.render.terminal import column_kind

    if column in kinds:
        return kinds[column]
    if dtype == pl.Date:
        return "date"
    if isinstance(dtype, pl.Datetime):
        return "datetime"
    if dtype == pl.Boolean:
        return "bool"
    if dtype == pl.String or dtype == pl.Categorical:
        return "text"
    return column_kind(column, dtype)


def _writer(ws: Any, kind: str, formats: Formats) -> Callable[[int, int, Any], None]:
    """A function ``(row, col, value)`` writing one non-null value of ``kind``."""
    fmt = formats.by_kind.get(kind)

    def number(r: int, c: int, v: Any) -> None:
        if isinstance(v, bool):
            ws.write_boolean(r, c, v)
        elif isinstance(v, int | float):
            if v != v or v in (float("inf"), float("-inf")):  # NaN and ±inf: leave empty
                return
            ws.write_number(r, c, v, fmt)
        else:
            text(r, c, v)

    def when(r: int, c: int, v: Any) -> None:
        if isinstance(v, datetime):
            ws.write_datetime(r, c, v.replace(tzinfo=None), formats.by_kind["datetime"])
        elif isinstance(v, date):
            ws.write_datetime(r, c, datetime(v.year, v.month, v.day), formats.by_kind["date"])
        else:
            text(r, c, v)

    def text(r: int, c: int, v: Any) -> None:
        if isinstance(v, bool):
            ws.write_boolean(r, c, v)
            return
        if isinstance(v, list | tuple):
            v = ", ".join("" if x is None else str(x) for x in v)
        s = str(v)
        # Text stays text: the exact value, as a string cell; formula-like text also
        # gets the quote-prefix style so editing the cell cannot turn it into a formula.
        ws.write_string(r, c, s, formats.quoted if _FORMULA_START.match(s) else None)

    if kind in ("date", "datetime"):
        return when
    if kind == "text":
        return text
    return number


def _width(frame: pl.DataFrame, column: str, kind: str, header: str, lang: str) -> int:
    """Column width in characters: the longest header or shown value, within limits."""
    import polars as pl

    from kunde_cli.render.terminal import format_cell

    series = frame.get_column(column)
    longest = len(header) + 3  # room for the filter button
    if series.is_empty() or series.null_count() == series.len():
        return max(MIN_WIDTH, min(MAX_WIDTH, longest))
    if kind in ("date",):
        value = 10
    elif kind == "datetime":
        value = 16
    elif series.dtype == pl.String:
        value = int(series.str.len_chars().max() or 0)  # type: ignore[arg-type]
    elif series.dtype.is_numeric():
        finite = series.cast(pl.Float64)
        finite = finite.filter(finite.is_finite())
        if finite.is_empty():
            value = 4
        else:
            extremes = [finite.min(), finite.max()]
            value = max(len(format_cell(x, kind, lang)) for x in extremes)
    else:
        value = int(series.cast(pl.String).str.len_chars().max() or 0)
    return max(MIN_WIDTH, min(MAX_WIDTH, max(longest, value + 2)))


def _table_name(index: int, name: str) -> str:
    ascii_name = re.sub(r"[^A-Za-z0-9_]", "_", name)[:40]
    return f"T{index}_{ascii_name}"


def write_sheet(
    wb: Any,
    formats: Formats,
    spec: SheetSpec,
    *,
    lang: str,
    used: set[str],
    cut_note: Callable[[int, int], str] | None = None,
) -> SheetResult:
    """Write ``spec`` as an Excel table on a new sheet of ``wb``.

    ``cut_note(shown, total)`` words the note when the frame is longer than
    ``spec.max_rows`` (Excel's limit); the default is English.
    """
    name = sheet_name(spec.name, used)
    ws = wb.add_worksheet(name)
    frame = spec.frame
    max_rows = max(1, min(spec.max_rows, MAX_DATA_ROWS))
    total = frame.height
    rows = frame.head(max_rows) if total > max_rows else frame
    columns = rows.columns
    if not columns:
        if spec.note:
            ws.write_string(0, 0, spec.note, formats.note)
        return SheetResult(name, 0, 0)
    from kunde_cli.render.formats import rounded

    headers = _headers(columns, lang)
    kinds = [_kind(c, t, spec.kinds) for c, t in rows.schema.items()]
    rows = rounded(rows, dict(zip(columns, kinds, strict=True)))
    writers = [_writer(ws, k, formats) for k in kinds]
    last_row = max(rows.height, 1)
    ws.add_table(
        0,
        0,
        last_row,
        len(columns) - 1,
        {
            "columns": [{"header": h} for h in headers],
            "style": TABLE_STYLE,
            "name": _table_name(len(used), name),
        },
    )
    ws.freeze_panes(1, spec.freeze_columns)
    for c, (column, kind, header) in enumerate(zip(columns, kinds, headers, strict=True)):
        ws.set_column(c, c, _width(rows, column, kind, header, lang))
    for r, row in enumerate(rows.iter_rows(), start=1):
        for c, value in enumerate(row):
            if value is not None:
                writers[c](r, c, value)
    if rows.height:
        for column in spec.score_columns:
            if column in columns:
                c = columns.index(column)
                ws.conditional_format(1, c, rows.height, c, SCORE_SCALE)
        heat = [columns.index(c) for c in spec.heat_columns if c in columns]
        if heat:
            ws.conditional_format(1, min(heat), rows.height, max(heat), HEAT_SCALE)
    note_row = last_row + 2
    cut = total - rows.height
    notes = []
    if cut > 0:
        notes.append(
            cut_note(rows.height, total)
            if cut_note
            else f"The list is cut: {rows.height:,} of {total:,} rows shown "
            f"(Excel holds at most {EXCEL_MAX_ROWS:,} rows)."
        )
    if spec.note:
        notes.append(spec.note)
    for i, text in enumerate(notes):
        ws.write_string(note_row + i, 0, text, formats.note)
    return SheetResult(name, rows.height, cut)


def workbook_bytes(
    sheets: Sequence[tuple[str, pl.DataFrame] | SheetSpec],
    *,
    lang: str = "da",
    as_of: date | None = None,
) -> bytes:
    """Write ``(sheet name, frame)`` pairs (or :class:`SheetSpec`) into one workbook.

    ``as_of`` dates the workbook (``new_workbook``).
    """
    buf = io.BytesIO()
    wb = new_workbook(buf, as_of)
    formats = Formats(wb)
    used: set[str] = set()
    for item in sheets:
        spec = item if isinstance(item, SheetSpec) else SheetSpec(item[0], item[1])
        write_sheet(wb, formats, spec, lang=lang, used=used)
    wb.close()
    return buf.getvalue()
