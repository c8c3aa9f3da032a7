"""Profit (kunde_cli.analytics.profit): each line's profit from its cost, its category's
margin or the shop's, netted as revenue is (refunds, credit notes, cancelled orders),
and the profit CLV — every number computed by hand on a small frame."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
import pytest

from kunde_cli.analytics import profit as prof
from kunde_cli.analytics import value as val

AS_OF = date(2024, 6, 30)

#: (customer, order, line, day, amount, status, cost, category, reference)
ROWS = [
    # A, order 1: Kaffe with a cost (200 − 120 = 80) and Te without (shop 30 %: 30).
    ("A", "1", 1, date(2024, 1, 10), 200.0, "paid", 120.0, "Kaffe", None),
    ("A", "1", 2, date(2024, 1, 10), 100.0, "paid", None, "Te", None),
    # A, order 2: "kaffe" without a cost (the category's 40 %: 40) …
    ("A", "2", 1, date(2024, 3, 1), 100.0, "paid", None, "kaffe", None),
    # … and a credit note naming it: −50 with the goods' cost 30 back: −50 + 30 = −20.
    ("A", "K2", 1, date(2024, 3, 5), -50.0, "kreditnota", 30.0, "Kaffe", "2"),
    # A, after the as-of date: left out.
    ("A", "6", 1, date(2024, 7, 15), 1000.0, "paid", 0.0, "Kaffe", None),
    # B: a negative cost on a sale is a cost (100 − 70 = 30) …
    ("B", "3", 1, date(2024, 2, 1), 100.0, "paid", -70.0, "Kaffe", None),
    # … a cancelled order counts nothing …
    ("B", "4", 1, date(2024, 2, 2), 500.0, "cancelled", 100.0, "Kaffe", None),
    # … and a credit note of its own, written positive: −80 + 50 = −30.
    ("B", "5", 1, date(2024, 4, 1), 80.0, "kreditnota", 50.0, "Kaffe", None),
]


def _lines(rows: list[tuple] = ROWS) -> pl.LazyFrame:
    names = ["customer_id", "order_id", "line_no", "order_date", "amount", "status", "cost"]
    names += ["category", "reference"]
    columns = {name: [row[i] for row in rows] for i, name in enumerate(names)}
    columns["order_date"] = [
        datetime.combine(d, datetime.min.time()) for d in columns["order_date"]
    ]
    return pl.DataFrame(
        columns,
        schema_overrides={"cost": pl.Float64, "reference": pl.String, "line_no": pl.Int32},
    ).lazy()


MARGINS = prof.Margins(shop=0.30, by_category={" KAFFE ": 0.40})


def _per_customer(margins: prof.Margins = MARGINS, rows: list[tuple] = ROWS) -> dict[str, dict]:
    frame = prof.customer_profit(_lines(rows), margins, as_of=AS_OF).collect()
    return {row["customer_id"]: row for row in frame.iter_rows(named=True)}


def test_profit_per_customer_by_hand() -> None:
    got = _per_customer()
    # A: orders 1 (300, profit 110) and 2 with its credit note (100 − 50, 40 − 20).
    assert got["A"]["revenue"] == pytest.approx(350.0)
    assert got["A"]["profit_known"] == pytest.approx(130.0)
    assert got["A"][prof.MARGIN_SHARE] == pytest.approx(130.0 / 350.0)
    # B: order 3 (100, 30) and credit note 5 (−80, −30); the cancelled order 4 nothing.
    assert got["B"]["revenue"] == pytest.approx(20.0)
    assert got["B"]["profit_known"] == pytest.approx(0.0)
    assert got["B"][prof.MARGIN_SHARE] == pytest.approx(0.0)


def test_a_refund_in_full_takes_the_profit_back() -> None:
    rows = [*ROWS[:3], ("A", "K2", 1, date(2024, 3, 5), -100.0, "kreditnota", None, "Kaffe", "2")]
    got = _per_customer(rows=rows)
    # Order 2 is refunded in full: neither its 100 nor its 40 count (nor the credit's −40).
    assert got["A"]["revenue"] == pytest.approx(300.0)
    assert got["A"]["profit_known"] == pytest.approx(110.0)


def test_sources_count_the_lines_up_to_the_as_of_date() -> None:
    sources = prof.line_sources(_lines(), MARGINS, as_of=AS_OF)
    assert sources == {"cost": 5, "category": 1, "shop": 1, "none": 0}


def test_lines_without_cost_or_margin_take_the_customers_other_lines_margin() -> None:
    rows = [
        ("C", "7", 1, date(2024, 5, 1), 100.0, "paid", None, "Andet", None),
        ("C", "7", 2, date(2024, 5, 1), 100.0, "paid", None, "Kaffe", None),
        ("D", "8", 1, date(2024, 5, 2), 60.0, "paid", None, "Andet", None),
    ]
    margins = prof.Margins(by_category={"Kaffe": 0.4})
    got = _per_customer(margins, rows)
    # C: known 100 at 40 % → share 0.4 of all 200; D: nothing known, no share.
    assert got["C"]["known_amount"] == pytest.approx(100.0)
    assert got["C"][prof.MARGIN_SHARE] == pytest.approx(0.4)
    assert got["D"][prof.MARGIN_SHARE] is None
    values = prof.with_profit(val.historical_value(_lines(rows), as_of=AS_OF), _frame(got))
    out = {r["customer_id"]: r for r in values.collect().iter_rows(named=True)}
    assert out["C"][prof.PROFIT_TO_DATE] == pytest.approx(80.0)
    assert out["D"][prof.PROFIT_TO_DATE] is None
    assert prof.line_sources(_lines(rows), margins, as_of=AS_OF) == {
        "cost": 0,
        "category": 1,
        "shop": 0,
        "none": 2,
    }


def _frame(per_customer: dict[str, dict]) -> pl.DataFrame:
    return pl.DataFrame(list(per_customer.values()))


def test_simple_profit_clv_by_hand() -> None:
    per_customer = prof.customer_profit(_lines(), MARGINS, as_of=AS_OF).collect()
    values = prof.with_profit(val.historical_value(_lines(), as_of=AS_OF), per_customer)
    out = {r["customer_id"]: r for r in values.collect().iter_rows(named=True)}
    # A: 2 orders, 350 → AOV 175, watched < 1 year → 2 a year; 175 × 2 × 3 = 1050.
    assert out["A"][val.SIMPLE_CLV] == pytest.approx(1050.0)
    assert out["A"][prof.PROFIT_TO_DATE] == pytest.approx(130.0)
    assert out["A"][prof.SIMPLE_PROFIT_CLV] == pytest.approx(1050.0 * 130.0 / 350.0)
    # B: one purchase, revenue 20 after the credit note, margin 0 → profit CLV 0.
    assert out["B"][val.SIMPLE_CLV] == pytest.approx(60.0)
    assert out["B"][prof.SIMPLE_PROFIT_CLV] == pytest.approx(0.0)


def test_predicted_profit_uses_own_margin_else_the_shops() -> None:
    per_customer = prof.customer_profit(_lines(), MARGINS, as_of=AS_OF).collect()
    shop = prof.shop_margin_share(per_customer)
    assert shop == pytest.approx(130.0 / 370.0)
    predicted = pl.DataFrame(
        {"customer_id": ["A", "B", "E"], "predicted_clv": [1000.0, 500.0, 300.0]}
    )
    out = dict(prof.predicted_profit(predicted, per_customer, shop).collect().iter_rows())
    assert out["A"] == pytest.approx(1000.0 * 130.0 / 350.0)
    assert out["B"] == pytest.approx(0.0)
    assert out["E"] == pytest.approx(300.0 * 130.0 / 370.0)


def test_nothing_applies_without_cost_or_margin() -> None:
    plain = _lines().with_columns(pl.lit(None, pl.Float64).alias("cost"))
    assert not prof.applies(plain, prof.Margins())
    assert not prof.applies(plain.drop("cost"), prof.Margins())
    assert prof.applies(_lines(), prof.Margins())
    assert prof.applies(plain, prof.Margins(shop=0.3))


def test_unused_categories() -> None:
    margins = prof.Margins(by_category={"Kaffe": 0.4, "Kafe": 0.5})
    assert prof.unused_categories(_lines(), margins) == ["Kafe"]


def test_a_free_order_is_worth_no_profit_not_an_unknown_one() -> None:
    rows = [("F", "9", 1, date(2024, 5, 1), 0.0, "paid", None, "Te", None)]
    per_customer = prof.customer_profit(_lines(rows), MARGINS, as_of=AS_OF).collect()
    values = prof.with_profit(val.historical_value(_lines(rows), as_of=AS_OF), per_customer)
    row = values.collect().row(0, named=True)
    # Nothing is known above 0, so no margin share; but nothing is unknown either.
    assert row[prof.MARGIN_SHARE] is None
    assert row[prof.PROFIT_TO_DATE] == 0.0
    assert row[prof.SIMPLE_PROFIT_CLV] == 0.0


def test_vat_comes_off_the_amount_before_cost_and_margin() -> None:
    # Amounts with 25 % moms, costs without: 1,250 incl. moms at cost 700 is
    # 1,000 − 700 = 300 (not 550); a margin of 40 % on 500 incl. moms is 400 × 0.4 = 160.
    rows = [
        ("V", "9", 1, date(2024, 5, 1), 1250.0, "paid", 700.0, "Andet", None),
        ("V", "9", 2, date(2024, 5, 1), 500.0, "paid", None, "Kaffe", None),
    ]
    with_vat = prof.Margins(by_category={"Kaffe": 0.4}, vat=0.25)
    got = _per_customer(with_vat, rows)
    assert got["V"]["profit_known"] == pytest.approx(300.0 + 160.0)
    # The margin share stays profit per krone of revenue as kunde counts it (incl. moms).
    assert got["V"][prof.MARGIN_SHARE] == pytest.approx(460.0 / 1750.0)
    without = _per_customer(prof.Margins(by_category={"Kaffe": 0.4}), rows)
    assert without["V"]["profit_known"] == pytest.approx(550.0 + 200.0)
