"""What a new customer is worth, by where she came from (issue 18, point 4).

Rules:

* **Acquisition group.** Each customer is put in a group by her *first counted order*
  (:mod:`kunde_cli.analytics.orders`: the earliest purchase, the lowest order id on a
  tie of times):

  - ``channel`` — that order's channel (the lowest-numbered line that names one);
  - ``category`` — the category with the most revenue (sum of line amounts) in that
    order, the first by name on a tie;
  - ``discount`` — whether any line of that order carries a discount code:
    :data:`WITH_CODE` or :data:`WITHOUT_CODE` (keys, worded at the edge).

  Values are read without surrounding blanks, and values that differ only in case are
  one group, named as most of its customers spell it (on a tie the first by name).
  An order without a channel (category) puts its customer in the group ``None``.
  A column that no line of the export fills raises :class:`~kunde_cli.errors.InputError`
  naming it.
* **Fits per group.** A group with at least
  :data:`~kunde_cli.analytics.clv.trust.MIN_TRUSTED_CUSTOMERS` customers of whom
  :data:`~kunde_cli.analytics.clv.trust.MIN_TRUSTED_REPEAT` bought again gets its own
  BG/NBD (purchases) and Gamma-Gamma (spend per purchase) fit; smaller groups get
  counts only (status :data:`STATUS_TOO_FEW`).
* **Do the groups differ?** Likelihood-ratio tests on the customers of the fitted
  groups: LR = 2 (Σ group log-likelihood − pooled log-likelihood), χ² with 4 (k − 1)
  degrees of freedom for the purchase model and, apart, 3 (k − 1) for the spend model
  (on the groups whose spend fit converged), k the number of groups in the test. The
  verdict on value rests on both together (LR and df summed: the likelihood of
  purchases × spend factorises) when both tests hold every fitted group. The pooled
  fits are the shop's own when the fitted groups hold every customer.
* **Value of a new customer.** The expected 12-month value of a new customer of a
  group = the group's mean first purchase + E[X(12 months)] (BG/NBD repeat purchases
  of a new customer, :func:`~kunde_cli.analytics.clv.bgnbd.expected_purchases`) ×
  pγ/(q − 1) (Gamma-Gamma mean spend per purchase). The first purchase is the first
  purchase *day*, as the models count purchases (two orders on one day are one
  purchase). Its 90 % range: the 5th and 95th percentiles over parameter sets drawn
  from the fits' normal approximation (the log-parameters' covariance, the inverse
  Hessian of −LL) and the mean first purchase drawn from its normal approximation
  (standard error sd/√n). Shown when both fits pass the trust checks
  (:mod:`~kunde_cli.analytics.clv.trust`) — all but the purchase model's
  ``identified``, which is about single customers' P(alive), which this value does not
  use (a loosely pinned fit shows as a wider range); otherwise the status says which
  model failed.

Facts only: groups are data values or keys; the CLI and the report word them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from kunde_cli import schema as s
from kunde_cli.analytics.clv.bgnbd import MODEL_BGNBD, BgNbdParams
from kunde_cli.analytics.clv.gamma_gamma import GammaGammaParams
from kunde_cli.analytics.clv.summary import (
    DAYS_PER_MONTH,
    DEFAULT_TIME_UNIT_DAYS,
    REPEAT_PURCHASES,
    rfm_summary,
)
from kunde_cli.analytics.clv.trust import MIN_TRUSTED_CUSTOMERS, MIN_TRUSTED_REPEAT
from kunde_cli.analytics.orders import (
    COUNTED,
    DAY_SPEND,
    PURCHASE_DAY,
    Basis,
    as_of_cutoff,
    basis_at,
    lines_of,
)

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from kunde_cli.analytics.clv.predict import FitStore

#: The groupings and the order column each reads.
BY_CHANNEL = "channel"
BY_CATEGORY = "category"
BY_DISCOUNT = "discount"
GROUPINGS: dict[str, str] = {
    BY_CHANNEL: s.CHANNEL,
    BY_CATEGORY: s.CATEGORY,
    BY_DISCOUNT: s.DISCOUNT_CODE,
}
#: The two groups of the discount grouping (keys).
WITH_CODE = "with_code"
WITHOUT_CODE = "without_code"

#: Per-customer columns of :func:`acquisition_groups`.
GROUP = "group"
FIRST_VALUE = "first_value"

#: Group statuses: values shown; too few customers to fit; the purchase fit failed (it
#: could not be fitted or did not converge); a fit that fails the trust checks.
STATUS_OK = "ok"
STATUS_TOO_FEW = "too_few"
STATUS_FIT_FAILED = "fit_failed"
STATUS_PURCHASE_UNTRUSTED = "purchase_untrusted"
STATUS_SPEND_UNTRUSTED = "spend_untrusted"
STATUSES = (
    STATUS_OK,
    STATUS_TOO_FEW,
    STATUS_FIT_FAILED,
    STATUS_PURCHASE_UNTRUSTED,
    STATUS_SPEND_UNTRUSTED,
)

#: Months of the value of a new customer.
HORIZON_MONTHS = 12
#: Parameter sets drawn for the range, and the range's coverage.
DRAWS = 1000
RANGE_LEVEL = 0.90
#: Fixed seed: the same data always gives the same range.
DRAW_SEED = 20260418

#: Columns of :meth:`NewCustomerValue.frame`.
CUSTOMERS = "customers"
REPEAT_CUSTOMERS = "repeat_customers"
FIRST_ORDER_VALUE = "first_order_value"
EXPECTED_REPEAT = "expected_repeat_purchases"
SPEND_PER_PURCHASE = "spend_per_purchase"
VALUE = "value_12m"
VALUE_LOW = "value_low"
VALUE_HIGH = "value_high"
STATUS = "status"


@dataclass(frozen=True)
class GroupValue:
    """One acquisition group: ``customers`` (with a counted order), ``repeat_customers``
    (bought on more than one day), ``first_order_value`` (mean first purchase), the fits
    (None when not fitted), and — with status ok — ``expected_repeat`` (repeat
    purchases of a new customer in the horizon), ``spend_per_purchase`` (pγ/(q−1)),
    ``value`` and its range ``low``–``high``."""

    group: str | None
    customers: int
    repeat_customers: int
    first_order_value: float
    status: str
    purchase: BgNbdParams | None = None
    spend: GammaGammaParams | None = None
    expected_repeat: float | None = None
    spend_per_purchase: float | None = None
    value: float | None = None
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class LikelihoodRatio:
    """A likelihood-ratio test of whether ``groups`` groups share one model:
    ``statistic`` = 2 (Σ group LL − pooled LL), χ² with ``df`` degrees of freedom;
    ``customers`` those it was computed on."""

    statistic: float
    df: int
    p_value: float
    groups: int
    customers: int


@dataclass(frozen=True)
class NewCustomerValue:
    """The value of a new customer per acquisition group (see the module rules), the
    groups largest first; ``purchase_test``/``spend_test`` None when fewer than two
    groups could be fitted; ``value_test`` the test of both models together (the sum
    of the two statistics and of their degrees of freedom: the likelihood of purchases
    × spend factorises) when both tests hold the same groups, else the purchase test —
    the test behind the verdict on value."""

    by: str
    column: str
    as_of: date
    horizon_months: int
    groups: tuple[GroupValue, ...]
    purchase_test: LikelihoodRatio | None
    spend_test: LikelihoodRatio | None
    value_test: LikelihoodRatio | None
    #: The purchase model fitted per group (``bgnbd`` or ``mbgnbd``).
    model: str = MODEL_BGNBD

    @property
    def valued(self) -> tuple[GroupValue, ...]:
        """The groups with a value, most valuable first."""
        shown = [g for g in self.groups if g.value is not None]
        return tuple(sorted(shown, key=lambda g: (-(g.value or 0.0), str(g.group))))

    def frame(self) -> pl.DataFrame:
        """One row per group: ``group``, customers, repeat customers, mean first order
        value, expected repeat purchases in the horizon, spend per purchase, the value,
        its range and the status."""
        return pl.DataFrame(
            {
                GROUP: [g.group for g in self.groups],
                CUSTOMERS: [g.customers for g in self.groups],
                REPEAT_CUSTOMERS: [g.repeat_customers for g in self.groups],
                FIRST_ORDER_VALUE: [g.first_order_value for g in self.groups],
                EXPECTED_REPEAT: [g.expected_repeat for g in self.groups],
                SPEND_PER_PURCHASE: [g.spend_per_purchase for g in self.groups],
                VALUE: [g.value for g in self.groups],
                VALUE_LOW: [g.low for g in self.groups],
                VALUE_HIGH: [g.high for g in self.groups],
                STATUS: [g.status for g in self.groups],
            },
            schema={
                GROUP: pl.String,
                CUSTOMERS: pl.Int64,
                REPEAT_CUSTOMERS: pl.Int64,
                FIRST_ORDER_VALUE: pl.Float64,
                EXPECTED_REPEAT: pl.Float64,
                SPEND_PER_PURCHASE: pl.Float64,
                VALUE: pl.Float64,
                VALUE_LOW: pl.Float64,
                VALUE_HIGH: pl.Float64,
                STATUS: pl.String,
            },
        )


# --- groups ---------------------------------------------------------------------------


def _blank_is_null(column: str) -> pl.Expr:
    text = pl.col(column).cast(pl.String).str.strip_chars()
    return pl.when(text != "").then(text)


def column_filled(data: Basis, column: str) -> bool:
    """True when some order line of ``data`` has a non-empty ``column``."""
    lines = lines_of(data)
    if column not in lines.collect_schema().names():
        return False
    return bool(lines.select(_blank_is_null(column).is_not_null().any()).collect().item())


def acquisition_groups(data: Basis, *, as_of: date | datetime, by: str) -> pl.DataFrame:
    """Per customer with a counted order: ``customer_id``, ``group`` (see the module
    rules; null when the first order has no value) and ``first_value`` (the spend of
    her first purchase day).

    Raises InputError when no line fills the grouping's column, ValueError for an
    unknown ``by``.
    """
    from kunde_cli.errors import InputError
    from kunde_cli.words.said import said

    if by not in GROUPINGS:
        raise ValueError(f"unknown grouping {by!r}")
    column = GROUPINGS[by]
    basis = basis_at(data, as_of)
    if not column_filled(basis, column):
        raise InputError(
            said("acq_column_empty", column=column), hint=said("acq_column_hint", column=column)
        )
    first = (
        basis.orders.lazy()
        .filter(pl.col(COUNTED))
        .sort(s.CUSTOMER_ID, s.ORDER_DATE, s.ORDER_ID)
        .group_by(s.CUSTOMER_ID)
        .agg(pl.col(s.ORDER_ID).first())
    )
    lines = (
        basis.lines.filter(pl.col(s.ORDER_DATE) < as_of_cutoff(basis.as_of))
        .join(first.select(s.ORDER_ID), on=s.ORDER_ID, how="semi")
        .select(
            s.ORDER_ID,
            pl.col(s.LINE_NO).cast(pl.Int64),
            pl.col(s.AMOUNT).fill_null(0.0),
            _blank_is_null(column).alias(GROUP),
        )
    )
    if by == BY_CHANNEL:
        per_order = lines.group_by(s.ORDER_ID).agg(
            pl.col(GROUP).sort_by(s.LINE_NO).drop_nulls().first()
        )
    elif by == BY_CATEGORY:
        per_order = (
            lines.drop_nulls(GROUP)
            .group_by(s.ORDER_ID, GROUP)
            .agg(pl.col(s.AMOUNT).sum().alias("_revenue"))
            .sort([s.ORDER_ID, "_revenue", GROUP], descending=[False, True, False])
            .group_by(s.ORDER_ID, maintain_order=True)
            .agg(pl.col(GROUP).first())
        )
    else:
        per_order = lines.group_by(s.ORDER_ID).agg(
            pl.when(pl.col(GROUP).is_not_null().any())
            .then(pl.lit(WITH_CODE))
            .otherwise(pl.lit(WITHOUT_CODE))
            .alias(GROUP)
        )
    first_day = (
        basis.days.lazy()
        .group_by(s.CUSTOMER_ID)
        .agg(pl.col(DAY_SPEND).min_by(PURCHASE_DAY).alias(FIRST_VALUE))
    )
    groups = first.join(per_order, on=s.ORDER_ID, how="left").join(
        first_day, on=s.CUSTOMER_ID, how="left"
    )
    if by != BY_DISCOUNT:
        groups = _one_spelling(groups)
    return groups.select(s.CUSTOMER_ID, GROUP, FIRST_VALUE).sort(s.CUSTOMER_ID).collect()


def _one_spelling(groups: pl.LazyFrame) -> pl.LazyFrame:
    """Groups that differ only in case are one ("Webshop", "WEBSHOP"), named as most of
    its customers spell it (on a tie the first by name)."""
    key = pl.col(GROUP).str.to_lowercase().alias("_key")
    spelled = (
        groups.drop_nulls(GROUP)
        .group_by(key, GROUP)
        .agg(pl.len().alias("_n"))
        .sort(["_key", "_n", GROUP], descending=[False, True, False])
        .group_by("_key", maintain_order=True)
        .agg(pl.col(GROUP).first().alias("_shown"))
    )
    return (
        groups.with_columns(key)
        .join(spelled, on="_key", how="left")
        .with_columns(pl.col("_shown").alias(GROUP))
        .drop("_key", "_shown")
    )


# --- fits and tests -------------------------------------------------------------------


def _chi2_sf(statistic: float, df: int) -> float:
    """P(χ²_df > statistic) — scipy.stats.chi2.sf, from scipy.special (importing
    scipy.stats would cost the report a third of a second)."""
    from scipy.special import chdtrc

    return float(chdtrc(df, statistic))


def _purchase_fit(
    summary: pl.DataFrame, model: str, time_unit_days: float, fits: FitStore | None
) -> BgNbdParams | None:
    """The (not strict) purchase fit of ``summary``; None when it cannot be fitted."""
    from kunde_cli.analytics.clv.predict import _fit_purchases
    from kunde_cli.errors import ModelError

    try:
        return _fit_purchases(summary, model, time_unit_days, fits)[0]
    except ModelError:
        return None


def _spend_fit(summary: pl.DataFrame, fits: FitStore | None) -> GammaGammaParams | None:
    """The (not strict) spend fit of ``summary``; None when it cannot be fitted."""
    from kunde_cli.analytics.clv.predict import _fit_spend
    from kunde_cli.errors import ModelError

    try:
        return _fit_spend(summary, fits)[0]
    except ModelError:
        return None


def likelihood_ratio(
    group_logliks: list[float], pooled: float, params: int, customers: int
) -> LikelihoodRatio:
    """The test of k = len(group_logliks) groups with ``params`` parameters each
    against one pooled fit: LR = 2 (Σ group LL − pooled LL) (at least 0: the pooled
    model is a special case), df = params (k − 1).

    >>> t = likelihood_ratio([-100.0, -50.0], -155.0, 4, 300)
    >>> t.statistic, t.df, round(t.p_value, 4)
    (10.0, 4, 0.0404)
    """
    k = len(group_logliks)
    statistic = max(2.0 * (sum(group_logliks) - pooled), 0.0)
    df = params * (k - 1)
    return LikelihoodRatio(statistic, df, _chi2_sf(statistic, df), k, customers)


# --- the value of a new customer and its range ----------------------------------------


def new_customer_purchases(
    r: NDArray[np.float64] | float,
    alpha: NDArray[np.float64] | float,
    a: NDArray[np.float64] | float,
    b: NDArray[np.float64] | float,
    t: float,
    *,
    shift: int = 0,
) -> NDArray[np.float64]:
    """E[X(t)] of a new customer for arrays of parameters (what
    :func:`~kunde_cli.analytics.clv.bgnbd.expected_purchases` gives for one set):
    P(alive at 0) · c/(a−1) · [1 − (1−z)^(a−1) ₂F₁(a+b−1+s−r, a−1; c; z)],
    c = a+b−1+s, z = t/(α+t); P(alive at 0) = 1 (BG/NBD) or b/(a+b) (MBG/NBD)."""
    from scipy.special import hyp2f1

    r_, al, a_, b_ = (np.asarray(v, dtype=np.float64) for v in (r, alpha, a, b))
    c = a_ + b_ - 1.0 + shift
    z = t / (al + t)
    hyp = hyp2f1(a_ + b_ - 1.0 + shift - r_, a_ - 1.0, c, z)
    if_alive = c / (a_ - 1.0) * (1.0 - np.power(1.0 - z, a_ - 1.0) * hyp)
    alive = b_ / (a_ + b_) if shift else np.ones_like(if_alive)
    return np.asarray(alive * if_alive, dtype=np.float64)


def value_range(
    purchase: BgNbdParams,
    spend: GammaGammaParams,
    first_mean: float,
    first_se: float,
    t: float,
    *,
    draws: int = DRAWS,
    seed: int = DRAW_SEED,
) -> tuple[float, float] | None:
    """The 90 % range of first_mean + E[X(t)] · pγ/(q − 1) over ``draws`` parameter
    sets of each fit drawn from its normal approximation
    (:mod:`~kunde_cli.analytics.clv.uncertainty`; the purchase and spend draws
    independent, paired by index) and the mean first purchase drawn from
    N(first_mean, first_se²); None when a fit carries no covariance."""
    from kunde_cli.analytics.clv import uncertainty as unc

    if not (unc.has_covariance(purchase) and unc.has_covariance(spend)):
        return None
    # The draws of unc.draw_purchase_params / draw_spend_params, kept as arrays (a
    # parameters object per draw costs more than the whole prediction); a and b past
    # the search range come back along the ridge, as kunde clv --monthly's do.
    r, al, a, b = np.exp(unc.draw_purchase_logs(purchase, draws, seed)).T
    a = np.where(np.abs(a - 1.0) < 1e-9, 1.0 + 1e-9, a)
    # q ≤ 1 has no mean spend: those draws are left out (the normal truncated to q > 1)
    spend_draws = unc.draw_log_params(
        unc.log_params(spend), np.array(spend.log_covariance), 2 * draws, seed + 1
    )
    p, q, g = np.exp(spend_draws[spend_draws[:, 1] > 1e-6][:draws]).T
    per_purchase = p * g / (q - 1.0)
    first = np.random.default_rng(seed + 2).normal(first_mean, first_se, size=draws)
    n = min(draws, per_purchase.size)
    with np.errstate(all="ignore"):
        repeat = new_customer_purchases(r[:n], al[:n], a[:n], b[:n], t, shift=purchase.shift)
        values = first[:n] + repeat * per_purchase[:n]
    values = values[np.isfinite(values)]
    if values.size == 0:
        return None
    low, high = unc.interval(values, RANGE_LEVEL)
    return float(low), float(high)


def _trusted(params: BgNbdParams | GammaGammaParams | None) -> bool:
    """Every trust check passed — but for the purchase model's ``identified``, which
    asks whether single customers' P(alive) depends on parameters the data hardly pin
    down: a new customer's value uses no P(alive), and its range shows how well the
    data pin the parameters down."""
    from kunde_cli.analytics.clv.trust import trust_checks

    return params is not None and all(
        c.passed for c in trust_checks(params) if c.name != "identified"
    )


def _converged(params: BgNbdParams | GammaGammaParams | None) -> bool:
    return params is not None and params.converged


def _in_groups(names: list[str | None]) -> pl.Expr:
    return pl.col(GROUP).is_in([n for n in names if n is not None]) | (
        pl.col(GROUP).is_null() if None in names else pl.lit(False)
    )


def new_customer_value(
    data: Basis,
    *,
    as_of: date | datetime,
    by: str,
    model: str = MODEL_BGNBD,
    horizon_months: int = HORIZON_MONTHS,
    time_unit_days: float = DEFAULT_TIME_UNIT_DAYS,
    fits: FitStore | None = None,
    shop_fits: tuple[BgNbdParams | None, GammaGammaParams | None] = (None, None),
) -> NewCustomerValue:
    """The value of a new customer per acquisition group ``by`` (``channel``,
    ``category`` or ``discount``) and the tests of whether the groups differ (see the
    module rules).

    ``fits`` keeps and reuses fits between runs (as :func:`predict_clv`);
    ``shop_fits`` the shop's own purchase and spend fits at this date (the report's),
    used as the pooled fits when the fitted groups hold every customer. Raises
    InputError when no line fills the grouping's column.
    """
    basis = basis_at(data, as_of)
    groups = acquisition_groups(basis, as_of=as_of, by=by)
    summary = (
        rfm_summary(basis, as_of=as_of, time_unit_days=time_unit_days)
        .collect()
        .join(groups, on=s.CUSTOMER_ID, how="inner")
        .sort(s.CUSTOMER_ID)
    )
    return value_by_group(
        summary,
        by=by,
        as_of=as_of,
        model=model,
        horizon_months=horizon_months,
        time_unit_days=time_unit_days,
        fits=fits,
        shop_fits=shop_fits,
    )


def value_by_group(
    summary: pl.DataFrame,
    *,
    by: str,
    as_of: date | datetime,
    model: str = MODEL_BGNBD,
    horizon_months: int = HORIZON_MONTHS,
    time_unit_days: float = DEFAULT_TIME_UNIT_DAYS,
    fits: FitStore | None = None,
    shop_fits: tuple[BgNbdParams | None, GammaGammaParams | None] = (None, None),
) -> NewCustomerValue:
    """:func:`new_customer_value` on an :func:`rfm_summary` frame (in units of
    ``time_unit_days``) with each customer's ``group`` and ``first_value``."""
    stats = (
        summary.group_by(GROUP)
        .agg(
            pl.len().alias(CUSTOMERS),
            (pl.col(REPEAT_PURCHASES) > 0).sum().alias(REPEAT_CUSTOMERS),
            pl.col(FIRST_VALUE).mean().alias("_mean"),
            pl.col(FIRST_VALUE).std().fill_null(0.0).alias("_sd"),
        )
        .sort([CUSTOMERS, GROUP], descending=[True, False], nulls_last=True)
    )
    t = horizon_months * DAYS_PER_MONTH / time_unit_days
    fitted: dict[str | None, tuple[BgNbdParams | None, GammaGammaParams | None]] = {}
    results = []
    for row in stats.iter_rows(named=True):
        name, n, n_repeat = row[GROUP], int(row[CUSTOMERS]), int(row[REPEAT_CUSTOMERS])
        base = GroupValue(name, n, n_repeat, float(row["_mean"]), STATUS_TOO_FEW)
        if n < MIN_TRUSTED_CUSTOMERS or n_repeat < MIN_TRUSTED_REPEAT:
            results.append(base)
            continue
        part = summary.filter(_in_groups([name]))
        purchase = _purchase_fit(part, model, time_unit_days, fits)
        spend = _spend_fit(part, fits) if _converged(purchase) else None
        fitted[name] = (purchase, spend)
        results.append(_valued(base, purchase, spend, float(row["_sd"]), t))
    purchase_test = _purchase_test(summary, fitted, model, time_unit_days, fits, shop_fits[0])
    spend_test = _spend_test(summary, fitted, fits, shop_fits[1])
    day = as_of.date() if isinstance(as_of, datetime) else as_of
    return NewCustomerValue(
        by,
        GROUPINGS[by],
        day,
        horizon_months,
        tuple(results),
        purchase_test,
        spend_test,
        joint_test(purchase_test, spend_test, fitted),
        model,
    )


def joint_test(
    purchase: LikelihoodRatio | None,
    spend: LikelihoodRatio | None,
    fitted: dict[str | None, tuple[BgNbdParams | None, GammaGammaParams | None]],
) -> LikelihoodRatio | None:
    """Purchases and spend tested together when both tests hold every fitted group
    (LR and df add up), else the purchase test alone.

    >>> fit = {"a": (None, None), "b": (None, None)}
    >>> joint_test(LikelihoodRatio(6.0, 4, 0.2, 2, 500), LikelihoodRatio(4.0, 3, 0.26, 2, 200), fit).df
    7
    """
    if purchase is None or spend is None:
        return purchase
    if not (purchase.groups == spend.groups == len(fitted)):
        return purchase
    statistic = purchase.statistic + spend.statistic
    df = purchase.df + spend.df
    return LikelihoodRatio(
        statistic, df, _chi2_sf(statistic, df), purchase.groups, purchase.customers
    )


def _valued(
    base: GroupValue,
    purchase: BgNbdParams | None,
    spend: GammaGammaParams | None,
    first_sd: float,
    t: float,
) -> GroupValue:
    """The group's fits, status and — as far as the fits are trusted — its value."""
    from dataclasses import replace

    if not _converged(purchase) or purchase is None:
        return replace(base, purchase=purchase, status=STATUS_FIT_FAILED)
    if not _trusted(purchase):
        return replace(base, purchase=purchase, spend=spend, status=STATUS_PURCHASE_UNTRUSTED)
    repeat = float(
        new_customer_purchases(
            purchase.r, purchase.alpha, purchase.a, purchase.b, t, shift=purchase.shift
        )
    )
    if not _trusted(spend) or spend is None:
        return replace(
            base,
            purchase=purchase,
            spend=spend,
            expected_repeat=repeat,
            status=STATUS_SPEND_UNTRUSTED,
        )
    per_purchase = spend.population_mean_spend
    value = base.first_order_value + repeat * per_purchase
    se = first_sd / np.sqrt(base.customers)
    low, high = value_range(purchase, spend, base.first_order_value, float(se), t) or (None, None)
    return replace(
        base,
        purchase=purchase,
        spend=spend,
        expected_repeat=repeat,
        spend_per_purchase=per_purchase,
        value=value,
        low=low,
        high=high,
        status=STATUS_OK,
    )


def _purchase_test(
    summary: pl.DataFrame,
    fitted: dict[str | None, tuple[BgNbdParams | None, GammaGammaParams | None]],
    model: str,
    time_unit_days: float,
    fits: FitStore | None,
    shop: BgNbdParams | None,
) -> LikelihoodRatio | None:
    """The purchase model's test on the groups whose fit converged (None below two)."""
    done = {g: p for g, (p, _) in fitted.items() if p is not None and p.converged}
    if len(done) < 2:
        return None
    part = summary.filter(_in_groups(list(done)))
    pooled = (
        shop
        if shop is not None and shop.model == model and shop.n_customers == part.height
        else _purchase_fit(part, model, time_unit_days, fits)
    )
    if pooled is None:
        return None
    return likelihood_ratio([p.loglik for p in done.values()], pooled.loglik, 4, part.height)


def _spend_test(
    summary: pl.DataFrame,
    fitted: dict[str | None, tuple[BgNbdParams | None, GammaGammaParams | None]],
    fits: FitStore | None,
    shop: GammaGammaParams | None,
) -> LikelihoodRatio | None:
    """The spend model's test on the groups whose spend fit converged (None below two)."""
    done = {g: sp for g, (_, sp) in fitted.items() if sp is not None and sp.converged}
    if len(done) < 2:
        return None
    part = summary.filter(_in_groups(list(done)))
    customers = sum(sp.n_customers for sp in done.values())
    pooled = (
        shop
        if shop is not None and shop.n_customers == customers and part.height == summary.height
        else _spend_fit(part, fits)
    )
    if pooled is None:
        return None
    return likelihood_ratio([sp.loglik for sp in done.values()], pooled.loglik, 3, customers)
