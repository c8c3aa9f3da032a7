"""Excel workbooks written with xlsxwriter.

Every sheet is an Excel table (so filters and pivots work) with a frozen header and
fitted column widths; numbers are numbers with Danish-style formats (``#.##0,00 kr.``,
``dd-mm-yyyy``; Excel shows the separators of the reader's locale), shares 0–1 as
percentages.

Formula injection: text is always written as a string cell (the workbook never converts
strings to formulas, numbers or links), so a customer called ``=HYPERLINK(...)`` stays a
name. The cell keeps its exact value — no apostrophe is added, unlike CSV
(``render/safety.py``), because in a workbook the cell *type* is what stops evaluation
and an apostrophe would become part of the name. Formula-like text (starting with
``= + - @``, tab or CR) also gets Excel's "quote prefix" style, so even editing the cell
and pressing Enter keeps it text.

Excel holds at most 1,048,576 rows per sheet. A longer list is cut, and a note under
the table (and :attr:`SheetResult.cut`) says how many rows were left out.

Same data, same bytes: numbers are rounded as in CSV (``formats.rounded``), the parts
of the zip carry xlsxwriter's fixed 1980 date, and the workbook's created date is the
analysis's as-of date (or a fixed date), never the clock.

Speed: xlsxwriter makes the workbook (tables, formats, widths, panes, colour scales),
but a sheet's data rows are not written cell by cell through it — that costs ~8 µs a
cell. Polars makes each row's XML by column (:func:`_cells`): repeated text goes to
the shared strings as xlsxwriter would put it, other text is written inline, escaped
as xlsxwriter escapes it. The rows are made a block at a time when the workbook is
closed and streamed into the zip (:func:`close_workbook`), so memory stays bounded.
xlsxwriter's constant-memory mode is no help: it cannot make Excel tables, which
filters and pivots need, and it still goes through Python for every cell.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, cast

from kunde_cli.render.i18n import label
from kunde_cli.words.labels import say
from kunde_cli.words.lang import DEFAULT_LANG
from kunde_cli.words.numbers import format_number

if TYPE_CHECKING:
    import polars as pl

EXCEL_MAX_ROWS = 1_048_576
#: Characters (UTF-16 units) a cell holds; longer text is cut, as xlsxwriter cuts it.
EXCEL_MAX_CHARS = 32_767
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


def column_headers(columns: Sequence[str], lang: str) -> list[str]:
    """Each column's label in ``lang`` (:func:`kunde_cli.words.label`), made unique:
    a label already used gets `` (2)``, `` (3)`` … (Excel tables need unique headers)."""
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


def _utf16_cut(text: str) -> str:
    """``text`` cut to Excel's 32,767 UTF-16 units per cell, as xlsxwriter cuts it."""
    units = text.encode("utf-16-le")
    if len(units) <= 2 * EXCEL_MAX_CHARS:
        return text
    return units[: 2 * EXCEL_MAX_CHARS].decode("utf-16-le", errors="ignore")


def _as_text(value: Any) -> str:
    """A value of a column with no cell type of its own (lists, decimals …) as text."""
    if isinstance(value, list | tuple):
        return ", ".join("" if x is None else str(x) for x in value)
    return str(value)


def _text_series(series: pl.Series) -> pl.Series:
    """A column as the text its cells show: strings as they are, other values by
    :func:`_as_text` (a list's items joined with commas)."""
    import polars as pl

    dtype = series.dtype
    if dtype == pl.String or dtype == pl.Categorical or isinstance(dtype, pl.Enum):
        return series.cast(pl.String)
    values = [None if v is None else _as_text(v) for v in series.to_list()]
    return pl.Series(series.name, values, dtype=pl.String)


#: Characters Excel stores as ``_xHHHH_`` (xlsxwriter's ``_escape_control_characters``).
_CONTROL = [chr(c) for c in (*range(0x00, 0x09), *range(0x0B, 0x20))] + ["\ufffe", "\uffff"]


def _escaped(text: pl.Series) -> pl.Series:
    """Text as the content of an XML element, escaped exactly as xlsxwriter escapes it.

    A literal ``_xHHHH_`` gets its underscore escaped, control characters become
    ``_xHHHH_`` (a raw CR would turn into LF in any XML parser), then ``& < >``.
    Each step runs only on a column that needs it.
    """
    if text.str.contains("_x", literal=True).any():
        text = text.str.replace_all(r"(_x[0-9a-fA-F]{4}_)", "_x005F${1}")
    if text.str.contains("[\x00-\x08\x0b-\x1f\ufffe\uffff]").any():
        for ch in _CONTROL:
            text = text.str.replace_all(ch, f"_x{ord(ch):04X}_", literal=True)
    if text.str.contains("[&<>]").any():
        for raw, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
            text = text.str.replace_all(raw, entity, literal=True)
    return text


def _text_cells(text: pl.Series, formats: Formats, strings: Any) -> pl.Series:
    """The end of each text cell's ``<c>`` element, after ``<c r="A2``.

    Always a string cell with the exact text; formula-like text (``= + - @``, tab,
    CR) also gets the quote-prefix style. A column whose values repeat (segments,
    actions) uses the workbook's shared strings, as xlsxwriter would; other text is
    written inline, escaped here. xlsxwriter writes a shared string that looks like
    rich text (``<r>…</r>``) without escaping it, so such a column is always inline.
    """
    import polars as pl

    quoted = f'" s="{formats.quoted._get_xf_index()}"'
    values = text.drop_nulls().unique(maintain_order=True)
    if (
        values.len() * 4 <= text.len() - text.null_count()
        and not (values.str.starts_with("<r>") & values.str.ends_with("</r>")).any()
    ):
        words = values.to_list()
        ends = []
        for word in words:
            style = quoted if _FORMULA_START.match(word) else '"'
            ends.append(f'{style} t="s"><v>{strings._get_shared_string_index(word)}</v></c>')
        # xlsxwriter counts every use of a shared string, not only the first.
        strings.count += text.len() - text.null_count() - len(words)
        return text.replace_strict(values, ends, default=None, return_dtype=pl.String)
    escaped = _escaped(text)
    frame = pl.DataFrame({"text": text, "xml": escaped})
    return frame.select(
        pl.concat_str(
            [
                pl.when(pl.col("text").str.contains(_FORMULA_START.pattern))
                .then(pl.lit(quoted))
                .otherwise(pl.lit('"')),
                pl.lit(' t="inlineStr"><is><t'),
                pl.when(pl.col("xml").str.contains(r"^\s|\s$"))
                .then(pl.lit(' xml:space="preserve">'))
                .otherwise(pl.lit(">")),
                pl.col("xml"),
                pl.lit("</t></is></c>"),
            ]
        )
    ).to_series()


_ROW = "__kunde_row"


def _excel_serial(expr: pl.Expr, dtype: Any) -> pl.Expr:
    """Dates and datetimes as Excel serial numbers (1900 system, as xlsxwriter counts).

    Days since 1899-12-31, one more from 1 March 1900 on (Excel's 29 February 1900);
    a datetime keeps its wall-clock time (its time zone dropped, as before).
    """
    import polars as pl

    if dtype == pl.Date:
        days = expr.cast(pl.Int64).cast(pl.Float64)
    else:
        if getattr(dtype, "time_zone", None):
            expr = expr.dt.replace_time_zone(None)
        days = expr.dt.epoch("us").cast(pl.Float64) / 86_400_000_000
    serial = days + 25_568.0  # 1970-01-01 is day 25,568 after 1899-12-31
    return pl.when(serial > 59).then(serial + 1).otherwise(serial)


def _number_text(expr: pl.Expr, dtype: Any) -> pl.Expr:
    """A number as the text of a ``<v>`` element (a whole float without ``.0``)."""
    import polars as pl

    if dtype.is_float():
        return expr.cast(pl.Float64).cast(pl.String).str.strip_suffix(".0")
    return expr.cast(pl.String)


def _cells(
    frame: pl.DataFrame, kinds: Sequence[str], formats: Formats, strings: Any
) -> tuple[pl.DataFrame, list[pl.Expr]]:
    """One expression per column giving each row's ``<c>`` element (null: no cell).

    Numbers get their column's format (NaN and ±inf leave the cell empty), booleans are
    booleans, dates and datetimes Excel dates, and everything else is text: a string
    cell holding the exact value — never a formula — which also gets the quote-prefix
    style when it starts like one (``= + - @``, tab, CR; :func:`_text_cells`). Columns whose
    values have no cell type (lists, decimals, times …) are written as their text.
    The frame is returned with such columns already turned into text.
    """
    import polars as pl
    from xlsxwriter.utility import xl_col_to_name

    row = pl.col(_ROW)
    exprs: list[pl.Expr] = []
    replaced: list[pl.Series] = []
    for c, (name, kind) in enumerate(zip(frame.columns, kinds, strict=True)):
        series = frame.get_column(name)
        dtype = series.dtype
        col = pl.col(name)
        ref = pl.lit(f'<c r="{xl_col_to_name(c)}')
        if dtype == pl.Boolean:
            cell = pl.concat_str(
                [
                    ref,
                    row,
                    pl.lit('" t="b"><v>'),
                    col.cast(pl.Int8).cast(pl.String),
                    pl.lit("</v></c>"),
                ]
            )
        elif dtype.is_numeric() and not isinstance(dtype, pl.Decimal) and kind not in _TEXTUAL:
            fmt = formats.by_kind.get(kind)
            style = f'" s="{fmt._get_xf_index()}"><v>' if fmt is not None else '"><v>'
            cell = pl.concat_str(
                [ref, row, pl.lit(style), _number_text(col, dtype), pl.lit("</v></c>")]
            )
            if dtype.is_float():
                cell = pl.when(col.is_finite()).then(cell)
        elif (dtype == pl.Date or isinstance(dtype, pl.Datetime)) and kind in ("date", "datetime"):
            fmt = formats.by_kind["date" if dtype == pl.Date else "datetime"]
            style = f'" s="{fmt._get_xf_index()}"><v>'
            serial = _number_text(_excel_serial(col, dtype), pl.Float64)
            cell = pl.concat_str([ref, row, pl.lit(style), serial, pl.lit("</v></c>")])
        else:
            series = _text_series(series)
            if (series.str.len_chars() > EXCEL_MAX_CHARS // 2).any():
                series = series.map_elements(_utf16_cut, return_dtype=pl.String)
            replaced.append(_text_cells(series, formats, strings).alias(name))
            cell = pl.concat_str([ref, row, col])
        exprs.append(cell)
    if replaced:
        frame = frame.with_columns(replaced)
    return frame, exprs


#: Kinds whose numbers are written as text (an explicit ``kinds={"x": "text"}``).
_TEXTUAL = ("text", "date", "datetime")


@functools.cache
def _sheet_class() -> type:
    """xlsxwriter's worksheet, with the data rows of its table written in bulk.

    A sheet's data rows are not stored cell by cell: ``write_body`` keeps the frame
    and its cell expressions, xlsxwriter writes a marker between the rows it holds
    itself (the header above, notes below), and :func:`close_workbook` puts the rows
    Polars makes in its place. Relies on xlsxwriter's ``_write_rows``, its dimension
    fields and the table dict ``add_table`` keeps, all stable for a decade; the tests
    read every sheet back.
    """
    from xlsxwriter.worksheet import Worksheet

    class BulkWorksheet(Worksheet):  # type: ignore[misc]  # xlsxwriter has no types: its Worksheet is Any
        _bulk: tuple[int, int, pl.DataFrame, list[pl.Expr]] | None = None
        # xlsxwriter's own dimension fields (None until a cell is written).
        dim_rowmin: int | None
        dim_rowmax: int | None

        def write_body(self, first_row: int, frame: pl.DataFrame, cells: list[pl.Expr]) -> None:
            """Hold ``frame`` as rows ``first_row``… (0-based) of this sheet."""
            if frame.height == 0 or not cells:
                return
            last_row = first_row + frame.height - 1
            self._check_dimensions(first_row, 0)
            self._check_dimensions(last_row, len(cells) - 1)
            self._bulk = (first_row, last_row, frame, cells)

        def add_table(
            self,
            first_row: int,
            first_col: int,
            last_row: int,
            last_col: int,
            options: dict[str, Any] | None = None,
        ) -> int:
            """xlsxwriter's ``add_table`` without its check of every cell of the range.

            xlsxwriter records each cell of a table to refuse overlapping tables and
            merges — a million dict entries for a long sheet. A sheet here holds one
            table and no merges, so the table is added over its header and first data
            row and then given its full range (the only fields the last row sets).
            """
            options = dict(options or {})
            result: int
            if last_row - first_row <= 1 or options.get("total_row") or self.tables:
                result = super().add_table(first_row, first_col, last_row, last_col, options)
                return result
            if self._check_dimensions(last_row, last_col, True, True):
                return -1
            result = super().add_table(first_row, first_col, first_row + 1, last_col, options)
            if result == 0:
                from xlsxwriter.utility import xl_range

                table = self.tables[-1]
                table["range"] = table["a_range"] = xl_range(
                    first_row, first_col, last_row, last_col
                )
                if table.get("autofilter"):
                    table["autofilter"] = table["a_range"]
            return result

        @property
        def body_marker(self) -> bytes:
            """What stands in this sheet's XML for its data rows until they are made."""
            return f"<!--kunde-rows-{self.index}-->".encode()

        def body_blocks(self) -> Iterator[Callable[[], bytes]]:
            """Functions making the XML of the data rows, one block of rows each."""
            import polars as pl

            if self._bulk is None:
                return
            first, _, frame, cells = self._bulk
            numbered = frame.with_row_index(_ROW, offset=first + 1).with_columns(
                pl.col(_ROW).cast(pl.String)
            )
            row = pl.concat_str(
                [pl.lit('<row r="'), pl.col(_ROW), pl.lit('">'), *cells, pl.lit("</row>")],
                ignore_nulls=True,
            )

            def xml_of(block: pl.DataFrame) -> Callable[[], bytes]:
                return lambda: block.select(row.str.join("").cast(pl.Binary)).item()

            for offset in range(0, numbered.height, _BLOCK_ROWS):
                yield xml_of(numbered.slice(offset, _BLOCK_ROWS))

        def _write_rows(self) -> None:
            if self._bulk is None:
                super()._write_rows()
                return
            first, last, _, _ = self._bulk
            low, high = self.dim_rowmin, self.dim_rowmax
            assert low is not None and high is not None  # write_body's rows set them
            try:
                if low < first:
                    self.dim_rowmax = first - 1
                    super()._write_rows()
                self.fh.write(self.body_marker.decode())
                if high > last:
                    self.dim_rowmin, self.dim_rowmax = last + 1, high
                    super()._write_rows()
            finally:
                self.dim_rowmin, self.dim_rowmax = low, high

    return BulkWorksheet


def close_workbook(wb: Any, buf: io.BytesIO) -> bytes:
    """Close ``wb`` (made by :func:`new_workbook` on ``buf``) and return its bytes.

    xlsxwriter writes the package with a marker where each sheet's data rows go; the
    zip is then written again, each marker replaced by the rows Polars makes, block
    by block, compressed as they come — the next block is made in a second thread
    while one is compressed. The parts keep xlsxwriter's names, order and fixed 1980
    date; they are compressed at :data:`ZIP_LEVEL`.
    """
    import zipfile
    from concurrent.futures import ThreadPoolExecutor

    wb.close()
    raw = buf.getvalue()
    sheets = [ws for ws in wb.worksheets() if getattr(ws, "_bulk", None) is not None]
    if not sheets:
        return raw
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(raw)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=ZIP_LEVEL) as dst,
        ThreadPoolExecutor(max_workers=1) as pool,
    ):
        for info in src.infolist():
            data = src.read(info)
            sheet = next((ws for ws in sheets if ws.body_marker in data), None)
            if sheet is None:
                dst.writestr(
                    zipfile.ZipInfo(info.filename, info.date_time),
                    data,
                    compress_type=zipfile.ZIP_DEFLATED,
                    compresslevel=ZIP_LEVEL,
                )
                continue
            head, tail = data.split(sheet.body_marker, 1)
            _, _, frame, _ = sheet._bulk
            # Zip64 only for a part that may pass 2 GiB (text is held as its XML already).
            big = frame.estimated_size() + frame.height * frame.width * 48 > zipfile.ZIP64_LIMIT
            # A part opened by name is dated 1 January 1980, as xlsxwriter dates them.
            with dst.open(info.filename, "w", force_zip64=big) as part:
                part.write(head)
                pending = None
                for make in sheet.body_blocks():
                    following = pool.submit(make)
                    if pending is not None:
                        part.write(pending.result())
                    pending = following
                if pending is not None:
                    part.write(pending.result())
                part.write(tail)
    return out.getvalue()


#: Deflate level of the workbook's parts. zlib's default (6, xlsxwriter's) spends
#: 0.6 s of CPU on the 36 MB of XML of a 1M-line report; 5 takes 0.37 s for a file
#: 4 % larger, 4 and below make it 18–35 % larger.
ZIP_LEVEL = 5


#: Rows turned into XML at a time when a workbook is closed (bounds the memory).
_BLOCK_ROWS = 20_000


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
        value = int(cast("int | None", series.str.len_chars().max()) or 0)
    elif series.dtype.is_numeric():
        finite = series.cast(pl.Float64)
        finite = finite.filter(finite.is_finite())
        if finite.is_empty():
            value = 4
        else:
            extremes = [finite.min(), finite.max()]
            value = max(len(format_cell(x, kind, lang)) for x in extremes)
    else:
        value = int(cast("int | None", _text_series(series).str.len_chars().max()) or 0)
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
    ws = wb.add_worksheet(name, worksheet_class=_sheet_class())
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

    headers = column_headers(columns, lang)
    kinds = [_kind(c, t, spec.kinds) for c, t in rows.schema.items()]
    rows = rounded(rows, dict(zip(columns, kinds, strict=True)))
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
    body, cells = _cells(rows, kinds, formats, ws.str_table)
    ws.write_body(1, body, cells)
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
            else say(
                "output_sheet_cut",
                lang,
                shown=format_number(rows.height, lang),
                total=format_number(total, lang),
                most=format_number(EXCEL_MAX_ROWS, lang),
            )
        )
    if spec.note:
        notes.append(spec.note)
    for i, text in enumerate(notes):
        ws.write_string(note_row + i, 0, text, formats.note)
    return SheetResult(name, rows.height, cut)


def workbook_bytes(
    sheets: Sequence[tuple[str, pl.DataFrame] | SheetSpec],
    *,
    lang: str = DEFAULT_LANG,
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
    return close_workbook(wb, buf)
