"""The workbook's native charts (issue 17 point 2), through the CLI on the sample shop.

`kunde report` writes the workbook; openpyxl reads it back with its charts: one chart
each for segments (bars), the ladder (bars), retention (line) and the NPS trend (line),
each on the sheet of its data, reading that sheet's cells (header for the series name,
the category column, the value column, all data rows), titled and labelled in the
report's language. A survey-only workspace gets no chart of zeros.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from openpyxl.utils import get_column_letter
from typer.testing import CliRunner

from kunde_cli.cli.main import app

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"


def _kunde(*args: str) -> None:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    ws = tmp_path_factory.mktemp("charts") / "ws"
    _kunde("ingest", str(SAMPLE / "ordrer.csv"), str(SAMPLE / "nps_svar.csv"), "-w", str(ws))
    return ws


def _report(workspace: Path, out: Path, lang: str) -> Path:
    _kunde("report", "-w", str(workspace), "--output-dir", str(out), "--lang", lang)
    (book,) = out.glob("*.xlsx")
    return book


def _quoted(sheet: str) -> str:
    """A sheet's name in a reference: quoted when it holds more than letters and digits."""
    return sheet if re.fullmatch(r"\w+", sheet) else f"'{sheet}'"


def _ref(sheet: str, column: int, first: int, last: int) -> str:
    letter = get_column_letter(column)
    return f"{_quoted(sheet)}!${letter}${first}:${letter}${last}"


def _series(chart) -> list[tuple[str, str, str]]:
    out = []
    for s in chart.series:
        cat = s.cat.strRef or s.cat.numRef
        out.append((s.tx.strRef.f, cat.f, s.val.numRef.f))
    return out


def _title(chart) -> str:
    return "".join(r.t for p in chart.title.tx.rich.p for r in (p.r or []))


def _axis_title(axis) -> str:
    return "".join(r.t for p in axis.title.tx.rich.p for r in (p.r or []))


# sheet (da, en) -> (chart type, category header, value headers, title (da, en))
EXPECTED = {
    ("Segmenter", "Segments"): (
        "BarChart",
        ("Segment", "Segment"),
        [("Andel kunder", "Share of customers"), ("Andel omsætning", "Share of revenue")],
        ("Andel kunder og omsætning pr. segment", "Share of customers and revenue by segment"),
    ),
    ("Stigen", "Ladder"): (
        "BarChart",
        ("Trin", "Rung"),
        [("Kunder", "Customers")],
        ("Kunder på hvert trin af stigen", "Customers on each rung of the ladder"),
    ),
    ("Fastholdelse", "Retention"): (
        "LineChart",
        ("Periode", "Period"),
        [("Fastholdelse %", "Retention %")],
        ("Fastholdelse pr. periode", "Retention by period"),
    ),
    ("NPS pr. måned", "NPS by month"): (
        "LineChart",
        ("Periode", "Period"),
        [
            ("NPS", "NPS"),
            ("NPS nedre (95 %)", "NPS low (95 %)"),
            ("NPS øvre (95 %)", "NPS high (95 %)"),
        ],
        ("NPS pr. måned med 95 %-interval", "NPS by month with its 95 % interval"),
    ),
}


@pytest.mark.parametrize("lang", ["da", "en"])
def test_the_main_series_have_native_charts_on_their_sheets(workspace, tmp_path, lang):
    path = _report(workspace, tmp_path / lang, lang)
    wb = openpyxl.load_workbook(path)
    i = 0 if lang == "da" else 1
    charted = {ws.title: ws._charts for ws in wb.worksheets if ws._charts}
    assert set(charted) == {names[i] for names in EXPECTED}
    for names, (kind, category, values, title) in EXPECTED.items():
        sheet = names[i]
        ws = wb[sheet]
        (chart,) = charted[sheet]
        assert type(chart).__name__ == kind
        if kind == "BarChart":
            assert chart.barDir == "bar"  # horizontal bars
        assert _title(chart) == title[i]
        header = [c.value for c in ws[1]]
        # Every data row of the sheet's table (A1:I12 → rows 2 to 12).
        (table,) = ws.tables.values()
        last = int(re.search(r"(\d+)$", table.ref).group(1))
        cat_col = header.index(category[i]) + 1
        expected = [
            (
                f"{_quoted(sheet)}!${get_column_letter(header.index(v[i]) + 1)}$1",
                _ref(sheet, cat_col, 2, last),
                _ref(sheet, header.index(v[i]) + 1, 2, last),
            )
            for v in values
        ]
        assert _series(chart) == expected, sheet
        assert last > 2  # the sample shop has more than one row of each
        # The chart sits right of the table, not over it.
        assert chart.anchor._from.col >= len([h for h in header if h is not None])
    # Axis titles are in the report's language too.
    segments = charted[("Segmenter", "Segments")[i]][0]
    assert _axis_title(segments.x_axis) == "Segment"  # the category axis
    assert _axis_title(segments.y_axis) == ("Andel", "Share")[i]
    with zipfile.ZipFile(path) as z:
        charts_xml = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/")]
    assert len(charts_xml) == 4
    words = (
        ("Andel", "Kunder", "Fastholdelse %", "Periode")
        if lang == "da"
        else (
            "Share",
            "Customers",
            "Retention %",
            "Period",
        )
    )
    for word in words:
        assert any(f"<a:t>{word}</a:t>" in x for x in charts_xml), word


def test_a_survey_only_workspace_gets_no_chart_of_zeros(tmp_path):
    ws = tmp_path / "ws"
    _kunde("ingest", str(SAMPLE / "nps_svar.csv"), "-w", str(ws))
    _kunde("report", "-w", str(ws), "--output-dir", str(tmp_path / "out"))
    wb = openpyxl.load_workbook(next((tmp_path / "out").glob("*.xlsx")))
    charted = sorted(w.title for w in wb.worksheets if w._charts)
    # Everyone is a potential customer (the ladder) and the NPS trend has answers;
    # segments and retention have nothing but zeros and blanks.
    assert charted == ["NPS pr. måned", "Stigen"]
    html = next((tmp_path / "out").glob("*.html")).read_text(encoding="utf-8")
    segments = html.split('<section id="segments">')[1].split("</section>")[0]
    assert "<svg" not in segments
    assert (
        '<p class="chart-empty">Ingen ordrer i perioden, så her er intet at tegne.</p>' in segments
    )
    retention = html.split('<section id="retention">')[1].split("</section>")[0]
    assert "<svg" not in retention and "chart-empty" in retention


def test_sheet_rows_and_chart_ranges_agree_with_the_frames(workspace, tmp_path):
    # The retention chart reads exactly the rows `kunde retention` gives.
    path = _report(workspace, tmp_path / "r", "da")
    result = CliRunner().invoke(app, ["retention", "-w", str(workspace), "--format", "csv"])
    assert result.exit_code == 0, result.output
    periods = pl.read_csv(io.StringIO(result.stdout)).height
    wb = openpyxl.load_workbook(path)
    (chart,) = wb["Fastholdelse"]._charts
    assert _series(chart)[0][2].endswith(f"$G$2:$G${periods + 1}")
