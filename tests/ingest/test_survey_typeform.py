"""Typeform exports whose hidden field carries the order an answer is about.

The export, as Typeform writes it (CSV and XLSX): ``#`` (the response token), the NPS
question in Danish, the reason question, the hidden field ``order_id`` (no e-mail, no
name: the shop's link after an order passes only its number), then ``Response Type``,
``Start Date (UTC)``, ``Stage Date (UTC)``, ``Submit Date (UTC)``, ``Network ID`` and
``Tags``. Six answers, by hand:

====================  =====  =========  ===================
token                 score  order_id   submitted (UTC)
====================  =====  =========  ===================
x7k2m9q4w1e8r5t3      10     1003       2024-03-05 14:22:10
p4n8b2v6c9x1z5l7      3      1004       2024-03-06 09:03:40
h6j3k8l1m4n7b2v9      8      1006       2024-03-08 19:44:31
r2t5y8u1i4o7p3a6      9      9999       2024-03-10 11:12:02
s9d2f5g8h1j4k7l3      6      (none)     2024-03-12 16:31:45
w3e6r9t2y5u8i1o4      9      #1005      2024-03-21 08:06:10
====================  =====  =========  ===================

tests/cli/test_nps_order_link.py links them to the orders' customers.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import polars as pl
import pytest

import kunde_cli
from kunde_cli import schema as s
from kunde_cli.ingest import ReadOptions, read_any
from kunde_cli.ingest.survey import (
    GENERIC,
    QUALTRICS,
    TYPEFORM,
    detect_layout,
    looks_like_survey,
    read_survey_frame,
)
from kunde_cli.store.answers import UNIQUE_ID_LAYOUTS
from kunde_cli.store.overlap import lay_answers
from kunde_cli.words.said import Said

QUESTION = "Hvor sandsynligt er det, at du vil anbefale os til en ven eller kollega?"
REASON = "Hvad er den vigtigste grund til din score?"
HEADER = [
    "#",
    QUESTION,
    REASON,
    "order_id",
    "Response Type",
    "Start Date (UTC)",
    "Stage Date (UTC)",
    "Submit Date (UTC)",
    "Network ID",
    "Tags",
]
#: token, score, reason, order_id, start, submit, network id
ANSWERS: list[tuple[str, int, str | None, str | None, str, str, str]] = [
    ("x7k2m9q4w1e8r5t3", 10, "Hurtig levering og flot indpakning", "1003",
     "2024-03-05 14:20:01", "2024-03-05 14:22:10", "3f9a1c2b7d"),
    ("p4n8b2v6c9x1z5l7", 3, "Pakken kom i stykker", "1004",
     "2024-03-06 09:01:12", "2024-03-06 09:03:40", "8e2d4f6a1b"),
    ("h6j3k8l1m4n7b2v9", 8, None, "1006",
     "2024-03-08 19:44:00", "2024-03-08 19:44:31", "c1d2e3f4a5"),
    ("r2t5y8u1i4o7p3a6", 9, "Gode varer", "9999",
     "2024-03-10 11:11:11", "2024-03-10 11:12:02", "5b6c7d8e9f"),
    ("s9d2f5g8h1j4k7l3", 6, "Lang leveringstid", None,
     "2024-03-12 16:30:00", "2024-03-12 16:31:45", "0a9b8c7d6e"),
    ("w3e6r9t2y5u8i1o4", 9, "Fin kundeservice", "#1005",
     "2024-03-21 08:05:00", "2024-03-21 08:06:10", "1f2e3d4c5b"),
]  # fmt: skip


def _row(answer: tuple[str, int, str | None, str | None, str, str, str]) -> list[object]:
    token, score, reason, order, start, submit, network = answer
    return [token, score, reason, order, "completed", start, submit, submit, network, None]


def write_typeform_csv(path: Path) -> Path:
    """The export as Typeform's CSV download writes it (comma, quoted question)."""

    def cell(value: object) -> str:
        text = "" if value is None else str(value)
        return f'"{text}"' if "," in text else text

    lines = [",".join(cell(v) for v in HEADER)]
    lines += [",".join(cell(v) for v in _row(a)) for a in ANSWERS]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_typeform_xlsx(path: Path) -> Path:
    """The XLSX download: scores and numeric order ids as numbers, dates as text."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Responses")
    sheet.write_row(0, 0, HEADER)
    for i, answer in enumerate(ANSWERS, start=1):
        row = _row(answer)
        order = row[3]
        row[3] = int(order) if isinstance(order, str) and order.isdigit() else order
        for j, value in enumerate(row):
            if value is not None:
                sheet.write(i, j, value)
    book.close()
    return path


TOKENS = [a[0] for a in ANSWERS]
SCORES = [a[1] for a in ANSWERS]
ORDER_IDS = ["1003", "1004", "1006", "9999", None, "#1005"]
SUBMITTED = [datetime.fromisoformat(a[5]) for a in ANSWERS]


@pytest.fixture
def typeform_csv(tmp_path: Path) -> Path:
    return write_typeform_csv(tmp_path / "responses.csv")


def test_a_typeform_csv_with_a_hidden_order_id_is_a_survey(typeform_csv: Path) -> None:
    result = read_any(typeform_csv, ReadOptions())
    assert result.kind == "survey"
    assert result.details()["layout"] == TYPEFORM
    frame = result.frame
    assert frame.schema == pl.Schema(s.SURVEY)
    assert result.rejects.height == 0
    assert frame[s.RESPONSE_ID].to_list() == TOKENS  # the "#" token
    assert frame[s.SCORE].to_list() == SCORES
    assert frame[s.RESPONDED_AT].to_list() == SUBMITTED  # Submit Date, not Start/Stage
    assert frame[s.ORDER_ID].to_list() == ORDER_IDS  # as written (the "#" kept)
    assert frame[s.COMMENT][0] == "Hurtig levering og flot indpakning"
    # No e-mail, name or customer id in the export: the order is the only key.
    assert frame.select(s.EMAIL, s.NAME, s.CUSTOMER_ID).null_count().row(0) == (6, 6, 6)
    # The reading notes say which column is the order and how many answers name one.
    said = [n for n in result.details()["notes"] if isinstance(n, Said)]
    [named] = [n for n in said if n.key == "survey_note_order_ids"]
    assert named.worded("da") == (
        "5 svar nævner et ordrenummer (kolonnen 'order_id'): de kobles til ordrens kunde"
    )
    assert named.worded("en").startswith("5 answers name an order number (column 'order_id')")
    [layout] = [n for n in said if n.key == "ingest_note_survey_layout"]
    assert "order_id='order_id'" in layout.worded("en")


def test_the_xlsx_download_reads_as_the_csv(typeform_csv: Path, tmp_path: Path) -> None:
    csv = read_any(typeform_csv, ReadOptions())
    xlsx = read_any(write_typeform_xlsx(tmp_path / "responses.xlsx"), ReadOptions())
    assert xlsx.kind == "survey"
    assert xlsx.details()["layout"] == TYPEFORM
    assert xlsx.rejects.height == 0
    # Numeric order ids (1003.0 in the sheet) read as the order numbers they are.
    assert xlsx.frame[s.ORDER_ID].to_list() == ORDER_IDS
    columns = [c for c in s.SURVEY if c not in (s.SOURCE_FILE, s.SOURCE_ROW)]
    assert xlsx.frame.select(columns).equals(csv.frame.select(columns))


@pytest.mark.parametrize(
    "field",
    ["order_id", "ordre_id", "ordrenummer", "Ordrenummer", "Order ID", "order number", "ordre"],
)
def test_a_hidden_field_named_as_an_order_number_is_the_order(field: str) -> None:
    columns = ["#", QUESTION, field, "Submit Date (UTC)", "Network ID"]
    assert detect_layout(columns) == TYPEFORM
    assert looks_like_survey(columns)
    frame = pl.DataFrame(
        [["tok1", "9", " 2001 ", "2024-03-01 10:00:00", "n1"]], schema=columns, orient="row"
    )
    survey, rejects = read_survey_frame(frame, path="responses.csv")
    assert rejects.height == 0
    assert survey[s.ORDER_ID].to_list() == ["2001"]  # trimmed


def test_an_order_number_column_still_makes_a_plain_sheet_an_order_export() -> None:
    # Outside a survey tool's layout an order number means orders, as before ("Anbefalet
    # af" is a referral column of an order export, not an NPS question).
    columns = ["Ordrenummer", "Dato", "Kunde", "Anbefalet af"]
    assert detect_layout(columns) == GENERIC
    assert not looks_like_survey(columns)
    # A survey tool's export with an order number and no score column is not an NPS file.
    assert not looks_like_survey(["#", "order_id", "Submit Date (UTC)", "Network ID", "Navn"])


def test_map_names_the_order_field_in_danish_too() -> None:
    frame = pl.DataFrame(
        {"#": ["tok1"], "NPS": ["10"], "ref": ["A-17"], "Submit Date (UTC)": ["2024-03-01 10:00"]}
    )
    for field in ("order_id", "ordre", "ordrenummer"):
        survey, _ = read_survey_frame(frame, mapping={field: "ref"})
        assert survey[s.ORDER_ID].to_list() == ["A-17"]
    # An orders mapping (kunde.toml's [mapping] is shared) naming a column this file
    # lacks is no error for the survey.
    survey, _ = read_survey_frame(frame, mapping={"order_id": "Ordrenr"})
    assert survey[s.ORDER_ID].to_list() == [None]


def test_a_workspace_made_before_order_ids_reads_them_as_null(
    typeform_csv: Path, tmp_path: Path
) -> None:
    ws_path = tmp_path / "ws"
    kunde_cli.ingest_files([typeform_csv], ws_path, lang="en")
    # An older kunde wrote the survey parts without the column: drop it from the part.
    [part] = (ws_path / "survey").glob("part-*.parquet")
    pl.read_parquet(part).drop(s.ORDER_ID).write_parquet(part)
    assert s.ORDER_ID not in pl.read_parquet_schema(part)
    survey = kunde_cli.Workspace(ws_path).scan_survey()
    assert survey is not None
    answers = survey.collect()
    assert answers.schema == pl.Schema(s.SURVEY)
    assert answers[s.ORDER_ID].to_list() == [None] * 6
    assert answers[s.SCORE].to_list() == SCORES


def test_qualtrics_and_delighted_ids_are_unique_like_typeforms() -> None:
    assert {"typeform", "surveymonkey", "qualtrics", "delighted"} <= set(UNIQUE_ID_LAYOUTS)
    # A Qualtrics answer edited since the last export (another score, recorded later,
    # the e-mail corrected): the same ResponseId is the same answer — changed, not a
    # second answer numbered the same way.
    columns = ["ResponseId", "RecordedDate", "RecipientEmail", "Q1 NPS anbefale"]
    assert detect_layout(columns) == QUALTRICS

    def export(score: str, recorded: str, email: str) -> pl.DataFrame:
        frame = pl.DataFrame(
            [["R_1a2B3c4D5e6F7g8", recorded, email, score]], schema=columns, orient="row"
        )
        return read_survey_frame(frame, path="qualtrics.csv")[0]

    first = export("4", "2024-03-01 10:00:00", "anna@example.dk")
    edited = export("9", "2024-03-02 12:00:00", "anna.holm@example.dk")
    overlap = lay_answers(edited, first.lazy(), QUALTRICS)
    assert (overlap.changed, overlap.clashes, overlap.fresh[s.SCORE].to_list()) == (1, 0, [9])
    # A sheet's own numbers (no survey tool) would call that a clash, kept apart.
    sheet = lay_answers(edited, first.lazy(), GENERIC)
    assert (sheet.changed, sheet.clashes) == (0, 1)


def test_a_google_form_with_a_prefilled_order_number_is_a_survey(tmp_path: Path) -> None:
    # A Google Form whose link the shop prefills with the order number: the export has
    # the Forms timestamp, the NPS question and an "Ordrenummer" column. It was read as
    # an order export ("no column for order_date"), so kunde nps refused it.
    columns = ["Tidsstempel", "E-mailadresse", "Ordrenummer", QUESTION, REASON]
    assert looks_like_survey(columns)
    path = tmp_path / "svar.csv"
    path.write_text(
        ",".join(f'"{c}"' for c in columns) + "\n"
        "2026/01/10 12:05:45 GMT+1,,7003,2,Dårlig\n"
        "2026/01/11 12:05:45 GMT+1,x@y.dk,#7001,9,God\n",
        encoding="utf-8",
    )
    read = read_any(path, ReadOptions())
    assert read.kind == "survey"
    assert read.frame[s.ORDER_ID].to_list() == ["7003", "#7001"]
    # A Forms-like timestamp beside an order number and a referral column, with no NPS
    # question, is still an order export.
    assert not looks_like_survey(["Timestamp", "Ordrenummer", "Kunde", "Anbefalet af"])
