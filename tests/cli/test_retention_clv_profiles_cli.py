"""`kunde retention`, `kunde clv`, `kunde profiles` through the CLI.

Most tests replace the load use case (``kunde_cli.app.loading.load``) with hand-made frames and check that each command
prints exactly what the library computes; the last ones run on a small Danish CSV
through the real ingest.
"""

from __future__ import annotations

import io
import json
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from typer.testing import CliRunner

from kunde_cli.analytics import ladder, rfm
from kunde_cli.analytics import profiles as prof
from kunde_cli.analytics import retention as ret
from kunde_cli.analytics import value as val
from kunde_cli.app import loading
from kunde_cli.cli import common
from kunde_cli.cli.main import app
from kunde_cli.cli.retention import retention_command
from kunde_cli.config import Config
from kunde_cli.render.formats import rounded

AS_OF = date(2024, 4, 15)

_SCHEMA = {
    "customer_id": pl.String,
    "order_id": pl.String,
    "line_no": pl.Int32,
    "order_date": pl.Datetime("us"),
    "amount": pl.Float64,
    "status": pl.String,
    "product": pl.String,
    "city": pl.String,
    "channel": pl.String,
    "email": pl.String,
}

# The six-customer shop of tests/analytics/test_retention.py, with products and cities.
LINES = pl.LazyFrame(
    [
        ("a", "1", 1, datetime(2024, 1, 10), 100.0, "paid", "Kaffe", "Aarhus", "web", "a@x.dk"),
        ("a", "2", 1, datetime(2024, 3, 5), 200.0, "paid", "Te", "Aarhus", "web", "a@x.dk"),
        ("b", "3", 1, datetime(2024, 1, 20), 80.0, "paid", "Kaffe", "Odense", "butik", None),
        ("c", "4", 1, datetime(2024, 2, 14), 150.0, "paid", "Kop", "Vejle", "web", None),
        ("c", "5", 1, datetime(2024, 4, 10), 50.0, "paid", "Kaffe", "Vejle", "web", None),
        ("d", "6", 1, datetime(2024, 3, 1), 50.0, "paid", "Te", "Aarhus", "web", None),
        ("d", "6", 2, datetime(2024, 3, 1), -20.0, None, "Te", None, None, None),
        ("e", "7", 1, datetime(2024, 2, 1), 70.0, "refunded", "Te", "Aarhus", "web", None),
        ("f", "8", 1, datetime(2024, 1, 5), 40.0, "cancelled", "Kop", "Aarhus", "web", None),
        ("f", "9", 1, datetime(2024, 4, 2), 120.0, "paid", "Kaffe", "Aarhus", "butik", None),
    ],
    schema=_SCHEMA,
    orient="row",
)
SURVEY = pl.LazyFrame(
    {
        "customer_id": ["a", "b", "x"],
        "email": [None, None, None],
        "responded_at": [datetime(2024, 3, 10), datetime(2024, 3, 11), datetime(2024, 3, 12)],
        "score": [10, 2, 9],
    },
    schema_overrides={"email": pl.String, "score": pl.Int8},
)
ONLY_REFUNDS = pl.LazyFrame(
    [("a", "1", 1, datetime(2024, 1, 10), 100.0, "refunded", None, None, None, None)],
    schema=_SCHEMA,
    orient="row",
)

runner = CliRunner()


def _fake(
    monkeypatch: pytest.MonkeyPatch, lines: pl.LazyFrame, survey: pl.LazyFrame | None
) -> None:
    def load(files, workspace, *, as_of=None, lang=None, **_):
        config = Config()
        day = as_of.date() if isinstance(as_of, datetime) else (as_of or AS_OF)
        return common.Loaded(
            orders=lines,
            survey=survey,
            as_of=day,
            config=config,
            lang=common.resolve_lang(lang, config),
        )

    monkeypatch.setattr(loading, "load", load)  # the load use case


@pytest.fixture
def fake_load(monkeypatch: pytest.MonkeyPatch) -> None:
    """Replace the load use case with the frames above (honouring --as-of and --lang)."""
    _fake(monkeypatch, LINES, SURVEY)


def run(*args: str):
    # A wide console so Rich does not wrap labels in table output.
    return runner.invoke(app, list(args), catch_exceptions=False, env={"COLUMNS": "250"})


def flat(text: str) -> str:
    """Notes on stderr wrap at the console width: compare with whitespace collapsed."""
    return " ".join(text.split())


def read_json(result) -> pl.DataFrame:
    return pl.read_json(io.BytesIO(result.stdout_bytes))


# --- retention ------------------------------------------------------------------------------


def test_retention_json_equals_library(fake_load):
    result = run("retention", "--format", "json", "--lang", "en")
    assert result.exit_code == 0, result.output
    expected = ret.retention_by_period(LINES, as_of=AS_OF).collect()
    out = read_json(result).with_columns(pl.col("period_start", "period_end").str.to_date())
    assert_frame_equal(out, expected, check_dtypes=False)
    # Repurchase: a and c of a, b, c, d, f bought twice → 40 %; days to 2nd order
    # 55 and 56 → median 55.5, shown rounded; revenue 300 + 200 of 730 → 68.5 %.
    assert (
        "Repurchase rate 40.0% (2 of 5 customers bought more than once). "
        "Median 56 days from first to second order. "
        "Returning customers bring 68.5% of revenue."
    ) in flat(result.stderr)
    assert "within the last 365 days" in flat(result.stderr)
    assert "Repurchase" not in result.stdout


def test_retention_quarter_and_window_csv(fake_load):
    # 92 days: the longest quarter (a shorter window is refused, tests/cli/test_options_behave.py)
    result = run("retention", "--period", "quarter", "--window", "92", "--format", "csv")
    assert result.exit_code == 0, result.output
    out = pl.read_csv(io.BytesIO(result.stdout_bytes), try_parse_dates=True)
    expected = ret.retention_by_period(
        LINES, as_of=AS_OF, period="quarter", window_days=92
    ).collect()
    assert_frame_equal(out, expected, check_dtypes=False)
    assert out["period"].to_list() == ["2024-Q1", "2024-Q2"]


def test_retention_cohorts_json_equals_matrix(fake_load):
    result = run("retention", "--cohorts", "--format", "json")
    assert result.exit_code == 0, result.output
    expected = ret.cohort_matrix(ret.cohort_table(LINES, as_of=AS_OF))
    out = read_json(result).with_columns(pl.col("cohort").str.to_date())
    assert_frame_equal(out, expected, check_dtypes=False)
    assert out.columns[:3] == ["cohort", "customers", "month_0"]


def test_retention_table_in_danish_shows_the_rate_on_its_own_scale(fake_load):
    result = run("retention", "--format", "table", "--window", "60")
    assert result.exit_code == 0, result.output
    # Headers wrap between words in an 80-column table; every word is there.
    words = result.stdout.split()
    assert {"Kunder", "ved", "start", "(A)", "Fastholdelse", "%"} <= set(words)
    # March with a 60-day window: (3 − 1) / 3 × 100 = 66,7 — not a share shown as 6.666,7 %.
    assert "66,7" in result.stdout
    assert "6.666" not in result.stdout
    assert "Genkøbsrate 40,0 %" in flat(result.stderr)


def test_retention_window_must_be_positive(fake_load):
    result = runner.invoke(app, ["retention", "--window", "0"])
    assert result.exit_code == 2


def test_retention_help_states_the_definition():
    doc = " ".join((retention_command.__doc__ or "").split())
    assert " ".join(ret.ACTIVE_CUSTOMER_DEFINITION.split()) in doc
    result = runner.invoke(app, ["retention", "--help"], env={"COLUMNS": "250"})
    assert result.exit_code == 0
    assert "trailing activity window" in result.stdout


def test_retention_without_customers(monkeypatch):
    _fake(monkeypatch, ONLY_REFUNDS, None)
    result = run("retention", "--format", "csv", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "No customer has a counted order as of 2024-04-15." in flat(result.stderr)
    assert result.stdout.splitlines() == [
        "period,period_start,period_end,customers_start,customers_end,new_customers,retention_rate"
    ]


# --- clv ------------------------------------------------------------------------------------


def test_clv_json_equals_library(fake_load):
    result = run("clv", "--format", "json", "--lang", "en")
    assert result.exit_code == 0, result.output
    expected = (
        val.historical_value(LINES, as_of=AS_OF)
        .sort("simple_clv", descending=True, nulls_last=True)
        .collect()
    )
    out = read_json(result).with_columns(pl.col("first_order", "last_order").str.to_date())
    assert_frame_equal(out, expected, check_dtypes=False)
    # 5 customers, revenue 300 + 80 + 200 + 30 + 120 = 730. Everyone was watched for
    # less than a year, so the rate is orders / 1 year. CLV (3 years): a 150 × 2 × 3 =
    # 900, b 80 × 1 × 3 = 240, c 100 × 2 × 3 = 600, d 90, f 360 → mean 2190 / 5 = 438.
    assert (
        "5 customers have spent DKK 730.00 in total; the average customer is worth "
        "DKK 438.00 over 3 years by the simple formula."
    ) in flat(result.stderr)


def test_clv_expected_years(fake_load):
    result = run("clv", "--format", "csv", "--expected-years", "5")
    assert result.exit_code == 0, result.output
    out = pl.read_csv(io.BytesIO(result.stdout_bytes))
    assert out.filter(pl.col("customer_id") == "a")["simple_clv"].item() == pytest.approx(1500.0)
    assert out["expected_years"].unique().to_list() == [5.0]


def test_clv_by_segment_equals_library(fake_load):
    result = run("clv", "--by", "segment", "--format", "json")
    assert result.exit_code == 0, result.output
    segments = rfm.rfm_segments(rfm.rfm_scores(LINES, as_of=AS_OF))
    expected = val.value_by_segment(val.historical_value(LINES, as_of=AS_OF), segments).collect()
    # Files carry money to øre and shares to 4 decimals (same data, same bytes).
    assert_frame_equal(read_json(result), rounded(expected), check_dtypes=False)


def test_clv_segment_table_labels_segments(fake_load):
    result = run("clv", "--by", "segment", "--format", "table", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert {"Simple", "CLV", "total"} <= set(result.stdout.split())
    assert "about_to_sleep" not in result.stdout


# --- profiles -------------------------------------------------------------------------------


def test_profiles_json_equals_library(fake_load):
    result = run("profiles", "--format", "json")
    assert result.exit_code == 0, result.output
    groups = rfm.rfm_segments(rfm.rfm_scores(LINES, as_of=AS_OF))
    expected = prof.segment_profiles(
        LINES, groups, as_of=AS_OF, survey=SURVEY, by="segment"
    ).collect()
    # Files carry money to øre and shares to 4 decimals (same data, same bytes).
    assert_frame_equal(read_json(result), rounded(expected), check_dtypes=False)


def test_profiles_by_rung_equals_library(fake_load):
    result = run("profiles", "--by", "rung", "--format", "json")
    assert result.exit_code == 0, result.output
    groups = ladder.ladder_rungs(LINES, as_of=AS_OF, survey=SURVEY)
    expected = prof.segment_profiles(LINES, groups, as_of=AS_OF, survey=SURVEY, by="rung").collect()
    out = read_json(result)
    # Files carry money to øre and shares to 4 decimals (same data, same bytes).
    assert_frame_equal(out, rounded(expected), check_dtypes=False)
    # x answered the survey but never ordered: a potential customer with no orders.
    potential = out.filter(pl.col("rung") == "potential").row(0, named=True)
    assert (potential["customers"], potential["orders"]) == (2, 0)  # e (refund only) and x


def test_profiles_table_prints_persona_cards(fake_load):
    result = run("profiles", "--by", "rung", "--format", "table", "--lang", "en")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Customer profiles by rung as of 2024-04-15" in out
    assert "The prospects" in out and "The first-timers" in out
    assert "Have not bought yet." in out
    # The top-N texts live on the cards, not as table columns.
    assert "Top cities" not in out
    assert "Shares in brackets" in flat(result.stderr)


def test_profiles_persona_cards_in_danish(fake_load):
    result = run("profiles", "--by", "rung", "--format", "table")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "De mulige kunder" in out and "Førstegangskunderne" in out
    assert "Har ikke købt endnu." in out and "Gør dette" in out
    assert "Have not bought yet." not in out and "The prospects" not in out


# --- end to end on a small Danish CSV (needs the real ingest and store) ---------------------

DANISH_CSV = (
    "Ordrenummer;Kundenummer;Ordredato;Beløb;Status;Vare;By\n"
    "1001;K1;10-01-2024;100,00;Betalt;Kaffe;Aarhus\n"
    "1002;K1;05-03-2024;200,00;Betalt;Te;Aarhus\n"
    "1003;K2;20-01-2024;80,00;Betalt;Kaffe;Odense\n"
    "1004;K3;14-02-2024;150,00;Betalt;Kop;Vejle\n"
    "1005;K3;10-04-2024;50,00;Betalt;Kaffe;Vejle\n"
    "1006;K4;01-03-2024;30,00;Betalt;Te;Aarhus\n"
    "1007;K5;01-02-2024;70,00;Refunderet;Te;Aarhus\n"
    "1008;K6;02-04-2024;120,00;Betalt;Kaffe;Aarhus\n"
    "1009;K7;15-04-2024;1.100,50;Betalt;Kværn;København\n"
)


@pytest.fixture
def danish_csv(tmp_path: Path) -> Path:
    path = tmp_path / "ordrer.csv"
    path.write_bytes(DANISH_CSV.encode("cp1252"))
    return path


def test_retention_on_danish_csv(danish_csv: Path):
    result = run("retention", str(danish_csv), "--format", "json", "--lang", "en")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    # as_of = latest order 15-04-2024. Window 365: January A 0, E K1 K2, N 2; …;
    # April A = K1..K4 = 4, E = K1..K4, K6, K7 = 6, N = K6, K7 = 2 → (6 − 2) / 4 = 100 %.
    assert [row["period"] for row in out] == ["2024-01", "2024-02", "2024-03", "2024-04"]
    assert out[-1]["customers_start"] == 4
    assert out[-1]["customers_end"] == 6
    assert out[-1]["new_customers"] == 2
    assert out[-1]["retention_rate"] == pytest.approx(100.0)
    # K1, K3 of K1, K2, K3, K4, K6, K7 repeat: 2 / 6 = 33.3 %.
    assert "Repurchase rate 33.3% (2 of 6 customers" in flat(result.stderr)


@pytest.mark.parametrize("command", ["retention", "clv", "profiles"])
@pytest.mark.parametrize("fmt", ["csv", "json", "parquet", "xlsx", "table"])
def test_every_format_on_danish_csv(danish_csv: Path, tmp_path: Path, command: str, fmt: str):
    target = tmp_path / f"out.{'txt' if fmt == 'table' else fmt}"
    result = run(command, str(danish_csv), "--format", fmt, "--output", str(target))
    assert result.exit_code == 0, result.output
    assert target.stat().st_size > 0
    if fmt == "parquet":
        assert pl.read_parquet(target).height > 0
    if fmt == "xlsx":
        assert pl.read_excel(target).height > 0


def test_clv_and_profiles_on_danish_csv(danish_csv: Path):
    result = run("clv", str(danish_csv), "--format", "csv")
    assert result.exit_code == 0, result.output
    out = pl.read_csv(io.BytesIO(result.stdout_bytes))
    # K7: one order of 1.100,50 on the as-of day → floored to 1 a year → 3 × 1100.50.
    k7 = out.filter(pl.col("customer_id") == "K7").row(0, named=True)
    assert k7["simple_clv"] == pytest.approx(3301.5)
    assert "K5" not in out["customer_id"].to_list()  # only a refunded order
    result = run("profiles", str(danish_csv), "--by", "rung", "--format", "json")
    assert result.exit_code == 0, result.output
    rungs = {row["rung"]: row for row in json.loads(result.stdout)}
    assert rungs["returning"]["customers"] == 2
    assert rungs["returning"]["top_products"].startswith("Te (")
