"""``--csv-style``: plain csv for scripts (snake_case headers and codes, comma, decimal
point) and ``da`` for a person opening the file in Excel: semicolons, decimal commas,
and the headers and codes in words in the run's language (issue 16, point 2).

The expected files are worked out by hand on three customers, as of 2024-03-31:

- A: 4 orders (05-01, 05-02, 01-03, 25-03-2024) for 100 + 200 + 300 + 400,50 = 1.000,50,
  last order 6 days before: loyal on the ladder (4 orders), a champion;
- B: 2 orders (10-02, 20-03-2024) for 150 + 50 = 200, last 11 days before: returning;
- C: 1 order on 01-06-2023 for 80, 304 days before: first-time and inactive, lost.

All three: 7 purchases for 1.280,50; A's share 1.000,5 / 1.280,5 = 0,7813, B's
200 / 1.280,5 = 0,1562, C's 80 / 1.280,5 = 0,0625; one customer in three is 0,3333.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from kunde_cli.cli.main import app
from kunde_cli.render.formats import for_people, frame_to_csv

runner = CliRunner()

ORDERS = """ordre_id,kunde_id,dato,beløb,status
1,A,2024-01-05,100.00,betalt
2,A,2024-02-05,200.00,betalt
3,A,2024-03-01,300.00,betalt
4,A,2024-03-25,400.50,betalt
5,B,2024-02-10,150.00,betalt
6,B,2024-03-20,50.00,betalt
7,C,2023-06-01,80.00,betalt
"""


@pytest.fixture
def orders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("KUNDE_LANG", raising=False)
    monkeypatch.chdir(tmp_path)  # no kunde.toml of the caller's
    path = tmp_path / "ordrer.csv"
    path.write_text(ORDERS, encoding="utf-8")
    return path


def run(orders: Path, *args: str) -> str:
    result = runner.invoke(app, [args[0], str(orders), "--as-of", "2024-03-31", *args[1:]])
    assert result.exit_code == 0, result.stderr
    return result.stdout


def rows_with_customers(text: str, sep: str) -> list[str]:
    """The header and the rows whose second cell (customers) is not 0."""
    lines = text.splitlines()
    return [lines[0], *(line for line in lines[1:] if line.split(sep)[1] != "0")]


# --- segment -------------------------------------------------------------------------


def test_segment_plain_csv_keeps_keys_and_codes(orders: Path) -> None:
    text = run(orders, "segment", "-f", "csv")
    assert rows_with_customers(text, ",") == [
        "segment,customers,share_customers,revenue,share_revenue,avg_recency_days,"
        "avg_frequency,avg_monetary,action",
        'champion,1,0.3333,1000.5,0.7813,6.0,4.0,1000.5,"Beløn dem (tidlig adgang, små '
        'overraskelser) og bed om anmeldelser og anbefalinger."',
        "about_to_sleep,1,0.3333,200.0,0.1562,11.0,2.0,200.0,Påmind dem med populære varer "
        "eller en rabat; spørg hvad der skal til.",
        "lost,1,0.3333,80.0,0.0625,304.0,1.0,80.0,Prøv én genaktiveringskampagne; ellers lad "
        "dem være.",
    ]


def test_segment_csv_style_da_is_in_danish_words(orders: Path) -> None:
    text = run(orders, "segment", "-f", "csv", "--csv-style", "da")
    assert rows_with_customers(text, ";") == [
        "Segment;Kunder;Andel kunder;Omsætning;Andel omsætning;Gns. dage siden køb;"
        "Gns. ordrer;Gns. købt for;Forslag",
        "Topkunder;1;0,3333;1000,5;0,7813;6,0;4,0;1000,5;Beløn dem (tidlig adgang, små "
        "overraskelser) og bed om anmeldelser og anbefalinger.",
        'Ved at falde i søvn;1;0,3333;200,0;0,1562;11,0;2,0;200,0;"Påmind dem med populære '
        'varer eller en rabat; spørg hvad der skal til."',
        'Tabte;1;0,3333;80,0;0,0625;304,0;1,0;80,0;"Prøv én genaktiveringskampagne; ellers lad '
        'dem være."',
    ]
    # Every segment is named in words, none by its code.
    names = [line.split(";")[0] for line in text.splitlines()[1:]]
    assert "champion" not in names and "Må ikke mistes" in names and len(names) == 11


def test_segment_csv_style_da_follows_lang(orders: Path) -> None:
    text = run(orders, "segment", "-f", "csv", "--csv-style", "da", "--lang", "en")
    assert rows_with_customers(text, ";")[:2] == [
        "Segment;Customers;Share of customers;Revenue;Share of revenue;Avg. days since order;"
        "Avg. orders;Avg. spent;Suggested action",
        "Champions;1;0,3333;1000,5;0,7813;6,0;4,0;1000,5;Reward them (early access, small "
        "surprises) and ask for reviews and referrals.",
    ]


def test_segment_by_customer_da_words_segment_and_tier(orders: Path) -> None:
    text = run(orders, "segment", "--by", "customer", "-f", "csv", "--csv-style", "da")
    lines = text.splitlines()
    assert lines[0] == (
        "Kunde;Dage siden køb;Frekvens;Købt for;Første ordre;Seneste ordre;Gns. ordreværdi;"
        "R;F;M;Segment;Aktivitet"
    )
    # Dates dd-mm-yyyy; the segment and the activity tier (tier_ labels) in words.
    c = next(line for line in lines if line.startswith("C;"))
    assert c.startswith("C;304;1;80,0;01-06-2023;01-06-2023;80,0;")
    assert c.endswith(";Tabte;Tabt")


# --- ladder --------------------------------------------------------------------------

LADDER_DA = [
    "Trin;Kunder;Andel kunder;Omsætning;Andel omsætning;Inaktive;Næste skridt op",
    "Potentielle;0;0,0;0,0;0,0;0;Første køb: en velkomstrabat eller en prøvevare til kendte "
    "kontakter.",
    "Førstegangskunder;1;0,3333;80,0;0,0625;1;Andet køb: tak-mail og et tilbud inden for den "
    "tid, kunder typisk køber igen.",
    "Genkøbere;1;0,3333;200,0;0,1562;0;Flere køb og fast kontakt: stempelkort, "
    "medlemsfordele, påmindelser når de plejer at købe.",
    "Loyale;1;0,3333;1000,5;0,7813;0;Gør dem til ambassadører: spørg om anbefaling (NPS), "
    "anmeldelser og henvisninger.",
    "Ambassadører;0;0,0;0,0;0,0;0;Øverste trin: tak, involvér dem (test af nyheder, events) "
    "og beløn henvisninger.",
]


def test_ladder_csv_style_da_in_danish(orders: Path) -> None:
    assert run(orders, "ladder", "-f", "csv", "--csv-style", "da").splitlines() == LADDER_DA


def test_ladder_csv_style_da_in_english(orders: Path) -> None:
    lines = run(orders, "ladder", "-f", "csv", "--csv-style", "da", "--lang", "en").splitlines()
    assert (
        lines[0]
        == "Rung;Customers;Share of customers;Revenue;Share of revenue;Inactive;Next step up"
    )
    assert [line.split(";")[:6] for line in lines[1:]] == [
        ["Potential", "0", "0,0", "0,0", "0,0", "0"],
        ["First-time", "1", "0,3333", "80,0", "0,0625", "1"],
        ["Returning", "1", "0,3333", "200,0", "0,1562", "0"],
        ["Loyal", "1", "0,3333", "1000,5", "0,7813", "0"],
        ["Ambassadors", "0", "0,0", "0,0", "0,0", "0"],
    ]


def test_ladder_plain_csv_and_json_keep_codes(orders: Path) -> None:
    plain = run(orders, "ladder", "-f", "csv").splitlines()
    assert plain[0] == "rung,customers,share_customers,revenue,share_revenue,inactive,next_step"
    assert [line.split(",")[:6] for line in plain[2:5]] == [
        ["first_time", "1", "0.3333", "80.0", "0.0625", "1"],
        ["returning", "1", "0.3333", "200.0", "0.1562", "0"],
        ["loyal", "1", "0.3333", "1000.5", "0.7813", "0"],
    ]
    # --csv-style is about csv: JSON keeps its keys and codes.
    rows = json.loads(run(orders, "ladder", "-f", "json", "--csv-style", "da"))
    assert [(r["rung"], r["customers"]) for r in rows][1:4] == [
        ("first_time", 1),
        ("returning", 1),
        ("loyal", 1),
    ]


def test_churn_csv_style_da_words_the_tiers(orders: Path) -> None:
    lines = run(orders, "churn", "-f", "csv", "--csv-style", "da").splitlines()
    assert lines[0] == "Aktivitet;Kunder;Andel kunder;Omsætning;Andel omsætning;Værdi pr. år"
    assert [line.split(";")[:3] for line in lines[1:]] == [
        ["Aktiv", "2", "0,6667"],
        ["Køler af", "0", "0,0"],
        ["Inaktiv", "0", "0,0"],
        ["Tabt", "1", "0,3333"],
    ]


# --- the frame itself ----------------------------------------------------------------


def test_for_people_words_codes_but_not_data() -> None:
    frame = pl.DataFrame(
        {
            "segment": ["at_risk", None, "made_up"],
            "movement": ["up", "new", None],
            "channel": ["new", "lost", "Webshop"],  # data, not codes: never looked up
            "file": ["a.csv", "b.csv", "c.csv"],
            "source_file": ["x", "y", "z"],  # both read "Fil": the second gets (2)
            "no_label_here": [1, 2, 3],
        }
    )
    da = for_people(frame, "da")
    assert da.columns == ["Segment", "Bevægelse", "Kanal", "Fil", "Fil (2)", "no_label_here"]
    assert da["Segment"].to_list() == ["I fare", None, "made_up"]
    assert da["Bevægelse"].to_list() == ["Op", "Ny", None]
    assert da["Kanal"].to_list() == ["new", "lost", "Webshop"]
    en = for_people(frame, "en")
    assert en.columns[:3] == ["Segment", "Movement", "Channel"]
    assert en["Segment"].to_list() == ["At risk", None, "made_up"]


def test_for_people_says_yes_and_no_in_words() -> None:
    frame = pl.DataFrame({"changed": [True, False, None]})
    assert for_people(frame, "da")["Skiftet"].to_list() == ["ja", "nej", None]
    assert for_people(frame, "en")["Changed"].to_list() == ["yes", "no", None]
    assert frame_to_csv(frame) == b"changed\ntrue\nfalse\n\n"


def test_frame_to_csv_plain_is_untouched_by_lang() -> None:
    frame = pl.DataFrame({"tier": ["lost"], "revenue": [1234.5]})
    assert frame_to_csv(frame, lang="da") == b"tier,revenue\nlost,1234.5\n"
    assert (
        frame_to_csv(frame, style="da", lang="da") == "Aktivitet;Omsætning\nTabt;1234,5\n".encode()
    )
    assert frame_to_csv(frame, style="da", lang="en") == b"Tier;Revenue\nLost;1234,5\n"


def test_an_unknown_csv_style_is_refused_in_one_line(orders: Path) -> None:
    result = runner.invoke(app, ["segment", str(orders), "-f", "csv", "--csv-style", "excel"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "Fejl: --csv-style 'excel' er ikke en csv-stil",
        "Tip: brug plain (til scripts) eller da (til dansk Excel)",
    ]
    # Case does not matter: DA is da.
    shouted = run(orders, "ladder", "-f", "csv", "--csv-style", "DA")
    assert shouted.splitlines() == LADDER_DA
