"""Rule-based churn tiers (DESIGN.md "Inactive"), worked out by hand."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from kunde_cli.analytics import churn
from kunde_cli.config import ChurnConfig
from kunde_cli.errors import ConfigError
from kunde_cli.words import actions
from kunde_cli.words.actions import word_actions

AS_OF = date(2024, 12, 31)


def ago(days: int) -> datetime:
    """A timestamp ``days`` days before AS_OF (midday, to show times do not matter)."""
    return datetime(2024, 12, 31, 12) - timedelta(days=days)


def make_lines(rows: list[tuple]) -> pl.LazyFrame:
    """(customer, days ago, amount[, status[, email]]) → canonical order lines, one order each."""
    records = []
    for i, row in enumerate(rows):
        customer, days, amount = row[:3]
        status = row[3] if len(row) > 3 else "paid"
        email = row[4] if len(row) > 4 else None
        when = ago(days) if isinstance(days, int) else days
        records.append((customer, str(i), 1, when, amount, status, email, None))
    return pl.LazyFrame(
        records,
        schema={
            "customer_id": pl.String,
            "order_id": pl.String,
            "line_no": pl.Int32,
            "order_date": pl.Datetime("us"),
            "amount": pl.Float64,
            "status": pl.String,
            "email": pl.String,
            "name": pl.String,
        },
        orient="row",
    )


# Defaults: k = 2, floor = 60, 80th percentile, cooling from 1 × gap, lost from 2 × threshold.
SHOP = make_lines(
    [
        # A: gaps 30, 30 → usual 30, threshold max(60, 60) = 60; 40 days: 40 > 30 → cooling.
        ("A", 100, 100.0),
        ("A", 70, 100.0),
        ("A", 40, 100.0),
        # B: gap 30, 20 days since → active.
        ("B", 50, 50.0),
        ("B", 20, 50.0),
        # C: gaps 20, 10 → median 15, threshold 60, lost beyond 120; 170 days → lost.
        ("C", 200, 10.0),
        ("C", 180, 10.0),
        ("C", 170, 10.0),
        # D: gap 90 → threshold 180 < 210 ≤ 360 → inactive.
        ("D", 300, 100.0),
        ("D", 210, 100.0),
        # First gaps of the repeat customers: A 30, B 30, C 20, D 90 → sorted 20, 30, 30, 90;
        # 80th percentile (linear): position 0.8 × 3 = 2.4 → 30 + 0.4 × (90 − 30) = 54.
        # One-order customers: usual 54, threshold 108, lost beyond 216.
        ("E", 100, 70.0),  # 54 < 100 ≤ 108 → cooling
        ("F", 300, 70.0),  # > 216 → lost
        ("G", 150, 70.0),  # 108 < 150 ≤ 216 → inactive
        ("H", 10, 30.0),  # two orders the same day: 1 purchase day → shop gap; 10 → active
        ("H", 10, 20.0),
        ("I", 30, 80.0, "cancelled"),  # nothing counted → not in the tiers
        ("J", 80, 60.0),  # counted order 80 days ago; the later refunded one does not count
        ("J", 5, 60.0, "refunded"),
        ("K", 40, 25.0),  # an order after as_of is ignored: K is a one-order customer
        ("K", datetime(2025, 1, 5), 25.0),
    ]
)


@pytest.fixture(scope="module")
def tiers() -> pl.DataFrame:
    return churn.churn_tiers(SHOP, as_of=AS_OF).sort("customer_id").collect()


def test_tiers_by_hand(tiers: pl.DataFrame) -> None:
    expected = pl.DataFrame(
        {
            "customer_id": ["A", "B", "C", "D", "E", "F", "G", "H", "J", "K"],
            "orders": [3, 2, 3, 2, 1, 1, 1, 2, 1, 1],
            "days_since_last": [40, 20, 170, 210, 100, 300, 150, 10, 80, 40],
            "usual_gap_days": [30.0, 30.0, 15.0, 90.0, 54.0, 54.0, 54.0, 54.0, 54.0, 54.0],
            "gap_basis": ["own"] * 4 + ["shop"] * 6,
            "threshold_days": [60.0, 60.0, 60.0, 180.0] + [108.0] * 6,
            "tier": [
                "cooling",
                "active",
                "lost",
                "inactive",
                "cooling",
                "lost",
                "inactive",
                "active",
                "cooling",
                "active",
            ],
        }
    )
    assert_frame_equal(tiers.select(expected.columns), expected)


def test_revenue_last_order_and_value_at_stake(tiers: pl.DataFrame) -> None:
    got = {r["customer_id"]: r for r in tiers.iter_rows(named=True)}
    # A: 3 × 100 = 300, first order 100 days ago (< 1 year counts as 1) → 300 a year.
    assert got["A"]["revenue"] == 300.0
    assert got["A"]["value_at_stake"] == 300.0
    assert got["A"]["last_order"] == date(2024, 11, 21)  # 40 days before 31 Dec
    # H: two same-day orders, 30 + 20.
    assert got["H"]["revenue"] == 50.0
    # J: the refunded order is not revenue.
    assert got["J"]["revenue"] == 60.0
    assert "I" not in got


def test_value_at_stake_is_revenue_per_year_of_history() -> None:
    # 2 × 500 over 1000 days since the first order: 1000 / (1000 / 365.25) = 365.25 a year.
    lines = make_lines([("P", 1000, 500.0), ("P", 900, 500.0)])
    out = churn.churn_tiers(lines, as_of=AS_OF).collect()
    assert out["value_at_stake"][0] == pytest.approx(365.25)
    # gap 100 → threshold 200, lost beyond 400: 900 days → lost
    assert out["tier"][0] == "lost"


@pytest.mark.parametrize(
    ("since", "tier"),
    [
        (30, "active"),  # = usual gap: not yet overdue
        (31, "cooling"),
        (60, "cooling"),  # = threshold: not yet inactive (strictly greater)
        (61, "inactive"),
        (120, "inactive"),  # = 2 × threshold: not yet lost
        (121, "lost"),
    ],
)
def test_tier_boundaries(since: int, tier: str) -> None:
    lines = make_lines([("A", since + 60, 10.0), ("A", since + 30, 10.0), ("A", since, 10.0)])
    out = churn.churn_tiers(lines, as_of=AS_OF).collect()
    assert out["usual_gap_days"][0] == 30.0
    assert out["threshold_days"][0] == 60.0
    assert out["tier"][0] == tier


def test_config_changes_the_rule() -> None:
    # k = 3, floor 10: threshold = max(10, 90) = 90; cooling from 1.5 × 30 = 45; lost from 3 × 90.
    config = ChurnConfig(k=3.0, floor_days=10, cooling_factor=1.5, lost_factor=3.0)
    lines = make_lines([("A", 100, 10.0), ("A", 70, 10.0), ("A", 40, 10.0)])
    out = churn.churn_tiers(lines, as_of=AS_OF, config=config).collect()
    assert out.select("threshold_days", "tier").row(0) == (90.0, "active")  # 40 ≤ 45


def test_one_order_quantile_is_configurable() -> None:
    # First gaps 20, 30, 30, 90; the median (0.5, linear): position 1.5 → 30.
    out = churn.churn_tiers(SHOP, as_of=AS_OF, config=ChurnConfig(one_order_quantile=0.5))
    e = out.filter(pl.col("customer_id") == "E").collect()
    assert e.select("usual_gap_days", "threshold_days", "tier").row(0) == (30.0, 60.0, "inactive")


def test_no_repeat_customers_fall_back_to_the_floor() -> None:
    # Nobody bought twice: usual gap = floor 60, threshold max(60, 120) = 120.
    lines = make_lines([("a", 50, 10.0), ("b", 100, 10.0), ("c", 130, 10.0), ("d", 250, 10.0)])
    out = churn.churn_tiers(lines, as_of=AS_OF).sort("customer_id").collect()
    assert out["gap_basis"].to_list() == ["floor"] * 4
    assert out["threshold_days"].to_list() == [120.0] * 4
    assert out["tier"].to_list() == ["active", "cooling", "inactive", "lost"]
    assert churn.one_order_gap(out) == (60.0, "floor")


def test_one_order_gap_reports_the_shop_value(tiers: pl.DataFrame) -> None:
    gap, basis = churn.one_order_gap(tiers)
    assert (gap, basis) == (pytest.approx(54.0), "shop")
    only_repeat = tiers.filter(pl.col("gap_basis") == "own")
    assert churn.one_order_gap(only_repeat) == (None, None)


def test_empty_input_gives_empty_tiers_and_a_full_summary() -> None:
    out = churn.churn_tiers(make_lines([]), as_of=AS_OF).collect()
    assert out.height == 0
    summary = churn.tier_summary(out).collect()
    assert summary["tier"].to_list() == list(churn.TIERS)
    assert summary["customers"].to_list() == [0, 0, 0, 0]
    assert summary["share_revenue"].to_list() == [None] * 4


def test_reordering_rows_does_not_change_tiers(tiers: pl.DataFrame) -> None:
    shuffled = SHOP.collect().sample(fraction=1.0, shuffle=True, seed=3).lazy()
    again = churn.churn_tiers(shuffled, as_of=AS_OF).sort("customer_id").collect()
    assert_frame_equal(again, tiers)


def test_tier_summary_by_hand(tiers: pl.DataFrame) -> None:
    summary = churn.tier_summary(tiers).collect()
    # active B, H, K; cooling A, E, J; inactive D, G; lost C, F.
    # revenue: active 100 + 50 + 25 = 175; cooling 300 + 70 + 60 = 430;
    # inactive 200 + 70 = 270; lost 30 + 70 = 100; total 975.
    expected = pl.DataFrame(
        {
            "tier": ["active", "cooling", "inactive", "lost"],
            "customers": [3, 3, 2, 2],
            "share_customers": [0.3, 0.3, 0.2, 0.2],
            "revenue": [175.0, 430.0, 270.0, 100.0],
            "share_revenue": [175 / 975, 430 / 975, 270 / 975, 100 / 975],
        }
    )
    assert_frame_equal(summary.select(expected.columns), expected)


def test_reactivation_list_sorted_with_contacts_and_actions() -> None:
    lines = make_lines(
        [
            ("A", 100, 100.0, "paid", "old@a.dk"),
            ("A", 70, 100.0, "paid", None),
            ("A", 40, 100.0, "paid", "new@a.dk"),  # latest e-mail wins
            ("E", 100, 70.0, "paid", "e@e.dk"),
            ("G", 150, 500.0),
            ("B", 50, 50.0),
            ("B", 20, 50.0),
            ("D", 300, 100.0),
            ("D", 210, 100.0),
        ]
    )
    tiers = churn.churn_tiers(lines, as_of=AS_OF)
    segments = pl.LazyFrame({"customer_id": ["A", "G"], "segment": ["loyal", "hibernating"]})
    out = churn.reactivation_list(tiers, lines, segments=segments).collect()
    # First gaps 30 (A), 30 (B), 90 (D) → 80th pct: 30 + 0.6 × 60 = 66; E, G: threshold 132.
    # cooling: A (40 > 30), E (100 > 66); inactive: G (150 > 132), D (210 > 180).
    # value at stake: G 500, A 300, D 200, E 70.
    assert out["customer_id"].to_list() == ["G", "A", "D", "E"]
    assert out["email"].to_list() == [None, "new@a.dk", None, "e@e.dk"]
    assert out["segment"].to_list() == ["hibernating", "loyal", None, None]
    # The action is the key of each tier's advice; words come at the edge.
    assert out["action"].to_list() == [
        "tier_inactive",
        "tier_cooling",
        "tier_inactive",
        "tier_cooling",
    ]
    assert word_actions(out, "en")["action"][1] == actions.tier_action("cooling", "en")
    assert out.columns == [
        "customer_id",
        "email",
        "name",
        "tier",
        "last_order",
        "days_since_last",
        "usual_gap_days",
        "orders",
        "revenue",
        "value_at_stake",
        "segment",
        "action",
    ]
    lost_only = churn.reactivation_list(tiers, lines, wanted=["lost"]).collect()
    assert lost_only.height == 0
    assert "segment" not in lost_only.columns


def test_contact_details_without_email_or_name_columns() -> None:
    lines = make_lines([("A", 10, 5.0)]).drop("email", "name")
    out = churn.contact_details(lines).collect()
    assert out.row(0) == ("A", None, None)


def test_with_model_blanks_p_alive_for_one_order_customers_under_bgnbd() -> None:
    tiers = pl.LazyFrame({"customer_id": ["a", "b"], "tier": ["lost", "active"]})
    pred = pl.DataFrame(
        {
            "customer_id": ["a", "b"],
            "repeat_purchases": [0, 3],
            "p_alive": [1.0, 0.8],
            "expected_purchases": [0.2, 2.5],
        }
    )
    blank = churn.with_model(tiers, pred, blank_one_order=True).collect()
    assert blank["p_alive"].to_list() == [None, 0.8]
    kept = churn.with_model(tiers, pred, blank_one_order=False).collect()
    assert kept["p_alive"].to_list() == [1.0, 0.8]
    summary = churn.tier_summary(
        blank.with_columns(revenue=pl.lit(1.0), value_at_stake=pl.lit(1.0))
    ).collect()
    # mean P(alive) ignores the blank; expected purchases are summed per tier.
    assert summary["mean_p_alive"].to_list() == [0.8, None, None, None]
    assert summary["expected_purchases"].to_list() == [2.5, 0.0, 0.0, 0.2]


def test_parse_tiers() -> None:
    assert churn.parse_tiers(None) == ("cooling", "inactive")
    assert churn.parse_tiers(" Lost, cooling ,lost") == ("lost", "cooling")
    with pytest.raises(ConfigError, match="unknown tier"):
        churn.parse_tiers("cooling,asleep")
    with pytest.raises(ConfigError):
        churn.parse_tiers(",")


@pytest.mark.parametrize(
    "config",
    [
        ChurnConfig(k=0),
        ChurnConfig(floor_days=0),
        ChurnConfig(one_order_quantile=1.5),
        ChurnConfig(cooling_factor=0),
        ChurnConfig(lost_factor=1.0),
    ],
)
def test_bad_config_is_refused(config: ChurnConfig) -> None:
    with pytest.raises(ConfigError, match=r"\[churn\]"):
        churn.churn_tiers(SHOP, as_of=AS_OF, config=config)


def test_actions_exist_in_both_languages() -> None:
    keys = pl.DataFrame({"tier": list(churn.TIERS)}).select(churn.tier_action_expr())
    assert keys["tier"].to_list() == [f"tier_{t}" for t in churn.TIERS]
    for tier in churn.TIERS:
        assert actions.action_text(f"tier_{tier}", "da") == actions.tier_action(tier, "da")
        assert actions.tier_action(tier, "da") != actions.tier_action(tier, "en")
