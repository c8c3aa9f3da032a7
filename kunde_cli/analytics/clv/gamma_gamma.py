"""Gamma-Gamma spend model (Fader & Hardie 2013, "The Gamma-Gamma Model of Monetary Value").

Model: the spend of each of a customer's transactions is Gamma(p, ν); her ν is
Gamma(q, γ) across customers. Her observed mean spend z̄ over x transactions has
density (the note's eq. 3)::

    f(z̄ | p, q, γ, x) = Γ(px+q) / (Γ(px) Γ(q)) · γ^q · z̄^(px−1) · x^(px) / (γ + x z̄)^(px+q)

It is fitted by maximum likelihood on the customers with x ≥ 1 repeat purchases and
their mean repeat spend (the first purchase is left out, as in the note's CDNOW
example). Γ terms depend on x only and are computed once per distinct x; parameters
are optimised on the log scale with analytic gradients; spend is rescaled to a mean of
1 for the optimiser (γ carries the money unit, so the rescaling is undone exactly).

The model assumes spend per transaction does not depend on how often a customer buys.
The fit reports the correlation between x and z̄ across customers; a large one
(|corr| ≥ 0.3) makes the expected spend unreliable and :func:`~kunde_cli.analytics.clv.predict.model_trust`
says so.

Expected average spend of a customer (the note's eq. 5)::

    E[M | p, q, γ, x, z̄] = (q − 1)/(px + q − 1) · pγ/(q − 1) + px/(px + q − 1) · z̄

a weighted mean of the population mean pγ/(q−1) and her own z̄; for x = 0 it is the
population mean. Both need q > 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy.special import digamma, gammaln

from kunde_cli.analytics.clv._optimise import (
    Objective,
    converged,
    minimise_multistart,
    screening_sample,
)
from kunde_cli.analytics.clv.identification import log_covariance
from kunde_cli.analytics.clv.summary import MEAN_REPEAT_SPEND, REPEAT_PURCHASES
from kunde_cli.errors import ModelError
from kunde_cli.words.said import said

if TYPE_CHECKING:
    import polars as pl
    from numpy.typing import ArrayLike, NDArray

PARAM_NAMES = ("p", "q", "gamma")
#: Fewer repeat customers than this and the spend model is not fitted at all.
MIN_REPEAT_CUSTOMERS = 5
#: |correlation(x, mean spend)| from which the model's independence assumption is in doubt.
SPEND_CORRELATION_LIMIT = 0.3
LOG_BOUND = 12.0
BOUND_MARGIN = 0.05

_HINT = said("spend_hint")


@dataclass(frozen=True)
class GammaGammaParams:
    """A fitted Gamma-Gamma spend model.

    ``gamma`` is in money units (DKK); ``loglik`` the total log-likelihood of the mean
    spends; ``n_customers`` the repeat customers it was fitted on;
    ``spend_frequency_corr`` the Pearson correlation of x and mean spend across them;
    ``warning`` a plain-words note when that correlation is large (else None);
    ``n_without_spend`` the repeat customers left out because their repeat purchases
    came to nothing (free or fully discounted orders: the model needs spend > 0);
    ``log_covariance`` the covariance of (ln p, ln q, ln γ) from the inverse Hessian of
    −LL at the optimum (rows; empty when unknown or made by hand).
    """

    p: float
    q: float
    gamma: float
    loglik: float
    n_customers: int
    converged: bool
    spend_frequency_corr: float
    at_bounds: tuple[str, ...] = ()
    warning: str | None = None
    n_without_spend: int = 0
    log_covariance: tuple[tuple[float, ...], ...] = ()

    @property
    def population_mean_spend(self) -> float:
        """pγ/(q−1): the expected spend per purchase of a new customer (inf when q ≤ 1)."""
        return self.p * self.gamma / (self.q - 1.0) if self.q > 1.0 else float("inf")

    def as_dict(self) -> dict[str, float]:
        """The three parameters by name."""
        return {"p": self.p, "q": self.q, "gamma": self.gamma}


def _wsum(u: NDArray[np.float64], v: NDArray[np.float64]) -> float:
    # Not np.dot: long vectors go to threaded OpenBLAS, which stalls on a busy machine.
    return float(np.sum(u * v))


def _weighted_counts(
    index: NDArray[np.intp], weights: NDArray[np.float64], minlength: int
) -> NDArray[np.float64]:
    """Σ ``weights`` per value of ``index`` (np.bincount with weights: float64, though
    numpy's stub says intp)."""
    return np.bincount(index, weights=weights, minlength=minlength).astype(np.float64, copy=False)


@dataclass(frozen=True)
class _Data:
    x: NDArray[np.float64]
    m: NDArray[np.float64]
    w: NDArray[np.float64]
    wx: NDArray[np.float64]
    x_unique: NDArray[np.float64]
    w_by_x: NDArray[np.float64]
    sum_w: float
    sum_wx_log_m: float
    sum_w_log_m: float


def _prepare(x: NDArray[np.float64], m: NDArray[np.float64], w: NDArray[np.float64]) -> _Data:
    x_unique, x_index = np.unique(x, return_inverse=True)
    log_m = np.log(m)
    return _Data(
        x=x,
        m=m,
        w=w,
        wx=w * x,
        x_unique=x_unique,
        w_by_x=_weighted_counts(x_index, weights=w, minlength=x_unique.size),
        sum_w=float(w.sum()),
        sum_wx_log_m=_wsum(w * x, log_m),
        sum_w_log_m=_wsum(w, log_m),
    )


def _loglik_and_grad(params: NDArray[np.float64], d: _Data) -> tuple[float, NDArray[np.float64]]:
    """Total log-likelihood and gradient w.r.t. (p, q, γ); Γ terms once per distinct x."""
    p, q, g = params
    xu = d.x_unique
    px = p * xu
    log_x = np.log(xu)
    per_x = gammaln(px + q) - gammaln(px) - gammaln(q) + px * log_x
    denom = g + d.m * d.x
    lg = np.log(denom)
    inv = 1.0 / denom
    s_wx_lg = _wsum(d.wx, lg)
    s_w_lg = _wsum(d.w, lg)
    log_g = np.log(g)
    ll = (
        _wsum(d.w_by_x, per_x)
        + q * d.sum_w * log_g
        + p * d.sum_wx_log_m
        - d.sum_w_log_m
        - p * s_wx_lg
        - q * s_w_lg
    )
    psi_pxq = digamma(px + q)
    g_p = _wsum(d.w_by_x, xu * (psi_pxq - digamma(px) + log_x)) + d.sum_wx_log_m - s_wx_lg
    g_q = _wsum(d.w_by_x, psi_pxq - digamma(q)) + d.sum_w * log_g - s_w_lg
    g_g = q * d.sum_w / g - p * _wsum(d.wx, inv) - q * _wsum(d.w, inv)
    return ll, np.array([g_p, g_q, g_g])


def _objective(x: NDArray[np.float64], m: NDArray[np.float64], w: NDArray[np.float64]) -> Objective:
    """−LL per customer and its gradient in the log-parameters."""
    d = _prepare(x, m, w)

    def objective(theta: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
        values = np.exp(theta)
        ll, grad = _loglik_and_grad(values, d)
        return -ll / d.sum_w, -(grad * values) / d.sum_w

    return objective


def _weighted_corr(x: NDArray[np.float64], m: NDArray[np.float64], w: NDArray[np.float64]) -> float:
    mx = np.average(x, weights=w)
    mm = np.average(m, weights=w)
    cov = np.average((x - mx) * (m - mm), weights=w)
    var = np.average((x - mx) ** 2, weights=w) * np.average((m - mm) ** 2, weights=w)
    return float(cov / np.sqrt(var)) if var > 0 else 0.0


def fit_spend_model(
    x: ArrayLike, mean_spend: ArrayLike, weights: ArrayLike | None = None, *, strict: bool = True
) -> GammaGammaParams:
    """Maximum-likelihood Gamma-Gamma fit on repeat customers' (x, mean repeat spend).

    Rows with x = 0 (no repeat purchase, so no repeat spend) are ignored. Raises
    ModelError when fewer than 5 repeat customers remain, when a mean spend is not
    positive, and (``strict``) when the fit does not converge or runs to a bound.
    """
    xa = np.asarray(x, dtype=np.float64).ravel()
    ma = np.asarray(mean_spend, dtype=np.float64).ravel()
    wa = np.ones_like(xa) if weights is None else np.asarray(weights, dtype=np.float64).ravel()
    if not (xa.size == ma.size == wa.size):
        raise ModelError(said("spend_lengths_differ"))
    keep = xa > 0
    xa, ma, wa = xa[keep], ma[keep], wa[keep]
    n = round(float(wa.sum()))
    if n < MIN_REPEAT_CUSTOMERS:
        raise ModelError(said("spend_few_repeat", n=n, min=MIN_REPEAT_CUSTOMERS), hint=_HINT)
    if not np.all(np.isfinite(ma)) or np.any(ma <= 0):
        raise ModelError(said("spend_not_positive"), hint=_HINT)
    corr = _weighted_corr(xa, ma, wa)
    scale = 1.0 / float(np.average(ma, weights=wa))
    ms = ma * scale
    full = _objective(xa, ms, wa)
    screen = None
    sample = screening_sample(xa.size)
    if sample is not None:
        idx, factor = sample
        screen = _objective(xa[idx], ms[idx], wa[idx] * factor)
    starts = [np.log(v) for v in ((1.0, 1.0, 1.0), (5.0, 3.0, 10.0), (0.5, 5.0, 2.0))]
    best = minimise_multistart(full, starts, [(-LOG_BOUND, LOG_BOUND)] * 3, screen)
    if best is None:
        raise ModelError(said("spend_not_finite"), hint=_HINT)
    theta = np.asarray(best.x, dtype=np.float64)
    is_converged = converged(best, full)
    at_bounds = tuple(
        name
        for name, value in zip(PARAM_NAMES, theta, strict=True)
        if abs(abs(value) - LOG_BOUND) < BOUND_MARGIN
    )
    p, q, g_scaled = (float(v) for v in np.exp(theta))
    # Undo the spend rescaling: the density of z̄ carries one 1/money unit per customer.
    total = float(wa.sum())
    ll_total = -best.fun * total + total * np.log(scale)
    warning = None
    if abs(corr) >= SPEND_CORRELATION_LIMIT:
        direction = "rises" if corr > 0 else "falls"
        warning = (
            f"spend per purchase {direction} with purchase frequency (correlation {corr:.2f}); "
            "the spend model assumes they are unrelated, so expected spend is unreliable"
        )
    params = GammaGammaParams(
        p=p,
        q=q,
        gamma=g_scaled / scale,
        loglik=float(ll_total),
        n_customers=n,
        converged=is_converged,
        spend_frequency_corr=corr,
        at_bounds=at_bounds,
        warning=warning,
        # (rescaling spend shifts only ln γ: the covariance holds in money units too)
        log_covariance=log_covariance(full, theta, total),
    )
    if strict:
        if not is_converged:
            raise ModelError(said("spend_not_converged", detail=best.message), hint=_HINT)
        if at_bounds:
            raise ModelError(said("spend_at_edge", names=", ".join(at_bounds)), hint=_HINT)
    return params


def fit_gamma_gamma(
    summary: pl.LazyFrame | pl.DataFrame, *, strict: bool = True
) -> GammaGammaParams:
    """Fit Gamma-Gamma on an :func:`~kunde_cli.analytics.clv.summary.rfm_summary` frame.

    Uses ``repeat_purchases`` and ``mean_repeat_spend`` of the customers with x ≥ 1
    whose mean repeat spend is above 0; a zero-amount order is a purchase but says
    nothing about spend in a model of positive amounts, so customers whose repeat
    purchases all came to nothing are left out and counted in ``n_without_spend``.
    """
    import dataclasses

    import polars as pl

    rows = (
        summary.lazy()
        .filter(pl.col(REPEAT_PURCHASES) > 0)
        .group_by(REPEAT_PURCHASES, MEAN_REPEAT_SPEND)
        .agg(pl.len().cast(pl.Float64).alias("_w"))
        .sort(REPEAT_PURCHASES, MEAN_REPEAT_SPEND)  # same order, same fit, every run
        .collect()
    )
    has_spend = pl.col(MEAN_REPEAT_SPEND) > 0
    left_out = round(float(rows.filter(~has_spend.fill_null(False))["_w"].sum()))
    rows = rows.filter(has_spend)
    params = fit_spend_model(
        rows[REPEAT_PURCHASES].to_numpy(),
        rows[MEAN_REPEAT_SPEND].to_numpy(),
        rows["_w"].to_numpy(),
        strict=strict,
    )
    return dataclasses.replace(params, n_without_spend=left_out) if left_out else params


def loglik(params: GammaGammaParams, x: ArrayLike, mean_spend: ArrayLike) -> float:
    """Total log-likelihood of ``params`` on repeat customers' (x, mean spend); x = 0 rows ignored."""
    xa = np.asarray(x, dtype=np.float64).ravel()
    ma = np.asarray(mean_spend, dtype=np.float64).ravel()
    keep = xa > 0
    d = _prepare(xa[keep], ma[keep], np.ones(int(keep.sum())))
    return _loglik_and_grad(np.array([params.p, params.q, params.gamma]), d)[0]


def expected_average_spend(
    params: GammaGammaParams, x: ArrayLike, mean_spend: ArrayLike
) -> NDArray[np.float64]:
    """E[spend per purchase | x, z̄] = (pγ + p·x·z̄) / (p·x + q − 1) (note, eq. 5).

    For x = 0 (``mean_spend`` may then be null/NaN) it is the population mean pγ/(q−1).

    Examples
    --------
    With the CDNOW fit (p = 6.25, q = 3.74, γ = 15.44): a new customer is expected to
    spend 6.25·15.44/2.74 = 35.22 per purchase; one with x = 2 purchases averaging 22.35
    (6.25·15.44 + 6.25·2·22.35)/(12.5 + 2.74) = (96.5 + 279.375)/15.24 = 24.66.

    >>> fit = GammaGammaParams(p=6.25, q=3.74, gamma=15.44, loglik=0.0, n_customers=946,
    ...                        converged=True, spend_frequency_corr=0.11)
    >>> [round(float(v), 2) for v in expected_average_spend(fit, [0, 2], [float("nan"), 22.35])]
    [35.22, 24.66]
    """
    xa = np.asarray(x, dtype=np.float64)
    ma = np.nan_to_num(np.asarray(mean_spend, dtype=np.float64), nan=0.0)
    ma = np.where(xa > 0, ma, 0.0)
    px = params.p * xa
    return (params.p * params.gamma + px * ma) / (px + params.q - 1.0)
