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
* Predicted profit CLV (when the lines have a cost or kunde.toml a margin;
  :func:`kunde_cli.analytics.profit.predicted_profit`): the predicted CLV × the
  customer's own margin share to date (her known profit / the amount of those lines),
  or × the shop's margin share when she has none — the model predicts revenue, and a
  customer is assumed to keep buying at her own margin.
* Value at risk: (1 − P(alive)) × the customer's CLV *if she is still alive* — what
  winning her back would be worth, weighted by how likely she is already gone. This
  orders a reactivation list; CLV itself is P(alive) × CLV-if-alive.

Fits can be kept between runs: :func:`predict_clv`, :func:`predict_purchases` and
:func:`holdout_comparison` take an optional ``fits`` (:class:`FitStore`, the CLI's is
the workspace's fit cache). Each fit is looked up under a key hashed from exactly what
it sees — the collapsed (x, t_x, T, count) patterns and the model and time unit for the
purchase model, the repeat customers' (x, mean spend, count) rows for the spend model —
and kunde's, NumPy's and SciPy's versions; a stored fit is used only when it decodes
into the same parameter class and agrees with the data's counts, else the model is
fitted again and stored. The fits are deterministic, so a reused fit equals a new one.
This module does no I/O: the store does.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

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
from kunde_cli.words.said import Text, said

if TYPE_CHECKING:
    from numpy.typing import NDArray

P = TypeVar("P", BgNbdParams, GammaGammaParams)

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

#: Which fits of a result came from a :class:`FitStore` (``ClvResult.reused``).
PURCHASE_FIT = "purchase"
SPEND_FIT = "spend"
#: The default discount: 10 % a year (kunde clv's --discount), as a monthly rate —
#: (1.10)^(1/12) − 1 ≈ 0.797 % — so the report, the library and the commands discount
#: alike (it was 1 % a month, 12.7 % a year, where no --discount was given).
DEFAULT_DISCOUNT_MONTHLY = 1.10 ** (1.0 / 12.0) - 1.0
#: Version of the key and record layout below (another one is never reused).
FIT_RECORD_FORMAT = 2  # 2: the fits keep their log-parameters' covariance


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
    own, ``spend_error`` why the spend model could not be fitted (None when it was): the
    error's sentence (a :class:`~kunde_cli.words.said.Said`, worded in the run's
    language by whoever shows it; ``str()`` gives English).
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
    spend_error: Text | None = None
    #: The fits taken from the ``fits`` store instead of fitted (PURCHASE_FIT, SPEND_FIT).
    reused: tuple[str, ...] = ()


class FitStore(Protocol):
    """Where fitted parameters are kept between runs, by key.

    ``get`` gives the record stored under a key, or None; ``put`` stores one. Records
    are JSON-able mappings of aggregate numbers (:func:`fit_record`). A store may lose
    or refuse anything: a miss only means fitting again.
    """

    def get(self, key: str) -> Mapping[str, Any] | None: ...

    def put(self, key: str, record: Mapping[str, Any]) -> None: ...


# --- keeping fits: keys and records ---------------------------------------------------


def fit_key(kind: str, options: Mapping[str, Any], arrays: Sequence[Any]) -> str:
    """SHA-256 (hex) of what a fit sees: ``kind``, its ``options``, the versions of
    kunde, NumPy and SciPy, and the bytes of each input array (as float64, each
    preceded by its length)."""
    import scipy

    from kunde_cli import __version__

    head = {
        "format": FIT_RECORD_FORMAT,
        "kind": kind,
        "kunde": __version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        **options,
    }
    digest = hashlib.sha256(json.dumps(head, sort_keys=True).encode("utf-8"))
    for array in arrays:
        values = np.ascontiguousarray(array, dtype=np.float64)
        digest.update(values.size.to_bytes(8, "little"))
        digest.update(values.tobytes())
    return digest.hexdigest()


def fit_record(params: BgNbdParams | GammaGammaParams) -> dict[str, Any]:
    """A fit as a JSON-able mapping: every field of the parameters object (nested
    dataclasses as mappings, tuples as lists), under its class name."""
    return {"type": type(params).__name__, "fields": _plain(params)}


def params_of_record(record: Mapping[str, Any] | None, cls: type[P]) -> P | None:
    """The parameters object ``cls`` a :func:`fit_record` describes, or None when the
    record is of another class, lacks or adds a field, or holds a value of another type."""
    if not isinstance(record, Mapping) or record.get("type") != cls.__name__:
        return None
    try:
        params: P = _typed(record.get("fields"), cls)
        return params
    except (TypeError, ValueError, KeyError, NameError):
        return None


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def _typed(value: Any, hint: Any) -> Any:
    """``value`` (from JSON) as type ``hint``; TypeError when it is not one."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in typing.get_args(hint):
            return None
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(options) != 1:
            raise TypeError(f"cannot read {hint}")
        return _typed(value, options[0])
    if origin is tuple:
        args = typing.get_args(hint)
        if len(args) != 2 or args[1] is not Ellipsis or not isinstance(value, list):
            raise TypeError(f"not a {hint}")
        return tuple(_typed(v, args[0]) for v in value)
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError("not a number")
        return float(value)
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError("not a whole number")
        return value
    if hint is bool or hint is str:
        if not isinstance(value, hint):
            raise TypeError(f"not a {hint.__name__}")
        return value
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        hints = typing.get_type_hints(hint)
        names = {f.name for f in dataclasses.fields(hint)}
        if not isinstance(value, dict) or set(value) != names:
            raise TypeError(f"not the fields of {hint.__name__}")
        return hint(**{name: _typed(value[name], hints[name]) for name in names})
    raise TypeError(f"cannot read {hint}")


def _reused(fits: FitStore, key: str, cls: type[P]) -> P | None:
    try:
        record = fits.get(key)
    except (OSError, ValueError):  # a store should say nothing; a miss all the same
        return None
    return params_of_record(record, cls)


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
    discount_monthly: float = DEFAULT_DISCOUNT_MONTHLY,
) -> pl.DataFrame:
    """Add the prediction columns to an :func:`rfm_summary` frame (same time unit as the fit).

    ``p_alive``; ``expected_purchases`` in the next ``horizon_months``; with ``spend``
    also ``expected_spend`` (per purchase), ``predicted_clv`` and ``value_at_risk``.
    The hypergeometric part depends on (x, T) only and is computed once per distinct pair.
    """
    if horizon_months < 1:
        raise ModelError(said("model_bad_horizon", months=horizon_months))
    if discount_monthly < 0:
        raise ModelError(said("model_bad_discount", rate=discount_monthly))
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


def _fit_purchases(
    summary: pl.DataFrame,
    model: str,
    time_unit_days: float,
    fits: FitStore | None = None,
) -> tuple[BgNbdParams, bool]:
    """Fit without raising on a soft failure (no convergence, a bound): those are trust
    checks, so the parameters can still be shown. Data that cannot carry a fit at all
    (too few customers, no repeat purchases) still raises ModelError.

    With ``fits``, a fit stored under the patterns' key is used (True: reused) when it
    is of this model and time unit and counts the same customers; else the new fit is
    stored.
    """
    check_model(model)
    patterns = collapse_patterns(summary)
    x, t_x, age, weight = (
        patterns[name].to_numpy() for name in (REPEAT_PURCHASES, T_X, T_AGE, WEIGHT)
    )
    key = None
    if fits is not None:
        options = {"model": model, "time_unit_days": float(time_unit_days)}
        key = fit_key(PURCHASE_FIT, options, (x, t_x, age, weight))
        kept = _reused(fits, key, BgNbdParams)
        if (
            kept is not None
            and kept.model == model
            and kept.time_unit_days == float(time_unit_days)
            and kept.n_customers == round(float(weight.sum()))
            and kept.n_repeat == round(float(weight[x > 0].sum()))
        ):
            return kept, True
    params = fit_purchase_model(
        x, t_x, age, weight, model=model, time_unit_days=time_unit_days, strict=False
    )
    if fits is not None and key is not None:
        fits.put(key, fit_record(params))
    return params, False


def _fit_spend(
    summary: pl.DataFrame, fits: FitStore | None = None
) -> tuple[GammaGammaParams, bool]:
    """:func:`fit_gamma_gamma` (not strict), kept in ``fits`` like the purchase fit.

    The key hashes the repeat customers' distinct (x, repeat spend) pairs with their
    counts — everything ``fit_gamma_gamma`` reads — with the spend as the total of the
    repeat purchases in millionths of the currency unit (x × mean, rounded): Polars
    adds a customer's days up in an order that can change from run to run, so the mean
    can differ in its last bit between two runs on the same data, while the total of
    amounts with at most six decimals lies on that grid, far from a rounding edge.
    Raises ModelError when the spend model cannot be fitted.
    """
    if fits is None:
        return fit_gamma_gamma(summary, strict=False), False
    x = pl.col(REPEAT_PURCHASES)
    rows = (
        summary.lazy()
        .filter(x > 0)
        .select(
            x.cast(pl.Float64),
            (pl.col(MEAN_REPEAT_SPEND) * x * 1e6).round().alias(MEAN_REPEAT_SPEND),
        )
        .group_by(REPEAT_PURCHASES, MEAN_REPEAT_SPEND)
        .agg(pl.len().cast(pl.Float64).alias(WEIGHT))
        .sort(REPEAT_PURCHASES, MEAN_REPEAT_SPEND, nulls_last=True)
        .collect()
    )
    key = fit_key(SPEND_FIT, {}, [rows[c].to_numpy() for c in rows.columns])
    kept = _reused(fits, key, GammaGammaParams)
    total = round(float(rows[WEIGHT].sum()))
    if kept is not None and kept.n_customers + kept.n_without_spend == total:
        return kept, True
    params = fit_gamma_gamma(summary, strict=False)
    fits.put(key, fit_record(params))
    return params, False


def predict_purchases(
    lines: Basis,
    *,
    as_of: date | datetime,
    model: str = MODEL_BGNBD,
    horizon_months: int = 12,
    time_unit_days: float = DEFAULT_TIME_UNIT_DAYS,
    fits: FitStore | None = None,
) -> ClvResult:
    """Fit the purchase model on ``lines`` up to ``as_of`` and predict P(alive) and purchases.

    Like :func:`predict_clv` without the spend model (``spend_model`` is None and the
    spend columns are absent). Raises ModelError when the data cannot support a fit;
    an untrusted fit comes back with ``trusted=False``, its reasons and no prediction
    columns. ``fits``: where fits are kept between runs (see the module notes).
    """
    summary = _summary(lines, as_of, time_unit_days)
    purchase, reused = _fit_purchases(summary, model, time_unit_days, fits)
    ok, reasons = model_trust(purchase)
    customers = (
        predict_customers(summary, purchase, horizon_months=horizon_months) if ok else summary
    )
    return ClvResult(
        customers,
        purchase,
        None,
        horizon_months,
        0.0,
        ok,
        tuple(reasons),
        purchase_trusted=ok,
        reused=(PURCHASE_FIT,) if reused else (),
    )


def predict_clv(
    lines: Basis,
    *,
    as_of: date | datetime,
    model: str = MODEL_BGNBD,
    horizon_months: int = 12,
    discount_monthly: float = DEFAULT_DISCOUNT_MONTHLY,
    time_unit_days: float = DEFAULT_TIME_UNIT_DAYS,
    fits: FitStore | None = None,
) -> ClvResult:
    """Fit BG/NBD (or MBG/NBD) and Gamma-Gamma on ``lines`` up to ``as_of`` and predict CLV.

    Returns a :class:`ClvResult`; its ``customers`` frame is collected (fitting needs the
    data in memory anyway). Raises ModelError only when the data cannot support a
    purchase fit (see :func:`~kunde_cli.analytics.clv.bgnbd.fit_purchase_model`).
    Softer doubts (few customers, a flat likelihood, spend correlated with frequency, …)
    come back as ``trusted=False`` with plain-words ``reasons`` so the caller can fall
    back to rule-based numbers. The two models are judged apart: when only the spend
    model fails (or cannot be fitted), P(alive) and expected purchases are still
    predicted and only the money columns are left out. ``fits``: where fits are kept
    between runs (see the module notes); ``reused`` names the fits taken from it.
    """
    summary = _summary(lines, as_of, time_unit_days)
    purchase, purchase_reused = _fit_purchases(summary, model, time_unit_days, fits)
    ok_p, reasons_p = model_trust(purchase)
    spend: GammaGammaParams | None = None
    spend_error: Text | None = None
    spend_reused = False
    try:
        spend, spend_reused = _fit_spend(summary, fits)
    except ModelError as err:
        spend_error = err.said
    if spend is not None:
        ok_s, reasons_s = model_trust(spend)
    else:
        ok_s, reasons_s = False, [str(said("spend_not_fitted", why=spend_error))]
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
        reused=(PURCHASE_FIT,) * purchase_reused + (SPEND_FIT,) * spend_reused,
    )


def holdout_comparison(
    lines: Basis,
    *,
    calibration_end: date | datetime,
    as_of: date | datetime,
    model: str = MODEL_BGNBD,
    time_unit_days: float = DEFAULT_TIME_UNIT_DAYS,
    max_group: int = 7,
    fits: FitStore | None = None,
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
    ModelError only when the calibration data cannot carry a fit at all. ``fits``:
    where fits are kept between runs (see the module notes).
    """
    cal_day = calibration_end.date() if isinstance(calibration_end, datetime) else calibration_end
    end_day = as_of.date() if isinstance(as_of, datetime) else as_of
    if end_day <= cal_day:
        raise ModelError(said("model_holdout_order", end=end_day, start=cal_day))
    cal = _summary(lines, cal_day, time_unit_days)
    purchase, _ = _fit_purchases(cal, model, time_unit_days, fits)
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
