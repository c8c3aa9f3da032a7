"""`kunde nps`: Net Promoter Score with its interval, trends, breakdowns and follow-up lists."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from kunde_cli.cli import options

if TYPE_CHECKING:
    from datetime import date

    import polars as pl

    from kunde_cli.analytics.nps import NpsSummary
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
def nps_command(
    files: options.Files = None,
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
    """Net Promoter Score: % promoters (9–10) − % detractors (0–6), with its 95 % interval.

    The interval is the adjusted-Wald interval (DESIGN.md); with fewer than 30 answers it
    is wide, and kunde says so. Answers are linked to customers by customer number or
    e-mail; unlinked answers still count. Without --as-of, every answer up to the latest
    answer or order counts. One view at a time: the summary (default), --period,
    --by, --list or --comments. Give the survey export and the orders as FILES, or
    read them into the workspace first (kunde ingest --kind survey svar.csv).

    Example: kunde nps --list detractors --format xlsx --output kritikere.xlsx
    """
    import polars as pl

    from kunde_cli.analytics import nps
    from kunde_cli.cli import common
    from kunde_cli.errors import ConfigError, WorkspaceError
    from kunde_cli.render.formats import OutputFormat, emit, resolve_format
    from kunde_cli.render.i18n import nps_as_of_note

    chosen = [
        name
        for name, given in (
            ("--period", period is not None),
            ("--by", by is not None),
            ("--list", follow_up is not None),
            ("--comments", comments),
        )
        if given
    ]
    if len(chosen) > 1:
        raise ConfigError(
            f"choose one view at a time, not {' and '.join(chosen)}",
            hint="run kunde nps once per view, e.g. kunde nps --period month",
        )
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
        need_orders=False,
    )
    survey = loaded.survey
    if survey is None or survey.select(pl.len()).collect().item() == 0:
        raise WorkspaceError(
            "there are no survey answers",
            hint="read a survey export first: kunde ingest --kind survey svar.csv "
            "(or give it directly: kunde nps ordrer.csv svar.csv)",
        )
    has_orders = loaded.lines.select(pl.len()).collect().item() > 0
    # Orders (segments, tiers, lists) stay at the orders' as-of; the answers count up
    # to the day of the one NPS rule, which every command reading answers shares.
    day = loaded.as_of
    picked = nps.nps_as_of(day if has_orders else None, survey, given=as_of)
    answers_day = picked.day or day
    lg, cfg = loaded.lang, loaded.config
    da = lg == "da"
    when = answers_day.strftime("%d-%m-%Y") if da else answers_day.isoformat()
    linked = (
        nps.link_answers(nps.answers_up_to(survey, as_of=picked.day), loaded.orders)
        .collect()
        .lazy()
    )
    summary = nps.nps_summary(linked)
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
    table = resolve_format(fmt, output) is OutputFormat.table
    common_args = {
        "lang": lg,
        "currency": cfg.currency,
        "csv_style": csv_style,
        "bom": bom,
        "as_of": loaded.as_of,
    }

    if period is not None:
        frame = nps.nps_by_period(linked, as_of=answers_day, period=period.value).collect()
        _warn_small(frame, lg)
        title = (
            f"NPS pr. {'måned' if period is NpsPeriod.month else 'kvartal'}"
            if da
            else (f"NPS by {period.value}")
        )
        emit(frame, fmt, output, title=title, **common_args)
        return
    if by is not None:
        if not has_orders:
            raise WorkspaceError(
                f"--by {by.value} needs the orders to know each customer's {by.value}",
                hint="give the orders too: kunde nps ordrer.csv svar.csv (or kunde ingest ordrer.csv)",
            )
        groups = _groups(by, loaded, linked, picked.day)
        frame = nps.nps_by_group(linked, groups).collect()
        _warn_small(frame, lg)
        if table:
            from kunde_cli.words import label_values

            frame = label_values(frame, [by.value], lg)
        emit(
            frame,
            fmt,
            output,
            title=f"NPS pr. {when}" if da else f"NPS as of {when}",
            **common_args,
        )
        return
    if follow_up is not None:
        frame = nps.follow_up_list(
            linked, loaded.orders, as_of=day, kind=follow_up.value, answers_as_of=answers_day
        ).collect()
        if follow_up is NpsList.detractors:
            _note(
                lg,
                f"{frame.height} kritikere. Ring eller skriv personligt til dem øverst først: et "
                "hurtigt svar kan vende en utilfreds kunde.",
                f"{frame.height} detractors. Call or write personally to those at the top first: "
                "a quick answer can win an unhappy customer back.",
            )
            title = "Kritikere at følge op på" if da else "Detractors to follow up"
        else:
            _note(
                lg,
                f"{frame.height} promotorer. Bed dem om en anmeldelse eller om at anbefale jer "
                "til en ven.",
                f"{frame.height} promoters. Ask them for a review or to recommend you to a friend.",
            )
            title = "Promotorer at bede om en anmeldelse" if da else "Promoters to ask for a review"
        emit(frame, fmt, output, title=title, **common_args)
        return
    if comments:
        frame = nps.nps_comment_terms(linked, n=top).collect()
        if frame.height == 0:
            _note(
                lg,
                "Ingen ord går igen i mindst to kommentarer fra samme gruppe endnu.",
                "No word appears in two or more comments of the same group yet.",
            )
        if table:
            from kunde_cli.words import label_values

            frame = label_values(frame, [nps.NPS_CATEGORY, "term_kind"], lg)
        title = "Ord i kommentarerne" if da else "Words in the comments"
        emit(frame, fmt, output, title=title, **common_args)
        return
    emit(
        summary.to_frame().with_columns(picked.columns()),
        fmt,
        output,
        title=f"NPS pr. {when}" if da else f"NPS as of {when}",
        **common_args,
    )


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
