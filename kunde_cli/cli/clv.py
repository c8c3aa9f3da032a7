"""`kunde clv`: what a customer is worth — historical value and the simple CLV."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from kunde_cli.cli import options

if TYPE_CHECKING:
    import polars as pl

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
            "with Gamma-Gamma for spend.",
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
    columns: options.Columns = None,
) -> None:
    """Customer value: revenue to date, orders, AOV, purchases per year, and simple CLV.

    Per customer: revenue to date (net, refunds deducted), counted orders, average
    order value, days since the first order, purchases per year = orders / years since
    the first order (at least one year, so last week's first-time buyer is not
    projected at 52 orders a year), and the textbook simple CLV = AOV × purchases per
    year × --expected-years. --by segment sums and averages it per RFM segment.

    --model bgnbd adds the model-based prediction (BG/NBD purchases, Gamma-Gamma
    spend): P(alive), expected purchases and predicted value over --horizon months,
    discounted at --discount a year, and value at risk = (1 − P(alive)) × value. When
    the fit cannot be trusted on your data, it says why and shows the simple CLV only.
    --holdout 6m checks the model: fit without the last 6 months, predict them, and
    compare with what customers actually bought.

    Example: kunde clv --by segment --model bgnbd --horizon 12
    """
    from kunde_cli.analytics import value as val
    from kunde_cli.cli import common
    from kunde_cli.cli.segment import label_values
    from kunde_cli.render.formats import OutputFormat, emit, resolve_format
    from kunde_cli.render.i18n import label

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
        columns=columns,
    )
    lg, cfg = loaded.lang, loaded.config
    when = loaded.as_of.strftime("%d-%m-%Y") if lg == "da" else loaded.as_of.isoformat()
    values = val.historical_value(loaded.orders, as_of=loaded.as_of, expected_years=expected_years)
    extra_sums: tuple[str, ...] = ()

    if holdout is not None:
        _holdout(loaded, holdout, (model or Model.bgnbd).value, fmt, output, csv_style, bom)
        return
    if model is not None:
        values, extra_sums = _with_prediction(values, loaded, model.value, horizon, discount)

    frame = values.sort(val.SIMPLE_CLV, descending=True, nulls_last=True).collect()
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
    emit(
        frame,
        fmt,
        output,
        title=title,
        lang=lg,
        currency=cfg.currency,
        kinds={val.EXPECTED_YEARS: "float"},
        csv_style=csv_style,
        bom=bom,
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
) -> tuple[pl.LazyFrame, tuple[str, ...]]:
    """Join the model prediction onto the historical values, if the fit can be trusted."""
    from kunde_cli.analytics.clv import predict_clv
    from kunde_cli.errors import ModelError
    from kunde_cli.render.terminal import warn

    lg = loaded.lang  # type: ignore[attr-defined]
    monthly = (1.0 + discount) ** (1.0 / 12.0) - 1.0
    try:
        result = predict_clv(
            loaded.orders,  # type: ignore[attr-defined]
            as_of=loaded.as_of,  # type: ignore[attr-defined]
            model=model,
            horizon_months=horizon,
            discount_monthly=monthly,
        )
    except ModelError as err:
        warn(_untrusted(lg, err.message))
        return values, ()
    if not result.trusted:
        warn(_untrusted(lg, "; ".join(result.reasons)))
        return values, ()
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
    return values.join(prediction, on="customer_id", how="left"), tuple(
        c for c in ("expected_purchases", "predicted_clv", "value_at_risk") if c in keep
    )


def _untrusted(lang: str, why: str) -> str:
    if lang == "da":
        return f"Modellen kan ikke bruges på disse data ({why}); viser den simple kundeværdi."
    return f"The model cannot be trusted on this data ({why}); showing the simple CLV only."


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
    """Fit on the calibration part, predict the holdout, print predicted vs actual."""
    from datetime import timedelta

    from kunde_cli.analytics.clv import holdout_comparison
    from kunde_cli.render.formats import emit
    from kunde_cli.render.terminal import note

    lg = loaded.lang  # type: ignore[attr-defined]
    as_of = loaded.as_of  # type: ignore[attr-defined]
    calibration_end = as_of - timedelta(days=parse_period_days(period))
    table, params = holdout_comparison(
        loaded.orders,  # type: ignore[attr-defined]
        calibration_end=calibration_end,
        as_of=as_of,
        model=model,
    )
    if lg == "da":
        note(
            f"Model tilpasset på ordrer til {calibration_end:%d-%m-%Y}, forudsagt for "
            f"{calibration_end:%d-%m-%Y}–{as_of:%d-%m-%Y}. Ligger forudsagt og faktisk tæt, "
            "kan du stole på modellens forudsigelser for din butik."
        )
        title = "Modeltjek: forudsagte og faktiske køb"
    else:
        note(
            f"Model fitted on orders up to {calibration_end}, predicted for "
            f"{calibration_end}–{as_of}. If predicted and actual are close, you can trust "
            "the model's predictions for your shop."
        )
        title = "Model check: predicted vs actual purchases"
    del params
    emit(table, fmt, output, title=title, lang=lg, csv_style=csv_style, bom=bom)
