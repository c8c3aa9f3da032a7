"""The monthly trend table of ``kunde retention --trend``, ``kunde nps --trend`` and
``kunde clv --trend``: one line per month (:func:`kunde_cli.analytics.trends.monthly_trends`),
the same table from each command, with its title and notes in the run's language.

The three commands ask :func:`trend_table` and hand the result to their usual writer,
so the table is a Rich table, csv, json … as ``--format`` says. In csv/json the columns
keep their snake_case names and ``month`` is ``2024-03``; a people's table words the
headers, shows the month as the language writes it (``03-2024`` in Danish) and leaves
out ``month_start``, which repeats the month, and ``partial`` when every month is over.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from kunde_cli.render.priority import Priority

if TYPE_CHECKING:
    import polars as pl

    from kunde_cli.app.loading import Loaded

#: The terminal table when the screen is too narrow: the month, its revenue, buying
#: customers and NPS stay; the interval, answers and the split of customers go first.
PRIORITY = Priority(
    keep=("revenue", "active_customers", "nps"),
    drop=("ci_low", "ci_high", "partial", "n", "orders", "customers_returning", "customers_new"),
)

#: How the table's figures are shown: the NPS and its interval with one decimal.
KINDS = {"nps": "float", "ci_low": "float", "ci_high": "float", "revenue": "money"}


@dataclass(frozen=True)
class TrendTable:
    """What a command writes for ``--trend``: the frame, its title and its kinds."""

    frame: pl.DataFrame
    title: str
    kinds: dict[str, str]
    priority: Priority = PRIORITY


def trend_table(
    loaded: Loaded, *, months: int, given: date | datetime | None, people: bool
) -> TrendTable:
    """The monthly trend of ``loaded`` for the last ``months`` months, and its notes on
    stderr (what the columns count, the NPS interval, a month not over yet).

    Orders count up to ``loaded.as_of``; survey answers up to the day every NPS uses
    (:func:`kunde_cli.analytics.nps.nps_as_of`, ``given`` being ``--as-of``), so the
    NPS column matches ``kunde nps --period month``. ``people`` is True for a table a
    person reads (worded headers, months as the language writes them).
    """
    import polars as pl

    from kunde_cli.analytics import trends
    from kunde_cli.analytics.nps import nps_as_of
    from kunde_cli.render.terminal import note
    from kunde_cli.words.labels import say
    from kunde_cli.words.numbers import format_date, format_month

    lg = loaded.lang
    survey = loaded.survey
    if survey is not None and survey.select(pl.len()).collect().item() == 0:
        survey = None
    has_orders = bool(loaded.lines.select(pl.len()).collect().item())
    picked = nps_as_of(loaded.as_of if has_orders else None, survey, given=given)
    frame = trends.monthly_trends(
        loaded.orders,
        survey,
        as_of=loaded.as_of,
        months=months,
        answers_as_of=picked.day,
    )
    end = max(loaded.as_of, picked.day or loaded.as_of)
    when = format_date(end, lg)
    if frame.is_empty():
        note(say("trend_empty", lg, as_of=when))
    else:
        note(say("trend_define", lg))
        if survey is not None:
            note(say("trend_nps", lg))
        last = frame.row(-1, named=True)
        if last[trends.PARTIAL]:
            note(
                say(
                    "trend_partial",
                    lg,
                    month=format_month(last[trends.MONTH_START], lg),
                    as_of=when,
                )
            )
    if people:
        frame = frame.with_columns(
            pl.col(trends.MONTH_START)
            .replace_strict(
                {d: format_month(d, lg) for d in frame.get_column(trends.MONTH_START)},
                return_dtype=pl.String,
            )
            .alias(trends.MONTH)
        ).drop(trends.MONTH_START)
        if not frame.get_column(trends.PARTIAL).any():
            # Every month is over: a column of "no" says nothing (the note names a
            # month that is not).
            frame = frame.drop(trends.PARTIAL)
    title = say("trend_title", lg, months=frame.height, as_of=when)
    return TrendTable(frame, title, dict(KINDS))
