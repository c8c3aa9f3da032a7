"""Parameter draws (kunde_cli.analytics.clv.uncertainty) near the edge of the search range."""

from __future__ import annotations

import numpy as np

from kunde_cli.analytics.clv.bgnbd import LOG_BOUND_AB, BgNbdParams
from kunde_cli.analytics.clv.identification import Identification
from kunde_cli.analytics.clv.uncertainty import draw_purchase_params


def test_draws_beyond_the_edge_keep_the_mean_drop_out_chance() -> None:
    # A homogeneous fit (the sample shop's): a = 30, b = 1,096 (b at e^7), so every
    # customer drops out after a purchase with p = a / (a + b) = 2.7 %; the data pin
    # down the ratio but hardly the size: ln a and ln b have a standard error of 5.5
    # and move together (correlation 0.9994).
    a, b = 30.4, float(np.exp(LOG_BOUND_AB))
    var, cov_ab = 30.0, 29.98
    covariance = (
        (0.003, 0.003, 0.001, 0.001),
        (0.003, 0.005, 0.003, 0.004),
        (0.001, 0.003, var, cov_ab),
        (0.001, 0.004, cov_ab, var),
    )
    ident = Identification((), (0.05, 0.07, 5.5, 5.5), 1e6, (), covariance)
    fit = BgNbdParams(
        r=0.31, alpha=9.9, a=a, b=b, loglik=0.0, n_customers=1950, n_repeat=810,
        converged=True, identification=ident,
    )  # fmt: skip
    draws = draw_purchase_params(fit, 400, seed=5)
    ratios = np.array([d.a / (d.a + d.b) for d in draws])
    assert max(max(d.a, d.b) for d in draws) <= b * (1 + 1e-9)
    # Half the draws run past e^7; brought back along the ridge, the drop-out chance
    # stays where the data put it (clipping a and b apart gave up to a = b: 50 %).
    assert np.mean([d.b >= b * (1 - 1e-9) for d in draws]) > 0.3
    assert np.percentile(ratios, 95) < 0.05
    assert abs(np.median(ratios) - a / (a + b)) < 0.01
