"""Net Promoter Score with its 95 % interval, trends, breakdowns and follow-up lists.

Definitions:

* A *promoter* answered 9–10, a *passive* 7–8, a *detractor* 0–6.
* NPS = 100 × (promoters − detractors) / n, on −100…100.
* The 95 % interval is the adjusted-Wald interval of Rocks (2016), "Interval
  estimation for the 'Net Promoter Score'", *The American Statistician* 70(4):
  add 3 to n and ¾ to both promoters and detractors, then

      p_P = (P + ¾) / (n + 3),  p_D = (D + ¾) / (n + 3),  c = p_P − p_D
      var = (p_P + p_D − c²) / (n + 3)
      interval = 100 × (c ± 1.96 × √var), clipped to −100…100.

  It is centred on the *adjusted* NPS ``c`` as published, because that centre is what
  gives the method its good coverage at the 20–200 answers a small shop has. The
  reported NPS is the plain one. The adjusted centre is pulled towards 0, and with
  very few answers (n = 1) the interval can miss the plain NPS; the interval is then
  widened to reach it, so a table never shows an NPS outside its own interval.

Answers are linked to customers (:func:`link_answers`) by the order they name (a
survey tool's hidden ``order_id``), else by customer id or by e-mail (trimmed,
lower-cased, spaces removed). Answers that match no customer still count in every NPS;
they only lack what they bought.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Literal

import polars as pl

from kunde_cli import schema as s
from kunde_cli.analytics.orders import (
    FREQUENCY,
    IN_REVENUE,
    MONETARY,
    Basis,
    as_of_cutoff,
    basis_at,
    emails_of,
    lines_of,
)
from kunde_cli.analytics.text import KIND, WORD, rank_terms, term_counts
from kunde_cli.errors import ConfigError, ModelError
from kunde_cli.identity import normalise_email_expr
from kunde_cli.store.answers import link_orders, order_match_counts
from kunde_cli.words.said import said

#: Summary columns (also the fields of :class:`NpsSummary`).
N = "n"
PROMOTERS = "promoters"
PASSIVES = "passives"
DETRACTORS = "detractors"
SHARE_PROMOTERS = "share_promoters"
SHARE_PASSIVES = "share_passives"
SHARE_DETRACTORS = "share_detractors"
NPS = "nps"
CI_LOW = "ci_low"
CI_HIGH = "ci_high"

#: Trend columns.
PERIOD = "period"
PERIOD_START = "period_start"
SMALL_N = "small_n"

#: Per-answer columns.
NPS_CATEGORY = s.NPS_CATEGORY  # "promoters" | "passives" | "detractors"
MATCHED = "matched"

#: Follow-up list columns.
TOP_PRODUCTS = "top_products"
ORDERS = "orders"
REVENUE = "revenue"

#: Main channel per customer (for ``--by channel``).
CHANNEL = s.CHANNEL

#: A period or group with fewer answers than this is flagged ``small_n``: below 30
#: answers the 95 % interval is typically wider than ±25 NPS points, too wide to
#: read a change from one month to the next.
SMALL_N_THRESHOLD = 30

#: z for a two-sided 95 % interval.
Z_95 = 1.96

PROMOTER_MIN = 9
DETRACTOR_MAX = 6

Period = Literal["month", "quarter"]
FollowUpKind = Literal["detractors", "promoters"]

_SUMMARY_COLUMNS = (
    N,
    PROMOTERS,
    PASSIVES,
    DETRACTORS,
    SHARE_PROMOTERS,
    SHARE_PASSIVES,
    SHARE_DETRACTORS,
    NPS,
    CI_LOW,
    CI_HIGH,
)


@dataclass(frozen=True)
class NpsSummary:
    """NPS of a set of answers, with counts, shares (0..1) and the 95 % interval."""

    n: int
    promoters: int
    passives: int
    detractors: int
    share_promoters: float
    share_passives: float
    share_detractors: float
    nps: float
    ci_low: float
    ci_high: float

    def to_frame(self) -> pl.DataFrame:
        """The summary as a one-row frame with the same column names."""
        return pl.DataFrame([asdict(self)], schema=_summary_schema())


def _summary_schema() -> dict[str, pl.DataType]:
    ints = {N: pl.Int64(), PROMOTERS: pl.Int64(), PASSIVES: pl.Int64(), DETRACTORS: pl.Int64()}
    floats = {name: pl.Float64() for name in _SUMMARY_COLUMNS if name not in ints}
    return {name: (ints | floats)[name] for name in _SUMMARY_COLUMNS}


def nps_category_expr(score: pl.Expr | None = None) -> pl.Expr:
    """``"promoters"`` for 9–10, ``"passives"`` for 7–8, ``"detractors"`` for 0–6."""
    score = pl.col(s.SCORE) if score is None else score
    return (
        pl.when(score >= PROMOTER_MIN)
        .then(pl.lit(PROMOTERS))
        .when(score > DETRACTOR_MAX)
        .then(pl.lit(PASSIVES))
        .when(score.is_not_null())
        .then(pl.lit(DETRACTORS))
        .alias(NPS_CATEGORY)
    )


def _count_exprs() -> list[pl.Expr]:
    score = pl.col(s.SCORE)
    return [
        score.count().cast(pl.Int64).alias(N),
        (score >= PROMOTER_MIN).sum().cast(pl.Int64).alias(PROMOTERS),
        ((score > DETRACTOR_MAX) & (score < PROMOTER_MIN)).sum().cast(pl.Int64).alias(PASSIVES),
        (score <= DETRACTOR_MAX).sum().cast(pl.Int64).alias(DETRACTORS),
    ]


def _score_exprs() -> list[pl.Expr]:
    """Shares, NPS and the adjusted-Wald interval from the N/P/Pa/D count columns."""
    n, p, d = pl.col(N), pl.col(PROMOTERS), pl.col(DETRACTORS)
    n_adj = n + 3
    p_adj = (p + 0.75) / n_adj
    d_adj = (d + 0.75) / n_adj
    centre = p_adj - d_adj
    half = Z_95 * ((p_adj + d_adj - centre**2) / n_adj).sqrt()
    plain = 100.0 * (p - d) / n
    return [
        (p / n).alias(SHARE_PROMOTERS),
        (pl.col(PASSIVES) / n).alias(SHARE_PASSIVES),
        (d / n).alias(SHARE_DETRACTORS),
        plain.alias(NPS),
        pl.min_horizontal(100.0 * (centre - half), plain).clip(-100.0, 100.0).alias(CI_LOW),
        pl.max_horizontal(100.0 * (centre + half), plain).clip(-100.0, 100.0).alias(CI_HIGH),
    ]


def _aggregate(frame: pl.LazyFrame, by: Sequence[str]) -> pl.LazyFrame:
    """NPS columns per ``by`` group (no groups → one row; groups with no scores vanish)."""
    answers = frame.filter(pl.col(s.SCORE).is_not_null())
    counted = answers.group_by(*by).agg(_count_exprs()) if by else answers.select(_count_exprs())
    return counted.filter(pl.col(N) > 0).with_columns(_score_exprs())


def nps_summary(survey: pl.LazyFrame | pl.DataFrame) -> NpsSummary:
    """NPS of all answers with a ``score`` (0–10), with the adjusted-Wald 95 % interval.

    Shares are 0..1; ``nps``, ``ci_low`` and ``ci_high`` are on −100…100 (see the
    module docstring for the formula and the choice of centre). Answers with a null
    score are ignored.

    Raises
    ------
    ModelError
        When there is no answer with a score: an NPS of nothing is not 0, it is
        unknown.

    Examples
    --------
    Two promoters, one passive, one detractor: NPS = 100 × (2 − 1) / 4 = 25.

    >>> result = nps_summary(pl.DataFrame({"score": [10, 9, 7, 3]}))
    >>> result.nps, result.promoters, result.passives, result.detractors
    (25.0, 2, 1, 1)
    >>> round(result.ci_low, 1), round(result.ci_high, 1)
    (-44.2, 72.7)
    """
    row = _aggregate(survey.lazy(), ()).collect()
    if row.height == 0:
        raise ModelError(said("nps_no_scores"), hint=said("nps_read_survey_hint"))
    return NpsSummary(**row.select(_SUMMARY_COLUMNS).row(0, named=True))


def answers_up_to(survey: pl.LazyFrame, *, as_of: date | datetime | None) -> pl.LazyFrame:
    """Answers given on or before the ``as_of`` day (answers without a date are kept).

    ``as_of`` None keeps every answer (:func:`nps_as_of`'s ``undated`` rule).
    """
    if as_of is None:
        return survey
    responded = pl.col(s.RESPONDED_AT)
    return survey.filter(responded.is_null() | (responded < as_of_cutoff(as_of)))


def latest_answer_date(survey: pl.LazyFrame) -> date | None:
    """The day of the latest answer (None when no answer has a date)."""
    latest = survey.select(pl.col(s.RESPONDED_AT).max()).collect().item()
    return latest.date() if latest is not None else None


#: :class:`NpsDate` rules: why answers count up to that day.
AS_OF_GIVEN = "given"  # the user's --as-of
AS_OF_ORDERS = "orders"  # the orders' as-of; no dated answer is later
AS_OF_ANSWERS = "answers"  # the latest answer, given after the last order (or no orders)
AS_OF_UNDATED = "undated"  # no order and no dated answer: every answer counts
AS_OF_RULES = (AS_OF_GIVEN, AS_OF_ORDERS, AS_OF_ANSWERS, AS_OF_UNDATED)

#: Columns :meth:`NpsDate.columns` adds to an NPS summary.
AS_OF = "as_of"
AS_OF_RULE = "as_of_rule"


@dataclass(frozen=True)
class NpsDate:
    """The day up to which survey answers count, and the rule that picked it.

    ``day`` is None only with rule ``undated``; ``orders_day`` is the orders' as-of
    (None without orders), ``latest_answer`` the day of the latest dated answer (None
    when none has a date), ``later_answers`` how many answers fall after
    ``orders_day`` and still count because of the rule (0 unless rule ``answers``).
    """

    day: date | None
    rule: str
    orders_day: date | None
    latest_answer: date | None
    later_answers: int = 0

    def columns(self) -> list[pl.Expr]:
        """``as_of`` (date) and ``as_of_rule`` (one of :data:`AS_OF_RULES`) as literals."""
        return [
            pl.lit(self.day, dtype=pl.Date).alias(AS_OF),
            pl.lit(self.rule, dtype=pl.String).alias(AS_OF_RULE),
        ]


def nps_as_of(
    orders_as_of: date | datetime | None,
    survey: pl.LazyFrame | pl.DataFrame | None,
    *,
    given: date | datetime | None = None,
) -> NpsDate:
    """The one rule for the day up to which answers count in an NPS or a latest answer.

    Every command that reads survey answers — ``kunde nps``, ``kunde report`` (HTML and
    workbook), ``kunde profiles``, ``kunde ladder`` (ambassadors go by the latest
    answer) — asks this function, so they count the same answers:

    1. ``given`` (``--as-of``) → answers up to that day, rule ``given``. The user chose
       the day; later answers did not exist yet on it.
    2. Otherwise the later of ``orders_as_of`` (the orders' default as-of: the latest
       order) and the latest dated answer. Surveys go out after a purchase, so the
       newest answers usually come in after the last order of an export; they are
       still the owner's latest NPS, and dropping them would be a surprise. Rule
       ``answers`` when the latest answer is later (or there are no orders), else
       ``orders``.
    3. No order and no dated answer → ``day`` None, rule ``undated``: every answer
       counts.

    Only the answers' window moves: orders, recency and churn tiers stay at the
    orders' as-of, so segments and tiers match ``kunde segment`` and ``kunde churn``.
    Answers without a date always count (:func:`answers_up_to`). Commands say which
    day and which rule they used in their notes (and in ``as_of``/``as_of_rule`` of
    the NPS table).

    Examples
    --------
    >>> survey = pl.LazyFrame({"responded_at": [datetime(2024, 3, 2), datetime(2024, 3, 9)]})
    >>> picked = nps_as_of(date(2024, 3, 1), survey)
    >>> picked.day, picked.rule, picked.later_answers
    (datetime.date(2024, 3, 9), 'answers', 2)
    >>> nps_as_of(date(2024, 3, 31), survey).rule
    'orders'
    >>> nps_as_of(date(2024, 3, 1), survey, given=date(2024, 2, 1)).day
    datetime.date(2024, 2, 1)
    """
    orders_day = _as_day(orders_as_of)
    latest = None if survey is None else latest_answer_date(survey.lazy())
    if given is not None:
        return NpsDate(_as_day(given), AS_OF_GIVEN, orders_day, latest)
    if latest is not None and (orders_day is None or latest > orders_day):
        later = 0
        if orders_day is not None and survey is not None:
            after = pl.col(s.RESPONDED_AT) >= as_of_cutoff(orders_day)
            later = int(survey.lazy().select(after.sum()).collect().item())
        return NpsDate(latest, AS_OF_ANSWERS, orders_day, latest, later)
    if orders_day is not None:
        return NpsDate(orders_day, AS_OF_ORDERS, orders_day, latest)
    return NpsDate(None, AS_OF_UNDATED, None, None)


def _as_day(value: date | datetime | None) -> date | None:
    return value.date() if isinstance(value, datetime) else value


def nps_by_period(
    survey: pl.LazyFrame, *, as_of: date | datetime, period: Period = "month"
) -> pl.LazyFrame:
    """NPS per calendar month or quarter, oldest first.

    One row per period that has answers up to ``as_of``: ``period`` (``"2024-03"`` or
    ``"2024-Q1"``), ``period_start`` (date), the summary columns of
    :func:`nps_summary`, and ``small_n`` — True when the period has fewer than
    :data:`SMALL_N_THRESHOLD` (30) answers, so its NPS should not be read as a trend.
    Answers without a date cannot be placed in a period and are left out. Periods
    with no answers are absent, not zero.

    Examples
    --------
    >>> survey = pl.LazyFrame({
    ...     "score": [10, 3, 9, 9],
    ...     "responded_at": [datetime(2024, 1, 5), datetime(2024, 1, 20),
    ...                      datetime(2024, 2, 2), datetime(2024, 3, 9)]})
    >>> nps_by_period(survey, as_of=date(2024, 2, 29)).select("period", "n", "nps").collect().rows()
    [('2024-01', 2, 0.0), ('2024-02', 1, 100.0)]
    """
    if period not in ("month", "quarter"):
        raise ConfigError(said("nps_bad_period", period=period))
    start = pl.col(s.RESPONDED_AT).dt.truncate("1mo" if period == "month" else "1q").dt.date()
    first_day = pl.col(PERIOD_START)
    if period == "month":
        label = first_day.dt.strftime("%Y-%m")
    else:
        label = pl.format("{}-Q{}", first_day.dt.year(), first_day.dt.quarter())
    dated = answers_up_to(survey, as_of=as_of).filter(pl.col(s.RESPONDED_AT).is_not_null())
    return (
        _aggregate(dated.with_columns(start.alias(PERIOD_START)), (PERIOD_START,))
        .with_columns(label.alias(PERIOD), (pl.col(N) < SMALL_N_THRESHOLD).alias(SMALL_N))
        .sort(PERIOD_START)
        .select(PERIOD, PERIOD_START, *_SUMMARY_COLUMNS, SMALL_N)
    )


def nps_by_group(survey: pl.LazyFrame, groups: pl.LazyFrame) -> pl.LazyFrame:
    """NPS per group (segment, rung, channel, …) of the answering customer.

    ``groups`` has ``customer_id`` and one more column, the group; it should hold one
    row per customer (extra rows for a customer are ignored, the first one wins).
    ``survey`` should be linked first (:func:`link_answers`) so its ``customer_id``
    is the customer's. Answers whose customer has no group — unmatched answers —
    form the group null, listed last. Columns: the group column, the summary
    columns of :func:`nps_summary` and ``small_n``; largest groups first.

    Examples
    --------
    >>> survey = pl.LazyFrame({"customer_id": ["a", "b", "c", None], "score": [10, 2, 9, 8]})
    >>> groups = pl.LazyFrame({"customer_id": ["a", "b", "c"], "segment": ["loyal", "lost", "loyal"]})
    >>> nps_by_group(survey, groups).select("segment", "n", "nps").collect().rows()
    [('loyal', 2, 100.0), ('lost', 1, -100.0), (None, 1, 0.0)]
    """
    group = next(name for name in groups.collect_schema().names() if name != s.CUSTOMER_ID)
    one_per_customer = groups.select(s.CUSTOMER_ID, group).unique(
        s.CUSTOMER_ID, keep="first", maintain_order=True
    )
    joined = survey.join(one_per_customer, on=s.CUSTOMER_ID, how="left")
    return (
        _aggregate(joined, (group,))
        .with_columns((pl.col(N) < SMALL_N_THRESHOLD).alias(SMALL_N))
        .sort([pl.col(group).is_null(), N, group], descending=[False, True, False])
        .select(group, *_SUMMARY_COLUMNS, SMALL_N)
    )


def link_answers(survey: pl.LazyFrame, orders: Basis) -> pl.LazyFrame:
    """Link each answer to a customer in ``orders`` and add ``matched`` (bool).

    An answer naming an order (``order_id``: Typeform's hidden field …) that one
    customer's order has — within its shop system: see
    :func:`kunde_cli.store.answers.order_customers` — is that customer's, whatever id or
    e-mail it carries (:func:`kunde_cli.store.answers.link_orders`). Otherwise an
    answer matches when its ``customer_id`` (trimmed) is a customer id in the
    orders, or else when its e-mail — compared without case and spaces
    (:func:`kunde_cli.identity.normalise_email_expr`) — is the e-mail of a
    customer (or a customer id that is an e-mail address). When one e-mail belongs to
    several customer ids, the smallest id is used, so the result does not depend on
    row order. A matched answer gets that customer's id. ``orders`` should already
    carry canonical customer ids (``app.loading.load`` resolves them); on such lines this
    gives the same ids as :func:`kunde_cli.identity.resolve_survey`, with plain
    joins instead of rebuilding the identity graph.

    An unmatched answer keeps its own customer id, or its normalised e-mail when it
    has none, and ``matched`` is False: it still counts in every NPS. Row order is kept.

    Examples
    --------
    >>> survey = pl.LazyFrame({
    ...     "response_id": ["r1", "r2", "r3"], "customer_id": ["1001", None, None],
    ...     "email": [None, " Mette@Example.DK ", "ukendt@example.dk"], "score": [9, 4, 10]})
    >>> orders = pl.LazyFrame({"customer_id": ["1001", "1002"],
    ...                        "email": ["a@example.dk", "mette@example.dk"]})
    >>> link_answers(survey, orders).select("customer_id", "matched").collect().rows()
    [('1001', True), ('1002', True), ('ukendt@example.dk', False)]
    """
    survey = link_orders(survey, lines_of(orders))
    own_id = pl.col(s.CUSTOMER_ID).str.strip_chars()
    own_id = pl.when(own_id.str.len_chars() > 0).then(own_id)
    known_ids = (
        emails_of(orders)  # every id once or a few times: cheaper than the lines
        .select(pl.col(s.CUSTOMER_ID).alias("_id"))
        .unique()
        .with_columns(pl.lit(True).alias("_id_known"))
    )
    id_as_email = pl.when(pl.col(s.CUSTOMER_ID).str.contains("@", literal=True)).then(
        pl.col(s.CUSTOMER_ID)
    )
    by_email = (
        emails_of(orders)
        .select(
            s.CUSTOMER_ID,
            normalise_email_expr(pl.coalesce(pl.col(s.EMAIL), id_as_email)).alias("_email"),
        )
        .drop_nulls()
        .group_by("_email")
        .agg(pl.col(s.CUSTOMER_ID).min().alias("_email_id"))
    )
    columns = survey.collect_schema().names()
    return (
        survey.with_columns(
            own_id.alias("_id"), normalise_email_expr(pl.col(s.EMAIL)).alias("_email")
        )
        .join(known_ids, on="_id", how="left", maintain_order="left")
        .join(by_email, on="_email", how="left", maintain_order="left")
        .with_columns(
            pl.when(pl.col("_id_known"))
            .then(pl.col("_id"))
            .otherwise(pl.coalesce("_email_id", "_id", "_email"))
            .alias(s.CUSTOMER_ID),
            (pl.col("_id_known").fill_null(False) | pl.col("_email_id").is_not_null()).alias(
                MATCHED
            ),
        )
        .select(*columns, MATCHED)
    )


def count_order_matches(survey: pl.LazyFrame, orders: Basis) -> dict[str, int]:
    """How the answers naming an order met the orders: ``{"linked": 12, "unknown": 3}``
    (:func:`kunde_cli.store.answers.order_match_counts`; empty when none names one)."""
    return order_match_counts(survey, lines_of(orders))


def count_unmatched(linked: pl.LazyFrame) -> int:
    """How many linked answers (:func:`link_answers`) match no customer."""
    return int(linked.select((~pl.col(MATCHED)).sum()).collect().item())


def customer_channels(lines: Basis, *, as_of: date | datetime) -> pl.LazyFrame:
    """Each customer's main channel: the one with most counted orders (ties: A→Z).

    Returns ``customer_id`` and ``channel``; customers with no channel on any order
    are absent.
    """
    channel_of_order = (
        lines_of(lines)
        .group_by(s.CUSTOMER_ID, s.ORDER_ID)
        .agg(pl.col(s.CHANNEL).drop_nulls().first())
    )
    counted = (
        basis_at(lines, as_of)
        .orders.lazy()
        .filter(pl.col("counted"))
        .join(channel_of_order, on=[s.CUSTOMER_ID, s.ORDER_ID], how="inner")
        .drop_nulls(s.CHANNEL)
    )
    return (
        counted.group_by(s.CUSTOMER_ID, s.CHANNEL)
        .agg(pl.len().alias("_orders"))
        .sort([s.CUSTOMER_ID, "_orders", s.CHANNEL], descending=[False, True, False])
        .unique(s.CUSTOMER_ID, keep="first", maintain_order=True)
        .select(s.CUSTOMER_ID, s.CHANNEL)
    )


def _respondent_key() -> pl.Expr:
    return pl.coalesce(
        pl.col(s.CUSTOMER_ID), normalise_email_expr(pl.col(s.EMAIL)), pl.col(s.RESPONSE_ID)
    )


def latest_answers(survey: pl.LazyFrame) -> pl.LazyFrame:
    """Each respondent's latest answer (respondent = customer id, else e-mail, else answer).

    Ties on the same timestamp go to the larger response id, so the result is stable.
    """
    return (
        survey.sort([s.RESPONDED_AT, s.RESPONSE_ID], nulls_last=False)
        .with_columns(_respondent_key().alias("_respondent"))
        .unique("_respondent", keep="last", maintain_order=True)
        .drop("_respondent")
    )


def _top_products(lines: Basis, *, as_of: date | datetime, top: int) -> pl.LazyFrame:
    """Per customer, the ``top`` products by quantity bought (then amount, then A→Z)."""
    revenue_orders = (
        basis_at(lines, as_of)
        .orders.lazy()
        .filter(pl.col(IN_REVENUE))
        .select(s.CUSTOMER_ID, s.ORDER_ID)
    )
    per_product = (
        lines_of(lines)
        .filter(pl.col(s.ORDER_DATE) < as_of_cutoff(as_of))
        .join(revenue_orders, on=[s.CUSTOMER_ID, s.ORDER_ID], how="semi")
        .drop_nulls(s.PRODUCT)
        .group_by(s.CUSTOMER_ID, s.PRODUCT)
        .agg(
            pl.col(s.QUANTITY).fill_null(1).sum().alias("_qty"),
            pl.col(s.AMOUNT).sum().alias("_amount"),
        )
        .filter(pl.col("_qty") > 0)
    )
    return per_product.group_by(s.CUSTOMER_ID).agg(
        pl.col(s.PRODUCT)
        .sort_by(["_qty", "_amount", s.PRODUCT], descending=[True, True, False])
        .head(top)
        .str.join(", ")
        .alias(TOP_PRODUCTS)
    )


def follow_up_list(
    survey_linked: pl.LazyFrame,
    orders: Basis,
    *,
    as_of: date | datetime,
    kind: FollowUpKind = "detractors",
    top: int = 3,
    answers_as_of: date | datetime | None = None,
) -> pl.LazyFrame:
    """Whom to contact: detractors to win back, or promoters to ask for a review.

    Uses each respondent's latest answer up to ``answers_as_of`` (default ``as_of``;
    see :func:`nps_as_of`) — someone who answered 3 and later 10 is a promoter now —
    and keeps those in ``kind``. Orders count up to ``as_of``. Columns:

    * ``name``, ``email`` — from the answer, else the customer's latest order;
    * ``score``, ``comment``, ``responded_at`` — the answer;
    * ``top_products`` — up to ``top`` products they bought most (by quantity);
    * ``orders``, ``revenue`` — counted orders and net revenue (DKK incl. VAT) up to
      ``as_of``, as in :func:`kunde_cli.analytics.orders.customer_summary`;
    * ``customer_id``, ``matched``.

    Sorted by revenue, largest first (unmatched answers, with no revenue, last); then
    the lowest score first for detractors (highest for promoters); then newest answer.

    Examples
    --------
    >>> survey = pl.LazyFrame({
    ...     "response_id": ["r1", "r2"], "customer_id": ["a", "b"], "email": [None, None],
    ...     "name": [None, None], "responded_at": [datetime(2024, 3, 1)] * 2,
    ...     "score": [2, 5], "comment": ["For dyrt", None], "matched": [True, True]},
    ...     schema_overrides={"email": pl.String, "name": pl.String})
    >>> orders = pl.LazyFrame({
    ...     "order_id": ["1", "2"], "line_no": [1, 1], "customer_id": ["a", "b"],
    ...     "email": ["a@x.dk", "b@x.dk"], "name": ["Anna", "Bo"],
    ...     "order_date": [datetime(2024, 1, 1)] * 2, "amount": [100.0, 900.0],
    ...     "quantity": [1, 2], "product": ["Te", "Kaffe"], "status": ["paid", "paid"]})
    >>> out = follow_up_list(survey, orders, as_of=date(2024, 3, 31)).collect()
    >>> out.select("name", "score", "top_products", "revenue").rows()
    [('Bo', 5, 'Kaffe', 900.0), ('Anna', 2, 'Te', 100.0)]
    """
    if kind not in ("detractors", "promoters"):
        raise ConfigError(said("nps_bad_list", kind=kind))
    answers = (
        latest_answers(
            answers_up_to(survey_linked, as_of=as_of if answers_as_of is None else answers_as_of)
        )
        .with_columns(nps_category_expr())
        .filter(pl.col(NPS_CATEGORY) == kind)
    )
    summary = (
        basis_at(orders, as_of)
        .customers.lazy()
        .select(
            s.CUSTOMER_ID,
            pl.col(FREQUENCY).alias(ORDERS),
            pl.col(MONETARY).alias(REVENUE),
        )
    )
    contact = (
        basis_at(orders, as_of)
        .contacts.lazy()
        .select(
            s.CUSTOMER_ID,
            pl.col(s.NAME).alias("_order_name"),
            pl.col(s.EMAIL).alias("_order_email"),
        )
    )
    score_order = pl.col(s.SCORE) if kind == "detractors" else -pl.col(s.SCORE).cast(pl.Int64)
    return (
        answers.join(summary, on=s.CUSTOMER_ID, how="left")
        .join(contact, on=s.CUSTOMER_ID, how="left")
        .join(_top_products(orders, as_of=as_of, top=top), on=s.CUSTOMER_ID, how="left")
        .with_columns(
            pl.coalesce(s.NAME, "_order_name").alias(s.NAME),
            pl.coalesce(s.EMAIL, "_order_email").alias(s.EMAIL),
            pl.col(MATCHED).fill_null(False),
        )
        .sort(
            [pl.col(REVENUE), score_order, pl.col(s.RESPONDED_AT), s.CUSTOMER_ID, s.RESPONSE_ID],
            descending=[True, False, True, False, False],
            nulls_last=True,
        )
        .select(
            s.NAME,
            s.EMAIL,
            s.SCORE,
            s.COMMENT,
            s.RESPONDED_AT,
            TOP_PRODUCTS,
            ORDERS,
            REVENUE,
            s.CUSTOMER_ID,
            MATCHED,
        )
    )


def nps_comment_terms(survey: pl.LazyFrame, *, n: int = 10, min_count: int = 2) -> pl.LazyFrame:
    """The most used words and phrases in promoters' and in detractors' comments.

    Columns ``nps_category`` (promoters first), ``term_kind`` (word/phrase), ``term`` and
    ``comments`` (how many comments of that group mention it); at most ``n`` words
    and ``n`` phrases per group, each in at least ``min_count`` comments. Passives
    are left out: the contrast between the two ends is what shows what drives them.
    See :mod:`kunde_cli.analytics.text` for words, phrases and stop-words.
    """
    ends = (
        survey.with_columns(nps_category_expr())
        .filter(pl.col(NPS_CATEGORY).is_in([PROMOTERS, DETRACTORS]))
        .select(NPS_CATEGORY, s.COMMENT)
    )
    counts = term_counts(ends, text=s.COMMENT, by=(NPS_CATEGORY,))
    return rank_terms(counts, n=n, min_count=min_count, by=(NPS_CATEGORY,)).sort(
        [pl.col(NPS_CATEGORY) != PROMOTERS, pl.col(KIND) != WORD],
        maintain_order=True,
    )
