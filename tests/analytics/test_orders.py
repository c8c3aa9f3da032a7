"""Orders and per-customer summaries, and how they are shared between analyses."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
from polars.testing import assert_frame_equal

from kunde_cli import schema as s
from kunde_cli.analytics import orders as o


def _lines() -> pl.LazyFrame:
    return pl.LazyFrame(
        {
            "customer_id": ["a", "a", "a", "b", "b"],
            "order_id": ["1", "1", "2", "3", "4"],
            "line_no": [1, 2, 1, 1, 1],
            "order_date": [
                datetime(2024, 1, 1),
                datetime(2024, 1, 1),
                datetime(2024, 2, 1),
                datetime(2024, 1, 5),
                datetime(2024, 3, 1),
            ],
            "amount": [100.0, -30.0, 50.0, 80.0, 40.0],
            "status": ["paid", None, "paid", "refunded", "paid"],
            "email": ["A@x.dk", "A@x.dk", "a@x.dk", None, "b@x.dk"],
        }
    )


def _summary_rows(frame: pl.LazyFrame) -> list[tuple]:
    return (
        frame.sort(s.CUSTOMER_ID)
        .select(s.CUSTOMER_ID, o.FREQUENCY, o.MONETARY, o.RECENCY)
        .collect()
        .rows()
    )


def test_customer_summary_by_hand() -> None:
    # a: orders 1 (70) and 2 (50), last on 1 Feb; b: 3 refunded, 4 (40) on 1 Mar.
    rows = _summary_rows(o.customer_summary(_lines(), as_of=date(2024, 3, 31)))
    assert rows == [("a", 2, 120.0, 59), ("b", 1, 40.0, 30)]


def test_the_basis_builds_each_table_once_and_gives_the_pure_answer() -> None:
    lines = _lines()
    basis = o.OrderBasis.of(lines, as_of=date(2024, 3, 31))
    assert basis.customers is basis.customers  # computed once, kept by the object
    assert_frame_equal(
        basis.customers,
        o.customer_summary(lines, as_of=date(2024, 3, 31)).collect(),
        check_row_order=False,
    )
    assert_frame_equal(basis.days, o.purchase_days(lines, as_of=date(2024, 3, 31)).collect())
    assert _summary_rows(basis.customers.lazy()) == [("a", 2, 120.0, 59), ("b", 1, 40.0, 30)]


def test_one_basis_per_date_and_per_set_of_lines() -> None:
    march = o.OrderBasis.of(_lines(), as_of=date(2024, 3, 31))
    january = march.at(datetime(2024, 1, 31, 15, 0))
    assert january is march.at(date(2024, 1, 31))  # at most one basis per date
    assert january.at(date(2024, 3, 31)) is march
    # Order 4 (b, 1 Mar) and order 2 (a, 1 Feb) are after 31 January.
    assert _summary_rows(january.customers.lazy()) == [("a", 1, 70.0, 30), ("b", 0, 0.0, None)]
    # Another set of lines is another basis: its own answer, not the first one's.
    only_a = o.OrderBasis.of(_lines().filter(pl.col(s.CUSTOMER_ID) == "a"), as_of=date(2024, 3, 31))
    assert _summary_rows(only_a.customers.lazy()) == [("a", 2, 120.0, 59)]
    assert only_a.at(date(2024, 1, 31)) is not january


def test_an_analysis_takes_a_basis_or_lines_alike() -> None:
    from kunde_cli.analytics import rfm

    lines = _lines()
    basis = o.OrderBasis.of(lines, as_of=date(2024, 3, 31))
    from_basis = rfm.rfm_scores(basis, as_of=date(2024, 3, 31)).collect()
    from_lines = rfm.rfm_scores(lines, as_of=date(2024, 3, 31)).collect()
    assert_frame_equal(from_basis, from_lines)
    # At another date, the basis' family answers, as the lines would.
    assert_frame_equal(
        rfm.rfm_scores(basis, as_of=date(2024, 1, 31)).collect(),
        rfm.rfm_scores(lines, as_of=date(2024, 1, 31)).collect(),
    )


def test_no_module_level_state_in_analytics() -> None:
    import pathlib
    import re

    import kunde_cli.analytics as pkg

    root = pathlib.Path(pkg.__file__).parent
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "weakref" not in text, path
        assert not re.search(r"\bid\(", text), path
        assert "lru_cache" not in text and "functools.cache" not in text, path


def test_customer_emails_are_distinct_pairs_with_an_id() -> None:
    pairs = o.customer_emails(_lines()).sort("customer_id", "email", nulls_last=True).collect()
    assert pairs.rows() == [("a", "A@x.dk"), ("a", "a@x.dk"), ("b", "b@x.dk"), ("b", None)]


def test_a_credit_note_under_the_sales_number_and_line_does_not_depend_on_row_order() -> None:
    # A till exports its credit note under the paid order's number and line 1: the order
    # is the sale (gennemført), credited in full, read in either row order.
    sale = {"order_id": "7", "line_no": 1, "customer_id": "K1", "amount": 100.0}
    credit = {**sale, "amount": 100.0, "status": "kreditnota"}
    rows = [{**sale, "status": "gennemført"}, credit]
    got = []
    for ordered in (rows, rows[::-1]):
        lines = pl.DataFrame([{**r, "order_date": datetime(2024, 3, 1)} for r in ordered]).lazy()
        orders = o.all_orders(lines, as_of=date(2024, 3, 31)).collect()
        got.append(orders.select(o.STATUS_WORD, o.ORDER_STATUS, o.NET_AMOUNT, o.COUNTED).row(0))
    assert got[0] == got[1] == ("gennemført", "completed", 0.0, False)
