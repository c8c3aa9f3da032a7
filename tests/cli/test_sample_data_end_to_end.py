"""Every analysis command on the bundled sample shop, in every output format (issue 3)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from typer.testing import CliRunner

from kunde_cli.cli.main import app

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_data"
runner = CliRunner()

COMMANDS = [
    ["segment"],
    ["segment", "--by", "customer"],
    ["ladder"],
    ["churn"],
    ["churn", "--list"],
    ["nps"],
    ["retention"],
    ["retention", "--cohorts"],
    ["clv", "--by", "segment"],
    ["profiles"],
]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    ws = tmp_path_factory.mktemp("sample") / "ws"
    result = runner.invoke(
        app,
        [
            "ingest",
            str(SAMPLE / "ordrer.csv"),
            str(SAMPLE / "nps_svar.csv"),
            "-w",
            str(ws),
            "-f",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    rows = {r["kind"]: r for r in json.loads(result.stdout)}
    # The sample's README promises 8 deliberately bad order rows and a clean survey: 6
    # are refused, and the 2 without any customer are kept as anonymous sales.
    assert rows["orders"]["rejected"] == 6
    assert rows["orders"]["rows_read"] == rows["orders"]["accepted"] + 6
    assert rows["survey"]["rejected"] == 0
    return ws


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: "-".join(c))
def test_every_format(workspace, tmp_path, command):
    base = [*command, "-w", str(workspace)]
    as_json = runner.invoke(app, [*base, "-f", "json"])
    assert as_json.exit_code == 0, as_json.output
    expected = pl.DataFrame(json.loads(as_json.stdout))
    assert expected.height > 0

    as_csv = runner.invoke(app, [*base, "-f", "csv"])
    assert as_csv.exit_code == 0, as_csv.output
    assert pl.read_csv(io.BytesIO(as_csv.stdout_bytes)).shape == expected.shape

    parquet = tmp_path / "out.parquet"
    assert runner.invoke(app, [*base, "-f", "parquet", "-o", str(parquet)]).exit_code == 0
    assert pl.read_parquet(parquet).shape == expected.shape

    xlsx = tmp_path / "out.xlsx"
    assert runner.invoke(app, [*base, "-f", "xlsx", "-o", str(xlsx)]).exit_code == 0
    sheet = openpyxl.load_workbook(xlsx).worksheets[0]
    assert sheet.max_row - 1 >= min(expected.height, 1)

    table = runner.invoke(app, [*base, "-f", "table", "--lang", "en"])
    assert table.exit_code == 0, table.output
    assert table.stdout.strip()
    assert "Traceback" not in table.output


def test_explain_every_format(workspace):
    as_json = runner.invoke(app, ["explain", "10002", "-w", str(workspace), "-f", "json"])
    assert as_json.exit_code == 0, as_json.output
    assert json.loads(as_json.stdout)["customer_id"] == "10002"
    table = runner.invoke(app, ["explain", "10002", "-w", str(workspace)])
    assert table.exit_code == 0 and "10002" in table.stdout


def test_mapping_from_kunde_toml(tmp_path, monkeypatch):
    path = tmp_path / "ordrer.csv"
    path.write_text(
        "Ordre;Dato;Kunde;Beløb;Total inkl. moms\n1;05-03-2024;K1;10;125\n", encoding="utf-8"
    )
    (tmp_path / "kunde.toml").write_text(
        '[mapping]\namount = "Total inkl. moms"\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["segment", "ordrer.csv", "--by", "customer", "-f", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["monetary"] == 125.0


def test_bad_kunde_toml_is_one_line_exit_2(tmp_path, monkeypatch):
    (tmp_path / "kunde.toml").write_text("[mapping\namount = 1\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["segment", "x.csv"])
    assert result.exit_code == 2
    assert result.stderr.startswith("Fejl: kunde.toml: ikke gyldig TOML")
    result = runner.invoke(app, ["segment", "x.csv", "--lang", "en"])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: kunde.toml: not valid TOML")


def test_inspect_customers_reports_merges(tmp_path):
    web = tmp_path / "web.csv"
    web.write_text(
        "Ordre;Dato;Kundenummer;E-mail;Telefon;Beløb\n"
        "1;05-03-2024;W1;anne@example.dk;;100\n"
        "2;06-03-2024;W2;bo@example.dk;;50\n",
        encoding="utf-8",
    )
    till = tmp_path / "butik.csv"
    till.write_text(
        "Bon;Dato;E-mail;Telefon;Beløb\n"
        "B1;07-03-2024; Anne@Example.DK ;+45 12 34 56 78;30\n"
        "B2;08-03-2024;;12345678;20\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["inspect", str(web), str(till), "--customers", "-f", "json"])
    assert result.exit_code == 0, result.output
    counts = {r["measure"]: r["count"] for r in json.loads(result.stdout)[-1]["customers"]}
    # W1, anne@…, +4512345678 are one person (e-mail, then phone); bo is another.
    assert counts["customers"] == 2
    assert counts["merged_same_email"] >= 1 and counts["merged_same_phone"] >= 1
