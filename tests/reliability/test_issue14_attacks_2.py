"""Issue 14 attacked again: the overlap, source, survey-key and made-up-number code that
landed after the first round (tests/reliability/test_issue14_attacks.py).

Each test is a case a shop owner meets after issue 14's change, with the exact outcome
the issue and the README promise ("Running twice never counts twice, and a newer export
updates", "Two systems, one workspace", "Surveys without an answer id", forget "touches
only the person asked for"). They are written from the issue's words and the README;
every one of them failed on the commit it was written against.

Exports are written as Danish shops, tills and survey tools write them (semicolons,
decimal commas, "kr.", Danish headers, WooCommerce's and SurveyMonkey's layouts). A
workspace "from before sources" is built as kunde aa9be0b (the commit issue 14 was
reproduced on) wrote it: parts without a ``source`` column, manifest entries without
``source``.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from kunde_cli import schema as s
from kunde_cli.store import Workspace, file_sha256
from tests.reliability.conftest import ingest_json, kunde, no_traceback

HEADER = "Ordrenr;Kundenr;E-mail;Ordredato;Beløb;Status"


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def stored(ws: Path) -> pl.DataFrame:
    return Workspace(ws).scan_orders().collect()


def web_rows(refunded: int | None = None) -> list[str]:
    """The web shop's orders 1–10 by W1–W10 in March 2024, 100 kr. × i (5.500 kr.);
    order ``refunded`` marked Refunderet (a newer export of the same orders)."""
    return [
        f"{i};W{i};w{i}@webshop.dk;{10 + i:02d}-03-2024;{100 * i},00 kr.;"
        + ("Refunderet" if i == refunded else "Gennemført")
        for i in range(1, 11)
    ]


def make_legacy(ws: Path) -> None:
    """Turn ``ws`` into a workspace as kunde aa9be0b wrote it (before shop systems
    were recorded): no ``source`` column in the order parts, no ``source`` (nor the
    other keys issue 14 added) in the manifest's entries."""
    manifest = json.loads((ws / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["orders"]:
        part = ws / entry["file"]
        pl.read_parquet(part).drop(s.SOURCE).write_parquet(part)
    for entry in manifest["sources"]:
        for key in ("source", "new_orders", "changed_by_status", "collisions", "returning_erased"):
            entry.pop(key, None)
    (ws / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")


def nps_row(stdout: str) -> dict[str, str]:
    rows = pl.read_csv(stdout.encode(), infer_schema=False).to_dicts()
    assert len(rows) == 1, stdout
    return rows[0]


ORDERS = [
    HEADER,
    "1;K1;anna@example.dk;15-03-2024;100,00;Betalt",
    "2;K2;bo@example.dk;16-03-2024;200,00;Betalt",
    "3;K3;carl@example.dk;17-03-2024;300,00;Betalt",
]


# --- a till export saved under the same name every month -------------------------------


def test_naming_the_till_keeps_the_earlier_months_stored_under_the_same_file_name(
    tmp_path: Path,
) -> None:
    """The till writes its export to ``kasse.csv`` every month (the old one is
    overwritten). March's and April's exports were ingested as they came (as 'shop').
    The owner then names the system, as kunde advises, on the file he has:
    `kunde ingest kasse.csv --source kasse`. April's orders move to 'kasse' — and
    March's 5 orders (750 kr.), stored from another file of the same name, are deleted
    with them ("10 lines ... now belong to 'kasse'", but only 5 are stored). The
    lines to move are chosen by file *name*, not by the file's content (sha256)."""
    ws = tmp_path / "ws"
    till = tmp_path / "kasse.csv"
    write(
        till,
        [HEADER]
        + [
            f"{i};B{i};b{i}@kasse.dk;{i:02d}-03-2024;{50 * i},00 kr.;Gennemført"
            for i in range(1, 6)
        ],
    )
    assert kunde("ingest", till, "-w", ws).exit_code == 0
    write(
        till,
        [HEADER]
        + [
            f"{i};B{i};b{i}@kasse.dk;{i:02d}-04-2024;{50 * i},00 kr.;Gennemført"
            for i in range(6, 11)
        ],
    )
    assert kunde("ingest", till, "-w", ws).exit_code == 0
    assert stored(ws).height == 10
    result = kunde("ingest", till, "-w", ws, "--source", "kasse")
    no_traceback(result.stdout, result.stderr)
    assert result.exit_code == 0
    lines = stored(ws)
    assert lines.height == 10
    assert lines[s.AMOUNT].sum() == 50.0 * sum(range(1, 11))  # 2.750 kr.
    assert sorted(lines[s.CUSTOMER_ID].to_list()) == sorted(f"B{i}" for i in range(1, 11))


# --- workspaces from before sources (every existing user after the upgrade) -----------


def test_a_refund_in_a_newer_export_into_a_workspace_from_before_sources_is_no_traceback(
    tmp_path: Path,
) -> None:
    """The shop upgrades kunde; its workspace holds March's web orders as kunde
    aa9be0b stored them. April's export of the same orders marks order 3 refunded —
    issue 14's case 2, the very update it was built for. kunde crashes with a
    ColumnNotFoundError ('unable to find column "source"'), exit 1: the old parts are
    rewritten straight from disk, without the column the scan inserts."""
    ws = tmp_path / "ws"
    assert (
        kunde("ingest", write(tmp_path / "web.csv", [HEADER, *web_rows()]), "-w", ws).exit_code == 0
    )
    make_legacy(ws)
    newer = write(tmp_path / "web-april.csv", [HEADER, *web_rows(refunded=3)])
    result = kunde("ingest", newer, "-w", ws, "--format", "json")
    no_traceback(result.stdout, result.stderr)
    assert result.exit_code == 0
    [row] = ingest_json(result)
    assert (row["accepted"], row["duplicates"], row["changed"]) == (1, 9, 1)
    lines = stored(ws)
    assert lines.height == 10
    assert lines.filter(pl.col(s.CUSTOMER_ID) == "W3")[s.STATUS].to_list() == ["refunderet"]


def test_a_tills_refund_leaves_the_web_shops_order_of_the_same_number_alone(
    tmp_path: Path,
) -> None:
    """A workspace from before sources holds the web shop's orders 1–10. The till is
    ingested with --source kasse (its orders 5–7 are stored apart, as kasse:5…).
    April's till export marks its order 5 refunded. That must replace the till's order
    5 only; the web shop's order 5 (W5, 500 kr.) must stay. Today the run crashes (the
    old parts lack ``source``); where the parts have the column, the web shop's order 5
    is deleted with the till's (``overlap.without_orders`` takes every unsourced line
    of the number as this system's)."""
    ws = tmp_path / "ws"
    assert (
        kunde("ingest", write(tmp_path / "web.csv", [HEADER, *web_rows()]), "-w", ws).exit_code == 0
    )
    make_legacy(ws)

    def till(refunded: int | None) -> list[str]:
        return [HEADER] + [
            f"{i};B{i};b{i}@kasse.dk;{10 + i:02d}-04-2024;{50 * i},00 kr.;"
            + ("Refunderet" if i == refunded else "Gennemført")
            for i in range(5, 8)
        ]

    march = write(tmp_path / "kasse-marts.csv", till(None))
    assert kunde("ingest", march, "-w", ws, "--source", "kasse").exit_code == 0
    assert stored(ws).height == 13
    april = write(tmp_path / "kasse-april.csv", till(5))
    result = kunde("ingest", april, "-w", ws, "--source", "kasse")
    no_traceback(result.stdout, result.stderr)
    assert result.exit_code == 0
    lines = stored(ws)
    assert lines.height == 13
    assert lines.filter(pl.col(s.CUSTOMER_ID) == "W5")[s.AMOUNT].to_list() == [500.0]
    assert lines.filter(pl.col(s.CUSTOMER_ID) == "B5")[s.STATUS].to_list() == ["refunderet"]


def test_the_till_that_an_older_kunde_dropped_can_be_ingested_under_its_own_name(
    tmp_path: Path,
) -> None:
    """Issue 14's case 2 as every existing user has it: kunde aa9be0b dropped the till's
    orders 1–10 as "duplicates" of the web shop's (manifest: accepted 0, duplicates
    10, changed 10). After the upgrade the owner does what the README says — `kunde
    ingest kasse.csv --source kasse` — and is told "already ingested, skipped (the same
    file)"; the summary even names the source 'shop'. The till's 10 orders (2.750 kr.)
    can never be stored: a manifest entry without a source counts as every source's."""
    ws = tmp_path / "ws"
    web = write(tmp_path / "web.csv", [HEADER, *web_rows()])
    till = write(
        tmp_path / "kasse.csv",
        [HEADER]
        + [
            f"{i};B{i};b{i}@kasse.dk;{10 + i:02d}-04-2024;{50 * i},00 kr.;Gennemført"
            for i in range(1, 11)
        ],
    )
    assert kunde("ingest", web, "-w", ws).exit_code == 0
    make_legacy(ws)
    # The till's entry exactly as kunde aa9be0b wrote it: every line a "duplicate".
    manifest = json.loads((ws / "manifest.json").read_text(encoding="utf-8"))
    entry = dict(manifest["sources"][0])
    entry.update(
        path=str(till),
        name=till.name,
        sha256=file_sha256(till),
        size=till.stat().st_size,
        rows_read=10,
        accepted=0,
        duplicates=10,
        rejected=0,
        changed=10,
        part=None,
    )
    manifest["sources"].append(entry)
    (ws / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")

    result = kunde("ingest", till, "-w", ws, "--source", "kasse", "--format", "json")
    no_traceback(result.stdout, result.stderr)
    assert result.exit_code == 0
    [row] = ingest_json(result)
    assert (row["source"], row["accepted"]) == ("kasse", 10)
    lines = stored(ws)
    assert lines.height == 20
    assert lines[s.AMOUNT].sum() == 5500.0 + 2750.0


# --- "the same customer" across exports -----------------------------------------------

WOO = (
    "Order Number,Order Status,Order Date,Customer User ID,First Name (Billing),"
    "Last Name (Billing),Email (Billing),Phone (Billing),Order Total Amount,Item #,"
    "Item Name,Quantity,Item Cost"
)


def test_a_guest_who_made_an_account_is_the_same_customer_in_the_newer_export(
    tmp_path: Path,
) -> None:
    """WooCommerce: Anna ordered twice as a guest (Customer User ID 0, known by her
    e-mail). She then made an account, and the shop linked her earlier orders to it
    (WooCommerce's "link previous orders"), so April's export shows her orders 3001
    and 3002 under user 31; 3002 has since been refunded. Same orders, same e-mail,
    same day: the refund must count. kunde compares the first of id / e-mail / phone,
    so user 31 is "another customer": both orders are refused as collisions (in
    rejects.csv), the refund is ignored (89 kr. still counted as revenue), and the user
    is told to name another shop system with --source — which would count them twice."""
    ws = tmp_path / "ws"
    march = write(
        tmp_path / "woo-marts.csv",
        [
            WOO,
            "3001,completed,2024-03-02 10:15,0,Anna,Berg,anna.berg@example.com,31445566,"
            "149.00,1,Te-sampler,1,149.00",
            "3002,completed,2024-03-05 19:40,0,Anna,Berg,anna.berg@example.com,31445566,"
            "89.00,1,Kaffebønner 500 g,1,89.00",
            "3003,completed,2024-03-08 08:02,15,Lars,Nielsen,lars.n@example.dk,40556677,"
            "1299.00,1,Espressomaskine,1,1299.00",
        ],
    )
    april = write(
        tmp_path / "woo-april.csv",
        [
            WOO,
            "3001,completed,2024-03-02 10:15,31,Anna,Berg,anna.berg@example.com,31445566,"
            "149.00,1,Te-sampler,1,149.00",
            "3002,refunded,2024-03-05 19:40,31,Anna,Berg,anna.berg@example.com,31445566,"
            "89.00,1,Kaffebønner 500 g,1,89.00",
            "3003,completed,2024-03-08 08:02,15,Lars,Nielsen,lars.n@example.dk,40556677,"
            "1299.00,1,Espressomaskine,1,1299.00",
            "3004,completed,2024-04-03 12:00,31,Anna,Berg,anna.berg@example.com,31445566,"
            "65.00,1,Honning 450 g,1,65.00",
        ],
    )
    assert kunde("ingest", march, "-w", ws).exit_code == 0
    result = kunde("ingest", april, "-w", ws, "--format", "json")
    no_traceback(result.stdout, result.stderr)
    assert result.exit_code == 0
    [row] = ingest_json(result)
    assert (row["rejected"], row["changed"]) == (0, 1)
    assert "--source" not in result.stderr
    assert Workspace(ws).read_rejects().height == 0
    lines = stored(ws)
    assert lines.filter(pl.col(s.ORDER_ID) == "3002")[s.STATUS].to_list() == ["refunded"]
    paid = lines.filter(pl.col(s.STATUS) != "refunded")
    assert paid[s.AMOUNT].sum() == 149.0 + 1299.0 + 65.0


# --- which export is the newer one ----------------------------------------------------


def test_an_older_export_ingested_after_the_newer_one_does_not_undo_its_refund(
    tmp_path: Path,
) -> None:
    """`kunde ingest ordrer-*.csv`: the shell sorts Danish month names, so
    ordrer-april.csv comes before ordrer-marts.csv. April's export (the newer) has
    order 3 refunded; March's (the older) still shows it completed. kunde takes the
    file read last for "the newer export": it replaces the refunded order with the stale
    version ("1 ordre er ændret siden sidste eksport: 1 gennemført (den nye udgave
    tæller)"), K3 counts as a customer with 300 kr., and the same two exports give
    other segment bytes than when ingested in the other order."""
    march = write(
        tmp_path / "ordrer-marts.csv",
        [HEADER]
        + [
            f"{i};K{i};k{i}@example.dk;{10 + i:02d}-03-2024;{100 * i},00 kr.;Gennemført"
            for i in range(1, 6)
        ],
    )
    april = write(
        tmp_path / "ordrer-april.csv",
        [HEADER]
        + [
            f"{i};K{i};k{i}@example.dk;{10 + i:02d}-03-2024;{100 * i},00 kr.;"
            + ("Refunderet" if i == 3 else "Gennemført")
            for i in range(1, 6)
        ]
        + ["6;K1;k1@example.dk;05-04-2024;600,00 kr.;Gennemført"],
    )
    outputs = []
    for name, files in (("ws-a", (march, april)), ("ws-b", (april, march))):
        ws = tmp_path / name
        result = kunde("ingest", *files, "-w", ws)
        no_traceback(result.stdout, result.stderr)
        assert result.exit_code == 0
        lines = stored(ws)
        assert lines.filter(pl.col(s.ORDER_ID) == "3")[s.STATUS].to_list() == ["refunderet"], name
        segment = kunde("segment", "-w", ws, "--format", "csv", "--as-of", "2024-05-01")
        assert segment.exit_code == 0
        outputs.append(segment.stdout)
    assert outputs[0] == outputs[1]


# --- a sheet without order numbers ---------------------------------------------------


def test_a_sheet_without_order_numbers_that_gained_a_product_column_counts_once(
    tmp_path: Path,
) -> None:
    """A small shop's sheet has one row per order and no order number. In April the
    owner adds a 'Vare' column to the sheet; the April export holds March's three orders
    again (plus one). The made-up order number is a digest of the product among other
    things, so every March order gets a new number: accepted 4, duplicates 0, and
    March's 600 kr. are counted twice (1.600 kr. instead of 1.000 kr.), no word. README /
    made_up_order_ids: "the same order gets the same number from any export of the
    sheet: whatever the column order, extra columns, file name or row position"."""
    ws = tmp_path / "ws"
    march = write(
        tmp_path / "salg-marts.csv",
        [
            "Kundenr;Ordredato;Beløb",
            "K1;15-03-2024;100,00",
            "K2;16-03-2024;200,00",
            "K3;17-03-2024;300,00",
        ],
    )
    april = write(
        tmp_path / "salg-april.csv",
        [
            "Kundenr;Ordredato;Beløb;Vare",
            "K1;15-03-2024;100,00;Kaffebønner",
            "K2;16-03-2024;200,00;Te",
            "K3;17-03-2024;300,00;Kaffebønner",
            "K4;18-04-2024;400,00;Te",
        ],
    )
    assert kunde("ingest", march, "-w", ws).exit_code == 0
    result = kunde("ingest", april, "-w", ws, "--format", "json")
    no_traceback(result.stdout, result.stderr)
    assert result.exit_code == 0
    [row] = ingest_json(result)
    assert row["rows_read"] == row["accepted"] + row["duplicates"] + row["rejected"]
    lines = stored(ws)
    assert lines.height == 4
    assert lines[s.AMOUNT].sum() == 1000.0


# --- survey answers ------------------------------------------------------------------

PAPER_HEADER = (
    "Svarnummer;Dato;E-mail;Hvor sandsynligt er det, at du vil anbefale os? (0-10);Kommentar"
)


def test_a_new_answer_is_not_swallowed_by_an_erased_answer_of_the_same_number(
    tmp_path: Path,
) -> None:
    """The paper survey's sheet numbers answers from 1 each month. Anna (March's answer
    1) asked to be forgotten. April's sheet starts at 1 again: Dora, another person on
    another day, score 2. A clash with another person's stored number is kept (README);
    but because the stored answer 1 is erased, Dora's answer is counted as a
    "duplicate" of it and dropped, exit 0, no word (Erik's clash with answer 2 is kept
    and warned about)."""
    ws = tmp_path / "ws"
    march = write(
        tmp_path / "papir-marts.csv",
        [
            PAPER_HEADER,
            "1;13-03-2024;anna@example.dk;10;God service",
            "2;14-03-2024;bo@example.dk;9;",
        ],
    )
    april = write(
        tmp_path / "papir-april.csv",
        [
            PAPER_HEADER,
            "1;16-04-2024;dora@example.dk;2;For dyrt",
            "2;17-04-2024;erik@example.dk;3;",
        ],
    )
    assert kunde("ingest", write(tmp_path / "ordrer.csv", ORDERS), march, "-w", ws).exit_code == 0
    assert kunde("forget", "anna@example.dk", "-w", ws, "--yes").exit_code == 0
    result = kunde("ingest", april, "-w", ws, "--format", "json")
    no_traceback(result.stdout, result.stderr)
    assert result.exit_code == 0
    [row] = ingest_json(result)
    assert (row["rows_read"], row["accepted"], row["duplicates"]) == (2, 2, 0)
    survey = Workspace(ws).scan_survey()
    assert survey is not None
    assert sorted(survey.collect()[s.SCORE].to_list()) == [2, 3, 9, 10]


def test_two_answers_typed_with_the_same_number_in_one_sheet_both_count(
    tmp_path: Path,
) -> None:
    """The paper survey typed into a sheet: answers 2 and 3 were both numbered '2' by
    mistake (Bo's 9 and Carl's 1, other people, other days). Ingest keeps the first
    and counts Carl's detractor as a "duplicate": NPS 100 from 2 answers, no word.
    Reading the same two files directly counts 3 answers (NPS 33): the same data gives
    other numbers depending on how it is read. A number clash with another person is to
    be kept and warned about (README), within one file as across files."""
    orders = write(tmp_path / "ordrer.csv", ORDERS)
    sheet = write(
        tmp_path / "papir-marts.csv",
        [
            PAPER_HEADER,
            "1;13-03-2024;anna@example.dk;10;God service",
            "2;14-03-2024;bo@example.dk;9;",
            "2;15-03-2024;carl@example.dk;1;Elendig",
        ],
    )
    ws = tmp_path / "ws"
    result = kunde("ingest", orders, sheet, "-w", ws, "--format", "json")
    no_traceback(result.stdout, result.stderr)
    assert result.exit_code == 0
    survey_row = ingest_json(result)[1]
    assert (survey_row["accepted"], survey_row["duplicates"]) == (3, 0)
    expected = ("3", "2", "1")
    from_workspace = nps_row(kunde("nps", "-w", ws, "--format", "csv").stdout)
    assert (
        from_workspace["n"],
        from_workspace["promoters"],
        from_workspace["detractors"],
    ) == expected
    direct = nps_row(kunde("nps", orders, sheet, "--format", "csv").stdout)
    assert (direct["n"], direct["promoters"], direct["detractors"]) == expected


SM_HEADER = (
    "Respondent ID,Collector ID,Start Date,End Date,IP Address,"
    "How likely is it that you would recommend us to a friend?,Why?"
)
SM_SUBHEADER = ",,,,,Response,Open-Ended Response"


def test_an_anonymous_surveymonkey_answer_edited_since_the_last_export_counts_once(
    tmp_path: Path,
) -> None:
    """A SurveyMonkey collector with anonymous responses (no e-mail): respondent
    114200001 answered 3, then edited the answer to 9 (End Date moves, the Respondent
    ID — unique in SurveyMonkey — stays). With an e-mail the edit replaces the stored
    answer; without one, kunde takes the same Respondent ID at another time for
    "another survey numbering from 1 again", keeps both, and the NPS counts the
    respondent twice: n 3 with 1 detractor instead of n 2, 2 promoters."""
    ws = tmp_path / "ws"
    first = write(
        tmp_path / "surveymonkey-marts.csv",
        [
            SM_HEADER,
            SM_SUBHEADER,
            "114200001,4001,03/15/2024 10:00:00 AM,03/15/2024 10:02:00 AM,80.1.2.3,3,Slow delivery",
            "114200002,4001,03/16/2024 11:00:00 AM,03/16/2024 11:01:00 AM,80.1.2.4,9,",
        ],
    )
    second = write(
        tmp_path / "surveymonkey-april.csv",
        [
            SM_HEADER,
            SM_SUBHEADER,
            "114200001,4001,03/15/2024 10:00:00 AM,03/18/2024 09:30:00 AM,80.1.2.3,9,Fixed - great",
            "114200002,4001,03/16/2024 11:00:00 AM,03/16/2024 11:01:00 AM,80.1.2.4,9,",
        ],
    )
    assert kunde("ingest", write(tmp_path / "ordrer.csv", ORDERS), first, "-w", ws).exit_code == 0
    result = kunde("ingest", second, "-w", ws, "--format", "json")
    no_traceback(result.stdout, result.stderr)
    assert result.exit_code == 0
    [row] = ingest_json(result)
    assert (row["accepted"], row["duplicates"], row["changed"]) == (1, 1, 1)
    nps = nps_row(kunde("nps", "-w", ws, "--format", "csv").stdout)
    assert (nps["n"], nps["promoters"], nps["detractors"]) == ("2", "2", "0")
