"""`kunde nps`: Net Promoter Score with its interval, trends, breakdowns and follow-up lists."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kunde_cli.cli import options
from kunde_cli.cli.options import Destination, Source
from kunde_cli.render.formats import Choice
from kunde_cli.render.priority import Priority

if TYPE_CHECKING:
    from datetime import date

    import polars as pl

    from kunde_cli.analytics.nps import NpsDate, NpsSummary
    from kunde_cli.cli.common import Loaded

app = typer.Typer(add_completion=False)

#: The terminal table when the screen is too narrow (kunde_cli.render.priority): NPS and
#: its answers, and on a list who said what, stay; counts behind the shares go first.
COLUMNS = Priority(
    keep=("nps", "n", "name", "email", "score", "comment", "term", "comments"),
    drop=(
        "as_of_rule",
        "as_of",
        "matched",
        "customer_id",
        "top_products",
        "period_start",
        "passives",
        "promoters",
        "detractors",
        "share_passives",
        "responded_at",
        "orders",
        "revenue",
    ),
)


class NpsPeriod(Choice):
    """Trend periods."""

    month = "month"
    quarter = "quarter"


class NpsBy(Choice):
    """What to break the NPS down by."""

    segment = "segment"
    rung = "rung"
    channel = "channel"


class NpsList(Choice):
    """Follow-up lists."""

    detractors = "detractors"
    promoters = "promoters"


# --- the command's own options ----------------------------------------------------------

Period = Annotated[
    NpsPeriod | None,
    typer.Option("--period", help="NPS per month or quarter, with answers per period."),
]
By = Annotated[
    NpsBy | None,
    typer.Option("--by", help="NPS per RFM segment, ladder rung or main sales channel."),
]
FollowUp = Annotated[
    NpsList | None,
    typer.Option(
        "--list",
        help="Whom to contact: detractors (win back) or promoters (ask for a review), "
        "most valuable first.",
    ),
]
Comments = Annotated[
    bool,
    typer.Option("--comments", help="Most used words and phrases of promoters and of detractors."),
]
FollowUpFile = Annotated[
    Path | None,
    typer.Option(
        "--follow-up",
        help="Write detractors and passives with their orders and value to this .xlsx, "
        "with a Status dropdown and a Note column; run it again and what was typed there "
        "is read back and carried forward by response id (the previous file is kept as "
        "FILE.bak.xlsx). Also prints the comments' most common words per group.",
        dir_okay=False,
    ),
]
Top = Annotated[
    int,
    typer.Option("--top", min=1, help="Words and phrases per group with --comments."),
]


@app.command("nps")
@options.writes_output()
@options.reads_data
def nps_command(
    data: Source,
    out: Destination,
    period: Period = None,
    by: By = None,
    follow_up: FollowUp = None,
    follow_up_file: FollowUpFile = None,
    comments: Comments = False,
    top: Top = 10,
    trend: options.Trend = False,
    months: options.Months = 24,
) -> None:
    """Net Promoter Score: % promoters (9–10) − % detractors (0–6), with its 95 % interval.

    The interval is the adjusted-Wald interval; with fewer than 30 answers it
    is wide, and kunde says so. Answers are linked to customers by the order they name
    (a hidden field such as Typeform's order_id), customer number or e-mail; unlinked
    answers still count. Without --as-of, every answer up to the latest
    answer or order counts. One view at a time: the summary (default), --period,
    --by, --list, --comments or --trend (the shop month by month: revenue, orders,
    buying customers and the NPS with its interval, for the last --months months).
    Give the survey export and the orders as FILES, or read them into the workspace
    first (kunde ingest --kind survey svar.csv).

    Example: kunde nps --list detractors --format xlsx --output kritikere.xlsx

    Example: kunde nps --follow-up opfoelgning.xlsx -w kunde-data
    """
    from kunde_cli.analytics import nps
    from kunde_cli.cli import common

    _one_view(
        period=period,
        by=by,
        follow_up=follow_up,
        follow_up_file=follow_up_file,
        comments=comments,
        trend=trend,
    )
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
    elif follow_up_file is not None:
        _follow_up_workbook(view, follow_up_file)
    elif comments:
        view.comments(top)
    elif trend:
        view.trend(months, given=data.as_of)
    else:
        view.summary(summary)


def _one_view(**given: object) -> None:
    """One view at a time: the summary, --period, --by, --list or --comments."""
    from kunde_cli.errors import ConfigError
    from kunde_cli.words.said import Text, said

    flags = {
        "period": "--period",
        "by": "--by",
        "follow_up": "--list",
        "follow_up_file": "--follow-up",
        "comments": "--comments",
        "trend": "--trend",
    }
    chosen = [flags[name] for name, value in given.items() if value not in (None, False)]
    if len(chosen) > 1:
        # "--period and --by and --list": each "and" said in the run's language.
        joined: Text = chosen[-1]
        for flag in reversed(chosen[:-1]):
            joined = said("nps_both", first=flag, second=joined)
        raise ConfigError(said("nps_one_view", flags=joined), hint=said("nps_one_view_hint"))


def _survey(loaded: Loaded) -> pl.LazyFrame:
    """The survey answers; refused when there are none."""
    import polars as pl

    from kunde_cli.errors import WorkspaceError
    from kunde_cli.words.said import said

    survey = loaded.survey
    if survey is None or survey.select(pl.len()).collect().item() == 0:
        raise WorkspaceError(said("nps_no_answers"), hint=said("nps_no_answers_hint"))
    return survey


def _has_orders(loaded: Loaded) -> bool:
    import polars as pl

    return bool(loaded.lines.select(pl.len()).collect().item() > 0)


def _say_counted(
    summary: NpsSummary, picked: NpsDate, linked: pl.LazyFrame, loaded: Loaded, has_orders: bool
) -> None:
    """On stderr: the NPS in one sentence, the answers' date, and answers not linked."""
    from kunde_cli.analytics import nps
    from kunde_cli.render.terminal import note
    from kunde_cli.words import nps_as_of_note, say

    lg = loaded.lang
    _headline(summary, lg)
    note(nps_as_of_note(picked, lg))
    if has_orders:
        # Answers naming an order that links them to no customer (an order id no order
        # has, or several shop systems' orders have): said, then matched as the others.
        named = nps.count_order_matches(linked, loaded.orders)
        for kind, key in (
            ("unknown", "survey_order_unknown"),
            ("ambiguous", "survey_order_ambiguous"),
        ):
            if named.get(kind):
                note(say(key, lg, n=named[kind]))
        unmatched = nps.count_unmatched(linked)
        if unmatched:
            note(say("nps_unmatched", lg, n=unmatched))


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
        self.answers_day = picked.day or loaded.as_of
        self.when = day_text(self.answers_day, self.lg)

    def emit(self, frame: pl.DataFrame, title: str) -> None:
        from kunde_cli.cli.common import emit

        emit(frame, self.out, self.loaded, title=title, priority=COLUMNS)

    def summary(self, summary: NpsSummary) -> None:
        """The NPS in one row, with the answers' day and the rule that chose it (the rule
        worded in a people's table, its key in csv/json)."""
        from kunde_cli.analytics.nps import AS_OF_RULE
        from kunde_cli.words import label_values, say

        frame = summary.to_frame().with_columns(self.picked.columns())
        if self.out.is_table:
            frame = label_values(frame, {AS_OF_RULE: "as_of_rule_"}, self.lg)
        self.emit(frame, say("nps_title", self.lg, as_of=self.when))

    def by_period(self, period: NpsPeriod) -> None:
        from kunde_cli.analytics import nps
        from kunde_cli.words import label, say

        frame = nps.nps_by_period(self.linked, as_of=self.answers_day, period=period.value)
        table = frame.collect()
        _warn_small(table, self.lg)
        self.emit(
            table, say("nps_title_period", self.lg, period=label(f"period_{period}", self.lg))
        )

    def by_group(self, by: NpsBy) -> None:
        from kunde_cli.analytics import nps
        from kunde_cli.errors import WorkspaceError
        from kunde_cli.words import label_values, say
        from kunde_cli.words.said import said

        if not self.has_orders:
            raise WorkspaceError(
                said("nps_by_needs_orders", by=by.value, what=said(f"nps_by_what_{by}")),
                hint=said("nps_by_needs_orders_hint"),
            )
        groups = _groups(by, self.loaded, self.linked, self.picked.day)
        frame = nps.nps_by_group(self.linked, groups).collect()
        _warn_small(frame, self.lg)
        if self.out.is_table:
            frame = label_values(frame, [by.value], self.lg)
        self.emit(frame, say("nps_title", self.lg, as_of=self.when))

    def follow_up(self, kind: NpsList) -> None:
        from kunde_cli.analytics import nps
        from kunde_cli.render.terminal import note
        from kunde_cli.words import say

        frame = nps.follow_up_list(
            self.linked,
            self.loaded.orders,
            as_of=self.loaded.as_of,
            kind=kind.value,
            answers_as_of=self.answers_day,
        ).collect()
        note(say(f"nps_{kind}_note", self.lg, n=frame.height))
        self.emit(frame, say(f"nps_title_{kind}", self.lg))

    def trend(self, months: int, *, given: date | None) -> None:
        from kunde_cli.cli.common import emit
        from kunde_cli.render.trends import trend_table

        shown = trend_table(self.loaded, months=months, given=given, people=self.out.is_table)
        emit(
            shown.frame,
            self.out,
            self.loaded,
            title=shown.title,
            kinds=shown.kinds,
            priority=shown.priority,
        )

    def comments(self, top: int) -> None:
        from kunde_cli.analytics import nps
        from kunde_cli.render.terminal import note
        from kunde_cli.words import label_values, say

        frame = nps.nps_comment_terms(self.linked, n=top).collect()
        if frame.height == 0:
            note(say("nps_no_terms", self.lg))
        if self.out.is_table:
            frame = label_values(frame, [nps.NPS_CATEGORY, "term_kind"], self.lg)
        self.emit(frame, say("nps_title_comments", self.lg))


def _follow_up_workbook(view: _View, path: Path) -> None:
    """``--follow-up FILE.xlsx``: the workbook of cases written (statuses typed there
    carried forward), what it holds said on stderr, and the comments' themes per group
    as the command's table (render.follow_up_workbook, analytics.follow_up)."""
    from kunde_cli.analytics.follow_up import comment_themes
    from kunde_cli.analytics.nps import NPS_CATEGORY, link_answers
    from kunde_cli.render.follow_up_workbook import backup_path, excel_lock, run_follow_up
    from kunde_cli.render.terminal import note, warn
    from kunde_cli.words import label_values, say

    loaded, lg = view.loaded, view.lg
    _not_the_workbook(view.out.output, path)
    lock = excel_lock(path)
    if lock is not None:
        warn(say("fu_open_elsewhere", lg, path=path.name, lock=lock.name))
    segments = _groups(NpsBy.segment, loaded, view.linked, view.picked.day)
    # Every answer, after the NPS date too: notes on later answers are kept (--as-of).
    every_answer = link_answers(_survey(loaded), loaded.orders).collect()
    done = run_follow_up(
        path,
        every_answer=every_answer,
        linked=view.linked.collect(),
        orders=loaded.orders,
        as_of=loaded.as_of,
        answers_as_of=view.answers_day,
        segments=segments if view.has_orders else None,
        lang=lg,
        currency=loaded.config.currency,
        workspace=loaded.workspace,
    )
    detractors, passives, total = done.counts.to_dicts()
    note(
        say(
            "fu_written",
            lg,
            path=path,
            **{**total, "detractors": detractors["cases"], "passives": passives["cases"]},
        )
    )
    if not total["cases"]:
        note(say("fu_no_cases", lg))
    if done.read_back:
        note(say("fu_carried", lg, carried=done.carried, new=done.new))
    if done.earlier:
        note(say("fu_earlier", lg, n=done.earlier, sheet=done.earlier_sheet))
    if done.gone:
        note(say("fu_gone", lg, n=done.gone))
    if done.reopened:
        warn(say("fu_reopened", lg, n=done.reopened, path=path.name))
    if done.without_id:
        sheets = dict.fromkeys(sheet for sheet, _ in done.without_id)
        warn(
            say(
                "fu_without_id" if done.backup is not None else "fu_without_id_lost",
                lg,
                n=len(done.without_id),
                where="; ".join(
                    say(
                        "fu_without_id_rows",
                        lg,
                        sheet=sheet,
                        rows=", ".join(str(r) for s_, r in done.without_id if s_ == sheet),
                    )
                    for sheet in sheets
                ),
                path=backup_path(path).name,
            )
        )
    if done.backup is not None:
        note(say("fu_backup", lg, path=done.backup))
    if done.unchanged:
        note(say("fu_same_bytes", lg, path=path.name, backup=backup_path(path).name))
    if done.backup_dropped:
        note(say("fu_backup_dropped", lg, path=backup_path(path)))
    if done.stored:
        note(say("fu_stored", lg))
    themes = comment_themes(view.linked, n=5, words_only=True).collect()
    if themes.height == 0:
        note(say("fu_no_themes", lg))
    themes = themes.drop("term_kind", "with_comment")
    if view.out.is_table:
        themes = label_values(themes, [NPS_CATEGORY], lg)
    view.emit(themes, say("fu_themes_title", lg))


def _not_the_workbook(output: Path | None, path: Path) -> None:
    """-o/--output (the themes table) may not be the follow-up workbook or its backup:
    it would be written over the cases and statuses just written (exit 2 first)."""
    from kunde_cli.errors import ConfigError
    from kunde_cli.render.follow_up_workbook import backup_path
    from kunde_cli.words.said import said

    if output is None:
        return
    target = output.resolve()
    if target in (path.resolve(), backup_path(path).resolve()):
        raise ConfigError(said("fu_output_is_workbook"), path=str(output))


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


def _headline(summary: NpsSummary, lang: str) -> None:
    """The NPS in one sentence on stderr, and a warning when there are few answers."""
    from kunde_cli.analytics.nps import SMALL_N_THRESHOLD
    from kunde_cli.render.numbers import format_number, format_percent
    from kunde_cli.render.terminal import note, warn
    from kunde_cli.words import say

    def num(value: float) -> str:
        return format_number(value, lang, 0)

    note(
        say(
            "nps_headline",
            lang,
            nps=num(summary.nps),
            low=num(summary.ci_low),
            high=num(summary.ci_high),
            n=summary.n,
            promoters=summary.promoters,
            pct_p=format_percent(summary.share_promoters, lang, 0),
            passives=summary.passives,
            detractors=summary.detractors,
            pct_d=format_percent(summary.share_detractors, lang, 0),
        )
    )
    if summary.n < SMALL_N_THRESHOLD:
        warn(say("nps_few_answers", lang, n=summary.n, min=SMALL_N_THRESHOLD))


def _warn_small(frame: pl.DataFrame, lang: str) -> None:
    """Warn when some rows rest on fewer answers than the small-n threshold."""
    from kunde_cli.analytics.nps import SMALL_N, SMALL_N_THRESHOLD
    from kunde_cli.render.terminal import warn
    from kunde_cli.words import say

    few = int(frame.get_column(SMALL_N).sum()) if frame.height else 0
    if few:
        warn(say("nps_few_rows", lang, few=few, rows=frame.height, min=SMALL_N_THRESHOLD))
