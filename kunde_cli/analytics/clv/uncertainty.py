"""How sure the fitted parameters are: draws from the fit's normal approximation.

A maximum-likelihood fit keeps the covariance of its log-parameters (the inverse
Hessian of −LL at the optimum: ``BgNbdParams.identification.log_covariance``,
``GammaGammaParams.log_covariance``). For large samples the log-parameters are
approximately normal around the estimate with that covariance, so a range for any
prediction comes from evaluating it under parameter sets drawn from that normal and
taking the 5 % and 95 % points of the results (a *parametric bootstrap* over the MLE's
covariance; no refitting, no MCMC). The log scale keeps every drawn parameter
positive and makes the normal approximation far better than on the natural scale.

API (everything deterministic by ``seed``):

* :func:`has_covariance` — whether a fit carries a usable covariance;
* :func:`draw_purchase_params` ``(params, n, seed) -> list[BgNbdParams]`` — n parameter
  sets of the BG/NBD or MBG/NBD model (same model, time unit and counts; the draws'
  ``identification`` is None and ``loglik`` is the estimate's);
* :func:`draw_spend_params` ``(params, n, seed) -> list[GammaGammaParams]`` — n
  Gamma-Gamma parameter sets, each with q > 1 (a finite mean spend: draws with q ≤ 1
  are replaced by fresh ones, i.e. the normal is truncated to the region where the
  model's mean exists);
* :func:`draw_log_params` — draws from a normal as an (n, k) array of log-parameters;
  :func:`draw_purchase_logs` — :func:`draw_purchase_params`'s draws as such an array,
  for vectorised callers;
* :func:`interval` — the central ``level`` interval of draws of a prediction
  (percentiles along axis 0).

The purchase and spend models are fitted on separate likelihoods (the joint likelihood
of BG/NBD × Gamma-Gamma factorises), so their draws are independent: draw them with
different seeds and pair them up by index.

Draws are kept within the fits' search ranges (e^-12 ≤ a, b ≤ e^7, lowered or raised
together so that a / (a + b) stays as drawn; every log-parameter within ±30), so a
direction the data hardly pin down cannot produce overflowing predictions; a parameter
that ran to the edge is held at the estimate (the likelihood is flat there; such a fit
fails the trust checks, :mod:`~kunde_cli.analytics.clv.trust`).

Examples
--------
>>> from kunde_cli.analytics.clv.bgnbd import BgNbdParams
>>> from kunde_cli.analytics.clv.identification import Identification
>>> cov = ((0.01, 0, 0, 0), (0, 0.01, 0, 0), (0, 0, 0.04, 0), (0, 0, 0, 0.04))
>>> ident = Identification((), (0.1, 0.1, 0.2, 0.2), 1.0, (), cov)
>>> fit = BgNbdParams(r=0.24, alpha=4.4, a=0.79, b=2.4, loglik=0.0, n_customers=2357,
...                   n_repeat=1411, converged=True, identification=ident)
>>> draws = draw_purchase_params(fit, 500, seed=1)
>>> len(draws), draws[0].model
(500, 'bgnbd')
>>> low, high = interval([d.r for d in draws])
>>> bool(0.24 * 0.82 < low < 0.24 < high < 0.24 * 1.22)  # e^(±1.645·0.1) = 0.85 … 1.18
True
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from kunde_cli.analytics.clv.bgnbd import LOG_BOUND, LOG_BOUND_AB, BgNbdParams
from kunde_cli.analytics.clv.gamma_gamma import GammaGammaParams
from kunde_cli.errors import ModelError
from kunde_cli.words.said import said

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray

#: The central interval reported by default (90 %).
LEVEL = 0.9
#: Draws used when the caller does not say.
DEFAULT_DRAWS = 200
#: Fixed default seed: the same fit always gives the same range.
DEFAULT_SEED = 20260412
#: Every drawn log-parameter stays within ±this (e^30 ≈ 1e13).
_LOG_LIMIT = 30.0
#: The purchase models' parameters in the order of :func:`log_params`.
_PURCHASE_NAMES = ("r", "alpha", "a", "b")


def _covariance(params: BgNbdParams | GammaGammaParams) -> NDArray[np.float64] | None:
    rows: tuple[tuple[float, ...], ...]
    if isinstance(params, BgNbdParams):
        rows = params.identification.log_covariance if params.identification else ()
        k = 4
    else:
        rows = params.log_covariance
        k = 3
    if len(rows) != k:
        return None
    cov = np.array(rows, dtype=np.float64)
    if cov.shape != (k, k) or not np.all(np.isfinite(cov)):
        return None
    return cov


def has_covariance(params: BgNbdParams | GammaGammaParams) -> bool:
    """True when the fit carries a finite covariance of its log-parameters (a fit made
    by :func:`~kunde_cli.analytics.clv.bgnbd.fit_purchase_model` or
    :func:`~kunde_cli.analytics.clv.gamma_gamma.fit_spend_model`; not one made by hand)."""
    return _covariance(params) is not None


def log_params(params: BgNbdParams | GammaGammaParams) -> NDArray[np.float64]:
    """The estimate's log-parameters: (ln r, ln α, ln a, ln b) with α in the fit's time
    unit, or (ln p, ln q, ln γ) with γ in money units."""
    values: tuple[float, ...] = (
        (params.r, params.alpha, params.a, params.b)
        if isinstance(params, BgNbdParams)
        else (params.p, params.q, params.gamma)
    )
    return np.log(np.array(values, dtype=np.float64))


def _require(params: BgNbdParams | GammaGammaParams) -> NDArray[np.float64]:
    cov = _covariance(params)
    if cov is None:
        raise ModelError(said("uncertainty_no_covariance"))
    return cov


def draw_log_params(
    mean: ArrayLike,
    cov: ArrayLike,
    n: int,
    seed: int = DEFAULT_SEED,
    *,
    upper: ArrayLike | None = None,
    limit: float = _LOG_LIMIT,
) -> NDArray[np.float64]:
    """``n`` draws (rows) from Normal(``mean``, ``cov``), clipped to ±``limit`` (30) and
    to ``upper``.

    Drawn as mean + L·z with L from the eigen-decomposition of ``cov`` (negative
    eigenvalues of a numerically indefinite covariance are taken as 0), so the result
    depends only on the seed and the inputs.
    """
    mu = np.asarray(mean, dtype=np.float64).ravel()
    sigma = np.asarray(cov, dtype=np.float64).reshape(mu.size, mu.size)
    eigval, eigvec = np.linalg.eigh(0.5 * (sigma + sigma.T))
    root = eigvec * np.sqrt(np.maximum(eigval, 0.0))
    z = np.random.default_rng(seed).standard_normal((int(n), mu.size))
    draws: NDArray[np.float64] = mu + z @ root.T
    high = np.full(mu.size, limit) if upper is None else np.asarray(upper, dtype=np.float64)
    return np.asarray(np.clip(draws, -limit, np.minimum(high, limit)), dtype=np.float64)


def draw_purchase_logs(
    params: BgNbdParams, n: int = DEFAULT_DRAWS, seed: int = DEFAULT_SEED
) -> NDArray[np.float64]:
    """``n`` draws (rows) of (ln r, ln α, ln a, ln b) from the fit's normal approximation.

    A parameter that ran to the edge of the search range (``params.at_bounds``) is held
    at the estimate and the others are drawn from the normal conditioned on it: at the
    edge the likelihood is flat, and its covariance there says nothing (a fit whose a and
    b both ran off, no customer seeming to drop out, had standard errors of 28,000 on the
    log scale; drawn freely, every draw came back as a = b, a drop-out chance of 50 %
    instead of 0, and the range missed the estimate). Such a fit fails the trust checks.

    Raises ModelError when the fit has no covariance (see :func:`has_covariance`).
    """
    cov = _require(params)
    mean = log_params(params)
    held = [i for i, name in enumerate(_PURCHASE_NAMES) if name in params.at_bounds]
    if held:
        free = [i for i in range(mean.size) if i not in held]
        logs = np.tile(mean, (int(n), 1))
        if free:
            s_fh = cov[np.ix_(free, held)]
            conditional = (
                cov[np.ix_(free, free)] - s_fh @ np.linalg.pinv(cov[np.ix_(held, held)]) @ s_fh.T
            )
            logs[:, free] = draw_log_params(mean[free], conditional, n, seed, limit=np.inf)
    else:
        logs = draw_log_params(mean, cov, n, seed, limit=np.inf)
    # a and b beyond the fit's search range are brought back *along the ridge*: both
    # lowered (raised) by the same amount, which keeps a / (a + b), the mean drop-out
    # chance, that the data do pin down. (Clipping each alone would turn a homogeneous
    # fit's a = 30, b = 1,100 — drop-out 2.7 % — into a = b = 1,100: 50 %; below the
    # range, a = b ≈ 1e-13 even gave a negative number of purchases.)
    ab = logs[:, 2:4]
    ab -= np.maximum(ab.max(axis=1) - LOG_BOUND_AB, 0.0)[:, None]
    ab += np.maximum(-LOG_BOUND - ab.min(axis=1), 0.0)[:, None]
    logs[:, 2:4] = np.clip(ab, -LOG_BOUND, LOG_BOUND_AB)
    return np.clip(logs, -_LOG_LIMIT, _LOG_LIMIT)


def draw_purchase_params(
    params: BgNbdParams, n: int = DEFAULT_DRAWS, seed: int = DEFAULT_SEED
) -> list[BgNbdParams]:
    """``n`` BG/NBD (or MBG/NBD) parameter sets from the fit's normal approximation.

    Raises ModelError when the fit has no covariance (see :func:`has_covariance`).
    """
    values = np.exp(draw_purchase_logs(params, n, seed))
    # E[X(t)] divides by a − 1: keep a drawn a off exactly 1.
    values[:, 2] = np.where(np.abs(values[:, 2] - 1.0) < 1e-9, 1.0 + 1e-9, values[:, 2])
    return [
        dataclasses.replace(
            params,
            r=float(r),
            alpha=float(al),
            a=float(a),
            b=float(b),
            identification=None,
        )
        for r, al, a, b in values
    ]


def draw_spend_params(
    params: GammaGammaParams, n: int = DEFAULT_DRAWS, seed: int = DEFAULT_SEED
) -> list[GammaGammaParams]:
    """``n`` Gamma-Gamma parameter sets from the fit's normal approximation, each with
    q > 1 (draws with q ≤ 1 are replaced by further draws of the same stream; after 20
    rounds the rest are set to the estimate). Raises ModelError without a covariance."""
    cov = _require(params)
    mean = log_params(params)
    kept = np.empty((0, 3))
    for round_ in range(20):
        batch = draw_log_params(mean, cov, 2 * int(n) + 8, seed + round_)
        kept = np.vstack([kept, batch[batch[:, 1] > 1e-6]])
        if kept.shape[0] >= n:
            break
    if kept.shape[0] < n:
        kept = np.vstack([kept, np.tile(mean, (int(n) - kept.shape[0], 1))])
    values = np.exp(kept[: int(n)])
    return [
        dataclasses.replace(params, p=float(p), q=float(q), gamma=float(g), log_covariance=())
        for p, q, g in values
    ]


def interval(
    draws: ArrayLike | Sequence[float], level: float = LEVEL
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The central ``level`` interval of ``draws`` along axis 0: the (1−level)/2 and
    (1+level)/2 percentiles (linear interpolation), elementwise for arrays of draws.

    Draws that are not finite (a prediction that overflowed under an extreme
    parameter set) are left out; where none is finite the ends are NaN.

    >>> low, high = interval(list(range(101)) + [float("nan")])
    >>> round(float(low), 9), round(float(high), 9)
    (5.0, 95.0)
    """
    values = np.asarray(draws, dtype=np.float64)
    values = np.where(np.isfinite(values), values, np.nan)
    tail = (1.0 - level) / 2.0
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN cells stay NaN
        low, high = np.nanquantile(values, [tail, 1.0 - tail], axis=0)
    return np.asarray(low, dtype=np.float64), np.asarray(high, dtype=np.float64)
