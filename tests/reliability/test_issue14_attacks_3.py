"""Issue 14 attacked a third time: which export counts (the file's date), partial
exports, and survey numbers typed by hand.

Each test is a case a shop owner meets (or an attacker arranges) with the exact outcome
the issue and the README promise: "Running twice never counts twice, and a newer export
updates", "Surveys without an answer id … in any order, adds only the new answers", and
issue 14's invariant "re-ingesting any re-ordered, re-named or overlapping export of the
same data changes nothing". Every one of them failed on the commit it was written
against (9d18ef7).

Files' modification times are set with ``os.utime`` as ``cp``, ``touch``, an unzip
or a wrong clock leave them.
"""

from __future__ import annotations

import os
import time
from datetime import datetime
from pathlib import Path

import polars as pl

from kunde_cli import schema as s
from kunde_cli.store import Workspace
from tests.reliability.conftest import ingest_json, kunde, no_traceback

HEADER = "Ordrenr;Kundenr;E-mail;Ordredato;Beløb;Status"


def write(path: Path, lines: list[str], mtime: float | None = None) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


def stored(ws: Path) -> pl.DataFrame:
    return Workspace(ws).scan_orders().collect()


def stamp(text: str) -> float:
    """A local time ``YYYY-MM-DD HH:MM`` as a file time."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M").timestamp()


def march_rows() -> list[str]:
    """March's export: orders 1–5 by K1–K5, 100 kr. × i, all completed."""
    return [HEADER] + [
        f"{i};K{i};k{i}@example.dk;{10 + i:02d}-03-2024;{100 * i},00 kr.;Gennemført"
        for i in range(1, 6)
    ]


def april_rows() -> list[str]:
    """April's export: March's orders with order 3 refunded since, and K1's new order 6
    of 5 April (so the export is plainly the newer one)."""
    return (
        [HEADER]
        + [
            f"{i};K{i};k{i}@example.dk;{10 + i:02d}-03-2024;{100 * i},00 kr.;"
            + ("Refunderet" if i == 3 else "Gennemført")
            for i in range(1, 6)
        ]
        + ["6;K1;k1@example.dk;05-04-2024;600,00 kr.;Gennemført"]
    )


def status_of_3(ws: Path) -> list[str]:
    return stored(ws).filter(pl.col(s.ORDER_ID) == "3")[s.STATUS].to_list()


def segments(*args: str | Path) -> str:
    result = kunde("segment", *args, "--format", "csv", "--as-of", "2024-05-01")
    no_traceback(result.stdout, result.stderr)
    assert result.exit_code == 0, result.stderr
    return result.stdout


# --- which export is the newer one: the file's date ----------------------------------


def test_two_exports_with_the_same_file_time_give_the_same_numbers_in_either_order(
    tmp_path: Path,
) -> None:
    """March's and April's exports come out of one zip (or one `cp -p`, `rsync`,
    `touch *.csv`, a git checkout): the same modification time to the microsecond.
    The tie goes to the file ingested last, so `kunde ingest marts april` keeps order 3
    refunded while `kunde ingest april marts` stores it as completed again (K3 a paying
    customer, 300 kr. more revenue) — the same two exports, other segment bytes.
    Issue 14: "re-ingesting any re-ordered … export of the same data changes nothing";
    README: "whatever order they are ingested in"."""
    same = stamp("2024-05-02 08:00")
    march = write(tmp_path / "ordrer-marts.csv", march_rows(), same)
    april = write(tmp_path / "ordrer-april.csv", april_rows(), same)
    outputs = {}
    for name, files in (("ws-a", (march, april)), ("ws-b", (april, march))):
        ws = tmp_path / name
        result = kunde("ingest", *files, "-w", ws)
        no_traceback(result.stdout, result.stderr)
        assert result.exit_code == 0
        assert status_of_3(ws) == ["refunderet"], name
        outputs[name] = segments("-w", ws)
    assert outputs["ws-a"] == outputs["ws-b"]
    # Read directly, without a workspace, the same holds.
    assert segments(march, april) == segments(april, march) == outputs["ws-a"]


def test_exports_copied_with_cp_keep_the_newer_exports_refund(tmp_path: Path) -> None:
    """The owner keeps the exports in Downloads and copies them to the server with
    `cp ordrer-*.csv /srv/kunde/` (no -p): the shell copies ordrer-april.csv first and
    ordrer-marts.csv a moment later, so March's file now has the later modification
    time. kunde takes it for the newer export, and `kunde ingest ordrer-*.csv` turns
    April's refund of order 3 back into a completed sale ("1 ordre er ændret siden
    sidste eksport: 1 gennemført"), though April's export holds an order of 5 April
    that March's cannot have. A refund is never undone by an export that knows less."""
    copied = time.time() - 60
    april = write(tmp_path / "ordrer-april.csv", april_rows(), copied)
    march = write(tmp_path / "ordrer-marts.csv", march_rows(), copied + 0.2)
    ws = tmp_path / "ws"
    result = kunde("ingest", april, march, "-w", ws)  # the shell's order
    no_traceback(result.stdout, result.stderr)
    assert result.exit_code == 0
    assert status_of_3(ws) == ["refunderet"]


def test_a_file_dated_in_the_future_does_not_freeze_its_orders(tmp_path: Path) -> None:
    """March's export was saved on a laptop whose clock said 2099 (or unpacked from an
    archive with a bad date). kunde refuses order *dates* after today as typos, but
    trusts the *file's* date: every later export of March's orders is "older" than
    2099, so April's refund of order 3 — exported and ingested a month later — is kept
    out ("3 ordrer findes også i en eksport, der er lavet senere …; dens udgave
    gælder") and order 3 counts as revenue for ever."""
    ws = tmp_path / "ws"
    march = write(tmp_path / "ordrer-marts.csv", march_rows(), stamp("2099-01-01 12:00"))
    assert kunde("ingest", march, "-w", ws).exit_code == 0
    april = write(tmp_path / "ordrer-april.csv", april_rows())  # made now, after March's ingest
    result = kunde("ingest", april, "-w", ws, "--format", "json")
    no_traceback(result.stdout, result.stderr)
    assert result.exit_code == 0
    [row] = ingest_json(result)
    assert (row["accepted"], row["changed"]) == (2, 1)
    assert status_of_3(ws) == ["refunderet"]


def test_a_file_dated_1970_is_not_older_than_the_orders_it_holds(tmp_path: Path) -> None:
    """April's export arrives with modification time 0 (1 January 1970: an unzip of an
    archive without times, a tool that sets none). An export cannot have been made
    before the newest order in it (5 April 2024), yet kunde takes 1970 as its date:
    April's refund of order 3 is "older" than March's export and is kept out; order 3
    still counts as a sale."""
    ws = tmp_path / "ws"
    march = write(tmp_path / "ordrer-marts.csv", march_rows(), stamp("2024-04-01 09:00"))
    assert kunde("ingest", march, "-w", ws).exit_code == 0
    april = write(tmp_path / "ordrer-april.csv", april_rows(), 0)
    result = kunde("ingest", april, "-w", ws)
    no_traceback(result.stdout, result.stderr)
    assert result.exit_code == 0
    assert status_of_3(ws) == ["refunderet"]


# --- a partial export ----------------------------------------------------------------

LINE_HEADER = "Ordrenr;Kundenr;E-mail;Ordredato;Vare;Beløb;Status"


def test_a_refunds_only_export_does_not_erase_the_orders_paid_lines(tmp_path: Path) -> None:
    """K7 bought coffee (100 kr.) and tea (50 kr.) in order 7 and sent the tea back.
    The shop's "Refunderinger" export (a filtered export: refunds only) lists order 7
    with its refund line only (-50 kr.). kunde takes the missing lines for lines "gone"
    from the order and replaces the whole order by the refund: the paid coffee and tea
    are lost, order 7 becomes a -50 kr. credit note, and revenue falls by 200 kr.
    instead of 50 kr. ("1 ordre er ændret siden sidste eksport"). Nothing lost: the
    stored order keeps its paid lines and gains the refund."""
    ws = tmp_path / "ws"
    orders = write(
        tmp_path / "ordrer-marts.csv",
        [
            LINE_HEADER,
            "7;K7;k7@example.dk;15-03-2024;Kaffe;100,00;Gennemført",
            "7;K7;k7@example.dk;15-03-2024;Te;50,00;Gennemført",
            "8;K8;k8@example.dk;16-03-2024;Kaffe;100,00;Gennemført",
        ],
        stamp("2024-03-31 18:00"),
    )
    refunds = write(
        tmp_path / "refunderinger-april.csv",
        [LINE_HEADER, "7;K7;k7@example.dk;15-03-2024;Te;-50,00;Refunderet"],
        stamp("2024-04-30 18:00"),
    )
    assert kunde("ingest", orders, "-w", ws).exit_code == 0
    result = kunde("ingest", refunds, "-w", ws)
    no_traceback(result.stdout, result.stderr)
    assert result.exit_code == 0
    lines = stored(ws)
    order_7 = lines.filter(pl.col(s.ORDER_ID) == "7")
    assert sorted(order_7[s.AMOUNT].to_list()) == [-50.0, 50.0, 100.0]
    assert lines[s.AMOUNT].sum() == 200.0


# --- survey answers numbered by hand --------------------------------------------------

PAPER_HEADER = (
    "Svarnummer;Dato;E-mail;Hvor sandsynligt er det, at du vil anbefale os? (0-10);Kommentar"
)
ORDERS = [
    HEADER,
    "1;K1;anna@example.dk;15-03-2024;100,00;Betalt",
    "2;K2;bo@example.dk;16-03-2024;200,00;Betalt",
    "3;K3;carl@example.dk;17-03-2024;300,00;Betalt",
    "4;K4;dora@example.dk;18-03-2024;400,00;Betalt",
]


def scores(ws: Path) -> list[int]:
    survey = Workspace(ws).scan_survey()
    assert survey is not None
    return sorted(survey.collect()[s.SCORE].to_list())


def nps_n(*args: str | Path) -> str:
    result = kunde("nps", *args, "--format", "csv")
    no_traceback(result.stdout, result.stderr)
    assert result.exit_code == 0, result.stderr
    rows = pl.read_csv(result.stdout.encode(), infer_schema=False).to_dicts()
    assert len(rows) == 1, result.stdout
    return rows[0]["n"]


def test_a_number_typed_twice_counts_once_when_the_sheet_is_sorted_another_way(
    tmp_path: Path,
) -> None:
    """The paper survey's sheet has answer number 2 typed twice (Bo's 9 and Carl's 1);
    kunde keeps both, as it should. Next month the owner exports the same sheet sorted
    by date, newest first: Carl's row now comes before Bo's. Carl's '2' meets Bo's
    stored '2' (a clash: kept under its content, which is stored already), and Bo's '2'
    is taken for a number typed twice and stored *again* under its content: Bo counts
    twice (4 answers instead of 3). README: a re-export "in any order adds only the new
    answers"."""
    ws = tmp_path / "ws"
    orders = write(tmp_path / "ordrer.csv", ORDERS)
    march = write(
        tmp_path / "papir-marts.csv",
        [
            PAPER_HEADER,
            "1;13-03-2024;anna@example.dk;10;God service",
            "2;14-03-2024;bo@example.dk;9;",
            "2;15-03-2024;carl@example.dk;1;Elendig",
        ],
    )
    resorted = write(
        tmp_path / "papir-marts-sorteret.csv",
        [
            PAPER_HEADER,
            "2;15-03-2024;carl@example.dk;1;Elendig",
            "2;14-03-2024;bo@example.dk;9;",
            "1;13-03-2024;anna@example.dk;10;God service",
        ],
    )
    assert kunde("ingest", orders, march, "-w", ws).exit_code == 0
    result = kunde("ingest", resorted, "-w", ws, "--format", "json")
    no_traceback(result.stdout, result.stderr)
    assert result.exit_code == 0
    [row] = ingest_json(result)
    assert (row["rows_read"], row["accepted"], row["duplicates"]) == (3, 0, 3)
    assert scores(ws) == [1, 9, 10]
    assert nps_n(orders, march, resorted) == "3"


def test_an_answer_numbered_since_the_last_export_counts_once(tmp_path: Path) -> None:
    """The sheet of the paper survey grows all year and is exported each month. In
    March the typist left Carl's answer without a number (kunde keys it on its
    content); by April she has filled it in (3). April's export holds the same answer
    with an id now, and kunde stores it again: Carl's detractor counts twice (5 answers
    instead of 4), though nothing he said changed."""
    ws = tmp_path / "ws"
    orders = write(tmp_path / "ordrer.csv", ORDERS)
    march = write(
        tmp_path / "papir-marts.csv",
        [
            PAPER_HEADER,
            "1;13-03-2024;anna@example.dk;10;God service",
            "2;14-03-2024;bo@example.dk;9;",
            ";15-03-2024;carl@example.dk;1;Elendig",
        ],
    )
    april = write(
        tmp_path / "papir-april.csv",
        [
            PAPER_HEADER,
            "1;13-03-2024;anna@example.dk;10;God service",
            "2;14-03-2024;bo@example.dk;9;",
            "3;15-03-2024;carl@example.dk;1;Elendig",
            "4;16-04-2024;dora@example.dk;8;",
        ],
    )
    assert kunde("ingest", orders, march, "-w", ws).exit_code == 0
    result = kunde("ingest", april, "-w", ws, "--format", "json")
    no_traceback(result.stdout, result.stderr)
    assert result.exit_code == 0
    [row] = ingest_json(result)
    assert (row["rows_read"], row["accepted"], row["duplicates"]) == (4, 1, 3)
    assert scores(ws) == [1, 8, 9, 10]
    assert nps_n(orders, march, april) == "4"


def test_a_regular_who_answers_the_paper_survey_again_keeps_both_answers(
    tmp_path: Path,
) -> None:
    """Each month's paper sheet numbers its answers from 1 (README: another sheet's
    number 1 is another answer, kept). Anna happens to be number 1 in March (10, "God
    service") and again in April (3, "For dyrt"). A paper answer cannot be edited, but
    kunde takes the same number and person at another time for an edit: April's answer
    replaces March's ("1 svar er ændret siden sidste eksport"), her promoter answer is
    gone, 3 answers instead of 4. Ingested in the other order, March's answer is the
    "older version" and dropped as a duplicate: either way one of her two answers is
    lost. (tests/reliability/test_overlapping_exports.py::
    test_survey_numbers_reused_and_answers_edited_are_reported asserts the opposite for
    the same shape of data: this is a design question as much as a defect.)"""
    orders = write(tmp_path / "ordrer.csv", ORDERS)
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
            "1;16-04-2024;anna@example.dk;3;For dyrt",
            "2;17-04-2024;dora@example.dk;8;",
        ],
    )
    for name, files in (("ws-a", (march, april)), ("ws-b", (april, march))):
        ws = tmp_path / name
        result = kunde("ingest", orders, *files, "-w", ws)
        no_traceback(result.stdout, result.stderr)
        assert result.exit_code == 0
        assert scores(ws) == [3, 8, 9, 10], name
    assert nps_n(orders, march, april) == "4"
