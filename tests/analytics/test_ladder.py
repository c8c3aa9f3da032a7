"""Loyalty ladder: rungs, summary and flow — numbers computed by hand."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from kunde_cli.analytics import ladder as lad
from kunde_cli.config import LadderConfig
from kunde_cli.errors import ConfigError
from kunde_cli.words.actions import word_actions

AS_OF = date(2024, 6, 30)
COMPARE = date(2024, 3, 31)


def make_lines(rows: list[tuple]) -> pl.LazyFrame:
    """rows: (customer_id, order_id, order_date, amount, status, email)."""
    return pl.LazyFrame(
        [(c, o, 1, d, a, st, e) for c, o, d, a, st, e in rows],
        schema={
            "customer_id": pl.String,
            "order_id": pl.String,
            "line_no": pl.Int32,
            "order_date": pl.Datetime("us"),
            "amount": pl.Float64,
            "status": pl.String,
            "email": pl.String,
        },
        orient="row",
    )


def make_survey(rows: list[tuple]) -> pl.LazyFrame:
    """rows: (customer_id, email, responded_at, score)."""
    return pl.LazyFrame(
        rows,
        schema={
            "customer_id": pl.String,
            "email": pl.String,
            "responded_at": pl.Datetime("us"),
            "score": pl.Int8,
        },
        orient="row",
    )


# a  1 order (30 Jun, 100)                         -> first-time (email answer 9 does not promote)
# b  3 orders (10 Jan 200, 10 Mar 300, 1 Jun 100)  -> returning; latest NPS 10 -> ambassador
# d  only a refunded order                         -> potential
# e  only a cancelled order (1 Feb)                -> potential
# l  4 orders (5 Jan, 5 Feb, 5 Mar, 5 Jun; 50 each) -> loyal (its 10 comes after as-of)
# m  5 orders (1–5 Jan, 20 each)                   -> loyal by orders, but tier lost -> returning
# x  survey answer only                            -> potential
LINES = make_lines(
    [
        ("a", "1", datetime(2024, 6, 30), 100.0, "paid", "a@shop.dk"),
        ("b", "2", datetime(2024, 1, 10), 200.0, "paid", "b@shop.dk"),
        ("b", "3", datetime(2024, 3, 10), 300.0, "paid", "b@shop.dk"),
        ("b", "4", datetime(2024, 6, 1), 100.0, "paid", "b@shop.dk"),
        ("d", "5", datetime(2023, 12, 1), 400.0, "refunded", None),
        ("e", "6", datetime(2024, 2, 1), 250.0, "cancelled", None),
        ("l", "7", datetime(2024, 1, 5), 50.0, "paid", None),
        ("l", "8", datetime(2024, 2, 5), 50.0, "paid", None),
        ("l", "9", datetime(2024, 3, 5), 50.0, "paid", None),
        ("l", "10", datetime(2024, 6, 5), 50.0, "paid", None),
        *[("m", f"m{k}", datetime(2024, 1, k), 20.0, "paid", None) for k in range(1, 6)],
    ]
)
SURVEY = make_survey(
    [
        ("b", None, datetime(2024, 1, 1), 3),
        ("b", None, datetime(2024, 6, 10), 10),
        ("x", None, datetime(2024, 5, 1), 7),
        ("m", None, datetime(2024, 6, 1), 6),
        (None, " A@Shop.DK ", datetime(2024, 6, 15), 9),
        ("l", None, datetime(2024, 7, 1), 10),  # after as-of: ignored
        (None, None, datetime(2024, 6, 1), 10),  # nobody: dropped
    ]
)
TIERS = pl.LazyFrame({"customer_id": ["m", "l", "b"], "tier": ["lost", "active", "cooling"]})


def test_rungs_by_hand():
    out = lad.ladder_rungs(LINES, as_of=AS_OF, survey=SURVEY, tiers=TIERS).collect()
    expected = pl.DataFrame(
        {
            "customer_id": ["a", "b", "d", "e", "l", "m", "x"],
            "orders": [1, 3, 0, 0, 4, 5, 0],
            "revenue": [100.0, 600.0, 0.0, 0.0, 200.0, 100.0, 0.0],
            "rung": [
                "first_time",
                "ambassador",
                "potential",
                "potential",
                "loyal",
                "returning",
                "potential",
            ],
            "inactive": [False, False, False, False, False, True, False],
            "latest_score": [9, 10, None, None, None, 6, 7],
        },
        schema_overrides={"latest_score": pl.Int64},
    )
    assert_frame_equal(out, expected)


def test_without_tiers_nobody_is_inactive():
    out = lad.ladder_rungs(LINES, as_of=AS_OF, survey=SURVEY).collect()
    assert out.filter(pl.col("customer_id") == "m")["rung"].item() == "loyal"
    assert not out["inactive"].any()


def test_without_survey_there_are_no_ambassadors_and_no_survey_people():
    out = lad.ladder_rungs(LINES, as_of=AS_OF).collect()
    assert "x" not in out["customer_id"].to_list()
    assert dict(out.select("customer_id", "rung").iter_rows())["b"] == "returning"


def test_lost_customer_with_promoter_score_is_not_ambassador():
    # DESIGN.md would make m (5 orders, tier lost, latest answer 10) an ambassador;
    # issue 17: nobody is an ambassador while lost or inactive. m is returning (the
    # rung an inactive customer with 2+ orders has), and the 10 is kept.
    survey = make_survey([("m", None, datetime(2024, 6, 1), 10)])
    out = lad.ladder_rungs(LINES, as_of=AS_OF, survey=survey, tiers=TIERS).collect()
    m = out.filter(pl.col("customer_id") == "m").row(0, named=True)
    assert (m["rung"], m["inactive"], m["latest_score"]) == ("returning", True, 10)
    # The same customer active again would be an ambassador.
    active = pl.LazyFrame({"customer_id": ["m"], "tier": ["active"]})
    out = lad.ladder_rungs(LINES, as_of=AS_OF, survey=survey, tiers=active).collect()
    assert out.filter(pl.col("customer_id") == "m")["rung"].item() == "ambassador"


def test_same_instant_answers_take_the_lower_score():
    survey = make_survey(
        [("b", None, datetime(2024, 6, 1), 10), ("b", None, datetime(2024, 6, 1), 5)]
    )
    out = lad.ladder_rungs(LINES, as_of=AS_OF, survey=survey).collect()
    row = out.filter(pl.col("customer_id") == "b").row(0, named=True)
    assert (row["latest_score"], row["rung"]) == (5, "returning")


def test_contacts_list_adds_potential_people():
    # k3 is b's e-mail: the same person as customer b, not a new contact.
    contacts = pl.LazyFrame(
        {"customer_id": ["a", "k1", None, None], "email": [None, None, " K2@x.dk", "B@shop.dk"]}
    )
    out = lad.ladder_rungs(LINES, as_of=AS_OF, contacts=contacts).collect()
    rungs = dict(out.select("customer_id", "rung").iter_rows())
    assert rungs["k1"] == "potential"
    assert rungs["k2@x.dk"] == "potential"
    assert rungs["a"] == "first_time"  # a known contact who bought is not potential
    assert out.height == 8  # a, b, d, e, l, m + k1, k2


def test_contacts_without_id_or_email_is_a_config_error():
    with pytest.raises(ConfigError, match="customer_id or an email"):
        lad.ladder_rungs(LINES, as_of=AS_OF, contacts=pl.LazyFrame({"phone": ["1"]}))


def test_custom_thresholds():
    config = LadderConfig(loyal_min_orders=3, returning_min_orders=2, ambassador_min_score=10)
    survey = make_survey([("b", None, datetime(2024, 6, 10), 9)])
    out = lad.ladder_rungs(LINES, as_of=AS_OF, survey=survey, config=config).collect()
    rungs = dict(out.select("customer_id", "rung").iter_rows())
    assert rungs["b"] == "loyal"  # 3 orders ≥ 3; a 9 is below 10
    assert rungs["l"] == "loyal"


@pytest.mark.parametrize(
    "config",
    [
        LadderConfig(returning_min_orders=1),
        LadderConfig(loyal_min_orders=2, returning_min_orders=3),
        LadderConfig(ambassador_min_score=11),
    ],
)
def test_contradictory_thresholds_are_a_config_error(config):
    with pytest.raises(ConfigError, match="ladder"):
        lad.ladder_rungs(LINES, as_of=AS_OF, config=config)


def test_summary_by_hand():
    rungs = lad.ladder_rungs(LINES, as_of=AS_OF, survey=SURVEY, tiers=TIERS)
    out = lad.ladder_summary(rungs).collect()
    # 7 people; revenue 100 + 600 + 200 + 100 = 1000.
    expected = pl.DataFrame(
        {
            "rung": ["potential", "first_time", "returning", "loyal", "ambassador"],
            "customers": [3, 1, 1, 1, 1],
            "share_customers": [3 / 7, 1 / 7, 1 / 7, 1 / 7, 1 / 7],
            "revenue": [0.0, 100.0, 100.0, 200.0, 600.0],
            "share_revenue": [0.0, 0.1, 0.1, 0.2, 0.6],
            "inactive": [0, 0, 1, 0, 0],
        }
    )
    assert_frame_equal(out.drop("next_step"), expected)
    # The next step is a key (the rung's), worded only where it is shown.
    assert out["next_step"].to_list() == [f"rung_{r}" for r in lad.RUNGS]
    assert word_actions(out, "en")["next_step"][1].startswith("Second purchase")
    assert word_actions(out, "da")["next_step"][0].startswith("Første køb")


def test_moves_and_flow_by_hand():
    # At 31 Mar: b 2 orders (answer 3) returning · d, e potential · l 3 orders returning ·
    # m 5 orders loyal (no compare tiers) · a and x unknown.
    # At 30 Jun: see test_rungs_by_hand.
    moves = lad.ladder_moves(
        LINES, as_of=AS_OF, compare=COMPARE, survey=SURVEY, tiers=TIERS
    ).collect()
    # m falls from loyal to returning because it went lost: down, and went inactive
    # (issue 17: the movement is the two rungs', so the counts are the matrix's sums).
    assert moves.rows() == [
        ("a", "none", "first_time", "new", False),
        ("b", "returning", "ambassador", "up", False),
        ("d", "potential", "potential", "same", False),
        ("e", "potential", "potential", "same", False),
        ("l", "returning", "loyal", "up", False),
        ("m", "loyal", "returning", "down", True),
        ("x", "none", "potential", "new", False),
    ]
    flow = lad.flow_from_moves(moves.lazy()).collect()
    assert flow.rows() == [
        ("none", "potential", "new", 1, 0),
        ("none", "first_time", "new", 1, 0),
        ("potential", "potential", "same", 2, 0),
        ("returning", "loyal", "up", 1, 0),
        ("returning", "ambassador", "up", 1, 0),
        ("loyal", "returning", "down", 1, 1),
    ]
    direct = lad.ladder_flow(LINES, as_of=AS_OF, compare=COMPARE, survey=SURVEY, tiers=TIERS)
    assert_frame_equal(direct.collect(), flow)


def test_already_inactive_at_compare_is_not_went_inactive():
    moves = lad.ladder_moves(
        LINES,
        as_of=AS_OF,
        compare=COMPARE,
        survey=SURVEY,
        tiers=TIERS,
        compare_tiers=pl.LazyFrame({"customer_id": ["m"], "tier": ["inactive"]}),
    ).collect()
    # m: inactive at both dates -> returning then and now -> same, not went inactive.
    assert moves.filter(pl.col("customer_id") == "m").row(0)[1:] == (
        "returning",
        "returning",
        "same",
        False,
    )


def test_falling_back_is_down():
    # l has 4 orders but is "lost" now (and was active at compare with 3 orders -> returning);
    # make the compare ladder loyal by lowering the threshold, then tier it inactive at both.
    config = LadderConfig(loyal_min_orders=3)
    tiers = pl.LazyFrame({"customer_id": ["l"], "tier": ["inactive"]})
    moves = lad.ladder_moves(
        LINES, as_of=AS_OF, compare=COMPARE, tiers=tiers, compare_tiers=tiers, config=config
    ).collect()
    # At compare l is inactive too -> returning; b with 2 orders -> returning, now 3 -> loyal.
    rows = {r[0]: r[1:] for r in moves.rows()}
    assert rows["l"] == ("returning", "returning", "same", False)
    assert rows["b"] == ("returning", "loyal", "up", False)
    assert rows["m"] == ("loyal", "loyal", "same", False)
    # A customer whose only order is refunded later falls back to potential: down.
    refunded_later = pl.concat(
        [
            LINES,
            make_lines(
                [
                    ("a2", "r1", datetime(2024, 2, 1), 80.0, "paid", None),
                    ("a2", "r1", datetime(2024, 5, 1), -80.0, None, None),
                ]
            ),
        ]
    )
    moves = lad.ladder_moves(refunded_later, as_of=AS_OF, compare=COMPARE).collect()
    assert moves.filter(pl.col("customer_id") == "a2").row(0)[1:] == (
        "first_time",
        "potential",
        "down",
        False,
    )


def test_flow_matrix_and_side_by_side():
    flow = lad.ladder_flow(LINES, as_of=AS_OF, compare=COMPARE, survey=SURVEY, tiers=TIERS)
    matrix = lad.ladder_flow_matrix(flow).collect()
    assert matrix.columns == ["from_rung", *lad.RUNGS, "none", "total"]
    assert matrix.rows() == [
        ("none", 1, 1, 0, 0, 0, 0, 2),
        ("potential", 2, 0, 0, 0, 0, 0, 2),
        ("first_time", 0, 0, 0, 0, 0, 0, 0),
        ("returning", 0, 0, 0, 1, 1, 0, 2),
        ("loyal", 0, 0, 1, 0, 0, 0, 1),
        ("ambassador", 0, 0, 0, 0, 0, 0, 0),
    ]
    side = lad.ladder_side_by_side(flow).collect()
    assert side.rows() == [
        ("potential", 2, 3, 1),
        ("first_time", 0, 1, 1),
        ("returning", 2, 1, -1),
        ("loyal", 1, 1, 0),
        ("ambassador", 0, 1, 1),
    ]


def test_compare_must_be_before_as_of():
    with pytest.raises(ConfigError, match="before the as-of date"):
        lad.ladder_flow(LINES, as_of=AS_OF, compare=date(2024, 7, 1))


def test_survey_email_matches_order_email():
    answers = lad.survey_people(SURVEY, LINES, as_of=AS_OF).collect()
    assert answers.filter(pl.col("score") == 9)["customer_id"].to_list() == ["a"]
    assert answers.height == 5  # 7 answers − 1 after as-of − 1 without any id
