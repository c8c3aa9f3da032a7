"""`kunde nps` end to end: survey files + an orders export given directly as FILES.

The shop: seven orders of six customers; the survey is the Typeform export in
tests/data/survey (five answers, 2–9 April 2024, after the last order on 1 March).
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from kunde_cli.analytics import nps
from kunde_cli.cli.main import app

DATA = Path(__file__).resolve().parents[1] / "data" / "survey"
TYPEFORM = DATA / "typeform_da.csv"
GOOGLE_FORMS = DATA / "google_forms_da.csv"
TYPEFORM_SCORE = "Hvor sandsynligt er det, at du vil anbefale Kaffebønnen til en ven?"

ORDERS_CSV = """\
Ordrenummer;Kundenummer;E-mail;Navn;Ordredato;Beløb;Antal;Vare;Kanal;Status
5001;1001;mette.hansen@example.dk;Mette Hansen;02-01-2024;249,00;2;Kaffebønner Espresso;web;betalt
5002;1001;mette.hansen@example.dk;Mette Hansen;15-02-2024;189,00;1;Te Earl Grey;web;betalt
5003;1002;lars.nielsen@example.dk;Lars Nielsen;20-01-2024;1.299,00;1;Kaffekværn;butik;betalt
5004;1004;peter@example.dk;Peter Sørensen;05-02-2024;99,00;1;Kaffefiltre;web;betalt
5005;1006;sofie.j@example.dk;Sofie Jensen;10-02-2024;2.450,00;1;Espressomaskine;butik;betalt
5006;1006;sofie.j@example.dk;Sofie Jensen;25-02-2024;249,00;2;Kaffebønner Espresso;butik;betalt
5007;1003;anne.k@example.dk;Anne Kristensen;01-03-2024;149,00;1;Kaffebønner Filter;web;betalt
"""


@pytest.fixture
def orders_csv(tmp_path: Path) -> Path:
    path = tmp_path / "ordrer.csv"
    path.write_text(ORDERS_CSV, encoding="utf-8")
    return path


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def run_json(runner: CliRunner, *args: str | Path) -> tuple[list[dict[str, object]], str]:
    result = runner.invoke(
        app,
        ["nps", *map(str, args), "--format", "json", "-w", "no-workspace"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout), result.stderr


def test_summary_matches_the_library_and_counts_answers_after_the_last_order(
    runner: CliRunner, orders_csv: Path
) -> None:
    rows, stderr = run_json(runner, orders_csv, TYPEFORM)
    # Scores 10, 4, 9, 8, 10: P = 3, passive 1, D = 1, n = 5 → NPS = 100 × 2/5 = 40.
    # The answers (April) come after the last order (1 March); none is dropped.
    assert len(rows) == 1
    row = rows[0]
    assert (row["n"], row["promoters"], row["passives"], row["detractors"]) == (5, 3, 1, 1)
    assert row["nps"] == pytest.approx(40.0)
    # Adjusted: n = 8, p_P = 3.75/8, p_D = 1.75/8, c = 0.25, var = (0.6875 − 0.0625)/8,
    # half = 1.96 × 0.279508 = 0.547837 → −29.78 … 79.78.
    assert row["ci_low"] == pytest.approx(-29.78, abs=0.01)
    assert row["ci_high"] == pytest.approx(79.78, abs=0.01)
    library = nps.nps_summary(pl.read_csv(TYPEFORM).rename({TYPEFORM_SCORE: "score"}))
    expected = library.to_frame().row(0, named=True)
    assert {k: row[k] for k in expected} == pytest.approx(expected, abs=1e-4)
    # The one NPS rule: answers count up to the latest answer (9 April), after the
    # last order (1 March); the table and the note say so.
    assert (row["as_of"], row["as_of_rule"]) == ("2024-04-09", "answers")
    assert "til og med 09-04-2024, datoen for det seneste svar: 5 svar kom efter" in stderr
    assert "NPS 40" in stderr
    assert "Kun 5 svar" in stderr  # small-n warning
    # One anonymous Typeform answer matches no customer.
    assert "1 svar kunne ikke kobles" in stderr


def test_as_of_drops_later_answers(runner: CliRunner, orders_csv: Path) -> None:
    rows, _ = run_json(runner, orders_csv, TYPEFORM, "--as-of", "2024-04-04")
    # Only 2 April (10) and 3 April (4) count: P 1, D 1 → NPS 0.
    assert (rows[0]["n"], rows[0]["nps"]) == (2, 0.0)
    assert (rows[0]["as_of"], rows[0]["as_of_rule"]) == ("2024-04-04", "given")


def test_detractor_list(runner: CliRunner, orders_csv: Path) -> None:
    rows, stderr = run_json(runner, orders_csv, GOOGLE_FORMS, "--list", "detractors")
    # Detractors in the Forms file: Anne (6, 149 kr.), Peter (3, 99 kr.), Jens (0, no
    # orders: last). Names and products come from the orders.
    assert [(r["name"], r["score"], r["revenue"], r["top_products"]) for r in rows] == [
        ("Anne Kristensen", 6, 149.0, "Kaffebønner Filter"),
        ("Peter Sørensen", 3, 99.0, "Kaffefiltre"),
        (None, 0, None, None),
    ]
    assert rows[2]["email"] == "jens.b@example.dk"
    assert rows[2]["matched"] is False
    assert "3 kritikere" in stderr


def test_promoter_list_sorted_by_value(runner: CliRunner, orders_csv: Path) -> None:
    rows, _ = run_json(runner, orders_csv, TYPEFORM, "--list", "promoters")
    # Sofie 2 699 kr. > Lars 1 299 kr. > Mette 438 kr.
    assert [(r["customer_id"], r["revenue"]) for r in rows] == [
        ("1006", 2699.0),
        ("1002", 1299.0),
        ("1001", 438.0),
    ]


def test_by_rung_puts_promoting_returning_customers_on_the_ambassador_rung(
    runner: CliRunner, orders_csv: Path
) -> None:
    rows, stderr = run_json(runner, orders_csv, TYPEFORM, "--by", "rung")
    # Mette (1001) and Sofie (1006): 2 orders and a 10 → ambassadors, NPS 100.
    # Lars (1002, 9) and Peter (1004, 4): one order each → first-time, NPS 0.
    # The anonymous 8 has no rung.
    got = {r["rung"]: (r["n"], r["nps"]) for r in rows}
    assert got == {"ambassador": (2, 100.0), "first_time": (2, 0.0), None: (1, 0.0)}
    assert "rækker bygger på under 30 svar" in stderr


def test_by_channel_and_segment(runner: CliRunner, orders_csv: Path) -> None:
    rows, _ = run_json(runner, orders_csv, TYPEFORM, "--by", "channel")
    # web: Mette 10, Peter 4 → 0; butik: Lars 9, Sofie 10 → 100; unlinked: 8.
    assert {r["channel"]: (r["n"], r["nps"]) for r in rows} == {
        "web": (2, 0.0),
        "butik": (2, 100.0),
        None: (1, 0.0),
    }
    rows, _ = run_json(runner, orders_csv, TYPEFORM, "--by", "segment")
    assert sum(r["n"] for r in rows) == 5
    assert all("segment" in r for r in rows)


def test_period_and_comments(runner: CliRunner, orders_csv: Path) -> None:
    rows, stderr = run_json(runner, orders_csv, GOOGLE_FORMS, "--period", "month")
    assert "2 af 2 rækker bygger på under 30 svar" in stderr
    # March: 9 answers (10, 9, 6, 3, 8, 10, 0, 9, 7): P 4, D 3 → 11.1; April: one 10.
    assert [(r["period"], r["n"], round(r["nps"], 1), r["small_n"]) for r in rows] == [
        ("2024-03", 9, 11.1, True),
        ("2024-04", 1, 100.0, True),
    ]
    rows, _ = run_json(runner, orders_csv, GOOGLE_FORMS, "--comments")
    promoters = [(r["term_kind"], r["term"]) for r in rows if r["nps_category"] == "promoters"]
    # 4 of 5 promoter comments say "hurtig levering".
    assert ("phrase", "hurtig levering") in promoters
    assert rows[0] == {
        "nps_category": "promoters",
        "term_kind": "word",
        "term": "hurtig",
        "comments": 4,
    }


def test_no_survey_is_a_clear_error(runner: CliRunner, orders_csv: Path) -> None:
    result = runner.invoke(app, ["nps", str(orders_csv), "-w", "no-workspace"])
    assert result.exit_code == 2
    assert "Fejl: der er ingen spørgeskemasvar" in result.stderr
    assert "Tip: læs først en spørgeskemaeksport ind: kunde ingest --kind survey" in result.stderr


def test_one_view_at_a_time(runner: CliRunner, orders_csv: Path) -> None:
    result = runner.invoke(
        app, ["nps", str(orders_csv), str(TYPEFORM), "--period", "month", "--comments"]
    )
    assert result.exit_code == 2
    assert "Fejl: vælg én visning ad gangen, ikke --period og --comments" in result.stderr
    three = ["--period", "month", "--by", "segment", "--comments", "--lang", "en"]
    result = runner.invoke(app, ["nps", str(orders_csv), str(TYPEFORM), *three])
    assert result.exit_code == 2
    assert "Error: choose one view at a time, not --period and --by and --comments" in result.stderr
    assert "Hint: run kunde nps once per view" in result.stderr


def test_by_needs_orders(runner: CliRunner) -> None:
    args = ["nps", str(TYPEFORM), "--by", "rung", "-w", "no-workspace"]
    result = runner.invoke(app, [*args, "--lang", "en"])
    assert result.exit_code == 2
    assert "Error: --by rung needs the orders to know each customer's rung" in result.stderr
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "Fejl: --by rung kræver ordrerne for at kende hver kundes trin" in result.stderr
