"""`kunde clv`: what a customer is worth — historical value and the simple CLV."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, cast

import typer

from kunde_cli.cli import options
from kunde_cli.cli.options import Destination, Source
from kunde_cli.render.formats import Choice
from kunde_cli.render.priority import Priority

if TYPE_CHECKING:
    from datetime import date

    import polars as pl

    from kunde_cli.analytics.clv.predict import ClvResult
    from kunde_cli.app.answers.profit import ProfitBasis
    from kunde_cli.cli.common import Loaded
    from kunde_cli.words.said import Said

app = typer.Typer(add_completion=False)

#: The terminal table when the screen is too narrow (kunde_cli.render.priority): the
#: customer or segment and its value (simple and, with --model, predicted) stay; dates,
#: the years assumed and the history behind the value go first.
COLUMNS = Priority(
    keep=(
        "customers",
        "simple_clv",
        "avg_simple_clv",
        "predicted_clv",
        "p_alive",
        "simple_profit_clv",
        "avg_simple_profit_clv",
        "predicted_profit_clv",
    ),
    drop=(
        "expected_years",
        "lifespan_days",
        "avg_lifespan_days",
        "first_order",
        "purchases_per_year",
        "avg_purchases_per_year",
        "last_order",
        "share_customers",
        "share_revenue",
        "avg_revenue_to_date",
        "expected_spend",
        "aov",
        "orders",
        "simple_clv_total",
        "expected_purchases",
        "margin_share",
        "profit_to_date",
    ),
)


class Model(Choice):
    """Purchase models for the predicted part."""

    bgnbd = "bgnbd"
    mbgnbd = "mbgnbd"


class ClvBy(Choice):
    """Rows of the value table."""

    customer = "customer"
    segment = "segment"


# --- the command's own options ----------------------------------------------------------

By = Annotated[
    ClvBy,
    typer.Option("--by", help="One row per customer, or per RFM segment."),
]
ExpectedYears = Annotated[
    float,
    typer.Option(
        "--expected-years",
        min=0.0,
        help="Years to project in the simple CLV (AOV × purchases per year × years).",
    ),
]
ModelOption = Annotated[
    Model | None,
    typer.Option(
        "--model",
        help="Add the model-based prediction: bgnbd (BG/NBD) or mbgnbd (MBG/NBD), "
        "with Gamma-Gamma for spend. Prints the fitted parameters and the trust "
        'checks; with --format json the output is {"model": ..., "rows": [...]}.',
        show_default=False,
    ),
]
Horizon = Annotated[
    int,
    typer.Option("--horizon", min=1, max=120, help="Months ahead to predict (with --model)."),
]
Discount = Annotated[
    float,
    typer.Option(
        "--discount",
        min=0.0,
        max=1.0,
        help="Yearly discount rate for predicted value, e.g. 0.1.",
    ),
]
Holdout = Annotated[
    str | None,
    typer.Option(
        "--holdout",
        help="Check the model on your own data: fit without the last PERIOD "
        "(e.g. 6m, 26w, 180d) and compare predicted with actual purchases.",
        show_default=False,
    ),
]


class NewBy(Choice):
    """Groups of ``--new-by``: the first order's channel, category or discount code."""

    channel = "channel"
    category = "category"
    discount = "discount"


NewByOption = Annotated[
    NewBy | None,
    typer.Option(
        "--new-by",
        help="What a new customer is worth in the first year, by the channel, the "
        "category or the discount code (used or not) of her first order, with a 90 % "
        "range and a test of whether the groups differ.",
        show_default=False,
    ),
]


MonthlyOption = Annotated[
    bool,
    typer.Option(
        "--monthly",
        help="Expected purchases and revenue per month for the next --horizon months "
        "(default 12) for the customers you have now, with 90 % ranges from the model's "
        "parameter uncertainty; --model bgnbd (default) or mbgnbd, --discount a year, "
        "--by segment per RFM segment.",
    ),
]


@app.command("clv")
@options.writes_output()
@options.reads_data
def clv_command(
    data: Source,
    out: Destination,
    by: By = ClvBy.customer,
    expected_years: ExpectedYears = 3.0,
    model: ModelOption = None,
    horizon: Horizon = 12,
    discount: Discount = 0.10,
    holdout: Holdout = None,
    new_by: NewByOption = None,
    monthly: MonthlyOption = False,
    trend: options.Trend = False,
    months: options.Months = 24,
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

    Profit CLV: when the export has a cost column (Kostpris, Cost, COGS …) or kunde.toml
    a margin ([profit] margin = 0.35, per category under [profit.margin_by_category]),
    profit to date, the customer's margin and simple profit CLV are added (and with
    --model the predicted profit CLV): a line's cost, else its category's margin, else
    the shop's; the notes say which on how many lines.

    --monthly prints, instead, the expected purchases and revenue (discounted at
    --discount a year) per month for the next --horizon months, for the customers the
    shop has now (new customers won later are not included), each with a 90 % range
    from the fitted parameters' uncertainty; --by segment per RFM segment. Example:
    kunde clv --monthly --by segment

    --new-by channel (category, discount) prints, instead, what a new customer is worth
    in the first year per group of her first order: first purchase + expected repeat
    purchases (BG/NBD, or --model) × spend per repeat purchase (Gamma-Gamma), fitted per
    group of at least 200 customers (50 of them repeat buyers), with a 90 % range and a
    likelihood-ratio test of whether the groups differ. Example: kunde clv --new-by channel

    --trend prints, instead, the shop month by month for the last --months months: net
    revenue, orders, buying customers (new and returning) and, with a survey, the NPS.

    Example: kunde clv --by segment --model bgnbd --horizon 12
    """
    from kunde_cli import schema as s
    from kunde_cli.analytics import profit as prof
    from kunde_cli.analytics import value as val
    from kunde_cli.cli import common
    from kunde_cli.render.i18n import label

    _one_view(new_by=new_by is not None, monthly=monthly, trend=trend, holdout=holdout, by=by)
    # A bad --holdout is said before the data are read.
    period = options.parse_period(holdout) if holdout is not None else None
    loaded = common.load_source(data)
    if period is not None:
        _holdout(loaded, period, (model or Model.bgnbd).value, out)
        return
    if new_by is not None:
        _new_by(loaded, new_by.value, (model or Model.bgnbd).value, out)
        return
    if trend:
        from kunde_cli.render.trends import trend_table

        shown = trend_table(loaded, months=months, given=data.as_of, people=out.is_table)
        common.emit(
            shown.frame, out, loaded, title=shown.title, kinds=shown.kinds, priority=shown.priority
        )
        return
    if monthly:
        _monthly(loaded, (model or Model.bgnbd).value, horizon, discount, by, out)
        return
    lg = loaded.lang
    when = common.day_text(loaded.as_of, lg)
    values = val.historical_value(loaded.orders, as_of=loaded.as_of, expected_years=expected_years)
    extra_sums: tuple[str, ...] = ()
    # A cost column or a margin in kunde.toml adds profit CLV (render/answers/profit.py).
    profit = _profit_basis(loaded)
    if profit is not None:
        values = prof.with_profit(values, profit.customers)
    model_info = None
    if model is not None:
        values, extra_sums, model_info = _with_prediction(
            values, loaded, model.value, horizon, discount, profit
        )

    frame = values.sort(
        [val.SIMPLE_CLV, s.CUSTOMER_ID], descending=[True, False], nulls_last=True
    ).collect()
    _print_summary(frame, lg, loaded.config.currency, when, expected_years)
    if profit is not None:
        _print_profit(frame, profit, lg, loaded.config.currency, "predicted_profit_clv" in frame)
        extra_sums = (prof.PROFIT_TO_DATE, prof.SIMPLE_PROFIT_CLV, *extra_sums)
    title = label("clv_title_customer", lg).format(as_of=when)
    if by is ClvBy.segment:
        if profit is not None:
            frame = frame.with_columns(prof.known_parts())
            extra_sums = (*extra_sums, prof.KNOWN_REVENUE, prof.KNOWN_CUSTOMERS)
        frame = _by_segment(frame, loaded, extra_sums, out)
        title = label("clv_title_segment", lg).format(as_of=when)
    kinds = {val.EXPECTED_YEARS: "float"}
    if profit is not None:
        kinds[prof.PROFIT_TO_DATE] = "money"
        frame = prof.per_segment_profit(frame) if by is ClvBy.segment else frame
    common.emit(frame, out, loaded, title=title, kinds=kinds, model=model_info, priority=COLUMNS)


def _one_view(*, new_by: bool, monthly: bool, trend: bool, holdout: str | None, by: ClvBy) -> None:
    """--new-by, --monthly, --trend and --holdout each print a table of their own: refuse
    two at once (and --by segment beside one that has no segments) instead of showing one
    and dropping the other without a word."""
    from kunde_cli.errors import ConfigError
    from kunde_cli.words.said import said

    views = [
        name
        for name, on in (
            ("--new-by", new_by),
            ("--monthly", monthly),
            ("--trend", trend),
            ("--holdout", holdout is not None),
        )
        if on
    ]
    if len(views) > 1:
        raise ConfigError(
            said("clv_views_alone", options=", ".join(views)), hint=said("clv_views_alone_hint")
        )
    if by is ClvBy.segment and views and views[0] != "--monthly":
        raise ConfigError(said("clv_by_not_with", option=views[0]))


def _by_segment(
    frame: pl.DataFrame, loaded: Loaded, extra_sums: tuple[str, ...], out: Destination
) -> pl.DataFrame:
    """The values summed and averaged per RFM segment."""
    from kunde_cli.analytics import rfm
    from kunde_cli.analytics import value as val
    from kunde_cli.words import label_values

    cfg = loaded.config
    segments = rfm.rfm_segments(
        rfm.rfm_scores(loaded.orders, as_of=loaded.as_of, config=cfg.rfm), config=cfg.rfm
    )
    frame = val.value_by_segment(frame.lazy(), segments, extra_sums=extra_sums).collect()
    if out.is_table:
        frame = label_values(frame, [val.SEGMENT], loaded.lang)
    return frame


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
            revenue=format_money(
                float(values.get_column(val.REVENUE_TO_DATE).sum()), lang, currency
            ),
            avg_clv=format_money(_mean(values.get_column(val.SIMPLE_CLV)), lang, currency),
            years=years_text,
        )
    )
    note(label("clv_formula", lang).format(years=years_text))


def _mean(column: pl.Series) -> float | None:
    """The mean of a money column (None when it has no values)."""
    return cast("float | None", column.mean())


def _profit_basis(loaded: Loaded) -> ProfitBasis | None:
    """The profit basis (a cost column, or a margin in kunde.toml), else None."""
    from kunde_cli.app.answers.profit import profit_basis

    return profit_basis(loaded.orders, loaded.config.profit, as_of=loaded.as_of)


def _print_profit(
    values: pl.DataFrame, profit: ProfitBasis, lang: str, currency: str, predicted: bool
) -> None:
    """Profit to date, the average simple profit CLV and the rules, on stderr."""
    from kunde_cli.analytics import profit as prof
    from kunde_cli.render.answers.profit import source_notes
    from kunde_cli.render.numbers import format_money
    from kunde_cli.render.terminal import note
    from kunde_cli.words.labels import say
    from kunde_cli.words.numbers import format_percent

    if values.height:
        # Over the customers whose profit is known (one unknown is not one of 0).
        totals = prof.profit_totals(values)
        note(
            say(
                "profit_clv_summary",
                lang,
                profit=format_money(totals.profit, lang, currency),
                share=format_percent(totals.share, lang, 1) if totals.share is not None else "–",
                avg_clv=format_money(
                    _mean(values.get_column(prof.SIMPLE_PROFIT_CLV)), lang, currency
                ),
            )
        )
        if totals.unknown:
            note(
                say(
                    "profit_unknown_customers",
                    lang,
                    n=totals.unknown,
                    revenue=format_money(totals.unknown_revenue, lang, currency),
                )
            )
    for line in source_notes(profit, lang, predicted=predicted):
        note(line)


def _with_prediction(
    values: pl.LazyFrame,
    loaded: Loaded,
    model: str,
    horizon: int,
    discount: float,
    profit: ProfitBasis | None = None,
) -> tuple[pl.LazyFrame, tuple[str, ...], dict[str, object]]:
    """Join the model prediction onto the historical values, as far as the fits are trusted.

    Prints the fitted parameters and the trust checks as notes and returns them for
    JSON too. The purchase and spend models are judged apart: an untrusted spend model
    leaves P(alive) and expected purchases in place and only drops the money columns.
    """
    from kunde_cli.analytics.clv import predict_clv
    from kunde_cli.cli.common import say_reused, workspace_fits
    from kunde_cli.errors import ModelError
    from kunde_cli.render.fits import failed_checks_text, fit_failure_json
    from kunde_cli.render.i18n import label
    from kunde_cli.render.terminal import warn
    from kunde_cli.words.said import said

    lg = loaded.lang
    monthly = (1.0 + discount) ** (1.0 / 12.0) - 1.0
    fits = workspace_fits(loaded)
    try:
        result = predict_clv(
            loaded.orders,
            as_of=loaded.as_of,
            model=model,
            horizon_months=horizon,
            discount_monthly=monthly,
            fits=fits,
        )
    except ModelError as err:
        warn(said("clv_model_unusable", why=err.said).worded(lg))
        return values, (), {"purchase": fit_failure_json(model, err.said)}
    say_reused(fits, lg)
    info = _fit_notes(result, lg, loaded.config.currency)
    if not result.purchase_trusted:
        why = failed_checks_text(result.purchase_model, lg)
        warn(label("clv_model_unusable", lg).format(why=why))
        return values, (), info
    if not result.spend_trusted:
        _warn_spend_untrusted(result, model, lg)
    prediction, shown = _prediction(result)
    values = values.join(prediction, on="customer_id", how="left")
    if profit is not None and "predicted_clv" in shown:
        from kunde_cli.analytics.profit import PREDICTED_PROFIT_CLV, predicted_profit

        gained = predicted_profit(result.customers, profit.customers, profit.shop_share)
        values = values.join(gained, on="customer_id", how="left")
        shown = (*shown, PREDICTED_PROFIT_CLV)
    return values, shown, info


def _fit_notes(result: ClvResult, lg: str, currency: str) -> dict[str, object]:
    """Print the fitted models' parameters and trust checks as notes; return them for
    JSON (the spend model's failure when it could not be fitted)."""
    from kunde_cli.render.fits import fit_failure_json, fit_json, print_fit_notes

    purchase, spend = result.purchase_model, result.spend_model
    print_fit_notes(purchase, lg)
    info: dict[str, object] = {"purchase": fit_json(purchase, lg)}
    if spend is not None:
        print_fit_notes(spend, lg, currency=currency)
        info["spend"] = fit_json(spend, lg)
    else:
        info["spend"] = fit_failure_json("gamma_gamma", result.spend_error or "")
    return info


def _warn_spend_untrusted(result: ClvResult, model: str, lg: str) -> None:
    """Warn that the money columns are left out, and why (the failed checks or the
    reason the spend model could not be fitted)."""
    from kunde_cli.analytics.clv import model_trust
    from kunde_cli.analytics.clv.bgnbd import MODEL_NAMES
    from kunde_cli.render.fits import failed_checks_text
    from kunde_cli.render.i18n import label
    from kunde_cli.render.terminal import warn
    from kunde_cli.words.said import word

    spend = result.spend_model
    why = (
        failed_checks_text(spend, lg)
        if spend is not None and not model_trust(spend)[0]
        else word(result.spend_error or "", lg)
    )
    warn(label("clv_spend_unusable", lg).format(why=why, model=MODEL_NAMES[model]))


def _prediction(result: ClvResult) -> tuple[pl.LazyFrame, tuple[str, ...]]:
    """The prediction columns the result holds (customer_id first), and those of them
    the table shows."""
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
    shown = tuple(c for c in ("expected_purchases", "predicted_clv", "value_at_risk") if c in keep)
    return prediction, shown


def parse_period_days(text: str) -> int:
    """``6m`` → 183, ``26w`` → 182, ``180d`` → 180, ``1y`` → 365 (days; the rule is
    :func:`kunde_cli.cli.options.parse_period`, shared with ``kunde backtest``)."""
    return options.parse_period(text)[0]


def _holdout(loaded: Loaded, period: tuple[int, Said], model: str, out: Destination) -> None:
    """Fit on the calibration part, predict the holdout, print predicted vs actual.

    The calibration fit is judged by the same trust checks as ``--model``; when it fails
    them the table is still shown, with a warning saying so.
    """
    from datetime import timedelta

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
    from kunde_cli.cli.common import day_text, emit, say_reused, workspace_fits
    from kunde_cli.render.fits import failed_checks_text, fit_json, print_fit_notes
    from kunde_cli.render.i18n import label
    from kunde_cli.render.terminal import note, warn

    lg, as_of = loaded.lang, loaded.as_of
    days, period_words = period
    calibration_end = as_of - timedelta(days=days)
    fits = workspace_fits(loaded)
    table, params = holdout_comparison(
        loaded.orders, calibration_end=calibration_end, as_of=as_of, model=model, fits=fits
    )
    say_reused(fits, lg)
    print_fit_notes(params, lg)
    if not model_trust(params)[0]:
        warn(
            label("holdout_untrusted", lg).format(
                period=period_words.worded(lg), why=failed_checks_text(params, lg)
            )
        )
    note(
        label("holdout_note", lg).format(
            model=MODEL_NAMES[model],
            calibration_end=day_text(calibration_end, lg),
            as_of=day_text(as_of, lg),
        )
    )
    _season_warning(loaded, calibration_end)
    table = table.with_columns(pl.col(ACTUAL_PURCHASES, PREDICTED_PURCHASES).round(3))
    kinds = {ACTUAL_PURCHASES: "float3", PREDICTED_PURCHASES: "float3"}
    if out.is_table:
        table = table.with_columns(pl.col(FREQUENCY_GROUP).replace(TOTAL_GROUP, label("total", lg)))
    info: dict[str, object] = {
        "purchase": fit_json(params, lg),
        "calibration_end": calibration_end.isoformat(),
        "holdout_end": as_of.isoformat(),
    }
    emit(table, out, loaded, title=label("holdout_title", lg), kinds=kinds, model=info)


def _season_warning(loaded: Loaded, calibration_end: date) -> None:
    """One warning when the holdout straddles the shop's peak months (analytics.seasonality)."""
    from kunde_cli.analytics.seasonality import judge_holdout, month_profile
    from kunde_cli.render.answers.season import holdout_warning
    from kunde_cli.render.terminal import warn

    as_of = loaded.as_of
    verdict = judge_holdout(
        month_profile(loaded.orders, as_of=as_of), calibration_end=calibration_end, as_of=as_of
    )
    if verdict is not None:
        warn(holdout_warning(verdict, loaded.lang, "kunde clv"))


def _monthly(
    loaded: Loaded, model: str, months: int, discount: float, by: ClvBy, out: Destination
) -> None:
    """``--monthly``: expected purchases and revenue per month with 90 % ranges
    (:mod:`kunde_cli.analytics.clv.monthly`).

    Data that cannot carry a purchase fit at all (too few customers or repeat
    customers) is refused: one line, exit 2. A purchase fit that fails the trust checks
    is still shown, after a warning naming the failed checks (``--model`` shows the
    simple CLV instead, but here there is nothing simpler to fall back on, and the
    ranges already widen with little data). An untrusted spend model leaves the revenue
    out, with a warning, as ``--model`` leaves out the money columns.
    """
    import polars as pl

    from kunde_cli.analytics import rfm
    from kunde_cli.analytics.clv import monthly as mv
    from kunde_cli.analytics.clv import predict_clv
    from kunde_cli.analytics.clv.bgnbd import MODEL_NAMES
    from kunde_cli.cli.common import day_text, emit, say_reused, workspace_fits
    from kunde_cli.errors import ModelError
    from kunde_cli.render.answers import monthly as words
    from kunde_cli.render.fits import failed_checks_text
    from kunde_cli.render.terminal import note, warn
    from kunde_cli.words import label_values
    from kunde_cli.words.labels import label, say
    from kunde_cli.words.numbers import currency_name, format_percent
    from kunde_cli.words.said import said, word

    lg, currency, as_of = loaded.lang, loaded.config.currency, loaded.as_of
    fits = workspace_fits(loaded)
    try:
        result = predict_clv(
            loaded.orders,
            as_of=as_of,
            model=model,
            horizon_months=months,
            discount_monthly=mv.monthly_discount(discount),
            fits=fits,
        )
    except ModelError as err:
        raise ModelError(said("monthly_unusable", why=err.said), hint=err.hint) from None
    say_reused(fits, lg)
    if not result.purchase_trusted:
        why = failed_checks_text(result.purchase_model, lg)
        warn(say("monthly_untrusted", lg, model=MODEL_NAMES[model], why=why))
    spend = result.spend_model if result.spend_trusted else None
    if spend is None:
        fit = result.spend_model
        why = failed_checks_text(fit, lg) if fit else word(result.spend_error or "", lg)
        warn(say("monthly_spend_unusable", lg, why=why))
    groups = None
    if by is ClvBy.segment:
        cfg = loaded.config.rfm
        scores = rfm.rfm_scores(loaded.orders, as_of=as_of, config=cfg)
        groups = rfm.rfm_segments(scores, config=cfg).select("customer_id", rfm.SEGMENT)
    value = mv.monthly_value(
        result.customers,
        result.purchase_model,
        spend,
        as_of=as_of,
        groups=groups,
        group_order=rfm.SEGMENT_ORDER,
        months=months,
        discount_yearly=discount,
    )
    table = value.table
    when, rate = day_text(as_of, lg), format_percent(discount, lg, 0)
    # The same sentences as the report's section.
    note(words.summary_sentence(value, lg, currency))
    note(words.scope_sentence(value, lg, model))
    note(words.ranges_sentence(value, lg))
    if by is ClvBy.segment:
        table = table.rename({mv.GROUP: rfm.SEGMENT})
    else:
        table = table.drop(mv.GROUP, mv.CUSTOMERS)
    if out.is_table:
        table = table.with_columns(
            pl.col(mv.MONTH).cast(pl.String).fill_null(say("monthly_all", lg, months=months))
        )
        if by is ClvBy.segment:
            names = {
                mv.TOTAL_GROUP: label("monthly_segment_total", lg),
                mv.NO_GROUP: label("monthly_segment_none", lg),
            }
            table = label_values(
                table.with_columns(pl.col(rfm.SEGMENT).replace(names)), [rfm.SEGMENT], lg
            )
    key = "monthly_title" if value.has_revenue else "monthly_title_purchases"
    key += "_segment" if by is ClvBy.segment else ""
    unit = currency_name(currency, lg)
    title = label(key, lg).format(months=months, as_of=when, discount=rate, currency=unit)
    kinds = {mv.PURCHASES: "float", mv.PURCHASES_LOW: "float", mv.PURCHASES_HIGH: "float"}
    kinds |= {mv.REVENUE: "money0", mv.REVENUE_LOW: "money0", mv.REVENUE_HIGH: "money0"}
    keep = (mv.MONTH, mv.PURCHASES, mv.REVENUE)
    drop = (mv.MONTH_START, mv.MONTH_END, mv.CUSTOMERS, mv.PURCHASES_LOW, mv.PURCHASES_HIGH)
    emit(table, out, loaded, title=title, kinds=kinds, priority=Priority(keep=keep, drop=drop))


def _new_by(loaded: Loaded, by: str, model: str, out: Destination) -> None:
    """``--new-by``: what a new customer is worth per acquisition group, whether the
    groups differ, and the number for ad spend (the words: render/answers/acquisition.py)."""
    from kunde_cli.analytics.clv.acquisition import new_customer_value
    from kunde_cli.cli.common import day_text, emit, say_reused, workspace_fits
    from kunde_cli.render.answers import acquisition as shown
    from kunde_cli.render.terminal import note
    from kunde_cli.words.labels import label, say

    lg = loaded.lang
    fits = workspace_fits(loaded)
    facts = new_customer_value(loaded.orders, as_of=loaded.as_of, by=by, model=model, fits=fits)
    say_reused(fits, lg)
    if not facts.groups:
        note(label("clv_no_customers", lg).format(as_of=day_text(loaded.as_of, lg)))
    else:
        for line in (*shown.notes(facts, lg), shown.verdict(facts, lg)):
            note(line)
        note(shown.worth(facts, lg, loaded.config.currency))
    emit(
        shown.shown_frame(facts, lg, people=out.is_table),
        out,
        loaded,
        title=say(f"acq_title_{by}", lg, as_of=day_text(loaded.as_of, lg)),
        kinds=shown.KINDS,
        model=shown.facts_json(facts),
        priority=shown.PRIORITY,
    )
