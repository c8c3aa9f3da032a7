"""When to trust a purchase or spend fit: the flat-likelihood check, and the trust
checks every caller (--model, --holdout, the report) shares.

The flat-likelihood check (kunde_cli/analytics/clv/identification.py) calls a parameter
poorly identified when its plausible range (log-likelihood within 1.92 of the maximum)
spans a factor of 10 or more *and* some customer's P(alive) moves by more than 0.1
across it. Checked here on an exactly quadratic toy likelihood (ranges by hand), on
CDNOW (identified), and on simulated shops with and without a drop-out signal.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from scipy.optimize import minimize
from scipy.special import expit

from kunde_cli.analytics.clv import bgnbd, predict
from kunde_cli.analytics.clv.bgnbd import BgNbdParams, fit_bgnbd, fit_purchase_model, p_alive
from kunde_cli.analytics.clv.identification import (
    PLAUSIBLE_LL_DROP,
    Identification,
    PlausibleRange,
    identify,
)
from kunde_cli.analytics.clv.simulate import simulate_customers
from kunde_cli.analytics.clv.summary import rfm_summary
from kunde_cli.analytics.clv.trust import model_trust, trust_checks

CDNOW = Path(__file__).parents[1] / "data" / "cdnow"
AS_OF = date(2025, 12, 31)
#: Same buying rate, two drop-out processes. Mean drop-out probability 1 % after each
#: purchase: a year of data carries almost no drop-out signal, so a and b float.
NO_DROPOUT_SIGNAL = {"r": 1.0, "alpha": 10.0, "a": 0.02, "b": 2.0}
#: Drop-out probability Beta(0.8, 2.5), mean 24 %: plenty of signal.
CLEAR_DROPOUT = {"r": 1.0, "alpha": 10.0, "a": 0.8, "b": 2.5}


def simulated_lines(n: int, *, r: float, alpha: float, a: float, b: float, seed: int = 4):
    """Order lines of ``n`` BG/NBD customers who started within the year before AS_OF.

    Purchase days: the first (day 0), the last (t_x, whole days), and x − 1 distinct
    days in between, so the RFM summary gives back the simulated (x, t_x, T).
    """
    rng = np.random.default_rng(seed)
    age_days = rng.integers(0, 364, n)
    sim = simulate_customers(age_days / 7, r=r, alpha=alpha, a=a, b=b, resolution=1 / 7, seed=seed)
    tx_days = np.round(sim.t_x * 7).astype(int)
    customers: list[str] = []
    days: list[date] = []
    for i in range(n):
        tx = int(tx_days[i])
        x = min(int(sim.x[i]), tx)  # at most one purchase day per day
        middle = rng.choice(np.arange(1, tx), size=x - 1, replace=False).tolist() if x > 1 else []
        first = AS_OF - timedelta(days=int(age_days[i]))
        own = [0, *middle, tx] if x > 0 else [0]
        customers += [f"K{i:05d}"] * len(own)
        days += [first + timedelta(days=d) for d in own]
    k = len(days)
    return pl.LazyFrame(
        {
            "customer_id": customers,
            "order_id": [str(j) for j in range(k)],
            "line_no": [1] * k,
            "order_date": [datetime(d.year, d.month, d.day) for d in days],
            "amount": np.round(rng.gamma(6.0, 50.0, k), 2),
            "status": ["paid"] * k,
        },
        schema_overrides={"line_no": pl.Int32, "order_date": pl.Datetime("us")},
    )


@pytest.fixture(scope="module")
def flat_summary() -> pl.DataFrame:
    return rfm_summary(simulated_lines(2000, **NO_DROPOUT_SIGNAL), as_of=AS_OF).collect()


@pytest.fixture(scope="module")
def clear_summary() -> pl.DataFrame:
    return rfm_summary(simulated_lines(2000, **CLEAR_DROPOUT), as_of=AS_OF).collect()


@pytest.fixture(scope="module")
def cdnow_fit() -> BgNbdParams:
    s = pl.read_csv(CDNOW / "cdnow_customers_summary.csv")
    return fit_purchase_model(s["frequency"], s["recency"], s["T"])


# --- the ranges on a likelihood computed by hand ---------------------------------------


def quadratic(curvature: list[float]):
    """−LL = ½ Σ cⱼ θⱼ² (per customer, one customer): the optimum is 0, se_j = 1/√cⱼ."""
    c = np.array(curvature)

    def objective(theta):
        return 0.5 * float(np.sum(c * theta**2)), c * theta

    return objective


def test_ranges_on_a_quadratic_likelihood_by_hand() -> None:
    # se = (0.1, 10): θ₀'s Wald range ±0.196 spans e^0.392 = 1.48×, narrow; θ₁'s spans
    # e^39.2×, wide, so it is explored on the likelihood — exactly quadratic, the drop is
    # ½ t² along it and the explored ends are ±1.96 · 10 = ±19.6.
    ident = identify(
        np.zeros(2),
        quadratic([100.0, 0.01]),
        1.0,
        [(-30.0, 30.0)] * 2,
        ("u", "v"),
        lambda j, v: float(np.exp(v)),
        lambda theta: np.array([expit(theta[1])]),
    )
    u, v = ident.ranges
    assert (u.explored, v.explored) == (False, True)
    assert u.low == pytest.approx(np.exp(-0.1 * 1.959964), rel=1e-6)
    assert u.high == pytest.approx(np.exp(0.1 * 1.959964), rel=1e-6)
    assert np.log(v.low) == pytest.approx(-19.59964, rel=1e-6)
    assert np.log(v.high) == pytest.approx(19.59964, rel=1e-6)
    assert ident.log_std_errors == pytest.approx((0.1, 10.0), rel=1e-6)
    assert ident.condition == pytest.approx(100.0 / 0.01, rel=1e-6)
    # P(alive) = expit(θ₁) moves from 0.5 to expit(19.6) ≈ 1: material, so flat.
    assert v.p_alive_shift == pytest.approx(0.5, abs=1e-6)
    assert ident.flat == ("v",)
    assert pytest.approx(3.841459 / 2, rel=1e-6) == PLAUSIBLE_LL_DROP  # χ²₁(0.95) / 2


def test_a_wide_range_that_moves_no_prediction_is_not_flat() -> None:
    ident = identify(
        np.zeros(2),
        quadratic([100.0, 0.01]),
        1.0,
        [(-30.0, 30.0)] * 2,
        ("u", "v"),
        lambda j, v: float(np.exp(v)),
        lambda theta: np.array([0.3 + 0.0 * theta[1]]),
    )
    assert ident.range_of("v").factor > 1e6
    assert ident.range_of("v").p_alive_shift == 0.0
    assert ident.flat == ()


def test_exploration_stops_at_the_search_bounds() -> None:
    ident = identify(
        np.zeros(2),
        quadratic([100.0, 0.01]),
        1.0,
        [(-30.0, 30.0), (-5.0, 7.0)],
        ("u", "v"),
        lambda j, v: float(np.exp(v)),
        lambda theta: np.array([expit(theta[1])]),
    )
    v = ident.range_of("v")
    assert (np.log(v.low), np.log(v.high)) == pytest.approx((-5.0, 7.0))


# --- real fits ------------------------------------------------------------------------------


def test_cdnow_is_identified_and_trusted(cdnow_fit: BgNbdParams) -> None:
    ident = cdnow_fit.identification
    assert ident is not None
    assert ident.flat == ()
    for r in ident.ranges:
        estimate = getattr(cdnow_fit, r.name)
        assert r.low < estimate < r.high
        assert r.factor < 10  # a: 0.50–1.25, b: 1.37–4.29
        assert not r.explored
    # Standard errors on the log scale, from the Hessian: lifetimes reports
    # se(a) = 0.185 and se(b) = 0.705 for CDNOW, i.e. about 0.23 and 0.29 on the log scale.
    se = dict(zip(("r", "alpha", "a", "b"), ident.log_std_errors, strict=True))
    assert se["a"] == pytest.approx(0.185 / 0.793, rel=0.1)
    assert se["b"] == pytest.approx(0.705 / 2.426, rel=0.1)
    assert model_trust(cdnow_fit) == (True, [])
    names = [c.name for c in trust_checks(cdnow_fit)]
    assert names == [
        "converged",
        "inside_range",
        "customers",
        "repeat_customers",
        "a_not_1",
        "identified",
    ]


def _profile_loglik(summary: pl.DataFrame, name: str, value: float, start: BgNbdParams) -> float:
    """The profile log-likelihood: ``name`` fixed at ``value``, the other three re-optimised
    (Nelder-Mead on the log scale; independent of the code under test)."""
    x = summary["repeat_purchases"].to_numpy().astype(float)
    t_x, age = summary["t_x"].to_numpy(), summary["age"].to_numpy()
    names = ["r", "alpha", "a", "b"]
    free = [n for n in names if n != name]

    def negative(theta):
        values = dict(zip(free, np.exp(theta), strict=True)) | {name: value}
        with np.errstate(all="ignore"):
            ll = bgnbd.loglik([values[n] for n in names], x, t_x, age)
        return -ll if np.isfinite(ll) else 1e300

    theta0 = np.log([getattr(start, n) for n in free])
    best = minimize(negative, theta0, method="Nelder-Mead", options={"xatol": 1e-6, "fatol": 1e-6})
    return -float(best.fun)


def test_no_dropout_signal_makes_a_flat_likelihood(flat_summary: pl.DataFrame) -> None:
    fit = fit_bgnbd(flat_summary, strict=True)  # converged, inside its range ...
    assert fit.converged and fit.at_bounds == ()
    ident = fit.identification
    assert ident is not None
    assert ident.flat == ("a", "b")  # ... and yet a and b float
    for name in ("a", "b"):
        span = ident.range_of(name)
        assert span.explored
        assert span.factor > 100
        assert span.p_alive_shift > 0.1
        # Each end really is plausible: with the others re-optimised, the log-likelihood
        # there is within 1.92 of the maximum.
        for end in (span.low, span.high):
            assert _profile_loglik(flat_summary, name, end, fit) >= fit.loglik - PLAUSIBLE_LL_DROP
    # And P(alive) really moves across a's range: at the low end of a (others
    # re-optimised by hand), some customer's P(alive) differs by more than 0.1.
    x = flat_summary["repeat_purchases"].to_numpy().astype(float)
    t_x, age = flat_summary["t_x"].to_numpy(), flat_summary["age"].to_numpy()
    low_a = ident.range_of("a").low

    def negative(theta):
        r, al, b = np.exp(theta)
        with np.errstate(all="ignore"):
            return -bgnbd.loglik([r, al, low_a, b], x, t_x, age)

    best = minimize(negative, np.log([fit.r, fit.alpha, fit.b]), method="Nelder-Mead")
    r, al, b = np.exp(best.x)
    there = BgNbdParams(r, al, low_a, b, 0.0, fit.n_customers, fit.n_repeat, True)
    moved = np.abs(p_alive(there, x, t_x, age) - p_alive(fit, x, t_x, age))
    assert moved.max() > 0.1
    ok, reasons = model_trust(fit)
    assert not ok
    assert len(reasons) == 1
    assert reasons[0].startswith("the data hardly pin down a and b: a from ")
    assert "P(alive) moves by up to" in reasons[0]


def test_a_clear_dropout_signal_is_identified(clear_summary: pl.DataFrame) -> None:
    fit = fit_bgnbd(clear_summary)
    ident = fit.identification
    assert ident is not None
    assert ident.flat == ()
    assert all(r.factor < 10 for r in ident.ranges)
    assert model_trust(fit) == (True, [])


def test_mbgnbd_gets_the_same_check(flat_summary: pl.DataFrame) -> None:
    fit = fit_purchase_model(
        flat_summary["repeat_purchases"],
        flat_summary["t_x"],
        flat_summary["age"],
        model="mbgnbd",
        strict=False,
    )
    assert fit.identification is not None
    assert not model_trust(fit)[0]


def test_hand_made_parameters_have_no_identification_check() -> None:
    fit = BgNbdParams(0.24, 4.4, 0.79, 2.4, -9582.4, 2357, 946, True)
    assert fit.identification is None
    assert "identified" not in [c.name for c in trust_checks(fit)]


def test_flat_reason_names_only_the_flat_parameters() -> None:
    ident = Identification(
        ranges=(
            PlausibleRange("r", 0.2, 0.3, False),
            PlausibleRange("alpha", 4.0, 5.0, False),
            PlausibleRange("a", 0.0001, 0.3, True, 0.26),
            PlausibleRange("b", 1.0, 3.0, True, 0.02),
        ),
        log_std_errors=(0.05, 0.05, 3.0, 0.3),
        condition=1e5,
        flat=("a",),
    )
    fit = BgNbdParams(0.24, 4.4, 0.01, 2.0, -1.0, 4300, 900, True, identification=ident)
    ok, reasons = model_trust(fit)
    assert not ok
    assert reasons == [
        "the data hardly pin down a: a from 0.0001 to 0.3 fit almost equally well "
        "(log-likelihood within 1.92 of the best), and across that range one customer's "
        "P(alive) moves by up to 0.26"
    ]


# --- predictions: the two models are judged apart, and --holdout judges like --model -------


def test_only_the_spend_model_failing_keeps_the_purchase_prediction() -> None:
    """Spend per purchase grows with the number of purchases: Gamma-Gamma is not trusted,
    BG/NBD is, so P(alive) and expected purchases stay and the money columns go."""
    lines = simulated_lines(2000, **CLEAR_DROPOUT)
    orders_per_customer = pl.len().over("customer_id")
    lines = lines.with_columns((pl.col("amount") * orders_per_customer).alias("amount"))
    result = predict.predict_clv(lines, as_of=AS_OF)
    assert (result.purchase_trusted, result.spend_trusted, result.trusted) == (True, False, False)
    assert result.spend_model is not None
    assert result.spend_model.spend_frequency_corr > 0.3
    assert any("rises with purchase frequency" in r for r in result.reasons)
    columns = result.customers.columns
    assert {"p_alive", "expected_purchases"} <= set(columns)
    assert not {"expected_spend", "predicted_clv", "value_at_risk"} & set(columns)
    # The purchase prediction is the one the purchase model alone gives.
    alone = predict.predict_purchases(lines, as_of=AS_OF)
    both = result.customers.join(alone.customers, on="customer_id", suffix="_alone")
    assert both.height == result.customers.height
    assert (both["p_alive"] == both["p_alive_alone"]).all()


def test_a_spend_model_that_cannot_be_fitted_keeps_the_purchase_prediction() -> None:
    """Every repeat purchase is free: no spend to model, but purchases to predict."""
    lines = simulated_lines(2000, **CLEAR_DROPOUT)
    first = pl.col("order_date") == pl.col("order_date").min().over("customer_id")
    lines = lines.with_columns(pl.when(first).then(pl.col("amount")).otherwise(0.0).alias("amount"))
    result = predict.predict_clv(lines, as_of=AS_OF)
    assert result.purchase_trusted and not result.spend_trusted
    assert result.spend_model is None
    assert result.spend_error is not None
    assert result.reasons[-1].startswith("the spend model could not be fitted: only 0 customer")
    assert "p_alive" in result.customers.columns
    assert "predicted_clv" not in result.customers.columns


def test_an_untrusted_purchase_fit_predicts_nothing(flat_summary: pl.DataFrame) -> None:
    lines = simulated_lines(2000, **NO_DROPOUT_SIGNAL)
    result = predict.predict_purchases(lines, as_of=AS_OF)
    assert not result.trusted and not result.purchase_trusted
    assert result.reasons[0].startswith("the data hardly pin down a and b")
    assert "p_alive" not in result.customers.columns
    assert result.customers.height == flat_summary.height


def test_holdout_and_model_judge_with_the_same_checks() -> None:
    """The calibration fit of --holdout is the fit --model would make on the same lines."""
    lines = simulated_lines(2000, **NO_DROPOUT_SIGNAL)
    calibration_end = AS_OF - timedelta(days=91)
    _, holdout_fit = predict.holdout_comparison(lines, calibration_end=calibration_end, as_of=AS_OF)
    model_fit = predict.predict_purchases(lines, as_of=calibration_end).purchase_model
    assert holdout_fit == model_fit
    assert trust_checks(holdout_fit) == trust_checks(model_fit)
    assert not model_trust(holdout_fit)[0]
