"""`kunde churn`: who is drifting away — rule-based tiers, reactivation lists, P(alive)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from kunde_cli.cli import options
from kunde_cli.cli.options import Destination, Source
from kunde_cli.render.formats import Choice
from kunde_cli.render.priority import Priority

if TYPE_CHECKING:
    from datetime import date

    import polars as pl

    from kunde_cli.analytics.orders import Basis
    from kunde_cli.cli.common import Loaded
    from kunde_cli.config import Config
    from kunde_cli.store.cache import FitCache

app = typer.Typer(add_completion=False)

#: The terminal table when the screen is too narrow (kunde_cli.render.priority): who
#: (name, e-mail) and the value at stake stay; the tier goes last.
COLUMNS = Priority(
    keep=("customers", "value_at_stake", "name", "email"),
    drop=(
        "usual_gap_days",
        "orders",
        "revenue",
        "segment",
        "expected_purchases",
        "share_revenue",
        "share_customers",
        "last_order",
        "days_since_last",
        "mean_p_alive",
        "p_alive",
    ),
)


#: The --due table when the screen is too narrow: who, when and the value stay first.
DUE_COLUMNS = Priority(
    keep=("customer_id", "email", "status", "expected_next", "revenue"),
    drop=("m_spread", "purchase_days", "usual_gap_days", "last_order", "days_late", "name"),
)


class PurchaseModel(Choice):
    """Probabilistic purchase models for --model."""

    bgnbd = "bgnbd"
    mbgnbd = "mbgnbd"


# --- the command's own options ----------------------------------------------------------

ShowList = Annotated[
    bool,
    typer.Option(
        "--list",
        help="List the customers in --tier (default cooling,inactive), most valuable first.",
    ),
]
Tier = Annotated[
    str | None,
    typer.Option(
        "--tier",
        help="Tiers to list, comma-separated: active, cooling, inactive, lost. Implies --list.",
        show_default=False,
    ),
]
Model = Annotated[
    PurchaseModel | None,
    typer.Option(
        "--model",
        help="Add P(alive) and expected purchases from BG/NBD or MBG/NBD (mbgnbd is "
        "better for shops with many one-time buyers).",
        show_default=False,
    ),
]
DueList = Annotated[
    bool,
    typer.Option(
        "--due",
        help="List regular buyers due this week or overdue (Wheat-Morrison regularity), "
        "most valuable first; e-mail only where marketing consent allows. Not with --list, "
        "--tier or --model.",
    ),
]
Horizon = Annotated[
    int,
    typer.Option("--horizon", min=1, help="Months ahead for expected purchases (--model)."),
]


@app.command("churn")
@options.writes_output()
@options.reads_data
def churn_command(
    data: Source,
    out: Destination,
    show_list: ShowList = False,
    tier: Tier = None,
    model: Model = None,
    horizon: Horizon = 12,
    due: DueList = False,
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

    --due: regular buyers (even gaps between purchase days, at least three purchase
    days) whose expected next order is today or within 7 days ("due this week") or
    passed by more than half their usual gap ("overdue"), most valuable first.

    Example: kunde churn --list --tier cooling,inactive --format csv -o genaktiver.csv
    """
    from kunde_cli.analytics import churn
    from kunde_cli.cli import common

    if due and (show_list or tier is not None or model is not None):
        from kunde_cli.errors import ConfigError
        from kunde_cli.words.said import said

        raise ConfigError(said("due_alone"), hint=said("due_alone_hint"))
    loaded = common.load_source(data)
    if due:
        _due(loaded, out)
        return
    lg, cfg = loaded.lang, loaded.config
    wanted = churn.parse_tiers(tier) if (show_list or tier) else None
    tiers = churn.churn_tiers(loaded.orders, as_of=loaded.as_of, config=cfg.churn).collect()
    _print_rule(tiers, cfg, lg)
    model_info = None
    # One fit cache for the model and its cut-off's back-test.
    fits = common.workspace_fits(loaded) if model is not None else None
    if model is not None:
        tiers, model_info = _add_model(
            tiers,
            loaded.orders,
            loaded.as_of,
            model.value,
            horizon,
            lg,
            fits=fits,
        )
    frame, title = _table(tiers, loaded, wanted)
    if model is not None and "p_alive" in tiers.columns:
        frame = _with_cutoff(frame, loaded, model.value, out, fits)
    if out.is_table:
        from kunde_cli.words import label_values

        frame = label_values(frame, [churn.TIER], lg, prefix="tier_")
        frame = label_values(frame, [churn.SEGMENT], lg)
    kinds = {churn.USUAL_GAP: "int", churn.THRESHOLD: "int"}
    common.emit(frame, out, loaded, title=title, kinds=kinds, model=model_info, priority=COLUMNS)


def _with_cutoff(
    frame: pl.DataFrame, loaded: Loaded, model: str, out: Destination, fits: FitCache | None
) -> pl.DataFrame:
    """The P(alive) cut-off of the shop's own back-test (kunde backtest) in a note, and a
    list marked by it, one-time buyers with why (app.answers.backtest.marked_by_cutoff)."""
    from kunde_cli.app.answers.backtest import marked_by_cutoff
    from kunde_cli.render.answers.backtest import cutoff_sentences, worded_reasons
    from kunde_cli.render.terminal import note

    cfg = loaded.config.churn
    frame, result = marked_by_cutoff(
        frame, loaded.orders, as_of=loaded.as_of, model=model, config=cfg, fits=fits
    )
    if result is not None:
        for sentence in cutoff_sentences(result, loaded.lang):
            note(sentence)
    return worded_reasons(frame, loaded.lang) if out.is_table else frame


def _due(loaded: Loaded, out: Destination) -> None:
    """``--due``: the regular buyers due this week or overdue, with the rule in a note."""
    from kunde_cli.analytics import regularity as reg
    from kunde_cli.cli.common import day_text, emit
    from kunde_cli.render.i18n import label
    from kunde_cli.render.terminal import note
    from kunde_cli.words import label_values, say

    lg = loaded.lang
    everyone = reg.regularity(loaded.orders, as_of=loaded.as_of).collect()
    frame = reg.due_list(loaded.orders, as_of=loaded.as_of, every=everyone).collect()
    statuses = everyone.get_column(reg.STATUS)
    regular = int(statuses.is_in(list(reg.REGULAR_STATUSES)).sum())
    note(say("due_define", lg, window=reg.DUE_WINDOW_DAYS))
    if not regular:
        note(say("due_no_regular", lg))
    else:
        note(
            say(
                "due_summary",
                lg,
                due=int((statuses == reg.STATUS_DUE).sum()),
                overdue=int((statuses == reg.STATUS_OVERDUE).sum()),
                regular=regular,
            )
        )
    if reg.consent_checked(loaded.orders, as_of=loaded.as_of):
        note(say("due_no_email_consent", lg))
    if out.is_table:
        frame = label_values(frame, [reg.STATUS], lg, prefix="due_status_")
    title = label("due_title", lg).format(as_of=day_text(loaded.as_of, lg))
    kinds = {reg.USUAL_GAP: "float", reg.M_SPREAD: "float3"}
    emit(frame, out, loaded, title=title, kinds=kinds, priority=DUE_COLUMNS)


def _table(
    tiers: pl.DataFrame, loaded: Loaded, wanted: tuple[str, ...] | None
) -> tuple[pl.DataFrame, str]:
    """The reactivation list of the ``wanted`` tiers, else the summary per tier (with
    its sentence on stderr), and its title."""
    from kunde_cli.analytics import churn
    from kunde_cli.cli.common import day_text
    from kunde_cli.render.i18n import label
    from kunde_cli.words.actions import word_actions

    lg, cfg = loaded.lang, loaded.config
    when = day_text(loaded.as_of, lg)
    if wanted is not None:
        segments = _segments(loaded.orders, loaded.as_of, cfg)
        listed = churn.reactivation_list(tiers, loaded.orders, wanted=wanted, segments=segments)
        frame = word_actions(listed.collect(), lg)
        names = ", ".join(label(f"tier_{t}", lg).lower() for t in wanted)
        return frame, label("churn_list_title", lg).format(tiers=names, as_of=when)
    frame = churn.tier_summary(tiers).collect()
    _print_summary(frame, lg, cfg.currency)
    _print_definitions(lg)
    return frame, label("churn_title", lg).format(as_of=when)


def _print_definitions(lang: str) -> None:
    """What the inactive share counts, beside what the retention rate (kunde retention,
    the report) counts: one sentence each, so both can be true at once."""
    from kunde_cli.analytics.retention import DEFAULT_WINDOW_DAYS
    from kunde_cli.render.i18n import label
    from kunde_cli.render.numbers import format_number
    from kunde_cli.render.terminal import note
    from kunde_cli.words import say

    note(say("define_inactive", lang))
    window = format_number(DEFAULT_WINDOW_DAYS, lang)
    note(say("define_retention", lang, period=label("period_month", lang), window=window))


def _segments(lines: Basis, as_of: date, cfg: Config) -> pl.LazyFrame:
    from kunde_cli.analytics import rfm

    scored = rfm.rfm_scores(lines, as_of=as_of, config=cfg.rfm)
    return rfm.rfm_segments(scored, config=cfg.rfm)


def _add_model(
    tiers: pl.DataFrame,
    lines: Basis,
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
    from kunde_cli.cli.common import say_reused
    from kunde_cli.errors import ModelError
    from kunde_cli.render.fits import (
        failed_checks_text,
        fit_failure_json,
        fit_json,
        print_fit_notes,
    )
    from kunde_cli.render.i18n import label
    from kunde_cli.render.numbers import format_number
    from kunde_cli.render.terminal import note, warn
    from kunde_cli.words.said import said

    name = MODEL_NAMES[model]
    if not tiers.height:
        return tiers, {"purchase": fit_failure_json(model, said("model_no_counted_order"))}
    try:
        result = predict_purchases(
            lines, as_of=as_of, model=model, horizon_months=horizon, fits=fits
        )
    except ModelError as err:
        # A fit that cannot be made is not an error for this command: the rule tiers
        # are the answer, and the owner is told in plain words why there are no model numbers.
        warn(label("churn_model_failed", lang).format(model=name, reason=err.one_line(lang)))
        return tiers, {"purchase": fit_failure_json(model, err.said)}
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
    modelled = churn.with_model(tiers, result.customers, blank_one_order=model == MODEL_BGNBD)
    return modelled.collect(), info


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
