"""Every file of the bad-input corpus (tests/data/bad/) has a stated outcome.

Either it is accepted, with exact counts of rows read / accepted / duplicate / refused
(and for refused rows the row, column and reason), or ``kunde ingest`` exits 2 with a
one-line message naming the file (and the column where one is to blame), writing
nothing. Never a traceback, never a half-written workspace.

The corpus is written by tests/data/make_bad_corpus.py; the 5 MB single field is
written at test time into a temporary folder (too big to keep in the repository).
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest

from kunde_cli import schema as s
from kunde_cli.store import Workspace
from kunde_cli.words.inspect import reason_code
from reliability.conftest import (
    CORPUS,
    ingest_json,
    no_traceback,
    quiet_env,
    snapshot,
)
from reliability.conftest import kunde as kunde_da
from reliability.conftest import kunde_process as kunde_process_da


def kunde(*args: str | Path):
    """``kunde ARGS --lang en``: the corpus states its messages and reasons in English
    (the Danish ones are checked in test_a_refused_file_is_said_in_danish_by_default)."""
    return kunde_da(*args, "--lang", "en")


def kunde_process(*args: str | Path, **kwargs):
    return kunde_process_da(*args, "--lang", "en", **kwargs)


AMOUNT = "Beløb"
DATE = "Ordredato"
SCORE_Q = "Hvor sandsynligt er det, at du vil anbefale os til en ven?"
EXTRA = "row has more fields than the header"
KUNDE = (sys.executable, "-m", "kunde_cli")


@dataclass(frozen=True)
class Accepted:
    """Read into the workspace: exact counts, and every refused (row, column, reason)."""

    read: int
    accepted: int
    rejects: tuple[tuple[int, str | None, str], ...] = ()
    duplicates: int = 0
    kind: str = "orders"
    note: str | None = None  # a warning the owner must see on stderr

    @property
    def rejected(self) -> int:
        return len(self.rejects)


@dataclass(frozen=True)
class Refused:
    """Exit 2, one line: ``Error: <file>[, column 'c']: <message>``; nothing written."""

    message: str
    column: str | None = None
    hint: str | None = None  # a fragment the "Hint:" line must hold
    extra: dict[str, str] = field(default_factory=dict)


def _rows(first: int, last: int, column: str | None, reason: str) -> tuple:
    return tuple((row, column, reason) for row in range(first, last + 1))


EXPECTED: dict[str, Accepted | Refused] = {
    "empty.csv": Refused("the file is empty"),
    "whitespace_only.csv": Refused("the file is empty"),
    "header_only.csv": Accepted(read=0, accepted=0),
    # The cut-off row has a date and a customer but no amount: refused, not guessed.
    "truncated_mid_row.csv": Accepted(6, 5, ((7, AMOUNT, "no amount"),)),
    "truncated_in_quotes.csv": Accepted(6, 5, ((7, AMOUNT, "no amount"),)),
    "nul_byte.csv": Accepted(5, 5, note="removed NUL bytes"),
    "nul_padded_tail.csv": Accepted(5, 5, note="removed NUL bytes"),
    "mixed_encodings.csv": Accepted(5, 5, note="some characters are not UTF-8"),
    "latin1_crlf.csv": Accepted(5, 5),
    "duplicate_headers.csv": Accepted(5, 5),
    "blank_headers.csv": Accepted(5, 5),
    "embedded_newline_stray_quote.csv": Accepted(5, 5),
    "two_thousand_columns.csv": Accepted(5, 5),
    "dates_1900_and_2999.csv": Accepted(
        5, 3, ((3, DATE, "date outside 1990–2099"), (5, DATE, "date outside 1990–2099"))
    ),
    "dates_both_orders.csv": Accepted(5, 5, note="fit both day-first and month-first"),
    "negative_and_zero_amounts.csv": Accepted(5, 5),
    "amounts_with_letters.csv": Accepted(5, 1, _rows(3, 6, AMOUNT, "not an amount")),
    "thousands_other_locale.csv": Accepted(5, 5),
    "scores_out_of_range.csv": Accepted(
        14,
        9,
        (
            (11, SCORE_Q, "score is outside 0–10"),
            (12, SCORE_Q, "score is outside 0–10"),
            (13, SCORE_Q, "score is not a number"),
            (14, SCORE_Q, "score is empty"),
            (15, SCORE_Q, "score is not a whole number"),
        ),
        kind="survey",
    ),
    "survey_ragged_row.csv": Accepted(3, 2, ((3, None, EXTRA),), kind="survey"),
    "xlsx_really_csv.xlsx": Accepted(5, 5),
    # A zip archive holding one export is read (issue 13); the name stays the file given.
    "csv_really_zip.csv": Accepted(5, 5, note="read 'ordrer.csv' from the zip archive"),
    "corrupt.xlsx": Refused("the workbook is damaged (not a valid .xlsx/zip file)"),
    "broken_sheet_xml.xlsx": Refused("cannot open the workbook (damaged or not a real Excel file)"),
    "password_protected.xlsx": Refused(
        "cannot open the workbook: it is password-protected or not a real Excel file",
        hint="save a copy without password",
    ),
    "merged_two_header_rows.xlsx": Accepted(5, 5, note="skipped 1 row(s) above the header"),
    "error_cells.xlsx": Accepted(5, 3, ((3, AMOUNT, "no amount"), (5, AMOUNT, "no amount"))),
    "first_sheet_empty.xlsx": Accepted(5, 5),
    "unicode_decomposed_emoji.csv": Accepted(5, 5),
    "emails_case_and_spaces.csv": Accepted(5, 5),
    "formula_looking_names.csv": Accepted(5, 4, ((6, AMOUNT, "not an amount"),)),
    "html_in_comments.csv": Accepted(5, 5, kind="survey"),
    "cr_only_newlines.csv": Accepted(5, 5),
    "utf16_unicode_text.txt": Accepted(5, 5),
    "title_rows.csv": Accepted(5, 5, note="skipped 3 line(s) above the header"),
    "trailing_empty_columns.csv": Accepted(5, 5),
    "bom_semicolon.csv": Accepted(5, 5),
    # Blank lines and ";;;;;;;;;" are not rows: neither accepted nor refused.
    "blank_lines_between.csv": Accepted(5, 5),
    "ragged_rows.csv": Accepted(6, 5, ((7, None, EXTRA),)),
    "decimal_comma_in_comma_file.csv": Accepted(5, 0, _rows(2, 6, None, EXTRA)),
    "shopify_missing_lineitem_price.csv": Accepted(4, 4),
    "shopify_missing_dates.csv": Refused("no column found for order_date"),
    "surveymonkey_two_header_rows.csv": Accepted(
        4,
        3,
        (
            (
                5,
                "Hvor sandsynligt er det, at du vil anbefale os til en ven eller kollega?",
                "score is empty",
            ),
        ),
        kind="survey",
        note="skipped SurveyMonkey's second header row (row 2)",
    ),
    "pdf_renamed.csv": Refused("this is not a table (CSV or Excel)"),
    "html_saved_as.xls": Refused("this is not a table (CSV or Excel)"),
    "json_export.csv": Refused("this is not a table (CSV or Excel)"),
    # A purchase log without money: purchases count, revenue does not (and says so).
    "no_amount_column.csv": Accepted(5, 5, note="no amount column"),
    "dates_with_month_names.csv": Refused(
        "no date format fits the values in this column", column=DATE
    ),
    "excel_serial_dates.csv": Refused("no date format fits the values in this column", column=DATE),
    "every_row_refused.csv": Accepted(5, 0, _rows(2, 6, AMOUNT, "not an amount")),
    "same_line_twice.csv": Accepted(7, 5, duplicates=2),
    # A sale without a known customer is kept for the shop's totals, and reported.
    "missing_customer_and_date.csv": Accepted(
        5, 4, ((6, DATE, "no date"),), note="1 lines have no customer id, e-mail or phone"
    ),
    "impossible_dates.csv": Accepted(5, 3, ((3, DATE, "not a date"), (5, DATE, "not a date"))),
    "only_a_message.csv": Refused(
        "no column found for order_date, customer_id (or email or phone)"
    ),
    "iso_dates_with_zones.csv": Accepted(5, 5),
    "whitespace_padded_values.csv": Accepted(5, 5),
    "double_cr_line_ends.csv": Accepted(5, 5),
}

#: Written at test time (see make_bad_corpus.write_huge_field): a 5 MB note, one ragged row.
HUGE = Accepted(6, 5, ((7, None, EXTRA),), note="irregular rows")

ACCEPTED = sorted(name for name, want in EXPECTED.items() if isinstance(want, Accepted))
REFUSED = sorted(name for name, want in EXPECTED.items() if isinstance(want, Refused))


# --- the corpus itself ---------------------------------------------------------------


def test_every_corpus_file_has_an_expected_outcome(corpus):
    on_disk = {p.name for p in CORPUS.iterdir() if p.name != "README.md"}
    assert on_disk == set(corpus.CASES) == set(EXPECTED)
    assert len(EXPECTED) + 1 >= 40  # + the 5 MB field written at test time


def test_corpus_is_what_the_script_writes(tmp_path, corpus):
    # Deterministic and in sync: rerunning the script changes no byte. Workbooks come
    # from xlsxwriter, whose bytes may change between its releases: those are
    # compared by their parts (or, for the one cut in half, by size).
    corpus.build(tmp_path)
    fresh, stored = snapshot(tmp_path), snapshot(CORPUS)
    assert set(fresh) == set(stored)
    for name in fresh:
        made, kept = tmp_path / name, CORPUS / name
        if name.endswith(".xlsx") and kept.read_bytes()[:2] == b"PK":
            try:
                with zipfile.ZipFile(made) as a, zipfile.ZipFile(kept) as b:
                    assert sorted(a.namelist()) == sorted(b.namelist()), name
            except zipfile.BadZipFile:  # corrupt.xlsx: half of a workbook
                assert abs(made.stat().st_size - kept.stat().st_size) < 1024, name
        else:
            assert fresh[name] == stored[name], name


def test_corpus_is_small_enough_to_commit():
    assert sum(p.stat().st_size for p in CORPUS.iterdir()) < 200_000


# --- one file at a time, in process ---------------------------------------------------


def check_accepted(path: Path, want: Accepted, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    result = kunde("ingest", path, "--workspace", ws, "--format", "json")
    no_traceback(result.stdout, result.stderr)
    assert result.exit_code == 0, result.stderr
    (row,) = ingest_json(result)
    got = (row["kind"], row["rows_read"], row["accepted"], row["duplicates"], row["rejected"])
    assert got == (want.kind, want.read, want.accepted, want.duplicates, want.rejected)
    assert row["rows_read"] == row["accepted"] + row["duplicates"] + row["rejected"]
    if want.note:
        assert want.note in result.stderr
    workspace = Workspace(ws)
    rejects = workspace.read_rejects()
    # The workspace keeps each reason as its code (reason_code), worded where shown.
    assert rejects.select(s.REJECT_ROW, s.REJECT_COLUMN, s.REJECT_REASON).rows() == [
        (row, col, reason_code(reason)) for row, col, reason in want.rejects
    ]
    assert set(rejects[s.REJECT_FILE]) <= {str(path)}
    # The workspace loads, and holds exactly the accepted rows.
    if want.kind == "orders":
        assert workspace.scan_orders().collect().height == want.accepted
    else:
        survey = workspace.scan_survey()
        assert (survey.collect().height if survey is not None else 0) == want.accepted


@pytest.mark.parametrize("name", ACCEPTED)
def test_accepted_file(name, tmp_path):
    check_accepted(CORPUS / name, EXPECTED[name], tmp_path)


def test_five_megabyte_field(tmp_path, corpus):
    path = corpus.write_huge_field(tmp_path / corpus.HUGE_FIELD_NAME)
    assert path.stat().st_size > corpus.HUGE_FIELD_BYTES
    check_accepted(path, HUGE, tmp_path)


@pytest.fixture(scope="module")
def populated(tmp_path_factory) -> Path:
    """A workspace with one good export in it (copied for each test that needs one)."""
    ws = tmp_path_factory.mktemp("populated") / "ws"
    result = kunde("ingest", CORPUS / "bom_semicolon.csv", "--workspace", ws, "--format", "json")
    assert result.exit_code == 0
    return ws


def refused_line(path: Path, want: Refused) -> str:
    where = f"{path}, column '{want.column}'" if want.column else str(path)
    return f"Error: {where}: {want.message}"


@pytest.mark.parametrize("name", REFUSED)
def test_refused_file(name, tmp_path, populated):
    want = EXPECTED[name]
    assert isinstance(want, Refused)
    path = CORPUS / name
    # Into a new workspace: exit 2, one line naming the file, no workspace at all.
    fresh = tmp_path / "fresh"
    result = kunde("ingest", path, "--workspace", fresh, "--format", "json")
    no_traceback(result.stdout, result.stderr)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0] == refused_line(path, want)
    assert len(lines) <= 2 and all(line.startswith("Hint: ") for line in lines[1:])
    if want.hint:
        assert want.hint in lines[1]
    assert result.stdout == ""
    assert not (fresh / "manifest.json").exists()
    # Into a workspace that already holds data, next to a good file: nothing changes.
    ws = tmp_path / "ws"
    shutil.copytree(populated, ws)
    before = snapshot(ws)
    again = kunde("ingest", CORPUS / "latin1_crlf.csv", path, "--workspace", ws)
    assert again.exit_code == 2
    assert again.stderr.splitlines()[0] == refused_line(path, want)
    assert snapshot(ws) == before


# --- what the accepted rows hold ------------------------------------------------------


def ingested(tmp_path: Path, name: str) -> Workspace:
    ws = tmp_path / "ws"
    result = kunde("ingest", CORPUS / name, "--workspace", ws, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return Workspace(ws)


def column(ws: Workspace, name: str) -> list:
    return ws.scan_orders().sort(s.SOURCE_ROW).collect()[name].to_list()


def test_amounts_in_both_locales_and_signs(tmp_path):
    # 1,234.50 / 29.95 / 12,500.00 / 45.00 / 1,000 in an English-locale file.
    assert column(ingested(tmp_path / "a", "thousands_other_locale.csv"), s.AMOUNT) == [
        1234.5,
        29.95,
        12500.0,
        45.0,
        1000.0,
    ]
    # 0,00 is a free gift, -45,00 a refund line, (396,00) an accounting credit.
    assert column(ingested(tmp_path / "b", "negative_and_zero_amounts.csv"), s.AMOUNT) == [
        1234.5,
        0.0,
        299.0,
        -45.0,
        -396.0,
    ]


def test_ambiguous_dates_are_read_day_first(tmp_path):
    dates = column(ingested(tmp_path, "dates_both_orders.csv"), s.ORDER_DATE)
    assert dates[0] == datetime(2024, 5, 3)  # 03/05/2024 = 3 May, the Danish reading
    assert dates[-1] == datetime(2024, 11, 12)


def test_text_survives_encodings_nuls_and_odd_line_ends(tmp_path):
    expected = ["Søren Ærø", "Søren Ærø", "Åse Øberg", "Bo Ærenlund", "Mette Lund"]
    for name in (
        "mixed_encodings.csv",
        "latin1_crlf.csv",
        "utf16_unicode_text.txt",
        "nul_byte.csv",
        "cr_only_newlines.csv",
        "double_cr_line_ends.csv",
        "whitespace_padded_values.csv",
    ):
        ws = ingested(tmp_path / name, name)
        assert column(ws, s.NAME) == expected, name
        assert column(ws, s.STATUS) == ["betalt", "betalt", "betalt", "annulleret", "betalt"], name


def test_names_are_kept_as_written(tmp_path):
    # Combining marks and emoji are the customer's name; kunde stores them untouched.
    names = column(ingested(tmp_path / "u", "unicode_decomposed_emoji.csv"), s.NAME)
    assert names[0] == "Rene\u0301 A\u030akjær"
    assert names[2] == "A\u030ase Øberg 🌸"
    assert names[4] == "Mette 👩🏽\u200d🍳 Lund"
    # So are names that look like spreadsheet formulas (data, not code) ...
    ws = ingested(tmp_path / "f", "formula_looking_names.csv")
    assert column(ws, s.NAME) == [
        '=HYPERLINK("http://example.com/x","Klik her")',
        "+45 12 34 56 78",
        "@SUM(A1:A9)",
        "-2+3+cmd|' /C calc'!A0",
    ]
    # ... but rejects.csv, which people open in Excel, defuses the refused "=1+2".
    with (ws.path / "rejects.csv").open(encoding="utf-8") as fh:
        (reject,) = list(csv.DictReader(fh))
    assert reject["value"] == "'=1+2"


def test_one_customer_whatever_the_spelling_of_the_email(tmp_path):
    lines = ingested(tmp_path, "emails_case_and_spaces.csv").scan_orders().collect()
    per_customer = lines.group_by(s.CUSTOMER_ID).agg(pl.col(s.AMOUNT).sum()).sort(s.CUSTOMER_ID)
    assert per_customer.rows() == [("ase@example.dk", 50.0), ("soren@example.dk", 1000.0)]


def test_shopify_without_line_prices_books_the_order_total(tmp_path):
    # #1001 total 387 (348 + 39 shipping) on its first line; #1002 refunded in full;
    # #1003 total 84.
    lines = ingested(tmp_path, "shopify_missing_lineitem_price.csv").scan_orders().collect()
    totals = lines.group_by(s.ORDER_ID).agg(pl.col(s.AMOUNT).sum()).sort(s.ORDER_ID)
    assert totals.rows() == [("#1001", 387.0), ("#1002", 0.0), ("#1003", 84.0)]


def test_html_in_comments_is_kept_as_text(tmp_path):
    survey = ingested(tmp_path, "html_in_comments.csv").scan_survey()
    assert survey is not None
    comments = survey.sort(s.SOURCE_ROW).collect()[s.COMMENT].to_list()
    assert comments[0] == "<script>alert('hej')</script>"
    assert comments[2] == '<img src=x onerror="alert(1)">'


def test_merged_header_workbook_keeps_excel_row_numbers(tmp_path):
    ws = ingested(tmp_path, "merged_two_header_rows.xlsx")
    assert column(ws, s.SOURCE_ROW) == [3, 4, 5, 6, 7]
    assert column(ws, s.ORDER_ID) == ["1001", "1001", "1002", "1003", "1004"]


# --- the whole corpus through the real program ----------------------------------------


#: One refused file per reader path, for the quick suite (the slow test runs them all).
REFUSED_SAMPLE = (
    "empty.csv",
    "password_protected.xlsx",
    "html_saved_as.xls",
    "dates_with_month_names.csv",
)


def check_refused_in_processes(names: list[str] | tuple[str, ...], tmp_path: Path) -> None:
    """Each refused file in its own ``python -m kunde_cli`` (they run side by side)."""
    procs = {
        name: subprocess.Popen(
            [
                *KUNDE,
                "ingest",
                str(CORPUS / name),
                "--workspace",
                str(tmp_path / f"ws-{i}"),
                "--lang",
                "en",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=quiet_env(),
        )
        for i, name in enumerate(names)
    }
    for i, (name, proc) in enumerate(procs.items()):
        out, err = proc.communicate(timeout=120)
        no_traceback(out, err)
        assert proc.returncode == 2, (name, err)
        assert err.splitlines()[0] == refused_line(CORPUS / name, EXPECTED[name])
        assert not (tmp_path / f"ws-{i}").exists()


def test_whole_corpus_through_real_processes(tmp_path):
    """``python -m kunde_cli``: every accepted file in one run, and refused files each
    in its own process. Exit codes, messages and counts as in process; no traceback."""
    check_refused_in_processes(REFUSED_SAMPLE, tmp_path / "refused")
    # Every accepted file in one run. Files share order numbers with other customers
    # and dates, so a line another file brought first is a reported collision here
    # (refused, in rejects): accepted + duplicates + collisions is what is fixed.
    ws = tmp_path / "all"
    files = [CORPUS / name for name in ACCEPTED]
    result = kunde_process("ingest", *files, "--workspace", ws, "--format", "json", timeout=300)
    no_traceback(result.stdout, result.stderr)
    assert result.returncode == 0, result.stderr
    rows = {Path(r["file"]).name: r for r in ingest_json(result)}
    assert set(rows) == set(ACCEPTED)
    for name, row in rows.items():
        want = EXPECTED[name]
        assert isinstance(want, Accepted)
        assert row["kind"] == want.kind, name
        assert row["rows_read"] == want.read, name
        collided = row["rejected"] - want.rejected
        assert collided >= 0, name
        assert row["accepted"] + row["duplicates"] + collided == want.accepted + want.duplicates, (
            name
        )
    stored = Workspace(ws).scan_orders().collect()
    # A later file's version of an order (same customer and day) replaces the stored
    # one, so the store holds at most what was accepted, each line once.
    assert stored.height <= sum(r["accepted"] for r in rows.values() if r["kind"] == "orders")
    assert stored.select(pl.struct(s.ORDER_ID, s.LINE_NO).n_unique()).item() == stored.height


@pytest.mark.slow
def test_every_refused_file_through_a_real_process(tmp_path):
    check_refused_in_processes(REFUSED, tmp_path)


@pytest.mark.parametrize("command", ["inspect", pytest.param("segment", marks=pytest.mark.slow)])
def test_commands_given_a_bad_file_directly_never_crash(command, corpus):
    """Files can be analysed without a workspace too: exit 0 or 2, never a traceback."""
    for name in corpus.CASES:
        result = kunde(command, CORPUS / name)
        no_traceback(result.stdout, result.stderr)
        assert result.exception is None or isinstance(result.exception, SystemExit), name
        if name in REFUSED:
            assert result.exit_code == 2, name
        elif command == "inspect":
            assert result.exit_code == 0, (name, result.stderr)
        else:  # a survey file, or no usable order, is "nothing to analyse": also exit 2
            assert result.exit_code in (0, 2), (name, result.stderr)
        if result.exit_code == 2:
            errors = [x for x in result.stderr.splitlines() if x.startswith("Error: ")]
            assert len(errors) == 1, (name, result.stderr)


def test_a_refused_file_is_said_in_danish_by_default(tmp_path):
    """Without --lang the error, its place and its hint are Danish; with --lang en English."""
    path = CORPUS / "empty.csv"
    result = kunde_da("ingest", path, "--workspace", tmp_path / "ws")
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0] == f"Fejl: {path}: filen er tom"
    assert lines[1] == "Tip: eksportér ordrerne igen fra dit shopsystem"
    english = kunde("ingest", path, "--workspace", tmp_path / "ws")
    assert english.stderr.splitlines()[:2] == [
        f"Error: {path}: the file is empty",
        "Hint: export the orders again from your shop system",
    ]
    # A column to blame is named the Danish way too.
    months = CORPUS / "dates_with_month_names.csv"
    da = kunde_da("ingest", months, "--workspace", tmp_path / "ws")
    assert da.stderr.splitlines()[0] == (
        f"Fejl: {months}, kolonne 'Ordredato': intet datoformat passer til værdierne i "
        "denne kolonne"
    )
