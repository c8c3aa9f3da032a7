"""Money carries its currency: labels follow the data, two currencies are never added
(issue 13, point 5)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kunde_cli.cli.main import app

runner = CliRunner()

# A web shop selling in euro: E1 buys twice (10.50 + 20.00), E2 once (5.25).
EURO = (
    "Order ID,Date,Customer ID,Email,Total,Currency,Status\n"
    "E-1,2024-03-01,E1,e1@example.com,10.50,EUR,paid\n"
    "E-2,2024-03-05,E1,e1@example.com,20.00,EUR,paid\n"
    "E-3,2024-03-06,E2,e2@example.com,5.25,€,paid\n"
)
# The Danish till, no currency column: its money is the shop's own (kr.).
# K1 buys 3 times (100 + 200 + 50), K2 once (80).
KRONER = (
    "Ordrenummer;Ordredato;Kundenummer;Beløb\n"
    "1;01-03-2024;K1;100,00\n"
    "2;02-03-2024;K1;200,00\n"
    "3;03-03-2024;K1;50,00\n"
    "4;04-03-2024;K2;80,00\n"
)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    euro, kroner = tmp_path / "euro.csv", tmp_path / "kasse.csv"
    euro.write_text(EURO, encoding="utf-8")
    kroner.write_text(KRONER, encoding="utf-8")
    ws = tmp_path / "ws"
    result = runner.invoke(app, ["ingest", str(euro), str(kroner), "-w", str(ws)])
    assert result.exit_code == 0, result.output
    return ws


def customers(ws: Path, *extra: str) -> tuple[dict[str, tuple[int, float]], str]:
    result = runner.invoke(
        app, ["segment", "--by", "customer", "-w", str(ws), "-f", "json", *extra]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    return {r["customer_id"]: (r["frequency"], r["monetary"]) for r in rows}, result.stderr


def test_two_currencies_are_never_added(workspace: Path) -> None:
    # Default: the currency with the most lines (DKK, 4 lines against EUR's 3), said.
    got, err = customers(workspace)
    assert got == {"K1": (3, 350.0), "K2": (1, 80.0)}
    assert "data har flere valutaer (linjer: DKK 4, EUR 3)" in err and "--currency EUR" in err
    # The euro customers, alone, in euro.
    got, err = customers(workspace, "--currency", "eur")
    assert got == {"E1": (2, 30.5), "E2": (1, 5.25)}
    assert "Talt med: 3 køb for 35,75 € fra 2 kunder." in err


def test_tables_are_labelled_in_the_data_currency(workspace: Path) -> None:
    result = runner.invoke(
        app, ["segment", "-w", str(workspace), "--currency", "EUR", "-f", "table"]
    )
    assert result.exit_code == 0, result.output
    assert "€" in result.stdout and "kr." not in result.stdout
    english = runner.invoke(
        app, ["segment", "-w", str(workspace), "--currency", "EUR", "-f", "table", "--lang", "en"]
    )
    assert "€" in english.stdout and "DKK" not in english.stdout


def test_an_absent_currency_names_the_choices(workspace: Path) -> None:
    result = runner.invoke(
        app, ["segment", "-w", str(workspace), "--currency", "USD", "--lang", "en"]
    )
    assert result.exit_code == 2
    assert "no orders in USD" in result.stderr
    assert "currencies in the data (lines): DKK 4, EUR 3" in result.stderr
    assert "Traceback" not in result.output


def test_one_foreign_currency_needs_no_choice(tmp_path: Path) -> None:
    euro = tmp_path / "euro.csv"
    euro.write_text(EURO, encoding="utf-8")
    result = runner.invoke(app, ["segment", str(euro), "-f", "table"])
    assert result.exit_code == 0, result.output
    assert "€" in result.stdout and "kr." not in result.stdout
    assert "flere valutaer" not in result.stderr
