"""Regular buyers: how even each repeat customer's gaps are, and who is due or overdue.

Built on the customers' counted purchase days (:attr:`OrderBasis.days`: several orders
on one day are one purchase day), at an explicit ``as_of``.

The regularity statistic (Wheat & Morrison 1990, "Estimating purchase regularity with
two interpurchase times", JMR 27(1)): for two consecutive gaps ``t1``, ``t2`` (days
between purchase days)

    M = t1 / (t1 + t2).

For a random (Poisson) buyer the gaps are exponential and M is uniform on (0, 1), so
Var(M) = 1/12; for a buyer whose gaps are Erlang-k, M ~ Beta(k, k), concentrated around
0.5, with Var(M) = 1 / (4 (2k + 1)), i.e. k = (1 − 4 Var(M)) / (8 Var(M)) (the
estimator BTYDplus' ``estimateRegularity(method = "wheat")`` uses). A customer with
n ≥ 3 purchase days has gaps t_1 … t_{n−1} and n − 2 consecutive pairs; we use every
pair and measure the spread of M around its centre 0.5:

    M_i = t_i / (t_i + t_{i+1}),   i = 1 … n − 2
    m_spread = (1 / (n − 2)) · Σ_i (M_i − 0.5)²

(the mean squared deviation from 0.5: 1/12 ≈ 0.083 for a random buyer, 0 for a
metronome). A customer is *regular* when ``m_spread`` ≤ :data:`REGULAR_MAX_SPREAD`
= 1/36, the value of an Erlang-4 buyer (k = 4: gaps whose coefficient of variation is
0.5).

* One purchase day: no gap; the customer is left out.
* Two purchase days: one gap, no pair, so M is undefined: ``m_spread`` is null and
  the status is ``too_few_gaps`` — never listed as due or overdue (one gap says
  nothing about a rhythm).

For a regular buyer: ``usual_gap_days`` = the median gap; ``expected_next`` = last
purchase day + the median gap rounded half up to whole days; ``days_late`` = as_of −
expected_next (negative: days still to go); ``tolerance_days`` = ceil(0.5 × median
gap) (:data:`OVERDUE_SHARE`). Statuses:

* ``due`` — expected_next is the as-of date or one of the 7 days after it
  (−7 ≤ days_late ≤ 0);
* ``late`` — expected_next passed, by at most the tolerance (0 < days_late ≤ tolerance);
* ``overdue`` — passed by more than the tolerance (days_late > tolerance_days), by at
  most :data:`LAPSED_GAPS` usual gaps;
* ``lapsed`` — passed by more than :data:`LAPSED_GAPS` (3) usual gaps: the rhythm is
  broken, a "time to order again" reminder comes too late (the reactivation list,
  ``kunde churn --list``, is for them). For a regular buyer (gaps at least as even as
  Erlang-4, coefficient of variation 0.5) a gap of four usual gaps happens about once
  in ten thousand;
* ``later`` — expected more than 7 days after the as-of date;
* ``irregular`` — three or more purchase days but m_spread > 1/36.

:func:`due_list` lists the ``due`` and ``overdue`` customers.
"""

from __future__ import annotations

from datetime import date, datetime

import polars as pl

from kunde_cli import schema as s
from kunde_cli.analytics.orders import DAY_SPEND, PURCHASE_DAY, Basis, basis_at, ore_sum

#: A customer is regular when the mean squared deviation of M from 0.5 is at most this
#: (Beta(4, 4): 1 / (4 · 9)).
REGULAR_MAX_SPREAD = 1 / 36
#: A regular buyer this many usual gaps past the expected next order has lapsed.
LAPSED_GAPS = 3
#: Days after the as-of date in which an expected next purchase counts as due.
DUE_WINDOW_DAYS = 7
#: Overdue = the expected date passed by more than this share of the usual gap (rounded up).
OVERDUE_SHARE = 0.5

PURCHASE_DAYS = "purchase_days"
REVENUE = "revenue"
LAST_ORDER = "last_order"
USUAL_GAP = "usual_gap_days"
M_SPREAD = "m_spread"
EXPECTED_NEXT = "expected_next"
DAYS_LATE = "days_late"
TOLERANCE = "tolerance_days"
STATUS = "status"

STATUS_DUE = "due"
STATUS_OVERDUE = "overdue"
STATUS_LATE = "late"
STATUS_LATER = "later"
STATUS_LAPSED = "lapsed"
STATUS_IRREGULAR = "irregular"
STATUS_TOO_FEW = "too_few_gaps"
STATUSES = (
    STATUS_DUE,
    STATUS_OVERDUE,
    STATUS_LATE,
    STATUS_LATER,
    STATUS_LAPSED,
    STATUS_IRREGULAR,
    STATUS_TOO_FEW,
)
LISTED = (STATUS_DUE, STATUS_OVERDUE)
#: The statuses of regular buyers.
REGULAR_STATUSES = (STATUS_DUE, STATUS_OVERDUE, STATUS_LATE, STATUS_LATER, STATUS_LAPSED)

_GAP = "_gap"
_M = "_m"


def regularity(data: Basis, *, as_of: date | datetime) -> pl.LazyFrame:
    """Per customer with at least two purchase days up to ``as_of``: ``customer_id``,
    ``purchase_days``, ``revenue`` (net, all their purchase days), ``last_order`` (date),
    ``usual_gap_days`` (median gap), ``m_spread`` (null with one gap), ``expected_next``,
    ``days_late``, ``tolerance_days`` (null unless regular) and ``status`` (a key of
    :data:`STATUSES`). Sorted by customer.

    Examples
    --------
    >>> lines = pl.LazyFrame({
    ...     "customer_id": ["a"] * 3, "order_id": ["1", "2", "3"], "line_no": [1, 1, 1],
    ...     "order_date": [datetime(2024, 1, 1), datetime(2024, 1, 11), datetime(2024, 1, 21)],
    ...     "amount": [10.0, 10.0, 10.0], "status": ["paid"] * 3})
    >>> regularity(lines, as_of=date(2024, 1, 28)).select(
    ...     "m_spread", "expected_next", "days_late", "status").collect().rows()
    [(0.0, datetime.date(2024, 1, 31), -3, 'due')]
    """
    basis = basis_at(data, as_of)
    day = basis.as_of
    cid = s.CUSTOMER_ID
    gap = (pl.col(PURCHASE_DAY) - pl.col(PURCHASE_DAY).shift(1)).dt.total_days().over(cid)
    with_gaps = basis.days.lazy().with_columns(gap.alias(_GAP))
    with_m = with_gaps.with_columns(
        (pl.col(_GAP) / (pl.col(_GAP) + pl.col(_GAP).shift(-1).over(cid))).alias(_M)
    )
    per_customer = (
        with_m.group_by(cid)
        .agg(
            pl.len().cast(pl.Int64).alias(PURCHASE_DAYS),
            ore_sum(pl.col(DAY_SPEND)).alias(REVENUE),
            pl.col(PURCHASE_DAY).max().alias(LAST_ORDER),
            pl.col(_GAP).median().alias(USUAL_GAP),
            ((pl.col(_M) - 0.5) ** 2).mean().alias(M_SPREAD),
        )
        .filter(pl.col(PURCHASE_DAYS) >= 2)
    )
    regular = pl.col(M_SPREAD).is_not_null() & (pl.col(M_SPREAD) <= REGULAR_MAX_SPREAD)
    step = (pl.col(USUAL_GAP) + 0.5).floor().cast(pl.Int64)
    expected = pl.when(regular).then(pl.col(LAST_ORDER) + pl.duration(days=step))
    out = per_customer.with_columns(expected.alias(EXPECTED_NEXT)).with_columns(
        (pl.lit(day) - pl.col(EXPECTED_NEXT)).dt.total_days().alias(DAYS_LATE),
        pl.when(regular)
        .then((pl.col(USUAL_GAP) * OVERDUE_SHARE).ceil().cast(pl.Int64))
        .alias(TOLERANCE),
    )
    late = pl.col(DAYS_LATE)
    status = (
        pl.when(pl.col(M_SPREAD).is_null())
        .then(pl.lit(STATUS_TOO_FEW))
        .when(~regular)
        .then(pl.lit(STATUS_IRREGULAR))
        .when(late < -DUE_WINDOW_DAYS)
        .then(pl.lit(STATUS_LATER))
        .when(late <= 0)
        .then(pl.lit(STATUS_DUE))
        .when(late <= pl.col(TOLERANCE))
        .then(pl.lit(STATUS_LATE))
        .when(late <= LAPSED_GAPS * pl.col(USUAL_GAP))
        .then(pl.lit(STATUS_OVERDUE))
        .otherwise(pl.lit(STATUS_LAPSED))
    )
    return out.with_columns(status.alias(STATUS)).sort(cid)


def consent_checked(data: Basis, *, as_of: date | datetime) -> bool:
    """True when any customer's contact details up to ``as_of`` carry a marketing-consent
    value (e-mails are then shown only with consent: :func:`due_list`)."""
    contacts = basis_at(data, as_of).contacts
    return bool(contacts.select(pl.col(s.MARKETING_CONSENT).is_not_null().any()).item())


def _reachable(data: Basis, as_of: date | datetime) -> pl.LazyFrame:
    """``customer_id``, ``name`` and ``email`` — the e-mail only where it may be used
    for marketing: when the data has any consent value, only customers whose latest
    consent is yes (no answer counts as no, as in :func:`export_lists.action_list`);
    when it has none, every e-mail."""
    contacts = basis_at(data, as_of).contacts.lazy()
    consent = pl.col(s.MARKETING_CONSENT)
    checked = consent.is_not_null().any()
    allowed = ~checked | consent.fill_null(False)
    return contacts.select(
        s.CUSTOMER_ID, s.NAME, pl.when(allowed).then(pl.col(s.EMAIL)).alias(s.EMAIL)
    )


def due_list(
    data: Basis, *, as_of: date | datetime, every: pl.DataFrame | None = None
) -> pl.LazyFrame:
    """The regular buyers who are ``due`` or ``overdue`` at ``as_of`` (see the module),
    most valuable (``revenue``) first, then by customer id.

    Columns: ``customer_id``, ``email`` (null where consent does not allow it:
    :func:`_reachable`), ``name``, ``status``, ``last_order``, ``usual_gap_days``,
    ``expected_next``, ``days_late``, ``purchase_days``, ``revenue``, ``m_spread``.
    ``every`` is :func:`regularity` at ``as_of`` when the caller has it already.
    """
    source = every.lazy() if every is not None else regularity(data, as_of=as_of)
    listed = source.filter(pl.col(STATUS).is_in(list(LISTED)))
    return (
        listed.join(_reachable(data, as_of), on=s.CUSTOMER_ID, how="left")
        .select(
            s.CUSTOMER_ID,
            s.EMAIL,
            s.NAME,
            STATUS,
            LAST_ORDER,
            USUAL_GAP,
            EXPECTED_NEXT,
            DAYS_LATE,
            PURCHASE_DAYS,
            REVENUE,
            M_SPREAD,
        )
        .sort([REVENUE, s.CUSTOMER_ID], descending=[True, False])
    )
