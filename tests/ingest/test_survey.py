"""Survey exports → schema.SURVEY: each layout from a realistic file, scores, rejects, --map.

The files live in tests/data/survey/ (see its README); the Excel file is written by a
fixture here with xlsxwriter, as Google Sheets would download it.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import polars as pl
import pytest

from kunde_cli import schema as s
from kunde_cli.errors import ConfigError, MissingColumnsError
from kunde_cli.ingest import read_any
from kunde_cli.ingest.readers import read_table
from kunde_cli.ingest.survey import (
    GENERIC,
    GOOGLE_FORMS,
    SURVEYMONKEY,
    TYPEFORM,
    detect_layout,
    header_score,
    looks_like_survey,
    read_survey_frame,
    survey_from_raw,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "survey"
NPS_QUESTION = "Hvor sandsynligt er det, at du vil anbefale Kaffebønnen til en ven eller kollega?"


def read(name: str, **kwargs: object) -> tuple[pl.DataFrame, pl.DataFrame, list[str]]:
    raw = read_table(DATA / name, score_header=header_score)
    frame, rejects = survey_from_raw(raw, **kwargs)  # type: ignore[arg-type]
    return frame, rejects, [str(n) for n in raw.notes]


def check_schema(frame: pl.DataFrame, rejects: pl.DataFrame) -> None:
    assert frame.schema == pl.Schema(s.SURVEY)
    assert rejects.schema == pl.Schema(s.REJECTS)


# --- layouts, one realistic file each -------------------------------------------------


def test_google_forms_csv() -> None:
    frame, rejects, notes = read("google_forms_da.csv")
    check_schema(frame, rejects)
    # 11 answers: one left the (optional) score blank.
    assert frame.height + rejects.height == 11
    assert rejects.select(s.REJECT_ROW, s.REJECT_COLUMN, s.REJECT_REASON).rows() == [
        (8, NPS_QUESTION, "score_empty")
    ]
    assert frame[s.SCORE].to_list() == [10, 9, 6, 3, 8, 10, 0, 9, 7, 10]
    first = frame.row(0, named=True)
    # "2024/03/04 9:12:45 AM GMT+1": 12-hour clock, zone dropped (the local time is kept).
    assert first[s.RESPONDED_AT] == datetime(2024, 3, 4, 9, 12, 45)
    assert first[s.COMMENT] == "Altid frisk kaffe og hurtig levering"  # "grund", not "bedre"
    assert first[s.EMAIL] == "mette.hansen@example.dk"
    # Forms has no id column: the answer is keyed on its content, the same in any export.
    assert first[s.RESPONSE_ID].startswith("svar-")
    assert frame[s.RESPONSE_ID].n_unique() == frame.height
    assert first[s.SOURCE_ROW] == 2
    # 2:03:19 PM → 14:03:19; "Lars.Nielsen@Example.dk" → lower case.
    assert frame.row(2, named=True)[s.RESPONDED_AT] == datetime(2024, 3, 5, 14, 3, 19)
    assert frame.row(1, named=True)[s.EMAIL] == "lars.nielsen@example.dk"
    assert frame[s.SOURCE_ROW].to_list() == [2, 3, 4, 5, 6, 7, 9, 10, 11, 12]
    assert any("google_forms" in n for n in notes)


def test_surveymonkey_csv_with_two_header_rows() -> None:
    frame, rejects, notes = read("surveymonkey_da.csv")
    check_schema(frame, rejects)
    # Rows 3–8 are answers (row 2 is the "Response"/"Open-Ended Response" row);
    # row 6 is a partial response without a score.
    assert frame.height + rejects.height == 6
    assert rejects.select(s.REJECT_ROW, s.REJECT_REASON).rows() == [(6, "score_empty")]
    assert frame.select(s.RESPONSE_ID, s.SCORE, s.NAME, s.SOURCE_ROW).rows() == [
        ("114523456781", 10, "Mette Hansen", 3),
        ("114523456782", 9, "Lars Nielsen", 4),
        ("114523456783", 2, "Peter Sørensen", 5),
        ("114523456785", 7, "Anne Kristensen", 7),
        ("114523456786", 10, "Sofie Jensen", 8),
    ]
    # End Date (not Start Date), month first: "03/13/2024 08:33:12 PM" is 13 March.
    assert frame[s.RESPONDED_AT][2] == datetime(2024, 3, 13, 20, 33, 12)
    assert frame[s.COMMENT][0] == "Altid frisk kaffe, og de svarer hurtigt"
    assert frame[s.EMAIL][0] == "mette.hansen@example.dk"
    assert any("second header row" in n for n in notes)


def test_typeform_csv() -> None:
    frame, rejects, _ = read("typeform_da.csv")
    check_schema(frame, rejects)
    assert rejects.height == 0
    assert frame.select(s.RESPONSE_ID, s.CUSTOMER_ID, s.SCORE).rows() == [
        ("a7f3k2m9x1q8w4e5", "1001", 10),
        ("b2k8s7d6f5g4h3j1", "1004", 4),
        ("c9d8e7f6a5b4c3d2", "1002", 9),
        ("d1e2f3a4b5c6d7e8", None, 8),
        ("e5f6a7b8c9d0e1f2", "1006", 10),
    ]
    # Submit Date, not Start Date.
    assert frame[s.RESPONDED_AT][0] == datetime(2024, 4, 2, 8, 13, 45)
    assert frame[s.COMMENT][1] == "Leveringen tog 8 dage"  # "årsag"


def test_generic_semicolon_cp1252_with_rejects() -> None:
    frame, rejects, _ = read("generisk_semikolon.csv")
    check_schema(frame, rejects)
    assert frame.height + rejects.height == 11
    assert frame.select(s.CUSTOMER_ID, s.NAME, s.EMAIL, s.SCORE).rows() == [
        ("1001", "Mette Hansen", "mette.hansen@example.dk", 10),  # "10 - Meget sandsynligt"
        ("1002", "Lars Nielsen", "lars.nielsen@example.dk", 9),
        ("1003", "Anne Kristensen", "anne.k@example.dk", 9),  # "9,0"
        ("1004", "Peter Sørensen", "peter@example.dk", 9),  # "9.0"
        ("1010", "Bo Åberg", None, 0),
    ]
    assert frame[s.RESPONDED_AT][0] == datetime(2024, 3, 5)
    assert rejects.select(
        s.REJECT_ROW, s.REJECT_COLUMN, s.REJECT_VALUE, s.REJECT_REASON
    ).rows() == [
        (6, "Anbefaling (0-10)", "ti", "score_not_a_number"),
        (7, "Anbefaling (0-10)", "11", "score_out_of_range"),
        (8, "Anbefaling (0-10)", "-1", "score_out_of_range"),
        (9, "Anbefaling (0-10)", "7,5", "score_not_whole"),
        (10, "Dato", "32-03-2024", "not_a_date"),
        (12, "Anbefaling (0-10)", None, "score_empty"),
    ]
    assert rejects[s.REJECT_FILE].str.ends_with("generisk_semikolon.csv").all()


@pytest.fixture
def google_sheet_xlsx(tmp_path: Path) -> Path:
    """Google Forms answers downloaded from Sheets as .xlsx: real dates and numbers."""
    import xlsxwriter

    path = tmp_path / "Kundetilfredshed (svar).xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("Formularsvar 1")
    stamp = book.add_format({"num_format": "dd-mm-yyyy hh:mm:ss"})
    sheet.write_row(
        0,
        0,
        ["Tidsstempel", NPS_QUESTION, "Hvad er den vigtigste grund til din score?", "Kundenummer"],
    )
    rows = [
        (datetime(2024, 3, 4, 9, 12, 45), 10, "Altid frisk kaffe", 1001),
        (datetime(2024, 3, 5, 14, 3, 19), 6.0, "Levering tog en uge", 1003.0),
        (datetime(2024, 3, 6, 8, 0, 0), "ti", "Ved ikke", None),
        (datetime(2024, 3, 7, 18, 30, 0), 9, None, 1002),
    ]
    for i, (when, score, comment, customer) in enumerate(rows, start=1):
        sheet.write_datetime(i, 0, when, stamp)
        sheet.write(i, 1, score)
        if comment is not None:
            sheet.write(i, 2, comment)
        if customer is not None:
            sheet.write_number(i, 3, customer)
    book.close()
    return path


def test_google_sheet_xlsx(google_sheet_xlsx: Path) -> None:
    raw = read_table(google_sheet_xlsx, score_header=header_score)
    frame, rejects = survey_from_raw(raw)
    check_schema(frame, rejects)
    assert frame.select(s.CUSTOMER_ID, s.RESPONDED_AT, s.SCORE, s.COMMENT, s.SOURCE_ROW).rows() == [
        ("1001", datetime(2024, 3, 4, 9, 12, 45), 10, "Altid frisk kaffe", 2),
        ("1003", datetime(2024, 3, 5, 14, 3, 19), 6, "Levering tog en uge", 3),  # 1003.0 → "1003"
        ("1002", datetime(2024, 3, 7, 18, 30), 9, None, 5),
    ]
    assert rejects.select(s.REJECT_ROW, s.REJECT_VALUE, s.REJECT_REASON).rows() == [
        (4, "ti", "score_not_a_number")
    ]


@pytest.mark.parametrize(
    ("name", "layout"),
    [
        ("google_forms_da.csv", GOOGLE_FORMS),
        ("surveymonkey_da.csv", SURVEYMONKEY),
        ("typeform_da.csv", TYPEFORM),
        ("generisk_semikolon.csv", GENERIC),
    ],
)
def test_every_layout_is_detected_as_a_survey(name: str, layout: str) -> None:
    raw = read_table(DATA / name, score_header=header_score)
    columns = [c for c in raw.frame.columns if not c.startswith("_")]
    assert detect_layout(columns) == layout
    assert looks_like_survey(columns)
    result = read_any(DATA / name)
    assert result.kind == "survey"
    assert result.frame.height + result.rejects.height > 0


# --- scores -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "score", "reason"),
    [
        ("10 - Meget sandsynligt", 10, None),
        ("10 – Meget sandsynligt", 10, None),
        ("0 (Slet ikke sandsynligt)", 0, None),
        ("9", 9, None),
        (" 8 ", 8, None),
        ("9.0", 9, None),
        ("9,0", 9, None),
        ("10 Meget sandsynligt", 10, None),
        ("ti", None, "score_not_a_number"),
        ("Meget sandsynligt", None, "score_not_a_number"),
        ("1e1", None, "score_not_a_number"),
        ("11", None, "score_out_of_range"),
        ("-1", None, "score_out_of_range"),
        ("7,5", None, "score_not_whole"),
        ("", None, "score_empty"),
        (None, None, "score_empty"),
    ],
)
def test_score_values(value: str | None, score: int | None, reason: str | None) -> None:
    # A valid first row keeps the column confirmed as the score whatever the value under test.
    raw = pl.DataFrame({"NPS": ["10", value]}, schema={"NPS": pl.String})
    frame, rejects = read_survey_frame(raw)
    if reason is None:
        assert frame[s.SCORE].to_list() == [10, score]
        assert rejects.height == 0
    else:
        assert frame[s.SCORE].to_list() == [10]
        assert rejects.select(s.REJECT_ROW, s.REJECT_COLUMN, s.REJECT_REASON).rows() == [
            (3, "NPS", reason)
        ]


# --- columns, --map and detection ---------------------------------------------------


def test_score_found_by_header_and_confirmed_by_values() -> None:
    # "Hvorfor vil du anbefale os?" names the score words but holds text; "Score" holds 0–10.
    raw = pl.DataFrame(
        {
            "Hvorfor vil du anbefale os?": ["God kaffe", "Fin service", "Hurtig"],
            "Score": ["9", "10", "3"],
        }
    )
    frame, _ = read_survey_frame(raw)
    assert frame[s.SCORE].to_list() == [9, 10, 3]
    assert frame[s.COMMENT].to_list() == ["God kaffe", "Fin service", "Hurtig"]


def test_no_score_column_names_the_fix() -> None:
    raw = pl.DataFrame({"Q1": ["9", "10"], "Q2": ["god", "fin"]})
    with pytest.raises(MissingColumnsError, match="score") as err:
        read_survey_frame(raw)
    assert "--map score=" in (err.value.hint_in() or "")


def test_score_header_with_words_only_is_explained() -> None:
    raw = pl.DataFrame({"Vil du anbefale os?": ["ja", "nej", "ja"]})
    with pytest.raises(MissingColumnsError) as err:
        read_survey_frame(raw)
    assert "'Vil du anbefale os?' looked like the score" in (err.value.hint_in() or "")


def test_map_overrides_and_ignores_order_fields() -> None:
    raw = pl.DataFrame(
        {"Q1": ["9", "2"], "Q2": ["God", "Dyr"], "Svar-tid": ["05-03-2024", "06-03-2024"]}
    )
    mapping = {"anbefaling": "Q1", "comment": "q2", "responded_at": "Svar-tid", "amount": "Total"}
    frame, rejects = read_survey_frame(raw, mapping=mapping)
    assert rejects.height == 0
    assert frame.select(s.SCORE, s.COMMENT, s.RESPONDED_AT).rows() == [
        (9, "God", datetime(2024, 3, 5)),
        (2, "Dyr", datetime(2024, 3, 6)),
    ]


def test_map_to_a_missing_column_is_an_error() -> None:
    raw = pl.DataFrame({"NPS": ["9"]})
    with pytest.raises(ConfigError, match="no column called 'Anbefaling'"):
        read_survey_frame(raw, mapping={"score": "Anbefaling"})
    # An e-mail mapping meant for the orders file is simply not used here.
    frame, _ = read_survey_frame(raw, mapping={"email": "Kundens e-mail"})
    assert frame[s.EMAIL].to_list() == [None]


def test_older_typeform_submitted_at() -> None:
    raw = pl.DataFrame(
        {
            "#": ["tok1"],
            "How likely are you to recommend us to a friend?": ["10"],
            "Why did you give that score?": ["Great coffee"],
            "Start Date (UTC)": ["2024-03-01 09:00:00"],
            "Submitted At": ["2024-03-01 09:02:00"],
            "Network ID": ["abc"],
        }
    )
    assert detect_layout(raw.columns) == TYPEFORM
    frame, _ = read_survey_frame(raw)
    assert frame.row(0, named=True) | {s.SOURCE_FILE: None} == {
        s.RESPONSE_ID: "tok1",
        s.CUSTOMER_ID: None,
        s.EMAIL: None,
        s.NAME: None,
        s.RESPONDED_AT: datetime(2024, 3, 1, 9, 2),
        s.SCORE: 10,
        s.COMMENT: "Great coffee",
        s.ORDER_ID: None,
        s.SOURCE_FILE: None,
        s.SOURCE_ROW: 2,
    }


def test_without_a_date_column_answers_have_no_date() -> None:
    frame, rejects = read_survey_frame(pl.DataFrame({"NPS": ["9", "3"]}))
    assert rejects.height == 0
    assert frame[s.RESPONDED_AT].to_list() == [None, None]
    ids = frame[s.RESPONSE_ID].to_list()
    assert all(i.startswith("svar-") for i in ids) and ids[0] != ids[1]


@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        (["Tidsstempel", NPS_QUESTION, "E-mailadresse"], True),
        (["#", "Score", "Submit Date (UTC)", "Network ID"], True),
        (["Kundenummer", "Dato", "Score", "Kommentar"], True),
        (["Email", "How likely are you to recommend us?"], True),
        (["Ordrenummer", "Dato", "Beløb", "Anbefalet af"], False),
        (["Order ID", "Total", "NPS"], False),
        (["Kundenummer", "Navn", "Dato"], False),
    ],
)
def test_looks_like_survey(columns: list[str], expected: bool) -> None:
    assert looks_like_survey(columns) is expected
