"""Qualtrics exports: three header rows, the NPS question by its _NPS_GROUP companion.

tests/data/survey/qualtrics_da.csv is written as Qualtrics' "Download data → CSV" does
(column ids, question texts, ImportId JSON; CRLF): four answers, Q1 = 10, 2, 7, 9 (Q1's
group column holds 3, 1, 2, 3 and is not a score), RecordedDate 2–5 April 2024.
"""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from kunde_cli import schema as s
from kunde_cli.cli.main import app
from kunde_cli.ingest.readers import read_table
from kunde_cli.ingest.survey import QUALTRICS, header_score, read_survey_frame, survey_from_raw

QUALTRICS_CSV = Path(__file__).resolve().parents[1] / "data" / "survey" / "qualtrics_da.csv"
SCORES = [10, 2, 7, 9]
RECORDED = [
    datetime(2024, 4, 2, 10, 13, 46),
    datetime(2024, 4, 3, 19, 4, 31),
    datetime(2024, 4, 4, 8, 31, 11),
    datetime(2024, 4, 5, 12, 2, 1),
]
IDS = ["R_1a2B3c4D5e6F7g8", "R_2b3C4d5E6f7G8h9", "R_3c4D5e6F7g8H9i0", "R_4d5E6f7G8h9I0j1"]


def test_file_as_read() -> None:
    raw = read_table(QUALTRICS_CSV, score_header=header_score)
    frame, rejects = survey_from_raw(raw)
    assert raw.survey_layout == QUALTRICS
    assert rejects.height == 0
    assert frame[s.SCORE].to_list() == SCORES
    assert frame[s.RESPONSE_ID].to_list() == IDS
    assert frame[s.RESPONDED_AT].to_list() == RECORDED
    assert frame[s.EMAIL][0] == "mette.hansen@example.dk"
    assert frame[s.NAME][0] == "Mette Hansen"
    assert frame[s.COMMENT].to_list() == [
        "Altid frisk kaffe",
        "Leveringen tog over en uge",
        None,
        "Gode bønner, god service",
    ]
    # The ImportId row (file row 3) is a header: neither an answer nor a reject.
    assert frame[s.SOURCE_ROW].to_list() == [4, 5, 6, 7]
    notes = [n.worded("en") for n in raw.notes if not isinstance(n, str)]
    assert "skipped Qualtrics' extra header rows (row 3)" in notes


def ids_as_header() -> pl.DataFrame:
    """The same export with the column ids as the header (rows 2–3 are headers too)."""
    with QUALTRICS_CSV.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    return pl.DataFrame(rows[1:], schema=rows[0], orient="row")


def test_ids_as_header_and_an_english_question() -> None:
    frame = ids_as_header()
    # A question with no known word: only the _NPS_GROUP companion names it.
    frame = frame.with_columns(
        pl.when(pl.int_range(pl.len()) == 0)
        .then(pl.lit("Q1 text"))
        .otherwise(pl.col("Q1"))
        .alias("Q1")
    )
    survey, rejects = read_survey_frame(frame, path="qualtrics.csv")
    assert rejects.height == 0
    assert survey[s.SCORE].to_list() == SCORES
    assert survey[s.RESPONDED_AT].to_list() == RECORDED
    assert survey[s.RESPONSE_ID].to_list() == IDS
    assert survey[s.COMMENT][1] == "Leveringen tog over en uge"
    # Rows 2 and 3 were header rows; answers start on row 4.
    assert survey[s.SOURCE_ROW].to_list() == [4, 5, 6, 7]


def test_a_bad_score_is_a_reject_with_its_row() -> None:
    frame = ids_as_header()
    frame = frame.with_columns(
        pl.when(pl.col("ResponseId") == IDS[2])
        .then(pl.lit("11"))
        .otherwise(pl.col("Q1"))
        .alias("Q1")
    )
    survey, rejects = read_survey_frame(frame, path="qualtrics.csv")
    assert survey[s.SCORE].to_list() == [10, 2, 9]
    assert rejects.select(s.REJECT_ROW, s.REJECT_COLUMN, s.REJECT_REASON).rows() == [
        (6, "Q1", "score_out_of_range")
    ]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_nps_from_a_qualtrics_export(runner: CliRunner, tmp_path: Path) -> None:
    args = ["nps", str(QUALTRICS_CSV), "-w", "no-workspace"]
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    row = json.loads(result.stdout)[0]
    # 10, 2, 7, 9: promoters 2, passive 1, detractor 1 → NPS = 100 × (2 − 1) / 4 = 25.
    assert (row["n"], row["promoters"], row["passives"], row["detractors"]) == (4, 2, 1, 1)
    assert row["nps"] == pytest.approx(25.0)
    assert row["as_of"] == "2024-04-05"
    result = runner.invoke(app, ["ingest", str(QUALTRICS_CSV), "-w", str(tmp_path / "da")])
    assert result.exit_code == 0, result.stderr
    assert "sprang Qualtrics' ekstra overskriftsrækker over (række 3)" in result.stderr
    ingest_en = ["ingest", str(QUALTRICS_CSV), "-w", str(tmp_path / "en"), "--lang", "en"]
    result = runner.invoke(app, ingest_en)
    assert result.exit_code == 0, result.stderr
    assert "survey layout: qualtrics" in result.stderr
