"""`kunde clv`: what a customer is worth — historical value and the simple CLV."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from kunde_cli.cli import options

if TYPE_CHECKING:
    from pathlib import Path

    import polars as pl

    from kunde_cli.analytics.clv import BgNbdParams, GammaGammaParams, TrustCheck
    from kunde_cli.render.formats import OutputFormat
    from kunde_cli.store.cache import FitCache

app = typer.Typer()


class Model(StrEnum):
    """Purchase models for the predicted part."""

    bgnbd = "bgnbd"
    mbgnbd = "mbgnbd"


class ClvBy(StrEnum):
    """Rows of the value table."""

    customer = "customer"
    segment = "segment"


@app.command("clv")
def clv_command(
    files: options.Files = None,
    by: Annotated[
        ClvBy,
        typer.Option("--by", help="One row per customer, or per RFM segment."),
    ] = ClvBy.customer,
    expected_years: Annotated[
        float,
        typer.Option(
            "--expected-years",
            min=0.0,
            help="Years to project in the simple CLV (AOV × purchases per year × years).",
        ),
    ] = 3.0,
    model: Annotated[
        Model | None,
        typer.Option(
            "--model",
            help="Add the model-based prediction: bgnbd (BG/NBD) or mbgnbd (MBG/NBD), "
            "with Gamma-Gamma for spend. Prints the fitted parameters and the trust "
            'checks; with --format json the output is {"model": ..., "rows": [...]}.',
            show_default=False,
        ),
    ] = None,
    horizon: Annotated[
        int,
        typer.Option("--horizon", min=1, max=120, help="Months ahead to predict (with --model)."),
    ] = 12,
    discount: Annotated[
        float,
        typer.Option(
            "--discount",
            min=0.0,
            max=1.0,
            help="Yearly discount rate for predicted value, e.g. 0.1.",
        ),
    ] = 0.10,
    holdout: Annotated[
        str | None,
        typer.Option(
            "--holdout",
            help="Check the model on your own data: fit without the last PERIOD "
            "(e.g. 6m, 26w, 180d) and compare predicted with actual purchases.",
            show_default=False,
        ),
    ] = None,
    workspace: options.Workspace = options.DEFAULT_WORKSPACE,
    fmt: options.Format = None,
    output: options.Output = None,
    as_of: options.AsOf = None,
    lang: options.Lang = None,
    config_path: options.ConfigPath = None,
    csv_style: options.CsvStyle = "plain",
    bom: options.Bom = False,
    sheet: options.Sheet = None,
    preset: options.Preset = None,
    mapping: options.Map = None,
    dayfirst: options.DayFirst = None,
    allow_future: options.AllowFuture = False,
    columns: options.Columns = None,
    currency: options.Currency = None,
) -> None:
    """Customer value: revenue to date, orders, AOV, purchases per year, and simple CLV.

    Per customer: revenue to date (net, refunds deducted), counted orders, average
    order value, days since the first order, purchases per year = orders / years since
    the first order (at least one year, so last week's first-time buyer is not
    projected at 52 orders a year), and the textbook simple CLV = AOV × purchases per
    year × --expected-years. --by segment sums and averages it per RFM segment.

    --model bgnbd adds the model-based prediction (BG/NBD purchases, Gamma-Gamma
    spend): P(alive), expected purchases and predicted value over --horizon months,
    discounted at --discount a year, and value at risk = (1 − P(alive)) × value. The
    fitted parameters, log-likelihood, customers and trust checks are printed (and are
    the "model" part of --format json). When the purchase fit cannot be trusted on your
    data — too few customers, a parameter at the edge, or a flat likelihood (parameters
    the data hardly pin down while P(alive) depends on them) — it says why and shows the
    simple CLV only; when only the spend model fails, P(alive) and expected purchases
    stay and the money columns are left out. --holdout 6m checks the model: fit without
    the last 6 months (judged by the same trust checks), predict them, and compare with
    what customers actually bought.

    Example: kunde clv --by segment --model bgnbd --horizon 12
    """
    from kunde_cli import schema as s
    from kunde_cli.analytics import value as val
    from kunde_cli.cli import common
    from kunde_cli.render.formats import OutputFormat, resolve_format
    from kunde_cli.render.i18n import label
    from kunde_cli.words import label_values

    loaded = common.load(
        files,
        workspace,
        as_of=as_of,
        lang=lang,
        config_path=config_path,
        sheet=sheet,
        preset=preset,
        mapping=mapping,
        dayfirst=dayfirst,
        allow_future=allow_future,
        columns=columns,
        currency=currency,
    )
    lg, cfg = loaded.lang, loaded.config
    when = loaded.as_of.strftime("%d-%m-%Y") if lg == "da" else loaded.as_of.isoformat()
    values = val.historical_value(loaded.orders, as_of=loaded.as_of, expected_years=expected_years)
    extra_sums: tuple[str, ...] = ()

    if holdout is not None:
        _holdout(loaded, holdout, (model or Model.bgnbd).value, fmt, output, csv_style, bom)
        return
    model_info = None
    if model is not None:
        values, extra_sums, model_info = _with_prediction(
            values, loaded, model.value, horizon, discount
        )

    frame = values.sort(
        [val.SIMPLE_CLV, s.CUSTOMER_ID], descending=[True, False], nulls_last=True
    ).collect()
    _print_summary(frame, lg, cfg.currency, when, expected_years)
    title = label("clv_title_customer", lg).format(as_of=when)
    if by is ClvBy.segment:
        from kunde_cli.analytics import rfm

        segments = rfm.rfm_segments(
            rfm.rfm_scores(loaded.orders, as_of=loaded.as_of, config=cfg.rfm), config=cfg.rfm
        )
        frame = val.value_by_segment(frame.lazy(), segments, extra_sums=extra_sums).collect()
        title = label("clv_title_segment", lg).format(as_of=when)
        if resolve_format(fmt, output) is OutputFormat.table:
            frame = label_values(frame, [val.SEGMENT], lg)
    emit_with_model(
        frame,
        model_info,
        fmt,
        output,
        title=title,
        lang=lg,
        currency=cfg.currency,
        kinds={val.EXPECTED_YEARS: "float"},
        csv_style=csv_style,
        bom=bom,
        as_of=loaded.as_of,
    )


def _print_summary(values: pl.DataFrame, lang: str, currency: str, when: str, years: float) -> None:
    """Total revenue and the average simple CLV, plus how it is computed, on stderr."""
    from kunde_cli.analytics import value as val
    from kunde_cli.render.i18n import label
    from kunde_cli.render.numbers import format_money, format_number
    from kunde_cli.render.terminal import note

    if values.height == 0:
        note(label("clv_no_customers", lang).format(as_of=when))
        return
    years_text = format_number(years, lang, 0 if float(years).is_integer() else 1)
    note(
        label("clv_summary", lang).format(
            customers=format_number(values.height, lang),
            revenue=format_money(values.get_column(val.REVENUE_TO_DATE).sum(), lang, currency),
            avg_clv=format_money(values.get_column(val.SIMPLE_CLV).mean(), lang, currency),
            years=years_text,
        )
    )
    note(label("clv_formula", lang).format(years=years_text))


def _with_prediction(
    values: pl.LazyFrame, loaded: object, model: str, horizon: int, discount: float
) -> tuple[pl.LazyFrame, tuple[str, ...], dict[str, object]]:
    """Join the model prediction onto the historical values, as far as the fits are trusted.

    Prints the fitted parameters and the trust checks as notes and returns them for
    JSON too. The purchase and spend models are judged apart: an untrusted spend model
    leaves P(alive) and expected purchases in place and only drops the money columns.
    """
    from kunde_cli.analytics.clv import model_trust, predict_clv
    from kunde_cli.analytics.clv.bgnbd import MODEL_NAMES
    from kunde_cli.errors import ModelError
    from kunde_cli.render.i18n import label
    from kunde_cli.render.terminal import warn

    lg = loaded.lang  # type: ignore[attr-defined]
    currency = loaded.config.currency  # type: ignore[attr-defined]
    monthly = (1.0 + discount) ** (1.0 / 12.0) - 1.0
    fits = workspace_fits(loaded)
    try:
        result = predict_clv(
            loaded.orders,  # type: ignore[attr-defined]
            as_of=loaded.as_of,  # type: ignore[attr-defined]
            model=model,
            horizon_months=horizon,
            discount_monthly=monthly,
            fits=fits,
        )
    except ModelError as err:
        warn(label("clv_model_unusable", lg).format(why=err.message))
        return values, (), {"purchase": fit_failure_json(model, err.message)}
    purchase, spend = result.purchase_model, result.spend_model
    say_reused(fits, lg)
    print_fit_notes(purchase, lg)
    info: dict[str, object] = {"purchase": fit_json(purchase, lg)}
    if spend is not None:
        print_fit_notes(spend, lg, currency=currency)
        info["spend"] = fit_json(spend, lg)
    else:
        info["spend"] = fit_failure_json("gamma_gamma", result.spend_error or "")
    if not result.purchase_trusted:
        warn(label("clv_model_unusable", lg).format(why=failed_checks_text(purchase, lg)))
        return values, (), info
    if not result.spend_trusted:
        why = (
            failed_checks_text(spend, lg)
            if spend is not None and not model_trust(spend)[0]
            else result.spend_error or ""
        )
        warn(label("clv_spend_unusable", lg).format(why=why, model=MODEL_NAMES[model]))
    keep = [
        c
        for c in (
            "p_alive",
            "expected_purchases",
            "expected_spend",
            "predicted_clv",
            "value_at_risk",
        )
        if c in result.customers.columns
    ]
    prediction = result.customers.select("customer_id", *keep).lazy()
    return (
        values.join(prediction, on="customer_id", how="left"),
        tuple(c for c in ("expected_purchases", "predicted_clv", "value_at_risk") if c in keep),
        info,
    )


# --- fitted models in words and in JSON (shared with `kunde churn --model`) -----------


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
    from kunde_cli.analytics.clv import BgNbdParams
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
        n = params.n_repeat if purchase else params.n_customers
        values = {"n": format_number(n, lang), "min": MIN_TRUSTED_REPEAT}
    elif name == "spend_independent":
        corr = params.spend_frequency_corr
        values = {
            "corr": format_number(corr, lang, 2),
            "direction": label("trust_rises" if corr > 0 else "trust_falls", lang),
        }
    elif name == "identified" and not passed:
        ident = params.identification
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


def fit_failure_json(model: str, error: str) -> dict[str, object]:
    """A model that could not be fitted at all, for the JSON output."""
    from kunde_cli.analytics.clv.bgnbd import MODEL_NAMES

    name = MODEL_NAMES.get(model, "Gamma-Gamma")
    return {"model": model, "name": name, "fitted": False, "trusted": False, "error": error}


def workspace_fits(loaded: object) -> FitCache | None:
    """The workspace's fit cache (:mod:`kunde_cli.store.cache`), or None for files read
    directly: those have no folder of the user's own to keep fits in."""
    ws = getattr(loaded, "workspace", None)
    if ws is None:
        return None
    from kunde_cli.store.cache import FitCache

    return FitCache(ws.path)


def say_reused(fits: FitCache | None, lang: str) -> None:
    """One note on stderr when fits came from the cache (all or some of those looked
    up); with ``KUNDE_DEBUG`` also why an entry was not used or not kept."""
    import os

    from kunde_cli.render.i18n import label
    from kunde_cli.render.terminal import note

    if fits is None:
        return
    if os.environ.get("KUNDE_DEBUG"):
        for problem in fits.problems:
            note(f"fit cache: {problem}")
    if fits.hits:
        whole = set(fits.hits) == set(fits.asked)
        note(label("fit_reused" if whole else "fit_reused_partly", lang))


def emit_with_model(
    frame: pl.DataFrame,
    model_info: dict[str, object] | None,
    fmt: OutputFormat | str | None,
    output: Path | None,
    **kwargs: Any,
) -> None:
    """``emit``, except that JSON with a model is one object: ``{"model": …, "rows": […]}``
    (the fits and their trust checks beside the rows); every other format is as usual and
    carries the model in the notes. The rows are exactly what ``emit`` writes as JSON."""
    import json

    from kunde_cli.render.formats import (
        OutputFormat,
        atomic_write_bytes,
        emit,
        frame_to_json,
        resolve_format,
        rounded,
    )

    chosen = resolve_format(fmt, output)
    if model_info is None or chosen is not OutputFormat.json:
        emit(frame, fmt, output, **kwargs)
        return
    # The rows exactly as ``emit`` writes JSON (rounded the same way), made in memory.
    rows = json.loads(frame_to_json(rounded(frame, kwargs.get("kinds"))))
    payload = {"model": model_info, "rows": rows}
    data = (json.dumps(payload, ensure_ascii=False) + "\n").encode("utf-8")
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        atomic_write_bytes(output, data)


def parse_period_days(text: str) -> int:
    """``6m`` → 182, ``26w`` → 182, ``180d`` → 180, ``1y`` → 365 (days)."""
    import re

    from kunde_cli.errors import ConfigError

    match = re.fullmatch(r"\s*(\d+)\s*([dwmyå]?)\s*", text.lower())
    if not match or int(match.group(1)) == 0:
        raise ConfigError(f"--holdout '{text}' must look like 6m, 26w, 180d or 1y")
    n, unit = int(match.group(1)), match.group(2) or "m"
    return round(n * {"d": 1, "w": 7, "m": 365.25 / 12, "y": 365.25, "å": 365.25}[unit])


def _holdout(
    loaded: object, period: str, model: str, fmt, output, csv_style: str, bom: bool
) -> None:  # type: ignore[no-untyped-def]
    """Fit on the calibration part, predict the holdout, print predicted vs actual.

    The calibration fit is judged by the same trust checks as ``--model``; when it fails
    them the table is still shown, with a warning saying so.
    """
    from datetime import date, timedelta

    import polars as pl

    from kunde_cli.analytics.clv import model_trust
    from kunde_cli.analytics.clv.bgnbd import MODEL_NAMES
    from kunde_cli.analytics.clv.predict import (
        ACTUAL_PURCHASES,
        FREQUENCY_GROUP,
        PREDICTED_PURCHASES,
        TOTAL_GROUP,
        holdout_comparison,
    )
    from kunde_cli.render.formats import OutputFormat, resolve_format
    from kunde_cli.render.i18n import label
    from kunde_cli.render.terminal import note, warn

    lg = loaded.lang  # type: ignore[attr-defined]
    as_of = loaded.as_of  # type: ignore[attr-defined]
    calibration_end = as_of - timedelta(days=parse_period_days(period))
    fits = workspace_fits(loaded)
    table, params = holdout_comparison(
        loaded.orders,  # type: ignore[attr-defined]
        calibration_end=calibration_end,
        as_of=as_of,
        model=model,
        fits=fits,
    )
    say_reused(fits, lg)
    print_fit_notes(params, lg)
    if not model_trust(params)[0]:
        warn(
            label("holdout_untrusted", lg).format(period=period, why=failed_checks_text(params, lg))
        )

    def day(d: date) -> str:
        return d.strftime("%d-%m-%Y") if lg == "da" else d.isoformat()

    note(
        label("holdout_note", lg).format(
            model=MODEL_NAMES[model], calibration_end=day(calibration_end), as_of=day(as_of)
        )
    )
    table = table.with_columns(pl.col(ACTUAL_PURCHASES, PREDICTED_PURCHASES).round(3))
    kinds = {ACTUAL_PURCHASES: "float3", PREDICTED_PURCHASES: "float3"}
    if resolve_format(fmt, output) is OutputFormat.table:
        table = table.with_columns(pl.col(FREQUENCY_GROUP).replace(TOTAL_GROUP, label("total", lg)))
    info = {
        "purchase": fit_json(params, lg),
        "calibration_end": calibration_end.isoformat(),
        "holdout_end": as_of.isoformat(),
    }
    emit_with_model(
        table,
        info,
        fmt,
        output,
        title=label("holdout_title", lg),
        lang=lg,
        kinds=kinds,
        csv_style=csv_style,
        bom=bom,
        as_of=as_of,
    )
