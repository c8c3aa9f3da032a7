"""RFM: recency, frequency and monetary scores, the named R×F segments, and migration.

Definitions build on :func:`kunde_cli.analytics.orders.customer_summary`:
recency = whole days from the last counted order to ``as_of``; frequency = counted
orders; monetary = net revenue (DKK incl. VAT, refunds deducted). Only customers with
at least one counted order are scored.

Scores 1–5 (5 = best; short recency is best) are quintiles of the *mid-rank
percentile*, so equal values always share a score::

    PR    = (B + E / 2) / n          B = customers strictly worse, E = customers with
                                     the same value (incl. the customer), n = customers
    score = floor(5 × PR) + 1        computed in integers: (5·(2B + E)) // (2n) + 1

With distinct values this is the plain quintile (n = 10: two customers per score);
a block of ties takes the score of its middle; when everyone has the same value all
get 3; the lone customer of a one-customer shop gets 3.

Frequency uses the fixed breaks of ``RfmConfig.frequency_breaks`` (lower bounds of
F1..F5, default 1, 2, 3, 4–5, 6+ orders) whenever quintiles cannot split it: when the
most common frequency is shared by more than a fifth of the scored customers (one
quintile's worth), which is the usual case of a shop where most customers bought once,
and always in shops with fewer than five customers. Otherwise frequency is scored by
quintiles like R and M. :func:`frequency_uses_fixed_breaks` tells which rule applied.
"""

from __future__ import annotations

import itertools
from datetime import date, datetime

import polars as pl

from kunde_cli import schema as s
from kunde_cli.analytics.orders import (
    AOV,
    FIRST_ORDER,
    FREQUENCY,
    LAST_ORDER,
    MONETARY,
    RECENCY,
    Basis,
    basis_at,
)
from kunde_cli.config import RfmConfig
from kunde_cli.errors import ConfigError
from kunde_cli.words.actions import action_key_expr
from kunde_cli.words.said import said

R_SCORE = "r_score"
F_SCORE = "f_score"
M_SCORE = "m_score"
SEGMENT = "segment"

#: segment_summary columns.
CUSTOMERS = "customers"
SHARE_CUSTOMERS = "share_customers"
REVENUE = "revenue"
SHARE_REVENUE = "share_revenue"
AVG_RECENCY = "avg_recency_days"
AVG_FREQUENCY = "avg_frequency"
AVG_MONETARY = "avg_monetary"
ACTION = "action"

#: segment_thresholds columns.
METRIC = "metric"
SCORE = "score"
LOWER = "lower"
UPPER = "upper"
METHOD = "method"
METHOD_QUINTILE = "quintile"
METHOD_FIXED = "fixed"

#: segment_migration columns.
FROM_SEGMENT = "from_segment"
TO_SEGMENT = "to_segment"
CHANGED = "changed"
#: Segment of a customer who had no counted order at that date.
NO_SEGMENT = "none"

#: Fixed frequency breaks apply when one frequency value holds more than this share.
FIXED_BREAKS_SHARE = 0.2

#: Display order: best first, lost last. Segments a custom grid invents come after.
SEGMENT_ORDER = (
    "champion",
    "loyal",
    "potential_loyalist",
    "new",
    "promising",
    "needs_attention",
    "about_to_sleep",
    "at_risk",
    "cant_lose",
    "hibernating",
    "lost",
)

_SCORE_DTYPE = pl.Int64


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def check_config(config: RfmConfig) -> None:
    """Raise ConfigError when the breaks or the grid in kunde.toml cannot work."""
    # As given (a config built in Python is not checked by its type hints).
    breaks: tuple[object, ...] = tuple(config.frequency_breaks)
    whole = [b for b in breaks if isinstance(b, int) and not isinstance(b, bool)]
    if (
        len(breaks) != 5
        or len(whole) != len(breaks)
        or whole[0] < 1
        or any(b >= c for b, c in itertools.pairwise(whole))
    ):
        raise ConfigError(
            said("rfm_bad_breaks", breaks=list(breaks)), hint=said("rfm_bad_breaks_hint")
        )
    if sorted(config.grid) != [1, 2, 3, 4, 5] or any(len(row) != 5 for row in config.grid.values()):
        raise ConfigError(said("rfm_bad_grid"), hint=said("rfm_bad_grid_hint"))


def describe_breaks(breaks: tuple[int, ...] | list[int]) -> str:
    """Fixed frequency breaks as order ranges.

    Examples
    --------
    >>> describe_breaks((1, 2, 3, 4, 6))
    '1, 2, 3, 4–5, 6+'
    """
    parts = []
    for low, nxt in itertools.pairwise(breaks):
        parts.append(str(low) if nxt - 1 == low else f"{low}–{nxt - 1}")
    parts.append(f"{breaks[-1]}+")
    return ", ".join(parts)


def _quintile_score(column: str, *, lower_is_better: bool = False) -> pl.Expr:
    """Mid-rank percentile quintile (see module docstring); ties share a score."""
    worse = pl.col(column).rank("min", descending=lower_is_better).cast(pl.Int64) - 1
    same = pl.len().over(column).cast(pl.Int64)
    n = pl.len().cast(pl.Int64)
    return ((5 * (2 * worse + same)) // (2 * n) + 1).cast(_SCORE_DTYPE)


def _fixed_frequency_score(breaks: tuple[int, ...]) -> pl.Expr:
    """F = how many lower bounds the frequency reaches (1..5)."""
    reached = [(pl.col(FREQUENCY) >= b).cast(pl.Int64) for b in breaks]
    return pl.sum_horizontal(reached).clip(1, 5).cast(_SCORE_DTYPE)


def _uses_fixed_breaks() -> pl.Expr:
    """True when one frequency value is shared by more than a fifth of the customers."""
    largest_tie = pl.len().over(FREQUENCY).max().cast(pl.Float64)
    return largest_tie > FIXED_BREAKS_SHARE * pl.len().cast(pl.Float64)


def rfm_scores(
    lines: Basis, *, as_of: date | datetime, config: RfmConfig | None = None
) -> pl.LazyFrame:
    """R, F and M values and 1–5 scores per customer with at least one counted order.

    Columns: ``customer_id``, ``recency_days`` (days), ``frequency`` (counted orders),
    ``monetary`` (net revenue, DKK incl. VAT), ``first_order``, ``last_order`` (dates),
    ``aov`` (monetary / frequency), ``r_score``, ``f_score``, ``m_score``.

    Scores are quintiles of the mid-rank percentile, ``floor(5 × (B + E/2) / n) + 1``
    with B customers strictly worse and E customers equal (module docstring): equal
    values always share a score. F uses the fixed breaks of ``config`` when the most
    common frequency is shared by more than 20 % of customers (and so in any shop with
    fewer than five customers). Customers whose orders were all cancelled or refunded
    are left out (they are "potential" on the ladder). Sorted by ``customer_id``.

    Examples
    --------
    >>> from datetime import datetime
    >>> lines = pl.LazyFrame({
    ...     "customer_id": ["a", "b", "b", "c", "d", "e"],
    ...     "order_id": ["1", "2", "3", "4", "5", "6"], "line_no": [1] * 6,
    ...     "order_date": [datetime(2024, 1, d) for d in (1, 5, 20, 25, 30, 31)],
    ...     "amount": [100.0, 50.0, 50.0, 300.0, 20.0, 80.0], "status": ["paid"] * 6})
    >>> rfm_scores(lines, as_of=date(2024, 1, 31)).select(
    ...     "customer_id", "recency_days", "frequency", "r_score", "f_score", "m_score"
    ... ).collect().rows()
    [('a', 30, 1, 1, 1, 4), ('b', 11, 2, 2, 2, 4), ('c', 6, 1, 3, 1, 5), ('d', 1, 1, 4, 1, 1), ('e', 0, 1, 5, 1, 2)]
    """
    config = config or RfmConfig()
    check_config(config)
    quintile_f = _quintile_score(FREQUENCY)
    return (
        basis_at(lines, as_of)
        .customers.lazy()
        .filter(pl.col(FREQUENCY) >= 1)
        .with_columns(
            pl.col(FIRST_ORDER).dt.date(),
            pl.col(LAST_ORDER).dt.date(),
            _quintile_score(RECENCY, lower_is_better=True).alias(R_SCORE),
            pl.when(_uses_fixed_breaks())
            .then(_fixed_frequency_score(tuple(config.frequency_breaks)))
            .otherwise(quintile_f)
            .alias(F_SCORE),
            _quintile_score(MONETARY).alias(M_SCORE),
        )
        .select(
            s.CUSTOMER_ID,
            RECENCY,
            FREQUENCY,
            MONETARY,
            FIRST_ORDER,
            LAST_ORDER,
            AOV,
            R_SCORE,
            F_SCORE,
            M_SCORE,
        )
        .sort(s.CUSTOMER_ID)
    )


def frequency_uses_fixed_breaks(scored: pl.LazyFrame) -> pl.LazyFrame:
    """One row, one column ``fixed``: whether F came from the fixed breaks."""
    return scored.select(_uses_fixed_breaks().fill_null(True).alias("fixed"))


def _grid_frame(config: RfmConfig) -> pl.LazyFrame:
    rows = [(r, f + 1, row[f]) for r, row in sorted(config.grid.items()) for f in range(5)]
    return pl.LazyFrame(
        rows,
        schema={R_SCORE: _SCORE_DTYPE, F_SCORE: _SCORE_DTYPE, SEGMENT: pl.String},
        orient="row",
    )


def rfm_segments(scored: pl.LazyFrame, *, config: RfmConfig | None = None) -> pl.LazyFrame:
    """Add ``segment``: the name the R×F grid of ``config`` gives each (r_score, f_score).

    The default grid (config.py) is (R5: F1 new, F2–3 potential loyalist, F4–5
    champion; … R1: F1–2 lost, F3–4 at risk, F5 can't lose). M does not change the
    segment; it orders customers within it.

    Examples
    --------
    >>> scored = pl.LazyFrame({"customer_id": ["a", "b"], "r_score": [5, 2], "f_score": [1, 3]})
    >>> rfm_segments(scored).collect()["segment"].to_list()
    ['new', 'at_risk']
    """
    config = config or RfmConfig()
    check_config(config)
    grid = _grid_frame(config)
    return scored.with_columns(
        pl.col(R_SCORE).cast(_SCORE_DTYPE), pl.col(F_SCORE).cast(_SCORE_DTYPE)
    ).join(grid, on=[R_SCORE, F_SCORE], how="left", maintain_order="left")


def segment_rank_expr(column: str = SEGMENT) -> pl.Expr:
    """Sort key for segments: best first, lost last, unknown names after."""
    order = {name: i for i, name in enumerate(SEGMENT_ORDER)}
    return pl.col(column).replace_strict(order, default=len(SEGMENT_ORDER), return_dtype=pl.Int64)


def grid_segments(config: RfmConfig | None = None) -> list[str]:
    """The distinct segment names of the grid, in display order."""
    config = config or RfmConfig()
    names = {name for row in config.grid.values() for name in row}
    known = [name for name in SEGMENT_ORDER if name in names]
    return known + sorted(names - set(SEGMENT_ORDER))


def segment_summary(segmented: pl.LazyFrame, *, config: RfmConfig | None = None) -> pl.LazyFrame:
    """One row per segment of the grid, best first, with its suggested action.

    Columns: ``segment``, ``customers``, ``share_customers`` (0..1), ``revenue`` (sum of
    monetary, DKK), ``share_revenue`` (0..1 of the scored customers' revenue; null when
    that is 0), ``avg_recency_days``, ``avg_frequency``, ``avg_monetary``, ``action``
    (the suggested action's key, ``segment_<segment>``; the words are
    :func:`kunde_cli.words.actions.word_actions`'). Every segment of the grid is listed, empty ones with 0
    customers and null averages, so the table has the same rows every month. Segment
    revenues add up to the total revenue of the scored customers.

    Examples
    --------
    >>> segmented = pl.LazyFrame({
    ...     "customer_id": ["a", "b", "c"], "segment": ["lost", "champion", "champion"],
    ...     "recency_days": [300, 5, 15], "frequency": [1, 6, 4],
    ...     "monetary": [100.0, 600.0, 300.0]})
    >>> out = segment_summary(segmented).filter(pl.col("customers") > 0).collect()
    >>> out.select("segment", "customers", "revenue", "share_revenue", "action").rows()
    [('champion', 2, 900.0, 0.9, 'segment_champion'), ('lost', 1, 100.0, 0.1, 'segment_lost')]
    """
    config = config or RfmConfig()
    names = pl.LazyFrame({SEGMENT: grid_segments(config)})
    present = segmented.select(SEGMENT).unique()
    # A segment outside the grid (a custom frame) still gets its row.
    segments = pl.concat([names, present.join(names, on=SEGMENT, how="anti")])
    per_segment = segmented.group_by(SEGMENT).agg(
        pl.len().cast(pl.Int64).alias(CUSTOMERS),
        pl.col(MONETARY).sum().alias(REVENUE),
        pl.col(RECENCY).mean().alias(AVG_RECENCY),
        pl.col(FREQUENCY).mean().alias(AVG_FREQUENCY),
        pl.col(MONETARY).mean().alias(AVG_MONETARY),
    )
    total_customers = pl.col(CUSTOMERS).sum()
    total_revenue = pl.col(REVENUE).sum()
    return (
        segments.join(per_segment, on=SEGMENT, how="left")
        .with_columns(
            pl.col(CUSTOMERS).fill_null(0),
            pl.col(REVENUE).fill_null(0.0),
        )
        .with_columns(
            pl.when(total_customers > 0)
            .then(pl.col(CUSTOMERS) / total_customers)
            .alias(SHARE_CUSTOMERS),
            pl.when(total_revenue != 0).then(pl.col(REVENUE) / total_revenue).alias(SHARE_REVENUE),
            action_key_expr("segment", SEGMENT).alias(ACTION),
        )
        .sort(segment_rank_expr(), SEGMENT)
        .select(
            SEGMENT,
            CUSTOMERS,
            SHARE_CUSTOMERS,
            REVENUE,
            SHARE_REVENUE,
            AVG_RECENCY,
            AVG_FREQUENCY,
            AVG_MONETARY,
            ACTION,
        )
    )


def segment_thresholds(scored: pl.LazyFrame, *, config: RfmConfig | None = None) -> pl.LazyFrame:
    """The value range behind each score: what a customer needed for R, F or M = k.

    One row per (``metric``, ``score``) that some customer has: ``metric`` is
    ``recency_days``, ``frequency`` or ``monetary``; ``lower`` and ``upper`` are the
    smallest and largest value among the customers with that score (quintile scores
    are ranks, so the observed range *is* the band); ``customers`` how many have it;
    ``method`` is ``quintile`` or ``fixed``. For fixed frequency breaks the band is the
    rule itself (F4 = 4–5 orders by default; ``upper`` null for the top break).
    Because ties share a score, bands never overlap.

    Examples
    --------
    >>> scored = pl.LazyFrame({
    ...     "recency_days": [30, 11, 6, 1, 0], "frequency": [1, 2, 1, 1, 1],
    ...     "monetary": [100.0, 100.0, 300.0, 20.0, 80.0],
    ...     "r_score": [1, 2, 3, 4, 5], "f_score": [1, 2, 1, 1, 1], "m_score": [4, 4, 5, 1, 2]})
    >>> out = segment_thresholds(scored).filter(pl.col("metric") == "frequency").collect()
    >>> out.select("score", "lower", "upper", "method").rows()
    [(1, 1.0, 1.0, 'fixed'), (2, 2.0, 2.0, 'fixed')]
    """
    config = config or RfmConfig()
    check_config(config)
    breaks = tuple(config.frequency_breaks)
    fixed = scored.select(_uses_fixed_breaks().fill_null(True).alias("_fixed"))

    def bands(metric: str, score: str) -> pl.LazyFrame:
        return (
            scored.group_by(score)
            .agg(
                pl.lit(metric).alias(METRIC),
                pl.col(metric).min().cast(pl.Float64).alias(LOWER),
                pl.col(metric).max().cast(pl.Float64).alias(UPPER),
                pl.len().cast(pl.Int64).alias(CUSTOMERS),
            )
            .rename({score: SCORE})
        )

    rule_lower = {i + 1: float(b) for i, b in enumerate(breaks)}
    rule_upper = {i + 1: float(breaks[i + 1] - 1) for i in range(4)}
    f_bands = (
        bands(FREQUENCY, F_SCORE)
        .join(fixed, how="cross")
        .with_columns(
            pl.when(pl.col("_fixed"))
            .then(pl.col(SCORE).replace_strict(rule_lower, return_dtype=pl.Float64))
            .otherwise(pl.col(LOWER))
            .alias(LOWER),
            pl.when(pl.col("_fixed"))
            .then(pl.col(SCORE).replace_strict(rule_upper, default=None, return_dtype=pl.Float64))
            .otherwise(pl.col(UPPER))
            .alias(UPPER),
            pl.when(pl.col("_fixed"))
            .then(pl.lit(METHOD_FIXED))
            .otherwise(pl.lit(METHOD_QUINTILE))
            .alias(METHOD),
        )
        .drop("_fixed")
    )
    order = {RECENCY: 0, FREQUENCY: 1, MONETARY: 2}
    columns = [METRIC, SCORE, LOWER, UPPER, CUSTOMERS, METHOD]
    return (
        pl.concat(
            [
                bands(RECENCY, R_SCORE)
                .with_columns(pl.lit(METHOD_QUINTILE).alias(METHOD))
                .select(columns),
                f_bands.select(columns),
                bands(MONETARY, M_SCORE)
                .with_columns(pl.lit(METHOD_QUINTILE).alias(METHOD))
                .select(columns),
            ]
        )
        .with_columns(pl.col(SCORE).cast(_SCORE_DTYPE))
        .sort(pl.col(METRIC).replace_strict(order, return_dtype=pl.Int64), SCORE)
    )


def _segments_at(lines: Basis, day: date, config: RfmConfig) -> pl.LazyFrame:
    return rfm_segments(rfm_scores(lines, as_of=day, config=config), config=config).select(
        s.CUSTOMER_ID, SEGMENT
    )


def customer_segment_moves(
    lines: Basis,
    *,
    as_of: date | datetime,
    compare: date | datetime,
    config: RfmConfig | None = None,
) -> pl.LazyFrame:
    """Per customer: the segment at ``compare`` and at ``as_of``.

    Columns ``customer_id``, ``from_segment``, ``to_segment``, ``changed``. Both dates
    are scored on their own (quintiles of the customers known then). A customer with no
    counted order at a date is in segment ``none`` there. ``compare`` must be before
    ``as_of``. Sorted by from/to segment order, then customer.

    Examples
    --------
    >>> from datetime import datetime
    >>> lines = pl.LazyFrame({
    ...     "customer_id": ["a", "b"], "order_id": ["1", "2"], "line_no": [1, 1],
    ...     "order_date": [datetime(2024, 1, 1), datetime(2024, 3, 1)],
    ...     "amount": [100.0, 50.0], "status": ["paid", "paid"]})
    >>> customer_segment_moves(lines, as_of=date(2024, 3, 1), compare=date(2024, 1, 1)).collect().rows()
    [('b', 'none', 'promising', True), ('a', 'about_to_sleep', 'hibernating', True)]
    """
    return _moves(lines, as_of, compare, config, None).sort(
        _none_first_rank(FROM_SEGMENT),
        _none_first_rank(TO_SEGMENT),
        s.CUSTOMER_ID,
    )


def _moves(
    lines: Basis,
    as_of: date | datetime,
    compare: date | datetime,
    config: RfmConfig | None,
    segments: pl.LazyFrame | None,
) -> pl.LazyFrame:
    """customer_segment_moves, unsorted; ``segments``: rfm_segments at ``as_of`` if known."""
    config = config or RfmConfig()
    day, before = _day(as_of), _day(compare)
    if before >= day:
        raise ConfigError(
            said("compare_not_before", compare=before.isoformat(), as_of=day.isoformat()),
            hint=said("compare_not_before_hint"),
        )
    then = _segments_at(lines, before, config).rename({SEGMENT: FROM_SEGMENT})
    now = (
        _segments_at(lines, day, config)
        if segments is None
        else segments.select(s.CUSTOMER_ID, SEGMENT)
    ).rename({SEGMENT: TO_SEGMENT})
    return (
        then.join(now, on=s.CUSTOMER_ID, how="full", coalesce=True)
        .with_columns(
            pl.col(FROM_SEGMENT).fill_null(NO_SEGMENT),
            pl.col(TO_SEGMENT).fill_null(NO_SEGMENT),
        )
        .with_columns((pl.col(FROM_SEGMENT) != pl.col(TO_SEGMENT)).alias(CHANGED))
        .select(s.CUSTOMER_ID, FROM_SEGMENT, TO_SEGMENT, CHANGED)
    )


def _none_first_rank(column: str) -> pl.Expr:
    return pl.when(pl.col(column) == NO_SEGMENT).then(-1).otherwise(segment_rank_expr(column))


def segment_migration(
    lines: Basis,
    *,
    as_of: date | datetime,
    compare: date | datetime,
    config: RfmConfig | None = None,
    segments: pl.LazyFrame | None = None,
) -> pl.LazyFrame:
    """How many customers moved from each segment at ``compare`` to each at ``as_of``.

    Columns ``from_segment``, ``to_segment``, ``customers``, ``changed``: one row per
    pair that occurs (``none`` = no counted order yet at ``compare``), in segment order.
    The counts add up to the customers in :func:`customer_segment_moves`. ``segments``
    is :func:`rfm_segments` at ``as_of`` with the same config, when the caller has it.

    Examples
    --------
    >>> from datetime import datetime
    >>> lines = pl.LazyFrame({
    ...     "customer_id": ["a", "b"], "order_id": ["1", "2"], "line_no": [1, 1],
    ...     "order_date": [datetime(2024, 1, 1), datetime(2024, 3, 1)],
    ...     "amount": [100.0, 50.0], "status": ["paid", "paid"]})
    >>> segment_migration(lines, as_of=date(2024, 3, 1), compare=date(2024, 1, 1)).collect().rows()
    [('none', 'promising', 1, True), ('about_to_sleep', 'hibernating', 1, True)]
    """
    moves = _moves(lines, as_of, compare, config, segments)
    return (
        moves.group_by(FROM_SEGMENT, TO_SEGMENT)
        .agg(pl.len().cast(pl.Int64).alias(CUSTOMERS), pl.col(CHANGED).first())
        .sort(
            _none_first_rank(FROM_SEGMENT), _none_first_rank(TO_SEGMENT), FROM_SEGMENT, TO_SEGMENT
        )
    )
