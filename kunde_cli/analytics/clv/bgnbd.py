"""BG/NBD purchase model (Fader, Hardie & Lee 2005) and its MBG/NBD variant (Batislam et al. 2007).

Model: while alive, customer *i* buys as a Poisson process with rate λᵢ ~ Gamma(r, α);
after each repeat purchase she drops out for good with probability pᵢ ~ Beta(a, b).
MBG/NBD lets her also drop out right after the first purchase, so a one-time buyer
grows less likely to be alive as time passes; under plain BG/NBD P(alive) = 1 for every
customer with x = 0, however old (a model property, not a bug).

Likelihood per customer (Fader, Hardie & Lee 2005, eq. 6; Batislam et al. 2007, eq. 3),
with shift s = 0 (BG/NBD) or 1 (MBG/NBD)::

    LL = ln Γ(r+x) − ln Γ(r) + r ln α                                   (A1)
       + ln B(a, b+x+s) − ln B(a, b)                                    (A2)
       + ln[ (α+T)^−(r+x) + δ · a/(b+x+s−1) · (α+t_x)^−(r+x) ]          (A3 ⊕ A4)

where δ = 1 when x + s > 0. The sum is taken as A3 + softplus(A4 − A3) so it stays
finite for large x and T; A1 and A2 depend on x only and are evaluated once per distinct
x; customers sharing (x, t_x, T) are one weighted term. Parameters are optimised on the
log scale with analytic gradients (SLSQP with bounds) from several starting points, on times
rescaled so that the oldest customer is 10 units old (only α carries the time unit, so
the rescaling is undone exactly afterwards).

Predictions (pure functions of a frozen :class:`BgNbdParams`):

* :func:`p_alive` — P(alive | x, t_x, T) = 1 / (1 + δ · a/(b+x+s−1) · ((α+T)/(α+t_x))^(r+x));
* :func:`expected_purchases` — E[X(t)] for a new customer (paper eq. 9);
* :func:`conditional_expected_purchases` — E[X(T, T+t] | x, t_x, T] (paper eq. 10), i.e.
  P(alive) × the expected purchases of a customer alive at T, computed with Euler's
  transformation of ₂F₁ so the hypergeometric arguments stay small for large x.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy.special import digamma, expit, gammaln, hyp2f1

from kunde_cli.analytics.clv._optimise import (
    Objective,
    converged,
    minimise_multistart,
    screening_sample,
)
from kunde_cli.analytics.clv.identification import Identification, identify
from kunde_cli.analytics.clv.summary import (
    DEFAULT_TIME_UNIT_DAYS,
    REPEAT_PURCHASES,
    T_AGE,
    T_X,
    WEIGHT,
    collapse_patterns,
)
from kunde_cli.errors import ModelError
from kunde_cli.words.said import said

if TYPE_CHECKING:
    import polars as pl
    from numpy.typing import ArrayLike, NDArray

MODEL_BGNBD = "bgnbd"
MODEL_MBGNBD = "mbgnbd"
MODELS = (MODEL_BGNBD, MODEL_MBGNBD)
#: How the models are written in messages.
MODEL_NAMES = {MODEL_BGNBD: "BG/NBD", MODEL_MBGNBD: "MBG/NBD"}
PARAM_NAMES = ("r", "alpha", "a", "b")

#: Below these the likelihood has too little to work with: refuse to fit.
MIN_CUSTOMERS = 10
MIN_REPEAT_CUSTOMERS = 5
#: Bounds of the log-parameters (on rescaled time): e^±12 ≈ 6e-6 … 1.6e5.
LOG_BOUND = 12.0
#: a and b are searched up to e^7 ≈ 1100: beyond that Beta(a, b) is a point mass for
#: every practical purpose (every customer drops out with the same p = a / (a + b)),
#: and the hypergeometric terms of the predictions overflow.
LOG_BOUND_AB = 7.0
#: A fit with a or b at that bound whose Beta(a, b) varies less than this (coefficient
#: of variation) is the homogeneous limit above, not a failure: p = a / (a + b) is well
#: determined and the predictions no longer depend on how far a and b would run.
HOMOGENEOUS_CV = 0.25


def _dropout_cv(a: float, b: float) -> float:
    """Coefficient of variation of the drop-out probability p ~ Beta(a, b)."""
    return float(np.sqrt(b / (a * (a + b + 1.0))))


#: A log-parameter this close to a bound counts as "at the bound".
BOUND_MARGIN = 0.05
#: Oldest customer's age after rescaling time for the optimiser.
TIME_SCALE_TARGET = 10.0

_HINT = said("model_purchase_hint")


@dataclass(frozen=True)
class BgNbdParams:
    """A fitted BG/NBD or MBG/NBD model.

    ``alpha`` is in units of ``time_unit_days`` days (r, a, b have no unit);
    ``loglik`` is the total log-likelihood in those units; ``n_customers`` and
    ``n_repeat`` count the customers (and those with x > 0) it was fitted on;
    ``at_bounds`` names parameters that ran to the edge of the search range;
    ``identification`` holds the plausible ranges and the flat-likelihood verdict
    (:mod:`~kunde_cli.analytics.clv.identification`; None for hand-made parameters).
    """

    r: float
    alpha: float
    a: float
    b: float
    loglik: float
    n_customers: int
    n_repeat: int
    converged: bool
    model: str = MODEL_BGNBD
    time_unit_days: float = DEFAULT_TIME_UNIT_DAYS
    at_bounds: tuple[str, ...] = ()
    identification: Identification | None = None

    @property
    def shift(self) -> int:
        """0 for BG/NBD, 1 for MBG/NBD (drop-out possible right after the first purchase)."""
        return _shift(self.model)

    def as_dict(self) -> dict[str, float]:
        """The four parameters by name."""
        return {"r": self.r, "alpha": self.alpha, "a": self.a, "b": self.b}


def check_model(model: str) -> None:
    """Raise ModelError unless ``model`` is ``bgnbd`` or ``mbgnbd``."""
    if model not in MODELS:
        raise ModelError(said("model_unknown", model=model), hint=said("model_unknown_hint"))


def _shift(model: str) -> int:
    check_model(model)
    return 0 if model == MODEL_BGNBD else 1


# --- data preparation -------------------------------------------------------------


@dataclass(frozen=True)
class _Data:
    """Arrays for the likelihood, split by whether the A4 term exists.

    Rows are customers (or weighted patterns) with an A4 term (x + s > 0). Their ages
    and recencies are stored as indices into the distinct values, so logarithms are
    taken once per distinct T or t_x (a few thousand days), not once per customer.
    """

    x: NDArray[np.float64]
    w: NDArray[np.float64]
    x_index: NDArray[np.intp]  # each row's position in x_unique
    age_index: NDArray[np.intp]  # … in age_unique
    tx_index: NDArray[np.intp]  # … in tx_unique
    x_unique: NDArray[np.float64]
    w_by_x: NDArray[np.float64]
    age_unique: NDArray[np.float64]
    w_by_age: NDArray[np.float64]  # Σ w per distinct T (A4 rows)
    wx_by_age: NDArray[np.float64]  # Σ w·x per distinct T (A4 rows)
    tx_unique: NDArray[np.float64]
    age0: NDArray[np.float64]  # rows without A4 (BG/NBD, x = 0): distinct T
    w0: NDArray[np.float64]
    total_w: float
    sum_wx: float


def _wsum(u: NDArray[np.float64], v: NDArray[np.float64]) -> float:
    # Not np.dot: for long vectors it goes to threaded OpenBLAS, which is 20-30×
    # slower than a plain multiply-and-sum when the machine is busy.
    return float(np.sum(u * v))


def _weighted_counts(
    index: NDArray[np.intp], weights: NDArray[np.float64], minlength: int
) -> NDArray[np.float64]:
    """Σ ``weights`` per value of ``index`` (np.bincount with weights: float64, though
    numpy's stub says intp)."""
    return np.bincount(index, weights=weights, minlength=minlength).astype(np.float64, copy=False)


def _prepare(
    x: NDArray[np.float64],
    t_x: NDArray[np.float64],
    age: NDArray[np.float64],
    w: NDArray[np.float64],
    shift: int,
) -> _Data:
    has_a4 = (x + shift) > 0
    xs = x[has_a4]
    ws = w[has_a4]
    x_unique, x_index = np.unique(xs, return_inverse=True)
    age_unique, age_index = np.unique(age[has_a4], return_inverse=True)
    tx_unique, tx_index = np.unique(t_x[has_a4], return_inverse=True)
    age0, inverse0 = np.unique(age[~has_a4], return_inverse=True)
    return _Data(
        x=xs,
        w=ws,
        x_index=x_index,
        age_index=age_index,
        tx_index=tx_index,
        x_unique=x_unique.astype(np.float64),
        w_by_x=_weighted_counts(x_index, weights=ws, minlength=x_unique.size),
        age_unique=age_unique,
        w_by_age=_weighted_counts(age_index, weights=ws, minlength=age_unique.size),
        wx_by_age=_weighted_counts(age_index, weights=ws * xs, minlength=age_unique.size),
        tx_unique=tx_unique,
        age0=age0,
        w0=_weighted_counts(inverse0, weights=w[~has_a4], minlength=age0.size),
        total_w=float(w.sum()),
        sum_wx=_wsum(w, x),
    )


# --- likelihood -------------------------------------------------------------------


def _loglik_and_grad(
    params: NDArray[np.float64], d: _Data, shift: int
) -> tuple[float, NDArray[np.float64]]:
    """Total log-likelihood and its gradient with respect to (r, α, a, b)."""
    r, al, a, b = params
    xu = d.x_unique
    log_al = np.log(al)
    # Per distinct x: A1 + A2, the A4 constant, and their derivatives.
    a12 = (
        gammaln(r + xu)
        - gammaln(r)
        + r * log_al
        + gammaln(a + b)
        + gammaln(b + xu + shift)
        - gammaln(b)
        - gammaln(a + b + xu + shift)
    )
    b_x = b + xu + shift - 1.0
    c4 = np.log(a) - np.log(b_x)
    psi_ab = digamma(a + b)
    psi_abx = digamma(a + b + xu + shift)
    # Per distinct T and t_x.
    log_age = np.log(al + d.age_unique)
    inv_age = 1.0 / (al + d.age_unique)
    log_tx = np.log(al + d.tx_unique)
    inv_tx = 1.0 / (al + d.tx_unique)
    # Per row: A3 = −(r+x)·ln(α+T) sums per distinct T; only A4 − A3 needs every row:
    # z = c4 + (r+x)·(ln(α+T) − ln(α+t_x)), LL += softplus(z), w4 = sigmoid(z).
    rx = r + d.x
    dlog = log_age[d.age_index] - log_tx[d.tx_index]
    z = c4[d.x_index] + rx * dlog
    e = np.exp(-np.abs(z))
    softplus = np.maximum(z, 0.0) + np.log1p(e)
    w4 = np.where(z >= 0.0, 1.0, e) / (1.0 + e)  # share of "dropped out right after t_x"
    ww4 = d.w * w4
    w4_by_x = _weighted_counts(d.x_index, weights=ww4, minlength=xu.size)
    a3_weight = r * d.w_by_age + d.wx_by_age  # Σ w·(r+x) per distinct T
    loglik = _wsum(d.w_by_x, a12) + _wsum(d.w, softplus) - _wsum(a3_weight, log_age)
    g_r = (
        _wsum(d.w_by_x, digamma(r + xu) - digamma(r) + log_al)
        + _wsum(ww4, dlog)
        - _wsum(d.w_by_age, log_age)
    )
    g_al = (
        d.w_by_x.sum() * r / al
        - _wsum(a3_weight, inv_age)
        + _wsum(ww4 * rx, inv_age[d.age_index] - inv_tx[d.tx_index])
    )
    g_a = _wsum(d.w_by_x, psi_ab - psi_abx) + w4_by_x.sum() / a
    g_b = _wsum(d.w_by_x, psi_ab + digamma(b + xu + shift) - digamma(b) - psi_abx) - _wsum(
        w4_by_x, 1.0 / b_x
    )
    if d.age0.size:
        # BG/NBD customers with x = 0: LL = r ln α − r ln(α+T).
        log_t0 = np.log(al + d.age0)
        loglik += _wsum(d.w0, r * log_al - r * log_t0)
        g_r += _wsum(d.w0, log_al - log_t0)
        g_al += _wsum(d.w0, r / al - r / (al + d.age0))
    return loglik, np.array([g_r, g_al, g_a, g_b])


def loglik(
    params: BgNbdParams | Sequence[float],
    x: ArrayLike,
    t_x: ArrayLike,
    age: ArrayLike,
    weights: ArrayLike | None = None,
    *,
    model: str = MODEL_BGNBD,
) -> float:
    """Total log-likelihood of (r, α, a, b) on the given customers (time in α's unit)."""
    if isinstance(params, BgNbdParams):
        model = params.model
        values = np.array([params.r, params.alpha, params.a, params.b], dtype=np.float64)
    else:
        values = np.asarray(params, dtype=np.float64)
    shift = _shift(model)
    xa, txa, agea, wa = _arrays(x, t_x, age, weights)
    return _loglik_and_grad(values, _prepare(xa, txa, agea, wa, shift), shift)[0]


def _arrays(
    x: ArrayLike, t_x: ArrayLike, age: ArrayLike, weights: ArrayLike | None
) -> tuple[NDArray[np.float64], ...]:
    xa = np.asarray(x, dtype=np.float64).ravel()
    txa = np.asarray(t_x, dtype=np.float64).ravel()
    agea = np.asarray(age, dtype=np.float64).ravel()
    wa = np.ones_like(xa) if weights is None else np.asarray(weights, dtype=np.float64).ravel()
    if not (xa.size == txa.size == agea.size == wa.size):
        raise ModelError(said("model_lengths_differ"))
    return xa, txa, agea, wa


# --- fitting ----------------------------------------------------------------------


def _check_data(
    xa: NDArray[np.float64],
    txa: NDArray[np.float64],
    agea: NDArray[np.float64],
    wa: NDArray[np.float64],
) -> tuple[int, int]:
    """(customers, repeat customers), or a ModelError saying why the data cannot be fitted."""
    if xa.size == 0 or wa.sum() == 0:
        raise ModelError(said("model_no_customers"), hint=_HINT)
    bad = (
        ~np.isfinite(xa)
        | ~np.isfinite(txa)
        | ~np.isfinite(agea)
        | (xa < 0)
        | (xa != np.round(xa))
        | (txa < 0)
        | (txa > agea + 1e-9)
        | ((xa == 0) & (txa != 0))
        | (wa < 0)
    )
    if bad.any():
        raise ModelError(said("model_impossible_histories", n=int(bad.sum())))
    n_customers = round(float(wa.sum()))
    n_repeat = round(float(wa[xa > 0].sum()))
    if agea.max() <= 0:
        raise ModelError(said("model_one_day"), hint=_HINT)
    if n_repeat == 0:
        raise ModelError(said("model_no_repeat"), hint=_HINT)
    if n_customers < MIN_CUSTOMERS:
        raise ModelError(said("model_few_customers", n=n_customers, min=MIN_CUSTOMERS), hint=_HINT)
    if n_repeat < MIN_REPEAT_CUSTOMERS:
        raise ModelError(said("model_few_repeat", n=n_repeat, min=MIN_REPEAT_CUSTOMERS), hint=_HINT)
    return n_customers, n_repeat


def _starts(d: _Data) -> list[NDArray[np.float64]]:
    """Starting points (log scale): a purchase rate near the data's, three shapes."""
    exposure = _wsum(d.w_by_age, d.age_unique) + _wsum(d.w0, d.age0)
    rate = max(d.sum_wx / max(exposure, 1e-12), 1e-3)
    points = [(1.0, 1.0, 1.0), (0.5, 0.5, 2.0), (2.0, 2.0, 8.0)]
    return [np.log([r, r / rate, a, b]) for r, a, b in points]


def _objective(d: _Data, shift: int) -> Objective:
    """−LL per customer and its gradient in the log-parameters."""

    def objective(theta: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
        values = np.exp(theta)
        ll, grad = _loglik_and_grad(values, d, shift)
        return -ll / d.total_w, -(grad * values) / d.total_w

    return objective


def fit_purchase_model(
    x: ArrayLike,
    t_x: ArrayLike,
    age: ArrayLike,
    weights: ArrayLike | None = None,
    *,
    model: str = MODEL_BGNBD,
    time_unit_days: float = DEFAULT_TIME_UNIT_DAYS,
    strict: bool = True,
) -> BgNbdParams:
    """Maximum-likelihood BG/NBD (``model="bgnbd"``) or MBG/NBD (``"mbgnbd"``) fit on arrays.

    ``x`` repeat purchases, ``t_x`` recency and ``age`` (T) in one time unit
    (``time_unit_days`` days, recorded on the result), ``weights`` the number of
    customers per row (default 1 each).

    Three starting points are tried (on a 20,000-row sample when there are more
    patterns than that) and the best is optimised on all the data.

    Raises ModelError when the data cannot support a fit (no customers, fewer than 10
    customers or 5 repeat customers, no repeat purchases, everything on one day) and,
    when ``strict``, when the fit did not converge or a parameter ran to the edge of
    its range. With ``strict=False`` such fits are returned with ``converged=False`` or
    ``at_bounds`` set, for diagnostics.
    """
    shift = _shift(model)
    xa, txa, agea, wa = _arrays(x, t_x, age, weights)
    n_customers, n_repeat = _check_data(xa, txa, agea, wa)
    scale = TIME_SCALE_TARGET / float(agea.max())
    txa, agea = txa * scale, agea * scale
    d = _prepare(xa, txa, agea, wa, shift)
    full = _objective(d, shift)
    screen = None
    sample = screening_sample(xa.size, keep=xa == 0)
    if sample is not None:
        idx, factor = sample
        screen = _objective(_prepare(xa[idx], txa[idx], agea[idx], wa[idx] * factor, shift), shift)
    bounds = [(-LOG_BOUND, LOG_BOUND)] * 2 + [(-LOG_BOUND, LOG_BOUND_AB)] * 2
    best = minimise_multistart(full, _starts(d), bounds, screen)
    if best is None:
        raise ModelError(said("model_not_finite"), hint=_HINT)
    theta = np.asarray(best.x, dtype=np.float64)
    is_converged = converged(best, full)
    at_bounds = tuple(
        name
        for name, value, (lo, hi) in zip(PARAM_NAMES, theta, bounds, strict=True)
        if min(abs(value - lo), abs(value - hi)) < BOUND_MARGIN
    )
    r, al_scaled, a, b = (float(v) for v in np.exp(theta))
    alpha = al_scaled / scale

    def p_alive_at(point: NDArray[np.float64]) -> NDArray[np.float64]:
        r_, al_, a_, b_ = np.exp(point)
        return _p_alive_values(r_, al_, a_, b_, shift, xa, txa, agea)

    identification = identify(
        theta,
        full,
        d.total_w,
        bounds,
        PARAM_NAMES,
        lambda j, v: float(np.exp(v)) / (scale if j == 1 else 1.0),
        p_alive_at,
        curvature=screen,
    )
    if at_bounds and set(at_bounds) <= {"a", "b"} and _dropout_cv(a, b) < HOMOGENEOUS_CV:
        at_bounds = ()
    # Undo the time rescaling in the log-likelihood: each repeat purchase carries a
    # rate density (1/time), so LL(original) = LL(rescaled) + Σ x · ln(scale).
    total_ll = -best.fun * d.total_w + d.sum_wx * np.log(scale)
    params = BgNbdParams(
        r=r,
        alpha=alpha,
        a=a,
        b=b,
        loglik=float(total_ll),
        n_customers=n_customers,
        n_repeat=n_repeat,
        converged=is_converged,
        model=model,
        time_unit_days=float(time_unit_days),
        at_bounds=at_bounds,
        identification=identification,
    )
    if strict:
        if not is_converged:
            raise ModelError(
                said("model_not_converged", model=MODEL_NAMES[model], detail=best.message),
                hint=_HINT,
            )
        if at_bounds:
            raise ModelError(
                said("model_at_edge", model=MODEL_NAMES[model], names=", ".join(at_bounds)),
                hint=_HINT,
            )
    return params


def fit_bgnbd(
    summary: pl.LazyFrame | pl.DataFrame,
    *,
    time_unit_days: float = DEFAULT_TIME_UNIT_DAYS,
    strict: bool = True,
) -> BgNbdParams:
    """Fit BG/NBD on an :func:`~kunde_cli.analytics.clv.summary.rfm_summary` frame.

    ``time_unit_days`` must be the unit the summary was made with. Identical
    (x, t_x, T) patterns are collapsed into weighted terms first. See
    :func:`fit_purchase_model` for errors.
    """
    return _fit_frame(summary, MODEL_BGNBD, time_unit_days, strict)


def _fit_frame(
    summary: pl.LazyFrame | pl.DataFrame, model: str, time_unit_days: float, strict: bool
) -> BgNbdParams:
    patterns = collapse_patterns(summary)
    return fit_purchase_model(
        patterns[REPEAT_PURCHASES].to_numpy(),
        patterns[T_X].to_numpy(),
        patterns[T_AGE].to_numpy(),
        patterns[WEIGHT].to_numpy(),
        model=model,
        time_unit_days=time_unit_days,
        strict=strict,
    )


# --- predictions ------------------------------------------------------------------


def _values(params: BgNbdParams) -> tuple[float, float, float, float, int]:
    return params.r, params.alpha, params.a, params.b, params.shift


def p_alive(
    params: BgNbdParams, x: ArrayLike, t_x: ArrayLike, age: ArrayLike
) -> NDArray[np.float64]:
    """P(alive at T | x, t_x, T) (Fader, Hardie & Lee 2008, note 021; Batislam et al. eq. 5).

    BG/NBD: 1 / (1 + δ(x>0) · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)) — exactly 1 when x = 0.
    MBG/NBD: 1 / (1 + a/(b+x) · ((α+T)/(α+t_x))^(r+x)).

    Examples
    --------
    >>> fit = BgNbdParams(r=0.243, alpha=4.414, a=0.793, b=2.426, loglik=0.0,
    ...                   n_customers=2357, n_repeat=1, converged=True)
    >>> [round(float(v), 4) for v in p_alive(fit, [0, 2], [0.0, 30.43], [38.86, 38.86])]
    [1.0, 0.7266]

    By hand for x = 2: a/(b+1) = 0.793/3.426 = 0.2315; (43.274/34.844)^2.243 = 1.6258;
    1/(1 + 0.2315 · 1.6258) = 0.7266.
    """
    r, al, a, b, shift = _values(params)
    return _p_alive_values(
        r,
        al,
        a,
        b,
        shift,
        np.asarray(x, dtype=np.float64),
        np.asarray(t_x, dtype=np.float64),
        np.asarray(age, dtype=np.float64),
    )


def _p_alive_values(
    r: float,
    al: float,
    a: float,
    b: float,
    shift: int,
    xa: NDArray[np.float64],
    txa: NDArray[np.float64],
    agea: NDArray[np.float64],
) -> NDArray[np.float64]:
    has_term = (xa + shift) > 0
    b_x = np.where(has_term, b + xa + shift - 1.0, 1.0)
    z = np.log(a) - np.log(b_x) + (r + xa) * (np.log(al + agea) - np.log(al + txa))
    return np.where(has_term, expit(-z), 1.0)


def purchases_if_alive(
    params: BgNbdParams, t: ArrayLike, x: ArrayLike, age: ArrayLike
) -> NDArray[np.float64]:
    """Expected purchases in (T, T+t] for a customer *known to be alive* at T.

    c/(a−1) · [1 − (1−z)^(a−1) · ₂F₁(a+b−1+s−r, a−1; c; z)], c = a+b+x−1+s,
    z = t/(α+T+t) — paper eq. 10 without its P(alive) denominator, after Euler's
    transformation ₂F₁(A,B;C;z) = (1−z)^(C−A−B) ₂F₁(C−A,C−B;C;z).
    """
    r, al, a, b, shift = _values(params)
    ta = np.asarray(t, dtype=np.float64)
    xa = np.asarray(x, dtype=np.float64)
    agea = np.asarray(age, dtype=np.float64)
    c = a + b + xa - 1.0 + shift
    z = ta / (al + agea + ta)
    hyp = hyp2f1(a + b - 1.0 + shift - r, a - 1.0, c, z)
    return c / (a - 1.0) * (1.0 - np.power(1.0 - z, a - 1.0) * hyp)


def conditional_expected_purchases(
    params: BgNbdParams, t: ArrayLike, x: ArrayLike, t_x: ArrayLike, age: ArrayLike
) -> NDArray[np.float64]:
    """E[purchases in (T, T+t] | x, t_x, T] = P(alive) × purchases if alive (paper eq. 10).

    ``t`` in the model's time unit. Published check (Fader, Hardie & Lee 2005,
    CDNOW): x = 2, t_x = 30.43, T = 38.86 weeks, t = 39 weeks → 1.226.

    Examples
    --------
    >>> fit = BgNbdParams(r=0.243, alpha=4.414, a=0.793, b=2.426, loglik=0.0,
    ...                   n_customers=2357, n_repeat=1, converged=True)
    >>> round(float(conditional_expected_purchases(fit, 39, 2, 30.43, 38.86)), 3)
    1.226
    """
    return p_alive(params, x, t_x, age) * purchases_if_alive(params, t, x, age)


def expected_purchases(params: BgNbdParams, t: ArrayLike) -> NDArray[np.float64]:
    """E[X(t)]: expected repeat purchases in the first ``t`` time units of a new customer (eq. 9).

    Examples
    --------
    >>> fit = BgNbdParams(r=0.243, alpha=4.414, a=0.793, b=2.426, loglik=0.0,
    ...                   n_customers=2357, n_repeat=1, converged=True)
    >>> [round(float(v), 3) + 0.0 for v in expected_purchases(fit, [0.0, 1.0, 78.0])]
    [0.0, 0.053, 1.861]

    (With the unrounded CDNOW fit, t = 78 weeks gives the published 1.858; see tests.)
    """
    # A new customer is the case x = 0, t_x = 0, T = 0; under MBG/NBD its P(alive) is
    # b / (a + b) (she may drop out right after the first purchase), under BG/NBD 1.
    return conditional_expected_purchases(params, t, 0.0, 0.0, 0.0)
