"""Who is drifting away: rule-based inactivity tiers and reactivation lists.

The rule, per customer with at least one counted order (orders.py):

* **usual gap** (days) = the median gap between the customer's consecutive purchase
  days (counted orders; several orders on one day are one purchase day, so a
  forgotten item ordered an hour later is not a 0-day gap).
  A customer with a single purchase day has no rhythm of her own; she gets the
  shop-wide ``one_order_quantile`` (default 80th percentile, linear interpolation) of
  days from first to second purchase day among customers who have one. When no
  customer has bought twice there is nothing to learn from, and the usual gap falls
  back to ``floor_days`` (so the threshold becomes max(floor, k × floor)).
  ``gap_basis`` says which applied: ``own``, ``shop`` or ``floor``.
* **threshold** (days) = max(``floor_days``, ``k`` × usual gap).
* **tier**, from d = whole days from the last counted order to ``as_of``:

  - ``active``   — d ≤ ``cooling_factor`` × usual gap: not yet overdue;
  - ``cooling``  — overdue against her own rhythm, but d ≤ threshold;
  - ``inactive`` — threshold < d ≤ ``lost_factor`` × threshold;
  - ``lost``     — d > ``lost_factor`` × threshold: well past it.

  Checked from lost downwards, so a floor larger than the usual gap only widens the
  cooling tier.
* **value at stake** (DKK per year) = revenue ÷ max(years since first order, 1): what a
  year of this customer's business has been worth (at least one year counted, so a
  new customer's first order is not blown up into a yearly rate). It orders the
  reactivation list; revenue is net of refunds, floored at 0.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

import polars as pl

from kunde_cli import schema as s
from kunde_cli.analytics.orders import (
    FIRST_ORDER,
    FREQUENCY,
    LAST_ORDER,
    MONETARY,
    PURCHASE_DAY,
    RECENCY,
    Basis,
    OrderBasis,
    basis_at,
    latest_contacts,
)
from kunde_cli.config import ChurnConfig
from kunde_cli.errors import ConfigError
from kunde_cli.words.actions import action_key_expr
from kunde_cli.words.said import said

#: Per-customer columns of :func:`churn_tiers`.
ORDERS = "orders"
REVENUE = "revenue"
DAYS_SINCE_LAST = "days_since_last"
USUAL_GAP = "usual_gap_days"
GAP_BASIS = "gap_basis"
THRESHOLD = "threshold_days"
TIER = "tier"
VALUE_AT_STAKE = "value_at_stake"
ACTION = "action"
SEGMENT = "segment"  # joined from kunde_cli.analytics.rfm by the caller

#: Columns added by :func:`tier_summary`.
CUSTOMERS = "customers"
SHARE_CUSTOMERS = "share_customers"
SHARE_REVENUE = "share_revenue"
MEAN_P_ALIVE = "mean_p_alive"

#: Model columns joined by :func:`with_model` (names as in kunde_cli.analytics.clv).
P_ALIVE = "p_alive"
EXPECTED_PURCHASES = "expected_purchases"
REPEAT_PURCHASES = "repeat_purchases"

TIER_ACTIVE = "active"
TIER_COOLING = "cooling"
TIER_INACTIVE = "inactive"
TIER_LOST = "lost"
#: Tiers in order, from healthy to gone.
TIERS = (TIER_ACTIVE, TIER_COOLING, TIER_INACTIVE, TIER_LOST)
#: Default tiers of a reactivation list: overdue, but still worth a personal try.
DEFAULT_LIST_TIERS = (TIER_COOLING, TIER_INACTIVE)

GAP_OWN = "own"
GAP_SHOP = "shop"
GAP_FLOOR = "floor"

DAYS_PER_YEAR = 365.25

_DAY = "_day"
_GAP = "_gap"
_MEDIAN_GAP = "_median_gap"
_FIRST_GAP = "_first_gap"


def _as_day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def check_config(config: ChurnConfig) -> None:
    """Raise ConfigError when a [churn] setting cannot work."""
    if config.k <= 0:
        raise ConfigError(said("churn_bad_k", value=config.k))
    if config.floor_days < 1:
        raise ConfigError(said("churn_bad_floor", value=config.floor_days))
    if not 0 < config.one_order_quantile <= 1:
        raise ConfigError(said("churn_bad_quantile", value=config.one_order_quantile))
    if config.cooling_factor <= 0:
        raise ConfigError(said("churn_bad_cooling", value=config.cooling_factor))
    if config.lost_factor <= 1:
        raise ConfigError(said("churn_bad_lost", value=config.lost_factor))


def parse_tiers(text: str | Iterable[str] | None) -> tuple[str, ...]:
    """``"cooling,inactive"`` → ``("cooling", "inactive")``; None → the default list tiers.

    Raises ConfigError naming the known tiers when one is unknown.
    """
    if text is None:
        return DEFAULT_LIST_TIERS
    items = text.split(",") if isinstance(text, str) else list(text)
    wanted = tuple(dict.fromkeys(t.strip().lower() for t in items if t.strip()))
    unknown = [t for t in wanted if t not in TIERS]
    if unknown or not wanted:
        raise ConfigError(
            said("churn_unknown_tiers", tiers=", ".join(unknown))
            if unknown
            else said("churn_no_tiers"),
            hint=said("churn_unknown_tiers_hint", tiers=", ".join(TIERS)),
        )
    return wanted


def _gaps(lines: Basis, as_of: date | datetime) -> pl.LazyFrame:
    """Per customer with ≥ 2 purchase days: median gap and first gap (days)."""
    same_customer = pl.col(s.CUSTOMER_ID).eq_missing(pl.col(s.CUSTOMER_ID).shift(1))
    # Sorted once, gaps are a shift away; a window (.over) costs ten times more here.
    # group_by keeps the row order within each group, so first() is the first gap.
    return (
        basis_at(lines, as_of)
        .days.lazy()
        .select(s.CUSTOMER_ID, pl.col(PURCHASE_DAY).alias(_DAY))
        .with_columns(
            pl.when(same_customer)
            .then((pl.col(_DAY) - pl.col(_DAY).shift(1)).dt.total_days())
            .alias(_GAP)
        )
        .filter(pl.col(_GAP).is_not_null())
        .group_by(s.CUSTOMER_ID)
        .agg(
            pl.col(_GAP).median().alias(_MEDIAN_GAP),
            pl.col(_GAP).first().cast(pl.Float64).alias(_FIRST_GAP),
        )
    )


def churn_tiers(
    lines: Basis,
    *,
    as_of: date | datetime,
    config: ChurnConfig | None = None,
) -> pl.LazyFrame:
    """Inactivity tier per customer with at least one counted order (module docstring).

    Columns: ``customer_id``, ``orders`` (counted orders), ``revenue`` (DKK, net),
    ``last_order`` (date), ``days_since_last`` (days to ``as_of``), ``usual_gap_days``,
    ``gap_basis`` (own/shop/floor), ``threshold_days``, ``tier``
    (active/cooling/inactive/lost) and ``value_at_stake`` (DKK per year). Unsorted.

    Examples
    --------
    ``a`` buys every 30 days, last 50 days ago: overdue (50 > 30) but under the
    threshold max(60, 2 × 30) = 60, so cooling. ``b`` bought once, 100 days ago; the
    shop's only second purchase came after 30 days, so her usual gap is 30 too and
    100 > 60 makes her inactive (lost only after 2 × 60 = 120 days).

    >>> lines = pl.LazyFrame({
    ...     "customer_id": ["a", "a", "a", "b"], "order_id": ["1", "2", "3", "4"],
    ...     "line_no": [1, 1, 1, 1],
    ...     "order_date": [datetime(2024, 1, 1), datetime(2024, 1, 31), datetime(2024, 3, 1),
    ...                    datetime(2024, 1, 11)],
    ...     "amount": [100.0, 100.0, 100.0, 50.0], "status": ["paid"] * 4})
    >>> out = churn_tiers(lines, as_of=date(2024, 4, 20)).sort("customer_id").collect()
    >>> out.select("customer_id", "days_since_last", "usual_gap_days", "threshold_days", "tier").rows()
    [('a', 50, 30.0, 60.0, 'cooling'), ('b', 100, 30.0, 60.0, 'inactive')]
    """
    config = config or ChurnConfig()
    check_config(config)
    day = _as_day(as_of)
    usual = pl.col(USUAL_GAP)
    threshold = pl.col(THRESHOLD)
    since = pl.col(DAYS_SINCE_LAST)
    shop_gap = pl.col(_FIRST_GAP).quantile(config.one_order_quantile, "linear")
    years = (pl.lit(day) - pl.col(FIRST_ORDER).dt.date()).dt.total_days() / DAYS_PER_YEAR
    return (
        basis_at(lines, as_of)
        .customers.lazy()
        .filter(pl.col(FREQUENCY) > 0)
        .join(_gaps(lines, as_of), on=s.CUSTOMER_ID, how="left")
        .with_columns(
            pl.coalesce(pl.col(_MEDIAN_GAP), shop_gap, pl.lit(float(config.floor_days))).alias(
                USUAL_GAP
            ),
            pl.when(pl.col(_MEDIAN_GAP).is_not_null())
            .then(pl.lit(GAP_OWN))
            .when(shop_gap.is_not_null())
            .then(pl.lit(GAP_SHOP))
            .otherwise(pl.lit(GAP_FLOOR))
            .alias(GAP_BASIS),
        )
        .with_columns(
            pl.max_horizontal(pl.lit(float(config.floor_days)), config.k * usual).alias(THRESHOLD),
            pl.col(RECENCY).cast(pl.Int64).alias(DAYS_SINCE_LAST),
        )
        .with_columns(
            pl.when(since > config.lost_factor * threshold)
            .then(pl.lit(TIER_LOST))
            .when(since > threshold)
            .then(pl.lit(TIER_INACTIVE))
            .when(since > config.cooling_factor * usual)
            .then(pl.lit(TIER_COOLING))
            .otherwise(pl.lit(TIER_ACTIVE))
            .alias(TIER),
            (pl.col(MONETARY).clip(lower_bound=0.0) / pl.max_horizontal(years, pl.lit(1.0))).alias(
                VALUE_AT_STAKE
            ),
        )
        .select(
            s.CUSTOMER_ID,
            pl.col(FREQUENCY).alias(ORDERS),
            pl.col(MONETARY).alias(REVENUE),
            pl.col(LAST_ORDER).dt.date().alias(LAST_ORDER),
            DAYS_SINCE_LAST,
            USUAL_GAP,
            GAP_BASIS,
            THRESHOLD,
            TIER,
            VALUE_AT_STAKE,
        )
    )


def one_order_gap(tiers: pl.LazyFrame | pl.DataFrame) -> tuple[float | None, str | None]:
    """The usual gap (days) one-order customers were measured against, and its basis.

    ``(gap, "shop")`` for the shop-wide percentile of days to a second purchase,
    ``(floor_days, "floor")`` when nobody has bought twice, ``(None, None)`` when every
    customer has a rhythm of her own.
    """
    row = (
        tiers.lazy()
        .filter(pl.col(GAP_BASIS) != GAP_OWN)
        .select(pl.col(USUAL_GAP).first(), pl.col(GAP_BASIS).first())
        .collect()
        .row(0)
    )
    return (float(row[0]) if row[0] is not None else None, row[1])


def _tier_frame() -> pl.LazyFrame:
    return pl.LazyFrame({TIER: list(TIERS), "_order": list(range(len(TIERS)))})


def tier_summary(tiers: pl.LazyFrame | pl.DataFrame) -> pl.LazyFrame:
    """Customers and revenue per tier, every tier listed (healthy first).

    Columns: ``tier``, ``customers``, ``share_customers`` (0–1), ``revenue`` (DKK),
    ``share_revenue`` (0–1, null when total revenue is 0), ``value_at_stake`` (DKK per
    year). When ``tiers`` carries model columns (:func:`with_model`), also
    ``mean_p_alive`` (mean over customers with a value) and ``expected_purchases`` (sum).

    Examples
    --------
    >>> tiers = pl.LazyFrame({"customer_id": ["a", "b", "c"], "tier": ["active", "lost", "lost"],
    ...                       "revenue": [300.0, 50.0, 150.0], "value_at_stake": [300.0, 50.0, 75.0]})
    >>> tier_summary(tiers).collect().select("tier", "customers", "share_customers", "revenue").rows()
    [('active', 1, 0.3333333333333333, 300.0), ('cooling', 0, 0.0, 0.0), ('inactive', 0, 0.0, 0.0), ('lost', 2, 0.6666666666666666, 200.0)]
    """
    lazy = tiers.lazy()
    names = lazy.collect_schema().names()
    aggs = [
        pl.len().cast(pl.Int64).alias(CUSTOMERS),
        pl.col(REVENUE).sum(),
        pl.col(VALUE_AT_STAKE).sum(),
    ]
    extra: list[str] = []
    fills = [
        pl.col(CUSTOMERS).fill_null(0),
        pl.col(REVENUE).fill_null(0.0),
        pl.col(VALUE_AT_STAKE).fill_null(0.0),
    ]
    if P_ALIVE in names:
        aggs.append(pl.col(P_ALIVE).mean().alias(MEAN_P_ALIVE))
        extra.append(MEAN_P_ALIVE)
    if EXPECTED_PURCHASES in names:
        aggs.append(pl.col(EXPECTED_PURCHASES).sum())
        extra.append(EXPECTED_PURCHASES)
        fills.append(pl.col(EXPECTED_PURCHASES).fill_null(0.0))
    total_revenue = pl.col(REVENUE).sum()
    return (
        _tier_frame()
        .join(lazy.group_by(TIER).agg(aggs), on=TIER, how="left")
        .sort("_order")
        .with_columns(fills)
        .with_columns(
            pl.when(pl.col(CUSTOMERS).sum() > 0)
            .then(pl.col(CUSTOMERS) / pl.col(CUSTOMERS).sum())
            .otherwise(0.0)
            .alias(SHARE_CUSTOMERS),
            pl.when(total_revenue != 0).then(pl.col(REVENUE) / total_revenue).alias(SHARE_REVENUE),
        )
        .select(TIER, CUSTOMERS, SHARE_CUSTOMERS, REVENUE, SHARE_REVENUE, VALUE_AT_STAKE, *extra)
    )


def tier_action_expr(column: str = TIER) -> pl.Expr:
    """Expression giving the key of a tier's suggested action (``tier_cooling``); the
    words are :func:`kunde_cli.words.actions.action_text`'.

    Examples
    --------
    >>> pl.DataFrame({"tier": ["lost"]}).select(tier_action_expr()).item()
    'tier_lost'
    """
    return action_key_expr("tier", column)


def contact_details(data: Basis) -> pl.LazyFrame:
    """Latest known ``email`` and ``name`` per customer (null columns when the export has none)."""
    if isinstance(data, OrderBasis):
        return data.contacts_all_dates.lazy().select(s.CUSTOMER_ID, s.EMAIL, s.NAME)
    return latest_contacts(data.lazy()).select(s.CUSTOMER_ID, s.EMAIL, s.NAME)


def with_model(
    tiers: pl.LazyFrame | pl.DataFrame,
    predictions: pl.LazyFrame | pl.DataFrame,
    *,
    blank_one_order: bool,
) -> pl.LazyFrame:
    """Join model predictions (``p_alive``, ``expected_purchases``) onto the rule tiers.

    ``predictions`` is a kunde_cli.analytics.clv prediction frame. With
    ``blank_one_order`` (BG/NBD), ``p_alive`` is left null for customers with no
    repeat purchase: the model gives them P(alive) = 1 whatever their age, which is a
    property of the model, not news about the customer — their rule tier stands.
    """
    pred = predictions.lazy().select(s.CUSTOMER_ID, REPEAT_PURCHASES, P_ALIVE, EXPECTED_PURCHASES)
    joined = tiers.lazy().join(pred, on=s.CUSTOMER_ID, how="left", maintain_order="left")
    if blank_one_order:
        joined = joined.with_columns(
            pl.when(pl.col(REPEAT_PURCHASES) > 0).then(pl.col(P_ALIVE)).alias(P_ALIVE)
        )
    return joined


def reactivation_list(
    tiers: pl.LazyFrame | pl.DataFrame,
    lines: Basis,
    *,
    wanted: Iterable[str] = DEFAULT_LIST_TIERS,
    segments: pl.LazyFrame | pl.DataFrame | None = None,
) -> pl.LazyFrame:
    """Customers in the ``wanted`` tiers, most valuable first, with contact details and an action.

    Columns: ``customer_id``, ``email``, ``name``, ``tier``, ``last_order``,
    ``days_since_last``, ``usual_gap_days``, ``orders``, ``revenue``,
    ``value_at_stake``, [``segment`` when ``segments`` (customer_id, segment) is
    given], [model columns when present], ``action`` (the key of the tier's
    suggested action, ``tier_<tier>``: :func:`tier_action_expr`). Sorted by ``value_at_stake``
    descending, then ``customer_id``.
    """
    wanted = tuple(wanted)
    lazy = tiers.lazy()
    names = lazy.collect_schema().names()
    out = lazy.filter(pl.col(TIER).is_in(list(wanted))).join(
        contact_details(lines), on=s.CUSTOMER_ID, how="left"
    )
    columns = [
        s.CUSTOMER_ID,
        s.EMAIL,
        s.NAME,
        TIER,
        LAST_ORDER,
        DAYS_SINCE_LAST,
        USUAL_GAP,
        ORDERS,
        REVENUE,
        VALUE_AT_STAKE,
    ]
    if segments is not None:
        out = out.join(segments.lazy().select(s.CUSTOMER_ID, SEGMENT), on=s.CUSTOMER_ID, how="left")
        columns.append(SEGMENT)
    columns += [c for c in (P_ALIVE, EXPECTED_PURCHASES) if c in names]
    return (
        out.with_columns(tier_action_expr(TIER).alias(ACTION))
        .select(*columns, ACTION)
        .sort([VALUE_AT_STAKE, s.CUSTOMER_ID], descending=[True, False])
    )
