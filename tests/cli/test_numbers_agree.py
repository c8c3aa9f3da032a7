"""Issue 17 point 4, "numbers that agree", through the CLI on the sample shop and the
test corpora (the inputs of tests/data/golden/index.json, as tests/cli/test_same_answers.py
lists them):

- ``kunde ladder --compare``: the movement counts on stderr are the sums of the from × to
  matrix (recounted here from the flow's from/to/customers columns by rung position,
  without its movement column); the report's ladder sentence says the same numbers;
- nobody is an ambassador while inactive or lost (``ladder --by customer`` and, checked
  independently, ``churn --list --tier inactive,lost``);
- retention and the share inactive each have their defining sentence, side by side, in
  the report and in the notes of ``kunde retention`` and ``kunde churn``, in da and en.
"""

from __future__ import annotations

import html
import io
import json
import re
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from kunde_cli.analytics.ladder import RUNGS
from kunde_cli.analytics.retention import DEFAULT_WINDOW_DAYS
from kunde_cli.cli.main import app
from kunde_cli.words import label, say
from kunde_cli.words.numbers import format_number
from kunde_cli.words.report import text

REPO = Path(__file__).resolve().parents[2]
INDEX = json.loads((REPO / "tests" / "data" / "golden" / "index.json").read_text("utf-8"))

runner = CliRunner()


def _files(name: str) -> list[str]:
    return [str(REPO / f) for f in INDEX["inputs"][name]["files"]]


def _cases(command: str, flag: str | None = None) -> list:
    """(input, args) of every golden case of ``command`` (with ``flag`` when given)."""
    out = []
    for name, entry in INDEX["inputs"].items():
        for key, case in entry["commands"].items():
            args = case["args"]
            if args[0] == command and (flag is None or flag in args):
                out.append(pytest.param(name, args, id=f"{name}/{key}"))
    return out


def _as_of_days() -> list:
    days = []
    for name, entry in INDEX["inputs"].items():
        for day in sorted({key.split("/")[0] for key in entry["commands"]}):
            days.append(pytest.param(name, day, id=f"{name}/{day}"))
    return days


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str | None]:
    monkeypatch.chdir(tmp_path)
    return {
        "KUNDE_WORKSPACE": None,
        "KUNDE_LANG": None,
        "KUNDE_SALT": "numbers-agree-numbers-agree",
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "COLUMNS": "400",  # notes on one line, so a sentence is found whole
    }


def _run(args: list[str], env) -> tuple[str, str]:
    result = runner.invoke(app, args, env=env)
    assert result.exit_code == 0, f"kunde {' '.join(args)}: {result.output}"
    return result.stdout, result.stderr


def _flat(text: str) -> str:
    return " ".join(text.split())


def _number(text: str) -> int:
    return int(re.sub(r"[.,\s]", "", text))


def _matrix_sums(flow: pl.DataFrame) -> dict[str, int]:
    """new/up/same/down/gone counted from the from × to cells by rung position."""
    rank = {name: i for i, name in enumerate(RUNGS)}
    sums = {"up": 0, "same": 0, "down": 0, "new": 0, "gone": 0}
    for row in flow.iter_rows(named=True):
        start, end, n = row["from_rung"], row["to_rung"], row["customers"]
        if start == "none":
            sums["new"] += n
        elif end == "none":
            sums["gone"] += n
        elif rank[end] > rank[start]:
            sums["up"] += n
        elif rank[end] < rank[start]:
            sums["down"] += n
        else:
            sums["same"] += n
    return sums


MOVED = {
    "en": re.compile(
        r"(?P<up>[\d,]+) moved up, (?P<same>[\d,]+) stayed, (?P<down>[\d,]+) fell back "
        r"and (?P<new>[\d,]+) are new\. (?P<went_inactive>[\d,]+) went inactive"
    ),
    "da": re.compile(
        r"(?P<up>[\d.]+) rykkede op, (?P<same>[\d.]+) blev stående, (?P<down>[\d.]+) "
        r"faldt tilbage og (?P<new>[\d.]+) er nye\. (?P<went_inactive>[\d.]+) blev inaktive"
    ),
}


@pytest.mark.parametrize(("name", "args"), _cases("ladder", "--compare"))
@pytest.mark.parametrize("lang", ["en", "da"])
def test_ladder_counts_are_its_matrix_sums(name, args, lang, env):
    stdout, stderr = _run([*args, "--lang", lang, *_files(name)], env)
    flow = pl.read_csv(io.StringIO(stdout))
    said = MOVED[lang].search(_flat(stderr))
    assert said, stderr
    counts = {key: _number(value) for key, value in said.groupdict().items()}
    sums = _matrix_sums(flow)
    assert {k: counts[k] for k in ("up", "same", "down", "new")} == {
        k: sums[k] for k in ("up", "same", "down", "new")
    }
    assert sums["gone"] == 0  # nobody leaves the ladder on these inputs: no gone sentence
    assert counts["went_inactive"] == int(flow["went_inactive"].sum())
    assert int(flow["customers"].sum()) == sum(sums.values())


def test_the_sample_shows_the_falls_issue_17_saw(env):
    # Issue 17: "0 faldt tilbage" beside a matrix with 30 moving down (loyal -> returning).
    stdout, stderr = _run(
        [
            "ladder",
            "--compare",
            "2026-04-30",
            "--as-of",
            "2026-10-31",
            "-f",
            "csv",
            *_files("sample"),
        ],
        env,
    )
    flow = pl.read_csv(io.StringIO(stdout))
    down = _matrix_sums(flow)["down"]
    assert down >= 30
    assert f"{format_number(down, 'da')} faldt tilbage" in _flat(stderr)


def test_the_terminal_matrix_and_counts_agree(env):
    stdout, stderr = _run(
        [
            "ladder",
            "--compare",
            "2026-04-30",
            "--as-of",
            "2026-10-31",
            "-f",
            "table",
            "--lang",
            "en",
            *_files("sample"),
        ],
        env,
    )
    # Matrix rows as printed: from rung, then the five rungs' counts, then the total.
    names = [label(r, "en") for r in RUNGS]
    order = {"(none)": -1, **{n: i for i, n in enumerate(names)}}
    sums = {"up": 0, "same": 0, "down": 0, "new": 0}
    matrix = stdout[stdout.index("From rung on") :]
    for line in matrix.splitlines():
        cells = line.split()
        start = next((n for n in order if line.strip().startswith(n)), None)
        if start is None or len(cells) < 6:
            continue
        counts = [_number(c) for c in cells[-6:-1]]
        for i, n in enumerate(counts):
            if order[start] == -1:
                sums["new"] += n
            elif i > order[start]:
                sums["up"] += n
            elif i < order[start]:
                sums["down"] += n
            else:
                sums["same"] += n
    said = MOVED["en"].search(_flat(stderr))
    assert said, stderr
    assert {k: _number(said[k]) for k in sums} == sums


@pytest.mark.parametrize(("name", "day"), _as_of_days())
def test_no_ambassador_is_inactive_or_lost(name, day, env):
    stdout, _ = _run(
        ["ladder", "--by", "customer", "-f", "csv", "--as-of", day, *_files(name)], env
    )
    people = pl.read_csv(io.StringIO(stdout), schema_overrides={"customer_id": pl.String})
    ambassadors = people.filter(pl.col("rung") == "ambassador")
    assert ambassadors.filter(pl.col("inactive")).height == 0
    # Independently: the churn command's inactive and lost customers.
    listed, _ = _run(
        ["churn", "--list", "--tier", "inactive,lost", "-f", "csv", "--as-of", day, *_files(name)],
        env,
    )
    gone = pl.read_csv(io.StringIO(listed), schema_overrides={"customer_id": pl.String})
    overlap = set(ambassadors["customer_id"]) & set(gone["customer_id"])
    assert not overlap
    if name == "sample":
        # The sample has inactive promoters (issue 17's lost ambassadors): returning now.
        promoters = people.filter(
            pl.col("inactive") & (pl.col("latest_score") >= 9) & (pl.col("orders") >= 2)
        )
        assert promoters.height > 0
        assert set(promoters["rung"]) == {"returning"}


def _definitions(lang: str, period: str = "month", window: int = DEFAULT_WINDOW_DAYS):
    return (
        say(
            "define_retention",
            lang,
            period=label(f"period_{period}", lang),
            window=format_number(window, lang),
        ),
        say("define_inactive", lang),
    )


@pytest.mark.parametrize("lang", ["da", "en"])
def test_retention_notes_define_both(lang, env):
    _, stderr = _run(["retention", "--lang", lang, "--window", "200", *_files("sample")], env)
    retention, inactive = _definitions(lang, window=200)
    assert retention in _flat(stderr) and inactive in _flat(stderr)
    _, stderr = _run(["retention", "--lang", lang, "-p", "quarter", *_files("sample")], env)
    assert _definitions(lang, period="quarter")[0] in _flat(stderr)


@pytest.mark.parametrize("lang", ["da", "en"])
def test_churn_notes_define_both(lang, env):
    _, stderr = _run(["churn", "--lang", lang, *_files("sample")], env)
    retention, inactive = _definitions(lang)
    assert retention in _flat(stderr) and inactive in _flat(stderr)


def test_definitions_are_different_sentences_in_each_language():
    da, en = _definitions("da"), _definitions("en")
    assert da[0].startswith("Fastholdelse") and da[1].startswith("Andel inaktive")
    assert en[0].startswith("Retention") and en[1].startswith("Share inactive")
    assert "(E − N) / A" in da[0] and "(E − N) / A" in en[0]
    assert "365" in da[0] and "365" in en[0]


@pytest.mark.parametrize("lang", ["da", "en"])
def test_report_defines_both_beside_the_key_figures(lang, env, tmp_path):
    out = tmp_path / f"report-{lang}"
    _run(
        [
            "report",
            "--lang",
            lang,
            "--no-model",
            "-q",
            "--compare",
            "2026-04-30",
            "-d",
            str(out),
            *_files("sample"),
        ],
        env,
    )
    page = html.unescape(next(out.glob("*.html")).read_text("utf-8"))
    key = page[page.index('<section id="key">') : page.index('<section id="segments">')]
    retention, inactive = _definitions(lang)
    assert retention in key and inactive in key
    # The two cards they define are in the same section.
    assert text("k_retention", lang) in key and text("k_inactive", lang) in key
    # The report's ladder sentence says the matrix's sums too.
    stdout, _ = _run(
        ["ladder", "--compare", "2026-04-30", "-f", "csv", "--lang", lang, *_files("sample")],
        env,
    )
    sums = _matrix_sums(pl.read_csv(io.StringIO(stdout)))
    ladder = _flat(
        page[page.index('<section id="ladder">') : page.index('<section id="retention">')]
    )
    for key_name in ("up", "down", "new"):
        assert format_number(sums[key_name], lang) in ladder, key_name
    words = {"da": ("rykket op", "faldet tilbage"), "en": ("moved up", "fell back")}[lang]
    assert f"{format_number(sums['up'], lang)} {words[0]}" in ladder
    assert f"{format_number(sums['down'], lang)} {words[1]}" in ladder


LAYOUTS = sorted(
    p
    for p in (REPO / "tests" / "data" / "layouts").iterdir()
    if p.suffix in {".csv", ".gz"}  # headerless_log.txt needs --columns
)


@pytest.mark.parametrize("path", LAYOUTS, ids=lambda p: p.name)
def test_every_layout_ladder_agrees_with_its_people(path, env):
    """On every export of tests/data/layouts: the per-rung ladder counts are its people's
    rungs counted, and no ambassador is inactive."""
    summary, _ = _run(["ladder", "-f", "csv", str(path)], env)
    people, _ = _run(["ladder", "--by", "customer", "-f", "csv", str(path)], env)
    per_rung = pl.read_csv(io.StringIO(summary))
    each = pl.read_csv(io.StringIO(people), schema_overrides={"customer_id": pl.String})
    counted = dict(each.group_by("rung").len().iter_rows())
    assert dict(zip(per_rung["rung"], per_rung["customers"], strict=True)) == {
        r: counted.get(r, 0) for r in RUNGS
    }
    inactive = dict(each.group_by("rung").agg(pl.col("inactive").sum()).iter_rows())
    assert dict(zip(per_rung["rung"], per_rung["inactive"], strict=True)) == {
        r: inactive.get(r, 0) for r in RUNGS
    }
    assert each.filter((pl.col("rung") == "ambassador") & pl.col("inactive")).height == 0
