"""The stored orders and customers tables: built once, the same answers as the lines.

The tables describe the lines as a whole; a basis at an earlier date filters them and
rebuilds from the lines only the orders that date cuts in two. Every test here compares
a basis read from the tables with one built from the lines, or checks numbers by hand.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from kunde_cli import schema as s
from kunde_cli.analytics import rfm
from kunde_cli.analytics.orders import OrderBasis, order_overview
from kunde_cli.analytics.tables import build_tables, customer_keys


def _lines() -> pl.LazyFrame:
    """Order 1 (a) is refunded in part on 10 Jan by a line of its own; credit note K9
    (b's, 20 Feb) names order 2 (a's, 5 Feb); order 3 is a guest's; order 4 (b)
    cancelled; order 5 (c) bought 1 Mar, c's e-mail changes then."""
    return pl.LazyFrame(
        {
            "customer_id": ["a", "a", "a", "b", None, "b", "c", "c"],
            "order_id": ["1", "1", "2", "K9", "3", "4", "5", "6"],
            "line_no": [1, 2, 1, 1, 1, 1, 1, 1],
            "order_date": [
                datetime(2024, 1, 2, 10),
                datetime(2024, 1, 10, 9),
                datetime(2024, 2, 5),
                datetime(2024, 2, 20),
                datetime(2024, 2, 1),
                datetime(2024, 2, 2),
                datetime(2024, 3, 1),
                datetime(2024, 3, 3),
            ],
            "amount": [200.0, -50.0, 120.0, -20.0, 40.0, 90.0, 60.0, 30.0],
            "status": [
                "paid",
                "refunded",
                "paid",
                "kreditnota",
                "paid",
                "cancelled",
                "paid",
                "paid",
            ],
            "reference": [None, None, None, "2", None, None, None, None],
            "email": ["a@x.dk", None, None, "b@x.dk", None, None, "c@x.dk", "c2@x.dk"],
            "name": ["Anna", None, "Anna A", "Bo", None, None, "Cai", None],
            "product": ["Te", None, "Kaffe", None, "Te", "Kop", "Te", "Kaffe"],
        }
    )


DATES = [
    date(2024, 1, 1),
    date(2024, 1, 2),  # order 1 cut: its refund is on 10 Jan
    date(2024, 1, 10),
    date(2024, 2, 5),  # order 2 cut: credit note K9 names it on 20 Feb
    date(2024, 2, 19),
    date(2024, 2, 20),
    date(2024, 3, 2),  # c's later e-mail not yet known
    date(2024, 12, 31),
]


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.sort(pl.all().exclude(pl.Float64, pl.Boolean), nulls_last=True)


@pytest.mark.parametrize("day", DATES, ids=str)
def test_a_basis_from_the_tables_equals_one_from_the_lines(day: date) -> None:
    lines = _lines().collect()
    tables = build_tables(lines.lazy())
    stored = OrderBasis.of(lines, as_of=day, tables=tables)
    plain = OrderBasis.of(lines, as_of=day)
    assert_frame_equal(_sorted(stored.orders), _sorted(plain.orders))
    assert_frame_equal(_sorted(stored.customers), _sorted(plain.customers))
    assert_frame_equal(stored.days, plain.days)
    assert_frame_equal(_sorted(stored.contacts), _sorted(plain.contacts))
    assert_frame_equal(
        rfm.rfm_scores(stored, as_of=day).collect(), rfm.rfm_scores(plain, as_of=day).collect()
    )
    # The headline (anonymous orders included) too.
    one = order_overview(stored, as_of=day, by_document=False)
    other = order_overview(plain, as_of=day, by_document=False)
    assert (one.orders, one.purchases, one.revenue, one.customers, one.anonymous_orders) == (
        other.orders,
        other.purchases,
        other.revenue,
        other.customers,
        other.anonymous_orders,
    )
    assert_frame_equal(one.statuses, other.statuses)


def test_orders_cut_by_the_date_by_hand() -> None:
    tables = build_tables(_lines())
    # On 2 Jan order 1 is 200 (its refund comes on the 10th); on the 10th it is 150.
    jan2 = OrderBasis.of(_lines(), as_of=date(2024, 1, 2), tables=tables).orders
    assert jan2.select("order_id", "net_amount").rows() == [("1", 200.0)]
    jan10 = OrderBasis.of(_lines(), as_of=date(2024, 1, 10), tables=tables).orders
    assert jan10.select("order_id", "net_amount").rows() == [("1", 150.0)]
    # Order 2 is 120 until credit note K9 (b's, naming a's order 2) takes 20 on 20 Feb.
    feb = OrderBasis.of(_lines(), as_of=date(2024, 2, 19), tables=tables)
    march = feb.at(date(2024, 3, 31))
    two = pl.col("order_id") == "2"
    assert feb.orders.filter(two).select("customer_id", "net_amount").rows() == [("a", 120.0)]
    assert march.orders.filter(two).select("customer_id", "net_amount").rows() == [("a", 100.0)]


def test_the_tables_by_hand() -> None:
    tables = build_tables(_lines())
    orders = tables.orders.sort("order_id")
    assert orders.select("order_id", "customer_key", "net_amount", "line_count").rows() == [
        ("1", 1, 150.0, 2),
        ("2", 1, 100.0, 2),  # its credit line from K9 belongs to it (and to a)
        ("3", None, 40.0, 1),  # a guest: in the table, with no key
        ("4", 2, 90.0, 1),
        ("5", 3, 60.0, 1),
        ("6", 3, 30.0, 1),
    ]
    assert orders.filter(pl.col("order_id") == "2").get_column("last_line_date").item() == (
        datetime(2024, 2, 20)
    )
    customers = tables.customers
    assert customers.select(
        "customer_key", "customer_id", "name", "email", "purchases", "purchase_days"
    ).rows() == [
        (1, "a", "Anna A", "a@x.dk", 2, 2),
        (2, "b", "Bo", "b@x.dk", 0, 0),  # only a cancelled order (and a credit note)
        (3, "c", "Cai", "c2@x.dk", 2, 2),
    ]


def test_customer_keys_are_kept_across_ingests_and_merges() -> None:
    first = build_tables(_lines()).customers
    # A new customer "aa" (sorts between a and b) and a merge of c into b.
    more = pl.concat(
        [
            _lines().with_columns(
                pl.when(pl.col(s.CUSTOMER_ID) == "c")
                .then(pl.lit("b"))
                .otherwise(pl.col(s.CUSTOMER_ID))
                .alias(s.CUSTOMER_ID)
            ),
            _lines()
            .head(1)
            .with_columns(pl.lit("aa").alias(s.CUSTOMER_ID), pl.lit("7").alias("order_id")),
        ]
    )
    second = build_tables(more, previous=first).customers
    assert second.select("customer_id", "customer_key").rows() == [
        ("a", 1),
        ("b", 2),  # b keeps its key; c's key 3 is retired with c
        ("aa", 4),  # a new customer gets the next number, never a retired one
    ]
    assert customer_keys(pl.Series(s.CUSTOMER_ID, ["b", "a"])).rows() == [("a", 1), ("b", 2)]


def test_the_sample_shop_gives_the_same_answers_from_the_tables() -> None:
    from kunde_cli.identity import resolve_customers
    from kunde_cli.ingest import ReadOptions, read_any

    path = Path(__file__).parents[2] / "sample_data" / "ordrer.csv"
    lines = resolve_customers(read_any(path, ReadOptions()).frame.lazy()).collect()
    tables = build_tables(lines.lazy())
    latest = lines.get_column(s.ORDER_DATE).max().date()
    for day in (latest, date(latest.year - 1, 6, 30), date(latest.year - 1, 1, 1)):
        stored = OrderBasis.of(lines, as_of=day, tables=tables)
        plain = OrderBasis.of(lines, as_of=day)
        assert_frame_equal(_sorted(stored.customers), _sorted(plain.customers))
        assert_frame_equal(stored.days, plain.days)
        assert_frame_equal(_sorted(stored.contacts), _sorted(plain.contacts))
