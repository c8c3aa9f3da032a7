"""`kunde segment`, `kunde ladder`, `kunde explain` through the CLI.

Most tests replace the load use case (``kunde_cli.app.loading.load``) with hand-made
frames, so they check the commands
themselves; the last ones run on a small Danish CSV through the real ingest.
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

import kunde_cli
from kunde_cli.analytics import ladder as lad
from kunde_cli.analytics import rfm
from kunde_cli.analytics.churn import churn_tiers
from kunde_cli.app import loading
from kunde_cli.cli.main import app
from kunde_cli.config import Config
from kunde_cli.render.formats import rounded
from kunde_cli.words.actions import word_actions

AS_OF = date(2024, 6, 30)

LINES = pl.LazyFrame(
    [
        ("a", "1", 1, datetime(2024, 6, 30), 100.0, "paid", "anna@shop.dk", "Anna Holm"),
        ("b", "2", 1, datetime(2024, 1, 10), 200.0, "paid", "bo@shop.dk", "Bo Berg"),
        ("b", "3", 1, datetime(2024, 3, 10), 300.0, "paid", "bo@shop.dk", "Bo Berg"),
        ("b", "4", 1, datetime(2024, 6, 1), 100.0, "paid", "bo@shop.dk", "Bo Berg"),
        ("c", "5", 1, datetime(2024, 2, 1), 50.0, "paid", None, "Carl Holm"),
        ("d", "6", 1, datetime(2023, 12, 1), 400.0, "refunded", None, "Dina Dahl"),
        ("f", "8", 1, datetime(2024, 5, 1), 200.0, "paid", None, "Frida"),
        ("f", "9", 1, datetime(2024, 6, 20), 80.0, "paid", None, "Frida"),
        ("g", "10", 1, datetime(2024, 4, 15), 100.0, "paid", None, "Gert"),
    ],
    schema={
        "customer_id": pl.String,
        "order_id": pl.String,
        "line_no": pl.Int32,
        "order_date": pl.Datetime("us"),
        "amount": pl.Float64,
        "status": pl.String,
        "email": pl.String,
        "name": pl.String,
    },
    orient="row",
)
SURVEY = pl.LazyFrame(
    {
        "customer_id": ["b", "x"],
        "responded_at": [datetime(2024, 6, 10), datetime(2024, 5, 1)],
        "score": [10, 7],
    }
)

runner = CliRunner()


@pytest.fixture
def fake_load(monkeypatch):
    """Replace the load use case with the frames above (honouring --as-of and --lang)."""

    def load(files, workspace, *, as_of=None, lang=None, **_):
        config = Config()
        day = as_of.date() if isinstance(as_of, datetime) else (as_of or AS_OF)
        return kunde_cli.Loaded(
            orders=LINES,
            survey=SURVEY,
            as_of=day,
            config=config,
            lang=loading.resolve_lang(lang, config),
        )

    monkeypatch.setattr(loading, "load", load)


def _tiers(day: date) -> pl.LazyFrame:
    """Churn tiers (customer_id, tier) at ``day``, as the ladder takes them."""
    return churn_tiers(LINES, as_of=day, config=Config().churn).select("customer_id", "tier")


def run(*args: str):
    # A wide console so Rich does not wrap labels in table output.
    return runner.invoke(app, list(args), catch_exceptions=False, env={"COLUMNS": "250"})


def flat(text: str) -> str:
    """Notes on stderr wrap at the console width: compare with whitespace collapsed."""
    return " ".join(text.split())


def read_json(result) -> pl.DataFrame:
    return pl.read_json(io.BytesIO(result.stdout_bytes))


def test_segment_json_equals_library(fake_load):
    result = run("segment", "--format", "json", "--lang", "en")
    assert result.exit_code == 0, result.output
    segmented = rfm.rfm_segments(rfm.rfm_scores(LINES, as_of=AS_OF))
    expected = word_actions(rfm.segment_summary(segmented).collect(), "en")
    assert expected["action"][0].startswith("Reward them")  # worded, in English
    # Files carry money to øre and shares to 4 decimals (same data, same bytes).
    assert_frame_equal(read_json(result), rounded(expected), check_dtypes=False)
    # The summary note and the plain-language sentence go to stderr, not stdout.
    assert "5 customers with at least one order as of 2024-06-30." in flat(result.stderr)
    assert "F uses fixed breaks (1, 2, 3, 4–5, 6+ orders)" in flat(result.stderr)


def test_segment_by_customer_csv(fake_load):
    result = run("segment", "--by", "customer", "--format", "csv")
    assert result.exit_code == 0, result.output
    out = pl.read_csv(io.BytesIO(result.stdout_bytes))
    assert out.columns == [
        "customer_id", "recency_days", "frequency", "monetary", "first_order", "last_order",
        "aov", "r_score", "f_score", "m_score", "segment", "tier",
    ]  # fmt: skip
    assert set(out["tier"]) <= {"active", "cooling", "inactive", "lost"}
    assert out["tier"].null_count() == 0
    assert dict(out.select("customer_id", "segment").iter_rows()) == {
        "a": "new",
        "b": "needs_attention",
        "c": "lost",
        "f": "potential_loyalist",
        "g": "hibernating",
    }


def test_segment_table_uses_danish_labels(fake_load):
    result = run("segment", "--format", "table")
    assert result.exit_code == 0, result.output
    assert "Segmenter pr. 30-06-2024" in result.stdout
    assert "I dvale" in result.stdout  # hibernating
    assert "hibernating" not in result.stdout


def test_segment_compare_gives_migration(fake_load):
    result = run("segment", "--compare", "2024-03-31", "--format", "json")
    assert result.exit_code == 0, result.output
    expected = rfm.segment_migration(LINES, as_of=AS_OF, compare=date(2024, 3, 31)).collect()
    assert_frame_equal(read_json(result), expected, check_dtypes=False)
    assert "5 af 5 kunder har skiftet segment siden 31-03-2024." in flat(result.stderr)


def test_segment_compare_after_as_of_is_exit_2(fake_load):
    result = runner.invoke(app, ["segment", "--compare", "2024-07-01"])
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "Fejl: --compare 2024-07-01 skal ligge før opgørelsesdatoen 2024-06-30"
    )
    result = runner.invoke(app, ["segment", "--compare", "2024-07-01", "--lang", "en"])
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "Error: --compare 2024-07-01 must be before the as-of date 2024-06-30"
    )


def test_ladder_json_equals_library(fake_load):
    result = run("ladder", "--format", "json", "--lang", "en")
    assert result.exit_code == 0, result.output
    tiers = _tiers(AS_OF)
    rungs = lad.ladder_rungs(LINES, as_of=AS_OF, survey=SURVEY, tiers=tiers)
    expected = word_actions(lad.ladder_summary(rungs).collect(), "en")
    # Files carry money to øre and shares to 4 decimals (same data, same bytes).
    assert_frame_equal(read_json(result), rounded(expected), check_dtypes=False)


def test_ladder_by_customer(fake_load):
    result = run("ladder", "--by", "customer", "--format", "csv")
    assert result.exit_code == 0, result.output
    out = pl.read_csv(io.BytesIO(result.stdout_bytes))
    rungs = dict(out.select("customer_id", "rung").iter_rows())
    # x answered the survey but never bought; d's only order was refunded.
    assert rungs["x"] == "potential"
    assert rungs["d"] == "potential"
    assert rungs["b"] == "ambassador"  # 3 orders + latest NPS 10


def test_ladder_compare_json_is_the_long_flow(fake_load):
    result = run("ladder", "--compare", "2024-03-31", "--format", "json")
    assert result.exit_code == 0, result.output
    tiers = _tiers(AS_OF)
    before = _tiers(date(2024, 3, 31))
    expected = lad.ladder_flow(
        LINES,
        as_of=AS_OF,
        compare=date(2024, 3, 31),
        survey=SURVEY,
        tiers=tiers,
        compare_tiers=before,
    ).collect()
    assert_frame_equal(read_json(result), expected, check_dtypes=False)
    assert "Siden 31-03-2024:" in flat(result.stderr)


def test_ladder_compare_table_shows_both_ladders_and_matrix(fake_load):
    result = run("ladder", "--compare", "2024-03-31", "--format", "table", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "The ladder on 2024-03-31 and 2024-06-30" in result.stdout
    assert "From rung on 2024-03-31 (rows)" in result.stdout


def test_explain_json(fake_load):
    result = run("explain", "bo@shop.dk", "--format", "json", "--lang", "en")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["customer_id"] == "b"
    assert data["segment_rule"] == "R=3 and F=3 → needs attention"
    assert data["rung"] == "ambassador"


def test_explain_table_panel(fake_load):
    result = run("explain", "Bo", "--format", "table", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "R=3 and F=3 → needs attention" in result.stdout
    assert "Why – as of 2024-06-30" in result.stdout


def test_explain_csv_is_one_flat_row(fake_load):
    result = run("explain", "b", "--format", "csv")
    assert result.exit_code == 0, result.output
    out = pl.read_csv(io.BytesIO(result.stdout_bytes))
    assert out.height == 1
    assert out.row(0, named=True)["r_score"] == 3


def test_explain_several_matches_is_exit_2(fake_load):
    result = runner.invoke(app, ["explain", "holm"])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        "Fejl: 2 kunder passer på 'holm': a Anna Holm <anna@shop.dk>; c Carl Holm"
    )
    result = runner.invoke(app, ["explain", "holm", "--lang", "en"])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        "Error: 2 customers match 'holm': a Anna Holm <anna@shop.dk>; c Carl Holm"
    )


def test_segment_words_its_actions_in_the_run_language(fake_load):
    da = pl.read_csv(io.BytesIO(run("segment", "--format", "csv").stdout_bytes))
    en = pl.read_csv(io.BytesIO(run("segment", "--format", "csv", "--lang", "en").stdout_bytes))
    # The segment column is a key in files; the suggested action is worded.
    assert da["segment"].to_list() == en["segment"].to_list()
    da_action = dict(da.select("segment", "action").iter_rows())
    en_action = dict(en.select("segment", "action").iter_rows())
    assert da_action["at_risk"] == (
        "Personlig genaktivering: en mail eller et opkald med et tilbud og spørg hvad der gik galt."
    )
    assert en_action["at_risk"] == (
        "Personal reactivation: a mail or call with an offer, and ask what went wrong."
    )
    table = run("segment", "--format", "table", "--lang", "en").stdout
    assert "Segments as of 2024-06-30" in table and "Hibernating" in table


def test_ladder_words_its_next_steps_in_the_run_language(fake_load):
    da = run("ladder", "--format", "csv")
    en = run("ladder", "--format", "csv", "--lang", "en")
    da_step = dict(pl.read_csv(io.BytesIO(da.stdout_bytes)).select("rung", "next_step").iter_rows())
    en_step = dict(pl.read_csv(io.BytesIO(en.stdout_bytes)).select("rung", "next_step").iter_rows())
    assert da_step["first_time"].startswith("Andet køb: tak-mail")
    assert en_step["first_time"].startswith("Second purchase: thank-you mail")
    # The plain-language note names the biggest rung and its step in the same language.
    assert "Næste skridt:" in flat(da.stderr) and "Next step:" not in flat(da.stderr)
    assert "Next step:" in flat(en.stderr) and "Næste skridt:" not in flat(en.stderr)


def test_explain_says_its_rules_in_the_run_language(fake_load):
    da = json.loads(run("explain", "b", "--format", "json").stdout)
    en = json.loads(run("explain", "b", "--format", "json", "--lang", "en").stdout)
    # Facts are the same; the rules and the action are sentences in the run's language.
    assert (da["segment"], da["rung"]) == (en["segment"], en["rung"])
    assert da["segment_rule"].startswith("R=") and " og F=" in da["segment_rule"]
    assert " and F=" in en["segment_rule"]
    assert da["action"].startswith("Tidsbegrænset tilbud")
    assert en["action"].startswith("Time-limited offer")
    assert "talte ordrer" in da["ladder_rule"] and "counted orders" in en["ladder_rule"]
    panel_da = run("explain", "b", "--format", "table").stdout
    panel_en = run("explain", "b", "--format", "table", "--lang", "en").stdout
    assert "Hvorfor – pr. 30-06-2024" in panel_da and "Forslag:" in panel_da
    assert "Seneste ordrer" in panel_da and "Latest orders" not in panel_da
    assert "Why – as of 2024-06-30" in panel_en and "Suggested action:" in panel_en
    assert "Latest orders" in panel_en and "Seneste ordrer" not in panel_en


# --- end to end on a small Danish CSV (needs the real ingest and store) --------------

DANISH_CSV = (
    "Ordrenummer;Kundenummer;E-mail;Navn;Ordredato;Beløb;Status\n"
    "1001;K1;anna@shop.dk;Anna Holm;30-06-2024;100,00;Betalt\n"
    "1002;K2;bo@shop.dk;Bo Berg;10-01-2024;200,00;Betalt\n"
    "1003;K2;bo@shop.dk;Bo Berg;10-03-2024;300,00;Betalt\n"
    "1004;K2;bo@shop.dk;Bo Berg;01-06-2024;100,00;Betalt\n"
    "1005;K3;;Carl Holm;01-02-2024;50,00;Betalt\n"
    "1006;K4;dina@shop.dk;Dina Dahl;01-12-2023;400,00;Refunderet\n"
    "1007;K5;;Frida;01-05-2024;200,00;Betalt\n"
    "1008;K5;;Frida;20-06-2024;80,00;Betalt\n"
    "1009;K6;;Gert;15-04-2024;1.100,50;Betalt\n"
)


@pytest.fixture
def danish_csv(tmp_path: Path) -> Path:
    path = tmp_path / "ordrer.csv"
    path.write_bytes(DANISH_CSV.encode("cp1252"))
    return path


def test_segment_on_danish_csv(danish_csv: Path):
    result = run("segment", str(danish_csv), "--by", "customer", "--format", "json")
    assert result.exit_code == 0, result.output
    out = read_json(result)
    # Same shop as above except Gert spent 1.100,50: scored K1, K2, K3, K5, K6.
    # Recency K3 150, K6 76, K2 29, K5 10, K1 0 -> R 1..5; F fixed; M: K3 50 (1),
    # K1 100 (2), K5 280 (3), K2 600 (4), K6 1100.5 (5).
    assert out.select("customer_id", "r_score", "f_score", "m_score", "segment").rows() == [
        ("K1", 5, 1, 2, "new"),
        ("K2", 3, 3, 4, "needs_attention"),
        ("K3", 1, 1, 1, "lost"),
        ("K5", 4, 2, 3, "potential_loyalist"),
        ("K6", 2, 1, 5, "hibernating"),
    ]


def test_ladder_and_explain_on_danish_csv(danish_csv: Path):
    result = run("ladder", str(danish_csv), "--format", "csv", "--lang", "en")
    assert result.exit_code == 0, result.output
    out = pl.read_csv(io.BytesIO(result.stdout_bytes))
    assert dict(out.select("rung", "customers").iter_rows()) == {
        "potential": 1,  # K4, refunded only
        "first_time": 3,
        "returning": 2,
        "loyal": 0,
        "ambassador": 0,
    }
    result = run("explain", "K4", str(danish_csv), "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["rung"] == "potential"
