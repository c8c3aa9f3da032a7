"""BG/NBD and MBG/NBD: the CDNOW reproduction, the published worked examples,
parameter recovery on simulated data, and data the models cannot be fitted on.

References
----------
Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way", Marketing Science
24(2): CDNOW estimates r = 0.243, α = 4.414, a = 0.793, b = 2.426, LL = −9582.4
(section 5); conditional expectation for x = 2, t_x = 30.43, T = 38.86, t = 39 weeks is
1.226 (Hardie's spreadsheet, the example in note 004/section 6).
Batislam, Denizel & Filiztekin (2007), MBG/NBD; CDNOW estimates r = 0.525,
α = 6.183, a = 0.891, b = 1.614 as reported by the BTYDplus R package.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from scipy.optimize import approx_fprime

from kunde_cli.analytics.clv import _optimise, bgnbd, predict
from kunde_cli.analytics.clv.bgnbd import (
    BgNbdParams,
    conditional_expected_purchases,
    expected_purchases,
    fit_bgnbd,
    fit_purchase_model,
    p_alive,
    purchases_if_alive,
)
from kunde_cli.analytics.clv.mbgnbd import fit_mbgnbd
from kunde_cli.analytics.clv.simulate import simulate_customers
from kunde_cli.analytics.clv.summary import collapse_patterns, rfm_summary
from kunde_cli.errors import ModelError

CDNOW = Path(__file__).parents[1] / "data" / "cdnow"
CALIBRATION_END = date(1997, 9, 30)


@pytest.fixture(scope="module")
def cdnow_summary() -> pl.DataFrame:
    return pl.read_csv(CDNOW / "cdnow_customers_summary.csv")


@pytest.fixture(scope="module")
def cdnow_fit(cdnow_summary: pl.DataFrame) -> BgNbdParams:
    s = cdnow_summary
    return fit_purchase_model(s["frequency"], s["recency"], s["T"])


# --- CDNOW reproduction ---------------------------------------------------------------


def test_bgnbd_reproduces_the_paper_on_cdnow(cdnow_fit: BgNbdParams) -> None:
    """Fader, Hardie & Lee (2005), section 5: r = 0.243, α = 4.414, a = 0.793, b = 2.426."""
    p = cdnow_fit
    assert (round(p.r, 3), round(p.alpha, 3), round(p.a, 3), round(p.b, 3)) == (
        0.243,
        4.414,
        0.793,
        2.426,
    )
    assert round(p.loglik, 1) == -9582.4
    assert (p.n_customers, p.n_repeat, p.converged, p.at_bounds) == (2357, 946, True, ())
    assert p.model == "bgnbd"
    assert p.time_unit_days == 7.0


def test_conditional_expectation_matches_the_published_example(cdnow_fit: BgNbdParams) -> None:
    """x = 2, t_x = 30.43, T = 38.86 weeks: 1.226 purchases expected in the next 39 weeks."""
    got = float(conditional_expected_purchases(cdnow_fit, 39, 2, 30.43, 38.86))
    assert round(got, 3) == 1.226


def test_unconditional_expectation_matches_hardies_spreadsheet(cdnow_fit: BgNbdParams) -> None:
    """E[X(t)] for a new customer (paper eq. 9), spreadsheet values to 3 decimals."""
    times = [0.1429, 1.0, 3.0, 31.8571, 32.0, 78.0]
    published = [0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576]
    np.testing.assert_allclose(expected_purchases(cdnow_fit, times), published, atol=5e-4)


def test_mbgnbd_reproduces_btydplus_on_cdnow(cdnow_summary: pl.DataFrame) -> None:
    s = cdnow_summary
    p = fit_purchase_model(s["frequency"], s["recency"], s["T"], model="mbgnbd")
    assert (round(p.r, 3), round(p.alpha, 3), round(p.a, 3), round(p.b, 3)) == (
        0.525,
        6.183,
        0.891,
        1.614,
    )
    assert p.model == "mbgnbd"
    # The two models explain CDNOW about equally well.
    assert p.loglik == pytest.approx(-9582.13, abs=0.01)


def test_rfm_summary_reproduces_the_cdnow_summary_file(
    cdnow_lines: pl.LazyFrame, cdnow_summary: pl.DataFrame
) -> None:
    """Purchase days − 1, first-to-last and first-to-as-of in weeks, as in the paper.

    The eight customers whose only purchase cost $0 are there: a zero-amount order is a
    purchase (the model counts transactions, not money).
    """
    ours = rfm_summary(cdnow_lines, as_of=CALIBRATION_END).collect()
    assert ours.height == 2357
    joined = ours.with_columns(pl.col("customer_id").cast(pl.Int64)).join(
        cdnow_summary, left_on="customer_id", right_on="ID", how="inner"
    )
    assert joined.height == ours.height
    assert (joined["repeat_purchases"] == joined["frequency"]).all()
    np.testing.assert_allclose(joined["t_x"].round(2), joined["recency"], atol=1e-9)
    np.testing.assert_allclose(joined["age"].round(2), joined["T"], atol=1e-9)


def test_fit_from_order_lines_is_close_to_the_paper(cdnow_lines: pl.LazyFrame) -> None:
    """Through the whole pipeline (lines → summary → fit): the published parameters to
    the printed digits (Fader, Hardie & Lee 2005), zero-amount purchases included."""
    p = fit_bgnbd(rfm_summary(cdnow_lines, as_of=CALIBRATION_END))
    assert p.n_customers == 2357
    assert round(p.r, 4) == 0.2426
    assert round(p.alpha, 4) == 4.4136
    assert round(p.a, 4) == 0.7929
    assert round(p.b, 4) == 2.4259
    assert round(p.loglik, 2) == -9582.43
    m = fit_mbgnbd(rfm_summary(cdnow_lines, as_of=CALIBRATION_END))
    assert m.model == "mbgnbd"
    assert m.r == pytest.approx(0.525, rel=0.02)


# --- predictions ------------------------------------------------------------------------


def test_p_alive_is_one_without_repeat_purchases_under_bgnbd_only(
    cdnow_fit: BgNbdParams, cdnow_summary: pl.DataFrame
) -> None:
    """The model property behind issue 4: BG/NBD calls every one-time buyer alive."""
    ages = [1.0, 38.86, 500.0]
    assert p_alive(cdnow_fit, [0, 0, 0], [0, 0, 0], ages).tolist() == [1.0, 1.0, 1.0]
    s = cdnow_summary
    mbg = fit_purchase_model(s["frequency"], s["recency"], s["T"], model="mbgnbd")
    # MBG/NBD: 1 / (1 + a/b · ((α+T)/α)^r) falls with age.
    alive = p_alive(mbg, [0, 0, 0], [0, 0, 0], ages)
    by_hand = 1 / (1 + mbg.a / mbg.b * ((mbg.alpha + np.array(ages)) / mbg.alpha) ** mbg.r)
    np.testing.assert_allclose(alive, by_hand, rtol=1e-12)
    assert alive[0] > alive[1] > alive[2]


def test_p_alive_by_hand(cdnow_fit: BgNbdParams) -> None:
    p = cdnow_fit
    # 1 / (1 + a/(b + x − 1) · ((α + T)/(α + t_x))^(r + x)) for x = 3, t_x = 20, T = 30
    by_hand = 1 / (1 + p.a / (p.b + 2) * ((p.alpha + 30) / (p.alpha + 20)) ** (p.r + 3))
    assert float(p_alive(p, 3, 20.0, 30.0)) == pytest.approx(by_hand, rel=1e-12)


def test_predictions_stay_finite_for_large_x_and_t(cdnow_fit: BgNbdParams) -> None:
    """Euler's transformation keeps ₂F₁ arguments small: no overflow warning (warnings are errors)."""
    x = np.array([0, 50, 400, 2000])
    t_x = np.array([0.0, 900.0, 1500.0, 1999.0])
    age = np.array([1000.0, 1000.0, 1600.0, 2000.0])
    alive = p_alive(cdnow_fit, x, t_x, age)
    expected = conditional_expected_purchases(cdnow_fit, 52.0, x, t_x, age)
    assert np.all(np.isfinite(alive))
    assert np.all((alive >= 0) & (alive <= 1))
    assert np.all(np.isfinite(expected))
    assert np.all(expected >= 0)
    # A customer who bought 2000 times in 2000 weeks and last week is alive and keeps
    # buying about once a week: close to 52 purchases in 52 weeks.
    assert expected[-1] == pytest.approx(52.0, rel=0.05)


def test_conditional_expectation_at_zero_horizon_is_zero(cdnow_fit: BgNbdParams) -> None:
    assert float(purchases_if_alive(cdnow_fit, 0.0, 3, 20.0)) == 0.0


def test_p_alive_between_zero_and_one_on_a_grid(cdnow_fit: BgNbdParams) -> None:
    x, t_x, age = np.meshgrid(np.arange(0, 100, 10), np.arange(0, 100, 10), [100.0])
    t_x = np.where(x == 0, 0.0, t_x)
    alive = p_alive(cdnow_fit, x, t_x, age)
    assert np.all((alive >= 0) & (alive <= 1))


# --- likelihood mechanics -------------------------------------------------------------


@pytest.mark.parametrize("model", ["bgnbd", "mbgnbd"])
def test_analytic_gradient_matches_finite_differences(
    cdnow_summary: pl.DataFrame, model: str
) -> None:
    s = cdnow_summary
    shift = 0 if model == "bgnbd" else 1
    d = bgnbd._prepare(
        s["frequency"].to_numpy().astype(float),
        s["recency"].to_numpy(),
        s["T"].to_numpy(),
        np.ones(s.height),
        shift,
    )
    at = np.array([0.3, 3.0, 0.8, 2.0])
    analytic = bgnbd._loglik_and_grad(at, d, shift)[1]
    numeric = approx_fprime(at, lambda v: bgnbd._loglik_and_grad(v, d, shift)[0], 1e-7)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-4)


def test_collapsed_patterns_give_the_same_loglik(cdnow_summary: pl.DataFrame) -> None:
    """One weighted term per distinct (x, t_x, T) equals one term per customer."""
    s = cdnow_summary
    params = [0.243, 4.414, 0.793, 2.426]
    per_customer = bgnbd.loglik(params, s["frequency"], s["recency"], s["T"])
    patterns = collapse_patterns(
        s.select(
            pl.col("frequency").alias("repeat_purchases"),
            pl.col("recency").alias("t_x"),
            pl.col("T").alias("age"),
        )
    )
    assert patterns.height < s.height
    weighted = bgnbd.loglik(
        params,
        patterns["repeat_purchases"],
        patterns["t_x"],
        patterns["age"],
        patterns["customers"],
    )
    assert weighted == pytest.approx(per_customer, rel=1e-12)
    assert per_customer == pytest.approx(-9582.4, abs=0.05)


def test_time_unit_only_rescales_alpha(cdnow_summary: pl.DataFrame) -> None:
    """Days instead of weeks: α × 7, the same r, a, b; LL − Σ x · ln 7 (a rate density per purchase)."""
    s = cdnow_summary
    weeks = fit_purchase_model(s["frequency"], s["recency"], s["T"])
    days = fit_purchase_model(s["frequency"], s["recency"] * 7, s["T"] * 7, time_unit_days=1.0)
    assert days.alpha == pytest.approx(weeks.alpha * 7, rel=1e-5)
    assert (days.r, days.a, days.b) == pytest.approx((weeks.r, weeks.a, weeks.b), rel=1e-5)
    assert days.loglik == pytest.approx(weeks.loglik - s["frequency"].sum() * np.log(7), rel=1e-9)
    # Predictions agree once the horizon is in the right unit.
    assert float(conditional_expected_purchases(days, 39 * 7, 2, 30.43 * 7, 38.86 * 7)) == (
        pytest.approx(float(conditional_expected_purchases(weeks, 39, 2, 30.43, 38.86)), rel=1e-5)
    )


# --- parameter recovery -----------------------------------------------------------------


@pytest.mark.parametrize("model", ["bgnbd", "mbgnbd"])
def test_parameters_are_recovered_from_simulated_customers(model: str) -> None:
    """50,000 customers aged 0–78 weeks drawn from known parameters come back within 12 %.

    More than 20,000 distinct histories, so the starting points are screened on a sample
    and the best is polished on all the data.
    """
    rng = np.random.default_rng(7)
    true = {"r": 0.5, "alpha": 4.0, "a": 0.8, "b": 2.5}
    sim = simulate_customers(rng.uniform(0, 78, 50_000), model=model, seed=11, **true)
    fit = fit_purchase_model(sim.x, sim.t_x, sim.age, model=model)
    assert fit.converged
    for name, value in true.items():
        assert getattr(fit, name) == pytest.approx(value, rel=0.12), name


def test_screening_gives_the_exact_full_data_optimum(monkeypatch: pytest.MonkeyPatch) -> None:
    """Screening starting points on a sample must not change the answer."""
    rng = np.random.default_rng(3)
    sim = simulate_customers(rng.uniform(0, 100, 30_000), r=0.3, alpha=5.0, a=1.2, b=3.0, seed=5)
    screened = fit_purchase_model(sim.x, sim.t_x, sim.age)
    monkeypatch.setattr(_optimise, "SCREEN_ROWS", 10**9)
    direct = fit_purchase_model(sim.x, sim.t_x, sim.age)
    for name in ("r", "alpha", "a", "b"):
        assert getattr(screened, name) == pytest.approx(getattr(direct, name), rel=1e-5)
    assert screened.loglik == pytest.approx(direct.loglik, rel=1e-10)


@pytest.mark.slow
def test_parameters_are_recovered_at_scale() -> None:
    """500,000 customers over three years, purchase days on a day grid: within 3 %."""
    rng = np.random.default_rng(1)
    true = {"r": 0.25, "alpha": 4.0, "a": 0.8, "b": 2.5}
    sim = simulate_customers(rng.integers(0, 1096, 500_000) / 7, resolution=1 / 7, seed=2, **true)
    frame = pl.DataFrame({"repeat_purchases": sim.x, "t_x": sim.t_x, "age": sim.age})
    fit = fit_bgnbd(frame)
    for name, value in true.items():
        assert getattr(fit, name) == pytest.approx(value, rel=0.03), name


# --- data the model cannot be fitted on -------------------------------------------------


def lines_from(rows: list[tuple[str, datetime]]) -> pl.LazyFrame:
    return pl.LazyFrame(
        {
            "customer_id": [c for c, _ in rows],
            "order_id": [str(i) for i in range(len(rows))],
            "line_no": [1] * len(rows),
            "order_date": [d for _, d in rows],
            "amount": [100.0] * len(rows),
            "status": ["paid"] * len(rows),
        },
        schema_overrides={"line_no": pl.Int32, "order_date": pl.Datetime("us")},
    )


def test_no_repeat_customers_is_a_clear_error() -> None:
    rows = [(f"c{i}", datetime(2024, 1, 1 + i)) for i in range(30)]
    with pytest.raises(ModelError, match="no customer has bought on more than one day"):
        predict.predict_clv(lines_from(rows), as_of=date(2024, 6, 1))


def test_one_customer_is_a_clear_error() -> None:
    rows = [("solo", datetime(2024, 1, d)) for d in (1, 8, 15, 22)]
    with pytest.raises(ModelError, match="only 1 customer"):
        predict.predict_clv(lines_from(rows), as_of=date(2024, 6, 1))


def test_all_purchases_on_one_day_is_a_clear_error() -> None:
    # Several orders each, but all on the same day: no repeat purchase day, no time span.
    rows = [(f"c{i}", datetime(2024, 3, 1, 9 + i % 8)) for i in range(60)]
    with pytest.raises(ModelError, match="all purchases are on the last day"):
        predict.predict_clv(lines_from(rows), as_of=date(2024, 3, 1))
    with pytest.raises(ModelError, match="no customer has bought on more than one day"):
        predict.predict_clv(lines_from(rows), as_of=date(2024, 4, 1))


def test_too_few_repeat_customers_is_a_clear_error() -> None:
    rows = [(f"c{i}", datetime(2024, 1, 1)) for i in range(40)]
    rows += [("c1", datetime(2024, 2, 1)), ("c2", datetime(2024, 2, 3))]
    with pytest.raises(ModelError, match="only 2 customer"):
        predict.predict_clv(lines_from(rows), as_of=date(2024, 6, 1))


def test_empty_and_impossible_histories_are_refused() -> None:
    with pytest.raises(ModelError, match="no customers"):
        fit_purchase_model([], [], [])
    with pytest.raises(ModelError, match="impossible"):
        fit_purchase_model([1, 0] * 10, [5.0, 0.0] * 10, [4.0, 3.0] * 10)  # t_x > T
    with pytest.raises(ModelError, match="unknown purchase model"):
        fit_purchase_model([1], [1.0], [2.0], model="pareto")


def test_parameters_at_a_bound_are_refused_unless_asked_for() -> None:
    """Nobody ever drops out (p ≈ 0): the drop-out parameters run off, and the fit says so."""
    rng = np.random.default_rng(3)
    sim = simulate_customers(rng.uniform(0, 78, 5000), r=0.5, alpha=4.0, a=0.001, b=1000, seed=3)
    with pytest.raises(ModelError, match="edge of its range"):
        fit_purchase_model(sim.x, sim.t_x, sim.age)
    loose = fit_purchase_model(sim.x, sim.t_x, sim.age, strict=False)
    assert loose.at_bounds  # a → 0 or b → ∞: either way p ≈ 0
    assert set(loose.at_bounds) <= {"a", "b"}
    ok, reasons = predict.model_trust(loose)
    assert not ok
    assert any("edge" in r for r in reasons)


def test_homogeneous_dropout_is_the_models_limit_not_a_failed_fit():
    """The bundled sample shop: customers drop out with nearly the same p, so b runs to
    the a/b search bound while p = a / (a + b) stays well determined. That is the
    model's homogeneous limit, trusted, with finite predictions — not a failed fit."""
    from kunde_cli.analytics.clv import model_trust
    from kunde_cli.analytics.clv.bgnbd import LOG_BOUND_AB, _dropout_cv
    from kunde_cli.ingest import read_orders

    sample = Path(__file__).resolve().parents[2] / "sample_data" / "ordrer.csv"
    lines = read_orders(sample).frame.lazy()
    summary = rfm_summary(lines, as_of=date(2026, 10, 31))
    params = fit_bgnbd(summary, strict=True)
    assert params.b == pytest.approx(np.exp(LOG_BOUND_AB), rel=0.01)
    assert params.at_bounds == ()
    assert _dropout_cv(params.a, params.b) < 0.25
    ok, reasons = model_trust(params)
    assert ok, reasons
    x, t_x, age = (summary.collect()[c].to_numpy() for c in ("repeat_purchases", "t_x", "age"))
    alive = p_alive(params, x.astype(float), t_x, age)
    assert np.isfinite(alive).all() and ((alive >= 0) & (alive <= 1)).all()


def test_dropout_cv_by_hand():
    from kunde_cli.analytics.clv.bgnbd import _dropout_cv

    # Beta(1, 3): mean 1/4, variance 1·3 / (4² · 5) = 0.0375, sd 0.19365, CV 0.77460.
    assert _dropout_cv(1.0, 3.0) == pytest.approx(0.0375**0.5 / 0.25)
    # a = 0.5, b = 1100 (b at the bound): p is spread out, so that fit is still refused.
    assert _dropout_cv(0.5, 1100.0) > HOMOGENEOUS_CV_LIMIT


HOMOGENEOUS_CV_LIMIT = 0.25
