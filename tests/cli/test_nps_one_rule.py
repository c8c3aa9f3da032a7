"""One NPS rule: `kunde nps`, `kunde report` (workbook and HTML), `kunde profiles` and
`kunde ladder` count the same survey answers on the same files, up to the same day.

The shop, built here: four customers, six orders, the last on 1 March 2024, and one
answer per customer — two of them given *after* the last order:

    customer  orders (date)              answer (date)
    1001      10 Jan, 20 Feb   → 2       10 (25 Feb)   promoter
    1002      15 Jan           → 1        3 (28 Feb)   detractor
    1003       1 Feb,  1 Mar   → 2        9 (10 Mar)   promoter, after the last order
    1004      10 Feb           → 1        8 (15 Mar)   passive, after the last order

By hand, with the default rule (answers count up to the latest answer, 15 March):
n = 4, promoters 2, passives 1, detractors 1, NPS = 100 × (2 − 1) / 4 = 25. The
ambassadors (2+ orders and a latest answer of 9–10) are 1001 and 1003. Had the later
answers been dropped (the old report), n would be 2 and NPS 100 × (1 − 1) / 2 = 0,
and 1003 would not be an ambassador.

With --as-of 2024-03-01 only the answers up to that day count: n = 2 (10 and 3),
NPS 0, and only 1001 is an ambassador.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from kunde_cli.cli.main import app

ORDERS_CSV = """\
Ordrenummer;Kundenummer;E-mail;Navn;Ordredato;Beløb;Antal;Vare;Kanal;Status
1;1001;anna@example.dk;Anna;10-01-2024;300,00;1;Kaffe;web;betalt
2;1002;bo@example.dk;Bo;15-01-2024;500,00;1;Kværn;web;betalt
3;1003;carl@example.dk;Carl;01-02-2024;150,00;1;Te;web;betalt
4;1004;dorte@example.dk;Dorte;10-02-2024;250,00;1;Kaffe;web;betalt
5;1001;anna@example.dk;Anna;20-02-2024;200,00;1;Te;web;betalt
6;1003;carl@example.dk;Carl;01-03-2024;100,00;1;Kaffe;web;betalt
"""

SURVEY_CSV = """\
Kundenummer;E-mail;Dato;Anbefaling (0-10);Kommentar
1001;anna@example.dk;25-02-2024;10;Altid god kaffe
1002;bo@example.dk;28-02-2024;3;For dyrt
1003;carl@example.dk;10-03-2024;9;Hurtig levering
1004;dorte@example.dk;15-03-2024;8;
"""

#: (as-of option, n, promoters, passives, detractors, NPS, day, rule, ambassadors, note)
DEFAULT = (
    (),
    4,
    2,
    1,
    1,
    25.0,
    date(2024, 3, 15),
    "answers",
    ["1001", "1003"],
    "NPS-svar tæller til og med 15-03-2024, datoen for det seneste svar: 2 svar kom "
    "efter den seneste ordre (01-03-2024) og tæller med.",
)
GIVEN = (
    ("--as-of", "2024-03-01"),
    2,
    1,
    0,
    1,
    0.0,
    date(2024, 3, 1),
    "given",
    ["1001"],
    "NPS-svar tæller til og med 01-03-2024 (--as-of).",
)


@pytest.fixture
def files(tmp_path: Path) -> list[str]:
    orders, survey = tmp_path / "ordrer.csv", tmp_path / "svar.csv"
    orders.write_text(ORDERS_CSV, encoding="utf-8")
    survey.write_text(SURVEY_CSV, encoding="utf-8")
    return [str(orders), str(survey)]


def run(*args: str) -> tuple[str, str]:
    result = CliRunner().invoke(app, [*args, "-w", "no-workspace"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return result.stdout, result.stderr


def run_json(*args: str) -> tuple[list[dict[str, Any]], str]:
    stdout, stderr = run(*args, "--format", "json")
    return json.loads(stdout), stderr


def sheet_rows(path: Path, name: str) -> list[dict[str, Any]]:
    """A workbook sheet's rows as dicts keyed by its header row."""
    workbook = load_workbook(path)
    rows = list(workbook[name].iter_rows(values_only=True))
    workbook.close()
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def nps_of(scores: list[int]) -> float:
    """NPS from a list of scores, the plain way (the independent check)."""
    promoters = sum(score >= 9 for score in scores)
    detractors = sum(score <= 6 for score in scores)
    return 100.0 * (promoters - detractors) / len(scores)


@pytest.mark.parametrize("case", [DEFAULT, GIVEN], ids=["default", "as-of"])
def test_nps_report_profiles_and_ladder_count_the_same_answers(
    files: list[str], tmp_path: Path, case: tuple[Any, ...]
) -> None:
    option, n, promoters, passives, detractors, score, day, rule, ambassadors, note = case

    # kunde nps: the summary with the day and the rule.
    rows, stderr = run_json("nps", *files, *option)
    (row,) = rows
    assert (row["n"], row["promoters"], row["passives"], row["detractors"]) == (
        n,
        promoters,
        passives,
        detractors,
    )
    assert row["nps"] == pytest.approx(score)
    assert (row["as_of"], row["as_of_rule"]) == (day.isoformat(), rule)
    assert note in stderr

    # kunde report: the workbook's overview, its NPS sheet, ladder and profiles.
    out = tmp_path / "rapport"
    stdout, stderr = run("report", *files, *option, "-d", str(out), "--no-model")
    html_path, xlsx_path = map(Path, stdout.split())
    assert note in stderr
    overview = {r["Nøgletal"]: r["Værdi"] for r in sheet_rows(xlsx_path, "Oversigt")}
    assert overview["NPS"] == pytest.approx(score)
    assert overview["NPS-svar"] == n
    assert overview["NPS-svar til og med"] == datetime(day.year, day.month, day.day)
    (sheet,) = sheet_rows(xlsx_path, "NPS")
    assert (sheet["Svar"], sheet["Promotorer"], sheet["Passive"], sheet["Kritikere"]) == (
        n,
        promoters,
        passives,
        detractors,
    )
    assert sheet["NPS"] == pytest.approx(score)
    assert sheet["Svar til og med"] == datetime(day.year, day.month, day.day)
    assert sheet["Dato valgt efter"] == {"answers": "Seneste svar", "given": "--as-of"}[rule]
    ladder_sheet = {r["Trin"]: r["Kunder"] for r in sheet_rows(xlsx_path, "Stigen")}
    assert ladder_sheet["Ambassadører"] == len(ambassadors)
    profile_sheet = sheet_rows(xlsx_path, "Profiler")
    answered = [r for r in profile_sheet if r["NPS-svar"]]
    assert sum(r["NPS-svar"] for r in answered) == n
    assert sum(r["NPS"] * r["NPS-svar"] for r in answered) / n == pytest.approx(score)
    html = html_path.read_text(encoding="utf-8")
    assert f"NPS er {score:.0f} (95 %-interval " in html
    assert f", {n} svar): " in html
    assert note in html

    # kunde profiles: per segment and per rung, each customer's latest answer; one
    # answer per customer here, so the answer-weighted NPS is the shop's NPS.
    for by in ("segment", "rung"):
        groups, stderr = run_json("profiles", *files, *option, "--by", by)
        answered = [g for g in groups if g["nps_responses"]]
        assert sum(g["nps_responses"] for g in answered) == n
        assert sum(g["nps"] * g["nps_responses"] for g in answered) / n == pytest.approx(score)
        assert note in stderr

    # kunde ladder: everyone's latest score, and who is an ambassador.
    people, stderr = run_json("ladder", *files, *option, "--by", "customer")
    scores = [p["latest_score"] for p in people if p["latest_score"] is not None]
    assert len(scores) == n
    assert nps_of(scores) == pytest.approx(score)
    assert sorted(p["customer_id"] for p in people if p["rung"] == "ambassador") == ambassadors
    assert note in stderr
    rungs, _ = run_json("ladder", *files, *option)
    assert {r["rung"]: r["customers"] for r in rungs}["ambassador"] == len(ambassadors)


def test_the_month_sheet_holds_months_and_the_quarter_sheet_quarters(
    files: list[str], tmp_path: Path
) -> None:
    stdout, _ = run("report", *files, "-d", str(tmp_path), "--no-model")
    xlsx_path = Path(stdout.split()[1])
    # February: 10 and 3 → NPS 0; March: 9 and 8 → 100 × (1 − 0) / 2 = 50.
    months = sheet_rows(xlsx_path, "NPS pr. måned")
    assert [(r["Periode"], r["Svar"], r["NPS"]) for r in months] == [
        ("2024-02", 2, pytest.approx(0.0)),
        ("2024-03", 2, pytest.approx(50.0)),
    ]
    # With under 30 answers a month, the HTML chart shows quarters; so does a sheet
    # named for them: Q1 holds all four answers, NPS 25.
    quarters = sheet_rows(xlsx_path, "NPS pr. kvartal")
    assert [(r["Periode"], r["Svar"], r["NPS"]) for r in quarters] == [
        ("2024-Q1", 4, pytest.approx(25.0))
    ]
    # The same months as `kunde nps --period month`.
    rows, _ = run_json("nps", *files, "--period", "month")
    assert [(r["period"], r["n"], r["nps"]) for r in rows] == [
        (r["Periode"], r["Svar"], r["NPS"]) for r in months
    ]
