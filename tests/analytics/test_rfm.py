"""RFM scores, segments, summary, thresholds and migration — numbers computed by hand."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from kunde_cli.analytics import rfm
from kunde_cli.config import DEFAULT_SEGMENT_GRID, RfmConfig
from kunde_cli.errors import ConfigError
from kunde_cli.words.actions import word_actions

AS_OF = date(2024, 6, 30)


def make_lines(rows: list[tuple]) -> pl.LazyFrame:
    """rows: (customer_id, order_id, line_no, order_date, amount, status)."""
    return pl.LazyFrame(
        rows,
        schema={
            "customer_id": pl.String,
            "order_id": pl.String,
            "line_no": pl.Int32,
            "order_date": pl.Datetime("us"),
            "amount": pl.Float64,
            "status": pl.String,
        },
        orient="row",
    )


def one_order_each(values: dict[str, tuple[datetime, float]]) -> pl.LazyFrame:
    return make_lines(
        [(cid, f"o-{cid}", 1, when, amount, "paid") for cid, (when, amount) in values.items()]
    )


def scored_frame(**columns: list) -> pl.LazyFrame:
    return pl.LazyFrame(columns)


# The shop used by most tests (as of 2024-06-30):
#   a  one order on the as-of date, 100                 -> recency 0, F 1, M 100
#   b  orders 10 Jan (200), 10 Mar (300), 1 Jun (100)   -> recency 29, F 3, M 600
#   c  one order 1 Feb, 50                              -> recency 150 (29 + 31+30+31+29)
#   d  only a refunded order                            -> not scored
#   e  only a cancelled order                           -> not scored
#   f  1 May 300 with a refund line -100 (net 200), 20 Jun 80 -> recency 10, F 2, M 280
#   g  15 Apr 120, and a stand-alone credit note 5 May -20    -> recency 76, F 1, M 100
#   h  only an order after the as-of date               -> not in scope
SHOP = make_lines(
    [
        ("a", "1", 1, datetime(2024, 6, 30, 15, 0), 100.0, "paid"),
        ("b", "2", 1, datetime(2024, 1, 10), 200.0, "paid"),
        ("b", "3", 1, datetime(2024, 3, 10), 300.0, "paid"),
        ("b", "4", 1, datetime(2024, 6, 1), 100.0, "paid"),
        ("c", "5", 1, datetime(2024, 2, 1), 50.0, "paid"),
        ("d", "6", 1, datetime(2023, 12, 1), 400.0, "refunded"),
        ("e", "7", 1, datetime(2024, 5, 1), 250.0, "cancelled"),
        ("f", "8", 1, datetime(2024, 5, 1), 300.0, "paid"),
        ("f", "8", 2, datetime(2024, 5, 1), -100.0, None),
        ("f", "9", 1, datetime(2024, 6, 20), 80.0, "paid"),
        ("g", "10", 1, datetime(2024, 4, 15), 120.0, "paid"),
        ("g", "11", 1, datetime(2024, 5, 5), -20.0, "paid"),
        ("h", "12", 1, datetime(2024, 7, 5), 999.0, "paid"),
    ]
)


def test_rfm_scores_on_the_shop_by_hand():
    # Recency worst -> best: c 150 (B=0), g 76 (1), b 29 (2), f 10 (3), a 0 (4); n = 5
    #   score = (5·(2B + 1)) // 10 + 1 -> 1, 2, 3, 4, 5.
    # Frequency: 1 is shared by 3 of 5 (> 20 %) -> fixed breaks: F = orders (1..3).
    # Monetary: c 50 (B0,E1) -> 5//10+1 = 1; a, g 100 (B1,E2) -> 20//10+1 = 3;
    #   f 280 (B3,E1) -> 35//10+1 = 4; b 600 (B4,E1) -> 45//10+1 = 5.
    out = rfm.rfm_scores(SHOP, as_of=AS_OF).collect()
    expected = pl.DataFrame(
        {
            "customer_id": ["a", "b", "c", "f", "g"],
            "recency_days": [0, 29, 150, 10, 76],
            "frequency": [1, 3, 1, 2, 1],
            "monetary": [100.0, 600.0, 50.0, 280.0, 100.0],
            "first_order": [
                date(2024, 6, 30),
                date(2024, 1, 10),
                date(2024, 2, 1),
                date(2024, 5, 1),
                date(2024, 4, 15),
            ],
            "last_order": [
                date(2024, 6, 30),
                date(2024, 6, 1),
                date(2024, 2, 1),
                date(2024, 6, 20),
                date(2024, 4, 15),
            ],
            "aov": [100.0, 200.0, 50.0, 140.0, 100.0],
            "r_score": [5, 3, 1, 4, 2],
            "f_score": [1, 3, 1, 2, 1],
            "m_score": [3, 5, 1, 4, 3],
        },
        schema_overrides={"frequency": pl.Int64, "recency_days": pl.Int64},
    )
    assert_frame_equal(out, expected, check_dtypes=False)


def test_refund_only_and_cancelled_only_customers_are_not_scored():
    out = rfm.rfm_scores(SHOP, as_of=AS_OF).collect()
    assert not {"d", "e", "h"} & set(out["customer_id"])


def test_single_order_on_the_as_of_date_has_recency_zero_and_best_r():
    row = rfm.rfm_scores(SHOP, as_of=AS_OF).filter(pl.col("customer_id") == "a").collect()
    assert row["recency_days"].item() == 0
    assert row["r_score"].item() == 5


def test_ten_distinct_values_are_exact_quintiles():
    # n = 10, distinct: B = 0..9 -> (5·(2B+1)) // 20 + 1 = 1,1,2,2,3,3,4,4,5,5
    lines = one_order_each(
        {f"c{i}": (datetime(2024, 6, 30 - i), float(10 * (i + 1))) for i in range(10)}
    )
    out = rfm.rfm_scores(lines, as_of=AS_OF).sort("customer_id").collect()
    # c0 bought on the as-of date (best recency) and spent least.
    assert out["r_score"].to_list() == [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]
    assert out["m_score"].to_list() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]


def test_ties_share_a_score():
    # monetary 10, 20, 20, 20, 50, 60 (n = 6):
    #   10: B0 E1 -> 5//12+1 = 1; 20s: B1 E3 -> 25//12+1 = 3; 50: B4 E1 -> 45//12+1 = 4;
    #   60: B5 E1 -> 55//12+1 = 5
    amounts = [10.0, 20.0, 20.0, 20.0, 50.0, 60.0]
    lines = one_order_each({f"c{i}": (datetime(2024, 6, 1), a) for i, a in enumerate(amounts)})
    out = rfm.rfm_scores(lines, as_of=AS_OF).sort("customer_id").collect()
    assert out["m_score"].to_list() == [1, 3, 3, 3, 4, 5]
    # Everyone bought the same day: one block of ties in the middle -> all R = 3.
    assert out["r_score"].to_list() == [3] * 6


def test_fewer_than_five_customers():
    # n = 3 distinct recencies 20, 10, 0: B 0,1,2 -> (5·(2B+1)) // 6 + 1 = 1, 3, 5
    lines = one_order_each(
        {
            "x": (datetime(2024, 6, 10), 10.0),
            "y": (datetime(2024, 6, 20), 20.0),
            "z": (datetime(2024, 6, 30), 30.0),
        }
    )
    out = rfm.rfm_scores(lines, as_of=AS_OF).collect()
    assert out["r_score"].to_list() == [1, 3, 5]
    assert out["m_score"].to_list() == [1, 3, 5]
    assert out["f_score"].to_list() == [1, 1, 1]  # fixed breaks: every value > 20 %
    # One customer alone sits in the middle: R = M = 3.
    alone = rfm.rfm_scores(lines.filter(pl.col("customer_id") == "x"), as_of=AS_OF).collect()
    assert (alone["r_score"].item(), alone["f_score"].item(), alone["m_score"].item()) == (3, 1, 3)


def _orders_per_customer(counts: list[int]) -> pl.LazyFrame:
    rows = []
    for i, n in enumerate(counts):
        rows += [
            (f"c{i:02d}", f"c{i:02d}-{k}", 1, datetime(2024, 1, 1 + k), 10.0, "paid")
            for k in range(n)
        ]
    return make_lines(rows)


def test_fixed_frequency_breaks_when_most_bought_once():
    # 1 order is shared by 4 of 10 (> 20 %) -> fixed breaks 1, 2, 3, 4–5, 6+.
    counts = [1, 1, 1, 1, 2, 3, 4, 5, 6, 9]
    out = rfm.rfm_scores(_orders_per_customer(counts), as_of=AS_OF).collect()
    assert out["f_score"].to_list() == [1, 1, 1, 1, 2, 3, 4, 4, 5, 5]
    assert rfm.frequency_uses_fixed_breaks(out.lazy()).collect().item() is True


def test_quintile_frequency_when_no_value_holds_more_than_a_fifth():
    # Ten distinct counts 2, 4, …, 20 -> quintiles 1,1,2,2,3,3,4,4,5,5
    # (fixed breaks would have given 2, 4, 5, 5, …).
    counts = [2, 4, 6, 8, 10, 12, 14, 16, 18, 20]
    out = rfm.rfm_scores(_orders_per_customer(counts), as_of=AS_OF).collect()
    assert out["f_score"].to_list() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert rfm.frequency_uses_fixed_breaks(out.lazy()).collect().item() is False


def test_exactly_a_fifth_is_still_quintiles():
    # Two customers each with 1..5 orders: every value holds exactly 20 % -> quintiles;
    # 1s: B0 E2 -> 10//20+1 = 1, 2s: B2 E2 -> 30//20+1 = 2, … 5s: 90//20+1 = 5.
    counts = [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    out = rfm.rfm_scores(_orders_per_customer(counts), as_of=AS_OF).collect()
    assert rfm.frequency_uses_fixed_breaks(out.lazy()).collect().item() is False
    assert out["f_score"].to_list() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]


def test_custom_frequency_breaks():
    # breaks 1, 3, 5, 8, 12: 1->1, 2->1, 3->2, 6->3, 9->4, 12->5
    counts = [1, 1, 2, 3, 6, 9, 12]
    config = RfmConfig(frequency_breaks=(1, 3, 5, 8, 12))
    out = rfm.rfm_scores(_orders_per_customer(counts), as_of=AS_OF, config=config).collect()
    assert out["f_score"].to_list() == [1, 1, 1, 2, 3, 4, 5]


def test_all_customers_with_one_order():
    lines = one_order_each({f"c{i}": (datetime(2024, 6, 1 + 5 * i), 100.0) for i in range(5)})
    segmented = rfm.rfm_segments(rfm.rfm_scores(lines, as_of=AS_OF)).collect()
    assert segmented["f_score"].to_list() == [1] * 5
    # R 1..5 with F 1 -> lost, hibernating, about to sleep, promising, new
    assert segmented["segment"].to_list() == [
        "lost",
        "hibernating",
        "about_to_sleep",
        "promising",
        "new",
    ]


@pytest.mark.parametrize(
    "bad",
    [
        (1, 2, 3, 4),
        (2, 2, 3, 4, 6),
        (0, 2, 3, 4, 6),
        (1, 3, 2, 4, 6),
        # Built in Python, past the type hints: not whole numbers.
        (True, 2, 3, 4, 6),
        (1, 2, 3, 4, 6.5),
        (1, 2, "3", 4, 6),
    ],
)
def test_bad_frequency_breaks_are_a_config_error(bad):
    with pytest.raises(ConfigError, match="frequency_breaks"):
        rfm.rfm_scores(SHOP, as_of=AS_OF, config=RfmConfig(frequency_breaks=bad))


def test_row_order_does_not_change_scores():
    shuffled = SHOP.collect().sample(fraction=1.0, shuffle=True, seed=7).lazy()
    assert_frame_equal(
        rfm.rfm_scores(shuffled, as_of=AS_OF).collect(), rfm.rfm_scores(SHOP, as_of=AS_OF).collect()
    )


# DESIGN.md grid, written out cell by cell (R, F) -> segment, independently of config.py.
DESIGN_GRID = {
    (5, 1): "new", (5, 2): "potential_loyalist", (5, 3): "potential_loyalist", (5, 4): "champion", (5, 5): "champion",
    (4, 1): "promising", (4, 2): "potential_loyalist", (4, 3): "potential_loyalist", (4, 4): "loyal", (4, 5): "loyal",
    (3, 1): "about_to_sleep", (3, 2): "about_to_sleep", (3, 3): "needs_attention", (3, 4): "loyal", (3, 5): "loyal",
    (2, 1): "hibernating", (2, 2): "hibernating", (2, 3): "at_risk", (2, 4): "at_risk", (2, 5): "cant_lose",
    (1, 1): "lost", (1, 2): "lost", (1, 3): "at_risk", (1, 4): "at_risk", (1, 5): "cant_lose",
}  # fmt: skip


def test_grid_maps_every_cell():
    cells = sorted(DESIGN_GRID)
    scored = scored_frame(
        customer_id=[f"{r}{f}" for r, f in cells],
        r_score=[r for r, _ in cells],
        f_score=[f for _, f in cells],
    )
    out = rfm.rfm_segments(scored).collect()
    assert dict(zip(cells, out["segment"].to_list(), strict=True)) == DESIGN_GRID


def test_shop_segments():
    # a R5 F1 new · b R3 F3 needs attention · c R1 F1 lost · f R4 F2 potential loyalist ·
    # g R2 F1 hibernating
    out = rfm.rfm_segments(rfm.rfm_scores(SHOP, as_of=AS_OF)).collect()
    assert dict(out.select("customer_id", "segment").iter_rows()) == {
        "a": "new",
        "b": "needs_attention",
        "c": "lost",
        "f": "potential_loyalist",
        "g": "hibernating",
    }


def test_custom_grid_from_config():
    grid = dict(DEFAULT_SEGMENT_GRID)
    grid[5] = ("fresh", "fresh", "vip", "vip", "vip")
    config = RfmConfig(grid=grid)
    scored = scored_frame(customer_id=["x", "y"], r_score=[5, 5], f_score=[1, 3])
    assert rfm.rfm_segments(scored, config=config).collect()["segment"].to_list() == [
        "fresh",
        "vip",
    ]
    # Custom names come after the known ones in the summary, with a generic action.
    names = rfm.grid_segments(config)
    assert names[-2:] == ["fresh", "vip"]


def test_grid_with_missing_row_is_a_config_error():
    grid = dict(DEFAULT_SEGMENT_GRID)
    del grid[3]
    with pytest.raises(ConfigError, match="grid"):
        rfm.rfm_segments(
            scored_frame(customer_id=["x"], r_score=[5], f_score=[1]), config=RfmConfig(grid=grid)
        )


def test_segment_summary_by_hand():
    segmented = rfm.rfm_segments(rfm.rfm_scores(SHOP, as_of=AS_OF))
    out = rfm.segment_summary(segmented).collect()
    # Every grid segment is listed, best first.
    assert out["segment"].to_list() == list(rfm.SEGMENT_ORDER)
    present = out.filter(pl.col("customers") > 0)
    # Total revenue of scored customers: 100 + 600 + 50 + 280 + 100 = 1130.
    expected = pl.DataFrame(
        {
            "segment": ["potential_loyalist", "new", "needs_attention", "hibernating", "lost"],
            "customers": [1, 1, 1, 1, 1],
            "share_customers": [0.2] * 5,
            "revenue": [280.0, 100.0, 600.0, 100.0, 50.0],
            "share_revenue": [280 / 1130, 100 / 1130, 600 / 1130, 100 / 1130, 50 / 1130],
            "avg_recency_days": [10.0, 0.0, 29.0, 76.0, 150.0],
            "avg_frequency": [2.0, 1.0, 3.0, 1.0, 1.0],
            "avg_monetary": [280.0, 100.0, 600.0, 100.0, 50.0],
        }
    )
    assert_frame_equal(present.drop("action"), expected, check_dtypes=False)
    # The action is a key (the segment's), worded only where it is shown.
    assert present["action"].to_list() == [
        "segment_potential_loyalist",
        "segment_new",
        "segment_needs_attention",
        "segment_hibernating",
        "segment_lost",
    ]
    assert out["revenue"].sum() == pytest.approx(1130.0)
    assert out["share_revenue"].sum() == pytest.approx(1.0)
    empty = out.filter(pl.col("segment") == "champion").row(0, named=True)
    assert (
        empty["customers"],
        empty["revenue"],
        empty["share_customers"],
        empty["avg_monetary"],
    ) == (0, 0.0, 0.0, None)


def test_segment_summary_action_is_a_key_worded_in_both_languages():
    segmented = scored_frame(
        customer_id=["x", "y"],
        segment=["at_risk", "vip"],
        recency_days=[100, 5],
        frequency=[3, 9],
        monetary=[500.0, 900.0],
    )
    out = rfm.segment_summary(segmented).filter(pl.col("customers") > 0).collect()
    # A segment of a custom grid gets a key too (and the generic advice in words).
    assert out.select("segment", "action").rows() == [
        ("at_risk", "segment_at_risk"),
        ("vip", "segment_vip"),
    ]
    en = word_actions(out, "en")["action"].to_list()
    da = word_actions(out, "da")["action"].to_list()
    assert en[0].startswith("Personal reactivation")
    assert da[0].startswith("Personlig genaktivering")
    assert en[1] == "Look at these customers' purchases and choose a fitting action."
    assert da[1] == "Se på kundernes køb og vælg en passende indsats."


def test_segment_summary_revenue_adds_up_with_many_customers():
    counts = [1, 1, 2, 3, 5, 8, 1, 2, 1, 4, 6, 1]
    segmented = rfm.rfm_segments(rfm.rfm_scores(_orders_per_customer(counts), as_of=AS_OF))
    out = rfm.segment_summary(segmented).collect()
    assert out["customers"].sum() == len(counts)
    assert out["revenue"].sum() == pytest.approx(10.0 * sum(counts))


def test_segment_thresholds_by_hand():
    scored = rfm.rfm_scores(SHOP, as_of=AS_OF)
    out = rfm.segment_thresholds(scored).collect()
    # R: one customer per score: c 150 (1), g 76 (2), b 29 (3), f 10 (4), a 0 (5).
    r = out.filter(pl.col("metric") == "recency_days")
    assert r.select("score", "lower", "upper", "customers", "method").rows() == [
        (1, 150.0, 150.0, 1, "quintile"),
        (2, 76.0, 76.0, 1, "quintile"),
        (3, 29.0, 29.0, 1, "quintile"),
        (4, 10.0, 10.0, 1, "quintile"),
        (5, 0.0, 0.0, 1, "quintile"),
    ]
    # F from fixed breaks: the band is the rule (F1 = 1, F2 = 2, F3 = 3 orders).
    f = out.filter(pl.col("metric") == "frequency")
    assert f.select("score", "lower", "upper", "customers", "method").rows() == [
        (1, 1.0, 1.0, 3, "fixed"),
        (2, 2.0, 2.0, 1, "fixed"),
        (3, 3.0, 3.0, 1, "fixed"),
    ]
    # M: a and g tie at 100 and share M3.
    m = out.filter((pl.col("metric") == "monetary") & (pl.col("score") == 3))
    assert m.select("lower", "upper", "customers").row(0) == (100.0, 100.0, 2)


def test_thresholds_for_fixed_top_break_is_open_ended():
    counts = [1, 1, 1, 4, 5, 7]
    scored = rfm.rfm_scores(_orders_per_customer(counts), as_of=AS_OF)
    f = rfm.segment_thresholds(scored).filter(pl.col("metric") == "frequency").collect()
    assert f.select("score", "lower", "upper").rows() == [
        (1, 1.0, 1.0),
        (4, 4.0, 5.0),
        (5, 6.0, None),
    ]


def test_describe_breaks():
    assert rfm.describe_breaks((1, 2, 3, 4, 6)) == "1, 2, 3, 4–5, 6+"
    assert rfm.describe_breaks((1, 3, 5, 8, 12)) == "1–2, 3–4, 5–7, 8–11, 12+"


def test_segment_migration_by_hand():
    # Compare 2024-03-31 vs 2024-06-30 on SHOP.
    # At 31 Mar the scored customers are b (orders 10 Jan, 10 Mar: recency 21, F2, M500)
    # and c (1 Feb: recency 59, F1, M50): n = 2 -> b R=(5·3)//4+1 = 4, c R=(5·1)//4+1 = 2;
    # F fixed: b 2, c 1 -> b R4 F2 potential loyalist, c R2 F1 hibernating.
    # At 30 Jun (see test_shop_segments): b needs attention, c lost, a new,
    # f potential loyalist, g hibernating. d, e are never scored.
    moves = rfm.customer_segment_moves(SHOP, as_of=AS_OF, compare=date(2024, 3, 31)).collect()
    assert moves.rows() == [
        ("f", "none", "potential_loyalist", True),
        ("a", "none", "new", True),
        ("g", "none", "hibernating", True),
        ("b", "potential_loyalist", "needs_attention", True),
        ("c", "hibernating", "lost", True),
    ]
    migration = rfm.segment_migration(SHOP, as_of=AS_OF, compare=date(2024, 3, 31)).collect()
    assert migration.rows() == [
        ("none", "potential_loyalist", 1, True),
        ("none", "new", 1, True),
        ("none", "hibernating", 1, True),
        ("potential_loyalist", "needs_attention", 1, True),
        ("hibernating", "lost", 1, True),
    ]
    assert migration["customers"].sum() == moves.height


def test_migration_counts_customers_who_stay():
    lines = one_order_each({"x": (datetime(2024, 1, 1), 10.0), "y": (datetime(2024, 1, 1), 20.0)})
    # Both tie on recency at both dates (R3), F1 -> about to sleep both times.
    out = rfm.segment_migration(lines, as_of=AS_OF, compare=date(2024, 3, 1)).collect()
    assert out.rows() == [("about_to_sleep", "about_to_sleep", 2, False)]


def test_compare_must_be_before_as_of():
    with pytest.raises(ConfigError, match="before the as-of date"):
        rfm.segment_migration(SHOP, as_of=AS_OF, compare=AS_OF)


def test_empty_input_gives_empty_frames():
    empty = make_lines([])
    scored = rfm.rfm_scores(empty, as_of=AS_OF)
    assert scored.collect().height == 0
    summary = rfm.segment_summary(rfm.rfm_segments(scored)).collect()
    assert summary["customers"].sum() == 0
    assert summary["share_customers"].null_count() == summary.height
