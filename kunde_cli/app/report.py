"""Every analysis for one report, in one data object.

:func:`build_report` runs the analyses of ``kunde_cli/analytics`` on the order lines
(and survey answers, when there are any) and returns a :class:`ReportData`: small
aggregate frames and top lists, never a rendering. The HTML and Excel renderers
(``render/html.py``, ``render/workbook.py``) read only this object, so both show the
same numbers, and the numbers are those of the single commands (``kunde segment``,
``kunde ladder`` …) run with the same as-of date.

The report degrades instead of failing: without survey answers the NPS part is None,
without churn tiers the share inactive is None, and a customer-value model that
cannot be fitted or is not trustworthy is reported as such (``ClvSection.status``)
with the historical value shown instead.

This module only orchestrates: no I/O, no printing, no clock, no rendering. Its old
home, ``kunde_cli.report``, is this module under that name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

import polars as pl

from kunde_cli import schema as s
from kunde_cli.analytics.orders import Basis, Overview, order_overview
from kunde_cli.analytics.trends import monthly_trends
from kunde_cli.config import Config
from kunde_cli.errors import ModelError
from kunde_cli.words.actions import word_actions
from kunde_cli.words.lang import DEFAULT_LANG
from kunde_cli.words.personas import persona_cards
from kunde_cli.words.said import Text, said

if TYPE_CHECKING:
    from kunde_cli.analytics.clv import BgNbdParams, GammaGammaParams
    from kunde_cli.analytics.clv.predict import ClvResult, FitStore
    from kunde_cli.analytics.nps import NpsDate, NpsSummary
    from kunde_cli.analytics.retention import RepurchaseSummary
    from kunde_cli.app.loading import Loaded
    from kunde_cli.words.personas import PersonaCard

#: Default comparison date for the ladder movement: this many days before as-of.
DEFAULT_COMPARE_DAYS = 90
#: Reactivation candidates shown in the report (the full list is ``kunde churn --list``).
TOP_CANDIDATES = 20
#: Latest comments shown per NPS group (promoters, detractors).
TOP_COMMENTS = 5
#: Cohorts (first-order months) shown in the HTML heatmap; the workbook has all.
HEATMAP_COHORTS = 24
#: Month offsets shown in the HTML heatmap.
HEATMAP_MONTHS = 13
#: Bars in the value distribution.
VALUE_BINS = 10
#: Months in the report's trend section (two years: a month beside the same month a
#: year before).
TREND_MONTHS = 24

#: ClvSection.status values.
CLV_MODEL = "model"  # predicted CLV from trusted BG/NBD + Gamma-Gamma fits
CLV_UNTRUSTED = "untrusted"  # fitted, but not trustworthy: historical value shown
CLV_FAILED = "failed"  # could not be fitted: historical value shown
CLV_EMPTY = "empty"  # no customers

#: Columns of the value distribution frame.
BIN_LOWER = "lower"
BIN_UPPER = "upper"
BIN_CUSTOMERS = "customers"

#: The churn tiers counted as inactive in the key figures (analytics/churn.py: inactive = past the
#: threshold; lost is further past it).
INACTIVE_TIERS = ("inactive", "lost")

Step = Callable[[str], None]


@dataclass(frozen=True)
class KeyFigures:
    """The numbers at the top of the report.

    ``customers`` have at least one counted order; ``orders`` and ``revenue`` (net, DKK
    incl. VAT) are the shop's counted orders, guests' included;
    ``repurchase_rate`` and ``share_inactive`` are 0–1; ``retention_rate`` is a
    percentage (0–100, may exceed 100) for ``retention_period`` (the latest complete
    month, else the current one); ``nps`` carries the 95 % interval.
    """

    customers: int
    people: int
    orders: int
    revenue: float
    repurchase_rate: float | None
    retention_rate: float | None
    retention_period: str | None
    nps: NpsSummary | None
    share_inactive: float | None


@dataclass(frozen=True)
class NpsSection:
    """NPS: the summary, the trend (``trend_period`` month or quarter, for the chart),
    the monthly breakdown (always months, for the workbook), top terms, a few latest
    comments, and ``nps_date``: the day answers count up to and the rule that picked it
    (:func:`kunde_cli.analytics.nps.nps_as_of`)."""

    summary: NpsSummary
    trend: pl.DataFrame
    trend_period: str
    terms: pl.DataFrame
    comments: pl.DataFrame
    unmatched: int
    monthly: pl.DataFrame
    nps_date: NpsDate


@dataclass(frozen=True)
class ClvSection:
    """Customer value: predicted by the models when they can be trusted, else historical.

    ``status`` is one of :data:`CLV_MODEL`, :data:`CLV_UNTRUSTED`, :data:`CLV_FAILED`,
    :data:`CLV_EMPTY`; ``reasons`` says why a model is not used (sentences said by key,
    worded in the report's language by whoever shows them) and ``untrusted_fits`` are the
    fits whose failed trust checks say the rest (:func:`kunde_cli.render.fits.clv_reasons`);
    ``value_column`` names the per-customer value the ``distribution`` counts
    (``predicted_clv`` or ``simple_clv``); ``customers`` is the per-customer table
    (historical value, plus the predictions when trusted); ``by_segment`` the sums per
    RFM segment.
    """

    status: str
    reasons: tuple[Text, ...]
    value_column: str
    customers: pl.DataFrame
    by_segment: pl.DataFrame
    distribution: pl.DataFrame
    horizon_months: int
    total_predicted: float | None = None
    untrusted_fits: tuple[BgNbdParams | GammaGammaParams, ...] = ()


@dataclass(frozen=True)
class ReportData:
    """Everything the HTML report and the workbook show (see module docstring)."""

    as_of: date
    compare: date
    lang: str
    currency: str
    anonymised: bool
    key: KeyFigures
    repurchase: RepurchaseSummary
    segments: pl.DataFrame
    segment_migration: pl.DataFrame
    customers: pl.DataFrame
    ladder: pl.DataFrame
    ladder_change: pl.DataFrame
    ladder_flow: pl.DataFrame
    retention: pl.DataFrame
    cohorts: pl.DataFrame
    cohort_matrix: pl.DataFrame
    tiers: pl.DataFrame | None
    candidates: pl.DataFrame
    candidates_total: int
    nps: NpsSection | None
    clv: ClvSection
    profiles: pl.DataFrame
    personas: list[PersonaCard] = field(default_factory=list)
    #: What the numbers count and leave out (statuses, credit notes, anonymous sales).
    overview: Overview | None = None
    #: Anonymised only: per table (``segments``, ``clv``, ``ladder``, ``tiers``,
    #: ``cohorts``, ``nps``, ``trend``), the groups whose figures are left out
    #: (:func:`groups_left_out`); empty in a plain report.
    left_out: dict[str, tuple[object, ...]] = field(default_factory=dict)
    #: The shop month by month (:func:`kunde_cli.analytics.trends.monthly_trends`): the
    #: last :data:`TREND_MONTHS` months, with the NPS columns when there is a survey.
    trend: pl.DataFrame | None = None
    #: The answer sections' facts by name, in report order (:mod:`kunde_cli.app.answers`;
    #: worded and drawn by :mod:`kunde_cli.render.answers`).
    answers: dict[str, object] = field(default_factory=dict)


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def default_compare(as_of: date | datetime) -> date:
    """The comparison date when none is given: :data:`DEFAULT_COMPARE_DAYS` before as-of."""
    return _day(as_of) - timedelta(days=DEFAULT_COMPARE_DAYS)


def _latest_retention(retention: pl.DataFrame, as_of: date) -> tuple[float | None, str | None]:
    """The latest complete period's rate (the current one when it is the only one)."""
    from kunde_cli.analytics import retention as ret

    rated = retention.filter(pl.col(ret.RETENTION_RATE).is_not_null())
    if rated.is_empty():
        return None, None
    # The current period is complete when as-of is its last day.
    month_end = (as_of + timedelta(days=1)).day == 1
    complete = rated if month_end else rated.filter(pl.col(ret.PERIOD_END) < pl.lit(as_of))
    row = (complete if complete.height else rated).row(-1, named=True)
    return float(row[ret.RETENTION_RATE]), str(row[ret.PERIOD])


def _nice_step(value: float) -> float:
    """A round bin width (1, 2, 2.5 or 5 × 10^k) of about ``value``."""
    import math

    if value <= 0:
        return 1.0
    power: float = 10 ** math.floor(math.log10(value))
    for factor in (1, 2, 2.5, 5, 10):
        if value <= factor * power:
            return factor * power
    return 10 * power


def value_distribution(values: pl.Series, *, bins: int = VALUE_BINS) -> pl.DataFrame:
    """Customers per value band: ``bins`` equal, round-numbered bands up to about the
    95th percentile and one open band above (``upper`` null).

    Columns ``lower``, ``upper`` (DKK; a band holds lower ≤ value < upper) and
    ``customers``. Values below 0 (refunds beyond purchases) count in the first band.

    Examples
    --------
    >>> value_distribution(pl.Series([10.0, 20.0, 95.0, 1000.0]), bins=2).rows()
    [(0.0, 500.0, 3), (500.0, 1000.0, 0), (1000.0, None, 1)]
    """
    clean = values.drop_nulls().drop_nans() if values.dtype.is_float() else values.drop_nulls()
    if clean.is_empty():
        return pl.DataFrame(
            schema={BIN_LOWER: pl.Float64, BIN_UPPER: pl.Float64, BIN_CUSTOMERS: pl.Int64}
        )
    top = float(clean.quantile(0.95, "linear") or 0.0)
    if top <= 0:
        top = float(cast("float | None", clean.max()) or 0.0)
    step = _nice_step(top / bins)
    lowers = [step * i for i in range(bins)] + [step * bins]
    uppers: list[float | None] = [step * (i + 1) for i in range(bins)] + [None]
    index = (
        (clean.cast(pl.Float64) / step).floor().clip(0, bins).cast(pl.Int64).alias("_bin")
    ).to_frame()
    counts = index.group_by("_bin").agg(pl.len().cast(pl.Int64).alias(BIN_CUSTOMERS))
    frame = (
        pl.DataFrame(
            {"_bin": list(range(bins + 1)), BIN_LOWER: lowers, BIN_UPPER: uppers},
            schema={"_bin": pl.Int64, BIN_LOWER: pl.Float64, BIN_UPPER: pl.Float64},
        )
        .join(counts, on="_bin", how="left", maintain_order="left")
        .with_columns(pl.col(BIN_CUSTOMERS).fill_null(0))
        .drop("_bin")
    )
    # The open band is dropped when nobody is in it (all values below the last edge).
    if frame.row(-1, named=True)[BIN_CUSTOMERS] == 0:
        frame = frame.head(bins)
    return frame


def groups_left_out(
    frame: pl.DataFrame,
    *,
    key: str,
    count: str = "customers",
    k: int | None = None,
    complete: bool = True,
) -> tuple[object, ...]:
    """The groups (values of ``key``) whose figures an anonymised output leaves out.

    Every group of 1 to k − 1 (``count``; k defaults to
    :data:`~kunde_cli.analytics.profiles.MIN_GROUP_SIZE`) customers; and, when those
    together hold fewer than k and the groups add up to a total the report shows
    (``complete``), the next smallest group too, so that "total minus the groups shown"
    never gives the figures of fewer than k customers.

    >>> f = pl.DataFrame({"g": ["a", "b", "c", "d"], "customers": [0, 2, 9, 6]})
    >>> groups_left_out(f, key="g")
    ('b', 'd')
    >>> groups_left_out(f, key="g", complete=False)
    ('b',)
    """
    from kunde_cli.analytics.profiles import MIN_GROUP_SIZE

    k = MIN_GROUP_SIZE if k is None else k
    sized = frame.select(key, count).with_row_index("_row")
    small = sized.filter((pl.col(count) > 0) & (pl.col(count) < k))
    held = int(small.get_column(count).sum() or 0)
    if complete and 0 < held < k:
        extra = (
            sized.filter(pl.col(count) >= k)
            .sort([count, "_row"])
            .filter((pl.col(count).cum_sum() - pl.col(count) + held) < k)
        )
        small = pl.concat([small, extra]).sort("_row")
    return tuple(small.get_column(key).unique(maintain_order=True).to_list())


def blank_groups(
    frame: pl.DataFrame, *, key: str, groups: tuple[object, ...], keep: tuple[str, ...]
) -> pl.DataFrame:
    """``frame`` with every numeric column but ``keep`` null in the rows of ``groups``.

    >>> f = pl.DataFrame({"g": ["a", "b"], "customers": [1, 6], "revenue": [9.0, 60.0]})
    >>> blank_groups(f, key="g", groups=("a",), keep=("customers",)).rows()
    [('a', 1, None), ('b', 6, 60.0)]
    """
    if not groups:
        return frame
    hidden = pl.col(key).is_in(pl.Series(list(groups), dtype=frame.schema[key]).implode())
    return frame.with_columns(
        pl.when(~hidden).then(pl.col(c)).alias(c)
        for c, dtype in frame.schema.items()
        if dtype.is_numeric() and c != key and c not in keep
    )


def _tiers(lines: Basis, day: date, config: Config) -> pl.DataFrame:
    """Churn tiers at ``day``."""
    from kunde_cli.analytics.churn import churn_tiers

    return churn_tiers(lines, as_of=day, config=config.churn).collect()


def _nps_section(
    survey: pl.LazyFrame | None,
    lines: Basis,
    as_of: date,
    nps_date: NpsDate,
    *,
    with_comments: bool,
) -> NpsSection | None:
    """The NPS part, from the answers up to ``nps_date.day`` (orders at ``as_of``)."""
    from kunde_cli.analytics import nps as nps_mod

    if survey is None:
        return None
    answers = nps_mod.answers_up_to(survey, as_of=nps_date.day)
    try:
        summary = nps_mod.nps_summary(answers)
    except ModelError:
        return None  # no answer with a score: the report says there is no survey data
    answers_day = nps_date.day or as_of
    monthly = nps_mod.nps_by_period(answers, as_of=answers_day, period="month").collect()
    trend, period = monthly, "month"
    # A monthly NPS from a handful of answers jumps between -100 and 100; with fewer
    # than SMALL_N_THRESHOLD answers in a typical month, the chart shows quarters (the
    # workbook has both).
    if (
        monthly.height
        and float(cast("float | None", monthly.get_column(nps_mod.N).median()) or 0)
        < nps_mod.SMALL_N_THRESHOLD
    ):
        trend = nps_mod.nps_by_period(answers, as_of=answers_day, period="quarter").collect()
        period = "quarter"
    names = answers.collect_schema().names()
    terms = (
        nps_mod.nps_comment_terms(answers, n=10).collect() if s.COMMENT in names else pl.DataFrame()
    )
    comments = pl.DataFrame(
        schema={
            nps_mod.NPS_CATEGORY: pl.String,
            s.SCORE: pl.Int64,
            s.RESPONDED_AT: pl.Date,
            s.COMMENT: pl.String,
        }
    )
    if with_comments and s.COMMENT in names:
        comments = (
            answers.filter(pl.col(s.COMMENT).str.strip_chars().str.len_chars() > 0)
            .with_columns(nps_mod.nps_category_expr())
            .filter(pl.col(nps_mod.NPS_CATEGORY).is_in([nps_mod.PROMOTERS, nps_mod.DETRACTORS]))
            .sort([s.RESPONDED_AT, s.RESPONSE_ID], descending=[True, False], nulls_last=True)
            .group_by(nps_mod.NPS_CATEGORY, maintain_order=True)
            .head(TOP_COMMENTS)
            .select(
                nps_mod.NPS_CATEGORY,
                pl.col(s.SCORE).cast(pl.Int64),
                pl.col(s.RESPONDED_AT).dt.date(),
                s.COMMENT,
            )
            .sort(pl.col(nps_mod.NPS_CATEGORY) != nps_mod.PROMOTERS, maintain_order=True)
            .collect()
        )
    unmatched = nps_mod.count_unmatched(nps_mod.link_answers(answers, lines))
    return NpsSection(
        summary,
        trend,
        period,
        terms,
        comments,
        unmatched,
        monthly=monthly,
        nps_date=nps_date,
    )


def _clv_section(
    lines: Basis,
    as_of: date,
    segments: pl.DataFrame,
    *,
    horizon_months: int,
    fit_model: bool,
    fits: FitStore | None = None,
) -> tuple[ClvSection, pl.DataFrame | None, ClvResult | None]:
    """Historical value always; predicted CLV when the fits work and can be trusted.

    Returns the section, when a purchase model was fitted and trusted its
    per-customer predictions (for P(alive) on the churn tiers), and the fitted models
    (None when none could be fitted or the report fits none).
    """
    from kunde_cli.analytics import value as val

    values = (
        val.historical_value(lines, as_of=as_of)
        .sort([val.SIMPLE_CLV, s.CUSTOMER_ID], descending=[True, False], nulls_last=True)
        .collect()
    )
    if values.is_empty():
        empty = value_distribution(pl.Series([], dtype=pl.Float64))
        by_segment = val.value_by_segment(values.lazy(), segments.lazy()).collect()
        return (
            ClvSection(CLV_EMPTY, (), val.SIMPLE_CLV, values, by_segment, empty, horizon_months),
            None,
            None,
        )
    reasons: tuple[Text, ...]
    untrusted: tuple[BgNbdParams | GammaGammaParams, ...] = ()
    status, reasons, predictions = CLV_FAILED, (), None
    result: ClvResult | None = None
    if fit_model:
        from kunde_cli.analytics.clv import predict_clv

        try:
            result = predict_clv(lines, as_of=as_of, horizon_months=horizon_months, fits=fits)
        except ModelError as err:
            reasons = (err.said,)
        else:
            if result.trusted:
                status, predictions = CLV_MODEL, result.customers
            else:
                # The fits say their failed checks; a spend model that could not be
                # fitted at all says why.
                status = CLV_UNTRUSTED
                untrusted = tuple(
                    fit
                    for fit, ok in (
                        (result.purchase_model, result.purchase_trusted),
                        (result.spend_model, result.spend_trusted),
                    )
                    if fit is not None and not ok
                )
                if result.spend_model is None and result.spend_error is not None:
                    reasons = (said("spend_not_fitted", why=result.spend_error),)
    else:
        reasons = (said("report_model_switched_off"),)
    extra: tuple[str, ...] = ()
    value_column = val.SIMPLE_CLV
    total = None
    if predictions is not None:
        from kunde_cli.analytics.clv import P_ALIVE, PREDICTED_CLV, VALUE_AT_RISK

        extra = (PREDICTED_CLV, VALUE_AT_RISK)
        values = values.join(
            predictions.select(s.CUSTOMER_ID, P_ALIVE, PREDICTED_CLV, VALUE_AT_RISK),
            on=s.CUSTOMER_ID,
            how="left",
        ).sort([PREDICTED_CLV, s.CUSTOMER_ID], descending=[True, False], nulls_last=True)
        value_column = PREDICTED_CLV
        total = float(values.get_column(PREDICTED_CLV).sum())
    by_segment = val.value_by_segment(
        values.lazy(), segments.lazy().select(s.CUSTOMER_ID, val.SEGMENT), extra_sums=extra
    ).collect()
    distribution = value_distribution(values.get_column(value_column))
    section = ClvSection(
        status,
        reasons,
        value_column,
        values,
        by_segment,
        distribution,
        horizon_months,
        total,
        untrusted,
    )
    return section, predictions, result


def build_report(
    lines: Basis | Loaded,
    *,
    as_of: date | datetime | None = None,
    survey: pl.LazyFrame | None = None,
    compare: date | datetime | None = None,
    config: Config | None = None,
    lang: str | None = None,
    anonymise_salt: str | None = None,
    fit_model: bool = True,
    horizon_months: int = 12,
    top: int = TOP_CANDIDATES,
    on_step: Step | None = None,
    nps_date: NpsDate | None = None,
    fits: FitStore | None = None,
    answer_inputs: Mapping[str, Any] | None = None,
) -> ReportData:
    """Run every analysis for the report at ``as_of``.

    ``lines`` is an order basis (or order lines), or what :func:`kunde_cli.app.load`
    returned: then ``as_of``, ``survey``, ``config`` and ``lang`` default to the loaded
    ones, and ``nps_date`` to the rule every command uses.

    Survey answers (NPS, the ladder's ambassadors, profiles, the customer list) count
    up to ``nps_date`` — :func:`kunde_cli.analytics.nps.nps_as_of`, as every command
    picks it; ``kunde report`` passes the default rule, which keeps answers given after
    the last order. Without ``nps_date`` answers count up to ``as_of``.

    ``compare`` (default :data:`DEFAULT_COMPARE_DAYS` days before ``as_of``) is the
    date the ladder movement is measured from. With ``anonymise_salt`` every
    per-customer frame has names, e-mails, phones and customer ids replaced by
    pseudonyms (:func:`kunde_cli.analytics.export_lists.pseudonymise`), verbatim
    survey comments are left out (free text can name people), the profiles and persona
    cards describe no group and name no town or postcode of fewer than
    :data:`~kunde_cli.analytics.profiles.MIN_GROUP_SIZE` customers (smaller segments
    are merged into one "small groups" card), and every per-group table (segments,
    value per segment, ladder, activity tiers, cohorts, NPS periods) keeps only the
    customer count and share of customers of such groups — and of the next smallest
    group when needed, so no left-out figure follows from the total
    (:func:`groups_left_out`, recorded in ``ReportData.left_out``); NPS terms used in
    fewer than five comments are left out. The result is pseudonymised, not anonymous: the
    per-customer lists keep each pseudonym's figures. ``on_step(name)`` is
    called before each step, for a progress display. Raises ConfigError when
    ``compare`` is not before ``as_of``. ``fits`` keeps the model fits between runs
    (:class:`~kunde_cli.analytics.clv.predict.FitStore`; the CLI passes the workspace's).
    The answer sections (:mod:`kunde_cli.app.answers`) read what the others computed;
    ``answer_inputs`` passes them what only the caller knows, by name (from a loaded
    workspace, its folder as ``workspace``: the follow-up statuses it keeps).
    """
    from kunde_cli.analytics import churn, ladder, profiles, retention, rfm
    from kunde_cli.analytics import export_lists as exl
    from kunde_cli.analytics.nps import nps_as_of
    from kunde_cli.analytics.orders import OrderBasis
    from kunde_cli.app.loading import Loaded
    from kunde_cli.errors import ConfigError

    inputs: dict[str, Any] = dict(answer_inputs or {})
    if isinstance(lines, Loaded):
        loaded = lines
        lines = loaded.orders
        if loaded.workspace is not None:
            # The follow-up section counts the statuses the workspace keeps.
            inputs.setdefault("workspace", getattr(loaded.workspace, "path", None))
        survey = loaded.survey if survey is None else survey
        config = config or loaded.config
        lang = lang or loaded.lang
        if nps_date is None:
            nps_date = nps_as_of(loaded.as_of, survey, given=as_of)
        as_of = loaded.as_of if as_of is None else as_of
    if as_of is None:
        raise TypeError("build_report needs as_of with order lines (or a loaded basis)")
    lang = lang or DEFAULT_LANG
    config = config or Config()
    day = _day(as_of)
    before = _day(compare) if compare is not None else default_compare(day)
    if before >= day:
        raise ConfigError(
            said("compare_not_before", compare=before.isoformat(), as_of=day.isoformat()),
            hint=said("compare_not_before_hint"),
        )
    picked = nps_date if nps_date is not None else nps_as_of(day, survey, given=day)
    answers_day = picked.day or day
    step = on_step or (lambda _name: None)
    anonymise = anonymise_salt is not None
    # A dozen analyses read the same lines: read them (and resolve customer ids) once,
    # and build their orders and per-customer summaries once per date (the basis).
    step("load")
    if isinstance(lines, OrderBasis):
        lines = lines.at(day)
    else:
        lines = OrderBasis.of(lines.lazy().collect(), as_of=day)

    step("segments")
    segmented = rfm.rfm_segments(
        rfm.rfm_scores(lines, as_of=day, config=config.rfm), config=config.rfm
    ).collect()
    segments = word_actions(
        rfm.segment_summary(segmented.lazy(), config=config.rfm).collect(), lang
    )
    migration = rfm.segment_migration(
        lines, as_of=day, compare=before, config=config.rfm, segments=segmented.lazy()
    ).collect()

    step("value")
    clv, predictions, clv_result = _clv_section(
        lines, day, segmented, horizon_months=horizon_months, fit_model=fit_model, fits=fits
    )

    step("churn")
    tiers = _tiers(lines, day, config)
    if predictions is not None:
        # predict_clv fits BG/NBD, whose P(alive) of one-order customers is always 1.
        tiers = churn.with_model(tiers, predictions, blank_one_order=True).collect()
    tier_table = churn.tier_summary(tiers).collect()
    listed = word_actions(
        churn.reactivation_list(
            tiers, lines, segments=segmented.select(s.CUSTOMER_ID, rfm.SEGMENT)
        ).collect(),
        lang,
    )
    candidates_total = listed.height
    candidates = listed.head(top)

    step("ladder")
    tier_pairs = tiers.select(s.CUSTOMER_ID, churn.TIER).lazy()
    compare_pairs = _tiers(lines, before, config).select(s.CUSTOMER_ID, churn.TIER).lazy()
    rungs = ladder.ladder_rungs(
        lines,
        as_of=day,
        survey=survey,
        tiers=tier_pairs,
        config=config.ladder,
        answers_as_of=answers_day,
    ).collect()
    ladder_table = word_actions(ladder.ladder_summary(rungs.lazy()).collect(), lang)
    flow = ladder.ladder_flow(
        lines,
        as_of=day,
        compare=before,
        survey=survey,
        tiers=tier_pairs,
        compare_tiers=compare_pairs,
        config=config.ladder,
        rungs=rungs.lazy(),
    ).collect()
    change = ladder.ladder_side_by_side(flow.lazy()).collect()

    step("retention")
    by_month = retention.retention_by_period(lines, as_of=day, period="month").collect()
    cohorts = retention.cohort_table(lines, as_of=day).collect()
    matrix = retention.cohort_matrix(cohorts)
    repurchase = retention.repurchase_summary(lines, as_of=day)

    step("nps")
    nps_section = _nps_section(survey, lines, day, picked, with_comments=not anonymise)

    # The month-by-month trend (no step of its own: it takes a fraction of the NPS step).
    trend = monthly_trends(
        lines,
        # NPS columns only with answers that have a score (as the NPS section).
        survey if nps_section is not None else None,
        as_of=day,
        months=TREND_MONTHS,
        answers_as_of=answers_day,
    )

    step("profiles")
    left_out: dict[str, tuple[object, ...]] = {}
    profile_groups = segmented.lazy()
    if anonymise:
        # The segments whose figures are left out (under five customers, and the next
        # smallest when needed) are merged into one "small groups" profile, so no
        # profile shows what the segment table leaves out.
        left_out["segments"] = groups_left_out(segments, key=rfm.SEGMENT)
        merged = pl.Series(list(left_out["segments"]), dtype=pl.String).implode()
        profile_groups = profile_groups.with_columns(
            pl.when(pl.col(rfm.SEGMENT).is_in(merged))
            .then(pl.lit(profiles.SMALL_GROUPS))
            .otherwise(pl.col(rfm.SEGMENT))
            .alias(rfm.SEGMENT)
        )
    profile_table = profiles.segment_profiles(
        lines,
        profile_groups,
        as_of=day,
        survey=survey,
        by=rfm.SEGMENT,
        answers_as_of=answers_day,
        # Anonymised: no group, town or postcode of fewer than five customers.
        min_customers=profiles.MIN_GROUP_SIZE if anonymise else None,
    ).collect()
    personas = persona_cards(
        profiles.persona_facts(profile_table, by=rfm.SEGMENT), lang, config.currency
    )

    step("customers")
    overview = exl.customer_overview(
        lines,
        as_of=day,
        survey=survey,
        tiers=tier_pairs,
        config=config,
        segments=segmented.lazy(),
        rungs=rungs.lazy(),
        answers_as_of=answers_day,
    ).collect()
    overview = word_actions(overview, lang)
    if predictions is not None:
        from kunde_cli.analytics.clv import P_ALIVE, PREDICTED_CLV

        overview = overview.join(
            clv.customers.select(s.CUSTOMER_ID, P_ALIVE, PREDICTED_CLV),
            on=s.CUSTOMER_ID,
            how="left",
            maintain_order="left",
        )

    people = rungs.height
    share_inactive = None
    if tiers.height:
        inactive = tiers.get_column(churn.TIER).is_in(list(INACTIVE_TIERS))
        share_inactive = float(cast("float", inactive.mean()))
    rate, period = _latest_retention(by_month, day)
    from kunde_cli.app.answers import AnswerContext, build_answers

    step("answers")
    answers = build_answers(
        AnswerContext(
            lines=lines,
            as_of=day,
            config=config,
            survey=survey,
            answers_as_of=answers_day,
            segments=segmented,
            tiers=tiers,
            clv=clv_result,
            fit_model=fit_model,
            fits=fits,
            anonymise_salt=anonymise_salt,
            inputs=inputs,
        )
    )
    counted = order_overview(lines, as_of=as_of, by_document=False)
    key = KeyFigures(
        customers=repurchase.customers,
        people=people,
        # The shop's counted orders and revenue, guests' too: the same figures as the
        # line every command prints and the trend's months (per-customer tables leave
        # guests out, and say so).
        orders=counted.purchases,
        revenue=counted.revenue,
        repurchase_rate=repurchase.repurchase_rate,
        retention_rate=rate,
        retention_period=period,
        nps=nps_section.summary if nps_section is not None else None,
        share_inactive=share_inactive,
    )

    if anonymise:
        assert anonymise_salt is not None
        overview = exl.pseudonymise(overview, salt=anonymise_salt).drop(s.COMMENT)
        candidates = exl.pseudonymise(candidates, salt=anonymise_salt)
        # Per-group tables: a group of fewer than five customers keeps its count and
        # share of customers, and nothing else (see groups_left_out).
        shares = (rfm.CUSTOMERS, "share_customers")
        segments = blank_groups(segments, key=rfm.SEGMENT, groups=left_out["segments"], keep=shares)
        left_out["clv"] = tuple(
            dict.fromkeys(left_out["segments"] + groups_left_out(clv.by_segment, key=rfm.SEGMENT))
        )
        left_out["ladder"] = groups_left_out(ladder_table, key=ladder.RUNG)
        ladder_table = blank_groups(
            ladder_table, key=ladder.RUNG, groups=left_out["ladder"], keep=shares
        )
        if tier_table.height:
            left_out["tiers"] = groups_left_out(tier_table, key=churn.TIER)
            tier_table = blank_groups(
                tier_table, key=churn.TIER, groups=left_out["tiers"], keep=shares
            )
        # A cohort of a few customers would show whether each of them bought again.
        left_out["cohorts"] = groups_left_out(cohorts, key="cohort", complete=False)
        cohorts = blank_groups(
            cohorts,
            key="cohort",
            groups=left_out["cohorts"],
            keep=(rfm.CUSTOMERS, "month_offset"),
        )
        matrix = blank_groups(
            matrix, key="cohort", groups=left_out["cohorts"], keep=(rfm.CUSTOMERS,)
        )
        if nps_section is not None:
            nps_section = _anonymised_nps(nps_section, left_out)
        trend = _anonymised_trend(trend, left_out)
        clv = ClvSection(
            clv.status,
            clv.reasons,
            clv.value_column,
            exl.pseudonymise(clv.customers, salt=anonymise_salt),
            blank_groups(clv.by_segment, key=rfm.SEGMENT, groups=left_out["clv"], keep=shares),
            clv.distribution,
            clv.horizon_months,
            clv.total_predicted,
            clv.untrusted_fits,
        )

    return ReportData(
        overview=counted,
        as_of=day,
        compare=before,
        lang=lang,
        currency=config.currency,
        anonymised=anonymise,
        key=key,
        repurchase=repurchase,
        segments=segments,
        segment_migration=migration,
        customers=overview,
        ladder=ladder_table,
        ladder_change=change,
        ladder_flow=flow,
        retention=by_month,
        cohorts=cohorts,
        cohort_matrix=matrix,
        tiers=tier_table,
        candidates=candidates,
        candidates_total=candidates_total,
        nps=nps_section,
        clv=clv,
        profiles=profile_table,
        personas=personas,
        left_out=left_out,
        trend=trend,
        answers=answers,
    )


def _anonymised_trend(trend: pl.DataFrame, left_out: dict[str, tuple[object, ...]]) -> pl.DataFrame:
    """The trend without the revenue of months of fewer than five buying customers (a
    month of two buyers shows what they spent) and without the NPS of months of fewer
    than five answers; counts stay."""
    from kunde_cli.analytics import nps as nps_mod
    from kunde_cli.analytics import trends

    few_buyers = groups_left_out(trend, key=trends.MONTH, count=trends.ACTIVE, complete=False)
    out = trend
    if few_buyers:
        hidden = pl.col(trends.MONTH).is_in(pl.Series(list(few_buyers), dtype=pl.String).implode())
        out = out.with_columns(pl.when(~hidden).then(pl.col(trends.REVENUE)).alias(trends.REVENUE))
    few_answers: tuple[object, ...] = ()
    if nps_mod.NPS in trend.columns:
        few_answers = groups_left_out(trend, key=trends.MONTH, count=nps_mod.N, complete=False)
        if few_answers:
            keys = pl.Series(list(few_answers), dtype=pl.String).implode()
            out = out.with_columns(
                pl.when(~pl.col(trends.MONTH).is_in(keys)).then(pl.col(c)).alias(c)
                for c in (nps_mod.NPS, nps_mod.CI_LOW, nps_mod.CI_HIGH)
            )
    if few_buyers or few_answers:
        left_out["trend"] = tuple(dict.fromkeys(few_buyers + few_answers))
    return out


def _anonymised_nps(section: NpsSection, left_out: dict[str, tuple[object, ...]]) -> NpsSection:
    """The NPS part without the figures of periods of fewer than five answers (a month
    of two answers shows how those two scored) and without terms used in fewer than
    five comments (free text can name people)."""
    from dataclasses import replace

    from kunde_cli.analytics import nps as nps_mod
    from kunde_cli.analytics.profiles import MIN_GROUP_SIZE

    keep = (nps_mod.N,)
    monthly_out = groups_left_out(section.monthly, key="period", count=nps_mod.N)
    trend_out = groups_left_out(section.trend, key="period", count=nps_mod.N)
    left_out["nps"] = tuple(dict.fromkeys(monthly_out + trend_out))
    terms = section.terms
    if terms.width and "comments" in terms.columns:
        terms = terms.filter(pl.col("comments") >= MIN_GROUP_SIZE)
    return replace(
        section,
        monthly=blank_groups(section.monthly, key="period", groups=monthly_out, keep=keep),
        trend=blank_groups(section.trend, key="period", groups=trend_out, keep=keep),
        terms=terms,
    )


def customer_table(
    lines: Basis,
    *,
    as_of: date | datetime,
    survey: pl.LazyFrame | None = None,
    config: Config | None = None,
    lang: str = DEFAULT_LANG,
    answers_as_of: date | datetime | None = None,
) -> pl.DataFrame:
    """Every known person with segment, rung, churn tier, value and latest NPS answer:
    :func:`kunde_cli.analytics.export_lists.customer_overview` with the churn tiers
    at ``as_of`` (what ``kunde export`` filters), the suggested action in ``lang``.
    Answers count up to ``answers_as_of`` (default ``as_of``;
    :func:`kunde_cli.analytics.nps.nps_as_of`)."""
    from kunde_cli.analytics import churn
    from kunde_cli.analytics import export_lists as exl

    config = config or Config()
    day = _day(as_of)
    tiers = _tiers(lines, day, config).select(s.CUSTOMER_ID, churn.TIER).lazy()
    overview = exl.customer_overview(
        lines,
        as_of=day,
        survey=survey,
        tiers=tiers,
        config=config,
        answers_as_of=answers_as_of,
    ).collect()
    return word_actions(overview, lang)
