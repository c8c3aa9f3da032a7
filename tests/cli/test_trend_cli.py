"""`kunde retention --trend`, `kunde nps --trend`, `kunde clv --trend` end to end, in da
and en (issue 17 point 3): one line per month, worked out by hand.

The shop (as_of = the latest order line, 3 April 2024):

* January: 1001 buys 249,00 and 1002 buys 1.299,00 — both for the first time.
* February: 1001 buys again (189,00); a guest (no number, no e-mail) buys 99,00; a
  credit note of −299,00 for 1002 → revenue 189 + 99 − 299 = −11.
* March: nothing (an empty month).
* April (not over): 1003 buys 149,00 (first time); 1004's order of 3 April is cancelled.

The survey is tests/data/survey/typeform_da.csv: five answers, 2–9 April 2024, scores
10, 4, 9, 8, 10 → NPS 40 (interval −29,78 … 79,78, as in test_nps_cli.py).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from kunde_cli.cli.main import app

TYPEFORM = Path(__file__).resolve().parents[1] / "data" / "survey" / "typeform_da.csv"

ORDERS_CSV = """\
Ordrenummer;Kundenummer;E-mail;Ordredato;Beløb;Status
5001;1001;mette.hansen@example.dk;02-01-2024;249,00;betalt
5003;1002;lars.nielsen@example.dk;20-01-2024;1.299,00;betalt
5002;1001;mette.hansen@example.dk;15-02-2024;189,00;betalt
5004;;;05-02-2024;99,00;betalt
5005;1002;lars.nielsen@example.dk;10-02-2024;-299,00;kreditnota
5006;1003;anne.k@example.dk;01-04-2024;149,00;betalt
5007;1004;peter@example.dk;03-04-2024;500,00;annulleret
"""

#: (month, partial, revenue, orders, active, new, returning), by hand (see above).
MONTHS = [
    ("2024-01", False, 1548.0, 2, 2, 2, 0),
    ("2024-02", False, -11.0, 2, 1, 0, 1),
    ("2024-03", False, 0.0, 0, 0, 0, 0),
    ("2024-04", True, 149.0, 1, 1, 1, 0),
]
KEYS = (
    "month",
    "partial",
    "revenue",
    "orders",
    "active_customers",
    "customers_new",
    "customers_returning",
)


@pytest.fixture
def orders_csv(tmp_path: Path) -> Path:
    path = tmp_path / "ordrer.csv"
    path.write_text(ORDERS_CSV, encoding="utf-8")
    return path


def run(*args: str | Path, width: int = 200) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        app,
        [*map(str, args), "-w", "no-workspace"],
        catch_exceptions=False,
        env={"COLUMNS": str(width), "KUNDE_LANG": ""},
    )
    return result.exit_code, result.stdout, result.stderr


def test_retention_trend_by_hand_in_json(orders_csv: Path) -> None:
    code, out, err = run("retention", orders_csv, "--trend", "--format", "json", "--lang", "en")
    assert code == 0, err
    rows = json.loads(out)
    assert [tuple(row[k] for k in KEYS) for row in rows] == MONTHS
    assert "nps" not in rows[0]  # no survey, no NPS columns
    assert "2024-04 is not over as of 2024-04-03" in err
    assert "includes sales without a known customer" in err
    # The retention table and its notes are not printed with --trend.
    assert "retention_rate" not in out and "Repurchase rate" not in err


def test_nps_trend_has_the_nps_per_month_with_its_interval(orders_csv: Path) -> None:
    code, out, err = run("nps", orders_csv, TYPEFORM, "--trend", "--format", "json")
    assert code == 0, err
    rows = json.loads(out)
    # Answers count up to the latest answer (9 April): April is still not over.
    assert [tuple(row[k] for k in KEYS) for row in rows] == MONTHS
    assert [row["n"] for row in rows] == [0, 0, 0, 5]
    assert [row["nps"] for row in rows[:3]] == [None, None, None]
    april = rows[-1]
    assert april["nps"] == pytest.approx(40.0)
    assert april["ci_low"] == pytest.approx(-29.78, abs=0.01)
    assert april["ci_high"] == pytest.approx(79.78, abs=0.01)
    # Danish notes by default.
    assert "04-2024 er ikke slut pr. 09-04-2024" in err
    assert "NPS pr. måned med 95 %-interval" in err


def test_every_command_prints_the_same_trend(orders_csv: Path) -> None:
    tables = []
    for command in ("retention", "nps", "clv"):
        code, out, err = run(command, orders_csv, TYPEFORM, "--trend", "--format", "csv")
        assert code == 0, (command, err)
        tables.append(out)
    assert tables[0] == tables[1] == tables[2]
    frame = pl.read_csv(io.StringIO(tables[0]))
    assert frame.columns == [
        "month",
        "month_start",
        *KEYS[1:],
        "n",
        "nps",
        "ci_low",
        "ci_high",
    ]


def test_months_keeps_the_latest(orders_csv: Path) -> None:
    code, out, err = run("clv", orders_csv, "--trend", "--months", "2", "--format", "json")
    assert code == 0, err
    assert [tuple(row[k] for k in KEYS) for row in json.loads(out)] == MONTHS[-2:]
    code, _, err = run("retention", orders_csv, "--trend", "--months", "0")
    assert code == 2 and "Traceback" not in err


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (
            "da",
            (
                "Udvikling pr. måned, de seneste 4 måneder, pr. 09-04-2024",
                "Nye",
                "Genkøbende",
                "02-2024",
                "-11,00 kr.",
                "1.548,00 kr.",
                "Måneden ikke slut",
                "40,0",
            ),
        ),
        (
            "en",
            (
                "Trend by month, the last 4 months, as of 2024-04-09",
                "New",
                "Returning",
                "2024-02",
                "DKK -11.00",
                "DKK 1,548.00",
                "Month not over",
                "40.0",
            ),
        ),
    ],
)
def test_the_table_a_person_reads(orders_csv: Path, lang: str, said: tuple[str, ...]) -> None:
    code, out, err = run(
        "retention", orders_csv, TYPEFORM, "--trend", "--format", "table", "--lang", lang, width=240
    )
    assert code == 0, err
    shown = out + err  # headers wrap between words: each is looked for by its first word
    for text in said:
        assert text in shown, (text, shown)
    assert "month_start" not in out and "customers_new" not in out


def test_trend_is_one_more_view_of_nps(orders_csv: Path) -> None:
    code, _, err = run("nps", orders_csv, TYPEFORM, "--trend", "--period", "month")
    assert code == 2
    assert "--period og --trend" in err
    assert "Traceback" not in err
