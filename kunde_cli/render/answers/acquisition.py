"""What a new customer is worth by where she came from: the words of
:mod:`kunde_cli.analytics.clv.acquisition`'s facts, for ``kunde clv --new-by`` and
the report's section (the same sentences in both)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kunde_cli.render.priority import Priority

if TYPE_CHECKING:
    import polars as pl

    from kunde_cli.analytics.clv.acquisition import (
        GroupValue,
        LikelihoodRatio,
        NewCustomerValue,
    )
    from kunde_cli.app.report import ReportData
    from kunde_cli.render.excel import SheetSpec

#: Below this p the groups "differ noticeably".
SIGNIFICANT = 0.05
#: Groups shown in the report (all: ``kunde clv --new-by``).
TOP_GROUPS = 12


def group_name(facts: NewCustomerValue, group: str | None, lang: str) -> str:
    """A group as people read it: the channel or category as written, the discount
    groups in words, a missing value as "(none)"."""
    from kunde_cli.words.labels import label

    if group is None:
        return label("acq_group_none", lang)
    if facts.by == "discount":
        return label(f"acq_group_{group}", lang)
    return group


def p_text(p: float, lang: str) -> str:
    """``p = 0,01`` (two decimals; three below 0.01), ``p < 0,001`` below that."""
    from kunde_cli.words.labels import say
    from kunde_cli.words.numbers import format_number

    if p < 0.001:
        return say("acq_p_below", lang, p=format_number(0.001, lang, 3))
    return say("acq_p_is", lang, p=format_number(p, lang, 2 if p >= 0.01 else 3))


def _money(value: float | None, lang: str, currency: str) -> str:
    from kunde_cli.words.numbers import format_money

    return format_money(value, lang, currency, 0)


def money_range(low: float | None, high: float | None, lang: str, currency: str) -> str:
    """``520–780 kr.`` (``DKK 520–780``): the currency once; ``–`` when unknown."""
    from kunde_cli.words.numbers import format_number

    if low is None or high is None:
        return "–"
    high_text = format_number(high, lang, 0)
    return _money(high, lang, currency).replace(
        high_text, f"{format_number(low, lang, 0)}–{high_text}"
    )


def verdict(facts: NewCustomerValue, lang: str) -> str:
    """The verdict on whether the groups differ, naming the most and the least
    valuable group when they do."""
    from kunde_cli.analytics.clv.trust import MIN_TRUSTED_CUSTOMERS, MIN_TRUSTED_REPEAT
    from kunde_cli.words.labels import say

    test = facts.value_test
    named = [g.group for g in facts.groups if g.group is not None]
    if test is None and len(named) == 1:
        return say("acq_one_group", lang, group=group_name(facts, named[0], lang))
    if test is None:
        return say(
            "acq_untested",
            lang,
            min_customers=MIN_TRUSTED_CUSTOMERS,
            min_repeat=MIN_TRUSTED_REPEAT,
        )
    p = p_text(test.p_value, lang)
    if test.p_value >= SIGNIFICANT:
        return say("acq_verdict_same", lang, p=p)
    valued = _named_first(facts)
    if len([g for g in valued if g.group is not None]) < 2:
        return say("acq_verdict_differ", lang, p=p)
    valued = tuple(g for g in valued if g.group is not None)
    high, low = valued[0], valued[-1]
    if facts.by == "discount":
        return say(f"acq_verdict_discount_{high.group}", lang, p=p)
    return say(
        f"acq_verdict_{facts.by}",
        lang,
        high=group_name(facts, high.group, lang),
        low=group_name(facts, low.group, lang),
        p=p,
    )


def _named_first(facts: NewCustomerValue) -> tuple[GroupValue, ...]:
    """The valued groups, most valuable first, the customers whose first order names no
    channel (category) last: the number for ad spend, and the verdict, name a channel
    one can spend on."""
    valued = facts.valued
    return tuple(g for g in valued if g.group is not None) + tuple(
        g for g in valued if g.group is None
    )


def worth(facts: NewCustomerValue, lang: str, currency: str) -> str:
    """The number for ad spend: what a new customer of the most valuable group is worth
    in the first year, with its range."""
    from kunde_cli.analytics.clv.trust import MIN_TRUSTED_CUSTOMERS, MIN_TRUSTED_REPEAT
    from kunde_cli.words.labels import say

    if not facts.valued:
        return say(
            "acq_no_value",
            lang,
            min_customers=MIN_TRUSTED_CUSTOMERS,
            min_repeat=MIN_TRUSTED_REPEAT,
        )
    top: GroupValue = _named_first(facts)[0]
    key = f"acq_worth_discount_{top.group}" if facts.by == "discount" else f"acq_worth_{facts.by}"
    return say(
        key,
        lang,
        group=group_name(facts, top.group, lang),
        value=_money(top.value, lang, currency),
        range=money_range(top.low, top.high, lang, currency),
    )


def _test_line(key: str, test: LikelihoodRatio, lang: str, **more: str) -> str:
    from kunde_cli.words.labels import say
    from kunde_cli.words.numbers import format_number

    return say(
        key,
        lang,
        **more,
        p=p_text(test.p_value, lang),
        statistic=format_number(test.statistic, lang, 1),
        df=test.df,
        customers=format_number(test.customers, lang, 0),
        groups=test.groups,
    )


def notes(facts: NewCustomerValue, lang: str) -> list[str]:
    """How the value is computed, and the tests' numbers (purchases and spend apart)."""
    from kunde_cli.analytics.clv.bgnbd import MODEL_NAMES
    from kunde_cli.analytics.clv.trust import MIN_TRUSTED_CUSTOMERS, MIN_TRUSTED_REPEAT
    from kunde_cli.words.labels import say

    model = MODEL_NAMES.get(facts.model, facts.model)
    lines = [
        say(
            "acq_define",
            lang,
            model=model,
            months=facts.horizon_months,
            min_customers=MIN_TRUSTED_CUSTOMERS,
            min_repeat=MIN_TRUSTED_REPEAT,
        )
    ]
    if facts.value_test is not None:
        lines.append(say("acq_test_rule", lang, df=facts.value_test.df))
    if facts.purchase_test is not None:
        lines.append(_test_line("acq_test_purchase", facts.purchase_test, lang, model=model))
    if facts.spend_test is not None:
        lines.append(_test_line("acq_test_spend", facts.spend_test, lang))
    return lines


def group_column(facts: NewCustomerValue) -> str:
    """The name of the group column: the order column grouped by (``channel``,
    ``category``), ``first_order_discount`` for the discount groups."""
    return "first_order_discount" if facts.by == "discount" else facts.column


def shown_frame(facts: NewCustomerValue, lang: str, *, people: bool) -> pl.DataFrame:
    """The per-group table; for people (``people``) groups and statuses in words, the
    status left empty where the values are shown."""
    import polars as pl

    from kunde_cli.analytics.clv import acquisition as acq
    from kunde_cli.words.labels import label

    frame = facts.frame().rename({acq.GROUP: group_column(facts)})
    if not people:
        return frame
    names = [group_name(facts, g.group, lang) for g in facts.groups]
    statuses = [
        None if g.status == acq.STATUS_OK else label(f"acq_status_{g.status}", lang)
        for g in facts.groups
    ]
    frame = frame.with_columns(
        pl.Series(group_column(facts), names, pl.String),
        pl.Series(acq.STATUS, statuses, pl.String),
    )
    return frame.drop(acq.STATUS) if frame[acq.STATUS].null_count() == frame.height else frame


#: The terminal table when the screen is too narrow (kunde_cli.render.priority): the
#: group, its customers and the value with its range stay; the parts of the value go first.
PRIORITY = Priority(
    keep=("customers", "value_12m", "value_low", "value_high", "status"),
    drop=(
        "repeat_customers",
        "spend_per_purchase",
        "expected_repeat_purchases",
        "first_order_value",
    ),
)

#: How the table's columns are shown.
KINDS = {
    "first_order_value": "money0",
    "expected_repeat_purchases": "float2",
    "spend_per_purchase": "money0",
    "value_12m": "money0",
    "value_low": "money0",
    "value_high": "money0",
}


def facts_json(facts: NewCustomerValue) -> dict[str, object]:
    """The tests (and what was grouped by) for ``--format json``."""

    def test(t: LikelihoodRatio | None) -> dict[str, object] | None:
        if t is None:
            return None
        return {
            "statistic": t.statistic,
            "df": t.df,
            "p_value": t.p_value,
            "groups": t.groups,
            "customers": t.customers,
        }

    return {
        "by": facts.by,
        "column": facts.column,
        "purchase_model": facts.model,
        "horizon_months": facts.horizon_months,
        "value_test": test(facts.value_test),
        "purchase_test": test(facts.purchase_test),
        "spend_test": test(facts.spend_test),
    }


def value_chart(facts: NewCustomerValue, lang: str, currency: str) -> str | None:
    """The value of a new customer per valued group (bars, most valuable first) with
    its 90 % range (a line across each bar's end); None when fewer than two groups
    have a value."""
    from kunde_cli.render import svg
    from kunde_cli.render.charts import BLUE, WIDTH
    from kunde_cli.render.svg import esc, num
    from kunde_cli.words.labels import label
    from kunde_cli.words.numbers import currency_name, format_number

    groups = facts.valued[:TOP_GROUPS]
    if len(groups) < 2:
        return None
    names = [group_name(facts, g.group, lang) for g in groups]
    band, bar = 26, 14
    plot_w, plot_h = WIDTH - 160, band * len(groups)
    top = svg.nice(0.0, max((g.high or g.value or 0.0) for g in groups) or 1.0)[1]
    x = svg.linear((0.0, top), (0.0, plot_w))
    tick_values, tick_labels = svg.fitted_ticks(
        0.0, top, plot_w, lambda v, step: format_number(v, lang, svg.decimals(step))
    )
    centres = [i * band + band / 2 for i in range(len(groups))]
    marks = []
    for name, g, cy in zip(names, groups, centres, strict=True):
        value = float(g.value or 0.0)
        tip = esc(f"{name}: {worth_text(g, lang, currency)}")
        marks.append(
            f'<path d="M0,{num(cy - bar / 2)}h{num(x(value))}v{bar}h-{num(x(value))}Z" '
            f'fill="{BLUE}"><title>{tip}</title></path>'
        )
        if g.low is not None and g.high is not None:
            marks.append(
                f'<path d="M{num(x(g.low))},{num(cy)}H{num(x(g.high))}'
                f'M{num(x(g.low))},{num(cy - 5)}v10M{num(x(g.high))},{num(cy - 5)}v10" '
                f'stroke="#222" stroke-width="1.5" fill="none"/>'
            )
    body = (
        svg.grid([x(v) for v in tick_values], centres, width=plot_w, height=plot_h)
        + "".join(marks)
        + svg.axis_bottom(
            [x(v) for v in tick_values],
            tick_labels,
            y=plot_h,
            width=plot_w,
            flush=True,
            title=currency_name(currency, lang),
        )
        + svg.axis_left(centres, names, height=plot_h)
    )
    left = svg.left_margin(names, title=False)
    return svg.document(
        label("value_12m", lang),
        width=left + plot_w + svg.PAD + 1,
        height=svg.PAD + plot_h + 36 + svg.PAD,
        left=left,
        top=svg.PAD,
        body=body,
    )


def worth_text(group: GroupValue, lang: str, currency: str) -> str:
    """``2.108 kr. (90 %: 2.063–2.156 kr.)``."""
    from kunde_cli.words.labels import say

    return say(
        "acq_value_range",
        lang,
        value=_money(group.value, lang, currency),
        range=money_range(group.low, group.high, lang, currency),
    )


def part(facts: NewCustomerValue, data: ReportData) -> dict[str, Any]:
    """The verdict, the number for ad spend, and the table of the largest groups."""
    from kunde_cli.render.html import table
    from kunde_cli.words.labels import label, say

    lg = data.lang
    frame = shown_frame(facts, lg, people=True)
    shown = frame.head(TOP_GROUPS)
    caption = (
        say("answer_acq_caption_top", lg, top=TOP_GROUPS) if frame.height > TOP_GROUPS else None
    )
    from markupsafe import Markup

    chart = value_chart(facts, lg, data.currency)
    return {
        "id": "acquisition",
        "title": label("answer_acq_title", lg),
        "chart": Markup(chart) if chart is not None else None,
        "sentences": [worth(facts, lg, data.currency), verdict(facts, lg)],
        "tables": [
            table(
                shown.drop("repeat_customers", "spend_per_purchase"),
                lg,
                currency=data.currency,
                kinds={**KINDS, "expected_repeat_purchases": "float"},
                caption=caption,
            )
        ],
        "notes": notes(facts, lg),
    }


def sheets(facts: NewCustomerValue, data: ReportData) -> list[SheetSpec]:
    """A new customer's first-year value per group, with the verdict."""
    from kunde_cli.render.answers import excel_kinds
    from kunde_cli.render.excel import SheetSpec
    from kunde_cli.words.labels import label

    lg = data.lang
    return [
        SheetSpec(
            label("answer_acq_title", lg),
            shown_frame(facts, lg, people=True),
            kinds=excel_kinds(KINDS),
            note=verdict(facts, lg),
        )
    ]
