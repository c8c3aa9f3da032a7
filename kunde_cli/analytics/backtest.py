"""The shop's own back-test: was the model right for *this* shop, and what P(alive) means here.

Split the history at a date, fit on what came before (the *calibration* part), predict
the rest (the *holdout*) and compare with what the same customers actually did.

* **The split.** Given a holdout length, the calibration ends that many days before
  ``as_of``. By default the holdout is the last quarter (:data:`DEFAULT_HOLDOUT_DAYS`,
  13 weeks); when :func:`~kunde_cli.analytics.seasonality.judge_holdout` says that quarter
  straddles the shop's peak months, the season-matched split is used instead: the same
  as-of with a whole-year holdout (:data:`SEASON_HOLDOUT_DAYS`), which holds every month
  once (:attr:`Split.chosen` says which, :attr:`Split.season` keeps the verdict). A given
  holdout is kept as given, with the verdict when it straddles the peak.
* **Who is compared.** The customers with a counted order up to the calibration end.
  Their holdout purchases are purchase days (as the models count them) after the
  calibration end up to ``as_of``; holdout revenue is those days' net spend. Customers
  new in the holdout are in no model's prediction and are left out.
* **Models.** BG/NBD and MBG/NBD (:mod:`kunde_cli.analytics.clv`) fitted on the
  calibration part, each judged by its own trust checks; Gamma-Gamma for spend
  (predicted revenue = predicted purchases × expected spend per purchase). Per customer:
  P(alive) at the calibration end, expected purchases in the holdout, and P(buy) = the
  chance of at least one holdout purchase = P(alive) · (1 − ((α+T)/(α+T+t))^(r+x)) (an
  alive customer's purchase rate given her history is Gamma(r+x, α+T), and she can only
  drop out right after a purchase).
* **The rule tiers** (:mod:`kunde_cli.analytics.churn`) at the calibration end as a
  buy/no-buy prediction: active or cooling (:data:`BUY_TIERS`) predicted to buy; for
  ranking, their order active > cooling > inactive > lost. They predict no counts.
* **Per model** (:func:`score_models`): total predicted vs actual purchases and revenue,
  ``difference`` = actual / predicted − 1 (how far reality landed from the forecast:
  −0.06 is "6 % fewer than predicted"), per-customer MAE and bias (mean predicted −
  actual), Spearman's rank correlation of predicted and actual purchases, the top
  decile's share of the holdout purchases (random ranking: 10 %), and for who buys again
  the AUC of P(buy) (the tiers': of their order) with the accuracy and balanced accuracy
  of "P(buy) ≥ ½" (the tiers': of active/cooling).
* **Which served this shop best** (stated rules): for counts, the fitted model with the
  lowest per-customer MAE (``best_counts``); for who buys again, the row with the
  highest AUC (``best_buyers``). A model whose fit failed its trust checks is named only
  when no trusted one has the figure; a figure within 1 % of the best MAE (0.005 of the
  best AUC) is a tie, and the simpler wins: tiers, then BG/NBD, then MBG/NBD.
* **The verdict** (:class:`Verdict`) on the model asked for (else ``best_counts``):
  usable for the budget when |difference| ≤ :data:`BUDGET_MAX_DIFFERENCE` for purchases
  and, when the spend model could be used, for revenue too; usable for ranking when
  Spearman ≥ :data:`RANKING_MIN_SPEARMAN`.
* **The decile table** (:func:`decile_table`): customers ranked by predicted purchases
  (highest first, ties by customer id) into 10 groups of (nearly) equal size — group of
  the i-th of n customers (from 0) = ⌊10·i/n⌋ + 1; per group the mean predicted and the
  mean actual purchases.
* **The tracking curve** (:func:`tracking_curve`): week k = 1, 2, … of the holdout ends
  on day min(7k, holdout days) after the calibration end; per week the cumulative actual
  purchases of the calibration customers up to its end and, per model, the cumulative
  predicted purchases Σ P(alive) · E[purchases in (T, T + t_k] | alive].
* **The P(alive) cut-off** (:func:`best_cutoff`): on P(alive) at the calibration end,
  the threshold that best separates who bought in the holdout from who did not, by
  maximum Youden's J = sensitivity + specificity − 1 (the same as maximum balanced
  accuracy); customers at or above it are "still a customer". Candidates are the
  observed values; on a tie the highest threshold. Taken from MBG/NBD when it was
  fitted: under BG/NBD every one-time buyer has P(alive) = 1 whatever her wait, so no
  threshold can set one-time buyers apart (MBG/NBD lets a customer drop out right
  after her first purchase). The threshold is chosen on the holdout it is scored on, so
  its accuracy is an optimistic one.
* **One-time buyers** (:func:`one_time_rule`): among customers who made a second
  purchase, the days from the first to the second purchase day; ``came_back_within`` is
  its :data:`CAME_BACK_QUANTILE` quantile (rounded up to whole days): a one-time buyer
  who has waited longer than that has waited longer than nine in ten of those who did
  come back. On the split, the share of one-time buyers past that wait (measured at the
  calibration end, from calibration data) who bought in the holdout says whether it
  held.

Analytics return facts and keys only; the words are in :mod:`kunde_cli.words.backtest`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from kunde_cli import schema as s
from kunde_cli.analytics import churn
from kunde_cli.analytics.clv.bgnbd import (
    MODEL_MBGNBD,
    MODELS,
    BgNbdParams,
    check_model,
    p_alive,
    purchases_if_alive,
)
from kunde_cli.analytics.clv.gamma_gamma import GammaGammaParams, expected_average_spend
from kunde_cli.analytics.clv.predict import FitStore, _fit_purchases, _fit_spend
from kunde_cli.analytics.clv.summary import (
    DEFAULT_TIME_UNIT_DAYS,
    MEAN_REPEAT_SPEND,
    REPEAT_PURCHASES,
    T_AGE,
    T_X,
    rfm_summary,
)
from kunde_cli.analytics.clv.trust import model_trust
from kunde_cli.analytics.orders import DAY_SPEND, PURCHASE_DAY, Basis, basis_at
from kunde_cli.analytics.seasonality import SeasonVerdict, judge_holdout, month_profile
from kunde_cli.errors import ModelError
from kunde_cli.words.said import Text, said

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from kunde_cli.config import ChurnConfig

#: The default holdout: the last quarter, 13 whole weeks.
DEFAULT_HOLDOUT_DAYS = 91
#: The season-matched holdout: a whole year (12 months of 365.25/12 days), which holds
#: every calendar month once, so no peak is over- or under-represented.
SEASON_HOLDOUT_DAYS = 365
#: Usable for the budget when actual totals landed within ±10 % of the forecast: a
#: quarter's purchase or revenue budget is usually planned to about a tenth, and a
#: model within that tolerance on its own past is as good as the plan needs (BG/NBD's
#: published CDNOW holdout total is off by a few per cent).
BUDGET_MAX_DIFFERENCE = 0.10
#: ... and only when the holdout is big enough to tell a 10 % miss from chance: with N
#: purchases predicted, the actual total scatters around a right forecast by about √N
#: (Poisson) — a relative ±1/√N — and two such standard deviations fit inside the 10 %
#: only from N = (2 / 0.10)² = 400 on. Below that the budget is not judged (and says so).
MIN_BUDGET_PURCHASES = 400
#: Usable for ranking customers when the rank correlation of predicted and actual
#: holdout purchases is at least 0.3 — a "medium" correlation by Cohen's convention,
#: which per-customer counts in a quarter (most of them 0, ties everywhere) rarely beat
#: even for a correct model (on shops simulated from the model itself it is 0.35–0.5),
#: while a ranking no better than chance gives about 0.
RANKING_MIN_SPEARMAN = 0.30
#: Two models whose per-customer MAE differ by less than this share of the lower one
#: (or whose AUC differ by less than :data:`TIE_AUC`) served the shop equally well: the
#: simpler is named (a third decimal is noise on one quarter of one shop).
TIE_MAE_SHARE = 0.01
TIE_AUC = 0.005
#: Groups of the calibration table.
DECILES = 10
#: Tiers predicted to buy in the holdout.
BUY_TIERS = (churn.TIER_ACTIVE, churn.TIER_COOLING)
#: The tiers' ranking score (higher: more likely to buy).
TIER_SCORE = {
    churn.TIER_ACTIVE: 3,
    churn.TIER_COOLING: 2,
    churn.TIER_INACTIVE: 1,
    churn.TIER_LOST: 0,
}
#: P(buy) at or above which a model predicts a purchase (for its accuracy).
BUY_PROBABILITY = 0.5
#: Share of returning customers whose second purchase came within ``came_back_within``.
CAME_BACK_QUANTILE = 0.9
#: Fewer calibration customers than this: nothing to back-test.
MIN_CUSTOMERS = 10

#: How the split was chosen (:attr:`Split.chosen`).
SPLIT_DEFAULT = "default"
SPLIT_GIVEN = "given"
SPLIT_SEASON = "season"

#: The tiers' row in the comparison table.
TIERS_ROW = "tiers"

#: Columns of the per-customer frame, the comparison, decile and tracking tables.
MODEL = "model"
TRUSTED = "trusted"
CUSTOMERS = "customers"
BUYERS = "buyers"
ACTUAL_PURCHASES = "actual_purchases"
ACTUAL_REVENUE = "actual_revenue"
PREDICTED_PURCHASES = "purchases_predicted"
PREDICTED_REVENUE = "revenue_predicted"
TOTAL_PURCHASES = "purchases_actual"
TOTAL_REVENUE = "revenue_actual"
DIFFERENCE = "difference"
REVENUE_DIFFERENCE = "revenue_difference"
MAE = "mae"
BIAS = "bias"
SPEARMAN = "spearman"
TOP_DECILE_SHARE = "top_decile_share"
AUC = "auc"
ACCURACY = "accuracy"
BALANCED_ACCURACY = "balanced_accuracy"
BOUGHT = "bought"
P_ALIVE = "p_alive"
P_BUY = "p_buy"
EXPECTED_SPEND = "expected_spend"
DECILE = "decile"
PREDICTED = "predicted_mean"
ACTUAL = "actual_mean"
CUMULATIVE = "actual_cumulative"
WEEK = "week"
WEEK_END = "week_end"


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def predicted_column(model: str) -> str:
    """A model's per-customer predicted purchases column (``predicted_bgnbd``)."""
    return f"predicted_{model}"


def p_alive_column(model: str) -> str:
    return f"{P_ALIVE}_{model}"


def p_buy_column(model: str) -> str:
    return f"{P_BUY}_{model}"


# --- the split ------------------------------------------------------------------------


@dataclass(frozen=True)
class Split:
    """Where the history is cut: calibration up to ``calibration_end``, holdout after it
    up to ``as_of`` (``holdout_days`` days). ``chosen`` is ``default`` (the last
    quarter), ``season`` (the whole-year split, because the last quarter straddles the
    shop's peak months: ``season`` holds that verdict) or ``given`` (``season`` holds the
    verdict when the given holdout straddles them)."""

    calibration_end: date
    as_of: date
    holdout_days: int
    chosen: str = SPLIT_DEFAULT
    season: SeasonVerdict | None = None


def choose_split(lines: Basis, *, as_of: date | datetime, holdout_days: int | None = None) -> Split:
    """The split of the module notes (the season-matched one only when no length is given)."""
    end = _day(as_of)
    profile = month_profile(lines, as_of=end)
    if holdout_days is not None:
        cal = end - timedelta(days=holdout_days)
        verdict = judge_holdout(profile, calibration_end=cal, as_of=end)
        return Split(cal, end, holdout_days, SPLIT_GIVEN, verdict)
    cal = end - timedelta(days=DEFAULT_HOLDOUT_DAYS)
    verdict = judge_holdout(profile, calibration_end=cal, as_of=end)
    if verdict is None:
        return Split(cal, end, DEFAULT_HOLDOUT_DAYS, SPLIT_DEFAULT)
    return Split(
        end - timedelta(days=SEASON_HOLDOUT_DAYS), end, SEASON_HOLDOUT_DAYS, SPLIT_SEASON, verdict
    )


# --- small scores, by hand ------------------------------------------------------------


def auc(
    score: Sequence[float] | NDArray[np.float64], bought: Sequence[bool] | NDArray[np.bool_]
) -> float | None:
    """Area under the ROC curve: the chance that a random buyer scores above a random
    non-buyer (a tie counts half), from the Mann–Whitney rank sum with average ranks.
    None without both buyers and non-buyers (or without scores).

    >>> auc([0.9, 0.8, 0.3, 0.1], [True, False, True, False])
    0.75
    """
    x = np.asarray(score, dtype=np.float64)
    y = np.asarray(bought, dtype=bool)
    keep = np.isfinite(x)
    x, y = x[keep], y[keep]
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    if not n_pos or not n_neg:
        return None
    ranks = pl.Series(x).rank("average").to_numpy()
    return float((ranks[y].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def _accuracies(
    predicted: NDArray[np.bool_], bought: NDArray[np.bool_]
) -> tuple[float | None, float | None]:
    """Accuracy and balanced accuracy (mean of sensitivity and specificity)."""
    if not bought.size:
        return None, None
    accuracy = float((predicted == bought).mean())
    pos, neg = bought.sum(), (~bought).sum()
    if not pos or not neg:
        return accuracy, None
    sensitivity = (predicted & bought).sum() / pos
    specificity = (~predicted & ~bought).sum() / neg
    return accuracy, float((sensitivity + specificity) / 2)


@dataclass(frozen=True)
class Cutoff:
    """The P(alive) threshold of a model that best separated buyers from non-buyers.

    ``threshold``: customers with P(alive) ≥ it count as still a customer.
    ``youden_j`` = sensitivity + specificity − 1 = 2 × balanced accuracy − 1.
    ``above``/``below``: customers at the calibration end on each side;
    ``buyers``/``non_buyers``: who did and did not buy in the holdout.
    """

    model: str
    threshold: float
    youden_j: float
    balanced_accuracy: float
    accuracy: float
    sensitivity: float
    specificity: float
    above: int
    below: int
    buyers: int
    non_buyers: int


def best_cutoff(
    scores: Sequence[float] | NDArray[np.float64],
    bought: Sequence[bool] | NDArray[np.bool_],
    *,
    model: str = MODEL_MBGNBD,
) -> Cutoff | None:
    """The threshold of maximum Youden's J (module notes); None without both buyers and
    non-buyers.

    >>> cut = best_cutoff([0.9, 0.8, 0.6, 0.4, 0.2], [True, True, False, True, False])
    >>> cut.threshold, round(cut.youden_j, 3), cut.accuracy
    (0.8, 0.667, 0.8)
    """
    x = np.asarray(scores, dtype=np.float64)
    y = np.asarray(bought, dtype=bool)
    keep = np.isfinite(x)
    x, y = x[keep], y[keep]
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    if not n_pos or not n_neg:
        return None
    order = np.argsort(-x, kind="stable")
    xs, ys = x[order], y[order]
    tp, fp = np.cumsum(ys), np.cumsum(~ys)
    # The last index of each run of equal scores: "≥ this value" takes the whole run.
    last = np.flatnonzero(np.append(xs[1:] != xs[:-1], True))
    sensitivity = tp[last] / n_pos
    specificity = 1.0 - fp[last] / n_neg
    j = sensitivity + specificity - 1.0
    best = int(np.argmax(j))  # the first maximum: the highest threshold on a tie
    above = int(last[best]) + 1
    correct = int(tp[last[best]]) + (n_neg - int(fp[last[best]]))
    return Cutoff(
        model=model,
        threshold=float(xs[last[best]]),
        youden_j=float(j[best]),
        balanced_accuracy=float((sensitivity[best] + specificity[best]) / 2),
        accuracy=correct / (n_pos + n_neg),
        sensitivity=float(sensitivity[best]),
        specificity=float(specificity[best]),
        above=above,
        below=x.size - above,
        buyers=n_pos,
        non_buyers=n_neg,
    )


def decile_table(
    frame: pl.DataFrame, *, predicted: str, actual: str = ACTUAL_PURCHASES, groups: int = DECILES
) -> pl.DataFrame:
    """Customers ranked by ``predicted`` (highest first, ties by customer id) into
    ``groups`` groups: ``decile`` (1 = highest predicted), ``customers``,
    ``predicted_mean`` and ``actual_mean`` (means per customer). Rows with no prediction are left out.

    >>> f = pl.DataFrame({"customer_id": list("abcd"), "p": [4.0, 3.0, 2.0, 1.0],
    ...                   "actual_purchases": [3.0, 3.0, 1.0, 0.0]})
    >>> decile_table(f, predicted="p", groups=2).rows()
    [(1, 2, 3.5, 3.0), (2, 2, 1.5, 0.5)]
    """
    ranked = (
        frame.lazy()
        .filter(pl.col(predicted).is_not_null() & pl.col(predicted).is_not_nan())
        .sort([predicted, s.CUSTOMER_ID], descending=[True, False])
        .with_row_index("_i")
        .with_columns((pl.col("_i") * groups // pl.len() + 1).cast(pl.Int32).alias(DECILE))
    )
    return (
        ranked.group_by(DECILE)
        .agg(
            pl.len().cast(pl.Int64).alias(CUSTOMERS),
            pl.col(predicted).cast(pl.Float64).mean().alias(PREDICTED),
            pl.col(actual).cast(pl.Float64).mean().alias(ACTUAL),
        )
        .sort(DECILE)
        .collect()
    )


def _weeks(holdout_days: int) -> list[int]:
    """The holdout's week ends in days after the calibration end (the last one cut short)."""
    return [min(7 * k, holdout_days) for k in range(1, math.ceil(holdout_days / 7) + 1)]


def actual_tracking(
    days: pl.DataFrame, *, calibration_end: date, holdout_days: int
) -> pl.DataFrame:
    """``week``, ``week_end`` (date) and ``actual_cumulative``: cumulative purchase days up to each
    week's end. ``days`` holds the holdout purchase days (``purchase_day``) of the
    calibration customers.

    >>> d = pl.DataFrame({"purchase_day": [date(2024, 1, 2), date(2024, 1, 9), date(2024, 1, 10)]})
    >>> actual_tracking(d, calibration_end=date(2024, 1, 1), holdout_days=10).rows()
    [(1, datetime.date(2024, 1, 8), 1), (2, datetime.date(2024, 1, 11), 3)]
    """
    ends = _weeks(holdout_days)
    offsets = (
        days.select((pl.col(PURCHASE_DAY) - pl.lit(calibration_end)).dt.total_days().alias("_d"))
        .get_column("_d")
        .to_numpy()
    )
    counts = np.searchsorted(np.sort(offsets), np.asarray(ends), side="right")
    return pl.DataFrame(
        {
            WEEK: list(range(1, len(ends) + 1)),
            WEEK_END: [calibration_end + timedelta(days=e) for e in ends],
            CUMULATIVE: counts.astype(np.int64),
        },
        schema={WEEK: pl.Int32, WEEK_END: pl.Date, CUMULATIVE: pl.Int64},
    )


def predicted_tracking(
    params: BgNbdParams, calibration: pl.DataFrame, *, holdout_days: int
) -> NDArray[np.float64]:
    """Cumulative predicted purchases of the calibration customers (an :func:`rfm_summary`
    frame at the calibration end, in the fit's time unit) at each week's end: Σ P(alive)
    · E[purchases in (T, T + t_k] | alive]. Computed once per distinct (x, T)."""
    alive = p_alive(
        params,
        calibration[REPEAT_PURCHASES].to_numpy().astype(np.float64),
        calibration[T_X].to_numpy(),
        calibration[T_AGE].to_numpy(),
    )
    pairs = (
        calibration.select(REPEAT_PURCHASES, T_AGE)
        .with_columns(pl.Series("_alive", alive))
        .group_by(REPEAT_PURCHASES, T_AGE)
        .agg(pl.col("_alive").sum())
    )
    x = pairs[REPEAT_PURCHASES].to_numpy().astype(np.float64)
    age = pairs[T_AGE].to_numpy()
    weight = pairs["_alive"].to_numpy()
    out = []
    with np.errstate(all="ignore"):
        for end in _weeks(holdout_days):
            if_alive = purchases_if_alive(params, end / params.time_unit_days, x, age)
            out.append(float(np.nansum(weight * if_alive)))
    return np.asarray(out)


def tracking_curve(actual: pl.DataFrame, predicted: dict[str, NDArray[np.float64]]) -> pl.DataFrame:
    """The actual tracking table with one ``predicted_<model>`` column per model."""
    return actual.with_columns(
        pl.Series(predicted_column(m), values, dtype=pl.Float64) for m, values in predicted.items()
    )


# --- one-time buyers --------------------------------------------------------------------


@dataclass(frozen=True)
class OneTimeRule:
    """How long returning customers took to come back, and the one-time buyers past it.

    ``came_back_within``: days within which :data:`CAME_BACK_QUANTILE` of the customers
    with a second purchase made it (None when nobody came back); ``returners``: how many
    came back; ``one_time``: customers with one purchase day at the as-of date;
    ``past``: those of them who have waited longer than ``came_back_within``.
    On the split: ``past_bought``/``within_bought`` the share of the one-time buyers at
    the calibration end past / within that wait (measured then) who bought in the holdout.
    """

    came_back_within: int | None
    returners: int
    one_time: int
    past: int
    quantile: float = CAME_BACK_QUANTILE
    past_bought: float | None = None
    within_bought: float | None = None


_FIRST_GAP = "_first_gap"
DAYS_SINCE = "days_since_purchase"
CAME_BACK_WITHIN = "came_back_within_days"
PAST_WAIT = "past_usual_return"


def _first_gaps(lines: Basis, as_of: date) -> pl.DataFrame:
    """Per customer: purchase days, the first day and the days to the second (or null)."""
    return (
        basis_at(lines, as_of)
        .days.lazy()
        .group_by(s.CUSTOMER_ID)
        .agg(
            pl.len().alias("_days"),
            pl.col(PURCHASE_DAY).min().alias("_first"),
            (pl.col(PURCHASE_DAY).sort().get(1, null_on_oob=True) - pl.col(PURCHASE_DAY).min())
            .dt.total_days()
            .alias(_FIRST_GAP),
        )
        .collect()
    )


def _came_back_within(gaps: pl.DataFrame) -> int | None:
    value = gaps.get_column(_FIRST_GAP).drop_nulls().quantile(CAME_BACK_QUANTILE, "linear")
    return None if value is None else math.ceil(float(value))


def one_time_reasons(lines: Basis, *, as_of: date | datetime) -> pl.DataFrame:
    """Per one-time buyer at ``as_of`` (one purchase day): ``customer_id``,
    ``days_since_purchase``, ``came_back_within_days`` (the shop's, the same on every
    row; null when nobody came back) and ``past_usual_return`` (waited longer than it)."""
    day = _day(as_of)
    gaps = _first_gaps(lines, day)
    within = _came_back_within(gaps)
    return gaps.filter(pl.col("_days") == 1).select(
        s.CUSTOMER_ID,
        (pl.lit(day) - pl.col("_first")).dt.total_days().alias(DAYS_SINCE),
        pl.lit(within, dtype=pl.Int64).alias(CAME_BACK_WITHIN),
        ((pl.lit(day) - pl.col("_first")).dt.total_days() > pl.lit(within)).alias(PAST_WAIT),
    )


def one_time_rule(lines: Basis, split: Split, bought: pl.DataFrame | None = None) -> OneTimeRule:
    """:class:`OneTimeRule` at ``split.as_of``; with ``bought`` (``customer_id``,
    ``bought`` of the calibration customers) also how the rule held on the split."""
    gaps = _first_gaps(lines, split.as_of)
    within = _came_back_within(gaps)
    once = gaps.filter(pl.col("_days") == 1)
    since = (pl.lit(split.as_of) - pl.col("_first")).dt.total_days()
    past = 0 if within is None else int(once.filter(since > within).height)
    rule = OneTimeRule(
        came_back_within=within,
        returners=int(gaps.get_column(_FIRST_GAP).drop_nulls().len()),
        one_time=once.height,
        past=past,
    )
    if bought is None:
        return rule
    cal = _first_gaps(lines, split.calibration_end)
    cal_within = _came_back_within(cal)
    if cal_within is None:
        return rule
    cal_since = (pl.lit(split.calibration_end) - pl.col("_first")).dt.total_days()
    shares = (
        cal.filter(pl.col("_days") == 1)
        .join(bought.select(s.CUSTOMER_ID, BOUGHT), on=s.CUSTOMER_ID, how="left")
        .select(
            pl.col(BOUGHT).filter(cal_since > cal_within).cast(pl.Float64).mean().alias("past"),
            pl.col(BOUGHT).filter(cal_since <= cal_within).cast(pl.Float64).mean().alias("within"),
        )
        .row(0)
    )
    return OneTimeRule(
        came_back_within=within,
        returners=rule.returners,
        one_time=rule.one_time,
        past=past,
        past_bought=shares[0],
        within_bought=shares[1],
    )


# --- the back-test ----------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """The verdict on one model (module notes): totals, ``difference`` = actual /
    predicted − 1, the same for revenue (None without a usable spend model), rank
    quality, whether it is usable for the budget and for ranking, and the best rows."""

    model: str
    predicted_purchases: float
    actual_purchases: int
    difference: float | None
    predicted_revenue: float | None
    actual_revenue: float
    revenue_difference: float | None
    spearman: float | None
    top_decile_share: float | None
    budget_ok: bool
    ranking_ok: bool
    best_counts: str
    best_buyers: str
    trusted: bool
    #: False when too few purchases were predicted to judge the budget
    #: (:data:`MIN_BUDGET_PURCHASES`; ``budget_ok`` is then False).
    budget_judged: bool = True


@dataclass(frozen=True)
class Backtest:
    """Everything :func:`backtest` found (see the module notes for each part)."""

    split: Split
    customers: int
    buyers: int
    actual_purchases: int
    actual_revenue: float
    models: pl.DataFrame
    deciles: pl.DataFrame
    tracking: pl.DataFrame
    verdict: Verdict
    cutoff: Cutoff | None
    one_time: OneTimeRule
    per_customer: pl.DataFrame
    fits: dict[str, BgNbdParams] = field(default_factory=dict)
    spend: GammaGammaParams | None = None
    #: Models that could not be fitted on the calibration part, with why.
    failed: dict[str, Text] = field(default_factory=dict)


def _holdout_days(lines: Basis, split: Split) -> pl.DataFrame:
    """Purchase days after the calibration end up to ``as_of`` (all customers)."""
    return (
        basis_at(lines, split.as_of)
        .days.lazy()
        .filter(pl.col(PURCHASE_DAY) > pl.lit(split.calibration_end))
        .select(s.CUSTOMER_ID, PURCHASE_DAY, DAY_SPEND)
        .collect()
    )


def _model_columns(params: BgNbdParams, cal: pl.DataFrame, holdout_days: int) -> list[pl.Series]:
    """P(alive), expected holdout purchases and P(buy) per calibration customer."""
    x = cal[REPEAT_PURCHASES].to_numpy().astype(np.float64)
    t_x, age = cal[T_X].to_numpy(), cal[T_AGE].to_numpy()
    t = holdout_days / params.time_unit_days
    pairs = cal.select(REPEAT_PURCHASES, T_AGE).unique()
    with np.errstate(all="ignore"):
        alive = p_alive(params, x, t_x, age)
        if_alive = purchases_if_alive(
            params,
            t,
            pairs[REPEAT_PURCHASES].to_numpy().astype(np.float64),
            pairs[T_AGE].to_numpy(),
        )
        none_yet = np.power((params.alpha + age) / (params.alpha + age + t), params.r + x)
        buy = alive * (1.0 - none_yet)
    joined = cal.select(REPEAT_PURCHASES, T_AGE).join(
        pairs.with_columns(pl.Series("_if", if_alive)),
        on=[REPEAT_PURCHASES, T_AGE],
        how="left",
        maintain_order="left",
    )
    predicted = alive * joined["_if"].to_numpy()

    def finite(name: str, values: NDArray[np.float64]) -> pl.Series:
        return pl.Series(name, np.where(np.isfinite(values), values, np.nan)).fill_nan(None)

    model = params.model
    return [
        finite(p_alive_column(model), alive),
        finite(predicted_column(model), predicted),
        finite(p_buy_column(model), buy),
    ]


def _relative(actual: float, predicted: float | None) -> float | None:
    if predicted is None or not math.isfinite(predicted) or predicted <= 0:
        return None
    return actual / predicted - 1.0


def _score_model(
    frame: pl.DataFrame, model: str, trusted: bool, has_spend: bool
) -> dict[str, object]:
    predicted = pl.col(predicted_column(model))
    actual = pl.col(ACTUAL_PURCHASES).cast(pl.Float64)
    row = frame.select(
        pl.when(predicted.is_not_null().any()).then(predicted.sum()).alias(PREDICTED_PURCHASES),
        (predicted - actual).abs().mean().alias(MAE),
        (predicted - actual).mean().alias(BIAS),
        pl.corr(predicted, actual, method="spearman").alias(SPEARMAN),
        pl.when((predicted * pl.col(EXPECTED_SPEND)).is_not_null().any())
        .then((predicted * pl.col(EXPECTED_SPEND)).sum())
        .alias(PREDICTED_REVENUE),
    ).row(0, named=True)
    deciles = decile_table(frame, predicted=predicted_column(model))
    total = float(frame.get_column(ACTUAL_PURCHASES).sum())
    top = deciles.filter(pl.col(DECILE) == 1)
    top_share = float(top[ACTUAL][0] * top[CUSTOMERS][0]) / total if total and top.height else None
    bought = frame.get_column(BOUGHT).to_numpy()
    p_buy = frame.get_column(p_buy_column(model)).fill_null(np.nan).to_numpy()
    accuracy, balanced = _accuracies(np.nan_to_num(p_buy, nan=0.0) >= BUY_PROBABILITY, bought)
    spearman = row[SPEARMAN]
    revenue = row[PREDICTED_REVENUE] if has_spend else None
    return {
        MODEL: model,
        TRUSTED: trusted,
        PREDICTED_PURCHASES: row[PREDICTED_PURCHASES],
        MAE: row[MAE],
        BIAS: row[BIAS],
        PREDICTED_REVENUE: revenue,
        SPEARMAN: None if spearman is None or not math.isfinite(spearman) else spearman,
        TOP_DECILE_SHARE: top_share,
        AUC: auc(p_buy, bought),
        ACCURACY: accuracy,
        BALANCED_ACCURACY: balanced,
    }


def _score_tiers(frame: pl.DataFrame) -> dict[str, object]:
    bought = frame.get_column(BOUGHT).to_numpy()
    tiers = frame.get_column(churn.TIER)
    predicted = tiers.is_in(list(BUY_TIERS)).to_numpy()
    score = tiers.replace_strict(TIER_SCORE, default=None, return_dtype=pl.Float64)
    accuracy, balanced = _accuracies(predicted, bought)
    return {
        MODEL: TIERS_ROW,
        TRUSTED: True,
        AUC: auc(score.fill_null(np.nan).to_numpy(), bought),
        ACCURACY: accuracy,
        BALANCED_ACCURACY: balanced,
    }


_TABLE_SCHEMA = {
    MODEL: pl.String,
    TRUSTED: pl.Boolean,
    CUSTOMERS: pl.Int64,
    PREDICTED_PURCHASES: pl.Float64,
    TOTAL_PURCHASES: pl.Int64,
    DIFFERENCE: pl.Float64,
    MAE: pl.Float64,
    BIAS: pl.Float64,
    PREDICTED_REVENUE: pl.Float64,
    TOTAL_REVENUE: pl.Float64,
    REVENUE_DIFFERENCE: pl.Float64,
    SPEARMAN: pl.Float64,
    TOP_DECILE_SHARE: pl.Float64,
    AUC: pl.Float64,
    ACCURACY: pl.Float64,
    BALANCED_ACCURACY: pl.Float64,
}


def score_models(
    frame: pl.DataFrame, models: Sequence[str], trusted: dict[str, bool], has_spend: bool
) -> pl.DataFrame:
    """The comparison table (module notes): the tiers' row, then one row per model in
    ``models`` (whose ``predicted_<model>``, ``p_buy_<model>`` columns ``frame`` holds)."""
    actual = int(frame.get_column(ACTUAL_PURCHASES).sum())
    revenue = float(frame.get_column(ACTUAL_REVENUE).sum())
    rows = [_score_tiers(frame)] + [_score_model(frame, m, trusted[m], has_spend) for m in models]
    for row in rows:
        row[CUSTOMERS] = frame.height
        row[TOTAL_PURCHASES] = actual
        row[TOTAL_REVENUE] = revenue
        predicted = row.get(PREDICTED_PURCHASES)
        row[DIFFERENCE] = _relative(actual, predicted) if predicted is not None else None  # type: ignore[arg-type]
        money = row.get(PREDICTED_REVENUE)
        row[REVENUE_DIFFERENCE] = _relative(revenue, money) if money is not None else None  # type: ignore[arg-type]
    return pl.DataFrame(
        [{k: row.get(k) for k in _TABLE_SCHEMA} for row in rows], schema=_TABLE_SCHEMA
    )


def best_rows(table: pl.DataFrame) -> tuple[str | None, str | None]:
    """``best_counts`` (lowest MAE among the models) and ``best_buyers`` (highest AUC)
    of a comparison table (module notes).

    Rows whose fit passed its trust checks come first: an untrusted model is named only
    when no trusted one has the figure. Within those, a figure within
    :data:`TIE_MAE_SHARE` of the lowest MAE (:data:`TIE_AUC` of the highest AUC) is a
    tie, and the earlier row wins (tiers, then BG/NBD, then MBG/NBD: the simpler).
    """

    def best(column: str, lowest: bool) -> str | None:
        rows = table.filter(pl.col(column).is_not_null())
        if rows.filter(pl.col(TRUSTED)).height:
            rows = rows.filter(pl.col(TRUSTED))
        if not rows.height:
            return None
        values = rows.get_column(column)
        if lowest:
            edge = float(values.min())  # type: ignore[arg-type]
            near = values <= edge + TIE_MAE_SHARE * abs(edge)
        else:
            edge = float(values.max())  # type: ignore[arg-type]
            near = values >= edge - TIE_AUC
        return str(rows.filter(near).row(0, named=True)[MODEL])

    return best(MAE, lowest=True), best(AUC, lowest=False)


def judge(table: pl.DataFrame, model: str, best_counts: str, best_buyers: str) -> Verdict:
    """The :class:`Verdict` on ``model``'s row of the comparison table."""
    row = table.filter(pl.col(MODEL) == model).row(0, named=True)
    difference, revenue_difference = row[DIFFERENCE], row[REVENUE_DIFFERENCE]
    judged = float(row[PREDICTED_PURCHASES] or 0.0) >= MIN_BUDGET_PURCHASES
    budget_ok = judged and difference is not None and abs(difference) <= BUDGET_MAX_DIFFERENCE
    if row[PREDICTED_REVENUE] is not None:
        budget_ok = (
            budget_ok
            and revenue_difference is not None
            and abs(revenue_difference) <= BUDGET_MAX_DIFFERENCE
        )
    spearman = row[SPEARMAN]
    return Verdict(
        model=model,
        predicted_purchases=float(row[PREDICTED_PURCHASES] or 0.0),
        actual_purchases=int(row[TOTAL_PURCHASES]),
        difference=difference,
        predicted_revenue=row[PREDICTED_REVENUE],
        actual_revenue=float(row[TOTAL_REVENUE]),
        revenue_difference=revenue_difference,
        spearman=spearman,
        top_decile_share=row[TOP_DECILE_SHARE],
        budget_ok=bool(budget_ok),
        ranking_ok=spearman is not None and spearman >= RANKING_MIN_SPEARMAN,
        best_counts=best_counts,
        best_buyers=best_buyers,
        trusted=bool(row[TRUSTED]),
        budget_judged=judged,
    )


def backtest(
    lines: Basis,
    *,
    as_of: date | datetime,
    holdout_days: int | None = None,
    models: Sequence[str] = MODELS,
    model: str | None = None,
    config: ChurnConfig | None = None,
    fits: FitStore | None = None,
    spend: bool = True,
    split: Split | None = None,
) -> Backtest:
    """The back-test of the module notes.

    ``holdout_days`` None: the default split (the last quarter, or the season-matched
    one); ``split`` overrides both. ``models``: the purchase models to fit (BG/NBD and
    MBG/NBD); ``model``: the one the verdict is about (default: the best for counts).
    ``spend``: fit Gamma-Gamma for revenue. ``fits``: the fit cache.

    Raises ModelError when there is nothing to back-test: fewer than
    :data:`MIN_CUSTOMERS` customers before the calibration end, or no model could be
    fitted on the calibration part.
    """
    for m in models:
        check_model(m)
    split = split or choose_split(lines, as_of=as_of, holdout_days=holdout_days)
    cal = rfm_summary(lines, as_of=split.calibration_end).collect()
    if cal.height < MIN_CUSTOMERS:
        raise ModelError(
            said(
                "backtest_too_few",
                customers=cal.height,
                day=split.calibration_end.isoformat(),
                needed=MIN_CUSTOMERS,
            ),
            hint=said("backtest_too_few_hint"),
        )
    days = _holdout_days(lines, split).join(cal.select(s.CUSTOMER_ID), on=s.CUSTOMER_ID, how="semi")
    per_customer_holdout = days.group_by(s.CUSTOMER_ID).agg(
        pl.len().cast(pl.Int64).alias(ACTUAL_PURCHASES),
        pl.col(DAY_SPEND).sum().alias(ACTUAL_REVENUE),
    )
    tiers = churn.churn_tiers(lines, as_of=split.calibration_end, config=config).select(
        s.CUSTOMER_ID, churn.TIER
    )
    frame = (
        cal.join(per_customer_holdout, on=s.CUSTOMER_ID, how="left")
        .join(tiers.collect(), on=s.CUSTOMER_ID, how="left")
        .with_columns(
            pl.col(ACTUAL_PURCHASES).fill_null(0),
            pl.col(ACTUAL_REVENUE).fill_null(0.0),
        )
        .with_columns((pl.col(ACTUAL_PURCHASES) > 0).alias(BOUGHT))
        .sort(s.CUSTOMER_ID)
    )
    fitted: dict[str, BgNbdParams] = {}
    failed: dict[str, Text] = {}
    trusted: dict[str, bool] = {}
    for m in models:
        try:
            params, _ = _fit_purchases(cal, m, DEFAULT_TIME_UNIT_DAYS, fits)
        except ModelError as err:
            failed[m] = err.said
            continue
        fitted[m] = params
        trusted[m] = model_trust(params)[0]
        frame = frame.with_columns(_model_columns(params, frame, split.holdout_days))
    if not fitted:
        why = next(iter(failed.values()), "")
        raise ModelError(said("backtest_no_fit", why=why), hint=said("backtest_too_few_hint"))
    gamma: GammaGammaParams | None = None
    if spend:
        try:
            gamma, _ = _fit_spend(cal, fits)
        except ModelError:
            gamma = None
    spend_values = None
    if gamma is not None and model_trust(gamma)[0]:
        with np.errstate(all="ignore"):
            values = expected_average_spend(
                gamma,
                frame[REPEAT_PURCHASES].to_numpy().astype(np.float64),
                frame[MEAN_REPEAT_SPEND].fill_null(np.nan).to_numpy(),
            )
        if np.isfinite(values).all():
            spend_values = values
    frame = frame.with_columns(
        pl.Series(EXPECTED_SPEND, spend_values, dtype=pl.Float64)
        if spend_values is not None
        else pl.lit(None, dtype=pl.Float64).alias(EXPECTED_SPEND)
    )
    order = [m for m in models if m in fitted]
    table = score_models(frame, order, trusted, spend_values is not None)
    best_counts, best_buyers = best_rows(table)
    chosen = model if model in fitted else (best_counts or order[0])
    verdict = judge(table, chosen, best_counts or chosen, best_buyers or TIERS_ROW)
    cutoff_model = MODEL_MBGNBD if MODEL_MBGNBD in fitted else order[0]
    cutoff = best_cutoff(
        frame.get_column(p_alive_column(cutoff_model)).fill_null(np.nan).to_numpy(),
        frame.get_column(BOUGHT).to_numpy(),
        model=cutoff_model,
    )
    tracking = tracking_curve(
        actual_tracking(
            days, calibration_end=split.calibration_end, holdout_days=split.holdout_days
        ),
        {m: predicted_tracking(fitted[m], cal, holdout_days=split.holdout_days) for m in order},
    )
    return Backtest(
        split=split,
        customers=frame.height,
        buyers=int(frame.get_column(BOUGHT).sum()),
        actual_purchases=int(frame.get_column(ACTUAL_PURCHASES).sum()),
        actual_revenue=float(frame.get_column(ACTUAL_REVENUE).sum()),
        models=table,
        deciles=decile_table(frame, predicted=predicted_column(chosen)),
        tracking=tracking,
        verdict=verdict,
        cutoff=cutoff,
        one_time=one_time_rule(lines, split, frame.select(s.CUSTOMER_ID, BOUGHT)),
        per_customer=frame,
        fits=fitted,
        spend=gamma,
        failed=failed,
    )


__all__ = [
    "BUDGET_MAX_DIFFERENCE",
    "DEFAULT_HOLDOUT_DAYS",
    "RANKING_MIN_SPEARMAN",
    "SEASON_HOLDOUT_DAYS",
    "Backtest",
    "Cutoff",
    "OneTimeRule",
    "Split",
    "Verdict",
    "actual_tracking",
    "auc",
    "backtest",
    "best_cutoff",
    "choose_split",
    "decile_table",
    "one_time_reasons",
    "one_time_rule",
    "predicted_tracking",
    "score_models",
    "tracking_curve",
]
