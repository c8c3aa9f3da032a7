"""More input forms end to end (issue 13, point 6): .csv.gz, a .zip holding one export,
stdin (``-``) and pipes, a headerless whitespace log with YYYYMMDD dates (``--columns``),
Unix timestamps. Every bad case is one line and exit 2.

Expected customers, orders and revenue are worked out by hand from the lines below.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import zipfile

import pytest
from typer.testing import CliRunner

from kunde_cli.cli.main import app

runner = CliRunner()

# Four orders, three customers. By hand:
#   K1: 1001 (100,50) + 1003 (50,25) = 2 orders, 150,75 kr.
#   K2: 1002 (200,00)                = 1 order,  200,00 kr.
#   K3: 1004 (10,00)                 = 1 order,   10,00 kr.
#   shop: 3 customers, 4 orders, 360,75 kr.
ORDERS = (
    "Ordrenummer;Ordredato;Kundenummer;Beløb\n"
    "1001;05-03-2024;K1;100,50\n"
    "1002;06-03-2024;K2;200,00\n"
    "1003;08-03-2024;K1;50,25\n"
    "1004;08-03-2024;K3;10,00\n"
).encode("cp1252")
ORDERS_EXPECTED = {"K1": (2, 150.75), "K2": (1, 200.0), "K3": (1, 10.0)}

# CDNOW's raw form: no header, runs of spaces, YYYYMMDD. By hand (one line = one order):
#   00001: 11,77 on 1997-01-01                              = 1 order,  11,77
#   00002: 12,00 and 77,00, both on 1997-01-12              = 2 orders, 89,00
#   00003: 20,76 on 1997-01-02 and 20,76 on 1997-03-30      = 2 orders, 41,52
#   shop: 3 customers, 5 orders, 142,29
CDNOW = (
    b" 00001 19970101  1   11.77\r\n"
    b" 00002 19970112  1   12.00\r\n"
    b" 00002 19970112  5   77.00\r\n"
    b" 00003 19970102  2   20.76\r\n"
    b" 00003 19970330  2   20.76\r\n"
)
CDNOW_EXPECTED = {"00001": (1, 11.77), "00002": (2, 89.0), "00003": (2, 41.52)}


def kunde(*args, input=None):
    return runner.invoke(app, [str(a) for a in args], input=input)


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests state messages in English ($KUNDE_LANG=en, also for the processes they
    start); the Danish default is checked where a test deletes it."""
    monkeypatch.setenv("KUNDE_LANG", "en")


def by_customer(result) -> dict[str, tuple[int, float]]:
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    return {r["customer_id"]: (r["frequency"], round(r["monetary"], 2)) for r in rows}


def one_line_error(result, *fragments: str) -> str:
    """Exit 2, one ``Error:`` line (plus an optional hint), no traceback."""
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr
    return errors[0]


def totals(per_customer: dict[str, tuple[int, float]]) -> tuple[int, int, float]:
    customers = len(per_customer)
    orders = sum(f for f, _ in per_customer.values())
    revenue = round(sum(m for _, m in per_customer.values()), 2)
    return customers, orders, revenue


def manifest_sources(ws):
    return json.loads((ws / "manifest.json").read_text(encoding="utf-8"))["sources"]


# --- gzip and zip -------------------------------------------------------------------


def test_csv_gz_analysed_directly_and_ingested(tmp_path):
    path = tmp_path / "ordrer.csv.gz"
    path.write_bytes(gzip.compress(ORDERS))
    direct = by_customer(kunde("segment", path, "--by", "customer", "-f", "json"))
    assert direct == ORDERS_EXPECTED
    assert totals(direct) == (3, 4, 360.75)

    ws = tmp_path / "ws"
    result = kunde("ingest", path, "-w", ws, "-f", "json")
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)
    assert (row["file"], row["rows_read"], row["accepted"], row["rejected"]) == (str(path), 4, 4, 0)
    (source,) = manifest_sources(ws)
    # The name and the hash are the file given: the .gz, not what is inside.
    assert source["path"] == str(path)
    assert source["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert source["detected"]["encoding"] == "cp1252"
    assert source["detected"]["delimiter"] == ";"
    assert by_customer(kunde("segment", "-w", ws, "--by", "customer", "-f", "json")) == (
        ORDERS_EXPECTED
    )


def test_inspect_a_zip_with_one_export(tmp_path):
    path = tmp_path / "eksport.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("ordrer.csv", ORDERS)
    result = kunde("inspect", path, "-f", "json")
    assert result.exit_code == 0, result.output
    (payload,) = json.loads(result.stdout)
    assert (payload["file"], payload["rows_read"], payload["accepted"]) == (str(path), 4, 4)
    assert "read 'ordrer.csv' from the zip archive" in payload["detected"]["notes"]
    direct = by_customer(kunde("segment", path, "--by", "customer", "-f", "json"))
    assert direct == ORDERS_EXPECTED


def test_zip_with_several_exports_is_one_clear_error(tmp_path):
    path = tmp_path / "eksport.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("jan.csv", ORDERS)
        zf.writestr("feb.csv", ORDERS)
    for command in ("inspect", "ingest", "segment"):
        extra = ("-w", tmp_path / "ws") if command == "ingest" else ()
        line = one_line_error(kunde(command, path, *extra), "jan.csv, feb.csv")
        assert str(path) in line
    assert not (tmp_path / "ws").exists()


def test_damaged_gzip(tmp_path):
    path = tmp_path / "ordrer.csv.gz"
    path.write_bytes(gzip.compress(ORDERS)[:25])
    one_line_error(kunde("inspect", path), "the gzip file is damaged or cut short")


# --- stdin and pipes ----------------------------------------------------------------


def test_stdin_for_inspect_ingest_and_an_analysis(tmp_path, monkeypatch):
    monkeypatch.delenv("KUNDE_LANG")  # Danish, the default
    result = kunde("inspect", "-", "-f", "json", input=ORDERS)
    assert result.exit_code == 0, result.output
    (payload,) = json.loads(result.stdout)
    assert (payload["file"], payload["rows_read"], payload["accepted"]) == ("-", 4, 4)

    ws = tmp_path / "ws"
    result = kunde("ingest", "-", "-w", ws, "-f", "json", input=ORDERS)
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)
    assert (row["file"], row["accepted"]) == ("-", 4)
    (source,) = manifest_sources(ws)
    assert source["path"] == "-"
    assert source["sha256"] == hashlib.sha256(ORDERS).hexdigest()
    # The same bytes again are recognised by their hash and not read twice.
    again = kunde("ingest", "-", "-w", ws, "-f", "json", input=ORDERS)
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)[0]["accepted"] == 0
    assert "allerede indlæst" in again.stderr

    direct = by_customer(kunde("segment", "-", "--by", "customer", "-f", "json", input=ORDERS))
    assert direct == ORDERS_EXPECTED


def test_gzip_on_stdin(tmp_path):
    result = kunde("segment", "-", "--by", "customer", "-f", "json", input=gzip.compress(ORDERS))
    assert by_customer(result) == ORDERS_EXPECTED


def test_a_pipe_as_from_process_substitution(tmp_path):
    read_end, write_end = os.pipe()
    try:
        os.write(write_end, ORDERS)
        os.close(write_end)
        pipe = f"/dev/fd/{read_end}"
        ws = tmp_path / "ws"
        result = kunde("ingest", pipe, "-w", ws, "-f", "json")
        assert result.exit_code == 0, result.output
        (source,) = manifest_sources(ws)
        assert source["sha256"] == hashlib.sha256(ORDERS).hexdigest()
        assert json.loads(result.stdout)[0]["accepted"] == 4
    finally:
        os.close(read_end)
    assert by_customer(kunde("segment", "-w", ws, "--by", "customer", "-f", "json")) == (
        ORDERS_EXPECTED
    )


def test_empty_stdin(tmp_path):
    one_line_error(kunde("inspect", "-", input=b""), "nothing arrived on standard input")
    one_line_error(
        kunde("ingest", "-", "-w", tmp_path / "ws", input=b""), "nothing arrived on standard input"
    )
    assert not (tmp_path / "ws").exists()


# --- headerless whitespace log with YYYYMMDD dates ----------------------------------


def test_headerless_whitespace_log_with_columns(tmp_path):
    path = tmp_path / "CDNOW_master.txt"
    path.write_bytes(CDNOW)
    result = kunde(
        "segment", path, "--columns", "id,date,qty,amount", "--by", "customer", "-f", "json"
    )
    per_customer = by_customer(result)
    assert per_customer == CDNOW_EXPECTED
    assert totals(per_customer) == (3, 5, 142.29)
    rows = {r["customer_id"]: r for r in json.loads(result.stdout)}
    assert (rows["00003"]["first_order"], rows["00003"]["last_order"]) == (
        "1997-01-02",
        "1997-03-30",
    )

    ws = tmp_path / "ws"
    ingested = kunde("ingest", path, "-w", ws, "--columns", "kunde,dato,antal,beløb", "-f", "json")
    assert ingested.exit_code == 0, ingested.output
    assert json.loads(ingested.stdout)[0]["accepted"] == 5
    (source,) = manifest_sources(ws)
    assert source["detected"]["date_format"] == "%Y%m%d"
    assert source["detected"]["delimiter"] == " "
    assert by_customer(kunde("segment", "-w", ws, "--by", "customer", "-f", "json")) == (
        CDNOW_EXPECTED
    )


def test_headerless_log_on_stdin_with_columns():
    result = kunde(
        "segment", "-", "--columns", "id,date,qty,amount", "--by", "customer", "-f", "json",
        input=CDNOW,
    )  # fmt: skip
    assert by_customer(result) == CDNOW_EXPECTED


def test_inspect_shows_the_whitespace_delimiter(tmp_path, monkeypatch):
    monkeypatch.delenv("KUNDE_LANG")  # Danish, the default
    path = tmp_path / "CDNOW_master.txt"
    path.write_bytes(CDNOW)
    result = kunde("inspect", path, "--columns", "id,date,qty,amount")
    assert result.exit_code == 0, result.output
    assert "mellemrum" in result.stdout
    assert "yyyymmdd" in result.stdout


def test_headerless_file_without_columns_says_how(tmp_path):
    path = tmp_path / "CDNOW_master.txt"
    path.write_bytes(CDNOW)
    for command in ("inspect", "segment", "ingest"):
        extra = ("-w", tmp_path / "ws") if command == "ingest" else ()
        one_line_error(
            kunde(command, path, *extra),
            "no header row",
            "00001 19970101 1 11.77",
            "--columns id,date,qty,amount",
        )


@pytest.mark.parametrize(
    ("columns", "fragment"),
    [
        ("id,date,amount", "--columns names 3 column(s), but the file has 4"),
        ("id,when,qty,amount", "--columns: unknown field 'when'"),
        ("id,date,kunde,amount", "--columns names customer_id twice"),
    ],
)
def test_bad_columns_are_one_line(tmp_path, columns, fragment):
    path = tmp_path / "CDNOW_master.txt"
    path.write_bytes(CDNOW)
    one_line_error(kunde("segment", path, "--columns", columns), fragment)


# --- Unix timestamps ----------------------------------------------------------------


def test_unix_timestamps_are_the_shops_local_day(tmp_path):
    # By hand (Copenhagen: UTC+1 in winter, UTC+2 in summer):
    #   1704063600 = 2023-12-31 23:00 UTC = 2024-01-01 00:00 local
    #   1719784800 = 2024-06-30 22:00 UTC = 2024-07-01 00:00 local
    #   1704063599 = 2023-12-31 22:59:59 UTC = 2023-12-31 23:59:59 local
    # A: 2 orders, 30,50; B: 1 order, 5,00 (milliseconds in a second file).
    seconds = tmp_path / "log.csv"
    seconds.write_text("Kundenummer,Dato,Beløb\nA,1704063600,10.00\nA,1719784800,20.50\n")
    millis = tmp_path / "log_ms.csv"
    millis.write_text("Kundenummer,Dato,Beløb\nB,1704063599000,5.00\n")
    result = kunde("segment", seconds, millis, "--by", "customer", "-f", "json")
    assert by_customer(result) == {"A": (2, 30.5), "B": (1, 5.0)}
    rows = {r["customer_id"]: r for r in json.loads(result.stdout)}
    assert (rows["A"]["first_order"], rows["A"]["last_order"]) == ("2024-01-01", "2024-07-01")
    assert rows["B"]["first_order"] == "2023-12-31"
