"""`kunde clv --model` and `--holdout` end to end on a simulated shop with known parameters."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

from kunde_cli.cli.clv import parse_period_days
from kunde_cli.cli.main import app
from kunde_cli.errors import ConfigError

runner = CliRunner()


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
        nu = rng.gamma(4.0, 1 / 60)  # Gamma-Gamma: each customer's own spend level
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


def test_model_adds_prediction_columns(shop_csv):
    result = runner.invoke(
        app, ["clv", str(shop_csv), "--model", "bgnbd", "--format", "json", "--as-of", "2025-12-31"]
    )
    assert result.exit_code == 0, result.output
    rows = pl.DataFrame(json.loads(result.stdout))
    if "p_alive" not in rows.columns:
        # The fit was judged untrustworthy: it must say so in plain words.
        assert "cannot be trusted" in result.stderr or "kan ikke bruges" in result.stderr
        pytest.fail("a 600-customer BG/NBD shop should give a trusted fit")
    assert rows["p_alive"].drop_nulls().is_between(0, 1).all()
    assert (rows["expected_purchases"].drop_nulls() >= 0).all()
    # predicted = P(alive) × C and value at risk = (1 − P(alive)) × C, C = value if alive.
    both = rows.filter(pl.col("value_at_risk").is_not_null() & pl.col("p_alive").is_not_null())
    assert both.height > 100
    lhs = both["predicted_clv"] * (1 - both["p_alive"])
    rhs = both["value_at_risk"] * both["p_alive"]
    assert ((lhs - rhs).abs() < 1e-6 * (1 + lhs.abs())).all()


def test_holdout_prints_predicted_and_actual(shop_csv):
    result = runner.invoke(
        app, ["clv", str(shop_csv), "--holdout", "26w", "--format", "json", "--as-of", "2025-12-31"]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert rows[-1]["frequency_group"] == "total"
    assert {"customers", "actual_purchases", "predicted_purchases"} <= set(rows[-1])
    assert rows[-1]["predicted_purchases"] == pytest.approx(rows[-1]["actual_purchases"], rel=0.35)


def test_untrusted_fit_falls_back_to_simple_clv(tmp_path):
    # Three customers: far too few for the model.
    path = tmp_path / "lille.csv"
    day = datetime(2024, 1, 1)
    path.write_text(
        "Ordre;Dato;Kunde;Beløb\n"
        + "\n".join(f"{i};{day + timedelta(days=9 * i):%d-%m-%Y};K{i % 3};100" for i in range(9))
        + "\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        app, ["clv", str(path), "--model", "bgnbd", "--format", "json", "--lang", "en"]
    )
    assert result.exit_code == 0, result.output
    assert "The model cannot be trusted on this data" in result.stderr
    assert "p_alive" not in json.loads(result.stdout)[0]


@pytest.mark.parametrize(
    ("text", "days"), [("6m", 183), ("26w", 182), ("180d", 180), ("1y", 365), ("6", 183)]
)
def test_holdout_periods(text, days):
    assert parse_period_days(text) == days


def test_bad_holdout_period():
    with pytest.raises(ConfigError, match="--holdout 'soon'"):
        parse_period_days("soon")
