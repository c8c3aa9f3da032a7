"""The loyalty ladder (loyalitetsstigen): where every known person stands, and the flow.

Rungs, bottom to top (thresholds from ``LadderConfig``):

* ``potential`` — a known contact with no counted order: a survey answer whose person
  has no counted order, a customer whose orders were all cancelled/refunded, or a
  name on a contacts list;
* ``first_time`` — 1 counted order (fewer than ``returning_min_orders``);
* ``returning`` — ``returning_min_orders`` (2) or more counted orders;
* ``loyal`` — ``loyal_min_orders`` (4) or more counted orders *and not inactive*
  (inactive = churn tier ``inactive`` or ``lost``; a loyal-by-orders customer who is
  inactive falls back to ``returning``);
* ``ambassador`` — returning or loyal, *not inactive*, and the latest survey answer
  up to ``as_of`` scores ``ambassador_min_score`` (9) or more. The textbook ladder also
  names referrals; the canonical schemas carry no referral data, so only NPS answers promote.

  The first rule ("loyal or returning, and latest NPS answer 9–10") would let a lost
  customer who once answered 10 rank above every loyal customer; issue 17 says a
  customer cannot be an ambassador while lost or inactive, and the issue wins. Such a
  customer gets the rung their orders give an inactive customer: ``returning`` (2+
  orders; inactive rules out ``loyal`` too). Their answer is kept in ``latest_score``.

Survey answers are tied to a person by ``customer_id``, else by e-mail (trimmed,
lower-cased) matched to the e-mail on the person's orders, else by the e-mail itself.
"""

from __future__ import annotations

from datetime import date, datetime

import polars as pl

from kunde_cli import schema as s
from kunde_cli.analytics.nps import answers_up_to
from kunde_cli.analytics.orders import (
    FREQUENCY,
    MONETARY,
    Basis,
    basis_at,
    emails_of,
    lines_of,
)
from kunde_cli.config import LadderConfig
from kunde_cli.errors import ConfigError
from kunde_cli.words.actions import action_key_expr
from kunde_cli.words.said import said

#: ladder_rungs columns.
ORDERS = "orders"
REVENUE = "revenue"
RUNG = "rung"
INACTIVE = "inactive"
LATEST_SCORE = "latest_score"

#: Rungs, bottom to top.
POTENTIAL = "potential"
FIRST_TIME = "first_time"
RETURNING = "returning"
LOYAL = "loyal"
AMBASSADOR = "ambassador"
RUNGS = (POTENTIAL, FIRST_TIME, RETURNING, LOYAL, AMBASSADOR)

#: Churn tiers (from ``analytics.churn.churn_tiers``) that count as inactive.
TIER = "tier"
INACTIVE_TIERS = ("inactive", "lost")

#: ladder_summary columns.
CUSTOMERS = "customers"
SHARE_CUSTOMERS = "share_customers"
SHARE_REVENUE = "share_revenue"
NEXT_STEP = "next_step"

#: ladder_flow columns and movements.
FROM_RUNG = "from_rung"
TO_RUNG = "to_rung"
MOVEMENT = "movement"
NO_RUNG = "none"
#: A movement is where a person stands on the two ladders, nothing else: ``new`` (not
#: known then), ``gone`` (not known now), else ``up``/``same``/``down`` by rung position.
#: So the movement counts are the sums of the from × to matrix's parts (new = the
#: ``none`` row, gone = the ``none`` column, up = above the diagonal, same = on it,
#: down = below it). Going inactive is a fact beside the movement (``went_inactive``):
#: a loyal customer who goes inactive falls back to returning and is counted as down,
#: and as went inactive.
UP, SAME, DOWN, NEW, GONE = "up", "same", "down", "new", "gone"
MOVEMENTS = (UP, SAME, DOWN, NEW, GONE)
WENT_INACTIVE = "went_inactive"
BEFORE = "customers_before"
NOW = "customers_now"
CHANGE = "change"
TOTAL = "total"


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def check_config(config: LadderConfig) -> None:
    """Raise ConfigError when the ladder thresholds in kunde.toml contradict each other."""
    if not 2 <= config.returning_min_orders <= config.loyal_min_orders:
        raise ConfigError(
            said(
                "ladder_bad_orders",
                returning=config.returning_min_orders,
                loyal=config.loyal_min_orders,
            ),
            hint=said("ladder_bad_orders_hint"),
        )
    if not 0 <= config.ambassador_min_score <= 10:
        raise ConfigError(
            said("ladder_bad_score", score=config.ambassador_min_score),
            hint=said("ladder_bad_score_hint"),
        )


def _names(frame: pl.LazyFrame) -> list[str]:
    return frame.collect_schema().names()


def _norm_email(column: str) -> pl.Expr:
    return pl.col(column).str.strip_chars().str.to_lowercase()


def with_person(frame: pl.LazyFrame, lines: Basis) -> pl.LazyFrame:
    """Put the person a survey answer or contact row belongs to in ``customer_id``.

    ``customer_id`` is kept when given; otherwise the e-mail (trimmed, lower-cased) is
    matched to the e-mail on orders (the smallest customer id when several share it),
    else the normalised e-mail itself is the id. Rows with neither get a null id.
    """
    names = _names(frame)
    person = pl.col(s.CUSTOMER_ID) if s.CUSTOMER_ID in names else pl.lit(None, dtype=pl.String)
    if s.EMAIL in names:
        frame = frame.with_columns(_norm_email(s.EMAIL).alias("_email"))
        if s.EMAIL in _names(lines_of(lines)):
            by_email = (
                emails_of(lines)
                .select(_norm_email(s.EMAIL).alias("_email"), s.CUSTOMER_ID)
                .drop_nulls()
                .group_by("_email")
                .agg(pl.col(s.CUSTOMER_ID).min().alias("_matched"))
            )
            frame = frame.join(by_email, on="_email", how="left")
            person = pl.coalesce(person, pl.col("_matched"), pl.col("_email"))
        else:
            person = pl.coalesce(person, pl.col("_email"))
    elif s.CUSTOMER_ID not in names:
        raise ConfigError(said("ladder_no_person"), hint=said("ladder_no_person_hint"))
    return frame.with_columns(person.cast(pl.String).alias(s.CUSTOMER_ID))


def survey_people(survey: pl.LazyFrame, lines: Basis, *, as_of: date | datetime) -> pl.LazyFrame:
    """Survey answers up to ``as_of`` with their person in ``customer_id``.

    The person is found as in :func:`with_person`. Answers without a person or a
    score are dropped; answers without a date count, as in ``kunde nps``
    (:func:`kunde_cli.analytics.nps.answers_up_to`), and lose to any dated answer of
    the same person. Columns: ``customer_id``, ``responded_at``, ``score``.
    """
    answers = answers_up_to(survey, as_of=as_of).filter(pl.col(s.SCORE).is_not_null())
    return (
        with_person(answers, lines)
        .select(s.CUSTOMER_ID, s.RESPONDED_AT, pl.col(s.SCORE).cast(pl.Int64))
        .filter(pl.col(s.CUSTOMER_ID).is_not_null())
    )


def _latest_scores(answers: pl.LazyFrame) -> pl.LazyFrame:
    # Two answers at the same instant: the lower score wins, so a person is never
    # promoted on an ambiguous answer.
    return answers.group_by(s.CUSTOMER_ID).agg(
        pl.col(s.SCORE)
        .sort_by([s.RESPONDED_AT, s.SCORE], descending=[False, True])
        .last()
        .alias(LATEST_SCORE)
    )


def ladder_rungs(
    lines: Basis,
    *,
    as_of: date | datetime,
    survey: pl.LazyFrame | None = None,
    contacts: pl.LazyFrame | None = None,
    tiers: pl.LazyFrame | None = None,
    config: LadderConfig | None = None,
    answers_as_of: date | datetime | None = None,
) -> pl.LazyFrame:
    """Every known person on the loyalty ladder at ``as_of``.

    Survey answers count up to ``answers_as_of`` (default ``as_of``): the day
    :func:`kunde_cli.analytics.nps.nps_as_of` picks, so the latest answer is the one
    ``kunde nps`` counts.

    Columns: ``customer_id``, ``orders`` (counted orders), ``revenue`` (net, DKK),
    ``rung`` (module docstring), ``inactive`` (churn tier inactive/lost in ``tiers``,
    a frame ``customer_id, tier``; nobody is inactive when ``tiers`` is None) and
    ``latest_score`` (latest survey score up to ``as_of``, null when none). People
    come from the order lines, the survey answers and the optional ``contacts`` frame
    (``customer_id`` and/or ``email``). Sorted by ``customer_id``.

    Examples
    --------
    >>> from datetime import datetime
    >>> lines = pl.LazyFrame({
    ...     "customer_id": ["a", "b", "b", "c"], "order_id": ["1", "2", "3", "4"],
    ...     "line_no": [1, 1, 1, 1],
    ...     "order_date": [datetime(2024, 1, d) for d in (1, 2, 3, 4)],
    ...     "amount": [100.0, 50.0, 70.0, 40.0], "status": ["paid", "paid", "paid", "cancelled"]})
    >>> survey = pl.LazyFrame({"customer_id": ["b", "x"], "score": [10, 8],
    ...     "responded_at": [datetime(2024, 1, 5), datetime(2024, 1, 6)]})
    >>> ladder_rungs(lines, as_of=date(2024, 1, 31), survey=survey).select(
    ...     "customer_id", "orders", "rung").collect().rows()
    [('a', 1, 'first_time'), ('b', 2, 'ambassador'), ('c', 0, 'potential'), ('x', 0, 'potential')]
    """
    config = config or LadderConfig()
    check_config(config)
    customers = (
        basis_at(lines, as_of)
        .customers.lazy()
        .select(
            pl.col(s.CUSTOMER_ID).cast(pl.String),
            pl.col(FREQUENCY).cast(pl.Int64).alias(ORDERS),
            pl.col(MONETARY).cast(pl.Float64).alias(REVENUE),
        )
    )
    known: list[pl.LazyFrame] = []
    answers = None
    if survey is not None:
        answers_day = as_of if answers_as_of is None else answers_as_of
        answers = survey_people(survey, lines, as_of=answers_day)
        known.append(answers.select(s.CUSTOMER_ID))
    if contacts is not None:
        known.append(with_person(contacts, lines).select(s.CUSTOMER_ID).drop_nulls())
    people = customers
    if known:
        extra = (
            pl.concat(known)
            .unique()
            .join(customers, on=s.CUSTOMER_ID, how="anti")
            .with_columns(pl.lit(0, dtype=pl.Int64).alias(ORDERS), pl.lit(0.0).alias(REVENUE))
        )
        people = pl.concat([customers, extra])
    if tiers is not None:
        inactive = (
            tiers.select(
                pl.col(s.CUSTOMER_ID).cast(pl.String),
                pl.col(TIER).is_in(list(INACTIVE_TIERS)).fill_null(False).alias(INACTIVE),
            )
            .group_by(s.CUSTOMER_ID)
            .agg(pl.col(INACTIVE).any())
        )
        people = people.join(inactive, on=s.CUSTOMER_ID, how="left").with_columns(
            pl.col(INACTIVE).fill_null(False)
        )
    else:
        people = people.with_columns(pl.lit(False).alias(INACTIVE))
    if answers is not None:
        people = people.join(_latest_scores(answers), on=s.CUSTOMER_ID, how="left")
    else:
        people = people.with_columns(pl.lit(None, dtype=pl.Int64).alias(LATEST_SCORE))
    orders = pl.col(ORDERS)
    promoter = pl.col(LATEST_SCORE).fill_null(-1) >= config.ambassador_min_score
    rung = (
        pl.when(orders <= 0)
        .then(pl.lit(POTENTIAL))
        .when(orders < config.returning_min_orders)
        .then(pl.lit(FIRST_TIME))
        # Inactive (churn tier inactive or lost) rules out the two top rungs: a lost
        # customer with a 9–10 answer is returning, not an ambassador (issue 17; module
        # docstring).
        .when(pl.col(INACTIVE))
        .then(pl.lit(RETURNING))
        .when(promoter)
        .then(pl.lit(AMBASSADOR))
        .when(orders >= config.loyal_min_orders)
        .then(pl.lit(LOYAL))
        .otherwise(pl.lit(RETURNING))
    )
    return (
        people.with_columns(rung.alias(RUNG))
        .select(s.CUSTOMER_ID, ORDERS, REVENUE, RUNG, INACTIVE, LATEST_SCORE)
        .sort(s.CUSTOMER_ID)
    )


def rung_rank_expr(column: str = RUNG) -> pl.Expr:
    """Rung position 0 (potential) … 4 (ambassador); -1 for ``none``."""
    order = {name: i for i, name in enumerate(RUNGS)}
    return pl.col(column).replace_strict(order, default=-1, return_dtype=pl.Int64)


def ladder_summary(rungs: pl.LazyFrame) -> pl.LazyFrame:
    """One row per rung, bottom (potential) to top (ambassador).

    Columns: ``rung``, ``customers``, ``share_customers`` (0..1 of all known people),
    ``revenue`` (DKK), ``share_revenue`` (0..1; null when total revenue is 0),
    ``inactive`` (how many on the rung are inactive) and ``next_step`` (the key of
    what moves a person one rung up, ``rung_<rung>``; the words are
    :func:`kunde_cli.words.actions.word_actions`'). All five rungs are always listed.

    Examples
    --------
    >>> rungs = pl.LazyFrame({"customer_id": ["a", "b", "c"], "rung": ["first_time", "loyal", "loyal"],
    ...     "revenue": [100.0, 500.0, 400.0], "inactive": [False, False, False]})
    >>> ladder_summary(rungs).select("rung", "customers", "share_revenue").collect().rows()
    [('potential', 0, 0.0), ('first_time', 1, 0.1), ('returning', 0, 0.0), ('loyal', 2, 0.9), ('ambassador', 0, 0.0)]
    """
    per_rung = rungs.group_by(RUNG).agg(
        pl.len().cast(pl.Int64).alias(CUSTOMERS),
        pl.col(REVENUE).sum().alias(REVENUE),
        pl.col(INACTIVE).sum().cast(pl.Int64).alias(INACTIVE),
    )
    total_customers = pl.col(CUSTOMERS).sum()
    total_revenue = pl.col(REVENUE).sum()
    return (
        pl.LazyFrame({RUNG: list(RUNGS)})
        .join(per_rung, on=RUNG, how="left", maintain_order="left")
        .with_columns(
            pl.col(CUSTOMERS).fill_null(0),
            pl.col(REVENUE).fill_null(0.0),
            pl.col(INACTIVE).fill_null(0),
        )
        .with_columns(
            pl.when(total_customers > 0)
            .then(pl.col(CUSTOMERS) / total_customers)
            .alias(SHARE_CUSTOMERS),
            pl.when(total_revenue != 0).then(pl.col(REVENUE) / total_revenue).alias(SHARE_REVENUE),
            action_key_expr("rung", RUNG).alias(NEXT_STEP),
        )
        .select(RUNG, CUSTOMERS, SHARE_CUSTOMERS, REVENUE, SHARE_REVENUE, INACTIVE, NEXT_STEP)
    )


def movement_expr(from_column: str = FROM_RUNG, to_column: str = TO_RUNG) -> pl.Expr:
    """The movement between two rungs (``none`` = not on that ladder); see :data:`MOVEMENTS`.

    The one rule for a movement: :func:`ladder_moves`, the summary counts and the
    from × to matrix all follow from it.
    """
    before_rank, now_rank = rung_rank_expr(from_column), rung_rank_expr(to_column)
    return (
        pl.when(pl.col(from_column) == NO_RUNG)
        .then(pl.lit(NEW))
        .when(pl.col(to_column) == NO_RUNG)
        .then(pl.lit(GONE))
        .when(now_rank > before_rank)
        .then(pl.lit(UP))
        .when(now_rank < before_rank)
        .then(pl.lit(DOWN))
        .otherwise(pl.lit(SAME))
    )


def ladder_moves(
    lines: Basis,
    *,
    as_of: date | datetime,
    compare: date | datetime,
    survey: pl.LazyFrame | None = None,
    contacts: pl.LazyFrame | None = None,
    tiers: pl.LazyFrame | None = None,
    compare_tiers: pl.LazyFrame | None = None,
    config: LadderConfig | None = None,
    rungs: pl.LazyFrame | None = None,
) -> pl.LazyFrame:
    """Per person: rung at ``compare`` and at ``as_of``, the movement between them, and
    whether they went inactive.

    Columns ``customer_id``, ``from_rung``, ``to_rung`` (``none`` when not on that
    ladder), ``movement`` (:func:`movement_expr`: ``new``, ``gone``, ``up``, ``same``,
    ``down``) and ``went_inactive`` (on the ladder and not inactive at ``compare``,
    inactive at ``as_of``).
    ``tiers`` are the churn tiers at ``as_of``, ``compare_tiers`` those at ``compare``
    (None: nobody inactive then).

    Examples
    --------
    >>> from datetime import datetime
    >>> lines = pl.LazyFrame({
    ...     "customer_id": ["a", "a", "b"], "order_id": ["1", "2", "3"], "line_no": [1, 1, 1],
    ...     "order_date": [datetime(2024, 1, 1), datetime(2024, 3, 1), datetime(2024, 3, 2)],
    ...     "amount": [100.0, 50.0, 70.0], "status": ["paid"] * 3})
    >>> ladder_moves(lines, as_of=date(2024, 3, 31), compare=date(2024, 1, 31)).collect().rows()
    [('a', 'first_time', 'returning', 'up', False), ('b', 'none', 'first_time', 'new', False)]
    """
    day, before = _day(as_of), _day(compare)
    if before >= day:
        raise ConfigError(
            said("compare_not_before", compare=before.isoformat(), as_of=day.isoformat()),
            hint=said("compare_not_before_hint"),
        )
    then = ladder_rungs(
        lines, as_of=before, survey=survey, contacts=contacts, tiers=compare_tiers, config=config
    ).select(
        s.CUSTOMER_ID,
        pl.col(RUNG).alias(FROM_RUNG),
        pl.col(INACTIVE).alias("_inactive_before"),
    )
    if rungs is None:  # else the caller's ladder_rungs at as_of, with the same inputs
        rungs = ladder_rungs(
            lines, as_of=day, survey=survey, contacts=contacts, tiers=tiers, config=config
        )
    now = rungs.select(
        s.CUSTOMER_ID, pl.col(RUNG).alias(TO_RUNG), pl.col(INACTIVE).alias("_inactive_now")
    )
    return (
        then.join(now, on=s.CUSTOMER_ID, how="full", coalesce=True)
        .with_columns(
            pl.col(FROM_RUNG).fill_null(NO_RUNG),
            pl.col(TO_RUNG).fill_null(NO_RUNG),
            pl.col("_inactive_before").fill_null(False),
            pl.col("_inactive_now").fill_null(False),
        )
        .with_columns(
            movement_expr().alias(MOVEMENT),
            # Went inactive: on the ladder and not inactive then, inactive now (a new
            # person already inactive is new, as before this column existed).
            (
                (pl.col(FROM_RUNG) != NO_RUNG)
                & pl.col("_inactive_now")
                & ~pl.col("_inactive_before")
            ).alias(WENT_INACTIVE),
        )
        .select(s.CUSTOMER_ID, FROM_RUNG, TO_RUNG, MOVEMENT, WENT_INACTIVE)
        .sort(s.CUSTOMER_ID)
    )


def ladder_flow(
    lines: Basis,
    *,
    as_of: date | datetime,
    compare: date | datetime,
    survey: pl.LazyFrame | None = None,
    contacts: pl.LazyFrame | None = None,
    tiers: pl.LazyFrame | None = None,
    compare_tiers: pl.LazyFrame | None = None,
    config: LadderConfig | None = None,
    rungs: pl.LazyFrame | None = None,
) -> pl.LazyFrame:
    """The flow between the ladder at ``compare`` and at ``as_of``, in long form.

    Columns ``from_rung``, ``to_rung``, ``movement`` (see :func:`ladder_moves`),
    ``customers``, ``went_inactive`` (how many of them went inactive): one row per
    (from, to) that occurs — the movement follows from the two rungs — ordered by
    ladder position (``none`` first). Use :func:`ladder_flow_matrix` for the from × to
    table and :func:`movement_counts` for the counts per movement.
    ``rungs`` is :func:`ladder_rungs` at ``as_of`` with the same inputs, when the
    caller already has it (the report), so it is not built twice.

    Examples
    --------
    >>> from datetime import datetime
    >>> lines = pl.LazyFrame({
    ...     "customer_id": ["a", "a", "b"], "order_id": ["1", "2", "3"], "line_no": [1, 1, 1],
    ...     "order_date": [datetime(2024, 1, 1), datetime(2024, 3, 1), datetime(2024, 3, 2)],
    ...     "amount": [100.0, 50.0, 70.0], "status": ["paid"] * 3})
    >>> ladder_flow(lines, as_of=date(2024, 3, 31), compare=date(2024, 1, 31)).collect().rows()
    [('none', 'first_time', 'new', 1, 0), ('first_time', 'returning', 'up', 1, 0)]
    """
    moves = ladder_moves(
        lines,
        as_of=as_of,
        compare=compare,
        survey=survey,
        contacts=contacts,
        tiers=tiers,
        compare_tiers=compare_tiers,
        config=config,
        rungs=rungs,
    )
    return flow_from_moves(moves)


def flow_from_moves(moves: pl.LazyFrame) -> pl.LazyFrame:
    """Count a :func:`ladder_moves` frame into the long flow of :func:`ladder_flow`."""
    return (
        moves.group_by(FROM_RUNG, TO_RUNG, MOVEMENT)
        .agg(
            pl.len().cast(pl.Int64).alias(CUSTOMERS),
            pl.col(WENT_INACTIVE).sum().cast(pl.Int64).alias(WENT_INACTIVE),
        )
        .sort(rung_rank_expr(FROM_RUNG), rung_rank_expr(TO_RUNG))
    )


def movement_counts(flow: pl.LazyFrame | pl.DataFrame) -> dict[str, int]:
    """How many people made each movement, and how many went inactive, from a flow.

    Keys: every movement of :data:`MOVEMENTS` (0 when none) and ``went_inactive``. The
    counts are sums of the :func:`ladder_flow_matrix` of the same flow: ``new`` its
    ``none`` row, ``gone`` its ``none`` column, ``up``/``same``/``down`` the cells
    above, on and below the diagonal.

    Examples
    --------
    >>> flow = pl.LazyFrame({"from_rung": ["none", "loyal"], "to_rung": ["first_time", "returning"],
    ...     "movement": ["new", "down"], "customers": [3, 2], "went_inactive": [0, 2]})
    >>> movement_counts(flow)
    {'up': 0, 'same': 0, 'down': 2, 'new': 3, 'gone': 0, 'went_inactive': 2}
    """
    per = (
        flow.lazy()
        .group_by(MOVEMENT)
        .agg(pl.col(CUSTOMERS).sum(), pl.col(WENT_INACTIVE).sum())
        .collect()
    )
    counts = dict(zip(per[MOVEMENT].to_list(), per[CUSTOMERS].to_list(), strict=True))
    out = {m: int(counts.get(m) or 0) for m in MOVEMENTS}
    out[WENT_INACTIVE] = int(per[WENT_INACTIVE].sum() or 0)
    return out


def ladder_flow_matrix(flow: pl.LazyFrame) -> pl.LazyFrame:
    """From × to table of a :func:`ladder_flow`: one row per ``from_rung`` (``none``
    first, then bottom to top), one column per rung at ``as_of``, then ``none`` (known
    then, not now: gone) and ``total``.

    Examples
    --------
    >>> flow = pl.LazyFrame({"from_rung": ["none", "first_time"], "to_rung": ["first_time", "returning"],
    ...     "movement": ["new", "up"], "customers": [1, 1]})
    >>> ladder_flow_matrix(flow).collect().rows()[0]
    ('none', 0, 1, 0, 0, 0, 0, 1)
    """
    cells = [
        pl.col(CUSTOMERS).filter(pl.col(TO_RUNG) == rung).sum().cast(pl.Int64).alias(rung)
        for rung in (*RUNGS, NO_RUNG)
    ]
    per_from = flow.group_by(FROM_RUNG).agg(
        *cells, pl.col(CUSTOMERS).sum().cast(pl.Int64).alias(TOTAL)
    )
    return (
        pl.LazyFrame({FROM_RUNG: [NO_RUNG, *RUNGS]})
        .join(per_from, on=FROM_RUNG, how="left", maintain_order="left")
        .with_columns(pl.col(*RUNGS, NO_RUNG, TOTAL).fill_null(0))
    )


def ladder_side_by_side(flow: pl.LazyFrame) -> pl.LazyFrame:
    """Rung counts at ``compare`` and at ``as_of`` from a :func:`ladder_flow`.

    Columns ``rung``, ``customers_before``, ``customers_now``, ``change`` (now − before).

    Examples
    --------
    >>> flow = pl.LazyFrame({"from_rung": ["none", "first_time"], "to_rung": ["first_time", "returning"],
    ...     "movement": ["new", "up"], "customers": [1, 1]})
    >>> ladder_side_by_side(flow).collect().rows()[:3]
    [('potential', 0, 0, 0), ('first_time', 1, 1, 0), ('returning', 0, 1, 1)]
    """
    before = flow.group_by(pl.col(FROM_RUNG).alias(RUNG)).agg(
        pl.col(CUSTOMERS).sum().cast(pl.Int64).alias(BEFORE)
    )
    now = flow.group_by(pl.col(TO_RUNG).alias(RUNG)).agg(
        pl.col(CUSTOMERS).sum().cast(pl.Int64).alias(NOW)
    )
    return (
        pl.LazyFrame({RUNG: list(RUNGS)})
        .join(before, on=RUNG, how="left", maintain_order="left")
        .join(now, on=RUNG, how="left", maintain_order="left")
        .with_columns(pl.col(BEFORE).fill_null(0), pl.col(NOW).fill_null(0))
        .with_columns((pl.col(NOW) - pl.col(BEFORE)).alias(CHANGE))
    )
