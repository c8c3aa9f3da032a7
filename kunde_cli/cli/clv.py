"""`kunde clv`: what a customer is worth — historical value and the simple CLV."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from kunde_cli.cli import options

if TYPE_CHECKING:
    import polars as pl

app = typer.Typer()


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
    # --- model hook (predicted CLV, churn issue) -------------------------------------
    # The model-based part plugs in here as three options:
    #   --model bgnbd|mbgnbd   purchase model from kunde_cli.analytics.clv (fit + predict)
    #   --horizon MONTHS       how far ahead to predict
    #   --discount RATE        yearly discount rate for the predicted value
    # and a branch in the body below (marked the same way).
    # ---------------------------------------------------------------------------------
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
) -> None:
    """Customer value: revenue to date, orders, AOV, purchases per year, and simple CLV.

    Per customer: revenue to date (net, refunds deducted), counted orders, average
    order value, days since the first order, purchases per year = orders / years since
    the first order (at least one year, so last week's first-time buyer is not
    projected at 52 orders a year), and the textbook simple CLV = AOV × purchases per
    year × --expected-years. --by segment sums and averages it per RFM segment.

    Example: kunde clv --by segment --expected-years 2
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
    )
    lg, cfg = loaded.lang, loaded.config
    when = loaded.as_of.strftime("%d-%m-%Y") if lg == "da" else loaded.as_of.isoformat()
    values = val.historical_value(loaded.orders, as_of=loaded.as_of, expected_years=expected_years)
    extra_sums: tuple[str, ...] = ()

    # --- model hook (predicted CLV, churn issue) -------------------------------------
    # When --model is given: fit the purchase model (and Gamma-Gamma for spend) from
    # kunde_cli.analytics.clv on loaded.orders at loaded.as_of, predict per customer
    # over --horizon with --discount, join the prediction onto `values` on customer_id,
    # and name its summable columns in `extra_sums` so --by segment adds them up.
    # ---------------------------------------------------------------------------------

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
