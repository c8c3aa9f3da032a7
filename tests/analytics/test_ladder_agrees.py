"""Issue 17 point 4 — the ladder's numbers agree: the movement counts are the sums of
the from × to matrix, and nobody is an ambassador while inactive or lost.

Hand-made frames, expected numbers counted by hand.
"""

from __future__ import annotations

from datetime import date, datetime

import polars as pl

from kunde_cli.analytics import ladder as lad

AS_OF = date(2024, 6, 30)
COMPARE = date(2024, 3, 31)


def lines(rows: list[tuple[str, datetime]]) -> pl.LazyFrame:
    """rows: (customer_id, order date); one paid order of 100 each."""
    return pl.LazyFrame(
        [(c, f"{c}-{i}", 1, d, 100.0, "paid") for i, (c, d) in enumerate(rows)],
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


def matrix_sums(matrix: pl.DataFrame) -> dict[str, int]:
    """The matrix read cell by cell: the ``none`` row is new, the ``none`` column gone,
    cells above the diagonal up, on it same, below it down."""
    rank = {name: i for i, name in enumerate(lad.RUNGS)}
    sums = dict.fromkeys(lad.MOVEMENTS, 0)
    for row in matrix.iter_rows(named=True):
        start = row[lad.FROM_RUNG]
        for end in (*lad.RUNGS, lad.NO_RUNG):
            n = row[end]
            if start == lad.NO_RUNG:
                sums[lad.NEW] += n
            elif end == lad.NO_RUNG:
                sums[lad.GONE] += n
            elif rank[end] > rank[start]:
                sums[lad.UP] += n
            elif rank[end] < rank[start]:
                sums[lad.DOWN] += n
            else:
                sums[lad.SAME] += n
    return sums


# up     1 order before compare, 1 after      first_time -> returning
# same   1 order before compare               first_time -> first_time
# down   4 orders before compare, lost now    loyal -> returning (went inactive)
# down2  2 orders, answer 10 before compare,  ambassador -> returning (went inactive)
#        inactive now
# new    1 order after compare                none -> first_time
# gone   1 order before compare, left out of the ladder now (as a caller's ladder may)
LINES = lines(
    [
        ("up", datetime(2024, 1, 10)),
        ("up", datetime(2024, 5, 10)),
        ("same", datetime(2024, 2, 1)),
        *[("down", datetime(2024, 1, d)) for d in (1, 2, 3, 4)],
        ("down2", datetime(2024, 2, 1)),
        ("down2", datetime(2024, 2, 2)),
        ("new", datetime(2024, 6, 1)),
        ("gone", datetime(2024, 1, 20)),
    ]
)
SURVEY = pl.LazyFrame(
    {"customer_id": ["down2"], "score": [10], "responded_at": [datetime(2024, 3, 1)]},
    schema_overrides={"responded_at": pl.Datetime("us")},
)
TIERS_NOW = pl.LazyFrame({"customer_id": ["down", "down2"], "tier": ["lost", "inactive"]})


def moves() -> pl.DataFrame:
    now = lad.ladder_rungs(LINES, as_of=AS_OF, survey=SURVEY, tiers=TIERS_NOW).filter(
        pl.col("customer_id") != "gone"
    )
    return lad.ladder_moves(
        LINES, as_of=AS_OF, compare=COMPARE, survey=SURVEY, tiers=TIERS_NOW, rungs=now
    ).collect()


def test_moves_by_hand():
    assert moves().rows() == [
        ("down", "loyal", "returning", "down", True),
        ("down2", "ambassador", "returning", "down", True),
        ("gone", "first_time", "none", "gone", False),
        ("new", "none", "first_time", "new", False),
        ("same", "first_time", "first_time", "same", False),
        ("up", "first_time", "returning", "up", False),
    ]


def test_counts_are_the_matrix_sums():
    flow = lad.flow_from_moves(moves().lazy()).collect()
    counts = lad.movement_counts(flow)
    assert counts == {"up": 1, "same": 1, "down": 2, "new": 1, "gone": 1, "went_inactive": 2}
    matrix = lad.ladder_flow_matrix(flow.lazy()).collect()
    assert matrix_sums(matrix) == {m: counts[m] for m in lad.MOVEMENTS}
    # Every person is in the matrix once.
    assert int(matrix["total"].sum()) == moves().height == 6
    # The loyal -> returning cell (below the diagonal) holds the one who went lost: the
    # summary says 2 fell back, the matrix shows 2 below its diagonal (issue 17 saw
    # "0 faldt tilbage" beside 30 moving down).
    cells = {r["from_rung"]: r for r in matrix.iter_rows(named=True)}
    assert cells["loyal"]["returning"] == 1
    assert cells["ambassador"]["returning"] == 1
    assert cells["first_time"]["none"] == 1


def test_counts_of_an_empty_flow_are_zero():
    empty = lad.flow_from_moves(moves().lazy().head(0)).collect()
    assert lad.movement_counts(empty) == dict.fromkeys((*lad.MOVEMENTS, "went_inactive"), 0)


def test_inactive_promoter_is_returning_not_ambassador():
    rungs = lad.ladder_rungs(LINES, as_of=AS_OF, survey=SURVEY, tiers=TIERS_NOW).collect()
    down2 = rungs.filter(pl.col("customer_id") == "down2").row(0, named=True)
    assert (down2["rung"], down2["inactive"], down2["latest_score"]) == ("returning", True, 10)
    for tier, rung in (("active", "ambassador"), ("cooling", "ambassador"), ("lost", "returning")):
        tiers = pl.LazyFrame({"customer_id": ["down2"], "tier": [tier]})
        out = lad.ladder_rungs(LINES, as_of=AS_OF, survey=SURVEY, tiers=tiers).collect()
        assert out.filter(pl.col("customer_id") == "down2")["rung"].item() == rung, tier
    # The invariant over the whole ladder.
    assert rungs.filter((pl.col("rung") == "ambassador") & pl.col("inactive")).height == 0


def test_explain_says_why_an_inactive_promoter_is_not_an_ambassador():
    from kunde_cli.words.explain import ladder_rule

    limits = {"returning_min_orders": 2, "loyal_min_orders": 4, "ambassador_min_score": 9}
    da = ladder_rule("returning", 3, True, "lost", 10, **limits)
    en = ladder_rule("returning", 3, True, "lost", 10, lang="en", **limits)
    assert da.endswith("→ genkøber, ikke ambassadør"), da
    assert "NPS answer 10 (≥ 9), but inactive (lost)" in en and en.endswith("not ambassador")
    # Active, the same answer makes an ambassador; inactive without a 9–10 is plain returning.
    assert "ambassad" in ladder_rule("ambassador", 3, False, "active", 10, **limits)
    assert "ambassad" not in ladder_rule("returning", 3, True, "lost", 6, **limits)
