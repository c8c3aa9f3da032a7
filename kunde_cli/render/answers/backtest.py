"""The back-test in words and pictures: the verdict sentence, the cut-off sentence, the
one-time buyers' sentence, the tracking chart and the report section ("Holder
modellen?" / "Does the model hold?").

The sentences are shared with ``kunde backtest`` (:mod:`kunde_cli.cli.backtest`), so the
command and the report say the same thing; the facts come from
:func:`kunde_cli.analytics.backtest.backtest`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from kunde_cli.render import svg
from kunde_cli.render.svg import esc, num
from kunde_cli.words.labels import label, say
from kunde_cli.words.numbers import format_date, format_money, format_number, format_percent
from kunde_cli.words.said import Said, said

if TYPE_CHECKING:
    import polars as pl

    from kunde_cli.analytics.backtest import Backtest, Cutoff, Split
    from kunde_cli.app.report import ReportData
    from kunde_cli.render.excel import SheetSpec

#: Chart width (CSS pixels; the SVG scales down to the page) and plot height.
WIDTH = 560
PLOT_HEIGHT = 220
#: The actual line and each model's (dashed) line.
ACTUAL_COLOUR = "#222222"
MODEL_COLOURS = {"bgnbd": "#2f6690", "mbgnbd": "#c05a1a"}
#: Rows of the report's comparison table, and the columns shown.
REPORT_COLUMNS = (
    "model",
    "purchases_predicted",
    "purchases_actual",
    "difference",
    "mae",
    "spearman",
    "auc",
)
#: How each column of the back-test's tables is shown (terminal, report, files).
KINDS = {
    "difference": "percent",
    "revenue_difference": "percent",
    "top_decile_share": "percent",
    "accuracy": "percent",
    "balanced_accuracy": "percent",
    "mae": "float3",
    "bias": "float3",
    "spearman": "float2",
    "auc": "float2",
    "purchases_predicted": "float",
    "predicted_purchases": "float3",
    "predicted_revenue": "money",
    "actual_revenue": "money",
    "revenue_predicted": "money0",
    "revenue_actual": "money0",
    "predicted_mean": "float3",
    "actual_mean": "float3",
    "predicted_bgnbd": "float",
    "predicted_mbgnbd": "float",
}


def model_name(model: str, lang: str) -> str:
    """BG/NBD, MBG/NBD, or the tiers' row in words."""
    from kunde_cli.analytics.backtest import TIERS_ROW
    from kunde_cli.analytics.clv.bgnbd import MODEL_NAMES

    if model == TIERS_ROW:
        return label("backtest_row_tiers", lang)
    return MODEL_NAMES.get(model, model)


def signed_percent(value: float | None, lang: str) -> str:
    """``+2 %`` / ``−6 %`` (a real minus), ``–`` when unknown."""
    if value is None or not math.isfinite(value):
        return "–"
    shown = format_percent(value, lang, 0)
    if shown.lstrip("-").startswith("0"):
        return shown.lstrip("-")
    return ("+" if value > 0 else "") + svg.minus(shown)


def period_words(split: Split) -> Said:
    """The holdout's length in words: 13 uger, 12 måneder, 40 dage."""
    from kunde_cli.analytics.backtest import SEASON_HOLDOUT_DAYS

    days = split.holdout_days
    if days == SEASON_HOLDOUT_DAYS:
        return said("clv_holdout_months", n=12)
    if days % 7 == 0:
        weeks = days // 7
        return said("clv_holdout_weeks" if weeks != 1 else "clv_holdout_week", n=weeks)
    return said("clv_holdout_days" if days != 1 else "clv_holdout_day", n=days)


def _decimals(value: float) -> int:
    """Two decimals, more when two would round a value below 1 up to 1 (up to four)."""
    for places in (2, 3, 4):
        if round(value, places) < 1.0 or value >= 1.0:
            return places
    return 4


def verdict_sentences(
    result: Backtest, lang: str, currency: str = "kr.", period: Said | None = None
) -> list[str]:
    """The verdict the owner can use (first sentence, with its use), then the revenue,
    the rule behind it and which row served the shop best."""
    from kunde_cli.analytics.backtest import MIN_BUDGET_PURCHASES

    v = result.verdict
    use = {
        (True, True): "backtest_use_both",
        (False, True): "backtest_use_rank",
        (True, False): "backtest_use_budget",
        (False, False): "backtest_use_neither",
    }[(v.budget_ok, v.ranking_ok)]
    first = say(
        "backtest_verdict",
        lang,
        model=model_name(v.model, lang),
        predicted=format_number(round(v.predicted_purchases), lang),
        period=(period or period_words(result.split)).worded(lang),
        end=format_date(result.split.as_of, lang),
        actual=format_number(v.actual_purchases, lang),
        difference=signed_percent(v.difference, lang),
    )
    if not v.budget_judged:
        use = "backtest_use_rank_few" if v.ranking_ok else "backtest_use_neither_few"
    usage = say(
        use,
        lang,
        n=format_number(round(v.predicted_purchases), lang),
        minimum=format_number(MIN_BUDGET_PURCHASES, lang),
    )
    out = [f"{first} {usage}"]
    if v.predicted_revenue is not None:
        out.append(
            say(
                "backtest_revenue",
                lang,
                actual=format_money(v.actual_revenue, lang, currency, 0),
                predicted=format_money(v.predicted_revenue, lang, currency, 0),
                difference=signed_percent(v.revenue_difference, lang),
            )
        )
    out.append(rule_sentence(result, lang))
    best = best_sentence(result, lang)
    if best:
        out.append(best)
    return out


def rule_sentence(result: Backtest, lang: str) -> str:
    """The thresholds the verdict used, with this shop's figures."""
    from kunde_cli.analytics.backtest import BUDGET_MAX_DIFFERENCE, RANKING_MIN_SPEARMAN

    v = result.verdict
    rule = say(
        "backtest_rule",
        lang,
        budget=format_percent(BUDGET_MAX_DIFFERENCE, lang, 0),
        minimum=format_number(RANKING_MIN_SPEARMAN, lang, 2),
        spearman=format_number(v.spearman, lang, 2) if v.spearman is not None else "–",
    )
    if v.top_decile_share is None:  # nobody bought in the holdout
        return rule
    top = say(
        "backtest_top_decile",
        lang,
        top=format_percent(v.top_decile_share, lang, 0),
        tenth=format_percent(0.1, lang, 0),
    )
    return f"{rule} {top}"


def best_sentence(result: Backtest, lang: str) -> str | None:
    """Which row served the shop best, for counts and for who buys again."""
    from kunde_cli.analytics.backtest import AUC, MAE, MODEL, TIERS_ROW

    v = result.verdict
    rows = {r[MODEL]: r for r in result.models.iter_rows(named=True)}
    counts, buyers = rows.get(v.best_counts), rows.get(v.best_buyers)
    if counts is None or buyers is None or counts[MAE] is None or buyers[AUC] is None:
        return None
    buyer_name = (
        label("backtest_tiers_lower", lang)
        if v.best_buyers == TIERS_ROW
        else model_name(v.best_buyers, lang)
    )
    return say(
        "backtest_best",
        lang,
        counts=model_name(v.best_counts, lang),
        mae=format_number(counts[MAE], lang, 2),
        buyers=buyer_name,
        auc=format_number(buyers[AUC], lang, 2),
    )


def cutoff_sentences(result: Backtest, lang: str) -> list[str]:
    """The P(alive) cut-off with its accuracy, how it was chosen, and why MBG/NBD."""
    from kunde_cli.analytics.clv.bgnbd import MODEL_BGNBD, MODEL_MBGNBD

    cut: Cutoff | None = result.cutoff
    if cut is None:
        return [say("backtest_no_cutoff", lang)]
    out = [
        say(
            "backtest_cutoff",
            lang,
            model=model_name(cut.model, lang),
            # 0.9995 is not 1: as many decimals as it takes (up to four).
            threshold=format_number(cut.threshold, lang, _decimals(cut.threshold)),
            accuracy=format_percent(cut.accuracy, lang, 0),
            balanced=format_percent(cut.balanced_accuracy, lang, 0),
            above=format_number(cut.above, lang),
            below=format_number(cut.below, lang),
        )
        + " "
        + say("backtest_cutoff_rule", lang)
    ]
    judged = cut.buyers + cut.non_buyers
    majority = max(cut.buyers, cut.non_buyers) / judged if judged else 0.0
    if cut.accuracy < majority:
        out.append(
            say(
                "backtest_cutoff_baseline_gone"
                if cut.non_buyers >= cut.buyers
                else "backtest_cutoff_baseline_alive",
                lang,
                baseline=format_percent(majority, lang, 0),
            )
        )
    if cut.model == MODEL_MBGNBD:
        out.append(say("backtest_cutoff_mbgnbd", lang))
    elif cut.model == MODEL_BGNBD:
        out.append(say("backtest_cutoff_bgnbd", lang))
    return out


def one_time_sentences(result: Backtest, lang: str) -> list[str]:
    """How long returning customers took, the one-time buyers past it, and whether it
    held on the split."""
    rule = result.one_time
    if rule.came_back_within is None or not rule.one_time:
        return []
    out = [
        say(
            "backtest_one_time",
            lang,
            share=format_percent(rule.quantile, lang, 0),
            days=format_number(rule.came_back_within, lang),
            past=format_number(rule.past, lang),
            one_time=format_number(rule.one_time, lang),
        )
    ]
    if rule.past_bought is not None and rule.within_bought is not None:
        out.append(
            say(
                "backtest_one_time_held",
                lang,
                past_share=format_percent(rule.past_bought, lang, 0),
                within_share=format_percent(rule.within_bought, lang, 0),
            )
        )
    return out


def split_sentence(result: Backtest, lang: str, period: Said | None = None) -> str:
    """Where the history was cut and who is compared."""
    split = result.split
    return say(
        "backtest_split",
        lang,
        calibration_end=format_date(split.calibration_end, lang),
        period=(period or period_words(split)).worded(lang),
        as_of=format_date(split.as_of, lang),
        customers=format_number(result.customers, lang),
        buyers=format_number(result.buyers, lang),
    )


def season_sentence(result: Backtest, lang: str) -> str | None:
    """Said when the season-matched split was taken instead of the last quarter."""
    from kunde_cli.analytics.backtest import SPLIT_SEASON

    season = result.split.season
    if result.split.chosen != SPLIT_SEASON or season is None:
        return None
    months = ", ".join(label(f"season_month_{m}", lang) for m in season.peak_months)
    return say("backtest_season_split", lang, months=months)


def models_frame(result: Backtest, lang: str, *, people: bool) -> pl.DataFrame:
    """The comparison table; ``people``: rows named in words."""
    import polars as pl

    from kunde_cli.analytics.backtest import MODEL

    table = result.models
    if people:
        names = {m: model_name(m, lang) for m in table.get_column(MODEL).to_list()}
        table = table.with_columns(pl.col(MODEL).replace_strict(names, return_dtype=pl.String))
    return table


def worded_reasons(frame: pl.DataFrame, lang: str) -> pl.DataFrame:
    """A customer list's one-time buyers' facts (``days_since_purchase``,
    ``came_back_within_days``) as one sentence per row, ``one_time_reason``: "one
    purchase 240 days ago; customers like her who came back did so within 295 days"."""
    import polars as pl

    from kunde_cli.analytics.backtest import CAME_BACK_WITHIN, DAYS_SINCE

    if DAYS_SINCE not in frame.columns:
        return frame
    worded = [
        None
        if days is None or within is None
        else say("backtest_one_time_reason", lang, days=days, within=within)
        for days, within in frame.select(DAYS_SINCE, CAME_BACK_WITHIN).iter_rows()
    ]
    return frame.drop(DAYS_SINCE, CAME_BACK_WITHIN).with_columns(
        pl.Series("one_time_reason", worded, dtype=pl.String)
    )


# --- the tracking chart ---------------------------------------------------------------------


def tracking_chart(tracking: pl.DataFrame, *, lang: str) -> str:
    """Weekly cumulative purchases over the holdout: the actual line (solid) and each
    model's prediction (dashed), from 0 at the calibration end. A table without weeks
    is one line, not an empty chart."""
    from kunde_cli.analytics.backtest import CUMULATIVE, WEEK, WEEK_END
    from kunde_cli.render.charts import nothing_to_draw

    if tracking.is_empty():
        return nothing_to_draw(lang)
    weeks = [0, *tracking.get_column(WEEK).to_list()]
    ends = tracking.get_column(WEEK_END).to_list()
    lines: list[tuple[str, str, list[float], bool]] = [
        (
            label("backtest_chart_actual", lang),
            ACTUAL_COLOUR,
            [0.0, *map(float, tracking.get_column(CUMULATIVE).to_list())],
            False,
        )
    ]
    for model, colour in MODEL_COLOURS.items():
        column = f"predicted_{model}"
        if column in tracking.columns:
            values = [0.0, *(float(v or 0.0) for v in tracking.get_column(column).to_list())]
            lines.append((model_name(model, lang), colour, values, True))
    plot_w, plot_h = WIDTH - 90, PLOT_HEIGHT
    top_value = max(max(v) for _, _, v, _ in lines) or 1.0
    _, high = svg.nice(0.0, top_value)
    x = svg.linear((0.0, float(weeks[-1])), (0.0, plot_w))
    y = svg.linear((0.0, high), (plot_h, 0.0))
    y_values, y_labels = svg.fitted_ticks(
        0.0,
        high,
        plot_h,
        lambda v, step: format_number(v, lang, svg.decimals(step)),
        vertical=True,
        most=math.ceil(plot_h / 40),
    )
    x_values, x_labels = svg.fitted_ticks(
        0.0, float(weeks[-1]), plot_w, lambda v, step: format_number(v, lang, svg.decimals(step))
    )
    paths = []
    for name, colour, values, dashed in lines:
        d = "L".join(f"{num(x(w))},{num(y(v))}" for w, v in zip(weeks, values, strict=True))
        dash = ' stroke-dasharray="6 4"' if dashed else ""
        dots = "".join(
            f'<circle cx="{num(x(w))}" cy="{num(y(v))}" r="2.5" fill="{colour}">'
            f"<title>{esc(f'{name}, {format_date(end, lang)}: {format_number(v, lang)}')}</title>"
            "</circle>"
            for w, v, end in zip(weeks[1:], values[1:], ends, strict=True)
        )
        paths.append(f'<path d="M{d}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>{dots}')
    # The legend on one line above the plot.
    legend, at = [], 0.0
    for name, colour, _, dashed in lines:
        dash = ' stroke-dasharray="6 4"' if dashed else ""
        legend.append(
            f'<path d="M{num(at)},-12h22" stroke="{colour}" stroke-width="2"{dash}/>'
            f'<text x="{num(at + 28)}" y="-8">{esc(name)}</text>'
        )
        at += 28 + svg.text_width(name) + 16
    body = (
        svg.grid([x(v) for v in x_values], [y(v) for v in y_values], width=plot_w, height=plot_h)
        + "".join(paths)
        + svg.axis_bottom(
            [x(v) for v in x_values],
            x_labels,
            y=plot_h,
            width=plot_w,
            flush=True,
            title=label("backtest_chart_week", lang),
        )
        + svg.axis_left(
            [y(v) for v in y_values],
            y_labels,
            height=plot_h,
            title=label("backtest_chart_title", lang),
        )
        + "".join(legend)
    )
    left, top = svg.left_margin(y_labels, title=True), svg.PAD + 22
    return svg.document(
        label("backtest_chart_title", lang),
        width=left + max(plot_w, at) + svg.PAD + 1,
        height=top + plot_h + 36 + svg.PAD,
        left=left,
        top=top,
        body=body,
    )


# --- the report section ---------------------------------------------------------------------


def part(facts: Backtest, data: ReportData) -> dict[str, Any] | None:
    """The report's "Does the model hold?" section: the verdict, the tracking chart, the
    comparison table (short: seven columns) and the cut-off sentence."""
    from markupsafe import Markup

    from kunde_cli.render.html import table

    lg = data.lang
    sentences = verdict_sentences(facts, lg, data.currency)
    season = season_sentence(facts, lg)
    frame = models_frame(facts, lg, people=True).select(REPORT_COLUMNS)
    notes = [split_sentence(facts, lg)]
    if season:
        notes.insert(0, season)
    # The command warns about an untrusted fit before its verdict; the report says it
    # beside the verdict (the value section above already calls such a fit untrusted).
    caution = []
    verdict = facts.verdict
    if not verdict.trusted and verdict.model in facts.fits:
        from kunde_cli.render.fits import failed_checks_text

        why = failed_checks_text(facts.fits[verdict.model], lg)
        caution.append(say("backtest_untrusted", lg, model=model_name(verdict.model, lg), why=why))
    return {
        "id": "backtest",
        "title": say("backtest_section", lg),
        "sentences": [sentences[0], *caution, *cutoff_sentences(facts, lg)[:1]],
        "chart": Markup(tracking_chart(facts.tracking, lang=lg)),
        "tables": [table(frame, lg, currency=data.currency, kinds=KINDS)],
        "notes": [
            *notes,
            *sentences[1:],
            *cutoff_sentences(facts, lg)[1:],
            *one_time_sentences(facts, lg),
        ],
    }


def sheets(facts: Backtest, data: ReportData) -> list[SheetSpec]:
    """The comparison of the tiers and the models on the holdout, with the verdict."""
    from kunde_cli.render.answers import excel_kinds
    from kunde_cli.render.excel import SheetSpec

    lg = data.lang
    verdict = " ".join(verdict_sentences(facts, lg, data.currency)[:1])
    return [
        SheetSpec(
            say("backtest_section", lg),
            models_frame(facts, lg, people=True),
            kinds=excel_kinds(KINDS),
            note=verdict,
        )
    ]
