"""Draw customer histories from known BG/NBD and Gamma-Gamma parameters.

Used by the parameter-recovery tests and ``bench/fit_models.py``: fit what was drawn
and check the parameters come back. Fully vectorised, deterministic by seed.

BG/NBD draw for a customer of age T (Fader, Hardie & Lee 2005, section 2):
λ ~ Gamma(r, rate α), p ~ Beta(a, b); purchases while alive are Poisson(λ) events, and
she drops out right after her J-th repeat purchase with J ~ Geometric(p) ≥ 1 (MBG/NBD:
J ≥ 0, so she may drop out right after the first). With N ~ Poisson(λT) events in
(0, T] if she never dropped out, x = min(N, J), and given N the event times are uniform
order statistics, so t_x = T · Beta(x, N − x + 1) for x ≥ 1.

Gamma-Gamma draw: ν ~ Gamma(q, rate γ) per customer; the mean of x purchases, each
Gamma(p, rate ν), is Gamma(px, rate xν).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray


@dataclass(frozen=True)
class SimulatedCustomers:
    """Histories drawn by :func:`simulate_customers` (times in the parameters' unit)."""

    x: NDArray[np.int64]
    t_x: NDArray[np.float64]
    age: NDArray[np.float64]
    mean_spend: NDArray[np.float64]  # NaN when x = 0


def simulate_customers(
    age: ArrayLike,
    *,
    r: float,
    alpha: float,
    a: float,
    b: float,
    p: float | None = None,
    q: float | None = None,
    gamma: float | None = None,
    model: str = "bgnbd",
    resolution: float | None = None,
    seed: int = 0,
) -> SimulatedCustomers:
    """Draw (x, t_x, T, mean repeat spend) for customers of the given ages ``age``.

    ``resolution`` rounds t_x down to a grid (e.g. 1/7 for whole days when time is in
    weeks), like real order dates. Spend is drawn only when p, q and γ are all given.
    """
    rng = np.random.default_rng(seed)
    ages = np.asarray(age, dtype=np.float64).ravel()
    n = ages.size
    lam = rng.gamma(shape=r, scale=1.0 / alpha, size=n)
    drop = np.clip(rng.beta(a, b, size=n), 1e-12, 1.0)  # a tiny p can underflow to 0
    potential = rng.poisson(lam * ages)
    survive = rng.geometric(drop)  # repeat purchase after which she drops out (≥ 1)
    if model == "mbgnbd":
        survive = survive - 1
    x = np.minimum(potential, survive).astype(np.int64)
    t_x = np.zeros(n)
    has = x > 0
    t_x[has] = ages[has] * rng.beta(x[has], potential[has] - x[has] + 1)
    if resolution:
        t_x = np.floor(t_x / resolution) * resolution
    spend = np.full(n, np.nan)
    if p is not None and q is not None and gamma is not None:
        nu = rng.gamma(shape=q, scale=1.0 / gamma, size=int(has.sum()))
        spend[has] = rng.gamma(shape=p * x[has], scale=1.0 / (nu * x[has]))
    return SimulatedCustomers(x=x, t_x=t_x, age=ages, mean_spend=spend)
