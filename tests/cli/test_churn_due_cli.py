"""`kunde churn --due` through the CLI on a small hand-made export, in Danish and English.

By hand (as-of 30-06-2024; see tests/analytics/test_regularity.py for the statistic):

* m: purchase days 2 Mar, 1 Apr, 1 May, 31 May (two orders that day): gaps 30, 30, 30,
  M = 0.5, 0.5, spread 0 → regular; next 31 May + 30 = 30 Jun → due (0 days late);
  revenue 100·3 + 100 + 20 = 420; consent ja → e-mail shown.
* r: gaps 5, 40, 10 → spread ≈ 0.121 > 1/36 → irregular, not listed.
* o: one purchase → left out. t: two purchases (one gap) → too few, not listed.
* v: gaps 10, 12, 11 → spread ≈ 0.0013 → regular; median 11, next 4 Jun, 26 days late
  > ceil(11/2) = 6 and ≤ 3 × 11 → overdue; revenue 600; consent nej → no e-mail.
* d: gaps 14, 14 → next 7 Jul = as-of + 7 → due; revenue 90; consent empty → no e-mail.

Listed by revenue: v (overdue), m (due), d (due). Of 3 regular buyers, 2 due, 1 overdue.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from kunde_cli.cli.main import app

ORDERS_CSV = """\
Ordrenummer;Kundenummer;Navn;E-mail;Ordredato;Beløb;Status;Samtykke
1;m;Mia;m@x.dk;02-03-2024;100,00;betalt;ja
2;m;Mia;m@x.dk;01-04-2024;100,00;betalt;ja
3;m;Mia;m@x.dk;01-05-2024;100,00;betalt;ja
4;m;Mia;m@x.dk;31-05-2024;100,00;betalt;ja
5;m;Mia;m@x.dk;31-05-2024;20,00;betalt;ja
6;r;Rune;r@x.dk;01-03-2024;500,00;betalt;ja
7;r;Rune;r@x.dk;06-03-2024;500,00;betalt;ja
8;r;Rune;r@x.dk;15-04-2024;500,00;betalt;ja
9;r;Rune;r@x.dk;25-04-2024;500,00;betalt;ja
10;o;Ole;o@x.dk;01-06-2024;900,00;betalt;ja
11;t;Tea;t@x.dk;01-05-2024;800,00;betalt;ja
12;t;Tea;t@x.dk;01-06-2024;800,00;betalt;ja
13;v;Vera;v@x.dk;21-04-2024;150,00;betalt;nej
14;v;Vera;v@x.dk;01-05-2024;150,00;betalt;nej
15;v;Vera;v@x.dk;13-05-2024;150,00;betalt;nej
16;v;Vera;v@x.dk;24-05-2024;150,00;betalt;nej
17;d;Dan;d@x.dk;26-05-2024;30,00;betalt;
18;d;Dan;d@x.dk;09-06-2024;30,00;betalt;
19;d;Dan;d@x.dk;23-06-2024;30,00;betalt;
"""


@pytest.fixture
def orders_csv(tmp_path: Path) -> Path:
    path = tmp_path / "ordrer.csv"
    path.write_text(ORDERS_CSV, encoding="utf-8")
    return path


def run(*args: str | Path, width: int = 250) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        app,
        [*map(str, args), "--as-of", "2024-06-30", "-w", "no-workspace"],
        catch_exceptions=False,
        env={"COLUMNS": str(width), "KUNDE_LANG": ""},
    )
    return result.exit_code, result.stdout, result.stderr


def flat(text: str) -> str:
    return " ".join(text.split())


def test_due_rows_by_hand_in_json(orders_csv: Path) -> None:
    code, out, err = run("churn", orders_csv, "--due", "--format", "json")
    assert code == 0, err
    rows = json.loads(out)
    assert [(r["customer_id"], r["status"], r["email"], r["revenue"]) for r in rows] == [
        ("v", "overdue", None, 600.0),
        ("m", "due", "m@x.dk", 420.0),
        ("d", "due", None, 90.0),
    ]
    assert [(r["expected_next"], r["days_late"]) for r in rows] == [
        ("2024-06-04", 26),
        ("2024-06-30", 0),
        ("2024-07-07", -7),
    ]
    assert [r["usual_gap_days"] for r in rows] == [11.0, 30.0, 14.0]


def test_due_csv_keeps_keys(orders_csv: Path) -> None:
    code, out, err = run("churn", orders_csv, "--due", "--format", "csv", "--lang", "en")
    assert code == 0, err
    frame = pl.read_csv(io.StringIO(out))
    assert frame.get_column("customer_id").to_list() == ["v", "m", "d"]
    assert frame.get_column("status").to_list() == ["overdue", "due", "due"]


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        (
            "da",
            (
                "Faste kunder, der skal købe denne uge eller er forsinkede, pr. 30-06-2024",
                "Forsinket",
                "Forfalden denne uge",
                "Forventet næste køb",
                "2 faste kunder forfalder denne uge, 1 er forsinkede (af 3 faste kunder).",
                "samtykke til markedsføring",
            ),
        ),
        (
            "en",
            (
                "Regular buyers due this week or overdue, as of 2024-06-30",
                "Overdue",
                "Due this week",
                "Expected next order",
                "2 regular buyers are due this week, 1 are overdue (of 3 regular buyers).",
                "marketing consent",
            ),
        ),
    ],
)
def test_the_table_a_person_reads(orders_csv: Path, lang: str, words: tuple[str, ...]) -> None:
    code, out, err = run("churn", orders_csv, "--due", "--format", "table", "--lang", lang)
    assert code == 0, err
    said = flat(out + " " + err)
    for text in words:
        assert flat(text) in said, text
    # The rows in value order: Vera (overdue) before Mia before Dan.
    assert said.index("Vera") < said.index("Mia") < said.index("Dan")
    assert "Rune" not in said and "Tea" not in said and "Ole" not in said


@pytest.mark.parametrize("extra", [("--list",), ("--tier", "lost"), ("--model", "bgnbd")])
def test_due_is_a_list_of_its_own(orders_csv: Path, extra: tuple[str, ...]) -> None:
    code, out, err = run("churn", orders_csv, "--due", *extra)
    assert code == 2
    assert "--due er en liste for sig" in err
    assert "Traceback" not in out + err
    code, _, err = run("churn", orders_csv, "--due", *extra, "--lang", "en")
    assert code == 2
    assert "--due is a list of its own" in err


def test_no_regular_buyers_is_said(tmp_path: Path) -> None:
    # Only r (irregular), o (one purchase) and t (one gap): nobody is regular.
    kept = [line for line in ORDERS_CSV.splitlines() if line.split(";")[1] in ("r", "o", "t")]
    path = tmp_path / "uregelmaessig.csv"
    path.write_text("\n".join([ORDERS_CSV.splitlines()[0], *kept]) + "\n", encoding="utf-8")
    code, out, err = run("churn", path, "--due", "--format", "json")
    assert code == 0, err
    assert json.loads(out) == []
    assert "Ingen faste kunder endnu" in err
    code, out, err = run("churn", path, "--due", "--format", "json", "--lang", "en")
    assert "No regular buyers yet" in err
