"""A 1-to-10 scale is not NPS: refused unless told (``--map scale=0-10``).

The file tests/data/survey/skala_1_10.csv is a sheet a shop made itself with a 1–10
question: 24 answers 10 9 8 1 7 10 6 1 9 8 5 10 3 1 9 7 8 10 2 9 4 10 8 9 — no 0,
three 1s, five 10s.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from kunde_cli.cli.main import app
from kunde_cli.errors import ConfigError, InputError
from kunde_cli.ingest.survey import read_survey_frame, refuse_one_to_ten

DATA = Path(__file__).resolve().parents[1] / "data" / "survey"
ONE_TO_TEN = DATA / "skala_1_10.csv"
QUESTION = "Hvor sandsynligt er det, at du vil anbefale os til en ven? (1 = slet ikke, 10 = meget)"
SCORES = [10, 9, 8, 1, 7, 10, 6, 1, 9, 8, 5, 10, 3, 1, 9, 7, 8, 10, 2, 9, 4, 10, 8, 9]


def frame_of(scores: list[int]) -> pl.DataFrame:
    return pl.DataFrame({"NPS": [str(v) for v in scores]})


def test_the_rule() -> None:
    # 20 answers, no 0, a 10, three 1s: refused.
    twenty = [1, 1, 1, 10] + [8] * 16
    with pytest.raises(InputError, match="1-to-10 scale, not NPS"):
        refuse_one_to_ten(pl.Series(twenty), path="x.csv", column="NPS")
    # Four 1s in 400 answers (1 %): still refused.
    with pytest.raises(InputError):
        refuse_one_to_ten(pl.Series([1, 1, 1, 1, 10] + [8] * 395), path="x.csv", column="NPS")
    # Each condition alone keeps the file:
    for kept in (
        twenty[:19],  # 19 answers: too few to tell
        [0, *twenty[1:]],  # a 0: the scale starts at 0
        [1, 1, 9, *twenty[3:]],  # only two 1s
        [9 if v == 10 else v for v in twenty],  # no 10: the top is not in use
        [8] * 200,  # many answers merely lacking a 0 (a happy shop)
        [1, 1, 1, 10] + [8] * 297,  # three 1s in 301 answers: under 1 %
    ):
        refuse_one_to_ten(pl.Series(kept), path="x.csv", column="NPS")


def test_refusal_names_file_and_column() -> None:
    with pytest.raises(InputError) as info:
        read_survey_frame(frame_of(SCORES), path="svar.csv")
    err = info.value
    assert err.one_line("en") == (
        "svar.csv: column 'NPS' looks like a 1-to-10 scale, not NPS (0–10): "
        "24 answers, no 0, 3 answers of 1 and 5 of 10"
    )
    assert "--map scale=0-10" in err.hint_in("en")
    assert "--map scale=0-10" in err.hint_in("da")


def test_told_it_is_zero_to_ten() -> None:
    for given in ("0-10", "0–10", " 0..10 "):
        frame, rejects = read_survey_frame(frame_of(SCORES), mapping={"scale": given})
        assert frame["score"].to_list() == SCORES
        assert rejects.height == 0
    with pytest.raises(ConfigError, match="reads only the NPS scale 0-10"):
        read_survey_frame(frame_of(SCORES), mapping={"scale": "1-10"})


def test_small_sample_without_zero_is_kept() -> None:
    # Five answers 1, 1, 1, 10, 9: no 0, but far too few to tell.
    frame, _ = read_survey_frame(frame_of([1, 1, 1, 10, 9]))
    assert frame.height == 5


# --- through the CLI, in both languages -------------------------------------------------


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_ingest_refuses_in_one_line(runner: CliRunner, tmp_path: Path) -> None:
    args = ["ingest", str(ONE_TO_TEN), "-w", str(tmp_path / "ws")]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert lines[0] == (
        f"Fejl: {ONE_TO_TEN}: kolonnen '{QUESTION}' ligner en skala fra 1 til 10, ikke NPS "
        "(0–10): 24 svar, intet 0, 3 svar med 1 og 5 med 10"
    )
    assert lines[1].startswith("Tip: er det alligevel 0–10") and "--map scale=0-10" in lines[1]
    assert "Traceback" not in result.output
    result = runner.invoke(app, [*args, "--lang", "en"])
    assert result.exit_code == 2
    assert "looks like a 1-to-10 scale, not NPS (0–10): 24 answers, no 0" in result.stderr
    assert "Hint: is it 0–10 after all (nobody chose 0)? Say so with --map" in result.stderr


def test_nps_with_the_override(runner: CliRunner) -> None:
    # Read as 0–10: promoters 9–10: five 10s + five 9s = 10; passives 7–8: four 8s + two
    # 7s = 6; detractors 24 − 16 = 8 → NPS = 100 × (10 − 8) / 24 = 8.33.
    args = ["nps", str(ONE_TO_TEN), "--map", "scale=0-10", "-w", "no-workspace"]
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    row = json.loads(result.stdout)[0]
    assert (row["n"], row["promoters"], row["passives"], row["detractors"]) == (24, 10, 6, 8)
    assert row["nps"] == pytest.approx(100 * 2 / 24, abs=1e-4)
    result = runner.invoke(app, [*args, "--lang", "en"])
    assert result.exit_code == 0
    assert "NPS 8 " in result.stderr + result.stdout


def test_override_in_kunde_toml(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "kunde.toml").write_text('[mapping]\nscale = "0-10"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["ingest", str(ONE_TO_TEN), "-w", str(tmp_path / "ws")])
    assert result.exit_code == 0, result.stderr


def test_another_scale_is_one_line_exit_2(runner: CliRunner) -> None:
    args = ["nps", str(ONE_TO_TEN), "--map", "scale=1-5", "-w", "no-workspace"]
    result = runner.invoke(app, [*args, "--lang", "en"])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        f"Error: {ONE_TO_TEN}: --map scale=1-5: kunde reads only the NPS scale 0-10"
    )
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "kunde læser kun NPS-skalaen 0-10" in result.stderr
