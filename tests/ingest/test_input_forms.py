"""More input forms (issue 13, point 6): gzip and zip, stdin and pipes, whitespace-separated
files, files without a header (--columns), YYYYMMDD and Unix-timestamp dates.

Expected values are worked out by hand from the few lines each test writes.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import sys
import zipfile
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest

from kunde_cli import schema as s
from kunde_cli.errors import ConfigError, InputError
from kunde_cli.ingest import ReadOptions, column_fields, read_any, read_orders
from kunde_cli.ingest.parsing import (
    UNIX_MILLISECONDS,
    UNIX_SECONDS,
    describe_format,
    detect_datetime_format,
    parse_datetime_expr,
)
from kunde_cli.ingest.readers import (
    WHITESPACE,
    is_stream,
    looks_like_data,
    read_table,
    stream_bytes,
)
from kunde_cli.store import file_sha256

# Windows-1252, semicolons, decimal commas, day-first dates: what a Danish shop exports.
DANISH = (
    "Ordrenummer;Ordredato;Kundenummer;Navn;Beløb\n"
    "1001;05-03-2024 14:22;K1;Søren Ærø;1.234,50\n"
    "1002;06-03-2024 09:10;K2;Åse Øberg;kr. 299,00\n"
    "1003;07-03-2024 18:00;K1;Søren Ærø;45,50\n"
)
DANISH_AMOUNTS = [1234.5, 299.0, 45.5]
DANISH_DATES = [datetime(2024, 3, 5, 14, 22), datetime(2024, 3, 6, 9, 10), datetime(2024, 3, 7, 18)]


def check_danish(result) -> None:
    assert (result.rows_read, result.accepted, result.rejects.height) == (3, 3, 0)
    frame = result.frame
    assert frame[s.AMOUNT].to_list() == DANISH_AMOUNTS
    assert frame[s.ORDER_DATE].to_list() == DANISH_DATES
    assert frame[s.NAME].to_list()[:2] == ["Søren Ærø", "Åse Øberg"]
    assert frame[s.SOURCE_ROW].to_list() == [2, 3, 4]
    assert result.detected.delimiter == ";"
    assert result.detected.decimal == "comma"
    assert result.detected.date_format == "%d-%m-%Y %H:%M"


# --- gzip -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["ordrer.csv.gz", "ordrer.tsv.gz", "ordrer.txt.gz"])
def test_gzip_files_are_detected_as_plain_files(tmp_path, name):
    text = DANISH if "csv" in name else DANISH.replace(";", "\t")
    path = tmp_path / name
    path.write_bytes(gzip.compress(text.encode("cp1252")))
    result = read_orders(path)
    assert result.path == path  # the name stays the file given
    assert result.detected.encoding == "cp1252"
    if "csv" in name:
        check_danish(result)
    else:
        assert result.detected.delimiter == "\t"
        assert result.frame[s.AMOUNT].to_list() == DANISH_AMOUNTS
    assert "unpacked the gzip file" in [str(n) for n in result.detected.notes]


def test_damaged_gzip_is_one_clear_error(tmp_path):
    path = tmp_path / "ordrer.csv.gz"
    path.write_bytes(gzip.compress(DANISH.encode())[:30])
    with pytest.raises(InputError, match="the gzip file is damaged or cut short") as err:
        read_orders(path)
    assert str(path) in err.value.one_line()


def test_empty_gzip(tmp_path):
    path = tmp_path / "ordrer.csv.gz"
    path.write_bytes(gzip.compress(b""))
    with pytest.raises(InputError, match="empty"):
        read_orders(path)


# --- zip ------------------------------------------------------------------------------


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def test_zip_with_one_csv_is_read(tmp_path):
    path = _zip(
        tmp_path / "eksport.zip",
        {
            "export/ordrer.csv": DANISH.encode("utf-8-sig"),
            "__MACOSX/export/._ordrer.csv": b"\x00\x05\x16\x07junk",
            "export/.DS_Store": b"\x00\x00\x00\x01Bud1",
        },
    )
    result = read_orders(path)
    check_danish(result)
    assert result.path == path
    assert "read 'export/ordrer.csv' from the zip archive" in [
        str(n) for n in result.detected.notes
    ]


def test_zip_with_one_workbook_is_read(tmp_path):
    import xlsxwriter

    book = io.BytesIO()
    wb = xlsxwriter.Workbook(book, {"in_memory": True})
    ws = wb.add_worksheet("Ordrer")
    ws.write_row(0, 0, ["Ordrenummer", "Ordredato", "Kundenummer", "Beløb"])
    ws.write_row(1, 0, ["1001", "2024-03-05", "K1", 100.5])
    ws.write_row(2, 0, ["1002", "2024-03-06", "K2", 20])
    wb.close()
    path = _zip(tmp_path / "eksport.zip", {"ordrer.xlsx": book.getvalue()})
    result = read_orders(path)
    assert result.frame[s.AMOUNT].to_list() == [100.5, 20.0]
    assert result.frame[s.CUSTOMER_ID].to_list() == ["K1", "K2"]
    assert result.detected.sheet == "Ordrer"


def test_zip_with_a_gzip_inside(tmp_path):
    path = _zip(tmp_path / "eksport.zip", {"ordrer.csv.gz": gzip.compress(DANISH.encode())})
    check_danish(read_orders(path))


def test_zip_with_several_data_files_names_them(tmp_path):
    path = _zip(
        tmp_path / "eksport.zip",
        {"ordrer_2023.csv": DANISH.encode(), "ordrer_2024.csv": DANISH.encode(), "logo.png": b"x"},
    )
    with pytest.raises(InputError) as err:
        read_orders(path)
    line = err.value.one_line()
    assert "\n" not in line
    assert "holds 2 files (ordrer_2023.csv, ordrer_2024.csv)" in line
    assert "unzip" in (err.value.hint_in() or "")


def test_zip_with_only_a_readme_and_data_file(tmp_path):
    # A PDF next to the export is not a data file: the export is read.
    path = _zip(
        tmp_path / "eksport.zip", {"ordrer.csv": DANISH.encode(), "vejledning.pdf": b"%PDF"}
    )
    check_danish(read_orders(path))


def test_empty_zip(tmp_path):
    path = _zip(tmp_path / "eksport.zip", {})
    with pytest.raises(InputError, match="the zip archive is empty"):
        read_orders(path)


# --- stdin and pipes ------------------------------------------------------------------


class _FakeStdin(io.TextIOWrapper):
    def __init__(self, data: bytes, tty: bool = False) -> None:
        super().__init__(io.BytesIO(data), encoding="utf-8")
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


@pytest.mark.parametrize("name", ["-", "/dev/stdin"])
def test_stdin_is_read_once_and_hashed_from_the_bytes_read(monkeypatch, name):
    data = DANISH.encode("cp1252")
    monkeypatch.setattr(sys, "stdin", _FakeStdin(data))
    assert is_stream(name)
    result = read_orders(Path(name))
    check_danish(result)
    assert result.path == Path(name)
    # The stream is used up; hashing asks again and gets the same bytes.
    assert sys.stdin.buffer.read() == b""
    assert stream_bytes(name) == data
    assert file_sha256(name) == hashlib.sha256(data).hexdigest()


def test_a_new_stdin_is_read_again(monkeypatch):
    monkeypatch.setattr(sys, "stdin", _FakeStdin(DANISH.encode()))
    assert read_orders(Path("-")).accepted == 3
    monkeypatch.setattr(sys, "stdin", _FakeStdin(DANISH.encode()[: DANISH.index("1003")]))
    assert read_orders(Path("-")).accepted == 2


def test_stdin_that_is_a_terminal_or_empty(monkeypatch):
    monkeypatch.setattr(sys, "stdin", _FakeStdin(b"", tty=True))
    with pytest.raises(InputError, match="standard input is the terminal"):
        read_orders(Path("-"))
    monkeypatch.setattr(sys, "stdin", _FakeStdin(b""))
    with pytest.raises(InputError, match="nothing arrived on standard input"):
        read_orders(Path("-"))


def test_gzip_on_stdin(monkeypatch):
    monkeypatch.setattr(sys, "stdin", _FakeStdin(gzip.compress(DANISH.encode())))
    check_danish(read_orders(Path("-")))


def test_pipe_as_with_process_substitution():
    read_end, write_end = os.pipe()
    data = DANISH.encode()
    try:
        os.write(write_end, data)
        os.close(write_end)
        path = Path(f"/dev/fd/{read_end}")
        assert is_stream(path)
        check_danish(read_orders(path))
        # Read again (hashing, a second look): the kept bytes, not an empty pipe.
        assert file_sha256(path) == hashlib.sha256(data).hexdigest()
        check_danish(read_orders(path))
    finally:
        os.close(read_end)


def test_a_regular_file_is_not_a_stream(tmp_path):
    path = tmp_path / "ordrer.csv"
    path.write_text(DANISH, encoding="utf-8")
    assert not is_stream(path)
    assert stream_bytes(path) is None


# --- whitespace-separated files -------------------------------------------------------

# CDNOW's raw file: leading blanks, runs of spaces, CRLF, no header.
CDNOW = (
    " 00001 19970101  1   11.77\r\n"
    " 00002 19970112  1   12.00\r\n"
    " 00002 19970112  5   77.00\r\n"
    " 00003 19970102  2   20.76\r\n"
    " 00003 19970330  2   20.76\r\n"
)


def test_whitespace_file_with_columns(tmp_path):
    path = tmp_path / "CDNOW_master.txt"
    path.write_bytes(CDNOW.encode())
    result = read_any(path, ReadOptions(columns="id,date,qty,amount"))
    frame = result.frame
    assert result.detected.delimiter == WHITESPACE
    assert (result.rows_read, result.accepted) == (5, 5)
    assert frame[s.CUSTOMER_ID].to_list() == ["00001", "00002", "00002", "00003", "00003"]
    assert frame[s.ORDER_DATE].to_list() == [
        datetime(1997, 1, 1),
        datetime(1997, 1, 12),
        datetime(1997, 1, 12),
        datetime(1997, 1, 2),
        datetime(1997, 3, 30),
    ]
    assert frame[s.QUANTITY].to_list() == [1, 1, 5, 2, 2]
    assert frame[s.AMOUNT].to_list() == [11.77, 12.0, 77.0, 20.76, 20.76]
    assert frame[s.SOURCE_ROW].to_list() == [1, 2, 3, 4, 5]  # no header: row 1 is data
    assert result.detected.date_format == "%Y%m%d"


def test_whitespace_file_with_a_header_and_tabs(tmp_path):
    path = tmp_path / "log.txt"
    path.write_text(
        "kunde   dato       beløb\nA\t\t2024-03-05  100,50\nB  \t 2024-03-06\t200\n",
        encoding="utf-8",
    )
    result = read_orders(path)
    assert result.detected.delimiter == WHITESPACE
    assert result.frame[s.CUSTOMER_ID].to_list() == ["A", "B"]
    assert result.frame[s.AMOUNT].to_list() == [100.5, 200.0]


def test_whitespace_file_with_decimal_commas_is_not_comma_separated(tmp_path):
    path = tmp_path / "log.txt"
    path.write_text("00001 19970101 1 11,77\n00002 19970102 2 5,50\n", encoding="utf-8")
    raw = read_table(path)
    assert raw.delimiter == WHITESPACE
    assert raw.frame.width == 5  # four columns and the row number
    result = read_any(path, ReadOptions(columns="id,date,qty,amount"))
    assert result.frame[s.AMOUNT].to_list() == [11.77, 5.5]


def test_semicolon_file_with_spaces_in_values_stays_semicolon(tmp_path):
    path = tmp_path / "ordrer.csv"
    path.write_text(DANISH, encoding="utf-8")
    assert read_table(path).delimiter == ";"


# --- files without a header -----------------------------------------------------------


def test_headerless_file_is_refused_with_a_columns_suggestion(tmp_path):
    path = tmp_path / "CDNOW_master.txt"
    path.write_bytes(CDNOW.encode())
    assert read_table(path).headerless
    with pytest.raises(InputError) as err:
        read_orders(path)
    assert "no header row" in err.value.message
    assert "00001 19970101 1 11.77" in err.value.message
    assert "--columns id,date,qty,amount" in (err.value.hint_in() or "")
    assert "--map amount=4" in (err.value.hint_in() or "")


def test_a_file_with_a_header_is_not_headerless(tmp_path):
    path = tmp_path / "ordrer.csv"
    path.write_text(DANISH, encoding="utf-8")
    assert not read_table(path).headerless


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (["00001", "19970101", "1", "11.77"], True),
        (["1001", "05-03-2024 14:22", "anne@example.dk", "kr. 299,00"], True),
        (["Kunde", "Dato", "Beløb"], False),
        (["Ordrenummer", "2024"], False),
        (["1001"], False),
    ],
)
def test_looks_like_data(row, expected):
    assert looks_like_data(row) is expected


def test_columns_with_danish_names_and_skips(tmp_path):
    path = tmp_path / "kasse.csv"
    path.write_text("K1;x;05-03-2024;2;100,00\nK2;y;06-03-2024;1;50,25\n", encoding="utf-8")
    result = read_any(path, ReadOptions(columns="kunde,-,dato,antal,beløb"))
    assert (result.rows_read, result.accepted) == (2, 2)
    assert result.frame[s.CUSTOMER_ID].to_list() == ["K1", "K2"]
    assert result.frame[s.AMOUNT].to_list() == [100.0, 50.25]
    assert result.frame[s.QUANTITY].to_list() == [2, 1]
    assert "column_2" in result.detected.unused_columns


def test_columns_replace_an_existing_header(tmp_path):
    path = tmp_path / "ordrer.csv"
    path.write_text("a;b;c\nK1;2024-03-05;10,00\nK2;2024-03-06;20,00\n", encoding="utf-8")
    result = read_any(path, ReadOptions(columns=["id", "date", "amount"]))
    assert (result.rows_read, result.accepted) == (2, 2)
    assert result.frame[s.SOURCE_ROW].to_list() == [2, 3]
    assert any("replaced by --columns" in n for n in map(str, result.detected.notes))


def test_columns_of_the_wrong_count(tmp_path):
    path = tmp_path / "CDNOW_master.txt"
    path.write_bytes(CDNOW.encode())
    with pytest.raises(InputError, match=r"--columns names 3 column\(s\), but the file has 4"):
        read_any(path, ReadOptions(columns="id,date,amount"))


def test_map_by_position_on_a_headerless_file(tmp_path):
    path = tmp_path / "CDNOW_master.txt"
    path.write_bytes(CDNOW.encode())
    mapping = {"customer_id": "1", "order_date": "2", "amount": "4"}
    result = read_any(path, ReadOptions(mapping=mapping))
    assert result.frame[s.AMOUNT].sum() == pytest.approx(11.77 + 12 + 77 + 20.76 + 20.76)
    assert result.frame[s.QUANTITY].to_list() == [None] * 5  # not mapped


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("id,date,qty,amount", ("customer_id", "order_date", "quantity", "amount")),
        ("kunde, dato ,-,beløb", ("customer_id", "order_date", None, "amount")),
        ("order_id,_,email,amount", ("order_id", None, "email", "amount")),
        ("responded_at,score,comment", ("responded_at", "score", "comment")),
    ],
)
def test_column_fields(spec, expected):
    assert column_fields(spec) == expected


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("id,when,amount", "unknown field 'when'"),
        ("id,,amount", "empty name"),
        ("id,kunde,amount", "names customer_id twice"),
        ("-,_", "names no field"),
    ],
)
def test_bad_columns(spec, message):
    with pytest.raises(ConfigError, match=message):
        column_fields(spec)


def test_headerless_excel_with_columns(tmp_path):
    import xlsxwriter

    path = tmp_path / "kasse.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["K1", "2024-03-05", 100.5])
    ws.write_row(1, 0, ["K2", "2024-03-06", 20])
    wb.close()
    with pytest.raises(InputError, match="no header row"):
        read_orders(path)
    result = read_any(path, ReadOptions(columns="id,date,amount"))
    assert (result.rows_read, result.accepted) == (2, 2)
    assert result.frame[s.AMOUNT].to_list() == [100.5, 20.0]
    assert result.frame[s.SOURCE_ROW].to_list() == [1, 2]


# --- YYYYMMDD and Unix timestamps -----------------------------------------------------


def _dates(values, dtype=pl.String):
    series = pl.Series("d", values, dtype=dtype)
    det = detect_datetime_format(series)
    parsed = (
        series.to_frame()
        .select(parse_datetime_expr(pl.col("d"), det.format, det.fallbacks))
        .to_series()
        .to_list()
    )
    return det, parsed


def test_yyyymmdd_text_and_numbers():
    want = [datetime(1997, 1, 1), datetime(1997, 12, 31)]
    for values, dtype in (
        (["19970101", "19971231"], pl.String),
        ([19970101, 19971231], pl.Int64),
        ([19970101.0, 19971231.0], pl.Float64),
    ):
        det, parsed = _dates(values, dtype)
        assert det.format == "%Y%m%d"
        assert parsed == want
    assert describe_format("%Y%m%d") == "yyyymmdd"


def test_yyyymmdd_needs_eight_digits():
    # Polars' %d takes one digit: "1997011" must not become 1 January.
    det, parsed = _dates(["19970101", "1997011", "19971301"])
    assert parsed == [datetime(1997, 1, 1), None, None]
    assert det.parsed_share == pytest.approx(1 / 3)


def test_compact_date_with_time_and_mixed_with_iso():
    assert _dates(["20240305142200"])[1] == [datetime(2024, 3, 5, 14, 22)]
    assert _dates(["2024-03-05", "20240306"])[1] == [datetime(2024, 3, 5), datetime(2024, 3, 6)]


def test_unix_seconds_are_the_shops_local_day():
    # 1704063600 = 2023-12-31 23:00 UTC = 2024-01-01 00:00 in Copenhagen (winter, UTC+1);
    # 1719784800 = 2024-06-30 22:00 UTC = 2024-07-01 00:00 in Copenhagen (summer, UTC+2).
    det, parsed = _dates(["1704063600", "1719784800", "1704067200.5"])
    assert det.format == UNIX_SECONDS
    assert parsed == [
        datetime(2024, 1, 1, 0, 0),
        datetime(2024, 7, 1, 0, 0),
        datetime(2024, 1, 1, 1, 0, 0, 500000),
    ]
    assert describe_format(UNIX_SECONDS) == "unix seconds"


def test_unix_milliseconds_and_integers():
    det, parsed = _dates([1704063600123, 1719784800000], pl.Int64)
    assert det.format == UNIX_MILLISECONDS
    assert parsed == [datetime(2024, 1, 1, 0, 0, 0, 123000), datetime(2024, 7, 1)]


def test_unix_timestamps_through_the_reader(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("customer id,date,amount\nA,1704063600,10.00\nB,1719784800,20.50\n")
    result = read_orders(path)
    assert result.frame[s.ORDER_DATE].to_list() == [datetime(2024, 1, 1), datetime(2024, 7, 1)]
    assert result.detected.date_format == UNIX_SECONDS
