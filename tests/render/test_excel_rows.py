"""The data rows of a workbook sheet, made by Polars (``render/excel.py``), read back.

Each sheet's rows are written as XML by column instead of cell by cell through
xlsxwriter. These tests hold them to what xlsxwriter's own cell writers give (a
reference writer below writes the same frame cell by cell), and to the text rules:
a string cell with the exact value, never a formula, formula-like text with the
quote-prefix style — on both ways text is stored (shared strings for repeated
values, inline text for the rest).
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from datetime import date, datetime, time
from decimal import Decimal

import openpyxl
import polars as pl
import pytest

from kunde_cli.render.excel import (
    DATE_FORMAT,
    DATETIME_FORMAT,
    EXCEL_MAX_CHARS,
    MONEY_FORMAT,
    SheetSpec,
    workbook_bytes,
)

FORMULA_LIKE = ("=1+2", "+45 12 34", "-2+3", "@SUM(A1)", "\tTab", "\rCR")
#: Text xlsxwriter writes raw into the shared strings (it takes it for rich text).
RICH_LOOKING = ("<r>&</r>", "<r><t>x</t></r>")
AWKWARD = ("a & b < c > d", "bell\x07", " lead", "trail ", "", "ÆØÅ æøå €")


def _excel_text(value: object) -> object:
    """A string cell as Excel shows it: ``_xHHHH_`` decoded (openpyxl leaves it)."""
    if not isinstance(value, str):
        return value
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), value)


def _book(raw: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(raw))


def _column(ws, col: int, rows: int) -> list[object]:
    return [_excel_text(ws.cell(row=r, column=col).value) for r in range(2, rows + 2)]


def _parts(raw: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


@pytest.mark.parametrize("repeats", [1, 6], ids=["inline", "shared"])
def test_text_is_exact_and_never_a_formula(repeats):
    # repeats=6: every value occurs six times, so the column goes to the shared strings
    # (rich-looking text keeps a column inline: the next test).
    values = [*FORMULA_LIKE, *AWKWARD, "Anna", None]
    column = values * repeats
    raw = workbook_bytes([("Ark", pl.DataFrame({"name": column}))])
    ws = _book(raw)["Ark"]
    assert _column(ws, 1, len(column)) == column  # "" is an empty string cell, as before
    for r, value in enumerate(column, start=2):
        cell = ws.cell(row=r, column=1)
        if value is not None:
            assert cell.data_type == "s", value
            assert cell.quotePrefix == value.startswith(("=", "+", "-", "@", "\t", "\r")), value
    sheet = _parts(raw)["xl/worksheets/sheet1.xml"].decode()
    assert "<f>" not in sheet  # no formula anywhere
    data_rows = sheet[sheet.index('<row r="2"') :]
    assert bool(re.search(r' t="s"', data_rows)) == (repeats > 1)
    assert bool(re.search(r' t="inlineStr"', data_rows)) == (repeats == 1)


def test_rich_looking_text_keeps_the_workbook_readable():
    # xlsxwriter writes a shared string "<r>…</r>" unescaped: "<r>&</r>" made the whole
    # file unreadable. Repeated (a shared-strings column) and once (inline) both read back.
    repeated = [*RICH_LOOKING, "=1+2", "Anna"] * 4
    frame = pl.DataFrame({"repeated": repeated, "once": [f"<r>{i}&</r>" for i in range(16)]})
    raw = workbook_bytes([("Ark", frame)])
    ws = _book(raw)["Ark"]
    assert _column(ws, 1, 16) == repeated
    assert _column(ws, 2, 16) == [f"<r>{i}&</r>" for i in range(16)]
    assert [ws.cell(row=r, column=1).quotePrefix for r in range(2, 6)] == [
        False,
        False,
        True,
        False,
    ]
    assert "<r>" not in _parts(raw)["xl/worksheets/sheet1.xml"].decode()


def test_leading_and_trailing_spaces_are_kept_in_the_xml():
    frame = pl.DataFrame(
        {"inline": [" a", "b ", "c"] + [None] * 5, "shared": [" x"] * 4 + ["y "] * 4}
    )
    sheet = _parts(workbook_bytes([("Ark", frame)]))
    xml = sheet["xl/worksheets/sheet1.xml"].decode() + sheet["xl/sharedStrings.xml"].decode()
    for text in (" a", "b ", " x", "y "):
        assert f'<t xml:space="preserve">{text}</t>' in xml
    assert "<t>c</t>" in xml


@pytest.mark.parametrize("repeats", [1, 6], ids=["inline", "shared"])
def test_text_that_reads_as_an_escape_is_escaped(repeats):
    # Excel reads _xHHHH_ as a character: a literal one gets its underscore escaped
    # (_x005F_), as xlsxwriter does; a control character becomes _xHHHH_.
    frame = pl.DataFrame({"name": ["kode _x0041_", "bip\x07"] * repeats})
    parts = _parts(workbook_bytes([("Ark", frame)]))
    xml = parts["xl/worksheets/sheet1.xml"].decode() + parts["xl/sharedStrings.xml"].decode()
    assert "<t>kode _x005F_x0041_</t>" in xml
    assert "<t>bip_x0007_</t>" in xml
    assert "\x07" not in xml


def test_long_text_is_cut_at_excel_limit():
    frame = pl.DataFrame({"comment": ["x" * (EXCEL_MAX_CHARS + 10), "kort"]})
    ws = _book(workbook_bytes([("Ark", frame)]))["Ark"]
    assert _column(ws, 1, 2) == ["x" * EXCEL_MAX_CHARS, "kort"]


def _reference(frame: pl.DataFrame, fmt_of: dict[str, str | None]) -> bytes:
    """The frame written cell by cell through xlsxwriter, as the sheet writer once did."""
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False})
    formats = {k: wb.add_format({"num_format": v}) for k, v in fmt_of.items() if v}
    ws = wb.add_worksheet("Ark")
    for c, name in enumerate(frame.columns):
        ws.write_string(0, c, name)
    for r, row in enumerate(frame.iter_rows(), start=1):
        for c, value in enumerate(row):
            fmt = formats.get(frame.columns[c])
            if value is None:
                continue
            if isinstance(value, bool):
                ws.write_boolean(r, c, value)
            elif isinstance(value, int | float):
                if math.isfinite(value):
                    ws.write_number(r, c, value, fmt)
            elif isinstance(value, datetime):
                ws.write_datetime(r, c, value.replace(tzinfo=None), fmt)
            elif isinstance(value, date):
                ws.write_datetime(r, c, datetime(value.year, value.month, value.day), fmt)
            else:
                ws.write_string(r, c, str(value))
    wb.close()
    return buf.getvalue()


def test_cells_are_those_of_xlsxwriter_written_cell_by_cell():
    frame = pl.DataFrame(
        {
            "orders": [3, None, -7, 0, 2**40],
            "revenue": [1234.5, float("nan"), float("inf"), -0.25, 99.99],
            "marketing_consent": [True, False, None, True, False],
            "first_order": [
                date(2024, 1, 31),
                date(1900, 2, 28),
                date(1900, 3, 1),
                None,
                date(2099, 12, 31),
            ],
            "last_seen": [
                datetime(2024, 6, 15, 13, 45, 30),
                datetime(2024, 6, 15, 0, 0, 0, 500_000),
                None,
                datetime(1999, 12, 31, 23, 59, 59),
                datetime(2030, 1, 1, 6, 0),
            ],
            "city": ["Odense", None, "Århus", "Odense", "Vejle"],
        }
    )
    fmt_of = {
        "orders": "#,##0",
        "revenue": MONEY_FORMAT,
        "first_order": DATE_FORMAT,
        "last_seen": DATETIME_FORMAT,
        "marketing_consent": None,
        "city": None,
    }
    kinds = {"revenue": "money"}
    new = _book(workbook_bytes([SheetSpec("Ark", frame, kinds=kinds)]))["Ark"]
    old = _book(_reference(frame, fmt_of))["Ark"]
    for r in range(2, frame.height + 2):
        for c in range(1, frame.width + 1):
            a, b = new.cell(row=r, column=c), old.cell(row=r, column=c)
            assert (a.value, a.data_type) == (b.value, b.data_type), (r, c, a.value, b.value)
            if b.value is not None:
                assert a.number_format == b.number_format, (r, c)
    # By hand: 1 March 1900 is Excel day 61 (Excel counts a 29 February 1900).
    assert new.cell(row=4, column=4).value == datetime(1900, 3, 1)
    assert new.cell(row=3, column=2).value is None  # NaN: no cell
    assert new.cell(row=4, column=2).value is None  # inf: no cell


def test_time_zone_keeps_the_wall_clock():
    stamp = datetime(2024, 6, 15, 13, 45)
    frame = pl.DataFrame({"last_seen": [stamp]}).with_columns(
        pl.col("last_seen").dt.replace_time_zone("Europe/Copenhagen")
    )
    ws = _book(workbook_bytes([("Ark", frame)]))["Ark"]
    assert ws.cell(row=2, column=1).value == stamp


def test_values_without_a_cell_type_are_written_as_their_text():
    frame = pl.DataFrame(
        {
            "products": [["kaffe", "te"], [], None],
            "price": [Decimal("12.50"), Decimal("0.10"), None],
            "opens": [time(9, 30), None, time(17, 0)],
            "small": pl.Series([0.5, 1.25, None], dtype=pl.Float32),
        },
        schema_overrides={"price": pl.Decimal(10, 2)},
    )
    ws = _book(workbook_bytes([("Ark", frame)]))["Ark"]
    assert _column(ws, 1, 3) == ["kaffe, te", "", None]  # an empty list: an empty text
    assert _column(ws, 2, 3) == ["12.50", "0.10", None]
    assert _column(ws, 3, 3) == ["09:30:00", None, "17:00:00"]
    assert _column(ws, 4, 3) == [0.5, 1.25, None]


def test_a_long_sheet_is_one_table_over_every_row_with_the_note_below():
    n = 45_001  # more than two blocks of rows
    frame = pl.DataFrame({"customer_id": [f"K{i}" for i in range(n)], "orders": range(n)})
    raw = workbook_bytes([SheetSpec("Ark", frame, note="Slut.")])
    book = openpyxl.load_workbook(io.BytesIO(raw), read_only=False)
    ws = book["Ark"]
    assert {name: ref for name, ref in ws.tables.items()} == {"T1_Ark": f"A1:B{n + 1}"}
    assert ws.freeze_panes == "A2"
    assert ws.cell(row=2, column=1).value == "K0"
    assert ws.cell(row=n + 1, column=1).value == f"K{n - 1}"
    assert ws.cell(row=n + 1, column=2).value == n - 1
    assert ws.cell(row=n + 3, column=1).value == "Slut."
    rows = [r[0] for r in ws.iter_rows(min_row=2, max_row=n + 1, max_col=1, values_only=True)]
    assert rows == [f"K{i}" for i in range(n)]


@pytest.mark.parametrize(
    ("lang", "headers", "note"),
    [
        (
            "da",
            ["Kunde", "Ordrer"],
            "Listen er afkortet: 2 af 3 rækker vises (Excel kan højst rumme 1.048.576 rækker).",
        ),
        (
            "en",
            ["Customer", "Orders"],
            "The list is cut: 2 of 3 rows shown (Excel holds at most 1,048,576 rows).",
        ),
    ],
)
def test_a_cut_sheet_says_so_in_the_workbook_language(lang, headers, note):
    frame = pl.DataFrame({"customer_id": ["K1", "K2", "K3"], "orders": [1, 2, 3]})
    raw = workbook_bytes([SheetSpec("Ark", frame, max_rows=2)], lang=lang)
    ws = openpyxl.load_workbook(io.BytesIO(raw))["Ark"]
    assert [ws.cell(row=1, column=c).value for c in (1, 2)] == headers
    assert _column(ws, 1, 3) == ["K1", "K2", None]
    assert ws.cell(row=5, column=1).value == note


def test_shared_strings_count_every_use():
    frame = pl.DataFrame({"segment": ["A", "B", "A", "A", "B", "A", "A", "A"], "n": range(8)})
    parts = _parts(workbook_bytes([("Ark", frame)]))
    sst = parts["xl/sharedStrings.xml"].decode()
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    uses = len(re.findall(r' t="s"><v>', sheet))
    assert uses == 8 + 2  # the header's two names and eight segments
    assert f'count="{uses}" uniqueCount="4"' in sst


def test_same_frame_same_bytes_and_fixed_dates():
    frame = pl.DataFrame({"name": [f"Kunde {i}" for i in range(30_000)], "value": range(30_000)})
    first = workbook_bytes([("Ark", frame)], as_of=date(2024, 6, 15))
    assert first == workbook_bytes([("Ark", frame)], as_of=date(2024, 6, 15))
    with zipfile.ZipFile(io.BytesIO(first)) as zf:
        assert {info.date_time for info in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert all(b"<!--kunde-rows" not in zf.read(info) for info in zf.infolist())
