"""Issue 14, points 4–6: dates and amounts that cannot be misread silently.

4. Two-digit years (05-03-24, 05.03.24, 05/03/24, 24-03-05) are read by a stated pivot
   (00–69 → 2000–2069, 70–99 → 1970–1999), in order exports and in surveys, and the
   pivot is stated in the notes inspect and ingest print.
5. ``n,nnn`` is thousands, never a three-decimal amount; an amount style that could be
   thousands or decimals is reported like ambiguous dates are.
6. Rows dated after today are refused with their reason (or kept with
   ``--allow-future``), and the default as-of date is never after today.

Every expected number is worked out by hand from the few rows written here.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from kunde_cli import schema as s
from kunde_cli.analytics.orders import default_as_of
from kunde_cli.ingest import ReadOptions, read_any, read_orders
from kunde_cli.ingest.parsing import (
    COMMA,
    POINT,
    TWO_DIGIT_YEAR_PIVOT,
    amount_style_note,
    date_notes,
    detect_datetime_format,
    detect_decimal_style,
    parse_amount_expr,
    parse_datetime_expr,
)
from kunde_cli.store import Workspace
from tests.reliability.conftest import kunde, no_traceback

TODAY = date.today()
FUTURE = TODAY + timedelta(days=400)  # a typo'd year a year and a bit ahead
PIVOT = "00–69 → 2000–2069, 70–99 → 1970–1999"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(text, encoding=encoding)
    return path


def parsed_dates(values: list[str], dayfirst: bool | None = None) -> list[datetime | None]:
    det = detect_datetime_format(pl.Series(values), dayfirst=dayfirst)
    assert det.format is not None
    frame = pl.DataFrame({"d": values})
    return frame.select(parse_datetime_expr(pl.col("d"), det.format, det.fallbacks))["d"].to_list()


def amounts(values: list[str], style=COMMA) -> list[float | None]:
    frame = pl.DataFrame({"a": values}, schema={"a": pl.String})
    return frame.select(parse_amount_expr(pl.col("a"), style))["a"].to_list()


def stored(ws: Path) -> pl.DataFrame:
    return Workspace(ws).scan_orders().sort(s.SOURCE_ROW).collect()


def rejects_csv(ws: Path) -> pl.DataFrame:
    return pl.read_csv(ws / "rejects.csv", infer_schema=False)


# --- 4. two-digit years: the parsing functions ----------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        # Day first, the year at the end: the day changes from row to row, the year not.
        (["05-03-24", "17-03-24", "28-02-24"], [(2024, 3, 5), (2024, 3, 17), (2024, 2, 28)]),
        (["05.03.24", "17.03.24", "28.02.24"], [(2024, 3, 5), (2024, 3, 17), (2024, 2, 28)]),
        (["05/03/24", "17/03/24", "28/02/24"], [(2024, 3, 5), (2024, 3, 17), (2024, 2, 28)]),
        # The pivot: 69 is 2069, 70 is 1970, 99 is 1999, 00 is 2000.
        (["15-06-69", "16-06-70"], [(2069, 6, 15), (1970, 6, 16)]),
        (["31-12-99", "01-01-00"], [(1999, 12, 31), (2000, 1, 1)]),
        # Year first: the first part is the one that hardly changes.
        (["24-03-05", "24-03-17", "24-02-28"], [(2024, 3, 5), (2024, 3, 17), (2024, 2, 28)]),
        # A first part above 31 can only be a year.
        (["99-12-31", "24-03-05"], [(1999, 12, 31), (2024, 3, 5)]),
        # With times, and next to four-digit years from another system.
        (["05-03-24 14:22", "17-03-24 09:05"], [(2024, 3, 5, 14, 22), (2024, 3, 17, 9, 5)]),
        (["05-03-2024", "17-03-2024"], [(2024, 3, 5), (2024, 3, 17)]),
    ],
)
def test_two_digit_years_read_by_the_pivot(values, expected):
    assert parsed_dates(values) == [datetime(*e) for e in expected]


def test_a_four_digit_year_format_never_reads_24_as_year_24():
    frame = pl.DataFrame({"d": ["05-03-24", "05-03-2024"]})
    out = frame.select(parse_datetime_expr(pl.col("d"), "%d-%m-%Y"))["d"].to_list()
    assert out == [None, datetime(2024, 3, 5)]


def test_the_pivot_is_stated_in_the_detection_notes():
    det = detect_datetime_format(pl.Series(["05-03-24", "17-03-24", "28-02-24"]))
    assert det.format == "%d-%m-%y" and det.two_digit_year
    assert not det.yearfirst_ambiguous
    assert [str(n) for n in date_notes(det, "Dato")] == [
        f"two-digit years in 'Dato' (dd-mm-yy) read as {PIVOT}: 15-03-24 is 2024-03-15"
    ]
    assert TWO_DIGIT_YEAR_PIVOT == PIVOT
    # Four-digit years need no word about a pivot.
    assert date_notes(detect_datetime_format(pl.Series(["05-03-2024", "17-03-2024"])), "D") == []


def test_one_days_export_cannot_tell_day_first_from_year_first_and_says_so():
    det = detect_datetime_format(pl.Series(["05-03-24", "05-03-24"]))
    assert det.format == "%d-%m-%y" and det.yearfirst_ambiguous
    notes = [str(n) for n in date_notes(det, "Dato")]
    assert any("fit both day-first (dd-mm-yy) and year-first (yy-mm-dd)" in n for n in notes)
    assert any(PIVOT in n for n in notes)


# --- 4. two-digit years: through the CLI ------------------------------------------------


def test_two_digit_year_export_is_stored_with_20xx_and_the_pivot_is_printed(tmp_path):
    src = write(
        tmp_path / "ordrer.csv",
        "Ordrenr;Kundenr;Dato;Beløb\n"
        "1;K1;05-03-24;100,00\n"
        "2;K2;17-03-24;250,50\n"
        "3;K1;28-04-24;80,00\n",
    )
    ws = tmp_path / "ws"
    result = kunde("ingest", src, "--workspace", ws, "--format", "json", "--lang", "en")
    no_traceback(result.stdout, result.stderr)
    assert result.exit_code == 0, result.stderr
    assert f"two-digit years in 'Dato' (dd-mm-yy) read as {PIVOT}" in result.stderr
    frame = stored(ws)
    assert frame[s.ORDER_DATE].to_list() == [
        datetime(2024, 3, 5),
        datetime(2024, 3, 17),
        datetime(2024, 4, 28),
    ]
    assert frame[s.AMOUNT].to_list() == [100.0, 250.5, 80.0]
    assert not (ws / "rejects.csv").exists() or rejects_csv(ws).height == 0

    shown = kunde("inspect", src)
    assert shown.exit_code == 0, shown.stderr
    assert "tocifrede årstal i 'Dato' (dd-mm-yy) læses som" in " ".join(shown.stdout.split())
    assert "3 rækker læst: 3 kan bruges, 0 afvises" in shown.stdout


@pytest.mark.parametrize(
    ("dates", "shown"),
    [(("05.03.24", "17.03.24"), "dd.mm.yy"), (("05/03/24", "17/03/24"), "dd/mm/yy")],
)
def test_dotted_and_slashed_two_digit_years(tmp_path, dates, shown):
    src = write(
        tmp_path / "ordrer.csv",
        f"Ordrenr;Kundenr;Dato;Beløb\n1;K1;{dates[0]};100,00\n2;K2;{dates[1]};50,00\n",
    )
    result = read_orders(src)
    assert result.rejects.height == 0
    assert result.frame[s.ORDER_DATE].to_list() == [datetime(2024, 3, 5), datetime(2024, 3, 17)]
    assert f"two-digit years in 'Dato' ({shown}) read as {PIVOT}" in "\n".join(
        map(str, result.detected.notes)
    )


def test_survey_with_two_digit_years_is_read_by_the_same_pivot(tmp_path):
    src = write(
        tmp_path / "svar.csv",
        "Tidsstempel,E-mailadresse,Hvor sandsynligt er det at du vil anbefale os?\n"
        "05-03-24 10:00,a@x.dk,9\n"
        "17-03-24 11:30,b@x.dk,6\n",
    )
    result = read_any(src)
    assert result.kind == "survey"
    assert result.rejects.height == 0
    assert result.frame[s.RESPONDED_AT].to_list() == [
        datetime(2024, 3, 5, 10, 0),
        datetime(2024, 3, 17, 11, 30),
    ]
    notes = [str(n) for n in result.detected["notes"]]
    assert any("two-digit years in 'Tidsstempel' (dd-mm-yy)" in n and PIVOT in n for n in notes)


# --- 5. comma thousands: the parsing functions ------------------------------------------


@pytest.mark.parametrize(
    ("text", "style", "expected"),
    [
        ("1,234", COMMA, 1234.0),  # was 1.234: 1000 × too small
        ("1,234", POINT, 1234.0),
        ("12,000", COMMA, 12000.0),
        ("1,234,567", COMMA, 1234567.0),
        ("1,234,567.50", COMMA, 1234567.5),
        ("1,234,567.50", POINT, 1234567.5),
        ("1.234,50", COMMA, 1234.5),  # Danish
        ("12,50", COMMA, 12.5),
        ("12,5", POINT, 12.5),  # a decimal comma needs no style
        ("1.234", COMMA, 1234.0),  # Danish thousands dot
        ("1.234", POINT, 1.234),  # an English file's decimal point
        ("1.234.567", POINT, 1234567.0),  # two point groups are thousands in any file
        ("0,125", COMMA, 0.125),  # a leading 0 is no thousands group
        ("-1,234", COMMA, -1234.0),
        ("kr. 12,000", COMMA, 12000.0),
    ],
)
def test_comma_thousands_are_never_three_decimals(text, style, expected):
    assert amounts([text], style) == [expected]


def test_comma_groups_are_evidence_of_a_point_file():
    assert detect_decimal_style(pl.Series(["1,234", "12,000"])) == POINT
    assert detect_decimal_style(pl.Series(["1.234.567", "12"])) == COMMA
    assert detect_decimal_style(pl.Series(["1.234,50", "1,234"])) == COMMA  # 1 vs 1: Danish


def test_ambiguous_amount_style_is_reported_with_its_reading():
    note = amount_style_note(pl.Series(["1,234", "12,000", "500"]), POINT, ["Amount"])
    assert str(note) == (
        "amounts in 'Amount' such as '1,234' could be thousands or decimals "
        "(no amount has decimals to tell): read as thousands, 1,234 = 1234"
    )
    note = amount_style_note(pl.Series(["1.234", "500"]), COMMA, ["Beløb"])
    assert note is not None and "read as thousands, 1.234 = 1234" in str(note)
    # A decimal anywhere in the column settles it: nothing to report.
    assert amount_style_note(pl.Series(["1,234", "99.50"]), POINT, ["Amount"]) is None
    assert amount_style_note(pl.Series(["1.234", "12,50"]), COMMA, ["Beløb"]) is None
    assert amount_style_note(pl.Series(["1.234,50", "99"]), COMMA, ["Beløb"]) is None
    # Whole numbers without separators are not ambiguous.
    assert amount_style_note(pl.Series(["1234", "500"]), COMMA, ["Beløb"]) is None


# --- 5. comma thousands: through the CLI ------------------------------------------------


def test_english_comma_file_stores_thousands_as_thousands(tmp_path):
    src = write(
        tmp_path / "orders.csv",
        "Order ID,Customer,Date,Amount\n"
        '1001,C1,2024-03-05,"1,234"\n'
        '1002,C2,2024-03-06,"12,000"\n'
        '1003,C3,2024-03-07,"1,234,567.50"\n'
        "1004,C1,2024-03-08,99.50\n",
    )
    ws = tmp_path / "ws"
    result = kunde(
        "ingest", src, "--workspace", ws, "--format", "json", "--map", "customer_id=Customer"
    )
    no_traceback(result.stdout, result.stderr)
    assert result.exit_code == 0, result.stderr
    assert stored(ws)[s.AMOUNT].to_list() == [1234.0, 12000.0, 1234567.5, 99.5]
    # 99.50 tells the style: no ambiguity to report.
    assert "thousands or decimals" not in result.stderr


def test_all_thousands_column_is_reported_like_ambiguous_dates(tmp_path):
    src = write(
        tmp_path / "orders.csv",
        'Order ID,Customer ID,Date,Amount\n1,C1,2024-03-05,"1,234"\n2,C2,2024-03-06,"12,000"\n',
    )
    ws = tmp_path / "ws"
    result = kunde("ingest", src, "--workspace", ws, "--format", "json", "--lang", "en")
    assert result.exit_code == 0, result.stderr
    assert stored(ws)[s.AMOUNT].to_list() == [1234.0, 12000.0]
    stderr = " ".join(result.stderr.split())
    # A warning ("!"), as dates that fit day-first and month-first get.
    assert (
        f"! {src}: amounts in 'Amount' such as '1,234' could be thousands or decimals "
        "(no amount has decimals to tell): read as thousands, 1,234 = 1234" in stderr
    )
    shown = kunde("inspect", src, "--lang", "en")
    assert shown.exit_code == 0
    assert "could be thousands or decimals" in " ".join(shown.stdout.split())
    assert read_orders(src).detected.decimal_ambiguous


def test_danish_file_is_unchanged(tmp_path):
    src = write(
        tmp_path / "ordrer.csv",
        "Ordrenr;Kundenr;Dato;Beløb\n"
        "1;K1;05-03-2024;1.234,50\n"
        "2;K2;06-03-2024;12,50\n"
        "3;K3;07-03-2024;1.234\n",
    )
    result = read_orders(src)
    assert result.frame[s.AMOUNT].to_list() == [1234.5, 12.5, 1234.0]
    assert not result.detected.decimal_ambiguous
    assert result.detected.decimal == "comma"


# --- 6. dates after today -----------------------------------------------------------------


def future_file(tmp_path: Path) -> Path:
    return write(
        tmp_path / "ordrer.csv",
        "Ordrenr;Kundenr;Dato;Beløb\n"
        "1;K1;05-03-2024;100,00\n"
        "2;K2;06-03-2024;200,00\n"
        f"3;K3;{FUTURE:%d-%m-%Y};300,00\n"
        "4;K1;05-03-2099;400,00\n",
    )


def test_rows_dated_after_today_are_refused_with_their_reason(tmp_path):
    src = future_file(tmp_path)
    ws = tmp_path / "ws"
    result = kunde("ingest", src, "--workspace", ws, "--format", "json", "--lang", "en")
    no_traceback(result.stdout, result.stderr)
    assert result.exit_code == 0, result.stderr
    frame = stored(ws)
    assert frame[s.ORDER_ID].to_list() == ["1", "2"]
    assert frame[s.AMOUNT].sum() == 300.0
    rejected = rejects_csv(ws)
    assert rejected.select("row", "column", "value", "reason", "reason_code").rows() == [
        (
            "4",
            "Dato",
            f"{FUTURE:%d-%m-%Y}",
            "date is after today (--allow-future keeps it)",
            "date_in_future",
        ),
        (
            "5",
            "Dato",
            "05-03-2099",
            "date is after today (--allow-future keeps it)",
            "date_in_future",
        ),
    ]
    assert rejected["file"].to_list() == [str(src)] * 2
    assert (
        "2 lines dated after today (latest 2099-03-05) refused: a mistyped year? "
        "Use --allow-future to keep them" in " ".join(result.stderr.split())
    )
    # The default as-of is the latest order that is kept: 6 March 2024.
    seg = kunde("segment", "--workspace", ws, "--by", "customer", "--format", "csv")
    assert seg.exit_code == 0, seg.stderr
    assert "pr. 06-03-2024" in seg.stderr


def test_strict_refuses_a_run_with_a_future_row(tmp_path):
    src = future_file(tmp_path)
    ws = tmp_path / "ws"
    result = kunde("ingest", src, "--workspace", ws, "--strict", "--lang", "en")
    assert result.exit_code == 3
    assert "2 row(s) cannot be used; nothing was written (--strict)" in result.stderr


def test_allow_future_keeps_them_and_the_as_of_stays_today(tmp_path):
    src = future_file(tmp_path)
    ws = tmp_path / "ws"
    result = kunde(
        "ingest", src, "--workspace", ws, "--format", "json", "--allow-future", "--lang", "en"
    )
    assert result.exit_code == 0, result.stderr
    assert stored(ws)[s.ORDER_ID].to_list() == ["1", "2", "3", "4"]
    assert "2 lines dated after today (latest 2099-03-05) kept (--allow-future)" in " ".join(
        result.stderr.split()
    )
    seg = kunde("segment", "--workspace", ws, "--by", "customer", "--format", "csv", "--lang", "en")
    assert seg.exit_code == 0, seg.stderr
    err = " ".join(seg.stderr.split())
    assert (
        f"the data holds orders dated after today: analysed as of today ({TODAY:%Y-%m-%d})" in err
    )
    rows = pl.read_csv(seg.stdout.encode(), infer_schema=False).sort("customer_id")
    # K1's last counted order is 5 March 2024 (its 2099 order has not happened yet):
    # recency is counted to today, not to 2099.
    k1 = rows.filter(pl.col("customer_id") == "K1")
    assert int(k1["recency_days"][0]) == (TODAY - date(2024, 3, 5)).days
    assert float(k1["monetary"][0]) == 100.0
    assert set(rows["customer_id"]) == {"K1", "K2"}


def test_analyses_reading_files_directly_refuse_or_keep_future_rows(tmp_path):
    src = future_file(tmp_path)
    refused = kunde("segment", src, "--by", "customer", "--format", "csv")
    assert refused.exit_code == 0, refused.stderr
    assert "2 rækker kunne ikke bruges" in refused.stderr
    assert "pr. 06-03-2024" in refused.stderr
    kept = kunde("segment", src, "--by", "customer", "--format", "csv", "--allow-future")
    assert kept.exit_code == 0, kept.stderr
    assert f"pr. i dag ({TODAY:%d-%m-%Y})" in " ".join(kept.stderr.split())
    shown = kunde("inspect", src, "--allow-future")
    assert "4 rækker læst: 4 kan bruges, 0 afvises" in shown.stdout


def test_today_is_a_parameter():
    lines = pl.DataFrame({s.ORDER_DATE: [datetime(2024, 3, 5), datetime(2099, 3, 5)]})
    assert default_as_of(lines, today=date(2024, 6, 30)) == date(2024, 6, 30)
    assert default_as_of(lines.head(1), today=date(2024, 6, 30)) == date(2024, 3, 5)
    assert default_as_of(lines.head(0), today=date(2024, 6, 30)) is None


def test_read_options_today_sets_what_counts_as_future(tmp_path):
    src = write(
        tmp_path / "ordrer.csv",
        "Ordrenr;Kundenr;Dato;Beløb\n1;K1;30-06-2024 23:59;100,00\n2;K2;01-07-2024 00:00;200,00\n",
    )
    result = read_orders(src, ReadOptions(today=date(2024, 6, 30)))
    assert result.frame[s.ORDER_ID].to_list() == ["1"]  # the whole of today counts
    assert result.rejects.select(s.REJECT_ROW, s.REJECT_REASON).rows() == [(3, "date_in_future")]
    kept = read_orders(src, ReadOptions(today=date(2024, 6, 30), allow_future=True))
    assert kept.frame[s.ORDER_ID].to_list() == ["1", "2"]


def test_survey_answers_dated_after_today_follow_the_same_rule(tmp_path):
    src = write(
        tmp_path / "svar.csv",
        "Tidsstempel,E-mailadresse,Hvor sandsynligt er det at du vil anbefale os?\n"
        "2024/03/05 10:00:00,a@x.dk,9\n"
        "2024/07/05 10:00:00,b@x.dk,3\n",
    )
    options = ReadOptions(today=date(2024, 6, 30))
    result = read_any(src, options)
    assert result.frame[s.EMAIL].to_list() == ["a@x.dk"]
    assert result.rejects.select(s.REJECT_ROW, s.REJECT_COLUMN, s.REJECT_REASON).rows() == [
        (3, "Tidsstempel", "date_in_future")
    ]
    assert any("1 answers dated after today (latest 2024-07-05) refused" in str(n)
               for n in result.detected["notes"])  # fmt: skip
    kept = read_any(src, ReadOptions(today=date(2024, 6, 30), allow_future=True))
    assert kept.frame[s.EMAIL].to_list() == ["a@x.dk", "b@x.dk"]
