"""Multi-start maximum likelihood shared by the purchase and spend models.

Every starting point is run on a *screening* sample when the data is large (a uniform
sample of rows, reweighted by 1/π so its log-likelihood estimates the full one), then
the best is polished on all the data. The screening finds the right basin cheaply; the
polish makes the answer the exact maximum of the full likelihood.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np
from scipy.optimize import OptimizeResult, minimize

if TYPE_CHECKING:
    from numpy.typing import NDArray

#: Rows above which the starting points are screened on a sample.
SCREEN_ROWS = 20_000
#: Fixed seed: the same data always gives the same fit.
SCREEN_SEED = 20050401

Objective = Callable[["NDArray[np.float64]"], tuple[float, "NDArray[np.float64]"]]


def screening_sample(
    n_rows: int, keep: NDArray[np.bool_] | None = None
) -> tuple[NDArray[np.intp], NDArray[np.float64]] | None:
    """Row indices and their 1/π weight factors, or None when the data is small.

    Rows flagged in ``keep`` are always taken (π = 1).
    """
    if n_rows <= SCREEN_ROWS:
        return None
    keep = np.zeros(n_rows, dtype=bool) if keep is None else keep
    others = np.flatnonzero(~keep)
    pi = min(1.0, SCREEN_ROWS / max(others.size, 1))
    rng = np.random.default_rng(SCREEN_SEED)
    chosen = others[rng.random(others.size) < pi]
    index = np.sort(np.concatenate([np.flatnonzero(keep), chosen]))
    factor = np.where(keep[index], 1.0, 1.0 / pi)
    return index, factor


def _run(
    objective: Objective, start: NDArray[np.float64], bounds: Sequence[tuple[float, float]]
) -> OptimizeResult:
    # SLSQP rather than L-BFGS-B: the same number of evaluations here, but L-BFGS-B's
    # tiny LAPACK calls go through threaded OpenBLAS and stall for milliseconds each
    # on a busy two-core machine (measured 30× slower on the CDNOW fit).
    with np.errstate(over="ignore", under="ignore"):
        return minimize(
            objective,
            start,
            jac=True,
            method="SLSQP",
            bounds=bounds,
            options={"ftol": 1e-15, "maxiter": 500},
        )


def _hessian(objective: Objective, x: NDArray[np.float64], h: float = 1e-4) -> NDArray[np.float64]:
    """Central-difference Hessian from the analytic gradient (2n gradient calls)."""
    n = x.size
    hess = np.empty((n, n))
    for i in range(n):
        step = np.zeros(n)
        step[i] = h
        hess[:, i] = (objective(x + step)[1] - objective(x - step)[1]) / (2 * h)
    return 0.5 * (hess + hess.T)


def _newton_polish(
    objective: Objective,
    x0: NDArray[np.float64],
    hess: NDArray[np.float64],
    bounds: Sequence[tuple[float, float]],
    *,
    max_iter: int = 30,
    gtol: float = 1e-9,
) -> OptimizeResult | None:
    """Quasi-Newton from ``x0`` starting with Hessian ``hess`` (BFGS-updated).

    With the screening sample's Hessian the full-data optimum is reached in a handful
    of evaluations instead of the 20-odd a cold quasi-Newton start needs.
    Returns None when it cannot make progress (the caller falls back to SLSQP).
    """
    lower = np.array([lo for lo, _ in bounds])
    upper = np.array([hi for _, hi in bounds])
    x = x0.copy()
    f, g = objective(x)
    nfev = 1
    for _ in range(max_iter):
        if float(np.max(np.abs(g))) < gtol:
            return OptimizeResult(  # type: ignore[call-arg]  # scipy-stubs lacks the dict constructor OptimizeResult has
                x=x, fun=f, jac=g, success=True, nfev=nfev, message="gradient ≈ 0"
            )
        step = -np.linalg.solve(hess, g)
        slope = float(g @ step)
        if not np.isfinite(slope) or slope >= 0:
            return None
        t = 1.0
        while True:
            x_new = np.clip(x + t * step, lower, upper)
            f_new, g_new = objective(x_new)
            nfev += 1
            if np.isfinite(f_new) and f_new <= f + 1e-4 * t * slope:
                break
            t *= 0.5
            if t < 1e-6:
                return None
        s, y = x_new - x, g_new - g
        sy = float(s @ y)
        if sy > 1e-300:
            hs = hess @ s
            hess = hess - np.outer(hs, hs) / float(s @ hs) + np.outer(y, y) / sy
        if abs(f - f_new) <= 1e-16 * max(1.0, abs(f)) and float(np.max(np.abs(g_new))) < 1e-6:
            return OptimizeResult(  # type: ignore[call-arg]  # scipy-stubs lacks the dict constructor OptimizeResult has
                x=x_new,
                fun=f_new,
                jac=g_new,
                success=True,
                nfev=nfev,
                message="no further decrease",
            )
        x, f, g = x_new, f_new, g_new
    return None


def minimise_multistart(
    full: Objective,
    starts: Sequence[NDArray[np.float64]],
    bounds: Sequence[tuple[float, float]],
    screen: Objective | None = None,
) -> OptimizeResult | None:
    """Minimise ``full`` from the best of ``starts`` (judged on ``screen`` when given).

    With a screening objective the best screened optimum is polished on the full data
    by quasi-Newton steps seeded with the screen's Hessian (SLSQP when that fails).
    Returns None when no start reached a finite value.
    """
    runner = screen or full
    best: OptimizeResult | None = None
    for start in starts:
        res = _run(runner, np.asarray(start, dtype=np.float64), bounds)
        if np.isfinite(res.fun) and (best is None or res.fun < best.fun):
            best = res
    if best is None or screen is None:
        return best
    x0 = np.asarray(best.x, dtype=np.float64)
    hess = _hessian(screen, x0)
    polished = None
    with np.errstate(over="ignore", under="ignore"):
        if np.all(np.isfinite(hess)) and float(np.min(np.linalg.eigvalsh(hess))) > 0:
            polished = _newton_polish(full, x0, hess, bounds)
    if polished is None:
        polished = _run(full, x0, bounds)
    return polished if np.isfinite(polished.fun) else None


def converged(result: OptimizeResult, objective: Objective) -> bool:
    """Success by the optimiser's own test, or a vanishing gradient (SLSQP sometimes
    stops on "positive directional derivative" exactly at the optimum)."""
    grad = objective(np.asarray(result.x, dtype=np.float64))[1]
    return bool(result.success) or float(np.max(np.abs(grad))) < 1e-6
