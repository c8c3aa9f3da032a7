"""Closing the loop with unhappy customers: follow-up cases, their statuses and the
themes of the comments (``kunde nps --follow-up``, the report's follow-up section).

A *case* is a respondent's latest answer up to the NPS date
(:func:`kunde_cli.analytics.nps.nps_as_of`) when it is a detractor (0–6) or a passive
(7–8), known by its ``response_id``. A later answer from the same customer is a new
case with a new id: the earlier case is then no longer current, but what the owner
wrote about it is kept (:func:`earlier_cases`).

A case's status is one of :data:`STATUSES` — ``open`` (nothing done yet, the
default), ``contacted``, ``resolved`` — with a free-text note. Statuses are keys here;
the words an owner types (``Kontaktet``, ``resolved``, or the Danish word for open …) are read into keys
at the edge (:mod:`kunde_cli.render.follow_up_workbook`).

Pure functions on Polars frames, no I/O and no language.
"""

from __future__ import annotations

from datetime import date, datetime

import polars as pl

from kunde_cli import schema as s
from kunde_cli.analytics.nps import (
    DETRACTORS,
    NPS_CATEGORY,
    ORDERS,
    PASSIVES,
    PROMOTERS,
    REVENUE,
    TOP_PRODUCTS,
    _top_products,
    answers_up_to,
    latest_answers,
    nps_category_expr,
)
from kunde_cli.analytics.orders import FREQUENCY, LAST_ORDER, MONETARY, Basis, basis_at
from kunde_cli.analytics.text import COMMENTS, KIND, TERM, WORD, rank_terms, term_counts

#: Status keys, in the order a case goes through them.
OPEN = "open"
CONTACTED = "contacted"
RESOLVED = "resolved"
STATUSES = (OPEN, CONTACTED, RESOLVED)

#: Columns a case gets here besides the answer's and the customer's.
STATUS = s.FOLLOW_UP_STATUS
NOTE = s.FOLLOW_UP_NOTE
SEGMENT = "segment"
#: Whether a stored status belongs to a current case (False: an earlier one).
CURRENT = s.CURRENT
#: Share of a group's comments that mention a term (0..1).
SHARE = "share"
#: Answers with a comment per group (the share's denominator).
WITH_COMMENT = "with_comment"

#: The groups a case comes from: detractors first (they are the urgent ones).
CASE_GROUPS = (DETRACTORS, PASSIVES)
GROUPS = (PROMOTERS, PASSIVES, DETRACTORS)

#: The columns of :func:`follow_up_cases`, in the workbook's order.
CASE_COLUMNS = (
    s.NAME,
    s.EMAIL,
    NPS_CATEGORY,
    s.SCORE,
    s.COMMENT,
    s.RESPONDED_AT,
    ORDERS,
    REVENUE,
    LAST_ORDER,
    SEGMENT,
    TOP_PRODUCTS,
    s.CUSTOMER_ID,
    s.RESPONSE_ID,
)

#: The statuses frame: one row per case whose status or note is known.
STATUS_SCHEMA: dict[str, pl.DataType] = s.FOLLOW_UP


def empty_statuses() -> pl.DataFrame:
    """A statuses frame with no rows."""
    return pl.DataFrame(schema=STATUS_SCHEMA)


def current_cases(
    survey_linked: pl.LazyFrame, *, answers_as_of: date | datetime | None
) -> pl.LazyFrame:
    """The current cases alone: each respondent's latest answer up to ``answers_as_of``
    when it is a detractor's or a passive's (``response_id``, ``customer_id``,
    ``nps_category`` and the answer's columns), in the survey's order. What
    :func:`follow_up_cases` starts from, without the order history (the report counts
    cases with it).

    >>> survey = pl.LazyFrame({"response_id": ["r1", "r2", "r3"], "customer_id": ["a", "a", "b"],
    ...     "email": [None] * 3, "responded_at": [datetime(2024, 1, d) for d in (1, 2, 3)],
    ...     "score": [3, 8, 10]}, schema_overrides={"email": pl.String})
    >>> current_cases(survey, answers_as_of=None).select("response_id", "nps_category").collect().rows()
    [('r2', 'passives')]
    """
    return (
        latest_answers(answers_up_to(survey_linked, as_of=answers_as_of))
        .with_columns(nps_category_expr())
        .filter(pl.col(NPS_CATEGORY).is_in(list(CASE_GROUPS)))
    )


def follow_up_cases(
    survey_linked: pl.LazyFrame,
    orders: Basis,
    *,
    as_of: date | datetime,
    answers_as_of: date | datetime | None = None,
    segments: pl.LazyFrame | None = None,
    top: int = 3,
) -> pl.LazyFrame:
    """Detractors and passives to follow up, with their order history and value.

    Each respondent's latest answer up to ``answers_as_of`` (default ``as_of``), kept
    when it is a detractor or a passive; orders count up to ``as_of``. Columns
    (:data:`CASE_COLUMNS`): ``name``, ``email`` (the answer's, else the customer's
    latest order's), ``nps_category``, ``score``, ``comment``, ``responded_at``,
    ``orders`` and ``revenue`` (counted orders and net revenue, as in
    :func:`kunde_cli.analytics.nps.follow_up_list`), ``last_order`` (date),
    ``segment`` (from ``segments``: ``customer_id`` + ``segment``; null without),
    ``top_products``, ``customer_id``, ``response_id``.

    Detractors first, then the most valuable customer first (no orders last), the
    lowest score, the newest answer, then the ids: the same order on every run.

    Examples
    --------
    >>> survey = pl.LazyFrame({
    ...     "response_id": ["r1", "r2", "r3", "r4"], "customer_id": ["a", "b", "a", "c"],
    ...     "email": [None] * 4, "name": [None] * 4,
    ...     "responded_at": [datetime(2024, 2, 1), datetime(2024, 3, 1),
    ...                      datetime(2024, 3, 2), datetime(2024, 3, 3)],
    ...     "score": [2, 7, 5, 10], "comment": ["Dyrt", None, "Stadig dyrt", "Fint"]},
    ...     schema_overrides={"email": pl.String, "name": pl.String})
    >>> orders = pl.LazyFrame({
    ...     "order_id": ["1", "2"], "line_no": [1, 1], "customer_id": ["a", "b"],
    ...     "email": ["a@x.dk", "b@x.dk"], "name": ["Anna", "Bo"],
    ...     "order_date": [datetime(2024, 1, 1)] * 2, "amount": [100.0, 900.0],
    ...     "quantity": [1, 2], "product": ["Te", "Kaffe"], "status": ["paid", "paid"]})
    >>> out = follow_up_cases(survey, orders, as_of=date(2024, 3, 31)).collect()
    >>> out.select("response_id", "name", "nps_category", "revenue").rows()
    [('r3', 'Anna', 'detractors', 100.0), ('r2', 'Bo', 'passives', 900.0)]
    """
    day = as_of if answers_as_of is None else answers_as_of
    answers = current_cases(survey_linked, answers_as_of=day)
    basis = basis_at(orders, as_of)
    summary = basis.customers.lazy().select(
        s.CUSTOMER_ID,
        pl.col(FREQUENCY).alias(ORDERS),
        pl.col(MONETARY).alias(REVENUE),
        pl.col(LAST_ORDER).cast(pl.Date),
    )
    contact = basis.contacts.lazy().select(
        s.CUSTOMER_ID,
        pl.col(s.NAME).alias("_order_name"),
        pl.col(s.EMAIL).alias("_order_email"),
    )
    if segments is None:
        segments = pl.LazyFrame(schema={s.CUSTOMER_ID: pl.String, SEGMENT: pl.String})
    one_segment = segments.select(s.CUSTOMER_ID, SEGMENT).unique(
        s.CUSTOMER_ID, keep="first", maintain_order=True
    )
    return (
        answers.join(summary, on=s.CUSTOMER_ID, how="left")
        .join(contact, on=s.CUSTOMER_ID, how="left")
        .join(one_segment, on=s.CUSTOMER_ID, how="left")
        .join(_top_products(orders, as_of=as_of, top=top), on=s.CUSTOMER_ID, how="left")
        .with_columns(
            pl.coalesce(s.NAME, "_order_name").alias(s.NAME),
            pl.coalesce(s.EMAIL, "_order_email").alias(s.EMAIL),
        )
        .sort(
            [
                pl.col(NPS_CATEGORY) != DETRACTORS,
                pl.col(REVENUE),
                pl.col(s.SCORE),
                pl.col(s.RESPONDED_AT),
                s.CUSTOMER_ID,
                s.RESPONSE_ID,
            ],
            descending=[False, True, False, True, False, False],
            nulls_last=True,
        )
        .select(CASE_COLUMNS)
    )


def merge_statuses(stored: pl.DataFrame, typed: pl.DataFrame) -> pl.DataFrame:
    """The statuses known for each response id: what the owner typed in the workbook
    (``typed``: ``response_id``, ``follow_up_status``, ``follow_up_note``) over what
    the workspace kept (``stored``, :data:`STATUS_SCHEMA`).

    A case the owner deleted from the workbook keeps its stored status; a case in both
    takes the workbook's status and note (an emptied note is emptied). One row per
    response id (the first of repeated ids in ``typed`` wins).

    >>> stored = pl.DataFrame({"response_id": ["r1", "r2"], "follow_up_status": ["contacted"] * 2,
    ...                        "follow_up_note": ["ringet", "mail"]})
    >>> typed = pl.DataFrame({"response_id": ["r2"], "follow_up_status": ["resolved"],
    ...                       "follow_up_note": [None]}, schema_overrides={"follow_up_note": pl.String})
    >>> merge_statuses(stored, typed).sort("response_id").rows()
    [('r1', 'contacted', 'ringet'), ('r2', 'resolved', None)]
    """
    columns = [s.RESPONSE_ID, STATUS, NOTE]
    typed = typed.select(columns).drop_nulls(s.RESPONSE_ID).unique(s.RESPONSE_ID, keep="first")
    kept = stored.select(columns).join(typed, on=s.RESPONSE_ID, how="anti")
    return pl.concat([typed, kept], how="vertical_relaxed").select(
        pl.col(s.RESPONSE_ID).cast(pl.String),
        pl.col(STATUS).cast(pl.String),
        pl.col(NOTE).cast(pl.String),
    )


def reopened(stored: pl.DataFrame, typed: pl.DataFrame) -> int:
    """How many cases the workspace kept as contacted or resolved that the workbook now
    has as open — the owner reopening them, or an older copy of the workbook (the
    workbook wins either way; the caller says so).

    >>> stored = pl.DataFrame({"response_id": ["r1", "r2", "r3"],
    ...     "follow_up_status": ["resolved", "contacted", "open"], "follow_up_note": [None] * 3},
    ...     schema_overrides={"follow_up_note": pl.String})
    >>> typed = pl.DataFrame({"response_id": ["r1", "r2", "r3"],
    ...     "follow_up_status": ["open", "resolved", "open"], "follow_up_note": [None] * 3},
    ...     schema_overrides={"follow_up_note": pl.String})
    >>> reopened(stored, typed)
    1
    """
    was = stored.filter(pl.col(STATUS) != OPEN).select(s.RESPONSE_ID)
    now_open = typed.filter(pl.col(STATUS) == OPEN).select(s.RESPONSE_ID).unique()
    return was.join(now_open, on=s.RESPONSE_ID, how="inner").height


def carry_forward(cases: pl.DataFrame, statuses: pl.DataFrame) -> pl.DataFrame:
    """``cases`` with ``follow_up_status`` and ``follow_up_note`` carried forward by
    response id from ``statuses`` (:func:`merge_statuses`); a new case is ``open``.

    >>> cases = pl.DataFrame({"response_id": ["r1", "r3"], "score": [2, 5]})
    >>> statuses = pl.DataFrame({"response_id": ["r1", "r2"],
    ...     "follow_up_status": ["resolved", "contacted"], "follow_up_note": ["ok", None]})
    >>> carry_forward(cases, statuses).rows()
    [('r1', 2, 'resolved', 'ok'), ('r3', 5, 'open', None)]
    """
    known = statuses.select(s.RESPONSE_ID, STATUS, NOTE)
    return cases.join(known, on=s.RESPONSE_ID, how="left", maintain_order="left").with_columns(
        pl.col(STATUS).fill_null(OPEN)
    )


def earlier_cases(
    statuses: pl.DataFrame, cases: pl.DataFrame, survey: pl.DataFrame
) -> pl.DataFrame:
    """Cases no longer current whose status or note the owner set: kept so nothing the
    owner wrote is lost (the customer answered again, or the answer is now a promoter's).

    ``statuses`` as :func:`merge_statuses` gives them; ``cases`` the current cases;
    ``survey`` the linked answers (``response_id``, ``customer_id``, ``name``,
    ``email``, ``score``, ``comment``, ``responded_at``). An open case without a note
    is dropped (nothing to keep), and so is one whose answer is no longer in the survey
    (``kunde forget`` erased it, or the survey export no longer holds it): its note
    belonged to that answer. Columns: those of ``cases`` that the survey gives, the
    answer's group, the status and the note; newest answer first.

    >>> statuses = pl.DataFrame({"response_id": ["r1", "r2", "r3"],
    ...     "follow_up_status": ["resolved", "open", "open"], "follow_up_note": [None, None, "x"]})
    >>> cases = pl.DataFrame({"response_id": ["r9"]})
    >>> survey = pl.DataFrame({"response_id": ["r1", "r2"], "customer_id": ["a", "b"],
    ...     "name": ["Anna", "Bo"], "email": [None, None], "score": [3, 4], "comment": [None, None],
    ...     "responded_at": [datetime(2024, 1, 1)] * 2})
    >>> earlier_cases(statuses, cases, survey).select("response_id", "follow_up_status").rows()
    [('r1', 'resolved')]
    """
    answer_columns = [
        s.RESPONSE_ID,
        s.CUSTOMER_ID,
        s.NAME,
        s.EMAIL,
        s.SCORE,
        s.COMMENT,
        s.RESPONDED_AT,
    ]
    answers = survey.select(answer_columns).unique(s.RESPONSE_ID, keep="last")
    worth_keeping = (pl.col(STATUS) != OPEN) | (pl.col(NOTE).str.strip_chars().str.len_chars() > 0)
    return (
        statuses.join(cases.select(s.RESPONSE_ID), on=s.RESPONSE_ID, how="anti")
        .filter(worth_keeping.fill_null(False))
        .join(answers, on=s.RESPONSE_ID, how="inner")
        .with_columns(nps_category_expr())
        .sort([s.RESPONDED_AT, s.RESPONSE_ID], descending=[True, False], nulls_last=True)
        .select(
            s.NAME,
            s.EMAIL,
            NPS_CATEGORY,
            s.SCORE,
            s.COMMENT,
            s.RESPONDED_AT,
            s.CUSTOMER_ID,
            s.RESPONSE_ID,
            STATUS,
            NOTE,
        )
    )


def statuses_to_store(current: pl.DataFrame, earlier: pl.DataFrame) -> pl.DataFrame:
    """The statuses frame (:data:`STATUS_SCHEMA`) of the current cases (each with its
    status, open ones too, so the report counts them) and the earlier ones kept."""
    columns = [s.RESPONSE_ID, s.CUSTOMER_ID, NPS_CATEGORY, STATUS, NOTE]
    return pl.concat(
        [
            current.select(columns).with_columns(pl.lit(True).alias(CURRENT)),
            earlier.select(columns).with_columns(pl.lit(False).alias(CURRENT)),
        ],
        how="vertical_relaxed",
    ).select([pl.col(name).cast(dtype) for name, dtype in STATUS_SCHEMA.items()])


def status_counts(cases: pl.DataFrame) -> pl.DataFrame:
    """Cases per group and status: one row per group of :data:`CASE_GROUPS` (detractors,
    passives) and a total row (``nps_category`` null), columns ``open``, ``contacted``,
    ``resolved`` and ``cases``.

    >>> cases = pl.DataFrame({"nps_category": ["detractors", "detractors", "passives"],
    ...                       "follow_up_status": ["open", "resolved", "open"]})
    >>> status_counts(cases).rows()
    [('detractors', 1, 0, 1, 2), ('passives', 1, 0, 0, 1), (None, 2, 0, 1, 3)]
    """
    counts = [(pl.col(STATUS) == status).sum().cast(pl.Int64).alias(status) for status in STATUSES]
    per_group = (
        pl.DataFrame({NPS_CATEGORY: list(CASE_GROUPS)})
        .join(
            cases.group_by(NPS_CATEGORY).agg(*counts, pl.len().cast(pl.Int64).alias("cases")),
            on=NPS_CATEGORY,
            how="left",
        )
        .fill_null(0)
    )
    total = cases.select(
        pl.lit(None, dtype=pl.String).alias(NPS_CATEGORY),
        *counts,
        pl.len().cast(pl.Int64).alias("cases"),
    )
    return pl.concat([per_group, total], how="vertical_relaxed")


def comment_themes(
    survey: pl.LazyFrame, *, n: int = 5, min_count: int = 2, words_only: bool = False
) -> pl.LazyFrame:
    """The most used words and phrases in the comments of each NPS group.

    All answers with a score in ``survey`` (count them up to the NPS date first,
    :func:`kunde_cli.analytics.nps.answers_up_to`). Columns ``nps_category``
    (promoters, passives, detractors), ``term_kind`` (word/phrase), ``term``,
    ``comments`` (comments of the group that mention it, at least ``min_count``),
    ``with_comment`` (the group's answers with a comment) and ``share`` (comments /
    with_comment). At most ``n`` words and ``n`` phrases per group (``words_only``:
    words alone), most mentioned first, ties A→Z. Stop words and how words and
    phrases are found: :mod:`kunde_cli.analytics.text`.

    >>> survey = pl.LazyFrame({"score": [10, 9, 3, 2, 8],
    ...     "comment": ["Hurtig levering", "hurtig og god", "For dyrt", "dyrt fragt", None]})
    >>> comment_themes(survey, words_only=True).select("nps_category", "term", "comments", "share").collect().rows()
    [('promoters', 'hurtig', 2, 1.0), ('detractors', 'dyrt', 2, 1.0)]
    """
    scored = survey.filter(pl.col(s.SCORE).is_not_null()).with_columns(nps_category_expr())
    with_comment = (
        scored.filter(pl.col(s.COMMENT).str.strip_chars().str.len_chars() > 0)
        .group_by(NPS_CATEGORY)
        .agg(pl.len().cast(pl.Int64).alias(WITH_COMMENT))
    )
    counts = term_counts(scored.select(NPS_CATEGORY, s.COMMENT), text=s.COMMENT, by=(NPS_CATEGORY,))
    if words_only:
        counts = counts.filter(pl.col(KIND) == WORD)
    order = pl.col(NPS_CATEGORY).replace_strict(
        {g: i for i, g in enumerate(GROUPS)}, return_dtype=pl.Int8
    )
    return (
        rank_terms(counts, n=n, min_count=min_count, by=(NPS_CATEGORY,))
        .join(with_comment, on=NPS_CATEGORY, how="left")
        .with_columns((pl.col(COMMENTS) / pl.col(WITH_COMMENT)).alias(SHARE))
        .sort(
            [order, pl.col(KIND) != WORD, pl.col(COMMENTS), TERM],
            descending=[False, False, True, False],
        )
        .select(NPS_CATEGORY, KIND, TERM, COMMENTS, WITH_COMMENT, SHARE)
    )
