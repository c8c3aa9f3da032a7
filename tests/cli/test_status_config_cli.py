"""Status words kunde does not know: reported, not counted, until kunde.toml says what
they mean (issue 13, point 1)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kunde_cli.cli.main import app

runner = CliRunner()

# 4 orders: two "Betalt" (completed), one "Afhentet i butik" (unknown to kunde), one
# "Afventer" (pending).  Known customers K1 (1001, 1003) and K2 (1002, 1004).
EXPORT = (
    "Ordrenummer;Ordredato;Kundenummer;E-mail;Beløb;Status\n"
    "1001;01-03-2024;K1;a@example.dk;100,00;Betalt\n"
    "1002;02-03-2024;K2;b@example.dk;250,00;Betalt\n"
    "1003;03-03-2024;K1;a@example.dk;40,00;Afhentet i butik\n"
    "1004;04-03-2024;K2;b@example.dk;75,50;Afventer\n"
)


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    path = tmp_path / "ordrer.csv"
    path.write_text(EXPORT, encoding="utf-8")
    return path


def counted(path: Path, cwd: Path) -> dict:
    old = Path.cwd()
    os.chdir(cwd)
    try:
        result = runner.invoke(app, ["inspect", str(path), "--format", "json"])
    finally:
        os.chdir(old)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)[0]


def test_unknown_word_is_reported_and_not_counted(shop: Path, tmp_path: Path) -> None:
    payload = counted(shop, tmp_path)
    rows = {(r["status"], r["class"]): (r["orders"], r["amount"]) for r in payload["statuses"]}
    assert rows == {
        ("betalt", "completed"): (2, 350.0),
        ("afhentet i butik", "unknown"): (1, 40.0),
        ("afventer", "pending"): (1, 75.5),
    }
    # Only the two paid orders: 100 + 250.
    assert payload["counted"]["purchases"] == 2
    assert payload["counted"]["revenue"] == 350.0


def test_kunde_toml_status_makes_it_count(shop: Path, tmp_path: Path) -> None:
    (tmp_path / "kunde.toml").write_text('[status]\n"Afhentet i butik" = "completed"\n')
    payload = counted(shop, tmp_path)
    assert payload["counted"]["purchases"] == 3
    assert payload["counted"]["revenue"] == 390.0  # 100 + 250 + 40
    # The analyses read the same words the same way: K1 has 2 purchases for 140.
    old = Path.cwd()
    os.chdir(tmp_path)
    try:
        result = runner.invoke(app, ["segment", str(shop), "--by", "customer", "-f", "json"])
    finally:
        os.chdir(old)
    assert result.exit_code == 0, result.output
    by_id = {r["customer_id"]: r for r in json.loads(result.stdout)}
    assert (by_id["K1"]["frequency"], by_id["K1"]["monetary"]) == (2, 140.0)
    assert (by_id["K2"]["frequency"], by_id["K2"]["monetary"]) == (1, 250.0)


def test_a_class_that_does_not_exist_is_refused(shop: Path, tmp_path: Path) -> None:
    (tmp_path / "kunde.toml").write_text('[status]\n"Afhentet i butik" = "done"\n')
    old = Path.cwd()
    os.chdir(tmp_path)
    try:
        result = runner.invoke(app, ["inspect", str(shop)])
    finally:
        os.chdir(old)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "Fejl: kunde.toml: [status] Afhentet i butik = done: ikke en statusklasse",
        "Tip: klasser: completed, partially_refunded, pending, cancelled, failed, refunded, "
        "credit_note",
    ]
    assert "Traceback" not in result.output


def test_ingest_says_what_it_counted_and_left_out(shop: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["ingest", str(shop), "-w", str(tmp_path / "ws")])
    assert result.exit_code == 0, result.output
    assert "afhentet i butik" in result.stderr and "ukendt status" in result.stderr
    assert "Talt med: 2 køb for 350,00 kr. fra 2 kunder." in result.stderr
    assert "Ikke talt med: 1 afventer betaling og 1 med ukendt status (115,50 kr.)" in (
        " ".join(result.stderr.split())
    )
