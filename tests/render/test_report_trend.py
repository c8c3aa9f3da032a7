"""The report's "Udvikling" / "Trend" section and sheet (issue 17 point 3): the ten-
customer shop of test_html.py month by month, worked out by hand, in the HTML page (da
and en), in the workbook, anonymised, and through `kunde report`.

The shop (as-of 15-06-2024) has its first order on 02-02-2023, so the trend has 17
months, February 2023 to June 2024; June is not over.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from test_html import AS_OF, _lines, _section, _survey

from kunde_cli.analytics.trends import monthly_trends
from kunde_cli.render.html import render_report
from kunde_cli.render.workbook import report_workbook
from kunde_cli.report import build_report

KEYS = ("month", "revenue", "orders", "active_customers", "customers_new", "customers_returning")


@pytest.fixture(scope="module")
def report_da():
    return build_report(_lines(), as_of=AS_OF, survey=_survey(), lang="da")


def test_the_report_holds_the_months_by_hand(report_da):
    trend = report_da.trend
    assert trend is not None and trend.height == 17
    assert trend.get_column("month").to_list()[:2] == ["2023-02", "2023-03"]
    rows = {r["month"]: r for r in trend.iter_rows(named=True)}
    # August 2023: nobody bought — a row of zeros, not a gap.
    assert tuple(rows["2023-08"][k] for k in KEYS) == ("2023-08", 0.0, 0, 0, 0, 0)
    # February 2024: K1 200, K2 400, K8 60 (K8's first) → 660 from 3 orders.
    assert tuple(rows["2024-02"][k] for k in KEYS) == ("2024-02", 660.0, 3, 3, 1, 2)
    # March 2024: K1 200; K7's refunded order counts nowhere.
    assert tuple(rows["2024-03"][k] for k in KEYS) == ("2024-03", 200.0, 1, 1, 0, 1)
    # June 2024 (not over): K1 250 and K5 75 (K5's first order).
    june = rows["2024-06"]
    assert tuple(june[k] for k in KEYS) == ("2024-06", 325.0, 2, 2, 1, 1)
    assert june["partial"] and not rows["2024-05"]["partial"]
    # NPS: June 10, 3, 9, 6 → 2 promoters, 2 detractors of 4 = 0; February one 2 → −100.
    assert (june["n"], june["nps"]) == (4, 0.0)
    assert (rows["2024-02"]["n"], rows["2024-02"]["nps"]) == (1, -100.0)
    assert (rows["2024-04"]["n"], rows["2024-04"]["nps"]) == (0, None)
    # The same numbers as the analysis on its own.
    alone = monthly_trends(_lines(), _survey(), as_of=AS_OF, months=24)
    assert trend.equals(alone)


@pytest.mark.parametrize(
    ("lang", "title", "month", "partial", "nps_panel"),
    [
        ("da", "Udvikling", "02-2024", "06-2024 (måneden ikke slut)", "NPS (95 %-interval)"),
        ("en", "Trend", "2024-02", "2024-06 (month not over)", "NPS (95 % interval)"),
    ],
)
def test_the_section_in_both_languages(lang, title, month, partial, nps_panel):
    data = build_report(_lines(), as_of=AS_OF, survey=_survey(), lang=lang)
    page = render_report(data)
    section = _section(page, "trend")
    assert f"<h2>{title}</h2>" in section
    assert f'<a href="#trend">{title}</a>' in page
    # One chart with an NPS panel, and one line per month in the table.
    assert section.count("<svg") == 1 and nps_panel in section
    body = re.search(r"<tbody[^>]*>(.*?)</tbody>", section, re.S).group(1)
    assert body.count("<tr") == 17
    assert f">{month}</td>" in body and f">{partial}</td>" in body
    # The sentence: 17 months, revenue of them all, the last whole month (May 2024:
    # K1 200, K8 80, K10 50 — K10's first order).
    lead = re.search(r'<p class="lead">(.*?)</p>', section, re.S).group(1)
    total = data.trend.get_column("revenue").sum()
    assert f"{total:,.0f}".replace(",", "." if lang == "da" else ",") in lead
    may = {"da": "I 05-2024 købte 3 kunder, heraf 1 nye og 2 genkøbende", "en": "In 2024-05, 3"}
    assert may[lang] in lead


def test_the_workbook_has_the_trend_sheet(report_da):
    raw, _ = report_workbook(report_da)
    wb = openpyxl.load_workbook(io.BytesIO(raw))
    ws = wb["Udvikling"]
    rows = list(ws.iter_rows(values_only=True))
    header = rows[0]
    assert header[:3] == ("Måned", "Månedens første dag", "Måneden ikke slut")
    assert "Nye kunder" in header and "Genkøbende kunder" in header
    by_month = {r[0]: dict(zip(header, r, strict=False)) for r in rows[1:] if r[0]}
    assert len(by_month) == 17
    assert by_month["2024-02"]["Omsætning"] == 660.0
    assert by_month["2024-06"]["Genkøbende kunder"] == 1


def test_anonymised_months_of_few_buyers_have_no_revenue():
    data = build_report(_lines(), as_of=AS_OF, survey=_survey(), lang="en", anonymise_salt="s")
    trend = data.trend
    # Every month of this shop has fewer than five buyers: counts stay, money goes —
    # but a month nobody bought in keeps its 0 (it shows no one's spending).
    buyers = pl.col("active_customers")
    assert trend.filter(buyers > 0).get_column("revenue").is_null().all()
    assert trend.filter(buyers == 0).get_column("revenue").to_list() == [0.0]
    assert trend.get_column("active_customers").sum() > 0
    assert trend.get_column("nps").is_null().all()  # no month has five answers
    assert data.left_out["trend"]
    section = _section(render_report(data), "trend")
    assert "revenue in months with under 5 buying customers" in section
    assert "DKK 660" not in section


ORDERS_CSV = """\
Ordrenummer;Kundenummer;E-mail;Ordredato;Beløb;Status
5001;1001;mette.hansen@example.dk;02-01-2024;249,00;betalt
5003;1002;lars.nielsen@example.dk;20-01-2024;1.299,00;betalt
5002;1001;mette.hansen@example.dk;15-02-2024;189,00;betalt
5004;;;05-02-2024;99,00;betalt
5006;1003;anne.k@example.dk;01-04-2024;149,00;betalt
"""


@pytest.mark.parametrize(("lang", "title"), [("da", "Udvikling"), ("en", "Trend")])
def test_kunde_report_has_the_section(tmp_path: Path, lang: str, title: str):
    from typer.testing import CliRunner

    from kunde_cli.cli.main import app

    orders = tmp_path / "ordrer.csv"
    orders.write_text(ORDERS_CSV, encoding="utf-8")
    out = tmp_path / "rapport"
    result = CliRunner().invoke(
        app,
        ["report", str(orders), "-w", str(tmp_path / "ws"), "-o", str(out), "--lang", lang],
        catch_exceptions=False,
        env={"KUNDE_LANG": ""},
    )
    assert result.exit_code == 0, result.stderr
    page = next(out.glob("*.html")).read_text(encoding="utf-8")
    section = _section(page, "trend")
    assert f"<h2>{title}</h2>" in section
    # January 1.548, February 189 + 99 (a guest), March nothing, April 149 (not over).
    body = re.search(r"<tbody[^>]*>(.*?)</tbody>", section, re.S).group(1)
    assert body.count("<tr") == 4
    wb = openpyxl.load_workbook(next(out.glob("*.xlsx")))
    sheet = wb[title]
    revenue = [r[3] for r in sheet.iter_rows(min_row=2, values_only=True) if r[0]]
    assert revenue == [1548.0, 288.0, 0.0, 149.0]
