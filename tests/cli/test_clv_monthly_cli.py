"""`kunde clv --monthly` end to end: a simulated shop with known parameters, da and en."""

from __future__ import annotations

import dataclasses
import io
import json
from datetime import date, timedelta

import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

from kunde_cli.cli.main import app

runner = CliRunner()
AS_OF = "2025-12-31"


@pytest.fixture(scope="module")
def shop_csv(tmp_path_factory):
    """600 customers from BG/NBD (r=0.5, α=8 weeks, p ~ Beta(1, 2.5)) and Gamma-Gamma spend."""
    rng = np.random.default_rng(3)
    start = date(2024, 1, 1)
    rows = []
    order = 1000
    for c in range(600):
        first = start + timedelta(days=int(rng.integers(0, 180)))
        lam = rng.gamma(0.5, 1 / 8) / 7  # purchases per day
        day = first
        drop = rng.beta(1.0, 2.5)
        nu = rng.gamma(4.0, 1 / 60)
        alive = True
        while alive and day <= date(2025, 12, 31):
            order += 1
            amount = round(float(rng.gamma(6, 1 / nu)), 2)
            rows.append(f"{order};{day:%d-%m-%Y};K{c};{str(amount).replace('.', ',')}")
            alive = rng.random() > drop
            day = day + timedelta(days=max(1, int(rng.exponential(1 / max(lam, 1e-4)))))
    path = tmp_path_factory.mktemp("shop") / "ordrer.csv"
    path.write_text(
        "Ordrenummer;Ordredato;Kundenummer;Beløb\n" + "\n".join(rows) + "\n", encoding="utf-8"
    )
    return path


def run(*args: str):
    return runner.invoke(app, ["clv", *args], env={"COLUMNS": "200", "KUNDE_LANG": None})


def read_csv(result) -> pl.DataFrame:
    return pl.read_csv(io.StringIO(result.stdout), try_parse_dates=True)


def test_danish_table_names_discount_units_and_scope(shop_csv):
    result = run(str(shop_csv), "--monthly", "--as-of", AS_OF, "--format", "table")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Forventede køb og omsætning pr. måned de næste 12 måneder fra 31-12-2025" in out
    assert "diskonteret 10 % om året, kr." in out
    assert "12 mdr. i alt" in out
    assert "Traceback" not in result.output
    err = " ".join(result.stderr.split())
    assert "De næste 12 måneder: forventet" in err
    assert "nye kunder, der kommer til senere, er ikke med" in err
    assert "30,44 dage regnet fra 31-12-2025" in err
    assert "Intervallerne (90 %)" in err


def test_english_csv_months_add_up_and_ranges_hold_the_estimate(shop_csv):
    result = run(str(shop_csv), "--monthly", "--as-of", AS_OF, "--format", "csv", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "The next 12 months: expected" in " ".join(result.stderr.split())
    frame = read_csv(result)
    assert frame.columns == [
        "month",
        "month_first_day",
        "month_last_day",
        "expected_purchases",
        "purchases_low",
        "purchases_high",
        "expected_revenue",
        "revenue_low",
        "revenue_high",
    ]
    months = frame.filter(pl.col("month").is_not_null())
    whole = frame.filter(pl.col("month").is_null()).row(0, named=True)
    assert months["month"].to_list() == list(range(1, 13))
    assert months["month_first_day"][0] == date(2026, 1, 1)  # the day after as_of
    assert whole["month_last_day"] == date(2026, 12, 31)  # 365 days on
    # (csv keeps 4 decimals of a count and 2 of an amount)
    for column, unit in (("expected_purchases", 1e-4), ("expected_revenue", 0.01)):
        assert whole[column] == pytest.approx(months[column].sum(), abs=unit * 12)
    for name, low, high in (
        ("expected_purchases", "purchases_low", "purchases_high"),
        ("expected_revenue", "revenue_low", "revenue_high"),
    ):
        assert (frame[low] <= frame[name]).all() and (frame[name] <= frame[high]).all()
        assert (frame[low] < frame[high]).all()


def test_discount_by_hand(shop_csv):
    """Month 12 is discounted by (1.1)^(12/12) = 1.1 at 10 % a year, month 6 by √1.1."""
    at = {}
    for rate in ("0", "0.1"):
        result = run(str(shop_csv), "--monthly", "--as-of", AS_OF, "-f", "csv", "--discount", rate)
        assert result.exit_code == 0, result.output
        at[rate] = read_csv(result).filter(pl.col("month").is_not_null())
    assert at["0"]["expected_purchases"].to_list() == at["0.1"]["expected_purchases"].to_list()
    ratio = at["0"]["expected_revenue"] / at["0.1"]["expected_revenue"]
    # (amounts to the øre in csv)
    assert ratio[11] == pytest.approx(1.1, rel=2e-5)
    assert ratio[5] == pytest.approx(1.1**0.5, rel=2e-5)


def test_by_segment_rows_add_up_to_the_shop(shop_csv):
    result = run(
        str(shop_csv), "--monthly", "--by", "segment", "--as-of", AS_OF, "-f", "csv", "--lang", "en"
    )
    assert result.exit_code == 0, result.output
    frame = read_csv(result)
    assert frame.columns[:2] == ["segment", "month"]
    assert frame["segment"][0] == "total"
    segments = frame.filter(pl.col("segment") != "total")
    assert segments["segment"].n_unique() >= 3
    assert frame.filter(pl.col("segment") == "total")["customers"][0] == 600
    for month in (1, 12, None):
        pick = pl.col("month").is_null() if month is None else pl.col("month") == month
        total = frame.filter(pick & (pl.col("segment") == "total"))
        parts = segments.filter(pick)
        assert total["customers"][0] == parts["customers"].sum()
        # (csv keeps 4 decimals of a count and 2 of an amount)
        for column, unit in (("expected_purchases", 1e-4), ("expected_revenue", 0.01)):
            assert total[column][0] == pytest.approx(parts[column].sum(), abs=unit * 12)
    table = run(str(shop_csv), "--monthly", "--by", "segment", "--as-of", AS_OF, "-f", "table")
    assert table.exit_code == 0, table.output
    assert "pr. RFM-segment og måned" in table.stdout
    assert "Hele butikken" in table.stdout


def test_mbgnbd_as_json(shop_csv):
    result = run(str(shop_csv), "--monthly", "--model", "mbgnbd", "--as-of", AS_OF, "-f", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 13 and rows[-1]["month"] is None
    assert "MBG/NBD" in result.stderr


def test_a_too_small_shop_gets_one_line_and_exit_2(tmp_path):
    path = tmp_path / "lille.csv"
    day = date(2024, 1, 1)
    path.write_text(
        "Ordre;Dato;Kunde;Beløb\n"
        + "\n".join(f"{i};{day + timedelta(days=9 * i):%d-%m-%Y};K{i % 3};100" for i in range(9))
        + "\n",
        encoding="utf-8",
    )
    result = run(str(path), "--monthly")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "Månedstallene kræver en købsmodel" in result.stderr
    english = run(str(path), "--monthly", "--lang", "en")
    assert english.exit_code == 2
    assert "The monthly figures need a purchase model" in english.stderr
    assert "only 3 customer" in english.stderr


def test_report_section_says_the_same_as_the_command(shop_csv):
    """The report's section (app/answers/monthly + render/answers/monthly) uses the
    report's own fits and says the command's sentence; none without model fits."""
    from kunde_cli.analytics.clv import predict_clv
    from kunde_cli.app import loading
    from kunde_cli.app.answers import AnswerContext
    from kunde_cli.app.answers import monthly as facts_module
    from kunde_cli.render.answers import monthly as part_module

    loaded = loading.load([shop_csv], as_of=date(2025, 12, 31), quiet=True)
    clv = predict_clv(loaded.orders, as_of=loaded.as_of)
    ctx = AnswerContext(
        lines=loaded.orders,
        as_of=loaded.as_of,
        config=loaded.config,
        survey=None,
        answers_as_of=loaded.as_of,
        segments=pl.DataFrame(),
        tiers=pl.DataFrame(),
        clv=clv,
    )
    facts = facts_module.build(ctx)
    assert facts is not None and facts.value.has_revenue
    assert facts_module.build(dataclasses.replace(ctx, fit_model=False)) is None
    assert facts_module.build(dataclasses.replace(ctx, clv=None)) is None

    class Data:
        lang = "da"
        currency = "kr."

    part = part_module.part(facts, Data())
    assert part["id"] == "monthly" and part["title"] == "De næste 12 måneder"
    sentence = part["sentences"][0]
    assert sentence.startswith("De næste 12 måneder: forventet ")
    assert "diskonteret 10 % om året" in sentence
    command = run(str(shop_csv), "--monthly", "--as-of", AS_OF, "-f", "csv")
    assert sentence in " ".join(command.stderr.split())
    (table,) = part["tables"]
    assert len(table.rows) == 13 and table.rows[-1][0].text == "12 mdr. i alt"
    assert len(table.headers) == 4  # reads on a phone without cards
    assert str(part["chart"]).startswith("<svg") and str(part["chart"]).count("<title>") == 12
    assert "nye kunder, der kommer til senere, er ikke med" in part["notes"][0]


def test_a_fit_without_covariance_says_no_empty_range() -> None:
    # A fit whose Hessian was not finite carries no covariance, so no ranges: the
    # sentence said "forventet 2 køb (90 %: –––)".
    from kunde_cli.analytics.clv.bgnbd import BgNbdParams
    from kunde_cli.analytics.clv.gamma_gamma import GammaGammaParams
    from kunde_cli.analytics.clv.monthly import monthly_value
    from kunde_cli.render.answers.monthly import summary_sentence

    fit = BgNbdParams(
        r=0.243, alpha=4.414, a=0.793, b=2.426, loglik=0.0, n_customers=2357, n_repeat=1,
        converged=True,
    )  # fmt: skip
    spend = GammaGammaParams(
        p=6.25, q=3.74, gamma=15.44, loglik=0.0, n_customers=946, converged=True,
        spend_frequency_corr=0.11,
    )  # fmt: skip
    frame = pl.DataFrame(
        {"customer_id": ["a"], "repeat_purchases": [2], "t_x": [30.43], "age": [38.86],
         "mean_repeat_spend": [22.35]}
    )  # fmt: skip
    for with_spend in (spend, None):
        value = monthly_value(frame, fit, with_spend, as_of=date(2024, 12, 31))
        assert value.draws == 0
        for lang in ("da", "en"):
            sentence = summary_sentence(value, lang)
            assert "–––" not in sentence and "90" not in sentence
        assert summary_sentence(value, "da").startswith("De næste 12 måneder: forventet 2 køb")
