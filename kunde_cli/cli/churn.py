"""`kunde churn`: who is drifting away — rule-based tiers, reactivation lists, P(alive)."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from kunde_cli.cli import options

if TYPE_CHECKING:
    from datetime import date

    import polars as pl

    from kunde_cli.config import Config
    from kunde_cli.store.cache import FitCache

app = typer.Typer()


class PurchaseModel(StrEnum):
    """Probabilistic purchase models for --model."""

    bgnbd = "bgnbd"
    mbgnbd = "mbgnbd"


@app.command("churn")
def churn_command(
    files: options.Files = None,
    show_list: Annotated[
        bool,
        typer.Option(
            "--list",
            help="List the customers in --tier (default cooling,inactive), most valuable first.",
        ),
    ] = False,
    tier: Annotated[
        str | None,
        typer.Option(
            "--tier",
            help="Tiers to list, comma-separated: active, cooling, inactive, lost. Implies --list.",
            show_default=False,
        ),
    ] = None,
    model: Annotated[
        PurchaseModel | None,
        typer.Option(
            "--model",
            help="Add P(alive) and expected purchases from BG/NBD or MBG/NBD (mbgnbd is "
            "better for shops with many one-time buyers).",
            show_default=False,
        ),
    ] = None,
    horizon: Annotated[
        int,
        typer.Option("--horizon", min=1, help="Months ahead for expected purchases (--model)."),
    ] = 12,
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
    """Who is drifting away: customers by activity tier, and who to win back.

    A customer is inactive when the days since the last order exceed max(floor, k × the
    customer's usual gap between orders); one-time buyers are measured against the shop's
    80th percentile of days to a second order (kunde.toml, section "churn", sets k, floor
    and more). Tiers: active, cooling (overdue by their own rhythm), inactive, lost (over
    twice the limit).

    --list: a reactivation list sorted by value per year, with e-mail, last order, usual
    gap, segment and a suggested action. --model bgnbd|mbgnbd adds P(alive) and expected
    purchases over --horizon months, and prints the fitted parameters, log-likelihood,
    customers and trust checks (with --format json the output is {"model": ..., "rows":
    [...]}). When the fit cannot be trusted — too few customers, a parameter at the edge,
    or a flat likelihood (parameters the data hardly pin down while P(alive) depends on
    them) — it says why and falls back to the rule-based tiers.

    Example: kunde churn --list --tier cooling,inactive --format csv -o genaktiver.csv
    """
    from kunde_cli.analytics import churn
    from kunde_cli.cli import common
    from kunde_cli.cli.clv import emit_with_model, workspace_fits
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
    wanted = churn.parse_tiers(tier) if (show_list or tier) else None
    when = loaded.as_of.strftime("%d-%m-%Y") if lg == "da" else loaded.as_of.isoformat()
    tiers = churn.churn_tiers(loaded.orders, as_of=loaded.as_of, config=cfg.churn).collect()
    _print_rule(tiers, cfg, lg)
    model_info = None
    if model is not None:
        tiers, model_info = _add_model(
            tiers,
            loaded.orders,
            loaded.as_of,
            model.value,
            horizon,
            lg,
            fits=workspace_fits(loaded),
        )

    if wanted is not None:
        segments = _segments(loaded.orders, loaded.as_of, cfg)
        frame = churn.reactivation_list(
            tiers, loaded.orders, wanted=wanted, segments=segments, lang=lg
        ).collect()
        names = ", ".join(label(f"tier_{t}", lg).lower() for t in wanted)
        title = label("churn_list_title", lg).format(tiers=names, as_of=when)
    else:
        frame = churn.tier_summary(tiers).collect()
        _print_summary(frame, lg, cfg.currency)
        title = label("churn_title", lg).format(as_of=when)
    if resolve_format(fmt, output) is OutputFormat.table:
        frame = label_values(frame, [churn.TIER], lg, prefix="tier_")
        frame = label_values(frame, [churn.SEGMENT], lg)
    emit_with_model(
        frame,
        model_info,
        fmt,
        output,
        title=title,
        lang=lg,
        currency=cfg.currency,
        kinds={churn.USUAL_GAP: "int", churn.THRESHOLD: "int"},
        csv_style=csv_style,
        bom=bom,
        as_of=loaded.as_of,
    )


def _segments(lines: pl.LazyFrame, as_of: date, cfg: Config) -> pl.LazyFrame:
    from kunde_cli.analytics import rfm

    scored = rfm.rfm_scores(lines, as_of=as_of, config=cfg.rfm)
    return rfm.rfm_segments(scored, config=cfg.rfm)


def _add_model(
    tiers: pl.DataFrame,
    lines: pl.LazyFrame,
    as_of: date,
    model: str,
    horizon: int,
    lang: str,
    *,
    fits: FitCache | None = None,
) -> tuple[pl.DataFrame, dict[str, object]]:
    """Fit the purchase model and join P(alive); on an untrustworthy fit say so and skip it.

    The fitted parameters and trust checks are printed as notes and returned for JSON.
    ``fits``: the workspace's fit cache (a fit found there is reused, and that is said).
    """
    from kunde_cli.analytics import churn
    from kunde_cli.analytics.clv import MODEL_BGNBD, REPEAT_PURCHASES, predict_purchases
    from kunde_cli.analytics.clv.bgnbd import MODEL_NAMES
    from kunde_cli.cli.clv import (
        failed_checks_text,
        fit_failure_json,
        fit_json,
        print_fit_notes,
        say_reused,
    )
    from kunde_cli.errors import ModelError
    from kunde_cli.render.i18n import label
    from kunde_cli.render.numbers import format_number
    from kunde_cli.render.terminal import note, warn

    name = MODEL_NAMES[model]
    if not tiers.height:
        return tiers, {"purchase": fit_failure_json(model, "no customer has a counted order")}
    try:
        result = predict_purchases(
            lines, as_of=as_of, model=model, horizon_months=horizon, fits=fits
        )
    except ModelError as err:
        # A fit that cannot be made is not an error for this command: the rule tiers
        # are the answer, and the owner is told in plain words why there are no model numbers.
        warn(label("churn_model_failed", lang).format(model=name, reason=err.message))
        return tiers, {"purchase": fit_failure_json(model, err.message)}
    params = result.purchase_model
    say_reused(fits, lang)
    print_fit_notes(params, lang)
    info: dict[str, object] = {"purchase": fit_json(params, lang)}
    if not result.trusted:
        warn(
            label("churn_model_untrusted", lang).format(
                model=name, reasons=failed_checks_text(params, lang)
            )
        )
        return tiers, info
    one_order = int((result.customers.get_column(REPEAT_PURCHASES) == 0).sum())
    if one_order:
        key = "churn_one_order_bgnbd" if model == MODEL_BGNBD else "churn_one_order_mbgnbd"
        note(label(key, lang).format(n=format_number(one_order, lang, 0)))
    note(label("churn_model_note", lang).format(model=name, horizon=horizon))
    tiers = churn.with_model(tiers, result.customers, blank_one_order=model == MODEL_BGNBD)
    return tiers.collect(), info


def _print_rule(tiers: pl.DataFrame, cfg: Config, lang: str) -> None:
    from kunde_cli.analytics import churn
    from kunde_cli.render.i18n import label
    from kunde_cli.render.numbers import format_number
    from kunde_cli.render.terminal import note

    c = cfg.churn
    gap, basis = churn.one_order_gap(tiers)
    key = "churn_rule_no_repeat" if basis == churn.GAP_FLOOR else "churn_rule"
    note(
        label(key, lang).format(
            floor=c.floor_days,
            k=format_number(c.k, lang, 1),
            pct=round(c.one_order_quantile * 100),
            gap=format_number(gap, lang, 0) if gap is not None else "–",
        )
    )


def _print_summary(summary: pl.DataFrame, lang: str, currency: str) -> None:
    from kunde_cli.analytics import churn
    from kunde_cli.render.i18n import label
    from kunde_cli.render.numbers import format_money, format_number
    from kunde_cli.render.terminal import note

    counts = dict(
        zip(
            summary.get_column(churn.TIER).to_list(),
            summary.get_column(churn.CUSTOMERS).to_list(),
            strict=True,
        )
    )
    values = dict(
        zip(
            summary.get_column(churn.TIER).to_list(),
            summary.get_column(churn.VALUE_AT_STAKE).to_list(),
            strict=True,
        )
    )
    total = sum(counts.values())
    if not total:
        note(label("churn_no_customers", lang))
        return
    overdue = counts[churn.TIER_COOLING] + counts[churn.TIER_INACTIVE]
    if not overdue:
        note(label("churn_summary_none", lang).format(customers=format_number(total, lang, 0)))
        return
    note(
        label("churn_summary", lang).format(
            overdue=format_number(overdue, lang, 0),
            customers=format_number(total, lang, 0),
            value=format_money(
                values[churn.TIER_COOLING] + values[churn.TIER_INACTIVE], lang, currency
            ),
        )
    )
