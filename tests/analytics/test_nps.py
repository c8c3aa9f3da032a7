"""NPS, its adjusted-Wald interval, trends, breakdowns, linking, follow-up lists, comment terms.

Every expected number is worked out by hand in the comments.
"""

from __future__ import annotations

import math
from datetime import date, datetime

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from kunde_cli import schema as s
from kunde_cli.analytics import nps
from kunde_cli.analytics.text import STOP_WORDS, top_terms
from kunde_cli.errors import ConfigError, ModelError


def scores(values: list[int | None]) -> pl.DataFrame:
    return pl.DataFrame({s.SCORE: values}, schema={s.SCORE: pl.Int8})


def survey(rows: list[dict[str, object]]) -> pl.LazyFrame:
    """A survey frame in the canonical schema; unspecified columns are null."""
    filled = [{name: row.get(name) for name in s.SURVEY} for row in rows]
    return pl.LazyFrame(filled, schema=s.SURVEY)


def orders(rows: list[dict[str, object]]) -> pl.LazyFrame:
    filled = [{name: row.get(name) for name in s.ORDERS} for row in rows]
    for row in filled:
        row[s.LINE_NO] = row[s.LINE_NO] or 1
        row[s.STATUS] = row[s.STATUS] or "paid"
    return pl.LazyFrame(filled, schema=s.ORDERS)


# --- nps_summary --------------------------------------------------------------------


def adjusted_wald(p: int, d: int, n: int) -> tuple[float, float]:
    """DESIGN.md's formula written out once more, independently of the library."""
    n_adj = n + 3
    pp, pd = (p + 0.75) / n_adj, (d + 0.75) / n_adj
    half = 1.96 * math.sqrt((pp + pd - (pp - pd) ** 2) / n_adj)
    return 100 * (pp - pd - half), 100 * (pp - pd + half)


def test_mixed_answers_by_hand() -> None:
    # 20 answers: 6×10 + 5×9 = 11 promoters, 8,8,7,7 = 4 passives, 6,5,3,0,0 = 5 detractors.
    # NPS = 100 × (11 − 5) / 20 = 30.
    # Adjusted: n = 23, p_P = 11.75/23 = 0.510870, p_D = 5.75/23 = 0.25,
    # c = 0.260870, var = (0.760870 − 0.068053) / 23 = 0.030122, sd = 0.173558,
    # half-width = 1.96 × 0.173558 = 0.340174 → interval −7.93 … 60.10.
    result = nps.nps_summary(scores([10] * 6 + [9] * 5 + [8, 8, 7, 7] + [6, 5, 3, 0, 0]))
    assert (result.n, result.promoters, result.passives, result.detractors) == (20, 11, 4, 5)
    assert result.share_promoters == pytest.approx(0.55)
    assert result.share_passives == pytest.approx(0.20)
    assert result.share_detractors == pytest.approx(0.25)
    assert result.nps == pytest.approx(30.0)
    assert result.ci_low == pytest.approx(-7.93, abs=0.01)
    assert result.ci_high == pytest.approx(60.10, abs=0.01)
    assert (result.ci_low, result.ci_high) == pytest.approx(adjusted_wald(11, 5, 20))


def test_interval_is_centred_on_the_adjusted_nps() -> None:
    # 10, 9, 7, 3: P = 2, D = 1, n = 4 → NPS 25. Adjusted centre (2 − 1)/7 = 14.29,
    # not 25: the interval −44.16 … 72.73 is symmetric around 14.29.
    result = nps.nps_summary(scores([10, 9, 7, 3]))
    assert result.nps == 25.0
    assert (result.ci_low + result.ci_high) / 2 == pytest.approx(100 / 7)
    assert result.ci_low == pytest.approx(-44.16, abs=0.01)
    assert result.ci_high == pytest.approx(72.73, abs=0.01)


def test_all_promoters() -> None:
    # n = 5, P = 5: p_P = 5.75/8 = 0.71875, p_D = 0.75/8 = 0.09375, c = 0.625,
    # var = (0.8125 − 0.390625)/8 = 0.052734, half = 1.96 × 0.229640 = 0.450094
    # → 17.49 … 107.51, clipped to 100.
    result = nps.nps_summary(scores([10, 10, 9, 10, 9]))
    assert result.nps == 100.0
    assert result.share_promoters == 1.0
    assert result.ci_low == pytest.approx(17.49, abs=0.01)
    assert result.ci_high == 100.0


def test_all_detractors_mirror_all_promoters() -> None:
    result = nps.nps_summary(scores([0, 3, 6, 1, 2]))
    assert result.nps == -100.0
    assert result.detractors == 5
    assert result.ci_low == -100.0
    assert result.ci_high == pytest.approx(-17.49, abs=0.01)


def test_one_promoter_interval_is_widened_to_hold_the_nps() -> None:
    # n = 1, P = 1: p_P = 1.75/4 = 0.4375, p_D = 0.1875, c = 0.25,
    # var = (0.625 − 0.0625)/4 = 0.140625, half = 1.96 × 0.375 = 0.735 → −48.5 … 98.5.
    # The NPS is 100, outside that; the upper end is widened to 100.
    result = nps.nps_summary(scores([10]))
    assert (result.n, result.nps) == (1, 100.0)
    assert result.ci_low == pytest.approx(-48.5)
    assert result.ci_high == 100.0


def test_one_passive() -> None:
    # n = 1, passive: p_P = p_D = 0.75/4 = 0.1875, c = 0, var = 0.375/4 = 0.09375,
    # half = 1.96 × 0.306186 = 0.600125 → ±60.01.
    result = nps.nps_summary(scores([7]))
    assert result.nps == 0.0
    assert result.ci_low == pytest.approx(-60.01, abs=0.01)
    assert result.ci_high == pytest.approx(60.01, abs=0.01)


def test_no_answers_is_a_clear_error() -> None:
    with pytest.raises(ModelError, match="no survey answers with a score") as err:
        nps.nps_summary(scores([]))
    assert "kunde ingest --kind survey" in (err.value.hint_in("en") or "")


def test_answers_without_a_score_are_ignored() -> None:
    # Only the 10 and the 0 count: n = 2, NPS = 0.
    result = nps.nps_summary(scores([10, None, 0]))
    assert (result.n, result.nps) == (2, 0.0)
    with pytest.raises(ModelError):
        nps.nps_summary(scores([None, None]))


def test_summary_frame_has_the_summary_columns() -> None:
    frame = nps.nps_summary(scores([10, 0])).to_frame()
    assert frame.columns == [
        "n",
        "promoters",
        "passives",
        "detractors",
        "share_promoters",
        "share_passives",
        "share_detractors",
        "nps",
        "ci_low",
        "ci_high",
    ]
    assert frame.row(0)[:4] == (2, 1, 0, 1)


@given(st.integers(0, 60), st.integers(0, 60), st.integers(0, 60))
def test_nps_and_interval_stay_in_range(p: int, pa: int, d: int) -> None:
    if p + pa + d == 0:
        return
    result = nps.nps_summary(scores([10] * p + [8] * pa + [2] * d))
    assert -100.0 <= result.ci_low <= result.nps <= result.ci_high <= 100.0
    assert result.share_promoters + result.share_passives + result.share_detractors == (
        pytest.approx(1.0)
    )


# --- trend and groups ---------------------------------------------------------------


def test_nps_by_month_with_small_n_flag_and_as_of() -> None:
    answers = survey(
        [
            {s.SCORE: 10, s.RESPONDED_AT: datetime(2024, 1, 5)},
            {s.SCORE: 3, s.RESPONDED_AT: datetime(2024, 1, 31, 23, 59)},
            {s.SCORE: 9, s.RESPONDED_AT: datetime(2024, 2, 2)},
            {s.SCORE: 8, s.RESPONDED_AT: None},  # no date: in no period
            {s.SCORE: 0, s.RESPONDED_AT: datetime(2024, 3, 1)},  # after as_of
        ]
    )
    out = nps.nps_by_period(answers, as_of=date(2024, 2, 29)).collect()
    # January: 10 and 3 → P 1, D 1 → NPS 0; February: 9 → 100.
    assert out.select("period", "period_start", "n", "nps", "small_n").rows() == [
        ("2024-01", date(2024, 1, 1), 2, 0.0, True),
        ("2024-02", date(2024, 2, 1), 1, 100.0, True),
    ]


def test_nps_by_quarter_and_the_small_n_threshold() -> None:
    # 30 answers in Q1 (not small: the flag is n < 30), 29 in Q2 (small).
    rows = [{s.SCORE: 10, s.RESPONDED_AT: datetime(2024, 2, 1)}] * 30
    rows += [{s.SCORE: 0, s.RESPONDED_AT: datetime(2024, 5, 1)}] * 29
    out = nps.nps_by_period(survey(rows), as_of=date(2024, 12, 31), period="quarter").collect()
    assert out.select("period", "n", "nps", "small_n").rows() == [
        ("2024-Q1", 30, 100.0, False),
        ("2024-Q2", 29, -100.0, True),
    ]


def test_nps_by_period_rejects_unknown_period() -> None:
    with pytest.raises(ConfigError):
        nps.nps_by_period(survey([]), as_of=date(2024, 1, 1), period="week")  # type: ignore[arg-type]


def test_nps_by_group_counts_unlinked_answers_as_their_own_group() -> None:
    answers = survey(
        [
            {s.CUSTOMER_ID: "a", s.SCORE: 10},
            {s.CUSTOMER_ID: "b", s.SCORE: 2},
            {s.CUSTOMER_ID: "c", s.SCORE: 9},
            {s.CUSTOMER_ID: "c", s.SCORE: 6},
            {s.CUSTOMER_ID: None, s.SCORE: 8},
        ]
    )
    # "a" twice in groups: the first row wins, so a's answer is not counted twice.
    groups = pl.LazyFrame(
        {"customer_id": ["a", "a", "b", "c"], "segment": ["loyal", "lost", "lost", "loyal"]}
    )
    out = nps.nps_by_group(answers, groups).collect()
    # loyal: a 10, c 9, c 6 → P 2, D 1, n 3 → 33.3; lost: b 2 → −100; null: 8 → 0.
    assert out.select("segment", "n", "promoters", "detractors", "small_n").rows() == [
        ("loyal", 3, 2, 1, True),
        ("lost", 1, 0, 1, True),
        (None, 1, 0, 0, True),
    ]
    assert out["nps"].to_list() == pytest.approx([100 / 3, -100.0, 0.0])


# --- linking ------------------------------------------------------------------------


def test_link_answers_by_id_then_email_ignoring_case_and_spaces() -> None:
    lines = orders(
        [
            {s.CUSTOMER_ID: "1001", s.EMAIL: "mette@example.dk", s.ORDER_ID: "1"},
            {s.CUSTOMER_ID: "1002", s.EMAIL: "lars@example.dk", s.ORDER_ID: "2"},
            # A customer without a customer number: kunde uses the e-mail as id.
            {s.CUSTOMER_ID: "anne@example.dk", s.EMAIL: None, s.ORDER_ID: "3"},
        ]
    )
    answers = survey(
        [
            {s.RESPONSE_ID: "r1", s.CUSTOMER_ID: " 1001 ", s.EMAIL: None, s.SCORE: 10},
            {s.RESPONSE_ID: "r2", s.CUSTOMER_ID: None, s.EMAIL: "  LARS@Example.DK ", s.SCORE: 3},
            {s.RESPONSE_ID: "r3", s.CUSTOMER_ID: "9999", s.EMAIL: "lars @example.dk", s.SCORE: 7},
            {s.RESPONSE_ID: "r4", s.CUSTOMER_ID: None, s.EMAIL: "Anne@Example.dk", s.SCORE: 9},
            {s.RESPONSE_ID: "r5", s.CUSTOMER_ID: None, s.EMAIL: "Ny@Example.dk", s.SCORE: 9},
            {s.RESPONSE_ID: "r6", s.CUSTOMER_ID: "7777", s.EMAIL: None, s.SCORE: 1},
            {s.RESPONSE_ID: "r7", s.CUSTOMER_ID: None, s.EMAIL: None, s.SCORE: 5},
        ]
    )
    out = nps.link_answers(answers, lines).collect()
    assert out.select(s.RESPONSE_ID, s.CUSTOMER_ID, "matched").rows() == [
        ("r1", "1001", True),  # id, trimmed
        ("r2", "1002", True),  # e-mail, case and spaces ignored
        ("r3", "1002", True),  # unknown id, but the e-mail matches
        ("r4", "anne@example.dk", True),  # e-mail = an e-mail-shaped customer id
        ("r5", "ny@example.dk", False),  # unmatched: keeps the normalised e-mail
        ("r6", "7777", False),  # unmatched: keeps its own id
        ("r7", None, False),
    ]
    assert nps.count_unmatched(out.lazy()) == 3
    # Unmatched answers still count: all 7 answers are in the NPS.
    assert nps.nps_summary(out).n == 7


def test_link_answers_picks_the_smallest_id_for_a_shared_email() -> None:
    lines = orders(
        [
            {s.CUSTOMER_ID: "B7", s.EMAIL: "familie@example.dk", s.ORDER_ID: "1"},
            {s.CUSTOMER_ID: "A3", s.EMAIL: "familie@example.dk", s.ORDER_ID: "2"},
        ]
    )
    answers = survey([{s.RESPONSE_ID: "r", s.EMAIL: "familie@example.dk", s.SCORE: 9}])
    assert nps.link_answers(answers, lines).collect()[s.CUSTOMER_ID].to_list() == ["A3"]


# --- follow-up lists ----------------------------------------------------------------


@pytest.fixture
def shop() -> tuple[pl.LazyFrame, pl.LazyFrame]:
    lines = orders(
        [
            # a: 2 orders, 300 kr.; most bought: Kaffe (3 units), then Te.
            {s.CUSTOMER_ID: "a", s.NAME: "Anna", s.EMAIL: "anna@x.dk", s.ORDER_ID: "1",
             s.ORDER_DATE: datetime(2024, 1, 1), s.AMOUNT: 200.0, s.QUANTITY: 2, s.PRODUCT: "Kaffe"},
            {s.CUSTOMER_ID: "a", s.NAME: "Anna", s.EMAIL: "anna@x.dk", s.ORDER_ID: "1", s.LINE_NO: 2,
             s.ORDER_DATE: datetime(2024, 1, 1), s.AMOUNT: 20.0, s.QUANTITY: 1, s.PRODUCT: "Te"},
            {s.CUSTOMER_ID: "a", s.NAME: "Anna", s.EMAIL: "anna@x.dk", s.ORDER_ID: "2",
             s.ORDER_DATE: datetime(2024, 2, 1), s.AMOUNT: 80.0, s.QUANTITY: 1, s.PRODUCT: "Kaffe"},
            # b: 1 order, 900 kr.
            {s.CUSTOMER_ID: "b", s.NAME: "Bo", s.EMAIL: "bo@x.dk", s.ORDER_ID: "3",
             s.ORDER_DATE: datetime(2024, 1, 15), s.AMOUNT: 900.0, s.QUANTITY: 1, s.PRODUCT: "Kværn"},
            # c: 1 order of 50 kr. and a cancelled one that must not count.
            {s.CUSTOMER_ID: "c", s.NAME: "Cai", s.EMAIL: "cai@x.dk", s.ORDER_ID: "4",
             s.ORDER_DATE: datetime(2024, 1, 20), s.AMOUNT: 50.0, s.QUANTITY: 1, s.PRODUCT: "Filter"},
            {s.CUSTOMER_ID: "c", s.NAME: "Cai", s.EMAIL: "cai@x.dk", s.ORDER_ID: "5",
             s.ORDER_DATE: datetime(2024, 1, 21), s.AMOUNT: 5000.0, s.QUANTITY: 1,
             s.PRODUCT: "Maskine", s.STATUS: "cancelled"},
            # d: answered 3, then 10 later: a promoter now.
            {s.CUSTOMER_ID: "d", s.NAME: "Dea", s.EMAIL: "dea@x.dk", s.ORDER_ID: "6",
             s.ORDER_DATE: datetime(2024, 1, 2), s.AMOUNT: 10000.0, s.QUANTITY: 1, s.PRODUCT: "Bar"},
        ]
    )  # fmt: skip
    answers = survey(
        [
            {s.RESPONSE_ID: "r1", s.EMAIL: "ANNA@x.dk", s.SCORE: 4, s.COMMENT: "Langsom levering",
             s.RESPONDED_AT: datetime(2024, 3, 1)},
            {s.RESPONSE_ID: "r2", s.CUSTOMER_ID: "b", s.SCORE: 6, s.RESPONDED_AT: datetime(2024, 3, 2)},
            {s.RESPONSE_ID: "r3", s.CUSTOMER_ID: "c", s.SCORE: 0, s.RESPONDED_AT: datetime(2024, 3, 3)},
            {s.RESPONSE_ID: "r4", s.EMAIL: "ukendt@x.dk", s.NAME: "Ukendt", s.SCORE: 2,
             s.RESPONDED_AT: datetime(2024, 3, 4)},
            {s.RESPONSE_ID: "r5", s.CUSTOMER_ID: "d", s.SCORE: 3, s.RESPONDED_AT: datetime(2024, 3, 1)},
            {s.RESPONSE_ID: "r6", s.CUSTOMER_ID: "d", s.SCORE: 10, s.RESPONDED_AT: datetime(2024, 3, 9)},
            {s.RESPONSE_ID: "r7", s.CUSTOMER_ID: "b", s.SCORE: 9, s.RESPONDED_AT: datetime(2024, 4, 9)},
        ]
    )  # fmt: skip
    return nps.link_answers(answers, lines), lines


def test_detractor_list_sorted_by_value(shop: tuple[pl.LazyFrame, pl.LazyFrame]) -> None:
    linked, lines = shop
    out = nps.follow_up_list(linked, lines, as_of=date(2024, 3, 31)).collect()
    # b 900 kr. > a 300 kr. > c 50 kr. (the cancelled 5000 kr. is not revenue) > the
    # unknown respondent with no orders. d's latest answer is 10: not a detractor.
    # b's 9 on 9 April is after as_of, so b is still a detractor (6).
    expected = pl.DataFrame(
        {
            s.NAME: ["Bo", "Anna", "Cai", "Ukendt"],
            s.EMAIL: ["bo@x.dk", "ANNA@x.dk", "cai@x.dk", "ukendt@x.dk"],  # as answered
            s.SCORE: [6, 4, 0, 2],
            s.COMMENT: [None, "Langsom levering", None, None],
            s.RESPONDED_AT: [datetime(2024, 3, d) for d in (2, 1, 3, 4)],
            nps.TOP_PRODUCTS: ["Kværn", "Kaffe, Te", "Filter", None],
            nps.ORDERS: [1, 2, 1, None],
            nps.REVENUE: [900.0, 300.0, 50.0, None],
            s.CUSTOMER_ID: ["b", "a", "c", "ukendt@x.dk"],
            nps.MATCHED: [True, True, True, False],
        },
        schema_overrides={s.SCORE: pl.Int8, s.RESPONDED_AT: pl.Datetime("us")},
    )
    assert_frame_equal(out, expected, check_dtypes=False)


def test_promoter_list_uses_latest_answer(shop: tuple[pl.LazyFrame, pl.LazyFrame]) -> None:
    linked, lines = shop
    out = nps.follow_up_list(linked, lines, as_of=date(2024, 4, 30), kind="promoters").collect()
    # d (10 000 kr., latest 10) and b (900 kr., latest 9 on 9 April).
    assert out.select(s.NAME, s.SCORE, nps.REVENUE).rows() == [
        ("Dea", 10, 10000.0),
        ("Bo", 9, 900.0),
    ]


def test_follow_up_list_answers_as_of_moves_only_the_answers(
    shop: tuple[pl.LazyFrame, pl.LazyFrame],
) -> None:
    linked, lines = shop
    # Orders up to 31 March, answers up to 9 April: b's 9 (9 April) now counts, so b
    # is a promoter with the 900 kr. bought by 31 March.
    out = nps.follow_up_list(
        linked, lines, as_of=date(2024, 3, 31), kind="promoters", answers_as_of=date(2024, 4, 9)
    ).collect()
    assert out.select(s.NAME, s.SCORE, nps.REVENUE).rows() == [
        ("Dea", 10, 10000.0),
        ("Bo", 9, 900.0),
    ]


def _dated(*days: date | None) -> pl.LazyFrame:
    return survey(
        [
            {s.RESPONSE_ID: f"r{i}", s.SCORE: 9, s.RESPONDED_AT: day and datetime.combine(day, datetime.min.time())}
            for i, day in enumerate(days)
        ]
    )  # fmt: skip


def test_nps_as_of_keeps_answers_after_the_last_order() -> None:
    # Last order 1 March; answers 28 Feb, 1 March (13:00 counts as that day), 5 and 9
    # March: the latest answer (9 March) is later, so answers count up to it, and the
    # two answers after 1 March are the ones the rule adds.
    answers = survey(
        [
            {s.RESPONSE_ID: "a", s.SCORE: 9, s.RESPONDED_AT: datetime(2024, 2, 28)},
            {s.RESPONSE_ID: "b", s.SCORE: 9, s.RESPONDED_AT: datetime(2024, 3, 1, 13)},
            {s.RESPONSE_ID: "c", s.SCORE: 9, s.RESPONDED_AT: datetime(2024, 3, 5)},
            {s.RESPONSE_ID: "d", s.SCORE: 9, s.RESPONDED_AT: datetime(2024, 3, 9, 23, 59)},
        ]
    )
    picked = nps.nps_as_of(date(2024, 3, 1), answers)
    assert picked == nps.NpsDate(
        day=date(2024, 3, 9),
        rule=nps.AS_OF_ANSWERS,
        orders_day=date(2024, 3, 1),
        latest_answer=date(2024, 3, 9),
        later_answers=2,
    )
    assert nps.answers_up_to(answers, as_of=picked.day).collect().height == 4


def test_nps_as_of_stays_at_the_orders_when_no_answer_is_later() -> None:
    # Latest answer 1 March, last order 1 March: the same day, the orders rule.
    picked = nps.nps_as_of(date(2024, 3, 1), _dated(date(2024, 2, 1), date(2024, 3, 1)))
    assert (picked.day, picked.rule, picked.later_answers) == (
        date(2024, 3, 1),
        nps.AS_OF_ORDERS,
        0,
    )
    # No survey at all: the orders' day.
    assert nps.nps_as_of(date(2024, 3, 1), None).rule == nps.AS_OF_ORDERS


def test_nps_as_of_given_wins_and_drops_later_answers() -> None:
    answers = _dated(date(2024, 2, 1), date(2024, 3, 9))
    picked = nps.nps_as_of(date(2024, 3, 1), answers, given=datetime(2024, 2, 15, 10))
    assert (picked.day, picked.rule) == (date(2024, 2, 15), nps.AS_OF_GIVEN)
    assert nps.answers_up_to(answers, as_of=picked.day).collect().height == 1


def test_nps_as_of_without_orders_and_without_dates() -> None:
    # No orders: the latest answer. No orders and no dated answer: every answer counts.
    picked = nps.nps_as_of(None, _dated(date(2024, 2, 1), None))
    assert (picked.day, picked.rule, picked.later_answers) == (
        date(2024, 2, 1),
        nps.AS_OF_ANSWERS,
        0,
    )
    undated = _dated(None, None)
    picked = nps.nps_as_of(None, undated)
    assert (picked.day, picked.rule) == (None, nps.AS_OF_UNDATED)
    assert nps.answers_up_to(undated, as_of=picked.day).collect().height == 2


def test_nps_date_columns_for_the_summary_table() -> None:
    picked = nps.nps_as_of(date(2024, 3, 1), _dated(date(2024, 3, 9)))
    frame = nps.nps_summary(scores([10, 3])).to_frame().with_columns(picked.columns())
    assert frame.select(nps.AS_OF, nps.AS_OF_RULE).rows() == [(date(2024, 3, 9), "answers")]


def test_follow_up_list_kind_is_checked(shop: tuple[pl.LazyFrame, pl.LazyFrame]) -> None:
    linked, lines = shop
    with pytest.raises(ConfigError):
        nps.follow_up_list(linked, lines, as_of=date(2024, 4, 30), kind="passives")  # type: ignore[arg-type]


def test_customer_channels_takes_the_most_used_channel() -> None:
    lines = orders(
        [
            {s.CUSTOMER_ID: "a", s.ORDER_ID: "1", s.CHANNEL: "web", s.AMOUNT: 10.0,
             s.ORDER_DATE: datetime(2024, 1, 1)},
            {s.CUSTOMER_ID: "a", s.ORDER_ID: "2", s.CHANNEL: "butik", s.AMOUNT: 10.0,
             s.ORDER_DATE: datetime(2024, 1, 2)},
            {s.CUSTOMER_ID: "a", s.ORDER_ID: "3", s.CHANNEL: "butik", s.AMOUNT: 10.0,
             s.ORDER_DATE: datetime(2024, 1, 3)},
            {s.CUSTOMER_ID: "b", s.ORDER_ID: "4", s.CHANNEL: "web", s.AMOUNT: 10.0,
             s.ORDER_DATE: datetime(2024, 1, 3)},
            {s.CUSTOMER_ID: "b", s.ORDER_ID: "5", s.CHANNEL: "butik", s.AMOUNT: 10.0,
             s.ORDER_DATE: datetime(2024, 1, 4)},
            # cancelled orders do not count as behaviour
            {s.CUSTOMER_ID: "b", s.ORDER_ID: "6", s.CHANNEL: "web", s.AMOUNT: 10.0,
             s.ORDER_DATE: datetime(2024, 1, 5), s.STATUS: "cancelled"},
        ]
    )  # fmt: skip
    out = nps.customer_channels(lines, as_of=date(2024, 1, 31)).sort(s.CUSTOMER_ID).collect()
    # a: butik 2 > web 1; b: a tie 1–1 → alphabetical, butik.
    assert out.rows() == [("a", "butik"), ("b", "butik")]


# --- comments -----------------------------------------------------------------------


def test_top_terms_words_and_phrases_without_stop_words() -> None:
    comments = pl.Series(
        [
            "Hurtig levering og god service!",
            "hurtig LEVERING, men dyr fragt",
            "Dyr fragt. Dyr fragt. Dyr fragt.",  # counts once: one comment
            "The delivery was fast",
            None,
            "",
        ]
    )
    out = top_terms(comments, n=10, min_count=2)
    # Words in ≥ 2 comments: dyr (2), fragt (2), hurtig (2), levering (2); "og", "men",
    # "the", "was" are stop-words. Phrases: "hurtig levering" (2), "dyr fragt" (2);
    # "levering og" is no phrase (og is a stop-word between them).
    assert out.rows() == [
        ("word", "dyr", 2),
        ("word", "fragt", 2),
        ("word", "hurtig", 2),
        ("word", "levering", 2),
        ("phrase", "dyr fragt", 2),
        ("phrase", "hurtig levering", 2),
    ]


def test_top_terms_limits_and_keeps_danish_letters() -> None:
    comments = ["Søde ærlige folk", "søde ærlige medarbejdere", "søde kager", "don't care"]
    out = top_terms(comments, n=1, min_count=1)
    # Most frequent word: søde (3); phrase: søde ærlige (2). "don't" is an English stop-word.
    assert out.rows() == [("word", "søde", 3), ("phrase", "søde ærlige", 2)]
    assert {"og", "ikke", "sådan", "the", "don't"} <= STOP_WORDS


def test_top_terms_of_nothing_is_empty() -> None:
    out = top_terms(pl.Series([], dtype=pl.String))
    assert out.height == 0
    assert out.columns == ["term_kind", "term", "comments"]


def test_comment_terms_split_promoters_and_detractors() -> None:
    answers = survey(
        [
            {s.SCORE: 10, s.COMMENT: "Hurtig levering"},
            {s.SCORE: 9, s.COMMENT: "Meget hurtig levering"},
            {s.SCORE: 8, s.COMMENT: "Hurtig levering"},  # passive: left out
            {s.SCORE: 2, s.COMMENT: "Dyr fragt"},
            {s.SCORE: 0, s.COMMENT: "Alt for dyr fragt"},
        ]
    )
    out = nps.nps_comment_terms(answers, n=5).collect()
    assert out.rows() == [
        ("promoters", "word", "hurtig", 2),
        ("promoters", "word", "levering", 2),
        ("promoters", "phrase", "hurtig levering", 2),
        ("detractors", "word", "dyr", 2),
        ("detractors", "word", "fragt", 2),
        ("detractors", "phrase", "dyr fragt", 2),
    ]
