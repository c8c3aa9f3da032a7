"""The season section: the shop's peak months and the back-tests they would fool."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kunde_cli.analytics.seasonality import SeasonVerdict
    from kunde_cli.app.answers.season import SeasonFacts
    from kunde_cli.app.report import ReportData
    from kunde_cli.render.excel import SheetSpec


def part(facts: SeasonFacts, data: ReportData) -> dict[str, Any]:
    """A sentence on the peak months, one per fooled holdout, and the month table."""
    import polars as pl

    from kunde_cli.analytics.seasonality import MONTH, PEAK_FACTOR, SHARE
    from kunde_cli.render.html import table
    from kunde_cli.words.labels import label, say
    from kunde_cli.words.numbers import format_percent

    lg = data.lang

    def month(m: int) -> str:
        return label(f"season_month_{m}", lg)

    even = format_percent(1 / 12, lg, 0)
    if facts.peaks:
        share = float(
            facts.profile.filter(pl.col(MONTH).is_in(facts.peaks)).get_column(SHARE).sum()
        )
        sentences = [
            say(
                "answer_season_peaks" if len(facts.peaks) > 1 else "answer_season_peak",
                lg,
                months=", ".join(month(m) for m in facts.peaks),
                share=format_percent(share, lg, 0),
                even=even,
            )
        ]
    else:
        sentences = [say("answer_season_even", lg, even=even)]
    for days, verdict in facts.verdicts:
        sentences.append(
            say(
                "answer_season_fooled",
                lg,
                period=say(f"answer_season_last_{days}", lg),
                months=", ".join(month(m) for m in verdict.peak_months),
                expected=format_percent(verdict.expected_share, lg, 0),
                length=format_percent(verdict.length_share, lg, 0),
                months_whole=verdict.suggested_months,
            )
        )
    peak = label("answer_season_peak_mark", lg)
    shown = facts.profile.select(
        pl.col(MONTH).alias("answer_season_month"),
        pl.col(SHARE).alias("answer_season_share"),
        pl.when(pl.col(SHARE) >= PEAK_FACTOR / 12)
        .then(pl.lit(peak))
        .otherwise(pl.lit(""))
        .alias("answer_season_is_peak"),
    )
    return {
        "id": "season",
        "title": label("answer_season_title", lg),
        "sentences": sentences,
        "tables": [
            table(
                shown,
                lg,
                currency=data.currency,
                kinds={"answer_season_share": "percent", "answer_season_is_peak": "text"},
                values={"answer_season_month": lambda m: month(int(m))},
                caption=say("answer_season_caption", lg),
            )
        ],
    }


def sheets(facts: SeasonFacts, data: ReportData) -> list[SheetSpec]:
    """The months' shares of a year's revenue."""
    import polars as pl

    from kunde_cli.analytics.seasonality import MONTH, PEAK_FACTOR, SHARE
    from kunde_cli.render.excel import SheetSpec
    from kunde_cli.words.labels import label

    lg = data.lang
    names = {m: label(f"season_month_{m}", lg) for m in range(1, 13)}
    frame = facts.profile.select(
        pl.col(MONTH).replace_strict(names, return_dtype=pl.String).alias("answer_season_month"),
        pl.col(SHARE).alias("answer_season_share"),
        pl.when(pl.col(SHARE) >= PEAK_FACTOR / 12)
        .then(pl.lit(label("answer_season_peak_mark", lg)))
        .otherwise(pl.lit(""))
        .alias("answer_season_is_peak"),
    )
    return [
        SheetSpec(
            label("answer_season_title", lg),
            frame,
            kinds={"answer_season_share": "percent"},
            note=label("answer_season_caption", lg),
        )
    ]


def holdout_warning(verdict: SeasonVerdict, lang: str, command: str) -> str:
    """The warning of a holdout that straddles the shop's peak months, naming the
    whole-year split to run instead with ``command`` (``kunde clv``, ``kunde backtest``)."""
    from kunde_cli.words.labels import label
    from kunde_cli.words.numbers import format_percent

    return label("season_holdout_peak", lang).format(
        months=", ".join(label(f"season_month_{m}", lang) for m in verdict.peak_months),
        expected=format_percent(verdict.expected_share, lang, 0),
        length=format_percent(verdict.length_share, lang, 0),
        command=f"{command} --as-of {verdict.suggested_as_of.isoformat()} "
        f"--holdout {verdict.suggested_months}m",
    )
