"""Month-by-month value (analytics/clv/monthly.py) and parameter draws (uncertainty.py).

By hand: months add up to the conditional expectation over the whole horizon, the
discount of each month, the spend weights, the month boundaries. By simulation with
KNOWN parameters: the 90 % range of the 12-month expected purchases covers the
expectation under the true parameters in at least 85 % of 200 simulated shops.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
from datetime import date

import numpy as np
import polars as pl
import pytest

from kunde_cli.analytics.clv.bgnbd import (
    BgNbdParams,
    conditional_expected_purchases,
    fit_purchase_model,
)
from kunde_cli.analytics.clv.gamma_gamma import (
    GammaGammaParams,
    expected_average_spend,
    fit_spend_model,
)
from kunde_cli.analytics.clv.identification import Identification
from kunde_cli.analytics.clv.monthly import (
    CUSTOMERS,
    GROUP,
    MONTH,
    MONTH_END,
    MONTH_START,
    PURCHASES,
    PURCHASES_HIGH,
    PURCHASES_LOW,
    REVENUE,
    REVENUE_HIGH,
    REVENUE_LOW,
    month_bounds,
    monthly_discount,
    monthly_value,
)
from kunde_cli.analytics.clv.predict import fit_record, params_of_record, predict_customers
from kunde_cli.analytics.clv.simulate import SimulatedCustomers, simulate_customers
from kunde_cli.analytics.clv.summary import DAYS_PER_MONTH
from kunde_cli.analytics.clv.uncertainty import (
    draw_purchase_params,
    draw_spend_params,
    has_covariance,
    interval,
)
from kunde_cli.errors import ModelError

AS_OF = date(2024, 12, 31)
#: The CDNOW fits (Fader, Hardie & Lee 2005; Fader & Hardie 2013), weeks and dollars.
CDNOW = BgNbdParams(
    r=0.243, alpha=4.414, a=0.793, b=2.426, loglik=0.0, n_customers=2357, n_repeat=1,
    converged=True,
)  # fmt: skip
SPEND = GammaGammaParams(
    p=6.25, q=3.74, gamma=15.44, loglik=0.0, n_customers=946, converged=True,
    spend_frequency_corr=0.11,
)  # fmt: skip
MONTH_WEEKS = DAYS_PER_MONTH / 7


def customers() -> pl.DataFrame:
    """Four customers (weeks, dollars): two share a pattern, one never came back."""
    return pl.DataFrame(
        {
            "customer_id": ["a", "b", "c", "d"],
            "repeat_purchases": [2, 2, 0, 5],
            "t_x": [30.43, 30.43, 0.0, 20.0],
            "age": [38.86, 38.86, 10.0, 30.0],
            "mean_repeat_spend": [22.35, 40.0, None, 10.0],
        }
    )


def test_months_add_up_to_the_horizons_conditional_expectation():
    table = monthly_value(customers(), CDNOW, as_of=AS_OF, months=12).table
    rows = table.filter(pl.col(MONTH).is_not_null())
    frame = customers()
    x, t_x, age = (frame[c].to_numpy() for c in ("repeat_purchases", "t_x", "age"))
    for m in (1, 5, 12):
        by_hand = conditional_expected_purchases(CDNOW, m * MONTH_WEEKS, x, t_x, age).sum()
        assert rows[PURCHASES][:m].sum() == pytest.approx(by_hand, rel=1e-10)
    whole = table.filter(pl.col(MONTH).is_null())
    assert whole[PURCHASES][0] == pytest.approx(rows[PURCHASES].sum(), rel=1e-12)
    # The published check: x = 2, t_x = 30.43, T = 38.86 expects 1.226 in 39 weeks;
    # the two customers sharing that history count twice.
    assert conditional_expected_purchases(CDNOW, 39, 2, 30.43, 38.86) == pytest.approx(
        1.226, abs=5e-4
    )
    # Each month's purchases decrease (customers drop out), all positive.
    assert (rows[PURCHASES].diff().drop_nulls() < 0).all()
    assert (rows[PURCHASES] > 0).all()


def test_revenue_is_purchases_times_spend_discounted_by_hand():
    frame = customers().filter(pl.col("customer_id") == "a")
    table = monthly_value(frame, CDNOW, SPEND, as_of=AS_OF, months=3, discount_yearly=0.10)
    rows = table.table.filter(pl.col(MONTH).is_not_null())
    # Spend per purchase (Fader & Hardie 2013, eq. 5): (6.25·15.44 + 6.25·2·22.35)
    # / (6.25·2 + 3.74 − 1) = (96.5 + 279.375) / 15.24 = 24.6637...
    spend = (6.25 * 15.44 + 6.25 * 2 * 22.35) / (12.5 + 2.74)
    assert spend == pytest.approx(24.6637, abs=1e-4)
    # 10 % a year is (1.1)^(1/12) − 1 = 0.7974 % a month.
    d = 1.1 ** (1 / 12) - 1
    assert monthly_discount(0.10) == pytest.approx(d) == pytest.approx(0.0079741, abs=1e-7)
    for m, (purchases, revenue) in enumerate(rows.select(PURCHASES, REVENUE).rows(), start=1):
        assert revenue == pytest.approx(spend * purchases / (1 + d) ** m, rel=1e-10)
    # No discount: revenue is spend × purchases.
    flat = monthly_value(frame, CDNOW, SPEND, as_of=AS_OF, months=3, discount_yearly=0.0)
    plain = flat.table.filter(pl.col(MONTH).is_null())
    assert plain[REVENUE][0] == pytest.approx(spend * plain[PURCHASES][0], rel=1e-10)


def test_twelve_months_revenue_is_the_predicted_clv_of_clv_model():
    """The same months and discount as `kunde clv --model`: the shop's 12 months of
    revenue are the sum of the customers' predicted CLV over 12 months."""
    d = monthly_discount(0.10)
    clv = predict_customers(customers(), CDNOW, SPEND, horizon_months=12, discount_monthly=d)
    table = monthly_value(customers(), CDNOW, SPEND, as_of=AS_OF, discount_yearly=0.10).table
    whole = table.filter(pl.col(MONTH).is_null())
    assert whole[REVENUE][0] == pytest.approx(clv["predicted_clv"].sum(), rel=1e-10)
    assert whole[PURCHASES][0] == pytest.approx(clv["expected_purchases"].sum(), rel=1e-10)


def test_month_bounds_are_30_44_days_from_as_of():
    bounds = month_bounds(date(2024, 12, 31), 12)
    assert bounds[0] == (date(2025, 1, 1), date(2025, 1, 30))  # floor(30.4375) = 30 days
    assert bounds[1] == (date(2025, 1, 31), date(2025, 3, 1))  # floor(60.875) = 60
    assert bounds[-1][1] == date(2025, 12, 31)  # floor(365.25) = 365 days
    # Consecutive: each month starts the day after the previous one ends.
    assert all((b[0] - a[1]).days == 1 for a, b in itertools.pairwise(bounds))
    table = monthly_value(customers(), CDNOW, as_of=date(2024, 12, 31), months=12).table
    assert table[MONTH_START][0] == date(2025, 1, 1)
    assert table[MONTH_END][-1] == date(2025, 12, 31)


def test_groups_add_up_to_the_shop_and_keep_their_order():
    groups = pl.DataFrame({"customer_id": ["a", "b", "c"], "segment": ["lost", "champion", "lost"]})
    result = monthly_value(
        customers(), CDNOW, SPEND, as_of=AS_OF, groups=groups, group_order=("champion", "lost")
    )
    table = result.table
    assert table[GROUP].unique(maintain_order=True).to_list() == [
        "total",
        "champion",
        "lost",
        "none",  # customer d has no segment
    ]
    whole = table.filter(pl.col(MONTH).is_null())
    assert whole[CUSTOMERS].to_list() == [4, 1, 2, 1]
    for column in (PURCHASES, REVENUE):
        assert whole[column][0] == pytest.approx(whole[column][1:].sum(), rel=1e-12)
    # Per month too.
    per_month = table.filter(pl.col(MONTH) == 7)
    assert per_month[PURCHASES][0] == pytest.approx(per_month[PURCHASES][1:].sum(), rel=1e-12)
    # The group "champion" is customer b alone: her own numbers.
    alone = monthly_value(customers().filter(pl.col("customer_id") == "b"), CDNOW, as_of=AS_OF)
    assert whole[PURCHASES][1] == pytest.approx(alone.table[PURCHASES][-1], rel=1e-12)


def test_without_a_covariance_there_are_no_ranges():
    result = monthly_value(customers(), CDNOW, SPEND, as_of=AS_OF)
    assert not has_covariance(CDNOW) and result.draws == 0
    assert result.table[PURCHASES_LOW].null_count() == result.table.height
    with pytest.raises(ModelError, match="no uncertainty"):
        draw_purchase_params(CDNOW, 10, seed=1)


def test_bad_horizon_discount_and_no_customers_are_refused():
    with pytest.raises(ModelError):
        monthly_value(customers(), CDNOW, as_of=AS_OF, months=0)
    with pytest.raises(ModelError):
        monthly_value(customers(), CDNOW, as_of=AS_OF, discount_yearly=-0.1)
    with pytest.raises(ModelError):
        monthly_value(customers().clear(), CDNOW, as_of=AS_OF)


def test_draws_follow_the_covariance_and_are_deterministic():
    cov = np.diag([0.01, 0.04, 0.09, 0.16])
    cov[0, 1] = cov[1, 0] = 0.015  # corr(ln r, ln α) = 0.75
    ident = Identification((), (0.1, 0.2, 0.3, 0.4), 1.0, (), tuple(map(tuple, cov)))
    fit = dataclasses.replace(CDNOW, identification=ident)
    draws = draw_purchase_params(fit, 4000, seed=7)
    logs = np.log([[d.r, d.alpha, d.a, d.b] for d in draws])
    assert logs.mean(axis=0) == pytest.approx(np.log([0.243, 4.414, 0.793, 2.426]), abs=0.02)
    assert np.cov(logs.T) == pytest.approx(cov, abs=0.01)
    assert draws[0] == draw_purchase_params(fit, 4000, seed=7)[0]
    assert draws[0] != draw_purchase_params(fit, 4000, seed=8)[0]
    low, high = interval(logs[:, 0])
    assert float(low) == pytest.approx(np.log(0.243) - 1.645 * 0.1, abs=0.01)
    assert float(high) == pytest.approx(np.log(0.243) + 1.645 * 0.1, abs=0.01)


def test_fits_keep_their_covariance_through_the_fit_cache():
    rng = np.random.default_rng(5)
    sim = simulate_customers(
        rng.integers(7, 365, 800) / 7, r=0.5, alpha=8, a=0.8, b=2.5, p=6, q=4, gamma=150,
        resolution=1 / 7, seed=5,
    )  # fmt: skip
    purchase = fit_purchase_model(sim.x, sim.t_x, sim.age)
    spend = fit_spend_model(sim.x, sim.mean_spend)
    assert has_covariance(purchase) and has_covariance(spend)
    # The diagonal is the squared standard errors the identification reports.
    cov = np.array(purchase.identification.log_covariance)
    assert np.sqrt(np.diag(cov)) == pytest.approx(purchase.identification.log_std_errors)
    for fit, cls in ((purchase, BgNbdParams), (spend, GammaGammaParams)):
        kept = params_of_record(json.loads(json.dumps(fit_record(fit))), cls)
        assert kept == fit
    assert all(d.q > 1 for d in draw_spend_params(spend, 500, seed=2))


def test_ranges_cover_the_true_expectation_in_simulated_shops():
    """200 shops of 400 customers drawn from KNOWN BG/NBD parameters (ages up to two
    years in whole weeks, order days on a daily grid). Truth: each shop's 12-month
    expected purchases under the true parameters given its own histories. The 90 %
    range from the fit's parameter draws must cover it in at least 85 % of the shops
    (measured: 91 %).

    The range of monthly_value's 12-month row is the 5-95 % points over the draws of
    the months' sum, which is the 12-month conditional expectation (test above); here
    that expectation is taken directly, 12 times cheaper, and for the first shops
    monthly_value is checked to give the same range."""
    true = {"r": 0.6, "alpha": 10.0, "a": 0.7, "b": 3.0}
    truth_params = BgNbdParams(**true, loglik=0.0, n_customers=0, n_repeat=0, converged=True)
    horizon = 12 * MONTH_WEEKS
    covered = []
    for shop in range(200):
        ages = np.random.default_rng(1000 + shop).integers(1, 105, 400).astype(float)
        sim = simulate_customers(ages, **true, resolution=1 / 7, seed=shop)
        truth = conditional_expected_purchases(truth_params, horizon, sim.x, sim.t_x, sim.age)
        fit = fit_purchase_model(sim.x, sim.t_x, sim.age, strict=False)
        with np.errstate(all="ignore"):  # an extreme draw may overflow: left out
            totals = [
                conditional_expected_purchases(d, horizon, sim.x, sim.t_x, sim.age).sum()
                for d in draw_purchase_params(fit, 100, seed=shop)
            ]
        low, high = (float(v) for v in interval(totals))
        if shop < 3:
            frame = pl.DataFrame(
                {
                    "customer_id": np.arange(ages.size).astype(str),
                    "repeat_purchases": sim.x,
                    "t_x": sim.t_x,
                    "age": sim.age,
                    "mean_repeat_spend": sim.mean_spend,
                }
            )
            result = monthly_value(frame, fit, as_of=AS_OF, draws=100, seed=shop)
            row = result.table.filter(pl.col(MONTH).is_null()).row(0, named=True)
            # (monthly_value's draws interpolate between ages: next test)
            assert row[PURCHASES_LOW] == pytest.approx(low, rel=1e-3)
            assert row[PURCHASES_HIGH] == pytest.approx(high, rel=1e-3)
            assert low <= row[PURCHASES] <= high
        covered.append(low <= float(truth.sum()) <= high)
    share = float(np.mean(covered))
    assert share >= 0.85, f"the 90 % ranges covered the truth in only {share:.1%} of shops"
    # Not trivially wide either: a range that always covers would be useless.
    assert share < 0.995


def test_revenue_ranges_cover_the_true_expectation_in_simulated_shops():
    """As above for the 12 months' revenue (no discount): Σ expected purchases × expected
    spend per purchase (Gamma-Gamma, KNOWN p = 6, q = 4, γ = 150) under the true
    parameters; the range pairs purchase draws with independent spend draws, as
    monthly_value does. Covered in at least 85 % of 200 shops (measured: 91.5 %)."""
    true = {"r": 0.6, "alpha": 10.0, "a": 0.7, "b": 3.0}
    spend_true = {"p": 6.0, "q": 4.0, "gamma": 150.0}
    truth_purchase = BgNbdParams(**true, loglik=0.0, n_customers=0, n_repeat=0, converged=True)
    truth_spend = GammaGammaParams(
        **spend_true, loglik=0.0, n_customers=0, converged=True, spend_frequency_corr=0.0
    )
    horizon = 12 * MONTH_WEEKS

    def revenue(purchase: BgNbdParams, spend: GammaGammaParams, sim: SimulatedCustomers) -> float:
        bought = conditional_expected_purchases(purchase, horizon, sim.x, sim.t_x, sim.age)
        return float((bought * expected_average_spend(spend, sim.x, sim.mean_spend)).sum())

    covered = []
    for shop in range(200):
        ages = np.random.default_rng(1000 + shop).integers(1, 105, 400).astype(float)
        sim = simulate_customers(ages, **true, **spend_true, resolution=1 / 7, seed=shop)
        purchase = fit_purchase_model(sim.x, sim.t_x, sim.age, strict=False)
        spend = fit_spend_model(sim.x, sim.mean_spend, strict=False)
        pairs = zip(
            draw_purchase_params(purchase, 100, seed=shop),
            draw_spend_params(spend, 100, seed=shop + 1),
            strict=True,
        )
        with np.errstate(all="ignore"):  # an extreme draw may overflow: left out
            totals = [revenue(d, s, sim) for d, s in pairs]
        low, high = (float(v) for v in interval(totals))
        assert low <= revenue(purchase, spend, sim) <= high
        covered.append(low <= revenue(truth_purchase, truth_spend, sim) <= high)
    share = float(np.mean(covered))
    assert 0.85 <= share < 0.995, f"the 90 % revenue ranges covered the truth in {share:.1%}"


def test_interpolated_draws_give_the_exact_draws_ranges(monkeypatch):
    """The draws evaluate the hypergeometric part at 24 ages per purchase count and
    interpolate; the ranges must be those of the exact draws to well within their width."""
    from kunde_cli.analytics.clv import monthly

    rng = np.random.default_rng(21)
    sim = simulate_customers(
        rng.integers(1, 730, 3000) / 7, r=0.5, alpha=8, a=0.8, b=2.5, p=6, q=4, gamma=150,
        resolution=1 / 7, seed=21,
    )  # fmt: skip
    purchase = fit_purchase_model(sim.x, sim.t_x, sim.age)
    spend = fit_spend_model(sim.x, sim.mean_spend)
    frame = pl.DataFrame(
        {
            "customer_id": np.arange(sim.x.size).astype(str),
            "repeat_purchases": sim.x,
            "t_x": sim.t_x,
            "age": sim.age,
            "mean_repeat_spend": sim.mean_spend,
        }
    )
    fast = monthly_value(frame, purchase, spend, as_of=AS_OF, draws=50).table
    monkeypatch.setattr(monthly, "DRAW_NODES", 10**6)  # every age a node: exact
    exact = monthly_value(frame, purchase, spend, as_of=AS_OF, draws=50).table
    assert fast[PURCHASES].to_list() == exact[PURCHASES].to_list()
    for low, high in ((PURCHASES_LOW, PURCHASES_HIGH), (REVENUE_LOW, REVENUE_HIGH)):
        width = (exact[high] - exact[low]).to_numpy()
        for end in (low, high):
            gap = np.abs(fast[end].to_numpy() - exact[end].to_numpy())
            assert (gap <= 0.01 * width).all(), end


def test_revenue_ranges_hold_the_estimate():
    rng = np.random.default_rng(11)
    sim = simulate_customers(
        rng.integers(7, 500, 1500) / 7, r=0.5, alpha=8, a=0.8, b=2.5, p=6, q=4, gamma=150,
        resolution=1 / 7, seed=11,
    )  # fmt: skip
    purchase = fit_purchase_model(sim.x, sim.t_x, sim.age)
    spend = fit_spend_model(sim.x, sim.mean_spend)
    frame = pl.DataFrame(
        {
            "customer_id": np.arange(sim.x.size).astype(str),
            "repeat_purchases": sim.x,
            "t_x": sim.t_x,
            "age": sim.age,
            "mean_repeat_spend": sim.mean_spend,
        }
    )
    table = monthly_value(frame, purchase, spend, as_of=AS_OF, draws=100).table
    assert (table[REVENUE_LOW] <= table[REVENUE]).all()
    assert (table[REVENUE] <= table[REVENUE_HIGH]).all()
    assert (table[PURCHASES_LOW] < table[PURCHASES_HIGH]).all()
    # Spend is uncertain too: revenue's range is relatively wider than purchases'.
    whole = table.filter(pl.col(MONTH).is_null()).row(0, named=True)
    relative = {
        name: (whole[high] - whole[low]) / whole[name]
        for name, low, high in (
            (PURCHASES, PURCHASES_LOW, PURCHASES_HIGH),
            (REVENUE, REVENUE_LOW, REVENUE_HIGH),
        )
    }
    assert relative[REVENUE] > relative[PURCHASES] > 0


def test_the_range_holds_the_estimate_of_a_fit_at_the_edge():
    """A fit whose a and b ran to the edge of the search range (no customer seems to
    drop out: the sample shop's 2025) has a flat likelihood there; its draws hold a and
    b at the estimate, and the 12 months' range holds the expected purchases (it was
    182-309 around 1,943: every draw had turned into a drop-out chance of 50 %)."""
    from tests.analytics.test_clv_uncertainty import EDGE_FIT

    frame = customers().with_columns(pl.col("t_x") * 0.5)
    table = monthly_value(frame, EDGE_FIT, as_of=AS_OF, draws=100).table
    whole = table.filter(pl.col(MONTH).is_null()).row(0, named=True)
    assert whole[PURCHASES_LOW] < whole[PURCHASES] < whole[PURCHASES_HIGH]
    # Without drop-out the expected purchases are the same every month.
    months = table.filter(pl.col(MONTH).is_not_null())[PURCHASES]
    assert months.max() - months.min() < 1e-6 * months.max()
