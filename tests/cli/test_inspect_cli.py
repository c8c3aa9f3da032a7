"""`kunde inspect` end to end through the CLI."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from kunde_cli.cli.main import app

runner = CliRunner()

DANISH = (
    "Ordrenummer;Ordredato;Kundenummer;Navn;E-mail;Vare;Antal;Beløb;Status\n"
    "1001;15-03-2024 14:22;K1;Søren;soren@example.dk;Kaffe;2;1.234,50;Betalt\n"
    "1002;16-03-2024 09:10;K2;Åse;ase@example.dk;Hue;1;kr. 299,00;Betalt\n"
    "1003;;K3;Bo;bo@example.dk;Te;1;45,00;Betalt\n"
    "1004;17-03-2024;K3;Bo;bo@example.dk;Te;1;ukendt;Betalt\n"
)


def test_inspect_shows_detection_mapping_sample_and_problems(tmp_path):
    path = tmp_path / "ordrer.csv"
    path.write_text(DANISH, encoding="cp1252")
    result = runner.invoke(app, ["inspect", str(path)], catch_exceptions=False)
    assert result.exit_code == 0
    out = result.stdout
    for expected in (
        "cp1252",
        "semikolon",
        "comma",
        "dd-mm-yyyy hh:mm",
        "Ordredato",
        "Beløb",
        "Søren",
        "ingen dato",
        "no_date",
        "ikke et beløb",
        "not_an_amount",
    ):
        assert expected in out, expected
    assert "4 rækker læst: 2 kan bruges, 2 afvises." in out
    assert not (tmp_path / "kunde-data").exists()


def test_inspect_json(tmp_path):
    path = tmp_path / "ordrer.csv"
    path.write_text(DANISH, encoding="utf-8")
    result = runner.invoke(app, ["inspect", str(path), "--format", "json"], catch_exceptions=False)
    payload = json.loads(result.stdout)[0]
    assert payload["rows_read"] == 4 and payload["accepted"] == 2 and payload["rejected"] == 2
    assert payload["detected"]["delimiter"] == ";"
    assert payload["detected"]["mapping"]["amount"] == "Beløb"
    problems = {(p["reason"], p["reason_code"], p["first_rows"]) for p in payload["problems"]}
    assert problems == {("ingen dato", "no_date", "4"), ("ikke et beløb", "not_an_amount", "5")}
    english = runner.invoke(app, ["inspect", str(path), "--format", "json", "--lang", "en"])
    problems = {(p["reason"], p["reason_code"]) for p in json.loads(english.stdout)[0]["problems"]}
    assert problems == {("no date", "no_date"), ("not an amount", "not_an_amount")}


def test_inspect_missing_file_is_one_line_exit_2(tmp_path):
    result = runner.invoke(app, ["inspect", str(tmp_path / "nej.csv")])
    assert result.exit_code == 2
    assert "nej.csv: filen findes ikke" in result.stderr
    english = runner.invoke(app, ["inspect", str(tmp_path / "nej.csv"), "--lang", "en"])
    assert english.stderr.startswith("Error: ") and "nej.csv: file not found" in english.stderr
    assert "Traceback" not in result.output


def test_inspect_missing_columns_names_the_fix(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("Navn;By\nAnne;Vejle\n", encoding="utf-8")
    result = runner.invoke(app, ["inspect", str(path), "--lang", "en"])
    assert result.exit_code == 2
    first = result.stderr.splitlines()[0]
    assert (
        first.startswith("Error: ")
        and "x.csv: no column found for order_date, customer_id" in first
    )
    assert "--map" in result.stderr
