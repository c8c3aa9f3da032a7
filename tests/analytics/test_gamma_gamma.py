"""Gamma-Gamma spend model on CDNOW, and the CLV predictions built from both models.

Reference: Fader & Hardie (2013), "The Gamma-Gamma Model of Monetary Value"
(http://www.brucehardie.com/notes/025/): on the 946 CDNOW customers with repeat
purchases in the 39-week calibration period, p = 6.25, q = 3.74, γ = 15.44.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from scipy.optimize import approx_fprime

from kunde_cli.analytics.clv import gamma_gamma as gg
from kunde_cli.analytics.clv.bgnbd import BgNbdParams, conditional_expected_purchases
from kunde_cli.analytics.clv.gamma_gamma import (
    GammaGammaParams,
    expected_average_spend,
    fit_gamma_gamma,
    fit_spend_model,
)
from kunde_cli.analytics.clv.predict import (
    holdout_comparison,
    model_trust,
    predict_clv,
    predict_customers,
    predict_purchases,
)
from kunde_cli.analytics.clv.simulate import simulate_customers
from kunde_cli.analytics.clv.summary import DAYS_PER_MONTH
from kunde_cli.errors import ModelError

CDNOW = Path(__file__).parents[1] / "data" / "cdnow"


@pytest.fixture(scope="module")
def spend_data() -> pl.DataFrame:
    return pl.read_csv(CDNOW / "cdnow_customers_summary_with_transactions.csv")


@pytest.fixture(scope="module")
def cdnow_spend_fit(spend_data: pl.DataFrame) -> GammaGammaParams:
    return fit_spend_model(spend_data["x"], spend_data["zbar"])


# --- CDNOW reproduction ---------------------------------------------------------------


def test_gamma_gamma_reproduces_the_note_on_cdnow(
    cdnow_spend_fit: GammaGammaParams, spend_data: pl.DataFrame
) -> None:
    """p = 6.25, q = 3.74, γ = 15.44 (Fader & Hardie 2013).

    The note's figures come from an Excel Solver run; the exact maximum is
    γ = 15.448, so γ is checked to ±0.01 and the likelihood at our estimate must be at
    least that at the published (rounded) values.
    """
    fit = cdnow_spend_fit
    assert round(fit.p, 2) == 6.25
    assert round(fit.q, 2) == 3.74
    assert fit.gamma == pytest.approx(15.44, abs=0.01)
    assert fit.n_customers == 946
    published = GammaGammaParams(6.25, 3.74, 15.44, 0.0, 946, True, 0.0)
    assert fit.loglik >= gg.loglik(published, spend_data["x"], spend_data["zbar"])
    assert fit.loglik == pytest.approx(gg.loglik(fit, spend_data["x"], spend_data["zbar"]))


def test_spend_frequency_correlation_is_reported(cdnow_spend_fit: GammaGammaParams) -> None:
    # CDNOW: spend per purchase hardly depends on how often people buy (Pearson 0.11).
    assert cdnow_spend_fit.spend_frequency_corr == pytest.approx(0.11, abs=0.005)
    assert cdnow_spend_fit.warning is None
    assert model_trust(cdnow_spend_fit) == (True, [])


def test_fit_from_the_summary_frame_matches(spend_data: pl.DataFrame) -> None:
    frame = spend_data.select(
        pl.col("x").alias("repeat_purchases"),
        pl.when(pl.col("x") > 0).then(pl.col("zbar")).alias("mean_repeat_spend"),
    )
    fit = fit_gamma_gamma(frame)
    assert (round(fit.p, 2), round(fit.q, 2)) == (6.25, 3.74)


def test_expected_average_spend_by_hand(cdnow_spend_fit: GammaGammaParams) -> None:
    f = cdnow_spend_fit
    # x = 0: the population mean pγ/(q − 1).
    assert float(expected_average_spend(f, 0, np.nan)) == pytest.approx(f.p * f.gamma / (f.q - 1))
    assert f.population_mean_spend == pytest.approx(f.p * f.gamma / (f.q - 1))
    # x = 5, mean 40: (pγ + p·5·40)/(p·5 + q − 1), pulled from 40 towards the population mean.
    by_hand = (f.p * f.gamma + f.p * 5 * 40) / (f.p * 5 + f.q - 1)
    got = float(expected_average_spend(f, 5, 40.0))
    assert got == pytest.approx(by_hand)
    assert 35.2 < got < 40.0


def test_analytic_gradient_matches_finite_differences(spend_data: pl.DataFrame) -> None:
    rep = spend_data.filter(pl.col("x") > 0)
    d = gg._prepare(rep["x"].to_numpy().astype(float), rep["zbar"].to_numpy(), np.ones(rep.height))
    at = np.array([6.0, 3.5, 15.0])
    analytic = gg._loglik_and_grad(at, d)[1]
    numeric = approx_fprime(at, lambda v: gg._loglik_and_grad(v, d)[0], 1e-6)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-4)


# --- recovery and bad data --------------------------------------------------------------


def test_parameters_are_recovered_from_simulated_spend() -> None:
    rng = np.random.default_rng(5)
    sim = simulate_customers(
        rng.uniform(0, 78, 60_000), r=0.5, alpha=4.0, a=0.8, b=2.5, p=6.0, q=3.8, gamma=15.0, seed=9
    )
    fit = fit_spend_model(sim.x, sim.mean_spend)
    assert fit.p == pytest.approx(6.0, rel=0.1)
    assert fit.q == pytest.approx(3.8, rel=0.1)
    assert fit.gamma == pytest.approx(15.0, rel=0.1)
    # Independent by construction.
    assert abs(fit.spend_frequency_corr) < 0.05


def test_correlated_spend_is_flagged() -> None:
    """Big buyers spend more per purchase: the model's assumption fails and trust says so."""
    rng = np.random.default_rng(5)
    sim = simulate_customers(
        rng.uniform(0, 78, 5000), r=0.5, alpha=4.0, a=0.8, b=2.5, p=6.0, q=3.8, gamma=15.0, seed=9
    )
    spend = sim.mean_spend * sim.x  # spend per purchase grows with the number of purchases
    fit = fit_spend_model(sim.x, spend)
    assert fit.spend_frequency_corr > 0.3
    assert fit.warning is not None
    assert "rises with purchase frequency" in fit.warning
    ok, reasons = model_trust(fit)
    assert not ok
    assert reasons == [fit.warning]


def test_too_few_repeat_customers_is_a_clear_error() -> None:
    with pytest.raises(ModelError, match="only 4 customer"):
        fit_spend_model([0, 1, 2, 1, 3, 0], [np.nan, 10.0, 20.0, 15.0, 12.0, np.nan])


def test_non_positive_spend_is_refused() -> None:
    with pytest.raises(ModelError, match="positive"):
        fit_spend_model([1] * 10, [10.0] * 9 + [0.0])


def test_infinite_mean_spend_is_not_trusted() -> None:
    fit = GammaGammaParams(2.0, 0.9, 10.0, 0.0, 500, True, 0.0)
    ok, reasons = model_trust(fit)
    assert not ok
    assert any("q ≤ 1" in r for r in reasons)
    assert fit.population_mean_spend == float("inf")


# --- CLV predictions ------------------------------------------------------------------------

PURCHASE = BgNbdParams(
    r=0.243,
    alpha=4.414,
    a=0.793,
    b=2.426,
    loglik=-9582.4,
    n_customers=2357,
    n_repeat=946,
    converged=True,
)
SPEND = GammaGammaParams(6.25, 3.74, 15.44, -4055.9, 946, True, 0.11)
SUMMARY = pl.DataFrame(
    {
        "customer_id": ["a", "b", "c"],
        "repeat_purchases": [2, 0, 7],
        "t_x": [30.43, 0.0, 20.0],
        "age": [38.86, 38.86, 38.86],
        "mean_repeat_spend": [22.35, None, 40.0],
    }
)


def test_undiscounted_clv_is_spend_times_expected_purchases() -> None:
    out = predict_customers(SUMMARY, PURCHASE, SPEND, horizon_months=9, discount_monthly=0.0)
    np.testing.assert_allclose(
        out["predicted_clv"], out["expected_spend"] * out["expected_purchases"], rtol=1e-12
    )
    # 9 months of 30.4375 days = 39.13 weeks; customer a as in the paper's example.
    weeks = 9 * DAYS_PER_MONTH / 7
    assert out["expected_purchases"][0] == pytest.approx(
        float(conditional_expected_purchases(PURCHASE, weeks, 2, 30.43, 38.86))
    )
    # Customer b (one purchase): BG/NBD P(alive) = 1, population mean spend.
    assert out["p_alive"][1] == 1.0
    assert out["expected_spend"][1] == pytest.approx(6.25 * 15.44 / 2.74)


def test_discounted_clv_sums_monthly_purchases() -> None:
    """CLV = spend · Σᵢ (E[X(i months)] − E[X(i−1 months)]) / 1.01^i (lifetimes' approach)."""
    out = predict_customers(SUMMARY, PURCHASE, SPEND, horizon_months=12, discount_monthly=0.01)
    month = DAYS_PER_MONTH / 7
    cumulative = [
        float(conditional_expected_purchases(PURCHASE, i * month, 7, 20.0, 38.86))
        for i in range(13)
    ]
    discounted = sum((cumulative[i] - cumulative[i - 1]) / 1.01**i for i in range(1, 13))
    spend_c = (6.25 * 15.44 + 6.25 * 7 * 40.0) / (6.25 * 7 + 2.74)
    assert out["expected_spend"][2] == pytest.approx(spend_c)
    assert out["predicted_clv"][2] == pytest.approx(spend_c * discounted, rel=1e-10)
    assert out["expected_purchases"][2] == pytest.approx(cumulative[12], rel=1e-10)
    # Value at risk: (1 − P(alive)) × CLV if alive = (1 − p)/p × CLV.
    p = out["p_alive"][2]
    assert out["value_at_risk"][2] == pytest.approx((1 - p) / p * out["predicted_clv"][2])
    assert out["value_at_risk"][1] == 0.0  # P(alive) = 1 under BG/NBD


def test_prediction_arguments_are_checked() -> None:
    with pytest.raises(ModelError, match="at least 1 month"):
        predict_customers(SUMMARY, PURCHASE, SPEND, horizon_months=0)
    with pytest.raises(ModelError, match="negative"):
        predict_customers(SUMMARY, PURCHASE, SPEND, discount_monthly=-0.1)


def test_predict_clv_on_cdnow_order_lines(cdnow_lines: pl.LazyFrame) -> None:
    result = predict_clv(cdnow_lines, as_of=date(1997, 9, 30), horizon_months=12)
    assert result.trusted
    assert result.reasons == ()
    assert result.purchase_model.r == pytest.approx(0.243, rel=0.01)
    assert result.spend_model is not None
    assert result.spend_model.p == pytest.approx(6.25, rel=0.01)
    c = result.customers
    assert c.height == 2357  # zero-amount purchases count (8 customers bought for $0)
    assert c.columns == [
        "customer_id",
        "repeat_purchases",
        "t_x",
        "age",
        "mean_repeat_spend",
        "p_alive",
        "expected_purchases",
        "expected_spend",
        "predicted_clv",
        "value_at_risk",
    ]
    assert c.drop("mean_repeat_spend").null_count().sum_horizontal().item() == 0
    assert (c["predicted_clv"] >= 0).all()
    # Customer 1 of the sample is the paper's worked example (x = 2, t_x = 30.43, T = 38.86).
    one = c.filter(pl.col("customer_id") == "1")
    x, spend = one.select("repeat_purchases", "mean_repeat_spend").row(0)
    assert x == 2
    assert spend == pytest.approx(22.345)  # a sum of cents: exact only up to float rounding


def test_predict_purchases_and_mbgnbd(cdnow_lines: pl.LazyFrame) -> None:
    result = predict_purchases(cdnow_lines, as_of=date(1997, 9, 30), model="mbgnbd")
    assert result.spend_model is None
    assert result.purchase_model.model == "mbgnbd"
    assert "predicted_clv" not in result.customers.columns
    one_timers = result.customers.filter(pl.col("repeat_purchases") == 0)
    assert (one_timers["p_alive"] < 1).all()


def test_holdout_comparison_on_cdnow(cdnow_lines: pl.LazyFrame) -> None:
    """Fit on the 39-week calibration, predict the 39-week holdout (the paper's check)."""
    table, fit = holdout_comparison(
        cdnow_lines, calibration_end=date(1997, 9, 30), as_of=date(1998, 6, 30)
    )
    assert fit.r == pytest.approx(0.243, rel=0.01)
    assert table["frequency_group"].to_list() == ["0", "1", "2", "3", "4", "5", "6", "7+", "total"]
    groups = table.filter(pl.col("frequency_group") != "total")
    total = table.filter(pl.col("frequency_group") == "total")
    assert groups["customers"].sum() == total["customers"].item() == 2357
    # The total row is the customer-weighted mean of the groups.
    for col in ("actual_purchases", "predicted_purchases"):
        weighted = (groups[col] * groups["customers"]).sum() / groups["customers"].sum()
        assert total[col].item() == pytest.approx(weighted)
    # More calibration purchases, more holdout purchases — predicted and actual alike.
    assert groups["predicted_purchases"].is_sorted()
    assert groups["actual_purchases"].is_sorted()
    # Over everyone the model is within 15 % of what happened.
    assert total["predicted_purchases"].item() == pytest.approx(
        total["actual_purchases"].item(), rel=0.15
    )
    with pytest.raises(ModelError, match="after the calibration"):
        holdout_comparison(cdnow_lines, calibration_end=date(1998, 1, 1), as_of=date(1998, 1, 1))


def test_trust_of_a_small_purchase_fit() -> None:
    fit = BgNbdParams(0.3, 4.0, 1.004, 2.0, -100.0, 150, 30, False, at_bounds=("b",))
    ok, reasons = model_trust(fit)
    assert not ok
    assert len(reasons) == 5  # not converged, at bound, customers, repeat customers, a ≈ 1
