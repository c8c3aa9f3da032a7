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


#: The fit of the sample shop's 2025 (kunde clv --from 2025-01-01 --to 2025-12-31): no
#: customer seems to drop out, so a ran to the lower edge (e^-12) and b to the upper
#: (e^7): drop-out chance a / (a + b) = 6e-9. At the edge the log-likelihood is flat, so
#: the covariance there says nothing (standard errors of 28,000 on the log scale).
EDGE_FIT = BgNbdParams(
    r=0.7377, alpha=18.42, a=float(np.exp(-12.0)), b=float(np.exp(7.0)), loglik=0.0,
    n_customers=930,
    n_repeat=381, converged=True, at_bounds=("a", "b"),
    identification=Identification(
        (), (0.1035, 0.1133, 28498.1, 22355.5), float("inf"), (),
        (
            (0.010721, 0.010410, -1.134430, -0.887038),
            (0.010410, 0.012829, -1.947301, -1.522628),
            (-1.134430, -1.947301, 812142793.9, 636837531.8),
            (-0.887038, -1.522628, 636837531.8, 499768089.7),
        ),
    ),
)  # fmt: skip


def test_parameters_at_the_edge_are_held_at_the_estimate() -> None:
    # Drawn from that covariance, ln a and ln b ran to ±30 together and came back as
    # a = b: every draw had a drop-out chance of 50 % instead of 0, and the monthly
    # range (182-309 purchases) did not hold the estimate (1,943).
    draws = draw_purchase_params(EDGE_FIT, 200, seed=3)
    held = np.array([(d.a / EDGE_FIT.a, d.b / EDGE_FIT.b) for d in draws])
    assert np.abs(held - 1.0).max() < 1e-12
    # The free parameters still vary as the fit says: ln r's standard error about 0.1.
    logs = np.log([d.r for d in draws])
    assert 0.07 < float(np.std(logs)) < 0.13
    assert abs(float(np.mean(logs)) - np.log(EDGE_FIT.r)) < 0.03


#: A group fit of the sample shop (first category Bolig, 271 customers): the data pin
#: down b / a (drop-out about 3.8 %) but hardly its size, so ln a and ln b have standard
#: errors of 24 and move together.
FLAT_FIT = BgNbdParams(
    r=0.30314, alpha=8.8612, a=5.6939, b=143.263, loglik=0.0, n_customers=271, n_repeat=114,
    converged=True,
    identification=Identification(
        (), (0.1375, 0.1967, 23.74, 24.52), 187553.0, ("a", "b"),
        (
            (0.018920, 0.020061, 0.161739, 0.169985),
            (0.020061, 0.038689, 0.808910, 0.845389),
            (0.161739, 0.808910, 563.744323, 582.071321),
            (0.169985, 0.845389, 582.071321, 601.120580),
        ),
    ),
)  # fmt: skip


def test_draws_below_the_edge_keep_the_mean_drop_out_chance() -> None:
    # A quarter of the draws run below e^-12 together; clipped apart at e^-30 they came
    # back as a = b (drop-out 50 %, and a hypergeometric function that gave a negative
    # number of purchases). Raised along the ridge, b / a stays as drawn.
    draws = draw_purchase_params(FLAT_FIT, 1000, seed=11)
    ratios = np.array([d.a / (d.a + d.b) for d in draws])
    assert np.mean(ratios >= 0.45) < 0.01
    assert abs(np.median(ratios) - FLAT_FIT.a / (FLAT_FIT.a + FLAT_FIT.b)) < 0.01
    assert min(min(d.a, d.b) for d in draws) >= np.exp(-12.0) * (1 - 1e-9)
