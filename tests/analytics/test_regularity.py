"""Regular buyers (kunde_cli.analytics.regularity): the Wheat–Morrison statistic, the
expected next order and the due/overdue statuses, computed by hand on a small frame."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
import pytest

from kunde_cli.analytics import regularity as reg

AS_OF = date(2024, 6, 30)


def _lines(rows: list[tuple], consent: bool = True) -> pl.LazyFrame:
    """Order lines from (customer, day, amount, email, consent) rows, one order each."""
    frame = pl.DataFrame(
        {
            "customer_id": [r[0] for r in rows],
            "order_id": [str(i) for i in range(len(rows))],
            "line_no": [1] * len(rows),
            "order_date": [datetime.combine(r[1], datetime.min.time()) for r in rows],
            "amount": [r[2] for r in rows],
            "status": ["paid"] * len(rows),
            "email": [r[3] for r in rows],
            "name": [r[0].upper() for r in rows],
            "marketing_consent": [r[4] for r in rows],
        },
        schema_overrides={"marketing_consent": pl.Boolean},
    )
    return (frame if consent else frame.drop("marketing_consent")).lazy()


def D(month: int, day: int) -> date:
    return date(2024, month, day)


ROWS = [
    # m, metronome: gaps 30, 30, 30 (2 Mar → 1 Apr → 1 May → 31 May), two orders on the
    # last day = one purchase day. M = 0.5, 0.5 → spread 0. Next 31 May + 30 = 30 Jun
    # = as-of → due (days_late 0). Revenue 100·3 + 100 + 20 = 420.
    ("m", D(3, 2), 100.0, "m@x.dk", True),
    ("m", D(4, 1), 100.0, "m@x.dk", True),
    ("m", D(5, 1), 100.0, "m@x.dk", True),
    ("m", D(5, 31), 100.0, "m@x.dk", True),
    ("m", D(5, 31), 20.0, "m@x.dk", True),
    # r, random: gaps 5, 40, 10. M = 5/45 = 1/9, 40/50 = 0.8 → spread
    # ((1/9 − 1/2)² + 0.3²) / 2 = (49/324 + 0.09) / 2 ≈ 0.1206 > 1/36 → irregular.
    ("r", D(3, 1), 500.0, "r@x.dk", True),
    ("r", D(3, 6), 500.0, "r@x.dk", True),
    ("r", D(4, 15), 500.0, "r@x.dk", True),
    ("r", D(4, 25), 500.0, "r@x.dk", True),
    # o, one purchase: left out.
    ("o", D(6, 1), 900.0, "o@x.dk", True),
    # t, two purchases = one gap (31): M undefined → too_few_gaps, never listed.
    ("t", D(5, 1), 800.0, "t@x.dk", True),
    ("t", D(6, 1), 800.0, "t@x.dk", True),
    # v: gaps 10, 12, 11; M = 10/22, 12/23 → spread (1/484 + 1/2116) / 2 ≈ 0.00127,
    # regular. Median 11, next 24 May + 11 = 4 Jun, 26 days late > ceil(5.5) = 6 and
    # ≤ 3 × 11 = 33 → overdue. Revenue 600; no consent → no e-mail.
    ("v", D(4, 21), 150.0, "v@x.dk", False),
    ("v", D(5, 1), 150.0, "v@x.dk", False),
    ("v", D(5, 13), 150.0, "v@x.dk", False),
    ("v", D(5, 24), 150.0, "v@x.dk", False),
    # z: gaps 10, 12: one pair, M = 10/22 → spread 1/484, regular; median 11, next
    # 23 Apr + 11 = 4 May, 57 days late > 3 × 11 = 33 → lapsed, not listed (however
    # valuable: 3 × 1,000).
    ("z", D(4, 1), 1000.0, "z@x.dk", True),
    ("z", D(4, 11), 1000.0, "z@x.dk", True),
    ("z", D(4, 23), 1000.0, "z@x.dk", True),
    # l: gaps 20, 20; next 4 Jun + 20 = 24 Jun, 6 days late ≤ 10 → late (not listed).
    ("l", D(4, 25), 70.0, "l@x.dk", True),
    ("l", D(5, 15), 70.0, "l@x.dk", True),
    ("l", D(6, 4), 70.0, "l@x.dk", True),
    # w: gaps 30, 30; next 20 Jun + 30 = 20 Jul, 20 days ahead → later.
    ("w", D(4, 21), 60.0, "w@x.dk", True),
    ("w", D(5, 21), 60.0, "w@x.dk", True),
    ("w", D(6, 20), 60.0, "w@x.dk", True),
    # d: gaps 14, 14; next 23 Jun + 14 = 7 Jul = as-of + 7 → due (the window's edge).
    # Consent unknown (null) → no e-mail while the data has consent values.
    ("d", D(5, 26), 30.0, "d@x.dk", None),
    ("d", D(6, 9), 30.0, "d@x.dk", None),
    ("d", D(6, 23), 30.0, "d@x.dk", None),
]


def test_statistic_dates_and_statuses_by_hand() -> None:
    out = reg.regularity(_lines(ROWS), as_of=AS_OF).collect()
    assert out.get_column("customer_id").to_list() == ["d", "l", "m", "r", "t", "v", "w", "z"]
    by = {row["customer_id"]: row for row in out.iter_rows(named=True)}
    assert by["m"]["m_spread"] == 0.0
    assert by["m"]["purchase_days"] == 4
    assert by["m"]["revenue"] == 420.0
    assert by["m"]["expected_next"] == D(6, 30)
    assert by["m"]["days_late"] == 0
    assert by["m"]["status"] == "due"
    assert by["r"]["m_spread"] == pytest.approx((49 / 324 + 0.09) / 2)
    assert by["r"]["status"] == "irregular"
    assert by["r"]["expected_next"] is None
    assert by["t"]["m_spread"] is None
    assert by["t"]["usual_gap_days"] == 31.0
    assert by["t"]["status"] == "too_few_gaps"
    assert by["v"]["m_spread"] == pytest.approx((1 / 484 + 1 / 2116) / 2)
    assert by["v"]["usual_gap_days"] == 11.0
    assert by["v"]["expected_next"] == D(6, 4)
    assert (by["v"]["days_late"], by["v"]["tolerance_days"]) == (26, 6)
    assert by["v"]["status"] == "overdue"
    assert by["z"]["m_spread"] == pytest.approx(1 / 484)
    assert (by["z"]["expected_next"], by["z"]["days_late"]) == (D(5, 4), 57)
    assert by["z"]["status"] == "lapsed"
    assert (by["l"]["expected_next"], by["l"]["days_late"], by["l"]["status"]) == (
        D(6, 24),
        6,
        "late",
    )
    assert (by["w"]["days_late"], by["w"]["status"]) == (-20, "later")
    assert (by["d"]["expected_next"], by["d"]["days_late"], by["d"]["status"]) == (
        D(7, 7),
        -7,
        "due",
    )


def test_random_buyers_spread_near_one_twelfth_and_metronome_zero() -> None:
    # The statistic's two poles, on many simulated gaps (a property of M, not of a
    # customer): exponential gaps → M uniform → E[(M − 0.5)²] = 1/12; equal gaps → 0.
    import numpy as np

    rng = np.random.default_rng(7)
    gaps = np.ceil(rng.exponential(200.0, 4001)).astype(int)
    days = [date(2000, 1, 1)]
    for g in gaps:
        days.append(days[-1] + (date(2000, 1, 2) - date(2000, 1, 1)) * int(g))
    rows = [("x", d, 10.0, None, None) for d in days]
    rows += [
        ("y", date(2000, 1, 1) + (date(2000, 1, 8) - date(2000, 1, 1)) * i, 10.0, None, None)
        for i in range(50)
    ]
    out = reg.regularity(_lines(rows), as_of=days[-1]).collect()
    spread = dict(zip(out["customer_id"], out["m_spread"], strict=True))
    assert spread["x"] == pytest.approx(1 / 12, abs=0.01)
    assert spread["y"] == 0.0


def test_due_list_order_and_consent() -> None:
    out = reg.due_list(_lines(ROWS), as_of=AS_OF).collect()
    # v (overdue, 600) first, then m (due, 420), then d (due, 90).
    assert out.select("customer_id", "status", "email", "revenue").rows() == [
        ("v", "overdue", None, 600.0),
        ("m", "due", "m@x.dk", 420.0),
        ("d", "due", None, 90.0),
    ]
    assert reg.consent_checked(_lines(ROWS), as_of=AS_OF)


def test_due_list_without_consent_column_shows_every_email() -> None:
    lines = _lines(ROWS, consent=False)
    out = reg.due_list(lines, as_of=AS_OF).collect()
    assert out.get_column("email").to_list() == ["v@x.dk", "m@x.dk", "d@x.dk"]
    assert not reg.consent_checked(lines, as_of=AS_OF)


def test_median_gap_rounds_half_up() -> None:
    # gaps 10, 11, 10, 11 → median 10.5 → next = last + 11; M spread tiny → regular.
    days = [D(1, 1), D(1, 11), D(1, 22), D(2, 1), D(2, 12)]
    out = reg.regularity(_lines([("h", d, 1.0, None, None) for d in days]), as_of=D(2, 20))
    row = out.collect().row(0, named=True)
    assert row["usual_gap_days"] == 10.5
    assert row["expected_next"] == D(2, 23)
    assert row["status"] == "due"


def test_due_list_from_a_regularity_frame_is_the_same() -> None:
    every = reg.regularity(_lines(ROWS), as_of=AS_OF).collect()
    given = reg.due_list(_lines(ROWS), as_of=AS_OF, every=every).collect()
    assert given.equals(reg.due_list(_lines(ROWS), as_of=AS_OF).collect())
    assert given.height == 3
