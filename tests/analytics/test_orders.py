"""Orders and per-customer summaries, and how they are shared between analyses."""

from __future__ import annotations

import gc
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


def test_second_ask_is_collected_once_and_gives_the_same_answer() -> None:
    lines = _lines()
    first = o.customer_summary(lines, as_of=date(2024, 3, 31))
    second = o.customer_summary(lines, as_of=date(2024, 3, 31))
    third = o.customer_summary(lines, as_of=date(2024, 3, 31))
    # The first ask is a query over the lines; later asks read one collected frame.
    assert "AGGREGATE" in first.explain()
    assert "AGGREGATE" not in second.explain()
    assert_frame_equal(first.collect(), second.collect(), check_row_order=False)
    assert_frame_equal(second.collect(), third.collect())


def test_a_shared_frame_is_collected_at_the_first_ask() -> None:
    lines = o.share(_lines())
    first = o.customer_summary(lines, as_of=date(2024, 3, 31))
    assert "AGGREGATE" not in first.explain()
    assert _summary_rows(first) == [("a", 2, 120.0, 59), ("b", 1, 40.0, 30)]
    # Another frame is not affected.
    assert "AGGREGATE" in o.customer_summary(_lines(), as_of=date(2024, 3, 31)).explain()


def test_sharing_is_per_day_and_per_frame() -> None:
    lines = _lines()
    for _ in range(2):
        march = o.customer_summary(lines, as_of=date(2024, 3, 31))
        january = o.customer_summary(lines, as_of=date(2024, 1, 31))
    # Order 4 (b, 1 Mar) and order 2 (a, 1 Feb) are after 31 January.
    assert _summary_rows(march) == [("a", 2, 120.0, 59), ("b", 1, 40.0, 30)]
    assert _summary_rows(january) == [("a", 1, 70.0, 30), ("b", 0, 0.0, None)]
    # A derived frame is another frame: its own answer, not the parent's.
    only_a = lines.filter(pl.col(s.CUSTOMER_ID) == "a")
    for _ in range(2):
        rows = _summary_rows(o.customer_summary(only_a, as_of=date(2024, 3, 31)))
    assert rows == [("a", 2, 120.0, 59)]


def test_shared_results_are_dropped_with_their_frame() -> None:
    lines = _lines()
    o.order_totals(lines, as_of=date(2024, 3, 31))
    key = id(lines)
    assert key in o._SHARED
    del lines
    gc.collect()
    assert key not in o._SHARED


def test_customer_emails_are_distinct_pairs_with_an_id() -> None:
    pairs = o.customer_emails(_lines()).sort("customer_id", "email", nulls_last=True).collect()
    assert pairs.rows() == [("a", "A@x.dk"), ("a", "a@x.dk"), ("b", "b@x.dk"), ("b", None)]
