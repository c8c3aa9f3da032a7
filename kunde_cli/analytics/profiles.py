"""Customer profiles (kundeprofiler) and persona cards, made only from the data.

:func:`segment_profiles` describes each group of customers (an RFM segment, a rung of
the loyalty ladder, …) with the numbers the loyalty guides tell owners to collect:
size, revenue share, order value and rhythm, what they buy, where they live, how they
shop and — when there are survey answers — how willing they are to recommend.

:func:`persona_facts` decides which sentences a profile row's numbers support (keys
and values): a sentence whose number is missing is left out, so a card never claims
more than the data shows. :func:`kunde_cli.words.personas.persona_cards` words them
as short cards in Danish or English (its number formats too).
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

import polars as pl

from kunde_cli import schema as s
from kunde_cli.analytics.ladder import survey_people
from kunde_cli.analytics.orders import (
    COUNTED,
    DAY_ORDERS,
    FREQUENCY,
    MONETARY,
    PURCHASE_DAY,
    RECENCY,
    Basis,
    as_of_cutoff,
    basis_at,
    lines_of,
)
from kunde_cli.words.personas import PersonaFacts, Phrase

#: Default name of the grouping column in ``groups`` and in the result.
GROUP = "group"
#: How many values the ``top_*`` columns list.
TOP_N = 3
#: Anonymised outputs (``kunde report --anonymise``) describe no group of fewer
#: customers than this, and name no place shared by fewer (k-anonymity, k = 5).
MIN_GROUP_SIZE = 5
#: The group that groups under ``min_customers`` are merged into.
SMALL_GROUPS = "small_groups"

#: Columns of :func:`segment_profiles`.
CUSTOMERS = "customers"
SHARE_CUSTOMERS = "share_customers"
REVENUE = "revenue"
SHARE_REVENUE = "share_revenue"
ORDERS = "orders"
ORDERS_PER_CUSTOMER = "orders_per_customer"
AOV = "aov"
MEDIAN_DAYS_BETWEEN_ORDERS = "median_days_between_orders"
MEDIAN_RECENCY_DAYS = "median_recency_days"
TOP_PRODUCTS = "top_products"
TOP_CATEGORIES = "top_categories"
TOP_CITIES = "top_cities"
TOP_POSTCODES = "top_postcodes"
TOP_COUNTRIES = "top_countries"
TOP_CHANNELS = "top_channels"
NPS = "nps"
NPS_RESPONSES = "nps_responses"

PROFILE_COLUMNS = (
    CUSTOMERS,
    SHARE_CUSTOMERS,
    REVENUE,
    SHARE_REVENUE,
    ORDERS,
    ORDERS_PER_CUSTOMER,
    AOV,
    MEDIAN_DAYS_BETWEEN_ORDERS,
    MEDIAN_RECENCY_DAYS,
    TOP_PRODUCTS,
    TOP_CATEGORIES,
    TOP_CITIES,
    TOP_POSTCODES,
    TOP_COUNTRIES,
    TOP_CHANNELS,
    NPS,
    NPS_RESPONSES,
)

# Private working columns.
_KEY = "_key"
_WEIGHT = "_weight"
_TOTAL = "_total"
_GAP = "_gap_days"
_ALL_CUSTOMERS = "_all_customers"
_ALL_REVENUE = "_all_revenue"
_NET = "_net_promoters"


# --------------------------------------------------------------------------------------
# Profiles
# --------------------------------------------------------------------------------------


def _top(
    weights: pl.LazyFrame, totals: pl.LazyFrame, by: str, name: str, min_weight: float = 0
) -> pl.LazyFrame:
    """``"A (40 %), B (25 %), C (10 %)"`` per group from (by, _key, _weight) rows.

    Share = weight / the group's total (rounded to whole percent); the biggest first,
    ties by name; keys without a value, weights ≤ 0 and weights below ``min_weight``
    are left out.
    """
    share = (pl.col(_WEIGHT) / pl.col(_TOTAL) * 100).round(0).cast(pl.Int64)
    return (
        weights.filter(
            pl.col(_KEY).is_not_null(), pl.col(_WEIGHT) > 0, pl.col(_WEIGHT) >= min_weight
        )
        .join(totals, on=by, nulls_equal=True)
        .group_by(by)
        .agg(
            pl.format("{} ({} %)", pl.col(_KEY), share)
            .sort_by([pl.col(_WEIGHT), pl.col(_KEY)], descending=[True, False])
            .head(TOP_N)
            .str.join(", ")
            .alias(name)
        )
    )


def _nps_by_group(
    survey: pl.LazyFrame | None,
    lines: Basis,
    groups: pl.LazyFrame,
    by: str,
    as_of: date | datetime,
) -> pl.LazyFrame:
    """NPS of each group from every customer's latest answer up to ``as_of``.

    NPS = % promoters (9–10) − % detractors (0–6). Answers are tied to customers as on
    the loyalty ladder (:func:`kunde_cli.analytics.ladder.survey_people`: customer id,
    else the e-mail on orders); two answers at the same instant count the lower score.
    """
    if survey is None:
        return (
            groups.select(by)
            .unique()
            .with_columns(
                pl.lit(None, dtype=pl.Float64).alias(NPS),
                pl.lit(0, dtype=pl.Int64).alias(NPS_RESPONSES),
            )
        )
    latest = (
        survey_people(survey, lines, as_of=as_of)
        .group_by(s.CUSTOMER_ID)
        .agg(
            pl.col(s.SCORE)
            .sort_by([s.RESPONDED_AT, s.SCORE], descending=[False, True])
            .last()
            .cast(pl.Int64)
        )
    )
    score = pl.col(s.SCORE)
    return (
        groups.join(latest, on=s.CUSTOMER_ID, how="left")
        .group_by(by)
        .agg(
            score.count().cast(pl.Int64).alias(NPS_RESPONSES),
            # Counts are unsigned: cast before subtracting, or a negative NPS wraps around.
            ((score >= 9).sum().cast(pl.Int64) - (score <= 6).sum().cast(pl.Int64)).alias(_NET),
        )
        .with_columns(
            pl.when(pl.col(NPS_RESPONSES) > 0)
            .then(pl.col(_NET) / pl.col(NPS_RESPONSES) * 100)
            .cast(pl.Float64)
            .alias(NPS)
        )
        .select(by, NPS, NPS_RESPONSES)
    )


def segment_profiles(
    lines: Basis,
    groups: pl.LazyFrame,
    *,
    as_of: date | datetime,
    survey: pl.LazyFrame | None = None,
    by: str = GROUP,
    answers_as_of: date | datetime | None = None,
    min_customers: int | None = None,
) -> pl.LazyFrame:
    """A data-driven profile of each group of customers.

    ``groups`` holds ``customer_id`` and the grouping column ``by`` (one row per
    customer; customers may have no orders, e.g. the "potential" rung). Only the
    customers in ``groups`` are described, and shares are of their totals. Orders
    and lines after ``as_of`` are ignored. Per group:

    * ``customers``, ``share_customers`` (0–1);
    * ``revenue`` — net revenue (DKK incl. VAT; refunds reduce it) and
      ``share_revenue`` (0–1; null when the total is ≤ 0);
    * ``orders`` (counted orders), ``orders_per_customer`` = orders / customers,
      ``aov`` = revenue / orders (null without orders);
    * ``median_days_between_orders`` — median of all gaps (calendar days) between
      consecutive counted orders of the group's customers (null when nobody in the
      group has two counted orders);
    * ``median_recency_days`` — median days since the last counted order;
    * ``top_products``, ``top_categories`` — the three biggest by share of the
      group's revenue on counted-order lines, as ``"A (40 %), B (25 %), C (10 %)"``;
    * ``top_cities``, ``top_postcodes``, ``top_countries`` — by share of the group's
      customers (each customer counted once, with their most recent address);
    * ``top_channels`` — by share of the group's counted orders (an order's channel is
      that of its first line that names one);
    * ``nps`` (−100…100) and ``nps_responses`` from each customer's latest survey
      answer up to ``answers_as_of`` (default ``as_of``; the day
      :func:`kunde_cli.analytics.nps.nps_as_of` picks) (null / 0 without answers).

    A ``top_*`` column is null when the data has no such values. Sorted by revenue,
    highest first.

    With ``min_customers`` (k; :data:`MIN_GROUP_SIZE` for anonymised outputs) no
    group smaller than k is described: groups under k customers are merged into one
    group :data:`SMALL_GROUPS`, which is left out when it is still under k; and
    ``top_cities``, ``top_postcodes`` and ``top_countries`` name only places where at
    least k of the group's customers live. Shares stay shares of all customers.

    Examples
    --------
    >>> lines = pl.LazyFrame({
    ...     "customer_id": ["a", "a", "b"], "order_id": ["1", "2", "3"], "line_no": [1, 1, 1],
    ...     "amount": [100.0, 50.0, 50.0], "status": ["paid"] * 3,
    ...     "product": ["Kaffe", "Te", "Kaffe"],
    ...     "order_date": [datetime(2024, 1, 1), datetime(2024, 1, 11), datetime(2024, 1, 3)]})
    >>> groups = pl.LazyFrame({"customer_id": ["a", "b"], "group": ["x", "x"]})
    >>> out = segment_profiles(lines, groups, as_of=date(2024, 1, 31)).collect()
    >>> out.select("customers", "orders", "aov", "median_days_between_orders").rows()
    [(2, 3, 66.66666666666667, 10.0)]
    >>> out["top_products"].item()
    'Kaffe (75 %), Te (25 %)'
    """
    cutoff = as_of_cutoff(as_of)
    columns = set(lines_of(lines).collect_schema().names())
    members = groups.select(s.CUSTOMER_ID, by).unique(s.CUSTOMER_ID, keep="first")
    k = min_customers or 0
    if k > 1:
        small = pl.len().over(by) < k
        members = members.with_columns(
            pl.when(small)
            .then(pl.lit(SMALL_GROUPS))
            .otherwise(pl.col(by).cast(pl.String))
            .alias(by)
        )
    group_sizes = members.group_by(by).agg(pl.len().alias(_TOTAL))

    # Size, revenue, order value and recency.
    summary = (
        basis_at(lines, as_of).customers.lazy().select(s.CUSTOMER_ID, FREQUENCY, MONETARY, RECENCY)
    )
    base = (
        members.join(summary, on=s.CUSTOMER_ID, how="left")
        .with_columns(pl.col(FREQUENCY).fill_null(0), pl.col(MONETARY).fill_null(0.0))
        .with_columns(pl.len().alias(_ALL_CUSTOMERS), pl.col(MONETARY).sum().alias(_ALL_REVENUE))
        .group_by(by)
        .agg(
            pl.len().cast(pl.Int64).alias(CUSTOMERS),
            (pl.len() / pl.col(_ALL_CUSTOMERS).first()).alias(SHARE_CUSTOMERS),
            pl.col(MONETARY).sum().alias(REVENUE),
            pl.when(pl.col(_ALL_REVENUE).first() > 0)
            .then(pl.col(MONETARY).sum() / pl.col(_ALL_REVENUE).first())
            .alias(SHARE_REVENUE),
            pl.col(FREQUENCY).sum().cast(pl.Int64).alias(ORDERS),
            pl.col(RECENCY).median().alias(MEDIAN_RECENCY_DAYS),
        )
        .with_columns(
            (pl.col(ORDERS) / pl.col(CUSTOMERS)).alias(ORDERS_PER_CUSTOMER),
            pl.when(pl.col(ORDERS) > 0).then(pl.col(REVENUE) / pl.col(ORDERS)).alias(AOV),
        )
    )

    # Rhythm: gaps between consecutive counted orders.
    orders = basis_at(lines, as_of).orders.lazy()
    # Gaps, products and channels all start from these orders: build them once.
    counted = orders.filter(pl.col(COUNTED)).join(members, on=s.CUSTOMER_ID).cache()
    # From the purchase days (sorted by customer and day): the gap to the customer's
    # previous day, plus a gap of 0 for each further order on the same day.
    days = (
        basis_at(lines, as_of)
        .days.lazy()
        .join(members, on=s.CUSTOMER_ID, how="inner", maintain_order="left")
    )
    between_days = days.select(
        by,
        pl.when(pl.col(s.CUSTOMER_ID).eq_missing(pl.col(s.CUSTOMER_ID).shift(1)))
        .then((pl.col(PURCHASE_DAY) - pl.col(PURCHASE_DAY).shift(1)).dt.total_days())
        .alias(_GAP),
    )
    same_day = (
        days.filter(pl.col(DAY_ORDERS) > 1)
        .select(by, pl.lit(0, dtype=pl.Int64).repeat_by(pl.col(DAY_ORDERS) - 1).alias(_GAP))
        .explode(_GAP)
    )
    gaps = (
        pl.concat([between_days, same_day])
        .group_by(by)
        .agg(pl.col(_GAP).median().alias(MEDIAN_DAYS_BETWEEN_ORDERS))
    )

    # What they buy: lines of counted orders, weighted by amount.
    in_scope = lines_of(lines).filter(pl.col(s.ORDER_DATE) < cutoff).cache()
    counted_lines = in_scope.join(
        counted.select(s.CUSTOMER_ID, s.ORDER_ID, by), on=[s.CUSTOMER_ID, s.ORDER_ID]
    ).cache()
    line_totals = counted_lines.group_by(by).agg(pl.col(s.AMOUNT).sum().alias(_TOTAL))
    tops: list[pl.LazyFrame] = []
    for column, name in ((s.PRODUCT, TOP_PRODUCTS), (s.CATEGORY, TOP_CATEGORIES)):
        if column in columns:
            weights = counted_lines.group_by(by, pl.col(column).cast(pl.String).alias(_KEY)).agg(
                pl.col(s.AMOUNT).sum().alias(_WEIGHT)
            )
            tops.append(_top(weights, line_totals, by, name))

    # Where they live: each customer once, with their latest address.
    places = [
        (column, name)
        for column, name in (
            (s.CITY, TOP_CITIES),
            (s.POSTCODE, TOP_POSTCODES),
            (s.COUNTRY, TOP_COUNTRIES),
        )
        if column in columns
    ]
    if places:
        latest = (
            basis_at(lines, as_of)
            .contacts.lazy()
            .select(s.CUSTOMER_ID, *(pl.col(column).cast(pl.String) for column, _ in places))
        )
        addresses = members.join(latest, on=s.CUSTOMER_ID).cache()
        for column, name in places:
            weights = addresses.group_by(by, pl.col(column).alias(_KEY)).agg(
                pl.len().cast(pl.Float64).alias(_WEIGHT)
            )
            tops.append(_top(weights, group_sizes, by, name, min_weight=k))

    # How they shop: counted orders per channel (the first line that names one; rows
    # keep their input order within a group, so sorting by line first suffices).
    if s.CHANNEL in columns:
        named = counted_lines.with_columns(
            pl.col(s.CHANNEL).cast(pl.String).replace("", None).alias(_KEY)
        ).filter(pl.col(_KEY).is_not_null())
        first = pl.col(_KEY).min_by(s.LINE_NO) if s.LINE_NO in columns else pl.col(_KEY).first()
        per_order = named.group_by(by, s.CUSTOMER_ID, s.ORDER_ID).agg(first)
        order_counts = counted.group_by(by).agg(pl.len().alias(_TOTAL))
        weights = per_order.group_by(by, _KEY).agg(pl.len().cast(pl.Float64).alias(_WEIGHT))
        tops.append(_top(weights, order_counts, by, TOP_CHANNELS))

    result = base.join(gaps, on=by, how="left", nulls_equal=True)
    for top in tops:
        result = result.join(top, on=by, how="left", nulls_equal=True)
    answers_day = as_of if answers_as_of is None else answers_as_of
    result = result.join(
        _nps_by_group(survey, lines, members, by, answers_day), on=by, how="left", nulls_equal=True
    )
    missing = {
        name: pl.lit(None, dtype=pl.String).alias(name)
        for name in (
            TOP_PRODUCTS,
            TOP_CATEGORIES,
            TOP_CITIES,
            TOP_POSTCODES,
            TOP_COUNTRIES,
            TOP_CHANNELS,
        )
        if name not in result.collect_schema().names()
    }
    return (
        result.with_columns(*missing.values())
        .with_columns(
            pl.col(MEDIAN_DAYS_BETWEEN_ORDERS).cast(pl.Float64),
            pl.col(MEDIAN_RECENCY_DAYS).cast(pl.Float64),
            pl.col(NPS_RESPONSES).fill_null(0),
        )
        .filter(pl.col(CUSTOMERS) >= k)
        .select(by, *PROFILE_COLUMNS)
        .sort([REVENUE, by], descending=[True, False], nulls_last=True)
    )


def suppress_small_groups(
    frame: pl.DataFrame,
    *,
    k: int = MIN_GROUP_SIZE,
    count: str = CUSTOMERS,
    keep: tuple[str, ...] = (SHARE_CUSTOMERS,),
) -> pl.DataFrame:
    """Blank the figures of every group with 1 to k − 1 customers (for anonymised outputs).

    A group's row stays, with its key, its ``count`` and the ``keep`` columns; every
    other numeric column is null where ``0 < count < k``, so no sum, average or share
    of a handful of customers is shown. Empty groups and groups of k or more are kept
    as they are.

    >>> f = pl.DataFrame({"segment": ["a", "b"], "customers": [1, 6], "revenue": [9.0, 60.0]})
    >>> suppress_small_groups(f).rows()
    [('a', 1, None), ('b', 6, 60.0)]
    """
    small = (pl.col(count) > 0) & (pl.col(count) < k)
    figures = [
        name
        for name, dtype in frame.schema.items()
        if dtype.is_numeric() and name != count and name not in keep
    ]
    return frame.with_columns(pl.when(~small).then(pl.col(c)).alias(c) for c in figures)


# --------------------------------------------------------------------------------------
# Persona cards
# --------------------------------------------------------------------------------------


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _facts(row: dict[str, Any], by: str) -> PersonaFacts:
    """Which sentences the numbers of one profile row support (keys and raw values)."""
    group = str(row[by]) if row[by] is not None else "-"

    # Who they are.
    who = [Phrase("who", {"customers": row[CUSTOMERS], "share_customers": row[SHARE_CUSTOMERS]})]
    if not _missing(row[SHARE_REVENUE]):
        who.append(Phrase("who_revenue", {"share_revenue": row[SHARE_REVENUE]}))
    else:
        who.append(Phrase("stop"))
    if row[TOP_CITIES]:
        who.append(Phrase("who_cities", {"value": row[TOP_CITIES]}))
    elif row[TOP_POSTCODES]:
        who.append(Phrase("who_postcodes", {"value": row[TOP_POSTCODES]}))
    # One country says nothing a Danish shop owner does not know already.
    if row[TOP_COUNTRIES] and "," in row[TOP_COUNTRIES]:
        who.append(Phrase("who_countries", {"value": row[TOP_COUNTRIES]}))
    if row[NPS_RESPONSES] and not _missing(row[NPS]):
        who.append(Phrase("who_nps", {"nps": row[NPS], "responses": row[NPS_RESPONSES]}))

    has_orders = bool(row[ORDERS])
    gap, recency = row[MEDIAN_DAYS_BETWEEN_ORDERS], row[MEDIAN_RECENCY_DAYS]

    # What they buy.
    buys: list[Phrase] = []
    if not has_orders:
        buys.append(Phrase("buys_none"))
    else:
        buys.append(Phrase("buys_aov", {"aov": row[AOV]}))
        if row[TOP_PRODUCTS]:
            buys.append(Phrase("buys_products", {"value": row[TOP_PRODUCTS]}))
        if row[TOP_CATEGORIES]:
            buys.append(Phrase("buys_categories", {"value": row[TOP_CATEGORIES]}))

    # How often.
    often: list[Phrase] = []
    if not has_orders:
        often.append(Phrase("often_none"))
    else:
        often.append(Phrase("often_orders", {"orders": row[ORDERS_PER_CUSTOMER]}))
        often.append(
            Phrase("often_gap", {"gap": gap}) if not _missing(gap) else Phrase("often_no_gap")
        )
        if not _missing(recency):
            often.append(Phrase("often_recency", {"recency": recency}))
        else:
            often.append(Phrase("stop"))
        if row[TOP_CHANNELS]:
            often.append(Phrase("often_channels", {"value": row[TOP_CHANNELS]}))

    # What to do: each rule is triggered only by numbers in the profile.
    actions: list[Phrase] = []
    if not has_orders:
        actions.append(Phrase("do_first_order"))
    else:
        if not _missing(gap) and not _missing(recency) and recency > 2 * gap:
            actions.append(Phrase("do_reactivate", {"recency": recency, "gap": gap}))
        elif _missing(gap) or row[ORDERS_PER_CUSTOMER] < 1.5:
            actions.append(Phrase("do_second_order"))
        share_rev, share_cust = row[SHARE_REVENUE], row[SHARE_CUSTOMERS]
        if (
            not _missing(share_rev)
            and share_rev > 1.5 * share_cust
            and row[ORDERS_PER_CUSTOMER] >= 2
        ):
            actions.append(Phrase("do_reward"))
    if row[NPS_RESPONSES] and not _missing(row[NPS]):
        if row[NPS] < 0:
            actions.append(Phrase("do_nps_low"))
        elif row[NPS] >= 50:
            actions.append(Phrase("do_nps_high"))
    if not actions:
        actions.append(
            Phrase("do_keep_in_touch_gap", {"gap": gap})
            if not _missing(gap)
            else Phrase("do_keep_in_touch")
        )
    return PersonaFacts(group, tuple(who), tuple(buys), tuple(often), tuple(actions))


def persona_facts(profiles: pl.DataFrame | pl.LazyFrame, *, by: str = GROUP) -> list[PersonaFacts]:
    """One :class:`~kunde_cli.words.personas.PersonaFacts` per profile row: the sentence
    keys its numbers support, with the raw values (the words come from ``words/``)."""
    frame = profiles.collect() if isinstance(profiles, pl.LazyFrame) else profiles
    # One card per group: a handful of rows of text, not data processing.
    return [_facts(row, by) for row in frame.iter_rows(named=True)]
