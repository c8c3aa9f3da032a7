"""What a new customer is worth by where she came from (analytics/clv/acquisition.py):
groups by hand on a tiny shop, the likelihood-ratio test on simulated groups whose
parameters are known, and the 12-month value against its formula."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import polars as pl
import pytest

from kunde_cli.analytics.clv import acquisition as acq
from kunde_cli.analytics.clv.bgnbd import MODEL_MBGNBD, BgNbdParams, expected_purchases
from kunde_cli.analytics.clv.simulate import simulate_customers
from kunde_cli.errors import InputError

AS_OF = date(2024, 6, 30)


def _lines(rows: list[tuple]) -> pl.LazyFrame:
    names = [
        "order_id",
        "line_no",
        "customer_id",
        "order_date",
        "amount",
        "status",
        "channel",
        "category",
        "discount_code",
    ]
    return pl.DataFrame(rows, schema=names, orient="row").lazy()


def _shop() -> pl.LazyFrame:
    d = datetime
    return _lines(
        [
            # a: first order 1 — the channel on line 2 (line 1 has none), categories A
            # and B tie at 100 (A by name), a code on one line; a second order the same
            # day (so the first purchase day spends 200 + 50) and a later one elsewhere.
            ("1", 1, "a", d(2024, 1, 5, 9), 60.0, "paid", None, "B", ""),
            ("1", 2, "a", d(2024, 1, 5, 9), 100.0, "paid", "Instagram", "A", "SOMMER"),
            ("1", 3, "a", d(2024, 1, 5, 9), 40.0, "paid", "Google", "B", None),
            ("2", 1, "a", d(2024, 1, 5, 15), 50.0, "paid", "Google", "C", None),
            ("3", 1, "a", d(2024, 3, 1), 80.0, "paid", "Google", "C", "X"),
            # b: a cancelled first order does not count; the counted one is Google, B
            # (50) over A (30), no code.
            ("4", 1, "b", d(2024, 1, 1), 500.0, "cancelled", "Facebook", "A", "Y"),
            ("5", 1, "b", d(2024, 2, 1), 50.0, "paid", "Google", "B", None),
            ("5", 2, "b", d(2024, 2, 1), 30.0, "paid", "Google", "A", None),
            # c: two orders at one time: the lower order id ("6") is the first; its
            # lines have no channel or category.
            ("7", 1, "c", d(2024, 2, 2), 10.0, "paid", "Facebook", "D", "Z"),
            ("6", 1, "c", d(2024, 2, 2), 20.0, "paid", None, None, None),
        ]
    )


@pytest.mark.parametrize(
    ("by", "expected"),
    [
        ("channel", {"a": "Instagram", "b": "Google", "c": None}),
        ("category", {"a": "A", "b": "B", "c": None}),
        ("discount", {"a": acq.WITH_CODE, "b": acq.WITHOUT_CODE, "c": acq.WITHOUT_CODE}),
    ],
)
def test_group_comes_from_the_first_counted_order(by: str, expected: dict) -> None:
    groups = acq.acquisition_groups(_shop(), as_of=AS_OF, by=by)
    assert dict(zip(groups["customer_id"], groups[acq.GROUP], strict=True)) == expected


def test_first_value_is_the_first_purchase_day() -> None:
    groups = acq.acquisition_groups(_shop(), as_of=AS_OF, by="channel")
    # a: 200 (order 1) + 50 (order 2, same day); b: 80; c: 20 + 10 (one day)
    assert groups[acq.FIRST_VALUE].to_list() == [250.0, 80.0, 30.0]


def test_orders_after_as_of_do_not_count() -> None:
    groups = acq.acquisition_groups(_shop(), as_of=date(2024, 1, 31), by="channel")
    assert groups["customer_id"].to_list() == ["a"]


def test_an_empty_column_is_refused_by_name() -> None:
    lines = _shop().with_columns(pl.lit(None, pl.String).alias("channel"))
    with pytest.raises(InputError, match="'channel' is empty"):
        acq.acquisition_groups(lines, as_of=AS_OF, by="channel")
    blank = _shop().with_columns(pl.lit("  ").alias("discount_code"))
    with pytest.raises(InputError, match="'discount_code' is empty"):
        acq.acquisition_groups(blank, as_of=AS_OF, by="discount")
    with pytest.raises(InputError, match="'category'"):
        acq.acquisition_groups(_shop().drop("category"), as_of=AS_OF, by="category")


def test_a_tiny_shop_gets_counts_and_too_few() -> None:
    result = acq.new_customer_value(_shop(), as_of=AS_OF, by="channel")
    frame = result.frame()
    assert frame.select(acq.GROUP, acq.CUSTOMERS, acq.FIRST_ORDER_VALUE).rows() == [
        ("Google", 1, 80.0),
        ("Instagram", 1, 250.0),
        (None, 1, 30.0),
    ]
    assert set(frame[acq.STATUS]) == {acq.STATUS_TOO_FEW}
    assert result.purchase_test is None and result.value_test is None
    assert result.valued == ()


# --- simulated groups ------------------------------------------------------------------

SAME = {"r": 0.25, "alpha": 4.0, "a": 0.8, "b": 2.5, "p": 6.0, "q": 4.0, "gamma": 15.0}
MORE = {**SAME, "r": 0.6}


def _simulated(groups: list[tuple[str, dict]], n: int, seed: int) -> pl.DataFrame:
    """An rfm_summary frame (weeks) of ``n`` simulated customers per group, with a
    Gamma(6, 10) first purchase each."""
    parts = []
    for i, (name, params) in enumerate(groups):
        rng = np.random.default_rng(seed * 100 + i)
        ages = rng.uniform(10, 100, n)
        sim = simulate_customers(ages, **params, resolution=1 / 7, seed=seed * 100 + i + 7)
        parts.append(
            pl.DataFrame(
                {
                    "customer_id": [f"{name}{j}" for j in range(n)],
                    "repeat_purchases": sim.x,
                    "t_x": sim.t_x,
                    "age": sim.age,
                    "mean_repeat_spend": sim.mean_spend,
                    acq.GROUP: [name] * n,
                    acq.FIRST_VALUE: rng.gamma(6.0, 10.0, n),
                }
            )
        )
    return pl.concat(parts).with_columns(pl.col("mean_repeat_spend").fill_nan(None))


def _value(groups: list[tuple[str, dict]], n: int, seed: int) -> acq.NewCustomerValue:
    return acq.value_by_group(_simulated(groups, n, seed), by="channel", as_of=AS_OF)


def test_groups_that_differ_are_told_apart() -> None:
    result = _value([("ads", SAME), ("mail", MORE)], 600, seed=2)
    test = result.purchase_test
    assert test is not None and test.df == 4 and test.groups == 2 and test.customers == 1200
    assert test.p_value < 0.01
    assert result.value_test is not None and result.value_test.df == 7
    assert result.value_test.p_value < 0.01
    # the group that buys more often (r 0.6 against 0.25) is worth more
    assert [g.group for g in result.valued] == ["mail", "ads"]


def test_groups_drawn_alike_are_not_told_apart() -> None:
    result = _value([("ads", SAME), ("mail", SAME)], 600, seed=0)
    assert result.purchase_test is not None and result.purchase_test.p_value > 0.05
    # across 20 shops about 5 % of the tests reject at 0.05 (here 2; 4 or more would
    # happen by chance in 1.6 % of runs of 20)
    rejected = [
        seed
        for seed in range(20)
        if (test := _value([("ads", SAME), ("mail", SAME)], 600, seed).purchase_test) is not None
        and test.p_value < 0.05
    ]
    assert len(rejected) <= 3, rejected


def test_spend_is_tested_apart() -> None:
    richer = {**SAME, "gamma": 30.0}
    result = _value([("ads", SAME), ("mail", richer)], 600, seed=2)
    assert result.spend_test is not None and result.spend_test.df == 3
    assert result.spend_test.p_value < 0.01
    assert result.purchase_test is not None and result.purchase_test.p_value > 0.01


def test_value_is_first_purchase_plus_repeat_purchases_times_spend() -> None:
    summary = _simulated([("ads", SAME), ("mail", MORE)], 600, seed=3)
    result = acq.value_by_group(summary, by="channel", as_of=AS_OF)
    weeks = 12 * 365.25 / 12 / 7
    for group in result.groups:
        purchase, spend = group.purchase, group.spend
        assert group.status == acq.STATUS_OK and purchase is not None and spend is not None
        first = summary.filter(pl.col(acq.GROUP) == group.group)[acq.FIRST_VALUE].mean()
        repeat = float(expected_purchases(purchase, weeks))
        per_purchase = spend.p * spend.gamma / (spend.q - 1)
        assert group.first_order_value == pytest.approx(first)
        assert group.expected_repeat == pytest.approx(repeat, rel=1e-9)
        assert group.value == pytest.approx(first + repeat * per_purchase, rel=1e-9)
        assert group.low is not None and group.high is not None
        assert group.low < group.value < group.high


def test_the_range_covers_the_true_value() -> None:
    # The true value of a new customer: mean first purchase 60 + E[X(52 weeks)] under
    # the drawn parameters × pγ/(q − 1) = 6 · 15 / 3 = 30.
    truth = BgNbdParams(
        r=0.25, alpha=4.0, a=0.8, b=2.5, loglik=0.0, n_customers=1, n_repeat=1, converged=True
    )
    weeks = 365.25 / 7
    true_value = 60.0 + float(expected_purchases(truth, weeks)) * 30.0
    result = _value([("ads", SAME), ("mail", SAME)], 1500, seed=4)
    for group in result.groups:
        assert group.low is not None and group.high is not None
        assert group.low < true_value < group.high


@pytest.mark.parametrize("model", ["bgnbd", MODEL_MBGNBD])
def test_new_customer_purchases_match_the_model(model: str) -> None:
    fit = BgNbdParams(
        r=0.243,
        alpha=4.414,
        a=0.793,
        b=2.426,
        loglik=0.0,
        n_customers=2357,
        n_repeat=1,
        converged=True,
        model=model,
    )
    vector = acq.new_customer_purchases(
        np.array([0.243, 0.243]), 4.414, 0.793, np.array([2.426, 2.426]), 52.0, shift=fit.shift
    )
    assert vector == pytest.approx([float(expected_purchases(fit, 52.0))] * 2, rel=1e-12)


def test_the_test_is_the_chi2_tail_of_twice_the_log_likelihood_gain() -> None:
    from scipy.stats import chi2

    # three groups gain 2 + 3 + 5 = 10 log-likelihood over the pooled fit: LR = 20
    test = acq.likelihood_ratio([-102.0, -53.0, -25.0], -190.0, 4, 900)
    assert (test.statistic, test.df, test.groups) == (20.0, 8, 3)
    assert test.p_value == pytest.approx(chi2.sf(20.0, 8), rel=1e-12)
    # a pooled fit a hair better than the groups (the optimiser's tolerance) is LR 0
    assert acq.likelihood_ratio([-100.0, -50.0], -149.999, 4, 10).statistic == 0.0


def test_the_range_of_a_homogeneous_fit_keeps_its_drop_out_chance() -> None:
    # The sample shop's fit: b at the edge (e^7), a = 30.4 — every customer drops out
    # with p = a / (a + b) = 2.7 % after a purchase; ln a and ln b have standard errors
    # of 5.5 and move together. Clipped apart, a quarter of the draws came back as
    # a = b (50 %) and dragged the range's low end far below the value; drawn as
    # kunde clv --monthly draws them (uncertainty.draw_purchase_logs) the range holds
    # the value closely.
    from kunde_cli.analytics.clv.gamma_gamma import GammaGammaParams
    from kunde_cli.analytics.clv.identification import Identification

    var, cov_ab = 30.0, 29.98
    covariance = (
        (0.003, 0.003, 0.001, 0.001),
        (0.003, 0.005, 0.003, 0.004),
        (0.001, 0.003, var, cov_ab),
        (0.001, 0.004, cov_ab, var),
    )
    purchase = BgNbdParams(
        r=0.31, alpha=9.9, a=30.4, b=float(np.exp(7.0)), loglik=0.0, n_customers=1950,
        n_repeat=810, converged=True,
        identification=Identification((), (0.05, 0.07, 5.5, 5.5), 1e6, (), covariance),
    )  # fmt: skip
    spend = GammaGammaParams(
        p=6.0, q=4.0, gamma=150.0, loglik=0.0, n_customers=810, converged=True,
        spend_frequency_corr=0.0,
        log_covariance=((1e-4, 0, 0), (0, 1e-4, 0), (0, 0, 1e-4)),
    )  # fmt: skip
    weeks = 365.25 / 7
    value = 700.0 + float(expected_purchases(purchase, weeks)) * 6.0 * 150.0 / 3.0
    low, high = acq.value_range(purchase, spend, 700.0, 1.0, weeks)
    assert low < value < high
    assert value - low < 0.1 * value


def test_spellings_of_one_channel_are_one_group() -> None:
    # An export typed by hand: "Webshop", "webshop " and "WEBSHOP" are one channel,
    # shown as most customers spell it (on a tie the first by name); a blank is none.
    d = datetime(2024, 1, 5)
    rows = [
        (str(i), 1, c, d, 100.0, "paid", channel, "A", None)
        for i, (c, channel) in enumerate(
            [
                ("a", "Webshop"),
                ("b", "webshop "),
                ("c", "WEBSHOP"),
                ("d", " Webshop"),
                ("e", "Butik"),
                ("f", "butik"),
                ("g", "  "),
            ]
        )
    ]
    groups = acq.acquisition_groups(_lines(rows), as_of=AS_OF, by="channel")
    assert groups[acq.GROUP].to_list() == [
        "Webshop", "Webshop", "Webshop", "Webshop", "Butik", "Butik", None,
    ]  # fmt: skip


def test_the_range_of_a_loosely_pinned_fit_is_never_below_the_first_purchase() -> None:
    # The sample shop's first-category group Bolig: its range ran from -5,174 kr. to
    # 3,159 kr. around 2,557 kr. (draws of a = b ≈ 1e-13 gave a negative number of
    # purchases). Repeat purchases are never negative, so the value is at least the
    # mean first purchase.
    from kunde_cli.analytics.clv.gamma_gamma import GammaGammaParams
    from tests.analytics.test_clv_uncertainty import FLAT_FIT

    spend = GammaGammaParams(
        p=1.23615, q=4.62639, gamma=2758.27, loglik=0.0, n_customers=114, converged=True,
        spend_frequency_corr=0.07,
        log_covariance=(
            (0.067450, -0.049961, -0.130387),
            (-0.049961, 0.097066, 0.163276),
            (-0.130387, 0.163276, 0.330724),
        ),
    )  # fmt: skip
    weeks = 365.25 / 7
    value = 1084.82 + float(expected_purchases(FLAT_FIT, weeks)) * spend.p * spend.gamma / (
        spend.q - 1
    )
    low, high = acq.value_range(FLAT_FIT, spend, 1084.82, 40.0, weeks)
    assert 1084.82 - 3 * 40.0 < low < value < high


def test_the_report_groups_by_channel_only_with_two_channels_in_any_case() -> None:
    # "Webshop" and "WEBSHOP" are one channel (as kunde clv --new-by groups them): the
    # report's section then groups by the first category, which has two values.
    from types import SimpleNamespace

    from kunde_cli.analytics.orders import OrderBasis
    from kunde_cli.app.answers.acquisition import grouping

    d = datetime(2024, 1, 5)
    rows = [
        ("1", 1, "a", d, 100.0, "paid", "Webshop", "A", None),
        ("2", 1, "b", d, 100.0, "paid", "WEBSHOP ", "B", None),
    ]
    basis = OrderBasis.of(_lines(rows), as_of=AS_OF)
    assert grouping(SimpleNamespace(lines=basis, as_of=AS_OF)) == "category"  # type: ignore[arg-type]
    rows.append(("3", 1, "c", d, 100.0, "paid", "Butik", "A", None))
    basis = OrderBasis.of(_lines(rows), as_of=AS_OF)
    assert grouping(SimpleNamespace(lines=basis, as_of=AS_OF)) == "channel"  # type: ignore[arg-type]


def test_the_report_counts_channels_on_first_orders_only() -> None:
    # Every first order came through the webshop; "Butik" is only on a later order and
    # "Amazon" only on a cancelled one. There is one channel of first orders, so the
    # report groups by first category (A, B) — it chose channel and showed one group.
    from types import SimpleNamespace

    from kunde_cli.analytics.orders import OrderBasis
    from kunde_cli.app.answers.acquisition import grouping

    d, later = datetime(2024, 1, 5), datetime(2024, 2, 5)
    rows = [
        ("1", 1, "a", d, 100.0, "paid", "Webshop", "A", None),
        ("2", 1, "b", d, 100.0, "paid", "Webshop", "B", None),
        ("3", 1, "a", later, 100.0, "paid", "Butik", "A", None),
        ("4", 1, "c", d, 100.0, "cancelled", "Amazon", "A", None),
    ]
    basis = OrderBasis.of(_lines(rows), as_of=AS_OF)
    assert grouping(SimpleNamespace(lines=basis, as_of=AS_OF)) == "category"  # type: ignore[arg-type]
