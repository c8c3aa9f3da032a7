"""Why a customer has the labels they have: ``kunde explain CUSTOMER``.

For one person it gathers the facts behind every label — counted orders, R/F/M values
and the score bands they fell in, the grid cell that named the segment, the ladder
thresholds that placed the rung, and the days since the last order against the usual
gap — so an owner can check and explain each label. The facts are keys and numbers;
:func:`kunde_cli.words.explain.worded_explanation` says each rule in words. Rules
and thresholds are the same functions the other commands use (:mod:`~kunde_cli.analytics.rfm`,
:mod:`~kunde_cli.analytics.ladder`); nothing is recomputed differently here.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any, cast

import polars as pl

from kunde_cli import schema as s
from kunde_cli.analytics import ladder as lad
from kunde_cli.analytics import rfm
from kunde_cli.analytics.orders import (
    AOV,
    COUNTED,
    FIRST_ORDER,
    FREQUENCY,
    LAST_ORDER,
    MONETARY,
    NET_AMOUNT,
    ORDER_STATUS,
    RECENCY,
    Basis,
    basis_at,
    lines_of,
)
from kunde_cli.config import Config
from kunde_cli.errors import ConfigError
from kunde_cli.words.said import said

#: How many candidates a "several customers match" error lists.
MAX_CANDIDATES = 5
#: How many of the latest orders an explanation lists.
MAX_ORDERS = 10


@dataclass(frozen=True)
class ScoreBand:
    """One of R, F, M for a customer: the value, the score and the band behind it."""

    metric: str  # recency_days | frequency | monetary
    value: float
    score: int
    lower: float | None
    upper: float | None
    method: str  # quintile | fixed


@dataclass(frozen=True)
class OrderRow:
    """One order of the customer as kunde sees it."""

    order_id: str
    order_date: date
    net_amount: float
    status: str | None
    counted: bool


@dataclass(frozen=True)
class CustomerExplanation:
    """Everything behind one customer's segment and rung at ``as_of``, as facts.

    The rules are said from these facts (:func:`kunde_cli.words.explain.worded_explanation`):
    the R and F scores of ``scores`` name the segment's grid cell; ``orders``,
    ``inactive``, ``tier``, ``latest_score`` and the ladder thresholds place the rung;
    ``recency_days`` against ``usual_gap_days`` gives the activity.
    """

    customer_id: str
    name: str | None
    email: str | None
    as_of: date
    orders: int  # counted orders (frequency)
    orders_all: int  # every order id up to as_of, incl. cancelled/refunded
    orders_not_counted: int
    revenue: float
    first_order: date | None
    last_order: date | None
    aov: float | None
    recency_days: int | None
    scores: tuple[ScoreBand, ...]
    segment: str | None
    rung: str
    latest_score: int | None
    tier: str | None
    usual_gap_days: float | None
    recent_orders: tuple[OrderRow, ...]
    inactive: bool  # inactive by the churn tiers (a loyal customer falls back to returning)
    returning_min_orders: int  # kunde.toml [ladder] thresholds the rung was placed by
    loyal_min_orders: int
    ambassador_min_score: int

    def to_dict(self) -> dict[str, Any]:
        """The facts as a JSON-ready dict (dates as ISO strings)."""

        def plain(value: Any) -> Any:
            if isinstance(value, date | datetime):
                return value.isoformat()
            if isinstance(value, dict):
                return {k: plain(v) for k, v in value.items()}
            if isinstance(value, list | tuple):
                return [plain(v) for v in value]
            return value

        shown: dict[str, Any] = plain(asdict(self))
        return shown


def _columns(frame: pl.LazyFrame) -> list[str]:
    return frame.collect_schema().names()


def _directory(lines: Basis, survey: pl.LazyFrame | None, as_of: date) -> pl.DataFrame:
    """customer_id, email, name of every known person (one row per distinct triple)."""
    lines = lines_of(lines)
    names = _columns(lines)
    parts = [
        lines.select(
            pl.col(s.CUSTOMER_ID).cast(pl.String),
            (pl.col(s.EMAIL) if s.EMAIL in names else pl.lit(None)).cast(pl.String).alias(s.EMAIL),
            (pl.col(s.NAME) if s.NAME in names else pl.lit(None)).cast(pl.String).alias(s.NAME),
        )
    ]
    if survey is not None:
        people = lad.survey_people(survey, lines, as_of=as_of).select(s.CUSTOMER_ID).unique()
        parts.append(
            people.with_columns(
                pl.lit(None, dtype=pl.String).alias(s.EMAIL),
                pl.lit(None, dtype=pl.String).alias(s.NAME),
            )
        )
    return pl.concat(parts).unique().drop_nulls(s.CUSTOMER_ID).collect()


def find_customer(directory: pl.DataFrame, query: str) -> str:
    """The one customer id ``query`` names: id, then e-mail, then part of the name.

    Each step is case-insensitive and only tried when the one before found nobody.
    Raises ConfigError when nobody matches, or when several do (listing up to five).

    Examples
    --------
    >>> people = pl.DataFrame({"customer_id": ["c1", "c2"], "email": ["a@x.dk", "b@x.dk"],
    ...     "name": ["Anna Holm", "Bo Holm"]})
    >>> find_customer(people, "A@X.DK"), find_customer(people, "anna")
    ('c1', 'c1')
    """
    wanted = query.strip().lower()
    if not wanted:
        raise ConfigError(said("explain_no_query"), hint=said("explain_no_query_hint"))
    steps = (
        pl.col(s.CUSTOMER_ID).str.to_lowercase() == wanted,
        pl.col(s.EMAIL).str.strip_chars().str.to_lowercase() == wanted,
        pl.col(s.NAME).str.to_lowercase().str.contains(wanted, literal=True),
    )
    directory = directory.select(pl.col(s.CUSTOMER_ID, s.EMAIL, s.NAME).cast(pl.String))
    for condition in steps:
        found = directory.filter(condition.fill_null(False))
        ids = found.get_column(s.CUSTOMER_ID).unique().sort()
        if ids.len() == 1:
            return str(ids.item())
        if ids.len() > 1:
            first = (
                found.sort(s.CUSTOMER_ID)
                .unique(s.CUSTOMER_ID, keep="first", maintain_order=True)
                .head(MAX_CANDIDATES)
            )
            listed = "; ".join(
                " ".join(str(v) for v in (cid, name, f"<{email}>" if email else None) if v)
                for cid, email, name in first.select(s.CUSTOMER_ID, s.EMAIL, s.NAME).iter_rows()
            )
            more = ids.len() - MAX_CANDIDATES
            raise ConfigError(
                said("explain_several", n=ids.len(), query=query, listed=listed)
                if more <= 0
                else said(
                    "explain_several_more", n=ids.len(), query=query, listed=listed, more=more
                ),
                hint=said("explain_several_hint"),
            )
    raise ConfigError(said("explain_no_match", query=query), hint=said("explain_no_match_hint"))


def explain_customer(
    lines: Basis,
    query: str,
    *,
    as_of: date | datetime,
    config: Config | None = None,
    survey: pl.LazyFrame | None = None,
    tiers: pl.LazyFrame | None = None,
    contacts: pl.LazyFrame | None = None,
) -> CustomerExplanation:
    """Explain one customer's labels at ``as_of``.

    ``query`` is a customer id, an e-mail (case-insensitive) or part of a name; several
    matches raise ConfigError listing up to five. R/F/M scores and bands come from
    :func:`rfm.rfm_scores` and :func:`rfm.segment_thresholds` over *all* customers (a
    score is relative), the rung from :func:`ladder.ladder_rungs` with the same
    ``survey``, ``contacts`` and ``tiers`` (``customer_id, tier`` from the churn
    analysis; without it nobody is inactive). The usual gap is the median number of
    days between the customer's consecutive counted orders (null with fewer than two).
    The result holds facts and keys; :func:`kunde_cli.words.explain.worded_explanation`
    says the rules in words.

    Examples
    --------
    >>> lines = pl.LazyFrame({
    ...     "customer_id": ["a", "a", "b"], "order_id": ["1", "2", "3"], "line_no": [1, 1, 1],
    ...     "name": ["Anna Holm", "Anna Holm", "Bo Berg"],
    ...     "order_date": [datetime(2024, 1, 1), datetime(2024, 1, 21), datetime(2024, 1, 30)],
    ...     "amount": [100.0, 50.0, 70.0], "status": ["paid"] * 3})
    >>> e = explain_customer(lines, "anna", as_of=date(2024, 1, 31))
    >>> e.customer_id, e.orders, e.segment, e.rung, e.usual_gap_days
    ('a', 2, 'hibernating', 'returning', 20.0)
    >>> [(b.metric, b.score) for b in e.scores][:2]
    [('recency_days', 2), ('frequency', 2)]
    """
    config = config or Config()
    day = as_of.date() if isinstance(as_of, datetime) else as_of
    directory = _directory(lines, survey, day)
    customer_id = find_customer(directory, query)
    who = directory.filter(pl.col(s.CUSTOMER_ID) == customer_id)
    name = next(iter(who.get_column(s.NAME).drop_nulls()), None)
    email = next(iter(who.get_column(s.EMAIL).drop_nulls()), None)
    mine = pl.col(s.CUSTOMER_ID) == customer_id

    orders = (
        basis_at(lines, day).orders.lazy().filter(mine).sort(s.ORDER_DATE, s.ORDER_ID).collect()
    )
    summary = basis_at(lines, day).customers.lazy().filter(mine).collect()
    counted_dates = orders.filter(pl.col(COUNTED)).get_column(s.ORDER_DATE)
    gaps = counted_dates.diff().drop_nulls().dt.total_days()
    usual_gap = float(cast("float", gaps.median())) if gaps.len() else None

    scored = rfm.rfm_scores(lines, as_of=day, config=config.rfm).collect()
    segmented = rfm.rfm_segments(scored.lazy(), config=config.rfm).filter(mine).collect()
    bands = rfm.segment_thresholds(scored.lazy(), config=config.rfm).collect()
    scores: list[ScoreBand] = []
    segment = None
    if segmented.height:
        row = segmented.row(0, named=True)
        segment = row[rfm.SEGMENT]
        for metric, col in (
            (RECENCY, rfm.R_SCORE),
            (FREQUENCY, rfm.F_SCORE),
            (MONETARY, rfm.M_SCORE),
        ):
            band = bands.filter(
                (pl.col(rfm.METRIC) == metric) & (pl.col(rfm.SCORE) == row[col])
            ).row(0, named=True)
            value = float(row[metric])
            scores.append(
                ScoreBand(
                    metric=metric,
                    value=value,
                    score=int(row[col]),
                    lower=band[rfm.LOWER],
                    upper=band[rfm.UPPER],
                    method=band[rfm.METHOD],
                )
            )

    rung_row = (
        lad.ladder_rungs(
            lines, as_of=day, survey=survey, contacts=contacts, tiers=tiers, config=config.ladder
        )
        .filter(mine)
        .collect()
    )
    if rung_row.height:
        placed = rung_row.row(0, named=True)
    else:  # pragma: no cover - every directory entry is on the ladder
        placed = {lad.RUNG: lad.POTENTIAL, lad.INACTIVE: False, lad.LATEST_SCORE: None}
    tier = None
    if tiers is not None:
        found = tiers.filter(mine).select(lad.TIER).collect()
        tier = found.item(0, 0) if found.height else None

    facts = summary.row(0, named=True) if summary.height else {}
    counted = int(facts.get(FREQUENCY) or 0)
    recency = facts.get(RECENCY)
    return CustomerExplanation(
        customer_id=customer_id,
        name=name,
        email=email,
        as_of=day,
        orders=counted,
        orders_all=orders.height,
        orders_not_counted=orders.height - counted,
        revenue=float(facts.get(MONETARY) or 0.0),
        first_order=facts[FIRST_ORDER].date() if facts.get(FIRST_ORDER) else None,
        last_order=facts[LAST_ORDER].date() if facts.get(LAST_ORDER) else None,
        aov=facts.get(AOV),
        recency_days=recency,
        scores=tuple(scores),
        segment=segment,
        rung=placed[lad.RUNG],
        latest_score=placed[lad.LATEST_SCORE],
        tier=tier,
        usual_gap_days=usual_gap,
        recent_orders=tuple(
            OrderRow(
                order_id=str(oid),
                order_date=odate.date(),
                net_amount=float(net),
                status=status,
                counted=bool(is_counted),
            )
            for oid, odate, net, status, is_counted in orders.sort(
                [s.ORDER_DATE, s.ORDER_ID], descending=[True, False]
            )
            .head(MAX_ORDERS)
            .select(s.ORDER_ID, s.ORDER_DATE, NET_AMOUNT, ORDER_STATUS, COUNTED)
            .iter_rows()
        ),
        inactive=bool(placed[lad.INACTIVE]),
        returning_min_orders=config.ladder.returning_min_orders,
        loyal_min_orders=config.ladder.loyal_min_orders,
        ambassador_min_score=config.ladder.ambassador_min_score,
    )
