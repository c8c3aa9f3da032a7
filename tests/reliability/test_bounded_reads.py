"""Issue 14, bounded reads: hostile workbooks, endless inputs, pipes, symlink loops,
repeated header names and Excel day numbers.

Every hostile file is built here at test time with zipfile (a few KB each); the
bounds that would need big inputs are made small with monkeypatch, in-process.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import random
import shutil
import string
import subprocess
import sys
import threading
import time
import zipfile
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter

from kunde_cli import schema as s
from kunde_cli.cli.main import app
from kunde_cli.errors import InputError
from kunde_cli.ingest import ReadOptions, read_orders, readers
from kunde_cli.ingest import workbook_guard as guard
from kunde_cli.store import Workspace, streams
from kunde_cli.words.said import said
from reliability.conftest import kunde, kunde_process, no_traceback, quiet_env, runner


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests state messages in English ($KUNDE_LANG=en, also for the processes they
    start); the Danish default is checked where a test deletes it."""
    monkeypatch.setenv("KUNDE_LANG", "en")


HEADER = ["Kunde", "Dato", "Beløb"]
ROWS = [["K1", "2024-03-01", 100.0], ["K2", "2024-03-02", 50.5], ["K1", "2024-03-05", 20.25]]


def _book(path: Path, rows: list[list[object]] | None = None) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Ordrer")
    for r, row in enumerate([HEADER, *(ROWS if rows is None else rows)]):
        ws.write_row(r, 0, row)
    wb.close()
    return path


def _rewrite(src: Path, dst: Path, change) -> Path:  # type: ignore[no-untyped-def]
    """A copy of the workbook ``src`` with ``change(name, bytes) -> bytes`` per member."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, change(info.filename, zin.read(info.filename)))
    return dst


def _far_cell(tmp_path: Path, *, declare: bool) -> Path:
    """A 5 KB workbook with one cell at XFD1048576 (the reader allocates 512 GB)."""

    def change(name: str, data: bytes) -> bytes:
        if name == "xl/worksheets/sheet1.xml":
            dim = b'<dimension ref="A1:XFD1048576"/>' if declare else b""
            data = data.replace(b'<dimension ref="A1:C4"/>', dim)
            data = data.replace(
                b"</sheetData>",
                b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>',
            )
        return data

    src = _book(tmp_path / "ok.xlsx")
    return _rewrite(src, tmp_path / ("far.xlsx" if declare else "far_nodim.xlsx"), change)


def _long_shared_string(tmp_path: Path, size: int, *, letters: bool) -> Path:
    text = (
        "".join(random.Random(1).choices(string.ascii_letters, k=size)) if letters else "x" * size
    ).encode()

    def change(name: str, data: bytes) -> bytes:
        if name == "xl/sharedStrings.xml":
            assert b"<t>K1</t>" in data
            data = data.replace(b"<t>K1</t>", b"<t>" + text + b"</t>")
        return data

    return _rewrite(_book(tmp_path / "ok.xlsx"), tmp_path / "long.xlsx", change)


def _error_line(result) -> str:  # type: ignore[no-untyped-def]
    no_traceback(result.stdout, result.stderr)
    return result.stderr.splitlines()[0]


# --- workbooks checked before reading -----------------------------------------------


@pytest.mark.parametrize("command", ["inspect", "ingest", "segment"])
def test_declared_dimension_is_refused_before_reading(tmp_path, command):
    book = _far_cell(tmp_path, declare=True)
    assert book.stat().st_size < 10_000
    ws = tmp_path / "ws"
    where = [] if command == "inspect" else ["--workspace", ws]
    result = kunde_process(command, book, *where, timeout=60)
    assert result.returncode == 2, result.stderr
    assert _error_line(result) == (
        f"Error: {book}: sheet 'Ordrer' declares 1,048,576 rows × 16,384 columns "
        "(A1:XFD1048576); kunde reads at most 104,857,600 cells per sheet"
    )
    assert not ws.exists()


def test_a_far_cell_without_dimension_crashes_only_the_child(tmp_path):
    """No <dimension> to check: the reader asks for 512 GB in the child, which dies
    (its address space is limited); kunde says so in one line, exit 2."""
    book = _far_cell(tmp_path, declare=False)
    ws = tmp_path / "ws"
    start = time.monotonic()
    result = kunde_process("ingest", book, "--workspace", ws, timeout=60)
    assert time.monotonic() - start < 30
    assert result.returncode == 2, result.stderr
    line = _error_line(result)
    assert line.startswith(f"Error: {book}: the workbook needs more memory to read than kunde")
    assert "damaged or built to exhaust memory" in line
    assert "panicked" not in result.stderr and "backtrace" not in result.stderr
    assert not ws.exists()


def test_a_child_killed_by_a_signal_is_one_line(tmp_path, monkeypatch):
    monkeypatch.setattr(guard, "_CHILD_CODE", "import os, signal; os.kill(os.getpid(), 9)")
    book = _book(tmp_path / "ordrer.xlsx")
    result = kunde("inspect", book)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        f"Error: {book}: the Excel reader crashed on this workbook (SIGKILL); "
        "it is damaged or hostile"
    )


def test_a_long_shared_string_is_refused(tmp_path):
    book = _long_shared_string(tmp_path, 2 * guard.MiB, letters=True)
    assert book.stat().st_size < 2 * guard.MiB  # letters compress ~1.3 ×: no bomb
    result = kunde("inspect", book)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        f"Error: {book}: the workbook holds a text of more than 1 MB in one cell "
        "(Excel holds at most 32,767 characters)"
    )


def test_a_shared_string_just_under_the_bound_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(guard, "MAX_SHARED_STRING_BYTES", 300_000)
    book = _long_shared_string(tmp_path, 299_990, letters=True)
    raw = readers.read_table(book)
    assert raw.frame.height == 3
    assert len(raw.frame["Kunde"][0]) == 299_990


def test_a_zip_bomb_is_refused_by_its_ratio(tmp_path, monkeypatch):
    monkeypatch.setattr(guard, "RATIO_FLOOR_BYTES", 1 * guard.MiB)
    book = _long_shared_string(tmp_path, 4 * guard.MiB, letters=False)
    result = kunde("ingest", book, "--workspace", tmp_path / "ws")
    assert result.exit_code == 2
    line = result.stderr.splitlines()[0]
    assert line.startswith(f"Error: {book}: 'xl/sharedStrings.xml' in the workbook unpacks ")
    assert line.endswith("times larger than it is stored (4 MB): a zip bomb, not an export")
    assert not (tmp_path / "ws").exists()


def test_declared_sizes_are_bounded(tmp_path, monkeypatch):
    book = _book(tmp_path / "ordrer.xlsx")
    monkeypatch.setattr(guard, "MAX_MEMBER_BYTES", 5_000)  # theme1.xml is ~7 KB
    result = kunde("inspect", book)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        f"Error: {book}: 'xl/theme/theme1.xml' in the workbook unpacks to 0 MB; "
        "kunde reads at most 0 MB per part"
    )
    monkeypatch.setattr(guard, "MAX_MEMBER_BYTES", guard.GiB)
    monkeypatch.setattr(guard, "MAX_UNCOMPRESSED_BYTES", 10_000)
    result = kunde("inspect", book)
    assert result.exit_code == 2
    assert "the workbook unpacks to 0 MB; kunde reads at most 0 MB" in result.stderr


def test_dimension_size():
    assert guard.dimension_size("A1:XFD1048576") == (1_048_576, 16_384)
    assert guard.dimension_size("B2:D11") == (10, 3)
    assert guard.dimension_size("$A$1:$C$4") == (4, 3)
    assert guard.dimension_size("A1") == (1, 1)
    assert guard.dimension_size("") is None


def test_a_valid_workbook_is_read_in_the_child_with_its_numbers(tmp_path):
    book = _book(tmp_path / "ordrer.xlsx")
    ws = tmp_path / "ws"
    result = kunde("ingest", book, "--workspace", ws, "--format", "json")
    assert result.exit_code == 0, result.stderr
    orders = Workspace(ws).scan_orders().collect().sort(s.ORDER_DATE)
    assert orders[s.CUSTOMER_ID].to_list() == ["K1", "K2", "K1"]
    assert orders[s.AMOUNT].to_list() == [100.0, 50.5, 20.25]
    assert orders[s.ORDER_DATE].to_list() == [
        datetime(2024, 3, 1),
        datetime(2024, 3, 2),
        datetime(2024, 3, 5),
    ]
    assert orders[s.SOURCE_ROW].to_list() == [2, 3, 4]


def test_the_same_workbook_is_read_the_same_in_the_child_and_in_process(tmp_path, monkeypatch):
    book = _book(tmp_path / "ordrer.xlsx")
    isolated = readers.read_table(book, score_header=readers._no_score)
    monkeypatch.setattr(guard, "ISOLATE", False)
    here = readers.read_table(book, score_header=readers._no_score)
    assert isolated.frame.equals(here.frame)
    assert isolated.frame.schema == here.frame.schema
    assert (isolated.sheet, isolated.header_row, isolated.row_offset, isolated.notes) == (
        here.sheet,
        here.header_row,
        here.row_offset,
        here.notes,
    )


def test_errors_from_the_child_keep_their_message(tmp_path):
    book = _book(tmp_path / "ordrer.xlsx")
    result = kunde("inspect", book, "--sheet", "Kunder")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[:2] == [
        f"Error: {book}: no sheet called 'Kunder'",
        "Hint: sheets in this workbook: Ordrer",
    ]


def test_a_keyed_error_from_the_child_is_the_same_keyed_error(tmp_path, monkeypatch):
    """The child passes its error back as a key and values (JSON), not as English text:
    the parent raises the same keyed error, worded in the run's language where shown."""
    book = _book(tmp_path / "ordrer.xlsx")
    assert guard.ISOLATE
    with pytest.raises(InputError) as err:
        read_orders(book, ReadOptions(sheet="Kunder"))
    assert err.value.key == "ingest_no_such_sheet"
    assert err.value.said == said("ingest_no_such_sheet", sheet="Kunder")
    assert err.value.hint == said("ingest_sheets_are", names="Ordrer")
    assert err.value.one_line("da") == f"{book}: intet ark med navnet 'Kunder'"
    assert err.value.hint_in("da") == "ark i denne Excel-fil: Ordrer"
    assert err.value.message == "no sheet called 'Kunder'"
    # Through the command line, without --lang: Danish, error and hint.
    monkeypatch.delenv("KUNDE_LANG")
    result = kunde("inspect", book, "--sheet", "Kunder")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[:2] == [
        f"Fejl: {book}: intet ark med navnet 'Kunder'",
        "Tip: ark i denne Excel-fil: Ordrer",
    ]


def test_a_nested_sentence_crosses_the_process_boundary_as_json():
    nested = said("ingest_cannot_read_what", what=said("ingest_what_pipe"), reason="EIO")
    sent = json.loads(json.dumps(guard.text_to_json(nested)))
    assert guard.text_from_json(sent) == nested
    assert guard.text_from_json(guard.text_to_json("plain text")) == "plain text"
    assert guard.text_from_json(sent).worded("da") == "kan ikke læse røret (EIO)"


# --- endless inputs, pipes, process substitution, symlink loops -----------------------


def test_dev_zero_is_refused_at_once():
    start = time.monotonic()
    result = kunde_process("inspect", "/dev/zero", timeout=30)
    assert time.monotonic() - start < 20
    assert result.returncode == 2
    assert _error_line(result) == "Error: /dev/zero: is a device, not a file or a pipe"


def test_an_endless_pipe_stops_at_the_size_bound(monkeypatch):
    monkeypatch.setattr(streams, "MAX_STREAM_BYTES", 1 << 20)
    read_end, write_end = os.pipe()
    stop = threading.Event()

    def endless() -> None:
        line = b"K1;2024-03-01;100,00\n" * 1000
        try:
            while not stop.is_set():
                os.write(write_end, line)
        except OSError:  # the reader closed its end
            pass

    writer = threading.Thread(target=endless, daemon=True)
    writer.start()
    try:
        path = f"/dev/fd/{read_end}"
        result = kunde("inspect", path)
    finally:
        stop.set()
        os.close(read_end)
        writer.join(5)
        os.close(write_end)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        f"Error: {path}: the pipe sent more than 1 MB without ending; "
        "kunde holds at most 1 MB of a stream in memory"
    )


def test_a_silent_pipe_that_never_ends_is_refused(monkeypatch):
    monkeypatch.setattr(streams, "STREAM_IDLE_SECONDS", 0.3)
    read_end, write_end = os.pipe()
    os.write(write_end, b"Kunde;Dato;Bel\xc3\xb8b\n")
    try:
        path = f"/dev/fd/{read_end}"
        result = kunde("inspect", path)
    finally:
        os.close(read_end)
        os.close(write_end)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        f"Error: {path}: the pipe sent nothing for 0.3 seconds and did not end"
    )


def test_standard_input_past_the_bound_is_refused(monkeypatch):
    monkeypatch.setattr(streams, "MAX_STREAM_BYTES", 100_000)
    data = "Kunde;Dato;Beløb\n" + "K1;2024-03-01;100,00\n" * 10_000
    result = runner.invoke(app, ["inspect", "-"], input=data)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        "Error: -: standard input sent more than 0.0953674 MB without ending; "
        "kunde holds at most 0.0953674 MB of a stream in memory"
    )


def test_a_gzip_bomb_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "MAX_STREAM_BYTES", 1 << 20)
    path = tmp_path / "ordrer.csv.gz"
    path.write_bytes(gzip.compress(b"Kunde;Dato;Bel\xc3\xb8b\n" + b"0" * (2 << 20)))
    result = kunde("inspect", path)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        f"Error: {path}: the archive unpacks to more than 1 MB; kunde unpacks at most 1 MB "
        "in memory"
    )


def _csv(path: Path) -> Path:
    path.write_text(
        "Kunde;Dato;Beløb\nK1;01-03-2024;100,00\nK2;02-03-2024;50,50\nK1;05-03-2024;20,25\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_process_substitution_and_pipes_are_read(tmp_path, kind):
    src = _csv(tmp_path / "ordrer.csv") if kind == "csv" else _book(tmp_path / "ordrer.xlsx")
    ws = tmp_path / "ws"
    script = (
        f'"{sys.executable}" -m kunde_cli ingest <(cat "{src}") --workspace "{ws}" --format json'
    )
    done = subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, timeout=120, env=quiet_env()
    )
    no_traceback(done.stdout, done.stderr)
    assert done.returncode == 0, done.stderr
    orders = Workspace(ws).scan_orders().collect()
    assert orders.height == 3
    assert orders[s.AMOUNT].sum() == pytest.approx(170.75)
    # The same through standard input.
    ws2 = tmp_path / "ws2"
    with src.open("rb") as stdin:
        piped = kunde_process("ingest", "-", "--workspace", ws2, "--format", "json", stdin=stdin)
    assert piped.returncode == 0, piped.stderr
    assert Workspace(ws2).scan_orders().collect()[s.AMOUNT].sum() == pytest.approx(170.75)


@pytest.mark.parametrize("command", ["inspect", "ingest"])
def test_a_symlink_loop_is_one_line(tmp_path, command):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.symlink_to(b)
    b.symlink_to(a)
    where = [] if command == "inspect" else ["--workspace", tmp_path / "ws"]
    result = kunde(command, a, *where)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        f"Error: {a}: is a symbolic link that points to itself in a loop"
    )
    assert not (tmp_path / "ws").exists()


# --- repeated header names ---------------------------------------------------------------


def test_an_empty_first_copy_of_a_header_does_not_lose_the_second(tmp_path):
    path = tmp_path / "dobbelt.csv"
    path.write_text(
        "Kunde;E-mail;Dato;Beløb;E-mail\n"
        "K1;;01-03-2024;100,00;a@example.dk\n"
        "K2;;02-03-2024;50,50;b@example.dk\n",
        encoding="utf-8",
    )
    result = read_orders(path)
    assert result.frame.sort(s.CUSTOMER_ID)[s.EMAIL].to_list() == ["a@example.dk", "b@example.dk"]
    assert result.detected.mapping[s.EMAIL] == "E-mail"
    assert (
        "2 columns are called 'E-mail' (columns 2 and 5); column 2 is empty, so column 5 is read"
        in [str(n) for n in result.detected.notes]
    )
    shown = kunde("inspect", path)
    assert shown.exit_code == 0
    assert "column 2 is empty, so column 5 is read" in " ".join(shown.stdout.split())


def test_an_empty_first_copy_in_a_workbook(tmp_path):
    book = tmp_path / "dobbelt.xlsx"
    wb = xlsxwriter.Workbook(str(book))
    sheet = wb.add_worksheet()
    for r, row in enumerate(
        [
            ["Kunde", "Email", "Dato", "Beløb", "E-mail"],
            ["K1", None, "2024-03-01", 100, "a@example.dk"],
            ["K2", None, "2024-03-02", 50.5, "b@example.dk"],
        ]
    ):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    wb.close()
    result = read_orders(book)
    assert result.frame.sort(s.CUSTOMER_ID)[s.EMAIL].to_list() == ["a@example.dk", "b@example.dk"]
    assert result.frame[s.AMOUNT].to_list() == [100.0, 50.5]


def test_two_filled_copies_that_disagree_are_named_with_the_map_to_choose(tmp_path):
    path = tmp_path / "dobbelt.csv"
    path.write_text(
        "Kunde;E-mail;Dato;Beløb;Email\n"
        "K1;konto@example.dk;01-03-2024;100,00;faktura@example.dk\n"
        "K2;;02-03-2024;50,50;b@example.dk\n",
        encoding="utf-8",
    )
    first = read_orders(path)
    assert first.frame.sort(s.CUSTOMER_ID)[s.EMAIL].to_list() == ["konto@example.dk", None]
    assert (
        "2 columns are called 'E-mail' (columns 2 and 5) and hold different values; "
        "column 2 is read. To read column 5 instead: --map email='Email'"
    ) in [str(n) for n in first.detected.notes]
    chosen = read_orders(path, ReadOptions(mapping={"email": "Email"}))
    assert chosen.frame.sort(s.CUSTOMER_ID)[s.EMAIL].to_list() == [
        "faktura@example.dk",
        "b@example.dk",
    ]


def test_copies_that_agree_need_no_note(tmp_path):
    path = tmp_path / "dobbelt.csv"
    path.write_text(
        "Kunde;E-mail;Dato;Beløb;E-mail\nK1;a@example.dk;01-03-2024;100,00;a@example.dk\n",
        encoding="utf-8",
    )
    result = read_orders(path)
    assert result.frame[s.EMAIL].to_list() == ["a@example.dk"]
    assert not [n for n in map(str, result.detected.notes) if "columns are called" in n]


# --- Excel day numbers ---------------------------------------------------------------------


def test_a_date_column_of_excel_day_numbers_is_read_as_dates(tmp_path):
    book = _book(
        tmp_path / "dage.xlsx",
        [["K1", 45352, 100.0], ["K2", 45353.5, 50.5], ["K1", 45356, 20.25]],
    )
    result = read_orders(book)
    assert result.rejects.height == 0
    assert result.frame.sort(s.SOURCE_ROW)[s.ORDER_DATE].to_list() == [
        datetime(2024, 3, 1),
        datetime(2024, 3, 2, 12),
        datetime(2024, 3, 5),
    ]
    assert "dates in 'Dato' are Excel day numbers; read as dates" in [
        str(n) for n in result.detected.notes
    ]


def test_day_numbers_among_formatted_dates_are_read_as_dates(tmp_path):
    book = tmp_path / "blandet.xlsx"
    wb = xlsxwriter.Workbook(str(book))
    sheet = wb.add_worksheet("Ordrer")
    fmt = wb.add_format({"num_format": "dd-mm-yyyy"})
    sheet.write_row(0, 0, HEADER)
    sheet.write(1, 0, "K1")
    sheet.write_datetime(1, 1, datetime(2024, 3, 1), fmt)
    sheet.write(1, 2, 100)
    sheet.write_row(2, 0, ["K2", 45353, 50.5])  # lost its date format
    sheet.write(3, 0, "K1")
    sheet.write_datetime(3, 1, datetime(2024, 3, 5), fmt)
    sheet.write(3, 2, 20.25)
    wb.close()
    result = read_orders(book)
    assert result.rejects.height == 0
    assert result.frame.sort(s.SOURCE_ROW)[s.ORDER_DATE].to_list() == [
        datetime(2024, 3, 1),
        datetime(2024, 3, 2),
        datetime(2024, 3, 5),
    ]
    assert (
        "'Dato' mixes dates and Excel day numbers; read 1 day number(s) as dates "
        "(45353 = 2024-03-02)"
    ) in [str(n) for n in result.detected.notes]


def test_numbers_outside_the_day_range_are_not_dates():
    assert readers.excel_serial_dates(pl.Series("d", [45352, 19970101])) is None
    assert readers.excel_serial_dates(pl.Series("d", [32873.0])) is None  # 1989-12-31
    assert readers.excel_serial_dates(pl.Series("d", ["45352"])) is None  # text: not here
    days = readers.excel_serial_dates(pl.Series("d", [32874, None, 73050]))
    assert days is not None
    assert days.to_list() == [datetime(1990, 1, 1), None, datetime(2099, 12, 31)]


# --- the guard's own pieces ------------------------------------------------------------------


def test_longest_text_run_is_exact_across_chunks():
    # Bytes without "<": the text and the rest of its tag ("t>").
    body = b"<si><t>" + b"a" * 600_000 + b"</t></si><si><t>b</t></si>"
    assert guard.longest_text_run(io.BytesIO(body), stop_above=10**9) == 600_002
    assert guard.longest_text_run(io.BytesIO(b"<a>xyz</a>"), stop_above=10) < 10


def test_no_room_for_the_temporary_sheet_is_one_line(tmp_path, monkeypatch):
    import tempfile

    book = _book(tmp_path / "ordrer.xlsx")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "no-such-folder"))
    result = kunde("inspect", book)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        f"Error: {book}: cannot use a temporary folder to read the workbook "
        "(No such file or directory); nothing was changed"
    )


def test_the_temporary_folder_is_removed_after_reading(tmp_path, monkeypatch):
    import tempfile

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    with _book(tmp_path / "ordrer.xlsx").open("rb") as handle:
        data = handle.read()
    read_end, write_end = os.pipe()
    os.write(write_end, data)  # a small workbook fits in the pipe's buffer
    os.close(write_end)
    try:
        raw = readers.read_table(Path(f"/dev/fd/{read_end}"))
    finally:
        os.close(read_end)
    assert raw.frame["Beløb"].to_list() == [100.0, 50.5, 20.25]
    assert list(scratch.iterdir()) == []


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_ods_and_xls_are_read_in_the_child_too(tmp_path):
    book = _book(tmp_path / "ordrer.xlsx")
    for suffix in ("ods", "xls"):
        subprocess.run(
            ["soffice", "--headless", "--convert-to", suffix, "--outdir", str(tmp_path), book],
            capture_output=True,
            timeout=180,
            check=True,
        )
        raw = readers.read_table(tmp_path / f"ordrer.{suffix}")
        assert raw.kind == "excel"
        assert raw.frame["Beløb"].to_list() == [100.0, 50.5, 20.25], suffix
