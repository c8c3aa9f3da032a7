"""Monthly trends (issue 17 point 3) — every number worked out by hand on small frames."""

from __future__ import annotations

import math
from datetime import date, datetime

import polars as pl
import pytest

from kunde_cli.analytics.orders import OrderBasis, order_overview
from kunde_cli.analytics.trends import monthly_trends


def _lines(rows: list[tuple]) -> pl.LazyFrame:
    """(customer_id, order_id, line_no, 'YYYY-MM-DD', amount, status, reference) rows."""
    return pl.LazyFrame(
        rows,
        schema={
            "customer_id": pl.String,
            "order_id": pl.String,
            "line_no": pl.Int32,
            "order_date": pl.String,
            "amount": pl.Float64,
            "status": pl.String,
            "reference": pl.String,
        },
        orient="row",
    ).with_columns(pl.col("order_date").str.to_datetime("%Y-%m-%d"))


# as_of 2024-04-15:
#   January:  a buys 100 (order 1), with a refund line −20 in the same order → net 80;
#             b buys 60 (order 2); e's order 3 (70) is refunded in full → not counted.
#   February: nothing at all (an empty month).
#   March:    a buys 200 (order 4); a guest buys 40 at the till (order 5, no customer);
#             a credit note of −30 (order 6, kreditnota, no reference) for b;
#             c buys 90 (order 7), cancelled → not counted.
#   April:    c buys 50 (order 8, first counted order); b's credit −10 that names
#             order 2 (January) is netted into January, not April.
#   May:      d buys 999 (after as_of → ignored).
SHOP = _lines(
    [
        ("a", "1", 1, "2024-01-10", 100.0, "paid", None),
        ("a", "1", 2, "2024-01-12", -20.0, None, None),
        ("b", "2", 1, "2024-01-20", 60.0, "paid", None),
        ("e", "3", 1, "2024-01-25", 70.0, "refunded", None),
        ("a", "4", 1, "2024-03-05", 200.0, "paid", None),
        (None, "5", 1, "2024-03-06", 40.0, "paid", None),
        ("b", "6", 1, "2024-03-07", -30.0, "kreditnota", None),
        ("c", "7", 1, "2024-03-08", 90.0, "cancelled", None),
        ("c", "8", 1, "2024-04-02", 50.0, "paid", None),
        ("b", "9", 1, "2024-04-03", -10.0, "kreditnota", "2"),
        ("d", "10", 1, "2024-05-01", 999.0, "paid", None),
    ]
)
AS_OF = date(2024, 4, 15)

COLUMNS = (
    "month",
    "partial",
    "revenue",
    "orders",
    "active_customers",
    "customers_new",
    "customers_returning",
)


def test_months_by_hand_with_refunds_credit_notes_a_guest_and_an_empty_month():
    out = monthly_trends(SHOP, as_of=AS_OF)
    assert out.select(COLUMNS).rows() == [
        # January: 100 − 20 (same order) + 60 − 10 (b's credit naming order 2) = 130;
        # e's refunded order counts nowhere. a and b both buy for the first time.
        ("2024-01", False, 130.0, 2, 2, 2, 0),
        # February: a row of zeros, not a gap.
        ("2024-02", False, 0.0, 0, 0, 0, 0),
        # March: 200 (a) + 40 (guest) − 30 (b's credit note) = 210; orders: a's and the
        # guest's (a credit note is never a purchase); buying: a only (the guest is no
        # known customer, b only got money back), returning since January.
        ("2024-03", False, 210.0, 2, 1, 0, 1),
        # April: c's first counted order (March's was cancelled); the month is not over.
        ("2024-04", True, 50.0, 1, 1, 1, 0),
    ]
    assert "n" not in out.columns  # no survey, no NPS columns
    assert out.schema["month_start"] == pl.Date
    assert out.get_column("month_start").to_list()[0] == date(2024, 1, 1)


def test_the_months_add_up_to_what_every_command_says_it_counted():
    out = monthly_trends(SHOP, as_of=AS_OF)
    counted = order_overview(SHOP, as_of=AS_OF, by_document=False)
    assert math.isclose(out.get_column("revenue").sum(), counted.revenue)
    assert out.get_column("orders").sum() == counted.purchases
    active = out.get_column("active_customers")
    assert (active == out.get_column("customers_new") + out.get_column("customers_returning")).all()
    # Every customer is new exactly once.
    assert out.get_column("customers_new").sum() == counted.customers


def test_a_month_that_is_over_is_not_partial_and_the_window_is_the_last_n_months():
    end_of_march = monthly_trends(SHOP, as_of=date(2024, 3, 31))
    assert end_of_march.get_column("month").to_list() == ["2024-01", "2024-02", "2024-03"]
    assert not end_of_march.get_column("partial").any()
    last_two = monthly_trends(SHOP, as_of=AS_OF, months=2)
    assert last_two.select(COLUMNS).rows() == [
        ("2024-03", False, 210.0, 2, 1, 0, 1),
        ("2024-04", True, 50.0, 1, 1, 1, 0),
    ]
    # Never before the data's first month, however many months are asked for.
    assert monthly_trends(SHOP, as_of=AS_OF, months=120).height == 4


def test_the_same_numbers_from_a_basis_as_from_lines():
    basis = OrderBasis.of(SHOP, as_of=date(2024, 6, 30))
    from_basis = monthly_trends(basis, as_of=AS_OF)
    assert from_basis.equals(monthly_trends(SHOP, as_of=AS_OF))


def _survey(rows: list[tuple[str, int]]) -> pl.LazyFrame:
    return pl.LazyFrame(
        {
            "response_id": [f"r{i}" for i in range(len(rows))],
            "responded_at": [datetime.fromisoformat(d) for d, _ in rows],
            "score": [score for _, score in rows],
        },
        schema_overrides={"score": pl.Int64},
    )


def test_nps_per_month_with_its_adjusted_wald_interval_and_null_where_no_answers():
    survey = _survey(
        [
            ("2024-01-11", 10),
            ("2024-01-12", 9),
            ("2024-01-13", 3),
            ("2024-03-01", 8),
            ("2024-04-20", 10),  # after as_of: not counted
        ]
    )
    out = monthly_trends(SHOP, survey, as_of=AS_OF)
    assert out.columns[-4:] == ["n", "nps", "ci_low", "ci_high"]
    rows = out.select("month", "n", "nps").rows()
    # January: 2 promoters, 1 detractor of 3 → 100 × (2 − 1) / 3.
    assert rows[0][:2] == ("2024-01", 3) and rows[0][2] == pytest.approx(100 / 3)
    assert rows[1] == ("2024-02", 0, None)  # no answers: no NPS, not 0
    assert rows[2] == ("2024-03", 1, 0.0)  # one passive
    assert rows[3] == ("2024-04", 0, None)
    # Adjusted Wald by hand: p = (2 + ¾)/6, d = (1 + ¾)/6, c = p − d,
    # var = (p + d − c²)/6, interval 100 × (c ± 1.96 √var).
    p, d = 2.75 / 6, 1.75 / 6
    c = p - d
    half = 1.96 * math.sqrt((p + d - c * c) / 6)
    january = out.row(0, named=True)
    assert january["ci_low"] == pytest.approx(100 * (c - half))
    assert january["ci_high"] == pytest.approx(100 * (c + half))
    assert out.row(1, named=True)["ci_low"] is None


def test_later_answers_extend_the_months_to_their_day():
    survey = _survey([("2024-05-03", 10), ("2024-05-04", 2)])
    out = monthly_trends(SHOP, survey, as_of=AS_OF, answers_as_of=date(2024, 5, 31))
    # Orders still stop at as_of (d's May order is not counted); May is over.
    assert out.select("month", "partial", "revenue", "n", "nps").rows()[-2:] == [
        ("2024-04", False, 50.0, 0, None),
        ("2024-05", False, 0.0, 2, 0.0),
    ]


def test_nothing_at_all_is_an_empty_frame_with_the_columns():
    empty = SHOP.filter(pl.lit(False))
    out = monthly_trends(empty, _survey([]), as_of=AS_OF)
    assert out.is_empty()
    assert out.columns == [
        *COLUMNS[:1],
        "month_start",
        *COLUMNS[1:],
        "n",
        "nps",
        "ci_low",
        "ci_high",
    ]


def test_a_survey_only_shop_has_its_nps_months():
    empty = SHOP.filter(pl.lit(False))
    out = monthly_trends(empty, _survey([("2024-03-02", 9)]), as_of=AS_OF)
    assert out.select("month", "orders", "n", "nps").rows() == [
        ("2024-03", 0, 1, 100.0),
        ("2024-04", 0, 0, None),
    ]
