"""Action lists: who to mail, who to call, in shapes a mailing tool imports directly.

Everything here is pure: frames in, frames out, no I/O and no clock.

* :func:`customer_overview` puts every known person in one row: contact details
  (latest non-empty name, e-mail, phone and marketing consent on their orders),
  RFM segment, ladder rung, churn tier, last order, value, latest NPS answer and the
  suggested action.
* :func:`action_list` filters the overview (``--segment``, ``--rung``, ``--tier``,
  ``--nps``; values of one filter are alternatives, different filters must all
  hold), moves detractors who answered in the last :data:`RECENT_DETRACTOR_DAYS`
  days to a separate call list (a sales mail is the wrong answer to a fresh
  complaint), and keeps only people with an e-mail address and — where the data has
  a marketing-consent column — consent. What was left out is counted, never silent.
* :func:`shape_list` gives the columns of a generic CSV, Mailchimp's or Klaviyo's
  contact import.
* :func:`pseudonymise` and :func:`hash_emails` replace personal data with stable
  pseudonyms: keyed SHA-256 (HMAC) of the value with a secret salt, so the same
  customer gets the same pseudonym in every list and report made with the same salt
  (lists still join), and nobody without the salt can test guessed e-mail addresses
  against them. The salt itself is the caller's business (see ``kunde_cli/cli/export.py``).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import polars as pl

from kunde_cli import schema as s
from kunde_cli.analytics import ladder as lad
from kunde_cli.analytics import nps as nps_mod
from kunde_cli.analytics import rfm
from kunde_cli.analytics.orders import (
    LAST_ORDER,
    RECENCY,
    Basis,
    basis_at,
)
from kunde_cli.config import Config
from kunde_cli.errors import ConfigError
from kunde_cli.identity import normalise_email_expr
from kunde_cli.words.actions import (
    NPS_GROUP_NAMES,
    RUNG_NAMES,
    SEGMENT_NAMES,
    TIER_NAMES,
    action_key_expr,
)
from kunde_cli.words.said import said

#: Columns of :func:`customer_overview` (besides the canonical contact columns).
SEGMENT = rfm.SEGMENT
RUNG = lad.RUNG
TIER = lad.TIER
ORDERS = "orders"
VALUE = "value"
ACTION = "action"
LATEST_SCORE = lad.LATEST_SCORE
LAST_ANSWER = "last_answer"
NPS_GROUP = nps_mod.NPS_CATEGORY

#: Churn tiers (analytics/churn.py), best first.
TIERS = ("active", "cooling", "inactive", "lost")
#: NPS groups a list can be filtered by.
NPS_GROUPS = (nps_mod.PROMOTERS, nps_mod.PASSIVES, nps_mod.DETRACTORS)
#: Detractors who answered within this many days before as-of get a call, not a mail.
RECENT_DETRACTOR_DAYS = 30

#: Mailing-tool shapes.
SHAPES = ("generic", "mailchimp", "klaviyo")

#: Length (hex digits) of customer pseudonyms: 48 bits, so even 1.3 million customers
#: collide with a chance of about 0.3 %; e-mail hashes get 64 bits.
PSEUDONYM_HEX = 12
EMAIL_HASH_HEX = 16
PSEUDONYM_PREFIX = "Kunde "

OVERVIEW_COLUMNS = (
    s.CUSTOMER_ID,
    s.NAME,
    s.EMAIL,
    s.PHONE,
    s.MARKETING_CONSENT,
    SEGMENT,
    rfm.R_SCORE,
    rfm.F_SCORE,
    rfm.M_SCORE,
    RUNG,
    TIER,
    LAST_ORDER,
    RECENCY,
    ORDERS,
    VALUE,
    LATEST_SCORE,
    LAST_ANSWER,
    s.COMMENT,
    ACTION,
)

#: The generic list: what a shop owner reads and most mailing tools map by hand.
GENERIC_COLUMNS = (s.EMAIL, s.NAME, SEGMENT, RUNG, TIER, LAST_ORDER, VALUE, ACTION)
#: The call list of recent detractors.
CALL_COLUMNS = (
    s.NAME,
    s.PHONE,
    s.EMAIL,
    LATEST_SCORE,
    LAST_ANSWER,
    s.COMMENT,
    SEGMENT,
    LAST_ORDER,
    ORDERS,
    VALUE,
)


# --------------------------------------------------------------------------------------
# Filter values from the command line
# --------------------------------------------------------------------------------------


def canonical_key(text: str) -> str:
    """``"Can't-lose"`` → ``"cant_lose"``: lower case, apostrophes dropped, dashes and
    spaces to underscores (Danish letters are kept).

    >>> canonical_key("Can't-lose"), canonical_key(" at risk "), canonical_key("first-time")
    ('cant_lose', 'at_risk', 'first_time')
    """
    key = re.sub(r"['’`´]", "", text.strip().lower())
    return re.sub(r"[\s\-_]+", "_", key).strip("_")


def _aliases(keys: Iterable[str], names: dict[str, tuple[str, str]]) -> dict[str, str]:
    table: dict[str, str] = {}
    for key in keys:
        table[canonical_key(key)] = key
        for name in names.get(key, ()):
            table.setdefault(canonical_key(name), key)
    return table


def parse_choices(
    values: str | Sequence[str] | None,
    allowed: Sequence[str],
    *,
    option: str,
    names: dict[str, tuple[str, str]] | None = None,
) -> list[str]:
    """Split comma-separated choices and map each onto one of ``allowed``.

    Accepts the snake_case key in any case, with dashes, spaces or apostrophes
    (``at-risk``, ``can't-lose``, ``Can't lose``), and the Danish or English name from
    ``names`` (``"i fare"``). Raises ConfigError naming the unknown value and the
    choices.

    >>> parse_choices("at-risk,can't-lose", ["at_risk", "cant_lose"], option="--segment")
    ['at_risk', 'cant_lose']
    """
    if values is None:
        return []
    items = [values] if isinstance(values, str) else list(values)
    parts = [p for item in items for p in item.split(",") if p.strip()]
    table = _aliases(allowed, names or {})
    chosen: list[str] = []
    for part in parts:
        key = table.get(canonical_key(part))
        if key is None:
            shown = ", ".join(k.replace("_", "-") for k in allowed)
            raise ConfigError(
                said("export_unknown_value", option=option, value=part.strip()),
                hint=said("export_unknown_value_hint", choices=shown),
            )
        if key not in chosen:
            chosen.append(key)
    return chosen


def parse_segments(values: str | Sequence[str] | None, config: Config | None = None) -> list[str]:
    """``--segment`` values → segment keys of the grid (``at-risk`` → ``at_risk``)."""
    grid = rfm.grid_segments((config or Config()).rfm)
    return parse_choices(values, grid, option="--segment", names=SEGMENT_NAMES)


def parse_rungs(values: str | Sequence[str] | None) -> list[str]:
    """``--rung`` values → rung keys (``first-time`` → ``first_time``)."""
    return parse_choices(values, lad.RUNGS, option="--rung", names=RUNG_NAMES)


def parse_tiers(values: str | Sequence[str] | None) -> list[str]:
    """``--tier`` values → churn tiers (active, cooling, inactive, lost)."""
    return parse_choices(values, TIERS, option="--tier", names=TIER_NAMES)


def parse_nps_groups(values: str | Sequence[str] | None) -> list[str]:
    """``--nps`` values → promoters, passives, detractors (singular accepted too)."""
    return parse_choices(values, NPS_GROUPS, option="--nps", names=NPS_GROUP_NAMES)


# --------------------------------------------------------------------------------------
# One row per person
# --------------------------------------------------------------------------------------


def contact_details(lines: Basis, *, as_of: date | datetime) -> pl.LazyFrame:
    """Per customer: the latest non-empty ``name``, ``email``, ``phone`` and
    ``marketing_consent`` on their order lines up to ``as_of``.

    Examples
    --------
    >>> lines = pl.LazyFrame({"customer_id": ["a", "a"], "name": ["Anna", None],
    ...     "email": ["a@x.dk", "anna@x.dk"], "phone": [None, None],
    ...     "marketing_consent": [True, False],
    ...     "order_date": [datetime(2024, 1, 1), datetime(2024, 2, 1)]})
    >>> contact_details(lines, as_of=date(2024, 3, 1)).collect().rows()
    [('a', 'Anna', 'anna@x.dk', None, False)]
    """
    wanted = (s.NAME, s.EMAIL, s.PHONE, s.MARKETING_CONSENT)
    return basis_at(lines, as_of).contacts.lazy().select(s.CUSTOMER_ID, *wanted)


def latest_answers(
    survey: pl.LazyFrame | None, lines: Basis, *, as_of: date | datetime
) -> pl.LazyFrame:
    """Each person's latest survey answer up to ``as_of``: ``customer_id``,
    ``latest_score``, ``last_answer`` (date), ``comment``, and the ``name``/``email``
    given with the answer. Answers are linked to customers as in
    :func:`kunde_cli.analytics.nps.link_answers`. Empty without a survey."""
    schema = {
        s.CUSTOMER_ID: pl.String,
        LATEST_SCORE: pl.Int64,
        LAST_ANSWER: pl.Date,
        s.COMMENT: pl.String,
        "_answer_name": pl.String,
        "_answer_email": pl.String,
    }
    if survey is None:
        return pl.LazyFrame(schema=schema)
    names = survey.collect_schema().names()
    survey = survey.with_columns(
        pl.lit(None, dtype=pl.String).alias(c)
        for c in (s.RESPONSE_ID, s.CUSTOMER_ID, s.EMAIL, s.NAME, s.COMMENT)
        if c not in names
    )
    linked = nps_mod.link_answers(survey, lines)
    latest = nps_mod.latest_answers(nps_mod.answers_up_to(linked, as_of=as_of)).filter(
        pl.col(s.SCORE).is_not_null() & pl.col(s.CUSTOMER_ID).is_not_null()
    )
    return latest.select(
        s.CUSTOMER_ID,
        pl.col(s.SCORE).cast(pl.Int64).alias(LATEST_SCORE),
        pl.col(s.RESPONDED_AT).dt.date().alias(LAST_ANSWER),
        pl.col(s.COMMENT).cast(pl.String),
        pl.col(s.NAME).cast(pl.String).alias("_answer_name"),
        normalise_email_expr(pl.col(s.EMAIL)).alias("_answer_email"),
    ).unique(s.CUSTOMER_ID, keep="last", maintain_order=True)


def customer_overview(
    lines: Basis,
    *,
    as_of: date | datetime,
    survey: pl.LazyFrame | None = None,
    tiers: pl.LazyFrame | None = None,
    config: Config | None = None,
    segments: pl.LazyFrame | None = None,
    rungs: pl.LazyFrame | None = None,
    answers_as_of: date | datetime | None = None,
) -> pl.LazyFrame:
    """Every known person on one row (the people of the loyalty ladder).

    Survey answers count up to ``answers_as_of`` (default ``as_of``; the day
    :func:`kunde_cli.analytics.nps.nps_as_of` picks), orders up to ``as_of``.

    Columns :data:`OVERVIEW_COLUMNS`: contact details (:func:`contact_details`, else the
    name and e-mail given with a survey answer), ``segment`` (RFM; null without a
    counted order) with its ``r_score``/``f_score``/``m_score``, ``rung``, ``tier`` (null when ``tiers`` is None), ``last_order``
    (date of the last counted order), ``recency_days``, ``orders`` (counted),
    ``value`` (net revenue, DKK incl. VAT), ``latest_score``/``last_answer``/
    ``comment`` (latest NPS answer) and ``action``: the key of the segment's suggested
    action (``segment_at_risk``), or for people without a segment of the step up the
    ladder (``rung_potential``); :func:`kunde_cli.words.actions.word_actions` words it. ``segments`` and ``rungs``
    may be passed when already computed (:func:`kunde_cli.analytics.rfm.rfm_segments`,
    :func:`kunde_cli.analytics.ladder.ladder_rungs`). Sorted by value, highest first,
    then customer id.
    """
    config = config or Config()
    if segments is None:
        segments = rfm.rfm_segments(
            rfm.rfm_scores(lines, as_of=as_of, config=config.rfm), config=config.rfm
        )
    answers_day = as_of if answers_as_of is None else answers_as_of
    if rungs is None:
        rungs = lad.ladder_rungs(
            lines,
            as_of=as_of,
            survey=survey,
            tiers=tiers,
            config=config.ladder,
            answers_as_of=answers_day,
        )
    summary = (
        basis_at(lines, as_of)
        .customers.lazy()
        .select(s.CUSTOMER_ID, pl.col(LAST_ORDER).dt.date(), RECENCY)
    )
    tier_frame = (
        tiers.select(pl.col(s.CUSTOMER_ID).cast(pl.String), pl.col(TIER).cast(pl.String)).unique(
            s.CUSTOMER_ID, keep="first"
        )
        if tiers is not None
        else pl.LazyFrame(schema={s.CUSTOMER_ID: pl.String, TIER: pl.String})
    )
    answers = latest_answers(survey, lines, as_of=answers_day).drop(LATEST_SCORE)
    action = (
        pl.when(pl.col(SEGMENT).is_not_null())
        .then(action_key_expr("segment", SEGMENT))
        .otherwise(action_key_expr("rung", RUNG))
    )
    return (
        rungs.select(
            pl.col(s.CUSTOMER_ID).cast(pl.String),
            RUNG,
            pl.col(lad.ORDERS).alias(ORDERS),
            pl.col(lad.REVENUE).alias(VALUE),
            LATEST_SCORE,
        )
        .join(
            segments.select(s.CUSTOMER_ID, SEGMENT, rfm.R_SCORE, rfm.F_SCORE, rfm.M_SCORE),
            on=s.CUSTOMER_ID,
            how="left",
        )
        .join(tier_frame, on=s.CUSTOMER_ID, how="left")
        .join(summary, on=s.CUSTOMER_ID, how="left")
        .join(contact_details(lines, as_of=as_of), on=s.CUSTOMER_ID, how="left")
        .join(answers, on=s.CUSTOMER_ID, how="left")
        .with_columns(
            pl.coalesce(s.NAME, "_answer_name").alias(s.NAME),
            pl.coalesce(
                s.EMAIL,
                "_answer_email",
                # People known only from a survey have their e-mail as their id.
                pl.when(pl.col(s.CUSTOMER_ID).str.contains("@", literal=True)).then(
                    pl.col(s.CUSTOMER_ID)
                ),
            ).alias(s.EMAIL),
            action.alias(ACTION),
        )
        .select(OVERVIEW_COLUMNS)
        .sort([VALUE, s.CUSTOMER_ID], descending=[True, False], nulls_last=True)
    )


# --------------------------------------------------------------------------------------
# Filtering into a mailing list and a call list
# --------------------------------------------------------------------------------------


def nps_group_expr() -> pl.Expr:
    """The NPS group of each person's latest answer (null without an answer)."""
    return nps_mod.nps_category_expr(pl.col(LATEST_SCORE)).alias(NPS_GROUP)


def select_customers(
    overview: pl.LazyFrame,
    *,
    segments: Sequence[str] = (),
    rungs: Sequence[str] = (),
    tiers: Sequence[str] = (),
    nps_groups: Sequence[str] = (),
) -> pl.LazyFrame:
    """The rows of ``overview`` matching every given filter (any value within one).

    An empty filter matches everyone. Examples
    --------
    >>> ov = pl.LazyFrame({"segment": ["at_risk", "lost", None], "rung": ["returning"] * 3,
    ...     "tier": [None] * 3, "latest_score": [3, 10, None]})
    >>> select_customers(ov, segments=["at_risk", "lost"], nps_groups=["detractors"]).collect().height
    1
    """
    conditions = []
    if segments:
        conditions.append(pl.col(SEGMENT).is_in(list(segments)))
    if rungs:
        conditions.append(pl.col(RUNG).is_in(list(rungs)))
    if tiers:
        conditions.append(pl.col(TIER).is_in(list(tiers)))
    if nps_groups:
        conditions.append(nps_group_expr().is_in(list(nps_groups)))
    if not conditions:
        return overview
    return overview.filter(pl.all_horizontal(conditions).fill_null(False))


@dataclass(frozen=True)
class ActionList:
    """A mailing list and what was left out of it.

    ``customers`` — people to mail (every overview column, in overview order);
    ``calls`` — detractors who answered within the last ``recent_days`` days, to call
    personally instead (:data:`CALL_COLUMNS`); ``matched`` — people matching the
    filters; ``missing_email`` — of those (after the call list), how many have no
    e-mail address; ``no_consent`` — then how many lack marketing consent (0 when the
    data has no consent column or the check was switched off); ``consent_checked``.
    """

    customers: pl.DataFrame
    calls: pl.DataFrame
    matched: int
    missing_email: int
    no_consent: int
    consent_checked: bool


def action_list(
    overview: pl.LazyFrame | pl.DataFrame,
    *,
    as_of: date | datetime,
    segments: Sequence[str] = (),
    rungs: Sequence[str] = (),
    tiers: Sequence[str] = (),
    nps_groups: Sequence[str] = (),
    check_consent: bool = True,
    recent_days: int = RECENT_DETRACTOR_DAYS,
) -> ActionList:
    """Filter ``overview`` (:func:`customer_overview`) into a mailing list.

    Steps, each counted: (1) keep people matching the filters; (2) move detractors
    (latest answer 0–6) who answered in the ``recent_days`` days ending on ``as_of``
    (answer date > as_of − recent_days) to the call list; (3) drop people without an
    e-mail address; (4) when ``check_consent`` and any consent value exists, drop
    people whose latest consent is not yes (no answer counts as no).

    Examples
    --------
    >>> ov = pl.DataFrame({"customer_id": ["a", "b", "c", "d"],
    ...     "email": ["a@x.dk", None, "c@x.dk", "d@x.dk"], "marketing_consent": [True, True, False, True],
    ...     "segment": ["at_risk"] * 4, "rung": ["returning"] * 4, "tier": [None] * 4,
    ...     "value": [10.0, 20.0, 30.0, 40.0], "latest_score": [None, None, None, 2], "last_answer": [None, None, None, date(2024, 3, 25)]},
    ...     schema_overrides={"tier": pl.String, "latest_score": pl.Int64, "last_answer": pl.Date})
    >>> out = action_list(ov, as_of=date(2024, 3, 31), segments=["at_risk"])
    >>> out.customers["customer_id"].to_list(), out.calls.height, out.missing_email, out.no_consent
    (['a'], 1, 1, 1)
    """
    day = as_of.date() if isinstance(as_of, datetime) else as_of
    frame = overview.lazy()
    selected = select_customers(
        frame, segments=segments, rungs=rungs, tiers=tiers, nps_groups=nps_groups
    ).collect()
    recent = (
        (pl.col(LATEST_SCORE) <= nps_mod.DETRACTOR_MAX)
        & (pl.col(LAST_ANSWER) > pl.lit(day - timedelta(days=recent_days)))
        & (pl.col(LAST_ANSWER) <= pl.lit(day))
    ).fill_null(False)
    calls = selected.filter(recent)
    rest = selected.filter(~recent)
    with_email = rest.filter(
        pl.col(s.EMAIL).is_not_null() & (pl.col(s.EMAIL).str.strip_chars() != "")
    )
    consent_checked = bool(
        check_consent
        and s.MARKETING_CONSENT in selected.columns
        and frame.select(pl.col(s.MARKETING_CONSENT).is_not_null().any()).collect().item()
    )
    mailable = (
        with_email.filter(pl.col(s.MARKETING_CONSENT).fill_null(False))
        if consent_checked
        else with_email
    )
    call_columns = [c for c in CALL_COLUMNS if c in calls.columns]
    return ActionList(
        customers=mailable,
        calls=calls.sort([VALUE, s.CUSTOMER_ID], descending=[True, False], nulls_last=True).select(
            call_columns
        ),
        matched=selected.height,
        missing_email=rest.height - with_email.height,
        no_consent=with_email.height - mailable.height,
        consent_checked=consent_checked,
    )


# --------------------------------------------------------------------------------------
# Shapes for mailing tools
# --------------------------------------------------------------------------------------


def _first_name() -> pl.Expr:
    return pl.col(s.NAME).str.strip_chars().str.extract(r"^(\S+)", 1)


def _last_name() -> pl.Expr:
    rest = pl.col(s.NAME).str.strip_chars().str.replace(r"^\S+\s*", "")
    return pl.when(rest.str.len_chars() > 0).then(rest)


def _tags() -> pl.Expr:
    # Tags travel as plain keys (at_risk, first_time, inactive) so an automation in the
    # mailing tool can match on them whether the report was made in Danish or English.
    return pl.concat_str(
        [pl.col(SEGMENT), pl.col(RUNG), pl.col(TIER)], separator=",", ignore_nulls=True
    )


def shape_list(frame: pl.DataFrame, shape: str = "generic") -> pl.DataFrame:
    """The columns of a mailing list in ``shape``.

    * ``generic`` — :data:`GENERIC_COLUMNS` (``email, name, segment, rung, tier,
      last_order, value, action``);
    * ``mailchimp`` — ``Email Address, First Name, Last Name, Tags`` (Mailchimp's
      contact import maps these by name; tags comma-separated) plus ``Segment``,
      ``Rung``, ``Tier``, ``Last Order``, ``Value``, ``Suggested Action``;
    * ``klaviyo`` — ``Email, First Name, Last Name`` (Klaviyo's list import) plus
      custom properties ``kunde_segment``, ``kunde_rung``, ``kunde_tier``,
      ``kunde_last_order``, ``kunde_value``, ``kunde_action``.

    Names are split at the first space (first name, rest as last name). Segment, rung,
    tier and tags stay keys in Danish and English runs alike (a mailing tool's
    automation matches on them); the action is whatever ``frame`` holds (worded by the
    caller).

    Examples
    --------
    >>> row = pl.DataFrame({"email": ["a@x.dk"], "name": ["Anna Marie Hansen"],
    ...     "segment": ["at_risk"], "rung": ["returning"], "tier": [None],
    ...     "last_order": [date(2024, 1, 2)], "value": [120.0], "action": ["Ring"]},
    ...     schema_overrides={"tier": pl.String})
    >>> shape_list(row, "mailchimp").select("First Name", "Last Name", "Tags").row(0)
    ('Anna', 'Marie Hansen', 'at_risk,returning')
    """
    if shape not in SHAPES:
        raise ConfigError(said("export_bad_shape", shapes=", ".join(SHAPES), shape=shape))
    if shape == "generic":
        return frame.select(GENERIC_COLUMNS)
    if shape == "mailchimp":
        return frame.select(
            pl.col(s.EMAIL).alias("Email Address"),
            _first_name().alias("First Name"),
            _last_name().alias("Last Name"),
            _tags().alias("Tags"),
            pl.col(SEGMENT).alias("Segment"),
            pl.col(RUNG).alias("Rung"),
            pl.col(TIER).alias("Tier"),
            pl.col(LAST_ORDER).alias("Last Order"),
            pl.col(VALUE).alias("Value"),
            pl.col(ACTION).alias("Suggested Action"),
        )
    return frame.select(
        pl.col(s.EMAIL).alias("Email"),
        _first_name().alias("First Name"),
        _last_name().alias("Last Name"),
        pl.col(SEGMENT).alias("kunde_segment"),
        pl.col(RUNG).alias("kunde_rung"),
        pl.col(TIER).alias("kunde_tier"),
        pl.col(LAST_ORDER).alias("kunde_last_order"),
        pl.col(VALUE).alias("kunde_value"),
        pl.col(ACTION).alias("kunde_action"),
    )


# --------------------------------------------------------------------------------------
# Pseudonyms
# --------------------------------------------------------------------------------------


def keyed_hash(value: str, salt: str, length: int = PSEUDONYM_HEX) -> str:
    """The first ``length`` hex digits of HMAC-SHA256(salt, value).

    >>> keyed_hash("a@x.dk", "salt", 8) == keyed_hash("a@x.dk", "salt", 8)
    True
    >>> keyed_hash("a@x.dk", "salt", 8) != keyed_hash("a@x.dk", "other", 8)
    True
    """
    return hmac.new(salt.encode("utf-8"), value.encode("utf-8"), hashlib.sha256).hexdigest()[
        :length
    ]


def _hash_column(
    frame: pl.DataFrame, source: pl.Expr, *, salt: str, length: int, namespace: str
) -> pl.Series:
    """Keyed hashes of ``source`` per row, computed once per distinct value.

    Polars has no cryptographic hash expression (``Expr.hash`` is neither keyed nor
    stable across versions), so the digests come from hashlib — over the distinct
    values only, i.e. at most one call per customer, then joined back.
    """
    values = frame.select(source.alias("_v")).get_column("_v")
    distinct = values.drop_nulls().unique()
    digests = pl.Series(
        "_h",
        [keyed_hash(f"{namespace}:{v}", salt, length) for v in distinct.to_list()],
        dtype=pl.String,
    )
    mapping = pl.DataFrame({"_v": distinct, "_h": digests})
    return (
        values.to_frame("_v")
        .join(mapping, on="_v", how="left", maintain_order="left")
        .get_column("_h")
    )


def pseudonymise(frame: pl.DataFrame, *, salt: str, prefix: str = PSEUDONYM_PREFIX) -> pl.DataFrame:
    """Replace personal data with stable pseudonyms (columns that are present).

    * ``customer_id`` → ``"Kunde " + 12 hex digits`` of the keyed hash of the id;
    * ``name`` → the same pseudonym as the customer id (or of the name itself when
      the frame has no customer id), so a name column still tells people apart;
    * ``email`` → 16 hex digits of the keyed hash of the normalised address
      (:func:`hash_emails`), the same in every list made with the same salt;
    * ``phone`` → 12 hex digits of the keyed hash of the number.

    Everything else (segment, value, dates …) is kept. Same salt, same pseudonyms.

    Examples
    --------
    >>> f = pl.DataFrame({"customer_id": ["1", "2", "1"], "name": ["Anna", "Bo", "Anna"]})
    >>> out = pseudonymise(f, salt="s")
    >>> out["name"][0] == out["name"][2] == out["customer_id"][0], out["name"][0][:6]
    (True, 'Kunde ')
    """
    columns = frame.columns
    replaced: list[pl.Series] = []
    if s.CUSTOMER_ID in columns:
        ids = _hash_column(
            frame,
            pl.col(s.CUSTOMER_ID).cast(pl.String),
            salt=salt,
            length=PSEUDONYM_HEX,
            namespace="id",
        )
        pseudo = (prefix + ids).alias(s.CUSTOMER_ID)
        replaced.append(pseudo)
        if s.NAME in columns:
            replaced.append(pseudo.alias(s.NAME))
    elif s.NAME in columns:
        names = _hash_column(
            frame, pl.col(s.NAME), salt=salt, length=PSEUDONYM_HEX, namespace="name"
        )
        replaced.append((prefix + names).alias(s.NAME))
    if s.PHONE in columns:
        replaced.append(
            _hash_column(
                frame, pl.col(s.PHONE), salt=salt, length=PSEUDONYM_HEX, namespace="phone"
            ).alias(s.PHONE)
        )
    out = frame.with_columns(replaced) if replaced else frame
    return hash_emails(out, salt=salt) if s.EMAIL in columns else out


def hash_emails(frame: pl.DataFrame, *, salt: str, column: str = s.EMAIL) -> pl.DataFrame:
    """Replace e-mail addresses by 16 hex digits of their keyed hash.

    The address is normalised first (trimmed, lower-case, spaces removed), so
    ``" Anna@X.dk"`` and ``"anna@x.dk"`` hash alike. Empty stays empty.

    >>> f = pl.DataFrame({"email": [" Anna@X.dk", "anna@x.dk", None]})
    >>> out = hash_emails(f, salt="s")["email"]
    >>> out[0] == out[1], len(out[0]), out[2]
    (True, 16, None)
    """
    normal = pl.coalesce(normalise_email_expr(pl.col(column)), pl.col(column).str.strip_chars())
    digests = _hash_column(frame, normal, salt=salt, length=EMAIL_HASH_HEX, namespace="email")
    return frame.with_columns(digests.alias(column))
