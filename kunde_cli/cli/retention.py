"""`kunde retention`: how many customers the shop keeps, per period and per cohort."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from kunde_cli.cli import options
from kunde_cli.cli.options import Destination, Source
from kunde_cli.render.formats import Choice
from kunde_cli.render.priority import Priority

if TYPE_CHECKING:
    from kunde_cli.analytics.retention import RepurchaseSummary

app = typer.Typer(add_completion=False)

#: The terminal table when the screen is too narrow (kunde_cli.render.priority): the
#: period or cohort, its customers and rate stay; period dates go first, then the later
#: months of a cohort.
COLUMNS = Priority(
    keep=("retention_rate", "customers"),
    drop=("period_start", "period_end", "new_customers"),
)


class PeriodChoice(Choice):
    """Calendar periods of the retention table."""

    month = "month"
    quarter = "quarter"
    year = "year"


# --- the command's own options ----------------------------------------------------------

Period = Annotated[PeriodChoice, typer.Option("--period", "-p", help="Length of each period.")]
Window = Annotated[
    int,
    typer.Option(
        "--window",
        min=1,
        help="Activity window in days: a customer is active at a moment when they "
        "have a counted order in this many days up to it.",
    ),
]
Cohorts = Annotated[
    bool,
    typer.Option(
        "--cohorts",
        help="Print the cohort table instead: customers by first-order month × months "
        "since, share still buying.",
    ),
]


@app.command("retention")
@options.writes_output()
@options.reads_data
def retention_command(
    data: Source,
    out: Destination,
    period: Period = PeriodChoice.month,
    window: Window = 365,
    cohorts: Cohorts = False,
    trend: options.Trend = False,
    months: options.Months = 24,
) -> None:
    """Retention rate per month, quarter or year, and the cohort table.

    Retention rate = (E − N) / A × 100, shown with A, E and N. For a shop without
    contracts:

    A customer "at" a moment t is someone with at least one counted order (not
    cancelled or refunded, net amount above 0) in the trailing activity window ending
    at t: an order dated after t minus the window length in days and on or before t.
    A = customers active at the start of the period (at the end of the day before its
    first day), E = customers active at the end of the period (its last day, or the
    as-of date for the current period), N = customers whose first counted order ever
    falls inside the period. Retention rate = (E − N) / A × 100.
    E − N counts everyone active at the end who was not new: those kept from the start
    plus those who came back after a pause longer than the window. Because of these
    comeback customers the rate can exceed 100 %. Choose a window at least as long as
    the period: a new customer whose only orders are older than the window at the end
    of the period is in N but not in E, which pulls the rate down (with yearly periods
    and the 365-day window this can happen only for a first order on 1 January of a
    leap year).

    --cohorts prints one row per first-order month with the share of its customers
    buying in month 0, 1, 2 … after. The repurchase rate, median days to the second
    order and the revenue share of returning customers always go to stderr.

    --trend prints, instead of all this, the shop month by month, one line per month
    of the last --months months: net revenue, orders, buying customers (new and
    returning) and, with a survey, the NPS with its 95 % interval.

    Example: kunde retention --period quarter --window 180
    """
    from kunde_cli.analytics import retention as ret
    from kunde_cli.cli import common
    from kunde_cli.render.i18n import label

    options.check_retention_window(window, period.value)
    loaded = common.load_source(data)
    lg = loaded.lang
    when = common.day_text(loaded.as_of, lg)
    if trend:
        from kunde_cli.render.trends import trend_table

        shown = trend_table(loaded, months=months, given=data.as_of, people=out.is_table)
        common.emit(
            shown.frame, out, loaded, title=shown.title, kinds=shown.kinds, priority=shown.priority
        )
        return
    if cohorts:
        frame = ret.cohort_matrix(ret.cohort_table(loaded.orders, as_of=loaded.as_of))
        kinds = {c: "percent" for c in frame.columns if c.startswith(ret.MONTH_PREFIX)}
        title = label("cohort_title", lg).format(as_of=when)
    else:
        frame = ret.retention_by_period(
            loaded.orders, as_of=loaded.as_of, period=period.value, window_days=window
        ).collect()
        # The rate is on the seed formula's 0–100 scale, not a 0–1 share.
        kinds = {ret.RETENTION_RATE: "float"}
        title = label("retention_title", lg).format(
            period=label(f"period_{period.value}", lg), as_of=when
        )

    summary = ret.repurchase_summary(loaded.orders, as_of=loaded.as_of)
    _print_summary(summary, lg, when, window if not cohorts else None)
    if not cohorts:
        _print_definitions(lg, label(f"period_{period.value}", lg), window)
    common.emit(frame, out, loaded, title=title, kinds=kinds, priority=COLUMNS)


def _print_definitions(lang: str, period: str, window: int) -> None:
    """What the retention rate counts, beside what kunde churn's share inactive counts:
    one sentence each, so a high rate beside a high inactive share reads as both true."""
    from kunde_cli.render.numbers import format_number
    from kunde_cli.render.terminal import note
    from kunde_cli.words import say

    note(say("define_retention", lang, period=period, window=format_number(window, lang)))
    note(say("define_inactive", lang))


def _print_summary(summary: RepurchaseSummary, lang: str, when: str, window: int | None) -> None:
    """Repurchase rate, days to second order and returning customers' revenue, on stderr."""
    from kunde_cli.render.i18n import label
    from kunde_cli.render.numbers import format_number, format_percent
    from kunde_cli.render.terminal import note

    if summary.customers == 0:
        note(label("retention_no_customers", lang).format(as_of=when))
        return

    def pct(value: float | None) -> str:
        return format_percent(value, lang) if value is not None else "–"

    days = summary.median_days_to_second_order
    note(
        label("retention_summary", lang).format(
            rate=pct(summary.repurchase_rate),
            repeat=format_number(summary.repeat_customers, lang),
            customers=format_number(summary.customers, lang),
            days=format_number(days, lang) if days is not None else "–",
            revenue_share=pct(summary.revenue_share_returning),
        )
    )
    if window is not None:
        note(label("retention_window_note", lang).format(window=format_number(window, lang)))
    if days is not None and summary.revenue_share_returning is not None:
        note(
            label("retention_advice", lang).format(
                share_c=pct(summary.share_customers_returning),
                share_r=pct(summary.revenue_share_returning),
                days=format_number(days, lang),
            )
        )
