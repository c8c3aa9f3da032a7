"""Fitted customer models (BG/NBD, MBG/NBD, Gamma-Gamma) in words and in JSON: the
parameters, log-likelihood, plausible ranges and every trust check, as notes on stderr
(:func:`print_fit_notes`) and as the "model" part of ``--format json`` (:func:`fit_json`).
Used by ``kunde clv`` and ``kunde churn --model``."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kunde_cli.analytics.clv import BgNbdParams, GammaGammaParams, TrustCheck
    from kunde_cli.app.report import ClvSection
    from kunde_cli.words.said import Text


def _param_text(value: float, lang: str) -> str:
    """A parameter for people: 4 decimals (the published digits of CDNOW's fits), or 4
    significant digits for values below 0.01 (a = 0.000123 is not 0)."""
    import math

    from kunde_cli.render.numbers import format_number

    if not math.isfinite(value) or value == 0:
        return format_number(value, lang, 0)
    magnitude = math.floor(math.log10(abs(value)))
    return format_number(value, lang, 4 if magnitude >= -2 else min(12, 3 - magnitude))


def _sig_text(value: float, lang: str) -> str:
    """A range end: 4 significant digits."""
    import math

    from kunde_cli.render.numbers import format_number

    if not math.isfinite(value) or value == 0:
        return format_number(value, lang, 0)
    magnitude = math.floor(math.log10(abs(value)))
    return format_number(value, lang, max(0, min(12, 3 - magnitude)))


def _round_sig(value: float, digits: int = 6) -> float | None:
    """For JSON: ``digits`` significant digits (same data, same bytes); None for NaN/inf."""
    import math

    if not math.isfinite(value):
        return None
    return float(f"{value:.{digits}g}")


def _check_text(check: TrustCheck, params: BgNbdParams | GammaGammaParams, lang: str) -> str:
    """One trust check in ``lang``, from its name and the fit's numbers."""
    from kunde_cli.analytics.clv import BgNbdParams, GammaGammaParams
    from kunde_cli.analytics.clv.trust import (
        MIN_TRUSTED_CUSTOMERS,
        MIN_TRUSTED_REPEAT,
        SYMBOLS,
    )
    from kunde_cli.render.i18n import label
    from kunde_cli.render.numbers import format_number

    name, passed = check.name, check.passed
    purchase = isinstance(params, BgNbdParams)
    key = f"trust_{name}_{'ok' if passed else 'fail'}"
    if name == "repeat_customers" and not purchase:
        key = f"trust_spend_{name}_{'ok' if passed else 'fail'}"
    values: dict[str, object] = {}
    if name == "inside_range":
        values["names"] = ", ".join(SYMBOLS.get(n, n) for n in params.at_bounds)
    elif name == "customers":
        values = {
            "n": format_number(params.n_customers, lang),
            "min": MIN_TRUSTED_CUSTOMERS,
        }
    elif name == "repeat_customers":
        n = params.n_repeat if isinstance(params, BgNbdParams) else params.n_customers
        values = {"n": format_number(n, lang), "min": MIN_TRUSTED_REPEAT}
    elif name == "spend_independent" and isinstance(params, GammaGammaParams):
        corr = params.spend_frequency_corr
        values = {
            "corr": format_number(corr, lang, 2),
            "direction": label("trust_rises" if corr > 0 else "trust_falls", lang),
        }
    elif (
        name == "identified"
        and not passed
        and isinstance(params, BgNbdParams)
        and (ident := params.identification) is not None
    ):
        spans = [
            label("model_span", lang).format(
                name=SYMBOLS[r.name], low=_sig_text(r.low, lang), high=_sig_text(r.high, lang)
            )
            for r in ident.ranges
            if r.name in ident.flat
        ]
        joiner = f" {label('model_and', lang)} "
        values = {
            "names": joiner.join(SYMBOLS[n] for n in ident.flat),
            "spans": joiner.join(spans),
            "shift": format_number(ident.max_p_alive_shift, lang, 2),
        }
    return label(key, lang).format(**values)


def failed_checks_text(params: BgNbdParams | GammaGammaParams, lang: str) -> str:
    """The failed trust checks of a fit in ``lang``, joined by "; "."""
    from kunde_cli.analytics.clv import trust_checks

    return "; ".join(_check_text(c, params, lang) for c in trust_checks(params) if not c.passed)


def clv_reasons(clv: ClvSection, lang: str) -> str:
    """Why the report's customer value does not use the model, in ``lang``: the failed
    trust checks of its untrusted fits, then its other reasons, joined by "; "."""
    from kunde_cli.words.said import word

    parts = [failed_checks_text(fit, lang) for fit in clv.untrusted_fits]
    parts += [str(word(reason, lang)) for reason in clv.reasons]
    return "; ".join(part for part in parts if part)


def _time_unit_text(days: float, lang: str) -> str:
    from kunde_cli.render.i18n import label
    from kunde_cli.render.numbers import format_number

    if days == 7:
        return label("model_unit_weeks", lang)
    if days == 1:
        return label("model_unit_days", lang)
    return label("model_unit_n_days", lang).format(n=format_number(days, lang, 1))


def print_fit_notes(
    params: BgNbdParams | GammaGammaParams, lang: str, *, currency: str = "kr."
) -> None:
    """The fitted parameters, log-likelihood, customers, plausible ranges and every trust
    check (✓ passed, ✗ failed) as notes on stderr."""
    from kunde_cli.analytics.clv import BgNbdParams, trust_checks
    from kunde_cli.analytics.clv.bgnbd import MODEL_NAMES
    from kunde_cli.analytics.clv.trust import SYMBOLS
    from kunde_cli.render.i18n import label
    from kunde_cli.render.numbers import format_money, format_number
    from kunde_cli.render.terminal import note

    def joined(pairs: dict[str, float]) -> str:
        return " · ".join(f"{SYMBOLS[k]} = {_param_text(v, lang)}" for k, v in pairs.items())

    loglik = format_number(params.loglik, lang, 2)
    if isinstance(params, BgNbdParams):
        name = MODEL_NAMES[params.model]
        note(
            label("model_fit_purchase", lang).format(
                model=name,
                customers=format_number(params.n_customers, lang),
                repeat=format_number(params.n_repeat, lang),
                params=joined(params.as_dict()),
                loglik=loglik,
                unit=_time_unit_text(params.time_unit_days, lang),
            )
        )
        if params.identification is not None:
            ranges = " · ".join(
                f"{SYMBOLS[r.name]} {_sig_text(r.low, lang)}–{_sig_text(r.high, lang)}"
                for r in params.identification.ranges
            )
            note(label("model_ranges", lang).format(ranges=ranges))
    else:
        name = "Gamma-Gamma"
        mean = params.population_mean_spend
        note(
            label("model_fit_spend", lang).format(
                customers=format_number(params.n_customers, lang),
                params=joined(params.as_dict()),
                loglik=loglik,
                mean=format_money(mean, lang, currency) if mean != float("inf") else "∞",
            )
        )
        left_out = params.n_without_spend
        if left_out:
            note(label("model_spend_left_out", lang).format(n=format_number(left_out, lang)))
    checks = " · ".join(
        ("✓ " if c.passed else "✗ ") + _check_text(c, params, lang) for c in trust_checks(params)
    )
    note(label("model_checks", lang).format(model=name, checks=checks))


def fit_json(params: BgNbdParams | GammaGammaParams, lang: str) -> dict[str, object]:
    """A fit for the JSON output: parameters (6 significant digits), log-likelihood,
    customers, plausible ranges, the verdict and every check with its words in ``lang``."""
    from kunde_cli.analytics.clv import BgNbdParams, model_trust, trust_checks
    from kunde_cli.analytics.clv.bgnbd import MODEL_NAMES

    trusted, _ = model_trust(params)
    out: dict[str, object] = {}
    if isinstance(params, BgNbdParams):
        out |= {"model": params.model, "name": MODEL_NAMES[params.model]}
    else:
        out |= {"model": "gamma_gamma", "name": "Gamma-Gamma"}
    out |= {
        "fitted": True,
        "parameters": {k: _round_sig(v) for k, v in params.as_dict().items()},
        "log_likelihood": round(params.loglik, 4),
        "customers": params.n_customers,
    }
    if isinstance(params, BgNbdParams):
        out["repeat_customers"] = params.n_repeat
        out["time_unit_days"] = params.time_unit_days
        ident = params.identification
        if ident is not None:
            out["plausible_ranges"] = {
                r.name: [_round_sig(r.low, 4), _round_sig(r.high, 4)] for r in ident.ranges
            }
            out["log_std_errors"] = {
                r.name: _round_sig(se, 4)
                for r, se in zip(ident.ranges, ident.log_std_errors, strict=True)
            }
            out["hessian_condition"] = _round_sig(ident.condition, 4)
            out["poorly_identified"] = list(ident.flat)
    else:
        out["spend_frequency_correlation"] = _round_sig(params.spend_frequency_corr, 4)
        out["customers_without_spend"] = params.n_without_spend
    out["trusted"] = trusted
    out["checks"] = [
        {"check": c.name, "passed": c.passed, "text": _check_text(c, params, lang)}
        for c in trust_checks(params)
    ]
    return out


def fit_failure_json(model: str, error: Text) -> dict[str, object]:
    """A model that could not be fitted at all, for the JSON output.

    ``error`` says why (a :class:`~kunde_cli.words.said.Said`, or a plain string). The
    JSON keeps stable fields for scripts, whatever the run's language: ``error`` in
    English and ``reason_code``, the sentence's key (absent for a plain string).

    >>> from kunde_cli.words.said import said
    >>> out = fit_failure_json("bgnbd", said("model_few_customers", n=3, min=10))
    >>> out["error"], out["reason_code"]
    ('only 3 customer(s): the purchase model needs at least 10', 'model_few_customers')
    """
    from kunde_cli.analytics.clv.bgnbd import MODEL_NAMES
    from kunde_cli.words.said import Said

    name = MODEL_NAMES.get(model, "Gamma-Gamma")
    out: dict[str, object] = {
        "model": model,
        "name": name,
        "fitted": False,
        "trusted": False,
        "error": str(error),
    }
    if isinstance(error, Said):
        out["reason_code"] = error.key
    return out
