"""Historical customer value and the simple CLV — numbers worked out by hand."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from kunde_cli.analytics.value import historical_value, value_by_segment

AS_OF = date(2025, 1, 1)


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


# as_of 2025-01-01.
#   a: 4 orders from 2021-01-01 (100, 100, 150, 50) → revenue 400, AOV 100; watched
#      2021-01-01 → 2025-01-01 = 365 × 3 + 366 = 1461 days = exactly 4.0 years of
#      365.25 days → 1 purchase a year → simple CLV (3 years) = 100 × 1 × 3 = 300.
#   b: one order of 80 on 2024-12-22 → 10 days, floored to 1 year → 1 a year → 240.
#   c: 60 on 2023-01-01, plus an order of 40 refunded by a −40 line (net 0: not
#      counted, adds 0) → 1 order, revenue 60, 731 days → 365.25 / 731 a year.
#   f: one order of 120 on 2024-12-27 → 5 days, floored → 1 a year → 360.
#   d: only a refunded order; e: only a cancelled order → no value rows.
LINES = _lines(
    [
        ("a", "1", 1, "2021-01-01", 100.0, "paid"),
        ("a", "2", 1, "2022-03-01", 100.0, "paid"),
        ("a", "3", 1, "2023-05-01", 150.0, "paid"),
        ("a", "4", 1, "2024-07-01", 50.0, "paid"),
        ("b", "5", 1, "2024-12-22", 80.0, "paid"),
        ("c", "6", 1, "2023-01-01", 60.0, "paid"),
        ("c", "7", 1, "2023-01-02", 40.0, "paid"),
        ("c", "7", 2, "2023-01-02", -40.0, None),
        ("f", "8", 1, "2024-12-27", 120.0, "paid"),
        ("d", "9", 1, "2024-05-01", 90.0, "refunded"),
        ("e", "10", 1, "2024-05-02", 90.0, "cancelled"),
    ]
)

C_RATE = 1 / (731 / 365.25)


def test_historical_value_by_hand() -> None:
    out = historical_value(LINES, as_of=AS_OF).sort("customer_id").collect()
    expected = pl.DataFrame(
        {
            "customer_id": ["a", "b", "c", "f"],
            "first_order": [
                date(2021, 1, 1),
                date(2024, 12, 22),
                date(2023, 1, 1),
                date(2024, 12, 27),
            ],
            "last_order": [
                date(2024, 7, 1),
                date(2024, 12, 22),
                date(2023, 1, 1),
                date(2024, 12, 27),
            ],
            "orders": [4, 1, 1, 1],
            "revenue_to_date": [400.0, 80.0, 60.0, 120.0],
            "aov": [100.0, 80.0, 60.0, 120.0],
            "lifespan_days": [1461, 10, 731, 5],
            "purchases_per_year": [1.0, 1.0, C_RATE, 1.0],
            "expected_years": [3.0] * 4,
            "simple_clv": [300.0, 240.0, 60 * C_RATE * 3, 360.0],
        },
        schema_overrides={"orders": pl.Int64, "lifespan_days": pl.Int64},
    )
    assert_frame_equal(out, expected)


def test_expected_years_scales_clv() -> None:
    out = historical_value(LINES, as_of=AS_OF, expected_years=5).sort("customer_id").collect()
    assert out["simple_clv"][0] == pytest.approx(500.0)  # 100 × 1 × 5
    assert out["expected_years"].unique().to_list() == [5.0]


def test_a_shorter_floor_inflates_new_customers() -> None:
    # b with a one-month floor: 1 / (1/12) = 12 a year → 80 × 12 × 3 = 2880.
    out = historical_value(LINES, as_of=AS_OF, min_years=1 / 12).collect()
    b = out.filter(pl.col("customer_id") == "b")
    assert b["purchases_per_year"].item() == pytest.approx(12.0)
    assert b["simple_clv"].item() == pytest.approx(2880.0)


def test_single_order_on_the_as_of_day() -> None:
    lines = _lines([("z", "1", 1, "2025-01-01", 70.0, "paid")])
    row = historical_value(lines, as_of=AS_OF).collect().row(0, named=True)
    assert row["lifespan_days"] == 0
    assert row["purchases_per_year"] == 1.0
    assert row["simple_clv"] == pytest.approx(210.0)


def test_only_refunds_gives_no_rows() -> None:
    lines = _lines([("d", "1", 1, "2024-05-01", 90.0, "refunded")])
    assert historical_value(lines, as_of=AS_OF).collect().height == 0


def test_value_by_segment_by_hand() -> None:
    # champion: a. new: b, f. c has no segment (null group).
    # Revenue total 400 + 80 + 60 + 120 = 660.
    # champion: 1 customer (1/4), 400 (400/660), 4 orders, AOV 100, avg CLV 300.
    # new: 2 (2/4), 80 + 120 = 200 (200/660), 2 orders, AOV 100, avg revenue 100,
    #      avg rate 1.0, avg lifespan (10 + 5) / 2 = 7.5, avg CLV (240 + 360) / 2 = 300,
    #      total CLV 600.
    # null: c — 1 (1/4), 60.
    values = historical_value(LINES, as_of=AS_OF)
    segments = pl.LazyFrame(
        {"customer_id": ["a", "b", "f", "zz"], "segment": ["champion", "new", "new", "lost"]}
    )
    out = value_by_segment(values, segments).collect()
    assert out["segment"].to_list() == ["champion", "new", None]
    assert out["customers"].to_list() == [1, 2, 1]
    assert out["share_customers"].to_list() == [0.25, 0.5, 0.25]
    assert out["revenue_to_date"].to_list() == [400.0, 200.0, 60.0]
    assert out["share_revenue"].to_list() == pytest.approx([400 / 660, 200 / 660, 60 / 660])
    assert out["orders"].to_list() == [4, 2, 1]
    assert out["aov"].to_list() == [100.0, 100.0, 60.0]
    new = out.row(1, named=True)
    assert new["avg_revenue_to_date"] == 100.0
    assert new["avg_purchases_per_year"] == 1.0
    assert new["avg_lifespan_days"] == 7.5
    assert new["avg_simple_clv"] == 300.0
    assert new["simple_clv_total"] == 600.0


def test_value_by_segment_sums_extra_columns_and_other_groupings() -> None:
    values = historical_value(LINES, as_of=AS_OF).with_columns(pl.lit(10.0).alias("predicted_clv"))
    rungs = pl.LazyFrame(
        {
            "customer_id": ["a", "b", "c", "f"],
            "rung": ["loyal", "first_time", "first_time", "first_time"],
        }
    )
    out = value_by_segment(values, rungs, by="rung", extra_sums=("predicted_clv",)).collect()
    assert out.columns[0] == "rung"
    assert out.columns[-1] == "predicted_clv"
    assert out.select("rung", "customers", "predicted_clv").rows() == [
        ("loyal", 1, 10.0),
        ("first_time", 3, 30.0),
    ]


def test_value_by_segment_with_negative_total_has_no_revenue_share() -> None:
    values = pl.LazyFrame(
        {
            "customer_id": ["a"],
            "orders": [1],
            "revenue_to_date": [-10.0],
            "purchases_per_year": [1.0],
            "lifespan_days": [3],
            "simple_clv": [-30.0],
        }
    )
    segments = pl.LazyFrame({"customer_id": ["a"], "segment": ["new"]})
    out = value_by_segment(values, segments).collect()
    assert out["share_revenue"].to_list() == [None]
