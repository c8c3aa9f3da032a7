"""When to trust a fitted model: one list of checks, used by every caller.

``kunde clv --model``, ``kunde churn --model``, ``kunde clv --holdout`` and the report
all judge a fit by :func:`trust_checks` (and :func:`model_trust`, its verdict), so they
cannot disagree about what they trust.

Purchase model (BG/NBD, MBG/NBD):

* ``converged`` — the optimiser settled on an answer;
* ``inside_range`` — no parameter ran to the edge of the search range;
* ``customers`` — at least 200 customers;
* ``repeat_customers`` — at least 50 of them bought on more than one day;
* ``a_not_1`` — a is not within 0.01 of 1 (E[X(t)] divides by a − 1);
* ``identified`` — the likelihood is not flat: no parameter whose plausible range
  spans a factor of 10 or more while P(alive) of some customer moves by more than 0.1
  across it (:mod:`~kunde_cli.analytics.clv.identification`). Absent for parameters
  made by hand (nothing to check it on).

Spend model (Gamma-Gamma): ``converged``, ``inside_range``, ``q_above_1`` (else the
mean spend is infinite), ``repeat_customers`` (at least 50) and ``spend_independent``
(|correlation(purchases, mean spend)| < 0.3, the model's assumption).
"""

from __future__ import annotations

from dataclasses import dataclass

from kunde_cli.analytics.clv.bgnbd import BgNbdParams
from kunde_cli.analytics.clv.gamma_gamma import SPEND_CORRELATION_LIMIT, GammaGammaParams
from kunde_cli.analytics.clv.identification import (
    MATERIAL_P_ALIVE_SHIFT,
    WIDE_RANGE_FACTOR,
)

#: Below these a fit is not trusted: predictions need a few hundred customers.
MIN_TRUSTED_CUSTOMERS = 200
MIN_TRUSTED_REPEAT = 50
#: E[X(t)] divides by (a − 1): too close to 1 and it is numerically meaningless.
MIN_DISTANCE_A_FROM_1 = 0.01

#: How parameters are written in sentences.
SYMBOLS = {"r": "r", "alpha": "α", "a": "a", "b": "b", "p": "p", "q": "q", "gamma": "γ"}


@dataclass(frozen=True)
class TrustCheck:
    """One check of a fit: a stable ``name``, whether it ``passed``, and ``reason`` —
    plain English words saying what is wrong (empty when it passed)."""

    name: str
    passed: bool
    reason: str = ""


def short_number(value: float) -> str:
    """A parameter value in sentences: 4 significant digits, no exponent when avoidable.

    >>> [short_number(v) for v in (0.0048261, 0.79292, 2.4259, 722.19, 1.5e-06)]
    ['0.004826', '0.7929', '2.426', '722.2', '1.5e-06']
    """
    return f"{value:.4g}"


def flat_reason(params: BgNbdParams) -> str:
    """Plain words for a flat likelihood (empty when the fit is identified or unchecked)."""
    ident = params.identification
    if ident is None or not ident.flat:
        return ""
    spans = [
        f"{SYMBOLS[r.name]} from {short_number(r.low)} to {short_number(r.high)}"
        for r in ident.ranges
        if r.name in ident.flat
    ]
    names = " and ".join(SYMBOLS[n] for n in ident.flat)
    return (
        f"the data hardly pin down {names}: {' and '.join(spans)} fit almost equally well "
        f"(log-likelihood within 1.92 of the best), and across that range one customer's "
        f"P(alive) moves by up to {ident.max_p_alive_shift:.2f}"
    )


def _common(params: BgNbdParams | GammaGammaParams) -> list[TrustCheck]:
    edge = ", ".join(SYMBOLS.get(n, n) for n in params.at_bounds)
    return [
        TrustCheck(
            "converged",
            params.converged,
            "" if params.converged else "the fit did not settle on an answer",
        ),
        TrustCheck(
            "inside_range",
            not params.at_bounds,
            f"{edge} ran to the edge of the allowed range: the data cannot pin the model down"
            if params.at_bounds
            else "",
        ),
    ]


def trust_checks(params: BgNbdParams | GammaGammaParams) -> tuple[TrustCheck, ...]:
    """Every check of a fit, passed or not, in a fixed order (see the module notes)."""
    checks = _common(params)
    if isinstance(params, BgNbdParams):
        few = params.n_customers < MIN_TRUSTED_CUSTOMERS
        few_repeat = params.n_repeat < MIN_TRUSTED_REPEAT
        near_1 = abs(params.a - 1.0) < MIN_DISTANCE_A_FROM_1
        checks += [
            TrustCheck(
                "customers",
                not few,
                f"only {params.n_customers} customers: predictions need at least "
                f"{MIN_TRUSTED_CUSTOMERS}"
                if few
                else "",
            ),
            TrustCheck(
                "repeat_customers",
                not few_repeat,
                f"only {params.n_repeat} customers bought more than once: predictions need "
                f"at least {MIN_TRUSTED_REPEAT}"
                if few_repeat
                else "",
            ),
            TrustCheck(
                "a_not_1",
                not near_1,
                "the fitted drop-out shape (a ≈ 1) makes expected purchases unstable"
                if near_1
                else "",
            ),
        ]
        if params.identification is not None:
            reason = flat_reason(params)
            checks.append(TrustCheck("identified", not reason, reason))
        return tuple(checks)
    corr = params.spend_frequency_corr
    correlated = abs(corr) >= SPEND_CORRELATION_LIMIT
    few = params.n_customers < MIN_TRUSTED_REPEAT
    checks += [
        TrustCheck(
            "q_above_1",
            params.q > 1.0,
            ""
            if params.q > 1.0
            else "spend varies so much that the model's average spend is infinite (q ≤ 1)",
        ),
        TrustCheck(
            "repeat_customers",
            not few,
            f"only {params.n_customers} customers bought more than once: the spend model "
            f"needs at least {MIN_TRUSTED_REPEAT}"
            if few
            else "",
        ),
        TrustCheck(
            "spend_independent",
            not correlated,
            (params.warning or f"spend is correlated with purchase frequency ({corr:.2f})")
            if correlated
            else "",
        ),
    ]
    return tuple(checks)


def model_trust(params: BgNbdParams | GammaGammaParams) -> tuple[bool, list[str]]:
    """Whether a fit is trustworthy enough to show its numbers, and why not.

    The verdict of :func:`trust_checks`: trusted when every check passed; the reasons
    are the failed checks' plain words, in order.

    Examples
    --------
    >>> fit = BgNbdParams(r=0.24, alpha=4.4, a=0.79, b=2.4, loglik=-9582.4,
    ...                   n_customers=120, n_repeat=40, converged=True)
    >>> model_trust(fit)
    (False, ['only 120 customers: predictions need at least 200', 'only 40 customers bought more than once: predictions need at least 50'])
    """
    reasons = [c.reason for c in trust_checks(params) if not c.passed]
    return (not reasons, reasons)


__all__ = [
    "MATERIAL_P_ALIVE_SHIFT",
    "MIN_DISTANCE_A_FROM_1",
    "MIN_TRUSTED_CUSTOMERS",
    "MIN_TRUSTED_REPEAT",
    "WIDE_RANGE_FACTOR",
    "TrustCheck",
    "flat_reason",
    "model_trust",
    "short_number",
    "trust_checks",
]
