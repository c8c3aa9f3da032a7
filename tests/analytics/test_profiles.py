"""Customer profiles and persona cards — numbers worked out by hand, no invented facts."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
import pytest

from kunde_cli.analytics.profiles import persona_facts, segment_profiles
from kunde_cli.words.personas import PersonaCard
from kunde_cli.words.personas import persona_cards as _word_cards

AS_OF = date(2024, 3, 31)


def persona_cards(profiles: pl.DataFrame, lang: str) -> list[PersonaCard]:
    """The cards as a command shows them: the facts from analytics, worded by words/."""
    return _word_cards(persona_facts(profiles), lang)


_SCHEMA = {
    "customer_id": pl.String,
    "order_id": pl.String,
    "line_no": pl.Int32,
    "order_date": pl.String,
    "amount": pl.Float64,
    "status": pl.String,
    "product": pl.String,
    "category": pl.String,
    "city": pl.String,
    "postcode": pl.String,
    "country": pl.String,
    "channel": pl.String,
    "email": pl.String,
}


def _lines(rows: list[tuple]) -> pl.LazyFrame:
    return pl.LazyFrame(rows, schema=_SCHEMA, orient="row").with_columns(
        pl.col("order_date").str.to_datetime("%Y-%m-%d")
    )


# Group "vip": a, b. Group "new": c, d, p.
#   a: order 1 (1 Jan, web): Kaffe 100 (Drikke), Kop 50 (Udstyr); Aarhus 8000 DK
#      order 2 (21 Jan, web): Kaffe 150
#      order 3 (1 Mar, butik): Te 100 (Drikke); moved to Odense 5000
#      → 3 orders, revenue 400, gaps 20 and 40 days, last order 30 days before as_of.
#   b: order 4 (1 Feb, web): Kaffe 200; Aarhus 8000 DK
#      order 5 (11 Feb, web): Te 100 refunded by a −100 line (net 0: not counted)
#      order 6 (11 Mar, no channel): Kop 100 (Udstyr); Aarhus
#      → 2 orders, revenue 300, gap 1 Feb → 11 Mar = 39 days, recency 20.
#   c: order 7 (20 Mar, web): Kaffe 80 (Drikke); København 2100 DK → recency 11.
#   d: order 8 (5 Mar): refunded, 60; Vejle (an address is still an address).
#   p: no orders (a survey contact, "potential").
#   q: a customer in the lines but not in any group: ignored.
LINES = _lines(
    [
        (
            "a",
            "1",
            1,
            "2024-01-01",
            100.0,
            "paid",
            "Kaffe",
            "Drikke",
            "Aarhus",
            "8000",
            "DK",
            "web",
            "a@x.dk",
        ),
        ("a", "1", 2, "2024-01-01", 50.0, None, "Kop", "Udstyr", None, None, None, None, None),
        (
            "a",
            "2",
            1,
            "2024-01-21",
            150.0,
            "paid",
            "Kaffe",
            "Drikke",
            "Aarhus",
            None,
            None,
            "web",
            None,
        ),
        (
            "a",
            "3",
            1,
            "2024-03-01",
            100.0,
            "paid",
            "Te",
            "Drikke",
            "Odense",
            "5000",
            None,
            "butik",
            None,
        ),
        (
            "b",
            "4",
            1,
            "2024-02-01",
            200.0,
            "paid",
            "Kaffe",
            "Drikke",
            "Aarhus",
            "8000",
            "DK",
            "web",
            None,
        ),
        (
            "b",
            "5",
            1,
            "2024-02-11",
            100.0,
            "paid",
            "Te",
            "Drikke",
            "Aarhus",
            None,
            None,
            "web",
            None,
        ),
        ("b", "5", 2, "2024-02-11", -100.0, None, "Te", "Drikke", None, None, None, None, None),
        (
            "b",
            "6",
            1,
            "2024-03-11",
            100.0,
            "paid",
            "Kop",
            "Udstyr",
            "Aarhus",
            None,
            None,
            None,
            None,
        ),
        (
            "c",
            "7",
            1,
            "2024-03-20",
            80.0,
            "paid",
            "Kaffe",
            "Drikke",
            "København",
            "2100",
            "DK",
            "web",
            None,
        ),
        (
            "d",
            "8",
            1,
            "2024-03-05",
            60.0,
            "refunded",
            "Te",
            "Drikke",
            "Vejle",
            None,
            None,
            "web",
            "d@shop.dk",
        ),
        (
            "q",
            "9",
            1,
            "2024-03-06",
            999.0,
            "paid",
            "Guld",
            "Luksus",
            "Skagen",
            "9990",
            "DK",
            "web",
            None,
        ),
    ]
)
GROUPS = pl.LazyFrame(
    {"customer_id": ["a", "b", "c", "d", "p"], "group": ["vip", "vip", "new", "new", "new"]}
)
# Survey: a answered 10 then 6 (latest 6: detractor); b 9 (promoter); c answered after
# as_of (ignored); d answered by e-mail only (matched through the orders) with 7
# (passive); p 10 (promoter).
SURVEY = pl.LazyFrame(
    {
        "customer_id": ["a", "a", "b", "c", None, "p"],
        "email": [None, None, None, None, "D@Shop.dk ", None],
        "score": [10, 6, 9, 10, 7, 10],
        "responded_at": [
            datetime(2024, 2, 1),
            datetime(2024, 3, 15),
            datetime(2024, 3, 1),
            datetime(2024, 4, 10),
            datetime(2024, 3, 20),
            datetime(2024, 3, 2),
        ],
    },
    schema_overrides={"score": pl.Int8},
)


@pytest.fixture(scope="module")
def profiles() -> pl.DataFrame:
    return segment_profiles(LINES, GROUPS, as_of=AS_OF, survey=SURVEY).collect()


def test_size_revenue_and_rhythm(profiles: pl.DataFrame) -> None:
    # vip: 2 of 5 customers; revenue 400 + 300 = 700 of 780; 5 orders → AOV 140,
    #      2.5 orders per customer; gaps 20, 40, 39 → median 39; recency 30, 20 → 25.
    # new: 3 of 5; revenue 80 (d's refunded order adds 0) of 780; 1 order → AOV 80,
    #      1/3 per customer; no gaps; recency only c → 11.
    assert profiles["group"].to_list() == ["vip", "new"]
    vip, new = profiles.row(0, named=True), profiles.row(1, named=True)
    assert (vip["customers"], vip["share_customers"]) == (2, 0.4)
    assert vip["revenue"] == 700.0
    assert vip["share_revenue"] == pytest.approx(700 / 780)
    assert (vip["orders"], vip["aov"], vip["orders_per_customer"]) == (5, 140.0, 2.5)
    assert vip["median_days_between_orders"] == 39.0
    assert vip["median_recency_days"] == 25.0
    assert new["customers"] == 3
    assert new["share_customers"] == pytest.approx(0.6)
    assert new["share_revenue"] == pytest.approx(80 / 780)
    assert (new["orders"], new["aov"]) == (1, 80.0)
    assert new["orders_per_customer"] == pytest.approx(1 / 3)
    assert new["median_days_between_orders"] is None
    assert new["median_recency_days"] == 11.0


def test_top_n_strings(profiles: pl.DataFrame) -> None:
    vip, new = profiles.row(0, named=True), profiles.row(1, named=True)
    # Counted-order lines of vip: Kaffe 100 + 150 + 200 = 450, Kop 50 + 100 = 150,
    # Te 100 (b's refunded Te order is not counted) → of 700: 64 %, 21 %, 14 %.
    assert vip["top_products"] == "Kaffe (64 %), Kop (21 %), Te (14 %)"
    # Drikke 450 + 100 = 550 → 79 %; Udstyr 150 → 21 %.
    assert vip["top_categories"] == "Drikke (79 %), Udstyr (21 %)"
    # Latest address per customer: a Odense 5000, b Aarhus 8000 → half each, ties by name.
    assert vip["top_cities"] == "Aarhus (50 %), Odense (50 %)"
    assert vip["top_postcodes"] == "5000 (50 %), 8000 (50 %)"
    assert vip["top_countries"] == "DK (100 %)"
    # 5 counted orders: web 3 (60 %), butik 1 (20 %), order 6 names no channel.
    assert vip["top_channels"] == "web (60 %), butik (20 %)"
    # new: 3 customers; c København 2100 DK, d Vejle (from its refunded order), p none.
    assert new["top_products"] == "Kaffe (100 %)"
    assert new["top_cities"] == "København (33 %), Vejle (33 %)"
    assert new["top_postcodes"] == "2100 (33 %)"
    assert new["top_countries"] == "DK (33 %)"
    assert new["top_channels"] == "web (100 %)"


def test_nps_per_group(profiles: pl.DataFrame) -> None:
    # vip: a 6 (detractor), b 9 (promoter) → (1 − 1) / 2 = 0.
    # new: d 7 (passive, matched by e-mail), p 10 (promoter); c answered after as_of
    # → (1 − 0) / 2 × 100 = 50.
    assert profiles.select("nps", "nps_responses").rows() == [(0.0, 2), (50.0, 2)]


def test_without_survey_nps_is_empty() -> None:
    out = segment_profiles(LINES, GROUPS, as_of=AS_OF).collect()
    assert out["nps"].to_list() == [None, None]
    assert out["nps_responses"].to_list() == [0, 0]


def test_top_n_lists_only_three() -> None:
    lines = _lines(
        [
            (
                "a",
                str(i),
                1,
                "2024-01-0" + str(i),
                float(10 * i),
                "paid",
                f"P{i}",
                None,
                None,
                None,
                None,
                None,
                None,
            )
            for i in range(1, 6)
        ]
    )
    groups = pl.LazyFrame({"customer_id": ["a"], "group": ["g"]})
    # P5 50, P4 40, P3 30 of 150 → 33 %, 27 %, 20 %.
    out = segment_profiles(lines, groups, as_of=AS_OF).collect()
    assert out["top_products"].item() == "P5 (33 %), P4 (27 %), P3 (20 %)"
    assert out["top_categories"].item() is None


def test_minimal_columns_and_custom_group_column() -> None:
    lines = pl.LazyFrame(
        {
            "customer_id": ["a", "b"],
            "order_id": ["1", "2"],
            "line_no": [1, 1],
            "order_date": [datetime(2024, 1, 1), datetime(2024, 1, 2)],
            "amount": [10.0, 20.0],
            "status": ["paid", "paid"],
        }
    )
    segments = pl.LazyFrame({"customer_id": ["a", "b"], "segment": ["new", "new"]})
    out = segment_profiles(lines, segments, as_of=AS_OF, by="segment").collect()
    assert out.columns[0] == "segment"
    assert out.select("customers", "revenue", "aov").rows() == [(2, 30.0, 15.0)]
    for column in ("top_products", "top_cities", "top_channels"):
        assert out[column].item() is None


def test_two_orders_on_one_day_are_a_gap_of_zero() -> None:
    # a: two orders on 1 Jan, one on 11 Jan → gaps 0 and 10; b: 3 Jan and 5 Jan → 2.
    # The group's gaps are 0, 10, 2: median 2.
    lines = pl.LazyFrame(
        {
            "customer_id": ["a", "a", "a", "b", "b"],
            "order_id": ["1", "2", "3", "4", "5"],
            "line_no": [1, 1, 1, 1, 1],
            "order_date": [
                datetime(2024, 1, 1, 9),
                datetime(2024, 1, 1, 17),
                datetime(2024, 1, 11),
                datetime(2024, 1, 3),
                datetime(2024, 1, 5),
            ],
            "amount": [10.0] * 5,
            "status": ["paid"] * 5,
        }
    )
    segments = pl.LazyFrame({"customer_id": ["a", "b"], "segment": ["x", "x"]})
    out = segment_profiles(lines, segments, as_of=AS_OF, by="segment").collect()
    assert out["median_days_between_orders"].item() == 2.0
    only_a = segment_profiles(
        lines, segments.filter(pl.col("customer_id") == "a"), as_of=AS_OF, by="segment"
    ).collect()
    assert only_a["median_days_between_orders"].item() == 5.0


def test_no_groups_no_rows() -> None:
    groups = pl.LazyFrame(schema={"customer_id": pl.String, "group": pl.String})
    assert segment_profiles(LINES, groups, as_of=AS_OF).collect().height == 0


# --- persona cards -------------------------------------------------------------------------


def test_persona_cards_from_the_numbers_en(profiles: pl.DataFrame) -> None:
    vip, new = persona_cards(profiles, "en")
    assert isinstance(vip, PersonaCard)
    assert vip.group == "vip"
    assert vip.name == "The vip group"
    assert vip.who == (
        "2 customers (40% of all), bringing in 90% of revenue. "
        "Mostly from Aarhus (50 %), Odense (50 %). "
        "Willingness to recommend: NPS 0 (2 answers)."
    )
    assert vip.buys == (
        "Average order DKK 140.00. "
        "Buy most (share of the group's revenue): Kaffe (64 %), Kop (21 %), Te (14 %). "
        "Categories: Drikke (79 %), Udstyr (21 %)."
    )
    assert vip.how_often == (
        "2.5 orders per customer, typically 39 days between two orders; "
        "last order typically 25 days ago. Shop via web (60 %), butik (20 %)."
    )
    # Revenue share 90 % > 1.5 × customer share 40 % and 2.5 orders each → reward.
    assert vip.what_to_do == (
        "They carry a large part of revenue: reward them, give them something exclusive "
        "and ask for reviews."
    )
    # new: nobody bought twice → second-order advice; NPS 50 → ask for reviews.
    assert new.how_often.startswith("0.3 orders per customer, nobody has bought more than once")
    assert new.what_to_do.startswith("Get them to buy again")
    assert new.what_to_do.endswith("Many would recommend you: ask them for reviews or referrals.")


def test_persona_cards_da_names_and_numbers(profiles: pl.DataFrame) -> None:
    renamed = profiles.with_columns(pl.Series("group", ["champion", "new"]))
    champion, new = persona_cards(renamed, "da")
    assert champion.name == "De trofaste stamkunder"
    assert new.name == "De nye ansigter"
    assert champion.who.startswith("2 kunder (40 % af alle), der står for 90 % af omsætningen.")
    assert champion.buys.startswith("Gennemsnitlig ordre 140,00 kr.")
    assert "2,5 ordrer pr. kunde, typisk 39 dage mellem to ordrer" in champion.how_often


def test_persona_never_mentions_what_the_data_lacks() -> None:
    lines = pl.LazyFrame(
        {
            "customer_id": ["a", "a", "b"],
            "order_id": ["1", "2", "3"],
            "line_no": [1, 1, 1],
            "order_date": [datetime(2024, 1, 1), datetime(2024, 2, 1), datetime(2024, 3, 1)],
            "amount": [100.0, 100.0, 50.0],
            "status": ["paid"] * 3,
        }
    )
    groups = pl.LazyFrame({"customer_id": ["a", "b"], "group": ["x", "x"]})
    profile = segment_profiles(lines, groups, as_of=AS_OF).collect()
    for lang in ("da", "en"):
        (card,) = persona_cards(profile, lang)
        text = " ".join([card.name, card.who, card.buys, card.how_often, card.what_to_do])
        for absent in (
            "NPS",
            "Kategor",
            "Categor",
            "Mest købt",
            "Buy most",
            "Flest i",
            "Mostly from",
            "Lande",
            "Countries",
            "via",
            "None",
            "nan",
            "null",
        ):
            assert absent not in text, (lang, absent, text)


def test_persona_for_people_without_orders() -> None:
    lines = pl.LazyFrame(
        {
            "customer_id": ["a"],
            "order_id": ["1"],
            "line_no": [1],
            "order_date": [datetime(2024, 1, 1)],
            "amount": [100.0],
            "status": ["cancelled"],
        }
    )
    groups = pl.LazyFrame({"customer_id": ["a", "z"], "group": ["potential", "potential"]})
    (card,) = persona_cards(segment_profiles(lines, groups, as_of=AS_OF), "da")
    assert card.name == "De mulige kunder"
    assert card.who == "2 kunder (100 % af alle)."  # no revenue at all: no revenue share
    assert card.buys == "Har ikke købt endnu."
    assert card.how_often == "Ingen ordrer endnu."
    assert card.what_to_do.startswith("Giv dem en grund til at handle første gang")


def test_persona_suggests_win_back_when_overdue() -> None:
    profile = pl.DataFrame(
        {
            "group": ["at_risk"],
            "customers": [4],
            "share_customers": [0.1],
            "revenue": [1000.0],
            "share_revenue": [0.12],
            "orders": [12],
            "orders_per_customer": [3.0],
            "aov": [83.3],
            "median_days_between_orders": [30.0],
            "median_recency_days": [100.0],
            "top_products": [None],
            "top_categories": [None],
            "top_cities": [None],
            "top_postcodes": ["8000 (50 %)"],
            "top_countries": ["DK (75 %), SE (25 %)"],
            "top_channels": [None],
            "nps": [-20.0],
            "nps_responses": [5],
        }
    )
    (card,) = persona_cards(profile, "da")
    assert card.name == "Dem, vi er ved at miste"
    assert "Flest i postnr. 8000 (50 %)." in card.who
    assert "Lande: DK (75 %), SE (25 %)." in card.who
    assert "NPS -20 (5 svar)" in card.who
    assert card.what_to_do.startswith(
        "De er længe om at komme igen (100 dage siden sidste køb mod normalt 30 dage"
    )
    assert "Flere kritikere end anbefalere" in card.what_to_do


def test_negative_nps_from_data() -> None:
    # One group, three answers: 10 (promoter), 2 and 0 (detractors) → (1 − 2) / 3 × 100.
    # Regression: the promoter and detractor counts are unsigned; subtracting them
    # without a cast wrapped around to 429 496 729 500.
    lines = pl.LazyFrame(
        {
            "customer_id": ["a", "b", "c"],
            "order_id": ["1", "2", "3"],
            "line_no": [1, 1, 1],
            "order_date": [datetime(2024, 1, 1)] * 3,
            "amount": [10.0, 10.0, 10.0],
            "status": ["paid"] * 3,
        }
    )
    survey = pl.LazyFrame(
        {
            "customer_id": ["a", "b", "c"],
            "score": [10, 2, 0],
            "responded_at": [datetime(2024, 1, 2)] * 3,
        }
    )
    groups = pl.LazyFrame({"customer_id": ["a", "b", "c"], "group": ["g"] * 3})
    out = segment_profiles(lines, groups, as_of=AS_OF, survey=survey).collect()
    assert out["nps"].item() == pytest.approx(-100 / 3)
    assert out["nps_responses"].item() == 3
    (card,) = persona_cards(out, "en")
    assert "NPS -33 (3 answers)" in card.who
    assert "More detractors than promoters" in card.what_to_do


def test_persona_uses_singular_for_one() -> None:
    lines = pl.LazyFrame(
        {
            "customer_id": ["a"],
            "order_id": ["1"],
            "line_no": [1],
            "order_date": [datetime(2024, 1, 1)],
            "amount": [10.0],
            "status": ["paid"],
        }
    )
    survey = pl.LazyFrame(
        {"customer_id": ["a"], "score": [8], "responded_at": [datetime(2024, 1, 2)]}
    )
    groups = pl.LazyFrame({"customer_id": ["a"], "group": ["new"]})
    profile = segment_profiles(lines, groups, as_of=AS_OF, survey=survey).collect()
    (en,) = persona_cards(profile, "en")
    (da,) = persona_cards(profile, "da")
    assert en.who.startswith("1 customer (100% of all)")
    assert "(1 answer)" in en.who
    assert da.who.startswith("1 kunde (100 % af alle)")
    # "10,00 kr." already ends the sentence: no double full stop.
    assert da.buys == "Gennemsnitlig ordre 10,00 kr."
