"""`kunde profiles`: data-made customer profiles (kundeprofiler) and persona cards."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from kunde_cli.cli import options
from kunde_cli.cli.options import Destination, Source
from kunde_cli.render.formats import Choice
from kunde_cli.render.priority import Priority
from kunde_cli.words import label_values

if TYPE_CHECKING:
    from datetime import date

    import polars as pl

    from kunde_cli.cli.common import Loaded
    from kunde_cli.words.personas import PersonaCard

app = typer.Typer(add_completion=False)

#: The terminal table when the screen is too narrow (kunde_cli.render.priority): the
#: segment (or rung) and its customers stay; the rest goes from the right.
COLUMNS = Priority(keep=("customers", "share_customers"))


class ProfilesBy(Choice):
    """What the profiles group customers by."""

    segment = "segment"
    rung = "rung"


#: Columns shown in the terminal table; the top-N texts are on the persona cards.
_TERMINAL_COLUMNS = (
    "customers",
    "share_customers",
    "share_revenue",
    "aov",
    "orders_per_customer",
    "median_days_between_orders",
    "median_recency_days",
    "nps",
)


# --- the command's own options ----------------------------------------------------------

By = Annotated[
    ProfilesBy,
    typer.Option("--by", help="Profile each RFM segment or each rung of the loyalty ladder."),
]


@app.command("profiles")
@options.writes_output()
@options.reads_data
def profiles_command(
    data: Source,
    out: Destination,
    by: By = ProfilesBy.segment,
) -> None:
    """Customer profiles per segment (or ladder rung), with a persona card for each.

    For each group: customers and share, share of revenue, average order value, orders
    per customer, median days between orders and since the last order, top products
    and categories (share of the group's revenue), top cities, postcodes and countries
    (share of the group's customers), channels (share of orders) and NPS where survey
    answers exist. In a terminal each group also gets a short persona card — a name,
    who they are, what they buy, how often, and what to do — made only from those
    numbers. csv/json/parquet/xlsx give every column, one row per group.

    Example: kunde profiles --by rung --lang en
    """
    from kunde_cli.analytics import profiles as prof
    from kunde_cli.analytics.nps import nps_as_of
    from kunde_cli.cli import common
    from kunde_cli.render.i18n import label, nps_as_of_note
    from kunde_cli.render.terminal import note
    from kunde_cli.words.personas import persona_cards

    loaded = common.load_source(data, read_once=True)
    lg, cfg = loaded.lang, loaded.config
    when = common.day_text(loaded.as_of, lg)
    # Survey answers count up to the day of the one NPS rule (as in kunde nps).
    picked = nps_as_of(loaded.as_of, loaded.survey, given=data.as_of)
    answers_day = picked.day or loaded.as_of
    column, groups = _groups(loaded, by, answers_day)
    frame = prof.segment_profiles(
        loaded.orders,
        groups.collect().lazy(),  # used by every part of the profile: build it once
        as_of=loaded.as_of,
        survey=loaded.survey,
        by=column,
        answers_as_of=answers_day,
    ).collect()
    title = label("profiles_title", lg).format(by=label(column, lg).lower(), as_of=when)
    if loaded.survey is not None:
        note(nps_as_of_note(picked, lg))

    if not out.is_table:
        common.emit(frame, out, loaded, title=title)
        return
    cards = persona_cards(prof.persona_facts(frame, by=column), lg, cfg.currency)
    shown = label_values(frame.select(column, *_TERMINAL_COLUMNS), [column], lg)
    common.emit(shown, out, loaded, title=title, priority=COLUMNS)
    if out.output is None:
        _print_cards(cards, lg)
        note(label("profiles_note", lg))


def _groups(loaded: Loaded, by: ProfilesBy, answers_day: date) -> tuple[str, pl.LazyFrame]:
    """The group column and each customer's group: RFM segment or ladder rung."""
    cfg, lines = loaded.config, loaded.orders
    if by is ProfilesBy.rung:
        from kunde_cli.analytics import ladder
        from kunde_cli.cli.common import churn_tier_frame

        return ladder.RUNG, ladder.ladder_rungs(
            lines,
            as_of=loaded.as_of,
            survey=loaded.survey,
            tiers=churn_tier_frame(lines, loaded.as_of, cfg),
            config=cfg.ladder,
            answers_as_of=answers_day,
        )
    from kunde_cli.analytics import rfm

    return rfm.SEGMENT, rfm.rfm_segments(
        rfm.rfm_scores(lines, as_of=loaded.as_of, config=cfg.rfm), config=cfg.rfm
    )


def _print_cards(cards: list[PersonaCard], lang: str) -> None:
    """One Rich panel per persona card on stdout (terminal tables only)."""
    import sys

    from rich.panel import Panel
    from rich.text import Text

    from kunde_cli.render.i18n import label
    from kunde_cli.render.safety import safe_text
    from kunde_cli.render.terminal import stdout_console

    console = stdout_console(sys.stdout)
    for card in cards:
        body = Text()
        for key, value in (
            ("persona_who", card.who),
            ("persona_buys", card.buys),
            ("persona_how_often", card.how_often),
            ("persona_what_to_do", card.what_to_do),
        ):
            if body:
                body.append("\n")
            body.append(f"{label(key, lang)}: ", style="bold")
            body.append(safe_text(value))
        subtitle = safe_text(label(card.group, lang))
        console.print(
            Panel(body, title=safe_text(card.name), subtitle=subtitle, title_align="left")
        )
