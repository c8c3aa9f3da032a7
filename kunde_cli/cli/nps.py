"""`kunde nps`: Net Promoter Score with its interval, trends, breakdowns and follow-up lists."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from kunde_cli.cli import options
from kunde_cli.cli.options import Destination, Source

if TYPE_CHECKING:
    from datetime import date

    import polars as pl

    from kunde_cli.analytics.nps import NpsDate, NpsSummary
    from kunde_cli.cli.common import Loaded

app = typer.Typer()


class NpsPeriod(StrEnum):
    """Trend periods."""

    month = "month"
    quarter = "quarter"


class NpsBy(StrEnum):
    """What to break the NPS down by."""

    segment = "segment"
    rung = "rung"
    channel = "channel"


class NpsList(StrEnum):
    """Follow-up lists."""

    detractors = "detractors"
    promoters = "promoters"


@app.command("nps")
@options.writes_output()
@options.reads_data
def nps_command(
    data: Source,
    out: Destination,
    period: Annotated[
        NpsPeriod | None,
        typer.Option("--period", help="NPS per month or quarter, with answers per period."),
    ] = None,
    by: Annotated[
        NpsBy | None,
        typer.Option("--by", help="NPS per RFM segment, ladder rung or main sales channel."),
    ] = None,
    follow_up: Annotated[
        NpsList | None,
        typer.Option(
            "--list",
            help="Whom to contact: detractors (win back) or promoters (ask for a review), "
            "most valuable first.",
        ),
    ] = None,
    comments: Annotated[
        bool,
        typer.Option(
            "--comments", help="Most used words and phrases of promoters and of detractors."
        ),
    ] = False,
    top: Annotated[
        int,
        typer.Option("--top", min=1, help="Words and phrases per group with --comments."),
    ] = 10,
) -> None:
    """Net Promoter Score: % promoters (9–10) − % detractors (0–6), with its 95 % interval.

    The interval is the adjusted-Wald interval (DESIGN.md); with fewer than 30 answers it
    is wide, and kunde says so. Answers are linked to customers by customer number or
    e-mail; unlinked answers still count. Without --as-of, every answer up to the latest
    answer or order counts. One view at a time: the summary (default), --period,
    --by, --list or --comments. Give the survey export and the orders as FILES, or
    read them into the workspace first (kunde ingest --kind survey svar.csv).

    Example: kunde nps --list detractors --format xlsx --output kritikere.xlsx
    """
    from kunde_cli.analytics import nps
    from kunde_cli.cli import common

    _one_view(period=period, by=by, follow_up=follow_up, comments=comments)
    loaded = common.load_source(data, need_orders=False)
    survey = _survey(loaded)
    has_orders = _has_orders(loaded)
    # Orders (segments, tiers, lists) stay at the orders' as-of; the answers count up
    # to the day of the one NPS rule, which every command reading answers shares.
    picked = nps.nps_as_of(loaded.as_of if has_orders else None, survey, given=data.as_of)
    linked = (
        nps.link_answers(nps.answers_up_to(survey, as_of=picked.day), loaded.orders)
        .collect()
        .lazy()
    )
    summary = nps.nps_summary(linked)
    _say_counted(summary, picked, linked, loaded, has_orders)
    view = _View(loaded, out, linked, picked, has_orders)
    if period is not None:
        view.by_period(period)
    elif by is not None:
        view.by_group(by)
    elif follow_up is not None:
        view.follow_up(follow_up)
    elif comments:
        view.comments(top)
    else:
        view.emit(
            summary.to_frame().with_columns(picked.columns()),
            f"NPS pr. {view.when}" if view.da else f"NPS as of {view.when}",
        )


def _one_view(**given: object) -> None:
    """One view at a time: the summary, --period, --by, --list or --comments."""
    from kunde_cli.errors import ConfigError

    flags = {"period": "--period", "by": "--by", "follow_up": "--list", "comments": "--comments"}
    chosen = [flags[name] for name, value in given.items() if value not in (None, False)]
    if len(chosen) > 1:
        raise ConfigError(
            f"choose one view at a time, not {' and '.join(chosen)}",
            hint="run kunde nps once per view, e.g. kunde nps --period month",
        )


def _survey(loaded: Loaded) -> pl.LazyFrame:
    """The survey answers; refused when there are none."""
    import polars as pl

    from kunde_cli.errors import WorkspaceError

    survey = loaded.survey
    if survey is None or survey.select(pl.len()).collect().item() == 0:
        raise WorkspaceError(
            "there are no survey answers",
            hint="read a survey export first: kunde ingest --kind survey svar.csv "
            "(or give it directly: kunde nps ordrer.csv svar.csv)",
        )
    return survey


def _has_orders(loaded: Loaded) -> bool:
    import polars as pl

    return bool(loaded.lines.select(pl.len()).collect().item() > 0)


def _say_counted(
    summary: NpsSummary, picked: NpsDate, linked: pl.LazyFrame, loaded: Loaded, has_orders: bool
) -> None:
    """On stderr: the NPS in one sentence, the answers' date, and answers not linked."""
    from kunde_cli.analytics import nps
    from kunde_cli.render.i18n import nps_as_of_note

    lg = loaded.lang
    _headline(summary, lg)
    _note(lg, nps_as_of_note(picked, "da"), nps_as_of_note(picked, "en"))
    if has_orders:
        unmatched = nps.count_unmatched(linked)
        if unmatched:
            _note(
                lg,
                f"{unmatched} svar kunne ikke kobles til en kunde i ordrerne (kundenummer eller "
                "e-mail); de tæller med i NPS, men ikke i --by.",
                f"{unmatched} answers could not be linked to a customer in the orders (customer "
                "number or e-mail); they count in the NPS but not in --by.",
            )


class _View:
    """The views of ``kunde nps`` on the linked answers, each written where ``out`` says."""

    def __init__(
        self,
        loaded: Loaded,
        out: Destination,
        linked: pl.LazyFrame,
        picked: NpsDate,
        has_orders: bool,
    ) -> None:
        from kunde_cli.cli.common import day_text

        self.loaded, self.out, self.linked, self.picked = loaded, out, linked, picked
        self.has_orders = has_orders
        self.lg = loaded.lang
        self.da = self.lg == "da"
        self.answers_day = picked.day or loaded.as_of
        self.when = day_text(self.answers_day, self.lg)

    def emit(self, frame: pl.DataFrame, title: str) -> None:
        from kunde_cli.cli.common import emit

        emit(frame, self.out, self.loaded, title=title)

    def by_period(self, period: NpsPeriod) -> None:
        from kunde_cli.analytics import nps

        frame = nps.nps_by_period(self.linked, as_of=self.answers_day, period=period.value)
        table = frame.collect()
        _warn_small(table, self.lg)
        title = (
            f"NPS pr. {'måned' if period is NpsPeriod.month else 'kvartal'}"
            if self.da
            else f"NPS by {period.value}"
        )
        self.emit(table, title)

    def by_group(self, by: NpsBy) -> None:
        from kunde_cli.analytics import nps
        from kunde_cli.errors import WorkspaceError
        from kunde_cli.words import label_values

        if not self.has_orders:
            raise WorkspaceError(
                f"--by {by.value} needs the orders to know each customer's {by.value}",
                hint="give the orders too: kunde nps ordrer.csv svar.csv (or kunde ingest ordrer.csv)",
            )
        groups = _groups(by, self.loaded, self.linked, self.picked.day)
        frame = nps.nps_by_group(self.linked, groups).collect()
        _warn_small(frame, self.lg)
        if self.out.is_table:
            frame = label_values(frame, [by.value], self.lg)
        self.emit(frame, f"NPS pr. {self.when}" if self.da else f"NPS as of {self.when}")

    def follow_up(self, kind: NpsList) -> None:
        from kunde_cli.analytics import nps

        frame = nps.follow_up_list(
            self.linked,
            self.loaded.orders,
            as_of=self.loaded.as_of,
            kind=kind.value,
            answers_as_of=self.answers_day,
        ).collect()
        if kind is NpsList.detractors:
            _note(
                self.lg,
                f"{frame.height} kritikere. Ring eller skriv personligt til dem øverst først: et "
                "hurtigt svar kan vende en utilfreds kunde.",
                f"{frame.height} detractors. Call or write personally to those at the top first: "
                "a quick answer can win an unhappy customer back.",
            )
            title = "Kritikere at følge op på" if self.da else "Detractors to follow up"
        else:
            _note(
                self.lg,
                f"{frame.height} promotorer. Bed dem om en anmeldelse eller om at anbefale jer "
                "til en ven.",
                f"{frame.height} promoters. Ask them for a review or to recommend you to a friend.",
            )
            title = (
                "Promotorer at bede om en anmeldelse"
                if self.da
                else "Promoters to ask for a review"
            )
        self.emit(frame, title)

    def comments(self, top: int) -> None:
        from kunde_cli.analytics import nps
        from kunde_cli.words import label_values

        frame = nps.nps_comment_terms(self.linked, n=top).collect()
        if frame.height == 0:
            _note(
                self.lg,
                "Ingen ord går igen i mindst to kommentarer fra samme gruppe endnu.",
                "No word appears in two or more comments of the same group yet.",
            )
        if self.out.is_table:
            frame = label_values(frame, [nps.NPS_CATEGORY, "term_kind"], self.lg)
        self.emit(frame, "Ord i kommentarerne" if self.da else "Words in the comments")


def _groups(
    by: NpsBy, loaded: Loaded, linked: pl.LazyFrame, answers_day: date | None
) -> pl.LazyFrame:
    """``customer_id`` + the group column for ``--by``, at the orders' as-of (the rungs'
    latest answers up to ``answers_day``, the NPS date)."""
    from kunde_cli import schema as s

    cfg = loaded.config
    day = loaded.as_of
    if by is NpsBy.segment:
        from kunde_cli.analytics.rfm import SEGMENT, rfm_scores, rfm_segments

        scored = rfm_scores(loaded.orders, as_of=day, config=cfg.rfm)
        return rfm_segments(scored, config=cfg.rfm).select(s.CUSTOMER_ID, SEGMENT)
    if by is NpsBy.rung:
        from kunde_cli.analytics.ladder import RUNG, ladder_rungs
        from kunde_cli.cli.common import churn_tier_frame

        tiers = churn_tier_frame(loaded.orders, day, cfg)
        rungs = ladder_rungs(
            loaded.orders,
            as_of=day,
            survey=linked,
            tiers=tiers,
            config=cfg.ladder,
            answers_as_of=answers_day or day,
        )
        return rungs.select(s.CUSTOMER_ID, RUNG)
    from kunde_cli.analytics.nps import customer_channels

    return customer_channels(loaded.orders, as_of=day)


def _note(lang: str, da: str, en: str) -> None:
    from kunde_cli.render.terminal import note

    note(da if lang == "da" else en)


def _headline(summary: NpsSummary, lang: str) -> None:
    """The NPS in one sentence on stderr, and a warning when there are few answers."""
    from kunde_cli.analytics.nps import SMALL_N_THRESHOLD
    from kunde_cli.render.numbers import format_number, format_percent
    from kunde_cli.render.terminal import note, warn

    def num(value: float) -> str:
        return format_number(value, lang, 0)

    pct_p = format_percent(summary.share_promoters, lang, 0)
    pct_d = format_percent(summary.share_detractors, lang, 0)
    if lang == "da":
        note(
            f"NPS {num(summary.nps)} (95 %-interval {num(summary.ci_low)} til "
            f"{num(summary.ci_high)}) ud fra {summary.n} svar: {summary.promoters} promotorer "
            f"({pct_p}), {summary.passives} passive og {summary.detractors} kritikere ({pct_d})."
        )
    else:
        note(
            f"NPS {num(summary.nps)} (95% interval {num(summary.ci_low)} to "
            f"{num(summary.ci_high)}) from {summary.n} answers: {summary.promoters} promoters "
            f"({pct_p}), {summary.passives} passives and {summary.detractors} detractors ({pct_d})."
        )
    if summary.n < SMALL_N_THRESHOLD:
        warn(
            f"Kun {summary.n} svar: intervallet er bredt, så læs NPS som et groft fingerpeg "
            f"og saml gerne mindst {SMALL_N_THRESHOLD} svar."
            if lang == "da"
            else f"Only {summary.n} answers: the interval is wide, so read the NPS as a rough "
            f"indication and collect at least {SMALL_N_THRESHOLD} answers."
        )


def _warn_small(frame: pl.DataFrame, lang: str) -> None:
    """Warn when some rows rest on fewer answers than the small-n threshold."""
    from kunde_cli.analytics.nps import SMALL_N, SMALL_N_THRESHOLD
    from kunde_cli.render.terminal import warn

    few = int(frame.get_column(SMALL_N).sum()) if frame.height else 0
    if few:
        warn(
            f"{few} af {frame.height} rækker bygger på under {SMALL_N_THRESHOLD} svar (Få svar = "
            "ja): forskelle dér er mest tilfældigheder."
            if lang == "da"
            else f"{few} of {frame.height} rows rest on fewer than {SMALL_N_THRESHOLD} answers "
            "(Few answers = yes): differences there are mostly chance."
        )
