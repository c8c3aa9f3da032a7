"""Invariants that hold for any order table a shop could export (Hypothesis).

Order tables are generated as rows, written the way a Danish shop system writes them
(semicolon, ``dd-mm-yyyy HH:MM``, ``1.234,50``, sometimes ``kr. …`` or ``… kr``),
with exact copies of some lines (a re-export) and a few broken rows, then read by
kunde's ingest. The expected counts and revenue are worked out here, row by row, from
DESIGN.md's rules — not by kunde's own code.
"""

from __future__ import annotations

import random
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from kunde_cli import schema as s
from kunde_cli.analytics import churn, ladder, nps, rfm
from kunde_cli.analytics.orders import default_as_of
from kunde_cli.identity import resolve_customers
from kunde_cli.ingest import read_any
from kunde_cli.store import SourceInfo, Workspace

HEADER = "Ordrenummer;Linje;Ordredato;Kundenummer;Navn;E-mail;Beløb;Status"
CUSTOMERS = [
    ("K1", "Søren Ærø", "soren@example.dk"),
    ("K2", "Åse Øberg", "Ase@Example.dk"),
    ("K3", "Bo Ærenlund", " bo@example.dk"),
    ("K4", "Mette Lund", "mette@example.dk"),
    ("K5", "Karin Hvid", "karin@example.dk"),
    ("K6", "Jens Bæk", "jens@example.dk"),
]
STATUSES = {"Betalt": "completed", "Refunderet": "refunded",
            "Annulleret": "cancelled", "": "completed"}  # fmt: skip
#: Rows that are not plain sales; "no customer" is kept (an anonymous sale), the rest refused.
BAD_KINDS = ("no date", "not an amount", "no customer")
ANONYMOUS = "no customer"
START = datetime(2023, 1, 1, 8, 0)

SETTINGS = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@dataclass(frozen=True)
class Line:
    order_id: int
    line_no: int
    when: datetime
    customer: int
    cents: int
    status: str
    money_style: int  # 0 "1.234,50", 1 "kr. 1.234,50", 2 "1.234,50 kr"


@dataclass(frozen=True)
class Table:
    lines: tuple[Line, ...]  # the good lines, as stored (each key once)
    copies: tuple[Line, ...]  # exact repeats of good lines (a re-export)
    bad: tuple[str, ...]  # one broken row per entry, of that kind
    seed: int  # row order in the file

    @property
    def rows_read(self) -> int:
        return len(self.lines) + len(self.copies) + len(self.bad)

    @property
    def refused(self) -> tuple[str, ...]:
        return tuple(k for k in self.bad if k != ANONYMOUS)

    @property
    def anonymous(self) -> int:
        return self.bad.count(ANONYMOUS)


def danish_money(cents: int, style: int) -> str:
    """1234.5 kr. as 1.234,50 (a minus in front for refunds)."""
    whole, frac = divmod(abs(cents), 100)
    text = f"{whole:,}".replace(",", ".") + f",{frac:02d}"
    text = ("-" if cents < 0 else "") + text
    return {1: f"kr. {text}", 2: f"{text} kr"}.get(style, text)


def csv_row(line: Line) -> str:
    cid, name, email = CUSTOMERS[line.customer]
    return ";".join(
        [
            str(line.order_id),
            str(line.line_no),
            line.when.strftime("%d-%m-%Y %H:%M"),
            cid,
            name,
            email,
            danish_money(line.cents, line.money_style),
            line.status,
        ]
    )


def bad_row(kind: str, i: int) -> str:
    order = str(90001 + i)
    date_text = "" if kind == "no date" else "15-06-2023 12:00"
    amount = "ukendt" if kind == "not an amount" else "100,00"
    cid, name, email = ("", "", "") if kind == "no customer" else CUSTOMERS[0]
    return ";".join([order, "1", date_text, cid, name, email, amount, "Betalt"])


@st.composite
def tables(draw: st.DrawFn) -> Table:
    n_orders = draw(st.integers(1, 18))
    lines: list[Line] = []
    for k in range(n_orders):
        # Order-level fields are the same on every line of an order.
        customer = draw(st.integers(0, len(CUSTOMERS) - 1))
        when = START + timedelta(days=draw(st.integers(0, 700)), minutes=draw(st.integers(0, 600)))
        status = draw(st.sampled_from(list(STATUSES)))
        amounts = draw(
            st.lists(
                st.one_of(st.integers(1, 500_000), st.integers(-50_000, 0)),
                min_size=1,
                max_size=3,
            )
        )
        style = draw(st.sampled_from([0, 0, 0, 1, 2]))
        lines += [
            Line(1001 + k, no, when, customer, cents, status, style)
            for no, cents in enumerate(amounts, start=1)
        ]
    copies = draw(st.lists(st.sampled_from(lines), max_size=4))
    bad = draw(st.lists(st.sampled_from(BAD_KINDS), max_size=3))
    return Table(tuple(lines), tuple(copies), tuple(bad), draw(st.integers(0, 2**16)))


def write_table(table: Table, path: Path, *, seed: int | None = None) -> Path:
    rows = [csv_row(x) for x in table.lines + table.copies]
    rows += [bad_row(kind, i) for i, kind in enumerate(table.bad)]
    random.Random(table.seed if seed is None else seed).shuffle(rows)
    path.write_text(HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def expected_revenue(table: Table) -> tuple[float, int, int]:
    """(revenue of scored customers, customers, customers with a purchase), by hand.

    DESIGN.md: an order is a purchase when its status class is completed (no status
    counts as completed), whatever its amount, unless its negative lines bring it to 0 or
    less; an order with a negative net amount is a credit note (unless cancelled): never
    a purchase, deducted from revenue. Revenue = purchases + credit notes; RFM scores
    customers with at least one purchase. Anonymous rows belong to no customer.
    """
    net: dict[int, int] = defaultdict(int)
    negative: dict[int, bool] = defaultdict(bool)
    owner: dict[int, int] = {}
    status: dict[int, str] = {}
    for line in table.lines:
        net[line.order_id] += line.cents
        negative[line.order_id] |= line.cents < 0
        owner[line.order_id] = line.customer
        status[line.order_id] = STATUSES[line.status]
    revenue: dict[int, int] = defaultdict(int)
    counted: set[int] = set()
    for order, cents in net.items():
        credit = cents < 0 and status[order] in ("completed", "refunded")
        purchase = (
            status[order] == "completed" and not credit and not (cents <= 0 and negative[order])
        )
        if credit or purchase:
            revenue[owner[order]] += cents
        if purchase:
            counted.add(owner[order])
    scored_revenue = sum(revenue[c] for c in counted) / 100
    return scored_revenue, len(set(owner.values())), len(counted)


def read_lines(path: Path) -> tuple[pl.LazyFrame, int, int]:
    """Accepted lines (each key once, customers resolved), rows read, rows refused."""
    result = read_any(path)
    unique = result.frame.unique([s.ORDER_ID, s.LINE_NO], keep="first", maintain_order=True)
    return resolve_customers(unique), result.rows_read, result.rejects.height


def analyses(lines: pl.LazyFrame) -> dict[str, pl.DataFrame]:
    as_of = default_as_of(lines)
    assert as_of is not None
    scores = rfm.rfm_scores(lines, as_of=as_of)
    segmented = rfm.rfm_segments(scores)
    tiers = churn.churn_tiers(lines, as_of=as_of)
    rungs = ladder.ladder_rungs(lines, as_of=as_of, tiers=tiers)
    return {
        "scores": segmented.sort(s.CUSTOMER_ID).collect(),
        "segments": rfm.segment_summary(segmented).collect(),
        "rungs": rungs.sort(s.CUSTOMER_ID).collect(),
        "ladder": ladder.ladder_summary(rungs).collect(),
        "tiers": churn.tier_summary(tiers).collect(),
    }


# --- counts: rows read = accepted + duplicate + rejected; twice changes nothing -------


@SETTINGS
@given(table=tables())
def test_every_row_is_accepted_duplicate_or_refused_and_twice_changes_nothing(table):
    with tempfile.TemporaryDirectory() as tmp:
        path = write_table(table, Path(tmp) / "ordrer.csv")
        result = read_any(path)
        ws = Workspace(Path(tmp) / "ws")
        first = ws.append_orders(result.frame, result.rejects, source=SourceInfo(path))
        assert first.rows_read == result.rows_read == table.rows_read
        assert first.rows_read == first.accepted + first.duplicates + first.rejected
        assert (first.accepted, first.duplicates, first.rejected) == (
            len(table.lines) + table.anonymous,
            len(table.copies),
            len(table.refused),
        )
        # The workspace keeps each reason as its code (no_date), worded where shown.
        assert sorted(ws.read_rejects()[s.REJECT_REASON]) == sorted(
            kind.replace(" ", "_") for kind in table.refused
        )
        stored = ws.scan_orders().sort(s.ORDER_ID, s.LINE_NO).collect()
        parts = sorted(p.name for p in (ws.path / "orders").iterdir())
        rejects = ws.read_rejects()

        # The same export again (a cron job run twice): nothing new, nothing lost.
        second = ws.append_orders(result.frame, result.rejects, source=SourceInfo(path))
        assert second.already_ingested
        assert (second.accepted, second.duplicates, second.rejected) == (
            0,
            len(table.lines) + len(table.copies) + table.anonymous,
            len(table.refused),
        )
        assert_frame_equal(ws.scan_orders().sort(s.ORDER_ID, s.LINE_NO).collect(), stored)
        assert sorted(p.name for p in (ws.path / "orders").iterdir()) == parts
        assert_frame_equal(ws.read_rejects(), rejects)

        # The same rows in another order under another name: all duplicates too.
        shuffled = write_table(table, Path(tmp) / "igen.csv", seed=table.seed + 1)
        again = read_any(shuffled)
        third = ws.append_orders(again.frame, again.rejects, source=SourceInfo(shuffled))
        assert third.accepted == 0
        assert third.duplicates == len(table.lines) + len(table.copies) + table.anonymous
        assert_frame_equal(ws.scan_orders().sort(s.ORDER_ID, s.LINE_NO).collect(), stored)


# --- the analyses: partitions add up, scores in range, row order does not matter -----


@SETTINGS
@given(table=tables())
def test_segments_ladder_and_tiers_add_up(table):
    with tempfile.TemporaryDirectory() as tmp:
        lines, _, _ = read_lines(write_table(table, Path(tmp) / "ordrer.csv"))
        out = analyses(lines)
    revenue, customers, scored = expected_revenue(table)
    scores = out["scores"]
    assert scores.height == scored
    for col in (rfm.R_SCORE, rfm.F_SCORE, rfm.M_SCORE):
        assert scores[col].is_between(1, 5).all(), col
    assert scores[rfm.SEGMENT].null_count() == 0
    segments = out["segments"]
    assert segments[rfm.CUSTOMERS].sum() == scored
    assert segments[rfm.REVENUE].sum() == pytest.approx(revenue, abs=1e-6)
    # The ladder holds every known customer once, on exactly one rung.
    assert out["rungs"].height == out["rungs"][s.CUSTOMER_ID].n_unique() == customers
    assert out["ladder"][ladder.CUSTOMERS].sum() == customers
    assert out["ladder"][ladder.RUNG].to_list() == list(ladder.RUNGS)
    # Churn tiers cover the customers with a counted order.
    assert out["tiers"][churn.CUSTOMERS].sum() == scored
    assert out["tiers"][churn.TIER].to_list() == list(churn.TIERS)


@SETTINGS
@given(table=tables(), other_seed=st.integers(0, 2**16))
def test_analyses_do_not_depend_on_row_order(table, other_seed):
    with tempfile.TemporaryDirectory() as tmp:
        first, _, _ = read_lines(write_table(table, Path(tmp) / "a.csv"))
        second, _, _ = read_lines(write_table(table, Path(tmp) / "b.csv", seed=other_seed))
        one, two = analyses(first), analyses(second)
    for name in one:
        # Sums of the same amounts in another order may differ in the last bit.
        assert_frame_equal(one[name], two[name], rel_tol=1e-12)


# --- NPS ---------------------------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(scores=st.lists(st.integers(0, 10), min_size=1, max_size=300))
def test_nps_is_bounded_and_inside_its_interval(scores):
    result = nps.nps_summary(pl.DataFrame({s.SCORE: scores}, schema={s.SCORE: pl.Int8}))
    promoters = sum(x >= 9 for x in scores)
    detractors = sum(x <= 6 for x in scores)
    assert result.nps == pytest.approx(100 * (promoters - detractors) / len(scores))
    assert -100 <= result.ci_low <= result.nps <= result.ci_high <= 100
    assert result.promoters + result.passives + result.detractors == result.n == len(scores)


@settings(max_examples=50, deadline=None)
@given(scores=st.lists(st.integers(0, 10), min_size=1, max_size=100), seed=st.integers(0, 99))
def test_nps_does_not_depend_on_answer_order(scores, seed):
    shuffled = scores[:]
    random.Random(seed).shuffle(shuffled)
    frame = pl.DataFrame({s.SCORE: scores})
    assert nps.nps_summary(frame) == nps.nps_summary(pl.DataFrame({s.SCORE: shuffled}))


def test_generated_tables_are_realistic():
    # The generator itself: Danish money as shops write it (guards the oracle above).
    assert danish_money(123450, 0) == "1.234,50"
    assert danish_money(-4500, 0) == "-45,00"
    assert danish_money(29900, 1) == "kr. 299,00"
    assert danish_money(29900, 2) == "299,00 kr"
