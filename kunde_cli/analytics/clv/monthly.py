"""Month by month: the expected purchases and revenue of the shop's customers, with ranges.

For the customers the shop has at ``as_of`` (every customer with a counted order up
to then; customers won later are *not* included), per month m = 1 … H:

* purchases in month m = E[X(T, T + m·M] | x, t_x, T] − E[X(T, T + (m−1)·M] | …],
  the conditional expected purchases of BG/NBD or MBG/NBD
  (:func:`~kunde_cli.analytics.clv.bgnbd.conditional_expected_purchases`), summed over
  the customers; M = 365.25/12 days: months are counted *from as_of* in average
  Gregorian months (30.44 days), the months of ``kunde clv --model``, not calendar
  months — month 1 is the 30 days after as_of;
* revenue in month m = Σ purchases × each customer's expected spend per purchase
  (Gamma-Gamma, :func:`~kunde_cli.analytics.clv.gamma_gamma.expected_average_spend`),
  discounted to as_of by (1 + d)^−m with the monthly rate d = (1 + yearly)^(1/12) − 1,
  as ``kunde clv --model`` discounts (the 12 months' revenue of one customer is her
  predicted CLV over 12 months).

Ranges: the same sums under parameter sets drawn from the fits' normal approximation
(:mod:`~kunde_cli.analytics.clv.uncertainty`, purchase and spend fits drawn
independently); the interval is the central ``level`` (90 %) of those draws. It says
how sure the *expectation* is, given how well the shop's data pin the parameters
down — not how much the actual count will scatter around it.

Speed: a customer's expected purchases depend on (x, t_x, T) only, and her expected
spend is linear in her total repeat spend, so customers are collapsed into distinct
(x, t_x, T, group) patterns with their count and total repeat spend; the
hypergeometric part is computed once per distinct (x, T) and month for each draw.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from kunde_cli import schema as s
from kunde_cli.analytics.clv.bgnbd import BgNbdParams, p_alive, purchases_if_alive
from kunde_cli.analytics.clv.gamma_gamma import GammaGammaParams
from kunde_cli.analytics.clv.summary import (
    DAYS_PER_MONTH,
    MEAN_REPEAT_SPEND,
    REPEAT_PURCHASES,
    T_AGE,
    T_X,
)
from kunde_cli.analytics.clv.uncertainty import (
    DEFAULT_SEED,
    LEVEL,
    draw_purchase_params,
    draw_spend_params,
    has_covariance,
    interval,
)
from kunde_cli.errors import ModelError
from kunde_cli.words.said import said

if TYPE_CHECKING:
    from numpy.typing import NDArray

#: Columns of :attr:`MonthlyValue.table`.
GROUP = "group"
MONTH = "month"  # 1 … H; null on each group's row for the whole horizon
MONTH_START = "month_first_day"
MONTH_END = "month_last_day"
PURCHASES = "expected_purchases"
PURCHASES_LOW = "purchases_low"
PURCHASES_HIGH = "purchases_high"
REVENUE = "expected_revenue"
REVENUE_LOW = "revenue_low"
REVENUE_HIGH = "revenue_high"
CUSTOMERS = "customers"
#: The group of the whole shop.
TOTAL_GROUP = "total"
#: The group of customers the ``groups`` frame does not name.
NO_GROUP = "none"

_N = "_n"
_SPEND_SUM = "_spend_sum"
_G = "_g"


@dataclass(frozen=True)
class MonthlyValue:
    """Expected purchases and revenue per month with their ranges.

    ``table``: per group (``total`` first, then the groups in the order given) one row
    per month (``month`` 1 … ``months``, ``month_first_day``/``month_last_day`` the month's first
    and last day) and one row with ``month`` null for the whole horizon; ``customers``
    the group's customers; ``expected_purchases`` and ``expected_revenue`` the expectations under the
    fitted parameters, ``*_low``/``*_high`` the central ``level`` interval over
    ``draws`` parameter sets (null without a covariance); revenue columns only when a
    spend model was given (discounted at ``discount_yearly``).
    """

    table: pl.DataFrame
    as_of: date
    months: int
    discount_yearly: float
    draws: int
    level: float
    has_revenue: bool


def month_bounds(as_of: date, months: int) -> list[tuple[date, date]]:
    """First and last day of each month counted from ``as_of`` (365.25/12 days each).

    Month m covers the days after as_of + (m−1)·30.44 up to as_of + m·30.44.

    >>> [(a.isoformat(), b.isoformat()) for a, b in month_bounds(date(2024, 1, 31), 2)]
    [('2024-02-01', '2024-03-01'), ('2024-03-02', '2024-03-31')]
    """
    ends = [int(np.floor(m * DAYS_PER_MONTH + 1e-9)) for m in range(months + 1)]
    return [
        (as_of + timedelta(days=ends[m - 1] + 1), as_of + timedelta(days=ends[m]))
        for m in range(1, months + 1)
    ]


def monthly_discount(yearly: float) -> float:
    """The monthly rate of a yearly discount rate: (1 + yearly)^(1/12) − 1.

    >>> round(monthly_discount(0.10), 6)
    0.007974
    """
    return float((1.0 + yearly) ** (1.0 / 12.0) - 1.0)


@dataclass(frozen=True)
class _Patterns:
    x: NDArray[np.float64]
    t_x: NDArray[np.float64]
    age: NDArray[np.float64]
    n: NDArray[np.float64]  # customers per pattern
    spend_sum: NDArray[np.float64]  # Σ x·z̄ (total repeat spend) per pattern
    pair_x: NDArray[np.float64]  # distinct (x, T)
    pair_age: NDArray[np.float64]
    pair_index: NDArray[np.intp]  # each pattern's pair
    starts: NDArray[np.intp]  # first pattern of each group (patterns sorted by group)
    group: NDArray[np.intp]  # each pattern's group (0 … groups − 1)
    names: list[str]
    customers: NDArray[np.float64]  # per group


#: Parameter draws behind the ranges: the 5 % and 95 % points of 100 draws are within
#: about a fifth of a standard deviation of the normal's, and the coverage test
#: (tests/analytics/test_clv_monthly.py) uses as many; the report stays fast.
DRAWS = 100
#: Ages per purchase count at which each draw evaluates the hypergeometric part; a
#: purchase count with more distinct ages is interpolated between them (see
#: :func:`monthly_value`).
DRAW_NODES = 24


@dataclass(frozen=True)
class _Grid:
    """Nodes (x, T) where the hypergeometric part is evaluated and, per pattern, its two
    neighbouring nodes (same x) and the weight of the upper one."""

    x: NDArray[np.float64]
    age: NDArray[np.float64]
    lower: NDArray[np.intp]
    upper: NDArray[np.intp]
    weight: NDArray[np.float64]


def _exact_grid(pat: _Patterns) -> _Grid:
    """Every distinct (x, T) a node: no interpolation."""
    return _Grid(
        x=pat.pair_x,
        age=pat.pair_age,
        lower=pat.pair_index,
        upper=pat.pair_index,
        weight=np.zeros(pat.pair_index.size),
    )


def _coarse_grid(pat: _Patterns, nodes: int) -> _Grid:
    """Per distinct x: its own ages when it has at most ``nodes`` of them, else ``nodes``
    ages from the youngest to the oldest, evenly spaced in √T (the expectation bends
    most for young customers). A loop over the distinct purchase counts, not rows."""
    pair_x, pair_age = pat.pair_x, pat.pair_age
    node_x: list[NDArray[np.float64]] = []
    node_age: list[NDArray[np.float64]] = []
    lower = np.zeros(pair_x.size, dtype=np.intp)
    upper = np.zeros(pair_x.size, dtype=np.intp)
    weight = np.zeros(pair_x.size)
    offset = 0
    for value in np.unique(pair_x):
        mask = pair_x == value
        ages = pair_age[mask]
        if ages.size <= nodes:
            grid = np.unique(ages)
        else:
            grid = np.linspace(np.sqrt(ages.min()), np.sqrt(ages.max()), nodes) ** 2
            grid[0], grid[-1] = ages.min(), ages.max()
        last = grid.size - 1
        i = np.clip(np.searchsorted(grid, ages, side="right") - 1, 0, max(last - 1, 0))
        j = np.minimum(i + 1, last)
        gap = grid[j] - grid[i]
        safe_gap = np.where(gap > 0, gap, 1.0)
        weight[mask] = np.where(gap > 0, np.clip((ages - grid[i]) / safe_gap, 0.0, 1.0), 0.0)
        lower[mask], upper[mask] = offset + i, offset + j
        node_x.append(np.full(grid.size, value))
        node_age.append(grid)
        offset += grid.size
    index = pat.pair_index
    return _Grid(
        x=np.concatenate(node_x),
        age=np.concatenate(node_age),
        lower=lower[index],
        upper=upper[index],
        weight=weight[index],
    )


def _patterns(
    summary: pl.DataFrame, groups: pl.DataFrame | pl.LazyFrame | None, order: Sequence[str] = ()
) -> _Patterns:
    x = pl.col(REPEAT_PURCHASES)
    frame = summary.lazy().select(s.CUSTOMER_ID, REPEAT_PURCHASES, T_X, T_AGE, MEAN_REPEAT_SPEND)
    if groups is None:
        names = [TOTAL_GROUP]
        frame = frame.with_columns(pl.lit(0, dtype=pl.Int64).alias(_G))
    else:
        collected = groups.lazy().collect()
        given = collected.select(
            s.CUSTOMER_ID, pl.col(collected.columns[1]).cast(pl.String).alias(_G)
        )
        present = set(
            frame.join(given.lazy(), on=s.CUSTOMER_ID, how="left")
            .select(pl.col(_G).fill_null(NO_GROUP).unique())
            .collect()
            .to_series()
            .to_list()
        )
        seen = sorted(set(given[_G].drop_nulls().to_list()))
        rank = {name: i for i, name in enumerate(order)}
        seen.sort(key=lambda name: (rank.get(name, len(rank)), name))
        ordered = [*seen, NO_GROUP]
        names = [g for g in ordered if g in present]
        codes = pl.DataFrame({_G: names, "_code": list(range(len(names)))})
        frame = (
            frame.join(given.lazy(), on=s.CUSTOMER_ID, how="left")
            .with_columns(pl.col(_G).fill_null(NO_GROUP))
            .join(codes.lazy(), on=_G, how="left")
            .drop(_G)
            .rename({"_code": _G})
        )
    patterns = (
        frame.group_by(_G, REPEAT_PURCHASES, T_X, T_AGE)
        .agg(
            pl.len().cast(pl.Float64).alias(_N),
            (pl.col(MEAN_REPEAT_SPEND).fill_nan(None) * x)
            .fill_null(0.0)
            .sum()
            .cast(pl.Float64)
            .alias(_SPEND_SUM),
        )
        .sort(_G, REPEAT_PURCHASES, T_X, T_AGE)
        .collect()
    )
    px = patterns[REPEAT_PURCHASES].to_numpy().astype(np.float64)
    page = patterns[T_AGE].to_numpy().astype(np.float64)
    pairs, pair_index = np.unique(np.column_stack([px, page]), axis=0, return_inverse=True)
    codes_ = patterns[_G].to_numpy()
    starts = np.searchsorted(codes_, np.arange(len(names)))
    n = patterns[_N].to_numpy().astype(np.float64)
    return _Patterns(
        x=px,
        t_x=patterns[T_X].to_numpy().astype(np.float64),
        age=page,
        n=n,
        spend_sum=patterns[_SPEND_SUM].to_numpy().astype(np.float64),
        pair_x=pairs[:, 0].copy(),
        pair_age=pairs[:, 1].copy(),
        pair_index=np.asarray(pair_index, dtype=np.intp).ravel(),
        starts=np.asarray(starts, dtype=np.intp),
        group=np.asarray(codes_, dtype=np.intp),
        names=names,
        customers=np.add.reduceat(n, starts) if n.size else np.zeros(len(names)),
    )


def _spend_total(spend: GammaGammaParams, pat: _Patterns) -> NDArray[np.float64]:
    """Σ over each pattern's customers of E[spend per purchase | x, z̄]
    = (n·pγ + p·Σ x z̄) / (p·x + q − 1) (Fader & Hardie 2013, eq. 5, summed)."""
    p, q, g = spend.p, spend.q, spend.gamma
    return np.asarray((pat.n * p * g + p * pat.spend_sum) / (p * pat.x + q - 1.0))


def _sums(
    params: BgNbdParams,
    spend_total: NDArray[np.float64] | None,
    pat: _Patterns,
    grid: _Grid,
    months: int,
    discount: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64] | None]:
    """Per group and month: Σ expected purchases, and Σ discounted revenue when
    ``spend_total`` (each pattern's Σ expected spend per purchase) is given:
    (groups, months) each.

    A pattern's purchases in month m are P(alive) × the month's purchases-if-alive of its
    (x, T), interpolated between the grid's nodes; every step is linear in the nodes'
    values, so the patterns' weights are summed per group and node first
    (``np.bincount``) and the nodes' months multiplied in once.
    """
    month = DAYS_PER_MONTH / params.time_unit_days
    t = month * np.arange(1, months + 1, dtype=np.float64)
    n_nodes, n_groups = grid.x.size, len(pat.names)
    with np.errstate(all="ignore"):
        cumulative = purchases_if_alive(params, t[None, :], grid.x[:, None], grid.age[:, None])
        per_month = np.diff(cumulative, axis=1, prepend=0.0)  # (nodes, months)
        alive = p_alive(params, pat.x, pat.t_x, pat.age)
    at_lower = pat.group * n_nodes + grid.lower
    at_upper = pat.group * n_nodes + grid.upper
    size = n_groups * n_nodes

    def total(per_pattern: NDArray[np.float64]) -> NDArray[np.float64]:
        weights = np.bincount(
            at_lower, weights=per_pattern * (1.0 - grid.weight), minlength=size
        ) + np.bincount(at_upper, weights=per_pattern * grid.weight, minlength=size)
        # einsum without optimize: a plain loop, not threaded BLAS (which stalls on a
        # busy machine, see bgnbd._wsum).
        return np.asarray(
            np.einsum("gn,nm->gm", weights.reshape(n_groups, n_nodes), per_month),
            dtype=np.float64,
        )

    bought = total(alive * pat.n)
    if spend_total is None:
        return bought, None
    return bought, total(alive * spend_total) * discount


def monthly_value(
    summary: pl.DataFrame | pl.LazyFrame,
    purchase: BgNbdParams,
    spend: GammaGammaParams | None = None,
    *,
    as_of: date,
    groups: pl.DataFrame | pl.LazyFrame | None = None,
    group_order: Sequence[str] = (),
    months: int = 12,
    discount_yearly: float = 0.10,
    draws: int = DRAWS,
    seed: int = DEFAULT_SEED,
    level: float = LEVEL,
) -> MonthlyValue:
    """Expected purchases (and with ``spend`` revenue) per month for the next ``months``.

    ``summary`` is an :func:`~kunde_cli.analytics.clv.summary.rfm_summary` frame at
    ``as_of`` in the purchase fit's time unit (``ClvResult.customers`` is one);
    ``groups`` an optional (customer_id, group) frame — e.g. the RFM segments — whose
    groups get their own rows after the shop's total, in ``group_order`` (groups it
    does not list after those, by name; customers ``groups`` does not name last, as the
    group ``none``). Intervals come from
    ``draws`` parameter sets (seeded); with ``draws=0`` or a fit without covariance
    the ``*_low``/``*_high`` columns are null.

    Raises ModelError for a horizon below 1 month, a negative discount or no customers.
    """
    if months < 1:
        raise ModelError(said("model_bad_horizon", months=months))
    if discount_yearly < 0:
        raise ModelError(said("model_bad_discount", rate=discount_yearly))
    frame = summary.lazy().collect()
    if frame.height == 0:
        raise ModelError(said("model_no_customers"))
    pat = _patterns(frame, groups, group_order)
    discount = (1.0 + monthly_discount(discount_yearly)) ** -np.arange(
        1, months + 1, dtype=np.float64
    )
    exact = _exact_grid(pat)
    spend_point = None if spend is None else _spend_total(spend, pat)
    point_p, point_r = _sums(purchase, spend_point, pat, exact, months, discount)
    can_draw = (
        draws > 0
        and has_covariance(purchase)
        and (spend is None or has_covariance(spend))
        and pat.x.size > 0
    )
    groups_n = len(pat.names)
    # Draws of the sums: (draws, groups, months).
    drawn_p = drawn_r = None
    if can_draw:
        purchase_draws = draw_purchase_params(purchase, draws, seed)
        spend_draws = draw_spend_params(spend, draws, seed + 1) if spend is not None else None
        grid = _coarse_grid(pat, DRAW_NODES)
        # Interpolation is used for the draws only, as a difference: each draw is the
        # exact estimate plus (draw − estimate) both interpolated, so the
        # interpolation's small error cancels to first order.
        base_p, base_r = point_p, point_r
        if grid.x.size < exact.x.size:
            base_p, base_r = _sums(purchase, spend_point, pat, grid, months, discount)
        else:
            grid = exact
        drawn_p = np.full((draws, groups_n, months), np.nan)
        drawn_r = np.full((draws, groups_n, months), np.nan) if spend is not None else None
        for i, params in enumerate(purchase_draws):
            spend_total = None if spend_draws is None else _spend_total(spend_draws[i], pat)
            bought, revenue = _sums(params, spend_total, pat, grid, months, discount)
            drawn_p[i] = point_p + (bought - base_p)
            if drawn_r is not None and revenue is not None and point_r is not None:
                assert base_r is not None  # (a spend model gives both)
                drawn_r[i] = point_r + (revenue - base_r)
    table = _table(
        pat, point_p, point_r, drawn_p, drawn_r, as_of, months, level, groups is not None
    )
    return MonthlyValue(
        table=table,
        as_of=as_of,
        months=months,
        discount_yearly=float(discount_yearly),
        draws=draws if can_draw else 0,
        level=level,
        has_revenue=spend is not None,
    )


def _with_total(values: NDArray[np.float64], grouped: bool) -> NDArray[np.float64]:
    """(…, groups, months) → (…, 1 + groups, months + 1): the shop's total first (when
    grouped) and the horizon's sum last."""
    if grouped:
        values = np.concatenate([values.sum(axis=-2, keepdims=True), values], axis=-2)
    return np.concatenate([values, values.sum(axis=-1, keepdims=True)], axis=-1)


def _bounds(
    drawn: NDArray[np.float64] | None, level: float, shape: tuple[int, int]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    if drawn is None:
        nan = np.full(shape, np.nan)
        return nan, nan
    return interval(drawn, level)


def _table(
    pat: _Patterns,
    point_p: NDArray[np.float64],
    point_r: NDArray[np.float64] | None,
    drawn_p: NDArray[np.float64] | None,
    drawn_r: NDArray[np.float64] | None,
    as_of: date,
    months: int,
    level: float,
    grouped: bool,
) -> pl.DataFrame:
    names = ([TOTAL_GROUP] if grouped else []) + pat.names
    customers = pat.customers
    if grouped:
        customers = np.concatenate([[customers.sum()], customers])
    purchases = _with_total(point_p, grouped)
    shape = purchases.shape
    p_low, p_high = _bounds(
        None if drawn_p is None else _with_total(drawn_p, grouped), level, shape
    )
    spans = month_bounds(as_of, months)
    spans.append((spans[0][0], spans[-1][1]))
    n_rows = shape[0] * shape[1]
    columns: dict[str, object] = {
        GROUP: np.repeat(names, shape[1]).tolist(),
        MONTH: [m if m <= months else None for _ in names for m in range(1, months + 2)],
        MONTH_START: [a for _ in names for a, _b in spans],
        MONTH_END: [b for _ in names for _a, b in spans],
        CUSTOMERS: np.repeat(np.round(customers).astype(np.int64), shape[1]),
        PURCHASES: purchases.reshape(n_rows),
        PURCHASES_LOW: p_low.reshape(n_rows),
        PURCHASES_HIGH: p_high.reshape(n_rows),
    }
    if point_r is not None:
        revenue = _with_total(point_r, grouped)
        r_low, r_high = _bounds(
            None if drawn_r is None else _with_total(drawn_r, grouped), level, shape
        )
        columns |= {
            REVENUE: revenue.reshape(n_rows),
            REVENUE_LOW: r_low.reshape(n_rows),
            REVENUE_HIGH: r_high.reshape(n_rows),
        }
    schema = {
        GROUP: pl.String,
        MONTH: pl.Int64,
        MONTH_START: pl.Date,
        MONTH_END: pl.Date,
        CUSTOMERS: pl.Int64,
    }
    frame = pl.DataFrame(columns, schema_overrides=schema)
    floats = [c for c in frame.columns if c not in schema]
    return frame.with_columns(pl.col(floats).cast(pl.Float64).fill_nan(None))
