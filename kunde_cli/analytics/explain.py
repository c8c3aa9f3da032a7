"""Why a customer has the labels they have: ``kunde explain CUSTOMER``.

For one person it gathers the facts behind every label — counted orders, R/F/M values
and the score bands they fell in, the grid rule that named the segment, the ladder rule
that placed the rung, and the days since the last order against the usual gap — so
an owner can check and explain each label. Rules and thresholds are the same
functions the other commands use (:mod:`~kunde_cli.analytics.rfm`,
:mod:`~kunde_cli.analytics.ladder`); nothing is recomputed differently here.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

import polars as pl

from kunde_cli import schema as s
from kunde_cli.analytics import ladder as lad
from kunde_cli.analytics import rfm
from kunde_cli.analytics.actions import rung_name, segment_action, segment_name
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
    rule: str


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
    """Everything behind one customer's segment and rung at ``as_of``."""

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
    segment_rule: str
    action: str | None
    rung: str
    ladder_rule: str
    latest_score: int | None
    tier: str | None
    usual_gap_days: float | None
    activity_rule: str | None
    recent_orders: tuple[OrderRow, ...]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (dates as ISO strings)."""

        def plain(value: Any) -> Any:
            if isinstance(value, date | datetime):
                return value.isoformat()
            if isinstance(value, dict):
                return {k: plain(v) for k, v in value.items()}
            if isinstance(value, list | tuple):
                return [plain(v) for v in value]
            return value

        return plain(asdict(self))


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
        raise ConfigError(
            "give a customer id, e-mail or part of a name", hint="kunde explain anna@example.dk"
        )
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
            more = f" and {ids.len() - MAX_CANDIDATES} more" if ids.len() > MAX_CANDIDATES else ""
            raise ConfigError(
                f"{ids.len()} customers match '{query}': {listed}{more}",
                hint="give the customer id or the full e-mail",
            )
    raise ConfigError(
        f"no customer matches '{query}'",
        hint="search by customer id, e-mail or part of the name (see `kunde segment --by customer`)",
    )


def _num(value: float, lang: str, decimals: int = 0) -> str:
    text = f"{value:,.{decimals}f}"
    if lang == "da":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def _money(value: float, lang: str, currency: str) -> str:
    # Same style as render.numbers.format_money (analytics may not import render).
    if lang == "da":
        return f"{_num(value, lang, 2)} {currency}"
    return f"{currency} {_num(value, lang, 2)}".replace("kr.", "DKK")


def _band_rule(
    metric: str,
    value: float,
    score: int,
    lower: float | None,
    upper: float | None,
    method: str,
    lang: str,
    currency: str,
) -> str:
    letter = {RECENCY: "R", FREQUENCY: "F", MONETARY: "M"}[metric]
    da = lang == "da"

    def show(v: float) -> str:
        return _money(v, lang, currency) if metric == MONETARY else _num(v, lang)

    unit = {
        RECENCY: ("dage", "days"),
        FREQUENCY: ("ordrer", "orders"),
        MONETARY: ("", ""),
    }[metric][0 if da else 1]
    if upper is None:
        band = f"{show(lower or 0)}+ {unit}".strip()
    elif lower == upper:
        band = f"{show(upper)} {unit}".strip()
    else:
        band = f"{show(lower or 0)}–{show(upper)} {unit}".strip()
    what = {
        RECENCY: (
            f"{_num(value, lang)} dage siden sidste ordre",
            f"{_num(value, lang)} days since last order",
        ),
        FREQUENCY: (f"{_num(value, lang)} talte ordrer", f"{_num(value, lang)} counted orders"),
        MONETARY: (f"{show(value)} omsætning", f"{show(value)} revenue"),
    }[metric][0 if da else 1]
    if method == rfm.METHOD_FIXED:
        how = (
            f"faste grænser: {letter}{score} = {band}"
            if da
            else f"fixed breaks: {letter}{score} = {band}"
        )
    else:
        how = (
            f"kvintiler: {letter}{score} dækker her {band}"
            if da
            else f"quintiles: {letter}{score} covers {band} here"
        )
    return f"{what} → {letter}={score} ({how})"


def _segment_rule(r: int | None, f: int | None, segment: str | None, lang: str) -> str:
    if segment is None or r is None or f is None:
        return (
            "ingen talte ordrer, derfor intet RFM-segment"
            if lang == "da"
            else "no counted order, so no RFM segment"
        )
    name = segment_name(segment, lang)
    return f"R={r} og F={f} → {name}" if lang == "da" else f"R={r} and F={f} → {name}"


def _ladder_rule(
    rung: str,
    orders: int,
    inactive: bool,
    tier: str | None,
    latest: int | None,
    config: Config,
    lang: str,
) -> str:
    lc = config.ladder
    da = lang == "da"
    name = rung_name(rung, lang)
    n = f"{orders} talte ordrer" if da else f"{orders} counted orders"
    if rung == lad.POTENTIAL:
        return (
            f"kendt kontakt uden talt ordre → {name}"
            if da
            else f"known contact without a counted order → {name}"
        )
    if rung == lad.FIRST_TIME:
        return f"{n} (< {lc.returning_min_orders}) → {name}"
    if rung == lad.AMBASSADOR:
        return (
            f"{n} (≥ {lc.returning_min_orders}) og seneste NPS-svar {latest} (≥ {lc.ambassador_min_score}) → {name}"
            if da
            else f"{n} (≥ {lc.returning_min_orders}) and latest NPS answer {latest} (≥ {lc.ambassador_min_score}) → {name}"
        )
    if rung == lad.LOYAL:
        return (
            f"{n} (≥ {lc.loyal_min_orders}) og ikke inaktiv → {name}"
            if da
            else f"{n} (≥ {lc.loyal_min_orders}) and not inactive → {name}"
        )
    if orders >= lc.loyal_min_orders and inactive:
        return (
            f"{n} (≥ {lc.loyal_min_orders}) men inaktiv ({tier}) → {name}, ikke loyal"
            if da
            else f"{n} (≥ {lc.loyal_min_orders}) but inactive ({tier}) → {name}, not loyal"
        )
    return f"{n} (≥ {lc.returning_min_orders}, < {lc.loyal_min_orders}) → {name}"


def _activity_rule(
    recency: int | None, gap: float | None, tier: str | None, lang: str
) -> str | None:
    if recency is None or (gap is None and tier is None):
        return None
    da = lang == "da"
    parts = [f"{recency} dage siden sidste ordre" if da else f"{recency} days since last order"]
    if gap is not None:
        shown = _num(gap, lang, 0 if float(gap).is_integer() else 1)
        parts.append(
            f"plejer {shown} dage mellem ordrer (median)"
            if da
            else f"usual gap {shown} days between orders (median)"
        )
    text = "; ".join(parts)
    return f"{text} → {tier}" if tier else text


def explain_customer(
    lines: Basis,
    query: str,
    *,
    as_of: date | datetime,
    config: Config | None = None,
    survey: pl.LazyFrame | None = None,
    tiers: pl.LazyFrame | None = None,
    contacts: pl.LazyFrame | None = None,
    lang: str = "da",
) -> CustomerExplanation:
    """Explain one customer's labels at ``as_of``.

    ``query`` is a customer id, an e-mail (case-insensitive) or part of a name; several
    matches raise ConfigError listing up to five. R/F/M scores and bands come from
    :func:`rfm.rfm_scores` and :func:`rfm.segment_thresholds` over *all* customers (a
    score is relative), the rung from :func:`ladder.ladder_rungs` with the same
    ``survey``, ``contacts`` and ``tiers`` (``customer_id, tier`` from the churn
    analysis; without it nobody is inactive). The usual gap is the median number of
    days between the customer's consecutive counted orders (null with fewer than two).
    Rule texts are in ``lang``.

    Examples
    --------
    >>> lines = pl.LazyFrame({
    ...     "customer_id": ["a", "a", "b"], "order_id": ["1", "2", "3"], "line_no": [1, 1, 1],
    ...     "name": ["Anna Holm", "Anna Holm", "Bo Berg"],
    ...     "order_date": [datetime(2024, 1, 1), datetime(2024, 1, 21), datetime(2024, 1, 30)],
    ...     "amount": [100.0, 50.0, 70.0], "status": ["paid"] * 3})
    >>> e = explain_customer(lines, "anna", as_of=date(2024, 1, 31), lang="en")
    >>> e.customer_id, e.orders, e.segment, e.rung, e.usual_gap_days
    ('a', 2, 'hibernating', 'returning', 20.0)
    >>> e.segment_rule
    'R=2 and F=2 → hibernating'
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
    usual_gap = float(gaps.median()) if gaps.len() else None  # type: ignore[arg-type]

    scored = rfm.rfm_scores(lines, as_of=day, config=config.rfm).collect()
    segmented = rfm.rfm_segments(scored.lazy(), config=config.rfm).filter(mine).collect()
    bands = rfm.segment_thresholds(scored.lazy(), config=config.rfm).collect()
    scores: list[ScoreBand] = []
    segment = r = f = None
    if segmented.height:
        row = segmented.row(0, named=True)
        segment, r, f = row[rfm.SEGMENT], row[rfm.R_SCORE], row[rfm.F_SCORE]
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
                    rule=_band_rule(
                        metric,
                        value,
                        int(row[col]),
                        band[rfm.LOWER],
                        band[rfm.UPPER],
                        band[rfm.METHOD],
                        lang,
                        config.currency,
                    ),
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
        segment_rule=_segment_rule(r, f, segment, lang),
        action=segment_action(segment, lang) if segment else None,
        rung=placed[lad.RUNG],
        ladder_rule=_ladder_rule(
            placed[lad.RUNG],
            counted,
            bool(placed[lad.INACTIVE]),
            tier,
            placed[lad.LATEST_SCORE],
            config,
            lang,
        ),
        latest_score=placed[lad.LATEST_SCORE],
        tier=tier,
        usual_gap_days=usual_gap,
        activity_rule=_activity_rule(recency, usual_gap, tier, lang),
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
    )
