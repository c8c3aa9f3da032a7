"""`kunde churn` through the CLI, with the load use case (``kunde_cli.app.loading.load``) replaced by hand-made frames."""

from __future__ import annotations

import io
import json
from datetime import date, datetime

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from typer.testing import CliRunner

from kunde_cli.analytics import churn, rfm
from kunde_cli.analytics.clv import rfm_summary
from kunde_cli.app import loading
from kunde_cli.cli import common
from kunde_cli.cli.main import app
from kunde_cli.config import Config
from kunde_cli.words.actions import word_actions

AS_OF = date(2024, 6, 30)

LINES = pl.LazyFrame(
    [
        ("a", "1", 1, datetime(2024, 6, 30), 100.0, "paid", "anna@shop.dk", "Anna Holm"),
        ("b", "2", 1, datetime(2024, 1, 10), 200.0, "paid", "bo@shop.dk", "Bo Berg"),
        ("b", "3", 1, datetime(2024, 3, 10), 300.0, "paid", "bo@shop.dk", "Bo Berg"),
        ("b", "4", 1, datetime(2024, 4, 1), 100.0, "paid", "bo@shop.dk", "Bo Berg"),
        ("c", "5", 1, datetime(2024, 2, 1), 50.0, "paid", None, "Carl Holm"),
        ("d", "6", 1, datetime(2023, 12, 1), 400.0, "refunded", None, "Dina Dahl"),
        ("f", "8", 1, datetime(2024, 5, 1), 200.0, "paid", "frida@shop.dk", "Frida"),
        ("f", "9", 1, datetime(2024, 6, 20), 80.0, "paid", "frida@shop.dk", "Frida"),
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
# By hand (k 2, floor 60): b gaps 60, 22 → median 41, threshold 82; last 1 Apr, 90 days → inactive.
# f gap 50, threshold 100, 10 days → active. First gaps 60 (b), 50 (f) → 80th pct 58:
# one-order customers a (0 days) active, g (76 days: 58 < 76 ≤ 116) cooling,
# c (150 days: 116 < 150 ≤ 232) inactive. d: refunded only, not a customer here.

runner = CliRunner()


def patch_load(monkeypatch: pytest.MonkeyPatch, lines: pl.LazyFrame, default_as_of: date) -> None:
    def load(files, workspace, *, as_of=None, lang=None, **_):
        config = Config()
        day = as_of.date() if isinstance(as_of, datetime) else (as_of or default_as_of)
        return common.Loaded(
            orders=lines,
            survey=None,
            as_of=day,
            config=config,
            lang=common.resolve_lang(lang, config),
        )

    monkeypatch.setattr(loading, "load", load)  # the load use case


@pytest.fixture
def fake_load(monkeypatch: pytest.MonkeyPatch) -> None:
    patch_load(monkeypatch, LINES, AS_OF)


@pytest.fixture
def cdnow_load(monkeypatch: pytest.MonkeyPatch, cdnow_lines: pl.LazyFrame) -> None:
    patch_load(monkeypatch, cdnow_lines, date(1997, 9, 30))


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False, env={"COLUMNS": "250"})


def flat(text: str) -> str:
    return " ".join(text.split())


def read_json(result) -> pl.DataFrame:
    return pl.read_json(io.BytesIO(result.stdout_bytes))


def read_model_json(result) -> tuple[dict, pl.DataFrame]:
    """With --model, JSON is {"model": the fit and its trust checks, "rows": [...]}."""
    payload = json.loads(result.stdout)
    assert set(payload) == {"model", "rows"}
    return payload["model"], pl.DataFrame(payload["rows"])


def test_summary_json_equals_library(fake_load) -> None:
    result = run("churn", "--format", "json", "--lang", "en")
    assert result.exit_code == 0, result.output
    expected = churn.tier_summary(churn.churn_tiers(LINES, as_of=AS_OF)).collect()
    out = read_json(result)
    # Files carry shares to 4 decimals.
    assert_frame_equal(out, expected, check_dtypes=False, check_exact=False, abs_tol=1e-4)
    assert out["customers"].to_list() == [2, 1, 2, 0]  # a, f | g | b, c | –
    err = flat(result.stderr)
    assert "80th percentile of days to a second order (58 days)" in err
    assert "3 of 5 customers are cooling or inactive" in err


def test_list_csv_equals_library_with_segments(fake_load) -> None:
    result = run("churn", "--list", "--format", "csv", "--lang", "en")
    assert result.exit_code == 0, result.output
    out = pl.read_csv(io.BytesIO(result.stdout_bytes), try_parse_dates=True)
    tiers = churn.churn_tiers(LINES, as_of=AS_OF)
    segments = rfm.rfm_segments(rfm.rfm_scores(LINES, as_of=AS_OF))
    expected = word_actions(
        churn.reactivation_list(tiers, LINES, segments=segments).collect(), "en"
    )
    assert_frame_equal(out, expected, check_dtypes=False)
    # cooling + inactive, by value per year: b 600, g 100, c 50.
    assert out["customer_id"].to_list() == ["b", "g", "c"]
    assert out["email"].to_list() == ["bo@shop.dk", None, None]


def test_tier_option_implies_list(fake_load) -> None:
    result = run("churn", "--tier", "active", "--format", "json")
    assert result.exit_code == 0, result.output
    out = read_json(result)
    assert out["customer_id"].to_list() == ["f", "a"]  # 280 and 100 a year
    # The action is worded in the run's language (Danish by default), in files too.
    assert out["action"][0] == "Intet særligt: hold kontakten med nyhedsbrev og god service."
    result = run("churn", "--tier", "active", "--format", "json", "--lang", "en")
    assert read_json(result)["action"][0] == (
        "Nothing special: keep in touch with your newsletter and good service."
    )


def test_unknown_tier_is_exit_2(fake_load) -> None:
    result = run("churn", "--tier", "sleepy")
    assert result.exit_code == 2
    assert "Fejl: ukendt aktivitetstrin: sleepy" in result.stderr
    assert "Tip: vælg blandt active, cooling, inactive, lost" in result.stderr
    result = run("churn", "--tier", "sleepy", "--lang", "en")
    assert result.exit_code == 2
    assert "Error: unknown tier(s): sleepy" in result.stderr
    assert "choose from active, cooling, inactive, lost" in result.stderr


def test_table_uses_danish_labels(fake_load) -> None:
    result = run("churn", "--format", "table")
    assert result.exit_code == 0, result.output
    assert "Kunder efter aktivitet pr. 30-06-2024" in result.stdout
    assert "Køler af" in result.stdout
    assert "cooling" not in result.stdout


def test_list_table_says_tiers_and_actions_in_the_run_language(fake_load) -> None:
    da = run("churn", "--list", "--format", "table").stdout
    en = run("churn", "--list", "--format", "table", "--lang", "en").stdout
    # b is cooling: the tier's name and its advice, in Danish or in English.
    assert "Køler af" in da and "Send en påmindelse" in flat(da)
    assert "Cooling" in en and "Send a reminder" in flat(en)
    assert "Send a reminder" not in flat(da) and "Send en påmindelse" not in flat(en)


def test_model_on_too_little_data_falls_back_to_the_rule(fake_load) -> None:
    result = run("churn", "--model", "bgnbd", "--format", "json", "--lang", "en")
    assert result.exit_code == 0, result.output
    expected = churn.tier_summary(churn.churn_tiers(LINES, as_of=AS_OF)).collect()
    model, rows = read_model_json(result)
    assert_frame_equal(rows, expected, check_dtypes=False, check_exact=False, abs_tol=1e-4)
    assert model == {
        "purchase": {
            "model": "bgnbd",
            "name": "BG/NBD",
            "fitted": False,
            "trusted": False,
            "error": "only 5 customer(s): the purchase model needs at least 10",
            "reason_code": "model_few_customers",
        }
    }
    err = flat(result.stderr)
    assert "BG/NBD cannot be fitted on this data: only 5 customer(s)" in err
    assert "Showing the rule-based tiers only." in err


def test_model_adds_p_alive_and_blanks_one_time_buyers(cdnow_load, cdnow_lines) -> None:
    result = run(
        "churn", "--model", "bgnbd", "--tier", "inactive", "--format", "csv", "--lang", "en"
    )
    assert result.exit_code == 0, result.output
    out = pl.read_csv(io.BytesIO(result.stdout_bytes), schema_overrides={"customer_id": pl.String})
    assert {"p_alive", "expected_purchases", "segment", "action"} <= set(out.columns)
    # Blank exactly for customers with one purchase day (x = 0), whatever their orders.
    one_day = (
        rfm_summary(cdnow_lines, as_of=date(1997, 9, 30))
        .filter(pl.col("repeat_purchases") == 0)
        .collect()["customer_id"]
    )
    blank = out.filter(pl.col("p_alive").is_null())
    assert blank.height > 0
    assert blank["customer_id"].is_in(one_day.implode()).all()
    assert (
        not out.filter(pl.col("p_alive").is_not_null())["customer_id"]
        .is_in(one_day.implode())
        .any()
    )
    assert (blank["orders"] > 1).any()  # two orders on one day are still one purchase
    err = flat(result.stderr)
    # 1,411 customers with one purchase day (8 of them bought for $0: still a purchase).
    assert "P(alive) is left blank for 1,411 one-time buyers" in err
    assert "expected purchases over the next 12 months" in err


def test_mbgnbd_summary_has_model_columns(cdnow_load) -> None:
    result = run("churn", "--model", "mbgnbd", "--horizon", "6", "--format", "json", "--lang", "en")
    assert result.exit_code == 0, result.output
    model, out = read_model_json(result)
    assert model["purchase"]["name"] == "MBG/NBD"
    assert model["purchase"]["trusted"] is True
    assert out.columns[-2:] == ["mean_p_alive", "expected_purchases"]
    # The model agrees with the rule: lost customers are the least likely to be alive.
    p = out["mean_p_alive"].to_list()
    assert p[0] > p[2] > p[3]
    assert "MBG/NBD lets their P(alive) fall" in flat(result.stderr)


# --- the fitted model in words and in JSON ---------------------------------------------------


def test_model_prints_the_published_cdnow_fit_in_danish(cdnow_load) -> None:
    """Fader, Hardie & Lee (2005): r 0.2426, α 4.4136, a 0.7929, b 2.4259, LL −9582.43."""
    result = run("churn", "--model", "bgnbd", "--format", "csv")
    assert result.exit_code == 0, result.output
    err = flat(result.stderr)
    assert (
        "BG/NBD tilpasset på 2.357 kunder, heraf 946 der har købt mere end én gang: "
        "r = 0,2426 · α = 4,4136 · a = 0,7929 · b = 2,4259; log-sandsynlighed -9.582,43 (α i uger)."
    ) in err
    assert "Tillidstjek af BG/NBD: ✓ tilpasningen fandt et svar" in err
    assert "✓ log-sandsynligheden er ikke flad" in err
    assert "✗" not in err


def test_model_json_holds_the_fit_and_every_check(cdnow_load) -> None:
    result = run("churn", "--model", "bgnbd", "--format", "json", "--lang", "en")
    assert result.exit_code == 0, result.output
    model, rows = read_model_json(result)
    fit = model["purchase"]
    assert (fit["model"], fit["fitted"], fit["trusted"]) == ("bgnbd", True, True)
    assert {k: round(v, 4) for k, v in fit["parameters"].items()} == {
        "r": 0.2426,
        "alpha": 4.4136,
        "a": 0.7929,
        "b": 2.4259,
    }
    assert round(fit["log_likelihood"], 2) == -9582.43
    assert (fit["customers"], fit["repeat_customers"], fit["time_unit_days"]) == (2357, 946, 7.0)
    assert [c["check"] for c in fit["checks"]] == [
        "converged",
        "inside_range",
        "customers",
        "repeat_customers",
        "a_not_1",
        "identified",
    ]
    assert all(c["passed"] for c in fit["checks"])
    assert fit["checks"][2]["text"] == "2,357 customers (at least 200)"
    assert fit["poorly_identified"] == []
    low, high = fit["plausible_ranges"]["a"]
    assert low < 0.7929 < high < 10 * low
    assert "mean_p_alive" in rows.columns
    err = flat(result.stderr)
    assert "r = 0.2426 · α = 4.4136 · a = 0.7929 · b = 2.4259; log-likelihood -9,582.43" in err
