"""Delighted exports: layout, Unix-time dates, through ``kunde ingest`` and ``kunde nps``.

tests/data/survey/delighted.csv has the fields of a Delighted survey response (id,
person, survey_type, score, comment, permalink, created_at, updated_at) plus the person's
email, name and properties (Delighted Source, customer_id). Five answers: scores 10, 3,
8, 9, 6 at created_at 1712052825 (2024-04-02 10:13:45 UTC), then 1712141100, 1712227500,
1712313900, 1712400300 (2024-04-03 … 06, 10:45:00 UTC: one day = 86 400 s apart).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from kunde_cli import schema as s
from kunde_cli.cli.main import app
from kunde_cli.ingest.readers import read_table
from kunde_cli.ingest.survey import (
    DELIGHTED,
    detect_layout,
    header_score,
    read_survey_frame,
    survey_from_raw,
)

DELIGHTED_CSV = Path(__file__).resolve().parents[1] / "data" / "survey" / "delighted.csv"


def test_layout_and_unix_dates() -> None:
    raw = read_table(DELIGHTED_CSV, score_header=header_score)
    frame, rejects = survey_from_raw(raw)
    assert raw.survey_layout == DELIGHTED
    assert rejects.height == 0
    assert frame[s.SCORE].to_list() == [10, 3, 8, 9, 6]
    assert frame[s.RESPONSE_ID].to_list() == ["101", "102", "103", "104", "105"]
    assert frame[s.CUSTOMER_ID].to_list() == ["1001", "1004", "1002", "1006", "1003"]
    assert frame[s.RESPONDED_AT].to_list() == [
        datetime(2024, 4, 2, 10, 13, 45),
        *(datetime(2024, 4, day, 10, 45) for day in (3, 4, 5, 6)),
    ]
    assert frame[s.COMMENT][0] == "Hurtig levering, gode bønner"
    notes = [n.worded("en") for n in raw.notes if not isinstance(n, str)]
    assert "survey dates in 'created_at' read as Unix time (seconds since 1970-01-01, UTC)" in notes


def test_title_case_headers_and_a_bad_timestamp() -> None:
    columns = ["Response ID", "Score", "Comment", "Created At", "Updated At", "Permalink"]
    assert detect_layout(columns) == DELIGHTED
    rows = [
        ["7", "9", "Godt", "1712052825", "1712052825", "https://delighted.com/r/7"],
        ["8", "2", "Skidt", "i går", "1712052825", "https://delighted.com/r/8"],
        ["9", "10", None, "1712400300", "1712400300", "https://delighted.com/r/9"],
    ]
    frame = pl.DataFrame(rows, schema=columns, orient="row")
    survey, rejects = read_survey_frame(frame, path="delighted.csv")
    assert survey[s.SCORE].to_list() == [9, 10]
    assert survey[s.RESPONDED_AT].to_list() == [
        datetime(2024, 4, 2, 10, 13, 45),
        datetime(2024, 4, 6, 10, 45),
    ]
    # Row 3 of the file (header on row 1): "i går" is not a Unix time.
    assert rejects.select(s.REJECT_ROW, s.REJECT_COLUMN, s.REJECT_REASON).rows() == [
        (3, "Created At", "not_a_date")
    ]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_ingest_says_unix_time_in_both_languages(runner: CliRunner, tmp_path: Path) -> None:
    args = ["ingest", str(DELIGHTED_CSV), "-w", str(tmp_path / "ws")]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    assert "format: delighted" in result.stderr
    assert "læst som Unix-tid (sekunder siden 1-1-1970, UTC)" in result.stderr
    args = ["ingest", str(DELIGHTED_CSV), "-w", str(tmp_path / "ws_en"), "--lang", "en"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    assert "survey layout: delighted" in result.stderr
    assert "read as Unix time (seconds since 1970-01-01, UTC)" in result.stderr


def test_nps_from_a_delighted_export(runner: CliRunner) -> None:
    args = ["nps", str(DELIGHTED_CSV), "-w", "no-workspace"]
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    row = json.loads(result.stdout)[0]
    # 10, 3, 8, 9, 6: promoters 10 and 9, passive 8, detractors 3 and 6 → NPS 0.
    assert (row["n"], row["promoters"], row["passives"], row["detractors"]) == (5, 2, 1, 2)
    assert row["nps"] == pytest.approx(0.0)
    # The latest answer, 1712400300 s = 2024-04-06 (UTC), is the as-of date.
    assert row["as_of"] == "2024-04-06"
    result = runner.invoke(app, [*args, "--lang", "en"])
    assert result.exit_code == 0, result.stderr
    assert "NPS 0 " in result.stderr + result.stdout
