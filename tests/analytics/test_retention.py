"""Retention by period, cohorts and repurchase — every number worked out by hand."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from kunde_cli.analytics.retention import (
    ACTIVE_CUSTOMER_DEFINITION,
    cohort_matrix,
    cohort_table,
    repurchase_summary,
    retention_by_period,
    retention_rate,
)
from kunde_cli.errors import ConfigError

AS_OF = date(2024, 4, 15)


def _lines(rows: list[tuple]) -> pl.LazyFrame:
    """(customer_id, order_id, line_no, 'YYYY-MM-DD', amount, status) rows → order lines."""
    return pl.LazyFrame(
        rows,
        schema={
            "customer_id": pl.String,
            "order_id": pl.String,
            "line_no": pl.Int32,
            "order_date": pl.String,
            "amount": pl.Float64,
            "status": pl.String,
        },
        orient="row",
    ).with_columns(pl.col("order_date").str.to_datetime("%Y-%m-%d"))


# Six customers, as_of 2024-04-15.
#   a: 10 Jan (100), 5 Mar (200)                      → 2 counted orders, revenue 300
#   b: 20 Jan (80)                                    → 1 order, 80
#   c: 14 Feb (150), 10 Apr (50)                      → 2 orders, 200
#   d: 1 Mar, one order with lines 50 and a refund −20 → 1 order (net 30), 30
#   e: 1 Feb, refunded (70)                           → never a customer, revenue 0
#   f: 5 Jan cancelled (40), 2 Apr paid (120)         → first counted order 2 Apr, 120
#   g: 1 May (after as_of)                            → ignored
SIX = _lines(
    [
        ("a", "1", 1, "2024-01-10", 100.0, "paid"),
        ("a", "2", 1, "2024-03-05", 200.0, "paid"),
        ("b", "3", 1, "2024-01-20", 80.0, "paid"),
        ("c", "4", 1, "2024-02-14", 150.0, "paid"),
        ("c", "5", 1, "2024-04-10", 50.0, "paid"),
        ("d", "6", 1, "2024-03-01", 50.0, "paid"),
        ("d", "6", 2, "2024-03-01", -20.0, None),
        ("e", "7", 1, "2024-02-01", 70.0, "refunded"),
        ("f", "8", 1, "2024-01-05", 40.0, "cancelled"),
        ("f", "9", 1, "2024-04-02", 120.0, "paid"),
        ("g", "10", 1, "2024-05-01", 500.0, "paid"),
    ]
)


# --- the seed formula -------------------------------------------------------------------


def test_worked_example_900_1000_200() -> None:
    # (1000 − 200) / 900 × 100 = 800 / 9 = 88.888…
    assert retention_rate(900, 1000, 200) == pytest.approx(800 / 9)
    assert round(retention_rate(900, 1000, 200), 1) == 88.9


def test_rate_undefined_without_customers_at_start() -> None:
    assert retention_rate(0, 5, 5) is None


def test_rate_can_exceed_100_with_comebacks() -> None:
    # 10 at the start, 12 at the end, 1 new → (12 − 1) / 10 = 110 %.
    assert retention_rate(10, 12, 1) == pytest.approx(110.0)


# --- retention by period ------------------------------------------------------------------


def test_monthly_table_by_hand() -> None:
    # Window 60 days: active at t = a counted order dated in (t − 60 days, t].
    # Jan: A at 31 Dec: (1 Nov, 31 Dec] → 0. E at 31 Jan: a, b → 2. N: a, b → 2. rate —
    # Feb: A at 31 Jan → 2. E at 29 Feb: (31 Dec, 29 Feb] → a, b, c = 3. N: c → 1.
    #      (3 − 1) / 2 = 100 %.
    # Mar: A at 29 Feb → 3. E at 31 Mar: (31 Jan, 31 Mar] → a (5 Mar), c (14 Feb), d → 3;
    #      b (20 Jan) dropped out. N: d → 1. (3 − 1) / 3 = 66.67 %.
    # Apr (current, ends on as_of 15 Apr): A at 31 Mar → 3. E: (15 Feb, 15 Apr] → a, c
    #      (10 Apr), d, f → 4. N: f (first counted order 2 Apr; its cancelled January
    #      order does not count) → 1. (4 − 1) / 3 = 100 %.
    out = retention_by_period(SIX, as_of=AS_OF, period="month", window_days=60).collect()
    expected = pl.DataFrame(
        {
            "period": ["2024-01", "2024-02", "2024-03", "2024-04"],
            "period_start": [
                date(2024, 1, 1),
                date(2024, 2, 1),
                date(2024, 3, 1),
                date(2024, 4, 1),
            ],
            "period_end": [
                date(2024, 1, 31),
                date(2024, 2, 29),
                date(2024, 3, 31),
                date(2024, 4, 15),
            ],
            "customers_start": [0, 2, 3, 3],
            "customers_end": [2, 3, 3, 4],
            "new_customers": [2, 1, 1, 1],
            "retention_rate": [None, 100.0, 200 / 3, 100.0],
        },
        schema_overrides={
            "customers_start": pl.Int64,
            "customers_end": pl.Int64,
            "new_customers": pl.Int64,
        },
    )
    assert_frame_equal(out, expected)


def test_customers_at_start_equal_customers_at_end_of_previous_period() -> None:
    out = retention_by_period(SIX, as_of=AS_OF, period="month", window_days=45).collect()
    assert out["customers_start"].to_list()[1:] == out["customers_end"].to_list()[:-1]


def test_quarter_labels_and_current_quarter_ends_on_as_of() -> None:
    # Window 365. Q1: A = 0; E at 31 Mar = a, b, c, d = 4; N = 4 → rate undefined.
    # Q2 (to 15 Apr): A = 4; E = a, b, c, d, f = 5; N = f → (5 − 1) / 4 = 100 %.
    out = retention_by_period(SIX, as_of=AS_OF, period="quarter").collect()
    assert out.select(
        "period",
        "period_end",
        "customers_start",
        "customers_end",
        "new_customers",
        "retention_rate",
    ).rows() == [
        ("2024-Q1", date(2024, 3, 31), 0, 4, 4, None),
        ("2024-Q2", date(2024, 4, 15), 4, 5, 1, 100.0),
    ]


def test_yearly_periods_span_years() -> None:
    lines = _lines(
        [
            ("a", "1", 1, "2022-06-01", 10.0, "paid"),
            ("a", "2", 1, "2023-06-01", 10.0, "paid"),
            ("b", "3", 1, "2022-07-01", 10.0, "paid"),
            ("c", "4", 1, "2023-02-01", 10.0, "paid"),
        ]
    )
    # 2022: A 0, E a, b = 2, N 2. 2023: A 2, E = a (1 Jun 2023), c = 2 (b's order of
    # 1 Jul 2022 is older than 365 days at 31 Dec 2023), N = c → (2 − 1) / 2 = 50 %.
    out = retention_by_period(lines, as_of=date(2023, 12, 31), period="year").collect()
    assert out.select(
        "period", "customers_start", "customers_end", "new_customers", "retention_rate"
    ).rows() == [
        ("2022", 0, 2, 2, None),
        ("2023", 2, 2, 1, 50.0),
    ]


def test_empty_period_is_listed() -> None:
    # Orders in January and April only; February and March still appear.
    # Window 30: Feb: A at 31 Jan = x → 1, E at 29 Feb: none → 0, N 0 → 0 %.
    # Mar: A 0, E 0, N 0 → undefined. Apr: A 0, E x, y = 2, N = y → undefined.
    lines = _lines(
        [
            ("x", "1", 1, "2024-01-15", 10.0, "paid"),
            ("x", "2", 1, "2024-04-03", 10.0, "paid"),
            ("y", "3", 1, "2024-04-05", 10.0, "paid"),
        ]
    )
    out = retention_by_period(lines, as_of=date(2024, 4, 30), window_days=30).collect()
    assert out.select(
        "period", "customers_start", "customers_end", "new_customers", "retention_rate"
    ).rows() == [
        ("2024-01", 0, 1, 1, None),
        ("2024-02", 1, 0, 0, 0.0),
        ("2024-03", 0, 0, 0, None),
        ("2024-04", 0, 2, 1, None),
    ]


def test_comeback_customers_push_rate_above_100() -> None:
    # Window 30. p buys 10 Jan and comes back 10 Mar; q buys 25 Feb and 15 Mar.
    # Mar: A at 29 Feb = q → 1. E at 31 Mar = p, q → 2. N = 0. (2 − 0) / 1 = 200 %.
    lines = _lines(
        [
            ("p", "1", 1, "2024-01-10", 10.0, "paid"),
            ("q", "2", 1, "2024-02-25", 10.0, "paid"),
            ("p", "3", 1, "2024-03-10", 10.0, "paid"),
            ("q", "4", 1, "2024-03-15", 10.0, "paid"),
        ]
    )
    out = retention_by_period(lines, as_of=date(2024, 3, 31), window_days=30).collect()
    assert out.filter(pl.col("period") == "2024-03")["retention_rate"].item() == 200.0


def test_only_refunds_and_cancellations_give_no_periods() -> None:
    lines = _lines(
        [
            ("a", "1", 1, "2024-01-10", 100.0, "refunded"),
            ("b", "2", 1, "2024-01-11", 100.0, "cancelled"),
        ]
    )
    assert retention_by_period(lines, as_of=date(2024, 2, 1)).collect().height == 0


def test_bad_period_and_window_are_config_errors() -> None:
    with pytest.raises(ConfigError):
        retention_by_period(SIX, as_of=AS_OF, period="week")  # type: ignore[arg-type]
    with pytest.raises(ConfigError):
        retention_by_period(SIX, as_of=AS_OF, window_days=0)


def test_definition_is_in_the_docstring() -> None:
    doc = " ".join((retention_by_period.__doc__ or "").split())
    assert " ".join(ACTIVE_CUSTOMER_DEFINITION.split()) in doc


def test_row_order_does_not_change_the_table() -> None:
    shuffled = SIX.collect().sample(fraction=1.0, shuffle=True, seed=3).lazy()
    assert_frame_equal(
        retention_by_period(shuffled, as_of=AS_OF, window_days=60).collect(),
        retention_by_period(SIX, as_of=AS_OF, window_days=60).collect(),
    )


# --- cohorts ------------------------------------------------------------------------------


def test_cohort_table_by_hand() -> None:
    # Cohorts (first counted order month): Jan a, b · Feb c · Mar d · Apr f.
    # Jan: offset 0 → 2/2, 1 (Feb) → 0, 2 (Mar) → a = 1/2, 3 (Apr) → 0.
    # Feb: 0 → 1, 1 (Mar) → 0, 2 (Apr) → c = 1.  Mar: 0 → 1, 1 → 0.  Apr: 0 → 1.
    out = cohort_table(SIX, as_of=AS_OF).collect()
    jan, feb, mar, apr = date(2024, 1, 1), date(2024, 2, 1), date(2024, 3, 1), date(2024, 4, 1)
    assert out.rows() == [
        (jan, 2, 0, 2, 1.0),
        (jan, 2, 1, 0, 0.0),
        (jan, 2, 2, 1, 0.5),
        (jan, 2, 3, 0, 0.0),
        (feb, 1, 0, 1, 1.0),
        (feb, 1, 1, 0, 0.0),
        (feb, 1, 2, 1, 1.0),
        (mar, 1, 0, 1, 1.0),
        (mar, 1, 1, 0, 0.0),
        (apr, 1, 0, 1, 1.0),
    ]
    assert out.columns == ["cohort", "customers", "month_offset", "active_customers", "share"]


def test_cohort_matrix_pivots_wide() -> None:
    wide = cohort_matrix(cohort_table(SIX, as_of=AS_OF))
    assert wide.columns == ["cohort", "customers", "month_0", "month_1", "month_2", "month_3"]
    assert wide.rows() == [
        (date(2024, 1, 1), 2, 1.0, 0.0, 0.5, 0.0),
        (date(2024, 2, 1), 1, 1.0, 0.0, 1.0, None),
        (date(2024, 3, 1), 1, 1.0, 0.0, None, None),
        (date(2024, 4, 1), 1, 1.0, None, None, None),
    ]


def test_cohort_offsets_cross_the_new_year() -> None:
    # First order 20 Dec 2023, second 5 Jan 2024 → January is month 1 of the cohort.
    lines = _lines(
        [
            ("a", "1", 1, "2023-12-20", 10.0, "paid"),
            ("a", "2", 1, "2024-01-05", 10.0, "paid"),
        ]
    )
    out = cohort_table(lines, as_of=date(2024, 1, 31)).collect()
    assert out.select("cohort", "month_offset", "share").rows() == [
        (date(2023, 12, 1), 0, 1.0),
        (date(2023, 12, 1), 1, 1.0),
    ]


def test_cohort_table_without_customers_is_empty() -> None:
    lines = _lines([("a", "1", 1, "2024-01-10", 100.0, "refunded")])
    long = cohort_table(lines, as_of=date(2024, 2, 1)).collect()
    assert long.height == 0
    assert cohort_matrix(long).height == 0


# --- repurchase ---------------------------------------------------------------------------


def test_repurchase_summary_by_hand() -> None:
    # Customers with a counted order: a, b, c, d, f = 5 (e only had a refund).
    # Repeat: a, c → 2 → rate 2 / 5 = 0.4.
    # Days to 2nd order: a 10 Jan → 5 Mar = 21 + 29 + 5 = 55; c 14 Feb → 10 Apr =
    # 15 + 31 + 10 = 56 → median 55.5.
    # Revenue: a 300 + b 80 + c 200 + d 30 + e 0 + f 120 = 730; returning a + c = 500
    # → 500 / 730.
    r = repurchase_summary(SIX, as_of=AS_OF)
    assert (r.customers, r.repeat_customers) == (5, 2)
    assert r.repurchase_rate == pytest.approx(0.4)
    assert r.share_customers_returning == r.repurchase_rate
    assert r.median_days_to_second_order == 55.5
    assert r.revenue == pytest.approx(730.0)
    assert r.revenue_returning == pytest.approx(500.0)
    assert r.revenue_share_returning == pytest.approx(500 / 730)


def test_all_one_order_customers() -> None:
    lines = _lines(
        [
            ("a", "1", 1, "2024-01-10", 100.0, "paid"),
            ("b", "2", 1, "2024-01-11", 50.0, "paid"),
        ]
    )
    r = repurchase_summary(lines, as_of=date(2024, 2, 1))
    assert (r.customers, r.repeat_customers, r.repurchase_rate) == (2, 0, 0.0)
    assert r.median_days_to_second_order is None
    assert r.revenue_share_returning == 0.0


def test_two_orders_on_one_day_are_zero_days_apart() -> None:
    lines = _lines(
        [
            ("a", "1", 1, "2024-01-10", 100.0, "paid"),
            ("a", "2", 1, "2024-01-10", 50.0, "paid"),
            ("a", "3", 1, "2024-01-30", 50.0, "paid"),
        ]
    )
    assert repurchase_summary(lines, as_of=date(2024, 2, 1)).median_days_to_second_order == 0.0


def test_credit_note_lowers_total_revenue() -> None:
    # a: 2 orders (100 + 100); b: 1 order 100; c: a stand-alone credit note −50 (paid,
    # net ≤ 0: not a counted order, but it reduces revenue). Total 250, returning 200.
    lines = _lines(
        [
            ("a", "1", 1, "2024-01-10", 100.0, "paid"),
            ("a", "2", 1, "2024-01-20", 100.0, "paid"),
            ("b", "3", 1, "2024-01-11", 100.0, "paid"),
            ("c", "4", 1, "2024-01-12", -50.0, "paid"),
        ]
    )
    r = repurchase_summary(lines, as_of=date(2024, 2, 1))
    assert r.customers == 2
    assert r.revenue_share_returning == pytest.approx(200 / 250)


def test_no_customers_at_all() -> None:
    lines = _lines([("a", "1", 1, "2024-01-10", 100.0, "refunded")])
    r = repurchase_summary(lines, as_of=date(2024, 2, 1))
    assert (r.customers, r.repeat_customers) == (0, 0)
    assert r.repurchase_rate is None
    assert r.median_days_to_second_order is None
    assert r.revenue_share_returning is None


def test_as_of_as_datetime_is_the_same_day() -> None:
    r1 = repurchase_summary(SIX, as_of=AS_OF)
    r2 = repurchase_summary(SIX, as_of=datetime(2024, 4, 15, 8, 30))
    assert r1 == r2
