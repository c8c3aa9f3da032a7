"""Per-customer predictions from the fitted models, and when to trust them.

From order lines to one row per customer: P(alive), expected purchases over a horizon,
expected spend per purchase, predicted CLV and the value at risk.

* Horizon: ``horizon_months`` months of 365.25/12 days each.
* Predicted CLV (the ``lifetimes`` ``customer_lifetime_value`` approach): expected
  purchases in each month i = 1..H, times expected spend per purchase, discounted
  by (1 + d)^i with a monthly rate d::

      CLV = E[spend] · Σᵢ (E[X(i)] − E[X(i−1)]) / (1 + d)^i

  where E[X(i)] is the conditional expected number of purchases in the first i
  months from ``as_of``. Amounts are in the shop's currency incl. VAT (revenue, not
  profit).
* Value at risk: (1 − P(alive)) × the customer's CLV *if she is still alive* — what
  winning her back would be worth, weighted by how likely she is already gone. This
  orders a reactivation list; CLV itself is P(alive) × CLV-if-alive.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from kunde_cli import schema as s
from kunde_cli.analytics.clv.bgnbd import (
    MODEL_BGNBD,
    BgNbdParams,
    check_model,
    fit_purchase_model,
    p_alive,
    purchases_if_alive,
)
from kunde_cli.analytics.clv.gamma_gamma import (
    GammaGammaParams,
    expected_average_spend,
    fit_gamma_gamma,
)
from kunde_cli.analytics.clv.summary import (
    DAYS_PER_MONTH,
    DEFAULT_TIME_UNIT_DAYS,
    MEAN_REPEAT_SPEND,
    REPEAT_PURCHASES,
    T_AGE,
    T_X,
    WEIGHT,
    collapse_patterns,
    rfm_summary,
)
from kunde_cli.analytics.clv.trust import model_trust
from kunde_cli.analytics.orders import Basis
from kunde_cli.errors import ModelError

if TYPE_CHECKING:
    from numpy.typing import NDArray

#: Per-customer prediction columns.
P_ALIVE = "p_alive"
EXPECTED_PURCHASES = "expected_purchases"
EXPECTED_SPEND = "expected_spend"
PREDICTED_CLV = "predicted_clv"
VALUE_AT_RISK = "value_at_risk"

#: Holdout check columns (:func:`holdout_comparison`).
FREQUENCY_GROUP = "frequency_group"
ACTUAL_PURCHASES = "actual_purchases"
PREDICTED_PURCHASES = "predicted_purchases"
CUSTOMERS = "customers"
TOTAL_GROUP = "total"

_SUMMARY_COLUMNS = (REPEAT_PURCHASES, T_X, T_AGE)


@dataclass(frozen=True)
class ClvResult:
    """Predictions per customer plus the fits they came from.

    ``customers`` has one row per customer with a counted order: ``customer_id``,
    ``repeat_purchases``, ``t_x``, ``age`` (model time units), ``mean_repeat_spend``;
    when the purchase model is trusted also ``p_alive`` and ``expected_purchases`` (over
    the horizon), and when the spend model is trusted too ``expected_spend`` (per
    purchase), ``predicted_clv`` and ``value_at_risk``.

    ``trusted``/``reasons`` are the :func:`~kunde_cli.analytics.clv.trust.model_trust`
    verdict of both fits together (a spend model that could not be fitted at all is a
    reason too); ``purchase_trusted`` and ``spend_trusted`` say which part stands on its
    own, ``spend_error`` why the spend model could not be fitted (None when it was).
    """

    customers: pl.DataFrame
    purchase_model: BgNbdParams
    spend_model: GammaGammaParams | None
    horizon_months: int
    discount_monthly: float
    trusted: bool
    reasons: tuple[str, ...]
    purchase_trusted: bool = False
    spend_trusted: bool = False
    spend_error: str | None = None


def _month_length(time_unit_days: float) -> float:
    return DAYS_PER_MONTH / time_unit_days


def _discounted_if_alive(
    params: BgNbdParams,
    x: NDArray[np.float64],
    age: NDArray[np.float64],
    horizon_months: int,
    discount_monthly: float,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Per (x, T): purchases over the horizon if alive, and the same discounted monthly."""
    month = _month_length(params.time_unit_days)
    previous = np.zeros_like(x)
    discounted = np.zeros_like(x)
    for i in range(1, horizon_months + 1):
        cumulative = purchases_if_alive(params, i * month, x, age)
        discounted += (cumulative - previous) / (1.0 + discount_monthly) ** i
        previous = cumulative
    return previous, discounted


def predict_customers(
    summary: pl.DataFrame | pl.LazyFrame,
    purchase: BgNbdParams,
    spend: GammaGammaParams | None = None,
    *,
    horizon_months: int = 12,
    discount_monthly: float = 0.01,
) -> pl.DataFrame:
    """Add the prediction columns to an :func:`rfm_summary` frame (same time unit as the fit).

    ``p_alive``; ``expected_purchases`` in the next ``horizon_months``; with ``spend``
    also ``expected_spend`` (per purchase), ``predicted_clv`` and ``value_at_risk``.
    The hypergeometric part depends on (x, T) only and is computed once per distinct pair.
    """
    if horizon_months < 1:
        raise ModelError(f"the horizon must be at least 1 month, not {horizon_months}")
    if discount_monthly < 0:
        raise ModelError(f"the monthly discount rate cannot be negative ({discount_monthly})")
    frame = summary.lazy().collect()
    pairs = frame.select(REPEAT_PURCHASES, T_AGE).unique()
    x_pairs = pairs[REPEAT_PURCHASES].to_numpy().astype(np.float64)
    age_pairs = pairs[T_AGE].to_numpy().astype(np.float64)
    with np.errstate(over="ignore", under="ignore"):
        alive_total, alive_discounted = _discounted_if_alive(
            purchase, x_pairs, age_pairs, horizon_months, discount_monthly
        )
    pairs = pairs.with_columns(
        pl.Series("_if_alive", alive_total), pl.Series("_if_alive_disc", alive_discounted)
    )
    frame = frame.join(pairs, on=[REPEAT_PURCHASES, T_AGE], how="left", maintain_order="left")
    x = frame[REPEAT_PURCHASES].to_numpy().astype(np.float64)
    alive = p_alive(purchase, x, frame[T_X].to_numpy(), frame[T_AGE].to_numpy())
    columns = [
        pl.Series(P_ALIVE, alive),
        pl.Series(EXPECTED_PURCHASES, alive * frame["_if_alive"].to_numpy()),
    ]
    if spend is not None:
        mean_spend = frame[MEAN_REPEAT_SPEND].to_numpy()
        exp_spend = expected_average_spend(spend, x, mean_spend)
        value_if_alive = exp_spend * frame["_if_alive_disc"].to_numpy()
        columns += [
            pl.Series(EXPECTED_SPEND, exp_spend),
            pl.Series(PREDICTED_CLV, alive * value_if_alive),
            pl.Series(VALUE_AT_RISK, (1.0 - alive) * value_if_alive),
        ]
    return frame.drop("_if_alive", "_if_alive_disc").with_columns(columns)


def _summary(lines: Basis, as_of: date | datetime, time_unit_days: float) -> pl.DataFrame:
    return rfm_summary(lines, as_of=as_of, time_unit_days=time_unit_days).collect()


def _fit_purchases(summary: pl.DataFrame, model: str, time_unit_days: float) -> BgNbdParams:
    """Fit without raising on a soft failure (no convergence, a bound): those are trust
    checks, so the parameters can still be shown. Data that cannot carry a fit at all
    (too few customers, no repeat purchases) still raises ModelError."""
    check_model(model)
    patterns = collapse_patterns(summary)
    return fit_purchase_model(
        patterns[REPEAT_PURCHASES].to_numpy(),
        patterns[T_X].to_numpy(),
        patterns[T_AGE].to_numpy(),
        patterns[WEIGHT].to_numpy(),
        model=model,
        time_unit_days=time_unit_days,
        strict=False,
    )


def predict_purchases(
    lines: Basis,
    *,
    as_of: date | datetime,
    model: str = MODEL_BGNBD,
    horizon_months: int = 12,
    time_unit_days: float = DEFAULT_TIME_UNIT_DAYS,
) -> ClvResult:
    """Fit the purchase model on ``lines`` up to ``as_of`` and predict P(alive) and purchases.

    Like :func:`predict_clv` without the spend model (``spend_model`` is None and the
    spend columns are absent). Raises ModelError when the data cannot support a fit;
    an untrusted fit comes back with ``trusted=False``, its reasons and no prediction
    columns.
    """
    summary = _summary(lines, as_of, time_unit_days)
    purchase = _fit_purchases(summary, model, time_unit_days)
    ok, reasons = model_trust(purchase)
    customers = (
        predict_customers(summary, purchase, horizon_months=horizon_months) if ok else summary
    )
    return ClvResult(
        customers, purchase, None, horizon_months, 0.0, ok, tuple(reasons), purchase_trusted=ok
    )


def predict_clv(
    lines: Basis,
    *,
    as_of: date | datetime,
    model: str = MODEL_BGNBD,
    horizon_months: int = 12,
    discount_monthly: float = 0.01,
    time_unit_days: float = DEFAULT_TIME_UNIT_DAYS,
) -> ClvResult:
    """Fit BG/NBD (or MBG/NBD) and Gamma-Gamma on ``lines`` up to ``as_of`` and predict CLV.

    Returns a :class:`ClvResult`; its ``customers`` frame is collected (fitting needs the
    data in memory anyway). Raises ModelError only when the data cannot support a
    purchase fit (see :func:`~kunde_cli.analytics.clv.bgnbd.fit_purchase_model`).
    Softer doubts (few customers, a flat likelihood, spend correlated with frequency, …)
    come back as ``trusted=False`` with plain-words ``reasons`` so the caller can fall
    back to rule-based numbers. The two models are judged apart: when only the spend
    model fails (or cannot be fitted), P(alive) and expected purchases are still
    predicted and only the money columns are left out.
    """
    summary = _summary(lines, as_of, time_unit_days)
    purchase = _fit_purchases(summary, model, time_unit_days)
    ok_p, reasons_p = model_trust(purchase)
    spend: GammaGammaParams | None = None
    spend_error = None
    try:
        spend = fit_gamma_gamma(summary, strict=False)
    except ModelError as err:
        spend_error = err.message
    if spend is not None:
        ok_s, reasons_s = model_trust(spend)
    else:
        ok_s, reasons_s = False, [f"the spend model could not be fitted: {spend_error}"]
    customers = summary
    if ok_p:
        customers = predict_customers(
            summary,
            purchase,
            spend if ok_s else None,
            horizon_months=horizon_months,
            discount_monthly=discount_monthly,
        )
    return ClvResult(
        customers,
        purchase,
        spend,
        horizon_months,
        discount_monthly,
        ok_p and ok_s,
        tuple(reasons_p + reasons_s),
        purchase_trusted=ok_p,
        spend_trusted=ok_s,
        spend_error=spend_error,
    )


def holdout_comparison(
    lines: Basis,
    *,
    calibration_end: date | datetime,
    as_of: date | datetime,
    model: str = MODEL_BGNBD,
    time_unit_days: float = DEFAULT_TIME_UNIT_DAYS,
    max_group: int = 7,
) -> tuple[pl.DataFrame, BgNbdParams]:
    """The standard model check: fit up to ``calibration_end``, predict the holdout, compare.

    Customers with a counted order up to ``calibration_end`` are grouped by their
    calibration repeat purchases x (0, 1, …, ``max_group``+); per group the mean
    *actual* repeat purchases (purchase days) in (calibration_end, as_of] and the mean
    *predicted* E[X | x, t_x, T] over the holdout length. A last row ``total`` holds
    the means over everyone (Fader, Hardie & Lee 2005, Figure 4).

    Columns: ``frequency_group`` (text), ``customers``, ``actual_purchases``,
    ``predicted_purchases``. The fit is returned whatever its trust checks say (judge
    it with :func:`~kunde_cli.analytics.clv.trust.model_trust`, as ``--model`` does);
    ModelError only when the calibration data cannot carry a fit at all.
    """
    cal_day = calibration_end.date() if isinstance(calibration_end, datetime) else calibration_end
    end_day = as_of.date() if isinstance(as_of, datetime) else as_of
    if end_day <= cal_day:
        raise ModelError(
            f"the holdout must end after the calibration period ({end_day} is not after {cal_day})"
        )
    cal = _summary(lines, cal_day, time_unit_days)
    purchase = _fit_purchases(cal, model, time_unit_days)
    full = rfm_summary(lines, as_of=end_day, time_unit_days=time_unit_days).select(
        s.CUSTOMER_ID, pl.col(REPEAT_PURCHASES).alias("_x_end")
    )
    holdout_t = (end_day - cal_day).days / time_unit_days
    x = cal[REPEAT_PURCHASES].to_numpy().astype(np.float64)
    with np.errstate(all="ignore"):
        # An untrusted fit (judged by the caller) may predict nonsense; it is kept
        # finite or null, never a warning.
        predicted = p_alive(purchase, x, cal[T_X].to_numpy(), cal[T_AGE].to_numpy()) * (
            purchases_if_alive(purchase, holdout_t, x, cal[T_AGE].to_numpy())
        )
    predicted = np.where(np.isfinite(predicted), predicted, np.nan)
    per_customer = (
        cal.lazy()
        .with_columns(pl.Series(PREDICTED_PURCHASES, predicted).fill_nan(None))
        .join(full, on=s.CUSTOMER_ID, how="left")
        .with_columns(
            (pl.col("_x_end") - pl.col(REPEAT_PURCHASES)).cast(pl.Float64).alias(ACTUAL_PURCHASES),
            pl.min_horizontal(pl.col(REPEAT_PURCHASES), max_group).alias("_group"),
        )
    )
    means = (
        pl.len().alias(CUSTOMERS),
        pl.col(ACTUAL_PURCHASES).mean(),
        pl.col(PREDICTED_PURCHASES).mean(),
    )
    groups = (
        per_customer.group_by("_group")
        .agg(*means)
        .sort("_group")
        .with_columns(
            pl.when(pl.col("_group") >= max_group)
            .then(pl.format("{}+", pl.col("_group")))
            .otherwise(pl.col("_group").cast(pl.String))
            .alias(FREQUENCY_GROUP)
        )
        .select(FREQUENCY_GROUP, CUSTOMERS, ACTUAL_PURCHASES, PREDICTED_PURCHASES)
    )
    total = per_customer.select(pl.lit(TOTAL_GROUP).alias(FREQUENCY_GROUP), *means)
    table = pl.concat([groups, total]).with_columns(pl.col(CUSTOMERS).cast(pl.Int64)).collect()
    return table, purchase
