"""The profit section: profit CLV per segment and where each line's profit came from.

:func:`source_notes` is also what ``kunde clv`` says on stderr about its profit columns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kunde_cli.app.answers.profit import ProfitBasis, ProfitFacts
    from kunde_cli.app.report import ReportData
    from kunde_cli.render.excel import SheetSpec


def source_notes(basis: ProfitBasis, lang: str, *, predicted: bool = False) -> list[str]:
    """The rule, which rule gave how many lines their profit, the predicted profit's
    rule (``predicted``) and kunde.toml categories that no line has."""
    from kunde_cli.analytics import profit as prof
    from kunde_cli.words.labels import say
    from kunde_cli.words.numbers import format_number, format_percent

    counts = basis.sources
    parts = []
    for source in prof.SOURCES:
        n = counts.get(source, 0)
        if not n:
            continue
        margin = (
            format_percent(basis.margins.shop, lang, 0) if basis.margins.shop is not None else ""
        )
        parts.append(
            say(f"profit_source_{source}", lang, lines=format_number(n, lang), margin=margin)
        )
    notes = [say("profit_rule", lang), say("profit_sources", lang, parts="; ".join(parts))]
    vat = basis.margins.vat
    notes.append(
        say("profit_vat_taken_off", lang, rate=format_percent(vat, lang, 0))
        if vat
        else say("profit_vat_hint", lang)
    )
    if predicted:
        share = format_percent(basis.shop_share, lang, 1) if basis.shop_share is not None else "–"
        notes.append(say("profit_predicted_rule", lang, share=share))
    if basis.unused_categories:
        names = ", ".join(f"'{name}'" for name in basis.unused_categories)
        notes.append(say("profit_unused_categories", lang, names=names))
    return notes


def part(facts: ProfitFacts, data: ReportData) -> dict[str, Any]:
    """The shop's profit to date and margin, the per-segment table and the rules."""
    from kunde_cli.analytics import profit as prof
    from kunde_cli.analytics import value as val
    from kunde_cli.render.html import table
    from kunde_cli.words.labels import label, say
    from kunde_cli.words.numbers import format_money, format_percent

    lg = data.lang
    share = facts.profit / facts.revenue if facts.revenue > 0 else None
    sentences = [
        say(
            "answer_profit_sentence",
            lg,
            profit=format_money(facts.profit, lg, data.currency, decimals=0),
            revenue=format_money(facts.revenue, lg, data.currency, decimals=0),
            share=format_percent(share, lg, 0) if share is not None else "–",
        )
    ]
    kinds = {
        val.REVENUE_TO_DATE: "money0",
        prof.PROFIT_TO_DATE: "money0",
        prof.MARGIN_SHARE: "percent",
        prof.AVG_SIMPLE_PROFIT_CLV: "money0",
        prof.PREDICTED_PROFIT_CLV: "money0",
        val.CUSTOMERS: "int",
    }
    headers = {prof.PREDICTED_PROFIT_CLV: label("avg_predicted_profit_clv", lg)}
    tables = [
        table(
            facts.by_segment,
            lg,
            currency=data.currency,
            kinds=kinds,
            headers=headers,
            values={val.SEGMENT: lambda v: label(str(v), lg)},
            caption=say("answer_profit_caption", lg),
        )
    ]
    notes = source_notes(facts.basis, lg, predicted=facts.predicted)
    if facts.unknown:
        unknown = format_money(facts.unknown_revenue, lg, data.currency, decimals=0)
        notes.append(say("profit_unknown_customers", lg, n=facts.unknown, revenue=unknown))
    return {
        "id": "profit",
        "title": label("answer_profit_title", lg),
        "sentences": sentences,
        "tables": tables,
        "notes": notes,
    }


def sheets(facts: ProfitFacts, data: ReportData) -> list[SheetSpec]:
    """Profit and profit CLV per segment."""
    from kunde_cli.analytics import profit as prof
    from kunde_cli.analytics import value as val
    from kunde_cli.render.excel import SheetSpec
    from kunde_cli.render.i18n import label_values
    from kunde_cli.words.labels import label, say

    lg = data.lang
    return [
        SheetSpec(
            label("answer_profit_title", lg),
            # Per segment the predicted profit CLV is the segment's average.
            label_values(facts.by_segment, [val.SEGMENT], lg).rename(
                {prof.PREDICTED_PROFIT_CLV: "avg_predicted_profit_clv"}, strict=False
            ),
            kinds={prof.MARGIN_SHARE: "percent", val.CUSTOMERS: "int"},
            note=say("answer_profit_caption", lg),
        )
    ]
