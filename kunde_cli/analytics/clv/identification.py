"""Does the data pin the purchase model down? Plausible ranges and a flat-likelihood check.

A fit can converge inside its search range and still say little: when the likelihood is
nearly flat in some direction, parameter values orders of magnitude apart explain the
data almost equally well. That matters only when the predictions differ across them,
so a parameter is called *poorly identified* when

1. its plausible range spans at least a factor of :data:`WIDE_RANGE_FACTOR`, and
2. P(alive) of some customer moves by more than :data:`MATERIAL_P_ALIVE_SHIFT` between
   the estimate and the ends of that range.

Plausible range: the values whose profile log-likelihood is within
χ²₁(0.95)/2 = 1.92 of the maximum (the 95 % likelihood-ratio interval). It is found in
two steps, so a well-identified fit costs only a Hessian:

* the Hessian H of −LL in the log-parameters (central differences of the analytic
  gradient) gives each log-parameter a standard error and a Wald range
  ln θ̂ ± 1.96·se; when that range spans less than the wide factor, it is reported;
* otherwise the range is explored on the real likelihood along the direction in which
  the other parameters follow the profile (the column j of H⁻¹, scaled so that
  parameter j moves by one standard error per unit): from 1.96 units the step is
  doubled while −LL stays within 1.92 of its minimum, then bisected. Every end point
  is a parameter set within 1.92 of the maximum, so the profile likelihood there is too
  — the explored range lies inside the 95 % profile interval, and a range found wide
  is wide.

P(alive) is evaluated at the estimate and at both ends for every distinct customer
history; the largest absolute change is reported.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from kunde_cli.analytics.clv._optimise import Objective, _hessian

if TYPE_CHECKING:
    from numpy.typing import NDArray

#: 97.5 % point of the standard normal.
Z95 = 1.959963984540054
#: Half the 95 % point of χ²₁ (= Z95², 3.8415): values of a parameter whose profile
#: log-likelihood is within this (1.92) of the maximum are plausible.
PLAUSIBLE_LL_DROP = Z95**2 / 2
#: A plausible range spanning this factor (high / low) or more is "wide".
WIDE_RANGE_FACTOR = 10.0
#: A change of P(alive) larger than this for some customer is material.
MATERIAL_P_ALIVE_SHIFT = 0.1
#: Likelihood evaluations per explored direction (doubling, then bisection).
_EXPLORE_STEPS = 8


@dataclass(frozen=True)
class PlausibleRange:
    """The 95 % plausible range of one parameter (natural units).

    ``explored`` is True when the ends were found on the real likelihood (the range was
    wide by the Hessian) and False for the Hessian's Wald range;
    ``p_alive_shift`` is the largest change of any customer's P(alive) between the
    estimate and the ends (None when not explored).
    """

    name: str
    low: float
    high: float
    explored: bool
    p_alive_shift: float | None = None

    @property
    def factor(self) -> float:
        """high / low (inf when low is 0)."""
        return self.high / self.low if self.low > 0 else float("inf")


@dataclass(frozen=True)
class Identification:
    """How well the data pin the parameters down.

    ``ranges`` per parameter; ``log_std_errors`` the standard errors of the
    log-parameters from the inverse Hessian; ``condition`` the Hessian's condition
    number (inf when it is singular); ``flat`` the parameters that are poorly
    identified (wide range *and* a material P(alive) change across it);
    ``log_covariance`` the whole inverse Hessian (rows of the log-parameters' covariance,
    in the order of ``ranges``; empty when unknown) — the normal approximation that
    :mod:`~kunde_cli.analytics.clv.uncertainty` draws from. Rescaling time shifts only
    ln α, so it holds in the reported units too.
    """

    ranges: tuple[PlausibleRange, ...]
    log_std_errors: tuple[float, ...]
    condition: float
    flat: tuple[str, ...]
    log_covariance: tuple[tuple[float, ...], ...] = ()

    def range_of(self, name: str) -> PlausibleRange:
        """The range of parameter ``name``."""
        return next(r for r in self.ranges if r.name == name)

    @property
    def max_p_alive_shift(self) -> float:
        """The largest P(alive) change over the flat parameters' ranges (0 when none)."""
        return max(
            (r.p_alive_shift or 0.0 for r in self.ranges if r.name in self.flat), default=0.0
        )


def covariance_of(hess: NDArray[np.float64]) -> NDArray[np.float64]:
    """The inverse of a Hessian of −LL: the covariance of the normal approximation.

    A flat or curved-the-wrong-way direction (an optimum on a bound) gets a tiny
    curvature (10⁻¹² of the largest), hence a huge variance rather than a negative one.
    """
    eigval, eigvec = np.linalg.eigh(hess)
    floor = max(float(eigval.max()), 1e-300) * 1e-12
    return np.asarray((eigvec / np.maximum(eigval, floor)) @ eigvec.T, dtype=np.float64)


def log_covariance(
    objective: Objective, theta: NDArray[np.float64], total_weight: float
) -> tuple[tuple[float, ...], ...]:
    """The covariance of the log-parameters at the optimum ``theta`` of ``objective``
    (−LL per customer in the log-parameters, divided by ``total_weight``), as rows;
    empty when the Hessian is not finite."""
    with np.errstate(all="ignore"):
        hess = _hessian(objective, np.asarray(theta, dtype=np.float64)) * total_weight
    if not np.all(np.isfinite(hess)):
        return ()
    return tuple(tuple(float(v) for v in row) for row in covariance_of(hess))


def _box_limit(
    theta: NDArray[np.float64], step: NDArray[np.float64], bounds: Sequence[tuple[float, float]]
) -> float:
    """Largest t ≥ 0 keeping theta + t·step inside the bounds."""
    limit = np.inf
    for value, s, (lo, hi) in zip(theta, step, bounds, strict=True):
        if s > 0:
            limit = min(limit, (hi - value) / s)
        elif s < 0:
            limit = min(limit, (lo - value) / s)
    return max(float(limit), 0.0)


def _explore(
    drop: Callable[[NDArray[np.float64]], float],
    theta: NDArray[np.float64],
    step: NDArray[np.float64],
    bounds: Sequence[tuple[float, float]],
) -> NDArray[np.float64]:
    """The farthest point theta + t·step (t ≥ 0) found with drop ≤ 1.92."""
    t_max = _box_limit(theta, step, bounds)
    good, bad = 0.0, None
    t = min(Z95, t_max)
    for _ in range(_EXPLORE_STEPS):
        if t <= 0:
            break
        value = drop(theta + t * step)
        # (a relative 1e-9 of slack: on an exactly quadratic likelihood the first step
        # lands on the threshold itself)
        if np.isfinite(value) and value <= PLAUSIBLE_LL_DROP * (1 + 1e-9):
            good = t
            if t >= t_max:
                break
        else:
            bad = t
        t = min(2.0 * t, t_max) if bad is None else 0.5 * (good + bad)
    return theta + good * step


def identify(
    theta: NDArray[np.float64],
    full: Objective,
    total_weight: float,
    bounds: Sequence[tuple[float, float]],
    names: Sequence[str],
    to_natural: Callable[[int, float], float],
    p_alive_at: Callable[[NDArray[np.float64]], NDArray[np.float64]],
    curvature: Objective | None = None,
) -> Identification:
    """Plausible ranges and the flat-likelihood verdict at the optimum ``theta``.

    ``full`` is −LL per customer (and gradient) in the log-parameters, ``total_weight``
    the number of customers it is divided by; ``curvature`` an objective whose Hessian
    approximates the full one at lower cost (the screening sample on big data);
    ``to_natural(j, log_value)`` turns log-parameter j into its reported unit;
    ``p_alive_at(theta)`` P(alive) of every distinct customer history.
    """
    theta = np.asarray(theta, dtype=np.float64)
    n = theta.size
    with np.errstate(all="ignore"):
        hess = _hessian(curvature or full, theta) * total_weight
        f0 = full(theta)[0] * total_weight
    if not np.all(np.isfinite(hess)) or not np.isfinite(f0):
        nan = float("nan")
        unknown = tuple(PlausibleRange(name, nan, nan, False) for name in names)
        return Identification(unknown, (nan,) * n, float("inf"), ())
    eigval = np.linalg.eigvalsh(hess)
    top = max(float(eigval.max()), 1e-300)
    condition = top / float(eigval.min()) if eigval.min() > 0 else float("inf")
    # A flat or curved-the-wrong-way direction (an optimum on a bound) gets a tiny
    # curvature, hence a huge variance: its range runs to the bounds and is explored.
    cov = covariance_of(hess)
    se = np.sqrt(np.maximum(np.diag(cov), 0.0))

    def drop(point: NDArray[np.float64]) -> float:
        with np.errstate(all="ignore"):
            return float(full(point)[0] * total_weight - f0)

    base: NDArray[np.float64] | None = None
    ranges: list[PlausibleRange] = []
    flat: list[str] = []
    for j, name in enumerate(names):
        lo_b, hi_b = bounds[j]
        low = max(theta[j] - Z95 * se[j], lo_b)
        high = min(theta[j] + Z95 * se[j], hi_b)
        if high - low < np.log(WIDE_RANGE_FACTOR) or se[j] == 0:
            ranges.append(PlausibleRange(name, to_natural(j, low), to_natural(j, high), False))
            continue
        if base is None:
            with np.errstate(all="ignore"):
                base = p_alive_at(theta)
        step = cov[:, j] / se[j]
        shift = 0.0
        ends = []
        for sign in (-1.0, 1.0):
            end = _explore(drop, theta, sign * step, bounds)
            ends.append(float(end[j]))
            with np.errstate(all="ignore"):
                moved = np.abs(p_alive_at(end) - base)
            if moved.size and np.isfinite(moved).any():
                shift = max(shift, float(np.nanmax(moved)))
        low, high = min(ends), max(ends)
        ranges.append(PlausibleRange(name, to_natural(j, low), to_natural(j, high), True, shift))
        if high - low >= np.log(WIDE_RANGE_FACTOR) and shift > MATERIAL_P_ALIVE_SHIFT:
            flat.append(name)
    return Identification(
        tuple(ranges),
        tuple(float(v) for v in se),
        condition,
        tuple(flat),
        tuple(tuple(float(v) for v in row) for row in cov),
    )
