"""The report workbook, read back with openpyxl (and converted by LibreOffice where installed).

Text decision tested here: a workbook cell keeps the exact text (no apostrophe is
added, unlike CSV) as a *string* cell, never a formula, and formula-like text also
carries Excel's quote-prefix style.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date, datetime

import openpyxl
import polars as pl
import pytest

from kunde_cli import schema as s
from kunde_cli.render.excel import (
    DATE_FORMAT,
    MONEY_FORMAT,
    PERCENT_FORMAT,
    POINTS_FORMAT,
    SheetSpec,
    workbook_bytes,
)
from kunde_cli.render.workbook import report_workbook
from kunde_cli.report import build_report

AS_OF = date(2024, 6, 15)
HOSTILE_NAMES = ("=HYPERLINK(1)", "+45 12 34 56 78", "-2+3", "@SUM(A1)", "\tTab", "\rCR")
HOSTILE_PRODUCT = "=1+2 kaffe"
HOSTILE_COMMENT = "@SUM(A1:A9) er for dyrt"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _lines() -> pl.LazyFrame:
    """Eight customers; six have formula-like names, two buy the formula-like product."""
    rows = []
    n = 0

    def order(cid, name, day, amount, product="Te"):
        nonlocal n
        n += 1
        rows.append(
            {
                s.ORDER_ID: str(n),
                s.LINE_NO: 1,
                s.CUSTOMER_ID: cid,
                s.EMAIL: f"{cid.lower()}@example.dk",
                s.NAME: name,
                s.ORDER_DATE: datetime.fromisoformat(day),
                s.AMOUNT: amount,
                s.QUANTITY: 1,
                s.PRODUCT: product,
                s.CATEGORY: "Drikke",
                s.CHANNEL: "web",
                s.CITY: "Odense",
                s.STATUS: "paid",
                s.MARKETING_CONSENT: True,
                s.SOURCE_FILE: "t",
                s.SOURCE_ROW: n,
            }
        )

    for i, name in enumerate(HOSTILE_NAMES):
        cid = f"K{i + 1}"
        order(cid, name, f"2024-0{i % 5 + 1}-0{i + 1}", 100.0 + 10 * i)
        if i % 2 == 0:
            order(cid, name, f"2024-06-0{i + 1}", 50.0, product=HOSTILE_PRODUCT)
    order("K7", "Anna", "2023-11-11", 500.0)
    order("K8", "Bo", "2024-06-15", 40.0)
    return pl.DataFrame(rows, schema=s.ORDERS).lazy()


def _survey() -> pl.LazyFrame:
    return pl.DataFrame(
        {
            s.RESPONSE_ID: ["r1", "r2"],
            s.CUSTOMER_ID: ["K1", "K7"],
            s.EMAIL: [None, None],
            s.NAME: [None, None],
            s.RESPONDED_AT: [datetime(2024, 6, 1), datetime(2024, 6, 2)],
            s.SCORE: [3, 10],
            s.COMMENT: [HOSTILE_COMMENT, "=god service"],
            s.ORDER_ID: [None, None],
            s.SOURCE_FILE: ["svar.csv"] * 2,
            s.SOURCE_ROW: [2, 3],
        },
        schema=s.SURVEY,
    ).lazy()


@pytest.fixture(scope="module")
def data():
    return build_report(_lines(), as_of=AS_OF, survey=_survey())


@pytest.fixture(scope="module")
def book(data):
    raw, results = report_workbook(data)
    return openpyxl.load_workbook(io.BytesIO(raw)), results, raw


def _rows(ws) -> list[tuple]:
    return list(ws.iter_rows(values_only=True))


def _text(value: object) -> object:
    """A string cell as Excel shows it: xlsxwriter stores control characters with the
    OOXML escape ``_x000D_`` (a raw CR would be turned into LF by any XML parser);
    Excel and LibreOffice decode it, openpyxl leaves it as written."""
    return value.replace("_x000D_", "\r") if isinstance(value, str) else value


def _width(ws, column: int) -> float:
    """The width of 1-based ``column`` (openpyxl groups equal neighbours as A:C)."""
    for dim in ws.column_dimensions.values():
        if dim.min is not None and dim.min <= column <= dim.max:
            return dim.width
    return 0.0


def test_sheets_in_order(book):
    wb, results, _ = book
    assert wb.sheetnames == [
        "Oversigt",
        "Segmenter",
        "Kunder",
        "Segmentskift",
        "Stigen",
        "Stigen før og nu",
        "Stigen bevægelser",
        "Fastholdelse",
        "Kohorter",
        "Udvikling",
        "Aktivitet",
        "Genaktivering",
        "NPS",
        "NPS pr. måned",
        "NPS pr. kvartal",  # under 30 answers a month: the chart's quarters
        "NPS ord",
        "NPS kommentarer",
        "Kundeværdi",
        "Værdifordeling",
        "Profiler",
    ]
    assert [r.name for r in results] == wb.sheetnames[1:]


def test_every_sheet_has_a_table_frozen_header_and_widths(book):
    wb, _, _ = book
    for ws in wb.worksheets:
        assert len(ws.tables) == 1, ws.title
        table = next(iter(ws.tables.values()))
        assert table.ref.startswith("A1:"), ws.title
        assert ws.freeze_panes in ("A2", "C2"), ws.title
        header = [c.value for c in ws[1] if c.value is not None]
        assert header, ws.title
        for i, text in enumerate(header):
            width = _width(ws, i + 1)
            assert width >= min(len(text), 60), (ws.title, text, width)


def test_summary_sheet_numbers(book, data):
    wb, _, _ = book
    rows = {r[0]: r for r in _rows(wb["Oversigt"])[1:]}
    # 8 customers; revenue 100 + 110 + … + 150 (six first orders) + 3 × 50 + 500 + 40 = 1440.
    assert rows["Kunder"][1] == 8 == data.key.customers
    assert rows["Omsætning"][1] == pytest.approx(1440.0)
    # Repeat customers K1, K3, K5: 3 of 8.
    assert rows["Genkøbsrate"][1] == pytest.approx(3 / 8)
    assert rows["Data til og med"][1] == datetime(2024, 6, 15)
    # NPS of (3, 10): 100 × (1 − 1) / 2 = 0.
    assert rows["NPS"][1] == pytest.approx(0.0)
    ws = wb["Oversigt"]
    cells = {row[0].value: row[1] for row in ws.iter_rows(min_row=2)}
    assert cells["Omsætning"].number_format == MONEY_FORMAT
    assert cells["Genkøbsrate"].number_format == PERCENT_FORMAT
    assert cells["Fastholdelse"].number_format == POINTS_FORMAT
    assert cells["Data til og med"].number_format == DATE_FORMAT


def test_text_is_never_a_formula(book):
    wb, _, _ = book
    seen: set[str] = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                value = _text(cell.value)
                if isinstance(value, str) and value.startswith(FORMULA_STARTS):
                    assert cell.data_type == "s", (ws.title, cell.coordinate, value)
                    assert cell.quotePrefix, (ws.title, cell.coordinate)
                    seen.add(value)
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
    # Every hostile value came back unchanged, as text.
    for value in (*HOSTILE_NAMES, HOSTILE_COMMENT, "=god service"):
        assert value in seen, value
    # ... including inside the persona/profile texts.
    assert any(HOSTILE_PRODUCT in str(c.value) for r in wb["Profiler"].iter_rows() for c in r)


def test_customers_sheet_formats_and_colour_scales(book):
    wb, _, _ = book
    ws = wb["Kunder"]
    header = [c.value for c in ws[1]]
    value_col = header.index("Værdi")
    order_col = header.index("Seneste ordre")
    assert ws.cell(2, value_col + 1).number_format == MONEY_FORMAT
    assert ws.cell(2, order_col + 1).number_format == DATE_FORMAT
    ranges = [str(cf.sqref) for cf in ws.conditional_formatting]
    letters = {h: openpyxl.utils.get_column_letter(i + 1) for i, h in enumerate(header)}
    for score in ("R", "F", "M"):
        assert any(r.startswith(f"{letters[score]}2:") for r in ranges), score
    kinds = {rule.type for cf in ws.conditional_formatting for rule in cf.rules}
    assert kinds == {"colorScale"}


def test_cohort_sheet_heatmap_and_percentages(book, data):
    wb, _, _ = book
    ws = wb["Kohorter"]
    header = [c.value for c in ws[1]]
    assert header[:3] == ["Kohorte (første køb)", "Kunder", "Md. 0"]
    assert ws.cell(2, 3).number_format == PERCENT_FORMAT
    assert ws.cell(2, 3).value == pytest.approx(1.0)  # month 0 is everyone
    assert len(list(ws.conditional_formatting)) == 1
    assert ws.freeze_panes == "C2"
    assert ws.max_row - 1 == data.cohort_matrix.height


def test_segment_values_are_labels(book, data):
    wb, _, _ = book
    first = [r[0] for r in _rows(wb["Segmenter"])[1:]]
    assert first[:3] == ["Topkunder", "Loyale", "Potentielt loyale"]
    assert len(first) == data.segments.height


def test_long_lists_are_cut_with_a_note(data):
    raw, results = report_workbook(data, max_rows=3)
    wb = openpyxl.load_workbook(io.BytesIO(raw))
    customers = next(r for r in results if r.name == "Kunder")
    assert (customers.rows, customers.cut) == (3, data.customers.height - 3)
    ws = wb["Kunder"]
    table = next(iter(ws.tables.values()))
    assert table.ref.endswith("4")  # header + 3 rows
    note = ws.cell(6, 1).value
    assert note.startswith(
        f"Listen er afkortet: de 3 mest værdifulde af {data.customers.height} rækker er vist."
    )
    assert "kunde segment --by customer --format csv" in note
    summary = [r[0] for r in _rows(wb["Oversigt"])]
    assert "Arket »Kunder« er afkortet" in summary


def test_english_workbook():
    data = build_report(_lines(), as_of=AS_OF, lang="en")
    raw, _ = report_workbook(data)
    wb = openpyxl.load_workbook(io.BytesIO(raw))
    assert wb.sheetnames[:3] == ["Summary", "Segments", "Customers"]
    # Without survey answers the NPS sheet says so.
    ws = wb["NPS"]
    assert any("No survey answers" in str(c.value) for r in ws.iter_rows() for c in r)


def test_workbook_bytes_still_writes_plain_pairs():
    # render.formats.emit(--format xlsx) goes through this.
    frame = pl.DataFrame(
        {
            "name": ["=1+1", "Anna"],
            "revenue": [1.5, float("nan")],
            "share": [0.25, None],
            "first_order": [date(2024, 1, 2), None],
        }
    )
    wb = openpyxl.load_workbook(io.BytesIO(workbook_bytes([("Kunder", frame)])))
    ws = wb["Kunder"]
    assert [c.value for c in ws[1]] == ["Navn", "Omsætning", "Andel", "Første ordre"]
    assert ws["A2"].value == "=1+1" and ws["A2"].data_type == "s"
    assert ws["B2"].number_format == MONEY_FORMAT
    assert ws["B3"].value is None  # NaN is left empty, not written as an error
    assert ws["C2"].number_format == PERCENT_FORMAT
    assert ws["D2"].value == datetime(2024, 1, 2) and ws["D2"].number_format == DATE_FORMAT
    assert ws.freeze_panes == "A2"


def test_sheet_spec_duplicate_names_and_headers():
    frame = pl.DataFrame({"customers": [1], "Kunder": [2]})
    raw = workbook_bytes([SheetSpec("Kunder", frame), SheetSpec("kunder", frame)])
    wb = openpyxl.load_workbook(io.BytesIO(raw))
    assert wb.sheetnames == ["Kunder", "kunder (2)"]
    assert [c.value for c in wb["Kunder"][1]] == ["Kunder", "Kunder (2)"]


@pytest.mark.libreoffice
def test_libreoffice_opens_the_workbook(tmp_path, book):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip(reason="LibreOffice (soffice) is not on PATH (CI installs it)")
    _, _, raw = book
    source = tmp_path / "rapport.xlsx"
    source.write_bytes(raw)
    result = subprocess.run(
        [
            soffice,
            "--headless",
            "--norestore",
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    pdf = tmp_path / "rapport.pdf"
    assert result.returncode == 0, result.stderr
    assert pdf.exists(), result.stdout + result.stderr
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert pdf.stat().st_size > 5_000
