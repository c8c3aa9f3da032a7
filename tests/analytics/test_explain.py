"""kunde explain: finding the customer and the facts behind each label."""

from __future__ import annotations

import json
from datetime import date, datetime

import polars as pl
import pytest

from kunde_cli.analytics.explain import explain_customer, find_customer
from kunde_cli.config import Config, LadderConfig
from kunde_cli.errors import ConfigError
from kunde_cli.words.explain import worded_explanation

AS_OF = date(2024, 6, 30)


def worded(e, lang: str = "en") -> dict:
    """The explanation as kunde explain shows it: the facts with each rule in words."""
    return worded_explanation(e.to_dict(), lang, "kr." if lang == "da" else "DKK")


def make_lines(rows: list[tuple]) -> pl.LazyFrame:
    """rows: (customer_id, order_id, order_date, amount, status, email, name)."""
    return pl.LazyFrame(
        [(c, o, 1, d, a, st, e, n) for c, o, d, a, st, e, n in rows],
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


# Same shop as test_rfm (a, b, c, d, g) with names and e-mails:
#   scored: a R5 F1 M3 new · b R3 F3 M5 needs attention · c R1 F1 M1 lost ·
#   g R2 F1 M3 hibernating · f R4 F2 M4 potential loyalist; d only refunded.
LINES = make_lines(
    [
        ("a", "1", datetime(2024, 6, 30), 100.0, "paid", "anna@shop.dk", "Anna Holm"),
        ("b", "2", datetime(2024, 1, 10), 200.0, "paid", "bo@shop.dk", "Bo Berg"),
        ("b", "3", datetime(2024, 3, 10), 300.0, "paid", "bo@shop.dk", "Bo Berg"),
        ("b", "4", datetime(2024, 6, 1), 100.0, "paid", "bo@shop.dk", "Bo Berg"),
        ("b", "4x", datetime(2024, 6, 2), 75.0, "cancelled", "bo@shop.dk", "Bo Berg"),
        ("c", "5", datetime(2024, 2, 1), 50.0, "paid", None, "Carl Holm"),
        ("d", "6", datetime(2023, 12, 1), 400.0, "refunded", "dina@shop.dk", "Dina Dahl"),
        ("f", "8", datetime(2024, 5, 1), 200.0, "paid", None, "Frida"),
        ("f", "9", datetime(2024, 6, 20), 80.0, "paid", None, "Frida"),
        ("g", "10", datetime(2024, 4, 15), 100.0, "paid", None, "Gert"),
    ]
)


def test_find_by_id_email_and_name():
    assert explain_customer(LINES, "b", as_of=AS_OF).customer_id == "b"
    assert explain_customer(LINES, "  BO@Shop.DK ", as_of=AS_OF).customer_id == "b"
    assert explain_customer(LINES, "berg", as_of=AS_OF).customer_id == "b"


def test_id_match_wins_over_name_match():
    # "A" is customer a's id (any case) and also part of Anna, Carl, Dina and Frida's
    # names: the id wins instead of "several customers match".
    assert explain_customer(LINES, "A", as_of=AS_OF).customer_id == "a"


def test_several_matches_list_the_candidates():
    with pytest.raises(ConfigError) as info:
        explain_customer(LINES, "holm", as_of=AS_OF)
    message = info.value.message
    assert message.startswith("2 customers match 'holm': ")
    assert "a Anna Holm <anna@shop.dk>" in message
    assert "c Carl Holm" in message
    assert info.value.hint_in("en") == "give the customer id or the full e-mail"
    assert info.value.one_line("da").startswith("2 kunder passer på 'holm': ")
    assert info.value.hint_in("da") == "angiv kunde-id'et eller hele e-mailadressen"


def test_at_most_five_candidates_are_listed():
    people = pl.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(7)],
            "email": [None] * 7,
            "name": ["Jensen"] * 7,
        }
    )
    with pytest.raises(ConfigError) as info:
        find_customer(people, "jensen")
    assert info.value.message == (
        "7 customers match 'jensen': c0 Jensen; c1 Jensen; c2 Jensen; c3 Jensen; c4 Jensen and 2 more"
    )


def test_no_match_and_empty_query():
    with pytest.raises(ConfigError, match="no customer matches 'zz'"):
        explain_customer(LINES, "zz", as_of=AS_OF)
    with pytest.raises(ConfigError, match="give a customer id"):
        explain_customer(LINES, "  ", as_of=AS_OF)


def test_explain_b_by_hand():
    e = explain_customer(LINES, "b", as_of=AS_OF)
    shown = worded(e)
    assert (e.name, e.email) == ("Bo Berg", "bo@shop.dk")
    # 3 counted orders, the cancelled 4x is listed but not counted.
    assert (e.orders, e.orders_all, e.orders_not_counted) == (3, 4, 1)
    assert e.revenue == 600.0
    assert (e.first_order, e.last_order, e.recency_days) == (
        date(2024, 1, 10),
        date(2024, 6, 1),
        29,
    )
    assert e.aov == 200.0
    assert [(b.metric, b.value, b.score, b.method) for b in e.scores] == [
        ("recency_days", 29.0, 3, "quintile"),
        ("frequency", 3.0, 3, "fixed"),
        ("monetary", 600.0, 5, "quintile"),
    ]
    rules = [band["rule"] for band in shown["scores"]]
    assert rules[0] == "29 days since last order → R=3 (quintiles: R3 covers 29 days here)"
    assert rules[1] == "3 counted orders → F=3 (fixed breaks: F3 = 3 orders)"
    assert rules[2] == "DKK 600.00 revenue → M=5 (quintiles: M5 covers DKK 600.00 here)"
    assert e.segment == "needs_attention"
    assert shown["segment_rule"] == "R=3 and F=3 → needs attention"
    assert shown["action"].startswith("Time-limited offer")
    assert e.rung == "returning"
    # The facts the ladder rule is said from.
    assert (e.inactive, e.returning_min_orders, e.loyal_min_orders) == (False, 2, 4)
    assert shown["ladder_rule"] == "3 counted orders (≥ 2, < 4) → returning customer"
    # Gaps between counted orders: 10 Jan→10 Mar = 60 days, 10 Mar→1 Jun = 83 -> median 71.5
    assert e.usual_gap_days == 71.5
    assert (
        shown["activity_rule"]
        == "29 days since last order; usual gap 71.5 days between orders (median)"
    )
    assert [o.order_id for o in e.recent_orders] == ["4x", "4", "3", "2"]
    assert [o.counted for o in e.recent_orders] == [False, True, True, True]


def test_explain_in_danish():
    shown = worded(explain_customer(LINES, "b", as_of=AS_OF), "da")
    assert shown["segment_rule"] == "R=3 og F=3 → kræver opmærksomhed"
    assert shown["action"].startswith("Tidsbegrænset tilbud")
    assert shown["ladder_rule"] == "3 talte ordrer (≥ 2, < 4) → genkøber"
    assert (
        shown["scores"][2]["rule"]
        == "600,00 kr. omsætning → M=5 (kvintiler: M5 dækker her 600,00 kr.)"
    )


def test_refund_only_customer_has_no_segment_and_is_potential():
    e = explain_customer(LINES, "dina", as_of=AS_OF)
    shown = worded(e)
    assert (e.orders, e.orders_all, e.revenue) == (0, 1, 0.0)
    assert e.scores == ()
    assert e.segment is None
    assert shown["segment_rule"] == "no counted order, so no RFM segment"
    assert shown["action"] is None
    assert e.rung == "potential"
    assert shown["ladder_rule"] == "known contact without a counted order → potential customer"
    assert e.recency_days is None and shown["activity_rule"] is None


def test_ambassador_and_loyal_but_inactive_rules():
    survey = pl.LazyFrame(
        {"customer_id": ["b"], "responded_at": [datetime(2024, 6, 3)], "score": [10]}
    )
    e = explain_customer(LINES, "b", as_of=AS_OF, survey=survey)
    assert e.rung == "ambassador"
    assert e.latest_score == 10
    assert worded(e)["ladder_rule"] == (
        "3 counted orders (≥ 2) and latest NPS answer 10 (≥ 9) → ambassador"
    )
    config = Config(ladder=LadderConfig(loyal_min_orders=3))
    tiers = pl.LazyFrame({"customer_id": ["b"], "tier": ["inactive"]})
    e = explain_customer(LINES, "b", as_of=AS_OF, config=config, tiers=tiers)
    assert e.rung == "returning"
    assert (e.tier, e.inactive, e.loyal_min_orders) == ("inactive", True, 3)
    assert (
        worded(e)["ladder_rule"]
        == "3 counted orders (≥ 3) but inactive (inactive) → returning customer, not loyal"
    )
    assert worded(e)["activity_rule"].endswith("→ inactive")
    assert worded(e, "da")["activity_rule"].endswith("→ inaktiv")
    e = explain_customer(LINES, "b", as_of=AS_OF, config=config)
    assert worded(e)["ladder_rule"] == "3 counted orders (≥ 3) and not inactive → loyal customer"


def test_survey_only_person_can_be_explained():
    survey = pl.LazyFrame(
        {"customer_id": ["x9"], "responded_at": [datetime(2024, 5, 1)], "score": [8]}
    )
    e = explain_customer(LINES, "x9", as_of=AS_OF, survey=survey)
    assert (e.rung, e.orders, e.latest_score, e.segment) == ("potential", 0, 8, None)


def test_to_dict_is_json_ready():
    data = explain_customer(LINES, "b", as_of=AS_OF).to_dict()
    text = json.dumps(data)
    assert json.loads(text)["first_order"] == "2024-01-10"
    assert data["scores"][0]["metric"] == "recency_days"
    assert data["recent_orders"][0]["order_date"] == "2024-06-02"


def test_facts_hold_no_words_and_the_worded_explanation_keeps_the_old_shape():
    facts = explain_customer(LINES, "b", as_of=AS_OF).to_dict()
    # Facts only: no sentence in any language.
    assert not {"segment_rule", "action", "ladder_rule", "activity_rule"} & set(facts)
    assert "rule" not in facts["scores"][0]
    shown = worded_explanation(facts, "en")
    # The shape kunde explain --format json has always had (rules beside their facts).
    assert list(shown) == [
        "customer_id",
        "name",
        "email",
        "as_of",
        "orders",
        "orders_all",
        "orders_not_counted",
        "revenue",
        "first_order",
        "last_order",
        "aov",
        "recency_days",
        "scores",
        "segment",
        "segment_rule",
        "action",
        "rung",
        "ladder_rule",
        "latest_score",
        "tier",
        "usual_gap_days",
        "activity_rule",
        "recent_orders",
    ]
    assert list(shown["scores"][0]) == [
        "metric",
        "value",
        "score",
        "lower",
        "upper",
        "method",
        "rule",
    ]
